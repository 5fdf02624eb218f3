//! Normalization rule `empty-enum-member`: a oneOf/anyOf member with `enum: []` (matches nothing, but readers treat it as no enum): removed

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "empty-enum-member",
    summary: "a oneOf/anyOf member with `enum: []` (matches nothing, but readers treat it as no enum): removed",
    scope: Scope::Schema(empty_enum_member),
};

fn empty_enum_member(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = node.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| {
            m.get("enum")
                .and_then(Value::as_array)
                .is_none_or(|e| !e.is_empty())
        });
        changed |= members.len() != before;
    }
    changed
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn empty_enum_member() {
        let (s, fired) = run(
            "empty-enum-member",
            json!({"oneOf": [{"type": "string", "enum": []}, {"type": "string"}]}),
        );
        assert_eq!(s, json!({"oneOf": [{"type": "string"}]}));
        assert_eq!(fired.len(), 1);
    }
}
