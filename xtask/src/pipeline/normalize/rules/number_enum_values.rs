//! Normalization rule `number-enum-values`: a `number` or `integer` `enum` that a struct field, an array field's items or a component is typed from (its values all numbers the type can hold): kept as a plain number, the values moved to `x-enum-values`, so typify emits the number type instead of a closed newtype that rejects any other value; pass `number-enums` gives it an open type that names the values. Elsewhere (parameters, union members, map values, nested arrays) the enum stays: typify's closed type keeps the values, where the pass could not name them

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use super::{enum_values_all, move_enum_values};
use crate::spec::pointer_token;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "number-enum-values",
    summary: "a `number` or `integer` `enum` that a struct field, an array field's items or a component is \
              typed from (its values all numbers the type can hold): kept as a plain number, the values moved \
              to `x-enum-values`, so typify emits the number type instead of a closed newtype that rejects any \
              other value; pass `number-enums` gives it an open type that names the values",
    scope: Scope::Document(number_enum_values),
};

/// What a schema is typed as, where the pass `number-enums` looks.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// A component, or an operation's body (made one by
    /// `inline-operation-schema`).
    Component,
    /// A struct field.
    Field,
    /// The items of an array field.
    Items,
    /// Anything else: the pass gives it no type of its own.
    Other,
}

fn number_enum_values(doc: &mut Value) -> Vec<String> {
    let mut fired = Vec::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let at = format!("/components/schemas/{}", pointer_token(name));
            visit(schema, &at, Role::Component, &mut fired);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for (method, op) in item.as_object_mut().into_iter().flatten() {
                let at = format!("/paths/{}/{method}", pointer_token(path));
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                let mut bodies = Vec::new();
                for (key, value) in op.iter_mut() {
                    match key.as_str() {
                        "requestBody" => bodies.push(("/requestBody".to_string(), value)),
                        "responses" => {
                            for (status, r) in value.as_object_mut().into_iter().flatten() {
                                bodies.push((format!("/responses/{}", pointer_token(status)), r));
                            }
                        }
                        _ => {}
                    }
                }
                for (rel, body) in bodies {
                    let content = body.get_mut("content").and_then(Value::as_object_mut);
                    for (media, m) in content.into_iter().flatten() {
                        if let Some(schema) = m.get_mut("schema") {
                            let at = format!("{at}{rel}/content/{}/schema", pointer_token(media));
                            visit(schema, &at, Role::Component, &mut fired);
                        }
                    }
                }
            }
        }
    }
    fired
}

fn visit(node: &mut Value, at: &str, role: Role, fired: &mut Vec<String>) {
    let Some(map) = node.as_object_mut() else {
        if let Some(items) = node.as_array_mut() {
            for (i, item) in items.iter_mut().enumerate() {
                visit(item, &format!("{at}/{i}"), Role::Other, fired);
            }
        }
        return;
    };
    if role != Role::Other && open_enum(map) {
        fired.push(at.to_owned());
    }
    for (key, child) in map.iter_mut() {
        let here = format!("{at}/{}", pointer_token(key));
        match key.as_str() {
            "properties" => {
                for (name, property) in child.as_object_mut().into_iter().flatten() {
                    let at = format!("{here}/{}", pointer_token(name));
                    visit(property, &at, Role::Field, fired);
                }
            }
            "items" if role == Role::Field => visit(child, &here, Role::Items, fired),
            // A member of an `allOf` is merged into the struct: its
            // properties are the struct's fields (visited as above).
            _ => visit(child, &here, Role::Other, fired),
        }
    }
}

/// Move a number `enum` whose values the type holds to `x-enum-values`.
fn open_enum(node: &mut Map<String, Value>) -> bool {
    let integer = match node.get("type").and_then(Value::as_str) {
        Some("integer") => true,
        Some("number") => false,
        _ => return false,
    };
    let holds = |v: &Value| {
        v.is_number()
            && (!integer
                || v.is_i64()
                || v.is_u64()
                || v.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 1e18))
    };
    if enum_values_all(node, holds).is_none() {
        return false;
    }
    move_enum_values(node);
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::{run, run_document};
    use serde_json::json;

    #[test]
    fn number_enum_values() {
        // A component.
        let (s, fired) = run(
            "number-enum-values",
            json!({"type": "number", "enum": [1, 2], "description": "Version."}),
        );
        assert_eq!(
            s,
            json!({"type": "number", "x-enum-values": [1, 2], "description": "Version."})
        );
        assert_eq!(fired, ["/components/schemas/X"]);
        // Fields, an array field's items, a nullable one.
        let (s, fired) = run(
            "number-enum-values",
            json!({"type": "object", "properties": {
                "level": {"type": "integer", "nullable": true, "enum": [-1, 0, 5, null]},
                "levels": {"type": "array", "items": {"type": "integer", "enum": [1, 2]}},
                "nested": {"type": "object", "properties": {"v": {"type": "number", "enum": [1.5]}}}
            }}),
        );
        assert_eq!(
            s["properties"]["level"]["x-enum-values"],
            json!([-1, 0, 5, null])
        );
        assert_eq!(
            s["properties"]["levels"]["items"]["x-enum-values"],
            json!([1, 2])
        );
        assert_eq!(
            s["properties"]["nested"]["properties"]["v"]["x-enum-values"],
            json!([1.5])
        );
        assert_eq!(fired.len(), 3, "{fired:?}");
        // Where the pass names no values (union members, map values, nested
        // arrays), or values the type cannot hold, or no numbers: left alone.
        for schema in [
            json!({"type": "object", "properties": {"v": {"oneOf": [{"type": "number", "enum": [1, 2]}, {"type": "string"}]}}}),
            json!({"type": "object", "additionalProperties": {"type": "integer", "enum": [1, 2]}}),
            json!({"type": "object", "properties": {"v": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "enum": [1]}}}}}),
            json!({"type": "integer", "enum": [1, 1.5]}),
            json!({"type": "number", "enum": [1, "two"]}),
            json!({"type": "string", "enum": ["1", "2"]}),
            json!({"enum": [1, 2]}),
            json!({"type": "integer", "enum": []}),
            json!({"type": "integer", "enum": [null]}),
            json!({"type": "integer"}),
        ] {
            let (s, fired) = run("number-enum-values", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
        // A parameter keeps its enum; an operation's inline body is typed.
        let (doc, fired) = run_document(
            "number-enum-values",
            json!({"paths": {"/v": {"get": {
                "parameters": [{"name": "v", "in": "query", "schema": {"type": "integer", "enum": [1, 2]}}],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"v": {"type": "integer", "enum": [1, 2]}}}}}}}
            }}}}),
        );
        assert_eq!(
            fired,
            ["/paths/~1v/get/responses/200/content/application~1json/schema/properties/v"]
        );
        assert_eq!(
            doc["paths"]["/v"]["get"]["parameters"][0]["schema"]["enum"],
            json!([1, 2])
        );
    }
}
