//! `schemars::JsonSchema` for every model type, behind the models crate's
//! `schemars` feature (so users who don't ask for schemas don't compile
//! them): derived for structs and enums, with the raw fallback variant of
//! unions left out (it stands for "anything else", which a schema of the
//! spec does not describe); open string and number enums implement it in
//! their macros.

use syn::Item;

use crate::pipeline::syntax::derive_paths;

/// Add the `cfg_attr` derive to every struct and enum that derives
/// `Serialize`. Returns how many.
pub fn json_schema_derives(file: &mut syn::File) -> usize {
    let mut n = 0;
    for item in &mut file.items {
        let required = match &*item {
            Item::Struct(s) => required_options(s),
            _ => Vec::new(),
        };
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
        if !required.is_empty() {
            // One string: schemars' derive parses no array expressions.
            let names = required.join("\0");
            attrs.push(syn::parse_quote! {
                #[cfg_attr(feature = "schemars", schemars(transform = crate::de::schema_required(#names)))]
            });
        }
        for v in variants.into_iter().flatten() {
            let raw = match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    crate::pipeline::syntax::is_json_value(&f.unnamed[0].ty)
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

/// JSON names of the `Option` fields the decoder requires (typify's
/// `deserialize_with = "Option::deserialize"` on a required nullable
/// property), which schemars would list as optional.
fn required_options(st: &syn::ItemStruct) -> Vec<String> {
    st.fields
        .iter()
        .filter_map(|f| {
            if crate::pipeline::syntax::serde_value(&f.attrs, "deserialize_with").as_deref()
                != Some("::std::option::Option::deserialize")
            {
                return None;
            }
            let ident = f.ident.as_ref()?;
            Some(
                crate::pipeline::syntax::serde_rename(&f.attrs)
                    .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").into()),
            )
        })
        .collect()
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
            pub enum U { A(S), Unknown(crate::Json) }
            pub struct NotSerialized;
            #[derive(::serde::Serialize)]
            pub struct R {
                #[serde(rename = "c", deserialize_with = "::std::option::Option::deserialize")]
                pub c: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub d: Option<String>,
            }
        })
        .expect("parses");
        assert_eq!(json_schema_derives(&mut file), 3);
        let t: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert_eq!(
            t.matches("#[cfg_attr(feature=\"schemars\",derive(::schemars::JsonSchema))]")
                .count(),
            3,
            "{t}"
        );
        assert!(
            t.contains("schemars(transform=crate::de::schema_required(\"c\")))]"),
            "{t}"
        );
        assert!(
            t.contains("#[cfg_attr(feature=\"schemars\",schemars(skip))]Unknown(crate::Json)"),
            "{t}"
        );
    }
}
