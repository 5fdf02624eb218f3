//! Pass `struct-constructors` (see [`PASSES`](super::PASSES)): every model
//! struct with named fields is built through code, not literals, so that the
//! vendor adding an optional property is no longer a breaking change:
//!
//! - the struct is `#[non_exhaustive]` (its fields stay public: read them,
//!   match them with `..`, assign them);
//! - `new(…)` takes the required fields, in field order, each as
//!   `impl Into<T>`, and leaves every optional field unset; a required field
//!   whose type is an open string enum with one known value (a union
//!   member's tag, `role: "user"`) is set to that value and is not an
//!   argument;
//! - a chainable setter per field, named like it (`.name("support")`; a
//!   field whose name is a method every struct has, such as `clone`, gets
//!   `with_clone`), taking `impl Into<T>` and wrapping it as the field's
//!   type wants (`Some`, `Box`, `Some(Some(…))` for an optional nullable
//!   field: assign `None`/`Some(None)` to the field for absent/`null`).
//!
//! Every method is generic or `#[inline]`, so a user's build compiles only
//! the ones it calls. Returns the structs given constructors.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Item;

use crate::pipeline::syntax::{
    FieldInfo, generic_arg, insert_after_types, named_fields, type_ident,
};

/// Method names a setter must not take: those of the traits every model
/// struct implements or users call on any value (an inherent method of that
/// name would shadow the trait's in method calls), and the constructor.
const RESERVED: &[&str] = &[
    "new",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "hash",
    "default",
    "serialize",
    "deserialize",
    "validate",
    "validate_into",
    "drift",
    "unknown_data",
    "json_schema",
    "schema_name",
    "schema_id",
    "to_owned",
    "to_string",
    "into",
    "try_into",
    "from",
    "try_from",
    "borrow",
    "borrow_mut",
    "type_id",
    "as_ref",
    "as_mut",
];

/// How a field's value is written from the setter's argument `value`.
enum Wrap {
    /// `T`: `value.into()`.
    Plain(syn::Type),
    /// `Option<T>`: `Some(value.into())`.
    Some(syn::Type),
    /// `Option<Box<T>>`: `Some(Box::new(value.into()))`.
    SomeBox(syn::Type),
    /// `Option<Option<T>>`: `Some(Some(value.into()))`.
    SomeSome(syn::Type),
}

impl Wrap {
    /// The setter's argument type and the expression assigned to the field.
    fn parts(&self) -> (&syn::Type, TokenStream) {
        match self {
            Wrap::Plain(t) => (t, quote!(value.into())),
            Wrap::Some(t) => (t, quote!(::std::option::Option::Some(value.into()))),
            Wrap::SomeBox(t) => (
                t,
                quote!(::std::option::Option::Some(::std::boxed::Box::new(
                    value.into()
                ))),
            ),
            Wrap::SomeSome(t) => (
                t,
                quote!(::std::option::Option::Some(::std::option::Option::Some(
                    value.into()
                ))),
            ),
        }
    }
}

fn wrap(field: &FieldInfo) -> Wrap {
    if field.required {
        return Wrap::Plain(field.ty.clone());
    }
    let Some(inner) = generic_arg(&field.ty, "Option") else {
        return Wrap::Plain(field.ty.clone());
    };
    if let Some(boxed) = generic_arg(&inner, "Box") {
        return Wrap::SomeBox(boxed);
    }
    if let Some(nullable) = generic_arg(&inner, "Option") {
        return Wrap::SomeSome(nullable);
    }
    Wrap::Some(inner)
}

/// The one known value of an open string enum (a tag), by type name.
pub fn single_values(open_enums: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, String> {
    open_enums
        .iter()
        .filter_map(|(name, values)| match values.as_slice() {
            [one] => Some((name.clone(), one.clone())),
            _ => None,
        })
        .collect()
}

/// Give every non-generic model struct with named fields `#[non_exhaustive]`,
/// `new` and setters; `tags` maps open string enums with one known value to
/// it ([`single_values`]). Returns the structs changed.
pub fn struct_constructors(file: &mut syn::File, tags: &BTreeMap<String, String>) -> Vec<String> {
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        if !st.generics.params.is_empty() {
            continue;
        }
        let Some(fields) = named_fields(st) else {
            continue;
        };
        if !st.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            st.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
        let name = st.ident.clone();
        let mut params = Vec::new();
        let mut inits = Vec::new();
        let mut setters = Vec::new();
        let mut required_names = Vec::new();
        let mut tag_notes = Vec::new();
        for f in &fields {
            let ident = &f.ident;
            if f.flatten && type_ident(&f.ty).as_deref() == Some("UnknownFields") {
                inits.push(quote!(#ident: ::std::default::Default::default()));
                continue;
            }
            let tag = f
                .required
                .then(|| type_ident(&f.ty))
                .flatten()
                .and_then(|t| tags.get(&t).map(|v| (v.clone(), f.ty.clone())));
            if let Some((value, ty)) = &tag {
                inits.push(quote!(#ident: <#ty as ::std::convert::From<&str>>::from(#value)));
                tag_notes.push(format!("`{}` is `{value:?}`", f.json));
            } else if f.required {
                let ty = &f.ty;
                params.push(quote!(#ident: impl ::std::convert::Into<#ty>));
                inits.push(quote!(#ident: #ident.into()));
                required_names.push(format!("`{}`", f.json));
            } else {
                inits.push(quote!(#ident: ::std::default::Default::default()));
            }
            let bare = ident.to_string();
            let bare = bare.trim_start_matches("r#");
            let setter = if RESERVED.contains(&bare) {
                syn::Ident::new(&format!("with_{bare}"), Span::call_site())
            } else {
                ident.clone()
            };
            let wrapped = wrap(f);
            let (arg, value) = wrapped.parts();
            let doc = format!(" Sets `{}` (JSON `{}`).", bare, f.json);
            setters.push(quote! {
                #[doc = #doc]
                #[inline]
                #[must_use]
                pub fn #setter(mut self, value: impl ::std::convert::Into<#arg>) -> Self {
                    self.#ident = #value;
                    self
                }
            });
        }
        let mut doc = format!(" Builds a `{name}`");
        if required_names.is_empty() {
            doc.push_str(" with every optional field unset");
        } else {
            doc.push_str(&format!(
                " from its required field{} ({}), every optional field unset",
                if required_names.len() == 1 { "" } else { "s" },
                required_names.join(", ")
            ));
        }
        if !tag_notes.is_empty() {
            doc.push_str(&format!("; {}", tag_notes.join(", ")));
        }
        doc.push_str(". Set the others with the setters named like the fields.");
        impls
            .entry(name.to_string())
            .or_default()
            .push(syn::parse_quote! {
                impl #name {
                    #[doc = #doc]
                    #[inline]
                    #[must_use]
                    pub fn new(#(#params),*) -> Self {
                        Self { #(#inits),* }
                    }
                    #(#setters)*
                }
            });
    }
    let changed: Vec<String> = impls.keys().cloned().collect();
    insert_after_types(file, impls);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn run(src: TokenStream, tags: &[(&str, &str)]) -> String {
        let mut file: syn::File = syn::parse2(src).unwrap();
        let tags = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        struct_constructors(&mut file, &tags);
        prettyplease::unparse(&file)
    }

    #[test]
    fn required_fields_are_arguments_tags_are_set_optional_fields_get_setters() {
        let out = run(
            quote! {
                pub struct UserMessage {
                    pub content: ::std::option::Option<::std::string::String>,
                    pub role: UserMessageRole,
                    pub big: ::std::option::Option<::std::boxed::Box<Big>>,
                    pub note: ::std::option::Option<::std::option::Option<::std::string::String>>,
                    pub id: ::std::string::String,
                    pub clone: ::std::option::Option<bool>,
                    #[serde(flatten)]
                    pub unknown_fields: crate::UnknownFields,
                }
            },
            &[("UserMessageRole", "user")],
        );
        // Whitespace and the trailing commas of wrapped argument lists aside.
        let flat: String = out
            .split_whitespace()
            .collect::<String>()
            .replace(",)", ")");
        assert!(
            flat.contains("#[non_exhaustive]pubstructUserMessage"),
            "{out}"
        );
        assert!(
            flat.contains("pubfnnew(id:impl::std::convert::Into<::std::string::String>)->Self"),
            "{out}"
        );
        assert!(
            flat.contains("role:<UserMessageRoleas::std::convert::From<&str>>::from(\"user\")"),
            "{out}"
        );
        assert!(
            flat.contains("unknown_fields:::std::default::Default::default()"),
            "{out}"
        );
        assert!(
            flat.contains(
                "pubfncontent(mutself,value:impl::std::convert::Into<::std::string::String>)->Self{self.content=::std::option::Option::Some(value.into());"
            ) && flat.contains("pubfnnote(mutself,value:impl::std::convert::Into<::std::string::String>)"),
            "{out}"
        );
        assert!(
            flat.contains(
                "self.big=::std::option::Option::Some(::std::boxed::Box::new(value.into()));"
            ),
            "{out}"
        );
        assert!(
            flat.contains(
                "self.note=::std::option::Option::Some(::std::option::Option::Some(value.into()));"
            ),
            "{out}"
        );
        assert!(flat.contains("pubfnwith_clone(mutself"), "{out}");
        assert!(!flat.contains("pubfnunknown_fields"), "{out}");
        // The struct is followed by its constructors, for the per-component split.
        let file: syn::File = syn::parse_str(&out).unwrap();
        assert!(matches!(&file.items[1], Item::Impl(_)));
        assert!(
            file.items[1]
                .to_token_stream()
                .to_string()
                .contains("fn new")
        );
    }

    #[test]
    fn generic_and_tuple_structs_are_left_alone() {
        let src = quote! {
            pub struct Name(::std::string::String);
            pub struct Wrap<T> { pub value: T }
        };
        let before = prettyplease::unparse(&syn::parse2(src.clone()).unwrap());
        assert_eq!(run(src, &[]), before);
    }
}
