//! Which component schemas a part of a document references, directly and
//! through `$ref`s: the one reference walk the diff (request or response
//! side) and the models' index (what a resource's operations touch) share.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Prefix of a component reference (`#/components/schemas/<Name>`): the one
/// definition every stage and command uses.
pub const COMPONENT_REF: &str = "#/components/schemas/";

/// What a `$ref` points to, followed through up to 8 references (a
/// reference into the document that does not resolve is left as it is).
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..8 {
        match s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => s = target,
            None => break,
        }
    }
    s
}

/// The component a schema stands for: a `$ref` to it, or an `allOf` of
/// that one schema (how a document adds a description to a reference). The
/// name as the document spells it.
pub fn named_component(schema: &Value) -> Option<&str> {
    if let Some(r) = schema.get("$ref") {
        return r.as_str()?.strip_prefix(COMPONENT_REF);
    }
    match schema.get("allOf")?.as_array()?.as_slice() {
        [one] => named_component(one),
        _ => None,
    }
}

/// Component schemas referenced anywhere inside `value`, added to `out`;
/// references to other components (`#/components/requestBodies/…`,
/// parameters, responses) are followed (`seen` holds those already
/// followed).
pub fn schema_refs(
    doc: &Value,
    value: &Value,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref"
                    && let Some(r) = v.as_str()
                {
                    if let Some(name) = r.strip_prefix(COMPONENT_REF) {
                        out.insert(name.to_string());
                    } else if seen.insert(r.to_string())
                        && let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p))
                    {
                        schema_refs(doc, target, out, seen);
                    }
                } else {
                    schema_refs(doc, v, out, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(doc, v, out, seen)),
        _ => {}
    }
}

/// Component → the components its schema references directly.
pub fn ref_graph(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let mut out = BTreeSet::new();
            schema_refs(doc, schema, &mut out, &mut BTreeSet::new());
            graph.insert(name.clone(), out);
        }
    }
    graph
}

/// Everything reachable from `start` in `graph` (`start` included).
pub fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = start.into_iter().collect();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(next) = graph.get(&name) {
            queue.extend(next.iter().filter(|n| !seen.contains(*n)).cloned());
        }
    }
    seen
}

#[cfg(test)]
mod named_component_tests {
    use serde_json::json;

    use super::named_component;

    #[test]
    fn a_ref_or_an_all_of_of_one_ref_names_a_component() {
        let r = "#/components/schemas/Session";
        assert_eq!(named_component(&json!({"$ref": r})), Some("Session"));
        assert_eq!(
            named_component(&json!({"allOf": [{"$ref": r}], "description": "d"})),
            Some("Session")
        );
        assert_eq!(named_component(&json!({"allOf": [{"$ref": r}, {}]})), None);
        assert_eq!(
            named_component(&json!({"$ref": "#/components/responses/X"})),
            None
        );
        assert_eq!(named_component(&json!({"type": "string"})), None);
    }
}
