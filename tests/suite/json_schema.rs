//! Schema round trip: for every component, the JSON Schema schemars derives
//! from the generated type describes what the source schema in openapi/
//! describes (as normalized; see `sources`): the same properties, the same required set, the same enum
//! values, the same union members, recursively through inline schemas. This
//! proves the generator lost nothing on the way to Rust.

use std::collections::{BTreeMap, BTreeSet};

use cozmox_models::with_component;
use serde_json::Value;

use crate::common::root;

fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

struct Compare<'a> {
    sources: &'a BTreeMap<String, Value>,
    derived_root: &'a Value,
    problems: Vec<String>,
    /// Properties, enums and union members compared.
    checked: usize,
}

impl<'a> Compare<'a> {
    /// Follow `$ref`s into the derived document's `$defs`, and see through
    /// `Option`'s null branch.
    fn derived(&self, mut d: &'a Value) -> &'a Value {
        for _ in 0..8 {
            if let Some(r) = d.get("$ref").and_then(Value::as_str) {
                match r
                    .strip_prefix("#/$defs/")
                    .and_then(|n| self.derived_root.get("$defs")?.get(n))
                {
                    Some(t) => {
                        d = t;
                        continue;
                    }
                    None if r == "#" => {
                        d = self.derived_root;
                        continue;
                    }
                    None => return d,
                }
            }
            let branches = d
                .get("anyOf")
                .or_else(|| d.get("oneOf"))
                .and_then(Value::as_array);
            if let Some(b) = branches {
                let not_null: Vec<&Value> = b.iter().filter(|m| !is_null(m)).collect();
                if not_null.len() == 1 && b.len() == 2 {
                    d = not_null[0];
                    continue;
                }
            }
            return d;
        }
        d
    }

    /// The source schema, with `$ref`s to components followed.
    fn source(&self, mut s: &'a Value) -> &'a Value {
        for _ in 0..8 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|n| self.sources.get(n))
            {
                Some(t) => s = t,
                None => return s,
            }
        }
        s
    }

    fn source_properties(
        &self,
        s: &'a Value,
        out: &mut BTreeMap<String, &'a Value>,
        required: &mut BTreeSet<String>,
    ) {
        let s = self.source(s);
        if let Some(p) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                out.entry(k.clone()).or_insert(v);
            }
        }
        if let Some(r) = s.get("required").and_then(Value::as_array) {
            required.extend(r.iter().filter_map(Value::as_str).map(String::from));
        }
        for m in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.source_properties(m, out, required);
        }
    }

    fn compare(&mut self, src: &'a Value, derived: &'a Value, path: &str, depth: usize) {
        if depth > 6 {
            return;
        }
        // A reference to another component: that one is compared on its own.
        if src.get("$ref").is_some() && depth > 0 {
            return;
        }
        let d = self.derived(derived);
        let s = self.source(src);
        let mut props = BTreeMap::new();
        let mut required = BTreeSet::new();
        self.source_properties(s, &mut props, &mut required);
        if !props.is_empty() {
            let got: BTreeMap<&String, &'a Value> = d
                .get("properties")
                .and_then(Value::as_object)
                .map(|m| m.iter().collect())
                .unwrap_or_default();
            let want: BTreeSet<&String> = props.keys().collect();
            let have: BTreeSet<&String> = got.keys().copied().collect();
            if want != have {
                self.problems.push(format!(
                    "{path}: properties differ: missing {:?}, extra {:?}",
                    want.difference(&have).collect::<Vec<_>>(),
                    have.difference(&want).collect::<Vec<_>>()
                ));
            }
            let have_required: BTreeSet<String> = d
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let want_required: BTreeSet<String> = required
                .into_iter()
                .filter(|r| props.contains_key(r))
                .collect();
            if want_required != have_required {
                self.problems.push(format!(
                    "{path}: required differs: spec {want_required:?}, Rust {have_required:?}"
                ));
            }
            self.checked += props.len();
            for (k, sp) in &props {
                if let Some(dp) = got.get(k).copied() {
                    self.compare(sp, dp, &format!("{path}.{k}"), depth + 1);
                }
            }
            return;
        }
        // Values normalization moved to `x-enum-values` (numbers, rule
        // `number-enum-values`; strings no variant can name,
        // `enum-unnameable-values`) are the values of an open type too.
        let values = s.get("enum").or_else(|| s.get("x-enum-values"));
        if let Some(values) = values.and_then(Value::as_array) {
            let want: BTreeSet<String> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(enum_text)
                .collect();
            let have: BTreeSet<String> = enum_values(d).into_iter().collect();
            if want != have {
                self.problems.push(format!(
                    "{path}: enum differs: spec {want:?}, Rust {have:?}"
                ));
            }
            return;
        }
        if let Some(items) = s.get("items") {
            match d.get("items") {
                Some(di) => self.compare(items, di, &format!("{path}[]"), depth + 1),
                None => self.problems.push(format!("{path}: not an array in Rust")),
            }
            return;
        }
        let members = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array);
        if let Some(members) = members {
            let members: Vec<&'a Value> = members.iter().filter(|m| !is_null(m)).collect();
            let have: Vec<&'a Value> = d
                .get("anyOf")
                .or_else(|| d.get("oneOf"))
                .and_then(Value::as_array)
                .map(|b| b.iter().filter(|m| !is_null(m)).collect())
                .unwrap_or_default();
            // One member: the union is that member.
            if members.len() == 1 && have.is_empty() {
                self.compare(members[0], d, path, depth + 1);
                return;
            }
            if members.len() != have.len() {
                self.problems.push(format!(
                    "{path}: {} union members in the spec, {} in Rust",
                    members.len(),
                    have.len()
                ));
                return;
            }
            self.checked += members.len();
            for (i, (sm, dm)) in members.iter().zip(have).enumerate() {
                self.compare(sm, dm, &format!("{path}<{i}>"), depth + 1);
            }
        }
    }
}

fn is_null(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null") || v.get("const") == Some(&Value::Null)
}

/// An enum value as compared: its JSON, numbers by value (`1` is `1.0`).
fn enum_text(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Enum values of a derived schema (an `enum`, or `oneOf` of `const`s).
fn enum_values(d: &Value) -> Vec<String> {
    if let Some(e) = d.get("enum").and_then(Value::as_array) {
        return e.iter().filter(|v| !v.is_null()).map(enum_text).collect();
    }
    if let Some(c) = d.get("const") {
        return vec![enum_text(c)];
    }
    d.get("oneOf")
        .or_else(|| d.get("anyOf"))
        .and_then(Value::as_array)
        .map(|b| b.iter().flat_map(enum_values).collect())
        .unwrap_or_default()
}

/// Compare every component of `sources` with the schema `derived` gives
/// for it; (differences, things compared).
pub fn compare_all(
    sources: &BTreeMap<String, Value>,
    derived: impl Fn(&str) -> Option<Value>,
) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, source) in sources {
        let Some(derived) = derived(name) else {
            problems.push(format!("{name}: no Rust type"));
            continue;
        };
        let mut c = Compare {
            sources,
            derived_root: &derived,
            problems: Vec::new(),
            checked: 0,
        };
        c.compare(source, &derived, name, 0);
        problems.extend(c.problems);
        checked += c.checked;
    }
    (problems, checked)
}

fn this_crate(name: &str) -> Option<Value> {
    with_component!(name, schema_of())
}

/// The components of openapi/ as the generator reads them: after the
/// normalization rules, which reinterpret vendor quirks that mean something
/// else (or nothing) as written: `enum` on an array lists its items' values
/// (`enum-on-array`), `items` on an object is ignored (`items-on-non-array`),
/// a union member with `enum: []` matches nothing (`empty-enum-member`); the
/// values of a number `enum` are in `x-enum-values` (`number-enum-values`),
/// compared as an `enum`.
/// Each rule has its own tests, and `generate` reports where it fired; the
/// rest of the rules keep the meaning (order, names, descriptions).
fn sources() -> BTreeMap<String, Value> {
    let mut doc = xtask::pipeline::load::load(&root().join("openapi"))
        .expect("openapi/ loads")
        .doc;
    xtask::pipeline::normalize::normalize(&mut doc);
    let schemas = doc["components"]["schemas"].take();
    serde_json::from_value(schemas).expect("components.schemas is an object")
}

#[test]
fn derived_schemas_describe_the_source_schemas() {
    let (problems, checked) = compare_all(&sources(), this_crate);
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("{checked} properties, enum and union members compared");
    assert!(checked > 500, "only {checked} things compared");
}

/// The tests' own spec and crate (`tests/fixture/`), for the test of the
/// comparison itself, which edits components it names.
fn fixture_crate(name: &str) -> Option<Value> {
    fixture_models::with_component!(name, schema_of())
}

fn fixture_sources() -> BTreeMap<String, Value> {
    crate::instances::load_schema_dir(&root().join("tests/fixture/openapi/schemas"))
        .expect("tests/fixture/openapi/schemas loads")
}

/// The comparison sees a property, a required flag, an enum value and a
/// union member the Rust types don't have (on the fixture, whose
/// components it names).
#[test]
fn the_comparison_catches_what_the_types_lost() {
    let base = fixture_sources();
    assert!(compare_all(&base, fixture_crate).0.is_empty());
    let tamper = |name: &str, pointer: &str, f: &dyn Fn(&mut Value)| -> Vec<String> {
        let mut s = base.clone();
        let target = s
            .get_mut(name)
            .and_then(|c| c.pointer_mut(pointer))
            .unwrap_or_else(|| panic!("{name}{pointer} exists"));
        f(target);
        compare_all(&s, fixture_crate).0
    };
    let p = tamper("Session", "/properties", &|p| {
        p["extraProperty"] = serde_json::json!({"type": "string"});
    });
    assert!(
        p.iter().any(|p| p.contains("missing [\"extraProperty\"]")),
        "{p:?}"
    );
    let p = tamper("Session", "/required", &|r| {
        r.as_array_mut().expect("array").push("name".into());
    });
    assert!(
        p.iter().any(|p| p.starts_with("Session: required differs")),
        "{p:?}"
    );
    let p = tamper("Session", "/properties/status/enum", &|e| {
        e.as_array_mut().expect("array").push("paused".into());
    });
    assert!(
        p.iter()
            .any(|p| p.starts_with("Session.status: enum differs")),
        "{p:?}"
    );
    let p = tamper("Model", "/oneOf", &|m| {
        m.as_array_mut()
            .expect("array")
            .push(serde_json::json!({"$ref": "#/components/schemas/Server"}));
    });
    assert!(
        p.iter().any(|p| p.contains("union members in the spec")),
        "{p:?}"
    );
}
