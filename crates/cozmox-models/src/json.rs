//! [`Json`]: a JSON value the spec leaves open, kept as the text sent.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::de::{self, DeserializeOwned, Unexpected};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A JSON value the spec leaves open: a property declared as any value
/// (`{}`), any object (`{"type": "object"}` without properties) or an array
/// of anything, and a union's member that matches none the spec describes.
///
/// Decoded, it holds the value's text as sent (a few bytes beyond the
/// body's own; a [`serde_json::Value`] costs 30 to 80 bytes per two-byte
/// `0,`) and reads as the value it holds: it dereferences to a `Value`
/// (a `Map` for [`JsonObject`], a `Vec` for [`JsonArray`]) built on the
/// first read and kept. Written through the view, the view is what it holds
/// from then on. It encodes as the text sent, unchanged, until then (a key
/// sent twice in an object included; the view holds its last value).
///
/// ```
/// use cozmox_models::{Json, JsonObject};
/// use serde_json::json;
///
/// let value: Json = serde_json::from_str(r#"{"a": [1, 2]}"#)?;
/// assert_eq!(value["a"][1], 2);
/// assert_eq!(value, Json::from(json!({"a": [1, 2]})));
/// assert_eq!(serde_json::to_string(&value)?, r#"{"a":[1,2]}"#);
///
/// let mut object: JsonObject = serde_json::from_str(r#"{"b": true}"#)?;
/// object.insert("c".into(), json!(null));
/// assert_eq!(serde_json::to_string(&object)?, r#"{"b":true,"c":null}"#);
/// assert!(serde_json::from_str::<JsonObject>("[1]").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Json<V: View = Value>(Repr<V>);

/// Any JSON object, as [`Json`] holds it.
pub type JsonObject = Json<Map<String, Value>>;

/// Any JSON array, as [`Json`] holds it.
pub type JsonArray = Json<Vec<Value>>;

#[derive(Clone)]
enum Repr<V> {
    /// As decoded: the text as sent, and the view built on the first read.
    Text {
        text: Box<str>,
        view: OnceLock<Box<V>>,
    },
    /// Built, or written through the view.
    Value(V),
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for serde_json::Value {}
    impl Sealed for serde_json::Map<String, serde_json::Value> {}
    impl Sealed for Vec<serde_json::Value> {}
}

/// What a [`Json`] reads as: a `Value`, a `Map` (an object) or a `Vec` (an
/// array). Implemented for those three only.
pub trait View:
    sealed::Sealed
    + Clone
    + Default
    + PartialEq
    + fmt::Debug
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The first character of the text of a value of this kind; `None`
    /// when any value is one.
    #[doc(hidden)]
    const OPENS: Option<u8>;
    /// What a value of this kind is, for errors.
    #[doc(hidden)]
    const EXPECTING: &'static str;
}

impl View for Value {
    const OPENS: Option<u8> = None;
    const EXPECTING: &'static str = "any JSON value";
}

impl View for Map<String, Value> {
    const OPENS: Option<u8> = Some(b'{');
    const EXPECTING: &'static str = "a JSON object";
}

impl View for Vec<Value> {
    const OPENS: Option<u8> = Some(b'[');
    const EXPECTING: &'static str = "a JSON array";
}

/// The value of text that was checked when it was kept (so it parses; the
/// default should it not). A union's unknown member is an object whose
/// entries were each checked on their own (127 levels at most), so it may
/// nest one level deeper than serde_json reads at once: such an object is
/// read entry by entry.
fn parse<V: View>(text: &str) -> V {
    serde_json::from_str(text)
        .or_else(|_| {
            let entries: Vec<(String, &RawValue)> = serde_json::from_str::<RawEntries<'_>>(text)?.0;
            let mut object = Map::new();
            for (key, value) in entries {
                object.insert(key, serde_json::from_str(value.get())?);
            }
            serde_json::from_value(Value::Object(object))
        })
        .unwrap_or_default()
}

/// An object's entries, each value as its text (read without counting its
/// depth: each is read again on its own).
struct RawEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for RawEntries<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> de::Visitor<'de> for Entries {
            type Value = RawEntries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(RawEntries(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

impl<V: View> Json<V> {
    /// The value, taken out.
    pub fn into_inner(self) -> V {
        match self.0 {
            Repr::Text { text, view } => view.into_inner().map_or_else(|| parse(&text), |v| *v),
            Repr::Value(value) => value,
        }
    }

    /// The value's JSON text: as sent when it was decoded and has not been
    /// written to since (a tagged union's unknown member: its entries as
    /// sent, joined without the spaces between them), else encoded from the
    /// value.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Text { text, .. } => Cow::Borrowed(text),
            Repr::Value(value) => {
                Cow::Owned(serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()))
            }
        }
    }

    /// Whether the value is still held as the text sent (it has not been
    /// read as a value, nor written to).
    pub fn is_text(&self) -> bool {
        matches!(&self.0, Repr::Text { view, .. } if view.get().is_none())
    }

    /// `text`, JSON checked as serde_json checks what it parses, as a
    /// `Json`.
    pub(crate) fn from_checked(text: impl Into<Box<str>>) -> Self {
        Json(Repr::Text {
            text: text.into(),
            view: OnceLock::new(),
        })
    }

    /// The value for `Debug` and `==`: the view if it was built, else one
    /// built for the moment (not kept).
    fn as_view(&self) -> Cow<'_, V> {
        match &self.0 {
            Repr::Text { text, view } => match view.get() {
                Some(value) => Cow::Borrowed(&**value),
                None => Cow::Owned(parse(text)),
            },
            Repr::Value(value) => Cow::Borrowed(value),
        }
    }
}

impl Json<Value> {
    /// The value of property `key` if the value is an object, read from the
    /// text without building the whole value (what drift reports read).
    pub(crate) fn property(&self, key: &str) -> Option<Value> {
        match &self.0 {
            Repr::Text { text, view } if view.get().is_none() => crate::de::property(text, key),
            _ => self.get(key).cloned(),
        }
    }
}

impl<V: View> Deref for Json<V> {
    type Target = V;

    /// The value (built from the text as sent on the first read, and kept).
    fn deref(&self) -> &V {
        match &self.0 {
            Repr::Text { text, view } => view.get_or_init(|| Box::new(parse(text))),
            Repr::Value(value) => value,
        }
    }
}

impl<V: View> DerefMut for Json<V> {
    fn deref_mut(&mut self) -> &mut V {
        if let Repr::Text { text, view } = &mut self.0 {
            let value = view.take().map_or_else(|| parse(text), |v| *v);
            self.0 = Repr::Value(value);
        }
        match &mut self.0 {
            Repr::Value(value) => value,
            Repr::Text { .. } => unreachable!("made `Value` above"),
        }
    }
}

impl<V: View> Default for Json<V> {
    /// `null`, the empty object or the empty array.
    fn default() -> Self {
        Json(Repr::Value(V::default()))
    }
}

/// Equal by content (not by how the text was spaced as sent).
impl<V: View> PartialEq for Json<V> {
    fn eq(&self, other: &Self) -> bool {
        if let (Repr::Text { text: a, .. }, Repr::Text { text: b, .. }) = (&self.0, &other.0)
            && a == b
        {
            return true;
        }
        *self.as_view() == *other.as_view()
    }
}

impl<V: View + Eq> Eq for Json<V> {}

impl<V: View> PartialEq<V> for Json<V> {
    fn eq(&self, other: &V) -> bool {
        *self.as_view() == *other
    }
}

impl<V: View> fmt::Debug for Json<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.as_view(), f)
    }
}

/// The value's JSON text, as [`Json::text`] gives it.
impl<V: View> fmt::Display for Json<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl<V: View> From<V> for Json<V> {
    fn from(value: V) -> Self {
        Json(Repr::Value(value))
    }
}

impl From<Map<String, Value>> for Json<Value> {
    fn from(object: Map<String, Value>) -> Self {
        Json(Repr::Value(Value::Object(object)))
    }
}

impl From<Vec<Value>> for Json<Value> {
    fn from(array: Vec<Value>) -> Self {
        Json(Repr::Value(Value::Array(array)))
    }
}

impl From<Json<Value>> for Value {
    fn from(json: Json<Value>) -> Self {
        json.into_inner()
    }
}

impl From<JsonObject> for Map<String, Value> {
    fn from(json: JsonObject) -> Self {
        json.into_inner()
    }
}

impl From<JsonArray> for Vec<Value> {
    fn from(json: JsonArray) -> Self {
        json.into_inner()
    }
}

impl<V: View> Serialize for Json<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            // An object entry by entry: a union's unknown member is built
            // from entries of up to 127 levels each, one more than serde_json
            // reads at once.
            Repr::Text { text, .. } if text.starts_with('{') => {
                use serde::ser::SerializeMap as _;
                let entries = serde_json::from_str::<RawEntries<'_>>(text)
                    .map_err(serde::ser::Error::custom)?
                    .0;
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in &entries {
                    map.serialize_entry(key, &crate::unknown::AsSent(value))?;
                }
                map.end()
            }
            Repr::Text { text, .. } => crate::unknown::write_as_sent(text, serializer),
            Repr::Value(value) => value.serialize(serializer),
        }
    }
}

/// Read as the value's text, checked as serde_json checks a value it parses
/// (so it always parses and encodes again); a `JsonObject` or `JsonArray`
/// refuses any other kind of value.
impl<'de, V: View> Deserialize<'de> for Json<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = crate::de::checked_text(deserializer)?;
        // An empty object or array, or a number, `true`, `false` or `null`:
        // a value that holds nothing on the heap, cheaper than its text.
        if !text.starts_with('"')
            && (text.len() <= 2 || !text.starts_with(['{', '[']))
            && let Ok(value) = serde_json::from_str::<V>(&text)
        {
            return Ok(Json(Repr::Value(value)));
        }
        if let Some(opens) = V::OPENS {
            let first = text.as_bytes().first().copied();
            if first != Some(opens) {
                return Err(de::Error::invalid_type(unexpected(&text), &V::EXPECTING));
            }
        }
        match text {
            Cow::Borrowed(text) => Ok(Json::from_checked(text)),
            // From a deserializer that does not lend its text (a `Value`,
            // another format): the value it was read as, parsed again from
            // its text (held as that text if it cannot be).
            Cow::Owned(text) => Ok(serde_json::from_str::<V>(&text).map_or_else(
                |_| Json::from_checked(text),
                |value| Json(Repr::Value(value)),
            )),
        }
    }
}

/// What kind of value `text` (checked JSON) is, for an error.
fn unexpected(text: &str) -> Unexpected<'_> {
    match text.as_bytes().first() {
        Some(b'{') => Unexpected::Map,
        Some(b'[') => Unexpected::Seq,
        Some(b'"') => Unexpected::Other("string"),
        Some(b't') => Unexpected::Bool(true),
        Some(b'f') => Unexpected::Bool(false),
        Some(b'n') => Unexpected::Unit,
        _ => Unexpected::Other("number"),
    }
}

impl<V: View> crate::drift::Drift for Json<V> {
    /// Nothing: the spec describes any value here.
    #[inline]
    fn drift<'a>(&'a self, _: &mut crate::drift::Collector<'a>) {}
}

#[cfg(feature = "schemars")]
impl<V: View + schemars::JsonSchema> schemars::JsonSchema for Json<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        V::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        V::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Json, JsonArray, JsonObject};

    #[test]
    fn decoded_values_are_kept_as_sent_until_read() {
        let value: Json = serde_json::from_str(r#"{ "a" : [1,  2], "b": "x" }"#).unwrap();
        assert!(value.is_text());
        // Encoded as the values sent, to any serializer.
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"a":[1,2],"b":"x"}"#
        );
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            json!({"a": [1, 2], "b": "x"})
        );
        // `==`, `Debug` and `Display` build no value to keep.
        assert_eq!(value, Json::from(json!({"b": "x", "a": [1, 2]})));
        assert_eq!(value, json!({"b": "x", "a": [1, 2]}));
        assert_eq!(value.to_string(), r#"{ "a" : [1,  2], "b": "x" }"#);
        assert!(format!("{value:?}").starts_with("Object {"));
        assert_eq!(value.property("b"), Some(json!("x")));
        assert_eq!(value.property("c"), None);
        assert!(value.is_text());
        // Read as a value: built once, kept.
        assert_eq!(value["a"][1], 2);
        assert!(!value.is_text());
        assert_eq!(value.text(), r#"{ "a" : [1,  2], "b": "x" }"#);
        // Written: the value is what it holds from then on.
        let mut value = value;
        value["c"] = json!(null);
        assert_eq!(
            value.text(),
            r#"{"a":[1,2],"b":"x","c":null}"#,
            "encoded from the value once written"
        );
        assert_eq!(Value::from(value)["c"], Value::Null);
    }

    #[test]
    fn objects_and_arrays_refuse_other_kinds_of_value() {
        let object: JsonObject = serde_json::from_str(r#"{"k": {"n": 1}}"#).unwrap();
        assert_eq!(object.get("k"), Some(&json!({"n": 1})));
        let error = serde_json::from_str::<JsonObject>(r#"[{"k": 1}]"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid type: sequence, expected a JSON object"),
            "{error}"
        );
        let array: JsonArray = serde_json::from_str("[0, 0, 0]").unwrap();
        assert_eq!(array.len(), 3);
        assert!(serde_json::from_str::<JsonArray>(r#""[]""#).is_err());
        assert!(serde_json::from_str::<JsonArray>("null").is_err());
        assert_eq!(JsonObject::default().text(), "{}");
        assert_eq!(Json::<Value>::default().text(), "null");
    }

    #[test]
    fn kept_text_is_checked_as_serde_json_checks_what_it_parses() {
        // Out of range, a lone surrogate, deeper than serde_json's limit.
        for bad in [
            "1e400".to_owned(),
            r#""\ud800""#.to_owned(),
            format!("{}{}", "[".repeat(200), "]".repeat(200)),
        ] {
            assert!(serde_json::from_str::<Json>(&bad).is_err(), "{bad:.20}");
        }
        // A key sent twice: kept as sent; read as a value, the last one
        // (as a `Map` keeps it).
        let twice: Json = serde_json::from_str(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(serde_json::to_string(&twice).unwrap(), r#"{"a":1,"a":2}"#);
        assert_eq!(twice.property("a"), Some(json!(2)));
        assert_eq!(twice["a"], 2);
        // Text that needs no check is taken as it is; text that does is
        // checked (an escape, an exponent, deep nesting).
        for (text, plain) in [
            (r#"{"a": [1, 2.5, -3], "b": "x", "c": true}"#, true),
            (r#"{"a": "\n"}"#, false),
            ("[1e5]", false),
            (&format!("{}{}", "[".repeat(127), "]".repeat(127)), true),
            (&format!("{}{}", "[".repeat(128), "]".repeat(128)), false),
        ] {
            assert_eq!(crate::de::plain(text), plain, "{text:.20}");
            match serde_json::from_str::<Json>(text) {
                Ok(value) => assert_eq!(value.text(), text),
                Err(error) => assert!(text.starts_with("[[[["), "{text:.20}: {error}"),
            }
        }
        // From a `Value` (a deserializer that does not lend its text).
        let from_value: Json = serde_json::from_value(json!({"z": [true]})).unwrap();
        assert_eq!(from_value.text(), r#"{"z":[true]}"#);
    }
}
