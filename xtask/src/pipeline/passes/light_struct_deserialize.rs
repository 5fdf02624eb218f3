//! Pass `light-struct-deserialize` (see [`PASSES`](super::PASSES)): replace
//! serde's derived `Deserialize` of plain structs (named fields, no
//! struct-level serde attributes, field attributes limited to what typify and
//! the passes above emit) with a generated impl that only visits a map, and
//! records the path of an error as it leaves (`crate::de::required`,
//! `optional`, `keep`, `Seq`, `Entries`: see `crates/cozmox-models/src/decode.rs`).
//! serde's derive also emits a field-index enum with its own visitor and a
//! `visit_seq` no JSON object needs; in a crate of a thousand structs that is
//! most of the type- and borrow-checking time. Missing fields, defaults,
//! `null` behave as with the derive; unknown fields are kept in a field added
//! for them ([`add_unknown_fields`]) instead of skipped, so they re-encode
//! unchanged. Returns the structs changed.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use syn::Item;
use syn::visit_mut::VisitMut;

use super::drift_impls::UNKNOWN_FIELDS;
use crate::pipeline::syntax::derive_paths;
use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::insert_after_types;
use crate::pipeline::syntax::trait_name;
use crate::pipeline::syntax::type_ident;
use crate::pipeline::syntax::{FieldDecode, field_decode};

/// Replace serde's derived `Deserialize` of plain structs (named fields,
/// no struct-level serde attributes, field attributes limited to what typify
/// and the passes above emit) with a generated impl that only visits a map.
/// serde's derive also emits a field-index enum with its own visitor and a
/// `visit_seq` no JSON object needs; in a crate of a thousand structs that is
/// most of the type- and borrow-checking time. Missing fields, defaults,
/// `null` behave as with the derive; unknown fields are kept in a field
/// added for them ([`add_unknown_fields`]) instead of skipped, so
/// they re-encode unchanged. Returns the structs changed.
pub fn light_struct_deserialize(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    let mut impls: Vec<Item> = Vec::new();
    let mut added: BTreeMap<String, syn::Ident> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        if !st.generics.params.is_empty() || st.attrs.iter().any(|a| a.path().is_ident("serde")) {
            continue;
        }
        let syn::Fields::Named(named) = &st.fields else {
            continue;
        };
        let Some(fields) = named
            .named
            .iter()
            .map(field_decode)
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let Some(derive_idx) = st.attrs.iter().position(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let Ok(paths) = st.attrs[derive_idx].parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let is_de = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "Deserialize");
        if !paths.iter().any(is_de) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is_de(p));
        st.attrs[derive_idx] = syn::parse_quote!(#[derive(#(#kept),*)]);
        let Some(unknown_ident) = add_unknown_fields(st) else {
            continue;
        };
        added.insert(st.ident.to_string(), unknown_ident.clone());

        let name = &st.ident;
        let expecting = format!("an object ({name})");
        let slots: Vec<syn::Ident> = (0..fields.len())
            .map(|i| quote::format_ident!("f{i}"))
            .collect();
        let decls = fields.iter().zip(&slots).map(|(f, slot)| {
            let ty = &f.ty;
            quote::quote!(let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None;)
        });
        // Optional fields go through `crate::de::optional`, which tolerates
        // a value that does not fit when decoding tolerantly; required ones
        // through `crate::de::required`. Both record the field's name in the
        // path of an error; an array field is read as `crate::de::Seq`
        // (which records the index of the element that fails) and a map
        // field as `crate::de::Entries` (the key), see [`recorded_read`].
        let arms = fields.iter().zip(&slots).map(|(f, slot)| {
            let json = &f.json;
            let spot = if f.nullable {
                generic_arg(&f.ty, "Option").unwrap_or_else(|| f.ty.clone())
            } else {
                f.ty.clone()
            };
            let read_as = recorded_read(&spot);
            let read = match (&read_as, f.nullable) {
                (Some(read_as), _) => quote::quote!(::<_, #read_as>),
                (None, true) => quote::quote!(::<_, #spot>),
                (None, false) => quote::quote!(),
            };
            let value = |call: proc_macro2::TokenStream| match read_as {
                Some(_) => quote::quote!(crate::de::Decoded::field(#call?)),
                None => quote::quote!(#call?),
            };
            match (f.nullable, f.tolerant()) {
                (true, true) => {
                    let value = value(quote::quote!(crate::de::optional #read (tolerant, &mut map, #json, &mut unknown)));
                    quote::quote!(#json => #slot = #value.map(::std::option::Option::Some),)
                }
                (true, false) => {
                    let value = value(quote::quote!(crate::de::required #read (&mut map, #json)));
                    quote::quote!(#json => #slot = ::std::option::Option::Some(::std::option::Option::Some(#value)),)
                }
                (false, true) => {
                    let value = value(quote::quote!(crate::de::optional #read (tolerant, &mut map, #json, &mut unknown)));
                    quote::quote!(#json => #slot = #value,)
                }
                (false, false) => {
                    let value = value(quote::quote!(crate::de::required #read (&mut map, #json)));
                    quote::quote!(#json => #slot = ::std::option::Option::Some(#value),)
                }
            }
        });
        let inits = fields.iter().zip(&slots).map(|(f, slot)| {
            let ident = &f.ident;
            let json = &f.json;
            let option = generic_arg(&f.ty, "Option").is_some() && !f.required_option;
            let value = match (&f.default, f.nullable, option) {
                (_, true, _) => quote::quote!(#slot.flatten()),
                (Some(Some(path)), _, _) => quote::quote!(#slot.unwrap_or_else(#path)),
                (Some(None), _, _) => quote::quote!(#slot.unwrap_or_default()),
                (None, _, true) => quote::quote!(#slot.flatten()),
                (None, _, false) => quote::quote!(match #slot {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field(#json)),
                }),
            };
            quote::quote!(#ident: #value,)
        });
        let tolerant = if fields.iter().any(FieldDecode::tolerant) {
            quote::quote!(let tolerant = crate::de::tolerant();)
        } else {
            quote::quote!()
        };
        // Not inlined where the struct is read (an `Option` of it, an array
        // of it, a union's member): one copy of its decoder per
        // deserializer, which keeps the code a document runs through small
        // enough for the instruction cache (measured with cachegrind on a
        // page of sessions: 4 % fewer misses, 0.4 % fewer instructions).
        impls.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                #[inline(never)]
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    struct Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                            #(#decls)*
                            #tolerant
                            let mut unknown = crate::UnknownFields::new();
                            while let ::std::option::Option::Some(key) = map.next_key::<crate::de::Key<'de>>()? {
                                match key.as_str() {
                                    #(#arms)*
                                    _ => crate::de::keep(&mut map, key, &mut unknown)?,
                                }
                            }
                            ::std::result::Result::Ok(#name { #(#inits)* #unknown_ident: unknown })
                        }
                    }
                    deserializer.deserialize_map(Visitor)
                }
            }
        });
        changed.push(name.to_string());
    }
    if changed.is_empty() {
        return changed;
    }
    insert_after_types(
        file,
        changed
            .iter()
            .cloned()
            .zip(impls.into_iter().map(|imp| vec![imp]))
            .collect(),
    );
    complete_struct_exprs(file, &added);
    changed
}

/// What an array field (`Vec<T>`, or `Option<Vec<T>>`) is read as:
/// `crate::de::Seq<T>`, which records the index of an element that fails in
/// the error's path; a map field (`HashMap<String, T>`) as
/// `crate::de::Entries<T>`, which records the key; `None` for other fields.
fn recorded_read(ty: &syn::Type) -> Option<syn::Type> {
    let recording = |ty: &syn::Type| -> Option<syn::Type> {
        if let Some(element) = generic_arg(ty, "Vec") {
            return Some(syn::parse_quote!(crate::de::Seq<#element>));
        }
        let key = generic_arg(ty, "HashMap")?;
        let value = crate::pipeline::syntax::nth_generic_arg(ty, "HashMap", 1)?;
        let default_hasher = crate::pipeline::syntax::nth_generic_arg(ty, "HashMap", 2).is_none();
        (default_hasher && crate::pipeline::syntax::type_ident(&key).as_deref() == Some("String"))
            .then(|| syn::parse_quote!(crate::de::Entries<#value>))
    };
    if let Some(read) = recording(ty) {
        return Some(read);
    }
    let read = recording(&generic_arg(ty, "Option")?)?;
    Some(syn::parse_quote!(::std::option::Option<#read>))
}

/// Add the field that keeps unknown object fields to a struct, and to the
/// struct expressions of its hand-rolled `Default` impl. Returns the ident.
pub fn add_unknown_fields(st: &mut syn::ItemStruct) -> Option<syn::Ident> {
    let syn::Fields::Named(named) = &mut st.fields else {
        return None;
    };
    let taken: BTreeSet<String> = named
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
        .collect();
    let ident = [UNKNOWN_FIELDS, "unknown_fields_", "unknown_fields__"]
        .into_iter()
        .find(|n| !taken.contains(*n))?;
    let ident = syn::Ident::new(ident, Span::call_site());
    named.named.push(syn::parse_quote! {
        /// Fields the spec does not declare, kept as sent so that they
        /// re-encode unchanged (listed by `Drift::unknown_data`).
        #[serde(flatten)]
        pub #ident: crate::UnknownFields
    });
    // Unknown fields are neither `Hash` nor `Ord`.
    for attr in st.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let kept: Vec<syn::Path> = derive_paths(std::slice::from_ref(attr))
            .into_iter()
            .filter(|p| !(p.is_ident("Hash") || p.is_ident("Ord") || p.is_ident("PartialOrd")))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Some(ident)
}

/// typify writes `impl Default for X { fn default() -> Self { Self { … } } }`
/// for structs with default values: give those struct expressions the
/// unknown-fields field too.
pub fn complete_struct_exprs(file: &mut syn::File, added: &BTreeMap<String, syn::Ident>) {
    struct Fill<'a> {
        ty: &'a str,
        field: &'a syn::Ident,
    }
    impl VisitMut for Fill<'_> {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            syn::visit_mut::visit_expr_struct_mut(self, e);
            let target = e.path.is_ident("Self") || e.path.is_ident(self.ty);
            let has = e
                .fields
                .iter()
                .any(|f| matches!(&f.member, syn::Member::Named(i) if i == self.field));
            if target && !has && e.rest.is_none() {
                let field = self.field;
                e.fields
                    .push(syn::parse_quote!(#field: crate::UnknownFields::new()));
            }
        }
    }
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(ty) = type_ident(&imp.self_ty) else {
            continue;
        };
        let Some(field) = added.get(&ty) else {
            continue;
        };
        if trait_name(imp).as_deref() == Some("Deserialize") {
            continue;
        }
        Fill { ty: &ty, field }.visit_item_impl_mut(imp);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use quote::quote;

    #[test]
    fn plain_structs_get_a_map_only_deserialize() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct S {
                pub id: String,
                #[serde(rename = "orgId", skip_serializing_if = "::std::option::Option::is_none")]
                pub org_id: ::std::option::Option<String>,
                #[serde(default = "defaults::s_n")]
                pub n: f64,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "crate::support::nullable")]
                pub ext: ::std::option::Option<::std::option::Option<String>>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(transparent)]
            pub struct T(pub String);
            #[derive(::serde::Deserialize)]
            pub struct U { #[serde(flatten)] pub rest: ::serde_json::Map<String, ::serde_json::Value> }
        })
        .unwrap();
        assert_eq!(light_struct_deserialize(&mut file), ["S"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            text.contains("#[derive(::serde::Serialize,Clone,Debug)]pubstructS"),
            "{text}"
        );
        assert!(
            text.contains("impl<'de>::serde::Deserialize<'de>forS"),
            "{text}"
        );
        // One copy of the decoder per deserializer, called where the
        // struct is read, not inlined into each place.
        assert!(
            text.contains("#[inline(never)]fndeserialize<D:::serde::Deserializer<'de>>"),
            "{text}"
        );
        assert!(
            text.contains(
                "\"orgId\"=>{f1=crate::de::optional(tolerant,&mutmap,\"orgId\",&mutunknown,)?;}"
            ),
            "{text}"
        );
        assert!(
            text.contains("\"ext\"=>{f3=crate::de::optional::<_,::std::option::Option<String>,>(tolerant,&mutmap,\"ext\",&mutunknown)?.map(::std::option::Option::Some);}"),
            "{text}"
        );
        assert!(
            text.contains(
                "\"id\"=>{f0=::std::option::Option::Some(crate::de::required(&mutmap,\"id\")?,);}"
            ),
            "{text}"
        );
        assert!(text.contains("missing_field(\"id\")"), "{text}");
        assert!(
            text.contains("lettolerant=crate::de::tolerant();"),
            "{text}"
        );
        assert!(text.contains("f2.unwrap_or_else(defaults::s_n)"), "{text}");
        assert!(
            text.contains(
                "#[derive(::serde::Deserialize,::serde::Serialize)]#[serde(transparent)]pubstructT"
            ),
            "{text}"
        );
        assert!(
            text.contains("#[derive(::serde::Deserialize)]pubstructU"),
            "{text}"
        );
        assert!(
            text.contains("_=>crate::de::keep(&mutmap,key,&mutunknown)?,"),
            "{text}"
        );
        assert!(
            text.contains("pubunknown_fields:crate::UnknownFields"),
            "{text}"
        );
    }

    /// Array and map fields are read as `Seq` and `Entries` (which record
    /// the index or key of a value that fails in the error's path) and
    /// handed on as the field's type; other collections as they are.
    #[test]
    fn array_and_map_fields_record_where_they_fail() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct A {
                pub items: ::std::vec::Vec<Item>,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub more: ::std::option::Option<::std::vec::Vec<Item>>,
                pub by_name: ::std::collections::HashMap<::std::string::String, Item>,
                pub other: ::std::collections::BTreeMap<::std::string::String, Item>,
            }
        })
        .unwrap();
        assert_eq!(light_struct_deserialize(&mut file), ["A"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        for expected in [
            "f0=::std::option::Option::Some(crate::de::Decoded::field(crate::de::required::<_,crate::de::Seq<Item>,>(&mutmap,\"items\")?,),);",
            "f1=crate::de::Decoded::field(crate::de::optional::<_,::std::option::Option<crate::de::Seq<Item>>,>(tolerant,&mutmap,\"more\",&mutunknown)?,);",
            "f2=::std::option::Option::Some(crate::de::Decoded::field(crate::de::required::<_,crate::de::Entries<Item>,>(&mutmap,\"by_name\")?,),);",
            "f3=::std::option::Option::Some(crate::de::required(&mutmap,\"other\")?,);",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
    }

    /// A required nullable field (typify marks it with
    /// `deserialize_with = "::std::option::Option::deserialize"`) no longer
    /// keeps its struct on serde's derive, which dropped unknown fields: it
    /// must be present (else `missing_field`), and `null` reads as `None`.
    #[test]
    fn required_nullable_fields_are_required() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct M {
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub content: ::std::option::Option<String>,
                pub role: String,
            }
        })
        .unwrap();
        assert_eq!(light_struct_deserialize(&mut file), ["M"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            text.contains("\"content\"=>{f0=::std::option::Option::Some(crate::de::required(&mutmap,\"content\")?,);}"),
            "{text}"
        );
        assert!(text.contains("missing_field(\"content\")"), "{text}");
        assert!(!text.contains("f0.flatten()"), "{text}");
        assert!(
            text.contains("pubunknown_fields:crate::UnknownFields"),
            "{text}"
        );
    }

    #[test]
    fn unknown_fields_are_added_and_default_impls_completed() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(Clone, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub struct S { pub unknown_fields: String }
            impl Default for S { fn default() -> Self { Self { unknown_fields: String::new() } } }
        })
        .expect("parses");
        let Item::Struct(st) = &mut file.items[0] else {
            panic!("struct first")
        };
        let ident = add_unknown_fields(st).expect("added");
        assert_eq!(ident, "unknown_fields_");
        let added = BTreeMap::from([("S".to_string(), ident)]);
        complete_struct_exprs(&mut file, &added);
        let t = text(&file);
        assert!(t.contains("#[derive(Clone,Eq,PartialEq)]"), "{t}");
        assert!(
            t.contains("#[serde(flatten)]pubunknown_fields_:crate::UnknownFields"),
            "{t}"
        );
        assert!(
            t.contains("unknown_fields_:crate::UnknownFields::new()"),
            "{t}"
        );
    }
}
