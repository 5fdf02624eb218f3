//! Normalization rule `shared-inline-type`: untitled inline schemas with the same content in several places (a `name` string with `maxLength: 40` under every credential, one enum under many parents): given one `title`, the name typify gives one of the places, so typify generates one type where it generated one per place; each place keeps its own name in `x-place-name`, generated as an alias, so no name changes when places stop sharing

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::super::inline::{becomes_inline_type, titled_inline_schemas, type_content};
use super::super::{Rule, Scope};
use crate::spec::{PLACE_NAME, SHARED_WITH, pointer_token, type_name};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "shared-inline-type",
    summary: "untitled inline schemas with the same content in several places (a `name` string with `maxLength: 40` \
              under every credential, one enum under many parents): given one `title`, the name typify gives \
              one of the places, so typify generates one type where it generated one per place; each place \
              keeps its own name in `x-place-name`, generated as an alias, so no name changes when places \
              stop sharing",
    scope: Scope::Document(shared_inline_type),
};

fn shared_inline_type(doc: &mut Value) -> Vec<String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    let mut titled: Vec<(String, String)> = Vec::new();
    for (component, schema) in schemas {
        let ptr = format!("/components/schemas/{}", pointer_token(component));
        untitled_inline_schemas(schema, &ptr, &type_name(component), true, &mut found);
        titled_inline_schemas(schema, &ptr, true, &mut titled);
    }
    let mut groups: BTreeMap<String, Vec<&(String, String)>> = BTreeMap::new();
    for f in &found {
        if let Some(node) = doc.pointer(&f.0) {
            groups
                .entry(type_content(node).to_string())
                .or_default()
                .push(f);
        }
    }
    groups.retain(|_, members| members.len() > 1);
    let merged: BTreeSet<&str> = groups.values().flatten().map(|(p, _)| p.as_str()).collect();
    // Names typify will still use: components, titles, and the inline types
    // left as they are.
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| type_name(k)).collect();
    taken.extend(titled.into_iter().map(|(_, n)| n));
    taken.extend(
        found
            .iter()
            .filter(|(p, _)| !merged.contains(p.as_str()))
            .map(|(_, n)| n.clone()),
    );
    // Groups in the order of their first place in the document.
    let mut ordered: Vec<Vec<&(String, String)>> = groups.into_values().collect();
    ordered.sort_by(|a, b| a[0].0.cmp(&b[0].0));
    let mut renames: Vec<(String, String, String, Vec<&str>)> = Vec::new();
    for members in ordered {
        let names: Vec<&str> = members.iter().map(|(_, n)| n.as_str()).collect();
        if let Some(shared) = place_for_shared_type(&names, &taken) {
            let mut sorted = names.clone();
            sorted.sort_unstable();
            renames.extend(members.iter().map(|(p, n)| {
                let others = sorted.iter().copied().filter(|o| o != n).collect();
                (p.clone(), shared.to_string(), n.clone(), others)
            }));
        }
        taken.extend(names.iter().map(std::string::ToString::to_string));
    }
    let mut hits = Vec::new();
    // The places left with a type of their own are marked too, so that a
    // diff tells a place that stopped sharing from one that is gone.
    let shared: BTreeSet<&str> = renames.iter().map(|r| r.0.as_str()).collect();
    let alone: Vec<(String, String)> = found
        .iter()
        .filter(|(p, _)| !shared.contains(p.as_str()))
        .cloned()
        .collect();
    for (ptr, place) in alone {
        if let Some(node) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut) {
            node.insert(PLACE_NAME.into(), Value::String(place));
        }
    }
    for (ptr, title, place, others) in renames {
        if let Some(node) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut) {
            node.insert("title".into(), Value::String(title));
            node.insert(PLACE_NAME.into(), Value::String(place));
            node.insert(SHARED_WITH.into(), Value::from(others));
            hits.push(ptr);
        }
    }
    hits.sort();
    hits
}

/// Untitled inline schemas that become named types: (pointer, the name
/// typify gives them, from the parent's name and the property, with `Item`
/// for array items). `context` is the name of the type holding `node`;
/// titled schemas name their contents after their title.
fn untitled_inline_schemas(
    node: &Value,
    ptr: &str,
    context: &str,
    root: bool,
    out: &mut Vec<(String, String)>,
) {
    let Value::Object(m) = node else { return };
    let mut here = context.to_string();
    if !root {
        match m.get("title").and_then(Value::as_str) {
            Some(title) => here = type_name(title),
            None if becomes_inline_type(m) => out.push((ptr.to_string(), type_name(context))),
            None => {}
        }
    }
    for (k, v) in m {
        match k.as_str() {
            "properties" => {
                if let Value::Object(props) = v {
                    for (name, prop) in props {
                        untitled_inline_schemas(
                            prop,
                            &format!("{ptr}/properties/{}", pointer_token(name)),
                            &format!("{here} {name}"),
                            false,
                            out,
                        );
                    }
                }
            }
            "items" => untitled_inline_schemas(
                v,
                &format!("{ptr}/items"),
                &format!("{here} item"),
                false,
                out,
            ),
            // Not into `additionalProperties` or union members: typify names
            // their types in ways not predicted here (`…String`, `…Variant0`).
            // Those inside a shared type are shared with it, and keep their
            // names through the aliases of their parent's places.
            _ => {}
        }
    }
}

/// A type name's words: `OpenAiCredentialName` → `Open`, `Ai`,
/// `Credential`, `Name`.
fn name_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let bytes = name.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() && !bytes[i - 1].is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// The name a shared inline type takes: the name of one of its places, so
/// that it is still a name of that place's type if the places stop sharing.
/// The one with the fewest words, then the shortest, then the first in order
/// (`SessionName` over `CreateSessionDtoName`), that is not taken.
fn place_for_shared_type<'a>(names: &[&'a str], taken: &BTreeSet<String>) -> Option<&'a str> {
    let mut ranked: Vec<&str> = names.to_vec();
    ranked.sort_by_key(|n| (name_words(n).len(), n.len(), *n));
    ranked.dedup();
    // Two places with the same name would make one alias collide.
    if ranked.len() != names.len() {
        return None;
    }
    ranked.into_iter().find(|n| !taken.contains(*n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn shared_inline_type() {
        let name = json!({"type": "string", "maxLength": 40, "description": "A name."});
        let status = json!({"type": "string", "enum": ["on", "off"]});
        let doc = json!({"components": {"schemas": {
            "CreateSessionDto": {"properties": {"name": name, "status": status}},
            "UpdateSessionDto": {"properties": {
                "name": {"type": "string", "maxLength": 40, "description": "Another doc."},
                "state": status,
            }},
            "Session": {"properties": {"name": name}},
            "Other": {"properties": {
                "name": {"type": "string", "maxLength": 10},
                "label": {"type": "string"},
                "kind": {"title": "Kind", "type": "string", "enum": ["on", "off"]},
                "list": {"type": "array", "items": {"type": "string", "enum": ["on", "off"]}},
            }},
            "OtherListItem": {"type": "string"},
        }}});
        let (doc, fired) = run_document("shared-inline-type", doc);
        let p = |c: &str, f: &str| doc["components"]["schemas"][c]["properties"][f].clone();
        // Same content, docs aside: one title, the name of one of the places
        // (the fewest words), and each place's own name kept.
        for (component, place) in [
            ("CreateSessionDto", "CreateSessionDtoName"),
            ("UpdateSessionDto", "UpdateSessionDtoName"),
            ("Session", "SessionName"),
        ] {
            let node = p(component, "name");
            assert_eq!(node["title"], "SessionName", "{component}");
            assert_eq!(node[super::PLACE_NAME], place, "{component}");
        }
        assert_eq!(
            p("Session", "name")[super::SHARED_WITH],
            json!(["CreateSessionDtoName", "UpdateSessionDtoName"])
        );
        assert_eq!(p("UpdateSessionDto", "name")["description"], "Another doc.");
        // Under different properties, in arrays too; a place name that a
        // component has is not taken, the shorter of the others is.
        for (node, place) in [
            (p("CreateSessionDto", "status"), "CreateSessionDtoStatus"),
            (p("UpdateSessionDto", "state"), "UpdateSessionDtoState"),
            (p("Other", "list")["items"].clone(), "OtherListItem"),
        ] {
            assert_eq!(node["title"], "UpdateSessionDtoState", "{place}");
            assert_eq!(node[super::PLACE_NAME], place);
        }
        // Different content, no named type, or a title of its own: untouched.
        assert!(p("Other", "name").get("title").is_none());
        assert_eq!(p("Other", "name")[super::PLACE_NAME], "OtherName");
        assert!(p("Other", "name").get(super::SHARED_WITH).is_none());
        assert!(p("Other", "label").get("title").is_none());
        assert_eq!(p("Other", "kind")["title"], "Kind");
        assert!(p("Other", "kind").get(super::PLACE_NAME).is_none());
        assert_eq!(fired.len(), 6, "{fired:?}");
        // Run again: nothing left to do.
        let (_, again) = run_document("shared-inline-type", doc);
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn the_shared_type_takes_the_plainest_free_place_name() {
        let taken: BTreeSet<String> = ["SessionName".to_string()].into();
        let pick = |names: &[&str]| super::place_for_shared_type(names, &taken).map(str::to_string);
        assert_eq!(
            pick(&[
                "OpenAiCredentialName",
                "XaiCredentialName",
                "AzureCredentialName"
            ])
            .as_deref(),
            Some("XaiCredentialName")
        );
        assert_eq!(
            pick(&[
                "CreateSessionDtoName",
                "SessionName",
                "UpdateSessionDtoName"
            ])
            .as_deref(),
            Some("CreateSessionDtoName")
        );
        // Two places typify would name alike: kept apart.
        assert_eq!(pick(&["AName", "AName"]), None);
    }
}
