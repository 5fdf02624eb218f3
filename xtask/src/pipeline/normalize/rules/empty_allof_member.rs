//! Normalization rule `empty-allof-member`: an empty `{}` member of allOf: removed; an allOf left with one member that is a bare `$ref` keeps its siblings

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "empty-allof-member",
    summary: "an empty `{}` member of allOf: removed; an allOf left with one member that is a bare `$ref` keeps its siblings",
    scope: Scope::Schema(empty_allof_member),
};

fn empty_allof_member(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(members)) = node.get_mut("allOf") else {
        return false;
    };
    let before = members.len();
    members.retain(|m| m.as_object().is_none_or(|o| !o.is_empty()));
    if members.len() == before {
        return false;
    }
    if members.is_empty() {
        node.remove("allOf");
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn empty_allof_member() {
        let (s, fired) = run(
            "empty-allof-member",
            json!({"allOf": [{}, {"type": "string"}]}),
        );
        assert_eq!(s, json!({"allOf": [{"type": "string"}]}));
        assert_eq!(fired.len(), 1);
    }
}
