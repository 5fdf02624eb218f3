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

/// The crates' version carries the API version of the spec they were
/// generated from, as SemVer build metadata (`0.1.0+api.1.0`): importing a
/// new document and regenerating fails here until `Cargo.toml` says so.
#[test]
fn crate_version_carries_the_api_version() {
    let version = env!("CARGO_PKG_VERSION");
    let expected = xtask::spec::build_metadata(cozmox_models::API_VERSION);
    let (semver, metadata) = version.split_once('+').unwrap_or((version, ""));
    assert_eq!(
        metadata,
        expected,
        "the spec describes API version {:?}: set `version = \"{semver}+{expected}\"` in the root \
         Cargo.toml's [workspace.package] (and bump {semver} if the API changed; see the README's Releases)",
        cozmox_models::API_VERSION
    );
}
