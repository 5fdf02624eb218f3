//! Stage 2, **normalize**: rewrite a document so typify and progenitor can
//! take it, without changing what it means on the wire.
//!
//! Normalization is a table of named rules ([`RULES`]), applied in order to any
//! input. Each rule is data: a name, a one-line summary, and a rewrite of one
//! schema node (or of the whole document). Rules never look at a schema's
//! name: a quirk is recognised by its shape. Every firing is recorded with its
//! JSON pointer, so `cargo xtask generate` can report which rules fired and how
//! often, and a reviewer can find each place.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::spec::{
    operation_pointer, operations, operations_mut, pointer_token, type_name, variant_name,
    visit_document_schemas,
};

/// What a rule rewrites.
pub enum Scope {
    /// Called on every schema object of the document (components, parameters,
    /// bodies, responses, and everything nested in them), parents before
    /// children. Returns whether the rule changed the node.
    Schema(fn(&mut Map<String, Value>) -> bool),
    /// Called once on the whole document; returns the JSON pointers it changed.
    Document(fn(&mut Value) -> Vec<String>),
}

/// One named normalization rule.
pub struct Rule {
    /// Stable kebab-case name, printed when the rule fires.
    pub name: &'static str,
    /// What the rule recognises and what it rewrites it into.
    pub summary: &'static str,
    /// The rewrite.
    pub scope: Scope,
}

/// Where each rule fired: rule name → JSON pointers (document order).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Rule name → the pointers of the nodes it rewrote.
    pub fired: BTreeMap<&'static str, Vec<String>>,
}

impl Report {
    /// Total number of rewrites.
    pub fn total(&self) -> usize {
        self.fired.values().map(Vec::len).sum()
    }

    /// `name×count` pairs, e.g. `null-member×12, enum-on-array×3`.
    pub fn summary(&self) -> String {
        if self.fired.is_empty() {
            return "none".to_string();
        }
        self.fired
            .iter()
            .map(|(k, v)| format!("{k}×{}", v.len()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The rules, in the order they are applied.
pub static RULES: &[Rule] = &[
    Rule {
        name: "drop-json-schema-ids",
        summary: "`$schema`/`$id`/`$comment` inside schemas: dropped (JSON Schema file metadata, not OpenAPI 3.0)",
        scope: Scope::Schema(drop_json_schema_ids),
    },
    Rule {
        name: "type-list-to-nullable",
        summary: "`type: [T, \"null\"]` (JSON Schema 2020-12): `type: T` with `nullable: true`",
        scope: Scope::Schema(type_list_to_nullable),
    },
    Rule {
        name: "null-union-member",
        summary: "a `{type: null}` member of oneOf/anyOf: removed, and the schema marked `nullable: true`",
        scope: Scope::Schema(null_union_member),
    },
    Rule {
        name: "const-to-enum",
        summary: "`const: v` (JSON Schema 2020-12): `enum: [v]`",
        scope: Scope::Schema(const_to_enum),
    },
    Rule {
        name: "examples-to-example",
        summary: "`examples` on a schema (not in OpenAPI 3.0): its first item becomes `example`",
        scope: Scope::Schema(examples_to_example),
    },
    Rule {
        name: "enum-type-from-values",
        summary: "an `enum` whose values are all strings but whose `type` says otherwise (e.g. `object`): `type: string`",
        scope: Scope::Schema(enum_type_from_values),
    },
    Rule {
        name: "enum-on-array",
        summary: "`enum` on a `type: array` schema: moved onto `items` (dropped if `items` has its own), since it lists item values",
        scope: Scope::Schema(enum_on_array),
    },
    Rule {
        name: "dedup-enum-values",
        summary: "an `enum` listing a value more than once: each value kept once, in first-seen order",
        scope: Scope::Schema(dedup_enum_values),
    },
    Rule {
        name: "enum-unnameable-values",
        summary: "a string `enum` whose values cannot all get distinct Rust variant names (e.g. `\"\"`, `#`, `*` all sanitize to `X`): \
                  kept as `type: string`, the values moved to `x-enum-values`",
        scope: Scope::Schema(enum_unnameable_values),
    },
    Rule {
        name: "default-outside-schema",
        summary: "a `default` its own schema rejects (wrong type, outside minimum/maximum, not in `enum`): dropped, \
                  as typify refuses it; the server applies its defaults anyway",
        scope: Scope::Schema(default_outside_schema),
    },
    Rule {
        name: "undeclared-path-parameter",
        summary: "a `{name}` in a path template that the operation does not declare: declared as a required string path parameter",
        scope: Scope::Document(undeclared_path_parameter),
    },
    Rule {
        name: "shared-inline-title",
        summary: "inline schemas in different places with the same `title` but different content (typify names types \
                  by title and keeps one of them, so the others would decode as the wrong type): each titled after \
                  its component too",
        scope: Scope::Document(shared_inline_title),
    },
    Rule {
        name: "inline-name-collision",
        summary: "an inline schema under a component property whose Rust name (parent + property, as typify names it) \
                  is also a component's: given a `title` with an `Inline` suffix, so the two types do not collide",
        scope: Scope::Document(inline_name_collision),
    },
    Rule {
        name: "shared-inline-type",
        summary: "untitled inline schemas with the same content in several places (a `name` string with `maxLength: 40` \
                  under every credential, one enum under many parents): given one `title`, the name typify gives \
                  one of the places, so typify generates one type where it generated one per place; each place \
                  keeps its own name in `x-place-name`, generated as an alias, so no name changes when places \
                  stop sharing",
        scope: Scope::Document(shared_inline_type),
    },
    Rule {
        name: "parameter-schema-keywords",
        summary: "schema keywords (`allOf`, `type`, `enum`, `$ref`, …) on a Parameter Object itself, not in its `schema` \
                  (invalid OpenAPI 3.0, ignored by readers): kept under `x-schema-keywords`",
        scope: Scope::Document(parameter_schema_keywords),
    },
    Rule {
        name: "reserved-header-parameter",
        summary: "a header parameter named Accept, Content-Type or Authorization (OpenAPI 3.0: SHALL be ignored): removed",
        scope: Scope::Document(reserved_header_parameter),
    },
    Rule {
        name: "items-on-non-array",
        summary: "`items` on a schema whose `type` is not `array` (ignored by JSON Schema): moved to `x-ignored-items`",
        scope: Scope::Schema(items_on_non_array),
    },
    Rule {
        name: "array-without-items",
        summary: "`type: array` without `items` (OpenAPI 3.0 requires it): `items: {}`",
        scope: Scope::Schema(array_without_items),
    },
    Rule {
        name: "empty-enum-member",
        summary: "a oneOf/anyOf member with `enum: []` (matches nothing, but readers treat it as no enum): removed",
        scope: Scope::Schema(empty_enum_member),
    },
    Rule {
        name: "redirect-download-without-body",
        summary: "a bodiless 2xx next to a 3xx redirect (the payload is at the redirect target): \
                  the 2xx gets an `application/octet-stream` binary body, so the client returns the bytes",
        scope: Scope::Document(redirect_download_without_body),
    },
    Rule {
        name: "empty-allof-member",
        summary: "an empty `{}` member of allOf: removed; an allOf left with one member that is a bare `$ref` keeps its siblings",
        scope: Scope::Schema(empty_allof_member),
    },
];

/// Apply every rule of [`RULES`] to `doc`, in order.
pub fn normalize(doc: &mut Value) -> Report {
    apply_rules(doc, RULES)
}

/// Apply `rules` to `doc`, in order, recording where each one fired.
pub fn apply_rules(doc: &mut Value, rules: &[Rule]) -> Report {
    let mut report = Report::default();
    for rule in rules {
        let hits = match &rule.scope {
            Scope::Schema(f) => {
                let mut hits = Vec::new();
                visit_document_schemas(doc, &mut |ptr, node| {
                    if f(node) {
                        hits.push(ptr.to_string());
                    }
                });
                hits
            }
            Scope::Document(f) => f(doc),
        };
        if !hits.is_empty() {
            report.fired.insert(rule.name, hits);
        }
    }
    report
}

// ---------------------------------------------------------------------------
// The rules. Each takes one schema node and says whether it changed it.

fn drop_json_schema_ids(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for k in ["$schema", "$id", "$comment"] {
        changed |= node.remove(k).is_some();
    }
    changed
}

fn type_list_to_nullable(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(types)) = node.get("type") else {
        return false;
    };
    let mut rest: Vec<Value> = types
        .iter()
        .filter(|t| t.as_str() != Some("null"))
        .cloned()
        .collect();
    let had_null = rest.len() != types.len();
    match rest.len() {
        0 => {
            node.remove("type");
        }
        1 => {
            node.insert("type".into(), rest.remove(0));
        }
        // Several non-null types: express as anyOf of single-typed schemas.
        _ => {
            node.remove("type");
            let members = rest
                .into_iter()
                .map(|t| Value::Object(Map::from_iter([("type".to_string(), t)])));
            node.insert("anyOf".into(), Value::Array(members.collect()));
        }
    }
    if had_null {
        node.insert("nullable".into(), Value::Bool(true));
    }
    true
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("type").and_then(Value::as_str) == Some("null")
                || m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
        _ => false,
    }
}

fn null_union_member(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = node.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() == before {
            continue;
        }
        changed = true;
        if members.len() == 1 {
            // `oneOf: [X, null]` is just a nullable X.
            let only = members.remove(0);
            node.remove(key);
            node.insert("allOf".into(), Value::Array(vec![only]));
        } else if members.is_empty() {
            node.remove(key);
        }
    }
    if node.get("type").and_then(Value::as_str) == Some("null") {
        // A schema that only admits null: an open value that may be null.
        node.remove("type");
        changed = true;
    }
    if changed {
        node.insert("nullable".into(), Value::Bool(true));
    }
    changed
}

fn const_to_enum(node: &mut Map<String, Value>) -> bool {
    let Some(v) = node.remove("const") else {
        return false;
    };
    node.insert("enum".into(), Value::Array(vec![v]));
    true
}

fn examples_to_example(node: &mut Map<String, Value>) -> bool {
    let Some(examples) = node.remove("examples") else {
        return false;
    };
    if !node.contains_key("example")
        && let Value::Array(mut items) = examples
        && !items.is_empty()
    {
        node.insert("example".into(), items.remove(0));
    }
    true
}

fn enum_type_from_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get("enum") else {
        return false;
    };
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.is_empty() || !non_null.iter().all(|v| v.is_string()) {
        return false;
    }
    match node.get("type").and_then(Value::as_str) {
        Some("string") | Some("array") => false,
        _ => {
            node.insert("type".into(), Value::String("string".into()));
            true
        }
    }
}

fn enum_on_array(node: &mut Map<String, Value>) -> bool {
    if node.get("type").and_then(Value::as_str) != Some("array") || !node.contains_key("enum") {
        return false;
    }
    let Some(values) = node.remove("enum") else {
        return false;
    };
    match node.get_mut("items") {
        Some(Value::Object(items)) => {
            if !items.contains_key("enum") && !items.contains_key("$ref") {
                items.insert("enum".into(), values);
            }
        }
        _ => {
            node.insert(
                "items".into(),
                Value::Object(Map::from_iter([("enum".to_string(), values)])),
            );
        }
    }
    true
}

fn dedup_enum_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get_mut("enum") else {
        return false;
    };
    let mut seen: Vec<Value> = Vec::with_capacity(values.len());
    for v in values.iter() {
        if !seen.contains(v) {
            seen.push(v.clone());
        }
    }
    if seen.len() == values.len() {
        return false;
    }
    *values = seen;
    true
}

fn enum_unnameable_values(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = node.get("enum") else {
        return false;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() != values.iter().filter(|v| !v.is_null()).count() {
        return false;
    }
    let mut names: Vec<String> = strings.iter().map(|v| variant_name(v)).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    if names.len() == before {
        return false;
    }
    if let Some(values) = node.remove("enum") {
        node.insert("x-enum-values".into(), values);
    }
    true
}

fn default_outside_schema(node: &mut Map<String, Value>) -> bool {
    let Some(default) = node.get("default") else {
        return false;
    };
    let num = |k: &str| node.get(k).and_then(Value::as_f64);
    let ty = node.get("type").and_then(Value::as_str);
    let type_fits = match ty {
        Some("integer") | Some("number") => default.as_f64().is_some_and(|v| {
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

fn undeclared_path_parameter(doc: &mut Value) -> Vec<String> {
    let declared = |params: Option<&Value>| -> Vec<String> {
        params
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let missing: Vec<(String, String, Vec<String>)> = operations(doc)
        .filter_map(|op| {
            let mut have = declared(op.item.get("parameters"));
            have.extend(declared(op.node.get("parameters")));
            let names: Vec<String> = op
                .path
                .split('{')
                .skip(1)
                .filter_map(|s| s.split('}').next())
                .filter(|name| !have.iter().any(|d| d == name))
                .map(str::to_string)
                .collect();
            (!names.is_empty()).then(|| (op.path.to_string(), op.method.to_string(), names))
        })
        .collect();
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let Some((_, _, names)) = missing.iter().find(|(p, m, _)| *p == path && *m == method)
        else {
            continue;
        };
        let params = op
            .entry("parameters")
            .or_insert_with(|| Value::Array(vec![]));
        let Value::Array(list) = params else { continue };
        for name in names {
            list.push(serde_json::json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            hits.push(format!(
                "{}/parameters/{}",
                operation_pointer(&path, &method),
                list.len() - 1
            ));
        }
    }
    hits
}

/// Whether typify makes a named type of this inline schema.
fn becomes_named_type(schema: &Map<String, Value>) -> bool {
    !schema.contains_key("$ref")
        && (schema.contains_key("properties")
            || schema.contains_key("enum")
            || schema
                .get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() > 1)
            || schema
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() > 1))
}

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
                    .map(type_name)
                    .unwrap_or_else(|| type_name(&name));
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

/// Keys whose values are data, not schemas.
const DATA_KEYWORDS: &[&str] = &[
    "example",
    "examples",
    "default",
    "enum",
    "const",
    "x-enum-values",
];

/// Titled inline schemas that become named types: (pointer, type name).
fn titled_inline_schemas(node: &Value, ptr: &str, root: bool, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(m) => {
            if !root
                && becomes_named_type(m)
                && let Some(title) = m.get("title").and_then(Value::as_str)
            {
                out.push((ptr.to_string(), type_name(title)));
            }
            for (k, v) in m {
                if !DATA_KEYWORDS.contains(&k.as_str()) {
                    titled_inline_schemas(v, &format!("{ptr}/{}", pointer_token(k)), false, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                titled_inline_schemas(v, &format!("{ptr}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// What makes two titled schemas the same type (docs aside).
fn type_content(node: &Value) -> Value {
    match node {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "title" | "description" | "example" | "examples")
                        && k.as_str() != PLACE_NAME
                        && k.as_str() != SHARED_WITH
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

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

/// Whether typify makes a named type of this inline schema, counting the
/// newtypes it makes of strings with length or pattern constraints.
fn becomes_inline_type(schema: &Map<String, Value>) -> bool {
    becomes_named_type(schema)
        || (!schema.contains_key("$ref")
            && schema.get("type").and_then(Value::as_str) == Some("string")
            && ["maxLength", "minLength", "pattern"]
                .iter()
                .any(|k| schema.contains_key(*k)))
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

/// The extension holding the name typify would give an inline schema in
/// its place, on the schemas `shared-inline-type` titles.
pub const PLACE_NAME: &str = "x-place-name";

/// The extension listing the names of the other places a shared inline type
/// serves (next to [`PLACE_NAME`]), so that a diff can tell which places
/// stopped sharing.
pub const SHARED_WITH: &str = "x-shared-with";

/// The places `shared-inline-type` marked in a document's components, all
/// of them, shared or not: (place name, the shared type's name if the place
/// shares one).
pub fn places(doc: &Value) -> Vec<(&str, Option<String>)> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<(&'a str, Option<String>)>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(place)) = m.get(PLACE_NAME) {
                    let shared = m
                        .get("title")
                        .and_then(Value::as_str)
                        .filter(|_| m.contains_key(SHARED_WITH))
                        .map(type_name);
                    out.push((place, shared));
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(schemas) = doc.pointer("/components/schemas") {
        walk(schemas, &mut out);
    }
    out
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
        taken.extend(names.iter().map(|n| n.to_string()));
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

/// Keywords that belong in a Parameter Object's `schema`, not on it.
const PARAMETER_SCHEMA_KEYWORDS: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "type",
    "enum",
    "$ref",
    "items",
    "properties",
    "format",
];

fn parameter_schema_keywords(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for (i, p) in params.iter_mut().enumerate() {
            let Some(p) = p.as_object_mut() else { continue };
            // A `$ref` parameter is a Reference Object, not a schema keyword.
            if p.contains_key("name") {
                let moved: Map<String, Value> = PARAMETER_SCHEMA_KEYWORDS
                    .iter()
                    .filter_map(|k| p.remove(*k).map(|v| (k.to_string(), v)))
                    .collect();
                if !moved.is_empty() {
                    p.insert("x-schema-keywords".into(), Value::Object(moved));
                    hits.push(format!("{ptr}/parameters/{i}"));
                }
            }
        }
    }
    hits
}

fn reserved_header_parameter(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        let mut i = 0;
        params.retain(|p| {
            let reserved = p.get("in").and_then(Value::as_str) == Some("header")
                && p.get("name").and_then(Value::as_str).is_some_and(|n| {
                    ["accept", "content-type", "authorization"]
                        .contains(&n.to_ascii_lowercase().as_str())
                });
            if reserved {
                hits.push(format!("{ptr}/parameters/{i}"));
            }
            i += 1;
            !reserved
        });
    }
    hits
}

fn items_on_non_array(node: &mut Map<String, Value>) -> bool {
    let ty = node.get("type").and_then(Value::as_str);
    if ty.is_none() || ty == Some("array") || !node.contains_key("items") {
        return false;
    }
    if let Some(items) = node.remove("items") {
        node.insert("x-ignored-items".into(), items);
    }
    true
}

fn array_without_items(node: &mut Map<String, Value>) -> bool {
    if node.get("type").and_then(Value::as_str) != Some("array") || node.contains_key("items") {
        return false;
    }
    node.insert("items".into(), Value::Object(Map::new()));
    true
}

fn empty_enum_member(node: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = node.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| {
            m.get("enum")
                .and_then(Value::as_array)
                .is_none_or(|e| !e.is_empty())
        });
        changed |= members.len() != before;
    }
    changed
}

fn redirect_download_without_body(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        if !responses.keys().any(|c| c.starts_with('3')) {
            continue;
        }
        for (code, resp) in responses.iter_mut() {
            let Some(resp) = resp.as_object_mut() else {
                continue;
            };
            if code.starts_with('2') && !resp.contains_key("content") {
                resp.insert(
                    "content".into(),
                    serde_json::json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
                );
                hits.push(format!("{ptr}/responses/{code}"));
            }
        }
    }
    hits
}

fn empty_allof_member(node: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(members)) = node.get_mut("allOf") else {
        return false;
    };
    let before = members.len();
    members.retain(|m| m.as_object().is_none_or(|o| !o.is_empty()));
    if members.len() == before {
        return false;
    }
    if members.is_empty() {
        node.remove("allOf");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Run one rule (by name) over a document holding `schema` as component
    /// `X`; return the rewritten schema and the pointers it fired at.
    fn run(rule: &str, schema: Value) -> (Value, Vec<String>) {
        let rule = RULES.iter().find(|r| r.name == rule).expect("rule exists");
        let mut doc =
            json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"X": schema}}});
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        let fired = report.fired.get(rule.name).cloned().unwrap_or_default();
        (doc["components"]["schemas"]["X"].take(), fired)
    }

    #[test]
    fn rule_names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.name), "duplicate rule {}", r.name);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
        }
    }

    #[test]
    fn drop_json_schema_ids() {
        let (s, fired) = run(
            "drop-json-schema-ids",
            json!({"$id": "x", "$schema": "y", "type": "object"}),
        );
        assert_eq!(s, json!({"type": "object"}));
        assert_eq!(fired, ["/components/schemas/X"]);
    }

    #[test]
    fn type_list_to_nullable() {
        let (s, fired) = run(
            "type-list-to-nullable",
            json!({"properties": {"a": {"type": ["string", "null"]}, "b": {"type": "string"}}}),
        );
        assert_eq!(
            s["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(s["properties"]["b"], json!({"type": "string"}));
        assert_eq!(fired, ["/components/schemas/X/properties/a"]);
    }

    #[test]
    fn null_union_member() {
        let (s, fired) = run(
            "null-union-member",
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}, {"$ref": "#/components/schemas/B"}]}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": true})
        );
        assert_eq!(fired.len(), 1);
        let (s, _) = run(
            "null-union-member",
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]}),
        );
        assert_eq!(s, json!({"allOf": [{"type": "string"}], "nullable": true}));
    }

    #[test]
    fn const_to_enum() {
        let (s, fired) = run("const-to-enum", json!({"type": "string", "const": "a"}));
        assert_eq!(s, json!({"type": "string", "enum": ["a"]}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn examples_to_example() {
        let (s, fired) = run(
            "examples-to-example",
            json!({"type": "string", "examples": ["a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "example": "a"}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn enum_type_from_values() {
        let (s, fired) = run(
            "enum-type-from-values",
            json!({"type": "object", "enum": ["a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a", "b"]}));
        assert_eq!(fired.len(), 1);
        let (_, fired) = run(
            "enum-type-from-values",
            json!({"type": "number", "enum": [1, 2]}),
        );
        assert!(fired.is_empty());
    }

    #[test]
    fn enum_on_array() {
        let (s, fired) = run(
            "enum-on-array",
            json!({"type": "array", "enum": ["a", "b"], "items": {"type": "string", "enum": ["a", "b"]}}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}})
        );
        assert_eq!(fired.len(), 1);
        let (s, _) = run(
            "enum-on-array",
            json!({"type": "array", "enum": ["a"], "items": {"type": "string"}}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "string", "enum": ["a"]}})
        );
    }

    #[test]
    fn dedup_enum_values() {
        let (s, fired) = run(
            "dedup-enum-values",
            json!({"type": "string", "enum": ["a", "b", "a", "b"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a", "b"]}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn enum_unnameable_values() {
        let (s, fired) = run(
            "enum-unnameable-values",
            json!({"type": "string", "enum": ["", "#", "*"]}),
        );
        assert_eq!(
            s,
            json!({"type": "string", "x-enum-values": ["", "#", "*"]})
        );
        assert_eq!(fired.len(), 1);
        let (s, fired) = run(
            "enum-unnameable-values",
            json!({"type": "string", "enum": ["a-b", "c"]}),
        );
        assert_eq!(s, json!({"type": "string", "enum": ["a-b", "c"]}));
        assert!(fired.is_empty());
        assert_eq!(variant_name("call.in-progress"), "CallInProgress");
        assert_eq!(variant_name("="), "X");
    }

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

    #[test]
    fn undeclared_path_parameter() {
        let rule = RULES
            .iter()
            .find(|r| r.name == "undeclared-path-parameter")
            .unwrap();
        let mut doc = json!({"paths": {"/a/{id}": {
            "get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]},
            "delete": {}
        }}});
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired[rule.name],
            ["/paths/~1a~1{id}/delete/parameters/0"]
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["delete"]["parameters"][0]["name"],
            "id"
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

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

    #[test]
    fn shared_inline_title() {
        let rule = RULES
            .iter()
            .find(|r| r.name == "shared-inline-title")
            .unwrap();
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
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
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

    #[test]
    fn inline_name_collision() {
        let rule = RULES
            .iter()
            .find(|r| r.name == "inline-name-collision")
            .unwrap();
        let mut doc = json!({"components": {"schemas": {
            "ToolCallResult": {"properties": {
                "message": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
                "other": {"type": "string"}
            }},
            "ToolCallResultMessage": {"type": "object"}
        }}});
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired[rule.name],
            ["/components/schemas/ToolCallResult/properties/message"]
        );
        assert_eq!(
            doc.pointer("/components/schemas/ToolCallResult/properties/message/title"),
            Some(&json!("ToolCallResultMessageInline"))
        );
    }

    fn run_document(rule: &str, mut doc: Value) -> (Value, Vec<String>) {
        let rule = RULES.iter().find(|r| r.name == rule).expect("rule exists");
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        (
            doc,
            report.fired.get(rule.name).cloned().unwrap_or_default(),
        )
    }

    #[test]
    fn parameter_schema_keywords() {
        let (doc, fired) = run_document(
            "parameter-schema-keywords",
            json!({"paths": {"/a": {"get": {"parameters": [
                {"name": "o", "in": "query", "allOf": [{"$ref": "#/components/schemas/O"}], "schema": {}},
                {"name": "p", "in": "query", "schema": {"type": "string"}}
            ]}}}}),
        );
        assert_eq!(fired, ["/paths/~1a/get/parameters/0"]);
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0],
            json!({"name": "o", "in": "query", "schema": {},
                   "x-schema-keywords": {"allOf": [{"$ref": "#/components/schemas/O"}]}})
        );
    }

    #[test]
    fn reserved_header_parameter() {
        let (doc, fired) = run_document(
            "reserved-header-parameter",
            json!({"paths": {"/a": {"post": {"parameters": [
                {"name": "Content-Type", "in": "header", "required": true, "schema": {"type": "string"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
            ]}}}}),
        );
        assert_eq!(fired, ["/paths/~1a/post/parameters/0"]);
        assert_eq!(
            doc["paths"]["/a"]["post"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn items_on_non_array() {
        let (s, fired) = run(
            "items-on-non-array",
            json!({"type": "object", "items": {"$ref": "#/components/schemas/F"}}),
        );
        assert_eq!(
            s,
            json!({"type": "object", "x-ignored-items": {"$ref": "#/components/schemas/F"}})
        );
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn array_without_items() {
        let (s, fired) = run("array-without-items", json!({"type": "array"}));
        assert_eq!(s, json!({"type": "array", "items": {}}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn empty_enum_member() {
        let (s, fired) = run(
            "empty-enum-member",
            json!({"oneOf": [{"type": "string", "enum": []}, {"type": "string"}]}),
        );
        assert_eq!(s, json!({"oneOf": [{"type": "string"}]}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn redirect_download_without_body() {
        let (doc, fired) = run_document(
            "redirect-download-without-body",
            json!({"paths": {"/f": {"get": {"responses": {"200": {"description": "ok"}, "302": {"description": "moved"}}}}}}),
        );
        assert_eq!(fired, ["/paths/~1f/get/responses/200"]);
        assert_eq!(
            doc.pointer(
                "/paths/~1f/get/responses/200/content/application~1octet-stream/schema/format"
            ),
            Some(&json!("binary"))
        );
    }

    #[test]
    fn empty_allof_member() {
        let (s, fired) = run(
            "empty-allof-member",
            json!({"allOf": [{}, {"type": "string"}]}),
        );
        assert_eq!(s, json!({"allOf": [{"type": "string"}]}));
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn visitor_reaches_parameters_bodies_and_responses() {
        let mut doc = json!({"paths": {"/a": {
            "parameters": [{"name": "p", "in": "query", "schema": {"const": 1}}],
            "post": {
                "parameters": [{"name": "q", "in": "query", "schema": {"const": 2}}],
                "requestBody": {"content": {"application/json": {"schema": {"const": 3}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"items": {"const": 4}}}}}}
            }
        }}});
        let rule = RULES.iter().find(|r| r.name == "const-to-enum").unwrap();
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired["const-to-enum"],
            [
                "/paths/~1a/parameters/0/schema",
                "/paths/~1a/post/parameters/0/schema",
                "/paths/~1a/post/requestBody/content/application~1json/schema",
                "/paths/~1a/post/responses/200/content/application~1json/schema/items",
            ]
        );
    }
}
