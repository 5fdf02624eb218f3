//! Pass `shared-type-aliases` (see [`PASSES`](super::PASSES)): aliases for
//! the places of shared inline types (normalization rule
//! `shared-inline-type`): each place keeps the name typify gave its own type,
//! as `pub type Place = Shared;`. Returns the aliases added, place → shared
//! type; a place whose name is already an item's is left out.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde_json::Value;
use syn::Item;

use crate::pipeline::snapshots::idents;
use crate::pipeline::snapshots::item_key;
use crate::pipeline::snapshots::units;

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
    let descriptions = crate::spec::place_descriptions(doc);
    // A shared type is named after one of its places: its docs are that
    // place's too (typify took another place's, whichever it met first).
    let shared_types: BTreeSet<&String> = aliases.values().collect();
    for item in &mut file.items {
        if let Some(key) = item_key(item)
            && shared_types.contains(&key)
            && !matches!(item, Item::Impl(_))
            && let Some(description) = descriptions.get(&key)
        {
            let own = description.clone().unwrap_or_else(|| format!("`{key}`"));
            let attr: syn::Attribute = syn::parse_quote!(#[doc = #own]);
            crate::pipeline::syntax::replace_first_doc(item, &attr);
        }
    }
    for (place, shared) in &aliases {
        let alias = syn::Ident::new(place, proc_macro2::Span::call_site());
        let target = syn::Ident::new(shared, proc_macro2::Span::call_site());
        let note = format!(
            "The type of this place in the spec: its schema is the same as [`{shared}`]'s, so one type serves both."
        );
        // A place's own docs first, as typify would have written them on
        // the place's own type (its description, else its name): the
        // shared type carries another place's.
        let item: Item = match descriptions.get(place) {
            Some(description) => {
                let own = description.clone().unwrap_or_else(|| format!("`{place}`"));
                syn::parse_quote! {
                    #[doc = #own]
                    #[doc = ""]
                    #[doc = #note]
                    pub type #alias = #target;
                }
            }
            None => syn::parse_quote! {
                #[doc = #note]
                pub type #alias = #target;
            },
        };
        file.items.push(item);
    }
    aliases
}
