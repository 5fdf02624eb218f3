//! [`UnknownFields`]: the fields of an object that the spec does not declare.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

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
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Map<String, Value>>>);

/// What an empty [`UnknownFields`] dereferences to.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl UnknownFields {
    /// No fields (allocates nothing).
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// The fields, as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl Deref for UnknownFields {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(map) => map,
            None => &EMPTY,
        }
    }
}

impl DerefMut for UnknownFields {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

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
            UnknownFields(Some(Box::new(map)))
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
            Some(map) => map.serialize(serializer),
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
