//! Pass `union-impls` (see [`PASSES`](super::PASSES)): give every
//! `#[serde(untagged)]` union that ends in the raw-JSON variant
//! [`super::open_untagged_unions`] added a `Deserialize` through `crate::de`
//! (tagged when its members share a tag, see below), and make it
//! `#[non_exhaustive]`. `enums` are the open string enums' known values.
//!
//! A union whose members share a tag property (a required property whose
//! type is a single-value enum in each member, which is also what a
//! `discriminator` is normalized into) reads the tag and decodes only the
//! member it selects; the others try each member and keep the best fit.
//! Unknown tags and values no member accepts are kept as raw JSON. The
//! hand-written side lives in the models crate (`src/de.rs`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenTree;
use quote::quote;
use syn::Item;

use crate::pipeline::syntax::FieldInfo;
use crate::pipeline::syntax::derive_paths;
use crate::pipeline::syntax::generic_arg;
use crate::pipeline::syntax::insert_after_types;
use crate::pipeline::syntax::is_string;
use crate::pipeline::syntax::named_fields;
use crate::pipeline::syntax::type_ident;

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
    // A field typed with its place's alias has the aliased enum's values.
    for (alias, target) in crate::pipeline::syntax::type_aliases(file) {
        if let Some(values) = out.get(&target).cloned() {
            out.insert(alias, values);
        }
    }
    out
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
    /// Untagged unions whose object members share a tag (union → its tag
    /// property): an object is tried on the members its tag selects.
    pub object_tagged: BTreeMap<String, String>,
}

/// One member of a union: variant ident, Rust type name of the member.
#[derive(Clone)]
pub(crate) struct Member {
    variant: syn::Ident,
    ty: Option<String>,
}

/// The tag of a union: property, and per member its values (none: a
/// free-form string, an "open" member) and whether it is required.
pub(crate) struct Tag {
    property: String,
    values: Vec<(Vec<String>, bool)>,
}

/// The members each value of a tag selects, for the `match` on the tag's
/// value that both tagged unions and the object members of untagged ones
/// generate.
struct TagSelection<'a> {
    /// Per set of members (indices, in order), the values selecting exactly it.
    groups: BTreeMap<Vec<u16>, Vec<&'a str>>,
    /// Whether some value selects more than one member.
    ambiguous: bool,
}

impl<'a> TagSelection<'a> {
    /// From each member's index and its tag values (a value listed twice
    /// by one member counts once).
    fn new(members: impl IntoIterator<Item = (u16, &'a Vec<String>)>) -> Self {
        let mut by_value: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        for (index, values) in members {
            for v in values.iter().collect::<BTreeSet<_>>() {
                by_value.entry(v).or_default().push(index);
            }
        }
        let ambiguous = by_value.values().any(|m| m.len() > 1);
        let mut groups: BTreeMap<Vec<u16>, Vec<&str>> = BTreeMap::new();
        for (v, m) in by_value {
            groups.entry(m).or_default().push(v);
        }
        TagSelection { groups, ambiguous }
    }

    /// One arm per set of members: `pattern(values) => &[indices],`.
    fn arms(
        &self,
        pattern: impl Fn(&[&str]) -> proc_macro2::TokenStream,
    ) -> Vec<proc_macro2::TokenStream> {
        self.groups
            .iter()
            .map(|(members, values)| {
                let pattern = pattern(values);
                let members = members
                    .iter()
                    .map(|i| proc_macro2::Literal::u16_unsuffixed(*i));
                quote!(#pattern => &[#(#members),*],)
            })
            .collect()
    }
}

pub(crate) fn find_tag(
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

/// `fn member_shape`: for each struct member, its shape as its own
/// `crate::de::Shaped` impl says (pass `struct-shapes`, which writes it
/// beside the struct, so a member's properties live in the member's
/// snapshot, not the union's), so that the runtime decodes an object as
/// the member its keys were written for, whatever drift lies inside it
/// (`crate::de`).
fn shape_fn<'m>(
    members: impl Iterator<Item = (u16, &'m Member)>,
    structs: &BTreeMap<String, Vec<FieldInfo>>,
) -> proc_macro2::TokenStream {
    let arms = members.filter_map(|(i, m)| {
        let ty = m.ty.as_deref().filter(|ty| structs.contains_key(*ty))?;
        let ty = syn::Ident::new(ty, proc_macro2::Span::call_site());
        let i = proc_macro2::Literal::u16_unsuffixed(i);
        Some(quote!(#i => <#ty as crate::de::Shaped>::SHAPE,))
    });
    quote! {
        fn member_shape(index: u16) -> crate::de::Shape {
            match index {
                #(#arms)*
                _ => crate::de::Shape::Any,
            }
        }
    }
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
    let string_newtypes = crate::pipeline::syntax::string_newtypes(file);
    let mut result = Unions::default();
    let mut impls: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Enum(e) = item else { continue };
        let untagged = crate::pipeline::syntax::serde_word(&e.attrs, "untagged");
        let Some(last) = e.variants.last() else {
            continue;
        };
        let is_raw = |v: &syn::Variant| match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                crate::pipeline::syntax::is_json_value(&f.unnamed[0].ty)
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
            let mut optional: Vec<u16> = Vec::new();
            let mut open: Vec<u16> = Vec::new();
            for (i, (values, required)) in (0u16..).zip(&tag.values) {
                if values.is_empty() {
                    open.push(i);
                }
                if !required {
                    optional.push(i);
                }
            }
            let selection = TagSelection::new((0u16..).zip(tag.values.iter().map(|(v, _)| v)));
            if selection.ambiguous {
                result.ambiguous.push(name_str.clone());
            }
            let lit = |m: &[u16]| -> Vec<proc_macro2::Literal> {
                m.iter()
                    .map(|i| proc_macro2::Literal::u16_unsuffixed(*i))
                    .collect()
            };
            let arms = selection.arms(|values| quote!(::std::option::Option::Some(#(#values)|*)));
            let optional = lit(&optional);
            let open_const = (!open.is_empty()).then(|| {
                let open = lit(&open);
                quote!(const OPEN: &'static [u16] = &[#(#open),*];)
            });
            if !open.is_empty() {
                result.open.push(name_str.clone());
            }
            // Where a value can select several members, name each member's
            // properties: when none decodes, the error reported is the one
            // of the member that knows the object's keys (`crate::de`).
            let several = selection.ambiguous || optional.len() > 1 || open.len() > 1;
            let fields_fn = several.then(|| {
                shape_fn(
                    members.iter().enumerate().map(|(i, m)| (i as u16, m)),
                    &structs,
                )
            });
            let none_arm = (!optional.is_empty())
                .then(|| quote!(::std::option::Option::None => &[#(#optional),*],));
            let property = &tag.property;
            // The JSON text of each value a member declares, which the
            // member decodes its tag from (`crate::de::tagged`).
            let declared: BTreeSet<&str> = tag
                .values
                .iter()
                .flat_map(|(values, _)| values.iter().map(String::as_str))
                .collect();
            let text_arms = declared.iter().map(|value| {
                let text = serde_json::Value::from(*value).to_string();
                quote!(#value => ::std::option::Option::Some(#text),)
            });
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
                    fn tag_text(tag: &str) -> ::std::option::Option<&'static str> {
                        match tag {
                            #(#text_arms)*
                            _ => ::std::option::Option::None,
                        }
                    }
                    fn member_name(index: u16) -> &'static str {
                        [#(#names),*].get(usize::from(index)).copied().unwrap_or("?")
                    }
                    #fields_fn
                    fn decode_member<'de, D: ::serde::Deserializer<'de>>(index: u16, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        match index { #decode_arms }
                    }
                    fn unknown(value: crate::Json) -> Self {
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
            // The object members may share a tag where the whole union
            // cannot (a member that is a string): an object is then tried
            // on the members its tag selects only.
            let objects: Vec<(u16, Member)> = (0u16..)
                .zip(&members)
                .filter(|(_, m)| m.ty.as_ref().is_some_and(|t| structs.contains_key(t)))
                .map(|(i, m)| (i, m.clone()))
                .collect();
            let object_tag = (objects.len() >= 2 && objects.len() < members.len())
                .then(|| {
                    let subset: Vec<Member> = objects.iter().map(|(_, m)| m.clone()).collect();
                    find_tag(&subset, &structs, enums, &string_newtypes)
                })
                .flatten();
            let tag_items = object_tag.map(|tag| {
                let selection = TagSelection::new(
                    objects
                        .iter()
                        .map(|(index, _)| *index)
                        .zip(tag.values.iter().map(|(v, _)| v)),
                );
                let arms = selection.arms(|values| quote!(#(#values)|*));
                let property = &tag.property;
                result.object_tagged.insert(name_str.clone(), tag.property.clone());
                quote! {
                    const TAG: ::std::option::Option<&'static str> = ::std::option::Option::Some(#property);
                    fn tagged_members(tag: &str) -> &'static [u16] {
                        match tag {
                            #(#arms)*
                            _ => &[],
                        }
                    }
                }
            });
            // The properties of each object member, so that an object is
            // decoded as the member its keys were written for, whatever
            // drift lies inside it (`crate::de::untagged`).
            let shape_fn = (!objects.is_empty())
                .then(|| shape_fn(objects.iter().map(|(i, m)| (*i, m)), &structs));
            out.push(syn::parse_quote! {
                impl crate::de::Untagged for #name {
                    const NAME: &'static str = #name_str;
                    const MEMBERS: &'static [&'static str] = &[#(#names),*];
                    #tag_items
                    #shape_fn
                    fn decode_member<'de, D: ::serde::Deserializer<'de>>(index: u16, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        match index { #decode_arms }
                    }
                    fn unknown(value: crate::Json) -> ::std::option::Option<Self> {
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

/// The `#[serde(untagged)]` enums of `file` that still derive `Deserialize`:
/// unions decoded by serde's first fit instead of by their tag or best fit
/// ([`union_impls`]). After the passes there should be none, in the models
/// or the client.
pub fn first_fit_unions(file: &syn::File) -> Vec<String> {
    let mut out = Vec::new();
    let mut visit = |items: &[Item]| {
        for item in items {
            if let Item::Enum(e) = item
                && crate::pipeline::syntax::serde_word(&e.attrs, "untagged")
                && crate::pipeline::syntax::derives(&e.attrs, "Deserialize")
            {
                out.push(e.ident.to_string());
            }
        }
    };
    visit(&file.items);
    for item in &file.items {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &m.content
        {
            visit(items);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use quote::quote;

    #[test]
    fn open_enum_values_are_read_from_the_macro_calls() {
        let file = members_file(quote!());
        let values = open_enum_values(&file);
        assert_eq!(values["BKind"], ["b", "bee"]);
        assert_eq!(values["AKind"], ["a"]);
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
        // Each member's properties, for the error of the one a value was
        // meant for when neither decodes.
        assert!(
            t.contains("fnmember_shape(index:u16)->crate::de::Shape{matchindex{0=><Aascrate::de::Shaped>::SHAPE,1=><Cascrate::de::Shaped>::SHAPE,_=>crate::de::Shape::Any,}}"),
            "{t}"
        );
    }

    #[test]
    fn struct_members_read_their_shape_from_their_own_impl() {
        let members = union(quote!(A(A), D(D),));
        let mut file = members_file(quote! {
            pub struct Base { pub y: String, pub x: String }
            pub struct D {
                #[serde(rename = "type")] pub type_: CKind,
                #[serde(flatten)] pub base: Base,
                #[serde(flatten)] pub unknown_fields: crate::UnknownFields,
            }
            #members
        });
        let enums = open_enum_values(&file);
        union_impls(&mut file, &enums);
        let t = text(&file);
        assert!(t.contains("1=><Dascrate::de::Shaped>::SHAPE,"), "{t}");
        // A union where every tag value selects one member needs none.
        let mut single = members_file(union(quote!(A(A), B(Box<B>),)));
        let enums = open_enum_values(&single);
        union_impls(&mut single, &enums);
        assert!(!text(&single).contains("member_shape"));
    }

    #[test]
    fn members_with_a_free_form_tag_take_the_values_no_one_claims() {
        let mut file = members_file(quote! {
            pub struct Free { #[serde(rename = "type")] pub type_: String }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { A(A), Free(Free), Unknown(crate::Json), }
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
    fn object_members_sharing_a_tag_beside_a_string_are_selected_by_it() {
        let mut file = members_file(union(quote!(S(String), A(A), B(Box<B>),)));
        let enums = open_enum_values(&file);
        let unions = union_impls(&mut file, &enums);
        assert_eq!(unions.untagged, ["U"]);
        assert_eq!(unions.object_tagged["U"], "type");
        let t = text(&file);
        assert!(
            t.contains(
                "constTAG:::std::option::Option<&'staticstr>=::std::option::Option::Some(\"type\");"
            ),
            "{t}"
        );
        // Indices are those of the whole union (the string is member 0).
        assert!(t.contains("\"a\"=>&[1],\"b\"|\"bee\"=>&[2],_=>&[],"), "{t}");
        // Without two object members there is nothing to select.
        let mut one = members_file(union(quote!(S(String), A(A),)));
        let enums = open_enum_values(&one);
        let unions = union_impls(&mut one, &enums);
        assert!(unions.object_tagged.is_empty());
        assert!(!text(&one).contains("tagged_members"));
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
        // Each object member's properties, for choosing it by its keys.
        assert!(
            t.contains("0=><Aascrate::de::Shaped>::SHAPE,1=><Plainascrate::de::Shaped>::SHAPE,_=>crate::de::Shape::Any,"),
            "{t}"
        );
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
    fn first_fit_unions_are_those_left_with_serde_s_derive() {
        let file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { A(A), B(B) }
            pub mod types {
                #[derive(Deserialize)]
                #[serde(untagged)]
                pub enum V { A(A), B(B) }
            }
            #[derive(::serde::Serialize)]
            #[serde(untagged)]
            pub enum W { A(A), B(B) }
            #[derive(::serde::Deserialize)]
            #[serde(tag = "type")]
            pub enum T { A(A) }
        })
        .unwrap();
        assert_eq!(first_fit_unions(&file), ["U", "V"]);
    }
}
