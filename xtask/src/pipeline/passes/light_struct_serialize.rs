//! Pass `light-struct-serialize` (see [`PASSES`](super::PASSES)): replace
//! serde's derived `Serialize` of the structs that keep their unknown fields
//! (those [`light_struct_deserialize`](super::light_struct_deserialize)
//! gave a map-only `Deserialize`) with a generated impl that writes the
//! fields as the derive did, then the unknown ones through
//! `UnknownFields::serialize_into`, leaving out those named as a declared
//! field the object wrote. The derive cannot do that: when decoding kept the
//! value of an optional field that did not fit (`crate::de::optional`) and
//! the field has been given a value since, the kept value must give way, so
//! the object never carries the key twice.
//!
//! The fields' `#[serde(...)]` attributes stay for the `schemars` derive
//! (which reads them) behind its feature: without a serde derive on the
//! struct, nothing else declares them.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use crate::pipeline::syntax::{FieldDecode, field_decode};
use crate::pipeline::syntax::{derive_paths, insert_after_types, serde_word};

/// Give each struct that derives `Serialize` and has a flattened
/// `crate::UnknownFields` field (and no other serde attribute than the map-only
/// `Deserialize` reads) a generated `Serialize`. Returns the structs changed.
pub fn light_struct_serialize(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    let mut impls: Vec<(String, Item)> = Vec::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        if !st.generics.params.is_empty() || st.attrs.iter().any(|a| a.path().is_ident("serde")) {
            continue;
        }
        let Some((fields, unknown)) = plan(st) else {
            continue;
        };
        let Some(derive_idx) = st.attrs.iter().position(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let paths = derive_paths(std::slice::from_ref(&st.attrs[derive_idx]));
        let is_ser = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "Serialize");
        if !paths.iter().any(is_ser) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is_ser(p));
        st.attrs[derive_idx] = syn::parse_quote!(#[derive(#(#kept),*)]);
        if let syn::Fields::Named(named) = &mut st.fields {
            for field in &mut named.named {
                for attr in field
                    .attrs
                    .iter_mut()
                    .filter(|a| a.path().is_ident("serde"))
                {
                    if let syn::Meta::List(list) = &attr.meta {
                        let tokens = &list.tokens;
                        *attr =
                            syn::parse_quote!(#[cfg_attr(feature = "schemars", serde(#tokens))]);
                    }
                }
            }
        }
        let name = &st.ident;
        impls.push((name.to_string(), serialize_impl(name, &fields, &unknown)));
        changed.push(name.to_string());
    }
    if changed.is_empty() {
        return changed;
    }
    insert_after_types(
        file,
        impls
            .into_iter()
            .map(|(name, imp)| (name, vec![imp]))
            .collect(),
    );
    changed
}

/// The struct's fields as they encode, and the ident of its unknown-fields
/// field; `None` when a field has serde attributes this pass does not
/// write, or there is no unknown-fields field.
fn plan(st: &syn::ItemStruct) -> Option<(Vec<FieldDecode>, syn::Ident)> {
    let syn::Fields::Named(named) = &st.fields else {
        return None;
    };
    let mut fields = Vec::new();
    let mut unknown = None;
    for field in &named.named {
        let is_unknown = serde_word(&field.attrs, "flatten")
            && matches!(&field.ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "UnknownFields"));
        if is_unknown {
            if unknown.is_some() {
                return None;
            }
            unknown = field.ident.clone();
        } else {
            fields.push(field_decode(field)?);
        }
    }
    Some((fields, unknown?))
}

fn serialize_impl(name: &syn::Ident, fields: &[FieldDecode], unknown: &syn::Ident) -> Item {
    let entries = fields.iter().map(|f| {
        let ident = f.ident();
        let json = f.json();
        match f.skip() {
            Some(skip) => quote! {
                if !#skip(&self.#ident) {
                    map.serialize_entry(#json, &self.#ident)?;
                }
            },
            None => quote!(map.serialize_entry(#json, &self.#ident)?;),
        }
    });
    // Every declared field the object writes: an unknown field of the same
    // name (a kept value, or one put there by hand) is then left out.
    let always: Vec<&str> = fields
        .iter()
        .filter(|f| f.skip().is_none())
        .map(FieldDecode::json)
        .collect();
    let mut written: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let skip = f.skip()?;
            let ident = f.ident();
            let json = f.json();
            Some(quote!(#json => !#skip(&self.#ident),))
        })
        .collect();
    if !always.is_empty() {
        written.push(quote!(#(#always)|* => true,));
    }
    // A trait object (`serialize_into` takes `&dyn Fn`): one copy of it per
    // serializer, not one per struct.
    let written = if written.is_empty() {
        quote!(&|_| false)
    } else {
        quote!(&|key| match key { #(#written)* _ => false })
    };
    syn::parse_quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                self.#unknown.serialize_into(&mut map, #written)?;
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn structs_with_unknown_fields_get_a_generated_serialize() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Serialize, Clone, Debug)]
            #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
            pub struct S {
                pub id: String,
                #[serde(rename = "orgId", skip_serializing_if = "::std::option::Option::is_none")]
                pub org_id: ::std::option::Option<String>,
                #[serde(flatten)]
                pub unknown_fields: crate::UnknownFields,
            }
            #[derive(::serde::Serialize)]
            pub struct Plain { pub id: String }
            #[derive(::serde::Serialize)]
            #[serde(transparent)]
            pub struct T { #[serde(flatten)] pub unknown_fields: crate::UnknownFields }
        })
        .expect("parses");
        assert_eq!(light_struct_serialize(&mut file), ["S"]);
        let t = text(&file);
        assert!(t.contains("#[derive(Clone,Debug)]"), "{t}");
        assert!(
            t.contains("#[cfg_attr(feature=\"schemars\",serde(rename=\"orgId\",skip_serializing_if=\"::std::option::Option::is_none\"))]"),
            "{t}"
        );
        assert!(t.contains("impl::serde::SerializeforS"), "{t}");
        assert!(t.contains("map.serialize_entry(\"id\",&self.id)?;"), "{t}");
        assert!(
            t.contains("if!::std::option::Option::is_none(&self.org_id){map.serialize_entry(\"orgId\",&self.org_id)?;}"),
            "{t}"
        );
        assert!(
            t.contains("self.unknown_fields.serialize_into(&mutmap,&|key|matchkey{\"orgId\"=>!::std::option::Option::is_none(&self.org_id),\"id\"=>true,_=>false,},)?;"),
            "{t}"
        );
        assert!(
            t.contains("#[derive(::serde::Serialize)]pubstructPlain"),
            "{t}"
        );
        assert!(t.contains("#[serde(transparent)]pubstructT"), "{t}");
    }
}
