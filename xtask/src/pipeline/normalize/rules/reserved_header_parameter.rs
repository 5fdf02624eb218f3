//! Normalization rule `reserved-header-parameter`: a header parameter named Accept, Content-Type or Authorization (OpenAPI 3.0: SHALL be ignored): removed

use serde_json::Value;

use super::super::{Rule, Scope};
use crate::spec::{operation_pointer, operations_mut};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "reserved-header-parameter",
    summary: "a header parameter named Accept, Content-Type or Authorization (OpenAPI 3.0: SHALL be ignored): removed",
    scope: Scope::Document(reserved_header_parameter),
};

fn reserved_header_parameter(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        let mut i = 0;
        params.retain(|p| {
            let reserved = p.get("in").and_then(Value::as_str) == Some("header")
                && p.get("name").and_then(Value::as_str).is_some_and(|n| {
                    ["accept", "content-type", "authorization"]
                        .contains(&n.to_ascii_lowercase().as_str())
                });
            if reserved {
                hits.push(format!("{ptr}/parameters/{i}"));
            }
            i += 1;
            !reserved
        });
    }
    hits
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn reserved_header_parameter() {
        let (doc, fired) = run_document(
            "reserved-header-parameter",
            json!({"paths": {"/a": {"post": {"parameters": [
                {"name": "Content-Type", "in": "header", "required": true, "schema": {"type": "string"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
            ]}}}}),
        );
        assert_eq!(fired, ["/paths/~1a/post/parameters/0"]);
        assert_eq!(
            doc["paths"]["/a"]["post"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
