//! Pass `unchecked-string-decoding` (see [`PASSES`](super::PASSES)): decoding
//! takes what the server sends: typify's constrained strings (`maxLength`,
//! `pattern`…: a newtype whose `Deserialize` parses, and so validates) decode
//! without the check. The check stays where requests are sent (`Validate`;
//! `FromStr` for callers who want it early). Returns the types changed.

use proc_macro2::Span;
use quote::ToTokens;
use syn::Item;

use crate::pipeline::syntax::trait_name;
use crate::pipeline::syntax::type_ident;

/// Decoding takes what the server sends: typify's constrained strings
/// (`maxLength`, `pattern`…: a newtype whose `Deserialize` parses, and so
/// validates) decode without the check. The check stays where requests are
/// sent (`Validate`; `FromStr` for callers who want it early). Returns the
/// types changed.
pub fn unchecked_string_decoding(file: &mut syn::File) -> Vec<String> {
    let newtypes = crate::pipeline::syntax::string_newtypes(file);
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = type_ident(&imp.self_ty).filter(|n| newtypes.contains(n)) else {
            continue;
        };
        if trait_name(imp).as_deref() != Some("Deserialize")
            || !crate::pipeline::syntax::contains_ident(imp.to_token_stream(), "parse")
        {
            continue;
        }
        let ident = syn::Ident::new(&name, Span::call_site());
        *item = syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self)
                }
            }
        };
        changed.push(name);
    }
    changed
}
