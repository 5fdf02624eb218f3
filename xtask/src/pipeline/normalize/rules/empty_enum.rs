//! Normalization rule `empty-enum`: `enum: []`, `oneOf: []` or `anyOf: []` on a schema (union members: `empty-enum-member`), which no value satisfies and typify turns into a type without values: the keyword dropped, as the document means any value of the schema's type

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "empty-enum",
    summary: "`enum: []`, `oneOf: []` or `anyOf: []` on a schema (union members: `empty-enum-member`), which no \
              value satisfies and typify turns into a type without values: the keyword dropped, as the document \
              means any value of the schema's type",
    scope: Scope::Schema(empty_enum),
};

fn empty_enum(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["enum", "oneOf", "anyOf"] {
        if node
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            node.remove(key);
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn empty_enum() {
        let (s, fired) = run(
            "empty-enum",
            json!({"type": "string", "enum": [], "description": "d"}),
        );
        assert_eq!(s, json!({"type": "string", "description": "d"}));
        assert_eq!(fired, ["/components/schemas/X"]);
        let (s, fired) = run(
            "empty-enum",
            json!({"type": "object", "properties": {"a": {"oneOf": []}, "b": {"anyOf": [], "nullable": true}}}),
        );
        assert_eq!(
            s,
            json!({"type": "object", "properties": {"a": {}, "b": {"nullable": true}}})
        );
        assert_eq!(
            fired,
            [
                "/components/schemas/X/properties/a",
                "/components/schemas/X/properties/b"
            ]
        );
    }

    #[test]
    fn values_left_are_kept() {
        for schema in [
            json!({"type": "string", "enum": ["a"]}),
            json!({"oneOf": [{"type": "string"}], "anyOf": [{"type": "integer"}]}),
            // An allOf without members constrains nothing: not this rule's.
            json!({"allOf": []}),
        ] {
            let (s, fired) = run("empty-enum", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
    }

    /// A union member with `enum: []` is `empty-enum-member`'s: removed from
    /// the union before this rule runs, so it never reaches it; an emptied
    /// union is this rule's.
    #[test]
    fn after_empty_enum_member() {
        use crate::pipeline::normalize::{RULES, apply_rules};
        let position = |name: &str| RULES.iter().position(|r| r.name == name).unwrap();
        let (member, this) = (position("empty-enum-member"), position("empty-enum"));
        assert!(member < this);
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "X": {"oneOf": [{"type": "string", "enum": []}]}}}});
        let first = apply_rules(&mut doc, std::slice::from_ref(&RULES[member]));
        let then = apply_rules(&mut doc, std::slice::from_ref(&RULES[this]));
        assert_eq!(doc["components"]["schemas"]["X"], json!({}));
        assert_eq!(first.total(), 1);
        assert_eq!(then.fired["empty-enum"], ["/components/schemas/X"]);
    }
}
