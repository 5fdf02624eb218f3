//! Normalization rule `enum-unnameable-values`: a string `enum` whose values cannot all get distinct Rust variant names (e.g. `""`, `#`, `*` all sanitize to `X`): kept as `type: string`, the values moved to `x-enum-values`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use super::{enum_values_all, move_enum_values};
use crate::spec::variant_name;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "enum-unnameable-values",
    summary: "a string `enum` whose values cannot all get distinct Rust variant names (e.g. `\"\"`, `#`, `*` all sanitize to `X`): \
              kept as `type: string`, the values moved to `x-enum-values`",
    scope: Scope::Schema(enum_unnameable_values),
};

fn enum_unnameable_values(node: &mut Map<String, Value>) -> bool {
    let Some(strings) = enum_values_all(node, Value::is_string) else {
        return false;
    };
    let mut names: Vec<String> = strings
        .iter()
        .filter_map(|v| v.as_str())
        .map(variant_name)
        .collect();
    names.sort();
    let before = names.len();
    names.dedup();
    if names.len() == before {
        return false;
    }
    move_enum_values(node);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn enum_unnameable_values() {
        let (s, fired) = run(
            "enum-unnameable-values",
            json!({"type": "string", "enum": ["", "#", "*"]}),
        );
        assert_eq!(
            s,
            json!({"type": "string", "x-enum-values": ["", "#", "*"]})
        );
        assert_eq!(fired.len(), 1);
        let (s, fired) = run(
            "enum-unnameable-values",
            json!({"type": "string", "enum": ["a-b", "c"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a-b", "c"]}));
        assert!(fired.is_empty());
        assert_eq!(variant_name("call.in-progress"), "CallInProgress");
        assert_eq!(variant_name("="), "X");
    }
}
