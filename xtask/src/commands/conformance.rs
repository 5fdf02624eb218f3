//! `cargo xtask conformance DOC.json…`: import → generate (into a temporary
//! standalone workspace) → `cargo check` of its crates and examples (among
//! them `resources`, one call of every resource method), its doc tests (one
//! compiled example per resource handle; the vendor's code fences are text)
//! and `cargo doc` with warnings denied, for each document; a line per
//! document and a total.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::Error;
use crate::commands::import;
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
/// dependencies build once).
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

/// Check each document; fail if any fails.
pub fn run(root: &Path, docs: &[PathBuf]) -> Result<(), Error> {
    let target_dir = root.join("target/conformance");
    let mut failed = 0;
    for (i, doc) in docs.iter().enumerate() {
        let work =
            std::env::temp_dir().join(format!("cozmox-conformance-{}-{i}", std::process::id()));
        let result = check_document(doc, &work, &target_dir);
        println!("{}", line(&result));
        if result.outcome.is_err() {
            failed += 1;
        } else {
            let _ = std::fs::remove_dir_all(&work);
        }
    }
    println!(
        "conformance: {} passed, {failed} failed",
        docs.len() - failed
    );
    if failed > 0 {
        return Err(Error::new(format!(
            "{failed} document(s) failed conformance"
        )));
    }
    Ok(())
}
