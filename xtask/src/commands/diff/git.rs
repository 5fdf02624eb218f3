//! `--git REV`: the `openapi/` folder as it is at a git revision, written
//! into a scratch folder so that it loads exactly like the working tree's.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Error;

/// The folder name, relative to the repository root.
pub const OPENAPI_DIR: &str = "openapi";

fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(root);
    c
}

/// Run git and return its standard output, or an error with its message.
fn output(mut cmd: Command, what: &str) -> Result<Vec<u8>, Error> {
    let out = cmd
        .output()
        .map_err(|e| Error::new(format!("cannot run git ({what}): {e}")))?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "git {what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The `.json` files under `openapi/` at `rev`: (path below `openapi/`, blob id).
fn list(root: &Path, rev: &str) -> Result<Vec<(String, String)>, Error> {
    let mut verify = git(root);
    verify.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]);
    verify.arg(format!("{rev}^{{commit}}"));
    output(verify, &format!("rev-parse {rev}")).map_err(|_| {
        Error::new(format!(
            "`{rev}` is not a commit of the repository at {}",
            root.display()
        ))
    })?;
    let mut ls = git(root);
    ls.args(["ls-tree", "-r", "-z", "--full-tree", rev, "--"]);
    ls.arg(format!("{OPENAPI_DIR}/"));
    let text = output(ls, &format!("ls-tree {rev}"))?;
    let text = String::from_utf8_lossy(&text);
    let mut files = Vec::new();
    for entry in text.split('\0').filter(|e| !e.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (_, kind, id) = (meta.next(), meta.next(), meta.next());
        let (Some("blob"), Some(id)) = (kind, id) else {
            continue;
        };
        let Some(rel) = path.strip_prefix(&format!("{OPENAPI_DIR}/")) else {
            continue;
        };
        if rel.ends_with(".json") {
            files.push((rel.to_string(), id.to_string()));
        }
    }
    if files.is_empty() {
        return Err(Error::new(format!("there is no {OPENAPI_DIR}/ at `{rev}`")));
    }
    Ok(files)
}

/// Read the blobs `ids` with one `git cat-file --batch`.
fn read_blobs(root: &Path, ids: Vec<String>) -> Result<Vec<Vec<u8>>, Error> {
    let mut child = git(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("cannot run git cat-file: {e}")))?;
    let count = ids.len();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::new("git cat-file has no standard input"))?;
    // Write from another thread so a large answer cannot block the request.
    let writer = std::thread::spawn(move || {
        let mut input = String::new();
        for id in ids {
            input.push_str(&id);
            input.push('\n');
        }
        stdin.write_all(input.as_bytes())
    });
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or_else(|| Error::new("git cat-file has no standard output"))?
        .read_to_end(&mut out)
        .map_err(|e| Error::new(format!("cannot read from git cat-file: {e}")))?;
    let written = writer
        .join()
        .map_err(|_| Error::new("writing to git cat-file failed"))?;
    written.map_err(|e| Error::new(format!("cannot write to git cat-file: {e}")))?;
    let status = child
        .wait()
        .map_err(|e| Error::new(format!("git cat-file: {e}")))?;
    if !status.success() {
        return Err(Error::new("git cat-file failed"));
    }
    parse_batch(&out, count)
}

/// Split `git cat-file --batch` output (`<id> <type> <size>\n<bytes>\n`…).
fn parse_batch(mut out: &[u8], count: usize) -> Result<Vec<Vec<u8>>, Error> {
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let nl = out
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| Error::new("truncated output from git cat-file"))?;
        let header = String::from_utf8_lossy(&out[..nl]).to_string();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| !header.ends_with(" missing"))
            .ok_or_else(|| Error::new(format!("git cat-file: {header}")))?;
        let body = out
            .get(nl + 1..nl + 1 + size)
            .ok_or_else(|| Error::new("truncated output from git cat-file"))?;
        blobs.push(body.to_vec());
        out = out.get(nl + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

/// Write `openapi/` as it is at `rev` into `scratch/openapi/` and return
/// that folder. `root` is the repository's top folder.
pub fn checkout_openapi(root: &Path, rev: &str, scratch: &Path) -> Result<PathBuf, Error> {
    let files = list(root, rev)?;
    let ids = files.iter().map(|(_, id)| id.clone()).collect();
    let blobs = read_blobs(root, ids)?;
    let dir = scratch.join(OPENAPI_DIR);
    let _ = std::fs::remove_dir_all(&dir);
    for ((rel, _), bytes) in files.iter().zip(blobs) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_output_is_split_by_size() {
        let out = b"aaa blob 3\n{}\n\nbbb blob 0\n\n";
        let blobs = parse_batch(out, 2).unwrap();
        assert_eq!(blobs, vec![b"{}\n".to_vec(), Vec::new()]);
        let err = parse_batch(b"ccc missing\n", 1).unwrap_err();
        assert!(err.to_string().contains("ccc missing"), "{err}");
        assert!(parse_batch(b"aaa blob 10\n{}", 1).is_err());
    }
}
