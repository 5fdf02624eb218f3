//! Pass `number-enums` (see [`PASSES`](super::PASSES)): number enums
//! (`type: number` or `integer` with an `enum`). typify makes each a closed
//! newtype whose decoding rejects any other value, so normalization rule
//! `number-enum-values` hands them over as plain numbers with the values in
//! `x-enum-values`; here each such field gets an open type again: one
//! `open_number_enum!` invocation (the models crate's `support.rs`), a
//! newtype over the field's number type that decodes any number of it, names the
//! listed values (`V1`, `Minus1`, `V1Dot5`), reports the others through
//! `Drift` and describes the listed values in its JSON Schema. A component
//! that is a number enum (typify's newtype over the number) becomes the
//! macro's type of the same name.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::Item;

use super::symbol_enums::symbol_variant_name;
use crate::pipeline::schema_map::{fresh_name, give_enum_fields_types, type_schemas};
use crate::pipeline::syntax::{generic_arg, replace_wrapped, trait_arg, trait_name, type_ident};

/// The number types typify gives numbers, with the range of the integers
/// (`None`: a float).
const NUMBER_TYPES: &[(&str, Option<(i128, i128)>)] = &[
    ("f64", None),
    ("f32", None),
    ("i8", Some((-128, 127))),
    ("i16", Some((-32_768, 32_767))),
    ("i32", Some((-2_147_483_648, 2_147_483_647))),
    (
        "i64",
        Some((-9_223_372_036_854_775_808, 9_223_372_036_854_775_807)),
    ),
    ("u8", Some((0, 255))),
    ("u16", Some((0, 65_535))),
    ("u32", Some((0, 4_294_967_295))),
    ("u64", Some((0, 18_446_744_073_709_551_615))),
];

/// The primitive an `open_number_enum!` holds for a field's number type:
/// itself, or the primitive of typify's `NonZero…` (the listed values say
/// which numbers the field takes).
fn primitive(ident: &str) -> Option<&'static str> {
    let name = match ident.strip_prefix("NonZero") {
        Some(rest) => rest.to_ascii_lowercase(),
        None => ident.to_string(),
    };
    NUMBER_TYPES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| *n)
}

/// The literal of `value` for the number type `ty` (`1.0` for a float, `1`
/// for an integer; negative values as `-` and the literal), or `None` when
/// the type cannot hold it (a fraction or an out-of-range value for an
/// integer type).
fn literal(value: &serde_json::Number, ty: &str) -> Option<TokenStream> {
    let (_, range) = NUMBER_TYPES.iter().find(|(n, _)| *n == ty)?;
    match range {
        None => {
            let f = value
                .as_f64()
                .filter(|f| f.is_finite() && (ty != "f32" || f.abs() <= f64::from(f32::MAX)))?;
            let lit = proc_macro2::Literal::f64_unsuffixed(f.abs());
            Some(if f < 0.0 { quote!(-#lit) } else { quote!(#lit) })
        }
        Some((min, max)) => {
            let n: i128 = match (value.as_i64(), value.as_u64()) {
                (Some(i), _) => i128::from(i),
                (None, Some(u)) => i128::from(u),
                // A whole float (`2.0`), below 10^18: exact as an integer.
                _ => value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e18)
                    .map(|f| f as i128)?,
            };
            if n < *min || n > *max {
                return None;
            }
            let lit = proc_macro2::Literal::u128_unsuffixed(n.unsigned_abs());
            Some(if n < 0 { quote!(-#lit) } else { quote!(#lit) })
        }
    }
}

/// The text a value's name is made of: `1`, `-1`, `1.5` (a whole float as
/// an integer, so `1.0` is `V1` too).
fn name_text(value: &serde_json::Number) -> String {
    match value.as_f64() {
        Some(f) if !value.is_i64() && !value.is_u64() && f.fract() == 0.0 && f.abs() < 1e15 => {
            (f as i64).to_string()
        }
        _ => value.to_string(),
    }
}

/// The numbers of `x-enum-values` (`null` left out), if they are all
/// numbers.
fn number_values(values: &[Value]) -> Option<Vec<serde_json::Number>> {
    let values: Vec<serde_json::Number> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::Number(n) => Some(n.clone()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!values.is_empty()).then_some(values)
}

/// The `Name = literal,` list of an `open_number_enum!` for `values` held
/// as `ty`, or `None` when `ty` cannot hold one of them.
fn consts(values: &[serde_json::Number], ty: &str) -> Option<TokenStream> {
    let literals = values
        .iter()
        .map(|v| literal(v, ty))
        .collect::<Option<Vec<TokenStream>>>()?;
    let mut used = BTreeSet::new();
    let mut seen: Vec<f64> = Vec::new();
    let mut out = TokenStream::new();
    for (v, lit) in values.iter().zip(literals) {
        // One value once, by value (`1` and `1.0` are one value, `V1`).
        let value = v.as_f64().unwrap_or(f64::NAN);
        if seen.contains(&value) {
            continue;
        }
        seen.push(value);
        let konst = fresh_name(&symbol_variant_name(&name_text(v)), |n| used.contains(n));
        used.insert(konst.clone());
        let ident = syn::Ident::new(&konst, proc_macro2::Span::call_site());
        out.extend(quote!(#ident = #lit,));
    }
    Some(out)
}

/// The number type inside `Option`/`Box`/`Vec` wrappers, if any.
fn inner_number(ty: &syn::Type) -> Option<String> {
    for wrapper in ["Option", "Box", "Vec"] {
        if let Some(inner) = generic_arg(ty, wrapper) {
            return inner_number(&inner);
        }
    }
    type_ident(ty).filter(|t| primitive(t).is_some())
}

/// Replace the number type inside `Option`/`Box`/`Vec` wrappers by `name`.
fn replace_number(ty: &mut syn::Type, name: &str) -> bool {
    replace_wrapped(ty, name, &|t| {
        type_ident(t).is_some_and(|t| primitive(&t).is_some())
    })
}

/// Give each field whose schema carries numbers in `x-enum-values` (or
/// whose items' schema does) an `open_number_enum!` type, and make each
/// component that is a number enum one. Returns `Type.field` for each field
/// changed and the name of each component.
pub fn number_enums(
    file: &mut syn::File,
    doc: &Value,
    names: &BTreeMap<String, String>,
) -> Vec<String> {
    let schemas = type_schemas(file, doc, names);
    let mut changed = number_enum_components(file, &schemas);
    changed.extend(give_enum_fields_types(
        file,
        doc,
        names,
        number_values,
        |name, field, values, description, taken| {
            let field_name = field.ident.as_ref()?.to_string();
            let ty = inner_number(&field.ty).and_then(|t| primitive(&t))?;
            let list = consts(values, ty)?;
            let base = format!("{name}{}", crate::spec::type_name(&field_name));
            let type_name = fresh_name(&base, |n| taken.contains(n));
            if !replace_number(&mut field.ty, &type_name) {
                return None;
            }
            taken.insert(type_name.clone());
            let ident = syn::Ident::new(&type_name, proc_macro2::Span::call_site());
            let ty = syn::Ident::new(ty, proc_macro2::Span::call_site());
            let docs = description.iter().map(|d| quote!(#[doc = #d]));
            Some(syn::parse_quote! {
                open_number_enum! {
                    #(#docs)*
                    pub struct #ident(#ty) { #list }
                }
            })
        },
    ));
    changed
}

/// The components that are number enums: typify's newtype over the number
/// (`pub struct Version(pub i64);` with `Deref`, `From` both ways,
/// `Display`, and `FromStr`/`TryFrom<&str>` through the number) becomes an
/// `open_number_enum!` of the same name and docs. The macro implements
/// `From` and `Display`, so typify's are dropped; the others read the
/// number as `self.0` and stay. Only over a plain number type (typify's
/// `Deref` names it). Returns the components changed.
fn number_enum_components(file: &mut syn::File, schemas: &BTreeMap<String, &Value>) -> Vec<String> {
    let mut macros: BTreeMap<String, Item> = BTreeMap::new();
    for item in &file.items {
        let Item::Struct(st) = item else { continue };
        let syn::Fields::Unnamed(inner) = &st.fields else {
            continue;
        };
        if inner.unnamed.len() != 1 {
            continue;
        }
        let Some(ty) = type_ident(&inner.unnamed[0].ty)
            .and_then(|t| NUMBER_TYPES.iter().find(|(n, _)| *n == t))
            .map(|(n, _)| *n)
        else {
            continue;
        };
        let name = st.ident.to_string();
        let Some(list) = schemas
            .get(&name)
            .and_then(|schema| schema.get("x-enum-values")?.as_array())
            .and_then(|values| number_values(values))
            .and_then(|values| consts(&values, ty))
        else {
            continue;
        };
        let docs = st.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let ident = &st.ident;
        let ty = syn::Ident::new(ty, proc_macro2::Span::call_site());
        macros.insert(
            name,
            syn::parse_quote! {
                open_number_enum! {
                    #(#docs)*
                    pub struct #ident(#ty) { #list }
                }
            },
        );
    }
    if macros.is_empty() {
        return Vec::new();
    }
    let is_number = |t: &str| NUMBER_TYPES.iter().any(|(n, _)| *n == t);
    let replaced = |imp: &syn::ItemImpl| {
        let self_ty = type_ident(&imp.self_ty).unwrap_or_default();
        let arg = trait_arg(imp).unwrap_or_default();
        match trait_name(imp).as_deref() {
            Some("Display") => macros.contains_key(&self_ty),
            Some("From") => {
                (macros.contains_key(&self_ty) && is_number(&arg))
                    || (macros.contains_key(&arg) && is_number(&self_ty))
            }
            _ => false,
        }
    };
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        match item {
            Item::Impl(imp) if replaced(&imp) => {}
            Item::Struct(st) if macros.contains_key(&st.ident.to_string()) => {
                items.push(macros[&st.ident.to_string()].clone());
            }
            other => items.push(other),
        }
    }
    file.items = items;
    macros.into_keys().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::syntax::defined_type;
    use quote::quote;
    use serde_json::json;

    #[test]
    fn numbers_get_names_and_literals() {
        let n = |v: Value| match v {
            Value::Number(n) => n,
            _ => unreachable!(),
        };
        assert_eq!(symbol_variant_name(&name_text(&n(json!(1)))), "V1");
        assert_eq!(symbol_variant_name(&name_text(&n(json!(2.0)))), "V2");
        assert_eq!(symbol_variant_name(&name_text(&n(json!(-1)))), "Minus1");
        assert_eq!(symbol_variant_name(&name_text(&n(json!(1.5)))), "V1Dot5");
        let lit = |v: Value, ty: &str| literal(&n(v), ty).map(|t| t.to_string());
        assert_eq!(lit(json!(1), "f64").as_deref(), Some("1.0"));
        assert_eq!(lit(json!(-1.5), "f64").as_deref(), Some("- 1.5"));
        assert_eq!(lit(json!(1), "i64").as_deref(), Some("1"));
        assert_eq!(lit(json!(-3), "i32").as_deref(), Some("- 3"));
        assert_eq!(lit(json!(2.0), "u64").as_deref(), Some("2"));
        assert_eq!(lit(json!(1.5), "i64"), None);
        assert_eq!(lit(json!(-1), "u64"), None);
        assert_eq!(lit(json!(300), "u8"), None);
        let both = consts(&[n(json!(1)), n(json!(1.0)), n(json!(2))], "f64").map(|t| t.to_string());
        assert_eq!(both.as_deref(), Some("V1 = 1.0 , V2 = 2.0 ,"));
        assert_eq!(primitive("NonZeroU64"), Some("u64"));
        assert_eq!(primitive("String"), None);
    }

    #[test]
    fn fields_with_number_enum_values_get_an_open_number_enum() {
        let doc = json!({"components": {"schemas": {"Voice": {"type": "object", "properties": {
            "version": {"type": "number", "x-enum-values": [1, 2], "description": "Version."},
            "levels": {"type": "array", "items": {"type": "integer", "x-enum-values": [-1, 0, 5, null]}},
            "rate": {"type": "integer", "x-enum-values": [1, 2]},
            "odd": {"type": "integer", "x-enum-values": [1.5]},
            "speed": {"type": "number"}
        }}, "Level": {"type": "integer", "x-enum-values": [1, 2], "description": "Level."}}}});
        let names = BTreeMap::from([
            ("Voice".to_string(), "Voice".to_string()),
            ("Level".to_string(), "Level".to_string()),
        ]);
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Voice {
                pub levels: ::std::vec::Vec<i64>,
                pub odd: ::std::option::Option<i64>,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub rate: ::std::option::Option<::std::num::NonZeroU64>,
                pub speed: f64,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub version: ::std::option::Option<f64>,
            }
            pub struct VoiceRate;
            #[doc = "Level."]
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            #[serde(transparent)]
            pub struct Level(pub i64);
            impl ::std::ops::Deref for Level {
                type Target = i64;
                fn deref(&self) -> &i64 { &self.0 }
            }
            impl ::std::convert::From<Level> for i64 {
                fn from(value: Level) -> Self { value.0 }
            }
            impl ::std::convert::From<i64> for Level {
                fn from(value: i64) -> Self { Self(value) }
            }
            impl ::std::fmt::Display for Level {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { self.0.fmt(f) }
            }
            impl ::std::str::FromStr for Level {
                type Err = <i64 as ::std::str::FromStr>::Err;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> { Ok(Self(value.parse()?)) }
            }
        })
        .expect("parses");
        assert_eq!(
            number_enums(&mut file, &doc, &names),
            ["Level", "Voice.levels", "Voice.rate", "Voice.version"]
        );
        let t: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(t.contains("publevels:::std::vec::Vec<VoiceLevels>"), "{t}");
        // A fraction an integer type cannot hold: left as it is.
        assert!(t.contains("pubodd:::std::option::Option<i64>"), "{t}");
        // `VoiceRate` is taken.
        assert!(
            t.contains("#[serde(default,skip_serializing_if=\"::std::option::Option::is_none\")]pubrate:::std::option::Option<VoiceRate2>"),
            "{t}"
        );
        assert!(t.contains("pubspeed:f64"), "{t}");
        assert!(
            t.contains("#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubversion:::std::option::Option<VoiceVersion>"),
            "{t}"
        );
        assert!(
            t.contains(
                "open_number_enum!{#[doc=\"Version.\"]pubstructVoiceVersion(f64){V1=1.0,V2=2.0,}}"
            ),
            "{t}"
        );
        assert!(
            t.contains("pubstructVoiceLevels(i64){Minus1=-1,V0=0,V5=5,}"),
            "{t}"
        );
        assert!(t.contains("pubstructVoiceRate2(u64){V1=1,V2=2,}"), "{t}");
        // A component: typify's newtype becomes the macro's type; the
        // impls the macro has are dropped, the others stay.
        assert!(
            t.contains("open_number_enum!{#[doc=\"Level.\"]pubstructLevel(i64){V1=1,V2=2,}}"),
            "{t}"
        );
        assert!(!t.contains("pubstructLevel(pubi64)"), "{t}");
        assert!(!t.contains("From<Level>fori64"), "{t}");
        assert!(!t.contains("From<i64>forLevel"), "{t}");
        assert!(!t.contains("DisplayforLevel"), "{t}");
        assert!(t.contains("impl::std::ops::DerefforLevel"), "{t}");
        assert!(t.contains("impl::std::str::FromStrforLevel"), "{t}");
        // The new types are types the file defines.
        let defined: Vec<String> = file.items.iter().filter_map(defined_type).collect();
        assert!(defined.contains(&"VoiceVersion".to_string()), "{defined:?}");
    }
}
