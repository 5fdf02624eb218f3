//! String enums whose values are symbols (`""`, `#`, `*`, `=`, `!=`, …).
//! typify names variants from values and cannot tell such values apart, so
//! normalization rule `enum-unnameable-values` hands them over as plain
//! strings with the values in `x-enum-values`; here each such field gets an
//! enum again, with variants named after the symbols (`Hash`, `Star`,
//! `Empty`, `NotEq`), which later stages make open like every other enum.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::pipeline::schema_map::{fresh_name, give_enum_fields_types};
use crate::pipeline::syntax::{generic_arg, replace_wrapped, type_ident};

const SYMBOLS: &[(char, &str)] = &[
    ('=', "Eq"),
    ('!', "Not"),
    ('<', "Lt"),
    ('>', "Gt"),
    ('#', "Hash"),
    ('*', "Star"),
    ('+', "Plus"),
    ('-', "Minus"),
    ('/', "Slash"),
    ('\\', "Backslash"),
    ('%', "Percent"),
    ('&', "And"),
    ('|', "Or"),
    ('^', "Caret"),
    ('~', "Tilde"),
    ('.', "Dot"),
    (',', "Comma"),
    (':', "Colon"),
    (';', "Semicolon"),
    ('?', "Question"),
    ('@', "At"),
    ('$', "Dollar"),
    ('_', "Underscore"),
    (' ', "Space"),
    ('(', "LParen"),
    (')', "RParen"),
    ('[', "LBracket"),
    (']', "RBracket"),
    ('{', "LBrace"),
    ('}', "RBrace"),
    ('\'', "Quote"),
    ('"', "DoubleQuote"),
];

/// A Rust variant name for any string value: words as UpperCamelCase,
/// symbols by name (`!=` → `NotEq`, `""` → `Empty`).
pub fn symbol_variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let mut out = String::new();
    let mut upper = true;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && c.is_ascii_digit() {
                out.push('V');
            }
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            match SYMBOLS.iter().find(|(s, _)| *s == c) {
                Some((_, name)) => out.push_str(name),
                None => out.push_str(&format!("U{:04X}", c as u32)),
            }
            upper = true;
        }
    }
    out
}

/// Give each field whose schema carries `x-enum-values` an enum type.
/// Returns `Type.field` for each field changed.
pub fn symbol_enums(
    file: &mut syn::File,
    doc: &Value,
    names: &BTreeMap<String, String>,
) -> Vec<String> {
    let strings = |values: &[Value]| {
        values
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect::<Option<Vec<String>>>()
    };
    give_enum_fields_types(
        file,
        doc,
        names,
        strings,
        |name, field, values, description, taken| {
            let field_name = field.ident.as_ref()?.to_string();
            let base = format!("{name}{}", crate::spec::type_name(&field_name));
            let enum_name = fresh_name(&base, |n| taken.contains(n));
            if !replace_string(&mut field.ty, &enum_name) {
                return None;
            }
            taken.insert(enum_name.clone());
            let mut used = BTreeSet::new();
            let variants = values.iter().map(|v| {
                let variant = fresh_name(&symbol_variant_name(v), |n| used.contains(n));
                used.insert(variant.clone());
                let ident = syn::Ident::new(&variant, proc_macro2::Span::call_site());
                quote::quote!(#[serde(rename = #v)] #ident,)
            });
            let ident = syn::Ident::new(&enum_name, proc_macro2::Span::call_site());
            let docs = description.iter().map(|d| quote::quote!(#[doc = #d]));
            Some(syn::parse_quote! {
                #(#docs)*
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                pub enum #ident { #(#variants)* }
            })
        },
    )
}

/// Replace the `String` inside `Option`/`Box`/`Vec` wrappers by `name`.
fn replace_string(ty: &mut syn::Type, name: &str) -> bool {
    replace_wrapped(ty, name, &|t| {
        type_ident(t).as_deref() == Some("String") && generic_arg(t, "Option").is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use serde_json::json;

    #[test]
    fn symbols_get_names() {
        assert_eq!(symbol_variant_name(""), "Empty");
        assert_eq!(symbol_variant_name("#"), "Hash");
        assert_eq!(symbol_variant_name("*"), "Star");
        assert_eq!(symbol_variant_name("!="), "NotEq");
        assert_eq!(symbol_variant_name(">="), "GtEq");
        assert_eq!(symbol_variant_name("not in"), "NotSpaceIn");
        assert_eq!(symbol_variant_name("2xx"), "V2xx");
    }

    #[test]
    fn fields_with_unnameable_enum_values_get_an_enum() {
        let doc = json!({"components": {"schemas": {"Plan": {"type": "object", "properties": {
            "delimiters": {"type": "string", "x-enum-values": ["#", "*", ""], "description": "Delims."},
            "ops": {"type": "array", "items": {"type": "string", "x-enum-values": ["=", "!="]}},
            "plain": {"type": "string"}
        }}}}});
        let names = BTreeMap::from([("Plan".to_string(), "Plan".to_string())]);
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Plan {
                pub delimiters: ::std::option::Option<::std::string::String>,
                pub ops: ::std::vec::Vec<::std::string::String>,
                pub plain: ::std::string::String,
            }
        })
        .expect("parses");
        assert_eq!(
            symbol_enums(&mut file, &doc, &names),
            ["Plan.delimiters", "Plan.ops"]
        );
        let t: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            t.contains("pubdelimiters:::std::option::Option<PlanDelimiters>"),
            "{t}"
        );
        assert!(t.contains("pubops:::std::vec::Vec<PlanOps>"), "{t}");
        assert!(t.contains("pubplain:::std::string::String"), "{t}");
        assert!(
            t.contains("///Delims.#[derive(::serde::Deserialize,::serde::Serialize,Clone,Debug,Eq,Hash,Ord,PartialEq,PartialOrd)]pubenumPlanDelimiters{#[serde(rename=\"#\")]Hash,#[serde(rename=\"*\")]Star,#[serde(rename=\"\")]Empty,}"),
            "{t}"
        );
        assert!(t.contains("#[serde(rename=\"!=\")]NotEq,"), "{t}");
    }
}
