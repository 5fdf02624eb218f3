//! Pass `drift-impls` (see [`PASSES`](super::PASSES)): implement
//! `crate::drift::Drift` for every struct and enum that has no impl yet:
//! structs visit their fields (and report their unknown fields), newtypes
//! delegate, enums with data delegate per variant, plain enums have nothing
//! to report. Returns how many impls were added.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::Item;

use crate::pipeline::syntax::insert_after_types;
use crate::pipeline::syntax::named_fields;
use crate::pipeline::syntax::trait_name;
use crate::pipeline::syntax::type_ident;

/// The ident of the field that keeps unknown object fields.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

/// Implement `crate::drift::Drift` for every struct and enum that has no
/// impl yet: structs visit their fields (and report their unknown fields),
/// newtypes delegate, enums with data delegate per variant, plain enums
/// have nothing to report. Returns how many impls were added.
pub fn drift_impls(file: &mut syn::File) -> usize {
    let has: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i) if trait_name(i).as_deref() == Some("Drift") => type_ident(&i.self_ty),
            _ => None,
        })
        .collect();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &file.items {
        let (name, body) = match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                let body = match &st.fields {
                    syn::Fields::Named(_) => {
                        let fields = named_fields(st).unwrap_or_default();
                        let calls = fields.iter().map(|f| {
                            let ident = &f.ident;
                            let json = &f.json;
                            let is_unknown = f.ident.to_string().starts_with(UNKNOWN_FIELDS)
                                && type_ident(&f.ty).as_deref() == Some("UnknownFields");
                            if f.flatten && is_unknown {
                                quote!(collector.unknown_fields(&self.#ident);)
                            } else if f.flatten {
                                quote!(crate::drift::Drift::drift(&self.#ident, collector);)
                            } else {
                                quote!(collector.field(#json, &self.#ident);)
                            }
                        });
                        quote!(#(#calls)*)
                    }
                    syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        quote!(crate::drift::Drift::drift(&self.0, collector);)
                    }
                    _ => quote!(let _ = collector;),
                };
                (st.ident.clone(), body)
            }
            Item::Enum(e) if e.generics.params.is_empty() => {
                let arms = e.variants.iter().map(|v| {
                    let ident = &v.ident;
                    match &v.fields {
                        syn::Fields::Unit => quote!(Self::#ident => {}),
                        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                            quote!(Self::#ident(value) => crate::drift::Drift::drift(value, collector),)
                        }
                        syn::Fields::Unnamed(_) => quote!(Self::#ident(..) => {}),
                        syn::Fields::Named(f) => {
                            let names: Vec<&syn::Ident> =
                                f.named.iter().filter_map(|f| f.ident.as_ref()).collect();
                            let keys: Vec<String> = names
                                .iter()
                                .map(|i| i.to_string().trim_start_matches("r#").to_string())
                                .collect();
                            quote!(Self::#ident { #(#names),* } => { #(collector.field(#keys, #names);)* })
                        }
                    }
                });
                let body = if e.variants.is_empty() {
                    quote!(let _ = collector;)
                } else {
                    quote!(match self { #(#arms)* })
                };
                (e.ident.clone(), body)
            }
            _ => continue,
        };
        if has.contains(&name.to_string()) {
            continue;
        }
        let imp: Item = syn::parse_quote! {
            impl crate::drift::Drift for #name {
                fn drift<'a>(&'a self, collector: &mut crate::drift::Collector<'a>) {
                    #body
                }
            }
        };
        impls.insert(name.to_string(), vec![imp]);
    }
    let n = impls.len();
    insert_after_types(file, impls);
    n
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use quote::quote;

    #[test]
    fn every_type_gets_a_drift_impl() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct S {
                #[serde(rename = "aB")]
                pub a_b: Option<T>,
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<String, T>,
                #[serde(flatten)]
                pub unknown_fields: crate::UnknownFields,
            }
            pub struct T(pub String);
            pub enum E { X, Y(S) }
        })
        .expect("parses");
        assert_eq!(drift_impls(&mut file), 3);
        let t = text(&file);
        assert!(t.contains("collector.field(\"aB\",&self.a_b);"), "{t}");
        assert!(
            t.contains("crate::drift::Drift::drift(&self.extra,collector);"),
            "{t}"
        );
        assert!(
            t.contains("collector.unknown_fields(&self.unknown_fields);"),
            "{t}"
        );
        assert!(
            t.contains("crate::drift::Drift::drift(&self.0,collector);"),
            "{t}"
        );
        assert!(
            t.contains("Self::X=>{}Self::Y(value)=>crate::drift::Drift::drift(value,collector),"),
            "{t}"
        );
        // Idempotent: a type with an impl gets no second one.
        assert_eq!(drift_impls(&mut file), 0);
    }
}
