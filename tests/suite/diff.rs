//! `cargo xtask diff`: openapi/ against itself (and at `HEAD` against
//! itself, through git), a snapshot of the Markdown report on small
//! hand-written documents, and both directions between the two upstream
//! documents, with the counts checked against set differences computed
//! directly from their JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};
use xtask::commands::diff::{self, Kind, Report, Source, report};

use crate::common::{root, shared};

fn scratch() -> std::path::PathBuf {
    root().join("target/xtask-diff-tests")
}

#[test]
fn openapi_against_itself_is_empty() {
    let side = Source::Path(root().join("openapi"));
    let report = diff::diff_sources(&side, &side, &scratch()).expect("openapi/ loads");
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.exit_code(), 0);
    let md = report::markdown(&report, true);
    assert!(
        md.contains("**No breaking changes** · 0 compatible changes"),
        "{md}"
    );
    assert!(!md.contains("### "), "no sections in an empty report: {md}");
}

#[test]
fn openapi_at_head_through_git_against_itself_is_empty() {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "notice: no git repository with a HEAD at {}; skipping",
            root().display()
        );
        return;
    }
    let head = Source::Git {
        root: root(),
        rev: "HEAD".into(),
    };
    let report = diff::diff_sources(&head, &head, &scratch()).expect("openapi/ at HEAD loads");
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.old, "openapi/ at HEAD");
    // The scratch folder is removed after loading.
    let left: Vec<_> = std::fs::read_dir(scratch())
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");

    let err = diff::diff_sources(
        &Source::Git {
            root: root(),
            rev: "no-such-revision-anywhere".into(),
        },
        &head,
        &scratch(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no-such-revision-anywhere"),
        "{err}"
    );
}

/// A small sessions API, before and after a spec update that touches most
/// kinds of change.
fn sessions(new: bool) -> Value {
    let pick = |old: Value, newer: Value| if new { newer } else { old };
    let session_ref = json!({"$ref": "#/components/schemas/Session"});
    let ok = |schema: Value| json!({"description": "ok", "content": {"application/json": {"schema": schema}}});
    let mut paths = json!({
        "/session": {
            "post": {
                "operationId": "SessionController_create",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateSessionDTO"}}}},
                "responses": {"201": ok(session_ref.clone())}
            },
            "get": {
                "operationId": "SessionController_findAll",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": pick(json!(1000), json!(500))}},
                    {"name": pick(json!("page"), json!("cursor")), "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": ok(json!({"type": "array", "items": session_ref.clone()}))}
            }
        },
        "/session/{id}": {
            "get": {
                "operationId": "SessionController_findOne",
                "summary": pick(json!("Get a session"), json!("Get one session")),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok(session_ref.clone())}
            },
            "delete": {
                "operationId": pick(json!("SessionController_remove"), json!("SessionController_delete")),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok(session_ref.clone())}
            }
        }
    });
    if new && let Some(paths) = paths.as_object_mut() {
        paths.insert(
            "/session/{id}/transcript".into(),
            json!({"get": {
                "operationId": "SessionController_transcript",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok(json!({"$ref": "#/components/schemas/Transcript"}))}
            }}),
        );
    }
    let status = |values: Value| json!({"type": "string", "enum": values});
    let message = |role: &str| {
        json!({"type": "object", "required": ["role"], "properties": {
            "role": {"type": "string", "enum": [role]}, "text": {"type": "string"}}})
    };
    let members = |names: &[&str]| -> Value {
        names
            .iter()
            .map(|n| json!({"$ref": format!("#/components/schemas/{n}")}))
            .collect()
    };
    let mut schemas = json!({
        "CreateSessionDTO": {"type": "object", "properties": {
            "name": {"type": "string", "maxLength": pick(json!(40), json!(20)),
                     "description": pick(json!("The name."), json!("A name, at most 20 characters."))},
            "status": status(pick(json!(["active", "completed"]), json!(["active", "completed", "paused"]))),
            "expirationSeconds": {"type": "number", "minimum": pick(json!(60), json!(30))}
        }},
        "Session": {"type": "object", "required": pick(json!(["id"]), json!(["id", "orgId"])), "properties": {
            "id": {"type": "string"},
            "orgId": {"type": "string"},
            "status": status(pick(json!(["active", "completed"]), json!(["active", "paused"]))),
            "messages": {"type": "array", "items": {"oneOf": members(if new {
                &["UserMessage", "SystemMessage", "ToolMessage"]
            } else {
                &["UserMessage", "SystemMessage"]
            })}},
            "artifact": {"allOf": [{"$ref": "#/components/schemas/Artifact"}]}
        }},
        "Artifact": {"type": "object", "properties": {"url": {"type": "string"}}},
        "UserMessage": message("user"),
        "SystemMessage": message("system")
    });
    if new && let Some(s) = schemas.as_object_mut() {
        s.insert("ToolMessage".into(), message("tool"));
        s.insert(
            "Transcript".into(),
            json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        );
        if let Some(Value::Object(props)) =
            s.get_mut("Session").and_then(|v| v.get_mut("properties"))
        {
            props.remove("artifact");
            props.insert(
                "createdAt".into(),
                json!({"type": "string", "format": "date-time"}),
            );
        }
        s.remove("Artifact");
    }
    json!({"openapi": "3.0.3", "info": {"title": "sessions", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}})
}

#[test]
fn markdown_report_snapshot() {
    let report = diff::diff_values(sessions(false), sessions(true), "old.json", "new.json");
    assert_eq!(report.exit_code(), 2);
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s.set_description("cargo xtask diff old.json new.json (documents in tests/suite/diff.rs)");
    s.bind(|| insta::assert_snapshot!("diff_report", report::markdown(&report, false)));
}

// ---------------------------------------------------------------------------
// The upstream documents, checked against set differences of their JSON.

fn names(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn operation_ids(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.insert(id.to_string());
            }
        }
    }
    out
}

/// Counts computed directly from two documents' JSON, without the
/// normalizer or the comparison: set differences of names.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    components_added: usize,
    components_removed: usize,
    operations_added: usize,
    operations_removed: usize,
    /// Top-level properties of components in both, added / removed.
    properties_added: usize,
    properties_removed: usize,
    /// Top-level properties in both whose required-ness changed.
    required_changed: usize,
    /// Values of an `enum` right on a top-level (non-array) property.
    enum_added: usize,
    enum_removed: usize,
}

fn expected(old: &Value, new: &Value) -> Expected {
    let schemas = |d: &Value| {
        d.pointer("/components/schemas")
            .cloned()
            .unwrap_or(json!({}))
    };
    let (os, ns) = (schemas(old), schemas(new));
    let (on, nn) = (names(Some(&os)), names(Some(&ns)));
    let (oo, no) = (operation_ids(old), operation_ids(new));
    let mut e = Expected {
        components_added: nn.difference(&on).count(),
        components_removed: on.difference(&nn).count(),
        operations_added: no.difference(&oo).count(),
        operations_removed: oo.difference(&no).count(),
        ..Expected::default()
    };
    let required = |s: &Value| -> BTreeSet<String> {
        s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let values = |p: &Value| -> BTreeSet<String> {
        p["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    for name in on.intersection(&nn) {
        let (a, b) = (&os[name], &ns[name]);
        let (pa, pb) = (names(a.get("properties")), names(b.get("properties")));
        e.properties_added += pb.difference(&pa).count();
        e.properties_removed += pa.difference(&pb).count();
        let (ra, rb) = (required(a), required(b));
        for p in pa.intersection(&pb) {
            e.required_changed += usize::from(ra.contains(p) != rb.contains(p));
            let (x, y) = (&a["properties"][p], &b["properties"][p]);
            let is_enum = |s: &Value| s.get("enum").is_some() && s["type"] != "array";
            if is_enum(x) && is_enum(y) {
                let (vx, vy) = (values(x), values(y));
                e.enum_added += vy.difference(&vx).count();
                e.enum_removed += vx.difference(&vy).count();
            }
        }
    }
    e
}

/// The same counts, read from the report: changes of each kind at the
/// pointers the independent check looks at.
fn counted(report: &Report) -> Expected {
    let s = report.summary();
    let top_level_property = |c: &&diff::Change| {
        let parts: Vec<&str> = c.pointer.split('/').collect();
        parts.len() == 6 && parts[1] == "components" && parts[4] == "properties"
    };
    let enum_of_top_level_property = |c: &&diff::Change| {
        let parts: Vec<&str> = c.pointer.split('/').collect();
        parts.len() == 7
            && parts[1] == "components"
            && parts[4] == "properties"
            && matches!(parts[6], "enum" | "x-enum-values")
    };
    let count = |kind: Kind, at: &dyn Fn(&&diff::Change) -> bool| {
        report
            .changes()
            .filter(|c| c.kind == kind)
            .filter(at)
            .count()
    };
    Expected {
        components_added: s.components.added,
        components_removed: s.components.removed,
        operations_added: s.operations.added,
        operations_removed: s.operations.removed,
        properties_added: count(Kind::PropertyAdded, &top_level_property),
        properties_removed: count(Kind::PropertyRemoved, &top_level_property),
        required_changed: count(Kind::RequiredChanged, &top_level_property),
        enum_added: count(Kind::EnumValueAdded, &enum_of_top_level_property),
        enum_removed: count(Kind::EnumValueRemoved, &enum_of_top_level_property),
    }
}

fn upstream_docs() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let dir = shared()?.join("upstream");
    let mut docs: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .collect();
    docs.sort();
    match docs.as_slice() {
        [older, newer] => Some((older.clone(), newer.clone())),
        _ => None,
    }
}

fn load(path: &Path) -> Value {
    xtask::pipeline::load::read_json(path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
#[ignore = "full-scale tier: cargo xtask conformance"]
fn upstream_documents_both_directions() {
    let Some((older, newer)) = upstream_docs() else {
        eprintln!(
            "notice: ../shared/upstream/ with two documents is absent; skipping the upstream diff test"
        );
        return;
    };
    let (old, new) = (load(&older), load(&newer));
    let mut summaries = BTreeMap::new();
    for (label, a, b) in [("forward", &old, &new), ("back", &new, &old)] {
        let start = Instant::now();
        let report = diff::diff_values(a.clone(), b.clone(), "a", "b");
        let elapsed = start.elapsed();
        eprintln!(
            "diff {label}: {:.3} s (debug build, normalization included)",
            elapsed.as_secs_f64()
        );
        let md = report::markdown(&report, false);
        assert!(
            md.len() < 65_536,
            "{label}: the Markdown report must fit a PR description ({} bytes)",
            md.len()
        );
        assert_eq!(counted(&report), expected(a, b), "{label}");
        assert_eq!(report.exit_code(), 2, "{label}");
        summaries.insert(label, report.summary());
    }
    let (fwd, back) = (&summaries["forward"], &summaries["back"]);
    eprintln!(
        "forward: breaking {}, compatible {}, descriptions {}, rust {} (run time {}), wire {}; \
         back: breaking {}, compatible {}, rust {} (run time {}), wire {}",
        fwd.breaking,
        fwd.compatible,
        fwd.descriptions,
        fwd.rust_breaking,
        fwd.rust_run_time,
        fwd.wire_breaking,
        back.breaking,
        back.compatible,
        back.rust_breaking,
        back.rust_run_time,
        back.wire_breaking
    );
    // Figures of these two documents (2026-03-27 → 2026-05-22).
    assert_eq!((fwd.components.added, fwd.components.removed), (13, 10));
    assert_eq!((fwd.operations.added, fwd.operations.removed), (7, 0));
    assert_eq!(
        (fwd.kinds["property-added"], fwd.kinds["property-removed"]),
        (34, 2)
    );
    assert_eq!(
        (fwd.breaking, fwd.compatible, fwd.descriptions),
        (68, 249, 42)
    );
    // 84 Rust breaks before structs were `#[non_exhaustive]` with
    // constructors: the 16 optional properties added to request-side structs
    // without `Default` broke their literals, and no longer break anything
    // (2 such rows the other way round).
    assert_eq!((fwd.rust_breaking, fwd.wire_breaking), (68, 53));
    // Of the Rust breaks, those that compile and fail at run time: 35 path
    // `id`s that became `format: uuid`, a required query parameter added.
    assert_eq!(fwd.rust_run_time, 36);
    assert_eq!((back.breaking, back.compatible), (287, 28));
    assert_eq!((back.rust_breaking, back.wire_breaking), (286, 186));
    assert_eq!(back.rust_run_time, 1);
    // Places of shared inline types (normalization rule `shared-inline-type`)
    // are a row only where two places that both still exist stop sharing
    // (the Gladia transcribers' `languages`, which became arrays, forward);
    // places that start sharing keep their names, fields and snapshots.
    let shared = |s: &xtask::commands::diff::Summary| {
        s.kinds.get("shared-type-changed").copied().unwrap_or(0)
    };
    assert_eq!((shared(fwd), shared(back)), (2, 0));
    // Back: what was added is removed, and the other way round.
    assert_eq!(
        (back.components.added, back.components.removed),
        (fwd.components.removed, fwd.components.added)
    );
    assert_eq!(
        (back.operations.added, back.operations.removed),
        (fwd.operations.removed, fwd.operations.added)
    );
    for (a, b) in [
        ("property-added", "property-removed"),
        ("enum-value-added", "enum-value-removed"),
        ("union-member-added", "union-member-removed"),
        ("constraint-tightened", "constraint-loosened"),
    ] {
        let k = |s: &xtask::commands::diff::Summary, k: &str| s.kinds.get(k).copied().unwrap_or(0);
        assert_eq!((k(back, a), k(back, b)), (k(fwd, b), k(fwd, a)), "{a}/{b}");
    }
    assert_eq!(fwd.descriptions, back.descriptions);
    assert_eq!(fwd.kinds["retyped"], back.kinds["retyped"]);
}

/// The components of `a` and `b` whose snapshots differ.
fn changed_snapshots(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Every component snapshot that changes between the two upstream documents
/// is explained by the report: the component has rows, or it is a schema
/// lifted out of an operation (rule `inline-operation-schema`, which the
/// diff does not apply: it reports the operation) and that operation has
/// rows. Both directions; the count of unexplained snapshots is printed.
#[test]
#[ignore = "full-scale tier: cargo xtask conformance"]
fn the_report_explains_every_snapshot_change() {
    let Some((older, newer)) = upstream_docs() else {
        eprintln!(
            "notice: ../shared/upstream/ with two documents is absent; skipping the snapshot-explanation test"
        );
        return;
    };
    let (old, new) = (load(&older), load(&newer));
    let run = |doc: &Value| {
        xtask::pipeline::run(doc.clone(), &xtask::pipeline::Target::project()).expect("pipeline")
    };
    let (gen_old, gen_new) = (run(&old), run(&new));
    let (snap_old, snap_new) = (
        gen_old.components().expect("splits"),
        gen_new.components().expect("splits"),
    );
    // The operations that reference each component after the pipeline's
    // normalization (which lifts inline operation schemas into components).
    let users = |doc: &Value| -> BTreeMap<String, BTreeSet<String>> {
        let mut doc = doc.clone();
        xtask::pipeline::normalize::normalize(&mut doc);
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, v)| v)
        {
            for op in item.as_object().into_iter().flatten().map(|(_, v)| v) {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let text = op.to_string();
                for name in text.split("#/components/schemas/").skip(1) {
                    if let Some(name) = name.split('"').next() {
                        out.entry(name.to_string())
                            .or_default()
                            .insert(id.to_string());
                    }
                }
            }
        }
        out
    };
    let (users_old, users_new) = (users(&old), users(&new));
    for (from, to, label) in [(&old, &new, "older → newer"), (&new, &old, "newer → older")] {
        let report = diff::diff_values(from.clone(), to.clone(), "old", "new");
        let rows: BTreeSet<&str> = report
            .components
            .iter()
            .map(|c| c.name.as_str())
            .chain(report.operations.iter().map(|o| o.id.as_str()))
            .collect();
        let mut diffed = from.clone();
        diff::normalize(&mut diffed);
        let in_diff = |name: &str| diffed["components"]["schemas"].get(name).is_some();
        let changed = changed_snapshots(&snap_old, &snap_new);
        let unexplained: Vec<&String> = changed
            .iter()
            .filter(|c| {
                if rows.contains(c.as_str()) {
                    return false;
                }
                // Lifted from operations: explained by their rows.
                let lifted_by: BTreeSet<&String> = users_old
                    .get(*c)
                    .into_iter()
                    .chain(users_new.get(*c))
                    .flatten()
                    .collect();
                in_diff(c) || !lifted_by.iter().any(|op| rows.contains(op.as_str()))
            })
            .collect();
        eprintln!(
            "{label}: {} component snapshots change, {} of them unexplained by the report",
            changed.len(),
            unexplained.len()
        );
        assert!(
            unexplained.is_empty(),
            "{label}: snapshots that change without a report row: {unexplained:?}"
        );
    }
}
