//! Normalization rule `inline-name-collision`: an inline schema under a component property whose Rust name (parent + property, as typify names it) is also a component's: given a `title` with an `Inline` suffix, so the two types do not collide

use serde_json::Value;

use super::super::inline::becomes_named_type;
use super::super::{Rule, Scope};
use crate::spec::{pointer_token, type_name};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "inline-name-collision",
    summary: "an inline schema under a component property whose Rust name (parent + property, as typify names it) \
              is also a component's: given a `title` with an `Inline` suffix, so the two types do not collide",
    scope: Scope::Document(inline_name_collision),
};

fn inline_name_collision(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return hits;
    };
    let mut taken: std::collections::BTreeSet<String> =
        schemas.keys().map(|k| type_name(k)).collect();
    for (component, schema) in schemas.iter_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (prop, prop_schema) in props.iter_mut() {
            let base = format!("{component}_{prop}");
            let mut candidates: Vec<(String, &mut Value, String)> = Vec::new();
            let ptr = format!(
                "/components/schemas/{}/properties/{}",
                pointer_token(component),
                pointer_token(prop)
            );
            if prop_schema.get("type").and_then(Value::as_str) == Some("array") {
                if let Some(items) = prop_schema.get_mut("items") {
                    candidates.push((format!("{base}_item"), items, format!("{ptr}/items")));
                }
            } else {
                candidates.push((base, prop_schema, ptr));
            }
            for (name, node, ptr) in candidates {
                let Some(node) = node.as_object_mut() else {
                    continue;
                };
                if !becomes_named_type(node) {
                    continue;
                }
                let predicted = node
                    .get("title")
                    .and_then(Value::as_str)
                    .map_or_else(|| type_name(&name), type_name);
                if !taken.contains(&predicted) {
                    continue;
                }
                let mut fresh = format!("{predicted}Inline");
                let mut n = 2;
                while taken.contains(&fresh) {
                    fresh = format!("{predicted}Inline{n}");
                    n += 1;
                }
                taken.insert(fresh.clone());
                node.insert("title".into(), Value::String(fresh));
                hits.push(ptr);
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_name_collision() {
        let rule = &RULE;
        let mut doc = json!({"components": {"schemas": {
            "ToolCallResult": {"properties": {
                "message": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
                "other": {"type": "string"}
            }},
            "ToolCallResultMessage": {"type": "object"}
        }}});
        let report = super::super::super::apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired[rule.name],
            ["/components/schemas/ToolCallResult/properties/message"]
        );
        assert_eq!(
            doc.pointer("/components/schemas/ToolCallResult/properties/message/title"),
            Some(&json!("ToolCallResultMessageInline"))
        );
    }
}
