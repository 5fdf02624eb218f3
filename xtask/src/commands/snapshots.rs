//! `cargo xtask snapshots [--accept]`: the review loop after a spec change.
//! Regenerates (which also deletes the snapshots of components and
//! operations the spec no longer has), then runs the snapshot tests of the
//! test crate and of the generator (`cargo insta test`, which `cargo insta
//! test` at the root would miss: the test crate is not a default member).
//! Without `--accept`, each changed snapshot is written beside the old one
//! as `.snap.new`, to review with `cargo insta review --workspace`; with
//! `--accept`, the new snapshots replace the old ones.

use std::path::Path;

use crate::Error;

/// The folders of the snapshot files, relative to the root.
pub const SNAPSHOT_DIRS: [&str; 2] = ["tests/snapshots", "xtask/tests/snapshots"];

/// The tests that assert snapshots (test-name filters for `cargo test`):
/// the per-component and per-operation snapshots and the resource layer
/// (`snapshots::`), the diff report, the generator's pass fixtures.
pub const SNAPSHOT_TESTS: &[&str] = &[
    "snapshots::",
    "diff::markdown_report_snapshot",
    "every_pass_before_and_after",
    "operations_progenitor_cannot_express",
];

/// The `cargo insta test` arguments: the test targets of the whole
/// workspace (the crates with snapshots are the test crate and the
/// generator; selecting the workspace, as `cargo xtask test` does, keeps
/// cargo's feature unification the same, so the test command that follows
/// reuses this build instead of compiling the dependencies again), and
/// `--accept` or not.
pub fn insta_args(accept: bool) -> Vec<&'static str> {
    let mut args = vec!["insta", "test", "--workspace", "--tests"];
    if accept {
        args.push("--accept");
    }
    args.push("--");
    args.extend(SNAPSHOT_TESTS);
    args
}

/// Regenerate, then write (or accept) the snapshots that changed.
pub fn run(root: &Path, accept: bool) -> Result<(), Error> {
    super::test::ensure_cargo_insta()?;
    super::generate::run(root, false, None, None, false)?;
    // Pending snapshots of an earlier run go first: what is pending after
    // this one is what this run wrote (and old files cannot excuse a
    // failure of this run).
    for old in pending(root) {
        let _ = std::fs::remove_file(root.join(old));
    }
    let status = super::cargo()
        .args(insta_args(accept))
        .current_dir(root)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo insta: {e}")))?;
    let pending = pending(root);
    if accept {
        println!("snapshots: accepted; commit them with the generated code");
    } else if pending.is_empty() {
        println!("snapshots: none changed");
    } else {
        println!(
            "snapshots: {} changed, written as .snap.new:",
            pending.len()
        );
        for p in &pending {
            println!("  {p}");
        }
        println!(
            "review them with `cargo insta review --workspace`, or accept all with `cargo xtask snapshots --accept`"
        );
    }
    if status.success() || (!accept && !pending.is_empty()) {
        Ok(())
    } else {
        Err(Error::new("the snapshot tests failed (see above)"))
    }
}

/// The pending snapshots (`.snap.new`) under the test crate and the
/// generator's tests.
pub fn pending(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in SNAPSHOT_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".snap.new") {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_and_every_snapshot_test_are_covered() {
        let args = insta_args(false).join(" ");
        assert!(
            args.starts_with("insta test --workspace --tests -- snapshots::"),
            "{args}"
        );
        assert!(insta_args(true).contains(&"--accept"));
        // Every file that asserts snapshots has its tests in the filters.
        let root = super::super::test::workspace_root();
        for (file, test) in [
            ("tests/suite/snapshots.rs", "snapshots::"),
            ("tests/suite/diff.rs", "markdown_report_snapshot"),
            ("xtask/tests/passes.rs", "every_pass_before_and_after"),
            (
                "xtask/tests/passes.rs",
                "operations_progenitor_cannot_express",
            ),
        ] {
            let text = std::fs::read_to_string(root.join(file)).expect(file);
            assert!(text.contains("assert_snapshot!"), "{file}");
            assert!(SNAPSHOT_TESTS.iter().any(|t| t.contains(test)), "{test}");
            // The filter names a test that exists (or the module holding them).
            let defined = match test.strip_suffix("::") {
                Some(module) => file.ends_with(&format!("{module}.rs")),
                None => text.contains(&format!("fn {test}()")),
            };
            assert!(defined, "{file} has no test `{test}`");
        }
        let mut asserting = Vec::new();
        let mut dirs: Vec<std::path::PathBuf> = ["tests/suite", "xtask/tests", "xtask/src"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).expect("a folder").flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .contains(concat!("insta::", "assert_snapshot!"))
                {
                    asserting.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        asserting.sort();
        assert_eq!(asserting, ["diff.rs", "passes.rs", "snapshots.rs"]);
    }
}
