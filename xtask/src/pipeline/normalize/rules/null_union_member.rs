//! Normalization rule `null-union-member`: a `{type: null}` member of oneOf/anyOf: removed, and the schema marked `nullable: true`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "null-union-member",
    summary: "a `{type: null}` member of oneOf/anyOf: removed, and the schema marked `nullable: true`",
    scope: Scope::Schema(null_union_member),
};

fn null_union_member(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = node.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() == before {
            continue;
        }
        changed = true;
        if members.len() == 1 {
            // `oneOf: [X, null]` is just a nullable X.
            let only = members.remove(0);
            node.remove(key);
            node.insert("allOf".into(), Value::Array(vec![only]));
        } else if members.is_empty() {
            node.remove(key);
        }
    }
    if node.get("type").and_then(Value::as_str) == Some("null") {
        // A schema that only admits null: an open value that may be null.
        node.remove("type");
        changed = true;
    }
    if changed {
        node.insert("nullable".into(), Value::Bool(true));
    }
    changed
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("type").and_then(Value::as_str) == Some("null")
                || m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn null_union_member() {
        let (s, fired) = run(
            "null-union-member",
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}, {"$ref": "#/components/schemas/B"}]}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": true})
        );
        assert_eq!(fired.len(), 1);
        let (s, _) = run(
            "null-union-member",
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]}),
        );
        assert_eq!(s, json!({"allOf": [{"type": "string"}], "nullable": true}));
    }
}
