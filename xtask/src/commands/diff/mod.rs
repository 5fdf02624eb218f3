//! `cargo xtask diff OLD NEW`: what changed in the API between two versions
//! of the spec, and whether it breaks users, ready for a pull request.
//!
//! Both sides are loaded like `generate` loads them ([`crate::pipeline::load`]: a
//! document or an `openapi/`-style folder; `--git REV` reads `openapi/` at a
//! revision) and normalized ([`crate::pipeline::normalize`]), so quirks the generator
//! already smooths over do not show up as changes. Then [`compare`] walks
//! operations (by `operationId`) and components (by name) and classifies
//! every change twice:
//!
//! - **Rust API**: does code written against the old generated SDK still
//!   compile and behave (a removed field, a new required field, a type change,
//!   a tightened constraint that `Validate` now rejects)?
//! - **wire**: do clients built from the old document still work against a
//!   server that follows the new one? Whether a component is request-side,
//!   response-side or both comes from reachability ([`sides`]), which decides
//!   e.g. whether a removed enum value is breaking (requests) or not
//!   (responses).
//!
//! [`report`] renders Markdown or JSON; the exit code is 0 when nothing is
//! breaking, 2 when something is (1 on error). The rules are
//! `docs/diff-classification.md`, the specification of this code.

pub mod compare;
pub mod git;
pub mod model;
pub mod report;
pub mod sides;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

pub use model::{
    Change, ComponentDiff, Counts, Impact, Kind, OperationDiff, Report, Sides, Status, Summary,
    Verdict,
};
pub use report::Format;

use crate::Error;
use crate::pipeline::{load, normalize};

/// Where a `--git` side is written before it is loaded, relative to the root.
pub const SCRATCH_DIR: &str = "target/xtask-diff";

/// Normalize a document for comparison: every rule but
/// `inline-operation-schema`. The diff compares an operation with the schemas
/// declared inline in it; lifted into components, each change of such a
/// schema (a new query enum, a new union member) would be reported twice, as
/// the operation's and as a component's.
///
/// The SDK's view of each operation (its `x-cozmox-sdk`: renames, the
/// pagination inferred) is taken from the fully normalized document, as
/// `generate` sees it: a list answer declared inline pages once it is lifted
/// into a component, which this comparison does not do.
pub fn normalize(doc: &mut Value) -> normalize::Report {
    use crate::spec::conventions::SDK_EXTENSION;
    let mut full = doc.clone();
    normalize::normalize(&mut full);
    let report = normalize::normalize_except(
        doc,
        &[crate::pipeline::normalize::rules::inline_operation_schema::RULE.name],
    );
    let sdk: std::collections::BTreeMap<String, Value> = crate::spec::operations(&full)
        .filter_map(|op| Some((op.pointer(), op.node.get(SDK_EXTENSION)?.clone())))
        .collect();
    for (path, method, op) in crate::spec::operations_mut(doc) {
        let pointer = crate::spec::operation_pointer(&path, &method);
        match sdk.get(&pointer) {
            Some(extension) => {
                op.insert(SDK_EXTENSION.to_string(), extension.clone());
            }
            None => {
                op.remove(SDK_EXTENSION);
            }
        }
    }
    report
}

/// Compare two assembled documents, after normalizing both. The labels say
/// where each came from, for the report.
pub fn diff_values(mut old: Value, mut new: Value, old_label: &str, new_label: &str) -> Report {
    normalize(&mut old);
    normalize(&mut new);
    diff_normalized(&old, &new, old_label, new_label)
}

/// Compare two documents that are already normalized.
pub fn diff_normalized(old: &Value, new: &Value, old_label: &str, new_label: &str) -> Report {
    let (operations, components) = compare::compare(old, new);
    Report {
        old: old_label.to_string(),
        new: new_label.to_string(),
        operations,
        components,
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An OpenAPI document or an `openapi/`-style folder.
    Path(PathBuf),
    /// `openapi/` at a git revision of the repository at `root`.
    Git {
        /// The repository's top folder.
        root: PathBuf,
        /// A revision (`HEAD`, `main`, a commit id…).
        rev: String,
    },
}

impl Source {
    /// How the report names it.
    pub fn label(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Git { rev, .. } => format!("openapi/ at {rev}"),
        }
    }

    /// Load the assembled document. A git revision is written into a scratch
    /// folder under `scratch` first (removed afterwards), then loaded from there.
    pub fn load(&self, scratch: &Path) -> Result<Value, Error> {
        match self {
            Source::Path(p) => Ok(load::load(p)?.doc),
            Source::Git { root, rev } => {
                static COUNT: AtomicUsize = AtomicUsize::new(0);
                let dir = scratch.join(format!(
                    "git-{}-{}-{}",
                    std::process::id(),
                    COUNT.fetch_add(1, Ordering::Relaxed),
                    rev.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                ));
                let loaded = git::checkout_openapi(root, rev, &dir)
                    .and_then(|openapi| Ok(load::load(&openapi)?.doc));
                let _ = std::fs::remove_dir_all(&dir);
                loaded.map_err(|e| Error {
                    message: format!("{} (openapi/ at {rev})", e.message),
                    ..e
                })
            }
        }
    }
}

/// Load and normalize both sides, the old one on a thread of its own (most
/// of the time goes into these two steps). `scratch` holds the temporary
/// folders of `--git` sides (e.g. `target/xtask-diff`).
pub fn load_both(old: &Source, new: &Source, scratch: &Path) -> Result<(Value, Value), Error> {
    let normalized = |source: &Source| {
        source.load(scratch).map(|mut doc| {
            normalize(&mut doc);
            doc
        })
    };
    std::thread::scope(|s| {
        let old_side = s.spawn(|| normalized(old));
        let new_doc = normalized(new);
        let old_doc = old_side
            .join()
            .map_err(|_| Error::new("loading the old side panicked"))?;
        Ok((old_doc?, new_doc?))
    })
}

/// Load both sides, normalize them and compare them.
pub fn diff_sources(old: &Source, new: &Source, scratch: &Path) -> Result<Report, Error> {
    let (old_doc, new_doc) = load_both(old, new, scratch)?;
    Ok(diff_normalized(
        &old_doc,
        &new_doc,
        &old.label(),
        &new.label(),
    ))
}

#[cfg(test)]
mod tests;

/// Output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Markdown, ready to paste into a pull request.
    Markdown,
    /// JSON, for tools.
    Json,
    /// Lines for CHANGELOG.md (Keep a Changelog sections, breaking first).
    Changelog,
}

/// `diff`: print the report; exit 0 (nothing breaking), 2 (something is) or
/// 1 (error).
pub fn command(
    root: &Path,
    docs: Vec<PathBuf>,
    git: Option<String>,
    format: DiffFormat,
    verbose: bool,
) -> ExitCode {
    let sides = match (git, docs.as_slice()) {
        (Some(rev), []) => Ok((
            Source::Git {
                root: root.to_path_buf(),
                rev,
            },
            Source::Path(root.join("openapi")),
        )),
        (Some(rev), [new]) => Ok((
            Source::Git {
                root: root.to_path_buf(),
                rev,
            },
            Source::Path(new.clone()),
        )),
        (None, [old, new]) => Ok((Source::Path(old.clone()), Source::Path(new.clone()))),
        (Some(_), _) => Err(Error::new(
            "with --git REV, give at most one document: the new side (default: openapi/)",
        )),
        (None, _) => Err(Error::new(
            "give two documents, OLD and NEW (or --git REV to compare openapi/ at REV with the working tree)",
        )),
    };
    let format = match format {
        DiffFormat::Markdown => Format::Markdown,
        DiffFormat::Json => Format::Json,
        DiffFormat::Changelog => Format::Changelog,
    };
    let working_tree = Source::Path(root.join("openapi"));
    let result = sides.and_then(|(old, new)| {
        let start = Instant::now();
        let scratch = root.join(SCRATCH_DIR);
        let (old_doc, new_doc) = load_both(&old, &new, &scratch)?;
        let loaded = start.elapsed();
        let new_label = if new == working_tree {
            "openapi/ (working tree)".to_string()
        } else {
            new.label()
        };
        let report = diff_normalized(&old_doc, &new_doc, &old.label(), &new_label);
        let compared = start.elapsed();
        let text = report::render(&report, format, verbose)?;
        if verbose {
            eprintln!(
                "diff: load and normalize (both sides at once) {:.3} s, compare {:.3} s, report {:.3} s",
                loaded.as_secs_f64(),
                (compared - loaded).as_secs_f64(),
                (start.elapsed() - compared).as_secs_f64()
            );
        }
        Ok((report.exit_code(), text))
    });
    match result {
        Ok((code, text)) => {
            // A closed pipe (`| head`) is not an error of the diff.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
