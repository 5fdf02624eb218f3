//! `cargo xtask import DOC.json`: split a whole OpenAPI 3.0 document, as
//! vendors publish it, into the `openapi/` layout — `openapi.json` without
//! `components.schemas`, and one JSON Schema file per component. Assembly
//! ([`crate::pipeline::load::assemble_dir`]) gives back the same document.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::Error;
use crate::pipeline::load::{DOCUMENT_FILE, SCHEMA_DIALECT, SCHEMAS_DIR, rewrite_refs};
use crate::pipeline::{emit, load};
use crate::spec::COMPONENT_REF;

/// The files of the `openapi/` layout for `doc`, relative to the folder.
pub fn split(doc: &Value) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut doc = doc.clone();
    let schemas = doc
        .pointer_mut("/components")
        .and_then(Value::as_object_mut)
        .and_then(|c| c.remove("schemas"))
        .unwrap_or(Value::Object(Map::new()));
    let Value::Object(schemas) = schemas else {
        return Err(Error::at(
            "document",
            "/components/schemas",
            "is not an object",
        ));
    };
    if doc
        .pointer("/components")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
        && let Some(root) = doc.as_object_mut()
    {
        root.remove("components");
    }
    let mut files = BTreeMap::new();
    for (name, schema) in schemas {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(Error::at(
                &name,
                "",
                "component name is not `^[a-zA-Z0-9._-]+$`, cannot be a file name",
            ));
        }
        let mut file = Map::new();
        file.insert("$schema".into(), Value::String(SCHEMA_DIALECT.into()));
        file.insert(
            "$id".into(),
            Value::String(format!("{COMPONENT_REF}{name}")),
        );
        match schema {
            Value::Object(m) => file.extend(m),
            other => {
                return Err(Error::at(
                    &name,
                    "",
                    format!("component schema is not an object: {other}"),
                ));
            }
        }
        files.insert(
            PathBuf::from(SCHEMAS_DIR).join(format!("{name}.json")),
            to_pretty(&Value::Object(file)),
        );
    }
    rewrite_refs(&mut doc, &|r| {
        r.strip_prefix(COMPONENT_REF)
            .map(|name| format!("{SCHEMAS_DIR}/{name}.json"))
    });
    files.insert(PathBuf::from(DOCUMENT_FILE), to_pretty(&doc));
    Ok(files)
}

/// Two-space pretty JSON with a final newline.
pub fn to_pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Split `doc` into `out` (default `openapi/`), recording the API version
/// (`api_version`, else a date in the file name, else `info.version`) as
/// `info.x-cozmox-api-version`; then check that assembling the folder gives
/// the document back.
pub fn run(
    root: &Path,
    doc: &Path,
    out: Option<PathBuf>,
    api_version: Option<String>,
) -> Result<(), Error> {
    let into_project = out.is_none();
    let dest = out.unwrap_or_else(|| root.join("openapi"));
    let mut original = load::read_json(doc)?;
    let version = api_version
        .or_else(|| {
            doc.file_name()
                .and_then(|n| n.to_str())
                .and_then(crate::spec::date_in)
                .map(str::to_string)
        })
        .unwrap_or_else(|| crate::spec::api_version(&original));
    if let Some(info) = original.get_mut("info").and_then(Value::as_object_mut) {
        info.insert(
            crate::spec::API_VERSION_KEY.into(),
            Value::String(version.clone()),
        );
    }
    let files = split(&original)?;
    let outcome = emit::ensure_files(&dest, &[PathBuf::from(load::SCHEMAS_DIR)], &files, false)?;
    let back = load::assemble_dir(&dest)?;
    if back != original {
        return Err(Error::new(
            "import followed by assembly did not give back the document",
        ));
    }
    println!(
        "import: API version {version} (crate version suffix +{}); {} component files and {} into {} ({} changed, {} unchanged)",
        crate::spec::build_metadata(&version),
        files.len() - 1,
        load::DOCUMENT_FILE,
        dest.display(),
        outcome.changes.len(),
        outcome.unchanged
    );
    if into_project {
        // The crates' version carries the API version as build metadata
        // (`fresh::crate_version_carries_the_api_version`); the SemVer part is
        // a release decision (`cargo xtask diff`), left as it is.
        let manifest = root.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", manifest.display())))?;
        let metadata = crate::spec::build_metadata(&version);
        match set_build_metadata(&text, &metadata) {
            Some(new) if new != text => {
                std::fs::write(&manifest, &new)
                    .map_err(|e| Error::new(format!("cannot write {}: {e}", manifest.display())))?;
                println!(
                    "import: Cargo.toml's [workspace.package] version now ends in +{metadata}"
                );
            }
            Some(_) => {}
            None => eprintln!(
                "warning: no `version = \"…\"` in Cargo.toml's [workspace.package]; set its build \
                 metadata to +{metadata} by hand"
            ),
        }
    }
    Ok(())
}

/// `manifest` (a workspace's `Cargo.toml`) with the build metadata of its
/// `[workspace.package]` version set to `metadata`; `None` when it has no
/// such version line.
pub fn set_build_metadata(manifest: &str, metadata: &str) -> Option<String> {
    edit_workspace_version(manifest, |version| {
        let semver = version.split_once('+').map_or(version, |(s, _)| s);
        format!("{semver}+{metadata}")
    })
}

/// `manifest` with its `[workspace.package]` version set to `version`;
/// `None` when it has no such version line.
pub fn set_workspace_version(manifest: &str, version: &str) -> Option<String> {
    edit_workspace_version(manifest, |_| version.to_string())
}

/// `manifest` with its `[workspace.package]` version replaced by what `edit`
/// makes of it, the rest of the file as it was; `None` without that line.
pub(crate) fn edit_workspace_version(
    manifest: &str,
    edit: impl FnOnce(&str) -> String,
) -> Option<String> {
    let mut section = "";
    let mut out = String::with_capacity(manifest.len() + 32);
    let mut edit = Some(edit);
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed;
        }
        if section == "[workspace.package]"
            && let Some(value) = trimmed.strip_prefix("version")
            && let Some(value) = value.trim_start().strip_prefix('=')
            && let Some(version) = value
                .trim()
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
            && let Some(edit) = edit.take()
        {
            let indent = &line[..line.len() - line.trim_start().len()];
            let end = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("{indent}version = \"{}\"{end}", edit(version)));
            continue;
        }
        out.push_str(line);
    }
    edit.is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn build_metadata_is_set_in_the_workspace_package_version_only() {
        let manifest = "[package]\nversion = \"9.9.9\"\n\n[workspace.package]\nedition = \"2024\"\nversion = \"0.3.1+api.1.0\"\n";
        let new = set_build_metadata(manifest, "api.2026-05-22").unwrap();
        assert_eq!(
            new,
            "[package]\nversion = \"9.9.9\"\n\n[workspace.package]\nedition = \"2024\"\nversion = \"0.3.1+api.2026-05-22\"\n"
        );
        let plain =
            set_build_metadata("[workspace.package]\nversion = \"1.2.0\"", "api.x").unwrap();
        assert_eq!(plain, "[workspace.package]\nversion = \"1.2.0+api.x\"");
        assert_eq!(
            set_build_metadata("[package]\nversion = \"1.0.0\"\n", "api.x"),
            None
        );
    }

    #[test]
    fn split_then_assemble_gives_back_the_document() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {
                "schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                            "B": {"type": "string"}},
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
            }
        });
        let files = split(&doc).unwrap();
        assert_eq!(files.len(), 3);
        let main: Value = serde_json::from_str(&files[&PathBuf::from("openapi.json")]).unwrap();
        assert_eq!(
            main.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("schemas/A.json"))
        );
        let a: Value = serde_json::from_str(&files[&PathBuf::from("schemas/A.json")]).unwrap();
        assert_eq!(a["$id"], "#/components/schemas/A");
        assert_eq!(a["properties"]["b"]["$ref"], "#/components/schemas/B");

        let dir = std::env::temp_dir().join(format!("xtask-import-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in &files {
            std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            std::fs::write(dir.join(rel), text).unwrap();
        }
        let back = crate::pipeline::load::assemble_dir(&dir).unwrap();
        assert_eq!(back, doc);
    }

    /// The project's overrides (`openapi/overrides.json`) are not the
    /// vendor's: an import leaves them as they are, and loading the folder
    /// carries them into the document.
    #[test]
    fn import_keeps_the_overrides_and_load_reads_them() {
        let dir =
            std::env::temp_dir().join(format!("xtask-import-overrides-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let overrides = "{\"integers\": {\"names\": [\"count\"]}}\n";
        std::fs::write(dir.join(crate::spec::overrides::OVERRIDES_FILE), overrides).unwrap();
        let doc = dir.join("vendor.json");
        std::fs::write(
            &doc,
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                   "components": {"schemas": {"A": {"type": "object",
                       "properties": {"count": {"type": "number"}}}}}})
            .to_string(),
        )
        .unwrap();
        let out = dir.join("openapi");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(crate::spec::overrides::OVERRIDES_FILE), overrides).unwrap();
        run(&dir, &doc, Some(out.clone()), Some("2026-01-01".into())).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join(crate::spec::overrides::OVERRIDES_FILE)).unwrap(),
            overrides
        );
        let mut loaded = load::load(&out).unwrap().doc;
        assert_eq!(
            loaded.pointer(&format!("/{}/integers/names/0", crate::spec::OVERRIDES_KEY)),
            Some(&json!("count"))
        );
        crate::pipeline::normalize::normalize(&mut loaded);
        assert_eq!(
            loaded.pointer("/components/schemas/A/properties/count/type"),
            Some(&json!("integer"))
        );
        // A malformed overrides file is refused, naming the file and key.
        std::fs::write(
            out.join(crate::spec::overrides::OVERRIDES_FILE),
            "{\"integer\": []}",
        )
        .unwrap();
        let err = load::load(&out).unwrap_err().to_string();
        assert!(
            err.contains("overrides.json") && err.contains("/integer"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_component_name_is_named() {
        let doc = json!({"components": {"schemas": {"a/b": {}}}});
        let err = split(&doc).unwrap_err();
        assert_eq!(err.component.as_deref(), Some("a/b"));
    }
}
