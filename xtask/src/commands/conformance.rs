//! `cargo xtask conformance [--maintainer-loop [--in-place]] DOC.json…`: the
//! full-scale tier, which CI runs after the README's test command. First the
//! suite's tests over whole vendor documents (`#[ignore]`d in `cargo xtask
//! test`, which stays fast: the upstream property, instance, diff and import
//! tests; they read `../shared/upstream/` and skip with a notice without it).
//! Then, for each document: import → generate (into a temporary standalone
//! workspace) → `cargo check` of its crates and examples (among them
//! `every_method`, one call of every resource method), its doc tests (one
//! compiled example per resource handle; the vendor's code fences are text)
//! and `cargo doc` with warnings denied. With `--maintainer-loop`, also the
//! maintainer's loop ([`super::maintainer_loop`]: `cargo xtask update`, accepting the
//! snapshots, the README's test command, `cargo doc`), each step timed: in a
//! scratch copy of this workspace after each document, or with `--in-place`
//! (CI) in this workspace, instead of the standalone checks, which it
//! covers but for the standalone scaffold ([`WithLoop::InPlace`]). A line
//! per document and part, and a total.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::Error;
use crate::commands::{import, maintainer_loop};
use crate::pipeline::{self, Target, emit, load};

/// The result for one document.
#[derive(Debug)]
pub struct DocResult {
    /// The document's path.
    pub doc: PathBuf,
    /// Components in it.
    pub schemas: usize,
    /// Operations in it.
    pub operations: usize,
    /// Normalization rules fired (`name×count, …`).
    pub rules: String,
    /// `Ok` or the first failure.
    pub outcome: Result<(), String>,
    /// Seconds for import + generate, and for `cargo check`.
    pub generate_secs: f64,
    /// Seconds for `cargo check`.
    pub check_secs: f64,
}

/// Import `doc` into `work/openapi`, generate a standalone workspace into
/// `work/ws`, and `cargo check` it with `target_dir` (shared between runs so
/// dependencies build once): its libraries and examples (the `every_method`
/// example calls every resource method), its doc tests and `cargo doc`.
pub fn check_document(doc: &Path, work: &Path, target_dir: &Path) -> DocResult {
    let mut result = DocResult {
        doc: doc.to_path_buf(),
        schemas: 0,
        operations: 0,
        rules: String::new(),
        outcome: Ok(()),
        generate_secs: 0.0,
        check_secs: 0.0,
    };
    let start = Instant::now();
    let generated = (|| -> Result<pipeline::Generated, Error> {
        let original = load::read_json(doc)?;
        let spec_dir = work.join("openapi");
        let _ = std::fs::remove_dir_all(&spec_dir);
        emit::ensure_files(
            &spec_dir,
            &[PathBuf::from(load::SCHEMAS_DIR)],
            &import::split(&original)?,
            false,
        )?;
        let loaded = load::load(&spec_dir)?;
        if loaded.doc != original {
            return Err(Error::new(
                "import followed by assembly did not give back the document",
            ));
        }
        let generated = pipeline::run(loaded.doc, &Target::standalone())?;
        emit::ensure_files(
            &work.join("ws"),
            &generated.owned_dirs,
            &generated.files,
            false,
        )?;
        Ok(generated)
    })();
    result.generate_secs = start.elapsed().as_secs_f64();
    let generated = match generated {
        Ok(g) => g,
        Err(e) => {
            result.outcome = Err(e.to_string());
            return result;
        }
    };
    result.schemas = generated.schema_count();
    result.operations = generated.operation_routes.len();
    result.rules = generated.report.summary();

    let start = Instant::now();
    let out = crate::commands::cargo()
        .args([
            "check",
            "--quiet",
            "--workspace",
            "--lib",
            "--examples",
            "--message-format=short",
        ])
        .current_dir(work.join("ws"))
        .env("CARGO_TARGET_DIR", target_dir)
        .output();
    // The doc tests (the compiled example in each resource handle's docs;
    // no code fence of the vendor's descriptions is taken for Rust), then
    // the docs themselves, warnings denied.
    let out = match out {
        Ok(o) if o.status.success() => crate::commands::cargo()
            .args(["test", "--quiet", "--doc", "--workspace"])
            .current_dir(work.join("ws"))
            .env("CARGO_TARGET_DIR", target_dir)
            .output(),
        other => other,
    };
    let out = match out {
        Ok(o) if o.status.success() => crate::commands::cargo()
            .args(["doc", "--quiet", "--no-deps", "--workspace"])
            .current_dir(work.join("ws"))
            .env("CARGO_TARGET_DIR", target_dir)
            .env("RUSTDOCFLAGS", "-D warnings")
            .output(),
        other => other,
    };
    result.check_secs = start.elapsed().as_secs_f64();
    result.outcome = match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => {
            // The doc tests report on stdout, cargo check on stderr.
            let output = format!(
                "{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            let errors: Vec<&str> = output
                .lines()
                .filter(|l| l.contains("error") || l.contains("FAILED"))
                .take(10)
                .collect();
            Err(format!(
                "cargo check, the doc tests or cargo doc failed:\n{}",
                errors.join("\n")
            ))
        }
        Err(e) => Err(format!("cannot run cargo: {e}")),
    };
    result
}

/// One line per document.
pub fn line(r: &DocResult) -> String {
    let status = match &r.outcome {
        Ok(()) => "pass".to_string(),
        Err(e) => format!("FAIL: {e}"),
    };
    format!(
        "{}: {} schemas, {} operations, rules fired: {}; generate {:.2} s, cargo check + doc tests + doc {:.1} s: {status}",
        r.doc.display(),
        r.schemas,
        r.operations,
        r.rules,
        r.generate_secs,
        r.check_secs
    )
}

/// The maintainer's loop on each document, one after the other (in a
/// scratch copy, or with `in_place` in this workspace); fail if one fails.
pub fn maintainer_loops(root: &Path, docs: &[PathBuf], in_place: bool) -> Result<(), Error> {
    let mut failed = 0;
    let place = if in_place {
        maintainer_loop::Place::InPlace
    } else {
        maintainer_loop::Place::ScratchCopy
    };
    if in_place {
        maintainer_loop::require_clean_tree(root)?;
    }
    for (i, doc) in docs.iter().enumerate() {
        println!("maintainer-loop: {}", doc.display());
        let result = maintainer_loop::run(root, doc, place, i == 0);
        println!("{}", result.line());
        failed += usize::from(result.outcome.is_err());
        if failed > 0 {
            break;
        }
    }
    if in_place && failed == 0 {
        maintainer_loop::restore_tree(root)?;
    }
    if failed > 0 {
        return Err(Error::new(format!(
            "the maintainer's loop failed on {failed} of {} document(s)",
            docs.len()
        )));
    }
    Ok(())
}

/// The suite's full-scale test the maintainer's loop covers when it runs in
/// place: it builds a standalone workspace per document to round-trip
/// instances of `Session`'s closure, which the loop's `cargo xtask test` does
/// for every component of the document, in this workspace.
const COVERED_BY_THE_LOOP: &str =
    "properties::upstream_session_closure_round_trips_through_the_decode_example";

/// Which maintainer's loop [`run`] runs after its other parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithLoop {
    /// None.
    No,
    /// In a scratch copy, after each document's checks.
    ScratchCopy,
    /// In this workspace, for all documents, after the suite's full-scale
    /// tests (CI): what the loop covers is left to it (the suite's upstream
    /// round trip of `Session`'s closure, and the standalone checks).
    InPlace,
}

/// Run the suite's full-scale tests, then check each document (and run the
/// maintainer's loop on it, see [`WithLoop`]); fail if anything fails.
pub fn run(root: &Path, docs: &[PathBuf], with_loop: WithLoop) -> Result<(), Error> {
    let start = Instant::now();
    let in_place = with_loop == WithLoop::InPlace;
    if in_place {
        // Before the full-scale tests' minutes, not after them.
        maintainer_loop::require_clean_tree(root)?;
    }
    let mut args = vec!["test", "--workspace", "--test", "suite", "--", "--ignored"];
    if in_place {
        args.extend(["--skip", COVERED_BY_THE_LOOP]);
    }
    let status = crate::commands::cargo()
        // `--workspace` (the suite is the test crate's): the features cargo
        // unifies are those of `cargo xtask test`, whose build this reuses.
        .args(&args)
        .current_dir(root)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
    println!(
        "conformance: the suite's full-scale tests {} in {:.1} s",
        if status.success() { "passed" } else { "FAILED" },
        start.elapsed().as_secs_f64()
    );
    let mut parts = 1;
    let mut failed = usize::from(!status.success());
    if in_place {
        // In place (CI), the loop's steps check the same documents in this
        // workspace (the client's `every_method` example among them): the
        // standalone checks would repeat them, at about two minutes a
        // document that CI's 45 do not have; what only they check (that
        // the standalone scaffold builds) runs without `--in-place`.
        println!(
            "conformance: the standalone checks are left to `cargo xtask conformance` without --in-place"
        );
        parts += 1;
        if let Err(e) = maintainer_loops(root, docs, true) {
            println!("conformance: {e}");
            failed += 1;
        }
    } else {
        let target_dir = root.join("target/conformance");
        for (i, doc) in docs.iter().enumerate() {
            let work =
                std::env::temp_dir().join(format!("cozmox-conformance-{}-{i}", std::process::id()));
            let result = check_document(doc, &work, &target_dir);
            println!("{}", line(&result));
            parts += 1;
            if result.outcome.is_err() {
                failed += 1;
            } else {
                let _ = std::fs::remove_dir_all(&work);
            }
            if with_loop == WithLoop::ScratchCopy {
                println!("conformance: the maintainer's loop on {}", doc.display());
                let result =
                    maintainer_loop::run(root, doc, maintainer_loop::Place::ScratchCopy, i == 0);
                println!("{}", result.line());
                parts += 1;
                failed += usize::from(result.outcome.is_err());
            }
        }
    }
    println!(
        "conformance: {} of {parts} parts passed in {:.1} s",
        parts - failed,
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        return Err(Error::new(format!(
            "{failed} part(s) of conformance failed"
        )));
    }
    Ok(())
}
