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

/// The fixture crates' hand-written `lib.rs` (`tests/fixture/crates/*`)
/// mirror the project crates': the same modules (included by `#[path]`
/// from the project crate) and the same re-exports, so the typed tests run
/// the SDK's runtime as users get it.
#[test]
fn fixture_crates_mirror_the_project_crates() {
    fn modules_and_uses(text: &str) -> (Vec<String>, Vec<String>) {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("//"))
            .collect();
        let mut modules: Vec<String> = lines
            .iter()
            .filter_map(|l| {
                let l = l.strip_prefix("pub ").unwrap_or(l);
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        let mut uses: Vec<String> = lines
            .iter()
            .filter(|l| l.starts_with("pub use "))
            .map(|l| (*l).to_string())
            .collect();
        modules.sort();
        uses.sort();
        (modules, uses)
    }
    for krate in ["cozmox-models", "cozmox-client"] {
        let read = |p: std::path::PathBuf| {
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        let project = read(root().join("crates").join(krate).join("src/lib.rs"));
        let fixture = read(
            root()
                .join("tests/fixture/crates")
                .join(krate)
                .join("src/lib.rs"),
        );
        assert_eq!(
            modules_and_uses(&fixture),
            modules_and_uses(&project),
            "tests/fixture/crates/{krate}/src/lib.rs no longer mirrors crates/{krate}/src/lib.rs"
        );
        for line in fixture.lines().filter(|l| l.starts_with("#[path")) {
            let raw = line.split('"').nth(1).unwrap_or_else(|| panic!("{line}"));
            // The crate's own generated code (`by_resource`), or the project
            // crate's hand-written modules.
            if raw.starts_with("generated/") {
                continue;
            }
            let path = raw.trim_start_matches("../").to_string();
            assert!(
                path.starts_with(&format!("crates/{krate}/src/")),
                "{krate}: {line} includes another crate's module"
            );
        }
    }
}

/// A crate that both a proc-macro (host) and the generator (target) use is
/// built once when its features agree on both sides, else twice, with all
/// that depends on it: on a fresh clone the generator's build compiled syn,
/// serde, serde_json, schemars and typify-impl twice (4m51s; 3m27s once the
/// generator's manifest turned the same features on both sides). `cargo
/// tree` lists each side's features; this fails, naming the packages, when
/// a dependency change makes them disagree again. (It sees the features
/// only: indexmap, built twice for a feature serde_json's host side lacked,
/// showed one set here.)
#[test]
fn the_generator_build_compiles_each_dependency_once() {
    let alone = features_in_tree(&["-p", "xtask", "-e", "normal,build"]);
    let twice: Vec<String> = alone
        .iter()
        .filter(|(_, features)| features.len() > 1)
        .map(|(package, features)| format!("{package}: {features:?}"))
        .collect();
    assert!(
        twice.is_empty(),
        "the generator's build would compile these twice, for the host and the target (and \
         what depends on them); turn the same features on in xtask/Cargo.toml's \
         `[dependencies]` and `[build-dependencies]` unification entries:\n{}",
        twice.join("\n")
    );
}

/// The features each package gets in a `cargo tree` of `args` (one set of
/// features per build of it: the host and target builds can differ).
fn features_in_tree(args: &[&str]) -> std::collections::BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .arg("tree")
        .args(args)
        .args(["--locked", "--offline", "--prefix", "none", "-f", "{p}|{f}"])
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((package, features)) = line.trim_end_matches(" (*)").split_once('|') else {
            continue;
        };
        let package = package.trim_end_matches(" (proc-macro)").trim().to_owned();
        // Workspace members print their path, which is the same in both.
        let features = features.trim_end_matches(" (*)").to_owned();
        let sets = map.entry(package).or_default();
        if !sets.contains(&features) {
            sets.push(features);
            sets.sort();
        }
    }
    map
}

/// `cargo xtask` builds the generator alone and `cargo xtask test` builds the
/// workspace; where the workspace turns more features of a shared dependency
/// on, the test build compiles it and everything above it again (on a fresh
/// clone that was serde, typify, progenitor and the generator: minutes). The
/// generator's manifest turns the same features on (its "feature
/// unification" entries); this fails when a dependency change makes the two
/// builds disagree again, and names the packages.
#[test]
fn the_generator_build_and_the_test_build_unify_the_same_features() {
    let alone = features_in_tree(&["-p", "xtask", "-e", "normal,build"]);
    let workspace = features_in_tree(&["--workspace", "-e", "normal,build,dev"]);
    let differing: Vec<String> = alone
        .iter()
        .filter(|(package, features)| {
            let built = workspace.get(*package);
            !features
                .iter()
                .all(|set| built.is_some_and(|sets| sets.contains(set)))
        })
        .map(|(package, features)| {
            format!(
                "{package}: alone {features:?}, in the workspace {:?}",
                workspace.get(package)
            )
        })
        .collect();
    assert!(
        differing.is_empty(),
        "the test build would compile these again (and what depends on them); turn the \
         workspace's features on in xtask/Cargo.toml's feature-unification entries:\n{}",
        differing.join("\n")
    );
}
