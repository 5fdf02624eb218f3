//! Before/after fixtures of every pass, and of the client stage's
//! operations progenitor cannot express: the pipeline runs on
//! `fixtures/passes.json` (a small document with a shape for each pass), and
//! each pass's snapshot is the diff of the file it edits, before → after.
//! Every pass must change something here, so each snapshot shows it at work.

use std::path::Path;

use similar::TextDiff;
use xtask::pipeline::passes::{self, Edits, PASSES};
use xtask::pipeline::{self, Target};

fn fixture() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/passes.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("JSON")
}

fn text(cx: &passes::Ctx<'_>, edits: Edits) -> String {
    prettyplease::unparse(match edits {
        Edits::Models => &cx.models,
        Edits::Client => &cx.client,
        Edits::Httpmock => &cx.httpmock,
    })
}

#[test]
fn every_pass_before_and_after() {
    let target = Target::standalone();
    let pipeline::Raw { inputs, files } = pipeline::raw(fixture(), &target).expect("raw");
    let mut cx = inputs.ctx(&target, files);
    let mut idle = Vec::new();
    for pass in PASSES {
        let before = text(&cx, pass.edits);
        let changed = (pass.run)(&mut cx).unwrap_or_else(|e| panic!("{}: {e}", pass.name));
        let after = text(&cx, pass.edits);
        if changed == 0 || before == after {
            idle.push(pass.name);
            continue;
        }
        let diff = TextDiff::from_lines(&before, &after)
            .unified_diff()
            .context_radius(2)
            .header("before", "after")
            .to_string();
        insta::assert_snapshot!(format!("pass@{}", pass.name), diff);
    }
    assert!(
        idle.is_empty(),
        "passes that changed nothing in the fixture (give it a shape for them): {idle:?}"
    );
}

#[test]
fn operations_progenitor_cannot_express() {
    let target = Target::standalone();
    let raw = pipeline::raw(fixture(), &target).expect("raw");
    let mut ops: Vec<String> = raw
        .inputs
        .manual
        .iter()
        .map(|op| format!("{} {} {}: {}", op.id, op.method, op.path, op.reason))
        .collect();
    ops.sort();
    let code = pipeline::client::manual_operations(&raw.inputs.manual).expect("manual operations");
    let file: syn::File = syn::parse2(code).expect("parses");
    insta::assert_snapshot!(
        "client@manual-operations",
        format!("{}\n\n{}", ops.join("\n"), prettyplease::unparse(&file))
    );
}
