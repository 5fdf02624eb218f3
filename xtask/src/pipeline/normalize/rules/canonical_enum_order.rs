//! Normalization rule `canonical-enum-order`: an `enum` whose values are
//! not in canonical order (strings by their bytes, then numbers, then
//! booleans, `null` last): sorted. The order of an enum's values carries no
//! meaning on the wire, so a vendor re-sorting them changes nothing in the
//! generated code, its snapshots or the diff report. The generated enums'
//! variants, and the `Ord` they derive, follow this order, not the
//! document's.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "canonical-enum-order",
    summary: "an `enum` whose values are not in canonical order (strings, numbers, booleans, `null` last): sorted, since the order means nothing on the wire",
    scope: Scope::Schema(canonical_enum_order),
};

fn rank(v: &Value) -> u8 {
    match v {
        Value::String(_) => 0,
        Value::Number(_) => 1,
        Value::Bool(_) => 2,
        Value::Array(_) | Value::Object(_) => 3,
        Value::Null => 4,
    }
}

fn canonical(a: &Value, b: &Value) -> Ordering {
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    })
}

fn canonical_enum_order(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get_mut("enum") else {
        return false;
    };
    if values.is_sorted_by(|a, b| canonical(a, b) != Ordering::Greater) {
        return false;
    }
    values.sort_by(canonical);
    true
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn values_are_sorted_with_null_last() {
        let (s, fired) = run(
            "canonical-enum-order",
            json!({"type": "string", "nullable": true, "enum": [null, "b", "a", "B"]}),
        );
        assert_eq!(s["enum"], json!(["B", "a", "b", null]));
        assert_eq!(fired.len(), 1);
        let (s, fired) = run("canonical-enum-order", json!({"enum": [10, 2, 1.5]}));
        assert_eq!(s["enum"], json!([1.5, 2, 10]));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn sorted_enums_do_not_fire() {
        let (_, fired) = run("canonical-enum-order", json!({"enum": ["a", "b", null]}));
        assert!(fired.is_empty());
    }
}
