//! One module per `cargo xtask` command, named as the command. [`Command`]
//! is the command line (clap); [`Command::run`] dispatches to the module.

pub mod bench;
pub mod ci;
pub mod conformance;
pub mod diff;
pub mod fuzz;
pub mod generate;
pub mod import;
pub mod maintainer_loop;
pub mod semver_check;
pub mod snapshots;
pub mod test;
pub mod update;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use clap::Subcommand;

use crate::Error;

/// The commands of `cargo xtask`.
#[derive(Subcommand)]
pub enum Command {
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
        /// The API version the document describes, recorded as
        /// `info.x-cozmox-api-version` (default: a YYYY-MM-DD date in the
        /// file name, else `info.version`). The crates' version must carry
        /// it as `+api.<version>`.
        #[arg(long)]
        api_version: Option<String>,
    },
    /// One check of CI (fmt, clippy, docs, package, workflows, spec-report, pull-request,
    /// pending-snapshots, release-check, publish): what `.ci/run` and the
    /// GitHub workflows call.
    Ci {
        /// The check.
        #[command(subcommand)]
        step: ci::Step,
    },
    /// A vendor update in one command: import DOC, generate, diff against the
    /// previous openapi/, bump the version by the verdict and set its
    /// `+api.` part, add a CHANGELOG section, accept the snapshots, and write
    /// the pull request's description (target/update/PR.md). Exit 0: nothing
    /// breaking, 2: something is, 1: error (the work tree is put back).
    Update {
        /// The vendor's new OpenAPI 3.0 JSON document.
        #[arg(required_unless_present_any = ["url", "restore"], conflicts_with = "url")]
        doc: Option<PathBuf>,
        /// Download the document from this https:// URL first (with curl).
        #[arg(long)]
        url: Option<String>,
        /// The API version it describes (default: as `import` reads it).
        #[arg(long)]
        api_version: Option<String>,
        /// The release date for the changelog heading (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// On an error, leave the work tree as the failing step left it
        /// instead of putting it back (`--restore` does, later).
        #[arg(long)]
        keep: bool,
        /// Put the work tree back as it was before the last update (after a
        /// failure kept with --keep), and do nothing else.
        #[arg(long, conflicts_with_all = ["doc", "url", "keep"])]
        restore: bool,
    },
    /// Cross-check the diff's Rust verdicts for OLD → NEW with cargo-semver-checks
    /// (installs the pinned version if needed; generates both into target/semver-check/).
    SemverCheck {
        /// The old document.
        old: PathBuf,
        /// The new document.
        new: PathBuf,
    },
    /// The full-scale tier: the suite's tests over whole vendor documents, then
    /// import → generate → cargo check, doc tests and docs for each document.
    Conformance {
        /// Also run the maintainer's loop on each document in a scratch copy
        /// of the workspace (`cargo xtask update`, checked, then `cargo xtask
        /// test` and `cargo doc`), each step timed.
        #[arg(long)]
        maintainer_loop: bool,
        /// With `--maintainer-loop`: run the loop in this workspace (as
        /// `maintainer-loop --in-place`, for CI's throwaway clone), for all
        /// documents after the suite's full-scale tests, instead of the
        /// standalone checks and the upstream round trip of `Session`'s
        /// closure, which it covers (but for the standalone scaffold).
        #[arg(long, requires = "maintainer_loop")]
        in_place: bool,
        /// OpenAPI documents.
        #[arg(required = true)]
        docs: Vec<PathBuf>,
    },
    /// The maintainer's loop alone (what `conformance --maintainer-loop` runs
    /// after its other parts): for each document in turn, in a scratch copy of
    /// the workspace, `cargo xtask update` (checked), `cargo xtask test`,
    /// `cargo doc`, each step timed (logs in target/full-size/).
    MaintainerLoop {
        /// Run in this workspace itself, with its target folder, instead of
        /// a scratch copy: for CI's throwaway clone, where the dependencies
        /// are built already. Needs a clean working tree; restores it after
        /// a pass (after a failure it stays as the failing step left it).
        #[arg(long)]
        in_place: bool,
        /// OpenAPI documents.
        #[arg(required = true)]
        docs: Vec<PathBuf>,
    },
    /// Regenerate, then write the snapshots that changed as `.snap.new` for
    /// `cargo insta review --workspace` (or accept them all with --accept).
    Snapshots {
        /// Accept every changed snapshot instead of writing it for review.
        #[arg(long)]
        accept: bool,
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
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Markdown)]
        format: diff::DiffFormat,
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
        /// The resource feature whose build alone is compared with `full`'s.
        #[arg(long, default_value = "sessions")]
        feature: String,
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

/// Run `program` with `args` in `dir` and return its standard output
/// (trimmed), or an error naming the command, the folder and what it printed
/// on standard error.
pub(crate) fn run_program(program: &str, args: &[&str], dir: &Path) -> Result<String, Error> {
    let out = Process::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::new(format!("cannot run {program}: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(Error::new(format!(
            "`{program} {}` failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Cut `text` to at most `max` bytes, at a character boundary.
pub(crate) fn truncate_at(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// `cargo`, the one running this xtask when there is one.
pub(crate) fn cargo() -> Process {
    Process::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
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

/// The workspace root (xtask lives one level below it), as
/// [`locate_root`] finds it when the command runs; the current directory
/// when there is none (then [`locate_root`]'s error has been printed by
/// `main` already).
pub fn project_root() -> PathBuf {
    locate_root().unwrap_or_else(|_| PathBuf::from("."))
}

/// Whether `dir` is a workspace of this project: a `Cargo.toml` beside
/// `xtask/Cargo.toml`.
fn is_project_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("xtask").join("Cargo.toml").is_file()
}

/// The workspace this command works on, found when it runs, never the path
/// compiled into the binary (cargo does not rebuild xtask when a clone is
/// moved or copied with its `target/`, so a compiled-in path is the old
/// clone's): the parent of `CARGO_MANIFEST_DIR` as cargo sets it for `cargo
/// run` (the `cargo xtask` alias), else the nearest folder at or above the
/// current one that holds `xtask/Cargo.toml`.
///
/// # Errors
/// When neither finds a workspace, or when they find two different ones
/// (the command was started in one clone and would work on another).
pub fn locate_root() -> Result<PathBuf, Error> {
    root_of(
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
        std::env::current_dir().ok(),
    )
}

/// [`locate_root`] for the `CARGO_MANIFEST_DIR` and current directory given.
fn root_of(manifest_dir: Option<PathBuf>, cwd: Option<PathBuf>) -> Result<PathBuf, Error> {
    let from_cwd = cwd
        .as_deref()
        .and_then(|dir| dir.ancestors().find(|d| is_project_root(d)))
        .map(Path::to_path_buf);
    let from_cargo = manifest_dir
        .and_then(|manifest| manifest.parent().map(Path::to_path_buf))
        .filter(|root| is_project_root(root));
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    match (from_cargo, from_cwd) {
        (Some(cargo), Some(here)) if !same(&cargo, &here) => Err(Error::new(format!(
            "this xtask belongs to the workspace {} but was started in {}; run `cargo xtask` \
             from the workspace you mean to work on",
            cargo.display(),
            here.display()
        ))),
        (Some(root), _) | (None, Some(root)) => Ok(root),
        (None, None) => Err(Error::new(format!(
            "no cozmox-rs workspace (a folder with `xtask/Cargo.toml`) at or above {}; run \
             `cargo xtask` inside a clone",
            cwd.map_or_else(
                || "the current directory".into(),
                |d| d.display().to_string()
            )
        ))),
    }
}

impl Command {
    /// Run the command in the workspace at `root`; errors are printed.
    pub fn run(self, root: &Path) -> ExitCode {
        let result = match self {
            Command::Diff {
                docs,
                git,
                format,
                verbose,
            } => return diff::command(root, docs, git, format, verbose),
            Command::Update { restore: true, .. } => update::restore(root),
            Command::Update {
                doc,
                url,
                api_version,
                date,
                keep,
                restore: false,
            } => {
                let input = match (doc, url) {
                    (Some(doc), _) => update::Input::File(doc),
                    (None, Some(url)) => update::Input::Url(url),
                    (None, None) => {
                        eprintln!("error: give the document, or --url");
                        return ExitCode::FAILURE;
                    }
                };
                let options = update::Options {
                    input,
                    api_version,
                    date,
                    keep,
                };
                return update::command(root, &options);
            }
            Command::Ci { step } => ci::run(root, step),
            Command::Generate {
                check,
                spec,
                out,
                verbose,
            } => generate::run(root, check, spec, out, verbose),
            Command::Import {
                doc,
                out,
                api_version,
            } => import::run(root, &doc, out, api_version),
            Command::Conformance {
                maintainer_loop,
                in_place,
                docs,
            } => {
                let with_loop = match (maintainer_loop, in_place) {
                    (false, _) => conformance::WithLoop::No,
                    (true, false) => conformance::WithLoop::ScratchCopy,
                    (true, true) => conformance::WithLoop::InPlace,
                };
                conformance::run(root, &docs, with_loop)
            }
            Command::MaintainerLoop { in_place, docs } => {
                conformance::maintainer_loops(root, &docs, in_place)
            }
            Command::SemverCheck { old, new } => {
                semver_check::run(&old, &new, root).map(|text| print!("{text}"))
            }
            Command::Test { extra } => test::run(&extra),
            Command::Snapshots { accept } => snapshots::run(&project_root(), accept),
            Command::Fuzz {
                seconds,
                target,
                sanitizer,
                extra,
            } => fuzz::run(
                root,
                &fuzz::Options {
                    target,
                    seconds,
                    sanitizer,
                    extra,
                },
            ),
            Command::BenchGen {
                docs,
                runs,
                no_build,
                feature,
            } => bench::generate::run(root, &docs, runs, (!no_build).then_some(feature.as_str())),
            Command::BenchDecode {
                quick,
                instructions,
                rounds,
                filter,
            } => bench::decode::run(
                root,
                &bench::decode::Options {
                    quick,
                    instructions,
                    filter,
                    rounds,
                },
            ),
            Command::BenchClient {
                rounds,
                requests,
                warmup,
            } => bench::client::run(
                root,
                &bench::client::Options {
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
}

#[cfg(test)]
mod root_tests {
    use super::*;

    /// A workspace-shaped folder (`Cargo.toml` beside `xtask/Cargo.toml`).
    fn workspace(base: &Path, name: &str) -> PathBuf {
        let root = base.join(name);
        std::fs::create_dir_all(root.join("xtask/src")).expect("create");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n").expect("write");
        std::fs::write(root.join("xtask/Cargo.toml"), "[package]\n").expect("write");
        root
    }

    #[test]
    fn the_root_is_read_at_run_time_and_a_foreign_one_is_refused() {
        let base = std::env::temp_dir().join(format!("cozmox-root-{}", std::process::id()));
        let moved = workspace(&base, "moved");
        let other = workspace(&base, "other");
        let inside = moved.join("xtask/src");
        // Where cargo says the package is, and where the command was started:
        // the moved clone, not the path compiled in.
        let found = root_of(Some(moved.join("xtask")), Some(inside.clone()));
        // Without cargo (the binary run by hand): the nearest workspace up.
        let by_cwd = root_of(None, Some(inside.clone()));
        // A binary of one clone started in another.
        let foreign = root_of(Some(other.join("xtask")), Some(inside));
        // Neither a workspace nor cargo.
        let nowhere = root_of(None, Some(base.clone()));
        std::fs::remove_dir_all(&base).expect("clean up");
        assert_eq!(found.expect("found"), moved);
        assert_eq!(by_cwd.expect("found"), moved);
        let foreign = foreign.expect_err("refused").to_string();
        assert!(
            foreign.contains("other") && foreign.contains("moved"),
            "{foreign}"
        );
        assert!(nowhere.is_err());
    }
}
