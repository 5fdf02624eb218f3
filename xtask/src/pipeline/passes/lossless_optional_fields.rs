//! Pass `lossless-optional-fields` (see [`PASSES`](super::PASSES)): make
//! optional fields lossless: a field with a default value in the spec becomes
//! `Option` (absent stays absent, so a PATCH does not send defaults the user
//! never set; the default is in the field's docs); typify gives an optional
//! array or map `#[serde(default, skip_serializing_if = "…is_empty")]`, which
//! re-encodes a present-but-empty `[]`/`{}` as absent (and a PATCH can then
//! not clear a list), and gives a recursive optional field `Box<Option<T>>`
//! that re-encodes absent as `null`. Both become `Option<…>` skipped when
//! `None`. Returns `Struct.field` for each field changed.

use std::collections::BTreeMap;

use syn::Item;
use syn::visit_mut::VisitMut;

use crate::pipeline::syntax::box_option_inner;
use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::trait_name;
use crate::pipeline::syntax::type_ident;

/// Make optional fields lossless: a field with a default value in the spec
/// becomes `Option` (absent stays absent, so a PATCH does not send defaults
/// the user never set; the default is in the field's docs); typify gives an optional array or map
/// `#[serde(default, skip_serializing_if = "…is_empty")]`, which re-encodes
/// a present-but-empty `[]`/`{}` as absent (and a PATCH can then not clear a
/// list), and gives a recursive optional field `Box<Option<T>>` that
/// re-encodes absent as `null`. Both become `Option<…>` skipped when `None`.
/// Returns `Struct.field` for each field changed.
pub fn lossless_optional_fields(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    let mut defaulted: BTreeMap<String, Vec<syn::Ident>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let syn::Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        for field in &mut fields.named {
            let Some(idx) = field.attrs.iter().position(|a| a.path().is_ident("serde")) else {
                continue;
            };
            let Ok(metas) = field.attrs[idx].parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let has_default = metas.iter().any(|m| m.path().is_ident("default"));
            // `default = "defaults::…"`: decoding fills in the spec's default,
            // so re-encoding would send a value the server never sent.
            // Likewise a plain `default` on a field that is not skipped when
            // empty (`false`, `0`).
            let default_fn = has_default
                && generic_arg(&field.ty, "Option").is_none()
                && (metas
                    .iter()
                    .any(|m| matches!(m, syn::Meta::NameValue(nv) if nv.path.is_ident("default")))
                    || !metas
                        .iter()
                        .any(|m| m.path().is_ident("skip_serializing_if")));
            let skips_empty =
                crate::pipeline::syntax::serde_value(&field.attrs, "skip_serializing_if")
                    .is_some_and(|f| f.contains("is_empty"));
            let boxed_option = box_option_inner(&field.ty);
            if !has_default
                || !(skips_empty || boxed_option.is_some() || default_fn)
                || (default_fn && generic_arg(&field.ty, "Option").is_some())
            {
                continue;
            }
            if default_fn && let Some(ident) = &field.ident {
                defaulted
                    .entry(st.ident.to_string())
                    .or_default()
                    .push(ident.clone());
            }
            let ty = &field.ty;
            field.ty = match boxed_option {
                Some(inner) => syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>),
                None => syn::parse_quote!(::std::option::Option<#ty>),
            };
            let mut kept: Vec<syn::Meta> = metas
                .into_iter()
                .filter(|m| {
                    !m.path().is_ident("default") && !m.path().is_ident("skip_serializing_if")
                })
                .collect();
            kept.push(syn::parse_quote!(
                skip_serializing_if = "::std::option::Option::is_none"
            ));
            field.attrs[idx] = syn::parse_quote!(#[serde(#(#kept),*)]);
            let name = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            changed.push(format!("{}.{name}", st.ident));
        }
    }
    unset_in_default_impls(file, &defaulted);
    changed
}

/// typify's hand-rolled `impl Default` sets fields to their spec defaults;
/// for the fields made `Option` (listed per struct) the default is "not
/// set": `None`.
pub fn unset_in_default_impls(file: &mut syn::File, fields: &BTreeMap<String, Vec<syn::Ident>>) {
    struct Unset<'a> {
        ty: &'a str,
        fields: &'a [syn::Ident],
    }
    impl VisitMut for Unset<'_> {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            syn::visit_mut::visit_expr_struct_mut(self, e);
            if !(e.path.is_ident("Self") || e.path.is_ident(self.ty)) {
                return;
            }
            for f in e.fields.iter_mut() {
                if matches!(&f.member, syn::Member::Named(i) if self.fields.contains(i)) {
                    f.expr = syn::parse_quote!(::std::option::Option::None);
                }
            }
        }
    }
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(ty) = type_ident(&imp.self_ty) else {
            continue;
        };
        let Some(fields) = fields.get(&ty) else {
            continue;
        };
        if trait_name(imp).as_deref() == Some("Default") {
            Unset { ty: &ty, fields }.visit_item_impl_mut(imp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn optional_collections_and_boxes_become_options() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct S {
                #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
                pub headers: ::serde_json::Map<String, ::serde_json::Value>,
                #[serde(rename = "toolIds", default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tool_ids: Vec<String>,
                #[serde(default)]
                pub items: ::std::boxed::Box<::std::option::Option<S>>,
                #[serde(default = "defaults::x")]
                pub n: f64,
            }
        })
        .unwrap();
        assert_eq!(
            lossless_optional_fields(&mut file),
            ["S.headers", "S.tool_ids", "S.items", "S.n"]
        );
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubheaders:::std::option::Option<::serde_json::Map<"), "{text}");
        assert!(
            text.contains("#[serde(rename=\"toolIds\",skip_serializing_if"),
            "{text}"
        );
        assert!(
            text.contains("pubitems:::std::option::Option<::std::boxed::Box<S>>"),
            "{text}"
        );
        // A spec default is not materialized: absent stays absent.
        assert!(
            text.contains(
                "#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubn:::std::option::Option<f64>"
            ),
            "{text}"
        );
    }
}
