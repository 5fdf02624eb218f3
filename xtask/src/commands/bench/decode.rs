//! `cargo xtask bench-decode`: decode and encode throughput of the models,
//! side by side in one criterion run on the same bytes, against
//! `serde_json::Value` and against plain progenitor's types for the same
//! schemas.
//!
//! criterion stays out of the project's dependency graph: the command writes
//! a scratch workspace under `target/bench-decode/` (its own `[workspace]`,
//! with the project's `Cargo.lock` copied in so that shared dependencies
//! resolve to the same versions) holding
//!
//! - `baseline/`: plain progenitor's `types` module for the normalized
//!   `openapi/` document ([`crate::commands::bench::generate::plain_progenitor`]);
//! - `bench/`: the criterion bench (`xtask/bench-decode/decode.rs`), which
//!   depends on `cozmox-models` by path and on `baseline`;
//! - `data/`: the inputs, made from the example Session of seed 003
//!   ([`inputs`]);
//!
//! then runs `cargo bench` there and prints a table read from criterion's
//! sample files. It is a benchmark, never a test.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::generate as bench;
use crate::Error;

/// The criterion version the bench is written for (pinned: the scratch
/// workspace resolves it afresh, outside the project's `Cargo.lock`).
pub const CRITERION_VERSION: &str = "=0.8.2";

/// The bench's source, written as `bench/benches/decode.rs`.
const BENCH_SOURCE: &str = include_str!("../../../bench-decode/decode.rs");

/// The instruction counter's source, written as
/// `bench/examples/instructions.rs` (run under valgrind by
/// `--instructions`).
const INSTRUCTIONS_SOURCE: &str = include_str!("../../../bench-decode/instructions.rs");

/// The inputs' names (`data/<name>.json`), in the order they are reported.
pub const INPUTS: [&str; 3] = ["session-seed", "session-valid", "page-100"];

/// How many sessions the page holds.
pub const PAGE_LEN: usize = 100;

/// The example Session responses in the text of seed 003: each JSON object
/// that starts with an `"id"` key (the `{id}` of the curl line is not JSON).
pub fn seed_examples(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = find_object_start(rest) {
        let mut stream = serde_json::Deserializer::from_str(&rest[pos..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                rest = &rest[pos + stream.byte_offset()..];
                out.push(v);
            }
            _ => break,
        }
    }
    out
}

fn find_object_start(s: &str) -> Option<usize> {
    s.match_indices('{')
        .map(|(i, _)| i)
        .find(|&i| s[i + 1..].trim_start().starts_with("\"id\""))
}

/// The seed 003 file, `../shared/seeds/003_*.txt` beside the project.
pub fn seed_file(root: &Path) -> Result<PathBuf, Error> {
    let dir = root.join("../shared/seeds");
    let found = std::fs::read_dir(&dir)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("003_") && n.ends_with(".txt"))
        });
    found.ok_or_else(|| {
        Error::new(format!(
            "bench-decode needs the example Session of seed 003 ({}/003_*.txt)",
            dir.display()
        ))
    })
}

/// The seed's example turned into a Session that `openapi/schemas/` accepts,
/// so that plain progenitor's strict types decode it too. The example is
/// documentation-generated and breaks the schema in two places; only those
/// change (nothing is added, the size stays within a few bytes):
///
/// - `messages[0].role` is the placeholder `"<string>"`, but `role` is an enum
///   (`system`, `user`, …) that selects the message type: it becomes `"user"`
///   (plain progenitor rejects the placeholder, as no member of its untagged
///   `SessionMessagesItem` accepts it);
/// - `customer.extension` is `null` where the schema says string: it is
///   removed (both decoders accept the `null`).
pub fn valid_session(seed: &Value) -> Value {
    let mut session = seed.clone();
    if let Some(role) = session.pointer_mut("/messages/0/role")
        && role == "<string>"
    {
        *role = json!("user");
    }
    if let Some(customer) = session.get_mut("customer").and_then(Value::as_object_mut)
        && customer.get("extension").is_some_and(Value::is_null)
    {
        customer.shift_remove("extension");
    }
    session
}

/// A `GET /session` response (`SessionPaginatedResponse`): `n` sessions made
/// from `session`, each with its own id, name, timestamps, status and
/// expiration, and the pagination metadata.
pub fn page(session: &Value, n: usize) -> Value {
    let results: Vec<Value> = (0..n)
        .map(|i| {
            let mut s = session.clone();
            if let Some(obj) = s.as_object_mut() {
                let minute = i % 60;
                let hour = (i / 60) % 24;
                obj.insert("id".into(), json!(pseudo_uuid(i as u64)));
                obj.insert("name".into(), json!(format!("support line {i}")));
                obj.insert(
                    "createdAt".into(),
                    json!(format!("2023-11-07T{hour:02}:{minute:02}:56Z")),
                );
                obj.insert(
                    "updatedAt".into(),
                    json!(format!(
                        "2023-11-08T{hour:02}:{minute:02}:{:02}.250Z",
                        i % 60
                    )),
                );
                obj.insert(
                    "status".into(),
                    json!(if i % 3 == 0 { "completed" } else { "active" }),
                );
                obj.insert("expirationSeconds".into(), json!(3600 * (1 + i % 24)));
                if obj.contains_key("assistantId") {
                    obj.insert(
                        "assistantId".into(),
                        json!(pseudo_uuid(1_000 + (i % 7) as u64)),
                    );
                }
            }
            s
        })
        .collect();
    json!({
        "results": results,
        "metadata": {"itemsPerPage": n, "totalItems": 10 * n, "currentPage": 1},
    })
}

/// A deterministic UUID-shaped id for item `i`.
fn pseudo_uuid(i: u64) -> String {
    let mut x = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        x ^ (x >> 29)
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// The bench's inputs by name ([`INPUTS`]), compact JSON: the seed's example
/// as published, the valid Session, and a page of [`PAGE_LEN`] sessions.
pub fn inputs(seed_text: &str) -> Result<BTreeMap<&'static str, String>, Error> {
    let seed = seed_examples(seed_text)
        .into_iter()
        .next()
        .ok_or_else(|| Error::new("seed 003 holds no example Session"))?;
    let valid = valid_session(&seed);
    let page = page(&valid, PAGE_LEN);
    let mut out = BTreeMap::new();
    for (name, value) in INPUTS.into_iter().zip([&seed, &valid, &page]) {
        let text = serde_json::to_string(value)
            .map_err(|e| Error::new(format!("cannot encode {name}: {e}")))?;
        out.insert(name, text);
    }
    Ok(out)
}

/// Only the `types` module of plain progenitor's output (its client would
/// pull reqwest into the bench build and is not measured).
pub fn baseline_types(code: &str) -> Result<String, Error> {
    let file: syn::File =
        syn::parse_str(code).map_err(|e| Error::new(format!("plain progenitor output: {e}")))?;
    let types: Vec<syn::Item> = file
        .items
        .into_iter()
        .filter(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .collect();
    if types.is_empty() {
        return Err(Error::new("plain progenitor output has no `types` module"));
    }
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: types,
    };
    Ok(format!(
        "//! Plain progenitor's types (default settings) for the normalized openapi/\n//! document: the baseline of `cargo xtask bench-decode`.\n#![allow(warnings)]\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The scratch workspace's files (paths relative to it), except the copied
/// `Cargo.lock`.
pub fn workspace_files(
    root: &Path,
    baseline: String,
    inputs: &BTreeMap<&'static str, String>,
) -> Result<BTreeMap<PathBuf, String>, Error> {
    let models = super::project_crate(root, "cozmox-models")?;
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("Cargo.toml"),
        "# Written by `cargo xtask bench-decode`; a scratch workspace, not part of the project.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\"baseline\", \"bench\"]\n\n\
         [profile.bench]\ndebug = \"line-tables-only\"\n"
            .to_owned(),
    );
    files.insert(
        PathBuf::from("baseline/Cargo.toml"),
        format!(
            "[package]\nname = \"baseline\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}{}{}",
            super::dep("serde")?,
            super::dep("serde_json")?,
            super::dep("chrono")?
        ),
    );
    files.insert(PathBuf::from("baseline/src/lib.rs"), baseline);
    files.insert(
        PathBuf::from("bench/Cargo.toml"),
        format!(
            "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ncozmox-models = {{ path = {models:?} }}\nbaseline = {{ path = \"../baseline\" }}\n{}{}{}\
             criterion = {{ version = \"{CRITERION_VERSION}\", default-features = false, features = [\"cargo_bench_support\"] }}\n\n\
             [lib]\npath = \"src/lib.rs\"\nbench = false\n\n\
             [[bench]]\nname = \"decode\"\nharness = false\n",
            super::dep("serde")?,
            super::dep("serde_json")?,
            super::dep("serde_path_to_error")?
        ),
    );
    files.insert(
        PathBuf::from("bench/src/lib.rs"),
        "//! Nothing: the bench is `benches/decode.rs`.\n".to_owned(),
    );
    files.insert(
        PathBuf::from("bench/benches/decode.rs"),
        BENCH_SOURCE.to_owned(),
    );
    files.insert(
        PathBuf::from("bench/examples/instructions.rs"),
        INSTRUCTIONS_SOURCE.to_owned(),
    );
    for (name, text) in inputs {
        files.insert(PathBuf::from(format!("data/{name}.json")), text.clone());
    }
    Ok(files)
}

/// Criterion's measurement settings: its defaults, or short ones for a quick
/// look (`--quick`).
fn criterion_args(quick: bool) -> Vec<&'static str> {
    let mut args = vec!["--noplot"];
    if quick {
        args.extend([
            "--warm-up-time",
            "1",
            "--measurement-time",
            "2",
            "--sample-size",
            "20",
        ]);
    }
    args
}

/// What `cargo xtask bench-decode` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Short measurements (criterion defaults otherwise).
    pub quick: bool,
    /// Also count instructions per operation with valgrind (callgrind).
    pub instructions: bool,
    /// A criterion filter: only the benchmarks whose id matches.
    pub filter: Option<String>,
    /// How many times to run the whole bench; the samples of all rounds are
    /// pooled, so a burst of load during one contender's turn weighs less.
    pub rounds: usize,
}

/// Add one round's samples to those of the rounds before.
pub fn merge(pooled: &mut Vec<Measured>, round: Vec<Measured>) {
    for m in round {
        match pooled
            .iter_mut()
            .find(|p| p.group == m.group && p.contender == m.contender)
        {
            Some(p) => {
                p.per_iter_ns.extend(m.per_iter_ns);
                p.per_iter_ns.sort_by(f64::total_cmp);
            }
            None => pooled.push(m),
        }
    }
}

fn remove(path: &Path) -> Result<(), Error> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else if path.exists() {
        std::fs::remove_file(path)
    } else {
        Ok(())
    }
    .map_err(|e| Error::new(format!("cannot remove {}: {e}", path.display())))
}

/// Write the scratch workspace, run the bench and print the table.
pub fn run(root: &Path, options: &Options) -> Result<(), Error> {
    let work = root.join("target/bench-decode");
    let seed_path = seed_file(root)?;
    let seed_text = std::fs::read_to_string(&seed_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", seed_path.display())))?;
    let inputs = inputs(&seed_text)?;
    let baseline = baseline_types(&bench::plain_progenitor(&bench::baseline_document(
        &root.join("openapi"),
    )?)?)?;
    let files = workspace_files(root, baseline, &inputs)?;
    let target_dir = super::scratch_workspace(root, &work, &files)?;
    let criterion_home = work.join("criterion");
    let notes_path = work.join("notes.txt");
    remove(&criterion_home)?;
    remove(&notes_path)?;

    let mut args = vec!["bench", "-p", "bench", "--bench", "decode", "--"];
    args.extend(criterion_args(options.quick));
    args.extend(options.filter.as_deref());
    let rounds = options.rounds.max(1);
    let mut results: Vec<Measured> = Vec::new();
    for round in 1..=rounds {
        if rounds > 1 {
            eprintln!("bench-decode: round {round} of {rounds}");
        }
        let status = crate::commands::cargo()
            .args(&args)
            .current_dir(&work)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("CRITERION_HOME", &criterion_home)
            .status()
            .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
        if !status.success() {
            return Err(Error::new(format!(
                "cargo {} failed in {}",
                args.join(" "),
                work.display()
            )));
        }
        merge(&mut results, read_results(&criterion_home)?);
    }

    if options.instructions {
        count_all(&work, &target_dir, &mut results)?;
    }
    let notes = std::fs::read_to_string(&notes_path).unwrap_or_default();
    println!();
    println!(
        "bench-decode ({}, {rounds} round{}): inputs {}",
        if options.quick {
            "quick"
        } else {
            "criterion defaults"
        },
        if rounds == 1 { "" } else { "s" },
        INPUTS
            .iter()
            .map(|n| format!("{n} {} B", inputs.get(n).map_or(0, String::len)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    print!("{}", table(&results, &notes));
    Ok(())
}

/// Build the instruction counter and count every measured benchmark.
fn count_all(work: &Path, target_dir: &Path, results: &mut [Measured]) -> Result<(), Error> {
    let status = crate::commands::cargo()
        .args([
            "build",
            "--quiet",
            "--profile",
            "bench",
            "-p",
            "bench",
            "--example",
            "instructions",
        ])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target_dir)
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Error::new("cannot build the instruction counter"));
    }
    let exe = target_dir.join("release/examples/instructions");
    for m in results.iter_mut() {
        let (op, input) = m.group.split_once('/').unwrap_or(("", ""));
        eprintln!("counting instructions: {}/{}", m.group, m.contender);
        m.instructions = Some(instructions(&exe, input, op, &m.contender)?);
    }
    Ok(())
}

/// Instructions per operation: the difference between two callgrind runs
/// with different counts, so that setup (reading, decoding once before
/// encoding) cancels out.
pub fn instructions(exe: &Path, input: &str, op: &str, contender: &str) -> Result<f64, Error> {
    let (few, many) = if input.starts_with("page") {
        (1u32, 3u32)
    } else {
        (20, 120)
    };
    let collected = |count: u32| -> Result<u64, Error> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(exe)
            .args([input, op, contender, &count.to_string()])
            .output()
            .map_err(|e| {
                Error::new(format!(
                    "cannot run valgrind (`apt-get install valgrind`): {e}"
                ))
            })?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(Error::new(format!(
                "valgrind failed on {input} {op} {contender}: {stderr}"
            )));
        }
        stderr
            .lines()
            .find_map(|l| {
                l.split_once("Collected : ")
                    .map(|(_, n)| n.trim().to_owned())
            })
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| Error::new(format!("no instruction count from valgrind: {stderr}")))
    };
    let (a, b) = (collected(few)?, collected(many)?);
    Ok(b.saturating_sub(a) as f64 / f64::from(many - few))
}

/// One benchmark's samples, read back from criterion's files.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// `decode/<input>` or `encode/<input>`.
    pub group: String,
    /// The contender: `value`, `cozmox`, `cozmox-decode`, `progenitor`.
    pub contender: String,
    /// Bytes per iteration (criterion's `Throughput::Bytes`).
    pub bytes: u64,
    /// Nanoseconds per iteration, one per sample, sorted.
    pub per_iter_ns: Vec<f64>,
    /// Instructions per iteration (valgrind), when counted.
    pub instructions: Option<f64>,
}

impl Measured {
    /// Min and median nanoseconds per iteration.
    pub fn min_median(&self) -> (f64, f64) {
        let v = &self.per_iter_ns;
        let min = v.first().copied().unwrap_or(f64::NAN);
        let median = if v.is_empty() {
            f64::NAN
        } else if v.len() % 2 == 1 {
            v[v.len() / 2]
        } else {
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        (min, median)
    }

    /// Throughput in MB/s (10^6 bytes) at `ns` per iteration.
    pub fn mb_per_s(&self, ns: f64) -> f64 {
        self.bytes as f64 / ns * 1e3
    }
}

fn read_json_file(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::new(format!("cannot parse {}: {e}", path.display())))
}

/// Every benchmark under criterion's output folder: each `new/benchmark.json`
/// names it and gives its throughput, `new/sample.json` beside it holds
/// the iteration counts and total times of the samples.
pub fn read_results(criterion_home: &Path) -> Result<Vec<Measured>, Error> {
    let mut found = Vec::new();
    collect_benchmark_files(criterion_home, &mut found)?;
    let mut out = Vec::new();
    for bench_file in found {
        let meta = read_json_file(&bench_file)?;
        let sample = read_json_file(&bench_file.with_file_name("sample.json"))?;
        let field = |v: &Value, key: &str| -> Result<Value, Error> {
            v.get(key)
                .cloned()
                .ok_or_else(|| Error::new(format!("{}: no `{key}`", bench_file.display())))
        };
        let numbers = |v: Value| -> Vec<f64> {
            v.as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default()
        };
        let iters = numbers(field(&sample, "iters")?);
        let times = numbers(field(&sample, "times")?);
        let mut per_iter_ns: Vec<f64> = iters
            .iter()
            .zip(&times)
            .filter(|(n, _)| **n > 0.0)
            .map(|(n, t)| t / n)
            .collect();
        per_iter_ns.sort_by(f64::total_cmp);
        out.push(Measured {
            group: field(&meta, "group_id")?.as_str().unwrap_or("").to_owned(),
            contender: field(&meta, "function_id")?
                .as_str()
                .unwrap_or("")
                .to_owned(),
            bytes: meta
                .pointer("/throughput/Bytes")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            per_iter_ns,
            instructions: None,
        });
    }
    Ok(out)
}

fn collect_benchmark_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry
            .map_err(|e| Error::new(format!("cannot list {}: {e}", dir.display())))?
            .path();
        if path.is_dir() {
            collect_benchmark_files(&path, out)?;
        } else if path.ends_with("new/benchmark.json") {
            out.push(path);
        }
    }
    Ok(())
}

const CONTENDERS: [&str; 4] = ["value", "cozmox", "cozmox-decode", "progenitor"];

/// The summary, as a Markdown table: per input, operation and contender,
/// time per iteration and MB/s (min time / median time), and the ratio of
/// throughputs against `Value` and against plain progenitor (from the min
/// times / from the median times), and instructions per operation when
/// counted (ratios likewise: theirs over ours); then what was not timed, and
/// the targets.
pub fn table(results: &[Measured], notes: &str) -> String {
    let find = |group: &str, contender: &str| {
        results
            .iter()
            .find(|m| m.group == group && m.contender == contender)
    };
    let ratio = |a: &Measured, b: Option<&Measured>| match b {
        Some(b) => {
            let (a_min, a_med) = a.min_median();
            let (b_min, b_med) = b.min_median();
            format!("{:.2}× / {:.2}×", b_min / a_min, b_med / a_med)
        }
        None => "—".to_owned(),
    };
    let counted = results.iter().any(|m| m.instructions.is_some());
    let instr_ratio =
        |a: &Measured, b: Option<&Measured>| match (a.instructions, b.and_then(|b| b.instructions))
        {
            (Some(a), Some(b)) => format!("{:.2}×", b / a),
            _ => "—".to_owned(),
        };
    let mut out = String::from(
        "| input | op | contender | µs per op (min / median) | MB/s (at min / median) | vs Value | vs plain progenitor |",
    );
    if counted {
        out.push_str(" instructions per op | vs Value | vs plain progenitor |");
    }
    out.push_str("\n|---|---|---|---|---|---|---|");
    if counted {
        out.push_str("---|---|---|");
    }
    out.push('\n');
    let mut targets = String::new();
    for input in INPUTS {
        for op in ["decode", "encode"] {
            let group = format!("{op}/{input}");
            let value = find(&group, "value");
            let plain = find(&group, "progenitor");
            for contender in CONTENDERS {
                let Some(m) = find(&group, contender) else {
                    continue;
                };
                let (min, median) = m.min_median();
                let _ = write!(
                    out,
                    "| {input} | {op} | {contender} | {:.1} / {:.1} | {:.0} / {:.0} | {} | {} |",
                    min / 1e3,
                    median / 1e3,
                    m.mb_per_s(min),
                    m.mb_per_s(median),
                    ratio(m, value),
                    ratio(m, plain),
                );
                if counted {
                    let _ = write!(
                        out,
                        " {} | {} | {} |",
                        m.instructions
                            .map_or("—".to_owned(), |n| format!("{:.0}k", n / 1e3)),
                        instr_ratio(m, value),
                        instr_ratio(m, plain),
                    );
                }
                out.push('\n');
            }
            if op != "decode" {
                continue;
            }
            for ours in ["cozmox", "cozmox-decode"] {
                let Some(ours) = find(&group, ours) else {
                    continue;
                };
                let _ = writeln!(
                    targets,
                    "{input}, {}: vs Value {} (target ≥ 1.5×: {}); vs plain progenitor {} (target ≥ 1.0×: {})",
                    ours.contender,
                    ratio(ours, value),
                    verdict(ours, value, 1.5),
                    ratio(ours, plain),
                    verdict(ours, plain, 1.0),
                );
            }
        }
    }
    out.push('\n');
    for line in notes.lines() {
        let mut parts = line.splitn(3, '\t');
        if let (Some(input), Some(who), Some(why)) = (parts.next(), parts.next(), parts.next()) {
            let _ = writeln!(
                out,
                "not timed: {who} on {input}: it rejects the input {why}"
            );
        }
    }
    out.push_str("\ndecode targets (ratios from min / median times):\n");
    out.push_str(&targets);
    out
}

/// Whether `ours` is at least `factor` times as fast as `other`, on the
/// median (and on the min, to tell a clear result from a noisy one).
fn verdict(ours: &Measured, other: Option<&Measured>, factor: f64) -> &'static str {
    let Some(other) = other else {
        return "not measured";
    };
    let (o_min, o_med) = ours.min_median();
    let (t_min, t_med) = other.min_median();
    match (t_min / o_min >= factor, t_med / o_med >= factor) {
        (true, true) => "met",
        (false, false) => "not met",
        _ => "met on one of min / median only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_objects_that_start_with_id() {
        let text = "curl --url https://x/session/{id} \\\n{\n\"id\": \"a\", \"n\": {\"id\": 1}\n}\ntext {\"id\": \"b\"} end";
        let found = seed_examples(text);
        assert_eq!(
            found,
            vec![json!({"id": "a", "n": {"id": 1}}), json!({"id": "b"})]
        );
    }

    #[test]
    fn the_valid_session_fixes_only_the_placeholders_that_break_the_schema() {
        let seed = json!({"id": "s", "messages": [{"role": "<string>", "message": "<string>"}],
                          "customer": {"extension": null, "name": "<string>"}});
        let valid = valid_session(&seed);
        assert_eq!(
            valid,
            json!({"id": "s", "messages": [{"role": "user", "message": "<string>"}],
                   "customer": {"name": "<string>"}})
        );
        assert_eq!(valid_session(&valid), valid, "nothing else changes");
    }

    #[test]
    fn the_page_varies_ids_and_keeps_the_shape() {
        let session =
            json!({"id": "x", "orgId": "o", "assistantId": "a", "assistant": {"name": "n"}});
        let page = page(&session, 100);
        let results = page["results"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(results.len(), 100);
        let ids: std::collections::BTreeSet<&str> =
            results.iter().filter_map(|s| s["id"].as_str()).collect();
        assert_eq!(ids.len(), 100, "every id is distinct");
        assert!(
            results
                .iter()
                .all(|s| s["assistant"] == session["assistant"])
        );
        assert_eq!(page["metadata"]["itemsPerPage"], json!(100));
    }

    #[test]
    fn keeps_only_the_types_module() {
        let code = "pub use a::b;\npub mod types { pub struct S; }\npub struct Client;";
        let out = baseline_types(code).unwrap_or_default();
        assert!(out.contains("pub mod types"), "{out}");
        assert!(!out.contains("Client") && !out.contains("pub use"), "{out}");
    }

    #[test]
    fn rounds_pool_their_samples() {
        let m = |contender: &str, ns: &[f64]| Measured {
            group: "decode/page-100".into(),
            contender: contender.into(),
            bytes: 10,
            per_iter_ns: ns.to_vec(),
            instructions: None,
        };
        let mut pooled = Vec::new();
        merge(
            &mut pooled,
            vec![m("value", &[5.0, 9.0]), m("cozmox", &[3.0])],
        );
        merge(&mut pooled, vec![m("value", &[4.0, 6.0, 7.0])]);
        assert_eq!(pooled.len(), 2);
        assert_eq!(pooled[0].per_iter_ns, [4.0, 5.0, 6.0, 7.0, 9.0]);
        assert_eq!(pooled[0].min_median(), (4.0, 6.0));
    }

    #[test]
    fn summarises_min_median_and_ratios() {
        let m = |contender: &str, ns: &[f64]| Measured {
            group: "decode/session-valid".into(),
            contender: contender.into(),
            bytes: 1000,
            per_iter_ns: ns.to_vec(),
            instructions: None,
        };
        let results = [
            m("value", &[4000.0, 5000.0, 6000.0]),
            m("cozmox", &[2000.0, 2500.0, 9000.0]),
            m("progenitor", &[2000.0, 3000.0, 3100.0]),
        ];
        assert_eq!(results[1].min_median(), (2000.0, 2500.0));
        assert_eq!(results[1].mb_per_s(2000.0), 500.0);
        let text = table(&results, "session-seed\tprogenitor\tat `a.b`: bad\n");
        assert!(!text.contains("instructions"), "{text}");
        assert!(
            text.contains("| session-valid | decode | cozmox | 2.0 / 2.5 | 500 / 400 | 2.00× / 2.00× | 1.00× / 1.20× |"),
            "{text}"
        );
        assert!(
            text.contains("not timed: progenitor on session-seed"),
            "{text}"
        );
        let mut counted = results.clone();
        for (m, n) in counted.iter_mut().zip([3e6, 2e6, 1.5e6]) {
            m.instructions = Some(n);
        }
        let text_counted = table(&counted, "");
        assert!(
            text_counted.contains("| 1.00× / 1.20× | 2000k | 1.50× | 0.75× |"),
            "{text_counted}"
        );
        assert!(
            text.contains(
                "session-valid, cozmox: vs Value 2.00× / 2.00× (target ≥ 1.5×: met); vs plain progenitor 1.00× / 1.20× (target ≥ 1.0×: met)"
            ),
            "{text}"
        );
    }
}
