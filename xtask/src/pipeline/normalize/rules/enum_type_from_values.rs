//! Normalization rule `enum-type-from-values`: an `enum` whose values are all strings but whose `type` says otherwise (e.g. `object`): `type: string`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "enum-type-from-values",
    summary: "an `enum` whose values are all strings but whose `type` says otherwise (e.g. `object`): `type: string`",
    scope: Scope::Schema(enum_type_from_values),
};

fn enum_type_from_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get("enum") else {
        return false;
    };
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.is_empty() || !non_null.iter().all(|v| v.is_string()) {
        return false;
    }
    match node.get("type").and_then(Value::as_str) {
        Some("string" | "array") => false,
        _ => {
            node.insert("type".into(), Value::String("string".into()));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn enum_type_from_values() {
        let (s, fired) = run(
            "enum-type-from-values",
            json!({"type": "object", "enum": ["a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a", "b"]}));
        assert_eq!(fired.len(), 1);
        let (_, fired) = run(
            "enum-type-from-values",
            json!({"type": "number", "enum": [1, 2]}),
        );
        assert!(fired.is_empty());
    }
}
