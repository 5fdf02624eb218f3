//! `cargo xtask test`: the one command that runs every test on a fresh
//! machine. It installs what the tests need (cargo-insta, pinned) when it is
//! missing or at another version, then runs the whole workspace's tests with
//! insta in check mode, rejecting orphan snapshots.

use std::process::Command;

use crate::Error;

/// The cargo-insta version the snapshots are reviewed and checked with; keep
/// it equal to the `insta` version in Cargo.lock.
pub const CARGO_INSTA_VERSION: &str = "1.49.0";

/// `cargo`, the one running this xtask when there is one.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Install cargo-insta at [`CARGO_INSTA_VERSION`] unless it is already there.
pub fn ensure_cargo_insta() -> Result<(), Error> {
    ensure_cargo_tool("insta", "cargo-insta", CARGO_INSTA_VERSION)
}

/// Install the cargo subcommand `cargo <subcommand>` from the crate `package`
/// at exactly `version` (`cargo install --locked`), unless
/// `cargo <subcommand> --version` already prints `<package> <version>`.
pub fn ensure_cargo_tool(subcommand: &str, package: &str, version: &str) -> Result<(), Error> {
    let installed = cargo()
        .args([subcommand, "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if installed.as_deref() == Some(&format!("{package} {version}")) {
        return Ok(());
    }
    eprintln!("installing {package} {version} (found: {installed:?})");
    let status = cargo()
        .args(["install", package, "--locked", "--version", version])
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo install: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!("cargo install {package} failed")));
    }
    Ok(())
}

/// Run every test of the workspace (unit, integration, snapshot, doctests).
pub fn run(extra: &[String]) -> Result<(), Error> {
    ensure_cargo_insta()?;
    let status = cargo()
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
    if status.success() {
        Ok(())
    } else {
        Err(Error::new("tests failed"))
    }
}
