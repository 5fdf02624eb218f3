//! Pass `double-option-fields` (see [`PASSES`](super::PASSES)): give the
//! listed optional-and-nullable fields (`Struct` → JSON property names) the
//! type `Option<Option<T>>`: `None` absent, `Some(None)` `null`,
//! `Some(Some(v))` a value; their `deserialize_with` names
//! the models crate's hand-written `support::nullable`. Returns `Struct.field` for each field changed.

use std::collections::BTreeMap;

use syn::Item;

use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::serde_rename;

/// Give the listed optional-and-nullable fields (`Struct` → JSON property
/// names) the type `Option<Option<T>>`: `None` absent, `Some(None)` `null`,
/// `Some(Some(v))` a value; their `deserialize_with` names
/// the models crate's hand-written `support::nullable`. Returns `Struct.field` for each field changed.
pub fn double_option_fields(
    file: &mut syn::File,
    fields: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let Some(wanted) = fields.get(&st.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let json_name = serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
            if !wanted.contains(&json_name) {
                continue;
            }
            let Some(inner) = generic_arg(&field.ty, "Option") else {
                continue;
            };
            field.ty = syn::parse_quote!(::std::option::Option<::std::option::Option<#inner>>);
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            let rename = (json_name != ident).then(|| quote::quote!(rename = #json_name,));
            field.attrs.push(syn::parse_quote!(#[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                deserialize_with = "crate::support::nullable"
            )]));
            changed.push(format!("{}.{ident}", st.ident));
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn nullable_optional_fields_get_a_double_option() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct C {
                #[serde(rename = "callerId", skip_serializing_if = "::std::option::Option::is_none")]
                pub caller_id: ::std::option::Option<String>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub extension: ::std::option::Option<String>,
            }
        })
        .unwrap();
        let wanted = BTreeMap::from([(
            "C".to_string(),
            vec!["extension".to_string(), "callerId".to_string()],
        )]);
        assert_eq!(
            double_option_fields(&mut file, &wanted),
            ["C.caller_id", "C.extension"]
        );
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("rename=\"callerId\",default,skip_serializing_if=\"::std::option::Option::is_none\",deserialize_with=\"crate::support::nullable\")]pubcaller_id:::std::option::Option<::std::option::Option<String>>"), "{text}");
    }
}
