//! Normalization rule `integer-overrides`: a `number` that the project's overrides (`openapi/overrides.json`, `integers.names`) declare an integer — a parameter or an object property of one of the listed names — becomes `integer` (`format: uint64` when its minimum is 0 or more, `int64` otherwise), unless a bound, default, example or listed value of it is not a whole number

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use crate::spec::{OVERRIDES_KEY, visit_document_schemas};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "integer-overrides",
    summary: "a `number` that the project's overrides (`openapi/overrides.json`, `integers.names`) declare an \
              integer — a parameter or an object property of one of the listed names — becomes `integer` \
              (`format: uint64` when its minimum is 0 or more, `int64` otherwise), unless a bound, default, \
              example or listed value of it is not a whole number",
    scope: Scope::Document(integer_overrides),
};

fn integer_overrides(doc: &mut Value) -> Vec<String> {
    let names: Vec<String> = doc
        .pointer(&format!("/{OVERRIDES_KEY}/integers/names"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    let mut fired = Vec::new();
    if names.is_empty() {
        return fired;
    }
    let listed = |name: &str| names.iter().any(|n| n == name);
    // Parameters: of operations, of path items, and shared ones.
    let mut parameter_lists: Vec<(String, &mut Value)> = Vec::new();
    if let Some(root) = doc.as_object_mut() {
        for (key, value) in root.iter_mut() {
            match key.as_str() {
                "paths" => {
                    for (path, item) in value.as_object_mut().into_iter().flatten() {
                        let at = format!("/paths/{}", crate::spec::pointer_token(path));
                        for (key, op) in item.as_object_mut().into_iter().flatten() {
                            if key == "parameters" {
                                parameter_lists.push((format!("{at}/parameters"), op));
                            } else if let Some(params) = op.get_mut("parameters") {
                                parameter_lists.push((
                                    format!("{at}/{}/parameters", crate::spec::pointer_token(key)),
                                    params,
                                ));
                            }
                        }
                    }
                }
                "components" => {
                    if let Some(params) = value.get_mut("parameters") {
                        parameter_lists.push(("/components/parameters".to_string(), params));
                    }
                }
                _ => {}
            }
        }
    }
    for (at, params) in parameter_lists {
        let entries: Vec<(String, &mut Value)> = match params {
            Value::Array(list) => list
                .iter_mut()
                .enumerate()
                .map(|(i, p)| (format!("{at}/{i}"), p))
                .collect(),
            Value::Object(map) => map
                .iter_mut()
                .map(|(k, p)| (format!("{at}/{}", crate::spec::pointer_token(k)), p))
                .collect(),
            _ => Vec::new(),
        };
        for (at, param) in entries {
            let named = param
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(listed);
            if named
                && let Some(Value::Object(schema)) = param.get_mut("schema")
                && make_integer(schema)
            {
                fired.push(format!("{at}/schema"));
            }
        }
    }
    // Object properties, wherever a schema has them.
    visit_document_schemas(doc, &mut |at, node| {
        let Some(Value::Object(properties)) = node.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if listed(name)
                && let Value::Object(schema) = property
                && make_integer(schema)
            {
                fired.push(format!(
                    "{at}/properties/{}",
                    crate::spec::pointer_token(name)
                ));
            }
        }
    });
    fired
}

/// `number` → `integer`, when every number the schema states is whole.
fn make_integer(schema: &mut Map<String, Value>) -> bool {
    if schema.get("type").and_then(Value::as_str) != Some("number") {
        return false;
    }
    let whole = |v: &Value| match v {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    };
    let stated = ["minimum", "maximum", "default", "example", "multipleOf"]
        .iter()
        .filter_map(|k| schema.get(*k))
        .chain(
            ["exclusiveMinimum", "exclusiveMaximum"]
                .iter()
                .filter_map(|k| schema.get(*k))
                .filter(|v| v.is_number()),
        )
        .chain(
            schema
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    if !stated.into_iter().all(whole) {
        return false;
    }
    schema.insert("type".into(), Value::String("integer".into()));
    // Whole numbers written as floats (`default: 1.0`) become integers, as
    // an integer's values are written.
    for key in [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "default",
        "example",
        "multipleOf",
    ] {
        if let Some(v) = schema.get_mut(key) {
            as_integer(v);
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.iter_mut().for_each(as_integer);
    }
    if matches!(
        schema.get("format").and_then(Value::as_str),
        None | Some("float" | "double")
    ) {
        let non_negative = schema
            .get("minimum")
            .or_else(|| schema.get("exclusiveMinimum").filter(|v| v.is_number()))
            .and_then(Value::as_f64)
            .is_some_and(|m| m >= 0.0);
        let format = if non_negative { "uint64" } else { "int64" };
        schema.insert("format".into(), Value::String(format.into()));
    }
    true
}

/// `1.0` → `1`: a whole float as the integer it is (left as it is when it
/// does not fit 64 bits).
fn as_integer(v: &mut Value) {
    let Value::Number(n) = v else { return };
    if n.is_i64() || n.is_u64() {
        return;
    }
    let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) else {
        return;
    };
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked"
    )]
    let whole = if (-9.0e18..9.0e18).contains(&f) {
        Some(serde_json::Number::from(f as i64))
    } else if (0.0..1.8e19).contains(&f) {
        Some(serde_json::Number::from(f as u64))
    } else {
        None
    };
    if let Some(whole) = whole {
        *v = Value::Number(whole);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(names: &[&str]) -> Value {
        json!({
            OVERRIDES_KEY: {"integers": {"names": names}},
            "paths": {"/a": {
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "number", "minimum": 1}}],
                "get": {"parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1000}},
                    {"name": "ratio", "in": "query", "schema": {"type": "number"}}
                ], "responses": {}}
            }},
            "components": {"schemas": {
                "Meta": {"type": "object", "properties": {
                    "totalItems": {"type": "number", "minimum": 0.0, "default": 10.0},
                    "limit": {"type": "number", "format": "double", "nullable": true},
                    "page": {"type": "number", "default": 1.5},
                    "ratio": {"type": "number"},
                    "nested": {"type": "object", "properties": {"page": {"type": "number", "example": 2}}}
                }}
            }}
        })
    }

    #[test]
    fn listed_numbers_become_integers_with_a_format_from_their_minimum() {
        let mut d = doc(&["page", "limit", "totalItems"]);
        let fired = integer_overrides(&mut d);
        assert_eq!(
            fired,
            [
                "/paths/~1a/parameters/0/schema",
                "/paths/~1a/get/parameters/0/schema",
                "/components/schemas/Meta/properties/totalItems",
                "/components/schemas/Meta/properties/limit",
                "/components/schemas/Meta/properties/nested/properties/page",
            ]
        );
        assert_eq!(
            d.pointer("/paths/~1a/parameters/0/schema"),
            Some(&json!({"type": "integer", "minimum": 1, "format": "uint64"}))
        );
        assert_eq!(
            d.pointer("/paths/~1a/get/parameters/0/schema"),
            Some(&json!({"type": "integer", "minimum": 0, "maximum": 1000, "format": "uint64"}))
        );
        assert_eq!(
            d.pointer("/components/schemas/Meta/properties/totalItems"),
            Some(&json!({"type": "integer", "format": "uint64", "minimum": 0, "default": 10}))
        );
        assert!(
            d.pointer("/components/schemas/Meta/properties/totalItems/default")
                .is_some_and(Value::is_u64)
        );
        assert_eq!(
            d.pointer("/components/schemas/Meta/properties/limit"),
            Some(&json!({"type": "integer", "format": "int64", "nullable": true}))
        );
        // Not listed, or stated with a fraction: left as numbers.
        assert_eq!(
            d.pointer("/paths/~1a/get/parameters/1/schema"),
            Some(&json!({"type": "number"}))
        );
        assert_eq!(
            d.pointer("/components/schemas/Meta/properties/page"),
            Some(&json!({"type": "number", "default": 1.5}))
        );
        assert_eq!(
            d.pointer("/components/schemas/Meta/properties/ratio"),
            Some(&json!({"type": "number"}))
        );
        // The rule does not fire again on its own output.
        let mut again = d.clone();
        assert!(integer_overrides(&mut again).is_empty());
    }

    #[test]
    fn nothing_fires_without_overrides() {
        let mut d = doc(&[]);
        let before = d.clone();
        assert!(integer_overrides(&mut d).is_empty());
        assert_eq!(d, before);
        let mut d =
            json!({"components": {"schemas": {"A": {"properties": {"page": {"type": "number"}}}}}});
        assert!(integer_overrides(&mut d).is_empty());
    }
}
