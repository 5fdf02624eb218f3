//! String enums whose values are symbols (`""`, `#`, `*`, `=`, `!=`, …).
//! typify names variants from values and cannot tell such values apart, so
//! normalization rule `enum-unnameable-values` hands them over as plain
//! strings with the values in `x-enum-values`; here each such field gets an
//! enum again, with variants named after the symbols (`Hash`, `Star`,
//! `Empty`, `NotEq`), which later stages make open like every other enum.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use syn::Item;

use super::schema_map::{fields, inline, properties, type_schemas};
use super::syntax::{generic_arg, type_ident};

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
    let schemas = type_schemas(file, doc, names);
    let taken: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut taken = taken;
    let mut changed = Vec::new();
    let mut new_enums: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let name = st.ident.to_string();
        let Some(schema) = schemas.get(&name) else {
            continue;
        };
        let mut props = BTreeMap::new();
        properties(doc, schema, &mut props);
        let wire: BTreeMap<String, (Vec<String>, Option<String>)> = fields(st)
            .into_iter()
            .filter_map(|(member, json, _)| {
                let json = json?;
                let prop = inline(props.get(&json)?)?;
                let values_of = match prop.get("x-enum-values") {
                    Some(v) => v,
                    None => inline(prop.get("items")?)?.get("x-enum-values")?,
                };
                let values: Vec<String> = values_of
                    .as_array()?
                    .iter()
                    .map(|v| v.as_str().map(String::from))
                    .collect::<Option<_>>()?;
                let doc = prop
                    .get("description")
                    .and_then(Value::as_str)
                    .map(String::from);
                Some((
                    quote::ToTokens::to_token_stream(&member).to_string(),
                    (values, doc),
                ))
            })
            .collect();
        if wire.is_empty() {
            continue;
        }
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let Some(field_ident) = &field.ident else {
                continue;
            };
            let field_name = field_ident.to_string();
            let Some((values, description)) = wire.get(&field_name) else {
                continue;
            };
            let base = format!("{name}{}", crate::spec::type_name(&field_name));
            let mut enum_name = base.clone();
            let mut n = 2;
            while taken.contains(&enum_name) {
                enum_name = format!("{base}{n}");
                n += 1;
            }
            if !replace_string(&mut field.ty, &enum_name) {
                continue;
            }
            taken.insert(enum_name.clone());
            let mut used = BTreeSet::new();
            let variants = values.iter().map(|v| {
                let mut variant = symbol_variant_name(v);
                let mut n = 2;
                while !used.insert(variant.clone()) {
                    variant = format!("{}{n}", symbol_variant_name(v));
                    n += 1;
                }
                let ident = syn::Ident::new(&variant, proc_macro2::Span::call_site());
                quote::quote!(#[serde(rename = #v)] #ident,)
            });
            let ident = syn::Ident::new(&enum_name, proc_macro2::Span::call_site());
            let docs = description.iter().map(|d| quote::quote!(#[doc = #d]));
            new_enums.entry(name.clone()).or_default().push(syn::parse_quote! {
                #(#docs)*
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                pub enum #ident { #(#variants)* }
            });
            changed.push(format!("{name}.{field_name}"));
        }
    }
    super::syntax::insert_after_types(file, new_enums);
    changed
}

/// Replace the `String` inside `Option`/`Box`/`Vec` wrappers by `name`.
fn replace_string(ty: &mut syn::Type, name: &str) -> bool {
    if type_ident(ty).as_deref() == Some("String") && generic_arg(ty, "Option").is_none() {
        *ty = syn::Type::Path(syn::TypePath {
            qself: None,
            path: syn::Ident::new(name, proc_macro2::Span::call_site()).into(),
        });
        return true;
    }
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last_mut() else {
        return false;
    };
    if !["Option", "Box", "Vec"].contains(&last.ident.to_string().as_str()) {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    match args.args.first_mut() {
        Some(syn::GenericArgument::Type(inner)) => replace_string(inner, name),
        _ => false,
    }
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
