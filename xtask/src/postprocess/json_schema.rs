//! `schemars::JsonSchema` for every model type, behind the models crate's
//! `schemars` feature (so users who don't ask for schemas don't compile
//! them): derived for structs and enums, with the raw fallback variant of
//! unions left out (it stands for "anything else", which a schema of the
//! spec does not describe); open string enums implement it in their macro.

use quote::ToTokens;
use syn::Item;

use super::tolerant::derive_paths;

/// Add the `cfg_attr` derive to every struct and enum that derives
/// `Serialize`. Returns how many.
pub fn json_schema_derives(file: &mut syn::File) -> usize {
    let mut n = 0;
    for item in &mut file.items {
        let (attrs, variants) = match item {
            Item::Struct(s) if s.generics.params.is_empty() => (&mut s.attrs, None),
            Item::Enum(e) if e.generics.params.is_empty() => (&mut e.attrs, Some(&mut e.variants)),
            _ => continue,
        };
        let serializes = derive_paths(attrs)
            .iter()
            .any(|p| p.segments.last().is_some_and(|s| s.ident == "Serialize"));
        if !serializes {
            continue;
        }
        attrs.push(
            syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]),
        );
        for v in variants.into_iter().flatten() {
            let raw = match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    f.unnamed[0]
                        .ty
                        .to_token_stream()
                        .to_string()
                        .replace(' ', "")
                        == "::serde_json::Value"
                }
                _ => false,
            };
            if raw {
                v.attrs
                    .push(syn::parse_quote!(#[cfg_attr(feature = "schemars", schemars(skip))]));
            }
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn serializable_types_derive_it_and_raw_variants_are_skipped() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Serialize, Clone)]
            pub struct S { pub a: String }
            #[derive(::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { A(S), Unknown(::serde_json::Value) }
            pub struct NotSerialized;
        })
        .expect("parses");
        assert_eq!(json_schema_derives(&mut file), 2);
        let t: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert_eq!(
            t.matches("#[cfg_attr(feature=\"schemars\",derive(::schemars::JsonSchema))]")
                .count(),
            2,
            "{t}"
        );
        assert!(
            t.contains(
                "#[cfg_attr(feature=\"schemars\",schemars(skip))]Unknown(::serde_json::Value)"
            ),
            "{t}"
        );
    }
}
