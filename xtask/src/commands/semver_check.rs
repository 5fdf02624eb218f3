//! `cargo xtask semver-check OLD NEW`: an independent check of the Rust
//! verdicts of [`crate::commands::diff`].
//!
//! Both documents are generated into standalone workspaces
//! (`target/semver-check/{old,new}`, as `generate --out` writes them), and
//! [cargo-semver-checks](https://crates.io/crates/cargo-semver-checks)
//! (pinned at [`CARGO_SEMVER_CHECKS_VERSION`], installed when missing)
//! compares the generated crates' public APIs. Each item it reports is mapped
//! to the spec place it was generated from (a component or an operation, by
//! typify's and progenitor's naming), and the result is set beside the diff's
//! Rust-breaking changes:
//!
//! - **agree**: semver-checks breaks an item, and the diff has a Rust-breaking
//!   change at its place;
//! - **missed by the diff**: semver-checks breaks an item the diff calls
//!   compatible (or does not list): a bug of the diff, to be fixed;
//! - **not seen by semver-checks**: the diff breaks a place semver-checks
//!   finds nothing at. Expected for what an API comparison cannot see:
//!   constraints `Validate` now rejects, changes behind type aliases, wire
//!   behaviour, type changes that still compile for some uses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;
use crate::commands::diff::{self, Report};
use crate::pipeline::{self, Target};
use crate::pipeline::{emit, load};

/// The cargo-semver-checks version the cross-check runs with.
pub const CARGO_SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// One item cargo-semver-checks reports as broken.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The lint that failed (`struct_missing`, `enum_variant_added`…).
    pub lint: String,
    /// The item as semver-checks describes it.
    pub item: String,
    /// The Rust type the item belongs to, when one can be read from it.
    pub type_name: Option<String>,
}

/// Read the failures out of cargo-semver-checks' human output: each
/// `--- failure LINT: … ---` block lists its items after `Failed in:`.
pub fn parse_findings(output: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut lint: Option<String> = None;
    let mut in_items = false;
    for line in output.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_owned);
            in_items = false;
        } else if trimmed == "Failed in:" {
            in_items = lint.is_some();
        } else if trimmed.is_empty() || trimmed.starts_with("---") {
            if trimmed.starts_with("---") {
                lint = None;
            }
            in_items = false;
        } else if in_items && let Some(lint) = &lint {
            findings.push(Finding {
                lint: lint.clone(),
                item: trimmed.to_owned(),
                type_name: type_of_item(trimmed),
            });
        }
    }
    findings.sort();
    findings.dedup();
    findings
}

/// The Rust type an item description is about: the first `Crate::Type` or
/// `Type::member` path in it whose type segment is in PascalCase
/// (`struct api_models::Session, previously in …` → `Session`;
/// `field name of struct CreateSessionDto, …` → `CreateSessionDto`;
/// `variant SessionStatus::Active` → `SessionStatus`).
pub fn type_of_item(item: &str) -> Option<String> {
    let is_type = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let words = item
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty());
    for word in words {
        let word = word.trim_end_matches(['.', ':']);
        let segments: Vec<&str> = word.split("::").filter(|s| !s.is_empty()).collect();
        if let Some(t) = segments.iter().find(|s| is_type(s)) {
            let t: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !t.is_empty() && t != "Client" {
                return Some(t);
            }
            // A method of `Client`: the operation is the method's name.
            if let Some(method) = segments.last().filter(|m| !is_type(m)) {
                return Some(crate::spec::type_name(method));
            }
        }
    }
    None
}

/// The spec places of two documents by the Rust type name generated for
/// them: components by typify's name, operations by progenitor's builder
/// name (the operationId in PascalCase).
fn places(docs: [&Value; 2]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for doc in docs {
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for name in schemas.keys() {
                out.insert(crate::spec::type_name(name), name.clone());
            }
        }
        for id in crate::spec::operations(doc).filter_map(|op| op.id()) {
            out.insert(crate::spec::type_name(id), id.to_owned());
        }
    }
    out
}

/// The place a Rust type was generated from: the place whose type name is
/// the longest prefix of it (inline types are named after their parent:
/// `SessionMessagesItem` belongs to `Session`).
fn place_of<'a>(type_name: &str, places: &'a BTreeMap<String, String>) -> Option<&'a str> {
    (1..=type_name.len())
        .rev()
        .filter(|&n| type_name.is_char_boundary(n))
        .find_map(|n| places.get(&type_name[..n]))
        .map(String::as_str)
}

/// The cross-check of one direction.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Places both call breaking, with the semver-checks lints found there.
    pub agree: BTreeMap<String, BTreeSet<String>>,
    /// Findings whose place the diff does not call Rust-breaking.
    pub missed_by_diff: Vec<Finding>,
    /// Findings no spec place could be found for.
    pub unplaced: Vec<Finding>,
    /// Places the diff calls Rust-breaking where semver-checks found
    /// nothing, with the kinds of the diff's breaking changes there.
    pub unseen_by_semver: BTreeMap<String, BTreeSet<String>>,
}

/// Set semver-checks' findings beside the diff's Rust-breaking changes.
pub fn compare(findings: &[Finding], report: &Report, old: &Value, new: &Value) -> Comparison {
    let places = places([old, new]);
    let mut breaking: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let groups = (report.operations.iter().map(|o| (&o.id, &o.changes)))
        .chain(report.components.iter().map(|c| (&c.name, &c.changes)));
    for (place, changes) in groups {
        for c in changes.iter().filter(|c| c.rust.impact.breaks()) {
            breaking
                .entry(place.clone())
                .or_default()
                .insert(c.kind.as_str().to_owned());
        }
    }
    let mut out = Comparison::default();
    for f in findings {
        match f.type_name.as_deref().and_then(|t| place_of(t, &places)) {
            Some(place) if breaking.contains_key(place) => {
                out.agree
                    .entry(place.to_owned())
                    .or_default()
                    .insert(f.lint.clone());
            }
            Some(_) => out.missed_by_diff.push(f.clone()),
            None => out.unplaced.push(f.clone()),
        }
    }
    for (place, kinds) in breaking {
        if !out.agree.contains_key(&place) {
            out.unseen_by_semver.insert(place, kinds);
        }
    }
    out
}

/// The comparison as Markdown.
pub fn render(c: &Comparison, findings: usize, label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## semver-checks vs diff: {label}\n");
    let _ = writeln!(
        out,
        "| | places |\n|---|---|\n| semver-checks findings | {findings} items |\n| breaking for both | {} |\n| breaking for semver-checks only (missed by the diff) | {} items |\n| semver-checks items with no spec place | {} |\n| breaking for the diff only (not seen by semver-checks) | {} |\n",
        c.agree.len(),
        c.missed_by_diff.len(),
        c.unplaced.len(),
        c.unseen_by_semver.len()
    );
    if !c.missed_by_diff.is_empty() {
        let _ = writeln!(out, "### Missed by the diff\n");
        for f in &c.missed_by_diff {
            let _ = writeln!(out, "- `{}`: {}", f.lint, f.item);
        }
        out.push('\n');
    }
    if !c.unplaced.is_empty() {
        let _ = writeln!(out, "### semver-checks items with no spec place\n");
        for f in &c.unplaced {
            let _ = writeln!(out, "- `{}`: {}", f.lint, f.item);
        }
        out.push('\n');
    }
    if !c.unseen_by_semver.is_empty() {
        let _ = writeln!(
            out,
            "### Not seen by semver-checks (diff change kinds per place)\n"
        );
        let mut by_kinds: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (place, kinds) in &c.unseen_by_semver {
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            by_kinds.entry(kinds.join(", ")).or_default().push(place);
        }
        for (kinds, places) in by_kinds {
            let _ = writeln!(
                out,
                "- {kinds}: {} place(s): {}",
                places.len(),
                places.join(", ")
            );
        }
        out.push('\n');
    }
    out
}

/// Generate `doc` as a standalone workspace in `dir`.
fn generate(doc: &Path, dir: &Path) -> Result<Value, Error> {
    let loaded = load::load(doc)?;
    let generated = pipeline::run(loaded.doc.clone(), &Target::standalone())?;
    emit::ensure_files(dir, &generated.owned_dirs, &generated.files, false)?;
    Ok(loaded.doc)
}

/// Run the cross-check of `old` → `new`, returning the Markdown report.
/// `root` is the project's root (the workspaces go under its `target/`).
pub fn run(old: &Path, new: &Path, root: &Path) -> Result<String, Error> {
    crate::commands::ensure_cargo_tool(
        "semver-checks",
        "cargo-semver-checks",
        CARGO_SEMVER_CHECKS_VERSION,
    )?;
    let work = root.join("target/semver-check");
    let (old_ws, new_ws): (PathBuf, PathBuf) = (work.join("old"), work.join("new"));
    let old_doc = generate(old, &old_ws)?;
    let new_doc = generate(new, &new_ws)?;
    // Named packages: with `--workspace`, semver-checks skips the
    // standalone crates, which are `publish = false`.
    let target = Target::standalone();
    let output = crate::commands::cargo()
        .args(["semver-checks", "check-release", "--baseline-root"])
        .arg(&old_ws)
        .args(["-p", &target.models_crate, "-p", &target.client_crate])
        .args(["--release-type", "patch"])
        .current_dir(&new_ws)
        .output()
        .map_err(|e| Error::new(format!("cannot run cargo semver-checks: {e}")))?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(work.join("semver-checks.txt"), &text)
        .map_err(|e| Error::new(format!("cannot write the semver-checks output: {e}")))?;
    let findings = parse_findings(&text);
    if !text.contains("Checking") && !text.contains("Summary") {
        return Err(Error::new(format!(
            "cargo semver-checks checked nothing:\n{}",
            text.trim()
        )));
    }
    if findings.is_empty() && !output.status.success() {
        return Err(Error::new(format!(
            "cargo semver-checks failed without reporting a lint:\n{}",
            text.lines().rev().take(20).collect::<Vec<_>>().join("\n")
        )));
    }
    let (mut old_n, mut new_n) = (old_doc, new_doc);
    diff::normalize(&mut old_n);
    diff::normalize(&mut new_n);
    let report = diff::diff_normalized(&old_n, &new_n, "old", "new");
    let comparison = compare(&findings, &report, &old_n, &new_n);
    Ok(render(
        &comparison,
        findings.len(),
        &format!("{} → {}", old.display(), new.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OUTPUT: &str = "     Parsing api-models v0.1.0 (current)
--- failure struct_missing: pub struct removed or renamed ---

Description:
A publicly-visible struct cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  struct api_models::Gone, previously in file /w/old/crates/api-models/src/generated/mod.rs:10
  struct api_models::SessionMessagesItem, previously in file /w/old/crates/api-models/src/generated/mod.rs:99

--- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---

Failed in:
  field name of struct CreateSessionDto, previously in file /w/old/crates/api-models/src/generated/mod.rs:20
  field x of struct Unknown, previously in file /w/old/x.rs:1
";

    #[test]
    fn findings_are_read_with_their_types() {
        let found = parse_findings(OUTPUT);
        let types: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|f| (f.lint.as_str(), f.type_name.as_deref()))
            .collect();
        assert_eq!(
            types,
            [
                ("struct_missing", Some("Gone")),
                ("struct_missing", Some("SessionMessagesItem")),
                ("struct_pub_field_missing", Some("CreateSessionDto")),
                ("struct_pub_field_missing", Some("Unknown")),
            ]
        );
        assert_eq!(
            type_of_item("Client::session_controller_create, previously in file x"),
            Some("SessionControllerCreate".into())
        );
    }

    #[test]
    fn findings_are_set_beside_the_diffs_breaking_places() {
        let doc = |session: Value, extra: Value| {
            let mut schemas = json!({"Session": session, "CreateSessionDto": {"type": "object", "properties": {"name": {"type": "string"}}}});
            schemas
                .as_object_mut()
                .expect("object")
                .extend(extra.as_object().cloned().unwrap_or_default());
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                   "components": {"schemas": schemas}})
        };
        let old = doc(
            json!({"type": "object", "properties": {"id": {"type": "string"}, "messages": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}}}}),
            json!({"Gone": {"type": "object", "properties": {"a": {"type": "string"}}}, "Kept": {"type": "object", "properties": {"b": {"type": "string", "maxLength": 5}}}}),
        );
        let new = doc(
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            json!({"Kept": {"type": "object", "properties": {"b": {"type": "string", "maxLength": 3}}}}),
        );
        let report = diff::diff_values(old.clone(), new.clone(), "old", "new");
        let c = compare(&parse_findings(OUTPUT), &report, &old, &new);
        // `Gone` was removed and `Session.messages` (its inline item type)
        // too: both agree. `CreateSessionDto.name` did not change in the
        // documents: missed by the diff (here, because the output is made up).
        assert_eq!(
            c.agree.keys().collect::<Vec<_>>(),
            ["Gone", "Session"],
            "{c:#?}"
        );
        assert_eq!(c.missed_by_diff.len(), 1, "{c:#?}");
        assert_eq!(c.unplaced.len(), 1, "{c:#?}");
        // A tightened constraint breaks `Validate` users, not the API shape.
        assert!(c.unseen_by_semver.contains_key("Kept"), "{c:#?}");
    }
}
