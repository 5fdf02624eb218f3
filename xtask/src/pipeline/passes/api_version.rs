//! Pass `api-version` (see [`PASSES`](super::PASSES)): add `API_VERSION`,
//! the version of the API the models were generated from
//! ([`crate::spec::api_version`]), which the crates' version carries as
//! `+api.<version>` (a test checks they agree).

use serde_json::Value;

/// Append the `API_VERSION` constant for `doc` to the models file.
pub fn api_version_constant(file: &mut syn::File, doc: &Value) {
    let version = crate::spec::api_version(doc);
    file.items.push(syn::parse_quote! {
        /// The version of the API these types were generated from: the
        /// OpenAPI document's `info.x-cozmox-api-version` (written by
        /// `cargo xtask import`), else its `info.version`. The crate's
        /// version carries it as SemVer build metadata: `+api.<version>`.
        pub const API_VERSION: &str = #version;
    });
}
