//! Pass `validate-impls`: `Validate` impls checking the constraints the spec
//! puts on values (`minimum`, `maximum`, `exclusiveMinimum`,
//! `exclusiveMaximum`, `minLength`, `maxLength`, `pattern`, `minItems`,
//! `maxItems`); pass `validate-before-send` ([`super::validate_before_send`])
//! has `send()` call them before anything is sent.
//!
//! typify keeps only string constraints (in its newtypes' `FromStr`, which
//! decoding skips), so the constraints are read from the normalized
//! document. Components map to their Rust types by name; inline object
//! schemas map to the type of the field that holds them, found by walking
//! the generated structs (so nested inline objects are covered without
//! guessing typify's names). Only types that have constraints, in their own
//! fields or in values they hold, get an impl, plus every request body type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::Item;

use crate::pipeline::schema_map::{fields, inline, properties, ref_name, type_schemas};
use crate::pipeline::syntax::{generic_arg, type_ident};

/// What [`validate_impls`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validation {
    /// Rust types given a `Validate` impl.
    pub types: BTreeSet<String>,
    /// Fields with a constraint of their own checked (`Type.field`).
    pub checked_fields: Vec<String>,
}

const NUMBERS: &[&str] = &[
    "f64",
    "f32",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "usize",
    "isize",
    "NonZeroU8",
    "NonZeroU16",
    "NonZeroU32",
    "NonZeroU64",
    "NonZeroI8",
    "NonZeroI16",
    "NonZeroI32",
    "NonZeroI64",
];

/// Peel `Option`, `Box`, `Vec` and map values off a type.
fn innermost(ty: &syn::Type) -> syn::Type {
    for wrapper in ["Option", "Box", "Vec"] {
        if let Some(inner) = generic_arg(ty, wrapper) {
            return innermost(&inner);
        }
    }
    for map in ["HashMap", "BTreeMap"] {
        if let Some(value) = crate::pipeline::syntax::nth_generic_arg(ty, map, 1) {
            return innermost(&value);
        }
    }
    ty.clone()
}

fn num(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn count(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn opt_usize(v: Option<usize>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// The checks of an inline `schema` on a value of type `ty` reached by the
/// reference expression `expr`; `None` when it has no constraint (or none
/// the type can carry).
fn leaf_checks(
    expr: TokenStream,
    ty: &syn::Type,
    schema: &Value,
    strings: &BTreeSet<String>,
    depth: usize,
) -> Option<TokenStream> {
    if depth > 8 {
        return None;
    }
    let schema = inline(schema)?;
    if let Some(inner) = generic_arg(ty, "Option") {
        let body = leaf_checks(quote!(x), &inner, schema, strings, depth + 1)?;
        return Some(quote!(if let ::std::option::Option::Some(x) = #expr { #body }));
    }
    if let Some(inner) = generic_arg(ty, "Box") {
        let body = leaf_checks(quote!(x), &inner, schema, strings, depth + 1)?;
        return Some(quote!({ let x = ::std::ops::Deref::deref(#expr); #body }));
    }
    // A one-member `allOf` around an inline schema carries its constraints.
    let schema = match schema.get("allOf").and_then(Value::as_array) {
        Some(all) if all.len() == 1 && ref_name(&all[0]).is_none() => &all[0],
        _ => schema,
    };
    let ident = type_ident(ty)?;
    let mut out = TokenStream::new();
    if NUMBERS.contains(&ident.as_str()) {
        let mut min = num(schema, "minimum");
        let mut max = num(schema, "maximum");
        // OpenAPI 3.0 writes `exclusiveMinimum: true` next to `minimum`.
        let mut xmin = num(schema, "exclusiveMinimum");
        let mut xmax = num(schema, "exclusiveMaximum");
        if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
            xmin = min.take();
        }
        if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
            xmax = max.take();
        }
        if min.is_some() || max.is_some() || xmin.is_some() || xmax.is_some() {
            let (min, max, xmin, xmax) = (opt_f64(min), opt_f64(max), opt_f64(xmin), opt_f64(xmax));
            out.extend(quote! {
                v.number(crate::validate::AsF64::as_f64(#expr), #min, #max, #xmin, #xmax);
            });
        }
    } else if ident == "String" || strings.contains(&ident) {
        let (min, max) = (count(schema, "minLength"), count(schema, "maxLength"));
        if min.is_some() || max.is_some() {
            let (min, max) = (opt_usize(min), opt_usize(max));
            out.extend(quote!(v.length(#expr.as_str(), #min, #max);));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            out.extend(quote! {{
                static PATTERN: ::std::sync::OnceLock<::std::option::Option<::regress::Regex>> =
                    ::std::sync::OnceLock::new();
                v.pattern(#expr.as_str(), #pattern, &PATTERN);
            }});
        }
    } else if let Some(item_ty) = generic_arg(ty, "Vec") {
        let (min, max) = (count(schema, "minItems"), count(schema, "maxItems"));
        if min.is_some() || max.is_some() {
            let (min, max) = (opt_usize(min), opt_usize(max));
            out.extend(quote!(v.items(#expr.len(), #min, #max);));
        }
        if let Some(items) = schema.get("items")
            && let Some(body) = leaf_checks(quote!(x), &item_ty, items, strings, depth + 1)
        {
            out.extend(quote! {
                for (i, x) in #expr.iter().enumerate() {
                    v.enter_index(i);
                    #body
                    v.leave();
                }
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Add `Validate` impls to the models, and return which types have one.
pub fn validate_impls(
    file: &mut syn::File,
    doc: &Value,
    names: &BTreeMap<String, String>,
    bodies: &BTreeSet<String>,
) -> Validation {
    let schemas = type_schemas(file, doc, names);
    // typify's constrained strings: newtypes over `String` (and their
    // aliases).
    let strings: BTreeSet<String> = crate::pipeline::syntax::string_newtypes(file);
    // A field typed with its place's alias holds the aliased type.
    let aliases = crate::pipeline::syntax::type_aliases(file);
    let resolve = |name: String| aliases.get(&name).cloned().unwrap_or(name);

    // Direct checks per struct field.
    let mut direct: BTreeMap<String, Vec<(syn::Member, Option<String>, TokenStream)>> =
        BTreeMap::new();
    // Types each type holds (for the fixpoint).
    let mut holds: BTreeMap<String, Vec<(syn::Member, Option<String>, String)>> = BTreeMap::new();
    let mut variants: BTreeMap<String, Vec<(syn::Ident, String)>> = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                let name = st.ident.to_string();
                let mut props = BTreeMap::new();
                if let Some(schema) = schemas.get(&name) {
                    properties(doc, schema, &mut props);
                }
                for (member, json, ty) in fields(st) {
                    let prop = match &json {
                        Some(j) => props.get(j).copied(),
                        // A newtype: the schema is the type's own.
                        None => schemas.get(&name).copied(),
                    };
                    if let Some(prop) = prop
                        && let Some(check) = leaf_checks(quote!(x), &ty, prop, &strings, 0)
                    {
                        direct.entry(name.clone()).or_default().push((
                            member.clone(),
                            json.clone(),
                            check,
                        ));
                    }
                    if let Some(inner) = type_ident(&innermost(&ty)).map(resolve) {
                        holds
                            .entry(name.clone())
                            .or_default()
                            .push((member, json, inner));
                    }
                }
            }
            Item::Enum(e) if e.generics.params.is_empty() => {
                for v in &e.variants {
                    if let syn::Fields::Unnamed(f) = &v.fields
                        && f.unnamed.len() == 1
                        && let Some(inner) = type_ident(&innermost(&f.unnamed[0].ty)).map(resolve)
                    {
                        variants
                            .entry(e.ident.to_string())
                            .or_default()
                            .push((v.ident.clone(), inner));
                    }
                }
            }
            _ => {}
        }
    }

    let mut validated: BTreeSet<String> = direct.keys().cloned().collect();
    loop {
        let before = validated.len();
        for (name, held) in &holds {
            if held.iter().any(|(_, _, t)| validated.contains(t)) {
                validated.insert(name.clone());
            }
        }
        for (name, vs) in &variants {
            if vs.iter().any(|(_, t)| validated.contains(t)) {
                validated.insert(name.clone());
            }
        }
        if validated.len() == before {
            break;
        }
    }

    // Only the request side: the types request bodies reach. Decoding takes
    // what the server sends, so response-only types (and types no operation
    // uses, such as webhook payloads) get no checks: about half of an
    // upstream document's components, whose impls cost compile time.
    let mut request_side: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<&str> = bodies.iter().map(String::as_str).collect();
    while let Some(t) = stack.pop() {
        if !request_side.insert(t.to_owned()) {
            continue;
        }
        stack.extend(
            holds
                .get(t)
                .into_iter()
                .flatten()
                .map(|(_, _, i)| i.as_str()),
        );
        stack.extend(
            variants
                .get(t)
                .into_iter()
                .flatten()
                .map(|(_, i)| i.as_str()),
        );
    }
    validated.retain(|n| request_side.contains(n));
    direct.retain(|n, _| request_side.contains(n));

    let mut result = Validation::default();
    for (name, checks) in &direct {
        for (member, json, _) in checks {
            result.checked_fields.push(format!(
                "{name}.{}",
                json.clone()
                    .unwrap_or_else(|| member.to_token_stream().to_string())
            ));
        }
    }
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let defined: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) if s.generics.params.is_empty() => Some(s.ident.to_string()),
            Item::Enum(e) if e.generics.params.is_empty() => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    for name in validated
        .iter()
        .chain(bodies)
        .filter(|n| defined.contains(*n))
    {
        if impls.contains_key(name) {
            continue;
        }
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let mut body = TokenStream::new();
        if let Some(vs) = variants.get(name) {
            let arms = vs.iter().filter(|(_, t)| validated.contains(t)).map(
                |(v, _)| quote!(Self::#v(x) => crate::validate::Validate::validate_into(x, v),),
            );
            body.extend(quote! {
                #[allow(unreachable_patterns)]
                match self { #(#arms)* _ => {} }
            });
        } else {
            // Each field once, in declaration order: its own checks, then
            // the values it holds.
            let own: BTreeMap<String, &TokenStream> = direct
                .get(name)
                .into_iter()
                .flatten()
                .map(|(m, _, c)| (m.to_token_stream().to_string(), c))
                .collect();
            for (member, json, inner) in holds.get(name).into_iter().flatten() {
                let key = member.to_token_stream().to_string();
                let mut checks = TokenStream::new();
                if let Some(c) = own.get(&key) {
                    checks.extend(quote!({ let x = &self.#member; #c }));
                }
                if validated.contains(inner) {
                    checks.extend(
                        quote!(crate::validate::Validate::validate_into(&self.#member, v);),
                    );
                }
                if checks.is_empty() {
                    continue;
                }
                body.extend(match json {
                    Some(j) => quote!(v.enter_field(#j); #checks v.leave();),
                    None => checks,
                });
            }
        }
        let v = if body.is_empty() {
            quote!(_v)
        } else {
            quote!(v)
        };
        impls.insert(
            name.clone(),
            vec![syn::parse_quote! {
                impl crate::validate::Validate for #ident {
                    fn validate_into(&self, #v: &mut crate::validate::Validator) {
                        #body
                    }
                }
            }],
        );
        result.types.insert(name.clone());
    }
    crate::pipeline::syntax::insert_after_types(file, impls);
    result
}

/// Rust names of the request body types (JSON bodies whose schema is a
/// component).
pub fn body_types(
    operations: &crate::spec::operation_model::OperationModel,
    names: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    operations
        .operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .flat_map(|body| &body.content)
        .filter_map(|media| names.get(ref_name(media.schema.as_ref()?)?))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    #[test]
    fn constraints_become_checks_and_holders_delegate() {
        let doc = json!({"components": {"schemas": {
            "Dto": {"type": "object", "properties": {
                "name": {"type": "string", "maxLength": 40},
                "seconds": {"type": "number", "minimum": 60, "maximum": 2592000},
                "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z]+$"}},
                "inner": {"type": "object", "properties": {"n": {"type": "integer", "exclusiveMinimum": 0}}},
                "plain": {"type": "string"}
            }},
            "Holder": {"type": "object", "properties": {"dto": {"$ref": "#/components/schemas/Dto"}}},
            "Free": {"type": "object", "properties": {"x": {"type": "string"}}},
            "U": {"oneOf": [{"$ref": "#/components/schemas/Dto"}, {"$ref": "#/components/schemas/Free"}]},
            "Reply": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}
        }}});
        let names: BTreeMap<String, String> = ["Dto", "Holder", "Free", "U", "Reply"]
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Dto {
                pub name: Option<DtoName>,
                pub seconds: Option<f64>,
                pub tags: Vec<String>,
                pub inner: Option<DtoInner>,
                pub plain: Option<String>,
            }
            pub struct DtoName(String);
            pub struct DtoInner { pub n: Option<i64> }
            pub struct Holder { pub dto: Option<Box<Dto>> }
            pub struct Free { pub x: String }
            pub enum U { Dto(Box<Dto>), Free(Free), Unknown(crate::Json) }
            pub struct Body { pub x: String, pub holder: Option<Holder>, pub u: Option<U> }
            // Constrained, but no request body reaches it: no checks.
            pub struct Reply { pub name: Option<DtoName> }
            pub struct ReplyHolder { pub reply: Reply, pub dto: Dto }
        })
        .expect("parses");
        let bodies = BTreeSet::from(["Body".to_string()]);
        let got = validate_impls(&mut file, &doc, &names, &bodies);
        assert_eq!(
            got.types,
            ["Body", "Dto", "DtoInner", "Holder", "U"]
                .map(String::from)
                .into()
        );
        assert_eq!(
            got.checked_fields,
            ["Dto.name", "Dto.seconds", "Dto.tags", "DtoInner.n"]
        );
        let t = text(&file);
        assert!(t.contains("v.length(x.as_str(),::std::option::Option::None,::std::option::Option::Some(40usize),);"), "{t}");
        assert!(t.contains("v.number(crate::validate::AsF64::as_f64(x),::std::option::Option::Some(60f64),::std::option::Option::Some(2592000f64)"), "{t}");
        assert!(
            t.contains(
                "v.items(x.len(),::std::option::Option::Some(1usize),::std::option::Option::None,);"
            ),
            "{t}"
        );
        assert!(
            t.contains("v.pattern(x.as_str(),\"^[a-z]+$\",&PATTERN);"),
            "{t}"
        );
        assert!(
            t.contains(
                "v.enter_field(\"inner\");crate::validate::Validate::validate_into(&self.inner,v);v.leave();"
            ),
            "{t}"
        );
        assert!(
            t.contains("Self::Dto(x)=>crate::validate::Validate::validate_into(x,v),_=>{}"),
            "{t}"
        );
        assert!(
            t.contains("implcrate::validate::ValidateforBody{fnvalidate_into(&self,v:"),
            "{t}"
        );
        assert!(!t.contains("ValidateforFree"), "{t}");
        // Response-side types get no impl, even when constrained.
        assert!(!t.contains("ValidateforReply"), "{t}");
        assert!(!t.contains("ValidateforReplyHolder"), "{t}");
        // exclusiveMinimum (3.1, numeric) is the fourth argument.
        assert!(t.contains("::std::option::Option::None,::std::option::Option::Some(0f64),::std::option::Option::None,);"), "{t}");
    }

    #[test]
    fn body_types_are_read_from_request_bodies() {
        let doc = json!({"paths": {"/s": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CreateDTO"}}
        }}}}}});
        let names = BTreeMap::from([("CreateDTO".to_string(), "CreateDto".to_string())]);
        assert_eq!(
            body_types(
                &crate::spec::operation_model::OperationModel::of(&doc),
                &names
            ),
            BTreeSet::from(["CreateDto".to_string()])
        );
    }
}
