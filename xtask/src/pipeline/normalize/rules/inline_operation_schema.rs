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
use crate::spec::COMPONENT_REF;
use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::spec::{operations, pointer_token, type_name};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "inline-operation-schema",
    summary: "a schema declared inline in an operation (JSON request or success body, an array body's items, a \
              parameter) that becomes a named type: moved to `components/schemas` as `<OperationId>Body`, \
              `<OperationId>Response` (`…Item` for array items, `…<Param>` for parameters; one component, named by \
              the words the places share, for identical schemas in several places) and referenced, so it is \
              generated and decoded like every component",
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

/// The name for a schema lifted from several places: the words their names
/// share at the start and at the end (`ToolControllerCreateResponse` and
/// `ToolControllerFindOneResponse` share `ToolControllerResponse`); the first
/// place's name when they share no leading word.
fn shared_name(names: &[String]) -> String {
    let words = |n: &str| -> Vec<String> {
        n.to_snake_case()
            .split('_')
            .map(ToUpperCamelCase::to_upper_camel_case)
            .collect()
    };
    let mut all: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    // An array body's items are the same kind of thing as a single body:
    // `…FindAllResponseItem` next to `…FindOneResponse` shares `Response`.
    if !all.iter().all(|w| w.last().is_some_and(|l| l == "Item")) {
        for w in &mut all {
            if w.len() > 1 && w.last().is_some_and(|l| l == "Item") {
                w.pop();
            }
        }
    }
    let first = &all[0];
    let prefix = (0..first.len())
        .take_while(|&i| all.iter().all(|w| w.get(i) == first.get(i)))
        .count();
    if prefix == 0 || names.len() == 1 {
        return names[0].clone();
    }
    let shortest = all.iter().map(Vec::len).min().unwrap_or(0);
    let suffix = (1..=shortest - prefix)
        .take_while(|&k| all.iter().all(|w| w[w.len() - k] == first[first.len() - k]))
        .count();
    let mut name: Vec<&str> = first[..prefix].iter().map(String::as_str).collect();
    name.extend(first[first.len() - suffix..].iter().map(String::as_str));
    name.concat()
}

fn inline_operation_schema(doc: &mut Value) -> Vec<String> {
    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(k, _)| [k.clone(), type_name(k)])
        .collect();
    // Identical schemas (the same union in every response of a resource)
    // become one component: (schema, its places' pointers and names).
    let mut groups: Vec<(Value, Vec<(String, String)>)> = Vec::new();
    for (ptr, base) in places(doc) {
        let Some((ptr, name)) = liftable(doc, &ptr, &base) else {
            continue;
        };
        let Some(schema) = doc.pointer(&ptr).cloned() else {
            continue;
        };
        match groups.iter_mut().find(|(s, _)| *s == schema) {
            Some((_, places)) => places.push((ptr, name)),
            None => groups.push((schema, vec![(ptr, name)])),
        }
    }
    let mut lifts = Vec::new();
    for (_, places) in groups {
        let names: Vec<String> = places.iter().map(|(_, n)| n.clone()).collect();
        let name = shared_name(&names);
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
        for (ptr, _) in places {
            lifts.push((ptr, unique.clone()));
        }
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
            schemas.entry(name).or_insert(schema);
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
        let one_of = |a: &str, b: &str| {
            json!({"oneOf": [{"$ref": format!("#/components/schemas/{a}")}, {"$ref": format!("#/components/schemas/{b}")}],
                   "discriminator": {"propertyName": "type"}})
        };
        let (tool, create_tool, listed) = (
            one_of("A", "B"),
            one_of("CreateA", "CreateB"),
            one_of("A", "C"),
        );
        let json_body = |schema: &serde_json::Value| json!({"content": {"application/json": {"schema": schema}}});
        let (doc, fired) = run_document(
            "inline-operation-schema",
            json!({"paths": {
                "/t": {
                    "post": {"operationId": "ToolController_create",
                        "requestBody": json_body(&create_tool),
                        "responses": {"201": json_body(&tool)}},
                    "get": {"operationId": "ToolController_findAll",
                        "parameters": [
                            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                            {"name": "limit", "in": "query", "schema": {"type": "number"}}
                        ],
                        "responses": {"200": json_body(&json!({"type": "array", "items": listed}))}}
                },
                "/t/{id}": {
                    "get": {"operationId": "ToolController_findOne", "responses": {"200": json_body(&tool)}},
                    "delete": {"operationId": "ToolController_remove",
                        "responses": {"200": json_body(&json!({"$ref": "#/components/schemas/A"}))}}
                }
            },
            "components": {"schemas": {"A": {}, "B": {}, "C": {}, "ToolControllerResponse": {}}}}),
        );
        assert_eq!(
            fired,
            [
                "/paths/~1t/post/requestBody/content/application~1json/schema",
                "/paths/~1t/post/responses/201/content/application~1json/schema",
                "/paths/~1t~1{id}/get/responses/200/content/application~1json/schema",
                "/paths/~1t/get/responses/200/content/application~1json/schema/items",
                "/paths/~1t/get/parameters/0/schema",
            ]
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["ToolControllerCreateBody"], create_tool);
        // The same union in two responses is one component, named by the words
        // the places share; that name is taken, so it gets a suffix.
        assert_eq!(schemas["ToolControllerResponseInline"], tool);
        for op in [
            "/paths/~1t/post/responses/201",
            "/paths/~1t~1{id}/get/responses/200",
        ] {
            assert_eq!(
                doc.pointer(&format!("{op}/content/application~1json/schema")),
                Some(&json!({"$ref": "#/components/schemas/ToolControllerResponseInline"}))
            );
        }
        assert_eq!(schemas["ToolControllerFindAllResponseItem"], listed);
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
            doc.pointer("/paths/~1t~1{id}/delete/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/A"}))
        );
    }

    #[test]
    fn shared_names_keep_the_words_the_places_share() {
        let name = |names: &[&str]| {
            super::shared_name(&names.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        assert_eq!(
            name(&[
                "ToolControllerCreateResponse",
                "ToolControllerFindOneResponse"
            ]),
            "ToolControllerResponse"
        );
        assert_eq!(
            name(&["PhoneNumberControllerCreateResponse"]),
            "PhoneNumberControllerCreateResponse"
        );
        assert_eq!(
            name(&["AControllerGetResponse", "BControllerGetResponse"]),
            "AControllerGetResponse"
        );
    }
}
