//! The benchmarks: `bench-gen` ([`generate`]: the pipeline and the build of its
//! output against plain progenitor), `bench-decode` ([`decode`]: decoding and
//! encoding with criterion and valgrind) and `bench-client` ([`client`]: the
//! client's overhead per request against bare reqwest).

pub mod client;
pub mod decode;
pub mod generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::pipeline::{emit, scaffold};

/// `name = "version"` for one of the runtime dependencies the generated
/// crates use ([`scaffold::RUNTIME_DEPS`]), for a scratch manifest.
pub(crate) fn dep(name: &str) -> Result<String, Error> {
    scaffold::RUNTIME_DEPS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, spec)| format!("{n} = {spec}\n"))
        .ok_or_else(|| Error::new(format!("no runtime dependency `{name}`")))
}

/// The path of the project's crate `name`, for a `path =` dependency.
pub(crate) fn project_crate(root: &Path, name: &str) -> Result<String, Error> {
    let path = root.join("crates").join(name);
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::new(format!("the project path is not UTF-8: {}", path.display())))
}

/// Write a bench's scratch workspace into `work` (its `data/` folder is
/// owned: stale inputs are deleted), with the project's `Cargo.lock` so the
/// bench builds the versions the project tests; returns its target folder.
pub(crate) fn scratch_workspace(
    root: &Path,
    work: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> Result<PathBuf, Error> {
    emit::ensure_files(work, &[PathBuf::from("data")], files, false)?;
    let lock = work.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .map_err(|e| Error::new(format!("cannot copy Cargo.lock: {e}")))?;
    }
    Ok(work.join("target"))
}
