//! The whole pipeline: load → normalize → models → client → post-process →
//! format, producing the files [`crate::write`] puts on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quote::quote;
use serde_json::Value;

use crate::normalize::Report;
use crate::{Error, client, format, load, models, normalize, postprocess, scaffold};

/// The command written into every generated file's header.
pub const COMMAND: &str = "cargo xtask generate";

/// Where the generated code goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// Package name of the models crate (folder `crates/<name>`).
    pub models_crate: String,
    /// Package name of the client crate (folder `crates/<name>`).
    pub client_crate: String,
    /// Also write manifests and `lib.rs` files, making a standalone workspace
    /// (`generate --out`); the project's own crates have hand-written ones.
    pub scaffold: bool,
}

impl Target {
    /// This project's crates.
    pub fn project() -> Self {
        Target { models_crate: "cozmox-models".into(), client_crate: "cozmox-client".into(), scaffold: false }
    }

    /// A standalone workspace for any document (`generate --out`).
    pub fn standalone() -> Self {
        Target { models_crate: "api-models".into(), client_crate: "api-client".into(), scaffold: true }
    }

    /// `crates/<models>/src/generated`.
    pub fn models_dir(&self) -> PathBuf {
        PathBuf::from("crates").join(&self.models_crate).join("src/generated")
    }

    /// `crates/<client>/src/generated`.
    pub fn client_dir(&self) -> PathBuf {
        PathBuf::from("crates").join(&self.client_crate).join("src/generated")
    }
}

/// Everything one run of the pipeline produced.
pub struct Generated {
    /// Files to write, relative to the output root.
    pub files: BTreeMap<PathBuf, String>,
    /// Folders whose whole content is `files` (stale files there get deleted).
    pub owned_dirs: Vec<PathBuf>,
    /// Component name → the Rust generated for it (for snapshots).
    pub components: BTreeMap<String, String>,
    /// operationId → the Rust generated for it (for snapshots).
    pub operations: BTreeMap<String, String>,
    /// operationId → (METHOD, path).
    pub operation_routes: BTreeMap<String, (String, String)>,
    /// Which normalization rules fired, where.
    pub report: Report,
    /// Unions given a raw-JSON fallback variant by post-processing.
    pub opened_unions: Vec<String>,
    /// `Struct.field`s made `Option` by post-processing.
    pub lossless_fields: Vec<String>,
    /// Time spent per stage.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Load `spec` (document or `openapi/` folder) and run the pipeline on it.
pub fn run_path(spec: &Path, target: &Target) -> Result<Generated, Error> {
    let start = Instant::now();
    let loaded = load::load(spec)?;
    let load_time = start.elapsed();
    let mut out = run(loaded.doc, target)?;
    out.timings.insert(0, ("load", load_time));
    Ok(out)
}

/// Run the pipeline on an assembled document.
pub fn run(mut doc: Value, target: &Target) -> Result<Generated, Error> {
    let mut timings = Vec::new();
    let mut lap = Instant::now();
    let mut tick = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, lap.elapsed()));
        lap = Instant::now();
    };

    let report = normalize::normalize(&mut doc);
    tick("normalize", &mut timings);

    let models = models::generate(&doc)?;
    tick("models (typify)", &mut timings);

    let client_tokens = client::generate(&doc, &target.models_crate, &models.names)?;
    tick("client (progenitor)", &mut timings);

    let lint_allows = quote! {
        #![allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all, unused_imports, dead_code)]
    };
    let models_tokens = models.tokens;
    let mut models_file = postprocess::parse(quote! { #lint_allows #models_tokens }, "models")?;
    let opened = postprocess::open_untagged_unions(&mut models_file);
    let lossless = postprocess::lossless_optional_fields(&mut models_file);
    let client_file = postprocess::parse(quote! { #lint_allows #client_tokens }, "client")?;
    let components = postprocess::split_by_component(&models_file, &models.names);
    let operation_routes = client::operations(&doc);
    let ids: BTreeSet<String> = operation_routes.keys().cloned().collect();
    let operations = postprocess::split_by_operation(&client_file, &ids);
    if let Some(missing) = ids.iter().find(|id| !operations.contains_key(*id)) {
        return Err(Error::at(missing, "", "operation is missing from progenitor's output"));
    }
    tick("post-process", &mut timings);

    let mut files = BTreeMap::new();
    files.insert(target.models_dir().join("mod.rs"), format::rust_file(&models_file, COMMAND));
    files.insert(target.client_dir().join("mod.rs"), format::rust_file(&client_file, COMMAND));
    if target.scaffold {
        files.extend(scaffold::files(target, &doc));
    }
    tick("format", &mut timings);

    Ok(Generated {
        files,
        owned_dirs: vec![target.models_dir(), target.client_dir()],
        components,
        operations,
        operation_routes,
        report,
        opened_unions: opened,
        lossless_fields: lossless,
        timings,
    })
}
