//! Normalization rule `drop-json-schema-ids`: `$schema`/`$id`/`$comment` inside schemas: dropped (JSON Schema file metadata, not OpenAPI 3.0)

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "drop-json-schema-ids",
    summary: "`$schema`/`$id`/`$comment` inside schemas: dropped (JSON Schema file metadata, not OpenAPI 3.0)",
    scope: Scope::Schema(drop_json_schema_ids),
};

fn drop_json_schema_ids(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for k in ["$schema", "$id", "$comment"] {
        changed |= node.remove(k).is_some();
    }
    changed
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn drop_json_schema_ids() {
        let (s, fired) = run(
            "drop-json-schema-ids",
            json!({"$id": "x", "$schema": "y", "type": "object"}),
        );
        assert_eq!(s, json!({"type": "object"}));
        assert_eq!(fired, ["/components/schemas/X"]);
    }
}
