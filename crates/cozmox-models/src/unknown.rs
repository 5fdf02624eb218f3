//! [`UnknownFields`]: the fields of an object that the spec does not declare.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::decode::DecodeError;

/// The fields of an object that the spec does not declare, kept as sent so
/// that they re-encode unchanged (and listed by [`crate::Drift`]).
///
/// It reads and writes as a [`serde_json::Map`] (it dereferences to one), but
/// holds nothing until a field is added: most objects have no unknown
/// fields, and an empty `UnknownFields` is one pointer that costs nothing to
/// create, move or drop.
///
/// ```
/// use cozmox_models::UnknownFields;
/// use serde_json::json;
///
/// let mut fields = UnknownFields::new();
/// assert!(fields.is_empty());
/// fields.insert("beta".into(), json!(true));
/// assert_eq!(fields.get("beta"), Some(&json!(true)));
/// assert_eq!(fields, UnknownFields::from_iter([("beta".to_string(), json!(true))]));
/// ```
///
/// [`crate::decode()`] also keeps here, under the field's own name, the value
/// of an optional field that does not decode as the field's type (the field
/// reads as absent); [`UnknownFields::invalid`] says why. Such a value
/// re-encodes unchanged unless the field has been given a value since.
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Inner>>);

#[derive(Clone, Default)]
struct Inner {
    map: Map<String, Value>,
    /// The keys of `map` that are declared fields whose value did not
    /// decode, with why (rare: most objects have none).
    invalid: Vec<(String, DecodeError)>,
}

/// What an empty [`UnknownFields`] dereferences to.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl UnknownFields {
    /// No fields (allocates nothing).
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// The fields, as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|inner| inner.map).unwrap_or_default()
    }

    /// Why the value kept under `key` was not taken as the declared field of
    /// that name: `Some` when `key` is an optional field whose value did not
    /// decode as its type (the field reads as absent; the value is kept
    /// here as sent).
    ///
    /// ```
    /// use cozmox_models::{Session, decode};
    ///
    /// let json = br#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z",
    ///                 "updatedAt": "2023-11-07T05:31:56Z", "cost": "a lot"}"#;
    /// let session: Session = decode(json)?;
    /// assert!(session.cost.is_none());
    /// let why = session.unknown_fields.invalid("cost").expect("kept");
    /// assert!(why.message().starts_with("invalid type: string \"a lot\", expected f64"));
    /// assert_eq!(session.unknown_fields["cost"], "a lot");
    /// # Ok::<(), cozmox_models::DecodeError>(())
    /// ```
    pub fn invalid(&self, key: &str) -> Option<&DecodeError> {
        let inner = self.0.as_ref()?;
        if !inner.map.contains_key(key) {
            return None;
        }
        inner
            .invalid
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, error)| error)
    }

    /// Keep `value`, the value of the declared field `key` that did not
    /// decode as the field's type, with why.
    pub(crate) fn reject(&mut self, key: &str, value: Value, error: DecodeError) {
        let inner = self.0.get_or_insert_with(Box::default);
        inner.map.insert(key.to_owned(), value);
        inner.invalid.retain(|(k, _)| k != key);
        inner.invalid.push((key.to_owned(), error));
    }

    /// Forget a value kept for the declared field `key`: the field has
    /// decoded since (a key sent twice; the last value wins).
    pub(crate) fn accept(&mut self, key: &str) {
        if let Some(inner) = &mut self.0
            && let Some(at) = inner.invalid.iter().position(|(k, _)| k == key)
        {
            inner.invalid.remove(at);
            inner.map.remove(key);
        }
    }

    /// Write the fields into the map of the object that holds them, leaving
    /// out any whose key `written` says the object has already written as
    /// one of its declared fields (a value kept because it did not fit, once
    /// the field has been given a value: the new value wins; or a declared
    /// name put here by hand): an object never carries a key twice.
    #[doc(hidden)]
    pub fn serialize_into<M: SerializeMap>(
        &self,
        map: &mut M,
        written: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        let Some(inner) = &self.0 else {
            return Ok(());
        };
        for (key, value) in &inner.map {
            if written(key) {
                continue;
            }
            map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

impl Deref for UnknownFields {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(inner) => &inner.map,
            None => &EMPTY,
        }
    }
}

impl DerefMut for UnknownFields {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0.get_or_insert_with(Box::default).map
    }
}

/// Equal by content: the fields and their values (not why a value was kept).
impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for UnknownFields {}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            UnknownFields(None)
        } else {
            UnknownFields(Some(Box::new(Inner {
                map,
                invalid: Vec::new(),
            })))
        }
    }
}

impl From<UnknownFields> for Map<String, Value> {
    fn from(fields: UnknownFields) -> Self {
        fields.into_map()
    }
}

impl FromIterator<(String, Value)> for UnknownFields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map::from_iter(iter).into()
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl Serialize for UnknownFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(inner) => inner.map.serialize(serializer),
            None => serializer.serialize_map(Some(0))?.end(),
        }
    }
}

impl<'de> Deserialize<'de> for UnknownFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(UnknownFields::from)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for UnknownFields {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Map<String, Value> as schemars::JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Map<String, Value> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::UnknownFields;

    #[test]
    fn empty_until_written_and_equal_by_content() {
        let mut fields = UnknownFields::new();
        assert!(fields.0.is_none());
        assert_eq!(serde_json::to_value(&fields).ok(), Some(json!({})));
        fields.insert("a".into(), json!(1));
        assert_eq!(serde_json::to_value(&fields).ok(), Some(json!({"a": 1})));
        fields.remove("a");
        assert!(fields.is_empty());
        assert_eq!(
            fields,
            UnknownFields::new(),
            "an emptied map equals a new one"
        );
        let back: UnknownFields = serde_json::from_value(json!({"b": [true]})).unwrap_or_default();
        assert_eq!(back.get("b"), Some(&json!([true])));
        assert_eq!(back.clone().into_map().len(), 1);
        assert_eq!(format!("{back:?}"), r#"{"b": Array [Bool(true)]}"#);
    }
}
