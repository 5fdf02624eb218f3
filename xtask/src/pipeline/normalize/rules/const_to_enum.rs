//! Normalization rule `const-to-enum`: `const: v` (JSON Schema 2020-12): `enum: [v]`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "const-to-enum",
    summary: "`const: v` (JSON Schema 2020-12): `enum: [v]`",
    scope: Scope::Schema(const_to_enum),
};

fn const_to_enum(node: &mut Map<String, Value>) -> bool {
    let Some(v) = node.remove("const") else {
        return false;
    };
    node.insert("enum".into(), Value::Array(vec![v]));
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn const_to_enum() {
        let (s, fired) = run("const-to-enum", json!({"type": "string", "const": "a"}));
        assert_eq!(s, json!({"type": "string", "enum": ["a"]}));
        assert_eq!(fired.len(), 1);
    }
}
