//! Pass `open-untagged-unions` (see [`PASSES`](super::PASSES)): give every
//! `#[serde(untagged)]` enum a last variant holding the raw JSON, so a member
//! the spec does not describe (a new server value, or a documentation
//! placeholder) decodes instead of failing the whole response, and re-encodes
//! unchanged. Returns the enums changed.

use std::collections::BTreeSet;

use syn::Item;

use crate::pipeline::syntax::type_ident;

/// Give every `#[serde(untagged)]` enum a last variant holding the raw JSON,
/// so a member the spec does not describe (a new server value, or a
/// documentation placeholder) decodes instead of failing the whole response,
/// and re-encodes unchanged. Returns the enums changed.
pub fn open_untagged_unions(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    // typify implements Display/FromStr for unions of strings by matching on
    // every variant, and such unions already accept any string: leave them.
    let string_unions: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(_, p, _)| {
                    p.segments
                        .last()
                        .is_some_and(|s| s.ident == "Display" || s.ident == "FromStr")
                }) =>
            {
                type_ident(&i.self_ty)
            }
            _ => None,
        })
        .collect();
    for item in &mut file.items {
        let Item::Enum(e) = item else { continue };
        let untagged = crate::pipeline::syntax::serde_word(&e.attrs, "untagged");
        if !untagged || string_unions.contains(&e.ident.to_string()) {
            continue;
        }
        let name = ["Unknown", "UnknownValue", "UnknownJsonValue"]
            .into_iter()
            .find(|n| e.variants.iter().all(|v| v.ident != *n))
            .unwrap_or("UnknownJsonValue");
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let raw = crate::pipeline::syntax::raw_json_type();
        e.variants.push(syn::parse_quote! {
            /// A value that matches none of the members the spec describes, kept as
            /// sent so that it re-encodes unchanged.
            #ident(#raw)
        });
        changed.push(e.ident.to_string());
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn untagged_unions_get_a_raw_fallback() {
        let mut file: syn::File = syn::parse2(quote! {
            #[serde(untagged)]
            pub enum A { X(X), Unknown(Y) }
            pub enum B { X }
        })
        .unwrap();
        assert_eq!(open_untagged_unions(&mut file), ["A"]);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("UnknownValue(crate::Json)"), "{text}");
        assert!(!text.contains("B {\n    X,\n    Unknown"));
    }
}
