//! One test per kind of change, on small hand-written documents.

use serde_json::{Value, json};

use super::*;

/// A document with one operation, `POST /x` (`x_create`): body `In`
/// (request side), answer `201` with `Out` (response side), plus `extra`
/// components.
fn api(request: Value, response: Value, extra: Value) -> Value {
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {
            "operationId": "x_create",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
            "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
        }}},
        "components": {"schemas": {"In": request, "Out": response}}
    });
    if let (Some(schemas), Some(extra)) = (
        doc.pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut),
        extra.as_object(),
    ) {
        schemas.extend(extra.clone());
    }
    doc
}

fn obj(props: Value) -> Value {
    json!({"type": "object", "properties": props})
}

fn obj_req(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required})
}

fn run(old: Value, new: Value) -> Report {
    diff_values(old, new, "old", "new")
}

/// The changes of `kind` (descriptions excluded unless asked for).
fn of(report: &Report, kind: Kind) -> Vec<Change> {
    report
        .changes()
        .filter(|c| c.kind == kind)
        .cloned()
        .collect()
}

/// The one change of `kind`.
fn one(report: &Report, kind: Kind) -> Change {
    let found = of(report, kind);
    assert_eq!(found.len(), 1, "{kind:?} in {report:#?}");
    found[0].clone()
}

fn s() -> Value {
    json!({"type": "string"})
}

#[test]
fn a_document_against_itself_is_empty_and_exits_0() {
    let doc = api(
        obj(json!({"a": s()})),
        obj_req(json!({"id": s()}), &["id"]),
        json!({}),
    );
    let report = run(doc.clone(), doc);
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.exit_code(), 0);
    assert!(
        report::markdown(&report, false).contains("**No breaking changes** · 0 compatible changes")
    );
}

#[test]
fn normalization_quirks_are_not_changes() {
    let old = api(
        obj(
            json!({"a": {"type": ["string", "null"]}, "b": {"enum": ["x", "x", "y"], "type": "string"}}),
        ),
        obj(json!({"c": {"oneOf": [{"$ref": "#/components/schemas/Leaf"}, {"type": "null"}]}})),
        json!({"Leaf": s()}),
    );
    let new = api(
        obj(
            json!({"a": {"type": "string", "nullable": true}, "b": {"enum": ["x", "y"], "type": "string"}}),
        ),
        obj(json!({"c": {"allOf": [{"$ref": "#/components/schemas/Leaf"}], "nullable": true}})),
        json!({"Leaf": s()}),
    );
    let report = run(old, new);
    assert!(report.is_empty(), "{report:#?}");
}

#[test]
fn optional_property_added_is_compatible_where_default_covers_it() {
    let old = api(obj(json!({"a": s()})), obj(json!({"a": s()})), json!({}));
    let new = api(
        obj(json!({"a": s(), "b": s()})),
        obj(json!({"a": s(), "b": s()})),
        json!({}),
    );
    let report = run(old, new);
    let added = of(&report, Kind::PropertyAdded);
    assert_eq!(added.len(), 2);
    for c in &added {
        assert_eq!(c.rust.impact, Impact::Compatible, "{c:#?}");
        assert_eq!(c.wire.impact, Impact::Compatible, "{c:#?}");
        assert_eq!(c.detail, "optional, `string`");
    }
    assert_eq!(added[0].location, "In.b");
    assert_eq!(added[0].pointer, "/components/schemas/In/properties/b");
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn optional_property_added_to_a_request_struct_without_default_is_compatible() {
    let old = api(
        obj_req(json!({"a": s()}), &["a"]),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj_req(json!({"a": s(), "b": s()}), &["a"]),
        obj(json!({})),
        json!({}),
    );
    // Structs are `#[non_exhaustive]` and built with `new` and setters
    // (pass `struct-constructors`): no literal names every field.
    let c = one(&run(old, new), Kind::PropertyAdded);
    assert_eq!(c.rust.impact, Impact::Compatible, "{c:#?}");
    assert!(c.rust.reason.contains("non_exhaustive"), "{c:#?}");
    assert_eq!(c.wire.impact, Impact::Compatible);
}

#[test]
fn required_property_added_breaks_new_and_requests_on_the_wire() {
    let old = api(
        obj(json!({"a": s()})),
        obj_req(json!({"id": s()}), &["id"]),
        json!({}),
    );
    let new = api(
        obj_req(json!({"a": s(), "b": s()}), &["b"]),
        obj_req(json!({"id": s(), "b": s()}), &["id", "b"]),
        json!({}),
    );
    let report = run(old, new);
    let added = of(&report, Kind::PropertyAdded);
    let (req, resp) = (&added[0], &added[1]);
    assert_eq!(
        (req.location.as_str(), resp.location.as_str()),
        ("In.b", "Out.b")
    );
    assert_eq!(req.rust.impact, Impact::Breaking);
    assert!(req.rust.reason.contains("loses `Default`"), "{req:#?}");
    assert_eq!(req.wire.impact, Impact::Breaking);
    // `new` takes it on either side (pass `struct-constructors`).
    assert_eq!(resp.rust.impact, Impact::Breaking, "{resp:#?}");
    assert!(resp.rust.reason.contains("`new`"), "{resp:#?}");
    assert_eq!(resp.wire.impact, Impact::Compatible);
    assert_eq!(report.exit_code(), 2);
}

#[test]
fn property_removed_breaks_rust_and_required_response_fields() {
    let old = api(
        obj(json!({"a": s(), "b": s()})),
        obj_req(json!({"id": s(), "opt": s(), "keep": s()}), &["id"]),
        json!({}),
    );
    let new = api(obj(json!({"a": s()})), obj(json!({"keep": s()})), json!({}));
    let report = run(old, new);
    let removed = of(&report, Kind::PropertyRemoved);
    assert_eq!(removed.len(), 3);
    assert!(removed.iter().all(|c| c.rust.impact == Impact::Breaking));
    let wire: Vec<(&str, Impact)> = removed
        .iter()
        .map(|c| (c.location.as_str(), c.wire.impact))
        .collect();
    assert_eq!(
        wire,
        [
            ("In.b", Impact::Breaking),
            ("Out.id", Impact::Breaking),
            ("Out.opt", Impact::Compatible)
        ]
    );
    assert_eq!(removed[0].pointer, "/components/schemas/In/properties/b");
}

#[test]
fn retyped_property_and_nested_items() {
    let old = api(
        obj(json!({"n": s(), "list": {"type": "array", "items": s()}, "at": s()})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(
            json!({"n": {"type": "integer"}, "list": {"type": "array", "items": {"type": "number"}},
                   "at": {"type": "string", "format": "date-time"}}),
        ),
        obj(json!({})),
        json!({}),
    );
    let report = run(old, new);
    let retyped = of(&report, Kind::Retyped);
    let got: Vec<(&str, &str)> = retyped
        .iter()
        .map(|c| (c.location.as_str(), c.detail.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("In.at", "`string` → `string (date-time)`"),
            ("In.list[]", "`string` → `number`"),
            ("In.n", "`string` → `integer`"),
        ]
    );
    assert!(retyped.iter().all(super::model::Change::is_breaking));
}

#[test]
fn ref_to_another_component_is_a_retype() {
    let extra = json!({"A": obj(json!({"x": s()})), "B": obj(json!({"x": s()}))});
    let old = api(
        obj(json!({"p": {"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"}})),
        obj(json!({})),
        extra.clone(),
    );
    let new = api(
        obj(json!({"p": {"$ref": "#/components/schemas/B"}})),
        obj(json!({})),
        extra,
    );
    let report = run(old, new);
    assert_eq!(one(&report, Kind::Retyped).detail, "`A` → `B`");
    assert_eq!(report.summary().descriptions, 1);
}

#[test]
fn requiredness_changes_classified_by_side() {
    let old = api(
        obj_req(json!({"a": s(), "b": s()}), &["b"]),
        obj_req(json!({"c": s(), "d": s()}), &["d"]),
        json!({}),
    );
    let new = api(
        obj_req(json!({"a": s(), "b": s()}), &["a"]),
        obj_req(json!({"c": s(), "d": s()}), &["c"]),
        json!({}),
    );
    let report = run(old, new);
    let got: Vec<(String, String, Impact, Impact)> = of(&report, Kind::RequiredChanged)
        .into_iter()
        .map(|c| (c.location, c.detail, c.rust.impact, c.wire.impact))
        .collect();
    use Impact::*;
    assert_eq!(
        got,
        [
            (
                "In.a".into(),
                "optional → required".into(),
                Breaking,
                Breaking
            ),
            (
                "In.b".into(),
                "required → optional".into(),
                Breaking,
                Compatible
            ),
            (
                "Out.c".into(),
                "optional → required".into(),
                Breaking,
                Compatible
            ),
            (
                "Out.d".into(),
                "required → optional".into(),
                Breaking,
                Breaking
            ),
        ]
    );
}

#[test]
fn enum_values_added_and_removed() {
    let e = |values: &[&str]| json!({"type": "string", "enum": values});
    let old = api(
        obj(json!({"mode": e(&["a", "b"])})),
        obj(json!({"status": e(&["active", "done"])})),
        json!({}),
    );
    let new = api(
        obj(json!({"mode": e(&["a", "c"])})),
        obj(json!({"status": e(&["active", "paused"])})),
        json!({}),
    );
    let report = run(old, new);
    let added = of(&report, Kind::EnumValueAdded);
    assert_eq!(added.len(), 2);
    for c in &added {
        assert_eq!(
            (c.rust.impact, c.wire.impact),
            (Impact::Compatible, Impact::Compatible)
        );
        assert!(c.rust.reason.contains("non_exhaustive"), "{c:#?}");
    }
    assert_eq!(added[1].detail, "`paused`");
    assert_eq!(
        added[1].pointer,
        "/components/schemas/Out/properties/status/enum"
    );
    let removed = of(&report, Kind::EnumValueRemoved);
    // Request side: old clients may still send it. Response side: the server
    // stops sending it; the variant is gone from the Rust enum either way.
    assert_eq!(removed[0].location, "In.mode");
    assert_eq!(removed[0].wire.impact, Impact::Breaking);
    assert_eq!(removed[1].location, "Out.status");
    assert_eq!(removed[1].wire.impact, Impact::Compatible);
    assert!(removed.iter().all(|c| c.rust.impact == Impact::Breaking));
}

#[test]
fn enum_values_without_rust_variants_change_only_the_wire() {
    // Values no variant can name are kept as a string (`x-enum-values`).
    let old = api(
        obj(json!({"op": {"type": "string", "enum": ["=", "!="]}})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(json!({"op": {"type": "string", "enum": ["=", "!=", "<"]}})),
        obj(json!({})),
        json!({}),
    );
    let c = one(&run(old, new), Kind::EnumValueAdded);
    assert_eq!(c.rust.impact, Impact::None);
    assert_eq!(
        c.pointer,
        "/components/schemas/In/properties/op/x-enum-values"
    );
}

#[test]
fn union_members_added_and_removed() {
    let member = |tag: &str| {
        obj_req(
            json!({"type": {"type": "string", "enum": [tag]}}),
            &["type"],
        )
    };
    let extra = json!({"A": member("a"), "B": member("b"), "C": member("c")});
    let union = |names: &[&str]| {
        let refs: Vec<Value> = names
            .iter()
            .map(|n| json!({"$ref": format!("#/components/schemas/{n}")}))
            .collect();
        json!({"oneOf": refs})
    };
    let old = api(
        obj(json!({"u": union(&["A", "B"])})),
        obj(json!({"u": union(&["A", "B"])})),
        extra.clone(),
    );
    let new = api(
        obj(json!({"u": union(&["A", "C"])})),
        obj(json!({"u": union(&["A", "C"])})),
        extra,
    );
    let report = run(old, new);
    let added = of(&report, Kind::UnionMemberAdded);
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|c| !c.is_breaking()));
    assert_eq!(added[0].location, "In.u::C");
    assert_eq!(
        added[0].pointer,
        "/components/schemas/In/properties/u/oneOf/1"
    );
    let removed = of(&report, Kind::UnionMemberRemoved);
    assert_eq!(
        removed.iter().map(|c| c.wire.impact).collect::<Vec<_>>(),
        [Impact::Breaking, Impact::Compatible]
    );
    assert!(removed.iter().all(|c| c.rust.impact == Impact::Breaking));
}

#[test]
fn inline_union_members_are_matched_and_compared() {
    let old = api(
        obj(json!({"v": {"oneOf": [{"type": "string", "maxLength": 10}, {"type": "number"}]}})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(
            json!({"v": {"oneOf": [{"type": "string", "maxLength": 5}, {"type": "number"}, {"type": "boolean"}]}}),
        ),
        obj(json!({})),
        json!({}),
    );
    let report = run(old, new);
    assert_eq!(
        one(&report, Kind::UnionMemberAdded).location,
        "In.v::boolean"
    );
    assert_eq!(
        one(&report, Kind::ConstraintTightened).location,
        "In.v::string"
    );
}

#[test]
fn constraints_tightened_and_loosened_by_side() {
    let old = api(
        obj(
            json!({"name": {"type": "string", "maxLength": 40}, "n": {"type": "number", "minimum": 1, "maximum": 10},
                   "tags": {"type": "array", "items": s(), "maxItems": 5}}),
        ),
        obj(json!({"name": {"type": "string", "maxLength": 40}})),
        json!({}),
    );
    let new = api(
        obj(
            json!({"name": {"type": "string", "maxLength": 20}, "n": {"type": "number", "minimum": 0, "maximum": 10},
                   "tags": {"type": "array", "items": s(), "maxItems": 3, "minItems": 1}}),
        ),
        obj(json!({"name": {"type": "string", "maxLength": 20}})),
        json!({}),
    );
    let report = run(old, new);
    let tight = of(&report, Kind::ConstraintTightened);
    let got: Vec<(&str, &str, Impact, Impact)> = tight
        .iter()
        .map(|c| {
            (
                c.location.as_str(),
                c.detail.as_str(),
                c.rust.impact,
                c.wire.impact,
            )
        })
        .collect();
    use Impact::*;
    assert_eq!(
        got,
        [
            ("In.name", "`maxLength` 40 → 20", RunTime, Breaking),
            ("In.tags", "`maxItems` 5 → 3", RunTime, Breaking),
            ("In.tags", "`minItems` none → 1", RunTime, Breaking),
            ("Out.name", "`maxLength` 40 → 20", Compatible, Compatible),
        ]
    );
    assert!(
        tight[0].rust.reason.contains("`Validate`"),
        "{:#?}",
        tight[0]
    );
    let loose = one(&report, Kind::ConstraintLoosened);
    assert_eq!(
        (loose.location.as_str(), loose.detail.as_str()),
        ("In.n", "`minimum` 1 → 0")
    );
    assert!(!loose.is_breaking());
}

#[test]
fn patterns_and_rust_types_picked_from_constraints() {
    let old = api(
        obj(
            json!({"a": s(), "b": {"type": "string", "pattern": "^a"}, "c": {"type": "string", "pattern": "^a"},
                   "i": {"type": "integer"}}),
        ),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(
            json!({"a": {"type": "string", "pattern": "^a"}, "b": {"type": "string", "pattern": "^b"}, "c": s(),
                   "i": {"type": "integer", "minimum": 0}}),
        ),
        obj(json!({})),
        json!({}),
    );
    let report = run(old, new);
    assert_eq!(
        of(&report, Kind::ConstraintTightened)
            .iter()
            .map(|c| c.location.as_str())
            .collect::<Vec<_>>(),
        ["In.a", "In.i"]
    );
    assert_eq!(one(&report, Kind::ConstraintChanged).location, "In.b");
    assert_eq!(one(&report, Kind::ConstraintLoosened).location, "In.c");
    let retyped: Vec<String> = of(&report, Kind::Retyped)
        .into_iter()
        .map(|c| format!("{}: {}", c.location, c.detail))
        .collect();
    assert_eq!(
        retyped,
        [
            "In.a: Rust type `String` → `a checked newtype` (typify picks it from the constraints)",
            "In.c: Rust type `a checked newtype` → `String` (typify picks it from the constraints)",
            "In.i: Rust type `i64` → `u64` (typify picks it from the constraints)",
        ]
    );
}

#[test]
fn nullable_changes() {
    let old = api(
        obj(json!({"a": s()})),
        obj_req(json!({"r": s(), "o": s()}), &["r"]),
        json!({}),
    );
    let new = api(
        obj(json!({"a": {"type": "string", "nullable": true}})),
        obj_req(
            json!({"r": {"type": "string", "nullable": true}, "o": {"type": "string", "nullable": true}}),
            &["r"],
        ),
        json!({}),
    );
    let report = run(old, new);
    let got: Vec<(String, Impact, Impact)> = of(&report, Kind::NullableChanged)
        .into_iter()
        .map(|c| (c.location, c.rust.impact, c.wire.impact))
        .collect();
    use Impact::*;
    assert_eq!(
        got,
        [
            ("In.a".into(), Breaking, Compatible),
            ("Out.o".into(), Breaking, Compatible),
            ("Out.r".into(), Breaking, Breaking),
        ]
    );
}

#[test]
fn inline_type_renamed_by_title() {
    let old = api(
        obj(json!({"o": {"type": "object", "title": "Old", "properties": {"x": s()}}})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(json!({"o": {"type": "object", "title": "New", "properties": {"x": s()}}})),
        obj(json!({})),
        json!({}),
    );
    let c = one(&run(old, new), Kind::InlineTypeRenamed);
    assert_eq!(c.detail, "generated type `Old` → `New`");
    assert_eq!(
        (c.rust.impact, c.wire.impact),
        (Impact::Breaking, Impact::None)
    );
}

#[test]
fn a_place_that_stops_sharing_its_type_keeps_its_name() {
    let status = |values: &[&str]| json!({"type": "string", "enum": values});
    let old = api(
        obj(json!({"status": status(&["a", "b"])})),
        obj(json!({"status": status(&["a", "b"])})),
        json!({}),
    );
    let new = api(
        obj(json!({"status": status(&["a", "b"])})),
        obj(json!({"status": status(&["a", "b", "c"])})),
        json!({}),
    );
    let report = run(old, new);
    // Both places shared `InStatus`; now each has its own type, under the
    // name it had (an alias before): no rename, a value added, and the
    // sharing change.
    assert!(
        of(&report, Kind::InlineTypeRenamed).is_empty(),
        "{report:#?}"
    );
    one(&report, Kind::EnumValueAdded);
    let shared = of(&report, Kind::SharedTypeChanged);
    assert_eq!(shared.len(), 2, "{report:#?}");
    let details: Vec<&str> = shared.iter().map(|c| c.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "generated type: shares `InStatus` → its own type; no longer the type of `OutStatus`",
            "generated type: shares `InStatus` → its own type; no longer the type of `InStatus`",
        ]
    );
    for c in &shared {
        assert_eq!(
            (c.rust.impact, c.wire.impact),
            (Impact::Breaking, Impact::None)
        );
    }
    // The other way round, places that start sharing: their names stay and
    // their fields and snapshots read the same, so no row.
    let report = run(
        api(
            obj(json!({"status": status(&["a", "b"])})),
            obj(json!({"status": status(&["a", "b", "c"])})),
            json!({}),
        ),
        api(
            obj(json!({"status": status(&["a", "b"])})),
            obj(json!({"status": status(&["a", "b"])})),
            json!({}),
        ),
    );
    assert!(
        of(&report, Kind::SharedTypeChanged).is_empty(),
        "{report:#?}"
    );
}

#[test]
fn default_changes_are_a_wire_note() {
    let old = api(
        obj(json!({"n": {"type": "number", "default": 1}})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(json!({"n": {"type": "number", "default": 2}})),
        obj(json!({})),
        json!({}),
    );
    let c = one(&run(old, new), Kind::DefaultChanged);
    assert_eq!(c.detail, "default 1 → 2");
    assert_eq!(
        (c.rust.impact, c.wire.impact),
        (Impact::None, Impact::Compatible)
    );
}

#[test]
fn a_component_used_both_ways_takes_the_worse_verdict() {
    let shared = json!({"Shared": obj(json!({"mode": {"type": "string", "enum": ["a", "b"]}}))});
    let uses = obj(json!({"s": {"$ref": "#/components/schemas/Shared"}}));
    let old = api(uses.clone(), uses.clone(), shared);
    let new = api(
        uses.clone(),
        uses,
        json!({"Shared": obj(json!({"mode": {"type": "string", "enum": ["a"]}}))}),
    );
    let report = run(old, new);
    assert_eq!(report.components[0].sides, Sides::BOTH);
    let c = one(&report, Kind::EnumValueRemoved);
    assert_eq!(c.wire.impact, Impact::Breaking);
    assert!(c.wire.reason.starts_with("in requests, "), "{c:#?}");
}

#[test]
fn a_component_no_operation_uses_counts_as_both_sides() {
    let old = api(
        obj(json!({})),
        obj(json!({})),
        json!({"Hook": obj(json!({"a": s(), "b": s()}))}),
    );
    let new = api(
        obj(json!({})),
        obj(json!({})),
        json!({"Hook": obj(json!({"b": s()}))}),
    );
    let report = run(old, new);
    assert_eq!(report.components[0].sides, Sides::default());
    let c = one(&report, Kind::PropertyRemoved);
    assert!(c.wire.reason.starts_with("in requests, "), "{c:#?}");
}

#[test]
fn components_added_and_removed() {
    let old = api(obj(json!({})), obj(json!({})), json!({"Gone": s()}));
    let new = api(obj(json!({})), obj(json!({})), json!({"Fresh": s()}));
    let report = run(old, new);
    let summary = report.summary();
    assert_eq!(
        (summary.components.added, summary.components.removed),
        (1, 1)
    );
    let removed = one(&report, Kind::ComponentRemoved);
    assert_eq!(removed.rust.impact, Impact::Breaking);
    assert_eq!(one(&report, Kind::ComponentAdded).location, "Fresh");
    assert_eq!(report.exit_code(), 2);
}

fn with_op(doc: &mut Value, path: &str, method: &str, op: Value) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        let item = paths.entry(path).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(method.to_string(), op);
        }
    }
}

#[test]
fn operations_added_removed_renamed_and_moved() {
    let base = api(obj(json!({})), obj(json!({})), json!({}));
    let ok = json!({"200": {"description": "ok"}});
    let mut old = base.clone();
    with_op(
        &mut old,
        "/gone",
        "delete",
        json!({"operationId": "gone", "responses": ok}),
    );
    with_op(
        &mut old,
        "/a",
        "get",
        json!({"operationId": "a_get", "responses": ok}),
    );
    with_op(
        &mut old,
        "/b",
        "get",
        json!({"operationId": "b_old", "responses": ok}),
    );
    let mut new = base;
    with_op(
        &mut new,
        "/fresh",
        "get",
        json!({"operationId": "fresh", "responses": ok}),
    );
    with_op(
        &mut new,
        "/a2",
        "get",
        json!({"operationId": "a_get", "responses": ok}),
    );
    with_op(
        &mut new,
        "/b",
        "get",
        json!({"operationId": "b_new", "responses": ok}),
    );
    let report = run(old, new);
    let summary = report.summary();
    assert_eq!(
        (
            summary.operations.added,
            summary.operations.removed,
            summary.operations.changed
        ),
        (1, 1, 2)
    );
    let renamed = one(&report, Kind::OperationRenamed);
    assert_eq!(renamed.detail, "operationId `b_old` → `b_new`");
    assert_eq!(
        (renamed.rust.impact, renamed.wire.impact),
        (Impact::Breaking, Impact::None)
    );
    let moved = one(&report, Kind::RouteChanged);
    assert_eq!(moved.detail, "`GET /a` → `GET /a2`");
    assert_eq!(
        (moved.rust.impact, moved.wire.impact),
        (Impact::Compatible, Impact::Breaking)
    );
    assert_eq!(
        one(&report, Kind::OperationRemoved).location,
        "DELETE /gone"
    );
    assert!(!one(&report, Kind::OperationAdded).is_breaking());
}

#[test]
fn parameters_bodies_and_responses() {
    let ok = |schema: Value| json!({"description": "ok", "content": {"application/json": {"schema": schema}}});
    let mut old = api(obj(json!({})), obj(json!({})), json!({}));
    with_op(
        &mut old,
        "/l",
        "get",
        json!({
            "operationId": "list",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "number", "maximum": 100}},
                {"name": "old", "in": "query", "schema": s()},
                {"name": "sort", "in": "query", "required": true, "schema": s()},
                {"name": "owner", "in": "query", "schema": s()},
                {"name": "since", "in": "query", "schema": s()}
            ],
            "responses": {"200": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Out"}}))}
        }),
    );
    with_op(
        &mut old,
        "/l",
        "put",
        json!({
            "operationId": "put", "responses": {"200": ok(json!({"$ref": "#/components/schemas/Out"}))}
        }),
    );
    let mut new = api(obj(json!({})), obj(json!({})), json!({}));
    with_op(
        &mut new,
        "/l",
        "get",
        json!({
            "operationId": "list",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "number", "maximum": 50}},
                {"name": "page", "in": "query", "schema": {"type": "number"}},
                {"name": "org", "in": "header", "required": true, "schema": s()},
                {"name": "sort", "in": "query", "schema": s()},
                {"name": "owner", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}}
            ],
            "responses": {
                "200": ok(json!({"$ref": "#/components/schemas/Out"})),
                "202": {"description": "accepted"},
                "404": {"description": "missing"}
            }
        }),
    );
    with_op(
        &mut new,
        "/l",
        "put",
        json!({
            "operationId": "put",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"x": s()}}}}},
            "responses": {
                "200": ok(json!({"$ref": "#/components/schemas/Out"})),
                "201": ok(json!({"$ref": "#/components/schemas/Out"}))
            }
        }),
    );
    let report = run(old, new);
    let rows: Vec<String> = report
        .operations
        .iter()
        .flat_map(|o| {
            o.changes.iter().map(move |c| {
                format!(
                    "{} {} [{}] {:?}/{:?}",
                    o.id,
                    c.location,
                    c.kind.as_str(),
                    c.rust.impact,
                    c.wire.impact
                )
            })
        })
        .collect();
    assert_eq!(
        rows,
        [
            "list header org [parameter-added] RunTime/Breaking",
            "list query limit [constraint-tightened] Compatible/Breaking",
            "list query old [parameter-removed] Breaking/Compatible",
            // `.owner("x")` still compiles (`Uuid: TryFrom<&str>`), fails at `send()`.
            "list query owner [retyped] RunTime/Breaking",
            // `.since("…")` no longer compiles (chrono has no `TryFrom<&str>`).
            "list query since [retyped] Breaking/Breaking",
            "list response [return-type-changed] Breaking/Breaking",
            "list response 202 [response-added] Compatible/Breaking",
            "list query page [parameter-added] Compatible/Compatible",
            "list query sort [required-changed] Compatible/Compatible",
            "list response 404 [response-added] Compatible/Compatible",
            "put body [request-body-added] RunTime/Breaking",
            // Same body type as the known success status: decoded by old clients.
            "put response 201 [response-added] Compatible/Compatible",
        ],
        "{report:#?}"
    );
}

#[test]
fn descriptions_are_counted_and_listed_only_when_verbose() {
    let old = api(
        obj(json!({"a": {"type": "string", "description": "old words"}})),
        obj(json!({})),
        json!({}),
    );
    let new = api(
        obj(json!({"a": {"type": "string", "description": "new words"}})),
        obj(json!({})),
        json!({}),
    );
    let report = run(old, new);
    let summary = report.summary();
    assert_eq!(
        (summary.descriptions, summary.compatible, summary.breaking),
        (1, 0, 0)
    );
    assert_eq!(summary.components.changed, 0);
    assert_eq!(report.exit_code(), 0);
    let quiet = report::markdown(&report, false);
    assert!(quiet.contains("1 description changed"), "{quiet}");
    assert!(!quiet.contains("old words"), "{quiet}");
    let verbose = report::markdown(&report, true);
    assert!(verbose.contains("“old words” → “new words”"), "{verbose}");
    let json: Value = serde_json::from_str(&report::json(&report, false).unwrap()).unwrap();
    assert_eq!(json["summary"]["descriptions"], 1);
    assert_eq!(json["components"], json!([]));
    let json: Value = serde_json::from_str(&report::json(&report, true).unwrap()).unwrap();
    assert_eq!(
        json["components"][0]["changes"][0]["kind"],
        "description-changed"
    );
}

#[test]
fn json_report_has_the_counts_and_verdicts() {
    let old = api(obj(json!({"a": s(), "b": s()})), obj(json!({})), json!({}));
    let new = api(obj(json!({"b": s()})), obj(json!({})), json!({}));
    let report = run(old, new);
    let json: Value = serde_json::from_str(&report::json(&report, false).unwrap()).unwrap();
    assert_eq!(json["breaking"], true);
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["summary"]["kinds"]["property-removed"], 1);
    let change = &json["components"][0]["changes"][0];
    assert_eq!(change["kind"], "property-removed");
    assert_eq!(change["rust"]["impact"], "breaking");
    assert_eq!(change["pointer"], "/components/schemas/In/properties/a");
    assert_eq!(
        json["components"][0]["sides"],
        json!({"request": true, "response": false})
    );
}

#[test]
fn markdown_cells_escape_pipes_and_backticks() {
    let e = |values: &[&str]| json!({"type": "string", "enum": values});
    let old = api(obj(json!({"m": e(&["a"])})), obj(json!({})), json!({}));
    let new = api(
        obj(json!({"m": e(&["a", "x|`y"])})),
        obj(json!({})),
        json!({}),
    );
    let md = report::markdown(&run(old, new), false);
    assert!(md.contains("x\\|`y"), "{md}");
}

#[test]
fn bad_input_does_not_panic() {
    for (old, new) in [
        (json!(null), json!([])),
        (
            json!({"paths": 1, "components": {"schemas": []}}),
            json!({"paths": {"/a": {"get": 1, "post": {"parameters": [1, {"$ref": "#/nowhere"}], "requestBody": {"$ref": "#/a/b"}, "responses": []}}}}),
        ),
        (
            json!({"components": {"schemas": {"A": {"properties": 3, "required": "x", "oneOf": {}}}}}),
            json!({"components": {"schemas": {"A": {"properties": {"x": 1}, "enum": 2, "items": true}}}}),
        ),
    ] {
        let report = run(old.clone(), new.clone());
        let _ = report::markdown(&report, true);
        let _ = run(new, old);
    }
}

#[test]
fn bodies_media_types_and_statuses_removed() {
    let body = |mimes: &[&str], required: bool| {
        let content: serde_json::Map<String, Value> = mimes
            .iter()
            .map(|m| {
                (
                    m.to_string(),
                    json!({"schema": {"$ref": "#/components/schemas/In"}}),
                )
            })
            .collect();
        json!({"required": required, "content": content})
    };
    let op = |body: Option<Value>, statuses: &[&str]| {
        let responses: serde_json::Map<String, Value> = statuses
            .iter()
            .map(|s| (s.to_string(), json!({"description": "d"})))
            .collect();
        let mut op = json!({"operationId": "up", "responses": responses});
        if let (Some(b), Some(o)) = (body, op.as_object_mut()) {
            o.insert("requestBody".into(), b);
        }
        op
    };
    let base = api(obj(json!({"a": s()})), obj(json!({"a": s()})), json!({}));
    let (mut old, mut new) = (base.clone(), base.clone());
    with_op(
        &mut old,
        "/u",
        "put",
        op(
            Some(body(&["application/json", "text/plain"], false)),
            &["200", "404"],
        ),
    );
    with_op(
        &mut new,
        "/u",
        "put",
        op(
            Some(body(&["application/json", "application/xml"], true)),
            &["200"],
        ),
    );
    with_op(
        &mut old,
        "/v",
        "put",
        json!({"operationId": "v", "requestBody": body(&["application/json"], true), "responses": {"204": {"description": "d"}}}),
    );
    with_op(
        &mut new,
        "/v",
        "put",
        json!({"operationId": "v", "responses": {"204": {"description": "d"}}}),
    );
    let report = run(old, new);
    let rows: Vec<String> = report
        .changes()
        .map(|c| {
            format!(
                "{} [{}] {:?}/{:?}",
                c.location,
                c.kind.as_str(),
                c.rust.impact,
                c.wire.impact
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "body [required-changed] RunTime/Breaking",
            "body text/plain [content-type-removed] Breaking/Breaking",
            "body application/xml [content-type-added] Compatible/Compatible",
            "response 404 [response-removed] Compatible/Compatible",
            "body [request-body-removed] Breaking/Compatible",
        ],
        "{report:#?}"
    );
}

#[test]
fn changelog_lines_put_breaking_changes_first_in_their_sections() {
    let old = api(
        obj(json!({"name": s(), "kind": {"type": "string", "enum": ["a", "b"]}})),
        obj(json!({"id": s()})),
        json!({}),
    );
    let new = api(
        obj(json!({"kind": {"type": "string", "enum": ["a", "b", "c"]}, "extra": s()})),
        obj(json!({"id": s(), "createdAt": s()})),
        json!({"Fresh": obj(json!({"x": s()}))}),
    );
    let text = report::changelog(&run(old, new));
    let sections: Vec<&str> = text.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(sections, ["### Changed (breaking)", "### Added"], "{text}");
    let breaking = text.split("### Added").next().expect("a breaking section");
    assert!(breaking.contains("`In.name`: property removed"), "{text}");
    assert!(breaking.contains("Rust API:"), "{text}");
    assert!(text.contains("`Fresh`: component added"), "{text}");
    assert!(text.contains("`Out.createdAt`: property added"), "{text}");
    // Nothing at all: says so.
    let same = api(obj(json!({"a": s()})), obj(json!({"b": s()})), json!({}));
    // An operation's change names the operation: `path id` alone is every
    // operation's.
    let op = |format: Option<&str>| {
        let mut id = json!({"type": "string"});
        if let Some(f) = format {
            id["format"] = json!(f);
        }
        let get = |op_id: &str| {
            json!({"get": {"operationId": op_id, "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": id.clone()}],
            "responses": {"204": {"description": ""}}}})
        };
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
            "/a/{id}": get("getA"), "/b/{id}": get("getB")}})
    };
    let text = report::changelog(&run(op(None), op(Some("uuid"))));
    assert!(text.contains("- `getA path id`: retyped"), "{text}");
    assert!(text.contains("- `getB path id`: retyped"), "{text}");
    assert_eq!(
        report::changelog(&run(same.clone(), same)),
        "No changes to the API (descriptions aside).\n"
    );
}

/// A download that starts or stops documenting a redirect changes what
/// `send()` returns (`ByteStream` ↔ `Download`, pass `unified-errors`).
#[test]
fn a_redirect_added_to_a_download_changes_its_return_type() {
    let op = |redirect: bool| {
        let mut responses = json!({"200": {"description": "", "content": {"application/octet-stream":
            {"schema": {"type": "string", "format": "binary"}}}}});
        if redirect {
            responses["302"] = json!({"description": "to the file"});
        }
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/f": {"get": {
            "operationId": "download", "responses": responses}}}})
    };
    let report = run(op(false), op(true));
    let c = one(&report, Kind::ReturnTypeChanged);
    assert_eq!(c.rust.impact, Impact::Breaking, "{c:#?}");
    assert!(c.detail.contains("`Download`"), "{c:#?}");
}

/// The SDK's names and pagination are data (the overrides' renames, the
/// pagination `infer-pagination` finds): when they change, the report says
/// so, as the Rust API changes with them.
#[test]
fn sdk_names_and_pagination_changes_are_reported() {
    let list = |params: Value| {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/thing": {"get": {
                "operationId": "ThingController_findAll",
                "parameters": params,
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                    {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}
            }}},
            "components": {"schemas": {"Thing": obj_req(
                json!({"id": s(), "createdAt": {"type": "string", "format": "date-time"}}),
                &["id", "createdAt"]
            )}}
        })
    };
    let limit = json!({"name": "limit", "in": "query", "schema": {"type": "integer"}});
    let bound = json!({"name": "createdAtLe", "in": "query",
                       "schema": {"type": "string", "format": "date-time"}});
    let old = list(json!([limit.clone()]));
    let mut new = list(json!([limit, bound]));
    new[crate::spec::OVERRIDES_KEY] = json!({"sdk": {
        "pagination": crate::spec::conventions::Conventions::defaults_value()["pagination"].clone(),
        "renames": {"operations": {"ThingController_findAll": {"method": "all", "reason": "r"}}}
    }});
    let report = run(old, new);
    let renamed = one(&report, Kind::SdkNameChanged);
    assert_eq!((renamed.old, renamed.new), (None, Some("all".to_string())));
    assert!(renamed.rust.impact.breaks());
    let paged = one(&report, Kind::PaginationChanged);
    assert_eq!(paged.rust.impact, Impact::Compatible);
    assert!(paged.new.unwrap().contains("time-cursor"));
}
