//! Stage 1, **load**: read an OpenAPI document, or an `openapi/`-style folder
//! (`openapi.json` + `schemas/<Name>.json`), into one assembled document.
//!
//! The folder layout is the project's source of truth: one JSON Schema file per
//! component (`$schema` draft 2020-12, `$id` `#/components/schemas/<Name>`),
//! referencing each other as `#/components/schemas/<Other>`, and an OpenAPI
//! document whose paths reference the files as `schemas/<Name>.json`.
//! Assembly moves every file under `components.schemas`, drops `$schema` and
//! `$id`, and rewrites file references into component references.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::Error;
use crate::spec::COMPONENT_REF;

/// The name of the OpenAPI document inside an `openapi/`-style folder.
pub const DOCUMENT_FILE: &str = "openapi.json";
/// The folder holding one JSON Schema file per component.
pub const SCHEMAS_DIR: &str = "schemas";
/// The `$schema` every component file declares.
pub const SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// An assembled OpenAPI document, with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The whole document, components included.
    pub doc: Value,
    /// The file or folder it was read from.
    pub source: PathBuf,
}

/// Read a document (a `.json` file) or an `openapi/`-style folder.
///
/// The project's overrides ([`crate::spec::overrides`]) go with it: the
/// folder's `overrides.json` (none without one), or the defaults for a
/// single vendor file.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let overrides_file = path.join(crate::spec::overrides::OVERRIDES_FILE);
    let (mut doc, overrides) = if path.is_dir() {
        let overrides = if overrides_file.is_file() {
            let overrides = read_json(&overrides_file)?;
            crate::spec::overrides::check(&overrides).map_err(|(pointer, problem)| {
                Error::new(format!(
                    "{}: {} {problem}",
                    overrides_file.display(),
                    if pointer.is_empty() {
                        "the document"
                    } else {
                        &pointer
                    }
                ))
            })?;
            overrides
        } else {
            // A folder states its overrides or has none: an old revision of
            // `openapi/` (`diff --git`) is read as it was generated.
            serde_json::Value::Null
        };
        (assemble_dir(path)?, overrides)
    } else {
        (read_json(path)?, crate::spec::overrides::defaults())
    };
    crate::spec::overrides::inject(&mut doc, overrides);
    Ok(Loaded {
        doc,
        source: path.to_path_buf(),
    })
}

/// Parse a JSON file, naming the file and position on failure.
pub fn read_json(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::new(format!("{} is not valid JSON: {e}", path.display())))
}

/// Read every component file of `dir/schemas/`, sorted by name.
pub fn read_component_files(dir: &Path) -> Result<BTreeMap<String, Value>, Error> {
    let schemas_dir = dir.join(SCHEMAS_DIR);
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(&schemas_dir)
        .map_err(|e| Error::new(format!("cannot list {}: {e}", schemas_dir.display())))?;
    for entry in entries {
        let path = entry
            .map_err(|e| Error::new(format!("cannot list {}: {e}", schemas_dir.display())))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        let schema = read_json(&path)?;
        let expected_id = format!("{COMPONENT_REF}{name}");
        match schema.get("$id").and_then(Value::as_str) {
            Some(id) if id == expected_id => {}
            Some(id) => {
                return Err(Error::at(
                    &name,
                    "/$id",
                    format!(
                        "file {} declares `$id` {id:?}, expected {expected_id:?}",
                        path.display()
                    ),
                ));
            }
            None => {
                return Err(Error::at(
                    &name,
                    "/$id",
                    format!(
                        "file {} has no `$id` (expected {expected_id:?})",
                        path.display()
                    ),
                ));
            }
        }
        out.insert(name, schema);
    }
    Ok(out)
}

/// Assemble `dir/openapi.json` and `dir/schemas/*.json` into one document.
pub fn assemble_dir(dir: &Path) -> Result<Value, Error> {
    let mut doc = read_json(&dir.join(DOCUMENT_FILE))?;
    let components = read_component_files(dir)?;
    assemble(&mut doc, components)?;
    Ok(doc)
}

/// Put component schemas (as read from their files) into `doc` and rewrite
/// file references (`schemas/X.json`) into component references.
pub fn assemble(doc: &mut Value, components: BTreeMap<String, Value>) -> Result<(), Error> {
    let Some(root) = doc.as_object_mut() else {
        return Err(Error::new(
            "the OpenAPI document is not a JSON object".to_string(),
        ));
    };
    let comps = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(comps) = comps.as_object_mut() else {
        return Err(Error::new("`components` is not an object".to_string()));
    };
    let schemas = comps
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return Err(Error::new(
            "`components.schemas` is not an object".to_string(),
        ));
    };
    for (name, mut schema) in components {
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("$schema");
            obj.remove("$id");
        }
        if schemas.insert(name.clone(), schema).is_some() {
            return Err(Error::at(
                &name,
                "",
                "defined both in openapi.json and in schemas/".to_string(),
            ));
        }
    }
    rewrite_refs(doc, &|r| {
        file_ref_name(r).map(|name| format!("{COMPONENT_REF}{name}"))
    });
    Ok(())
}

/// `schemas/Foo.json` (optionally `./`-prefixed) → `Foo`.
pub fn file_ref_name(reference: &str) -> Option<&str> {
    let r = reference.strip_prefix("./").unwrap_or(reference);
    r.strip_prefix("schemas/")?.strip_suffix(".json")
}

/// Apply `f` to every `$ref` string in `value`; `Some` replaces it.
pub fn rewrite_refs(value: &mut Value, f: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = v
                        && let Some(new) = f(s)
                    {
                        *s = new;
                    }
                } else {
                    rewrite_refs(v, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn assemble_moves_components_and_rewrites_file_refs() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "schemas/A.json"}}}}}}}}
        });
        let mut comps = BTreeMap::new();
        comps.insert(
            "A".to_string(),
            json!({"$schema": SCHEMA_DIALECT, "$id": "#/components/schemas/A", "type": "object",
                   "properties": {"b": {"$ref": "#/components/schemas/B"}}}),
        );
        assemble(&mut doc, comps).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/A"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/A"),
            Some(
                &json!({"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}})
            )
        );
    }

    #[test]
    fn duplicate_component_is_an_error_naming_it() {
        let mut doc = json!({"components": {"schemas": {"A": {}}}});
        let mut comps = BTreeMap::new();
        comps.insert("A".to_string(), json!({}));
        let err = assemble(&mut doc, comps).unwrap_err();
        assert!(err.to_string().contains("A"), "{err}");
    }
}
