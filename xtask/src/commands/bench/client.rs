//! `cargo xtask bench-client`: the client's overhead on `GET /session/{id}`
//! against a local server, through `cozmox_client` vs. a bare `reqwest` call
//! decoding the same bytes into `serde_json::Value`, side by side in one run,
//! with a third side: the bare call decoding into the models' `Session`, as
//! the client does (the client's own cost, apart from decoding).
//!
//! Like [`crate::commands::bench::decode`], the bench stays out of the project's
//! dependency graph: the command writes a scratch workspace under
//! `target/bench-client/` (its own `[workspace]`, the project's `Cargo.lock`
//! copied in) holding `bench/` (the program, `xtask/bench-client/main.rs`,
//! depending on `cozmox-client` and `cozmox-models` by path) and
//! `data/session.json` (the
//! example Session of seed 003, as published), builds it with the release
//! profile, then runs it (not while compiling) and prints min / median per
//! request for both sides and their ratio. It is a benchmark, never a test.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::decode as bench_decode;
use crate::Error;

/// The bench's source, written as `bench/src/main.rs`.
const BENCH_SOURCE: &str = include_str!("../../../bench-client/main.rs");

/// The target: the client's median per request at most 5 % above the bare
/// call's.
pub const TARGET_OVERHEAD: f64 = 0.05;

/// What `cargo xtask bench-client` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rounds: in each, a block of requests per side, the first side
    /// alternating from round to round.
    pub rounds: usize,
    /// Requests per side per round.
    pub block: usize,
    /// Untimed requests per side before the first round.
    pub warmup: usize,
}

/// The scratch workspace's files (paths relative to it), except the copied
/// `Cargo.lock`; `session` is the body the server answers with.
pub fn workspace_files(root: &Path, session: String) -> Result<BTreeMap<PathBuf, String>, Error> {
    let client = super::project_crate(root, "cozmox-client")?;
    let models = super::project_crate(root, "cozmox-models")?;
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("Cargo.toml"),
        "# Written by `cargo xtask bench-client`; a scratch workspace, not part of the project.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\"bench\"]\n"
            .to_owned(),
    );
    files.insert(
        PathBuf::from("bench/Cargo.toml"),
        format!(
            "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ncozmox-client = {{ path = {client:?} }}\ncozmox-models = {{ path = {models:?} }}\n{}{}\
             tokio = {{ version = \"1.47\", default-features = false, features = [\"rt\", \"net\", \"io-util\"] }}\n",
            super::dep("reqwest")?,
            super::dep("serde_json")?,
        ),
    );
    files.insert(PathBuf::from("bench/src/main.rs"), BENCH_SOURCE.to_owned());
    files.insert(PathBuf::from("data/session.json"), session);
    Ok(files)
}

/// One side's figures, as the bench prints them (nanoseconds per request).
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// `cozmox-client`, `reqwest+Value` or `reqwest+Session`.
    pub name: String,
    /// Requests timed.
    pub count: u64,
    /// Fastest request.
    pub min: u64,
    /// Median (p50).
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// Mean.
    pub mean: u64,
    /// Connections the server accepted during the whole run (both sides).
    pub connections: u64,
}

/// Parse the bench's output: one tab-separated line per side.
pub fn parse(output: &str) -> Result<Vec<Side>, Error> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| -> Result<u64, Error> {
                f.get(i)
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| Error::new(format!("bench output: bad line `{line}`")))
            };
            Ok(Side {
                name: f.first().copied().unwrap_or_default().to_owned(),
                count: num(1)?,
                min: num(2)?,
                p50: num(3)?,
                p90: num(4)?,
                mean: num(5)?,
                connections: num(6)?,
            })
        })
        .collect()
}

/// The summary: a Markdown table (µs per request), the ratios of the
/// client's figures to each bare call's, and the verdict on the target
/// (against `reqwest+Value`, the baseline).
pub fn table(sides: &[Side]) -> String {
    let us = |ns: u64| ns as f64 / 1e3;
    let mut out = String::from(
        "| side | requests | µs per request: min | median (p50) | p90 | mean |\n|---|---|---|---|---|---|\n",
    );
    for s in sides {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            s.name,
            s.count,
            us(s.min),
            us(s.p50),
            us(s.p90),
            us(s.mean)
        );
    }
    let find = |name: &str| sides.iter().find(|s| s.name == name);
    let Some(client) = find("cozmox-client") else {
        return out;
    };
    out.push('\n');
    let ratio = |a: u64, b: u64| a as f64 / b as f64;
    for (name, what) in [
        ("reqwest+Value", "the issue's baseline"),
        ("reqwest+Session", "same decoding as the client"),
    ] {
        let Some(other) = find(name) else { continue };
        let p50 = ratio(client.p50, other.p50);
        let _ = write!(
            out,
            "cozmox-client / {name} ({what}): min {:.3}×, median {:.3}×, p90 {:.3}×; overhead at the median {:+.1} %",
            ratio(client.min, other.min),
            p50,
            ratio(client.p90, other.p90),
            (p50 - 1.0) * 100.0,
        );
        if name == "reqwest+Value" {
            let _ = write!(
                out,
                " (target ≤ {:.0} %: {})",
                TARGET_OVERHEAD * 100.0,
                if p50 <= 1.0 + TARGET_OVERHEAD {
                    "met"
                } else {
                    "not met"
                }
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "connections the server accepted, all sides: {}",
        client.connections
    );
    out
}

/// Write the scratch workspace, build the bench, run it and print the table.
pub fn run(root: &Path, options: &Options) -> Result<(), Error> {
    let work = root.join("target/bench-client");
    let seed_path = bench_decode::seed_file(root)?;
    let seed_text = std::fs::read_to_string(&seed_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", seed_path.display())))?;
    let session = bench_decode::inputs(&seed_text)?
        .remove("session-seed")
        .ok_or_else(|| Error::new("no seed Session"))?;
    let bytes = session.len();
    let files = workspace_files(root, session)?;
    let target_dir = super::scratch_workspace(root, &work, &files)?;
    let status = crate::commands::cargo()
        .args(["build", "--quiet", "--release", "-p", "bench"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!(
            "cannot build the bench in {}",
            work.display()
        )));
    }
    eprintln!(
        "bench-client: {} rounds of {} requests per side ({} warm-up), body {bytes} B",
        options.rounds, options.block, options.warmup
    );
    let out = Command::new(target_dir.join("release/bench"))
        .args([
            options.rounds.to_string(),
            options.block.to_string(),
            options.warmup.to_string(),
        ])
        .output()
        .map_err(|e| Error::new(format!("cannot run the bench: {e}")))?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "the bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let sides = parse(&String::from_utf8_lossy(&out.stdout))?;
    println!();
    print!("{}", table(&sides));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_bench_output_and_summarises_ratios() {
        let out = "cozmox-client\t1000\t40000\t52000\t60000\t53000\t3\n\
                   reqwest+Value\t1000\t39000\t50000\t58000\t51000\t3\n\
                   reqwest+Session\t1000\t36000\t40000\t50000\t45000\t3\n";
        let sides = parse(out).unwrap_or_default();
        assert_eq!(sides.len(), 3);
        assert_eq!(sides[0].p50, 52_000);
        let text = table(&sides);
        assert!(
            text.contains("| cozmox-client | 1000 | 40.0 | 52.0 | 60.0 | 53.0 |"),
            "{text}"
        );
        assert!(
            text.contains("reqwest+Value (the issue's baseline): min 1.026×, median 1.040×, p90 1.034×; overhead at the median +4.0 % (target ≤ 5 %: met)"),
            "{text}"
        );
        assert!(
            text.contains("reqwest+Session (same decoding as the client): min 1.111×, median 1.300×, p90 1.200×; overhead at the median +30.0 %\n"),
            "{text}"
        );
        assert!(text.contains("all sides: 3"), "{text}");
        assert!(parse("cozmox-client\tx\n").is_err());
    }
}
