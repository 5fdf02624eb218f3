//! Normalization rule `array-without-items`: `type: array` without `items` (OpenAPI 3.0 requires it): `items: {}`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "array-without-items",
    summary: "`type: array` without `items` (OpenAPI 3.0 requires it): `items: {}`",
    scope: Scope::Schema(array_without_items),
};

fn array_without_items(node: &mut Map<String, Value>) -> bool {
    if node.get("type").and_then(Value::as_str) != Some("array") || node.contains_key("items") {
        return false;
    }
    node.insert("items".into(), Value::Object(Map::new()));
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn array_without_items() {
        let (s, fired) = run("array-without-items", json!({"type": "array"}));
        assert_eq!(s, json!({"type": "array", "items": {}}));
        assert_eq!(fired.len(), 1);
    }
}
