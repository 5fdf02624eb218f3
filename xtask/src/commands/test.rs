//! `cargo xtask test`: the one command that runs every test on a fresh
//! machine. It installs what the tests need when it is missing or at another
//! version (cargo-insta, pinned; Prism, pinned by `tests/prism/package-lock.json`),
//! then runs the whole workspace's tests with insta in check mode, rejecting
//! orphan snapshots, and last the client's `every_method` example, which
//! calls every method of the API against the embedded mock.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The cargo-insta version the snapshots are reviewed and checked with; keep
/// it equal to the `insta` version in Cargo.lock.
pub const CARGO_INSTA_VERSION: &str = "1.49.0";

/// Install cargo-insta at [`CARGO_INSTA_VERSION`] unless it is already there.
pub fn ensure_cargo_insta() -> Result<(), Error> {
    super::ensure_cargo_tool("insta", "cargo-insta", CARGO_INSTA_VERSION)
}

/// The folder, relative to the workspace root, holding Prism's pinned
/// `package.json` and `package-lock.json`; `npm ci` installs into its
/// `node_modules/`.
pub const PRISM_DIR: &str = "tests/prism";
/// Prism's executable, relative to the workspace root, once installed.
pub const PRISM_BIN: &str = "tests/prism/node_modules/.bin/prism";
/// The command that installs Prism, as run from the workspace root
/// (scripts off: the only install script in the tree is a telemetry ping).
pub const PRISM_INSTALL: [&str; 7] = [
    "ci",
    "--prefix",
    PRISM_DIR,
    "--ignore-scripts",
    "--engine-strict",
    "--no-audit",
    "--no-fund",
];
/// Written into `node_modules/` after a successful install: a copy of the
/// lock file it was installed from, so an unchanged lock skips `npm ci`.
const PRISM_STAMP: &str = "node_modules/.cozmox-installed-lock.json";

/// The workspace root (the parent of `xtask/`), read when the command runs
/// ([`super::locate_root`]).
pub fn workspace_root() -> PathBuf {
    super::project_root()
}

/// Install Prism (the contract tests' validator) from `tests/prism/` with
/// `npm ci`, unless `node_modules/` was installed from the current lock file.
/// Fails, naming what to install, when npm is missing.
pub fn ensure_prism(root: &Path) -> Result<(), Error> {
    let dir = root.join(PRISM_DIR);
    let lock_path = dir.join("package-lock.json");
    let lock = std::fs::read(&lock_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", lock_path.display())))?;
    let stamp = dir.join(PRISM_STAMP);
    if root.join(PRISM_BIN).is_file() && std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        return Ok(());
    }
    let npm = Command::new("npm").arg("--version").output();
    if !npm.as_ref().is_ok_and(|o| o.status.success()) {
        return Err(Error::new(format!(
            "npm is needed to install Prism for the contract tests, and `npm --version` failed \
             ({}); install Node.js 18.20.1 or later with npm (e.g. `apt-get install nodejs npm`, \
             or from https://nodejs.org), then run `cargo xtask test` again",
            match &npm {
                Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                Err(e) => e.to_string(),
            }
        )));
    }
    eprintln!("installing Prism: npm {}", PRISM_INSTALL.join(" "));
    let status = Command::new("npm")
        .args(PRISM_INSTALL)
        .current_dir(root)
        .status()
        .map_err(|e| Error::new(format!("cannot run npm: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!(
            "`npm {}` failed (see above)",
            PRISM_INSTALL.join(" ")
        )));
    }
    std::fs::write(&stamp, &lock)
        .map_err(|e| Error::new(format!("cannot write {}: {e}", stamp.display())))?;
    Ok(())
}

/// Run every test of the workspace (unit, integration, snapshot, doctests,
/// contract tests against Prism), then every method of the API against the
/// mock ([`EVERY_METHOD`]).
pub fn run(extra: &[String]) -> Result<(), Error> {
    ensure_cargo_insta()?;
    ensure_prism(&workspace_root())?;
    let status = super::cargo()
        .args([
            "insta",
            "test",
            "--workspace",
            "--check",
            "--unreferenced=reject",
        ])
        .args(extra)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo insta: {e}")))?;
    if !status.success() {
        return Err(Error::new("tests failed"));
    }
    // Every method of the API called against the embedded mock, which is
    // generated from the same spec: `ok M/M`, or the failures listed.
    // The build options given to the tests apply to the example too.
    let options = extra.iter().enumerate().filter(|(i, a)| {
        matches!(
            a.as_str(),
            "--release" | "--locked" | "--offline" | "--frozen"
        ) || a.starts_with("--profile")
            || (*i > 0 && extra[i - 1] == "--profile")
    });
    let status = super::cargo()
        .args(EVERY_METHOD)
        .args(options.map(|(_, a)| a))
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`cargo {}` failed: a method did not answer its typed value against the mock (see above)",
            EVERY_METHOD.join(" ")
        )))
    }
}

/// The example that calls every method of the API against the embedded
/// mock.
pub const EVERY_METHOD: [&str; 5] = ["run", "-p", "cozmox-client", "--example", "every_method"];

#[cfg(test)]
mod tests {
    use super::*;

    /// With Prism's binary present and the stamp equal to the lock file,
    /// nothing runs (not even npm): `cargo xtask test` stays fast when warm.
    #[test]
    fn prism_install_is_skipped_when_the_stamp_matches_the_lock() {
        let root = std::env::temp_dir().join(format!("cozmox-prism-stamp-{}", std::process::id()));
        let dir = root.join(PRISM_DIR);
        std::fs::create_dir_all(root.join(PRISM_BIN).parent().unwrap()).unwrap();
        std::fs::write(root.join(PRISM_BIN), "").unwrap();
        std::fs::write(dir.join("package-lock.json"), "{\"lockfileVersion\": 3}").unwrap();
        std::fs::write(dir.join(PRISM_STAMP), "{\"lockfileVersion\": 3}").unwrap();
        let result = ensure_prism(&root);
        std::fs::remove_dir_all(&root).unwrap();
        result.unwrap();
    }
}
