//! Normalization rule `examples-to-example`: `examples` on a schema (not in OpenAPI 3.0): its first item becomes `example`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "examples-to-example",
    summary: "`examples` on a schema (not in OpenAPI 3.0): its first item becomes `example`",
    scope: Scope::Schema(examples_to_example),
};

fn examples_to_example(node: &mut Map<String, Value>) -> bool {
    let Some(examples) = node.remove("examples") else {
        return false;
    };
    if !node.contains_key("example")
        && let Value::Array(mut items) = examples
        && !items.is_empty()
    {
        node.insert("example".into(), items.remove(0));
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn examples_to_example() {
        let (s, fired) = run(
            "examples-to-example",
            json!({"type": "string", "examples": ["a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "example": "a"}));
        assert_eq!(fired.len(), 1);
    }
}
