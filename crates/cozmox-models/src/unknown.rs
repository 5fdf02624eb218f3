//! [`UnknownFields`]: the fields of an object that the spec does not declare.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{LazyLock, OnceLock};

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::decode::DecodeError;

/// The fields of an object that the spec does not declare, kept as the text
/// sent so that they re-encode as the same values (and listed by
/// [`crate::Drift`]).
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
    fields: Fields,
    /// The keys of the fields that are declared fields whose value did not
    /// decode, with why (rare: most objects have none).
    invalid: Vec<(String, DecodeError)>,
}

/// The fields: as decoded, the text of each value as sent (a few bytes
/// beyond the body's own: a `Value` costs 30 to 80 bytes per two-byte
/// `0,`), with the `Map` view built on first read; once written through
/// the view, the `Map` alone.
#[derive(Clone)]
enum Fields {
    Raw {
        raw: BTreeMap<String, Box<RawValue>>,
        view: OnceLock<Map<String, Value>>,
    },
    Values(Map<String, Value>),
}

impl Default for Fields {
    fn default() -> Self {
        Fields::Values(Map::new())
    }
}

impl Fields {
    fn view(&self) -> &Map<String, Value> {
        match self {
            Fields::Raw { raw, view } => view.get_or_init(|| {
                raw.iter()
                    .map(|(key, text)| (key.clone(), parse(text)))
                    .collect()
            }),
            Fields::Values(map) => map,
        }
    }

    fn view_mut(&mut self) -> &mut Map<String, Value> {
        if let Fields::Raw { raw, view } = self {
            let map = view.take().unwrap_or_else(|| {
                raw.iter()
                    .map(|(key, text)| (key.clone(), parse(text)))
                    .collect()
            });
            *self = Fields::Values(map);
        }
        match self {
            Fields::Values(map) => map,
            Fields::Raw { .. } => unreachable!("made `Values` above"),
        }
    }

    fn contains_key(&self, key: &str) -> bool {
        match self {
            Fields::Raw { raw, .. } => raw.contains_key(key),
            Fields::Values(map) => map.contains_key(key),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Fields::Raw { raw, .. } => raw.is_empty(),
            Fields::Values(map) => map.is_empty(),
        }
    }

    fn insert_raw(&mut self, key: String, text: Box<RawValue>) {
        match self {
            Fields::Raw { raw, view } => {
                raw.insert(key, text);
                view.take();
            }
            Fields::Values(map) if map.is_empty() => {
                *self = Fields::Raw {
                    raw: BTreeMap::from([(key, text)]),
                    view: OnceLock::new(),
                };
            }
            Fields::Values(map) => {
                map.insert(key, parse(&text));
            }
        }
    }

    fn remove(&mut self, key: &str) {
        match self {
            Fields::Raw { raw, view } => {
                if raw.remove(key).is_some() {
                    view.take();
                }
            }
            Fields::Values(map) => {
                map.remove(key);
            }
        }
    }
}

/// The value of text serde_json read as a JSON value (so it parses again;
/// `null` stands in should it not).
fn parse(text: &RawValue) -> Value {
    serde_json::from_str(text.get()).unwrap_or(Value::Null)
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
        self.0
            .map(|mut inner| std::mem::take(inner.fields.view_mut()))
            .unwrap_or_default()
    }

    /// The fields as a map, without keeping it (what `Debug` and `==`
    /// read: the map of the first read through `Deref` if there was one,
    /// else one built for the moment).
    fn as_map(&self) -> std::borrow::Cow<'_, Map<String, Value>> {
        match self.0.as_deref().map(|inner| &inner.fields) {
            Some(Fields::Raw { raw, view }) => match view.get() {
                Some(map) => std::borrow::Cow::Borrowed(map),
                None => std::borrow::Cow::Owned(
                    raw.iter()
                        .map(|(key, text)| (key.clone(), parse(text)))
                        .collect(),
                ),
            },
            Some(Fields::Values(map)) => std::borrow::Cow::Borrowed(map),
            None => std::borrow::Cow::Borrowed(&EMPTY),
        }
    }

    /// The names of the fields, without reading their values.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let (raw, map) = match self.0.as_deref().map(|inner| &inner.fields) {
            Some(Fields::Raw { raw, .. }) => (Some(raw), None),
            Some(Fields::Values(map)) => (None, Some(map)),
            None => (None, None),
        };
        raw.into_iter()
            .flat_map(BTreeMap::keys)
            .chain(map.into_iter().flat_map(Map::keys))
            .map(String::as_str)
    }

    /// Keep the field `key` the object's type does not declare, as sent
    /// (what the generated decoders call; a key sent twice keeps the last
    /// value, as a `Map` would).
    #[doc(hidden)]
    pub fn keep(&mut self, key: String, text: crate::de::Kept) {
        self.0
            .get_or_insert_with(Box::default)
            .fields
            .insert_raw(key, text.0);
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
        if !inner.fields.contains_key(key) {
            return None;
        }
        inner
            .invalid
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, error)| error)
    }

    /// Keep `text`, the value of the declared field `key` that did not
    /// decode as the field's type, with why.
    pub(crate) fn reject(&mut self, key: &str, text: Box<RawValue>, error: DecodeError) {
        let inner = self.0.get_or_insert_with(Box::default);
        inner.fields.insert_raw(key.to_owned(), text);
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
            inner.fields.remove(key);
        }
    }

    /// Write the fields into the map of the object that holds them, leaving
    /// out any whose key `written` says the object has already written as
    /// one of its declared fields (a value kept because it did not fit, once
    /// the field has been given a value: the new value wins; or a declared
    /// name put here by hand): an object never carries a key twice.
    /// `written` is a trait object so that this is one copy per serializer,
    /// not one per struct (each passes its own closure).
    #[doc(hidden)]
    pub fn serialize_into<M: SerializeMap>(
        &self,
        map: &mut M,
        written: &dyn Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        let Some(inner) = &self.0 else {
            return Ok(());
        };
        match &inner.fields {
            Fields::Raw { raw, .. } => {
                for (key, text) in raw {
                    if !written(key) {
                        map.serialize_entry(key, &AsSent(text))?;
                    }
                }
            }
            Fields::Values(values) => {
                for (key, value) in values {
                    if !written(key) {
                        map.serialize_entry(key, value)?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Deref for UnknownFields {
    type Target = Map<String, Value>;

    /// The fields as a `Map` (built from the text as sent on the first
    /// read: reading the names alone, [`UnknownFields::names`], builds
    /// nothing).
    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(inner) => inner.fields.view(),
            None => &EMPTY,
        }
    }
}

impl DerefMut for UnknownFields {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default).fields.view_mut()
    }
}

/// Equal by content: the fields and their values (not why a value was kept,
/// nor how the values were spaced as sent).
impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        let empty = |f: &Self| f.0.as_ref().is_none_or(|inner| inner.fields.is_empty());
        (empty(self) && empty(other)) || *self.as_map() == *other.as_map()
    }
}

impl Eq for UnknownFields {}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.as_map(), f)
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            UnknownFields(None)
        } else {
            UnknownFields(Some(Box::new(Inner {
                fields: Fields::Values(map),
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
        let mut map = serializer.serialize_map(Some(self.names().count()))?;
        self.serialize_into(&mut map, &|_| false)?;
        map.end()
    }
}

/// A value's text as sent, written to any serializer as the value it holds
/// (streamed, not parsed into a `Value` first).
pub(crate) struct AsSent<'a>(pub(crate) &'a RawValue);

impl Serialize for AsSent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_as_sent(self.0.get(), serializer)
    }
}

/// Write `text` (checked JSON) to `serializer` as the value it holds,
/// streamed.
pub(crate) fn write_as_sent<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut text, serializer)
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

    #[test]
    fn decoded_fields_are_kept_as_sent_and_read_as_a_map() {
        let raw = |text: &str| serde_json::from_str::<crate::de::Kept>(text).unwrap();
        let mut fields = UnknownFields::new();
        fields.keep("b".into(), raw("[1, 2,  3]"));
        fields.keep("a".into(), raw(r#"{"x": null}"#));
        fields.keep("b".into(), raw("[4]"));
        assert_eq!(fields.names().collect::<Vec<_>>(), ["a", "b"]);
        // Written as sent (the last value of a key sent twice), in key order.
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"a":{"x":null},"b":[4]}"#
        );
        // To any serializer, as the values the text holds.
        assert_eq!(
            serde_json::to_value(&fields).unwrap(),
            json!({"a": {"x": null}, "b": [4]})
        );
        // `Debug` and `==` keep no map; equal by content, however spaced.
        let spaced: UnknownFields = [("b", "[ 4 ]"), ("a", r#"{ "x" : null }"#)]
            .into_iter()
            .fold(UnknownFields::new(), |mut f, (k, v)| {
                f.keep(k.into(), raw(v));
                f
            });
        assert_eq!(fields, spaced);
        assert_eq!(
            format!("{spaced:?}"),
            r#"{"a": Object {"x": Null}, "b": Array [Number(4)]}"#
        );
        let inner = |f: &UnknownFields| match &f.0.as_deref().map(|i| &i.fields) {
            Some(super::Fields::Raw { view, .. }) => view.get().is_some(),
            _ => false,
        };
        assert!(!inner(&fields) && !inner(&spaced));
        // Read as a map (which is then kept for the next reads).
        assert_eq!(fields["b"], json!([4]));
        assert!(inner(&fields));
        let same: UnknownFields =
            serde_json::from_value(json!({"b": [4], "a": {"x": null}})).unwrap();
        assert_eq!(fields, same);
        // Written through the map: the map is what is kept from then on.
        fields.insert("c".into(), json!("new"));
        fields.keep("d".into(), raw("4"));
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"a":{"x":null},"b":[4],"c":"new","d":4}"#
        );
        assert_eq!(fields.names().count(), 4);
        fields.keep("e".into(), raw("5"));
        assert_eq!(fields.into_map().len(), 5);
    }
}
