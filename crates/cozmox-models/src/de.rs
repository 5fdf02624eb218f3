//! Decoding support shared by the generated `Deserialize` impls.
//!
//! The generated code plugs in through two traits: [`Tagged`] for unions whose
//! members are told apart by a tag property (`provider`, `type`, `role`…) and
//! [`Untagged`] for the others. This module is public only so the generated
//! code can reach it; it is not a stable API.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor,
};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::drift::Drift;
use crate::{Json, UnknownFields};

/// How many levels of optional fields, one inside another, decoding
/// buffers to tolerate a value that does not fit (the slow path of
/// [`crate::decode()`]). Each level reads its value's text as the input
/// lends it (no copy) and decodes it again, so the levels bound the time of
/// the tolerant path, not its memory; a value that does not fit deeper than
/// this drops the optional field that encloses it at the last level.
pub const TOLERANT_LEVELS: u32 = 8;

thread_local! {
    /// Levels of optional fields left to buffer on this thread: 0 when
    /// decoding is not tolerant (the slow path of [`crate::decode()`]).
    static TOLERANT: Cell<u32> = const { Cell::new(0) };
}

/// Whether decoding on this thread tolerates optional fields that do not
/// decode as their types (on the slow path of [`crate::decode()`], with levels left).
#[inline]
pub fn tolerant() -> bool {
    TOLERANT.with(Cell::get) > 0
}

/// The tolerant levels left on this thread set to a value until dropped
/// (also on a panic), when the previous setting comes back. A guard rather
/// than a function taking a closure: one copy of it, not one per caller.
struct Levels(u32);

impl Levels {
    #[inline(never)]
    fn set(levels: u32) -> Levels {
        Levels(TOLERANT.with(|t| t.replace(levels)))
    }
}

impl Drop for Levels {
    #[inline(never)]
    fn drop(&mut self) {
        TOLERANT.with(|t| t.set(self.0));
    }
}

/// Run `f` with optional fields tolerated: the value of one that does not
/// decode as its type is kept in the object's [`UnknownFields`] and the
/// field reads as absent ([`optional`]); a tagged union value without its
/// tag is kept as the union's unknown member.
pub(crate) fn tolerantly<R>(f: impl FnOnce() -> R) -> R {
    let _levels = Levels::set(TOLERANT_LEVELS);
    f()
}

/// The value of the optional field `key`, which the generated `Deserialize`
/// of a struct reads with this, passing [`tolerant`] as read once per
/// object (one thread-local read per object, not per field, keeps the fast
/// path as fast as `map.next_value()`). Normally `map.next_value()`; when
/// `tolerant`, the value is buffered and decoded on its own, and one that
/// does not decode is kept in `unknown` with why (`Ok(None)`: the field
/// reads as absent).
#[inline]
pub fn optional<'de, A: MapAccess<'de>, T: DeserializeOwned>(
    tolerant: bool,
    map: &mut A,
    key: &'static str,
    unknown: &mut UnknownFields,
) -> Result<Option<T>, A::Error> {
    if !tolerant {
        return match map.next_value() {
            Ok(value) => Ok(Some(value)),
            Err(e) => Err(at_field(key, e)),
        };
    }
    optional_tolerant(map, key, unknown)
}

/// The value of the required field `key`: `map.next_value()`, with the
/// field's name recorded in the path of an error ([`mod@crate::decode`]'s
/// `Step`s).
#[inline]
pub fn required<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
) -> Result<T, A::Error> {
    match map.next_value() {
        Ok(value) => Ok(value),
        Err(e) => Err(at_field(key, e)),
    }
}

/// The value of a key the struct does not declare, kept in `unknown` as
/// sent; the key recorded in the path of an error.
#[inline]
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    unknown: &mut UnknownFields,
) -> Result<(), A::Error> {
    match map.next_value::<Kept>() {
        Ok(text) => {
            unknown.keep(key.into_string(), text);
            Ok(())
        }
        Err(e) => {
            crate::decode::record(crate::decode::Step::Key(key.as_str().into()));
            Err(e)
        }
    }
}

/// `error`, with field `key` recorded in its path: a function of the error
/// type only, so one copy per deserializer, not one per field type.
#[cold]
#[inline(never)]
fn at_field<E>(key: &'static str, error: E) -> E {
    crate::decode::record(crate::decode::Step::Field(key));
    error
}

/// An array field's value: a `Vec<T>` whose element that fails to decode
/// has its index recorded in the path of the error (serde's own `Vec` does
/// not say which element failed). The generated decoders read array fields
/// as this and hand the `Vec` on ([`Decoded`]).
pub struct Seq<T>(pub Vec<T>);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Seq<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for SeqVisitor<T> {
    type Value = Seq<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Seq<T>, S::Error> {
        // As serde's `Vec`: room for what the input says is coming, within
        // 1 MiB (serde_json's reader says nothing).
        let room = seq
            .size_hint()
            .unwrap_or(0)
            .min((1 << 20) / std::mem::size_of::<T>().max(1));
        let mut values = Vec::with_capacity(room);
        loop {
            match seq.next_element() {
                Ok(Some(value)) => values.push(value),
                Ok(None) => return Ok(Seq(values)),
                Err(e) => return Err(at_index(values.len(), e)),
            }
        }
    }
}

/// An object field whose values are all of one type (`additionalProperties`,
/// a `HashMap<String, T>`): the key of a value that fails to decode is
/// recorded in the path of the error, as [`Seq`] records an index.
pub struct Entries<T>(pub std::collections::HashMap<String, T>);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

struct EntriesVisitor<T>(PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
    type Value = Entries<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
        let mut entries = std::collections::HashMap::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match map.next_value() {
                Ok(value) => {
                    entries.insert(key.into_string(), value);
                }
                Err(e) => {
                    crate::decode::record(crate::decode::Step::Key(key.as_str().into()));
                    return Err(e);
                }
            }
        }
        Ok(Entries(entries))
    }
}

impl<T> Decoded for Entries<T> {
    type Field = std::collections::HashMap<String, T>;
    #[inline]
    fn field(self) -> Self::Field {
        self.0
    }
}

/// `error`, with the element `index` recorded in its path.
#[cold]
#[inline(never)]
fn at_index<E>(index: usize, error: E) -> E {
    crate::decode::record(crate::decode::Step::Index(index));
    error
}

/// What a generated decoder read a field as ([`Seq`] for an array field),
/// handed on as the field's type.
pub trait Decoded {
    /// The field's type.
    type Field;
    /// The value, as the field's type.
    fn field(self) -> Self::Field;
}

impl<T> Decoded for Seq<T> {
    type Field = Vec<T>;
    #[inline]
    fn field(self) -> Vec<T> {
        self.0
    }
}

impl<T: Decoded> Decoded for Option<T> {
    type Field = Option<T::Field>;
    #[inline]
    fn field(self) -> Option<T::Field> {
        self.map(Decoded::field)
    }
}

#[inline(never)]
fn optional_tolerant<'de, A: MapAccess<'de>, T: DeserializeOwned>(
    map: &mut A,
    key: &'static str,
    unknown: &mut UnknownFields,
) -> Result<Option<T>, A::Error> {
    // Only the text is held while the value decodes, and only where the
    // deserializer does not lend it (serde_json's reader of text, which the
    // tolerant path reads with, lends it: no copy); decoded from its text,
    // the way the whole document is, the decoders the fast path
    // instantiated serve here too.
    let levels = TOLERANT.with(Cell::get);
    if levels == 0 {
        return match map.next_value() {
            Ok(value) => Ok(Some(value)),
            Err(e) => Err(at_field(key, e)),
        };
    }
    let text = match buffer_value(map) {
        Ok(text) => text,
        Err(e) => return Err(at_field(key, e)),
    };
    Ok(decode_buffered(levels, text, key, unknown))
}

/// The next value of `map`, as text: lent by the input when it can be. Read
/// as raw text, it is neither checked nor counted in the input's depth:
/// [`crate::decode()`] takes this path only for a document that passed the
/// check as a whole ([`reads_as_a_whole`]), so the value parses again and
/// nests no deeper than the document. Apart from [`optional_tolerant`],
/// which is one copy per map and field type, so that only what needs both
/// is in it.
fn buffer_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Buffered<'de>, A::Error> {
    map.next_value_seed(TrustedText)
}

/// A value's text from a document checked as a whole (the tolerant path).
struct TrustedText;

impl<'de> DeserializeSeed<'de> for TrustedText {
    type Value = Buffered<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Buffered<'de>, D::Error> {
        let visitor = BufferedVisitor {
            dedup: false,
            checking: Checking::Never,
        };
        deserializer.deserialize_newtype_struct(RAW_VALUE, visitor)
    }
}

/// `text`, the value of optional field `key`, decoded as a `T` with one
/// level less to tolerate; kept in `unknown` with why when it does not.
/// Only the decoding is a copy per field type; the rest is [`tolerate`]'s.
fn decode_buffered<T: DeserializeOwned>(
    levels: u32,
    text: Buffered<'_>,
    key: &str,
    unknown: &mut UnknownFields,
) -> Option<T> {
    let mut decoded = None;
    tolerate(levels, text, key, unknown, &mut |text| {
        decoded = Some(crate::decode::decode_traced::<T>(text)?);
        Ok(())
    });
    decoded
}

/// Run `decode` on `text` with one level less to tolerate, and keep `text`
/// in `unknown` with why when it fails.
#[inline(never)]
fn tolerate(
    levels: u32,
    text: Buffered<'_>,
    key: &str,
    unknown: &mut UnknownFields,
    decode: &mut dyn FnMut(&str) -> Result<(), crate::decode::DecodeError>,
) {
    let decoded = {
        let _levels = Levels::set(levels - 1);
        // An error takes its recorded path with it: the value is kept,
        // decoding goes on.
        decode(text.as_str())
    };
    match decoded {
        // A key sent twice: this value wins, as it would on the fast path;
        // an earlier one kept for it is dropped.
        Ok(()) => unknown.accept(key),
        Err(error) => unknown.reject(key, text.into_raw(), error.without_position()),
    }
}

/// Whether `text` is JSON that serde_json reads as a whole: within its
/// depth limit, numbers in range, no lone surrogate. The tolerant path
/// reads values as raw text, which serde_json does not count in the depth
/// of the input, and decodes them again on their own: it is taken only for
/// a document that passes this, so that no value it reads again nests
/// deeper than the document does.
pub(crate) fn reads_as_a_whole(text: &str) -> bool {
    let mut duplicates = false;
    let mut reading = serde_json::Deserializer::from_str(text);
    let seed = Check {
        duplicates: &mut duplicates,
    };
    seed.deserialize(&mut reading).is_ok() && reading.end().is_ok()
}

/// The value of a field the object's type does not declare, as its text
/// ([`UnknownFields::keep`]): raw text from serde_json's deserializers,
/// checked as serde_json checks a value it parses, so a kept value always
/// parses and encodes again; from any other deserializer, read as a `Value`
/// and kept as its text.
pub struct Kept(pub(crate) Box<RawValue>);

impl<'de> de::Deserialize<'de> for Kept {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let kept = deserializer.deserialize_newtype_struct(
            RAW_VALUE,
            BufferedVisitor {
                dedup: true,
                checking: Checking::Always,
            },
        );
        match kept? {
            Buffered::Borrowed(text) => RawValue::from_string(text.to_owned())
                .map(Kept)
                .map_err(de::Error::custom),
            Buffered::Owned(text) => Ok(Kept(text)),
        }
    }
}

/// A value's text (a [`crate::Json`]'s), checked as [`Kept`]'s is unless
/// [`plain`] shows it needs no check. A key sent twice is kept as sent in
/// text serde_json lends (its reader of text), as parsed (the last value)
/// in text it does not.
pub(crate) fn checked_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    let visitor = BufferedVisitor {
        dedup: false,
        checking: Checking::IfNeeded,
    };
    let kept = deserializer.deserialize_newtype_struct(RAW_VALUE, visitor)?;
    Ok(match kept {
        Buffered::Borrowed(text) => std::borrow::Cow::Borrowed(text),
        Buffered::Owned(text) => std::borrow::Cow::Owned(Box::<str>::from(text).into_string()),
    })
}

/// The text of `value`, for a kept value that came as something else.
fn as_text<E: de::Error>(value: &Value) -> Result<Kept, E> {
    serde_json::value::to_raw_value(value)
        .map(Kept)
        .map_err(de::Error::custom)
}

/// `text` (JSON that serde_json's raw reading accepted) checked the way
/// serde_json checks a value it parses; kept as parsed when an object in
/// it has a key twice.
fn checked(text: String) -> Result<Kept, serde_json::Error> {
    if check(&text)? {
        let value: Value = serde_json::from_str(&text)?;
        return serde_json::value::to_raw_value(&value).map(Kept);
    }
    RawValue::from_string(text).map(Kept)
}

/// An error found in a value's own text, without its position there (not
/// one in the input).
fn unplaced<E: de::Error>(error: serde_json::Error) -> E {
    de::Error::custom(strip_position(error.to_string()))
}

/// Check `text` the way serde_json checks a value it parses; whether an
/// object in it has a key twice.
fn check(text: &str) -> Result<bool, serde_json::Error> {
    let mut duplicates = false;
    let mut reading = serde_json::Deserializer::from_str(text);
    de::DeserializeSeed::deserialize(
        Check {
            duplicates: &mut duplicates,
        },
        &mut reading,
    )?;
    Ok(duplicates)
}

/// Reads every value (as `deserialize_any` does: numbers, escapes, nesting
/// all checked) and notes whether an object has a key twice.
struct Check<'a> {
    duplicates: &'a mut bool,
}

impl<'de> de::DeserializeSeed<'de> for Check<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while seq
            .next_element_seed(Check {
                duplicates: &mut *self.duplicates,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The keys as lent (no copy, no hashing), compared once sorted.
        let mut keys: Vec<Key<'de>> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            keys.push(key);
            map.next_value_seed(Check {
                duplicates: &mut *self.duplicates,
            })?;
        }
        if keys.len() > 1 {
            keys.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
            if keys.windows(2).any(|w| w[0].as_str() == w[1].as_str()) {
                *self.duplicates = true;
            }
        }
        Ok(())
    }
}

/// An object key, borrowed from the input when it can be, owned when it has
/// escapes (or comes from a buffered value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Owned.
    Owned(String),
}

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A union whose members are selected by the value of one property.
pub trait Tagged: Sized + Drift {
    /// The union's Rust name, for messages.
    const NAME: &'static str;
    /// The tag property.
    const TAG: &'static str;
    /// The members a tag value selects, in trial order; `None` asks for the
    /// members whose tag is optional (selected when the tag is absent). An
    /// empty list means the value is not one the spec describes.
    fn members(tag: Option<&str>) -> &'static [u16];
    /// The JSON text of tag value `tag` if a member declares it
    /// (`"\"user\""`): the member decodes its tag from it, with the reader
    /// the document is read with. `None` for other values.
    fn tag_text(tag: &str) -> Option<&'static str>;
    /// Members whose tag is a free-form string in the spec: tried, best fit
    /// first, for a tag value no other member claims.
    const OPEN: &'static [u16] = &[];
    /// The Rust name of a member.
    fn member_name(index: u16) -> &'static str;
    /// The properties member `index` declares and requires, for choosing
    /// which of several members a tag value selects an object was written
    /// for ([`Shape::Any`] when not generated: only unions where a value can
    /// select several members need it).
    fn member_shape(index: u16) -> Shape {
        let _ = index;
        Shape::Any
    }
    /// The JSON properties member `index` declares (its own and those of
    /// the types it flattens), for telling which of several members a value
    /// was meant for when none decodes; by default those of
    /// [`Tagged::member_shape`].
    fn member_fields(index: u16) -> &'static [&'static str] {
        match Self::member_shape(index) {
            Shape::Object { fields, .. } => fields,
            Shape::Any => &[],
        }
    }
    /// Decode member `index` from `deserializer`.
    fn decode_member<'de, D: Deserializer<'de>>(
        index: u16,
        deserializer: D,
    ) -> Result<Self, D::Error>;
    /// The union holding a value whose tag no member has, kept as sent.
    fn unknown(value: Json) -> Self;
}

/// A union without a tag: each member is tried on the buffered value.
pub trait Untagged: Sized + Drift {
    /// The union's Rust name, for messages.
    const NAME: &'static str;
    /// The members' Rust names, in trial order.
    const MEMBERS: &'static [&'static str];
    /// A property the union's object members share as a tag (a union with
    /// a member that is not an object, such as a string, has no tag as a
    /// whole; its object members can): when an object's value of it is a
    /// string that [`Untagged::tagged_members`] maps to members, only those
    /// are tried, so a value meant for one member with a wrong field is not
    /// taken by another that keeps the tag as an unknown enum value.
    const TAG: Option<&'static str> = None;
    /// The members a value of [`Untagged::TAG`] selects; empty when it
    /// selects none (every member is tried).
    fn tagged_members(tag: &str) -> &'static [u16] {
        let _ = tag;
        &[]
    }
    /// What member `index` decodes from: [`Shape::Object`] for a struct
    /// (its properties and the ones it requires), [`Shape::Any`] for the
    /// rest (strings, arrays, maps, other unions) and by default.
    fn member_shape(index: u16) -> Shape {
        let _ = index;
        Shape::Any
    }
    /// Decode member `index` from `deserializer`.
    fn decode_member<'de, D: Deserializer<'de>>(
        index: u16,
        deserializer: D,
    ) -> Result<Self, D::Error>;
    /// The union holding a value no member accepts, kept as sent; `None`
    /// when the union has no variant for that (a union of strings, where one
    /// member takes any string), and such a value is an error.
    fn unknown(value: Json) -> Option<Self>;
}

/// What a member of an [`Untagged`] union decodes from, for choosing the
/// member an object was written for by its properties alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object with these properties (its own and those of the structs it
    /// flattens), of which it requires these.
    Object {
        /// Every property the member declares.
        fields: &'static [&'static str],
        /// The properties it cannot decode without.
        required: &'static [&'static str],
    },
    /// Anything else, or not known: tried like every member.
    Any,
}

/// A struct's [`Shape`], written beside every generated struct (the
/// generator's `struct-shapes` pass): unions read their members' shapes
/// through it.
pub trait Shaped {
    /// The properties the struct declares, and those it requires.
    const SHAPE: Shape;
}

/// The one member among `candidates` an object with these `keys` was
/// written for, judged by its keys alone: the object members (by `shape`)
/// whose required properties are all present, and of them the one that
/// declares the most of the keys (at least one), when exactly one does.
/// `None` when the keys do not tell.
fn member_by_shape(
    keys: &[&str],
    candidates: impl IntoIterator<Item = u16>,
    shape: impl Fn(u16) -> Shape,
) -> Option<u16> {
    let mut best: Option<(usize, u16)> = None;
    let mut tied = false;
    for index in candidates {
        let Shape::Object { fields, required } = shape(index) else {
            continue;
        };
        if !required.iter().all(|r| keys.contains(r)) {
            continue;
        }
        let known = keys.iter().filter(|k| fields.contains(k)).count();
        match best {
            Some((most, _)) if known < most => {}
            Some((most, _)) if known == most => tied = true,
            _ => {
                best = Some((known, index));
                tied = false;
            }
        }
    }
    match best {
        Some((known, index)) if known > 0 && !tied => Some(index),
        _ => None,
    }
}

/// serde_json appends the position to its messages; the outer decoder adds
/// its own, so drop the inner one when a message is wrapped.
fn strip_position(message: String) -> String {
    match message.rfind(" at line ") {
        Some(at)
            if message[at + 9..]
                .split(" column ")
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            message[..at].to_owned()
        }
        _ => message,
    }
}

fn member_error<E: de::Error, T: Tagged>(error: E, index: u16, tag: Option<&str>) -> E {
    let how = match tag {
        Some(tag) => format!("selected by {} = {tag:?}", T::TAG),
        None => format!("selected because `{}` is absent", T::TAG),
    };
    E::custom(format_args!(
        "{} (decoding `{}` member `{}`, {how})",
        strip_position(error.to_string()),
        T::NAME,
        T::member_name(index),
    ))
}

/// Decode a tagged union: read keys until the tag, then hand the buffered
/// keys and the rest of the object to the one member the tag selects, so the
/// member decodes straight from the input. An unknown tag gives
/// [`Tagged::unknown`] with the whole object; a tag that selects several
/// members buffers the object and keeps the member that fits best.
///
/// On the common path (the tag selects one member) nothing is allocated
/// here: keys and the tag value stay borrowed from the input, and only the
/// fields before the tag (usually none) are buffered.
pub fn tagged<'de, T: Tagged + DeserializeOwned, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor::<T>(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged + DeserializeOwned> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object ({}, selected by `{}`)", T::NAME, T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut seen: Vec<(Key<'de>, &'de str)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() != T::TAG {
                match value_at::<_, Buffered<'de>>(&mut map, key.as_str())? {
                    Buffered::Borrowed(text) => seen.push((key, text)),
                    owned @ Buffered::Owned(_) => {
                        let rest =
                            rest_as_text(vec![(key.into_string(), owned.into_string())], map)?;
                        return from_object_text::<T, A>(&seen, &rest);
                    }
                }
                continue;
            }
            // A member decodes the tag again from its JSON text, with the
            // reader the document is read with (one copy of each field's
            // decoder, not another over a deserializer of the tag's string):
            // the text the union declares for the value; for a union whose
            // members take tag values it does not list (`OPEN`), the text
            // the input lends (a deserializer that does not lend it gets the
            // object decoded again from text).
            let (tag_value, tag_text): (TagValue<'de>, &'de str) = if T::OPEN.is_empty() {
                let value = value_at::<_, TagValue<'de>>(&mut map, T::TAG)?;
                let text = match &value {
                    TagValue::Str(tag) => match T::tag_text(tag.as_str()) {
                        Some(text) => text,
                        None if T::members(Some(tag.as_str())).is_empty() => "",
                        None => {
                            return Err(de::Error::custom(format_args!(
                                "`{}` selects members for {} = {:?} but declares no text for it (`Tagged::tag_text`)",
                                T::NAME,
                                T::TAG,
                                tag.as_str()
                            )));
                        }
                    },
                    TagValue::Other(_) => "",
                };
                (value, text)
            } else {
                let text = match value_at::<_, Buffered<'de>>(&mut map, T::TAG)? {
                    Buffered::Borrowed(text) => text,
                    owned @ Buffered::Owned(_) => {
                        let rest =
                            rest_as_text(vec![(T::TAG.to_owned(), owned.into_string())], map)?;
                        return from_object_text::<T, A>(&seen, &rest);
                    }
                };
                match serde_json::from_str(text) {
                    Ok(value) => (value, text),
                    Err(e) => return Err(de::Error::custom(e)),
                }
            };
            let members = match &tag_value {
                TagValue::Str(tag) => T::members(Some(tag.as_str())),
                TagValue::Other(_) => &[],
            };
            if let [one] = members
                && let TagValue::Str(tag) = tag_value
            {
                let shown = tag;
                let replay = Replay::new(seen, Some((T::TAG, tag_text)), Some(map));
                return T::decode_member(*one, replay).map_err(|e| {
                    MISSING.with(|m| m.set(false));
                    member_error::<_, T>(e.error, *one, Some(shown.as_str()))
                });
            }
            // Where the tag was among the entries, for an object rebuilt
            // from them.
            let at = seen.len();
            let mut rest: Vec<(String, String)> = Vec::new();
            while let Some(k) = map.next_key::<Key<'de>>()? {
                match value_at::<_, Buffered<'de>>(&mut map, k.as_str())? {
                    Buffered::Borrowed(text) if rest.is_empty() => seen.push((k, text)),
                    other => rest.push((k.into_string(), other.into_string())),
                }
            }
            if !rest.is_empty() {
                // Not lent by the deserializer: decoded again from text.
                let tag = tag_value.into_value().to_string();
                let mut entries: Vec<(String, String)> = Vec::new();
                for (i, (k, text)) in seen.iter().enumerate() {
                    if i == at {
                        entries.push((T::TAG.to_owned(), tag.clone()));
                    }
                    entries.push((k.as_str().to_owned(), (*text).to_owned()));
                }
                if at == seen.len() {
                    entries.push((T::TAG.to_owned(), tag));
                }
                entries.extend(rest);
                return from_object_text::<T, A>(&[], &entries);
            }
            let tag = match tag_value {
                TagValue::Str(value) => Tag {
                    value,
                    text: tag_text,
                },
                // Not a string: no member has it, the unknown member.
                other @ TagValue::Other(_) => {
                    return object::<T, A::Error>(&seen, Some((at, other.into_value())));
                }
            };
            return match members {
                [] => {
                    if !T::OPEN.is_empty() {
                        match best_fit::<T, A>(T::OPEN, &seen, Some(&tag)) {
                            Ok(value) => return Ok(value),
                            Err(_) => crate::decode::forget(),
                        }
                    }
                    let tag = Value::String(tag.value.into_string());
                    object::<T, A::Error>(&seen, Some((at, tag)))
                }
                several => best_fit::<T, A>(several, &seen, Some(&tag)),
            };
        }
        match T::members(None) {
            [] if tolerant() => object::<T, A::Error>(&seen, None),
            [] => Err(de::Error::custom(format_args!(
                "missing field `{}` (the tag that selects the member of `{}`)",
                T::TAG,
                T::NAME
            ))),
            members => best_fit::<T, A>(members, &seen, None),
        }
    }
}

/// `rest`, then the rest of `map`'s entries, each as its text.
fn rest_as_text<'de, A: MapAccess<'de>>(
    mut rest: Vec<(String, String)>,
    mut map: A,
) -> Result<Vec<(String, String)>, A::Error> {
    while let Some(k) = map.next_key::<Key<'de>>()? {
        let v = value_at::<_, Buffered<'de>>(&mut map, k.as_str())?;
        rest.push((k.into_string(), v.into_string()));
    }
    Ok(rest)
}

/// The value of the entry `key` of `map` that a union reads itself, the key
/// recorded in the path of an error.
fn value_at<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    key: &str,
) -> Result<T, A::Error> {
    match map.next_value() {
        Ok(value) => Ok(value),
        Err(e) => {
            crate::decode::record(crate::decode::Step::Key(key.into()));
            Err(e)
        }
    }
}

/// A tagged union from a deserializer that does not lend the input's text
/// (a `Value`, another format): the object, as text (`seen` then `rest`),
/// decoded as a `T` with serde_json's reader of text, which does. So the
/// fields read before the tag are never replayed from a `Value`: a member's
/// decoders are instantiated for a `Value`'s map only in a crate that
/// decodes the union from one (its fields after the tag come from it).
fn from_object_text<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    seen: &[(Key<'de>, &'de str)],
    rest: &[(String, String)],
) -> Result<T, A::Error> {
    let text = object_text(seen, rest);
    // The text holds the fields lent before the one that was not; its own
    // reading lends every one, so this does not come back here.
    serde_json::from_str(&text).map_err(|e| de::Error::custom(strip_position(e.to_string())))
}

/// The JSON text of an object with the entries `seen` then `rest`.
fn object_text(seen: &[(Key<'_>, &str)], rest: &[(String, String)]) -> String {
    let mut text = String::from("{");
    let entries = seen
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .chain(rest.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&Value::from(key).to_string());
        text.push(':');
        text.push_str(value);
    }
    text.push('}');
    text
}

/// The union's unknown member holding the object of the entries `seen`
/// (texts checked when they were read), with the tag's value at its place
/// among them (before entry `at`), kept as text; a key sent twice keeps its
/// last value, at the place of its last.
fn object<T: Tagged, E: de::Error>(
    seen: &[(Key<'_>, &str)],
    tag: Option<(usize, Value)>,
) -> Result<T, E> {
    let tag_text = tag.as_ref().map(|(_, value)| value.to_string());
    let at = tag.as_ref().map_or(usize::MAX, |(at, _)| *at);
    let mut entries: Vec<(&str, &str)> = Vec::with_capacity(seen.len() + 1);
    for (i, (key, text)) in seen.iter().enumerate() {
        if i == at
            && let Some(tag) = &tag_text
        {
            entries.push((T::TAG, tag));
        }
        entries.push((key.as_str(), text));
    }
    if at >= seen.len()
        && let Some(tag) = &tag_text
    {
        entries.push((T::TAG, tag));
    }
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (key, _)) in entries.iter().enumerate() {
        last.insert(key, i);
    }
    // Sized up front (exactly, unless a key needs escapes or was sent
    // twice): `Json` keeps a boxed `str`, which a `String` with room to
    // spare is copied into.
    let size: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let mut text = String::with_capacity((size + 1).max(2));
    text.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if last.get(key) != Some(&i) {
            continue;
        }
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&Value::from(*key).to_string());
        text.push(':');
        text.push_str(value);
    }
    text.push('}');
    Ok(T::unknown(Json::from_checked(text)))
}

/// A union's tag value that is a string: the string, and the tag's JSON text
/// as the input lent it (a member decodes the tag again from it).
struct Tag<'de> {
    value: Key<'de>,
    text: &'de str,
}

impl Tag<'_> {
    fn as_str(&self) -> &str {
        self.value.as_str()
    }
}

/// A value buffered while looking for a union's tag (or an untagged union's
/// value): its text, borrowed from the input when the deserializer lends it
/// (serde_json's reader of text, which [`crate::decode()`] uses), else
/// owned. The text is checked as serde_json checks a value it parses, so it
/// is never more than 127 levels deep: read again with a fresh depth count,
/// a value nests at most that much deeper than where it was read, about
/// twice serde_json's limit for the document as a whole, whatever the
/// input. A key sent twice inside it is left to the decoder that reads it
/// again (the last value, as everywhere).
enum Buffered<'de> {
    Borrowed(&'de str),
    Owned(Box<RawValue>),
}

impl Buffered<'_> {
    fn into_string(self) -> String {
        match self {
            Buffered::Borrowed(text) => text.to_owned(),
            Buffered::Owned(text) => text.get().to_owned(),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Buffered::Borrowed(text) => text,
            Buffered::Owned(text) => text.get(),
        }
    }

    /// The text, owned (checked when it was read, so it is JSON).
    fn into_raw(self) -> Box<RawValue> {
        match self {
            Buffered::Borrowed(text) => {
                RawValue::from_string(text.to_owned()).unwrap_or_else(|_| RawValue::NULL.to_owned())
            }
            Buffered::Owned(text) => text,
        }
    }
}

impl<'de> de::Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(
            RAW_VALUE,
            BufferedVisitor {
                dedup: false,
                checking: Checking::Always,
            },
        )
    }
}

/// Reads a value's text: from serde_json's deserializers, as raw text (no
/// `Value` built; lent when the input is) checked as serde_json checks a
/// value it parses, which its raw reading does not (numbers in range, no
/// lone surrogate, nesting within its limit), so the text always parses
/// again; an object inside it with a key sent twice is kept as parsed (the
/// last value), as it would be in a `Map`. From any other deserializer
/// (serde's buffering of a user's `#[serde(flatten)]` or untagged enum,
/// another format), read as a `Value` and kept as its text. With `dedup`
/// (a [`Kept`] value, held as text), an object in a lent text with a key
/// sent twice is written again as parsed.
struct BufferedVisitor {
    dedup: bool,
    checking: Checking,
}

/// How much of the check a [`BufferedVisitor`] runs on lent text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checking {
    /// All of it.
    Always,
    /// Only on text that [`plain`] does not pass.
    IfNeeded,
    /// None: text from a document checked as a whole already (the tolerant
    /// path, [`reads_as_a_whole`]).
    Never,
}

/// Whether `text`, JSON that serde_json's raw reading accepted, needs no
/// further check to parse again (a byte scan, several times cheaper than
/// the check's parse): no escape in a string (so no lone surrogate), no
/// number with an exponent or of more than 300 digits (so none out of
/// range), nesting within 127 levels. Keys sent twice are not looked for.
pub(crate) fn plain(text: &str) -> bool {
    let mut depth = 0u32;
    let mut in_string = false;
    let mut digits = 0u32;
    for &byte in text.as_bytes() {
        if in_string {
            match byte {
                b'"' => in_string = false,
                b'\\' => return false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > 127 {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'0'..=b'9' => {
                digits += 1;
                if digits > 300 {
                    return false;
                }
                continue;
            }
            b'e' | b'E' if digits > 0 => return false,
            b'.' if digits > 0 => continue,
            _ => {}
        }
        digits = 0;
    }
    true
}

impl BufferedVisitor {
    fn owned<E: de::Error>(value: &Value) -> Result<Buffered<'static>, E> {
        as_text(value).map(|Kept(text)| Buffered::Owned(text))
    }
}

impl<'de> Visitor<'de> for BufferedVisitor {
    type Value = Buffered<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Buffered<'de>, A::Error> {
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return Self::owned(&Value::Object(Map::new()));
        };
        if first.as_str() == RAW_VALUE {
            // serde_json's raw value: one entry whose value is the text.
            return match map.next_value::<Key<'de>>()? {
                Key::Borrowed(text)
                    if self.checking == Checking::Never
                        || (self.checking == Checking::IfNeeded && plain(text)) =>
                {
                    Ok(Buffered::Borrowed(text))
                }
                Key::Borrowed(text) => match check(text).map_err(unplaced)? {
                    true if self.dedup => checked(text.to_owned())
                        .map(|Kept(kept)| Buffered::Owned(kept))
                        .map_err(unplaced),
                    _ => Ok(Buffered::Borrowed(text)),
                },
                Key::Owned(text) => checked(text)
                    .map(|Kept(kept)| Buffered::Owned(kept))
                    .map_err(unplaced),
            };
        }
        let mut object = Map::new();
        object.insert(first.into_string(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Self::owned(&Value::Object(object))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Buffered<'de>, D::Error> {
        Self::owned(&Value::deserialize(d)?)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Buffered<'de>, D::Error> {
        Self::owned(&Value::deserialize(d)?)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Buffered<'de>, S::Error> {
        Self::owned(&Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::from(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Buffered<'de>, E> {
        Self::owned(&Value::Null)
    }
}

/// The value of a union's tag property: a string borrowed from the input when
/// it can be, any other JSON value as it is.
enum TagValue<'de> {
    Str(Key<'de>),
    Other(Value),
}

impl TagValue<'_> {
    fn into_value(self) -> Value {
        match self {
            TagValue::Str(s) => Value::String(s.into_string()),
            TagValue::Other(v) => v,
        }
    }
}

impl<'de> de::Deserialize<'de> for TagValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagValueVisitor)
    }
}

/// Strings are kept as keys; everything else goes to `Value`'s own
/// `Deserialize`, so a non-string tag is buffered exactly as before.
struct TagValueVisitor;

impl<'de> Visitor<'de> for TagValueVisitor {
    type Value = TagValue<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(TagValue::Str(Key::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(TagValue::Str(Key::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(TagValue::Str(Key::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Value::deserialize(v.into_deserializer()).map(TagValue::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        TagValue::deserialize(d)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(TagValue::Other)
    }
    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(TagValue::Other)
    }
}

/// Decode each candidate member from the buffered object and keep the one
/// with the least unknown data (the first on a tie).
fn best_fit<'de, T: Tagged, A: MapAccess<'de>>(
    members: &[u16],
    seen: &[(Key<'de>, &'de str)],
    tag: Option<&Tag<'de>>,
) -> Result<T, A::Error> {
    let _clear = ClearMissing;
    // The member the object's keys were written for, if they tell, decodes
    // alone, as it would on its own: drift inside it does not hand the
    // object to a member that would keep its properties as unknown ones.
    let keys = keys_of::<T>(seen, tag);
    if let Some(index) = member_by_shape(&keys, members.iter().copied(), T::member_shape) {
        match T::decode_member(index, buffered::<A, T>(seen, tag)) {
            Ok(value) => return Ok(value),
            Err(e) if !tolerant() => {
                return Err(member_error::<_, T>(e.error, index, tag.map(Tag::as_str)));
            }
            Err(_) => crate::decode::forget(),
        }
    }
    // Else members are tried strictly first, so which one fits does not
    // depend on whether something elsewhere in the document sent decoding
    // down its tolerant path; only if none fits are they tried tolerantly.
    let strict = {
        let _levels = Levels::set(0);
        best_fit_once::<T, A>(members, seen, tag)
    };
    match strict {
        Err(_) if tolerant() => {
            crate::decode::forget();
            best_fit_once::<T, A>(members, seen, tag)
        }
        outcome => outcome,
    }
}

fn best_fit_once<'de, T: Tagged, A: MapAccess<'de>>(
    members: &[u16],
    seen: &[(Key<'de>, &'de str)],
    tag: Option<&Tag<'de>>,
) -> Result<T, A::Error> {
    let mut best: Option<(usize, T)> = None;
    let mut errors = Vec::new();
    for &index in members {
        MISSING.with(|m| m.set(false));
        match T::decode_member(index, buffered::<A, T>(seen, tag)) {
            Ok(value) => {
                let unknown = crate::drift::count(&value);
                if best.as_ref().is_none_or(|(n, _)| unknown < *n) {
                    best = Some((unknown, value));
                }
                if unknown == 0 {
                    break;
                }
            }
            Err(e) => {
                // The path of its error, kept aside for the error reported
                // if no member fits.
                let steps = crate::decode::take_trail();
                errors.push((index, e, MISSING.with(Cell::get), steps));
            }
        }
    }
    if let Some((_, value)) = best {
        return Ok(value);
    }
    let picks = closest_members::<T, A>(&errors, seen, tag);
    match picks.as_slice() {
        [] => Err(de::Error::custom("no member to decode")),
        [one] => match errors.into_iter().nth(*one) {
            Some((index, e, _, steps)) => {
                crate::decode::restore(steps);
                Err(member_error::<_, T>(e.error, index, tag.map(Tag::as_str)))
            }
            None => Err(de::Error::custom("no member to decode")),
        },
        several => {
            let reasons: Vec<String> = several
                .iter()
                .map(|&p| {
                    // The path inside the member, in its reason: the error
                    // reported is the union's, at the union.
                    let (index, e, _, steps) = &errors[p];
                    format!(
                        "`{}`: {}{}",
                        T::member_name(*index),
                        crate::decode::path_prefix(steps),
                        strip_position(e.to_string())
                    )
                })
                .collect();
            let how = match tag.map(Tag::as_str) {
                Some(tag) => format!("selected by {} = {tag:?}", T::TAG),
                None => format!("selected because `{}` is absent", T::TAG),
            };
            Err(de::Error::custom(format_args!(
                "no member of `{}` {how} fits: {}",
                T::NAME,
                reasons.join("; ")
            )))
        }
    }
}

/// A member tried by [`best_fit_once`] that failed: its index, its error,
/// whether that is a property it lacks ([`MISSING`]) and the error's path.
type MemberFailure<E> = (u16, MemberError<E>, bool, Vec<crate::decode::Step>);

/// When every member a tag value selects fails, the ones whose errors to
/// report (positions in `errors`): first the members that declare the most
/// of the object's keys (the value was written for the member that knows
/// its properties: a member lacking one it was sent is not what the sender
/// meant); among those, when decoding is strict, the member the value fits
/// best, i.e. the one that decodes tolerantly with the least unknown data
/// (its error is deep inside it, at the place that is wrong), not one that
/// fails at the top for lacking its own required fields; else those whose
/// error is a missing property (the member's `Deserialize` called
/// [`de::Error::missing_field`]: the object's properties fit it, it lacks
/// one), else all of them. Several are left
/// when the object does not say which member it was meant for, and each
/// one's error is reported. Runs on the error path only.
fn closest_members<'de, T: Tagged, A: MapAccess<'de>>(
    errors: &[MemberFailure<A::Error>],
    seen: &[(Key<'de>, &'de str)],
    tag: Option<&Tag<'de>>,
) -> Vec<usize> {
    if errors.len() < 2 {
        return (0..errors.len()).collect();
    }
    let keys = keys_of::<T>(seen, tag);
    let known: Vec<usize> = errors
        .iter()
        .map(|(index, _, _, _)| {
            let fields = T::member_fields(*index);
            keys.iter().filter(|key| fields.contains(key)).count()
        })
        .collect();
    let most = known.iter().copied().max().unwrap_or(0);
    let candidates: Vec<usize> = (0..errors.len()).filter(|&p| known[p] == most).collect();
    if candidates.len() == 1 {
        return candidates;
    }
    let mut closest: Option<(usize, usize)> = None;
    for position in candidates.iter().copied().filter(|_| !tolerant()) {
        let index = errors[position].0;
        let decoded = {
            let _levels = Levels::set(TOLERANT_LEVELS);
            T::decode_member(index, buffered::<A, T>(seen, tag))
        };
        match decoded {
            Ok(value) => {
                let unknown = crate::drift::count(&value);
                if closest.is_none_or(|(_, n)| unknown < n) {
                    closest = Some((position, unknown));
                }
            }
            Err(_) => crate::decode::forget(),
        }
    }
    if let Some((position, _)) = closest {
        return vec![position];
    }
    let missing: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&p| errors[p].2)
        .collect();
    if missing.is_empty() {
        candidates
    } else {
        missing
    }
}

/// Decode an untagged union: take the value's text and keep the member that
/// accepts it with the least unknown data; a value no member accepts gives
/// [`Untagged::unknown`], or an error saying what each member rejected.
///
/// Members decode from the text with serde_json's reader of text, the one
/// [`crate::decode()`] reads the whole document with, so each member's
/// decoder (and the decoders of every type inside it) is the one the rest
/// of the document uses; decoding them from a buffered `Value` made a
/// second copy of all of them in every crate that decodes (about a fifth
/// of the generated machine code). The text is checked as serde_json
/// checks what it parses, nesting included, so reading it again nests a
/// bounded depth whatever the input (see `Buffered`).
///
/// An object whose keys say which member it was written for (see
/// [`Shape`]) is decoded as that member alone, as it would be on its own:
/// drift inside it (a nested union without its tag, an optional value that
/// does not fit) never makes another member, or the unknown member, take
/// it. When that member fails strictly, so does the union (the tolerant
/// path of [`crate::decode()`] then decodes it as the member would decode
/// on its own, and [`crate::decode_strict`] reports the member's error);
/// when it fails even tolerantly, every member is tried as before.
pub fn untagged<'de, T: Untagged, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let decoded = match Buffered::deserialize(deserializer)? {
        Buffered::Borrowed(text) => untagged_text::<T>(text),
        Buffered::Owned(text) => untagged_text::<T>(text.get()),
    };
    decoded.map_err(de::Error::custom)
}

/// [`untagged`] on the value's text; the error is the message.
fn untagged_text<T: Untagged>(text: &str) -> Result<T, String> {
    let keys = ObjectKeys::of(text, T::TAG);
    if let Some(index) = keys.as_ref().and_then(chosen_member::<T>) {
        match member_from_text::<T>(index, text) {
            Ok(decoded) => return Ok(decoded),
            Err(e) if !tolerant() => return Err(chosen_member_error::<T>(index, &e)),
            Err(_) => crate::decode::forget(),
        }
    }
    match try_members_of::<T>(text, keys.as_ref()) {
        Ok(decoded) => Ok(decoded),
        Err(rejected) => T::unknown(Json::from_checked(text)).ok_or_else(|| {
            let reasons: Vec<String> = rejected
                .into_iter()
                .map(|(member, why)| format!("{member}: {why}"))
                .collect();
            format!(
                "no member of `{}` accepts this value ({})",
                T::NAME,
                reasons.join("; ")
            )
        }),
    }
}

/// Member `index` of `T` decoded from `text`.
fn member_from_text<T: Untagged>(index: u16, text: &str) -> serde_json::Result<T> {
    T::decode_member(index, &mut serde_json::Deserializer::from_str(text))
}

/// An object's keys, and the string value of a union's tag among them.
struct ObjectKeys {
    keys: Vec<String>,
    tag: Option<String>,
    /// The value of the property looked for, whatever it is.
    tag_value: Option<Value>,
}

impl ObjectKeys {
    /// The keys of `text` if it is an object (`None` for other values and
    /// text that does not parse), with the value of `tag` if it is a string.
    fn of(text: &str, tag: Option<&'static str>) -> Option<ObjectKeys> {
        let mut reading = serde_json::Deserializer::from_str(text);
        let visitor = KeysVisitor { tag, keys: true };
        reading.deserialize_any(visitor).ok().flatten()
    }

    fn keys(&self) -> Vec<&str> {
        self.keys.iter().map(String::as_str).collect()
    }
}

/// The value of property `key` of the object `text` (checked JSON), read
/// without building the rest (`None` when absent or not an object).
pub(crate) fn property(text: &str, key: &str) -> Option<Value> {
    let mut reading = serde_json::Deserializer::from_str(text);
    let visitor = KeysVisitor {
        tag: Some(key),
        keys: false,
    };
    reading.deserialize_any(visitor).ok().flatten()?.tag_value
}

/// Reads an object's keys and the string value of property `tag` (with
/// `keys`), or the value of property `tag` whatever it is (without),
/// skipping the other values as text: they are not read, nor counted in the
/// depth (a union's unknown member nests up to 127 levels in each entry).
/// Only for serde_json's reader of text, which lends it (another reader
/// fails, read as "not an object").
struct KeysVisitor<'t> {
    tag: Option<&'t str>,
    keys: bool,
}

impl<'de> Visitor<'de> for KeysVisitor<'_> {
    type Value = Option<ObjectKeys>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, _: S) -> Result<Self::Value, S::Error> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = ObjectKeys {
            keys: Vec::new(),
            tag: None,
            tag_value: None,
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            // The last value of a key sent twice, as a `Map` keeps.
            if Some(key.as_str()) != self.tag {
                map.next_value::<&'de RawValue>()?;
            } else if self.keys {
                found.tag = match map.next_value::<TagValue<'de>>()? {
                    TagValue::Str(value) => Some(value.into_string()),
                    TagValue::Other(_) => None,
                };
            } else {
                let text = map.next_value::<&'de RawValue>()?;
                found.tag_value =
                    Some(serde_json::from_str(text.get()).map_err(de::Error::custom)?);
            }
            if self.keys {
                found.keys.push(key.into_string());
            }
        }
        Ok(Some(found))
    }
}

/// Try every member of an untagged union on the value `text`; on failure,
/// what each member rejected.
pub fn try_members<T: Untagged>(text: &str) -> Result<T, Vec<(&'static str, String)>> {
    try_members_of::<T>(text, ObjectKeys::of(text, T::TAG).as_ref())
}

#[allow(clippy::type_complexity)]
fn try_members_of<T: Untagged>(
    text: &str,
    keys: Option<&ObjectKeys>,
) -> Result<T, Vec<(&'static str, String)>> {
    // Strictly first, as for tagged unions (`best_fit`): the member chosen
    // does not depend on the decoding path taken elsewhere.
    let strict = {
        let _levels = Levels::set(0);
        try_members_once::<T>(text, keys)
    };
    match strict {
        Err(_) if tolerant() => {
            crate::decode::forget();
            try_members_once::<T>(text, keys)
        }
        outcome => outcome,
    }
}

/// The error of member `index`, chosen by its properties: its message,
/// naming the member; the path inside the member where it failed stays
/// recorded (the union's own decoder adds the path to the union).
fn chosen_member_error<T: Untagged>(index: u16, error: &serde_json::Error) -> String {
    format!(
        "{} (decoding `{}` member `{}`, chosen by its properties)",
        strip_position(error.to_string()),
        T::NAME,
        T::MEMBERS.get(usize::from(index)).copied().unwrap_or("?"),
    )
}

/// The members an object may be: those its tag selects, if the union's
/// object members share one and the object's selects some; else all.
fn selected_members<T: Untagged>(keys: Option<&ObjectKeys>) -> Option<&'static [u16]> {
    keys.and_then(|k| k.tag.as_deref())
        .map(T::tagged_members)
        .filter(|members| !members.is_empty())
}

/// The member an object was written for, by its tag and keys
/// ([`member_by_shape`]); `None` when they do not tell.
fn chosen_member<T: Untagged>(keys: &ObjectKeys) -> Option<u16> {
    let names = keys.keys();
    match selected_members::<T>(Some(keys)) {
        Some(members) => member_by_shape(&names, members.iter().copied(), T::member_shape),
        None => member_by_shape(&names, (0u16..).take(T::MEMBERS.len()), T::member_shape),
    }
}

#[allow(clippy::type_complexity)]
fn try_members_once<T: Untagged>(
    text: &str,
    keys: Option<&ObjectKeys>,
) -> Result<T, Vec<(&'static str, String)>> {
    let mut best: Option<(usize, T)> = None;
    let mut errors = Vec::new();
    let selected = selected_members::<T>(keys);
    for (index, name) in (0u16..).zip(T::MEMBERS) {
        if selected.is_some_and(|members| !members.contains(&index)) {
            continue;
        }
        match member_from_text::<T>(index, text) {
            Ok(decoded) => {
                let unknown = crate::drift::count(&decoded);
                if best.as_ref().is_none_or(|(n, _)| unknown < *n) {
                    best = Some((unknown, decoded));
                }
                if unknown == 0 {
                    break;
                }
            }
            Err(e) => {
                let steps = crate::decode::take_trail();
                let at = crate::decode::path_prefix(&steps);
                errors.push((*name, format!("{at}{}", strip_position(e.to_string()))));
            }
        }
    }
    match best {
        Some((_, decoded)) => Ok(decoded),
        None => Err(errors),
    }
}

use serde::Deserialize as _;

/// The buffered object `seen`, to decode a member from: a [`Replay`] with no
/// rest of the input. Of the same type as the one the common path decodes a
/// member from (the rest of the input is an `Option`), so each member's
/// decoder is instantiated once for both.
fn buffered<'de, A: MapAccess<'de>, T: Tagged>(
    seen: &[(Key<'de>, &'de str)],
    tag: Option<&Tag<'de>>,
) -> Replay<'de, A> {
    Replay::new(seen.to_vec(), tag.map(|t| (T::TAG, t.text)), None)
}

/// The keys of an object read up to `seen` and its tag, if it had one.
fn keys_of<'a, T: Tagged>(seen: &'a [(Key<'_>, &str)], tag: Option<&Tag<'_>>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = seen.iter().map(|(k, _)| k.as_str()).collect();
    if tag.is_some() {
        keys.push(T::TAG);
    }
    keys
}

thread_local! {
    /// Whether the member last tried by [`best_fit`] failed for a property
    /// it requires and the object lacks: set by [`MemberError`]'s
    /// `missing_field`, cleared before each member is tried and when a
    /// union's decoding fails or a best fit ends (so a union inside a
    /// member, which fails or recovers, does not leave it set). A member's
    /// hand-written `Deserialize` that makes a missing-field error and then
    /// drops it (serde's `flatten` of an `Option` does) leaves it set; the
    /// generated ones never drop one.
    static MISSING: Cell<bool> = const { Cell::new(false) };
}

/// Clears [`MISSING`] when dropped.
struct ClearMissing;

impl Drop for ClearMissing {
    fn drop(&mut self) {
        MISSING.with(|m| m.set(false));
    }
}

/// The error of a member decoded from a [`Replay`]: the input's error, of
/// the same size (the common path pays nothing to wrap it). Whether it is a
/// property the member requires and the object lacks is known from the
/// member's `Deserialize` calling [`de::Error::missing_field`] on it
/// (serde's derive and the generated impls do, at the member's own level; a
/// missing property deeper inside a field's value is that field's error, of
/// the input's type), rather than from its message: [`MISSING`].
#[repr(transparent)]
pub(crate) struct MemberError<E> {
    error: E,
}

impl<E> MemberError<E> {
    #[inline]
    fn other(error: E) -> Self {
        MemberError { error }
    }
}

impl<E: std::fmt::Display> std::fmt::Display for MemberError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for MemberError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl<E: std::error::Error> std::error::Error for MemberError<E> {}

// Each constructor is the input error's own, so messages read the same.
impl<E: de::Error> de::Error for MemberError<E> {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self::other(E::custom(msg))
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::other(E::invalid_type(unexp, exp))
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::other(E::invalid_value(unexp, exp))
    }
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        Self::other(E::invalid_length(len, exp))
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::other(E::unknown_variant(variant, expected))
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::other(E::unknown_field(field, expected))
    }
    fn missing_field(field: &'static str) -> Self {
        MISSING.with(|m| m.set(true));
        Self::other(E::missing_field(field))
    }
    fn duplicate_field(field: &'static str) -> Self {
        Self::other(E::duplicate_field(field))
    }
}

/// A map deserializer that first replays buffered entries, then the tag,
/// then continues with the rest of the input object (for the best fit,
/// which has read the whole object, there is no rest: the tag comes after
/// every buffered entry).
pub(crate) struct Replay<'de, A> {
    /// Whether anything buffered is left to give out (an entry, the tag, or
    /// the value of the key just given): the one check on the path of the
    /// fields that pass straight through.
    live: bool,
    buffered: std::vec::IntoIter<(Key<'de>, &'de str)>,
    tag: Option<(&'static str, &'de str)>,
    /// The text of the value of the entry whose key was just given out.
    pending: Option<&'de str>,
    rest: Option<A>,
}

impl<'de, A: MapAccess<'de>> Replay<'de, A> {
    fn new(
        buffered: Vec<(Key<'de>, &'de str)>,
        tag: Option<(&'static str, &'de str)>,
        rest: Option<A>,
    ) -> Self {
        Replay {
            live: !buffered.is_empty() || tag.is_some(),
            buffered: buffered.into_iter(),
            tag,
            pending: None,
            rest,
        }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Replay<'de, A> {
    type Error = MemberError<A::Error>;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The error of a replayed field, without its position (one in the
/// field's buffered text, not in the input): the member's decoder records
/// the field's name in the error's path, as for the fields it reads from the
/// input.
fn replayed<E: de::Error>(error: &dyn std::fmt::Display) -> E {
    de::Error::custom(strip_position(error.to_string()))
}

/// `key` given to `seed`: borrowed keys stay borrowed.
fn key_seed<'de, K: DeserializeSeed<'de>, E: de::Error>(
    seed: K,
    key: &Key<'de>,
) -> Result<K::Value, E> {
    match key {
        Key::Borrowed(s) => seed.deserialize(de::value::BorrowedStrDeserializer::new(s)),
        Key::Owned(s) => seed.deserialize(s.as_str().into_deserializer()),
    }
}

impl<'de, A: MapAccess<'de>> Replay<'de, A> {
    /// The next buffered key, or the tag; when both are done, the next key
    /// of the rest of the object.
    #[inline(never)]
    fn replay_key<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, MemberError<A::Error>> {
        if let Some((key, value)) = self.buffered.next() {
            let out = key_seed(seed, &key);
            self.pending = Some(value);
            return out.map(Some);
        }
        if let Some((name, value)) = self.tag.take() {
            let out = key_seed(seed, &Key::Borrowed(name));
            self.pending = Some(value);
            return out.map(Some);
        }
        self.live = self.pending.is_some();
        match &mut self.rest {
            Some(rest) => match rest.next_key_seed(seed) {
                Ok(key) => Ok(key),
                Err(e) => Err(MemberError::other(e)),
            },
            None => Ok(None),
        }
    }

    #[inline(never)]
    fn replay_value<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, MemberError<A::Error>> {
        let Some(pending) = self.pending.take() else {
            return match &mut self.rest {
                Some(rest) => match rest.next_value_seed(seed) {
                    Ok(value) => Ok(value),
                    Err(e) => Err(MemberError::other(e)),
                },
                None => Err(de::Error::custom("a value was asked for before its key")),
            };
        };
        self.live = self.buffered.len() > 0 || self.tag.is_some();
        // Read again from its text with the reader the document is read
        // with (one copy of each field's decoder, not a second one over a
        // `Value`). A `match`, not `map_err` with a closure: those are a
        // function each per field type, in every crate's build.
        match seed.deserialize(&mut serde_json::Deserializer::from_str(pending)) {
            Ok(value) => Ok(value),
            Err(e) => Err(replayed(&e)),
        }
    }
}

// The fields after the tag, most of a member, pass straight through: the
// replay of the few before it (and of the tag) stays out of the way.
impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = MemberError<A::Error>;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, MemberError<A::Error>> {
        if self.live {
            return self.replay_key(seed);
        }
        match &mut self.rest {
            Some(rest) => match rest.next_key_seed(seed) {
                Ok(key) => Ok(key),
                Err(e) => Err(MemberError::other(e)),
            },
            None => Ok(None),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, MemberError<A::Error>> {
        if self.live {
            return self.replay_value(seed);
        }
        match &mut self.rest {
            Some(rest) => match rest.next_value_seed(seed) {
                Ok(value) => Ok(value),
                Err(e) => Err(MemberError::other(e)),
            },
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

/// The name serde_json's `RawValue` asks a deserializer for (its
/// `deserialize_newtype_struct`), to be given the value's text; a test
/// checks it still is.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// A schema transform adding `names` (separated by NUL) to an object
/// schema's `required`: schemars takes every `Option` field as optional, but
/// a required field that may be `null` is an `Option` the decoder still
/// requires.
#[cfg(feature = "schemars")]
pub fn schema_required(names: &'static str) -> impl FnMut(&mut schemars::Schema) {
    move |schema: &mut schemars::Schema| {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let list = object
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for name in names.split('\0') {
                if !list.iter().any(|v| v == name) {
                    list.push(Value::from(name));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::Json;

    #[test]
    fn kept_values_parse_again_as_they_were_sent() {
        let kept = |text: &str| {
            serde_json::from_str::<super::Kept>(text)
                .map(|k| k.0.get().to_owned())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            kept(r#"[1, {"a": "x\"y"}]"#).as_deref(),
            Ok(r#"[1, {"a": "x\"y"}]"#)
        );
        // What serde_json refuses when it parses a value is refused here
        // too (its raw reading lets it through).
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(kept(&nested(127)).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(127)).is_ok());
        assert!(kept(&nested(128)).is_err_and(|e| e.contains("recursion limit")));
        assert!(kept("1e400").is_err_and(|e| e.contains("out of range")));
        assert!(kept(r#""\ud800""#).is_err_and(|e| e.contains("hex escape")));
        // An object with a key twice is kept as parsed: the last value.
        assert_eq!(
            kept(r#"{"a": 1, "b": {"c": 2, "c": 3}}"#).as_deref(),
            Ok(r#"{"a":1,"b":{"c":3}}"#)
        );
        // From a `Value` (a buffered member) and from serde's own
        // buffering (a user's untagged enum around a generated type).
        let from_value: super::Kept =
            serde::Deserialize::deserialize(&json!({"x": [1, true]})).expect("kept");
        assert_eq!(from_value.0.get(), r#"{"x":[1,true]}"#);
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Users {
            Kept(super::Kept),
        }
        let Users::Kept(buffered) = serde_json::from_str(r#"{"y": [null, 2.5]}"#).expect("kept");
        assert_eq!(buffered.0.get(), r#"{"y":[null,2.5]}"#);
    }

    use super::{Tagged, strip_position};
    use crate::drift::{Collector, Drift};

    /// A member whose tag is optional and comes in a newtype, the shapes the
    /// tag replay must decode as a JSON string would; decoded as the
    /// generated structs are (its fields record their names in the path of
    /// an error).
    #[derive(Debug, PartialEq)]
    struct Member {
        kind: Option<Kind>,
        n: Option<u8>,
    }

    impl<'de> serde::Deserialize<'de> for Member {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Member;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a Member")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Member, A::Error> {
                    let tolerant = super::tolerant();
                    let mut unknown = crate::UnknownFields::new();
                    let mut member = Member {
                        kind: None,
                        n: None,
                    };
                    while let Some(key) = map.next_key::<super::Key<'de>>()? {
                        match key.as_str() {
                            "kind" => {
                                member.kind =
                                    super::optional(tolerant, &mut map, "kind", &mut unknown)?
                                        .flatten();
                            }
                            "n" => {
                                member.n = super::optional(tolerant, &mut map, "n", &mut unknown)?
                                    .flatten();
                            }
                            _ => super::keep(&mut map, key, &mut unknown)?,
                        }
                    }
                    Ok(member)
                }
            }
            d.deserialize_map(V)
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Kind(String);

    #[derive(Debug, PartialEq)]
    enum Union {
        Member(Member),
        Unknown(Json),
    }

    impl Drift for Union {
        fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
    }

    impl Tagged for Union {
        const NAME: &'static str = "Union";
        const TAG: &'static str = "kind";
        fn members(tag: Option<&str>) -> &'static [u16] {
            match tag {
                Some("a") | None => &[0],
                _ => &[],
            }
        }
        fn tag_text(tag: &str) -> Option<&'static str> {
            match tag {
                "a" => Some("\"a\""),
                _ => None,
            }
        }
        fn member_name(_: u16) -> &'static str {
            "Member"
        }
        fn decode_member<'de, D: serde::Deserializer<'de>>(
            _: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            serde::Deserialize::deserialize(deserializer).map(Union::Member)
        }
        fn unknown(value: Json) -> Self {
            Union::Unknown(value)
        }
    }

    impl<'de> serde::Deserialize<'de> for Union {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::tagged(d)
        }
    }

    fn member(kind: Option<&str>, n: Option<u8>) -> Union {
        Union::Member(Member {
            kind: kind.map(|k| Kind(k.to_owned())),
            n,
        })
    }

    #[test]
    fn the_tag_is_replayed_as_a_string_wherever_it_comes() {
        for text in [
            r#"{"kind": "a", "n": 1}"#,
            r#"{"n": 1, "kind": "a"}"#,
            r#"{"n": 1, "kind": "\u0061"}"#,
            r#"{"\u006e": 1, "k\u0069nd": "a"}"#,
        ] {
            let from_text: Union = serde_json::from_str(text).expect(text);
            assert_eq!(from_text, member(Some("a"), Some(1)), "{text}");
            let value: Value = serde_json::from_str(text).expect(text);
            let from_value: Union = serde_json::from_value(value).expect(text);
            assert_eq!(from_value, member(Some("a"), Some(1)), "{text} as a Value");
        }
        let absent: Union = serde_json::from_str(r#"{"n": 2}"#).expect("optional tag");
        assert_eq!(absent, member(None, Some(2)));
    }

    #[test]
    fn a_value_before_the_tag_is_read_again_within_a_depth_bound() {
        // serde_json lends a value's text without counting its depth; read
        // again on its own, it would start a new count. The text is checked
        // first, so nesting beyond serde_json's limit fails, as it does
        // anywhere else, instead of recursing once per union level.
        let deep = format!(
            r#"{{"n": {}1{}, "kind": "a"}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        let error = serde_json::from_str::<Union>(&deep).expect_err("too deep");
        assert!(error.to_string().contains("recursion limit"), "{error}");
        // Within the limit (127 levels of its own), a value before a tag no
        // member has is kept whole in the unknown member.
        let deep = format!("{}1{}", "[".repeat(127), "]".repeat(127));
        let text = format!(r#"{{"n": {deep}, "kind": "zzz"}}"#);
        match serde_json::from_str::<Union>(&text) {
            Ok(Union::Unknown(value)) => {
                // Encoded again (one level deeper than serde_json reads at
                // once: written entry by entry) before and after reading it.
                let sent = format!(r#"{{"n":{deep},"kind":"zzz"}}"#);
                assert_eq!(serde_json::to_string(&value).expect("encodes"), sent);
                assert_eq!(value.to_string(), sent);
                assert_eq!(value["kind"], "zzz");
                assert_eq!(value["n"].to_string(), deep);
            }
            other => panic!("not the unknown member: {other:?}"),
        }
        // A value before the tag, from text and from a `Value` (which does
        // not lend its text: the object is decoded again from text), with a
        // key sent twice inside it (the last value, as on the common path).
        let text = r#"{"n": 3, "x": {"a": 1, "a": 2}, "kind": "a"}"#;
        assert_eq!(
            serde_json::from_str::<Union>(text).ok(),
            Some(member(Some("a"), Some(3)))
        );
        let value: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(
            serde_json::from_value::<Union>(value).ok(),
            Some(member(Some("a"), Some(3)))
        );
    }

    #[test]
    fn a_tag_that_is_not_a_known_string_keeps_the_object_as_sent() {
        for raw in [
            json!({"n": 1, "kind": 5}),
            json!({"kind": {"x": [1, null]}, "n": 1}),
            json!({"kind": "b", "n": 1, "more": true}),
        ] {
            let decoded: Union = serde_json::from_str(&raw.to_string()).expect("decodes");
            assert_eq!(decoded, Union::Unknown(raw.into()));
        }
    }

    #[test]
    fn errors_after_the_tag_and_before_it_name_the_member() {
        let after = serde_json::from_str::<Union>(r#"{"kind": "a", "n": "x"}"#)
            .expect_err("a string is not a number");
        assert!(
            after.to_string().contains(
                r#"expected u8 (decoding `Union` member `Member`, selected by kind = "a")"#
            ),
            "{after}"
        );
        let strictly = |json: &[u8]| match crate::decode_strict::<Union>(json) {
            Err(crate::StrictError::Decode(e)) => e,
            other => panic!("{other:?}"),
        };
        let before = strictly(br#"{"n": "x", "kind": "a"}"#);
        assert_eq!(before.path(), "n", "{before}");
        assert!(
            before.message().starts_with(
                "invalid type: string \"x\", expected u8 (decoding `Union` member `Member`"
            ),
            "{before}"
        );
        // After the tag too, the path goes into the member.
        // A value the union reads itself (before the tag, to choose the
        // member) that is not JSON it can keep: at its key.
        let unreadable = strictly(br#"{"n": 1e999, "kind": "a"}"#);
        assert_eq!(unreadable.path(), "n", "{unreadable}");
        let after = strictly(br#"{"kind": "a", "n": "x"}"#);
        assert_eq!(after.path(), "n", "{after}");
    }

    /// A union of two members that one tag value (`kind = "t"`) selects,
    /// decoded by [`super::tagged`], with the members' properties given.
    macro_rules! two_member_union {
        ($name:ident: $first:ident $first_fields:expr, $second:ident $second_fields:expr) => {
            #[derive(Debug)]
            #[allow(dead_code)]
            enum $name {
                First($first),
                Second($second),
                Unknown(Json),
            }

            impl Drift for $name {
                fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
            }

            impl Tagged for $name {
                const NAME: &'static str = stringify!($name);
                const TAG: &'static str = "kind";
                fn members(tag: Option<&str>) -> &'static [u16] {
                    match tag {
                        Some("t") => &[0, 1],
                        _ => &[],
                    }
                }
                fn tag_text(tag: &str) -> Option<&'static str> {
                    match tag {
                        "t" => Some("\"t\""),
                        _ => None,
                    }
                }
                fn member_name(index: u16) -> &'static str {
                    [stringify!($first), stringify!($second)][usize::from(index)]
                }
                fn member_fields(index: u16) -> &'static [&'static str] {
                    match index {
                        0 => $first_fields,
                        _ => $second_fields,
                    }
                }
                fn decode_member<'de, D: serde::Deserializer<'de>>(
                    index: u16,
                    deserializer: D,
                ) -> Result<Self, D::Error> {
                    match index {
                        0 => serde::Deserialize::deserialize(deserializer).map($name::First),
                        _ => serde::Deserialize::deserialize(deserializer).map($name::Second),
                    }
                }
                fn unknown(value: Json) -> Self {
                    $name::Unknown(value)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    super::tagged(d)
                }
            }
        };
    }

    /// Two members one tag value selects; neither decodes `{"kind": "t",
    /// "c": {}}`.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Flat {
        kind: String,
        a: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Nested {
        kind: String,
        c: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        x: u8,
    }

    two_member_union!(Pair: Flat &["kind", "a"], Nested &["kind", "c"]);

    #[test]
    fn when_no_member_decodes_the_error_is_the_one_of_the_member_knowing_the_keys() {
        let error = serde_json::from_str::<Pair>(r#"{"kind": "t", "c": {}}"#)
            .expect_err("neither member decodes");
        let message = error.to_string();
        assert!(
            message.contains("missing field `x`") && message.contains("member `Nested`"),
            "{message}"
        );
        // Sent for the other member, the other member's error.
        let error = serde_json::from_str::<Pair>(r#"{"kind": "t", "a": "1"}"#)
            .expect_err("neither member decodes");
        let message = error.to_string();
        assert!(message.contains("member `Flat`"), "{message}");
    }

    /// Two members that know the same keys: `{"kind": "t", "a": "1"}` has
    /// the wrong type for `NumberA`'s `a` and lacks `TextA`'s `c`.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct NumberA {
        kind: String,
        a: u8,
        c: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct TextA {
        kind: String,
        a: String,
        c: u8,
    }

    two_member_union!(Tie: NumberA &["kind", "a", "c"], TextA &["kind", "a", "c"]);

    #[test]
    fn between_members_knowing_the_same_keys_the_error_is_the_missing_property() {
        let error = serde_json::from_str::<Tie>(r#"{"kind": "t", "a": "1"}"#)
            .expect_err("neither member decodes");
        let message = error.to_string();
        assert!(
            message.contains("missing field `c`") && message.contains("member `TextA`"),
            "{message}"
        );
        // Nothing tells the members apart: each one's error.
        let error =
            serde_json::from_str::<Tie>(r#"{"kind": "t"}"#).expect_err("neither member decodes");
        let message = error.to_string();
        assert!(
            message.contains("no member of `Tie` selected by kind = \"t\" fits")
                && message.contains("`NumberA`: missing field `a`")
                && message.contains("`TextA`: missing field `a`"),
            "{message}"
        );
    }

    /// A union with one member, which requires `x`: decoded on the common
    /// path (its tag selects one member).
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct NeedsX {
        kind: String,
        x: u8,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Needs {
        X(NeedsX),
        Unknown(Json),
    }

    impl Drift for Needs {
        fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
    }

    impl Tagged for Needs {
        const NAME: &'static str = "Needs";
        const TAG: &'static str = "kind";
        fn members(tag: Option<&str>) -> &'static [u16] {
            match tag {
                Some("n") => &[0],
                _ => &[],
            }
        }
        fn tag_text(tag: &str) -> Option<&'static str> {
            match tag {
                "n" => Some("\"n\""),
                _ => None,
            }
        }
        fn member_name(_: u16) -> &'static str {
            "NeedsX"
        }
        fn decode_member<'de, D: serde::Deserializer<'de>>(
            _: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            serde::Deserialize::deserialize(deserializer).map(Needs::X)
        }
        fn unknown(value: Json) -> Self {
            Needs::Unknown(value)
        }
    }

    impl<'de> serde::Deserialize<'de> for Needs {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::tagged(d)
        }
    }

    /// Two members that know the same keys: `Holder` fails because the
    /// union inside it lacks a property, `NeedsC` because it lacks its own.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Holder {
        kind: String,
        a: u8,
        inner: Needs,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct NeedsC {
        kind: String,
        a: u8,
        c: u8,
    }

    two_member_union!(Nesting: Holder &["kind", "a", "inner", "c"], NeedsC &["kind", "a", "inner", "c"]);

    #[test]
    fn a_property_missing_in_a_union_inside_a_member_is_not_the_members_own() {
        let error =
            serde_json::from_str::<Nesting>(r#"{"kind": "t", "a": 1, "inner": {"kind": "n"}}"#)
                .expect_err("neither member decodes");
        let message = error.to_string();
        assert!(
            message.contains("missing field `c`")
                && message.contains("member `NeedsC`")
                && !message.contains("Holder"),
            "{message}"
        );
    }

    /// A member whose `Deserialize` rejects every object with a message
    /// that reads like a missing property, though it is not one.
    #[derive(Debug)]
    struct Lookalike;

    impl<'de> serde::Deserialize<'de> for Lookalike {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let _ = serde::de::IgnoredAny::deserialize(d)?;
            Err(serde::de::Error::custom(
                "missing field, this message says, though none is",
            ))
        }
    }

    two_member_union!(Mimicry: Lookalike &["kind", "a", "c"], NumberA &["kind", "a", "c"]);

    #[test]
    fn a_missing_property_is_known_by_how_the_error_was_made_not_by_its_text() {
        let error = serde_json::from_str::<Mimicry>(r#"{"kind": "t", "a": 1}"#)
            .expect_err("neither member decodes");
        let message = error.to_string();
        assert!(
            message.contains("missing field `c`")
                && message.contains("member `NumberA`")
                && !message.contains("Lookalike"),
            "{message}"
        );
    }

    /// An untagged union (one member is a string) whose object members
    /// share the tag `kind`; `Loose` keeps any other properties, so without
    /// the tag it would take `{"kind": "strict", "n": "x"}` as unknown data.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        kind: String,
        n: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Loose {
        kind: String,
        #[serde(flatten)]
        rest: serde_json::Map<String, Value>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Either {
        Text(String),
        Loose(Loose),
        Strict(Strict),
        Unknown(Json),
    }

    impl Drift for Either {
        fn drift<'a>(&'a self, _: &mut Collector<'a>) {}
    }

    impl super::Untagged for Either {
        const NAME: &'static str = "Either";
        const MEMBERS: &'static [&'static str] = &["String", "Loose", "Strict"];
        const TAG: Option<&'static str> = Some("kind");
        fn tagged_members(tag: &str) -> &'static [u16] {
            match tag {
                "loose" => &[1],
                "strict" => &[2],
                _ => &[],
            }
        }
        fn decode_member<'de, D: serde::Deserializer<'de>>(
            index: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            match index {
                0 => serde::Deserialize::deserialize(deserializer).map(Either::Text),
                1 => serde::Deserialize::deserialize(deserializer).map(Either::Loose),
                _ => serde::Deserialize::deserialize(deserializer).map(Either::Strict),
            }
        }
        fn unknown(value: Json) -> Option<Self> {
            Some(Either::Unknown(value))
        }
    }

    #[test]
    fn an_object_is_tried_on_the_members_its_tag_selects() {
        let decode = |v: Value| super::try_members::<Either>(&v.to_string());
        assert!(matches!(
            decode(json!({"kind": "strict", "n": 1})),
            Ok(Either::Strict(_))
        ));
        // Meant for `Strict`, with a wrong field: not `Loose`'s.
        let rejected = decode(json!({"kind": "strict", "n": "x"})).expect_err("no fit");
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(rejected[0].0, "Strict");
        // A tag no member claims: every member is tried.
        assert!(matches!(
            decode(json!({"kind": "new", "n": 1})),
            Ok(Either::Loose(_))
        ));
        assert!(matches!(decode(json!("off")), Ok(Either::Text(_))));
    }

    /// A tagged union whose tag is required: without it, the strict
    /// decoder fails and the tolerant one keeps the value as unknown.
    #[derive(Debug)]
    enum Cond {
        Regex(#[allow(dead_code)] Regex),
        Unknown(Json),
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Regex {
        kind: String,
        pattern: String,
    }

    impl Drift for Cond {
        fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
            if let Cond::Unknown(value) = self {
                collector.unknown_member("Cond", "kind", value);
            }
        }
    }

    impl Tagged for Cond {
        const NAME: &'static str = "Cond";
        const TAG: &'static str = "kind";
        fn members(tag: Option<&str>) -> &'static [u16] {
            match tag {
                Some("regex") => &[0],
                _ => &[],
            }
        }
        fn tag_text(tag: &str) -> Option<&'static str> {
            match tag {
                "regex" => Some("\"regex\""),
                _ => None,
            }
        }
        fn member_name(_: u16) -> &'static str {
            "Regex"
        }
        fn decode_member<'de, D: serde::Deserializer<'de>>(
            _: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            serde::Deserialize::deserialize(deserializer).map(Cond::Regex)
        }
        fn unknown(value: Json) -> Self {
            Cond::Unknown(value)
        }
    }

    impl<'de> serde::Deserialize<'de> for Cond {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::tagged(d)
        }
    }

    /// `Call | Batch`, after a member that takes any object (its unknown
    /// fields kept), tried first. `Call` decodes as the generated structs do
    /// (its fields record their names, its array the index, in the path of
    /// an error).
    #[derive(Debug)]
    struct Call {
        #[allow(dead_code)]
        id: String,
        cond: Vec<Cond>,
    }

    impl<'de> serde::Deserialize<'de> for Call {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Call;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a Call")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Call, A::Error> {
                    let mut unknown = crate::UnknownFields::new();
                    let (mut id, mut cond) = (None, None);
                    while let Some(key) = map.next_key::<super::Key<'de>>()? {
                        match key.as_str() {
                            "id" => id = Some(super::required(&mut map, "id")?),
                            "cond" => {
                                cond = Some(super::Decoded::field(super::required::<
                                    _,
                                    super::Seq<Cond>,
                                >(
                                    &mut map, "cond"
                                )?));
                            }
                            _ => super::keep(&mut map, key, &mut unknown)?,
                        }
                    }
                    Ok(Call {
                        id: id.ok_or_else(|| serde::de::Error::missing_field("id"))?,
                        cond: cond.ok_or_else(|| serde::de::Error::missing_field("cond"))?,
                    })
                }
            }
            d.deserialize_map(V)
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Batch {
        results: Vec<Value>,
        errors: Vec<Value>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Anything {
        #[allow(dead_code)]
        id: Option<String>,
        #[serde(flatten)]
        rest: crate::UnknownFields,
    }

    #[derive(Debug)]
    enum Response {
        Anything(#[allow(dead_code)] Anything),
        Call(Call),
        Batch(#[allow(dead_code)] Batch),
        Unknown(#[allow(dead_code)] Json),
    }

    impl Drift for Response {
        fn drift<'a>(&'a self, collector: &mut Collector<'a>) {
            match self {
                Response::Anything(a) => collector.unknown_fields(&a.rest),
                Response::Call(c) => {
                    for cond in &c.cond {
                        cond.drift(collector);
                    }
                }
                Response::Batch(_) | Response::Unknown(_) => {}
            }
        }
    }

    impl super::Untagged for Response {
        const NAME: &'static str = "Response";
        const MEMBERS: &'static [&'static str] = &["Anything", "Call", "Batch"];
        fn member_shape(index: u16) -> super::Shape {
            match index {
                0 => super::Shape::Object {
                    fields: &["id"],
                    required: &[],
                },
                1 => super::Shape::Object {
                    fields: &["id", "cond"],
                    required: &["id", "cond"],
                },
                2 => super::Shape::Object {
                    fields: &["results", "errors"],
                    required: &["results", "errors"],
                },
                _ => super::Shape::Any,
            }
        }
        fn decode_member<'de, D: serde::Deserializer<'de>>(
            index: u16,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            match index {
                0 => serde::Deserialize::deserialize(deserializer).map(Response::Anything),
                1 => serde::Deserialize::deserialize(deserializer).map(Response::Call),
                _ => serde::Deserialize::deserialize(deserializer).map(Response::Batch),
            }
        }
        fn unknown(value: Json) -> Option<Self> {
            Some(Response::Unknown(value))
        }
    }

    impl<'de> serde::Deserialize<'de> for Response {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::untagged(d)
        }
    }

    #[test]
    fn drift_inside_a_member_never_changes_the_member_chosen() {
        // A nested tagged union without its tag: `Call` on its own keeps it
        // as the nested union's unknown member.
        let json = br#"{"id": "c1", "cond": [{"pattern": "x"}]}"#;
        let alone = crate::decode::<Call>(json).expect("tolerated");
        assert!(matches!(alone.cond[0], Cond::Unknown(_)));
        // Through the union: the same `Call`, not the member that takes any
        // object strictly, nor the union's unknown member.
        let Ok(Response::Call(call)) = crate::decode::<Response>(json) else {
            panic!("{:?}", crate::decode::<Response>(json));
        };
        assert!(matches!(call.cond[0], Cond::Unknown(_)));
        // Strictly, the error `Call` has on its own, saying which member.
        let strict = crate::decode_strict::<Response>(json).expect_err("a tag is missing");
        let message = strict.to_string();
        assert!(
            message.starts_with("at `cond[0]`: missing field `kind`")
                && message.contains("member `Call`"),
            "{message}"
        );
        // The keys still choose where drift is absent, and objects that fit
        // no member's shape are tried on every member as before.
        let batch = br#"{"results": [], "errors": []}"#;
        assert!(matches!(
            crate::decode::<Response>(batch),
            Ok(Response::Batch(_))
        ));
        let other = br#"{"colour": "red"}"#;
        assert!(matches!(
            crate::decode::<Response>(other),
            Ok(Response::Anything(_))
        ));
        // A member chosen by its keys that fails even tolerantly (a required
        // value of the wrong type): every member is tried, as before, and
        // the value no member takes is kept as sent.
        let wrong = br#"{"id": 5, "cond": []}"#;
        assert!(matches!(
            crate::decode::<Response>(wrong),
            Ok(Response::Unknown(_))
        ));
    }

    #[test]
    fn strips_only_a_trailing_position() {
        assert_eq!(strip_position("bad at line 1 column 20".into()), "bad");
        assert_eq!(
            strip_position("at line of sight".into()),
            "at line of sight"
        );
        assert_eq!(strip_position("plain".into()), "plain");
    }
}
