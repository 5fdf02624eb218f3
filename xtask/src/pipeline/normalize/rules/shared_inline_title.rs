//! Normalization rule `shared-inline-title`: inline schemas in different places with the same `title` but different content (typify names types by title and keeps one of them, so the others would decode as the wrong type): each titled after its component too

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::super::inline::{titled_inline_schemas, type_content};
use super::super::{Rule, Scope};
use crate::spec::{pointer_token, type_name};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "shared-inline-title",
    summary: "inline schemas in different places with the same `title` but different content (typify names types \
              by title and keeps one of them, so the others would decode as the wrong type): each titled after \
              its component too",
    scope: Scope::Document(shared_inline_title),
};

fn shared_inline_title(doc: &mut Value) -> Vec<String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| type_name(k)).collect();
    let mut found: Vec<(String, String, String)> = Vec::new();
    for (component, schema) in schemas {
        let mut here = Vec::new();
        let ptr = format!("/components/schemas/{}", pointer_token(component));
        titled_inline_schemas(schema, &ptr, true, &mut here);
        found.extend(here.into_iter().map(|(p, n)| (p, n, component.clone())));
    }
    let mut groups: BTreeMap<&str, Vec<&(String, String, String)>> = BTreeMap::new();
    for f in &found {
        groups.entry(f.1.as_str()).or_default().push(f);
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    for (name, members) in groups {
        let contents: BTreeSet<String> = members
            .iter()
            .filter_map(|(p, _, _)| doc.pointer(p))
            .map(|n| type_content(n).to_string())
            .collect();
        if contents.len() < 2 {
            continue;
        }
        for (ptr, _, component) in members {
            let base = type_name(&format!("{component} {name}"));
            let mut fresh = base.clone();
            let mut n = 2;
            while taken.contains(&fresh) {
                fresh = format!("{base}{n}");
                n += 1;
            }
            taken.insert(fresh.clone());
            renames.push((ptr.clone(), fresh));
        }
    }
    let mut hits = Vec::new();
    for (ptr, title) in renames {
        if let Some(node) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut) {
            node.insert("title".into(), Value::String(title));
            hits.push(ptr);
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shared_inline_title() {
        let rule = &RULE;
        let voice = |values: &[&str]| {
            json!({"properties": {"voiceId": {"oneOf": [
                {"type": "string", "enum": values, "title": "Preset Voice Options"},
                {"type": "string"}
            ]}}})
        };
        let mut doc = json!({"components": {"schemas": {
            "A": voice(&["x", "y"]),
            "B": voice(&["z"]),
            "C": {"properties": {"same": {"type": "string", "enum": ["q"], "title": "Same"}}},
            "D": {"properties": {"same": {"type": "string", "enum": ["q"], "title": "Same", "description": "d"}}}
        }}});
        let report = super::super::super::apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired[rule.name],
            [
                "/components/schemas/A/properties/voiceId/oneOf/0",
                "/components/schemas/B/properties/voiceId/oneOf/0"
            ]
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/voiceId/oneOf/0/title"),
            Some(&json!("APresetVoiceOptions"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/B/properties/voiceId/oneOf/0/title"),
            Some(&json!("BPresetVoiceOptions"))
        );
        // The same type under one title (docs aside) stays shared.
        assert_eq!(
            doc.pointer("/components/schemas/D/properties/same/title"),
            Some(&json!("Same"))
        );
    }
}
