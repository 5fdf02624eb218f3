//! `cargo xtask bench-gen`: side by side in one run, (1) the whole pipeline
//! against plain progenitor generating tokens for the same normalized
//! document, and (2) a clean build (`CARGO_INCREMENTAL=0`) of the generated
//! crates against plain progenitor's single-file output. Reports min and
//! median, and ratios; it is a benchmark, never a test. Run it as
//! `cargo xtask bench-gen`, so it measures the generator in the profile the
//! alias builds (it says which profile it runs in).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use progenitor_impl::{GenerationSettings, Generator};

use crate::Error;
use crate::pipeline::{self, Target};
use crate::pipeline::{client, emit, load, normalize, scaffold};

/// The profile this binary was built in: `dev` (debug assertions on, as the
/// `cargo xtask` alias builds it) or `release`.
pub const BUILD_PROFILE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "release"
};

/// Min and median of some durations, in seconds.
pub fn min_median(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let min = samples.first().map_or(0.0, Duration::as_secs_f64);
    let median = samples
        .get(samples.len() / 2)
        .map_or(0.0, Duration::as_secs_f64);
    (min, median)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T, Error>) -> Result<(f64, f64), Error> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(min_median(&mut samples))
}

/// The document plain progenitor gets: normalized, and without the
/// operations progenitor cannot express at all (which our client stage
/// generates by hand), since progenitor refuses the whole document otherwise.
pub fn baseline_document(input: &Path) -> Result<serde_json::Value, Error> {
    let mut doc = load::load(input)?.doc;
    normalize::normalize(&mut doc);
    let operations = crate::spec::operation_model::OperationModel::of(&doc);
    client::take_unsupported(&mut doc, &operations, "models", &Default::default())?;
    Ok(doc)
}

/// Plain progenitor (default settings) on [`baseline_document`].
pub fn plain_progenitor(doc: &serde_json::Value) -> Result<String, Error> {
    let spec = client::parse_openapi(doc)?;
    let tokens = crate::catch_panic("progenitor", || {
        Generator::new(&GenerationSettings::default())
            .generate_tokens(&spec)
            .map_err(|e| Error::new(format!("plain progenitor: {e}")))
    })?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::new(format!("plain progenitor output: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Run the benchmark and print its table.
/// `build`: the resource feature whose clean build alone is compared too
/// (`None`: no build comparison).
pub fn run(root: &Path, docs: &[PathBuf], runs: usize, build: Option<&str>) -> Result<(), Error> {
    let mut inputs = vec![root.join("openapi")];
    inputs.extend(docs.iter().cloned());
    println!(
        "bench-gen: {runs} runs each, seconds as min / median, in the {} profile{}",
        BUILD_PROFILE,
        if BUILD_PROFILE == "dev" {
            " (as `cargo xtask` runs the generator)"
        } else {
            " (not the one `cargo xtask` uses: run `cargo xtask bench-gen` for that)"
        }
    );
    println!(
        "{:<44} {:>17} {:>17} {:>7}",
        "input", "pipeline", "plain progenitor", "ratio"
    );
    for input in &inputs {
        let pipeline_t = time(runs, || pipeline::run_path(input, &Target::standalone()))?;
        let doc = baseline_document(input)?;
        let plain_t = time(runs, || {
            let spec = client::parse_openapi(&doc)?;
            crate::catch_panic("progenitor", || {
                Generator::new(&GenerationSettings::default())
                    .generate_tokens(&spec)
                    .map_err(|e| Error::new(format!("plain progenitor: {e}")))
            })
        })?;
        println!(
            "{:<44} {:>7.3} / {:>7.3} {:>7.3} / {:>7.3} {:>6.2}x",
            input.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
            pipeline_t.0,
            pipeline_t.1,
            plain_t.0,
            plain_t.1,
            pipeline_t.1 / plain_t.1.max(1e-9)
        );
    }
    if let Some(feature) = build {
        for input in inputs.iter().skip(1) {
            build_comparison(root, input, runs.clamp(1, 3), feature)?;
        }
    }
    Ok(())
}

fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<(), Error> {
    let status = crate::commands::cargo()
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "cargo {args:?} failed in {}",
            dir.display()
        )))
    }
}

/// Per crate, how long its unit took, read from the report `cargo build
/// --timings` writes (`target/cargo-timings/cargo-timing.html`, whose
/// `UNIT_DATA` is JSON): `(name, seconds)` for `crates`.
fn unit_times(target_dir: &Path, crates: &[&str]) -> Vec<(String, f64)> {
    let path = target_dir.join("cargo-timings/cargo-timing.html");
    let Ok(html) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let Some(data) = html
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(data, _)| format!("{data}]"))
    else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Array(units)) = serde_json::from_str(&data) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for unit in units {
        let name = unit["name"].as_str().unwrap_or_default();
        if crates.contains(&name) {
            out.push((name.to_string(), unit["duration"].as_f64().unwrap_or(0.0)));
        }
    }
    out
}

/// Clean builds, dependencies pre-built so only generated code is timed:
/// the generated crates with every feature (`full`) against plain
/// progenitor's single file, and with one resource `feature` against
/// `full`; each build's per-crate times from `--timings`.
fn build_comparison(root: &Path, input: &Path, runs: usize, feature: &str) -> Result<(), Error> {
    let work = root
        .join("target/bench-gen")
        .join(input.file_stem().and_then(|s| s.to_str()).unwrap_or("doc"));
    let target_dir = root.join("target/bench-gen/target");
    let ours = work.join("ours");
    let plain = work.join("plain");
    let generated = pipeline::run_path(input, &Target::standalone())?;
    emit::ensure_files(&ours, &generated.owned_dirs, &generated.files, false)?;

    let code = plain_progenitor(&baseline_document(input)?)?;
    let deps: String = scaffold::RUNTIME_DEPS
        .iter()
        .map(|(n, spec)| format!("{n} = {spec}\n"))
        .collect();
    let manifest = format!(
        "[package]\nname = \"plain-progenitor\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{deps}"
    );
    let files = std::collections::BTreeMap::from([
        (PathBuf::from("Cargo.toml"), manifest),
        (
            PathBuf::from("src/lib.rs"),
            format!("#![allow(warnings)]\n{code}"),
        ),
    ]);
    emit::ensure_files(&plain, &[], &files, false)?;

    let crates = ["api-models", "api-client"];
    let full = ["build", "--quiet", "--workspace", "--timings"];
    let one = [
        "build",
        "--quiet",
        "-p",
        "api-client",
        "--no-default-features",
        "--features",
        feature,
        "--timings",
    ];
    // Warm the dependencies once for all.
    cargo(&ours, &target_dir, &full)?;
    cargo(&plain, &target_dir, &["build", "--quiet"])?;
    let clean_ours = ["clean", "--quiet", "-p", "api-models", "-p", "api-client"];
    let (mut ours_t, mut one_t, mut plain_t) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ours_units, mut one_units) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        cargo(&ours, &target_dir, &clean_ours)?;
        let start = Instant::now();
        cargo(&ours, &target_dir, &full)?;
        ours_t.push(start.elapsed());
        ours_units.push(unit_times(&target_dir, &crates));
        cargo(&ours, &target_dir, &clean_ours)?;
        let start = Instant::now();
        cargo(&ours, &target_dir, &one)?;
        one_t.push(start.elapsed());
        one_units.push(unit_times(&target_dir, &crates));
        cargo(
            &plain,
            &target_dir,
            &["clean", "--quiet", "-p", "plain-progenitor"],
        )?;
        let start = Instant::now();
        cargo(&plain, &target_dir, &["build", "--quiet"])?;
        plain_t.push(start.elapsed());
    }
    let (o_min, o_med) = min_median(&mut ours_t);
    let (f_min, f_med) = min_median(&mut one_t);
    let (p_min, p_med) = min_median(&mut plain_t);
    println!(
        "clean build (debug, CARGO_INCREMENTAL=0) of {}:\n  generated crates, `full`: {o_min:.1} / {o_med:.1} s; plain progenitor {p_min:.1} / {p_med:.1} s; ratio {:.2}x (min) {:.2}x (median)\n  generated crates, `{feature}` alone: {f_min:.1} / {f_med:.1} s; against `full` {:.2}x (min) {:.2}x (median)",
        input.display(),
        o_min / p_min.max(1e-9),
        o_med / p_med.max(1e-9),
        f_min / o_min.max(1e-9),
        f_med / o_med.max(1e-9),
    );
    for (label, units) in [("full", &ours_units), (feature, &one_units)] {
        let per_run: Vec<String> = units
            .iter()
            .map(|run| {
                run.iter()
                    .map(|(name, secs)| format!("{name} {secs:.1} s"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        println!("  --timings, `{label}`, per run: {}", per_run.join(" | "));
    }
    Ok(())
}
