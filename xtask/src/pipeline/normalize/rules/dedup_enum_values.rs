//! Normalization rule `dedup-enum-values`: an `enum` listing a value more than once: each value kept once, in first-seen order

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "dedup-enum-values",
    summary: "an `enum` listing a value more than once: each value kept once, in first-seen order",
    scope: Scope::Schema(dedup_enum_values),
};

fn dedup_enum_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get_mut("enum") else {
        return false;
    };
    let mut seen: Vec<Value> = Vec::with_capacity(values.len());
    for v in values.iter() {
        if !seen.contains(v) {
            seen.push(v.clone());
        }
    }
    if seen.len() == values.len() {
        return false;
    }
    *values = seen;
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn dedup_enum_values() {
        let (s, fired) = run(
            "dedup-enum-values",
            json!({"type": "string", "enum": ["a", "b", "a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a", "b"]}));
        assert_eq!(fired.len(), 1);
    }
}
