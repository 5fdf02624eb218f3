//! `cargo xtask update DOC`: a vendor's new document as one command and a
//! reviewable pull request. In order, each step timed:
//!
//! 1. **backup**: what the update rewrites (`openapi/`, `crates/`, the
//!    snapshots, `Cargo.toml`, `Cargo.lock`, `CHANGELOG.md`) is copied to
//!    `target/update/backup/`; on an error the work tree is put back from it
//!    (or, with `--keep`, left as the failing step left it, that step named,
//!    until `--restore`); an update whose document changes nothing (the API
//!    version label aside) puts it back too, leaving nothing to commit;
//! 2. **import** the document over `openapi/` ([`super::import`]; with
//!    `--url`, downloaded first);
//! 3. **generate** the crates ([`super::generate`]);
//! 4. **diff**: the report of the backed-up `openapi/` against the new one
//!    ([`super::diff`]), written to `target/update/report.md`;
//! 5. **version**: the SemVer part bumped by the verdict as Cargo reads
//!    versions ([`next_version`]; the `[Unreleased]` entries of the changelog
//!    count too, they are released with it), `+api.<API version>` from the
//!    document, in `Cargo.toml` and in the published crates' requirements on
//!    each other;
//! 6. **changelog**: a section under the new version's heading, holding the
//!    `[Unreleased]` entries and the diff's changelog lines ([`release_changelog`]);
//! 7. **snapshots**: regenerate and accept them ([`super::snapshots`]);
//! 8. **pull request**: `target/update/PR.md` ([`pull_request`]), under
//!    GitHub's body limit.
//!
//! The exit code is the diff's: 0 when nothing is breaking, 2 when something
//! is, 1 on an error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::diff::report::{self, ChangelogRow, RowImpact};
use super::diff::{Report, Summary};
use crate::Error;

/// The update's folder, relative to the workspace root.
pub const UPDATE_DIR: &str = "target/update";
/// The pull-request description, in [`UPDATE_DIR`].
pub const PR_FILE: &str = "PR.md";
/// The whole diff report, in [`UPDATE_DIR`].
pub const REPORT_FILE: &str = "report.md";
/// GitHub's limit on a pull request's body, in characters.
pub const PR_BODY_LIMIT: usize = 65_536;
/// The changelog, at the workspace root.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// The folders (relative to the root) the update rewrites and restores.
pub const BACKED_UP_DIRS: [&str; 4] = [
    "openapi",
    "crates",
    "tests/snapshots",
    "xtask/tests/snapshots",
];
/// The files (relative to the root) the update rewrites and restores.
pub const BACKED_UP_FILES: [&str; 3] = ["Cargo.toml", "Cargo.lock", CHANGELOG_FILE];

/// How much a release changes, in the order of SemVer's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Descriptions and other text only.
    Descriptions,
    /// Additions and changes that break nothing.
    Compatible,
    /// Something breaks the Rust API (to compile or at run time) or the wire.
    Breaking,
}

impl Level {
    /// The level of a diff's changes; `None` when nothing changed at all.
    pub fn of(summary: &Summary) -> Option<Level> {
        if summary.breaking > 0 {
            Some(Level::Breaking)
        } else if summary.compatible > 0 {
            Some(Level::Compatible)
        } else if summary.descriptions > 0 {
            Some(Level::Descriptions)
        } else {
            None
        }
    }

    fn words(self) -> &'static str {
        match self {
            Level::Descriptions => "descriptions only",
            Level::Compatible => "compatible changes",
            Level::Breaking => "breaking changes",
        }
    }
}

/// The `(major, minor, patch)` of a `MAJOR.MINOR.PATCH` version, its build
/// metadata ignored; `None` for anything else (a pre-release, two parts…).
pub fn semver_parts(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split_once('+').map_or(version, |(core, _)| core);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(triple)
}

/// The next version after `semver` (`MAJOR.MINOR.PATCH`, build metadata
/// ignored) for a release of `level`, as Cargo reads versions (`0.x` is a
/// major version of its own): breaking bumps the first non-zero part
/// (`0.3.1` → `0.4.0`, `1.2.3` → `2.0.0`); compatible changes the patch
/// below 1.0 and the minor from 1.0; descriptions the patch.
///
/// # Errors
/// A version that is not `MAJOR.MINOR.PATCH` (pre-releases are bumped by hand).
pub fn next_version(semver: &str, level: Level) -> Result<String, Error> {
    let (major, minor, patch) = semver_parts(semver).ok_or_else(|| {
        Error::new(format!(
            "the version {semver:?} is not MAJOR.MINOR.PATCH (a pre-release is bumped by hand)"
        ))
    })?;
    let next = match (level, major) {
        (Level::Breaking, 0) => (0, minor + 1, 0),
        (Level::Breaking, _) => (major + 1, 0, 0),
        (Level::Compatible, 0) | (Level::Descriptions, _) => (major, minor, patch + 1),
        (Level::Compatible, _) => (major, minor + 1, 0),
    };
    Ok(format!("{}.{}.{}", next.0, next.1, next.2))
}

/// The `[Unreleased]` section of a Keep a Changelog file: the lines between
/// its heading and the next `## ` heading (`None` without the heading).
fn unreleased(changelog: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    for line in changelog.split_inclusive('\n') {
        let heading = line.trim_end();
        match start {
            None if is_unreleased(heading) => {
                start = Some(offset + line.len());
            }
            Some(s) if heading.starts_with("## ") => return Some((s, offset)),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|s| (s, changelog.len()))
}

/// Whether a changelog line is the `[Unreleased]` heading (`## [Unreleased]`,
/// `## [Unreleased] - …`, `## Unreleased`).
fn is_unreleased(line: &str) -> bool {
    let lower = line.trim_end().to_ascii_lowercase();
    lower.starts_with("## [unreleased]") || lower == "## unreleased"
}

/// How many releases `changelog` has: its `## ` headings but `[Unreleased]`.
pub fn releases(changelog: &str) -> usize {
    changelog
        .lines()
        .filter(|l| l.starts_with("## ") && !is_unreleased(l))
        .count()
}

/// What the `[Unreleased]` entries of `changelog` are, as a release level:
/// breaking under a heading that says so (`### Changed (breaking)`) and
/// under `### Removed`; compatible under `### Added`, `### Changed` and
/// `### Deprecated`; a patch under any other (`### Fixed`, `### Security`);
/// `None` when it holds none.
pub fn unreleased_level(changelog: &str) -> Option<Level> {
    let (start, end) = unreleased(changelog)?;
    let mut level = None;
    let mut section = "";
    for line in changelog[start..end].lines() {
        if let Some(title) = line.strip_prefix("### ") {
            section = title.trim();
        } else if line.trim_start().starts_with("- ") || line.trim_start().starts_with("* ") {
            let section = section.to_ascii_lowercase();
            let this = if section.contains("breaking") || section == "removed" {
                Level::Breaking
            } else if matches!(section.as_str(), "added" | "changed" | "deprecated") {
                Level::Compatible
            } else {
                Level::Descriptions
            };
            level = level.max(Some(this));
        }
    }
    level
}

/// A Markdown fragment split at its `### ` headings: the text before the
/// first, then each title with its text.
fn sections(text: &str) -> (String, Vec<(String, String)>) {
    let mut head = String::new();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(title) = line.strip_prefix("### ") {
            out.push((title.trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        } else {
            head.push_str(line);
        }
    }
    (head, out)
}

/// `changelog` with a release: an empty `[Unreleased]` section, then
/// `## [version] - date`, `intro`, and the `[Unreleased]` entries merged
/// with `lines` (the diff's `### ` sections): each section once, breaking
/// first, the hand-written entries before the spec's. Without an
/// `[Unreleased]` heading the release goes before the first `## ` heading.
pub fn release_changelog(
    changelog: &str,
    version: &str,
    date: &str,
    intro: &str,
    lines: &str,
) -> String {
    let (insert_at, end, pending) = match unreleased(changelog) {
        Some((start, end)) => (start, end, &changelog[start..end]),
        None => {
            // Before the first release's heading (which may be the first line).
            let first = if changelog.starts_with("## ") {
                0
            } else {
                changelog
                    .match_indices("\n## ")
                    .next()
                    .map_or(changelog.len(), |(i, _)| i + 1)
            };
            (first, first, "")
        }
    };
    let (pending_head, mut merged) = sections(pending);
    let (lines_head, from_spec) = sections(lines);
    for (title, body) in from_spec {
        match merged.iter_mut().find(|(t, _)| *t == title) {
            Some((_, text)) => {
                while text.ends_with("\n\n") {
                    text.pop();
                }
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&body);
            }
            None => merged.push((title, body)),
        }
    }
    // Breaking first, the rest in the order they came.
    merged.sort_by_key(|(t, _)| !t.to_ascii_lowercase().contains("breaking"));
    let mut release = String::new();
    if unreleased(changelog).is_none() {
        release.push_str("## [Unreleased]\n\n");
    } else {
        release.push('\n');
    }
    let _ = writeln!(release, "## [{version}] - {date}\n\n{intro}\n");
    for text in [pending_head.trim(), lines_head.trim()] {
        if !text.is_empty() {
            let _ = writeln!(release, "{text}\n");
        }
    }
    for (title, body) in merged {
        let _ = writeln!(release, "### {title}\n{}\n", body.trim_end());
    }
    format!("{}{release}{}", &changelog[..insert_at], &changelog[end..])
}

/// The `[workspace.package]` version of a workspace manifest.
pub fn workspace_version(manifest: &str) -> Option<String> {
    let mut found = None;
    super::import::edit_workspace_version(manifest, |v| {
        found = Some(v.to_string());
        v.to_string()
    })?;
    found
}

/// `manifest` with every path dependency's `version = "old"` requirement set
/// to `new` (the published crates require at least the version they are
/// released with, as a caret requirement).
pub fn set_path_requirements(manifest: &str, old: &str, new: &str) -> String {
    let from = format!("version = \"{old}\"");
    let to = format!("version = \"{new}\"");
    manifest
        .split_inclusive('\n')
        .map(|line| {
            if line.contains("path = \"") && line.contains(&from) {
                line.replacen(&from, &to, 1)
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The files under `dir` (recursively), relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                // A link to a file counts as that file (the crates' licence
                // files are links): listed, so that a restore keeps it.
                Ok(t) if t.is_file() || (t.is_symlink() && path.is_file()) => {
                    out.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(format!("cannot {what} {}: {e}", path.display()))
}

/// A copy of what the update rewrites, to put back on an error.
#[derive(Debug)]
pub struct Backup {
    dir: PathBuf,
}

/// In the backup folder: the failed step of an update run with `--keep`,
/// whose work tree was left as it failed (the backup is the state before it).
const KEPT_MARKER: &str = "kept-failure";
/// In the backup folder: the files of [`BACKED_UP_FILES`] that did not exist.
const ABSENT_LIST: &str = "absent-files";

impl Backup {
    /// The backup of the workspace at `root`.
    pub fn at(root: &Path) -> Backup {
        Backup {
            dir: root.join(UPDATE_DIR).join("backup"),
        }
    }

    /// The step a `--keep` run failed at, if its work tree is still as it
    /// was left.
    pub fn kept_failure(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.join(KEPT_MARKER)).ok()
    }

    /// Copy [`BACKED_UP_DIRS`] and [`BACKED_UP_FILES`] of `root` into `dir`
    /// (emptied first).
    ///
    /// # Errors
    /// When a failed update was kept (`--keep`): its backup is the only copy
    /// of the state before it; `cargo xtask update --restore` puts it back.
    pub fn take(root: &Path, dir: &Path) -> Result<Backup, Error> {
        let backup = Backup {
            dir: dir.to_path_buf(),
        };
        if let Some(step) = backup.kept_failure() {
            return Err(Error::new(format!(
                "an earlier update failed at step `{}` and was kept (--keep): the work tree is as \
                 that step left it, and {} holds the state before it; run `cargo xtask update \
                 --restore` to put it back first (or delete that folder to keep the tree as it is)",
                step.trim(),
                dir.display()
            )));
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| io_error("empty", dir, &e))?;
        }
        for sub in BACKED_UP_DIRS {
            let files = files_under(&root.join(sub));
            super::maintainer_loop::sync_copy(&root.join(sub), &files, &dir.join(sub), &[])?;
        }
        std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
        let mut absent = String::new();
        for file in BACKED_UP_FILES {
            let from = root.join(file);
            if from.is_file() {
                std::fs::copy(&from, dir.join(file)).map_err(|e| io_error("copy", &from, &e))?;
            } else {
                absent.push_str(file);
                absent.push('\n');
            }
        }
        write(&dir.join(ABSENT_LIST), &absent)?;
        Ok(backup)
    }

    /// Record that a `--keep` run failed at `step`: the next update refuses
    /// to start until the tree is put back ([`Backup::take`]).
    fn keep_failure(&self, step: &str) -> Result<(), Error> {
        write(&self.dir.join(KEPT_MARKER), step)
    }

    /// The backed-up `openapi/`: the update's old side.
    pub fn openapi(&self) -> PathBuf {
        self.dir.join("openapi")
    }

    /// Put `root` back as it was: files rewritten only where they differ
    /// (cargo rebuilds what changed), files the update added deleted.
    pub fn restore(&self, root: &Path) -> Result<(), Error> {
        for sub in BACKED_UP_DIRS {
            let from = self.dir.join(sub);
            super::maintainer_loop::sync_copy(&from, &files_under(&from), &root.join(sub), &[])?;
        }
        let absent = std::fs::read_to_string(self.dir.join(ABSENT_LIST)).unwrap_or_default();
        for file in BACKED_UP_FILES {
            let (from, to) = (self.dir.join(file), root.join(file));
            if from.is_file() {
                if std::fs::read(&from).ok() != std::fs::read(&to).ok() {
                    std::fs::copy(&from, &to).map_err(|e| io_error("restore", &from, &e))?;
                }
            } else if absent.lines().any(|l| l == file) && to.is_file() {
                // The update made it.
                std::fs::remove_file(&to).map_err(|e| io_error("delete", &to, &e))?;
            }
        }
        let _ = std::fs::remove_file(self.dir.join(KEPT_MARKER));
        Ok(())
    }

    /// The snapshot files added, changed and removed since the backup.
    pub fn snapshot_changes(&self, root: &Path) -> SnapshotChanges {
        let mut changes = SnapshotChanges::default();
        for sub in super::snapshots::SNAPSHOT_DIRS {
            let snap = |p: &PathBuf| p.extension().is_some_and(|e| e == "snap");
            let before: Vec<PathBuf> = files_under(&self.dir.join(sub))
                .into_iter()
                .filter(snap)
                .collect();
            let after: Vec<PathBuf> = files_under(&root.join(sub))
                .into_iter()
                .filter(snap)
                .collect();
            let name = |p: &Path| format!("{sub}/{}", p.display());
            for p in &after {
                match std::fs::read(self.dir.join(sub).join(p)) {
                    Err(_) => changes.added.push(name(p)),
                    Ok(old)
                        if std::fs::read(root.join(sub).join(p)).ok().as_ref() != Some(&old) =>
                    {
                        changes.changed.push(name(p));
                    }
                    Ok(_) => {}
                }
            }
            for p in before.iter().filter(|p| !after.contains(p)) {
                changes.removed.push(name(p));
            }
        }
        changes
    }
}

/// Snapshot files an update added, changed and removed (paths from the root).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SnapshotChanges {
    /// New files.
    pub added: Vec<String>,
    /// Files whose contents changed.
    pub changed: Vec<String>,
    /// Files that are gone.
    pub removed: Vec<String>,
}

impl SnapshotChanges {
    /// How many files.
    pub fn len(&self) -> usize {
        self.added.len() + self.changed.len() + self.removed.len()
    }

    /// None at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The group a snapshot file belongs to, and the name shown for it:
/// `component@Session.json.snap` is the component `Session`,
/// `operation@SessionController_create.snap` that operation, anything else
/// (the resource layer, the diff report, the generator's fixtures) by file.
fn snapshot_group(path: &str) -> (&'static str, String) {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".snap").unwrap_or(file);
    if let Some(name) = stem.strip_prefix("component@") {
        (
            "Components",
            name.strip_suffix(".json").unwrap_or(name).into(),
        )
    } else if let Some(name) = stem.strip_prefix("operation@") {
        ("Operations", name.into())
    } else {
        ("Other snapshots", path.into())
    }
}

/// What the pull-request description is made of.
#[derive(Debug)]
pub struct PullRequest<'a> {
    /// The diff of the old `openapi/` against the new one.
    pub report: &'a Report,
    /// The document's file name, as given to `update`.
    pub doc: &'a str,
    /// API versions, old and new.
    pub api: (&'a str, &'a str),
    /// Crate versions, old and new.
    pub version: (&'a str, &'a str),
    /// The level of the release and, if higher than the spec's, why.
    pub level: Level,
    /// The level of the `[Unreleased]` entries the release takes along.
    pub unreleased: Option<Level>,
    /// The snapshot files that changed.
    pub snapshots: &'a SnapshotChanges,
}

/// Append `items` as a list under `title`, while the text stays within
/// `budget` bytes; the rest is counted in one last line naming `more`.
fn bounded_list(out: &mut String, title: &str, items: &[String], budget: usize, more: &str) {
    let _ = writeln!(out, "\n## {title}\n");
    for (i, item) in items.iter().enumerate() {
        if out.len() + item.len() + 3 > budget {
            let _ = writeln!(out, "- … and {} more: {more}", items.len() - i);
            return;
        }
        let _ = writeln!(out, "- {item}");
    }
}

/// The pull-request description: the headline, the version and why, every
/// breaking row (what does not compile or breaks the wire, then what
/// compiles and fails at run time), the snapshot files changed grouped by
/// component, operation and other, and how to review them; at most
/// `limit` bytes (GitHub counts characters, never more than bytes), longer
/// lists cut with a count and a pointer to the full report.
pub fn pull_request(pr: &PullRequest<'_>, limit: usize) -> String {
    // The closing part is written last but its room is kept from the start.
    let review = format!(
        "\n## How to review\n\n\
         - The breaking rows above are why the version's SemVer part moved; `CHANGELOG.md`'s new \
         section lists every change with the same words.\n\
         - The snapshots are accepted in this branch: each `component@<Name>.json.snap` is the \
         generated type of a component, each `operation@<operationId>.snap` an operation's \
         signature. Read them in the diff, or step through them locally: `git checkout <base> -- \
         tests/snapshots xtask/tests/snapshots && cargo xtask snapshots && cargo insta review \
         --workspace`.\n\
         - The whole report (every change, per operation and component): `{UPDATE_DIR}/{REPORT_FILE}` \
         (attached to the workflow's run), or `cargo xtask diff --git <base>` locally.\n\
         - Made by `cargo xtask update {}`; the update's workflow ran the README's test command on it \
         before opening this pull request, and starts `ci.yml` on its branch.\n",
        pr.doc
    );
    // Room for what is written whatever the lists hold: the headings, the
    // lines that count what was cut, the snapshot groups' first lines.
    const FIXED: usize = 2_048;
    let budget = limit.saturating_sub(review.len() + FIXED);
    let summary = pr.report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# API {} → {}: `{}`\n\n{}\n",
        pr.api.0,
        pr.api.1,
        pr.version.1,
        report::summary_line(&summary)
    );
    let why = match pr.unreleased {
        Some(u) if u > Level::of(&summary).unwrap_or(Level::Descriptions) => format!(
            "{} in the changelog's `[Unreleased]` entries, released with it",
            u.words()
        ),
        _ => format!("{} in the API", pr.level.words()),
    };
    let _ = writeln!(
        out,
        "**Version** `{}` → `{}`: {why}.",
        pr.version.0, pr.version.1
    );
    let rows = report::changelog_rows(pr.report);
    // One row stays a line: a change of hundreds of enum values is cut (the
    // changelog and the report have it whole), so the rows after it fit.
    const ROW: usize = 1_000;
    let list = |impact: RowImpact| -> Vec<String> {
        rows.iter()
            .filter(|r: &&ChangelogRow| r.impact == impact)
            .map(|r| {
                let line = r.text.replace('\n', " ");
                if line.len() <= ROW {
                    return line;
                }
                let mut line = line;
                super::truncate_at(&mut line, ROW);
                format!("{line}… (cut: see `{REPORT_FILE}`)")
            })
            .collect()
    };
    let (breaking, run_time) = (list(RowImpact::Breaking), list(RowImpact::RunTime));
    let more = format!("see `{REPORT_FILE}`");
    if !breaking.is_empty() {
        bounded_list(
            &mut out,
            &format!(
                "Breaking: does not compile, or breaks the wire ({})",
                breaking.len()
            ),
            &breaking,
            budget,
            &more,
        );
    }
    if !run_time.is_empty() {
        bounded_list(
            &mut out,
            &format!("Breaking: compiles, fails at run time ({})", run_time.len()),
            &run_time,
            budget,
            &more,
        );
    }
    if breaking.is_empty() && run_time.is_empty() {
        out.push_str("\nNothing breaks the Rust API or the wire.\n");
    }
    // Snapshots, grouped; each group a line of names by status.
    let mut groups: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for (status, files) in [
        ("added", &pr.snapshots.added),
        ("changed", &pr.snapshots.changed),
        ("removed", &pr.snapshots.removed),
    ] {
        for f in files {
            let (group, name) = snapshot_group(f);
            groups
                .entry(group)
                .or_default()
                .entry(status)
                .or_default()
                .push(name);
        }
    }
    let _ = writeln!(out, "\n## Snapshots ({} files)\n", pr.snapshots.len());
    if groups.is_empty() {
        out.push_str("No snapshot changed.\n");
    }
    for (group, by_status) in groups {
        let counts: Vec<String> = by_status
            .iter()
            .map(|(s, names)| format!("{} {s}", names.len()))
            .collect();
        let _ = writeln!(out, "**{group}** ({}):", counts.join(", "));
        for (status, names) in by_status {
            let mut line = format!("- {status}: ");
            for (i, name) in names.iter().enumerate() {
                let item = format!("{}`{name}`", if i == 0 { "" } else { ", " });
                if out.len() + line.len() + item.len() + 40 > budget {
                    let _ = match i {
                        0 => write!(line, "{} (names in the diff)", names.len()),
                        _ => write!(line, " … and {} more", names.len() - i),
                    };
                    break;
                }
                line.push_str(&item);
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if out.len() + review.len() > limit {
        // Only with a limit too small for the fixed parts.
        super::truncate_at(&mut out, limit.saturating_sub(review.len() + 64));
        let _ = writeln!(out, "\n… (cut: see `{REPORT_FILE}`)");
    }
    out.push_str(&review);
    out
}

/// Where the document comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// An `https://` URL, downloaded first (with `curl`) into
    /// `target/update/download/`, under the URL's file name with today's
    /// date added when it has none (the API version `import` reads from it).
    Url(String),
}

/// The file name a document downloaded from `url` is saved as: the URL's
/// last segment (`.json` added if missing), with `date` before the
/// extension when the name holds no `YYYY-MM-DD`.
pub fn download_name(url: &str, date: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("openapi");
    let safe: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = safe.strip_suffix(".json").unwrap_or(&safe);
    if crate::spec::date_in(stem).is_some() {
        format!("{stem}.json")
    } else {
        format!("{stem}-{date}.json")
    }
}

/// Download `url` (https only, redirects followed, at most 256 MiB) into
/// `dir` and check it is an OpenAPI 3 JSON document.
fn download(url: &str, dir: &Path, date: &str) -> Result<PathBuf, Error> {
    if !url.starts_with("https://") {
        return Err(Error::new(format!(
            "{url}: only https:// URLs are downloaded"
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
    let path = dir.join(download_name(url, date));
    let path_arg = path.to_string_lossy();
    super::run_program(
        "curl",
        &[
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--proto",
            "=https",
            "--proto-redir",
            "=https",
            "--max-filesize",
            "268435456",
            "--retry",
            "3",
            "--output",
            &path_arg,
            url,
        ],
        dir,
    )?;
    let doc = crate::pipeline::load::read_json(&path)?;
    if !doc
        .get("openapi")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|v| v.starts_with("3."))
    {
        return Err(Error::new(format!(
            "{url} is not an OpenAPI 3 document (no `openapi: 3.x`); saved as {}",
            path.display()
        )));
    }
    println!("update: downloaded {url} as {}", path.display());
    Ok(path)
}

/// The update's options (the command line).
#[derive(Debug, Clone)]
pub struct Options {
    /// The vendor's new document.
    pub input: Input,
    /// The API version (default: as `import` reads it).
    pub api_version: Option<String>,
    /// The release date for the changelog (default: today, UTC).
    pub date: Option<String>,
    /// On an error, leave the work tree as the failing step left it.
    pub keep: bool,
}

/// What an update did.
#[derive(Debug)]
pub struct Outcome {
    /// Whether something breaks (the exit code 2).
    pub breaking: bool,
    /// The new crate version, when the API changed.
    pub version: Option<String>,
    /// The pull request's title, when the API changed.
    pub title: Option<String>,
    /// Each step's name and seconds.
    pub steps: Vec<(&'static str, f64)>,
}

impl Outcome {
    /// Record the outcome as a GitHub Actions step's outputs (`changed`,
    /// `breaking`, `version`, `title`) when `GITHUB_OUTPUT` is set.
    pub fn write_github_outputs(&self) -> Result<(), Error> {
        let Some(path) = std::env::var_os("GITHUB_OUTPUT") else {
            return Ok(());
        };
        let mut text = format!(
            "changed={}\nbreaking={}\n",
            self.version.is_some(),
            self.breaking
        );
        for (key, value) in [("version", &self.version), ("title", &self.title)] {
            if let Some(v) = value {
                // One line each: the values hold no newline.
                let _ = writeln!(text, "{key}={}", v.replace('\n', " "));
            }
        }
        let path = PathBuf::from(path);
        let mut old = std::fs::read_to_string(&path).unwrap_or_default();
        old.push_str(&text);
        write(&path, &old)
    }
}

/// Today's date, `YYYY-MM-DD`, in UTC.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| io_error("read", path, &e))
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
    }
    std::fs::write(path, text).map_err(|e| io_error("write", path, &e))
}

/// Whether the `openapi/` folder `new` differs from `old` other than in the
/// API version label `import` writes (`info.x-cozmox-api-version`).
fn openapi_changed(old: &Path, new: &Path) -> Result<bool, (&'static str, Error)> {
    let fail = |e| ("diff", e);
    let (before, after) = (files_under(old), files_under(new));
    if before != after {
        return Ok(true);
    }
    for rel in &after {
        let (a, b) = (std::fs::read(old.join(rel)), std::fs::read(new.join(rel)));
        if a.as_ref().ok() == b.as_ref().ok() {
            continue;
        }
        if rel.as_path() != Path::new(crate::pipeline::load::DOCUMENT_FILE) {
            return Ok(true);
        }
        let unlabelled = |path: &Path| -> Result<serde_json::Value, Error> {
            let mut doc = crate::pipeline::load::read_json(path)?;
            if let Some(info) = doc
                .get_mut("info")
                .and_then(serde_json::Value::as_object_mut)
            {
                info.remove(crate::spec::API_VERSION_KEY);
            }
            Ok(doc)
        };
        if unlabelled(&old.join(rel)).map_err(fail)? != unlabelled(&new.join(rel)).map_err(fail)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Put the work tree back from the backup of the last update (after a
/// failure kept with `--keep`, or to undo a finished one).
///
/// # Errors
/// When there is no backup, or a file cannot be written.
pub fn restore(root: &Path) -> Result<(), Error> {
    let backup = Backup::at(root);
    if !backup.dir.join(ABSENT_LIST).is_file() {
        return Err(Error::new(format!(
            "no backup of an update in {}",
            backup.dir.display()
        )));
    }
    backup.restore(root)?;
    println!("update: the work tree is as it was before the last update");
    Ok(())
}

/// The steps run so far, each timed and printed as it ends.
struct Steps(Vec<(&'static str, f64)>);

impl Steps {
    /// Run the step `name`; an error carries the step's name.
    fn run<T>(
        &mut self,
        name: &'static str,
        f: impl FnOnce() -> Result<T, Error>,
    ) -> Result<T, (&'static str, Error)> {
        let start = Instant::now();
        let value = f().map_err(|e| (name, e))?;
        let secs = start.elapsed().as_secs_f64();
        println!("update: {name} {secs:.1} s");
        self.0.push((name, secs));
        Ok(value)
    }
}

/// The file name of `doc`, as the changelog and the pull request name it.
fn file_name(doc: &Path) -> String {
    doc.file_name().map_or_else(
        || doc.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `update`: run it, print the steps' times, record the GitHub outputs;
/// exit 0 (nothing breaking), 2 (something is) or 1 (error).
pub fn command(root: &Path, options: &Options) -> std::process::ExitCode {
    let outcome = run(root, options).and_then(|outcome| {
        outcome.write_github_outputs()?;
        Ok(outcome)
    });
    match outcome {
        Ok(outcome) => {
            let steps: Vec<String> = outcome
                .steps
                .iter()
                .map(|(name, secs)| format!("{name} {secs:.1} s"))
                .collect();
            let verdict = match &outcome.version {
                Some(v) if outcome.breaking => format!("version {v}, breaking"),
                Some(v) => format!("version {v}, nothing breaking"),
                None => "the API did not change".to_string(),
            };
            println!("update: {verdict}; {}", steps.join(", "));
            std::process::ExitCode::from(if outcome.breaking { 2 } else { 0 })
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Run the update in the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Outcome, Error> {
    let start = Instant::now();
    // A description of an earlier update is not this one's.
    for stale in [PR_FILE, REPORT_FILE] {
        let _ = std::fs::remove_file(root.join(UPDATE_DIR).join(stale));
    }
    let backup = Backup::take(root, &root.join(UPDATE_DIR).join("backup"))?;
    let mut steps = Steps(vec![("backup", start.elapsed().as_secs_f64())]);
    match run_steps(root, options, &backup, &mut steps) {
        Ok(outcome) => Ok(outcome),
        Err((step, e)) if options.keep => {
            backup.keep_failure(step)?;
            Err(Error::new(format!(
                "step `{step}` failed: {e}\nthe work tree is left as that step left it; the state \
                 before the update is in {}: `cargo xtask update --restore` puts it back (an update \
                 refuses to start until then)",
                backup.dir.display()
            )))
        }
        Err((step, e)) => {
            let restored = backup.restore(root);
            Err(Error::new(format!(
                "step `{step}` failed: {e}\n{}",
                match restored {
                    Ok(()) => "the work tree is put back as it was before the update \
                               (run with --keep to look at the failing state)"
                        .to_string(),
                    Err(r) => format!(
                        "and putting the work tree back failed too ({r}): copy {} back by hand",
                        backup.dir.display()
                    ),
                }
            )))
        }
    }
}

fn run_steps(
    root: &Path,
    options: &Options,
    backup: &Backup,
    steps: &mut Steps,
) -> Result<Outcome, (&'static str, Error)> {
    let date = options.date.clone().unwrap_or_else(today);
    let doc = &match &options.input {
        Input::File(path) => path.clone(),
        Input::Url(url) => steps.run("download", || {
            download(url, &root.join(UPDATE_DIR).join("download"), &date)
        })?,
    };
    steps.run("import", || {
        super::import::run(root, doc, None, options.api_version.clone())
    })?;
    steps.run("generate", || {
        super::generate::run(root, false, None, None, false)
    })?;
    let (report, api) = steps.run("diff", || {
        let (old, new) = super::diff::load_both(
            &super::diff::Source::Path(backup.openapi()),
            &super::diff::Source::Path(root.join("openapi")),
            &root.join(super::diff::SCRATCH_DIR),
        )?;
        let api = (
            crate::spec::api_version(&old),
            crate::spec::api_version(&new),
        );
        let report = super::diff::diff_normalized(
            &old,
            &new,
            &format!("openapi/ (API {})", api.0),
            &format!("{} (API {})", file_name(doc), api.1),
        );
        write(
            &root.join(UPDATE_DIR).join(REPORT_FILE),
            &report::markdown(&report, false),
        )?;
        Ok((report, api))
    })?;
    let summary = report.summary();
    let manifest_path = root.join("Cargo.toml");
    let changelog_path = root.join(CHANGELOG_FILE);
    // What the diff does not compare (servers, security schemes, tags…)
    // still makes a release, as text: a patch.
    let unclassified =
        report.is_empty() && openapi_changed(&backup.openapi(), &root.join("openapi"))?;
    if unclassified {
        println!(
            "update: openapi/ changed in ways the diff does not classify (servers, security, tags…): \
             released as a patch"
        );
    }
    let spec_level = Level::of(&summary).or(unclassified.then_some(Level::Descriptions));
    let Some(spec_level) = spec_level else {
        // Nothing for a pull request: not even the API version's label
        // (a document downloaded on another day is dated anew).
        println!("update: the API did not change; the work tree is left as it was");
        steps.run("restore", || backup.restore(root))?;
        return Ok(Outcome {
            breaking: false,
            version: None,
            title: None,
            steps: steps.0.clone(),
        });
    };
    let pending = read(&changelog_path)
        .ok()
        .and_then(|c| unreleased_level(&c));
    let level = spec_level.max(pending.unwrap_or(Level::Descriptions));
    let versions = steps.run("version", || {
        // `import` set the build metadata already: the old version is the
        // backed-up manifest's.
        let before = read(&backup.dir.join("Cargo.toml"))?;
        let manifest = read(&manifest_path)?;
        let old = workspace_version(&before).ok_or_else(|| {
            Error::new("no `version = \"…\"` in Cargo.toml's [workspace.package]")
        })?;
        let old_semver = old.split_once('+').map_or(old.as_str(), |(s, _)| s);
        let semver = next_version(&old, level)?;
        let new = format!("{semver}+{}", crate::spec::build_metadata(&api.1));
        let edited = super::import::set_workspace_version(&manifest, &new)
            .ok_or_else(|| Error::new("no version line in Cargo.toml's [workspace.package]"))?;
        write(&manifest_path, &edited)?;
        for rel in files_under(&root.join("crates")) {
            if rel.file_name().is_some_and(|n| n == "Cargo.toml") {
                let path = root.join("crates").join(rel);
                let text = read(&path)?;
                let edited = set_path_requirements(&text, old_semver, &semver);
                if edited != text {
                    write(&path, &edited)?;
                }
            }
        }
        println!("update: version {old} → {new} ({})", level.words());
        Ok((old, new))
    })?;
    steps.run("changelog", || {
        let text = read(&changelog_path).unwrap_or_default();
        let intro = format!(
            "The API {} → {} (`cargo xtask update {}`): {}.",
            api.0,
            api.1,
            file_name(doc),
            report::summary_line(&summary)
        );
        let new = release_changelog(
            &text,
            &versions.1,
            &date,
            &intro,
            &report::changelog(&report),
        );
        write(&changelog_path, &new)
    })?;
    steps.run("snapshots", || super::snapshots::run(root, true))?;
    steps.run("pull request", || {
        let snapshots = backup.snapshot_changes(root);
        let text = pull_request(
            &PullRequest {
                report: &report,
                doc: &file_name(doc),
                api: (&api.0, &api.1),
                version: (&versions.0, &versions.1),
                level,
                unreleased: pending,
                snapshots: &snapshots,
            },
            PR_BODY_LIMIT,
        );
        let path = root.join(UPDATE_DIR).join(PR_FILE);
        write(&path, &text)?;
        println!(
            "update: {} ({} bytes, {} snapshot files changed)",
            path.display(),
            text.len(),
            snapshots.len()
        );
        Ok(())
    })?;
    Ok(Outcome {
        breaking: report.has_breaking(),
        title: Some(format!(
            "API {}: {}{}",
            api.1,
            versions.1,
            if report.has_breaking() {
                " (breaking)"
            } else {
                ""
            }
        )),
        version: Some(versions.1),
        steps: steps.0.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::diff::{Change, ComponentDiff, Kind, Sides, Status, Verdict};
    use super::*;

    #[test]
    fn versions_move_as_cargo_reads_them() {
        let cases = [
            ("0.1.0+api.1.0", Level::Breaking, "0.2.0"),
            ("0.3.1", Level::Breaking, "0.4.0"),
            ("1.2.3", Level::Breaking, "2.0.0"),
            ("0.3.1", Level::Compatible, "0.3.2"),
            ("1.2.3", Level::Compatible, "1.3.0"),
            ("0.3.1", Level::Descriptions, "0.3.2"),
            ("1.2.3+api.x", Level::Descriptions, "1.2.4"),
        ];
        for (old, level, new) in cases {
            assert_eq!(next_version(old, level).unwrap(), new, "{old} {level:?}");
        }
        assert!(next_version("1.0.0-beta.1", Level::Breaking).is_err());
        assert!(next_version("1.0", Level::Breaking).is_err());
    }

    const CHANGELOG: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n\
        ### Changed (breaking)\n- hand-made break\n\n### Added\n- a hand-made feature\n\n\
        ## [0.1.0] - 2026-11-21\n\n### Added\n- the first release\n";

    #[test]
    fn unreleased_entries_set_a_level_too() {
        assert_eq!(unreleased_level(CHANGELOG), Some(Level::Breaking));
        let added = CHANGELOG.replace("### Changed (breaking)\n- hand-made break\n\n", "");
        assert_eq!(unreleased_level(&added), Some(Level::Compatible));
        let fixed =
            "## [Unreleased]\n### Fixed\n- a typo\n## [0.1.0]\n### Changed (breaking)\n- x\n";
        assert_eq!(unreleased_level(fixed), Some(Level::Descriptions));
        let removed = "## Unreleased\n### Removed\n* the old call\n";
        assert_eq!(unreleased_level(removed), Some(Level::Breaking));
        let changed = "## [Unreleased] - soon\n### Changed\n- a default\n";
        assert_eq!(unreleased_level(changed), Some(Level::Compatible));
        let empty = "## [Unreleased]\n\n## [0.1.0]\n### Changed (breaking)\n- x\n";
        assert_eq!(unreleased_level(empty), None);
        assert_eq!(unreleased_level("# Changelog\n"), None);
        assert_eq!(releases(CHANGELOG), 1);
        assert_eq!(releases("## Unreleased\n## [1.0.0]\n## [0.9.0] - x\n"), 2);
        // A file that starts with its first release: the new one goes first.
        let top = release_changelog("## [0.1.0]\n- x\n", "0.1.1", "d", "i", "- y\n");
        assert!(
            top.starts_with("## [Unreleased]\n\n## [0.1.1] - d\n"),
            "{top}"
        );
    }

    #[test]
    fn a_release_takes_the_unreleased_entries_and_the_spec_lines() {
        let lines = "### Changed (breaking)\n- `A.b`: property removed: b\n\n\
                     ### Removed\n- `C`: gone\n\n";
        let out = release_changelog(
            CHANGELOG,
            "0.2.0+api.2",
            "2026-12-06",
            "The API 1 → 2.",
            lines,
        );
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.2.0+api.2] - 2026-12-06\n\n\
             The API 1 → 2.\n\n### Changed (breaking)\n- hand-made break\n\
             - `A.b`: property removed: b\n\n### Added\n- a hand-made feature\n\n\
             ### Removed\n- `C`: gone\n\n## [0.1.0] - 2026-11-21\n\n### Added\n- the first release\n"
        );
        // Released again: one more section, the first release untouched.
        let again = release_changelog(&out, "0.3.0", "2026-12-07", "Next.", "### Added\n- `D`\n");
        assert_eq!(
            again.matches("\n## [").count(),
            out.matches("\n## [").count() + 1
        );
        assert!(again.contains("## [Unreleased]\n\n## [0.3.0] - 2026-12-07\n\nNext.\n\n### Added\n- `D`\n\n## [0.2.0+api.2]"));
        // No [Unreleased] heading: one is made, the release below it.
        let bare = release_changelog(
            "# C\n\n## [0.1.0]\n- x\n",
            "0.1.1",
            "d",
            "i",
            "plain line\n",
        );
        assert_eq!(
            bare,
            "# C\n\n## [Unreleased]\n\n## [0.1.1] - d\n\ni\n\nplain line\n\n## [0.1.0]\n- x\n"
        );
    }

    #[test]
    fn versions_are_read_and_written_where_cargo_reads_them() {
        let root =
            "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"0.1.0+api.1.0\"\n";
        assert_eq!(workspace_version(root).as_deref(), Some("0.1.0+api.1.0"));
        assert_eq!(workspace_version("[package]\nversion = \"1.0.0\"\n"), None);
        let set = super::super::import::set_workspace_version(root, "0.2.0+api.2").unwrap();
        assert_eq!(workspace_version(&set).as_deref(), Some("0.2.0+api.2"));
        let member = "[dependencies]\nm = { path = \"../m\", version = \"0.1.0\" }\n\
                      serde = { version = \"0.1.0\" }\n";
        assert_eq!(
            set_path_requirements(member, "0.1.0", "0.2.0"),
            "[dependencies]\nm = { path = \"../m\", version = \"0.2.0\" }\n\
             serde = { version = \"0.1.0\" }\n"
        );
    }

    fn change(location: &str, kind: Kind, rust: Verdict, wire: Verdict) -> Change {
        Change {
            kind,
            location: location.into(),
            pointer: String::new(),
            detail: "x".repeat(40),
            old: None,
            new: None,
            rust,
            wire,
        }
    }

    fn report(breaking: usize, run_time: usize, compatible: usize) -> Report {
        let mut changes = Vec::new();
        for i in 0..breaking {
            let c = Verdict::breaking("a removed field no longer compiles");
            changes.push(change(
                &format!("Comp.field{i}"),
                Kind::PropertyRemoved,
                c,
                Verdict::none(),
            ));
        }
        for i in 0..run_time {
            let r = Verdict::run_time("the id must be a uuid");
            changes.push(change(
                &format!("Comp.id{i}"),
                Kind::Retyped,
                r,
                Verdict::none(),
            ));
        }
        for i in 0..compatible {
            let c = Verdict::compatible("new");
            changes.push(change(
                &format!("Comp.new{i}"),
                Kind::PropertyAdded,
                c.clone(),
                c,
            ));
        }
        Report {
            old: "old".into(),
            new: "new".into(),
            operations: Vec::new(),
            components: vec![ComponentDiff {
                name: "Comp".into(),
                sides: Sides::default(),
                status: Status::Changed,
                changes,
            }],
        }
    }

    fn pr_text(report: &Report, snapshots: &SnapshotChanges, limit: usize) -> String {
        pull_request(
            &PullRequest {
                report,
                doc: "vendor-2026-05-22.json",
                api: ("2026-03-27", "2026-05-22"),
                version: ("0.2.0+api.2026-03-27", "0.3.0+api.2026-05-22"),
                level: Level::Breaking,
                unreleased: None,
                snapshots,
            },
            limit,
        )
    }

    #[test]
    fn the_pull_request_lists_every_breaking_row_first_and_the_snapshots_by_group() {
        let r = report(3, 2, 5);
        let snapshots = SnapshotChanges {
            added: vec!["tests/snapshots/component@New.json.snap".into()],
            changed: vec![
                "tests/snapshots/component@Comp.json.snap".into(),
                "tests/snapshots/operation@Comp_get.snap".into(),
                "tests/snapshots/resources.snap".into(),
            ],
            removed: vec![],
        };
        let text = pr_text(&r, &snapshots, PR_BODY_LIMIT);
        let breaking = text.find("## Breaking: does not compile").unwrap();
        let run_time = text
            .find("## Breaking: compiles, fails at run time (2)")
            .unwrap();
        let snaps = text.find("## Snapshots (4 files)").unwrap();
        assert!(breaking < run_time && run_time < snaps, "{text}");
        for i in 0..3 {
            assert!(
                text[breaking..run_time].contains(&format!("`Comp.field{i}`")),
                "{text}"
            );
        }
        assert!(text[run_time..snaps].contains("`Comp.id1`"), "{text}");
        assert!(
            !text.contains("Comp.new0"),
            "compatible rows are the report's: {text}"
        );
        assert!(
            text.contains(
                "**Components** (1 added, 1 changed):\n- added: `New`\n- changed: `Comp`"
            ),
            "{text}"
        );
        assert!(
            text.contains("**Operations** (1 changed):\n- changed: `Comp_get`"),
            "{text}"
        );
        assert!(text.contains("`tests/snapshots/resources.snap`"), "{text}");
        assert!(text.contains("cargo insta review"), "{text}");
        assert!(text.contains("**Version** `0.2.0+api.2026-03-27` → `0.3.0+api.2026-05-22`"));
    }

    #[test]
    fn a_long_pull_request_is_cut_with_counts_and_keeps_its_ending() {
        let r = report(2_000, 10, 0);
        let snapshots = SnapshotChanges {
            added: (0..5_000)
                .map(|i| format!("tests/snapshots/component@Type{i}.json.snap"))
                .collect(),
            ..SnapshotChanges::default()
        };
        let text = pr_text(&r, &snapshots, PR_BODY_LIMIT);
        assert!(text.len() <= PR_BODY_LIMIT, "{}", text.len());
        assert!(text.contains("more: see `report.md`"), "the cut is counted");
        assert!(text.contains("## How to review"), "the ending is kept");
        assert!(text.contains("… and"), "{}", &text[text.len() - 3000..]);
        // A small limit still holds.
        let small = pr_text(&r, &snapshots, 8_000);
        assert!(small.len() <= 8_000, "{}", small.len());
    }

    #[test]
    fn a_failed_update_is_put_back_and_snapshot_changes_are_seen() {
        let dir = std::env::temp_dir().join(format!("xtask-update-backup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("ws");
        let files = [
            ("openapi/openapi.json", "{}"),
            ("crates/a/src/generated/x.rs", "old"),
            ("tests/snapshots/component@A.json.snap", "a"),
            ("tests/snapshots/component@Gone.json.snap", "g"),
            ("Cargo.toml", "[workspace.package]\nversion = \"0.1.0\"\n"),
            ("CHANGELOG.md", "# C\n"),
        ];
        for (p, c) in files {
            write(&root.join(p), c).unwrap();
        }
        // A tracked link (the crates' licence files are links).
        write(&root.join("LICENSE-MIT"), "licence").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../../LICENSE-MIT", root.join("crates/a/LICENSE-MIT")).unwrap();
        let backup = Backup::take(&root, &dir.join("backup")).unwrap();
        // What an update does.
        write(&root.join("Cargo.lock"), "made by the update").unwrap();
        write(&root.join("crates/a/src/generated/x.rs"), "new").unwrap();
        write(&root.join("crates/a/src/generated/added.rs"), "added").unwrap();
        write(&root.join("tests/snapshots/component@A.json.snap"), "a2").unwrap();
        write(&root.join("tests/snapshots/operation@op.snap"), "o").unwrap();
        std::fs::remove_file(root.join("tests/snapshots/component@Gone.json.snap")).unwrap();
        write(&root.join("Cargo.toml"), "changed").unwrap();
        let seen = backup.snapshot_changes(&root);
        // A failure kept with --keep: no new update until it is put back.
        backup.keep_failure("snapshots").unwrap();
        let refused = Backup::take(&root, &dir.join("backup"))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("`snapshots`") && refused.contains("--restore"),
            "{refused}"
        );
        backup.restore(&root).unwrap();
        assert!(backup.kept_failure().is_none());
        #[cfg(unix)]
        assert!(
            std::fs::symlink_metadata(root.join("crates/a/LICENSE-MIT"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link is kept"
        );
        assert!(
            !root.join("Cargo.lock").exists(),
            "what the update made is gone"
        );
        let now: Vec<(String, String)> = files_under(&root)
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(root.join(&p)).unwrap();
                (p.display().to_string(), text)
            })
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            seen,
            SnapshotChanges {
                added: vec!["tests/snapshots/operation@op.snap".into()],
                changed: vec!["tests/snapshots/component@A.json.snap".into()],
                removed: vec!["tests/snapshots/component@Gone.json.snap".into()],
            }
        );
        let mut expected: Vec<(String, String)> = files
            .iter()
            .map(|(p, c)| ((*p).to_string(), (*c).to_string()))
            .chain([("LICENSE-MIT".to_string(), "licence".to_string())])
            .chain(cfg!(unix).then(|| ("crates/a/LICENSE-MIT".to_string(), "licence".to_string())))
            .collect();
        expected.sort();
        assert_eq!(now, expected);
    }

    #[test]
    fn a_download_is_named_with_a_date() {
        let date = "2026-12-06";
        let cases = [
            (
                "https://x.test/v/vapi-openapi-2026-05-22.json",
                "vapi-openapi-2026-05-22.json",
            ),
            ("https://x.test/api-json", "api-json-2026-12-06.json"),
            (
                "https://x.test/spec.json?token=a/b#f",
                "spec-2026-12-06.json",
            ),
            ("https://x.test/", "x.test-2026-12-06.json"),
            ("https://x.test/a%20b.json", "a-20b-2026-12-06.json"),
        ];
        for (url, name) in cases {
            assert_eq!(download_name(url, date), name, "{url}");
        }
    }

    /// What the diff does not compare still counts as a change; the API
    /// version label `import` writes does not.
    #[test]
    fn the_api_version_label_alone_is_no_change() {
        let dir = std::env::temp_dir().join(format!("xtask-update-label-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let doc = |version: &str, server: &str| {
            serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1",
                crate::spec::API_VERSION_KEY: version}, "servers": [{"url": server}], "paths": {}})
            .to_string()
        };
        let (old, new) = (dir.join("old"), dir.join("new"));
        write(
            &old.join("openapi.json"),
            &doc("2026-01-01", "https://a.test"),
        )
        .unwrap();
        write(&old.join("schemas/A.json"), "{}").unwrap();
        write(
            &new.join("openapi.json"),
            &doc("2026-02-02", "https://a.test"),
        )
        .unwrap();
        write(&new.join("schemas/A.json"), "{}").unwrap();
        let label_only = openapi_changed(&old, &new).map_err(|(_, e)| e).unwrap();
        write(
            &new.join("openapi.json"),
            &doc("2026-02-02", "https://b.test"),
        )
        .unwrap();
        let servers = openapi_changed(&old, &new).map_err(|(_, e)| e).unwrap();
        write(
            &new.join("openapi.json"),
            &doc("2026-01-01", "https://a.test"),
        )
        .unwrap();
        write(&new.join("schemas/B.json"), "{}").unwrap();
        let schema = openapi_changed(&old, &new).map_err(|(_, e)| e).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!label_only);
        assert!(servers);
        assert!(schema);
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(crate::spec::date_in(&d), Some(d.as_str()));
        assert!(d.as_str() >= "2026-01-01", "{d}");
    }
}
