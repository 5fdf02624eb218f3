//! Normalization rule `enum-unnameable-values`: a string `enum` whose values cannot all get distinct Rust variant names (e.g. `""`, `#`, `*` all sanitize to `X`): kept as `type: string`, the values moved to `x-enum-values`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use crate::spec::variant_name;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "enum-unnameable-values",
    summary: "a string `enum` whose values cannot all get distinct Rust variant names (e.g. `\"\"`, `#`, `*` all sanitize to `X`): \
              kept as `type: string`, the values moved to `x-enum-values`",
    scope: Scope::Schema(enum_unnameable_values),
};

fn enum_unnameable_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get("enum") else {
        return false;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() != values.iter().filter(|v| !v.is_null()).count() {
        return false;
    }
    let mut names: Vec<String> = strings.iter().map(|v| variant_name(v)).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    if names.len() == before {
        return false;
    }
    if let Some(values) = node.remove("enum") {
        node.insert("x-enum-values".into(), values);
    }
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
