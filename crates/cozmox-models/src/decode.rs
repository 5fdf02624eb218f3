//! Decoding JSON with errors that say where.
//!
//! [`decode`] takes what the server sends (unknown fields, enum values and
//! union members are kept, see [`crate::drift`]) and fails only on what
//! cannot be represented: a required field that is missing or does not
//! decode as its type. The error names the JSON path and what was expected.
//! The value of an *optional* field that does not decode as the field's
//! type does not lose the response: the field reads as absent, the value is
//! kept as sent in the object's [`UnknownFields`](crate::UnknownFields) (so
//! it re-encodes unchanged), and [`Drift::unknown_data`] lists it with why.
//! [`decode_strict`] fails on any of that, and on any data the spec does not
//! describe.
//!
//! ```
//! use cozmox_models::{Drift, Session, decode, decode_strict};
//!
//! // `status` is optional: a number there is kept, and reported.
//! let json = br#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z",
//!                 "updatedAt": "2023-11-07T05:31:56Z", "status": 42}"#;
//! let session = decode::<Session>(json)?;
//! assert!(session.status.is_none());
//! assert_eq!(session.unknown_data()[0].path, "status");
//! assert_eq!(serde_json::to_value(&session)?["status"], 42);
//! assert!(decode_strict::<Session>(json).is_err());
//!
//! // `orgId` is required: the response does not decode.
//! let json = br#"{"id": "s1", "orgId": 5, "createdAt": "2023-11-07T05:31:56Z",
//!                 "updatedAt": "2023-11-07T05:31:56Z"}"#;
//! let error = decode::<Session>(json).unwrap_err();
//! assert_eq!(error.path(), "orgId");
//! assert!(error.message().starts_with("invalid type: integer `5`, expected a string"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::de::DeserializeOwned;

use crate::drift::{Drift, UnknownData};

/// A value that does not decode: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    /// Whether the path starts at an index a decoder recorded (so the
    /// document's own array index is not added again, [`Self::in_document`]).
    indexed: bool,
}

impl DecodeError {
    /// JSON path of the value that failed (`assistant.model.tools[0].type`);
    /// `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the input where decoding stopped (0 if unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the input where decoding stopped (0 if unknown).
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A serde_json error without a path (`.`): for errors found without
/// tracking one.
impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        let mut message = e.to_string();
        if e.line() > 0 {
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        DecodeError {
            path: ".".to_owned(),
            message,
            line: e.line(),
            column: e.column(),
            indexed: false,
        }
    }
}

impl From<serde_path_to_error::Error<serde_json::Error>> for DecodeError {
    fn from(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = e.path().to_string();
        DecodeError {
            path,
            ..DecodeError::from(e.into_inner())
        }
    }
}

impl DecodeError {
    /// The error of the whole document `text`: when that is an array, the
    /// index of the element where decoding stopped leads the path. serde's
    /// `Vec`, which a list response decodes with, records no index (the
    /// generated decoders' array fields do, see [`Step`]); the element is
    /// found from the error's position, on this error path only.
    #[cold]
    fn in_document(mut self, text: &str) -> Self {
        if self.line == 0 || self.indexed || !text.trim_start().starts_with('[') {
            return self;
        }
        let offset = text
            .split_inclusive('\n')
            .take(self.line - 1)
            .map(str::len)
            .sum::<usize>()
            + self.column;
        if let Some(index) = element_at(text, offset) {
            self.path = match self.path.as_str() {
                "." => format!("[{index}]"),
                inner => format!("[{index}].{inner}"),
            };
        }
        self
    }

    /// `error`, at the path its way out of the decoders recorded (see
    /// [`Step`]); the record is taken, so the next error starts afresh.
    pub(crate) fn traced(error: serde_json::Error) -> Self {
        let (path, indexed) = take_path();
        DecodeError {
            path,
            indexed,
            ..DecodeError::from(error)
        }
    }
}

/// The index of the element of the array `text` that holds byte `offset`
/// (from its first byte, where serde_json reports a value of the wrong type,
/// to just after its last, where a decoder stops reading it; elements are
/// apart by a comma, so no offset is in two); for an array that does not read to its end, the element
/// being read when it stopped. `None` when no element holds it.
fn element_at(text: &str, offset: usize) -> Option<usize> {
    struct Spans<'a> {
        base: usize,
        spans: &'a mut Vec<(usize, usize)>,
    }
    impl<'de> serde::de::Visitor<'de> for Spans<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<bool, S::Error> {
            loop {
                match seq.next_element::<&'de serde_json::value::RawValue>() {
                    Ok(Some(raw)) => {
                        let raw = raw.get();
                        let start = raw.as_ptr() as usize - self.base;
                        self.spans.push((start, start + raw.len()));
                    }
                    Ok(None) => return Ok(true),
                    Err(_) => return Ok(false),
                }
            }
        }
    }
    let mut spans = Vec::new();
    let mut reading = serde_json::Deserializer::from_str(text);
    let whole = serde::Deserializer::deserialize_seq(
        &mut reading,
        Spans {
            base: text.as_ptr() as usize,
            spans: &mut spans,
        },
    )
    .unwrap_or(false);
    if let Some(index) = spans
        .iter()
        .position(|&(start, end)| start <= offset && offset <= end)
    {
        return Some(index);
    }
    let read = spans.last().map_or(0, |&(_, end)| end);
    (!whole && offset > read).then_some(spans.len())
}

/// One step of the JSON path of an error, recorded as the error leaves the
/// decoder that was reading there: a struct's field ([`crate::de::required`],
/// [`crate::de::optional`]), a key kept as unknown ([`crate::de::keep`]), an
/// element of an array field ([`crate::de::Seq`]).
///
/// The path is recorded as the error unwinds, not tracked on the way in:
/// decoding that succeeds records nothing and pays nothing for it, and
/// there is one copy of each generated decoder, the one the document is
/// decoded with. (`serde_path_to_error`, which tracks the path on the way
/// in, wraps the deserializer: a second copy of every decoder, in every
/// crate that decodes, about a fifth of the build of the generated crates.)
/// A decoder that catches an error and goes on (a union trying another
/// member, an optional field kept as sent) forgets what it recorded
/// ([`forget`]), or keeps it aside for an error it may report later
/// ([`take_trail`], [`restore`]).
pub(crate) enum Step {
    Field(&'static str),
    Key(Box<str>),
    Index(usize),
}

/// The most steps kept: the outer steps of a longer path are dropped
/// (serde_json nests at most 128 levels; a deserializer that catches errors
/// without forgetting their steps, which no decoder of this crate does but
/// a user's `#[serde(untagged)]` enum around generated types does, cannot
/// grow the record past this).
const MAX_STEPS: usize = 256;

thread_local! {
    /// The steps of the error on its way out, innermost first.
    static TRAIL: RefCell<Vec<Step>> = const { RefCell::new(Vec::new()) };
}

/// Record `step` of the path of an error on its way out.
#[cold]
#[inline(never)]
pub(crate) fn record(step: Step) {
    // `try_with`: nothing is recorded while the thread's locals are torn
    // down (a decode in another thread-local's destructor).
    let _ = TRAIL.try_with(|trail| {
        if let Ok(mut trail) = trail.try_borrow_mut()
            && trail.len() < MAX_STEPS
        {
            trail.push(step);
        }
    });
}

/// Forget the steps recorded: the error they were the path of was caught
/// and dropped.
#[inline]
pub(crate) fn forget() {
    let _ = TRAIL.try_with(|trail| {
        if let Ok(mut trail) = trail.try_borrow_mut()
            && !trail.is_empty()
        {
            trail.clear();
        }
    });
}

/// The steps recorded, taken out (for an error that may be reported later:
/// [`restore`] puts them back).
#[cold]
pub(crate) fn take_trail() -> Vec<Step> {
    TRAIL
        .try_with(|trail| trail.try_borrow_mut().map(|mut t| std::mem::take(&mut *t)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// Put back the steps [`take_trail`] took, for the error they belong to,
/// which is being returned now.
#[cold]
pub(crate) fn restore(steps: Vec<Step>) {
    let _ = TRAIL.try_with(|trail| {
        if let Ok(mut trail) = trail.try_borrow_mut() {
            *trail = steps;
        }
    });
}

/// The path the steps recorded spell (`.` for none), as
/// `serde_path_to_error` writes one: `messages[3].content`; the record is
/// taken.
#[cold]
pub(crate) fn take_path() -> (String, bool) {
    let steps = take_trail();
    let indexed = matches!(steps.last(), Some(Step::Index(_)));
    (path_of(&steps), indexed)
}

/// "`path`: " for the steps of an error reported inside another one's
/// message (a union member's, when no member fits); empty for none.
#[cold]
pub(crate) fn path_prefix(steps: &[Step]) -> String {
    if steps.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", path_of(steps))
    }
}

/// The path `steps` (innermost first) spell.
fn path_of(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".to_owned();
    }
    let mut path = String::new();
    for step in steps.iter().rev() {
        match step {
            Step::Index(i) => {
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
            }
            Step::Field(name) => push_name(&mut path, name),
            Step::Key(name) => push_name(&mut path, name),
        }
    }
    path
}

fn push_name(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// Decode `json` as a `T`, keeping data the spec does not describe, and the
/// values of optional fields that do not decode as their types (see the
/// [module docs](self)).
///
/// A document that decodes costs less than `serde_json::from_slice`:
/// - the input is checked for UTF-8 once, as a whole, and then read as a
///   `str`. `from_slice` checks every string and key on its own, which was
///   about 15 % of the instructions of decoding a `Session`. Input that is not
///   UTF-8 is not JSON (RFC 8259 §8.1) and fails, with the path of the first
///   string that is not, or of what does not parse before it;
/// - the JSON path of an error is recorded only as the error leaves the
///   decoders: nothing is tracked while decoding succeeds (path
///   tracking copies every key, which made decoding about 1.5× slower);
/// - optional fields are tolerated only when decoding fails: a second
///   decoding buffers the value of each optional field and decodes it on
///   its own, so that one which does not fit is kept as sent instead of
///   failing the document.
pub fn decode<T: DeserializeOwned>(json: &[u8]) -> Result<T, DecodeError> {
    let text = utf8(json)?;
    forget();
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        // Not JSON, or deeper than serde_json's limit as a whole (counting
        // the values read as text, which its own count skips): no optional
        // field can be the reason; the error, at the path it recorded.
        Err(e) if !crate::de::reads_as_a_whole(text) => {
            Err(DecodeError::traced(e).in_document(text))
        }
        Err(_) => {
            forget();
            crate::de::tolerantly(|| decode_traced(text)).map_err(|e| e.in_document(text))
        }
    }
}

/// `json` as text, or the error of the first place in it that is not UTF-8
/// (or does not parse before it).
///
/// Every decoder reads text (`StrRead`): one that read bytes too (serde_json's
/// `from_slice`) would be a second copy of every generated decoder in the
/// crates that call [`decode`], about a fifth of their machine code, for
/// input that cannot decode anyway. Only `Value` is read from the bytes, to
/// say where they are not UTF-8.
fn utf8(json: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(json).map_err(|not_utf8| {
        let mut de = serde_json::Deserializer::from_slice(json);
        match serde_path_to_error::deserialize::<_, serde_json::Value>(&mut de) {
            Err(e) => DecodeError::from(e),
            // The value parses (a `Value` reads every string as UTF-8): the
            // bytes that are not UTF-8 come after it.
            Ok(_) => DecodeError {
                path: ".".to_owned(),
                message: format!("the input is not UTF-8 at byte {}", not_utf8.valid_up_to()),
                line: 0,
                column: 0,
                indexed: false,
            },
        }
    })
}

/// [`decode`]'s reading of `json` as a `T`, the error at its path
/// (tolerating optional fields when called inside
/// [`crate::de::tolerantly`]).
pub(crate) fn decode_traced<T: DeserializeOwned>(json: &str) -> Result<T, DecodeError> {
    serde_json::from_str(json).map_err(DecodeError::traced)
}

impl DecodeError {
    /// The error without its position: for a value decoded on its own from a
    /// buffer, where the position is not one in the input.
    pub(crate) fn without_position(mut self) -> Self {
        self.line = 0;
        self.column = 0;
        self
    }
}

/// Why [`decode_strict`] refused a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrictError {
    /// It does not decode at all.
    Decode(DecodeError),
    /// It decodes, but holds data the spec does not describe.
    Unknown(Vec<UnknownData>),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrictError::Decode(e) => e.fmt(f),
            StrictError::Unknown(found) => {
                write!(
                    f,
                    "{} place(s) hold data the spec does not describe:",
                    found.len()
                )?;
                for u in found {
                    write!(f, "\n  {u}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for StrictError {}

/// Decode `json` as a `T` and fail if any value does not decode as its type
/// (optional fields too, with the path) or it holds any data the spec does
/// not describe (unknown fields, enum values or union members): for tests
/// that pin a server to the spec.
pub fn decode_strict<T: DeserializeOwned + Drift>(json: &[u8]) -> Result<T, StrictError> {
    let text = utf8(json).map_err(StrictError::Decode)?;
    forget();
    let value: T = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return Err(StrictError::Decode(
                DecodeError::traced(e).in_document(text),
            ));
        }
    };
    let unknown = value.unknown_data();
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(StrictError::Unknown(unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    /// Decoded as the generated structs are: fields record their names,
    /// array fields the index, in the path of an error.
    #[derive(Debug)]
    struct Named {
        name: String,
        items: Option<Vec<Named>>,
    }

    impl crate::Drift for Named {
        fn drift<'a>(&'a self, _: &mut crate::drift::Collector<'a>) {}
    }

    impl<'de> serde::Deserialize<'de> for Named {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Named;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a Named")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Named, A::Error> {
                    use crate::de::{Decoded, Key, Seq, keep, optional, required};
                    let tolerant = crate::de::tolerant();
                    let mut unknown = crate::UnknownFields::new();
                    let (mut name, mut items) = (None, None);
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "name" => name = Some(required(&mut map, "name")?),
                            "items" => {
                                items = Decoded::field(optional::<_, Option<Seq<Named>>>(
                                    tolerant,
                                    &mut map,
                                    "items",
                                    &mut unknown,
                                )?)
                                .flatten();
                            }
                            _ => keep(&mut map, key, &mut unknown)?,
                        }
                    }
                    Ok(Named {
                        name: name.ok_or_else(|| serde::de::Error::missing_field("name"))?,
                        items,
                    })
                }
            }
            d.deserialize_map(V)
        }
    }

    #[test]
    fn text_that_is_not_utf8_fails_with_the_path_of_the_string() {
        let error = decode::<Named>(b"{\"name\": \"caf\xe9\"}").expect_err("not UTF-8");
        assert_eq!(error.path(), "name", "{error}");
        assert!(error.message().contains("unicode"), "{error}");
    }

    #[test]
    fn bytes_that_are_not_utf8_after_the_value_fail_saying_where() {
        let error = decode::<Named>(b"{\"name\": \"x\"} \xff").expect_err("not UTF-8");
        assert_eq!(error.path(), ".", "{error}");
        assert_eq!(
            error.message(),
            "the input is not UTF-8 at byte 14",
            "{error}"
        );
    }

    #[test]
    fn utf8_text_decodes_with_escapes_and_errors_keep_their_path() {
        let named = decode::<Named>("{\"name\": \"caf\u{e9} \\u00e9\"}".as_bytes()).expect("UTF-8");
        assert_eq!(named.name, "caf\u{e9} \u{e9}");
        let error = decode::<Named>(b"{\"name\": 5}").expect_err("a number");
        assert_eq!(error.path(), "name", "{error}");
    }

    #[test]
    fn the_path_names_fields_and_indices_on_every_path() {
        let json =
            br#"{"name": "a", "items": [{"name": "b"}, {"name": "c", "items": [{"name": 1}]}]}"#;
        // `items` is optional: strictly, the error is at its place.
        let strict = super::decode_strict::<Named>(json).map(|_| ()).unwrap_err();
        assert_eq!(
            strict.to_string().split(':').next(),
            Some("at `items[1].items[0].name`")
        );
        // Tolerantly, the document decodes; the value kept says why, at the
        // path inside it.
        let decoded = decode::<Named>(json).expect("tolerated");
        let items = decoded.items.expect("the outer array decodes");
        assert_eq!(items[1].name, "c");
        assert!(items[1].items.is_none());
        // A required field fails the document where it is, whether the
        // error comes from the first reading or the tolerant one.
        let error = decode::<Named>(br#"{"items": [{"name": "b"}], "name": ["x"]}"#).unwrap_err();
        assert_eq!(error.path(), "name", "{error}");
        // Input that does not parse: the path to where it stops.
        let error = decode::<Named>(br#"{"name": "a", "items": [{"name": "b"}, {"name": "c", "#)
            .unwrap_err();
        assert_eq!(error.path(), "items[1]", "{error}");
        // A key the struct does not declare, whose value does not parse.
        let error = decode::<Named>(br#"{"name": "a", "extra": [1, }"#).unwrap_err();
        assert_eq!(error.path(), "extra", "{error}");
    }

    #[test]
    fn a_document_that_is_an_array_names_the_element() {
        let json =
            b"[{\"name\": \"a\"},\n {\"name\": \"b\", \"items\": [{\"name\": 1}]}, {\"name\": 2}]";
        let error = decode::<Vec<Named>>(json).unwrap_err();
        assert_eq!(error.path(), "[2].name", "{error}");
        let strict = super::decode_strict::<Vec<Named>>(json)
            .map(|_| ())
            .unwrap_err();
        assert!(
            strict.to_string().starts_with("at `[1].items[0].name`"),
            "{strict}"
        );
        // A missing field: the element it is missing from.
        let error = decode::<Vec<Named>>(br#"[{"name": "a"}, {"items": []}]"#).unwrap_err();
        assert_eq!(error.path(), "[1]", "{error}");
        // Not an object where one is expected, found at the element's first
        // byte.
        let error = decode::<Vec<Named>>(br#"[{"name": "a"}, []]"#).unwrap_err();
        assert_eq!(error.path(), "[1]", "{error}");
        // A key that starts like an index.
        let error = decode::<Vec<Named>>(br#"[{"name": "a", "[k": [1, }]"#).unwrap_err();
        assert_eq!(error.path(), "[0].[k", "{error}");
        // Input that stops inside an element.
        let error =
            decode::<Vec<Named>>(br#"[{"name": "a"}, {"name": "b"}, {"name": "#).unwrap_err();
        assert_eq!(error.path(), "[2].name", "{error}");
        // Not an array where one is expected, and an array where an object is.
        assert_eq!(
            decode::<Vec<Named>>(br#"{"name": "a"}"#)
                .unwrap_err()
                .path(),
            "."
        );
        assert_eq!(
            decode::<Named>(br#"[{"name": "a"}]"#).unwrap_err().path(),
            "."
        );
        // After the array.
        assert_eq!(
            decode::<Vec<Named>>(br#"[{"name": "a"}] x"#)
                .unwrap_err()
                .path(),
            "."
        );
    }

    #[test]
    fn an_error_caught_leaves_no_step_behind() {
        // A user's own reading of a generated type, which fails: its steps
        // are left on this thread, and the next decode starts afresh.
        assert!(serde_json::from_str::<Named>(r#"{"items": [{"name": 1}]}"#).is_err());
        let error = decode::<Named>(br#"{"name": 2}"#).unwrap_err();
        assert_eq!(error.path(), "name", "{error}");
        // An optional value kept as sent takes its error's path with it.
        let decoded =
            decode::<Named>(br#"{"name": "a", "items": [{"name": 3}]}"#).expect("tolerated");
        assert!(decoded.items.is_none());
        let error = decode::<Named>(br#"{"name": "a", "items": [], "name": 4}"#).unwrap_err();
        assert_eq!(error.path(), "name", "{error}");
    }

    #[test]
    fn the_record_is_bounded() {
        for _ in 0..super::MAX_STEPS * 2 {
            let _ = serde_json::from_str::<Named>(r#"{"items": [{"items": [{"name": 1}]}]}"#);
        }
        assert!(super::TRAIL.with(|t| t.borrow().len()) <= super::MAX_STEPS);
    }
}
