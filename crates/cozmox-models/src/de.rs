//! Decoding support shared by the generated `Deserialize` impls.
//!
//! The generated code plugs in through two traits: [`Tagged`] for unions whose
//! members are told apart by a tag property (`provider`, `type`, `role`…) and
//! [`Untagged`] for the others. This module is public only so the generated
//! code can reach it; it is not a stable API.

use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::drift::Drift;

/// An object key, borrowed from the input when it can be, owned when it has
/// escapes (or comes from a buffered value).
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
    /// Members whose tag is a free-form string in the spec: tried, best fit
    /// first, for a tag value no other member claims.
    const OPEN: &'static [u16] = &[];
    /// The Rust name of a member.
    fn member_name(index: u16) -> &'static str;
    /// Decode member `index` from `deserializer`.
    fn decode_member<'de, D: Deserializer<'de>>(
        index: u16,
        deserializer: D,
    ) -> Result<Self, D::Error>;
    /// The union holding a value whose tag no member has, kept as sent.
    fn unknown(value: Value) -> Self;
}

/// A union without a tag: each member is tried on the buffered value.
pub trait Untagged: Sized + Drift {
    /// The union's Rust name, for messages.
    const NAME: &'static str;
    /// The members' Rust names, in trial order.
    const MEMBERS: &'static [&'static str];
    /// Decode member `index` from `deserializer`.
    fn decode_member<'de, D: Deserializer<'de>>(
        index: u16,
        deserializer: D,
    ) -> Result<Self, D::Error>;
    /// The union holding a value no member accepts, kept as sent; `None`
    /// when the union has no variant for that (a union of strings, where one
    /// member takes any string), and such a value is an error.
    fn unknown(value: Value) -> Option<Self>;
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
pub fn tagged<'de, T: Tagged, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor::<T>(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object ({}, selected by `{}`)", T::NAME, T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut seen: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() != T::TAG {
                let value = map.next_value::<Value>()?;
                seen.push((key.into_string(), value));
                continue;
            }
            let tag_value = map.next_value::<Value>()?;
            let tag = tag_value.as_str().map(str::to_owned);
            let members = tag.as_deref().map_or(&[][..], |t| T::members(Some(t)));
            seen.push((T::TAG.to_owned(), tag_value));
            return match members {
                [] => {
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        seen.push((k, v));
                    }
                    if !T::OPEN.is_empty()
                        && let Ok(value) = best_fit::<T, A>(T::OPEN, &seen, tag.as_deref())
                    {
                        return Ok(value);
                    }
                    let object: Map<String, Value> = seen.into_iter().collect();
                    Ok(T::unknown(Value::Object(object)))
                }
                [one] => {
                    let replay = Replay::new(seen, Some(map));
                    T::decode_member(*one, replay)
                        .map_err(|e| member_error::<_, T>(e, *one, tag.as_deref()))
                }
                several => {
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        seen.push((k, v));
                    }
                    best_fit::<T, A>(several, &seen, tag.as_deref())
                }
            };
        }
        match T::members(None) {
            [] => Err(de::Error::custom(format_args!(
                "missing field `{}` (the tag that selects the member of `{}`)",
                T::TAG,
                T::NAME
            ))),
            members => best_fit::<T, A>(members, &seen, None),
        }
    }
}

/// Decode each candidate member from the buffered object and keep the one
/// with the least unknown data (the first on a tie).
fn best_fit<'de, T: Tagged, A: MapAccess<'de>>(
    members: &[u16],
    seen: &[(String, Value)],
    tag: Option<&str>,
) -> Result<T, A::Error> {
    let mut best: Option<(usize, T)> = None;
    let mut first_error = None;
    for &index in members {
        match T::decode_member(index, Replay::<A>::new(seen.to_vec(), None)) {
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
                first_error.get_or_insert((index, e));
            }
        }
    }
    match (best, first_error) {
        (Some((_, value)), _) => Ok(value),
        (None, Some((index, e))) => Err(member_error::<_, T>(e, index, tag)),
        (None, None) => Err(de::Error::custom("no member to decode")),
    }
}

/// Decode an untagged union: buffer the value and keep the member that
/// accepts it with the least unknown data; a value no member accepts gives
/// [`Untagged::unknown`], or an error saying what each member rejected.
pub fn untagged<'de, T: Untagged, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match try_members(value) {
        Ok(decoded) => Ok(decoded),
        Err((value, rejected)) => T::unknown(value).ok_or_else(|| {
            let reasons: Vec<String> = rejected
                .into_iter()
                .map(|(member, why)| format!("{member}: {}", strip_position(why)))
                .collect();
            de::Error::custom(format_args!(
                "no member of `{}` accepts this value ({})",
                T::NAME,
                reasons.join("; ")
            ))
        }),
    }
}

/// Try every member of an untagged union on `value`; on failure, give the
/// value back with what each member rejected.
#[allow(clippy::type_complexity)]
pub fn try_members<T: Untagged>(value: Value) -> Result<T, (Value, Vec<(&'static str, String)>)> {
    let mut best: Option<(usize, T)> = None;
    let mut errors = Vec::new();
    for (index, name) in (0u16..).zip(T::MEMBERS) {
        match T::decode_member(index, value.clone()) {
            Ok(decoded) => {
                let unknown = crate::drift::count(&decoded);
                if best.as_ref().is_none_or(|(n, _)| unknown < *n) {
                    best = Some((unknown, decoded));
                }
                if unknown == 0 {
                    break;
                }
            }
            Err(e) => errors.push((*name, e.to_string())),
        }
    }
    match best {
        Some((_, decoded)) => Ok(decoded),
        None => Err((value, errors)),
    }
}

use serde::Deserialize as _;

/// A map deserializer that first replays buffered entries, then continues
/// with the rest of the input object.
pub struct Replay<'de, A> {
    buffered: std::vec::IntoIter<(String, Value)>,
    pending: Option<(String, Value)>,
    rest: Option<A>,
    marker: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Replay<'de, A> {
    fn new(buffered: Vec<(String, Value)>, rest: Option<A>) -> Self {
        Replay {
            buffered: buffered.into_iter(),
            pending: None,
            rest,
            marker: PhantomData,
        }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.buffered.next() {
            let de_key: de::value::StringDeserializer<A::Error> = key.clone().into_deserializer();
            self.pending = Some((key, value));
            return seed.deserialize(de_key).map(Some);
        }
        match &mut self.rest {
            Some(rest) => rest.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match (self.pending.take(), &mut self.rest) {
            // The input's path tracking has moved past this field (it was
            // read before the tag), so the message names it.
            (Some((key, value)), _) => seed.deserialize(value).map_err(|e| {
                de::Error::custom(format_args!("`{key}`: {}", strip_position(e.to_string())))
            }),
            (None, Some(rest)) => rest.next_value_seed(seed),
            (None, None) => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

/// A schema transform adding `names` (separated by NUL) to an object
/// schema's `required`: schemars takes every `Option` field as optional, but
/// a required field that may be `null` is an `Option` the decoder still
/// requires.
#[cfg(feature = "schemars")]
pub fn required(names: &'static str) -> impl FnMut(&mut schemars::Schema) {
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
    use super::strip_position;

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
