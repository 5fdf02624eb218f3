//! The snapshot split: parse the generated files and cut them into units a
//! reviewer can read: the Rust of each component (its type, the anonymous
//! types nested in it, their impls) and of each operation (its `Client`
//! method and builder). The split feeds the snapshot tests; the generated
//! files themselves stay whole.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{ImplItem, Item};

use super::syntax::defined_type;
use super::syntax::squash;
use super::syntax::type_ident;

/// The identifier a top-level item defines or implements, if any.
pub(crate) fn item_key(item: &Item) -> Option<String> {
    match item {
        // `impl From<Generated> for ::std::string::String` (or for the
        // models' hand-written `crate::JsonObject`): the generated type's.
        Item::Impl(i) => match (&*i.self_ty, &i.trait_) {
            (syn::Type::Path(p), Some((_, tr, _)))
                if p.path.leading_colon.is_some()
                    || p.path.segments.first().is_some_and(|s| s.ident == "crate") =>
            {
                tr.segments
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
                    .or_else(|| type_ident(&i.self_ty))
            }
            _ => type_ident(&i.self_ty),
        },
        // The type a struct, enum, alias, `open_string_enum!` or
        // `open_number_enum!` defines.
        other => defined_type(other),
    }
}

pub(crate) fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
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

/// One unit of generated code: items with their place in the output.
pub(crate) type Unit = [(usize, Item)];

/// The units of a file, by the type they define or implement.
pub(crate) type Units = BTreeMap<String, Vec<(usize, Item)>>;

/// Group the items of typify's output by the type they define or implement;
/// `builder::X` items join `X`, `defaults::f` functions are units of their own.
pub(crate) fn units(file: &syn::File) -> Units {
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

pub(crate) fn wrap_in_mod(name: &str, item: Item) -> Item {
    let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
    syn::parse_quote! { pub mod #ident { #item } }
}

/// Split typify's output into one piece of Rust per component: the
/// component's own type and every anonymous type reachable from it without
/// passing through another component. A nested type reachable from several
/// components goes to the one whose name prefixes its own (typify names nested
/// types after their parent), else to the first in name order.
///
/// A place that shares its type with others (`aliases`: place → shared type,
/// pass `shared-type-aliases`) is shown as typify would have generated its
/// own type: the shared type's items under the place's name, with the
/// place's docs. So a component's snapshot reads the same whichever places
/// share, and a one-property edit changes that component's snapshot only.
pub fn split_by_component(
    file: &syn::File,
    names: &BTreeMap<String, String>,
    aliases: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut units = units(file);
    expand_place_aliases(&mut units, aliases);
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
    // Per component, its units by name (a `BTreeMap`): the order typify
    // writes types in depends on which places share them, so it is not
    // the snapshot's.
    let mut owned: BTreeMap<&str, BTreeMap<&str, &Unit>> = BTreeMap::new();
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
                .insert(key.as_str(), items.as_slice());
        }
    }
    owned
        .into_iter()
        .filter_map(|(rust, mut by_unit)| {
            // The component's own type first, then the others by name; each
            // unit's items in output order.
            let own = by_unit.remove(rust);
            let items: Vec<Item> = own
                .into_iter()
                .chain(by_unit.into_values())
                .flat_map(|items| {
                    let mut items = items.to_vec();
                    items.sort_by_key(|(p, _)| *p);
                    items.into_iter().map(|(_, i)| i)
                })
                .collect();
            let code = unparse_merging_mods(items);
            roots.get(rust).map(|c| (c.to_string(), code))
        })
        .collect()
}

/// Replace each place alias's unit (`pub type Place = Shared;`) with the
/// shared type's items renamed to the place: the type, its impls, and the
/// names of the types nested in it that have place aliases too
/// (`SharedItem` → `PlaceItem`); the type's first doc comment becomes the
/// place's own (the alias's first, when the alias has its own docs).
fn expand_place_aliases(units: &mut Units, aliases: &BTreeMap<String, String>) {
    let mut expanded: Vec<(String, Vec<(usize, Item)>)> = Vec::new();
    for (place, shared) in aliases {
        let Some([(pos, Item::Type(alias))]) = units.get(place).map(Vec::as_slice) else {
            continue;
        };
        let Some(shared_items) = units.get(shared) else {
            continue;
        };
        let rename = |ident: &str| -> Option<String> {
            if ident == shared {
                return Some(place.clone());
            }
            let rest = ident.strip_prefix(shared.as_str())?;
            let nested = format!("{place}{rest}");
            (aliases.get(&nested).map(String::as_str) == Some(ident)).then_some(nested)
        };
        let docs: Vec<&syn::Attribute> = alias
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        // The alias's own docs, before the note on sharing, when it has them.
        let own_doc = (docs.len() > 1).then(|| docs[0].clone());
        let items = shared_items
            .iter()
            .filter_map(|(_, item)| {
                let tokens = rename_tokens(item.to_token_stream(), &rename);
                let mut item: Item = syn::parse2(tokens).ok()?;
                if item_key(&item).as_deref() == Some(place.as_str())
                    && let Some(own) = &own_doc
                {
                    super::syntax::replace_first_doc(&mut item, own);
                }
                Some((*pos, item))
            })
            .collect();
        expanded.push((place.clone(), items));
    }
    units.extend(expanded);
}

/// Rename identifiers, and whole words in string literals, by `rename`.
fn rename_tokens(tokens: TokenStream, rename: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(i) => match rename(&i.to_string()) {
                Some(new) => TokenTree::Ident(proc_macro2::Ident::new(&new, i.span())),
                None => TokenTree::Ident(i),
            },
            TokenTree::Group(g) => {
                let mut out =
                    proc_macro2::Group::new(g.delimiter(), rename_tokens(g.stream(), rename));
                out.set_span(g.span());
                TokenTree::Group(out)
            }
            TokenTree::Literal(l) => match syn::parse_str::<syn::LitStr>(&l.to_string()) {
                Ok(lit) => {
                    let value = lit.value();
                    let renamed = rename_words(&value, rename);
                    if renamed == value {
                        TokenTree::Literal(l)
                    } else {
                        TokenTree::Literal(proc_macro2::Literal::string(&renamed))
                    }
                }
                Err(_) => TokenTree::Literal(l),
            },
            other => other,
        })
        .collect()
}

/// `rename` applied to each identifier-like word of `text`.
fn rename_words(text: &str, rename: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            match rename(&word) {
                Some(new) => out.push_str(&new),
                None => out.push_str(&word),
            }
            word.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Format items, merging consecutive `pub mod m { … }` wrappers of the same
/// module into one.
pub(crate) fn unparse_merging_mods(items: Vec<Item>) -> String {
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
    use super::*;
    use quote::quote;

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
        let split = split_by_component(&file, &names, &BTreeMap::new());
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
    fn a_place_alias_shows_as_its_own_type() {
        let file: syn::File = syn::parse2(quote! {
            pub struct Session { pub name: Option<SessionName> }
            #[doc = "`SessionName`"]
            pub struct SessionName(String);
            impl std::fmt::Display for SessionName { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { f.write_str("SessionName") } }
            pub struct CreateSession { pub name: Option<CreateSessionName> }
            #[doc = "The new session's name."]
            #[doc = ""]
            #[doc = "The type of this place: the same as SessionName's."]
            pub type CreateSessionName = SessionName;
        })
        .unwrap();
        let names = BTreeMap::from([
            ("Session".to_string(), "Session".to_string()),
            ("CreateSession".to_string(), "CreateSession".to_string()),
        ]);
        let aliases =
            BTreeMap::from([("CreateSessionName".to_string(), "SessionName".to_string())]);
        let split = split_by_component(&file, &names, &aliases);
        let create = &split["CreateSession"];
        // The shared type's items under the place's name, with the place's
        // docs; neither the alias nor the shared name shows.
        assert!(
            create.contains("pub struct CreateSessionName(String);"),
            "{create}"
        );
        assert!(create.contains("///The new session's name."), "{create}");
        assert!(
            create.contains("impl std::fmt::Display for CreateSessionName"),
            "{create}"
        );
        assert!(
            create.contains(r#"f.write_str("CreateSessionName")"#),
            "{create}"
        );
        assert!(!create.contains("SessionName;"), "{create}");
        assert!(!create.contains(" SessionName"), "{create}");
        // The place that gave the type its name shows it as it is.
        assert!(split["Session"].contains("pub struct SessionName(String);"));
        assert!(!split["Session"].contains("CreateSessionName"));
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

/// The snapshot files in `dir` that no component or operation of the
/// document has any more (`component@<Name>.json.snap`,
/// `operation@<operationId>.snap`, and their pending `.snap.new`): what
/// `generate` deletes, so a removed component's snapshot never has to be
/// found by hand. Other files are left alone.
pub fn stale_snapshots<'a>(
    dir: &std::path::Path,
    components: impl IntoIterator<Item = &'a str>,
    operations: impl IntoIterator<Item = &'a str>,
) -> Vec<std::path::PathBuf> {
    let expected: BTreeSet<String> = components
        .into_iter()
        .map(|c| format!("component@{c}.json.snap"))
        .chain(
            operations
                .into_iter()
                .map(|o| format!("operation@{o}.snap")),
        )
        .collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|path| {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                return false;
            };
            let snap = name.strip_suffix(".new").unwrap_or(name);
            let ours = (snap.starts_with("component@") && snap.ends_with(".json.snap"))
                || (snap.starts_with("operation@") && snap.ends_with(".snap"));
            ours && !expected.contains(snap)
        })
        .collect();
    stale.sort();
    stale
}

#[cfg(test)]
mod stale_tests {
    use super::stale_snapshots;

    #[test]
    fn snapshots_of_what_is_gone_are_stale_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("stale-snapshots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for name in [
            "component@Kept.json.snap",
            "component@Gone.json.snap",
            "component@Gone.json.snap.new",
            "operation@Kept_get.snap",
            "operation@Gone_get.snap",
            "resources.snap",
            "other.txt",
        ] {
            std::fs::write(dir.join(name), "").expect("write");
        }
        let stale = stale_snapshots(&dir, ["Kept"], ["Kept_get"]);
        let names: Vec<&str> = stale
            .iter()
            .filter_map(|p| p.file_name()?.to_str())
            .collect();
        assert_eq!(
            names,
            [
                "component@Gone.json.snap",
                "component@Gone.json.snap.new",
                "operation@Gone_get.snap"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
