//! Normalization rule `items-on-non-array`: `items` on a schema whose `type` is not `array` (ignored by JSON Schema): moved to `x-ignored-items`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "items-on-non-array",
    summary: "`items` on a schema whose `type` is not `array` (ignored by JSON Schema): moved to `x-ignored-items`",
    scope: Scope::Schema(items_on_non_array),
};

fn items_on_non_array(node: &mut Map<String, Value>) -> bool {
    let ty = node.get("type").and_then(Value::as_str);
    if ty.is_none() || ty == Some("array") || !node.contains_key("items") {
        return false;
    }
    if let Some(items) = node.remove("items") {
        node.insert("x-ignored-items".into(), items);
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn items_on_non_array() {
        let (s, fired) = run(
            "items-on-non-array",
            json!({"type": "object", "items": {"$ref": "#/components/schemas/F"}}),
        );
        assert_eq!(
            s,
            json!({"type": "object", "x-ignored-items": {"$ref": "#/components/schemas/F"}})
        );
        assert_eq!(fired.len(), 1);
    }
}
