//! Pass `open-string-enums` (see [`PASSES`](super::PASSES)): rewrite typify's
//! string enums (unit variants, each a `#[serde(rename)]` value, with derived
//! serde and hand-written `Display`/`FromStr`/`TryFrom` impls) into one
//! `open_string_enum!` invocation each: the enum gains an unknown-value
//! variant holding the string (a new server value decodes and re-encodes
//! instead of failing the whole response), is `#[non_exhaustive]`, and its
//! serde impls are a few lines instead of a derive's visitor machinery. The
//! macro is hand-written (the models crate's `support.rs`). Returns the enums changed.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::Item;

use crate::pipeline::snapshots::idents;
use crate::pipeline::syntax::serde_rename;
use crate::pipeline::syntax::type_ident;

/// An enum's doc attributes and its variants: (ident, wire value, docs).
pub(crate) type StringEnum = (
    Vec<syn::Attribute>,
    Vec<(syn::Ident, String, Vec<syn::Attribute>)>,
);

/// Rewrite typify's string enums (unit variants, each a `#[serde(rename)]`
/// value, with derived serde and hand-written `Display`/`FromStr`/`TryFrom`
/// impls) into one `open_string_enum!` invocation each: the enum gains an
/// unknown-value variant holding the string (a new server value decodes and
/// re-encodes instead of failing the whole response), is `#[non_exhaustive]`,
/// and its serde impls are a few lines instead of a derive's visitor
/// machinery. The macro is hand-written (`support.rs`). Returns the enums changed.
pub fn open_string_enums(file: &mut syn::File) -> Vec<String> {
    let mut targets: BTreeMap<String, StringEnum> = BTreeMap::new();
    for item in &file.items {
        let Item::Enum(e) = item else { continue };
        let derives_serde = crate::pipeline::syntax::derives(&e.attrs, "Deserialize");
        let enum_serde_attrs = e.attrs.iter().any(|a| a.path().is_ident("serde"));
        if !derives_serde
            || enum_serde_attrs
            || e.variants.is_empty()
            || !e.generics.params.is_empty()
        {
            continue;
        }
        let mut variants = Vec::new();
        for v in &e.variants {
            if !matches!(v.fields, syn::Fields::Unit) || v.discriminant.is_some() {
                variants.clear();
                break;
            }
            let value = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            let docs: Vec<syn::Attribute> = v
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            variants.push((v.ident.clone(), value, docs));
        }
        if variants.is_empty() {
            continue;
        }
        let docs: Vec<syn::Attribute> = e
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        targets.insert(e.ident.to_string(), (docs, variants));
    }
    if targets.is_empty() {
        return Vec::new();
    }
    let replaced_traits = ["Display", "FromStr", "TryFrom"];
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        match &item {
            Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(_, p, _)| {
                    p.segments
                        .last()
                        .is_some_and(|s| replaced_traits.contains(&s.ident.to_string().as_str()))
                }) && type_ident(&i.self_ty).is_some_and(|t| targets.contains_key(&t)) => {}
            Item::Enum(e) if targets.contains_key(&e.ident.to_string()) => {
                let (docs, variants) = &targets[&e.ident.to_string()];
                let name = &e.ident;
                let unknown = ["Unknown", "UnknownValue", "UnrecognizedValue"]
                    .into_iter()
                    .find(|n| variants.iter().all(|(v, _, _)| v != n))
                    .unwrap_or("UnrecognizedValue");
                let unknown = syn::Ident::new(unknown, proc_macro2::Span::call_site());
                let vars = variants
                    .iter()
                    .map(|(ident, value, vdocs)| quote::quote!(#(#vdocs)* #ident = #value,));
                items.push(syn::parse_quote! {
                    open_string_enum! {
                        #(#docs)*
                        pub enum #name { #(#vars)* } #unknown
                    }
                });
            }
            _ => items.push(item),
        }
    }
    file.items = items;
    // A type holding an open enum can no longer be `Copy`.
    let names: BTreeSet<String> = targets.keys().cloned().collect();
    for item in &mut file.items {
        let (attrs, tokens) = match item {
            Item::Struct(s) => (&mut s.attrs, s.fields.to_token_stream()),
            Item::Enum(e) => (&mut e.attrs, e.variants.to_token_stream()),
            _ => continue,
        };
        let mut used = BTreeSet::new();
        idents(tokens, &mut used);
        if used.is_disjoint(&names) {
            continue;
        }
        for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            if paths.iter().any(|p| p.is_ident("Copy")) {
                let kept = paths.iter().filter(|p| !p.is_ident("Copy"));
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            }
        }
    }
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn string_enums_become_open() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status {
                #[serde(rename = "active")]
                Active,
                #[serde(rename = "unknown")]
                Unknown,
            }
            impl ::std::fmt::Display for Status { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            impl ::std::convert::TryFrom<&str> for Status { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
            impl Default for Status { fn default() -> Self { Status::Active } }
            #[derive(Clone, Copy, Debug)]
            pub struct Holder { pub s: Status }
            #[serde(untagged)]
            #[derive(::serde::Deserialize)]
            pub enum Tagged { A(Holder) }
        })
        .unwrap();
        assert_eq!(open_string_enums(&mut file), ["Status"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("open_string_enum!{pubenumStatus{Active=\"active\",Unknown=\"unknown\",}UnknownValue}"), "{text}");
        assert!(!text.contains("impl::std::fmt::DisplayforStatus"), "{text}");
        assert!(!text.contains("TryFrom<&str>forStatus"), "{text}");
        assert!(text.contains("implDefaultforStatus"), "{text}");
        assert!(
            text.contains("#[derive(Clone,Debug)]pubstructHolder"),
            "{text}"
        );
        assert!(text.contains("pubenumTagged"), "{text}");
    }
}
