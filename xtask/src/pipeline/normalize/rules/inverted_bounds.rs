//! Normalization rule `inverted-bounds`: a lower bound above its upper bound (`minimum`/`exclusiveMinimum` over `maximum`/`exclusiveMaximum`, `minLength` over `maxLength`, `minItems` over `maxItems`, `minProperties` over `maxProperties`), which no value satisfies: both bounds of the pair dropped

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "inverted-bounds",
    summary: "a lower bound above its upper bound (`minimum`/`exclusiveMinimum` over `maximum`/`exclusiveMaximum`, \
              `minLength` over `maxLength`, `minItems` over `maxItems`, `minProperties` over `maxProperties`), \
              which no value satisfies: both bounds of the pair dropped",
    scope: Scope::Schema(inverted_bounds),
};

/// Count bounds: (lower, upper), both inclusive.
const COUNTS: &[(&str, &str)] = &[
    ("minLength", "maxLength"),
    ("minItems", "maxItems"),
    ("minProperties", "maxProperties"),
];

/// A numeric bound: its keyword, its value, whether it excludes the value.
struct Bound {
    key: &'static str,
    value: f64,
    exclusive: bool,
}

/// The numeric bounds of `node` on one side: `minimum` (exclusive when
/// OpenAPI 3.0's `exclusiveMinimum: true` is beside it) and the numeric
/// `exclusiveMinimum` (OpenAPI 3.1); the same for the maximum.
fn bounds(
    node: &Map<String, Value>,
    inclusive: &'static str,
    exclusive: &'static str,
) -> Vec<Bound> {
    let mut out = Vec::new();
    if let Some(value) = node.get(inclusive).and_then(Value::as_f64) {
        out.push(Bound {
            key: inclusive,
            value,
            exclusive: node.get(exclusive) == Some(&Value::Bool(true)),
        });
    }
    if let Some(value) = node.get(exclusive).and_then(Value::as_f64) {
        out.push(Bound {
            key: exclusive,
            value,
            exclusive: true,
        });
    }
    out
}

fn inverted_bounds(node: &mut Map<String, Value>) -> bool {
    let mut dropped: Vec<&'static str> = Vec::new();
    let lower = bounds(node, "minimum", "exclusiveMinimum");
    let upper = bounds(node, "maximum", "exclusiveMaximum");
    for l in &lower {
        for u in &upper {
            if l.value > u.value || (l.value == u.value && (l.exclusive || u.exclusive)) {
                dropped.extend([l.key, u.key]);
            }
        }
    }
    // OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` qualify
    // the bound beside them: they go with it.
    for (bound, flag) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        if dropped.contains(&bound) && node.get(flag).is_some_and(Value::is_boolean) {
            dropped.push(flag);
        }
    }
    let count = |k: &str| node.get(k).and_then(Value::as_f64);
    for &(min, max) in COUNTS {
        if let (Some(lo), Some(hi)) = (count(min), count(max))
            && lo > hi
        {
            dropped.extend([min, max]);
        }
    }
    let mut changed = false;
    for key in dropped {
        changed |= node.remove(key).is_some();
    }
    changed
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn inverted_bounds() {
        for (schema, rewritten) in [
            (
                json!({"type": "integer", "minimum": 10, "maximum": 1}),
                json!({"type": "integer"}),
            ),
            (
                json!({"type": "string", "minLength": 5, "maxLength": 2, "pattern": "^a"}),
                json!({"type": "string", "pattern": "^a"}),
            ),
            (
                json!({"type": "array", "items": {}, "minItems": 3, "maxItems": 1}),
                json!({"type": "array", "items": {}}),
            ),
            (
                json!({"type": "object", "minProperties": 2, "maxProperties": 1}),
                json!({"type": "object"}),
            ),
            // OpenAPI 3.1's numeric exclusive bounds; an equal pair is empty
            // when one side excludes it.
            (
                json!({"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1}),
                json!({"type": "number"}),
            ),
            (
                json!({"type": "number", "minimum": 2, "exclusiveMaximum": 2, "maximum": 5}),
                json!({"type": "number", "maximum": 5}),
            ),
            // OpenAPI 3.0's boolean flags go with their bound.
            (
                json!({"type": "number", "minimum": 1, "exclusiveMinimum": true, "maximum": 1}),
                json!({"type": "number"}),
            ),
        ] {
            let (s, fired) = run("inverted-bounds", schema.clone());
            assert_eq!(s, rewritten, "{schema}");
            assert_eq!(fired.len(), 1, "{schema}");
        }
    }

    #[test]
    fn consistent_bounds_are_kept() {
        for schema in [
            json!({"type": "integer", "minimum": 1, "maximum": 1}),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1}),
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}),
            json!({"type": "string", "minLength": 2, "maxLength": 2}),
            json!({"type": "array", "items": {}, "minItems": 1}),
            json!({"type": "object", "maxProperties": 0}),
        ] {
            let (s, fired) = run("inverted-bounds", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
    }
}
