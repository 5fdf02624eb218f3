//! Normalization rule `unsatisfiable-pattern`: a `pattern` that a string its schema's `enum`/`const` lists (or, beside oneOf/anyOf/allOf, a member's) does not match, or that is not an ECMA-262 regex: dropped, since the listed values are what the API sends (typify keeps only the values a pattern matches: none left is a type without values)

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "unsatisfiable-pattern",
    summary: "a `pattern` that a string its schema's `enum`/`const` lists (or, beside oneOf/anyOf/allOf, a \
              member's) does not match, or that is not an ECMA-262 regex: dropped, since the listed values are \
              what the API sends (typify keeps only the values a pattern matches: none left is a type without values)",
    scope: Scope::Schema(unsatisfiable_pattern),
};

fn unsatisfiable_pattern(node: &mut Map<String, Value>) -> bool {
    let Some(Value::String(pattern)) = node.get("pattern") else {
        return false;
    };
    // JSON Schema patterns are unanchored searches, as `find` is; the regex
    // crate typify checks patterns with (and its flags: none).
    let contradicts = match regress::Regex::new(pattern) {
        Err(_) => true,
        Ok(re) => listed_strings(node).any(|v| re.find(v).is_none()),
    };
    if contradicts {
        node.remove("pattern");
    }
    contradicts
}

/// The strings `node`'s `enum` and `const` list, and those of its inline
/// oneOf/anyOf/allOf members (recursively): a keyword beside a union
/// applies to each member, and typify merges it into each. Referenced
/// members (`$ref`) are not followed. Non-string values are skipped: a
/// string keyword does not apply to them.
pub(super) fn listed_strings(node: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let mut values = Vec::new();
    collect_values(node, &mut values);
    values.into_iter().filter_map(Value::as_str)
}

fn collect_values<'a>(node: &'a Map<String, Value>, out: &mut Vec<&'a Value>) {
    if let Some(Value::Array(values)) = node.get("enum") {
        out.extend(values);
    }
    if let Some(value) = node.get("const") {
        out.push(value);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(members)) = node.get(key) {
            for member in members.iter().filter_map(Value::as_object) {
                collect_values(member, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    /// A placeholder pattern beside a union (InviteUserDTO.role of a vendor
    /// document): typify merged it into the enum member, which then had no
    /// variant left.
    #[test]
    fn placeholder_pattern_beside_a_union() {
        let members = json!([
            {"type": "string", "enum": ["admin", "editor", "viewer"]},
            {"type": "string", "pattern": "^org-[a-z0-9-]+$"}
        ]);
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"pattern": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN", "oneOf": members.clone()}),
        );
        assert_eq!(s, json!({"oneOf": members}));
        assert_eq!(fired, ["/components/schemas/X"]);
    }

    #[test]
    fn pattern_some_enum_value_does_not_match() {
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"type": "string", "pattern": "^[a-z]+$", "enum": ["admin", "Org-1"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["admin", "Org-1"]}));
        assert_eq!(fired.len(), 1);
        // `const`, and nested unions and allOf members.
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"pattern": "^a", "const": "b"}),
        );
        assert_eq!(s, json!({"const": "b"}));
        assert_eq!(fired.len(), 1);
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"pattern": "^a", "allOf": [{"anyOf": [{"enum": ["a"]}, {"enum": ["b"]}]}]}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"anyOf": [{"enum": ["a"]}, {"enum": ["b"]}]}]})
        );
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn a_members_own_pattern_is_its_own_node() {
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"oneOf": [{"type": "string", "pattern": "^x", "enum": ["y"]}, {"type": "integer"}]}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "string", "enum": ["y"]}, {"type": "integer"}]})
        );
        assert_eq!(fired, ["/components/schemas/X/oneOf/0"]);
    }

    #[test]
    fn invalid_pattern() {
        let (s, fired) = run(
            "unsatisfiable-pattern",
            json!({"type": "string", "pattern": "(unclosed"}),
        );
        assert_eq!(s, json!({"type": "string"}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn consistent_pattern_is_kept() {
        for schema in [
            // Every value matches (a search: unanchored).
            json!({"type": "string", "pattern": "min", "enum": ["admin", "minimal"]}),
            json!({"pattern": "^[a-z]+$", "oneOf": [{"enum": ["admin"]}, {"type": "string"}]}),
            // Nothing listed.
            json!({"type": "string", "pattern": "^org-[a-z0-9-]+$"}),
            // Only strings are tested.
            json!({"pattern": "^a", "enum": ["abc", null, 1]}),
            // A referenced member is not followed.
            json!({"pattern": "^a", "oneOf": [{"$ref": "#/components/schemas/Y"}]}),
        ] {
            let (s, fired) = run("unsatisfiable-pattern", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
    }
}
