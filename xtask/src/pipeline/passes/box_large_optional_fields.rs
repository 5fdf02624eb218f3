//! Pass `box-large-optional-fields` (see [`PASSES`](super::PASSES)): box each
//! optional field (`Option<T>`) whose struct type holds more than `max`
//! fields inline (`inline_weights`): `Option<Box<T>>`. A struct is built
//! field by field in the decoder and moved out several times on its way up; a
//! large optional object held inline makes every enclosing value that much
//! larger to move, whether the field is present or not. The rule reads only
//! the shape of the types, never their names. Returns `Struct.field (weight)`
//! for each field boxed.

use std::collections::{BTreeMap, BTreeSet};

use syn::Item;

use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::type_ident;

/// The most fields a type may hold inline, nested types included, before an
/// optional field of that type is boxed ([`box_large_optional_fields`]).
pub const MAX_INLINE_FIELDS: usize = 12;

/// How many fields a value of each struct and union holds inline: its own
/// fields, plus those of the structs and unions it holds by value (a union
/// counts its largest member). `Vec`, maps and boxes hold their content
/// elsewhere and count one; so does an optional field that
/// [`box_large_optional_fields`] boxes.
pub(crate) fn inline_weights(file: &syn::File, max: usize) -> BTreeMap<String, usize> {
    let mut shapes: BTreeMap<String, Vec<syn::Type>> = BTreeMap::new();
    let mut unions: BTreeSet<String> = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                let tys = st.fields.iter().map(|f| f.ty.clone()).collect();
                shapes.insert(st.ident.to_string(), tys);
            }
            Item::Enum(e) if e.generics.params.is_empty() => {
                let tys = e
                    .variants
                    .iter()
                    .filter_map(|v| match &v.fields {
                        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                            Some(f.unnamed[0].ty.clone())
                        }
                        _ => None,
                    })
                    .collect();
                unions.insert(e.ident.to_string());
                shapes.insert(e.ident.to_string(), tys);
            }
            _ => {}
        }
    }
    fn weight(
        name: &str,
        shapes: &BTreeMap<String, Vec<syn::Type>>,
        unions: &BTreeSet<String>,
        max: usize,
        memo: &mut BTreeMap<String, usize>,
        visiting: &mut BTreeSet<String>,
    ) -> usize {
        if let Some(w) = memo.get(name) {
            return *w;
        }
        let Some(tys) = shapes.get(name) else {
            return 1;
        };
        if !visiting.insert(name.to_owned()) {
            return 1;
        }
        let mut of_field = |ty: &syn::Type| -> usize {
            let (inner, optional) = match generic_arg(ty, "Option") {
                Some(inner) => (inner, true),
                None => (ty.clone(), false),
            };
            match type_ident(&inner).filter(|t| shapes.contains_key(t)) {
                Some(t) => {
                    let w = weight(&t, shapes, unions, max, memo, visiting);
                    if optional && w > max { 1 } else { w }
                }
                None => 1,
            }
        };
        let w = if unions.contains(name) {
            tys.iter().map(&mut of_field).max().unwrap_or(1)
        } else {
            tys.iter().map(&mut of_field).sum::<usize>().max(1)
        };
        visiting.remove(name);
        memo.insert(name.to_owned(), w);
        w
    }
    let mut memo = BTreeMap::new();
    for name in shapes.keys() {
        weight(name, &shapes, &unions, max, &mut memo, &mut BTreeSet::new());
    }
    memo
}

/// Box each optional field (`Option<T>`) whose struct type holds more than
/// `max` fields inline (`inline_weights`): `Option<Box<T>>`. A struct is
/// built field by field in the decoder and moved out several times on its
/// way up; a large optional object held inline makes every enclosing value
/// that much larger to move, whether the field is present or not. The rule
/// reads only the shape of the types, never their names. Returns
/// `Struct.field (weight)` for each field boxed.
pub fn box_large_optional_fields(file: &mut syn::File, max: usize) -> Vec<String> {
    let weights = inline_weights(file, max);
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let Some(inner) = generic_arg(&field.ty, "Option") else {
                continue;
            };
            let Some(w) = type_ident(&inner)
                .and_then(|name| weights.get(&name))
                .filter(|w| **w > max)
            else {
                continue;
            };
            field.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            changed.push(format!("{}.{ident} ({w} fields inline)", st.ident));
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use quote::quote;

    #[test]
    fn large_optional_fields_are_boxed_by_shape() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Small { pub a: String, pub b: String }
            pub struct Big { pub s: Small, pub t: Small, pub c: Option<String> }
            pub enum U { Big(Big), Small(Small), Unknown(crate::Json) }
            pub struct Outer {
                pub big: ::std::option::Option<Big>,
                pub required_big: Big,
                pub small: ::std::option::Option<Small>,
                pub union: ::std::option::Option<U>,
                pub list: ::std::option::Option<::std::vec::Vec<Big>>,
            }
            pub struct Holder { pub outer: ::std::option::Option<Outer> }
        })
        .expect("parses");
        // Big holds 2 + 2 + 1 = 5 fields inline, U as many (its largest
        // member), Small 2; Outer 1 (boxed) + 5 + 2 + 1 (boxed) + 1 = 10.
        let weights = inline_weights(&file, 4);
        assert_eq!(weights["Big"], 5);
        assert_eq!(weights["U"], 5);
        assert_eq!(weights["Outer"], 10);
        let boxed = box_large_optional_fields(&mut file, 4);
        assert_eq!(
            boxed,
            [
                "Outer.big (5 fields inline)",
                "Outer.union (5 fields inline)",
                "Holder.outer (10 fields inline)",
            ]
        );
        let t = text(&file);
        assert!(
            t.contains("pubbig:::std::option::Option<::std::boxed::Box<Big>>"),
            "{t}"
        );
        assert!(t.contains("pubrequired_big:Big,"), "{t}");
        assert!(t.contains("pubsmall:::std::option::Option<Small>"), "{t}");
        assert!(
            t.contains("publist:::std::option::Option<::std::vec::Vec<Big>>"),
            "{t}"
        );
        // Nothing is large enough at the default threshold.
        let mut again: syn::File = syn::parse2(quote! {
            pub struct Big { pub a: String }
            pub struct Outer { pub big: ::std::option::Option<Big> }
        })
        .expect("parses");
        assert!(box_large_optional_fields(&mut again, MAX_INLINE_FIELDS).is_empty());
    }
}
