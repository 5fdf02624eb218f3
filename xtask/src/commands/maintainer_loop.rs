//! The maintainer's loop at a vendor document's size, as the README tells a
//! maintainer to run it: `cargo xtask update DOC` (import, generate, the
//! diff, the version and the changelog, the snapshots accepted, the pull
//! request's description), checked ([`check_update`]: one more release in
//! the changelog, the version moved as the verdict says, `PR.md` under
//! GitHub's limit listing every breaking place), then the README's test
//! command, `cargo xtask test`, CI's docs step (`cargo doc`, warnings
//! denied) and its features step (each resource's cargo feature checked
//! alone), each step timed. Run by `cargo xtask maintainer-loop` (and
//! `conformance --maintainer-loop`) for each document in turn, without
//! resetting between them, so the second document is an update of the
//! first, as a maintainer meets it.
//!
//! It runs in one of two places ([`Place`]). **In place** (`--in-place`, for
//! a throwaway clone such as CI's, whose `.ci/run` runs it through
//! `conformance --maintainer-loop --in-place`): in this workspace, with its target folder, whose
//! dependencies earlier steps built; it needs a clean working tree and
//! restores it from `HEAD` after a pass. **In a
//! scratch copy** (the default, for a maintainer's own clone):
//! `target/full-size/workspace/`, the files git lists for this workspace
//! (tracked, and untracked but not ignored), written only where they differ
//! so that cargo rebuilds only what a document changed, and nothing else
//! (files a previous document's loop added are deleted, but not Prism's
//! installation, `tests/prism/node_modules/`, which the test command
//! installs there as on a fresh clone: a link to this workspace's would let
//! `npm ci` empty it). Its `../shared` is a link to this workspace's.
//!
//! The scratch copy builds in a target folder of its own,
//! `target/full-size/target/` (its first run builds the dependencies again).
//! Sharing this workspace's does not work: a crate of the copy has the same
//! path relative to its workspace, and cargo hashes that relative path, so
//! the two took each other's artifacts for fresh; and whatever cargo copies
//! to the folder's top (`target/debug/xtask`) would be the copy's, built for
//! the copy's paths. Each step's output is in `target/full-size/<step>.log`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use crate::Error;

/// The loop's folder, relative to the workspace root.
pub const FULL_SIZE_DIR: &str = "target/full-size";

/// One step of the loop: its name, the `cargo` arguments, and what it took.
#[derive(Debug, Clone)]
pub struct Step {
    /// `copy`, `update`, `test`, `docs`, `features`.
    pub name: &'static str,
    /// Seconds it took.
    pub secs: f64,
}

/// The loop's result for one document.
#[derive(Debug)]
pub struct LoopResult {
    /// The document.
    pub doc: PathBuf,
    /// Where it ran.
    pub place: Place,
    /// The steps that ran, in order.
    pub steps: Vec<Step>,
    /// `Ok`, or the step that failed and the end of its output.
    pub outcome: Result<(), String>,
}

impl LoopResult {
    /// `import 3.1 s, generate 6.0 s, …: pass`.
    pub fn line(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|s| format!("{} {:.1} s", s.name, s.secs))
            .collect();
        let status = match &self.outcome {
            Ok(()) => "pass".to_string(),
            Err(e) => format!("FAIL: {e}"),
        };
        format!(
            "{}: maintainer's loop {}: {}: {status}",
            self.doc.display(),
            match self.place {
                Place::ScratchCopy => "in a scratch copy",
                Place::InPlace => "in this workspace",
            },
            steps.join(", ")
        )
    }
}

/// The workspace's files as git lists them (tracked, and untracked but not
/// ignored), relative to `root`.
pub fn workspace_files(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| Error::new(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "`git ls-files` failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        // deleted but still tracked files are listed too
        .filter(|p| root.join(p).is_file())
        .collect())
}

/// Make `dest` hold exactly `files` of `root` (plus what `keep` names,
/// relative to `dest`, left as it is): copy a file only where its contents
/// differ, delete the others. Returns how many files were written and
/// deleted.
pub fn sync_copy(
    root: &Path,
    files: &[PathBuf],
    dest: &Path,
    keep: &[&str],
) -> Result<(usize, usize), Error> {
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Error::new(format!("cannot {what} {}: {e}", p.display()))
    };
    let mut written = 0;
    for rel in files {
        let from = root.join(rel);
        let to = dest.join(rel);
        let new = std::fs::read(&from).map_err(|e| io("read", &from, e))?;
        if std::fs::read(&to).ok().as_deref() == Some(&new[..]) {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        std::fs::write(&to, &new).map_err(|e| io("write", &to, e))?;
        written += 1;
    }
    let wanted: BTreeSet<&Path> = files.iter().map(PathBuf::as_path).collect();
    let mut deleted = 0;
    let mut stack = vec![dest.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let rel = path.strip_prefix(dest).unwrap_or(&path);
            if keep.iter().any(|k| rel == Path::new(k)) {
                continue;
            }
            // Links are not followed.
            let kind = entry.file_type().map_err(|e| io("inspect", &path, e))?;
            if kind.is_dir() {
                stack.push(path);
            } else if !wanted.contains(rel) {
                std::fs::remove_file(&path).map_err(|e| io("delete", &path, e))?;
                deleted += 1;
            }
        }
    }
    Ok((written, deleted))
}

#[cfg(unix)]
fn link(original: &Path, link: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(link).is_ok() {
        return Ok(());
    }
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::new(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::os::unix::fs::symlink(original, link).map_err(|e| {
        Error::new(format!(
            "cannot link {} to {}: {e}",
            link.display(),
            original.display()
        ))
    })
}

#[cfg(not(unix))]
fn link(_original: &Path, _link: &Path) -> Result<(), Error> {
    Ok(())
}

/// Where the loop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A scratch copy of the workspace with a target folder of its own
    /// (`target/full-size/`): the workspace is left as it is.
    ScratchCopy,
    /// The workspace itself, with its own target folder (CI's throwaway
    /// clone, whose dependencies the earlier steps built): it rewrites
    /// `openapi/`, the generated code and the snapshots.
    InPlace,
}

fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    crate::commands::run_program("git", args, root)
}

/// Fail unless git sees no change in the working tree (the in-place loop
/// rewrites tracked files, and restores them from `HEAD` afterwards).
pub fn require_clean_tree(root: &Path) -> Result<(), Error> {
    let status = git(root, &["status", "--porcelain", "--untracked-files=normal"])?;
    if status.trim().is_empty() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "the in-place maintainer's loop rewrites openapi/, the generated code and the snapshots, \
             so it needs a clean working tree; commit or stash first:\n{}",
            status.trim_end()
        )))
    }
}

/// Put the working tree back as `HEAD` has it (tracked files restored,
/// files the loop added deleted; ignored ones, such as Prism's
/// installation, kept).
pub fn restore_tree(root: &Path) -> Result<(), Error> {
    git(root, &["checkout", "--quiet", "--", "."])?;
    git(root, &["clean", "--quiet", "-fd", "--", "."])?;
    Ok(())
}

/// Run the loop for `doc` (its path absolute or relative to the current
/// folder). In a scratch copy, `fresh` copies the workspace first; without
/// it the copy is as the previous document's loop left it (the update of one
/// document to the next, as a maintainer meets it).
pub fn run(root: &Path, doc: &Path, place: Place, fresh: bool) -> LoopResult {
    let mut result = LoopResult {
        doc: doc.to_path_buf(),
        place,
        steps: Vec::new(),
        outcome: Ok(()),
    };
    if let Err(e) = run_steps(root, doc, place, fresh, &mut result.steps) {
        result.outcome = Err(e.to_string());
    }
    result
}

fn run_steps(
    root: &Path,
    doc: &Path,
    place: Place,
    fresh: bool,
    steps: &mut Vec<Step>,
) -> Result<(), Error> {
    let base = root.join(FULL_SIZE_DIR);
    let doc =
        std::path::absolute(doc).map_err(|e| Error::new(format!("{}: {e}", doc.display())))?;
    let (workspace, target) = match place {
        Place::InPlace => {
            std::fs::create_dir_all(&base)
                .map_err(|e| Error::new(format!("cannot create {}: {e}", base.display())))?;
            (root.to_path_buf(), None)
        }
        Place::ScratchCopy => {
            let scratch = base.join("workspace");
            let start = Instant::now();
            if fresh || !scratch.is_dir() {
                let files = workspace_files(root)?;
                let prism = format!("{}/node_modules", crate::commands::test::PRISM_DIR);
                sync_copy(root, &files, &scratch, &[&prism])?;
            }
            let shared = root.join("../shared");
            if shared.is_dir() {
                link(
                    &std::path::absolute(&shared).unwrap_or(shared),
                    &base.join("shared"),
                )?;
            }
            steps.push(Step {
                name: "copy",
                secs: start.elapsed().as_secs_f64(),
            });
            (scratch, Some(base.join("target")))
        }
    };

    let doc_arg = doc.to_string_lossy().into_owned();
    let plan: [(&'static str, Vec<&str>); 4] = [
        // import, generate, diff, version, changelog, snapshots accepted,
        // the pull request's description: exit 2 when something breaks.
        ("update", vec!["xtask", "update", &doc_arg]),
        // The README's test command, on what the update left.
        ("test", vec!["xtask", "test"]),
        // CI's docs step: the generated crates' rustdoc is valid at this size.
        (
            "docs",
            vec!["doc", "--workspace", "--no-deps", "--all-features"],
        ),
        // Each resource's cargo feature builds alone at this size.
        ("features", vec!["xtask", "ci", "features"]),
    ];
    let before = UpdateState::read(&workspace)?;
    for (name, args) in plan {
        let log = base.join(format!("{name}.log"));
        let file = std::fs::File::create(&log)
            .map_err(|e| Error::new(format!("cannot create {}: {e}", log.display())))?;
        let err = file
            .try_clone()
            .map_err(|e| Error::new(format!("cannot open {}: {e}", log.display())))?;
        let start = Instant::now();
        let mut cargo = crate::commands::cargo();
        if let Some(target) = &target {
            cargo.env("CARGO_TARGET_DIR", target);
        }
        let status = cargo
            .args(&args)
            .current_dir(&workspace)
            .env("RUSTDOCFLAGS", "-D warnings")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .status()
            .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
        steps.push(Step {
            name,
            secs: start.elapsed().as_secs_f64(),
        });
        // The update's exit code 2 says that something breaks: a verdict,
        // not a failure.
        let breaking = name == "update" && status.code() == Some(2);
        let success = status.success() || breaking;
        println!(
            "  {name}: `cargo {}` {:.1} s{}",
            args.join(" "),
            start.elapsed().as_secs_f64(),
            if success { "" } else { ", failed" }
        );
        if name == "update" && success {
            let checked = check_update(&workspace, &doc, &before, breaking)?;
            println!("  update checked: {checked}");
        }
        if !success {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text
                .lines()
                .filter(|l| {
                    // `LLVM ERROR: … No space left on device`, `(signal: 9,
                    // SIGKILL: kill)`: a rustc that dies prints no diagnostic.
                    l.to_ascii_lowercase().contains("error")
                        || l.contains("signal")
                        || l.contains("FAILED")
                        || l.contains("panicked")
                        || l.starts_with("failures:")
                        || l.starts_with("    ")
                })
                .take(40)
                .collect();
            return Err(Error::new(format!(
                "`cargo {}` failed in {} (whole output: {}):\n{}",
                args.join(" "),
                workspace.display(),
                log.display(),
                tail.join("\n")
            )));
        }
    }
    Ok(())
}

/// What the loop reads before an update, to check what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateState {
    /// The released versions' headings in `CHANGELOG.md` (`## [x.y.z…]`).
    pub releases: usize,
    /// The `[workspace.package]` version.
    pub version: String,
    /// Whether the changelog's `[Unreleased]` entries hold a breaking one
    /// (they are released with the update, and count for its bump).
    pub unreleased_breaking: bool,
}

impl UpdateState {
    /// Read it from the workspace at `root`.
    pub fn read(root: &Path) -> Result<UpdateState, Error> {
        let read = |rel: &str| {
            std::fs::read_to_string(root.join(rel))
                .map_err(|e| Error::new(format!("cannot read {rel}: {e}")))
        };
        let changelog = read(crate::commands::update::CHANGELOG_FILE)?;
        let version = crate::commands::update::workspace_version(&read("Cargo.toml")?)
            .ok_or_else(|| Error::new("no [workspace.package] version in Cargo.toml"))?;
        Ok(UpdateState {
            unreleased_breaking: crate::commands::update::unreleased_level(&changelog)
                == Some(crate::commands::update::Level::Breaking),
            releases: crate::commands::update::releases(&changelog),
            version,
        })
    }
}

/// The version a release after `old` must have (written out here, apart
/// from the update's code, as the README states the rule): breaking moves
/// the first non-zero part; otherwise the patch below 1.0, the patch or the
/// minor from 1.0.
fn expected_versions(old: &str, breaking: bool) -> Vec<String> {
    let Some((major, minor, patch)) = crate::commands::update::semver_parts(old) else {
        return Vec::new();
    };
    let triples = match (breaking, major) {
        (true, 0) => vec![(0, minor + 1, 0)],
        (true, _) => vec![(major + 1, 0, 0)],
        (false, 0) => vec![(0, minor, patch + 1)],
        (false, _) => vec![(major, minor, patch + 1), (major, minor + 1, 0)],
    };
    triples
        .into_iter()
        .map(|(a, b, c)| format!("{a}.{b}.{c}"))
        .collect()
}

/// Check what `cargo xtask update DOC` left in `workspace`: one more
/// release in the changelog; the version moved as the verdict says, with
/// the document's API version as build metadata; `target/update/PR.md`
/// under GitHub's limit and naming the place of every breaking change of the
/// diff between the backed-up `openapi/` and the new one. Returns a summary.
pub fn check_update(
    workspace: &Path,
    doc: &Path,
    before: &UpdateState,
    breaking: bool,
) -> Result<String, Error> {
    use crate::commands::update::{PR_BODY_LIMIT, PR_FILE, UPDATE_DIR};
    let after = UpdateState::read(workspace)?;
    if after.releases != before.releases + 1 {
        return Err(Error::new(format!(
            "CHANGELOG.md has {} releases after the update, {} before: expected one more",
            after.releases, before.releases
        )));
    }
    let (core, metadata) = after
        .version
        .split_once('+')
        .unwrap_or((after.version.as_str(), ""));
    let expected = expected_versions(&before.version, breaking || before.unreleased_breaking);
    if !expected.iter().any(|v| v == core) {
        return Err(Error::new(format!(
            "the version moved {} → {}; {} calls for {}",
            before.version,
            after.version,
            if breaking {
                "a breaking update"
            } else {
                "an update"
            },
            expected.join(" or ")
        )));
    }
    let name = doc.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if let Some(date) = crate::spec::date_in(name)
        && metadata != format!("api.{date}")
    {
        return Err(Error::new(format!(
            "the version {} does not carry +api.{date} from {name}",
            after.version
        )));
    }
    let pr_path = workspace.join(UPDATE_DIR).join(PR_FILE);
    let pr = std::fs::read_to_string(&pr_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", pr_path.display())))?;
    let chars = pr.chars().count();
    if chars > PR_BODY_LIMIT {
        return Err(Error::new(format!(
            "{PR_FILE} has {chars} characters, over GitHub's {PR_BODY_LIMIT}"
        )));
    }
    use crate::commands::diff::{Source, diff_sources};
    let report = diff_sources(
        &Source::Path(workspace.join(UPDATE_DIR).join("backup/openapi")),
        &Source::Path(workspace.join("openapi")),
        &workspace.join(crate::commands::diff::SCRATCH_DIR),
    )?;
    let places = crate::commands::diff::report::changes_with_places(&report);
    let rows: BTreeSet<&str> = places
        .iter()
        .filter(|(_, c)| c.is_breaking())
        .map(|(place, _)| place.as_str())
        .collect();
    let missing: Vec<&&str> = rows
        .iter()
        .filter(|l| !pr.contains(&format!("`{l}`")))
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(format!(
            "{PR_FILE} does not list {} breaking places of the diff, e.g. {:?}",
            missing.len(),
            missing.iter().take(5).collect::<Vec<_>>()
        )));
    }
    if breaking != report.has_breaking() {
        return Err(Error::new(format!(
            "the update's exit code says breaking = {breaking}; the diff says {}",
            report.has_breaking()
        )));
    }
    Ok(format!(
        "version {} → {}, one more release in CHANGELOG.md, {PR_FILE} {chars} characters listing \
         all {} breaking places",
        before.version,
        after.version,
        rows.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_versions_follow_the_readme() {
        assert_eq!(expected_versions("0.2.0+api.x", true), ["0.3.0"]);
        assert_eq!(expected_versions("1.2.3", true), ["2.0.0"]);
        assert_eq!(expected_versions("0.2.0", false), ["0.2.1"]);
        assert_eq!(expected_versions("1.2.3", false), ["1.2.4", "1.3.0"]);
    }

    /// The copy holds exactly the listed files: unchanged ones are not
    /// rewritten (cargo keeps their builds), others are, and files a
    /// previous run left are deleted, except in a kept folder.
    #[test]
    fn sync_copy_writes_what_differs_and_deletes_the_rest() {
        let dir = std::env::temp_dir().join(format!("cozmox-sync-copy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (src, dest) = (dir.join("src"), dir.join("dest"));
        for (p, c) in [("a.txt", "a"), ("sub/b.txt", "b")] {
            std::fs::create_dir_all(src.join(p).parent().unwrap()).unwrap();
            std::fs::write(src.join(p), c).unwrap();
        }
        std::fs::create_dir_all(dest.join("sub")).unwrap();
        std::fs::write(dest.join("a.txt"), "a").unwrap();
        std::fs::write(dest.join("sub/b.txt"), "old").unwrap();
        std::fs::write(dest.join("sub/stale.txt"), "x").unwrap();
        std::fs::create_dir_all(dest.join("sub/kept")).unwrap();
        std::fs::write(dest.join("sub/kept/x"), "x").unwrap();
        let files = vec![PathBuf::from("a.txt"), PathBuf::from("sub/b.txt")];
        let counts = sync_copy(&src, &files, &dest, &["sub/kept"]).unwrap();
        let b = std::fs::read_to_string(dest.join("sub/b.txt")).unwrap();
        let stale = dest.join("sub/stale.txt").exists();
        let kept = dest.join("sub/kept/x").exists();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(counts, (1, 1));
        assert_eq!(b, "b");
        assert!(!stale);
        assert!(kept);
    }
}
