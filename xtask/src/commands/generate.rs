//! `cargo xtask generate [--check] [--spec DOC] [--out DIR]`: run the
//! pipeline on `openapi/` (or `--spec`) and write the models and client
//! crates' generated code (or, with `--out`, a standalone workspace); print
//! what the pipeline did: rules fired, unions, validation, boxed fields,
//! aliases, files written. With `--check`, write nothing and fail with the
//! diff and the command that fixes it.
//!
//! Without `--out`, it also writes the tests' fixture crates
//! (`tests/fixture/crates/*`) from their own small spec
//! (`tests/fixture/openapi/`), on a second thread: the typed tests compile
//! against them, whatever `openapi/` holds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::Error;
use crate::pipeline::passes::box_large_optional_fields::MAX_INLINE_FIELDS;
use crate::pipeline::{self, Target, emit};

/// The tests' fixture, relative to the workspace root: `openapi/` (the spec
/// the tests own) and `crates/` (the crates generated from it, with
/// [`Target::project`]'s names and hand-written `lib.rs` files including the
/// project's runtime modules).
pub const FIXTURE_DIR: &str = "tests/fixture";

/// The hand-written manifests (paths relative to `root`) with their
/// generated region (the cargo feature per resource) replaced, as files to
/// write or, with `--check`, to compare.
fn splice_manifests(
    root: &Path,
    regions: &[(PathBuf, String)],
    files: &mut std::collections::BTreeMap<PathBuf, String>,
) -> Result<(), Error> {
    for (rel, region) in regions {
        let path = root.join(rel);
        let existing = std::fs::read_to_string(&path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        let spliced = emit::splice_region(&existing, region)
            .map_err(|e| Error::new(format!("{}: {e}", rel.display())))?;
        files.insert(rel.clone(), spliced);
    }
    Ok(())
}

/// Generate from `spec` (default `openapi/`) into the project's crates or `out`.
pub fn run(
    root: &Path,
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    verbose: bool,
) -> Result<(), Error> {
    let start = Instant::now();
    let spec = spec.unwrap_or_else(|| root.join("openapi"));
    let (dest, target) = match &out {
        Some(dir) => (dir.clone(), Target::standalone()),
        None => (root.to_path_buf(), Target::project()),
    };
    let (generated, fixture) = std::thread::scope(|s| {
        let fixture = out.is_none().then(|| {
            // Only the output crosses threads (the resource plan holds
            // `syn` items, which are not `Send`).
            s.spawn(|| {
                pipeline::run_path(&root.join(FIXTURE_DIR).join("openapi"), &target)
                    .map(|g| g.output)
            })
        });
        let generated = pipeline::run_path(&spec, &target);
        let fixture = fixture.map(|f| {
            f.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (generated, fixture)
    });
    let generated = generated?;
    let mut files = generated.files.clone();
    let mut owned_dirs = generated.owned_dirs.clone();
    splice_manifests(&dest, &generated.manifest_regions, &mut files)?;
    if let Some(fixture) = fixture {
        let fixture = fixture.map_err(|e| Error::new(format!("{FIXTURE_DIR}/openapi: {e}")))?;
        let base = Path::new(FIXTURE_DIR);
        let regions: Vec<_> = fixture
            .manifest_regions
            .iter()
            .map(|(p, r)| (base.join(p), r.clone()))
            .collect();
        splice_manifests(&dest, &regions, &mut files)?;
        files.extend(fixture.files.into_iter().map(|(p, c)| (base.join(p), c)));
        owned_dirs.extend(fixture.owned_dirs.iter().map(|d| base.join(d)));
    }
    let mut outcome = emit::ensure_files(&dest, &owned_dirs, &files, check)?;
    if out.is_none() {
        // The snapshots of components and operations the document no longer has.
        let snapshots = root.join("tests/snapshots");
        for stale in pipeline::snapshots::stale_snapshots(
            &snapshots,
            generated.names.keys().map(String::as_str),
            generated.operation_routes.keys().map(String::as_str),
        ) {
            let rel = stale.strip_prefix(root).unwrap_or(&stale).to_path_buf();
            if check {
                outcome
                    .diff
                    .push_str(&format!("stale snapshot: {}\n", rel.display()));
            } else {
                std::fs::remove_file(&stale)
                    .map_err(|e| Error::new(format!("cannot delete {}: {e}", stale.display())))?;
            }
            outcome.changes.push(emit::Change::Deleted(rel));
        }
    }
    println!(
        "generate: {} schemas, {} operations from {}",
        generated.schema_count(),
        generated.operation_routes.len(),
        spec.display()
    );
    println!("normalization rules fired: {}", generated.report.summary());
    let u = &generated.unions;
    println!(
        "unions: {} decode by tag ({} with tag values shared by members, {} with free-form tags), {} try each member ({} of them unions of strings, {} trying an object on the members its tag selects)",
        u.tagged.len(),
        u.ambiguous.len(),
        u.open.len(),
        u.untagged.len(),
        u.strings.len(),
        u.object_tagged.len()
    );
    println!(
        "validation: {} types check the spec's constraints ({} fields with constraints of their own)",
        generated.validation.types.len(),
        generated.validation.checked_fields.len()
    );
    println!(
        "boxed: {} optional fields whose type holds more than {} fields inline",
        generated.boxed_fields.len(),
        MAX_INLINE_FIELDS
    );
    println!(
        "shared: {} places keep their name as an alias of a type they share (rule shared-inline-type)",
        generated.aliases.len()
    );
    println!(
        "resources: {} operations in {} resources{}",
        generated.resources.operation_count(),
        generated.resources.resources.len(),
        if generated.resources.collisions.is_empty() {
            String::new()
        } else {
            format!(
                "; {} method names collided (resolved: {})",
                generated.resources.collisions.len(),
                generated.resources.collisions.join(", ")
            )
        }
    );
    if !generated.resources.renamed.is_empty() {
        println!(
            "renamed by x-cozmox-sdk (openapi/overrides.json's sdk.renames): {}",
            generated.resources.renamed.join(", ")
        );
    }
    let paginated = generated.resources.paginated();
    let by_kind = |cursor: bool| -> Vec<&str> {
        paginated
            .iter()
            .filter(|(_, p)| p.cursor.is_some() == cursor)
            .map(|(id, _)| *id)
            .collect()
    };
    let (numbered, cursor) = (by_kind(false), by_kind(true));
    println!(
        "pagination: {} list operations page (`.stream()`, `.pages()`): by page number ({}): {}; by time cursor ({}): {}",
        paginated.len(),
        numbered.len(),
        numbered.join(", "),
        cursor.len(),
        cursor.join(", ")
    );
    let g = &generated.gates;
    let reached: Vec<String> = g
        .reached
        .iter()
        .map(|(feature, n)| format!("{feature} {n}"))
        .collect();
    println!(
        "features: {} (one per resource; types each reaches: {}); {} types only with `full`; {} items gated",
        g.features.len(),
        reached.join(", "),
        g.unreached,
        generated.gated_items
    );
    if let Some(mock) = &generated.mock {
        let stores: Vec<String> = mock
            .stores
            .iter()
            .map(|(name, path)| format!("{name} ({path})"))
            .collect();
        println!(
            "mock: {} resources keep state ({}); {} operations act on them, {} answer an instance of their success body{}",
            stores.len(),
            stores.join(", "),
            mock.stateful,
            generated
                .operation_routes
                .len()
                .saturating_sub(mock.stateful),
            if mock.unbuildable.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} have none the mock can build (501)",
                    mock.unbuildable.len()
                )
            }
        );
        for (id, why) in &mock.unbuildable {
            println!("  no instance for {id}: {why}");
        }
    }
    if verbose {
        for r in generated.resources.resources.values() {
            let methods: Vec<&str> = r.methods.iter().map(|m| m.name.as_str()).collect();
            println!("  client.{}(): {}", r.accessor, methods.join(", "));
        }
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
        for op in &generated.manual_operations {
            println!("  generated without progenitor: {} ({})", op.id, op.reason);
        }
        for ran in &generated.passes {
            println!(
                "  pass {}: {} items, {:.3} s",
                ran.name,
                ran.changed,
                ran.time.as_secs_f64()
            );
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
