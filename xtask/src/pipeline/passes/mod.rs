//! Stage 5, **post-process**: parse what typify and progenitor emitted and
//! split it into units a reviewer can read: the Rust of each component (its
//! type, the anonymous types nested in it, their impls) and of each operation
//! (its `Client` method and builder). The split feeds the snapshot tests; the
//! generated files themselves stay whole.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use serde_json::Value;
use syn::{ImplItem, Item};

use crate::Error;

pub mod client_error;
pub mod json_schema;
pub mod schema_map;
pub mod symbol_enums;
pub mod tolerant;
pub mod validate;

/// Parse a token stream as a Rust file.
pub fn parse(tokens: TokenStream, what: &str) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| {
        Error::new(format!(
            "{what}: generated tokens do not parse as Rust: {e}"
        ))
    })
}

/// The identifier a top-level item defines or implements, if any.
fn item_key(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        // `impl From<Generated> for ::std::string::String`: the generated type's.
        Item::Impl(i) => match (&*i.self_ty, &i.trait_) {
            (syn::Type::Path(p), Some((_, tr, _))) if p.path.leading_colon.is_some() => tr
                .segments
                .last()
                .and_then(|seg| match &seg.arguments {
                    syn::PathArguments::AngleBracketed(args) => {
                        args.args.iter().find_map(|a| match a {
                            syn::GenericArgument::Type(t) => type_ident(t),
                            _ => None,
                        })
                    }
                    _ => None,
                })
                .or_else(|| type_ident(&i.self_ty)),
            _ => type_ident(&i.self_ty),
        },
        // `open_string_enum! { … pub enum Name { … } … }`
        Item::Macro(m) => {
            let mut tokens = m.mac.tokens.clone().into_iter();
            tokens.find(|t| matches!(t, TokenTree::Ident(i) if i == "enum"))?;
            match tokens.next()? {
                TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn type_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_ident(&r.elem),
        _ => None,
    }
}

fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            TokenTree::Literal(l) => {
                // `#[serde(default = "defaults::x")]` names a function in a string.
                let s = l.to_string();
                if let Some(rest) = s.strip_prefix("\"defaults::") {
                    out.insert(format!("defaults::{}", rest.trim_end_matches('"')));
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// One unit of generated code: items in output order.
type Units = BTreeMap<String, Vec<(usize, Item)>>;

/// Group the items of typify's output by the type they define or implement;
/// `builder::X` items join `X`, `defaults::f` functions are units of their own.
fn units(file: &syn::File) -> Units {
    let mut units: Units = BTreeMap::new();
    let mut pos = 0usize;
    for item in &file.items {
        pos += 1;
        if let Item::Mod(m) = item {
            let name = m.ident.to_string();
            if let Some((_, inner)) = &m.content {
                for inner_item in inner {
                    pos += 1;
                    let key = match (name.as_str(), inner_item) {
                        ("defaults", Item::Fn(f)) => Some(format!("defaults::{}", f.sig.ident)),
                        ("builder", it) => item_key(it),
                        _ => None,
                    };
                    if let Some(key) = key {
                        let wrapped = wrap_in_mod(&name, inner_item.clone());
                        units.entry(key).or_default().push((pos, wrapped));
                    }
                }
            }
            continue;
        }
        if let Some(key) = item_key(item) {
            units.entry(key).or_default().push((pos, item.clone()));
        }
    }
    units
}

fn wrap_in_mod(name: &str, item: Item) -> Item {
    let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
    syn::parse_quote! { pub mod #ident { #item } }
}

/// Split typify's output into one piece of Rust per component: the
/// component's own type and every anonymous type reachable from it without
/// passing through another component. A nested type reachable from several
/// components goes to the one whose name prefixes its own (typify names nested
/// types after their parent), else to the first in name order.
pub fn split_by_component(
    file: &syn::File,
    names: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let units = units(file);
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (key, items) in &units {
        let mut seen = BTreeSet::new();
        // A type's definition names every type it uses; its impls (serde,
        // drift, conversions) name the same ones again, so skip them.
        for (_, item) in items.iter().filter(|(_, i)| !matches!(i, Item::Impl(_))) {
            idents(item.to_token_stream(), &mut seen);
        }
        seen.retain(|i| i != key && units.contains_key(i));
        edges.insert(key, seen);
    }
    let roots: BTreeMap<&str, &str> = names
        .iter()
        .map(|(c, r)| (r.as_str(), c.as_str()))
        .collect();
    let mut reached_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rust_root in roots.keys() {
        let mut stack = vec![*rust_root];
        let mut visited = BTreeSet::new();
        while let Some(t) = stack.pop() {
            if !visited.insert(t) {
                continue;
            }
            reached_by.entry(t).or_default().push(rust_root);
            for next in edges.get(t).into_iter().flatten() {
                if !roots.contains_key(next.as_str()) {
                    stack.push(next.as_str());
                }
            }
        }
    }
    let mut owned: BTreeMap<&str, Vec<(usize, Item)>> = BTreeMap::new();
    for (key, items) in &units {
        let owner = if roots.contains_key(key.as_str()) {
            Some(key.as_str())
        } else if let Some(rs) = reached_by.get(key.as_str()) {
            rs.iter()
                .filter(|r| key.starts_with(**r))
                .max_by_key(|r| r.len())
                .or_else(|| rs.iter().min())
                .copied()
        } else {
            // Nothing uses it (the alias a place of a shared type keeps): the
            // component its name starts with.
            roots
                .keys()
                .filter(|r| key.starts_with(**r))
                .max_by_key(|r| r.len())
                .copied()
        };
        if let Some(owner) = owner {
            owned
                .entry(owner)
                .or_default()
                .extend(items.iter().cloned());
        }
    }
    owned
        .into_iter()
        .filter_map(|(rust, mut items)| {
            items.sort_by_key(|(p, _)| *p);
            let code = unparse_merging_mods(items.into_iter().map(|(_, i)| i).collect());
            roots.get(rust).map(|c| (c.to_string(), code))
        })
        .collect()
}

/// Aliases for the places of shared inline types (normalization rule
/// `shared-inline-type`): each place keeps the name typify gave its own type,
/// as `pub type Place = Shared;`. Returns the aliases added, place → shared
/// type; a place whose name is already an item's is left out.
pub fn shared_type_aliases(file: &mut syn::File, doc: &Value) -> BTreeMap<String, String> {
    let mut aliases: BTreeMap<String, String> = crate::spec::places(doc)
        .into_iter()
        .filter_map(|(place, shared)| Some((place.to_string(), shared?)))
        .filter(|(place, shared)| place != shared)
        .collect();
    let defined: BTreeSet<String> = file.items.iter().filter_map(item_key).collect();
    aliases.retain(|place, shared| !defined.contains(place) && defined.contains(shared));
    // The types nested in a shared type (typify names them after it:
    // `Shared` + `String`, + `Item`, …) would have been named after each
    // place too: alias those the same way.
    let units = units(file);
    let mut nested = BTreeMap::new();
    for (place, shared) in &aliases {
        let mut stack = vec![shared.clone()];
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            let mut used = BTreeSet::new();
            for (_, item) in units.get(&name).into_iter().flatten() {
                if !matches!(item, Item::Impl(_)) {
                    idents(item.to_token_stream(), &mut used);
                }
            }
            for inner in used {
                if inner != *shared
                    && inner.starts_with(shared.as_str())
                    && units.contains_key(&inner)
                    && seen.insert(inner.clone())
                {
                    let alias = format!("{place}{}", &inner[shared.len()..]);
                    if !defined.contains(&alias) && !aliases.contains_key(&alias) {
                        nested.insert(alias, inner.clone());
                    }
                    stack.push(inner);
                }
            }
        }
    }
    aliases.extend(nested);
    for (place, shared) in &aliases {
        let alias = syn::Ident::new(place, proc_macro2::Span::call_site());
        let target = syn::Ident::new(shared, proc_macro2::Span::call_site());
        let doc = format!(
            "The type of this place in the spec: its schema is the same as [`{shared}`]'s, so one type serves both."
        );
        file.items.push(syn::parse_quote! {
            #[doc = #doc]
            pub type #alias = #target;
        });
    }
    aliases
}

/// Give every `#[serde(untagged)]` enum a last variant holding the raw JSON,
/// so a member the spec does not describe (a new server value, or a
/// documentation placeholder) decodes instead of failing the whole response,
/// and re-encodes unchanged. Returns the enums changed.
pub fn open_untagged_unions(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    // typify implements Display/FromStr for unions of strings by matching on
    // every variant, and such unions already accept any string: leave them.
    let string_unions: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(_, p, _)| {
                    p.segments
                        .last()
                        .is_some_and(|s| s.ident == "Display" || s.ident == "FromStr")
                }) =>
            {
                type_ident(&i.self_ty)
            }
            _ => None,
        })
        .collect();
    for item in &mut file.items {
        let Item::Enum(e) = item else { continue };
        let untagged = e.attrs.iter().any(|a| {
            a.path().is_ident("serde") && a.meta.to_token_stream().to_string().contains("untagged")
        });
        if !untagged || string_unions.contains(&e.ident.to_string()) {
            continue;
        }
        let name = ["Unknown", "UnknownValue", "UnknownJsonValue"]
            .into_iter()
            .find(|n| e.variants.iter().all(|v| v.ident != *n))
            .unwrap_or("UnknownJsonValue");
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        e.variants.push(syn::parse_quote! {
            /// A value that matches none of the members the spec describes, kept as
            /// sent so that it re-encodes unchanged.
            #ident(::serde_json::Value)
        });
        changed.push(e.ident.to_string());
    }
    changed
}

/// Make optional fields lossless: a field with a default value in the spec
/// becomes `Option` (absent stays absent, so a PATCH does not send defaults
/// the user never set; the default is in the field's docs); typify gives an optional array or map
/// `#[serde(default, skip_serializing_if = "…is_empty")]`, which re-encodes
/// a present-but-empty `[]`/`{}` as absent (and a PATCH can then not clear a
/// list), and gives a recursive optional field `Box<Option<T>>` that
/// re-encodes absent as `null`. Both become `Option<…>` skipped when `None`.
/// Returns `Struct.field` for each field changed.
pub fn lossless_optional_fields(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    let mut defaulted: BTreeMap<String, Vec<syn::Ident>> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let syn::Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        for field in &mut fields.named {
            let Some(idx) = field.attrs.iter().position(|a| a.path().is_ident("serde")) else {
                continue;
            };
            let Ok(metas) = field.attrs[idx].parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let has_default = metas.iter().any(|m| m.path().is_ident("default"));
            // `default = "defaults::…"`: decoding fills in the spec's default,
            // so re-encoding would send a value the server never sent.
            // Likewise a plain `default` on a field that is not skipped when
            // empty (`false`, `0`).
            let default_fn = has_default
                && generic_arg(&field.ty, "Option").is_none()
                && (metas
                    .iter()
                    .any(|m| matches!(m, syn::Meta::NameValue(nv) if nv.path.is_ident("default")))
                    || !metas
                        .iter()
                        .any(|m| m.path().is_ident("skip_serializing_if")));
            let skips_empty = metas.iter().any(|m| {
                m.path().is_ident("skip_serializing_if")
                    && m.to_token_stream()
                        .to_string()
                        .replace(' ', "")
                        .contains("is_empty")
            });
            let boxed_option = box_option_inner(&field.ty);
            if !has_default
                || !(skips_empty || boxed_option.is_some() || default_fn)
                || (default_fn && generic_arg(&field.ty, "Option").is_some())
            {
                continue;
            }
            if default_fn && let Some(ident) = &field.ident {
                defaulted
                    .entry(st.ident.to_string())
                    .or_default()
                    .push(ident.clone());
            }
            let ty = &field.ty;
            field.ty = match boxed_option {
                Some(inner) => syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>),
                None => syn::parse_quote!(::std::option::Option<#ty>),
            };
            let mut kept: Vec<syn::Meta> = metas
                .into_iter()
                .filter(|m| {
                    !m.path().is_ident("default") && !m.path().is_ident("skip_serializing_if")
                })
                .collect();
            kept.push(syn::parse_quote!(
                skip_serializing_if = "::std::option::Option::is_none"
            ));
            field.attrs[idx] = syn::parse_quote!(#[serde(#(#kept),*)]);
            let name = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            changed.push(format!("{}.{name}", st.ident));
        }
    }
    tolerant::unset_in_default_impls(file, &defaulted);
    changed
}

/// Give the listed optional-and-nullable fields (`Struct` → JSON property
/// names) the type `Option<Option<T>>`: `None` absent, `Some(None)` `null`,
/// `Some(Some(v))` a value; and add the `nullable` helper module their
/// `deserialize_with` names. Returns `Struct.field` for each field changed.
pub fn double_option_fields(
    file: &mut syn::File,
    fields: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let mut changed = Vec::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let Some(wanted) = fields.get(&st.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for field in &mut named.named {
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let json_name = serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
            if !wanted.contains(&json_name) {
                continue;
            }
            let Some(inner) = generic_arg(&field.ty, "Option") else {
                continue;
            };
            field.ty = syn::parse_quote!(::std::option::Option<::std::option::Option<#inner>>);
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            let rename = (json_name != ident).then(|| quote::quote!(rename = #json_name,));
            field.attrs.push(syn::parse_quote!(#[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                deserialize_with = "nullable::deserialize"
            )]));
            changed.push(format!("{}.{ident}", st.ident));
        }
    }
    if !changed.is_empty() {
        file.items.push(syn::parse_quote! {
            /// Decoding of optional fields that may be `null`: a present field,
            /// `null` included, is `Some`; an absent one stays `None` by `default`.
            mod nullable {
                pub fn deserialize<'de, T, D>(d: D) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error>
                where
                    T: ::serde::Deserialize<'de>,
                    D: ::serde::Deserializer<'de>,
                {
                    <::std::option::Option<T> as ::serde::Deserialize>::deserialize(d).map(::std::option::Option::Some)
                }
            }
        });
    }
    changed
}

/// The `rename = "…"` of a field's `#[serde(...)]`, if any. Scans the
/// attribute's tokens instead of parsing them as `Meta`s: this runs for
/// every field in several stages, and parsing was 4% of the pipeline.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|attr| {
            let syn::Meta::List(list) = &attr.meta else {
                return None;
            };
            let mut tokens = list.tokens.clone().into_iter();
            while let Some(t) = tokens.next() {
                if matches!(&t, TokenTree::Ident(i) if i == "rename")
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

/// `Box<Option<T>>` → `Some(T)`.
fn box_option_inner(ty: &syn::Type) -> Option<syn::Type> {
    let outer = generic_arg(ty, "Box")?;
    generic_arg(&outer, "Option")
}

fn generic_arg(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// Format items, merging consecutive `pub mod m { … }` wrappers of the same
/// module into one.
fn unparse_merging_mods(items: Vec<Item>) -> String {
    let mut merged: Vec<Item> = Vec::new();
    for item in items {
        if let (Some(Item::Mod(prev)), Item::Mod(next)) = (merged.last_mut(), &item)
            && prev.ident == next.ident
            && let (Some((_, a)), Some((_, b))) = (&mut prev.content, &next.content)
        {
            a.extend(b.iter().cloned());
            continue;
        }
        merged.push(item);
    }
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: vec![],
        items: merged,
    })
}

/// The client's `types` module gets typify's `error` module again
/// (`ConversionError`); replace it with a re-export of the models crate's, so
/// no type is defined twice. Returns whether it did.
pub fn share_conversion_error(file: &mut syn::File, models_crate: &str) -> bool {
    let krate = syn::Ident::new(
        &models_crate.replace('-', "_"),
        proc_macro2::Span::call_site(),
    );
    for item in &mut file.items {
        let Item::Mod(types) = item else { continue };
        if types.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut types.content else {
            continue;
        };
        if let Some(pos) = items
            .iter()
            .position(|i| matches!(i, Item::Mod(m) if m.ident == "error"))
        {
            items[pos] = syn::parse_quote! {
                /// Errors of `TryFrom`/`FromStr` conversions, shared with the models crate.
                pub use ::#krate::error;
            };
            return true;
        }
    }
    false
}

/// Declare the typed httpmock helpers (`httpmock.rs`, written beside the
/// client's `mod.rs`) from the client's module, behind the client crate's
/// `httpmock` feature: without it the crate neither compiles them nor
/// depends on httpmock.
pub fn declare_httpmock_module(file: &mut syn::File) {
    file.items.push(syn::parse_quote! {
        /// Typed [httpmock](https://docs.rs/httpmock) helpers, one per
        /// operation: `MockServerExt` adds a method per operation to
        /// `httpmock::MockServer`, whose `When`/`Then` arguments take the
        /// operation's parameter and response types. Feature `httpmock`.
        #[cfg(feature = "httpmock")]
        pub mod httpmock;
    });
}

/// progenitor's httpmock helpers match a parameter with
/// `query_param(name, value.to_string())`, which does not compile for array
/// parameters (`Vec` has no `Display`). The client sends an
/// array query parameter as one `name=item` pair per item, so match it that
/// way: one `query_param(name, item)` per item. Returns the helpers changed
/// (`Type::method`).
pub fn httpmock_array_params(file: &mut syn::File) -> Vec<String> {
    use syn::visit_mut::VisitMut;

    struct PerItem(bool);
    impl VisitMut for PerItem {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let Some(replacement) = per_item(expr) {
                *expr = replacement;
                self.0 = true;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    /// `Self(self.0.query_param(NAME, value.to_string()))` → one call per
    /// item of `value`.
    fn per_item(expr: &syn::Expr) -> Option<syn::Expr> {
        let syn::Expr::Call(call) = expr else {
            return None;
        };
        if call.func.to_token_stream().to_string() != "Self" || call.args.len() != 1 {
            return None;
        }
        let syn::Expr::MethodCall(m) = &call.args[0] else {
            return None;
        };
        if m.method != "query_param"
            || m.receiver.to_token_stream().to_string() != "self . 0"
            || m.args.len() != 2
            || m.args[1].to_token_stream().to_string() != "value . to_string ()"
        {
            return None;
        }
        let name = &m.args[0];
        Some(syn::parse_quote! {{
            let mut inner = self.0;
            for item in value.iter() {
                inner = inner.query_param(#name, item.to_string());
            }
            Self(inner)
        }})
    }

    let mut changed = Vec::new();
    let mut visit = |items: &mut Vec<Item>| {
        for item in items {
            let Item::Impl(imp) = item else { continue };
            let ty = type_ident(&imp.self_ty).unwrap_or_default();
            for member in &mut imp.items {
                let ImplItem::Fn(f) = member else { continue };
                let sig = f.sig.to_token_stream().to_string();
                if !sig.contains("Vec <") {
                    continue;
                }
                let mut v = PerItem(false);
                v.visit_block_mut(&mut f.block);
                if v.0 {
                    changed.push(format!("{ty}::{}", f.sig.ident));
                }
            }
        }
    };
    for item in &mut file.items {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            visit(items);
        }
    }
    visit(&mut file.items);
    changed
}

/// An enum's doc attributes and its variants: (ident, wire value, docs).
type StringEnum = (
    Vec<syn::Attribute>,
    Vec<(syn::Ident, String, Vec<syn::Attribute>)>,
);

/// Rewrite typify's string enums (unit variants, each a `#[serde(rename)]`
/// value, with derived serde and hand-written `Display`/`FromStr`/`TryFrom`
/// impls) into one `open_string_enum!` invocation each: the enum gains an
/// unknown-value variant holding the string (a new server value decodes and
/// re-encodes instead of failing the whole response), is `#[non_exhaustive]`,
/// and its serde impls are a few lines instead of a derive's visitor
/// machinery. The macro is defined once per file. Returns the enums changed.
pub fn open_string_enums(file: &mut syn::File) -> Vec<String> {
    let mut targets: BTreeMap<String, StringEnum> = BTreeMap::new();
    for item in &file.items {
        let Item::Enum(e) = item else { continue };
        let derives_serde = e.attrs.iter().any(|a| {
            a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Deserialize")
        });
        let enum_serde_attrs = e.attrs.iter().any(|a| a.path().is_ident("serde"));
        if !derives_serde
            || enum_serde_attrs
            || e.variants.is_empty()
            || !e.generics.params.is_empty()
        {
            continue;
        }
        let mut variants = Vec::new();
        for v in &e.variants {
            if !matches!(v.fields, syn::Fields::Unit) || v.discriminant.is_some() {
                variants.clear();
                break;
            }
            let value = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            let docs: Vec<syn::Attribute> = v
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            variants.push((v.ident.clone(), value, docs));
        }
        if variants.is_empty() {
            continue;
        }
        let docs: Vec<syn::Attribute> = e
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        targets.insert(e.ident.to_string(), (docs, variants));
    }
    if targets.is_empty() {
        return Vec::new();
    }
    let replaced_traits = ["Display", "FromStr", "TryFrom"];
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        match &item {
            Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(_, p, _)| {
                    p.segments
                        .last()
                        .is_some_and(|s| replaced_traits.contains(&s.ident.to_string().as_str()))
                }) && type_ident(&i.self_ty).is_some_and(|t| targets.contains_key(&t)) => {}
            Item::Enum(e) if targets.contains_key(&e.ident.to_string()) => {
                let (docs, variants) = &targets[&e.ident.to_string()];
                let name = &e.ident;
                let unknown = ["Unknown", "UnknownValue", "UnrecognizedValue"]
                    .into_iter()
                    .find(|n| variants.iter().all(|(v, _, _)| v != n))
                    .unwrap_or("UnrecognizedValue");
                let unknown = syn::Ident::new(unknown, proc_macro2::Span::call_site());
                let vars = variants
                    .iter()
                    .map(|(ident, value, vdocs)| quote::quote!(#(#vdocs)* #ident = #value,));
                items.push(syn::parse_quote! {
                    open_string_enum! {
                        #(#docs)*
                        pub enum #name { #(#vars)* } #unknown
                    }
                });
            }
            _ => items.push(item),
        }
    }
    let macro_def: Item = syn::parse_quote! {
        /// A string enum that keeps values it does not know: `$unknown(String)`.
        macro_rules! open_string_enum {
            ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* } $unknown:ident) => {
                $(#[$meta])*
                #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                #[non_exhaustive]
                pub enum $name {
                    $($(#[$vmeta])* #[doc = concat!("`", $value, "`")] $variant,)*
                    /// A value this version of the SDK does not know, kept as sent.
                    $unknown(::std::string::String),
                }
                impl $name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            $(Self::$variant => $value,)*
                            Self::$unknown(value) => value,
                        }
                    }
                }
                impl ::std::convert::From<&str> for $name {
                    fn from(value: &str) -> Self {
                        match value {
                            $($value => Self::$variant,)*
                            other => Self::$unknown(other.to_owned()),
                        }
                    }
                }
                impl ::std::str::FromStr for $name {
                    type Err = ::std::convert::Infallible;
                    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }
                impl ::std::fmt::Display for $name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
                impl ::serde::Serialize for $name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                impl<'de> ::serde::Deserialize<'de> for $name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        deserializer.deserialize_str(open_string_enum_visitor::Visitor(::std::marker::PhantomData))
                    }
                }
                impl crate::drift::Drift for $name {
                    fn drift<'a>(&'a self, collector: &mut crate::drift::Collector<'a>) {
                        if let Self::$unknown(value) = self {
                            collector.unknown_value(value);
                        }
                    }
                }
                /// The values the spec lists (others are kept when decoding,
                /// but a schema describes the spec).
                #[cfg(feature = "schemars")]
                impl ::schemars::JsonSchema for $name {
                    fn schema_name() -> ::std::borrow::Cow<'static, str> {
                        ::std::borrow::Cow::Borrowed(stringify!($name))
                    }
                    fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                        // Built by hand: `json_schema!` recurses once per
                        // value and hits the recursion limit on long enums.
                        let values: &[&str] = &[$($value),*];
                        let mut map = ::serde_json::Map::new();
                        map.insert("type".into(), "string".into());
                        map.insert("enum".into(), values.iter().map(|v| ::serde_json::Value::from(*v)).collect());
                        ::schemars::Schema::from(map)
                    }
                }
            };
        }
    };
    let visitor: Item = syn::parse_quote! {
        /// The one serde visitor every open string enum shares.
        mod open_string_enum_visitor {
            pub struct Visitor<T>(pub ::std::marker::PhantomData<T>);
            impl<'de, T: for<'a> ::std::convert::From<&'a str>> ::serde::de::Visitor<'de> for Visitor<T> {
                type Value = T;
                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<T, E> {
                    Ok(T::from(value))
                }
            }
        }
    };
    // The macro must come before its uses; keep inner attributes first.
    items.insert(0, visitor);
    items.insert(0, macro_def);
    file.items = items;
    // A type holding an open enum can no longer be `Copy`.
    let names: BTreeSet<String> = targets.keys().cloned().collect();
    for item in &mut file.items {
        let (attrs, tokens) = match item {
            Item::Struct(s) => (&mut s.attrs, s.fields.to_token_stream()),
            Item::Enum(e) => (&mut e.attrs, e.variants.to_token_stream()),
            _ => continue,
        };
        let mut used = BTreeSet::new();
        idents(tokens, &mut used);
        if used.is_disjoint(&names) {
            continue;
        }
        for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            if paths.iter().any(|p| p.is_ident("Copy")) {
                let kept = paths.iter().filter(|p| !p.is_ident("Copy"));
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            }
        }
    }
    names.into_iter().collect()
}

/// How a field of a struct decodes, from its `#[serde(...)]` attribute.
struct FieldDecode {
    ident: syn::Ident,
    json: String,
    ty: syn::Type,
    /// `default` (`None` inside: `Default::default()`), or `default = "path"`.
    default: Option<Option<syn::ExprPath>>,
    /// `deserialize_with = "nullable::deserialize"`: `Option<Option<T>>`.
    nullable: bool,
}

fn field_decode(field: &syn::Field) -> Option<FieldDecode> {
    let ident = field.ident.clone()?;
    let mut json = ident.to_string().trim_start_matches("r#").to_string();
    let mut default = None;
    let mut nullable = false;
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
            } else if meta.path().is_ident("default") {
                default = Some(match str_value(&meta) {
                    Some(path) => Some(syn::parse_str(&path).ok()?),
                    None => None,
                });
            } else if meta.path().is_ident("deserialize_with")
                && str_value(&meta)? == "nullable::deserialize"
            {
                nullable = true;
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
    })
}

/// Replace serde's derived `Deserialize` of plain structs (named fields,
/// no struct-level serde attributes, field attributes limited to what typify
/// and the passes above emit) with a generated impl that only visits a map.
/// serde's derive also emits a field-index enum with its own visitor and a
/// `visit_seq` no JSON object needs; in a crate of a thousand structs that is
/// most of the type- and borrow-checking time. Missing fields, defaults,
/// `null` behave as with the derive; unknown fields are kept in a field
/// added for them ([`tolerant::add_unknown_fields`]) instead of skipped, so
/// they re-encode unchanged. Returns the structs changed.
pub fn light_struct_deserialize(file: &mut syn::File) -> Vec<String> {
    let mut changed = Vec::new();
    let mut impls: Vec<Item> = Vec::new();
    let mut added: BTreeMap<String, syn::Ident> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        if !st.generics.params.is_empty() || st.attrs.iter().any(|a| a.path().is_ident("serde")) {
            continue;
        }
        let syn::Fields::Named(named) = &st.fields else {
            continue;
        };
        let Some(fields) = named
            .named
            .iter()
            .map(field_decode)
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let Some(derive_idx) = st.attrs.iter().position(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let Ok(paths) = st.attrs[derive_idx].parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let is_de = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "Deserialize");
        if !paths.iter().any(is_de) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is_de(p));
        st.attrs[derive_idx] = syn::parse_quote!(#[derive(#(#kept),*)]);
        let Some(unknown_ident) = tolerant::add_unknown_fields(st) else {
            continue;
        };
        added.insert(st.ident.to_string(), unknown_ident.clone());

        let name = &st.ident;
        let expecting = format!("an object ({name})");
        let slots: Vec<syn::Ident> = (0..fields.len())
            .map(|i| quote::format_ident!("f{i}"))
            .collect();
        let decls = fields.iter().zip(&slots).map(|(f, slot)| {
            let ty = &f.ty;
            quote::quote!(let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None;)
        });
        let arms = fields.iter().zip(&slots).map(|(f, slot)| {
            let json = &f.json;
            if f.nullable {
                let inner = generic_arg(&f.ty, "Option").unwrap_or_else(|| f.ty.clone());
                quote::quote!(#json => #slot = ::std::option::Option::Some(::std::option::Option::Some(map.next_value::<#inner>()?)),)
            } else {
                quote::quote!(#json => #slot = ::std::option::Option::Some(map.next_value()?),)
            }
        });
        let inits = fields.iter().zip(&slots).map(|(f, slot)| {
            let ident = &f.ident;
            let json = &f.json;
            let value = match (&f.default, f.nullable, generic_arg(&f.ty, "Option").is_some()) {
                (_, true, _) => quote::quote!(#slot.flatten()),
                (Some(Some(path)), _, _) => quote::quote!(#slot.unwrap_or_else(#path)),
                (Some(None), _, _) => quote::quote!(#slot.unwrap_or_default()),
                (None, _, true) => quote::quote!(#slot.flatten()),
                (None, _, false) => quote::quote!(match #slot {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field(#json)),
                }),
            };
            quote::quote!(#ident: #value,)
        });
        impls.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    struct Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                            #(#decls)*
                            let mut unknown = crate::UnknownFields::new();
                            while let ::std::option::Option::Some(key) = map.next_key::<crate::de::Key<'de>>()? {
                                match key.as_str() {
                                    #(#arms)*
                                    _ => {
                                        unknown.insert(key.into_string(), map.next_value()?);
                                    }
                                }
                            }
                            ::std::result::Result::Ok(#name { #(#inits)* #unknown_ident: unknown })
                        }
                    }
                    deserializer.deserialize_map(Visitor)
                }
            }
        });
        changed.push(name.to_string());
    }
    if changed.is_empty() {
        return changed;
    }
    // Each impl right after its struct, so the per-component split keeps them together.
    let mut by_name: BTreeMap<String, Item> = changed.iter().cloned().zip(impls).collect();
    let mut items = Vec::with_capacity(file.items.len() + by_name.len() + 1);
    for item in std::mem::take(&mut file.items) {
        let key = match &item {
            Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        };
        items.push(item);
        if let Some(imp) = key.and_then(|k| by_name.remove(&k)) {
            items.push(imp);
        }
    }
    file.items = items;
    tolerant::complete_struct_exprs(file, &added);
    changed
}

/// Add `with_component!`, which maps a component's name (as in the spec,
/// or its Rust name) to its type: `with_component!(name, f(args))` is
/// `Some(f::<Type>(args))`, or `None` for a name that is not a component.
/// It lets tools such as the decode example work on any component without
/// the library instantiating anything per component (a macro costs nothing
/// until it is used).
pub fn component_dispatch_macro(file: &mut syn::File, names: &BTreeMap<String, String>) {
    let arms = names.iter().map(|(component, rust)| {
        let ty = syn::Ident::new(rust, proc_macro2::Span::call_site());
        let pattern = if component == rust {
            quote::quote!(#component)
        } else {
            quote::quote!(#component | #rust)
        };
        quote::quote!(#pattern => ::std::option::Option::Some($f::<$crate::#ty>($($arg),*)),)
    });
    let listed = names.keys();
    file.items.push(syn::parse_quote! {
        /// `with_component!(name, f(args))`: `Some(f::<T>(args))` where `T` is
        /// the type of the component called `name` (its name in the spec or
        /// in Rust), `None` if there is none. `with_component!(@names)` lists
        /// the components.
        #[macro_export]
        macro_rules! with_component {
            (@names) => { &[#(#listed),*] };
            ($name:expr, $f:ident($($arg:expr),* $(,)?)) => {
                match $name {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            };
        }
    });
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

/// Split progenitor's builder-style output into one piece of Rust per
/// operation: its `Client` method and its `builder::` struct and impls.
pub fn split_by_operation(
    file: &syn::File,
    operation_ids: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let by_squash: BTreeMap<String, &String> =
        operation_ids.iter().map(|id| (squash(id), id)).collect();
    let mut out: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && type_ident(&imp.self_ty).as_deref() == Some("Client") =>
            {
                for member in &imp.items {
                    if let ImplItem::Fn(f) = member
                        && let Some(id) = by_squash.get(&squash(&f.sig.ident.to_string()))
                    {
                        let mut single = imp.clone();
                        single.items = vec![member.clone()];
                        out.entry((*id).clone())
                            .or_default()
                            .push(Item::Impl(single));
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    if let Some(key) = item_key(inner)
                        && let Some(id) = by_squash.get(&squash(&key))
                    {
                        out.entry((*id).clone())
                            .or_default()
                            .push(wrap_in_mod("builder", inner.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out.into_iter()
        .map(|(id, items)| (id, unparse_merging_mods(items)))
        .collect()
}

#[cfg(test)]
mod tests {
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

    use super::*;
    use quote::quote;

    #[test]
    fn httpmock_array_query_parameters_match_per_item() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod operations {
                pub struct ListWhen(::httpmock::When);
                impl ListWhen {
                    pub fn ids<'a, T>(self, value: T) -> Self
                    where T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("ids", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("ids"))
                        }
                    }
                    pub fn name<'a, T>(self, value: T) -> Self
                    where T: Into<Option<&'a str>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("name", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("name"))
                        }
                    }
                }
            }
        })
        .unwrap();
        assert_eq!(httpmock_array_params(&mut file), ["ListWhen::ids"]);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("for item in value.iter() {\n                        inner = inner.query_param(\"ids\", item.to_string());"),
            "{text}"
        );
        assert!(
            text.contains("Self(self.0.query_param(\"name\", value.to_string()))"),
            "{text}"
        );
        assert!(text.contains("query_param_missing(\"ids\")"), "{text}");
    }

    #[test]
    fn nested_types_go_to_their_component() {
        let file: syn::File = syn::parse2(quote! {
            pub struct Session { pub status: Option<SessionStatus>, pub costs: Vec<SessionCostsItem>, pub c: Cost }
            pub enum SessionStatus { Active }
            impl std::fmt::Display for SessionStatus { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { Ok(()) } }
            pub enum SessionCostsItem { A(Cost) }
            pub struct Cost { pub kind: CostKind }
            pub enum CostKind { X }
            pub struct SessionCost { pub kind: CostKind }
        })
        .unwrap();
        let names = BTreeMap::from([
            ("Session".to_string(), "Session".to_string()),
            ("Cost".to_string(), "Cost".to_string()),
            ("SessionCost".to_string(), "SessionCost".to_string()),
        ]);
        let split = split_by_component(&file, &names);
        assert!(split["Session"].contains("enum SessionStatus"));
        assert!(split["Session"].contains("impl std::fmt::Display for SessionStatus"));
        assert!(
            split["Session"].contains("enum SessionCostsItem"),
            "{}",
            split["Session"]
        );
        assert!(!split["Session"].contains("struct Cost "));
        // Reachable from Cost and SessionCost; neither prefixes it more than "Cost"... both
        // reach it, "Cost" prefixes "CostKind".
        assert!(split["Cost"].contains("enum CostKind"));
        assert!(!split["SessionCost"].contains("enum CostKind"));
    }

    #[test]
    fn untagged_unions_get_a_raw_fallback() {
        let mut file: syn::File = syn::parse2(quote! {
            #[serde(untagged)]
            pub enum A { X(X), Unknown(Y) }
            pub enum B { X }
        })
        .unwrap();
        assert_eq!(open_untagged_unions(&mut file), ["A"]);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("UnknownValue(::serde_json::Value)"), "{text}");
        assert!(!text.contains("B {\n    X,\n    Unknown"));
    }

    #[test]
    fn optional_collections_and_boxes_become_options() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct S {
                #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
                pub headers: ::serde_json::Map<String, ::serde_json::Value>,
                #[serde(rename = "toolIds", default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tool_ids: Vec<String>,
                #[serde(default)]
                pub items: ::std::boxed::Box<::std::option::Option<S>>,
                #[serde(default = "defaults::x")]
                pub n: f64,
            }
        })
        .unwrap();
        assert_eq!(
            lossless_optional_fields(&mut file),
            ["S.headers", "S.tool_ids", "S.items", "S.n"]
        );
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubheaders:::std::option::Option<::serde_json::Map<"), "{text}");
        assert!(
            text.contains("#[serde(rename=\"toolIds\",skip_serializing_if"),
            "{text}"
        );
        assert!(
            text.contains("pubitems:::std::option::Option<::std::boxed::Box<S>>"),
            "{text}"
        );
        // A spec default is not materialized: absent stays absent.
        assert!(
            text.contains(
                "#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubn:::std::option::Option<f64>"
            ),
            "{text}"
        );
    }

    #[test]
    fn nullable_optional_fields_get_a_double_option() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct C {
                #[serde(rename = "callerId", skip_serializing_if = "::std::option::Option::is_none")]
                pub caller_id: ::std::option::Option<String>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub extension: ::std::option::Option<String>,
            }
        })
        .unwrap();
        let wanted = BTreeMap::from([(
            "C".to_string(),
            vec!["extension".to_string(), "callerId".to_string()],
        )]);
        assert_eq!(
            double_option_fields(&mut file, &wanted),
            ["C.caller_id", "C.extension"]
        );
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("rename=\"callerId\",default,skip_serializing_if=\"::std::option::Option::is_none\",deserialize_with=\"nullable::deserialize\")]pubcaller_id:::std::option::Option<::std::option::Option<String>>"), "{text}");
        assert!(text.contains("modnullable"));
    }

    #[test]
    fn client_reuses_the_models_conversion_error() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub enum Sort { Asc }
                pub mod error { pub struct ConversionError(String); }
            }
        })
        .unwrap();
        assert!(share_conversion_error(&mut file, "my-models"));
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("pubuse::my_models::error;"), "{text}");
        assert!(!text.contains("structConversionError"), "{text}");
    }

    #[test]
    fn string_enums_become_open() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status {
                #[serde(rename = "active")]
                Active,
                #[serde(rename = "unknown")]
                Unknown,
            }
            impl ::std::fmt::Display for Status { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            impl ::std::convert::TryFrom<&str> for Status { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
            impl Default for Status { fn default() -> Self { Status::Active } }
            #[derive(Clone, Copy, Debug)]
            pub struct Holder { pub s: Status }
            #[serde(untagged)]
            #[derive(::serde::Deserialize)]
            pub enum Tagged { A(Holder) }
        })
        .unwrap();
        assert_eq!(open_string_enums(&mut file), ["Status"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(text.contains("open_string_enum!{pubenumStatus{Active=\"active\",Unknown=\"unknown\",}UnknownValue}"), "{text}");
        assert!(!text.contains("impl::std::fmt::DisplayforStatus"), "{text}");
        assert!(!text.contains("TryFrom<&str>forStatus"), "{text}");
        assert!(text.contains("implDefaultforStatus"), "{text}");
        assert!(
            text.contains("#[derive(Clone,Debug)]pubstructHolder"),
            "{text}"
        );
        assert!(text.contains("pubenumTagged"), "{text}");
    }

    #[test]
    fn plain_structs_get_a_map_only_deserialize() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct S {
                pub id: String,
                #[serde(rename = "orgId", skip_serializing_if = "::std::option::Option::is_none")]
                pub org_id: ::std::option::Option<String>,
                #[serde(default = "defaults::s_n")]
                pub n: f64,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "nullable::deserialize")]
                pub ext: ::std::option::Option<::std::option::Option<String>>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(transparent)]
            pub struct T(pub String);
            #[derive(::serde::Deserialize)]
            pub struct U { #[serde(flatten)] pub rest: ::serde_json::Map<String, ::serde_json::Value> }
        })
        .unwrap();
        assert_eq!(light_struct_deserialize(&mut file), ["S"]);
        let text: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            text.contains("#[derive(::serde::Serialize,Clone,Debug)]pubstructS"),
            "{text}"
        );
        assert!(
            text.contains("impl<'de>::serde::Deserialize<'de>forS"),
            "{text}"
        );
        assert!(text.contains("\"orgId\"=>f1="), "{text}");
        assert!(text.contains("missing_field(\"id\")"), "{text}");
        assert!(text.contains("f2.unwrap_or_else(defaults::s_n)"), "{text}");
        assert!(
            text.contains(
                "#[derive(::serde::Deserialize,::serde::Serialize)]#[serde(transparent)]pubstructT"
            ),
            "{text}"
        );
        assert!(
            text.contains("#[derive(::serde::Deserialize)]pubstructU"),
            "{text}"
        );
        assert!(
            text.contains("unknown.insert(key.into_string(),map.next_value()?)"),
            "{text}"
        );
        assert!(
            text.contains("pubunknown_fields:crate::UnknownFields"),
            "{text}"
        );
    }

    #[test]
    fn operations_are_split_by_id() {
        let file: syn::File = syn::parse2(quote! {
            impl Client {
                pub fn session_controller_create(&self) -> builder::SessionControllerCreate<'_> { todo!() }
                pub fn session_controller_remove(&self) -> builder::SessionControllerRemove<'_> { todo!() }
            }
            pub mod builder {
                pub struct SessionControllerCreate<'a> { client: &'a super::Client }
                impl<'a> SessionControllerCreate<'a> { pub fn send(self) {} }
                pub struct SessionControllerRemove<'a> { client: &'a super::Client }
            }
        })
        .unwrap();
        let ids = BTreeSet::from([
            "SessionController_create".to_string(),
            "SessionController_remove".to_string(),
        ]);
        let split = split_by_operation(&file, &ids);
        assert!(split["SessionController_create"].contains("fn session_controller_create"));
        assert!(split["SessionController_create"].contains("impl<'a> SessionControllerCreate<'a>"));
        assert!(!split["SessionController_create"].contains("Remove"));
    }
}
