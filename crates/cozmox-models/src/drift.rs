//! Seeing the drift between the server and the spec.
//!
//! Decoding never rejects data the spec does not describe: an unknown enum
//! value, an unknown union member or an unknown object field is kept in the
//! decoded value and re-encodes unchanged, and so is the value of an
//! optional field that does not decode as its type ([`crate::decode()`]). [`Drift::unknown_data`] lists where
//! a decoded value holds such data, for logging in production;
//! [`crate::decode_strict`] fails on any of it, for tests.
//!
//! ```
//! use cozmox_models::{Drift, Session};
//!
//! let json = r#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z",
//!                "updatedAt": "2023-11-07T05:31:56Z", "status": "paused", "color": "red"}"#;
//! let session: Session = serde_json::from_str(json)?;
//! let paths: Vec<String> = session.unknown_data().iter().map(|u| u.to_string()).collect();
//! assert_eq!(paths, [
//!     "status: unknown value \"paused\"",
//!     "color: unknown field",
//! ]);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::{Map, Value};

use crate::{Json, UnknownFields};

/// How many places [`Drift::unknown_data`] lists at most; past them, one
/// [`UnknownKind::Omitted`] entry counts the rest. A body of many unknown
/// keys cannot make the report larger than the body many times over.
pub const MAX_REPORTED: usize = 1000;

/// The longest path [`Drift::unknown_data`] writes, in bytes: a longer one
/// keeps its beginning and its last segment, with `…` between them.
pub const MAX_PATH_BYTES: usize = 512;

/// Where a decoded value holds data the spec does not describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownData {
    /// JSON path, as in decode errors: `assistant.model.tools[0].type`
    /// (at most [`MAX_PATH_BYTES`], shortened with `…` past that).
    pub path: String,
    /// What is unknown there.
    pub kind: UnknownKind,
}

/// The kinds of data the spec does not describe.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownKind {
    /// An object field the spec does not declare.
    Field,
    /// A value the enum does not list (a number as its decimal text, `3`).
    EnumValue(String),
    /// A union value whose tag no member has.
    UnionMember {
        /// The union's Rust type.
        union: &'static str,
        /// The tag property.
        tag: &'static str,
        /// The tag's value as sent (`null` when it is not a string).
        value: String,
    },
    /// The value of an optional field that does not decode as the field's
    /// type: the field reads as absent, and the value is kept as sent. The
    /// error's path is relative to the field's value (`.` for the value
    /// itself, `[0].message` inside it).
    Invalid(crate::DecodeError),
    /// A value that none of an untagged union's members accepts.
    NoMember {
        /// The union's Rust type.
        union: &'static str,
        /// What each member rejected: (member, decode error).
        rejected: Vec<(&'static str, String)>,
    },
    /// The last entry when more than [`MAX_REPORTED`] places hold unknown
    /// data: how many more there are (not listed). Its path is empty.
    Omitted(usize),
}

impl fmt::Display for UnknownData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "."
        } else {
            &self.path
        };
        match &self.kind {
            UnknownKind::Field => write!(f, "{path}: unknown field"),
            UnknownKind::Omitted(n) => write!(f, "… and {n} more places with unknown data"),
            UnknownKind::EnumValue(v) => write!(f, "{path}: unknown value {v:?}"),
            UnknownKind::Invalid(error) => {
                write!(f, "{path}: does not decode, kept as sent ({error})")
            }
            UnknownKind::UnionMember { union, tag, value } => {
                write!(f, "{path}: unknown {union} member ({tag} = {value})")
            }
            UnknownKind::NoMember { union, rejected } => {
                write!(f, "{path}: matches no member of {union}")?;
                for (i, (member, error)) in rejected.iter().enumerate() {
                    let sep = if i == 0 { " (" } else { "; " };
                    write!(f, "{sep}{member}: {error}")?;
                }
                if !rejected.is_empty() {
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

/// Walks a decoded value and collects the [`UnknownData`] in it.
#[derive(Default)]
pub struct Collector<'a> {
    path: Vec<Segment<'a>>,
    found: Vec<UnknownData>,
    /// Places past [`MAX_REPORTED`].
    omitted: usize,
    count_only: usize,
    counting: bool,
}

/// Cut `text` to at most `max` bytes, at a character boundary.
fn cut_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut at = max;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Collector<'a> {
    /// The path to `last` (or to the current value), at most about
    /// [`MAX_PATH_BYTES`]: past that, `…` and the last segment.
    fn path(&self, last: Option<&str>) -> String {
        fn push(out: &mut String, segment: &Segment<'_>) {
            match segment {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    use fmt::Write as _;
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        let last = last.map(Segment::Key);
        let all: Vec<&Segment<'_>> = self.path.iter().chain(last.as_ref()).collect();
        let mut out = String::new();
        let mut shown = 0;
        for segment in &all {
            push(&mut out, segment);
            shown += 1;
            if out.len() > MAX_PATH_BYTES / 2 {
                break;
            }
        }
        if shown == all.len() && out.len() <= MAX_PATH_BYTES {
            return out;
        }
        cut_at_char(&mut out, MAX_PATH_BYTES / 2);
        let mut tail = String::new();
        if let Some(segment) = all.last().filter(|_| shown < all.len()) {
            push(&mut tail, segment);
        }
        cut_at_char(&mut tail, MAX_PATH_BYTES / 2);
        out.push('…');
        out.push_str(tail.trim_start_matches('.'));
        out
    }

    fn report(&mut self, last: Option<&str>, kind: UnknownKind) {
        if self.counting {
            self.count_only += 1;
        } else if self.found.len() < MAX_REPORTED {
            let path = self.path(last);
            self.found.push(UnknownData { path, kind });
        } else {
            self.omitted += 1;
        }
    }

    /// Visit the field `key` of an object. The value is a trait object: one
    /// copy of this for every field of every type (a generic one was a
    /// copy per field type, in every crate's build).
    pub fn field(&mut self, key: &'a str, value: &'a dyn Drift) {
        self.path.push(Segment::Key(key));
        value.drift(self);
        self.path.pop();
    }

    /// Visit element `index` of an array.
    pub fn index(&mut self, index: usize, value: &'a dyn Drift) {
        self.path.push(Segment::Index(index));
        value.drift(self);
        self.path.pop();
    }

    /// Report the fields an object kept because the spec does not declare
    /// them, and the values of its optional fields that did not decode.
    pub fn unknown_fields(&mut self, fields: &'a UnknownFields) {
        for key in fields.names() {
            let kind = match fields.invalid(key) {
                Some(error) => UnknownKind::Invalid(error.clone()),
                None => UnknownKind::Field,
            };
            self.report(Some(key), kind);
        }
    }

    /// Report an enum value the spec does not list.
    pub fn unknown_value(&mut self, value: &str) {
        self.report(None, UnknownKind::EnumValue(value.to_owned()));
    }

    /// Report a union value whose tag no member has.
    pub fn unknown_member(&mut self, union: &'static str, tag: &'static str, value: &Json) {
        let value = match value.property(tag) {
            Some(Value::String(s)) => format!("{s:?}"),
            Some(other) => other.to_string(),
            None => "absent".to_owned(),
        };
        self.report(None, UnknownKind::UnionMember { union, tag, value });
    }

    /// Report a value none of an untagged union's members accepts, with
    /// what each member rejected (decoded again only when asked for).
    pub fn no_member<T: crate::de::Untagged>(&mut self, value: &Json) {
        if self.counting {
            self.count_only += 1;
            return;
        }
        if self.found.len() >= MAX_REPORTED {
            self.omitted += 1;
            return;
        }
        let rejected = match crate::de::try_members::<T>(&value.text()) {
            Err(rejected) => rejected,
            Ok(_) => Vec::new(),
        };
        self.report(
            None,
            UnknownKind::NoMember {
                union: T::NAME,
                rejected,
            },
        );
    }
}

/// Implemented by every generated type: walks the value and reports the data
/// the spec does not describe.
pub trait Drift {
    /// Report this value's unknown data to `collector`.
    fn drift<'a>(&'a self, collector: &mut Collector<'a>);

    /// Where this value holds data the spec does not describe: fields in
    /// the order the type declares them, an object's unknown fields after its
    /// known ones. Empty when the value is exactly what the spec describes.
    /// At most [`MAX_REPORTED`] places, then one [`UnknownKind::Omitted`]
    /// that counts the rest; paths of at most about [`MAX_PATH_BYTES`].
    ///
    /// (Not in the trait's vtable, `Self: Sized`: [`Collector::field`] takes
    /// fields as `&dyn Drift`, and a method in the vtable would be compiled
    /// for every type of the crate. For a `&dyn Drift`, call
    /// [`unknown_data`](fn@unknown_data).)
    fn unknown_data(&self) -> Vec<UnknownData>
    where
        Self: Sized,
    {
        unknown_data(self)
    }
}

/// [`Drift::unknown_data`] of a trait object (the method needs a sized
/// value); one copy for every type.
pub fn unknown_data(value: &dyn Drift) -> Vec<UnknownData> {
    let mut collector = Collector::default();
    value.drift(&mut collector);
    if collector.omitted > 0 {
        collector.found.push(UnknownData {
            path: String::new(),
            kind: UnknownKind::Omitted(collector.omitted),
        });
    }
    collector.found
}

/// How many places in `value` hold unknown data (no paths are built).
pub fn count<T: Drift + ?Sized>(value: &T) -> usize {
    let mut collector = Collector {
        counting: true,
        ..Collector::default()
    };
    value.drift(&mut collector);
    collector.count_only
}

macro_rules! no_drift {
    ($($t:ty),* $(,)?) => {
        $(impl Drift for $t {
            #[inline]
            fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
        })*
    };
}

// Scalars, and free-form JSON the spec describes as "anything".
no_drift!(
    bool, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, char, String, str,
    (), Value, Map<String, Value>,
    chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveDateTime,
    uuid::Uuid,
    std::net::IpAddr, std::net::Ipv4Addr, std::net::Ipv6Addr,
    std::num::NonZeroU8, std::num::NonZeroU16, std::num::NonZeroU32, std::num::NonZeroU64,
    std::num::NonZeroI8, std::num::NonZeroI16, std::num::NonZeroI32, std::num::NonZeroI64,
);

impl<Tz: chrono::TimeZone> Drift for chrono::DateTime<Tz> {
    #[inline]
    fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
}

impl<T: Drift + ?Sized> Drift for Box<T> {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        (**self).drift(collector);
    }
}

impl<T: Drift> Drift for Option<T> {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        if let Some(value) = self {
            value.drift(collector);
        }
    }
}

impl<T: Drift> Drift for [T] {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        for (i, value) in self.iter().enumerate() {
            collector.index(i, value);
        }
    }
}

impl<T: Drift, const N: usize> Drift for [T; N] {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        self[..].drift(collector);
    }
}

impl<T: Drift> Drift for Vec<T> {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        self[..].drift(collector);
    }
}

impl<K: AsRef<str>, V: Drift, S> Drift for HashMap<K, V, S> {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        // Sorted, so the report does not depend on hashing.
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        for (k, v) in entries {
            collector.field(k.as_ref(), v);
        }
    }
}

impl<K: AsRef<str>, V: Drift> Drift for BTreeMap<K, V> {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        for (k, v) in self {
            collector.field(k.as_ref(), v);
        }
    }
}

impl<A: Drift, B: Drift> Drift for (A, B) {
    fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
        collector.index(0, &self.0);
        collector.index(1, &self.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A free-form map of unknown objects: `depth` levels of `key`, with
    /// `fields` unknown fields at the bottom.
    struct Nested {
        depth: usize,
        key: String,
        fields: UnknownFields,
    }

    impl Drift for Nested {
        fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
            fn down<'a>(n: &'a Nested, level: usize, collector: &mut Collector<'a>) {
                if level == n.depth {
                    collector.unknown_fields(&n.fields);
                } else {
                    collector.path.push(Segment::Key(&n.key));
                    down(n, level + 1, collector);
                    collector.path.pop();
                }
            }
            down(self, 0, collector);
        }
    }

    #[test]
    fn the_report_is_bounded_in_places_and_path_length() {
        let mut fields = UnknownFields::new();
        for i in 0..7_000 {
            fields.insert(format!("k{i}"), Value::Null);
        }
        let nested = Nested {
            depth: 55,
            key: "x".repeat(900),
            fields,
        };
        let report = nested.unknown_data();
        assert_eq!(report.len(), MAX_REPORTED + 1);
        assert_eq!(
            report.last().map(|u| &u.kind),
            Some(&UnknownKind::Omitted(7_000 - MAX_REPORTED))
        );
        let bytes: usize = report.iter().map(|u| u.path.len()).sum();
        assert!(
            bytes <= (MAX_REPORTED + 1) * (MAX_PATH_BYTES + 4),
            "{bytes}"
        );
        // A shortened path keeps its beginning and its last key.
        let first = &report[0].path;
        assert!(
            first.starts_with("xxx") && first.ends_with("…k0"),
            "{first}"
        );
        assert_eq!(count(&nested), 7_000, "counting sees every place");
        assert!(report[MAX_REPORTED].to_string().contains("6000 more"));
    }

    #[test]
    fn short_paths_are_whole() {
        let mut fields = UnknownFields::new();
        fields.insert("color".into(), Value::Null);
        let nested = Nested {
            depth: 3,
            key: "a".into(),
            fields,
        };
        let report = nested.unknown_data();
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].path, "a.a.a.color");
    }
}
