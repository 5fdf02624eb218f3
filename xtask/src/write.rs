//! Stage 7, **write**: rust-analyzer's `ensure_file_contents`, for whole
//! folders. Write each file whose content changed and delete files the
//! generator no longer produces; in `--check` mode write nothing and return
//! every difference as a diff, with the command that fixes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;

/// What happened (or, in check mode, would happen) to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file that did not exist.
    Created(PathBuf),
    /// A file whose content differed.
    Updated(PathBuf),
    /// A file the generator no longer produces.
    Deleted(PathBuf),
}

/// The outcome of writing (or checking) a set of generated files.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files created, updated or deleted (or that would be).
    pub changes: Vec<Change>,
    /// Files that were already up to date.
    pub unchanged: usize,
    /// Unified diffs of the changes (filled in check mode).
    pub diff: String,
}

/// Normalise line endings so a checkout with `core.autocrlf` still matches.
fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// Make `files` (paths relative to `root`) the exact contents of the folders
/// listed in `owned_dirs` (also relative to `root`): write what differs,
/// delete files in those folders that are not in `files`. Files outside the
/// owned folders are written but nothing else there is touched.
pub fn ensure_files(
    root: &Path,
    owned_dirs: &[PathBuf],
    files: &BTreeMap<PathBuf, String>,
    check: bool,
) -> Result<Outcome, Error> {
    let mut out = Outcome::default();
    for (rel, contents) in files {
        let path = root.join(rel);
        let old = std::fs::read_to_string(&path).ok();
        match old {
            Some(old) if normalize_newlines(&old) == normalize_newlines(contents) => {
                out.unchanged += 1
            }
            old => {
                let change = if old.is_some() {
                    Change::Updated(rel.clone())
                } else {
                    Change::Created(rel.clone())
                };
                if check {
                    out.diff
                        .push_str(&unified_diff(rel, old.as_deref().unwrap_or(""), contents));
                } else {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| {
                            Error::new(format!("cannot create {}: {e}", parent.display()))
                        })?;
                    }
                    std::fs::write(&path, contents)
                        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
                }
                out.changes.push(change);
            }
        }
    }
    for dir in owned_dirs {
        for stale in list_files(&root.join(dir))? {
            let rel = stale.strip_prefix(root).unwrap_or(&stale).to_path_buf();
            if files.contains_key(&rel) {
                continue;
            }
            if check {
                let old = std::fs::read_to_string(&stale).unwrap_or_default();
                out.diff.push_str(&unified_diff(&rel, &old, ""));
            } else {
                std::fs::remove_file(&stale)
                    .map_err(|e| Error::new(format!("cannot delete {}: {e}", stale.display())))?;
            }
            out.changes.push(Change::Deleted(rel));
        }
    }
    Ok(out)
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry
            .map_err(|e| Error::new(format!("cannot list {}: {e}", dir.display())))?
            .path();
        if path.is_dir() {
            out.extend(list_files(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// A unified diff of one file, at most 200 lines of it.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 200 {
        format!(
            "{}\n... ({} more diff lines)\n",
            lines[..200].join("\n"),
            lines.len() - 200
        )
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_checks_and_deletes_stale_files() {
        let root = tmp("a");
        let gen_dir = PathBuf::from("gen");
        std::fs::create_dir_all(root.join("gen")).unwrap();
        std::fs::write(root.join("gen/stale.rs"), "old").unwrap();
        let files = BTreeMap::from([(gen_dir.join("mod.rs"), "pub struct A;\n".to_string())]);

        let checked = ensure_files(&root, std::slice::from_ref(&gen_dir), &files, true).unwrap();
        assert_eq!(checked.changes.len(), 2);
        assert!(checked.diff.contains("+pub struct A;"));
        assert!(checked.diff.contains("-old"));
        assert!(
            root.join("gen/stale.rs").exists(),
            "check mode writes nothing"
        );

        let written = ensure_files(&root, std::slice::from_ref(&gen_dir), &files, false).unwrap();
        assert_eq!(
            written.changes,
            vec![
                Change::Created(gen_dir.join("mod.rs")),
                Change::Deleted(gen_dir.join("stale.rs"))
            ]
        );
        assert!(!root.join("gen/stale.rs").exists());

        let again = ensure_files(&root, &[gen_dir], &files, true).unwrap();
        assert!(again.changes.is_empty());
        assert_eq!(again.unchanged, 1);
    }
}
