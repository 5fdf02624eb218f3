//! The one walk over every schema object of a document: components,
//! parameters, request bodies and responses, and everything nested in them.

use serde_json::{Map, Value};

use super::pointer_token;

/// Call `f` on every schema object of an OpenAPI 3.0 document, with its
/// JSON pointer, parents before children.
pub fn visit_document_schemas(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(comps)) = root.get_mut("components") {
        for (kind, entries) in comps.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let ptr = format!(
                    "/components/{}/{}",
                    pointer_token(kind),
                    pointer_token(name)
                );
                match kind.as_str() {
                    "schemas" => visit_schema(entry, &ptr, f),
                    "parameters" | "headers" => visit_parameter(entry, &ptr, f),
                    "requestBodies" | "responses" => visit_content_holder(entry, &ptr, f),
                    _ => {}
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let base = format!("/paths/{}", pointer_token(path));
            for (key, op) in item.iter_mut() {
                let ptr = format!("{base}/{}", pointer_token(key));
                if key == "parameters" {
                    visit_parameters(op, &ptr, f);
                    continue;
                }
                let Value::Object(op) = op else { continue };
                if let Some(params) = op.get_mut("parameters") {
                    visit_parameters(params, &format!("{ptr}/parameters"), f);
                }
                if let Some(body) = op.get_mut("requestBody") {
                    visit_content_holder(body, &format!("{ptr}/requestBody"), f);
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    for (code, resp) in responses.iter_mut() {
                        let rptr = format!("{ptr}/responses/{}", pointer_token(code));
                        visit_content_holder(resp, &rptr, f);
                    }
                }
            }
        }
    }
}

fn visit_parameters(
    params: &mut Value,
    ptr: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if let Value::Array(items) = params {
        for (i, p) in items.iter_mut().enumerate() {
            visit_parameter(p, &format!("{ptr}/{i}"), f);
        }
    }
}

fn visit_parameter(param: &mut Value, ptr: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Some(schema) = param.get_mut("schema") {
        visit_schema(schema, &format!("{ptr}/schema"), f);
    }
    visit_content_holder(param, ptr, f);
}

fn visit_content_holder(
    holder: &mut Value,
    ptr: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for (mime, media) in content.iter_mut() {
            let mptr = format!("{ptr}/content/{}", pointer_token(mime));
            if let Some(schema) = media.get_mut("schema") {
                visit_schema(schema, &format!("{mptr}/schema"), f);
            }
        }
    }
    if let Some(Value::Object(headers)) = holder.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            visit_parameter(h, &format!("{ptr}/headers/{}", pointer_token(name)), f);
        }
    }
}

/// Keywords whose value is one schema.
const SCHEMA_KEYS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];

/// Call `f` on `schema` and then on every schema nested in it.
pub fn visit_schema(
    schema: &mut Value,
    ptr: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Value::Object(node) = schema else { return };
    f(ptr, node);
    for (key, child) in node.iter_mut() {
        let k = key.as_str();
        if SCHEMA_KEYS.contains(&k) {
            visit_schema(child, &format!("{ptr}/{k}"), f);
        } else if SCHEMA_LIST_KEYS.contains(&k) {
            if let Value::Array(items) = child {
                for (i, item) in items.iter_mut().enumerate() {
                    visit_schema(item, &format!("{ptr}/{k}/{i}"), f);
                }
            }
        } else if SCHEMA_MAP_KEYS.contains(&k)
            && let Value::Object(map) = child
        {
            for (name, item) in map.iter_mut() {
                visit_schema(item, &format!("{ptr}/{k}/{}", pointer_token(name)), f);
            }
        }
    }
}
