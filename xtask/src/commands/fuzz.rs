//! `cargo xtask fuzz`: run a libFuzzer target of `tests/fuzz/` for a while.
//!
//! It installs the pinned cargo-fuzz when it is missing or at another version,
//! builds the target with `cargo fuzz build` (instrumented; optimized with
//! debug assertions and overflow checks; no sanitizer by default, since the
//! models are safe Rust; `RUSTC_BOOTSTRAP=1` lets the stable toolchain take
//! cargo-fuzz's `-Z` flags), then runs it for the given time on the committed
//! seeds (`tests/fuzz/seeds/<target>/`) plus a working corpus kept under
//! `target/fuzz/`, with a dictionary of the spec's property names and enum
//! values. libFuzzer's line per new input is left out; the command ends with
//! a summary (inputs run, per second, coverage). A failing input fails the
//! command, and is saved under `target/fuzz/artifacts/<target>/`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::Error;
use crate::commands::{cargo, ensure_cargo_tool};

/// The cargo-fuzz version the fuzz targets are built with.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The fuzz crate, relative to the workspace root (its own workspace).
pub const FUZZ_DIR: &str = "tests/fuzz";

/// What to fuzz, and how long.
#[derive(Clone, Debug)]
pub struct Options {
    /// The fuzz target (a file of `tests/fuzz/fuzz_targets/`).
    pub target: String,
    /// How long libFuzzer runs, in seconds (the build is not counted).
    pub seconds: u64,
    /// `none` or a sanitizer cargo-fuzz knows (`address`…).
    pub sanitizer: String,
    /// Extra libFuzzer arguments (`-jobs=2`, `-seed=1`…).
    pub extra: Vec<String>,
}

/// Install cargo-fuzz at [`CARGO_FUZZ_VERSION`] unless it is already there.
pub fn ensure_cargo_fuzz() -> Result<(), Error> {
    ensure_cargo_tool("fuzz", "cargo-fuzz", CARGO_FUZZ_VERSION)
}

/// Build and run the fuzz target of `options` in the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<(), Error> {
    ensure_cargo_fuzz()?;
    let target = &options.target;
    let work = root.join("target/fuzz");
    let corpus = work.join("corpus").join(target);
    let artifacts = work.join("artifacts").join(target);
    let seeds = root.join(FUZZ_DIR).join("seeds").join(target);
    let dict = work.join(format!("{target}.dict"));
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::new(format!("cannot create {}: {e}", dir.display())))?;
    }
    // The target decodes the fixture's models (see tests/fuzz/Cargo.toml).
    let spec = root.join(super::generate::FIXTURE_DIR).join("openapi");
    std::fs::write(&dict, dictionary(&spec)?)
        .map_err(|e| Error::new(format!("cannot write {}: {e}", dict.display())))?;

    let start = Instant::now();
    let status = cargo_fuzz(root, "build", options)
        .arg(target)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo fuzz: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!("cargo fuzz build {target} failed")));
    }
    let build_seconds = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut child = cargo_fuzz(root, "run", options)
        .arg(target)
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-timeout=10")
        .arg(format!("-dict={}", dict.display()))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .args(&options.extra)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("cannot run cargo fuzz: {e}")))?;
    let mut stats = Stats::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if stats.read(&line) {
                eprintln!("{line}");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error::new(format!("cargo fuzz run: {e}")))?;
    let run_seconds = start.elapsed().as_secs_f64();
    println!(
        "fuzz: {target}: {} inputs in {run_seconds:.0} s ({} per second), coverage {} of {} edges ({} features), corpus {} inputs; build {build_seconds:.0} s",
        stats.get("number_of_executed_units"),
        stats.get("average_exec_per_sec"),
        stats.get("cov"),
        stats.get("edges"),
        stats.get("ft"),
        stats.get("corp"),
    );
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "fuzz target {target} failed; the input is in {} (replay it with `cargo fuzz run --fuzz-dir {FUZZ_DIR} {target} FILE`; once fixed, add it to {FUZZ_DIR}/seeds/{target}/, which the test suite replays)",
            artifacts.display()
        )))
    }
}

/// `cargo fuzz <command>` with the options every command of this module
/// shares.
fn cargo_fuzz(root: &Path, command: &str, options: &Options) -> Command {
    let mut cmd = cargo();
    cmd.current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", command, "--fuzz-dir", FUZZ_DIR])
        .args(["--target-dir", "target/fuzz"])
        .args(["--sanitizer", &options.sanitizer]);
    cmd
}

/// The figures of a libFuzzer run, read from its output.
#[derive(Default, Debug)]
struct Stats {
    figures: Vec<(String, String)>,
}

impl Stats {
    /// Take the figures out of one line of libFuzzer's output; false for a
    /// line not worth showing (one per new or reduced input, and the
    /// recommended dictionary).
    fn read(&mut self, line: &str) -> bool {
        if let Some(counters) = line
            .strip_prefix("INFO: Loaded 1 modules")
            .and_then(|rest| rest.trim_start().strip_prefix('('))
            .and_then(|rest| rest.split_whitespace().next())
        {
            self.set("edges", counters);
        }
        if line.trim_start().starts_with("NEW_FUNC") {
            return false;
        }
        if let Some(stat) = line.strip_prefix("stat::") {
            if let Some((name, value)) = stat.split_once(':') {
                self.set(name.trim(), value.trim());
            }
            return true;
        }
        let Some(rest) = line
            .strip_prefix('#')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        else {
            return !line.contains("# Uses: ");
        };
        let mut words = rest.split_whitespace();
        let _count = words.next();
        let event = words.next().unwrap_or_default();
        let words: Vec<&str> = words.collect();
        for pair in words.chunks(2) {
            if let [name, value] = pair {
                let value = value.split('/').next().unwrap_or_default();
                self.set(name.trim_end_matches(':'), value);
            }
        }
        !matches!(event, "NEW" | "REDUCE")
    }

    fn set(&mut self, name: &str, value: &str) {
        match self.figures.iter_mut().find(|(n, _)| n == name) {
            Some(figure) => figure.1 = value.to_owned(),
            None => self.figures.push((name.to_owned(), value.to_owned())),
        }
    }

    fn get(&self, name: &str) -> &str {
        self.figures
            .iter()
            .find(|(n, _)| n == name)
            .map_or("?", |(_, v)| v.as_str())
    }
}

/// A libFuzzer dictionary for JSON documents of the spec in `openapi`:
/// every property name and string enum value of `openapi/schemas/*.json` as a
/// JSON string, and the JSON tokens and values that exercise the decoders'
/// edges (huge and negative numbers, escapes, date-times with offsets).
pub fn dictionary(openapi: &Path) -> Result<String, Error> {
    let mut words = BTreeSet::new();
    for path in schema_files(&openapi.join(crate::pipeline::load::SCHEMAS_DIR))? {
        let schema = crate::pipeline::load::read_json(&path)?;
        collect_words(&schema, &mut words);
    }
    let mut out = String::from(
        "# libFuzzer dictionary written by `cargo xtask fuzz` from the spec's schemas.\n",
    );
    for token in EDGE_TOKENS {
        out.push_str(&dict_entry(token));
    }
    for word in &words {
        out.push_str(&dict_entry(&Value::String(word.clone()).to_string()));
    }
    Ok(out)
}

/// JSON tokens and values at the edges of what the decoders take.
const EDGE_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"\"",
    "null",
    "true",
    "false",
    "-0",
    "0.0",
    "1e308",
    "1e-400",
    "-1",
    "9007199254740993",
    "18446744073709551616",
    "-9223372036854775809",
    "1.5e300",
    "\\u0000",
    "\\ud800",
    "\\u00e9",
    "\\\"",
    "\"2023-11-07T05:31:56Z\"",
    "\"2023-11-07T05:31:56.123456789+14:00\"",
    "\"0000-01-01T00:00:00-23:59\"",
    "\"9999-12-31T23:59:60Z\"",
];

fn schema_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn collect_words(schema: &Value, words: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("properties", Value::Object(props)) => {
                        words.extend(props.keys().cloned());
                    }
                    ("enum", Value::Array(values)) => {
                        words.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    ("const", Value::String(s)) => {
                        words.insert(s.clone());
                    }
                    _ => {}
                }
                collect_words(value, words);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_words(item, words);
            }
        }
        _ => {}
    }
}

/// One dictionary line: the bytes of `token` quoted, with `"`, `\` and
/// bytes outside printable ASCII escaped as libFuzzer reads them.
fn dict_entry(token: &str) -> String {
    let mut out = String::from("\"");
    for b in token.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out.push_str("\"\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_entries_escape_quotes_backslashes_and_bytes() {
        assert_eq!(dict_entry(r#""orgId""#), "\"\\\"orgId\\\"\"\n");
        assert_eq!(dict_entry(r"\u0000"), "\"\\\\u0000\"\n");
        assert_eq!(dict_entry("é"), "\"\\xC3\\xA9\"\n");
    }

    #[test]
    fn dictionary_has_the_specs_names_and_enum_values() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(crate::commands::generate::FIXTURE_DIR)
            .join("openapi");
        let dict = dictionary(&root).expect("dictionary");
        assert!(dict.contains("\"\\\"orgId\\\"\"\n"), "a property name");
        assert!(dict.contains("\"\\\"assembly-ai\\\"\"\n"), "an enum value");
        assert!(dict.contains("\"1e308\"\n"), "an edge token");
    }

    #[test]
    fn stats_are_read_and_new_input_lines_hidden() {
        let mut stats = Stats::default();
        assert!(!stats.read("#4096\tNEW    cov: 10 ft: 20 corp: 3/4Kb lim: 9 exec/s: 5 rss: 1Mb"));
        assert!(stats.read(
            "#106215\tDONE   cov: 18835 ft: 43680 corp: 2282/21Mb lim: 19729 exec/s: 1741 rss: 77Mb"
        ));
        assert!(stats.read("stat::number_of_executed_units: 106215"));
        assert!(!stats.read("\"tempe\" # Uses: 9"));
        assert!(stats.read("INFO: Seed: 1"));
        assert!(
            stats
                .read("INFO: Loaded 1 modules   (83625 inline 8-bit counters): 83625 [0x1, 0x2), ")
        );
        assert!(!stats.read("\tNEW_FUNC[1/2]: 0x55763a4bfb41"));
        assert_eq!(stats.get("edges"), "83625");
        assert_eq!(stats.get("cov"), "18835");
        assert_eq!(stats.get("corp"), "2282");
        assert_eq!(stats.get("number_of_executed_units"), "106215");
        assert_eq!(stats.get("average_exec_per_sec"), "?");
    }
}
