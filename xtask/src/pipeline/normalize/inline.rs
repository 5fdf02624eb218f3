//! How typify names inline schemas, for the rules that give inline schemas
//! titles (`shared-inline-title`, `inline-name-collision`,
//! `shared-inline-type`).

use serde_json::{Map, Value};

use crate::spec::{PLACE_NAME, SHARED_WITH, pointer_token, type_name};

/// Whether typify makes a named type of this inline schema.
pub(super) fn becomes_named_type(schema: &Map<String, Value>) -> bool {
    !schema.contains_key("$ref")
        && (schema.contains_key("properties")
            || schema.contains_key("enum")
            || schema
                .get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() > 1)
            || schema
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() > 1))
}

/// Keys whose values are data, not schemas.
pub(super) const DATA_KEYWORDS: &[&str] = &[
    "example",
    "examples",
    "default",
    "enum",
    "const",
    "x-enum-values",
];

/// Titled inline schemas that become named types: (pointer, type name).
pub(super) fn titled_inline_schemas(
    node: &Value,
    ptr: &str,
    root: bool,
    out: &mut Vec<(String, String)>,
) {
    match node {
        Value::Object(m) => {
            if !root
                && becomes_named_type(m)
                && let Some(title) = m.get("title").and_then(Value::as_str)
            {
                out.push((ptr.to_string(), type_name(title)));
            }
            for (k, v) in m {
                if !DATA_KEYWORDS.contains(&k.as_str()) {
                    titled_inline_schemas(v, &format!("{ptr}/{}", pointer_token(k)), false, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                titled_inline_schemas(v, &format!("{ptr}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// What makes two titled schemas the same type (docs aside).
pub(super) fn type_content(node: &Value) -> Value {
    match node {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "title" | "description" | "example" | "examples")
                        && k.as_str() != PLACE_NAME
                        && k.as_str() != SHARED_WITH
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether typify makes a named type of this inline schema, counting the
/// newtypes it makes of strings with length or pattern constraints.
pub(super) fn becomes_inline_type(schema: &Map<String, Value>) -> bool {
    becomes_named_type(schema)
        || (!schema.contains_key("$ref")
            && schema.get("type").and_then(Value::as_str) == Some("string")
            && ["maxLength", "minLength", "pattern"]
                .iter()
                .any(|k| schema.contains_key(*k)))
}
