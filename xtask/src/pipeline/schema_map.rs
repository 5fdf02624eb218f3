//! Which schema each generated type came from: components by name, inline
//! schemas through the fields that hold them (walking the generated structs,
//! so nested inline objects are found without guessing typify's names).
//! Shared by the post-process stages that need the schema's keywords
//! typify does not carry into Rust.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use syn::Item;

use super::syntax::{generic_arg, serde_rename, type_ident};

pub use crate::spec::resolve;

/// The properties of an object schema, through `allOf` and `$ref`.
pub fn properties<'a>(doc: &'a Value, schema: &'a Value, out: &mut BTreeMap<String, &'a Value>) {
    let schema = resolve(doc, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            out.entry(k.clone()).or_insert(v);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for member in all {
            properties(doc, member, out);
        }
    }
}

/// The component a `$ref` (possibly wrapped in a one-member `allOf`) names.
pub use crate::spec::named_component as ref_name;

/// The schema, unless it is only a reference (whose type has its own impl).
pub fn inline(schema: &Value) -> Option<&Value> {
    ref_name(schema).is_none().then_some(schema)
}

/// A struct's fields: (Rust member, JSON name, type); unnamed fields are
/// `0`, `1`, … with no JSON name.
pub fn fields(st: &syn::ItemStruct) -> Vec<(syn::Member, Option<String>, syn::Type)> {
    st.fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !super::syntax::serde_word(&f.attrs, "flatten"))
        .map(|(i, f)| match &f.ident {
            Some(ident) => {
                let json = serde_rename(&f.attrs)
                    .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").into());
                (syn::Member::Named(ident.clone()), Some(json), f.ty.clone())
            }
            None => (
                syn::Member::Unnamed(syn::Index::from(i)),
                None,
                f.ty.clone(),
            ),
        })
        .collect()
}

/// The values normalization moved to `x-enum-values` (rules
/// `enum-unnameable-values`, `number-enum-values`) for each field of `st`
/// (from `schema`) whose own schema, or its items' schema, has them, with
/// the field's description: by Rust field name. `value` turns the values
/// into what the caller handles (`None` skips the field).
pub fn enum_value_fields<T>(
    st: &syn::ItemStruct,
    doc: &Value,
    schema: &Value,
    value: impl Fn(&[Value]) -> Option<Vec<T>>,
) -> BTreeMap<String, (Vec<T>, Option<String>)> {
    let mut props = BTreeMap::new();
    properties(doc, schema, &mut props);
    fields(st)
        .into_iter()
        .filter_map(|(member, json, _)| {
            let prop = inline(props.get(&json?)?)?;
            let values = match prop.get("x-enum-values") {
                Some(values) => values,
                None => inline(prop.get("items")?)?.get("x-enum-values")?,
            };
            let values = value(values.as_array()?)?;
            let doc = prop
                .get("description")
                .and_then(Value::as_str)
                .map(String::from);
            Some((
                quote::ToTokens::to_token_stream(&member).to_string(),
                (values, doc),
            ))
        })
        .collect()
}

/// Give fields whose values normalization moved to `x-enum-values` a type
/// of their own: for each named field of each struct (with its schema)
/// whose values `values` takes, `make` is called with the struct's name,
/// the field, the values, the field's description and the type names
/// taken; the item it returns (the type it gave the field, whose name it
/// adds to the taken ones) goes after the struct, and `Type.field` is
/// reported.
pub fn give_enum_fields_types<T>(
    file: &mut syn::File,
    doc: &Value,
    names: &BTreeMap<String, String>,
    values: impl Fn(&[Value]) -> Option<Vec<T>>,
    mut make: impl FnMut(
        &str,
        &mut syn::Field,
        &[T],
        Option<&str>,
        &mut BTreeSet<String>,
    ) -> Option<Item>,
) -> Vec<String> {
    let schemas = type_schemas(file, doc, names);
    let mut taken: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(super::syntax::defined_type)
        .collect();
    let mut changed = Vec::new();
    let mut new_types: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let name = st.ident.to_string();
        let Some(schema) = schemas.get(&name) else {
            continue;
        };
        let wire = enum_value_fields(st, doc, schema, &values);
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let Some(field_name) = field.ident.as_ref().map(ToString::to_string) else {
                continue;
            };
            let Some((values, description)) = wire.get(&field_name) else {
                continue;
            };
            if let Some(new) = make(&name, field, values, description.as_deref(), &mut taken) {
                new_types.entry(name.clone()).or_default().push(new);
                changed.push(format!("{name}.{field_name}"));
            }
        }
    }
    super::syntax::insert_after_types(file, new_types);
    changed
}

/// `base`, or `base2`, `base3`… : the first that `taken` refuses not.
pub fn fresh_name(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Map each generated struct or enum to the schema it came from:
/// components by name, inline schemas through the fields that hold them.
pub fn type_schemas<'a>(
    file: &syn::File,
    doc: &'a Value,
    names: &BTreeMap<String, String>,
) -> BTreeMap<String, &'a Value> {
    let mut out: BTreeMap<String, &Value> = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if let Some(rust) = names.get(name) {
                out.insert(rust.clone(), schema);
            }
        }
    }
    let structs: BTreeMap<String, &syn::ItemStruct> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    // A field typed with its place's alias is the aliased type.
    let aliases = super::syntax::type_aliases(file);
    // Walk from each known type into the inline schemas of its fields.
    let mut queue: Vec<String> = out.keys().cloned().collect();
    while let Some(name) = queue.pop() {
        let (Some(st), Some(schema)) = (structs.get(&name), out.get(&name).copied()) else {
            continue;
        };
        let mut props = BTreeMap::new();
        properties(doc, schema, &mut props);
        for (_, json, ty) in fields(st) {
            let Some(prop) = json.as_ref().and_then(|j| props.get(j)) else {
                continue;
            };
            let mut ty = ty;
            let mut prop: &Value = prop;
            loop {
                if let Some(inner) = generic_arg(&ty, "Option").or_else(|| generic_arg(&ty, "Box"))
                {
                    ty = inner;
                } else if let Some(inner) = generic_arg(&ty, "Vec") {
                    match inline(prop).and_then(|p| p.get("items")) {
                        Some(items) => {
                            ty = inner;
                            prop = items;
                        }
                        None => break,
                    }
                } else {
                    break;
                }
            }
            let Some(schema) = inline(prop) else { continue };
            let Some(ident) = type_ident(&ty) else {
                continue;
            };
            let ident = aliases.get(&ident).cloned().unwrap_or(ident);
            let is_object = schema.get("properties").is_some() || schema.get("allOf").is_some();
            if is_object && structs.contains_key(&ident) && !out.contains_key(&ident) {
                out.insert(ident.clone(), schema);
                queue.push(ident);
            }
        }
    }
    out
}
