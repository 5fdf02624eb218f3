//! Normalization rule `number-enum-values`: a `number` or `integer` `enum` (its values all numbers): kept as a plain number, the values moved to `x-enum-values`, so typify emits the number type instead of a closed newtype that rejects any other value; pass `number-enums` gives the field an open type that names the values

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use super::{enum_values_all, move_enum_values};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "number-enum-values",
    summary: "a `number` or `integer` `enum` (its values all numbers): kept as a plain number, the values moved \
              to `x-enum-values`, so typify emits the number type instead of a closed newtype that rejects any \
              other value; pass `number-enums` gives the field an open type that names the values",
    scope: Scope::Schema(number_enum_values),
};

fn number_enum_values(node: &mut Map<String, Value>) -> bool {
    if !matches!(
        node.get("type").and_then(Value::as_str),
        Some("number" | "integer")
    ) || enum_values_all(node, Value::is_number).is_none()
    {
        return false;
    }
    move_enum_values(node);
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn number_enum_values() {
        let (s, fired) = run(
            "number-enum-values",
            json!({"type": "number", "enum": [1, 2], "description": "Version."}),
        );
        assert_eq!(
            s,
            json!({"type": "number", "x-enum-values": [1, 2], "description": "Version."})
        );
        assert_eq!(fired.len(), 1);
        let (s, fired) = run(
            "number-enum-values",
            json!({"type": "integer", "nullable": true, "enum": [-1, 0, 5, null]}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "nullable": true, "x-enum-values": [-1, 0, 5, null]})
        );
        assert_eq!(fired.len(), 1);
        // Not numbers only, not a number type, or no values: left alone.
        for schema in [
            json!({"type": "number", "enum": [1, "two"]}),
            json!({"type": "string", "enum": ["1", "2"]}),
            json!({"enum": [1, 2]}),
            json!({"type": "integer", "enum": []}),
            json!({"type": "integer", "enum": [null]}),
            json!({"type": "integer"}),
        ] {
            let (s, fired) = run("number-enum-values", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
    }
}
