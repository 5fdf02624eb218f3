//! One insta snapshot per component (the Rust generated for it) and one per
//! operation, so a one-field change in openapi/ is a one-snapshot diff.
//! Review with `cargo insta review`; CI runs with `--unreferenced=reject`.
//! The client's typed httpmock helpers (`generated/httpmock.rs`) have no
//! snapshots: `fresh` keeps the committed file exact and CI runs the
//! `typed_mock` example against it.

use crate::common::generated;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn component_snapshots() {
    let components = generated().components().expect("splits");
    settings().bind(|| {
        insta::glob!("../../openapi/schemas", "*.json", |path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name");
            let code = components
                .get(name)
                .unwrap_or_else(|| panic!("no Rust generated for component {name}"));
            insta::assert_snapshot!("component", code);
        });
        // Components normalization adds (schemas declared inline in an
        // operation, rule `inline-operation-schema`): named like the others,
        // with no file behind them.
        let files = std::fs::read_dir(crate::common::root().join("openapi/schemas"))
            .expect("openapi/schemas")
            .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
            .collect::<std::collections::BTreeSet<_>>();
        for (name, code) in components.iter().filter(|(n, _)| !files.contains(*n)) {
            let mut s = insta::Settings::clone_current();
            s.set_snapshot_suffix(format!("{name}.json"));
            s.set_description("declared inline in an operation; lifted by normalization");
            s.bind(|| insta::assert_snapshot!("component", code));
        }
    });
}

#[test]
fn operation_snapshots() {
    let g = generated();
    settings().bind(|| {
        for (id, code) in &g.operations().expect("splits") {
            let (method, path) = &g.operation_routes[id];
            let mut s = insta::Settings::clone_current();
            s.set_snapshot_suffix(id.as_str());
            s.set_description(format!("{method} {path}"));
            s.bind(|| insta::assert_snapshot!("operation", code));
        }
    });
}

/// What each resource's cargo feature compiles (stage `features`): the
/// component and operation snapshots leave the gates out.
#[test]
fn features_snapshot() {
    let g = generated();
    settings().bind(|| insta::assert_snapshot!("features", g.gates.summary()));
}

/// The resource layer (`generated/resources.rs`): one handle per resource,
/// one method per operation.
#[test]
fn resource_layer_snapshot() {
    let g = generated();
    let path = g
        .files
        .keys()
        .find(|p| p.ends_with("resources.rs"))
        .expect("the pipeline writes resources.rs");
    let code = &g.files[path];
    let body = code
        .split_once("\n\n")
        .map_or(code.as_str(), |(_, rest)| rest);
    settings().bind(|| insta::assert_snapshot!("resources", body));
}
