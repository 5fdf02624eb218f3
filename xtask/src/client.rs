//! Stage 4, **generate client**: progenitor over the normalized document, with
//! every component replaced by the models crate's type, so no type is defined
//! twice. Only schemas written inline in operations (none in `openapi/`) are
//! generated into the client's `types` module.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use proc_macro2::TokenStream;
use serde_json::Value;

use crate::{Error, catch_panic, models::json_pointer_of};

/// Parse a normalized document as OpenAPI 3.0, naming the JSON pointer of the
/// first thing that does not fit.
pub fn parse_openapi(doc: &Value) -> Result<OpenAPI, Error> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let pointer = json_pointer_of(&e.path().to_string());
        let component = pointer
            .strip_prefix("/components/schemas/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("document");
        Error::at(component, &pointer, format!("not valid OpenAPI 3.0: {}", e.inner()))
    })
}

/// progenitor settings: builder-style operations (the list operation has
/// fifteen optional query parameters), one `Client`, hooks implemented by
/// hand-written code beside the generated file.
pub fn settings(models_crate: &str, names: &BTreeMap<String, String>) -> GenerationSettings {
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder).with_tag(TagStyle::Merged);
    let krate = models_crate.replace('-', "_");
    for rust_name in names.values() {
        s.with_replacement(rust_name, format!("::{krate}::{rust_name}"), std::iter::empty());
    }
    s
}

/// Run progenitor over `doc`, reusing the models' types.
pub fn generate(doc: &Value, models_crate: &str, names: &BTreeMap<String, String>) -> Result<TokenStream, Error> {
    let spec = parse_openapi(doc)?;
    catch_panic("progenitor", || {
        let mut generator = Generator::new(&settings(models_crate, names));
        generator
            .generate_tokens(&spec)
            .map_err(|e| Error::new(format!("progenitor cannot generate the client: {e}")))
    })
}

/// The operations of a document: `operationId` → (method, path).
pub fn operations(doc: &Value) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") {
                continue;
            }
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.insert(id.to_string(), (method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}
