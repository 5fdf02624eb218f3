//! The committed generated code is exactly what the pipeline produces now.

use crate::common::{generated, root};

#[test]
fn committed_generated_code_is_fresh() {
    let g = generated();
    let outcome = xtask::pipeline::emit::ensure_files(&root(), &g.owned_dirs, &g.files, true)
        .expect("check runs");
    assert!(
        outcome.changes.is_empty(),
        "generated code is stale; run `cargo xtask generate` and commit the result:\n{}",
        outcome.diff
    );
}

#[test]
fn generation_is_deterministic() {
    let again =
        xtask::pipeline::run_path(&root().join("openapi"), &xtask::pipeline::Target::project())
            .expect("pipeline");
    assert_eq!(again.files, generated().files);
}
