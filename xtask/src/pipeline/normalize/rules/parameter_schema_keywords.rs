//! Normalization rule `parameter-schema-keywords`: schema keywords (`allOf`, `type`, `enum`, `$ref`, …) on a Parameter Object itself, not in its `schema` (invalid OpenAPI 3.0, ignored by readers): kept under `x-schema-keywords`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use crate::spec::{operation_pointer, operations_mut};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "parameter-schema-keywords",
    summary: "schema keywords (`allOf`, `type`, `enum`, `$ref`, …) on a Parameter Object itself, not in its `schema` \
              (invalid OpenAPI 3.0, ignored by readers): kept under `x-schema-keywords`",
    scope: Scope::Document(parameter_schema_keywords),
};

fn parameter_schema_keywords(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for (i, p) in params.iter_mut().enumerate() {
            let Some(p) = p.as_object_mut() else { continue };
            // A `$ref` parameter is a Reference Object, not a schema keyword.
            if p.contains_key("name") {
                let moved: Map<String, Value> = PARAMETER_SCHEMA_KEYWORDS
                    .iter()
                    .filter_map(|k| p.remove(*k).map(|v| (k.to_string(), v)))
                    .collect();
                if !moved.is_empty() {
                    p.insert("x-schema-keywords".into(), Value::Object(moved));
                    hits.push(format!("{ptr}/parameters/{i}"));
                }
            }
        }
    }
    hits
}

/// Keywords that belong in a Parameter Object's `schema`, not on it.
const PARAMETER_SCHEMA_KEYWORDS: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "type",
    "enum",
    "$ref",
    "items",
    "properties",
    "format",
];

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn parameter_schema_keywords() {
        let (doc, fired) = run_document(
            "parameter-schema-keywords",
            json!({"paths": {"/a": {"get": {"parameters": [
                {"name": "o", "in": "query", "allOf": [{"$ref": "#/components/schemas/O"}], "schema": {}},
                {"name": "p", "in": "query", "schema": {"type": "string"}}
            ]}}}}),
        );
        assert_eq!(fired, ["/paths/~1a/get/parameters/0"]);
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0],
            json!({"name": "o", "in": "query", "schema": {},
                   "x-schema-keywords": {"allOf": [{"$ref": "#/components/schemas/O"}]}})
        );
    }
}
