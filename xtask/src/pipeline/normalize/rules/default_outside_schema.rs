//! Normalization rule `default-outside-schema`: a `default` its own schema rejects (wrong type, outside minimum/maximum, not in `enum`): dropped, as typify refuses it; the server applies its defaults anyway

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "default-outside-schema",
    summary: "a `default` its own schema rejects (wrong type, outside minimum/maximum, not in `enum`): dropped, \
              as typify refuses it; the server applies its defaults anyway",
    scope: Scope::Schema(default_outside_schema),
};

fn default_outside_schema(node: &mut Map<String, Value>) -> bool {
    let Some(default) = node.get("default") else {
        return false;
    };
    let num = |k: &str| node.get(k).and_then(Value::as_f64);
    let ty = node.get("type").and_then(Value::as_str);
    let type_fits = match ty {
        Some("integer" | "number") => default.as_f64().is_some_and(|v| {
            num("minimum").is_none_or(|m| v >= m)
                && num("maximum").is_none_or(|m| v <= m)
                && (ty != Some("integer") || v.fract() == 0.0)
        }),
        Some("string") => default.is_string(),
        Some("boolean") => default.is_boolean(),
        Some("array") => default.is_array(),
        Some("object") => default.is_object(),
        _ => true,
    };
    let enum_fits = node
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|values| values.contains(default));
    let null_ok = default.is_null() && node.get("nullable") == Some(&Value::Bool(true));
    if (type_fits && enum_fits) || null_ok {
        return false;
    }
    node.remove("default");
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn default_outside_schema() {
        let (s, fired) = run(
            "default-outside-schema",
            json!({"type": "integer", "minimum": 1, "maximum": 5, "default": 10}),
        );
        assert_eq!(s, json!({"type": "integer", "minimum": 1, "maximum": 5}));
        assert_eq!(fired.len(), 1);
        let (_, fired) = run(
            "default-outside-schema",
            json!({"type": "string", "enum": ["a"], "default": ["a"]}),
        );
        assert_eq!(fired.len(), 1);
        let (_, fired) = run(
            "default-outside-schema",
            json!({"type": "number", "minimum": 0, "default": 0.5}),
        );
        assert!(fired.is_empty());
    }
}
