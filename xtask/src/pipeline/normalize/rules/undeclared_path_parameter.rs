//! Normalization rule `undeclared-path-parameter`: a `{name}` in a path template that the operation does not declare: declared as a required string path parameter

use serde_json::Value;

use super::super::{Rule, Scope};
use crate::spec::{operation_pointer, operations, operations_mut};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "undeclared-path-parameter",
    summary: "a `{name}` in a path template that the operation does not declare: declared as a required string path parameter",
    scope: Scope::Document(undeclared_path_parameter),
};

fn undeclared_path_parameter(doc: &mut Value) -> Vec<String> {
    let declared = |params: Option<&Value>| -> Vec<String> {
        params
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let missing: Vec<(String, String, Vec<String>)> = operations(doc)
        .filter_map(|op| {
            let mut have = declared(op.item.get("parameters"));
            have.extend(declared(op.node.get("parameters")));
            let names: Vec<String> = crate::spec::template_params(op.path)
                .filter(|name| !have.iter().any(|d| d == name))
                .map(str::to_string)
                .collect();
            (!names.is_empty()).then(|| (op.path.to_string(), op.method.to_string(), names))
        })
        .collect();
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let Some((_, _, names)) = missing.iter().find(|(p, m, _)| *p == path && *m == method)
        else {
            continue;
        };
        let params = op
            .entry("parameters")
            .or_insert_with(|| Value::Array(vec![]));
        let Value::Array(list) = params else { continue };
        for name in names {
            list.push(serde_json::json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            hits.push(format!(
                "{}/parameters/{}",
                operation_pointer(&path, &method),
                list.len() - 1
            ));
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn undeclared_path_parameter() {
        let rule = &RULE;
        let mut doc = json!({"paths": {"/a/{id}": {
            "get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]},
            "delete": {}
        }}});
        let report = super::super::super::apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired[rule.name],
            ["/paths/~1a~1{id}/delete/parameters/0"]
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["delete"]["parameters"][0]["name"],
            "id"
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
