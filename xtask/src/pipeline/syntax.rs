//! Reading the items typify and progenitor emit, for the passes: type and
//! generic-argument names, `#[serde(rename)]`, derives, trait impls, named
//! fields; and inserting new items after the types they belong to.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream, TokenTree};
use syn::Item;

use crate::Error;

/// Parse a token stream as a Rust file.
pub fn parse(tokens: TokenStream, what: &str) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| {
        Error::new(format!(
            "{what}: generated tokens do not parse as Rust: {e}"
        ))
    })
}

/// The type a top-level item defines: a struct, an enum, a type alias, an
/// `open_string_enum! { … pub enum Name { … } … }`, or an
/// `open_number_enum! { … pub struct Name(f64) { … } }`.
pub(crate) fn defined_type(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Macro(m) => {
            let keyword = if m.mac.path.is_ident("open_string_enum") {
                "enum"
            } else if m.mac.path.is_ident("open_number_enum") {
                "struct"
            } else {
                return None;
            };
            let mut tokens = m.mac.tokens.clone().into_iter();
            tokens.find(|t| matches!(t, TokenTree::Ident(i) if i == keyword))?;
            match tokens.next()? {
                TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(crate) fn type_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_ident(&r.elem),
        _ => None,
    }
}

/// The string value of `key = "…"` in the `#[serde(...)]` attributes, if
/// any (`rename`, `deserialize_with`, `skip_serializing_if`…). Scans the
/// attributes' top-level token trees instead of parsing them as `Meta`s:
/// this runs for every field in several passes, and parsing was 4% of the
/// pipeline. Token trees, not their printed text: proc-macro2's spacing
/// does not matter.
pub(crate) fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    serde_lists(attrs).find_map(|tokens| {
        let mut tokens = tokens.into_iter();
        while let Some(t) = tokens.next() {
            if matches!(&t, TokenTree::Ident(i) if i == key)
                && let (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(lit))) =
                    (tokens.next(), tokens.next())
                && eq.as_char() == '='
                && let syn::Lit::Str(s) = syn::Lit::new(lit)
            {
                return Some(s.value());
            }
        }
        None
    })
}

/// Whether the `#[serde(...)]` attributes hold `word` as a flag or a key
/// (`untagged`, `flatten`, `default`…), at their top level.
pub(crate) fn serde_word(attrs: &[syn::Attribute], word: &str) -> bool {
    serde_lists(attrs).any(|tokens| {
        tokens
            .into_iter()
            .any(|t| matches!(&t, TokenTree::Ident(i) if i == word))
    })
}

/// The token lists of the `#[serde(...)]` attributes.
fn serde_lists(attrs: &[syn::Attribute]) -> impl Iterator<Item = TokenStream> + '_ {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => Some(list.tokens.clone()),
            _ => None,
        })
}

/// The `rename = "…"` of a field's `#[serde(...)]`, if any.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_value(attrs, "rename")
}

/// Whether the item derives the trait `name` (by its last path segment:
/// `Deserialize` and `::serde::Deserialize` alike).
pub(crate) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    derive_paths(attrs)
        .iter()
        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
}

/// The type of a union's raw-JSON variant (a value no member matches, kept
/// as sent) and of a value the spec leaves open: the models' hand-written
/// `Json`, which holds the text sent.
pub(crate) fn raw_json_type() -> syn::Type {
    syn::parse_quote!(crate::Json)
}

/// Whether `ty` is [`raw_json_type`].
pub(crate) fn is_json_value(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    p.qself.is_none()
        && p.path.leading_colon.is_none()
        && p.path.segments.len() == 2
        && p.path.segments[0].ident == "crate"
        && p.path.segments[1].ident == "Json"
        && p.path.segments.iter().all(|s| s.arguments.is_none())
}

/// Whether an identifier `name` occurs anywhere in `tokens`, groups included.
pub(crate) fn contains_ident(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => contains_ident(g.stream(), name),
        _ => false,
    })
}

/// `Box<Option<T>>` → `Some(T)`.
pub(crate) fn box_option_inner(ty: &syn::Type) -> Option<syn::Type> {
    let outer = generic_arg(ty, "Box")?;
    generic_arg(&outer, "Option")
}

/// The first type argument of `ty` when it is `wrapper<…>` (`Option<T>` → `T`).
pub(crate) fn generic_arg(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    nth_generic_arg(ty, wrapper, 0)
}

/// The `n`th type argument of `ty` when it is `wrapper<…>` (`Map<K, V>`, 1 → `V`).
pub(crate) fn nth_generic_arg(ty: &syn::Type, wrapper: &str, n: usize) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().nth(n)? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// The names of the file's string newtypes (`pub struct Name(String)`,
/// typify's constrained strings), and of the aliases of one
/// ([`type_aliases`]).
pub(crate) fn string_newtypes(file: &syn::File) -> std::collections::BTreeSet<String> {
    let none = std::collections::BTreeSet::new();
    let mut out: std::collections::BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => match &st.fields {
                syn::Fields::Unnamed(f)
                    if f.unnamed.len() == 1 && is_string(&f.unnamed[0].ty, &none) =>
                {
                    Some(st.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let aliased: Vec<String> = type_aliases(file)
        .into_iter()
        .filter(|(_, target)| out.contains(target))
        .map(|(alias, _)| alias)
        .collect();
    out.extend(aliased);
    out
}

/// The file's type aliases of one named type (`pub type Place = Shared;`,
/// pass `shared-type-aliases`): alias → the type it names, followed to the
/// end of a chain. The passes that look a field's type up by name (its
/// enum values, whether it validates, whether it is a string) read it
/// through these, so a field typed with its place's alias is the type.
pub(crate) fn type_aliases(file: &syn::File) -> BTreeMap<String, String> {
    let direct: BTreeMap<String, String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Type(t) if t.generics.params.is_empty() => match &*t.ty {
                syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                    Some((t.ident.to_string(), p.path.segments[0].ident.to_string()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    direct
        .keys()
        .map(|alias| {
            let mut target = &direct[alias];
            // A chain is at most as long as the map (a cycle does not compile).
            for _ in 0..direct.len() {
                match direct.get(target) {
                    Some(next) => target = next,
                    None => break,
                }
            }
            (alias.clone(), target.clone())
        })
        .collect()
}

/// Squash a name for matching across case conventions:
/// `SessionController_findOne`, `session_controller_find_one` and
/// `SessionControllerFindOne` all become `sessioncontrollerfindone`.
pub fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

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

pub(crate) fn trait_name(imp: &syn::ItemImpl) -> Option<String> {
    imp.trait_
        .as_ref()
        .and_then(|(_, p, _)| p.segments.last())
        .map(|s| s.ident.to_string())
}

/// The type argument of a trait in an impl header (`From<X>` → `X`).
pub(crate) fn trait_arg(imp: &syn::ItemImpl) -> Option<String> {
    let (_, path, _) = imp.trait_.as_ref()?;
    let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => type_ident(t),
        _ => None,
    }
}

pub(crate) fn named_fields(st: &syn::ItemStruct) -> Option<Vec<FieldInfo>> {
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
            let flatten = serde_word(&f.attrs, "flatten");
            Some(FieldInfo {
                ident,
                json,
                ty: f.ty.clone(),
                flatten,
                required: !flatten && field_decode(f).is_some_and(|d| d.required()),
            })
        })
        .collect()
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

/// Replace the type inside `Option`/`Box`/`Vec` wrappers that `is_it`
/// accepts (the type itself, unwrapped) by the type `name`; whether one was.
pub(crate) fn replace_wrapped(
    ty: &mut syn::Type,
    name: &str,
    is_it: &dyn Fn(&syn::Type) -> bool,
) -> bool {
    if is_it(ty) {
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
        Some(syn::GenericArgument::Type(inner)) => replace_wrapped(inner, name, is_it),
        _ => false,
    }
}

/// Put `doc` in place of an item's first doc attribute (inside the macro
/// call for `open_string_enum! { … }` and `open_number_enum! { … }`).
pub(crate) fn replace_first_doc(item: &mut Item, doc: &syn::Attribute) {
    let attrs = match item {
        Item::Struct(s) => &mut s.attrs,
        Item::Enum(e) => &mut e.attrs,
        Item::Type(t) => &mut t.attrs,
        Item::Macro(m) => {
            let mut tokens: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
            let doc_group = quote::ToTokens::to_token_stream(doc).into_iter().nth(1);
            if let Some(i) = (1..tokens.len()).find(|&i| {
                matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '#')
                    && matches!(&tokens[i], TokenTree::Group(g)
                        if g.stream().into_iter().next().is_some_and(|t| t.to_string() == "doc"))
            }) && let Some(group) = doc_group
            {
                tokens[i] = group;
                m.mac.tokens = tokens.into_iter().collect();
            }
            return;
        }
        _ => return,
    };
    if let Some(first) = attrs.iter_mut().find(|a| a.path().is_ident("doc")) {
        *first = doc.clone();
    } else {
        attrs.insert(0, doc.clone());
    }
}

/// A named field as the wire sees it.
pub(crate) struct FieldInfo {
    pub(crate) ident: syn::Ident,
    pub(crate) json: String,
    pub(crate) ty: syn::Type,
    pub(crate) flatten: bool,
    /// The struct cannot decode without it (no `#[serde(default…)]`).
    pub(crate) required: bool,
}

/// `String`, or one of typify's newtypes over it (constrained strings).
pub(crate) fn is_string(
    ty: &syn::Type,
    string_newtypes: &std::collections::BTreeSet<String>,
) -> bool {
    type_ident(ty).is_some_and(|t| t == "String" || string_newtypes.contains(&t))
}

/// How a field of a struct decodes, from its `#[serde(...)]` attribute.
pub(crate) struct FieldDecode {
    pub(crate) ident: syn::Ident,
    pub(crate) json: String,
    pub(crate) ty: syn::Type,
    /// `default` (`None` inside: `Default::default()`), or `default = "path"`.
    pub(crate) default: Option<Option<syn::ExprPath>>,
    /// `deserialize_with = "crate::support::nullable"`: `Option<Option<T>>`.
    pub(crate) nullable: bool,
    /// `skip_serializing_if = "path"`.
    pub(crate) skip: Option<syn::ExprPath>,
    /// `deserialize_with = "::std::option::Option::deserialize"`, typify's
    /// mark of a required nullable field (`Option<T>`): absent is an error,
    /// `null` is `None`.
    pub(crate) required_option: bool,
}

impl FieldDecode {
    /// The field's Rust name.
    pub(crate) fn ident(&self) -> &syn::Ident {
        &self.ident
    }

    /// The field's JSON name.
    pub(crate) fn json(&self) -> &str {
        &self.json
    }

    /// The `skip_serializing_if` predicate, if any.
    pub(crate) fn skip(&self) -> Option<&syn::ExprPath> {
        self.skip.as_ref()
    }

    /// Whether the struct cannot decode without this field: no default, not
    /// a nullable optional one, not an `Option` unless typify marks it a
    /// required nullable field (the `missing_field` arm of the generated
    /// `Deserialize`).
    pub(crate) fn required(&self) -> bool {
        let option = generic_arg(&self.ty, "Option").is_some() && !self.required_option;
        self.default.is_none() && !self.nullable && !option
    }

    /// An optional field that is left out when absent (`Option`, skipped
    /// when `None`): decoding tolerates a value of it that does not fit
    /// (`crate::de::optional`), keeping the value in the unknown fields.
    pub(crate) fn tolerant(&self) -> bool {
        generic_arg(&self.ty, "Option").is_some()
            && self
                .skip
                .as_ref()
                .and_then(|p| p.path.segments.last())
                .is_some_and(|s| s.ident == "is_none")
    }
}

pub(crate) fn field_decode(field: &syn::Field) -> Option<FieldDecode> {
    let ident = field.ident.clone()?;
    let mut json = ident.to_string().trim_start_matches("r#").to_string();
    let mut default = None;
    let mut nullable = false;
    let mut skip = None;
    let mut required_option = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let metas = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            .ok()?;
        for meta in metas {
            let str_value = |m: &syn::Meta| match m {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            };
            if meta.path().is_ident("rename") {
                json = str_value(&meta)?;
            } else if meta.path().is_ident("skip_serializing_if") {
                skip = Some(syn::parse_str(&str_value(&meta)?).ok()?);
            } else if meta.path().is_ident("default") {
                default = Some(match str_value(&meta) {
                    Some(path) => Some(syn::parse_str(&path).ok()?),
                    None => None,
                });
            } else if meta.path().is_ident("deserialize_with")
                && str_value(&meta)? == "crate::support::nullable"
            {
                nullable = true;
            } else if meta.path().is_ident("deserialize_with")
                && str_value(&meta)? == "::std::option::Option::deserialize"
                && generic_arg(&field.ty, "Option").is_some()
            {
                required_option = true;
            } else {
                return None;
            }
        }
    }
    Some(FieldDecode {
        ident,
        json,
        ty: field.ty.clone(),
        default,
        nullable,
        skip,
        required_option,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_rename_reads_the_rename_value_only() {
        let field: syn::Field = syn::parse_quote! {
            #[doc = "x"]
            #[serde(default, skip_serializing_if = "Option::is_none", rename = "a\"b")]
            pub x: Option<u8>
        };
        assert_eq!(serde_rename(&field.attrs).as_deref(), Some("a\"b"));
        let other: syn::Field = syn::parse_quote! {
            #[serde(rename_all = "camelCase", with = "rename")]
            pub y: u8
        };
        assert_eq!(serde_rename(&other.attrs), None);
        let second: syn::Field = syn::parse_quote! {
            #[serde(default)]
            #[serde(rename = "z")]
            pub z: u8
        };
        assert_eq!(serde_rename(&second.attrs).as_deref(), Some("z"));
    }

    #[test]
    fn defined_types_are_structs_enums_aliases_and_open_enums() {
        let file: syn::File = syn::parse_quote! {
            pub struct S {}
            pub enum E {}
            pub type A = S;
            open_string_enum! { #[derive(Clone)] pub enum O { X = "x", } Unknown }
            open_number_enum! { #[doc = "enum"] pub struct N(f64) { V1 = 1.0, } }
            macro_rules! with_component { (enum $x:ident) => {}; }
            impl S {}
        };
        let defined: Vec<String> = file.items.iter().filter_map(defined_type).collect();
        assert_eq!(defined, ["S", "E", "A", "O", "N"]);
    }
}
