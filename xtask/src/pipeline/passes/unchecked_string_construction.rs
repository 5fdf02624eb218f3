//! Pass `unchecked-string-construction` (see [`PASSES`](super::PASSES)): a
//! constrained string (`maxLength`, `pattern`…: typify's newtype over
//! `String`) is built from a `&str` or a `String` like any string, through
//! `From`, and its constraint is checked where numbers' are: by `Validate`,
//! when the request is sent (`.await`/`.send()`; pass `validate-impls`).
//! typify's `TryFrom<&str>`/`TryFrom<String>` (which checked) become these
//! `From` impls; `FromStr` (`"…".parse::<Name>()?`) still checks, for
//! callers who want the error early. Returns the types changed.

use proc_macro2::Span;
use syn::Item;

use crate::pipeline::syntax::{trait_name, type_ident};

/// What a `TryFrom` impl of a string newtype converts from.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    Str,
    String,
    StringRef,
}

fn source(imp: &syn::ItemImpl) -> Option<Source> {
    let (_, path, _) = imp.trait_.as_ref()?;
    let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(ty)) = args.args.first() else {
        return None;
    };
    match ty {
        syn::Type::Reference(r) => match type_ident(&r.elem).as_deref() {
            Some("str") => Some(Source::Str),
            Some("String") => Some(Source::StringRef),
            _ => None,
        },
        other => (type_ident(other).as_deref() == Some("String")).then_some(Source::String),
    }
}

/// Replace the checking `TryFrom<&str>`, `TryFrom<String>` and
/// `TryFrom<&String>` of the file's string newtypes by unchecked `From`
/// impls; returns the types changed.
pub fn unchecked_string_construction(file: &mut syn::File) -> Vec<String> {
    // Only the newtypes themselves: an alias shares its target's impls.
    let strings = crate::pipeline::syntax::string_newtypes(file);
    let newtypes: std::collections::BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => Some(st.ident.to_string()),
            _ => None,
        })
        .filter(|n| strings.contains(n))
        .collect();
    let mut changed = std::collections::BTreeSet::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = type_ident(&imp.self_ty).filter(|n| newtypes.contains(n)) else {
            continue;
        };
        if trait_name(imp).as_deref() != Some("TryFrom") {
            continue;
        }
        let Some(from) = source(imp) else { continue };
        let ident = syn::Ident::new(&name, Span::call_site());
        *item = match from {
            Source::Str => syn::parse_quote! {
                impl ::std::convert::From<&str> for #ident {
                    fn from(value: &str) -> Self {
                        Self(value.to_string())
                    }
                }
            },
            Source::String => syn::parse_quote! {
                impl ::std::convert::From<::std::string::String> for #ident {
                    fn from(value: ::std::string::String) -> Self {
                        Self(value)
                    }
                }
            },
            Source::StringRef => syn::parse_quote! {
                impl ::std::convert::From<&::std::string::String> for #ident {
                    fn from(value: &::std::string::String) -> Self {
                        Self(value.clone())
                    }
                }
            },
        };
        changed.insert(name);
    }
    changed.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn checking_try_from_becomes_unchecked_from_and_from_str_still_checks() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct SessionName(::std::string::String);
            impl ::std::str::FromStr for SessionName {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    if value.chars().count() > 40usize { return Err("longer than 40 characters".into()); }
                    Ok(Self(value.to_string()))
                }
            }
            impl ::std::convert::TryFrom<&str> for SessionName {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> { value.parse() }
            }
            impl ::std::convert::TryFrom<::std::string::String> for SessionName {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> { value.parse() }
            }
            pub enum Closed { A }
            impl ::std::convert::TryFrom<&str> for Closed {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> { value.parse() }
            }
        })
        .unwrap();
        assert_eq!(unchecked_string_construction(&mut file), ["SessionName"]);
        let out: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(out.contains("impl::std::convert::From<&str>forSessionName{fnfrom(value:&str)->Self{Self(value.to_string())}}"), "{out}");
        assert!(out.contains("impl::std::convert::From<::std::string::String>forSessionName{fnfrom(value:::std::string::String)->Self{Self(value)}}"), "{out}");
        assert!(
            out.contains("impl::std::str::FromStrforSessionName"),
            "{out}"
        );
        assert!(out.contains("longerthan40characters"), "{out}");
        // Not a string newtype: its conversion keeps checking.
        assert!(
            out.contains("impl::std::convert::TryFrom<&str>forClosed"),
            "{out}"
        );
    }
}
