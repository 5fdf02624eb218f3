//! Pass `declare-httpmock-module` (see [`PASSES`](super::PASSES)): declare
//! the typed httpmock helpers (`httpmock.rs`, written beside the client's
//! `mod.rs`) from the client's module, behind the client crate's `httpmock`
//! feature: without it the crate neither compiles them nor depends on
//! httpmock.

/// Declare the typed httpmock helpers (`httpmock.rs`, written beside the
/// client's `mod.rs`) from the client's module, behind the client crate's
/// `httpmock` feature: without it the crate neither compiles them nor
/// depends on httpmock.
pub fn declare_httpmock_module(file: &mut syn::File) {
    file.items.push(syn::parse_quote! {
        /// Typed [httpmock](https://docs.rs/httpmock) helpers, one per
        /// operation: `MockServerExt` adds a method per operation to
        /// `httpmock::MockServer`, whose `When`/`Then` arguments take the
        /// operation's parameter and response types. Feature `httpmock`.
        #[cfg(feature = "httpmock")]
        pub mod httpmock;
    });
}
