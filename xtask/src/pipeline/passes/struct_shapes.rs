//! Pass `struct-shapes` (see [`PASSES`](super::PASSES)): every struct with
//! named fields gets `impl crate::de::Shaped`: the JSON properties it
//! declares (its own and, through `#[serde(flatten)]`, those of the structs
//! it flattens) and the ones it cannot decode without. Unions read their
//! members' shapes through it (`union-impls`) to decode an object as the
//! member its keys were written for, whatever drift lies inside it.
//!
//! Written for every struct, beside it, and not only for union members:
//! a struct's properties then change its own snapshot only, and becoming or
//! ceasing to be a union member changes no struct's snapshot.

use std::collections::BTreeMap;

use syn::Item;

use crate::pipeline::syntax::{
    FieldInfo, generic_arg, insert_after_types, named_fields, type_ident,
};

/// Give every non-generic struct with named fields its `Shaped` impl;
/// returns how many.
pub fn struct_shapes(file: &mut syn::File) -> usize {
    let structs: BTreeMap<String, Vec<FieldInfo>> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                Some((st.ident.to_string(), named_fields(st)?))
            }
            _ => None,
        })
        .collect();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for name in structs.keys() {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let fields = wire_fields(name, &structs);
        let required = required_fields(name, &structs);
        impls.insert(
            name.clone(),
            vec![syn::parse_quote! {
                impl crate::de::Shaped for #ident {
                    const SHAPE: crate::de::Shape = crate::de::Shape::Object {
                        fields: &[#(#fields),*],
                        required: &[#(#required),*],
                    };
                }
            }],
        );
    }
    let count = impls.len();
    insert_after_types(file, impls);
    count
}

/// The JSON properties struct `ty` declares: its own fields' and, through
/// `#[serde(flatten)]`, those of the structs it flattens (a flattened map,
/// such as the unknown fields, names none), in declaration order.
pub(super) fn wire_fields(ty: &str, structs: &BTreeMap<String, Vec<FieldInfo>>) -> Vec<String> {
    declared_fields(ty, structs, false)
}

/// The JSON properties struct `ty` cannot decode without: its required
/// fields and those of the structs it flattens unconditionally (not through
/// an `Option`).
pub(super) fn required_fields(ty: &str, structs: &BTreeMap<String, Vec<FieldInfo>>) -> Vec<String> {
    declared_fields(ty, structs, true)
}

fn declared_fields(
    ty: &str,
    structs: &BTreeMap<String, Vec<FieldInfo>>,
    only_required: bool,
) -> Vec<String> {
    fn walk<'a>(
        ty: &'a str,
        structs: &'a BTreeMap<String, Vec<FieldInfo>>,
        only_required: bool,
        visiting: &mut Vec<&'a str>,
        out: &mut Vec<String>,
    ) {
        let Some(fields) = structs.get(ty) else {
            return;
        };
        if visiting.contains(&ty) {
            return;
        }
        visiting.push(ty);
        for f in fields {
            if !f.flatten {
                if (f.required || !only_required) && !out.contains(&f.json) {
                    out.push(f.json.clone());
                }
                continue;
            }
            let optional = generic_arg(&f.ty, "Option");
            if only_required && optional.is_some() {
                continue;
            }
            let inner = optional.unwrap_or_else(|| f.ty.clone());
            let inner = generic_arg(&inner, "Box").unwrap_or(inner);
            if let Some(name) = type_ident(&inner)
                && let Some((key, _)) = structs.get_key_value(&name)
            {
                walk(key, structs, only_required, visiting, out);
            }
        }
        visiting.pop();
    }
    let mut out = Vec::new();
    walk(ty, structs, only_required, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::passes::testing::text;
    use quote::quote;

    #[test]
    fn every_struct_names_its_properties_and_the_required_ones() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Base { pub y: String, pub x: String }
            pub struct Opt {
                pub id: String,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub note: ::std::option::Option<String>,
                #[serde(default = "defaults::opt_n")]
                pub n: i64,
                #[serde(rename = "type")]
                pub type_: ::std::option::Option<String>,
                #[serde(flatten)]
                pub base: Base,
                #[serde(flatten)]
                pub unknown_fields: crate::UnknownFields,
            }
            pub struct Tuple(pub String);
            pub struct Generic<T> { pub t: T }
        })
        .unwrap();
        assert_eq!(struct_shapes(&mut file), 2);
        let t = text(&file);
        assert!(
            t.contains("implcrate::de::ShapedforOpt{constSHAPE:crate::de::Shape=crate::de::Shape::Object{fields:&[\"id\",\"note\",\"n\",\"type\",\"y\",\"x\"],required:&[\"id\",\"y\",\"x\"],};}"),
            "{t}"
        );
        assert!(t.contains("implcrate::de::ShapedforBase{"), "{t}");
        // Right after the struct it describes.
        assert!(
            t.contains("pubstructBase{puby:String,pubx:String,}implcrate::de::ShapedforBase"),
            "{t}"
        );
    }
}
