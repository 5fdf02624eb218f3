//! Pass `component-unions` (see [`PASSES`](super::PASSES)): turn typify's
//! newtype for each one-member union component named in `unions` (`pub struct
//! Model(pub AnthropicModel)`, transparent, with `Deref` and `From` both
//! ways) into an untagged enum with that one member, which
//! [`super::open_untagged_unions`] and [`super::union_impls`] then treat like any
//! other union. Returns the types changed.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use syn::Item;

use crate::pipeline::syntax::derive_paths;
use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::trait_arg;
use crate::pipeline::syntax::trait_name;
use crate::pipeline::syntax::type_ident;

/// Turn typify's newtype for each one-member union component named in
/// `unions` (`pub struct Model(pub AnthropicModel)`, transparent, with
/// `Deref` and `From` both ways) into an untagged enum with that one member,
/// which [`super::open_untagged_unions`] and [`super::union_impls`] then treat like
/// any other union. Returns the types changed.
pub fn unions_from_components(file: &mut syn::File, unions: &BTreeSet<String>) -> Vec<String> {
    let mut members: BTreeMap<String, syn::Type> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let name = st.ident.to_string();
        if !unions.contains(&name) {
            continue;
        }
        let syn::Fields::Unnamed(fields) = &st.fields else {
            continue;
        };
        if fields.unnamed.len() != 1 {
            continue;
        }
        let inner = fields.unnamed[0].ty.clone();
        let Some(variant) = type_ident(generic_arg(&inner, "Box").as_ref().unwrap_or(&inner))
        else {
            continue;
        };
        let variant = syn::Ident::new(&variant, Span::call_site());
        let docs = st.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let derives = derive_paths(&st.attrs);
        let ident = &st.ident;
        *item = syn::parse_quote! {
            #(#docs)*
            #[derive(#(#derives),*)]
            #[serde(untagged)]
            pub enum #ident {
                #variant(#inner),
            }
        };
        members.insert(name, inner);
    }
    if members.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        if let Item::Impl(imp) = &item {
            let self_ty = type_ident(&imp.self_ty).unwrap_or_default();
            let arg = trait_arg(imp).unwrap_or_default();
            let tr = trait_name(imp).unwrap_or_default();
            let drop = (tr == "Deref" && members.contains_key(&self_ty))
                || (tr == "From" && members.contains_key(&arg))
                || (tr == "From" && members.contains_key(&self_ty));
            if drop {
                continue;
            }
        }
        let name = match &item {
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        };
        items.push(item);
        if let Some((name, inner)) = name.and_then(|n| members.get(&n).map(|t| (n, t))) {
            let ident = syn::Ident::new(&name, Span::call_site());
            let variant = type_ident(generic_arg(inner, "Box").as_ref().unwrap_or(inner))
                .map(|v| syn::Ident::new(&v, Span::call_site()));
            items.push(syn::parse_quote! {
                impl ::std::convert::From<#inner> for #ident {
                    fn from(value: #inner) -> Self {
                        Self::#variant(value)
                    }
                }
            });
        }
    }
    file.items = items;
    members.into_keys().collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use quote::quote;

    #[test]
    fn one_member_union_components_become_enums() {
        let mut file: syn::File = syn::parse2(quote! {
            ///Doc.
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(transparent)]
            pub struct U(pub A);
            impl ::std::ops::Deref for U { type Target = A; fn deref(&self) -> &A { &self.0 } }
            impl ::std::convert::From<U> for A { fn from(value: U) -> Self { value.0 } }
            impl ::std::convert::From<A> for U { fn from(value: A) -> Self { Self(value) } }
            pub struct NotAUnion(pub A);
        })
        .expect("parses");
        let set = BTreeSet::from(["U".to_string()]);
        assert_eq!(unions_from_components(&mut file, &set), ["U"]);
        let t = text(&file);
        assert!(t.contains("#[serde(untagged)]pubenumU{A(A),}"), "{t}");
        assert!(!t.contains("Deref"), "{t}");
        assert!(!t.contains("From<U>forA"), "{t}");
        assert!(
            t.contains("From<A>forU{fnfrom(value:A)->Self{Self::A(value)}}"),
            "{t}"
        );
        assert!(t.contains("pubstructNotAUnion(pubA);"), "{t}");
    }
}
