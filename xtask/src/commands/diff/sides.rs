//! Which components are request-side, response-side or both: reachability
//! through `$ref`s from the operations' request bodies and parameters, and
//! from their responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Sides;
use crate::pipeline::load::COMPONENT_REF;

/// Component name → where the operations use it. Components no operation
/// reaches are absent.
pub fn component_sides(doc: &Value) -> BTreeMap<String, Sides> {
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    for op in crate::spec::operations(doc) {
        if let Some(params) = op.item.get("parameters") {
            refs(doc, params, &mut request, &mut BTreeSet::new());
        }
        for key in ["parameters", "requestBody"] {
            if let Some(v) = op.node.get(key) {
                refs(doc, v, &mut request, &mut BTreeSet::new());
            }
        }
        if let Some(v) = op.node.get("responses") {
            refs(doc, v, &mut response, &mut BTreeSet::new());
        }
    }
    let graph = ref_graph(doc);
    let request = closure(&graph, request);
    let response = closure(&graph, response);
    let mut out: BTreeMap<String, Sides> = BTreeMap::new();
    for name in request {
        out.entry(name).or_default().request = true;
    }
    for name in response {
        out.entry(name).or_default().response = true;
    }
    out
}

/// Component schemas referenced anywhere inside `value`; references to other
/// components (`#/components/requestBodies/…`, parameters, responses) are
/// followed.
fn refs(doc: &Value, value: &Value, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref"
                    && let Some(r) = v.as_str()
                {
                    if let Some(name) = r.strip_prefix(COMPONENT_REF) {
                        out.insert(name.to_string());
                    } else if seen.insert(r.to_string())
                        && let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p))
                    {
                        refs(doc, target, out, seen);
                    }
                } else {
                    refs(doc, v, out, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(doc, v, out, seen)),
        _ => {}
    }
}

/// Component → the components its schema references directly.
fn ref_graph(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let mut out = BTreeSet::new();
            refs(doc, schema, &mut out, &mut BTreeSet::new());
            graph.insert(name.clone(), out);
        }
    }
    graph
}

/// Everything reachable from `start` in `graph`.
fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = start.into_iter().collect();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(next) = graph.get(&name) {
            queue.extend(next.iter().filter(|n| !seen.contains(*n)).cloned());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sides_follow_refs_from_bodies_parameters_and_responses() {
        let doc = json!({
            "paths": {"/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "post": {
                    "requestBody": {"$ref": "#/components/requestBodies/In"},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
                }
            }},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/IdType"}}},
                "requestBodies": {"In": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}}},
                "schemas": {
                    "IdType": {"type": "string"},
                    "In": {"type": "object", "properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                    "Out": {"type": "object", "properties": {"shared": {"allOf": [{"$ref": "#/components/schemas/Shared"}]},
                                                              "self": {"$ref": "#/components/schemas/Out"}}},
                    "Shared": {"type": "object", "properties": {"leaf": {"$ref": "#/components/schemas/Leaf"}}},
                    "Leaf": {"type": "string"},
                    "Unused": {"type": "string"}
                }
            }
        });
        let sides = component_sides(&doc);
        assert_eq!(sides["IdType"], Sides::REQUEST);
        assert_eq!(sides["In"], Sides::REQUEST);
        assert_eq!(sides["Out"], Sides::RESPONSE);
        assert_eq!(sides["Shared"], Sides::BOTH);
        assert_eq!(sides["Leaf"], Sides::BOTH);
        assert!(!sides.contains_key("Unused"));
    }
}
