//! The places of inline types: the marks `shared-inline-type` leaves in
//! the normalized document, read by the passes and the diff.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::type_name;

/// The extension holding the name typify would give an inline schema in
/// its place, on the schemas `shared-inline-type` titles.
pub const PLACE_NAME: &str = "x-place-name";

/// The extension listing the names of the other places a shared inline type
/// serves (next to [`PLACE_NAME`]), so that a diff can tell which places
/// stopped sharing.
pub const SHARED_WITH: &str = "x-shared-with";

/// The places `shared-inline-type` marked in a document's components, all
/// of them, shared or not: (place name, the shared type's name if the place
/// shares one).
pub fn places(doc: &Value) -> Vec<(&str, Option<String>)> {
    let mut out = Vec::new();
    visit_places(doc, &mut |place, m| {
        let shared = m
            .get("title")
            .and_then(Value::as_str)
            .filter(|_| m.contains_key(SHARED_WITH))
            .map(type_name);
        out.push((place, shared));
    });
    out
}

/// The description of each place `shared-inline-type` marked: place name →
/// the schema's own `description` there (what typify would have written on
/// the place's own type).
pub fn place_descriptions(doc: &Value) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    visit_places(doc, &mut |place, m| {
        let description = m
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        out.insert(place.to_string(), description);
    });
    out
}

/// Call `f` with each marked place of the components: its name and schema.
fn visit_places<'a>(doc: &'a Value, f: &mut dyn FnMut(&'a str, &'a Map<String, Value>)) {
    fn walk<'a>(v: &'a Value, f: &mut dyn FnMut(&'a str, &'a Map<String, Value>)) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(place)) = m.get(PLACE_NAME) {
                    f(place, m);
                }
                m.values().for_each(|v| walk(v, f));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, f)),
            _ => {}
        }
    }
    if let Some(schemas) = doc.pointer("/components/schemas") {
        walk(schemas, f);
    }
}
