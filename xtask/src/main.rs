//! `cargo xtask`: the Cozmox SDK's generator commands. See the README.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// See `mimalloc` in `xtask/Cargo.toml`: the pipeline is allocation-bound.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xtask::diff::Source;
use xtask::pipeline::{self, Target};
use xtask::{
    Error, bench, bench_client, bench_decode, conformance, diff, fuzz, import, load, write,
};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate and check the Cozmox SDK")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Generate the models and client crates from openapi/ (or --spec).
    Generate {
        /// Write nothing; fail with a diff if the committed output is stale.
        #[arg(long)]
        check: bool,
        /// An OpenAPI document or an openapi/-style folder (default: openapi/).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Write a standalone buildable workspace into this folder instead of
        /// the project's crates.
        #[arg(long)]
        out: Option<PathBuf>,
        /// List every place each normalization rule fired.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Split a whole OpenAPI document into the openapi/ layout.
    Import {
        /// The vendor's OpenAPI 3.0 JSON document.
        doc: PathBuf,
        /// Destination folder (default: openapi/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Cross-check the diff's Rust verdicts for OLD → NEW with cargo-semver-checks
    /// (installs the pinned version if needed; generates both into target/semver-check/).
    SemverCheck {
        /// The old document.
        old: PathBuf,
        /// The new document.
        new: PathBuf,
    },
    /// import → generate → cargo check, for each document.
    Conformance {
        /// OpenAPI documents.
        #[arg(required = true)]
        docs: Vec<PathBuf>,
    },
    /// Run every test of the workspace (installs the pinned cargo-insta and Prism first).
    Test {
        /// Extra arguments for `cargo insta test` (e.g. `-- --nocapture`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<String>,
    },
    /// Fuzz the decoders with libFuzzer (installs the pinned cargo-fuzz first).
    Fuzz {
        /// How long libFuzzer runs, in seconds (the build comes on top).
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// The fuzz target: a file of tests/fuzz/fuzz_targets/.
        #[arg(long, default_value = "session_decode")]
        target: String,
        /// `none` (the models are safe Rust) or a sanitizer cargo-fuzz knows
        /// (`address`…).
        #[arg(long, default_value = "none")]
        sanitizer: String,
        /// Extra libFuzzer arguments, after `--` (e.g. `-- -jobs=2 -seed=1`).
        #[arg(last = true)]
        extra: Vec<String>,
    },
    /// What changed in the API between two versions of the spec, and whether
    /// it breaks users (exit 0: nothing breaking, 2: something is, 1: error).
    Diff {
        /// OLD and NEW: OpenAPI documents or openapi/-style folders. With
        /// --git, at most one: the new side (default: openapi/).
        #[arg(value_name = "OLD NEW")]
        docs: Vec<PathBuf>,
        /// Compare openapi/ at this git revision (old) with the working tree's.
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
        /// Also list description changes (otherwise only counted).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Benchmark the pipeline and the build of its output against plain progenitor.
    BenchGen {
        /// Extra documents to measure (e.g. ../shared/upstream/*.json).
        docs: Vec<PathBuf>,
        /// Runs per measurement (min and median are reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Skip the clean-build comparison (slow).
        #[arg(long)]
        no_build: bool,
    },
    /// Benchmark decoding and encoding (criterion) against serde_json::Value and plain progenitor.
    BenchDecode {
        /// Short measurements, for a quick look (criterion defaults otherwise).
        #[arg(long)]
        quick: bool,
        /// Also count instructions per operation with valgrind: free of the machine's load.
        #[arg(long)]
        instructions: bool,
        /// Run the whole bench this many times and pool the samples (min and median of all).
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        /// Only the benchmarks whose id matches this criterion filter (e.g. `decode/page`).
        filter: Option<String>,
    },
    /// Benchmark the client's overhead per request (`GET /session/{id}`, local server) against bare reqwest.
    BenchClient {
        /// Rounds; in each, a block of requests per side, alternating which side goes first.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        /// Requests per side per round.
        #[arg(long, default_value_t = 100)]
        requests: usize,
        /// Untimed requests per side before the first round.
        #[arg(long, default_value_t = 2000)]
        warmup: usize,
    },
}

/// Output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// Markdown, ready to paste into a pull request.
    Markdown,
    /// JSON, for tools.
    Json,
    /// Lines for CHANGELOG.md (Keep a Changelog sections, breaking first).
    Changelog,
}

/// The workspace root (xtask lives one level below it).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Diff {
            docs,
            git,
            format,
            verbose,
        } => return run_diff(docs, git, format, verbose),
        Cmd::Generate {
            check,
            spec,
            out,
            verbose,
        } => generate(check, spec, out, verbose),
        Cmd::Import { doc, out } => run_import(&doc, out),
        Cmd::Conformance { docs } => run_conformance(&docs),
        Cmd::SemverCheck { old, new } => {
            xtask::semver_check::run(&old, &new, &project_root()).map(|text| print!("{text}"))
        }
        Cmd::Test { extra } => xtask::testcmd::run(&extra),
        Cmd::Fuzz {
            seconds,
            target,
            sanitizer,
            extra,
        } => fuzz::run(
            &project_root(),
            &fuzz::Options {
                target,
                seconds,
                sanitizer,
                extra,
            },
        ),
        Cmd::BenchGen {
            docs,
            runs,
            no_build,
        } => bench::run(&project_root(), &docs, runs, !no_build),
        Cmd::BenchDecode {
            quick,
            instructions,
            rounds,
            filter,
        } => bench_decode::run(
            &project_root(),
            &bench_decode::Options {
                quick,
                instructions,
                filter,
                rounds,
            },
        ),
        Cmd::BenchClient {
            rounds,
            requests,
            warmup,
        } => bench_client::run(
            &project_root(),
            &bench_client::Options {
                rounds,
                block: requests,
                warmup,
            },
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    verbose: bool,
) -> Result<(), Error> {
    let start = Instant::now();
    let root = project_root();
    let spec = spec.unwrap_or_else(|| root.join("openapi"));
    let (dest, target) = match &out {
        Some(dir) => (dir.clone(), Target::standalone()),
        None => (root.clone(), Target::project()),
    };
    let generated = pipeline::run_path(&spec, &target)?;
    let outcome = write::ensure_files(&dest, &generated.owned_dirs, &generated.files, check)?;
    println!(
        "generate: {} schemas, {} operations from {}",
        generated.schema_count(),
        generated.operation_routes.len(),
        spec.display()
    );
    println!("normalization rules fired: {}", generated.report.summary());
    let u = &generated.unions;
    println!(
        "unions: {} decode by tag ({} with tag values shared by members, {} with free-form tags), {} try each member ({} of them unions of strings)",
        u.tagged.len(),
        u.ambiguous.len(),
        u.open.len(),
        u.untagged.len(),
        u.strings.len()
    );
    println!(
        "validation: {} types check the spec's constraints ({} fields with constraints of their own)",
        generated.validation.types.len(),
        generated.validation.checked_fields.len()
    );
    println!(
        "boxed: {} optional fields whose type holds more than {} fields inline",
        generated.boxed_fields.len(),
        xtask::postprocess::tolerant::MAX_INLINE_FIELDS
    );
    println!(
        "shared: {} places keep their name as an alias of a type they share (rule shared-inline-type)",
        generated.aliases.len()
    );
    if verbose {
        for (place, shared) in &generated.aliases {
            println!("  alias: {place} = {shared}");
        }
        for field in &generated.boxed_fields {
            println!("  boxed: {field}");
        }
        for field in &generated.validation.checked_fields {
            println!("  validated: {field}");
        }
        for (union, tag) in &u.tagged {
            println!("  tagged by {tag}: {union}");
        }
        for union in &u.untagged {
            println!("  untagged: {union}");
        }
        for (rule, places) in &generated.report.fired {
            for p in places {
                println!("  {rule}: {p}");
            }
        }
        for (stage, t) in &generated.timings {
            println!("  {stage}: {:.3} s", t.as_secs_f64());
        }
    }
    let verb = if check { "stale" } else { "written" };
    println!(
        "files {verb}: {} ({} unchanged) in {}; {:.2} s",
        outcome.changes.len(),
        outcome.unchanged,
        dest.display(),
        start.elapsed().as_secs_f64()
    );
    for c in &outcome.changes {
        println!("  {c:?}");
    }
    if check && !outcome.changes.is_empty() {
        eprintln!("{}", outcome.diff);
        let mut fix = String::from("cargo xtask generate");
        if let Some(s) = spec.to_str().filter(|_| spec != root.join("openapi")) {
            fix.push_str(&format!(" --spec {s}"));
        }
        if let Some(o) = &out {
            fix.push_str(&format!(" --out {}", o.display()));
        }
        return Err(Error::new(format!(
            "generated code is stale; run `{fix}` and commit the result"
        )));
    }
    Ok(())
}

/// `diff`: print the report; exit 0 (nothing breaking), 2 (something is) or
/// 1 (error).
fn run_diff(
    docs: Vec<PathBuf>,
    git: Option<String>,
    format: DiffFormat,
    verbose: bool,
) -> ExitCode {
    let root = project_root();
    let sides = match (git, docs.as_slice()) {
        (Some(rev), []) => Ok((
            Source::Git {
                root: root.clone(),
                rev,
            },
            Source::Path(root.join("openapi")),
        )),
        (Some(rev), [new]) => Ok((
            Source::Git {
                root: root.clone(),
                rev,
            },
            Source::Path(new.clone()),
        )),
        (None, [old, new]) => Ok((Source::Path(old.clone()), Source::Path(new.clone()))),
        (Some(_), _) => Err(Error::new(
            "with --git REV, give at most one document: the new side (default: openapi/)",
        )),
        (None, _) => Err(Error::new(
            "give two documents, OLD and NEW (or --git REV to compare openapi/ at REV with the working tree)",
        )),
    };
    let format = match format {
        DiffFormat::Markdown => diff::Format::Markdown,
        DiffFormat::Json => diff::Format::Json,
        DiffFormat::Changelog => diff::Format::Changelog,
    };
    let working_tree = Source::Path(root.join("openapi"));
    let result = sides.and_then(|(old, new)| {
        let start = Instant::now();
        let scratch = root.join("target/xtask-diff");
        let (old_doc, new_doc) = diff::load_both(&old, &new, &scratch)?;
        let loaded = start.elapsed();
        let new_label = if new == working_tree {
            "openapi/ (working tree)".to_string()
        } else {
            new.label()
        };
        let report = diff::diff_normalized(&old_doc, &new_doc, &old.label(), &new_label);
        let compared = start.elapsed();
        let text = diff::report::render(&report, format, verbose)?;
        if verbose {
            eprintln!(
                "diff: load and normalize (both sides at once) {:.3} s, compare {:.3} s, report {:.3} s",
                loaded.as_secs_f64(),
                (compared - loaded).as_secs_f64(),
                (start.elapsed() - compared).as_secs_f64()
            );
        }
        Ok((report.exit_code(), text))
    });
    match result {
        Ok((code, text)) => {
            // A closed pipe (`| head`) is not an error of the diff.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_import(doc: &Path, out: Option<PathBuf>) -> Result<(), Error> {
    let dest = out.unwrap_or_else(|| project_root().join("openapi"));
    let original = load::read_json(doc)?;
    let files = import::split(&original)?;
    let outcome = write::ensure_files(&dest, &[PathBuf::from(load::SCHEMAS_DIR)], &files, false)?;
    let back = load::assemble_dir(&dest)?;
    if back != original {
        return Err(Error::new(
            "import followed by assembly did not give back the document",
        ));
    }
    println!(
        "import: {} component files and {} into {} ({} changed, {} unchanged)",
        files.len() - 1,
        load::DOCUMENT_FILE,
        dest.display(),
        outcome.changes.len(),
        outcome.unchanged
    );
    Ok(())
}

fn run_conformance(docs: &[PathBuf]) -> Result<(), Error> {
    let root = project_root();
    let target_dir = root.join("target/conformance");
    let mut failed = 0;
    for (i, doc) in docs.iter().enumerate() {
        let work =
            std::env::temp_dir().join(format!("cozmox-conformance-{}-{i}", std::process::id()));
        let result = conformance::check_document(doc, &work, &target_dir);
        println!("{}", conformance::line(&result));
        if result.outcome.is_err() {
            failed += 1;
        } else {
            let _ = std::fs::remove_dir_all(&work);
        }
    }
    println!(
        "conformance: {} passed, {failed} failed",
        docs.len() - failed
    );
    if failed > 0 {
        return Err(Error::new(format!(
            "{failed} document(s) failed conformance"
        )));
    }
    Ok(())
}
