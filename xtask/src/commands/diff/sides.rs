//! Which components are request-side, response-side or both: reachability
//! through `$ref`s from the operations' request bodies and parameters, and
//! from their responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Sides;
use crate::spec::{closure, ref_graph, schema_refs as refs};

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
