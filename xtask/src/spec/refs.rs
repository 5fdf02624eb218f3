//! Which component schemas a part of a document references, directly and
//! through `$ref`s: the one reference walk the diff (request or response
//! side) and the models' index (what a resource's operations touch) share.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::pipeline::load::COMPONENT_REF;

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
