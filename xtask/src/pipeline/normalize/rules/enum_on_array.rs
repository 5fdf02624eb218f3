//! Normalization rule `enum-on-array`: `enum` on a `type: array` schema: moved onto `items` (dropped if `items` has its own), since it lists item values

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "enum-on-array",
    summary: "`enum` on a `type: array` schema: moved onto `items` (dropped if `items` has its own), since it lists item values",
    scope: Scope::Schema(enum_on_array),
};

fn enum_on_array(node: &mut Map<String, Value>) -> bool {
    if node.get("type").and_then(Value::as_str) != Some("array") || !node.contains_key("enum") {
        return false;
    }
    let Some(values) = node.remove("enum") else {
        return false;
    };
    match node.get_mut("items") {
        Some(Value::Object(items)) => {
            if !items.contains_key("enum") && !items.contains_key("$ref") {
                items.insert("enum".into(), values);
            }
        }
        _ => {
            node.insert(
                "items".into(),
                Value::Object(Map::from_iter([("enum".to_string(), values)])),
            );
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn enum_on_array() {
        let (s, fired) = run(
            "enum-on-array",
            json!({"type": "array", "enum": ["a", "b"], "items": {"type": "string", "enum": ["a", "b"]}}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}})
        );
        assert_eq!(fired.len(), 1);
        let (s, _) = run(
            "enum-on-array",
            json!({"type": "array", "enum": ["a"], "items": {"type": "string"}}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "string", "enum": ["a"]}})
        );
    }
}
