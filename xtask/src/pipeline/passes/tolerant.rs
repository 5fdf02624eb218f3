//! Post-processing for tolerant, lossless decoding (part of stage 5).
//!
//! - [`unions_from_components`]: a component that is a one-member `oneOf`
//!   becomes an enum like every other union, so a member the spec does not
//!   list yet still has somewhere to go.
//! - [`union_impls`]: every union decodes through `crate::de`: a union whose
//!   members share a tag property (a required property whose type is a
//!   single-value enum in each member, which is also what a `discriminator`
//!   is normalized into) reads the tag and decodes only the member it
//!   selects; the others try each member and keep the best fit. Unknown tags
//!   and values no member accepts are kept as raw JSON.
//! - [`drift_impls`]: every type implements `crate::drift::Drift`, which
//!   lists where a decoded value holds data the spec does not describe.
//!
//! The hand-written side of all this lives in the models crate
//! (`src/de.rs`, `src/drift.rs`); the generated code plugs into it.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenTree};
use quote::{ToTokens, quote};
use syn::{Item, visit_mut::VisitMut};

use super::{generic_arg, serde_rename, type_ident};

/// The ident of the field that keeps unknown object fields.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

pub(super) fn derive_paths(attrs: &[syn::Attribute]) -> Vec<syn::Path> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .ok()
        })
        .flatten()
        .collect()
}

fn trait_name(imp: &syn::ItemImpl) -> Option<String> {
    imp.trait_
        .as_ref()
        .and_then(|(_, p, _)| p.segments.last())
        .map(|s| s.ident.to_string())
}

/// The type argument of a trait in an impl header (`From<X>` → `X`).
fn trait_arg(imp: &syn::ItemImpl) -> Option<String> {
    let (_, path, _) = imp.trait_.as_ref()?;
    let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => type_ident(t),
        _ => None,
    }
}

/// Turn typify's newtype for each one-member union component named in
/// `unions` (`pub struct Model(pub AnthropicModel)`, transparent, with
/// `Deref` and `From` both ways) into an untagged enum with that one member,
/// which [`super::open_untagged_unions`] and [`union_impls`] then treat like
/// any other union. Returns the types changed.
pub fn unions_from_components(file: &mut syn::File, unions: &BTreeSet<String>) -> Vec<String> {
    let mut members: BTreeMap<String, syn::Type> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let name = st.ident.to_string();
        if !unions.contains(&name) {
            continue;
        }
        let syn::Fields::Unnamed(fields) = &st.fields else {
            continue;
        };
        if fields.unnamed.len() != 1 {
            continue;
        }
        let inner = fields.unnamed[0].ty.clone();
        let Some(variant) = type_ident(generic_arg(&inner, "Box").as_ref().unwrap_or(&inner))
        else {
            continue;
        };
        let variant = syn::Ident::new(&variant, Span::call_site());
        let docs = st.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let derives = derive_paths(&st.attrs);
        let ident = &st.ident;
        *item = syn::parse_quote! {
            #(#docs)*
            #[derive(#(#derives),*)]
            #[serde(untagged)]
            pub enum #ident {
                #variant(#inner),
            }
        };
        members.insert(name, inner);
    }
    if members.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        if let Item::Impl(imp) = &item {
            let self_ty = type_ident(&imp.self_ty).unwrap_or_default();
            let arg = trait_arg(imp).unwrap_or_default();
            let tr = trait_name(imp).unwrap_or_default();
            let drop = (tr == "Deref" && members.contains_key(&self_ty))
                || (tr == "From" && members.contains_key(&arg))
                || (tr == "From" && members.contains_key(&self_ty));
            if drop {
                continue;
            }
        }
        let name = match &item {
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        };
        items.push(item);
        if let Some((name, inner)) = name.and_then(|n| members.get(&n).map(|t| (n, t))) {
            let ident = syn::Ident::new(&name, Span::call_site());
            let variant = type_ident(generic_arg(inner, "Box").as_ref().unwrap_or(inner))
                .map(|v| syn::Ident::new(&v, Span::call_site()));
            items.push(syn::parse_quote! {
                impl ::std::convert::From<#inner> for #ident {
                    fn from(value: #inner) -> Self {
                        Self::#variant(value)
                    }
                }
            });
        }
    }
    file.items = items;
    members.into_keys().collect()
}

/// Decoding takes what the server sends: typify's constrained strings
/// (`maxLength`, `pattern`…: a newtype whose `Deserialize` parses, and so
/// validates) decode without the check. The check stays where requests are
/// built (`TryFrom`, `FromStr`). Returns the types changed.
pub fn unchecked_string_decoding(file: &mut syn::File) -> Vec<String> {
    let newtypes: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => match &st.fields {
                syn::Fields::Unnamed(f)
                    if f.unnamed.len() == 1 && is_string(&f.unnamed[0].ty, &BTreeSet::new()) =>
                {
                    Some(st.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = type_ident(&imp.self_ty).filter(|n| newtypes.contains(n)) else {
            continue;
        };
        if trait_name(imp).as_deref() != Some("Deserialize")
            || !imp.to_token_stream().to_string().contains("parse")
        {
            continue;
        }
        let ident = syn::Ident::new(&name, Span::call_site());
        *item = syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self)
                }
            }
        };
        changed.push(name);
    }
    changed
}

/// The known values of each `open_string_enum!` in the file.
pub fn open_enum_values(file: &syn::File) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let Item::Macro(m) = item else { continue };
        if !m.mac.path.is_ident("open_string_enum") {
            continue;
        }
        let mut tokens = m.mac.tokens.clone().into_iter();
        if tokens
            .find(|t| matches!(t, TokenTree::Ident(i) if i == "enum"))
            .is_none()
        {
            continue;
        }
        let Some(TokenTree::Ident(name)) = tokens.next() else {
            continue;
        };
        let Some(TokenTree::Group(body)) = tokens.next() else {
            continue;
        };
        let mut values = Vec::new();
        let mut after_eq = false;
        for t in body.stream() {
            match t {
                TokenTree::Punct(p) if p.as_char() == '=' => after_eq = true,
                TokenTree::Literal(l) if after_eq => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&l.to_string()) {
                        values.push(s.value());
                    }
                    after_eq = false;
                }
                _ => after_eq = false,
            }
        }
        out.insert(name.to_string(), values);
    }
    out
}

/// A named field as the wire sees it.
struct FieldInfo {
    ident: syn::Ident,
    json: String,
    ty: syn::Type,
    flatten: bool,
}

fn named_fields(st: &syn::ItemStruct) -> Option<Vec<FieldInfo>> {
    let syn::Fields::Named(named) = &st.fields else {
        return None;
    };
    named
        .named
        .iter()
        .map(|f| {
            let ident = f.ident.clone()?;
            let json = serde_rename(&f.attrs)
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").into());
            let flatten = f.attrs.iter().any(|a| {
                a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten")
            });
            Some(FieldInfo {
                ident,
                json,
                ty: f.ty.clone(),
                flatten,
            })
        })
        .collect()
}

/// How a union was made to decode.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unions {
    /// Union → its tag property.
    pub tagged: BTreeMap<String, String>,
    /// Unions without a tag (members tried in turn).
    pub untagged: Vec<String>,
    /// Tagged unions where a tag value selects several members (best fit).
    pub ambiguous: Vec<String>,
    /// Tagged unions with members whose tag is a free-form string (tried,
    /// best fit, for tag values no other member claims).
    pub open: Vec<String>,
    /// Untagged unions of strings with a member that takes any string: no
    /// raw variant, a value no member takes is an error.
    pub strings: Vec<String>,
}

/// One member of a union: variant ident, Rust type name of the member.
struct Member {
    variant: syn::Ident,
    ty: Option<String>,
}

/// The tag of a union: property, and per member its values (none: a
/// free-form string, an "open" member) and whether it is required.
struct Tag {
    property: String,
    values: Vec<(Vec<String>, bool)>,
}

/// `String`, or one of typify's newtypes over it (constrained strings).
fn is_string(ty: &syn::Type, string_newtypes: &BTreeSet<String>) -> bool {
    type_ident(ty).is_some_and(|t| t == "String" || string_newtypes.contains(&t))
}

fn find_tag(
    members: &[Member],
    structs: &BTreeMap<String, Vec<FieldInfo>>,
    enums: &BTreeMap<String, Vec<String>>,
    string_newtypes: &BTreeSet<String>,
) -> Option<Tag> {
    let mut per_member: Vec<BTreeMap<String, (Vec<String>, bool)>> = Vec::new();
    for m in members {
        let fields = structs.get(m.ty.as_ref()?)?;
        let mut tags = BTreeMap::new();
        for f in fields.iter().filter(|f| !f.flatten) {
            let (inner, required) = match generic_arg(&f.ty, "Option") {
                Some(inner) => (inner, false),
                None => (f.ty.clone(), true),
            };
            if let Some(values) = type_ident(&inner).and_then(|t| enums.get(&t))
                && !values.is_empty()
            {
                tags.insert(f.json.clone(), (values.clone(), required));
            } else if is_string(&inner, string_newtypes) {
                tags.insert(f.json.clone(), (Vec::new(), required));
            }
        }
        per_member.push(tags);
    }
    let first = per_member.first()?;
    let mut best: Option<((bool, bool, usize, i64), Tag)> = None;
    for property in first.keys() {
        let Some(values) = per_member
            .iter()
            .map(|m| m.get(property).cloned())
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
        for (vs, _) in &values {
            for v in vs.iter().collect::<BTreeSet<_>>() {
                *owners.entry(v).or_default() += 1;
            }
        }
        let overlaps = owners.values().filter(|n| **n > 1).count() as i64;
        let required = values.iter().filter(|(_, r)| *r).count();
        let open = values.iter().filter(|(v, _)| v.is_empty()).count();
        if open == values.len() {
            continue;
        }
        let score = (open == 0, overlaps == 0, required, -overlaps);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((
                score,
                Tag {
                    property: property.clone(),
                    values,
                },
            ));
        }
    }
    best.map(|(_, t)| t)
}

/// Give every `#[serde(untagged)]` union that ends in the raw-JSON variant
/// [`super::open_untagged_unions`] added a `Deserialize` through `crate::de`
/// (tagged when its members share a tag, see the module docs), and make it
/// `#[non_exhaustive]`. `enums` are the open string enums' known values.
pub fn union_impls(file: &mut syn::File, enums: &BTreeMap<String, Vec<String>>) -> Unions {
    let structs: BTreeMap<String, Vec<FieldInfo>> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => Some((st.ident.to_string(), named_fields(st)?)),
            _ => None,
        })
        .collect();
    let string_newtypes: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => match &st.fields {
                syn::Fields::Unnamed(f)
                    if f.unnamed.len() == 1 && is_string(&f.unnamed[0].ty, &BTreeSet::new()) =>
                {
                    Some(st.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut result = Unions::default();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Enum(e) = item else { continue };
        let untagged = e.attrs.iter().any(|a| {
            a.path().is_ident("serde") && a.meta.to_token_stream().to_string().contains("untagged")
        });
        let Some(last) = e.variants.last() else {
            continue;
        };
        let is_raw = |v: &syn::Variant| match &v.fields {
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
        if !untagged || !e.generics.params.is_empty() {
            continue;
        }
        // Unions left without a raw variant are unions of strings where one
        // member takes any string: a value no member takes is an error.
        let unknown = is_raw(last).then(|| last.ident.clone());
        let known = e.variants.len() - usize::from(unknown.is_some());
        let members: Option<Vec<Member>> = e
            .variants
            .iter()
            .take(known)
            .map(|v| match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    let ty = &f.unnamed[0].ty;
                    Some(Member {
                        variant: v.ident.clone(),
                        ty: type_ident(generic_arg(ty, "Box").as_ref().unwrap_or(ty)),
                    })
                }
                _ => None,
            })
            .collect();
        let Some(members) = members.filter(|m| !m.is_empty()) else {
            continue;
        };
        let name = e.ident.clone();
        let name_str = name.to_string();
        let has_de = derive_paths(&e.attrs)
            .iter()
            .any(|p| p.segments.last().is_some_and(|s| s.ident == "Deserialize"));
        if !has_de {
            continue;
        }
        // Serialize stays derived (untagged: each member as itself).
        for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let kept: Vec<syn::Path> = derive_paths(std::slice::from_ref(attr))
                .into_iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize"))
                .collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));

        let names: Vec<String> = members
            .iter()
            .map(|m| m.ty.clone().unwrap_or_else(|| m.variant.to_string()))
            .collect();
        let indices: Vec<proc_macro2::Literal> = (0..members.len() as u16)
            .map(proc_macro2::Literal::u16_unsuffixed)
            .collect();
        let variants: Vec<&syn::Ident> = members.iter().map(|m| &m.variant).collect();
        let decode_arms = quote! {
            #(#indices => ::serde::Deserialize::deserialize(deserializer).map(Self::#variants),)*
            _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom("no such member")),
        };
        let mut out: Vec<Item> = Vec::new();
        let tag = unknown
            .as_ref()
            .and_then(|u| Some((u, find_tag(&members, &structs, enums, &string_newtypes)?)));
        if let Some((unknown, tag)) = tag {
            let mut by_value: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
            let mut optional: Vec<u16> = Vec::new();
            let mut open: Vec<u16> = Vec::new();
            for (i, (values, required)) in (0u16..).zip(&tag.values) {
                if values.is_empty() {
                    open.push(i);
                }
                for v in values.iter().collect::<BTreeSet<_>>() {
                    by_value.entry(v).or_default().push(i);
                }
                if !required {
                    optional.push(i);
                }
            }
            if by_value.values().any(|m| m.len() > 1) {
                result.ambiguous.push(name_str.clone());
            }
            let mut groups: BTreeMap<Vec<u16>, Vec<&str>> = BTreeMap::new();
            for (v, m) in &by_value {
                groups.entry(m.clone()).or_default().push(v);
            }
            let lit = |m: &[u16]| -> Vec<proc_macro2::Literal> {
                m.iter()
                    .map(|i| proc_macro2::Literal::u16_unsuffixed(*i))
                    .collect()
            };
            let arms = groups.iter().map(|(m, vs)| {
                let m = lit(m);
                quote!(::std::option::Option::Some(#(#vs)|*) => &[#(#m),*],)
            });
            let optional = lit(&optional);
            let open_const = (!open.is_empty()).then(|| {
                let open = lit(&open);
                quote!(const OPEN: &'static [u16] = &[#(#open),*];)
            });
            if !open.is_empty() {
                result.open.push(name_str.clone());
            }
            let none_arm = (!optional.is_empty())
                .then(|| quote!(::std::option::Option::None => &[#(#optional),*],));
            let property = &tag.property;
            out.push(syn::parse_quote! {
                impl crate::de::Tagged for #name {
                    const NAME: &'static str = #name_str;
                    const TAG: &'static str = #property;
                    #open_const
                    fn members(tag: ::std::option::Option<&str>) -> &'static [u16] {
                        match tag {
                            #(#arms)*
                            #none_arm
                            _ => &[],
                        }
                    }
                    fn member_name(index: u16) -> &'static str {
                        [#(#names),*].get(usize::from(index)).copied().unwrap_or("?")
                    }
                    fn decode_member<'de, D: ::serde::Deserializer<'de>>(index: u16, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        match index { #decode_arms }
                    }
                    fn unknown(value: ::serde_json::Value) -> Self {
                        Self::#unknown(value)
                    }
                }
            });
            out.push(syn::parse_quote! {
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        crate::de::tagged(deserializer)
                    }
                }
            });
            out.push(syn::parse_quote! {
                impl crate::drift::Drift for #name {
                    fn drift<'a>(&'a self, collector: &mut crate::drift::Collector<'a>) {
                        match self {
                            #(Self::#variants(value) => value.drift(collector),)*
                            Self::#unknown(value) => collector.unknown_member(#name_str, #property, value),
                        }
                    }
                }
            });
            result.tagged.insert(name_str.clone(), tag.property.clone());
        } else {
            let unknown_body = match &unknown {
                Some(u) => quote!(::std::option::Option::Some(Self::#u(value))),
                None => quote!({
                    let _ = value;
                    ::std::option::Option::None
                }),
            };
            let unknown_arm = unknown
                .as_ref()
                .map(|u| quote!(Self::#u(value) => collector.no_member::<Self>(value),));
            out.push(syn::parse_quote! {
                impl crate::de::Untagged for #name {
                    const NAME: &'static str = #name_str;
                    const MEMBERS: &'static [&'static str] = &[#(#names),*];
                    fn decode_member<'de, D: ::serde::Deserializer<'de>>(index: u16, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        match index { #decode_arms }
                    }
                    fn unknown(value: ::serde_json::Value) -> ::std::option::Option<Self> {
                        #unknown_body
                    }
                }
            });
            out.push(syn::parse_quote! {
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        crate::de::untagged(deserializer)
                    }
                }
            });
            out.push(syn::parse_quote! {
                impl crate::drift::Drift for #name {
                    fn drift<'a>(&'a self, collector: &mut crate::drift::Collector<'a>) {
                        match self {
                            #(Self::#variants(value) => value.drift(collector),)*
                            #unknown_arm
                        }
                    }
                }
            });
            if unknown.is_none() {
                result.strings.push(name_str.clone());
            }
            result.untagged.push(name_str.clone());
        }
        impls.insert(name_str, out);
    }
    insert_after_types(file, impls);
    result
}

/// Insert each type's new impls right after its definition, so the
/// per-component split keeps them together.
pub(super) fn insert_after_types(file: &mut syn::File, mut impls: BTreeMap<String, Vec<Item>>) {
    if impls.is_empty() {
        return;
    }
    let mut items = Vec::with_capacity(file.items.len() + impls.len());
    for item in std::mem::take(&mut file.items) {
        let key = match &item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        };
        items.push(item);
        if let Some(extra) = key.and_then(|k| impls.remove(&k)) {
            items.extend(extra);
        }
    }
    file.items = items;
}

/// Add the field that keeps unknown object fields to a struct, and to the
/// struct expressions of its hand-rolled `Default` impl. Returns the ident.
pub fn add_unknown_fields(st: &mut syn::ItemStruct) -> Option<syn::Ident> {
    let syn::Fields::Named(named) = &mut st.fields else {
        return None;
    };
    let taken: BTreeSet<String> = named
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
        .collect();
    let ident = [UNKNOWN_FIELDS, "unknown_fields_", "unknown_fields__"]
        .into_iter()
        .find(|n| !taken.contains(*n))?;
    let ident = syn::Ident::new(ident, Span::call_site());
    named.named.push(syn::parse_quote! {
        /// Fields the spec does not declare, kept as sent so that they
        /// re-encode unchanged (listed by `Drift::unknown_data`).
        #[serde(flatten)]
        pub #ident: crate::UnknownFields
    });
    // Unknown fields are neither `Hash` nor `Ord`.
    for attr in st.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let kept: Vec<syn::Path> = derive_paths(std::slice::from_ref(attr))
            .into_iter()
            .filter(|p| !(p.is_ident("Hash") || p.is_ident("Ord") || p.is_ident("PartialOrd")))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Some(ident)
}

/// typify writes `impl Default for X { fn default() -> Self { Self { … } } }`
/// for structs with default values: give those struct expressions the
/// unknown-fields field too.
pub fn complete_struct_exprs(file: &mut syn::File, added: &BTreeMap<String, syn::Ident>) {
    struct Fill<'a> {
        ty: &'a str,
        field: &'a syn::Ident,
    }
    impl VisitMut for Fill<'_> {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            syn::visit_mut::visit_expr_struct_mut(self, e);
            let target = e.path.is_ident("Self") || e.path.is_ident(self.ty);
            let has = e
                .fields
                .iter()
                .any(|f| matches!(&f.member, syn::Member::Named(i) if i == self.field));
            if target && !has && e.rest.is_none() {
                let field = self.field;
                e.fields
                    .push(syn::parse_quote!(#field: crate::UnknownFields::new()));
            }
        }
    }
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(ty) = type_ident(&imp.self_ty) else {
            continue;
        };
        let Some(field) = added.get(&ty) else {
            continue;
        };
        if trait_name(imp).as_deref() == Some("Deserialize") {
            continue;
        }
        Fill { ty: &ty, field }.visit_item_impl_mut(imp);
    }
}

/// The most fields a type may hold inline, nested types included, before an
/// optional field of that type is boxed ([`box_large_optional_fields`]).
pub const MAX_INLINE_FIELDS: usize = 12;

/// How many fields a value of each struct and union holds inline: its own
/// fields, plus those of the structs and unions it holds by value (a union
/// counts its largest member). `Vec`, maps and boxes hold their content
/// elsewhere and count one; so does an optional field that
/// [`box_large_optional_fields`] boxes.
fn inline_weights(file: &syn::File, max: usize) -> BTreeMap<String, usize> {
    let mut shapes: BTreeMap<String, Vec<syn::Type>> = BTreeMap::new();
    let mut unions: BTreeSet<String> = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                let tys = st.fields.iter().map(|f| f.ty.clone()).collect();
                shapes.insert(st.ident.to_string(), tys);
            }
            Item::Enum(e) if e.generics.params.is_empty() => {
                let tys = e
                    .variants
                    .iter()
                    .filter_map(|v| match &v.fields {
                        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                            Some(f.unnamed[0].ty.clone())
                        }
                        _ => None,
                    })
                    .collect();
                unions.insert(e.ident.to_string());
                shapes.insert(e.ident.to_string(), tys);
            }
            _ => {}
        }
    }
    fn weight(
        name: &str,
        shapes: &BTreeMap<String, Vec<syn::Type>>,
        unions: &BTreeSet<String>,
        max: usize,
        memo: &mut BTreeMap<String, usize>,
        visiting: &mut BTreeSet<String>,
    ) -> usize {
        if let Some(w) = memo.get(name) {
            return *w;
        }
        let Some(tys) = shapes.get(name) else {
            return 1;
        };
        if !visiting.insert(name.to_owned()) {
            return 1;
        }
        let mut of_field = |ty: &syn::Type| -> usize {
            let (inner, optional) = match generic_arg(ty, "Option") {
                Some(inner) => (inner, true),
                None => (ty.clone(), false),
            };
            match type_ident(&inner).filter(|t| shapes.contains_key(t)) {
                Some(t) => {
                    let w = weight(&t, shapes, unions, max, memo, visiting);
                    if optional && w > max { 1 } else { w }
                }
                None => 1,
            }
        };
        let w = if unions.contains(name) {
            tys.iter().map(&mut of_field).max().unwrap_or(1)
        } else {
            tys.iter().map(&mut of_field).sum::<usize>().max(1)
        };
        visiting.remove(name);
        memo.insert(name.to_owned(), w);
        w
    }
    let mut memo = BTreeMap::new();
    for name in shapes.keys() {
        weight(name, &shapes, &unions, max, &mut memo, &mut BTreeSet::new());
    }
    memo
}

/// Box each optional field (`Option<T>`) whose struct type holds more than
/// `max` fields inline (`inline_weights`): `Option<Box<T>>`. A struct is
/// built field by field in the decoder and moved out several times on its
/// way up; a large optional object held inline makes every enclosing value
/// that much larger to move, whether the field is present or not. The rule
/// reads only the shape of the types, never their names. Returns
/// `Struct.field (weight)` for each field boxed.
pub fn box_large_optional_fields(file: &mut syn::File, max: usize) -> Vec<String> {
    let weights = inline_weights(file, max);
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let Some(inner) = generic_arg(&field.ty, "Option") else {
                continue;
            };
            let Some(w) = type_ident(&inner)
                .and_then(|name| weights.get(&name))
                .filter(|w| **w > max)
            else {
                continue;
            };
            field.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            changed.push(format!("{}.{ident} ({w} fields inline)", st.ident));
        }
    }
    changed
}

/// typify's hand-rolled `impl Default` sets fields to their spec defaults;
/// for the fields made `Option` (listed per struct) the default is "not
/// set": `None`.
pub fn unset_in_default_impls(file: &mut syn::File, fields: &BTreeMap<String, Vec<syn::Ident>>) {
    struct Unset<'a> {
        ty: &'a str,
        fields: &'a [syn::Ident],
    }
    impl VisitMut for Unset<'_> {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            syn::visit_mut::visit_expr_struct_mut(self, e);
            if !(e.path.is_ident("Self") || e.path.is_ident(self.ty)) {
                return;
            }
            for f in e.fields.iter_mut() {
                if matches!(&f.member, syn::Member::Named(i) if self.fields.contains(i)) {
                    f.expr = syn::parse_quote!(::std::option::Option::None);
                }
            }
        }
    }
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        let Some(ty) = type_ident(&imp.self_ty) else {
            continue;
        };
        let Some(fields) = fields.get(&ty) else {
            continue;
        };
        if trait_name(imp).as_deref() == Some("Default") {
            Unset { ty: &ty, fields }.visit_item_impl_mut(imp);
        }
    }
}

/// Implement `crate::drift::Drift` for every struct and enum that has no
/// impl yet: structs visit their fields (and report their unknown fields),
/// newtypes delegate, enums with data delegate per variant, plain enums
/// have nothing to report. Returns how many impls were added.
pub fn drift_impls(file: &mut syn::File) -> usize {
    let has: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i) if trait_name(i).as_deref() == Some("Drift") => type_ident(&i.self_ty),
            _ => None,
        })
        .collect();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &file.items {
        let (name, body) = match item {
            Item::Struct(st) if st.generics.params.is_empty() => {
                let body = match &st.fields {
                    syn::Fields::Named(_) => {
                        let fields = named_fields(st).unwrap_or_default();
                        let calls = fields.iter().map(|f| {
                            let ident = &f.ident;
                            let json = &f.json;
                            let is_unknown = f.ident.to_string().starts_with(UNKNOWN_FIELDS)
                                && f.ty.to_token_stream().to_string().contains("UnknownFields");
                            if f.flatten && is_unknown {
                                quote!(collector.unknown_fields(&self.#ident);)
                            } else if f.flatten {
                                quote!(crate::drift::Drift::drift(&self.#ident, collector);)
                            } else {
                                quote!(collector.field(#json, &self.#ident);)
                            }
                        });
                        quote!(#(#calls)*)
                    }
                    syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        quote!(crate::drift::Drift::drift(&self.0, collector);)
                    }
                    _ => quote!(let _ = collector;),
                };
                (st.ident.clone(), body)
            }
            Item::Enum(e) if e.generics.params.is_empty() => {
                let arms = e.variants.iter().map(|v| {
                    let ident = &v.ident;
                    match &v.fields {
                        syn::Fields::Unit => quote!(Self::#ident => {}),
                        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                            quote!(Self::#ident(value) => crate::drift::Drift::drift(value, collector),)
                        }
                        syn::Fields::Unnamed(_) => quote!(Self::#ident(..) => {}),
                        syn::Fields::Named(f) => {
                            let names: Vec<&syn::Ident> =
                                f.named.iter().filter_map(|f| f.ident.as_ref()).collect();
                            let keys: Vec<String> = names
                                .iter()
                                .map(|i| i.to_string().trim_start_matches("r#").to_string())
                                .collect();
                            quote!(Self::#ident { #(#names),* } => { #(collector.field(#keys, #names);)* })
                        }
                    }
                });
                let body = if e.variants.is_empty() {
                    quote!(let _ = collector;)
                } else {
                    quote!(match self { #(#arms)* })
                };
                (e.ident.clone(), body)
            }
            _ => continue,
        };
        if has.contains(&name.to_string()) {
            continue;
        }
        let imp: Item = syn::parse_quote! {
            impl crate::drift::Drift for #name {
                fn drift<'a>(&'a self, collector: &mut crate::drift::Collector<'a>) {
                    #body
                }
            }
        };
        impls.insert(name.to_string(), vec![imp]);
    }
    let n = impls.len();
    insert_after_types(file, impls);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    fn members_file(extra: proc_macro2::TokenStream) -> syn::File {
        syn::parse2(quote! {
            open_string_enum! { pub enum AKind { A = "a", } Unknown }
            open_string_enum! { pub enum BKind { B = "b", Bee = "bee", } Unknown }
            open_string_enum! { pub enum CKind { A = "a", } Unknown }
            pub struct A { #[serde(rename = "type")] pub type_: AKind, pub x: String }
            pub struct B { #[serde(rename = "type")] pub type_: BKind }
            pub struct C { #[serde(rename = "type")] pub type_: ::std::option::Option<CKind> }
            pub struct Plain { pub y: String }
            #extra
        })
        .expect("parses")
    }

    #[test]
    fn one_member_union_components_become_enums() {
        let mut file: syn::File = syn::parse2(quote! {
            ///Doc.
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(transparent)]
            pub struct U(pub A);
            impl ::std::ops::Deref for U { type Target = A; fn deref(&self) -> &A { &self.0 } }
            impl ::std::convert::From<U> for A { fn from(value: U) -> Self { value.0 } }
            impl ::std::convert::From<A> for U { fn from(value: A) -> Self { Self(value) } }
            pub struct NotAUnion(pub A);
        })
        .expect("parses");
        let set = BTreeSet::from(["U".to_string()]);
        assert_eq!(unions_from_components(&mut file, &set), ["U"]);
        let t = text(&file);
        assert!(t.contains("#[serde(untagged)]pubenumU{A(A),}"), "{t}");
        assert!(!t.contains("Deref"), "{t}");
        assert!(!t.contains("From<U>forA"), "{t}");
        assert!(
            t.contains("From<A>forU{fnfrom(value:A)->Self{Self::A(value)}}"),
            "{t}"
        );
        assert!(t.contains("pubstructNotAUnion(pubA);"), "{t}");
    }

    #[test]
    fn open_enum_values_are_read_from_the_macro_calls() {
        let file = members_file(quote!());
        let values = open_enum_values(&file);
        assert_eq!(values["BKind"], ["b", "bee"]);
        assert_eq!(values["AKind"], ["a"]);
    }

    fn union(members: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { #members Unknown(::serde_json::Value), }
        }
    }

    #[test]
    fn members_with_a_shared_single_value_tag_decode_by_tag() {
        let mut file = members_file(union(quote!(A(A), B(Box<B>),)));
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.tagged["U"], "type");
        assert!(unions.ambiguous.is_empty());
        let t = text(&file);
        assert!(t.contains("constTAG:&'staticstr=\"type\";"), "{t}");
        assert!(t.contains("Some(\"a\")=>&[0],"), "{t}");
        assert!(t.contains("Some(\"b\"|\"bee\")=>&[1],"), "{t}");
        assert!(t.contains("crate::de::tagged(deserializer)"), "{t}");
        assert!(
            t.contains("#[derive(::serde::Serialize)]#[serde(untagged)]#[non_exhaustive]pubenumU"),
            "{t}"
        );
        assert!(
            t.contains("collector.unknown_member(\"U\",\"type\",value)"),
            "{t}"
        );
    }

    #[test]
    fn a_tag_value_shared_by_members_selects_all_of_them() {
        let mut file = members_file(union(quote!(A(A), C(C),)));
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.tagged["U"], "type");
        assert_eq!(unions.ambiguous, ["U"]);
        let t = text(&file);
        assert!(t.contains("Some(\"a\")=>&[0,1],"), "{t}");
        // C's tag is optional: an absent tag selects it.
        assert!(t.contains("None=>&[1],"), "{t}");
    }

    #[test]
    fn members_with_a_free_form_tag_take_the_values_no_one_claims() {
        let mut file = members_file(quote! {
            pub struct Free { #[serde(rename = "type")] pub type_: String }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { A(A), Free(Free), Unknown(::serde_json::Value), }
        });
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.tagged["U"], "type");
        assert_eq!(unions.open, ["U"]);
        let t = text(&file);
        assert!(t.contains("constOPEN:&'static[u16]=&[1];"), "{t}");
        assert!(t.contains("Some(\"a\")=>&[0],"), "{t}");
    }

    #[test]
    fn members_without_a_shared_tag_are_tried_in_turn() {
        let mut file = members_file(union(quote!(A(A), Plain(Plain),)));
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.untagged, ["U"]);
        let t = text(&file);
        assert!(
            t.contains("constMEMBERS:&'static[&'staticstr]=&[\"A\",\"Plain\"];"),
            "{t}"
        );
        assert!(t.contains("crate::de::untagged(deserializer)"), "{t}");
        assert!(t.contains("collector.no_member::<Self>(value)"), "{t}");
    }

    #[test]
    fn unions_of_strings_take_the_best_fit_and_fail_on_other_values() {
        let mut file = members_file(quote! {
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum V { Preset(AKind), Id(::std::string::String) }
        });
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.untagged, ["V"]);
        assert_eq!(unions.strings, ["V"]);
        assert!(unions.tagged.is_empty());
        let t = text(&file);
        assert!(t.contains("crate::de::untagged(deserializer)"), "{t}");
        assert!(t.contains("let_=value;::std::option::Option::None"), "{t}");
        assert!(!t.contains("no_member"), "{t}");
    }

    #[test]
    fn generic_enums_are_left_alone() {
        let mut file = members_file(quote! {
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum V<T> { A(T), B(B) }
        });
        let enums = open_enum_values(&file);
        assert_eq!(union_impls(&mut file, &enums), Unions::default());
    }

    #[test]
    fn unknown_fields_are_added_and_default_impls_completed() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(Clone, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub struct S { pub unknown_fields: String }
            impl Default for S { fn default() -> Self { Self { unknown_fields: String::new() } } }
        })
        .expect("parses");
        let Item::Struct(st) = &mut file.items[0] else {
            panic!("struct first")
        };
        let ident = add_unknown_fields(st).expect("added");
        assert_eq!(ident, "unknown_fields_");
        let added = BTreeMap::from([("S".to_string(), ident)]);
        complete_struct_exprs(&mut file, &added);
        let t = text(&file);
        assert!(t.contains("#[derive(Clone,Eq,PartialEq)]"), "{t}");
        assert!(
            t.contains("#[serde(flatten)]pubunknown_fields_:crate::UnknownFields"),
            "{t}"
        );
        assert!(
            t.contains("unknown_fields_:crate::UnknownFields::new()"),
            "{t}"
        );
    }

    #[test]
    fn large_optional_fields_are_boxed_by_shape() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Small { pub a: String, pub b: String }
            pub struct Big { pub s: Small, pub t: Small, pub c: Option<String> }
            pub enum U { Big(Big), Small(Small), Unknown(::serde_json::Value) }
            pub struct Outer {
                pub big: ::std::option::Option<Big>,
                pub required_big: Big,
                pub small: ::std::option::Option<Small>,
                pub union: ::std::option::Option<U>,
                pub list: ::std::option::Option<::std::vec::Vec<Big>>,
            }
            pub struct Holder { pub outer: ::std::option::Option<Outer> }
        })
        .expect("parses");
        // Big holds 2 + 2 + 1 = 5 fields inline, U as many (its largest
        // member), Small 2; Outer 1 (boxed) + 5 + 2 + 1 (boxed) + 1 = 10.
        let weights = inline_weights(&file, 4);
        assert_eq!(weights["Big"], 5);
        assert_eq!(weights["U"], 5);
        assert_eq!(weights["Outer"], 10);
        let boxed = box_large_optional_fields(&mut file, 4);
        assert_eq!(
            boxed,
            [
                "Outer.big (5 fields inline)",
                "Outer.union (5 fields inline)",
                "Holder.outer (10 fields inline)",
            ]
        );
        let t = text(&file);
        assert!(
            t.contains("pubbig:::std::option::Option<::std::boxed::Box<Big>>"),
            "{t}"
        );
        assert!(t.contains("pubrequired_big:Big,"), "{t}");
        assert!(t.contains("pubsmall:::std::option::Option<Small>"), "{t}");
        assert!(
            t.contains("publist:::std::option::Option<::std::vec::Vec<Big>>"),
            "{t}"
        );
        // Nothing is large enough at the default threshold.
        let mut again: syn::File = syn::parse2(quote! {
            pub struct Big { pub a: String }
            pub struct Outer { pub big: ::std::option::Option<Big> }
        })
        .expect("parses");
        assert!(box_large_optional_fields(&mut again, MAX_INLINE_FIELDS).is_empty());
    }

    #[test]
    fn every_type_gets_a_drift_impl() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct S {
                #[serde(rename = "aB")]
                pub a_b: Option<T>,
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<String, T>,
                #[serde(flatten)]
                pub unknown_fields: crate::UnknownFields,
            }
            pub struct T(pub String);
            pub enum E { X, Y(S) }
        })
        .expect("parses");
        assert_eq!(drift_impls(&mut file), 3);
        let t = text(&file);
        assert!(t.contains("collector.field(\"aB\",&self.a_b);"), "{t}");
        assert!(
            t.contains("crate::drift::Drift::drift(&self.extra,collector);"),
            "{t}"
        );
        assert!(
            t.contains("collector.unknown_fields(&self.unknown_fields);"),
            "{t}"
        );
        assert!(
            t.contains("crate::drift::Drift::drift(&self.0,collector);"),
            "{t}"
        );
        assert!(
            t.contains("Self::X=>{}Self::Y(value)=>crate::drift::Drift::drift(value,collector),"),
            "{t}"
        );
        // Idempotent: a type with an impl gets no second one.
        assert_eq!(drift_impls(&mut file), 0);
    }
}
