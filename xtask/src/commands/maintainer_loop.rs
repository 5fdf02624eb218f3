//! The maintainer's loop at a vendor document's size, as the README tells a
//! maintainer to run it: `cargo xtask import DOC`, `cargo xtask generate`,
//! `cargo xtask snapshots --accept` (the review, accepted whole), the
//! README's test command, `cargo xtask test`, and CI's docs step (`cargo doc`,
//! warnings denied), each step timed. Run by `cargo xtask maintainer-loop`
//! (and `conformance --maintainer-loop`) for each document in turn, so the
//! second document is an update of the first, as a maintainer meets it.
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
    /// `copy`, `import`, `generate`, `review`, `test`, `docs`.
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
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::new(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
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
/// folder).
pub fn run(root: &Path, doc: &Path, place: Place) -> LoopResult {
    let mut result = LoopResult {
        doc: doc.to_path_buf(),
        place,
        steps: Vec::new(),
        outcome: Ok(()),
    };
    if let Err(e) = run_steps(root, doc, place, &mut result.steps) {
        result.outcome = Err(e.to_string());
    }
    result
}

fn run_steps(root: &Path, doc: &Path, place: Place, steps: &mut Vec<Step>) -> Result<(), Error> {
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
            let files = workspace_files(root)?;
            let prism = format!("{}/node_modules", crate::commands::test::PRISM_DIR);
            sync_copy(root, &files, &scratch, &[&prism])?;
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
    let plan: [(&'static str, Vec<&str>); 5] = [
        ("import", vec!["xtask", "import", &doc_arg]),
        ("generate", vec!["xtask", "generate"]),
        ("review", vec!["xtask", "snapshots", "--accept"]),
        ("test", vec!["xtask", "test"]),
        // CI's docs step: the generated crates' rustdoc is valid at this size.
        (
            "docs",
            vec!["doc", "--workspace", "--no-deps", "--all-features"],
        ),
    ];
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
        println!(
            "  {name}: `cargo {}` {:.1} s{}",
            args.join(" "),
            start.elapsed().as_secs_f64(),
            if status.success() { "" } else { ", failed" }
        );
        if !status.success() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
