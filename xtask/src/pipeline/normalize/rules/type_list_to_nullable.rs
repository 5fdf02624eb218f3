//! Normalization rule `type-list-to-nullable`: `type: [T, "null"]` (JSON Schema 2020-12): `type: T` with `nullable: true`

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "type-list-to-nullable",
    summary: "`type: [T, \"null\"]` (JSON Schema 2020-12): `type: T` with `nullable: true`",
    scope: Scope::Schema(type_list_to_nullable),
};

fn type_list_to_nullable(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(types)) = node.get("type") else {
        return false;
    };
    let mut rest: Vec<Value> = types
        .iter()
        .filter(|t| t.as_str() != Some("null"))
        .cloned()
        .collect();
    let had_null = rest.len() != types.len();
    match rest.len() {
        0 => {
            node.remove("type");
        }
        1 => {
            node.insert("type".into(), rest.remove(0));
        }
        // Several non-null types: express as anyOf of single-typed schemas.
        _ => {
            node.remove("type");
            let members = rest
                .into_iter()
                .map(|t| Value::Object(Map::from_iter([("type".to_string(), t)])));
            node.insert("anyOf".into(), Value::Array(members.collect()));
        }
    }
    if had_null {
        node.insert("nullable".into(), Value::Bool(true));
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn type_list_to_nullable() {
        let (s, fired) = run(
            "type-list-to-nullable",
            json!({"properties": {"a": {"type": ["string", "null"]}, "b": {"type": "string"}}}),
        );
        assert_eq!(
            s["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(s["properties"]["b"], json!({"type": "string"}));
        assert_eq!(fired, ["/components/schemas/X/properties/a"]);
    }
}
