//! Pass `share-conversion-error` (see [`PASSES`](super::PASSES)): the
//! client's `types` module gets typify's `error` module again
//! (`ConversionError`); replace it with a re-export of the models crate's, so
//! no type is defined twice. Returns whether it did.

use syn::Item;

/// The client's `types` module gets typify's `error` module again
/// (`ConversionError`); replace it with a re-export of the models crate's, so
/// no type is defined twice. Returns whether it did.
pub fn share_conversion_error(file: &mut syn::File, models_crate: &str) -> bool {
    let krate = syn::Ident::new(
        &models_crate.replace('-', "_"),
        proc_macro2::Span::call_site(),
    );
    for item in &mut file.items {
        let Item::Mod(types) = item else { continue };
        if types.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut types.content else {
            continue;
        };
        if let Some(pos) = items
            .iter()
            .position(|i| matches!(i, Item::Mod(m) if m.ident == "error"))
        {
            items[pos] = syn::parse_quote! {
                /// Errors of `TryFrom`/`FromStr` conversions, shared with the models crate.
                pub use ::#krate::error;
            };
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn client_reuses_the_models_conversion_error() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub enum Sort { Asc }
                pub mod error { pub struct ConversionError(String); }
            }
        })
        .unwrap();
        assert!(share_conversion_error(&mut file, "my-models"));
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("pubuse::my_models::error;"), "{text}");
        assert!(!text.contains("structConversionError"), "{text}");
    }
}
