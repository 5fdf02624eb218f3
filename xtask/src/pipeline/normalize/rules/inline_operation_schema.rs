//! Normalization rule `inline-operation-schema`: a schema declared inline
//! in an operation (a JSON request or success-response body, an array body's
//! items, a parameter) that becomes a named type: moved into
//! `components/schemas` under a name from the operationId and replaced by a
//! `$ref`, so every body and parameter type lives in the models crate and
//! decodes like the components (unions by their tag, the raw-JSON fallback,
//! paths in errors) instead of as progenitor's plain untagged enums.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::super::inline::becomes_named_type;
use super::super::{Rule, Scope};
use crate::pipeline::load::COMPONENT_REF;
use crate::spec::{operations, pointer_token, type_name};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "inline-operation-schema",
    summary: "a schema declared inline in an operation (JSON request or success body, an array body's items, a \
              parameter) that becomes a named type: moved to `components/schemas` as `<OperationId>Body`, \
              `<OperationId>Response` (`…Item` for array items, `…<Param>` for parameters) and referenced, so it \
              is generated and decoded like every component",
    scope: Scope::Document(inline_operation_schema),
};

/// Whether a media type carries JSON.
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// (pointer of the schema, base name) of every place this rule looks at.
fn places(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let Some(id) = op.id() else { continue };
        let base = type_name(id);
        let ptr = op.pointer();
        if let Some(content) = op
            .node
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
        {
            for media in content.keys().filter(|m| is_json(m)) {
                out.push((
                    format!("{ptr}/requestBody/content/{}/schema", pointer_token(media)),
                    format!("{base}Body"),
                ));
            }
        }
        let success: Vec<(&String, &Value)> = op
            .node
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(code, _)| code.starts_with('2'))
            .collect();
        let several = success
            .iter()
            .filter(|(_, r)| r.get("content").is_some())
            .count()
            > 1;
        for (code, response) in success {
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            let name = if several {
                format!("{base}Response{code}")
            } else {
                format!("{base}Response")
            };
            for media in content.keys().filter(|m| is_json(m)) {
                out.push((
                    format!(
                        "{ptr}/responses/{}/content/{}/schema",
                        pointer_token(code),
                        pointer_token(media)
                    ),
                    name.clone(),
                ));
            }
        }
        for (i, param) in op
            .node
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(name) = param.get("name").and_then(Value::as_str) {
                out.push((
                    format!("{ptr}/parameters/{i}/schema"),
                    format!("{base}{}", type_name(name)),
                ));
            }
        }
    }
    out
}

/// The schema at `ptr` to lift, and the name to lift it under: the schema
/// itself if it becomes a named type, else the items of an array whose
/// items do.
fn liftable(doc: &Value, ptr: &str, base: &str) -> Option<(String, String)> {
    let schema = doc.pointer(ptr)?.as_object()?;
    if becomes_named_type(schema) {
        return Some((ptr.to_string(), base.to_string()));
    }
    let items = schema.get("items")?.as_object()?;
    (schema.get("type").and_then(Value::as_str) == Some("array") && becomes_named_type(items))
        .then(|| (format!("{ptr}/items"), format!("{base}Item")))
}

fn inline_operation_schema(doc: &mut Value) -> Vec<String> {
    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(k, _)| [k.clone(), type_name(k)])
        .collect();
    let mut lifts = Vec::new();
    for (ptr, base) in places(doc) {
        let Some((ptr, name)) = liftable(doc, &ptr, &base) else {
            continue;
        };
        let mut unique = name.clone();
        let mut n = 1;
        while taken.contains(&unique) || taken.contains(&type_name(&unique)) {
            unique = if n == 1 {
                format!("{name}Inline")
            } else {
                format!("{name}Inline{n}")
            };
            n += 1;
        }
        taken.insert(unique.clone());
        lifts.push((ptr, unique));
    }
    let mut hits = Vec::new();
    for (ptr, name) in lifts {
        let Some(slot) = doc.pointer_mut(&ptr) else {
            continue;
        };
        let schema = std::mem::replace(
            slot,
            Value::Object(Map::from_iter([(
                "$ref".to_string(),
                Value::String(format!("{COMPONENT_REF}{name}")),
            )])),
        );
        let Some(root) = doc.as_object_mut() else {
            continue;
        };
        let schemas = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .map(|c| {
                c.entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
            });
        if let Some(Value::Object(schemas)) = schemas {
            schemas.insert(name, schema);
            hits.push(ptr);
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn inline_operation_schema() {
        let union = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                           "discriminator": {"propertyName": "type"}});
        let (doc, fired) = run_document(
            "inline-operation-schema",
            json!({"paths": {
                "/t": {
                    "post": {"operationId": "ToolController_create",
                        "requestBody": {"content": {"application/json": {"schema": union.clone()}}},
                        "responses": {"201": {"content": {"application/json": {"schema": union.clone()}}}}},
                    "get": {"operationId": "ToolController_findAll",
                        "parameters": [
                            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                            {"name": "limit", "in": "query", "schema": {"type": "number"}}
                        ],
                        "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": union.clone()}}}}}}
                },
                "/t/{id}": {"get": {"operationId": "ToolController_findOne",
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}
            },
            "components": {"schemas": {"A": {}, "B": {}, "ToolControllerCreateResponse": {}}}}),
        );
        assert_eq!(
            fired,
            [
                "/paths/~1t/post/requestBody/content/application~1json/schema",
                "/paths/~1t/post/responses/201/content/application~1json/schema",
                "/paths/~1t/get/responses/200/content/application~1json/schema/items",
                "/paths/~1t/get/parameters/0/schema",
            ]
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["ToolControllerCreateBody"], union);
        // The name is taken by a component: the lifted one gets a suffix.
        assert_eq!(schemas["ToolControllerCreateResponseInline"], union);
        assert_eq!(schemas["ToolControllerFindAllResponseItem"], union);
        assert_eq!(
            schemas["ToolControllerFindAllSort"],
            json!({"type": "string", "enum": ["a", "b"]})
        );
        assert_eq!(
            doc.pointer("/paths/~1t/get/responses/200/content/application~1json/schema"),
            Some(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/ToolControllerFindAllResponseItem"}})
            )
        );
        assert_eq!(
            doc.pointer("/paths/~1t/get/parameters/1/schema"),
            Some(&json!({"type": "number"})),
            "a primitive stays inline"
        );
        assert_eq!(
            doc.pointer("/paths/~1t~1{id}/get/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/A"}))
        );
    }
}
