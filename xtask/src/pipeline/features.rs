//! Stage **features**: a cargo feature per resource, so users compile only
//! the resources they call.
//!
//! The feature of a resource is its accessor on `Client` (`sessions`,
//! `phone_numbers`); `full` (the default) enables them all. What a feature
//! compiles is computed from the generated items, not by hand:
//!
//! 1. Each operation's items (its `Client` method, its request builder and
//!    `impl`s on it, its httpmock `When`/`Then`, the resource handle and
//!    accessor) belong to its resource's feature.
//! 2. Every type those items name, and every type *those* types' items
//!    (definitions and impls alike) name, all the way down, is compiled when
//!    any feature that reaches it is enabled: the reach is computed on the
//!    Rust items (what the compiler will need), so shared inline types,
//!    aliases and page items are covered whatever the document does with
//!    `$ref`s.
//! 3. Types no operation reaches, and the dispatch macros over every type
//!    (`with_component!`, `with_operation!`), come with `full`.
//!
//! [`Gates::apply`] is the stage's named edit of emitted items
//! (`feature-gates`): it puts `#[cfg(…)]` on each top-level item, and on
//! each method of an impl or trait that holds methods of several operations
//! (`impl Client`, httpmock's `MockServerExt`). The manifests' `[features]`
//! come from [`Gates::manifest_region`].

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit::Visit;
use syn::{ImplItem, Item, TraitItem};

use super::resources::Plan;
use super::snapshots::{idents, item_key};
use crate::Error;

/// The feature that enables every resource (and the types no resource
/// reaches), and the crates' default.
pub const FULL: &str = "full";

/// Feature names the crates already use for something else.
pub const RESERVED: &[&str] = &["default", FULL, "httpmock", "schemars", "test-util"];

/// What each feature compiles.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// The resource features, sorted.
    pub features: Vec<String>,
    /// Type (and serde default function) → the features that compile it
    /// (empty: only `full`). Looked up in the files of types.
    types: BTreeMap<String, BTreeSet<String>>,
    /// The name of an operation's or resource's own item → its feature.
    /// Looked up in the files of operations (outside their `types`): a model
    /// spelled like a builder, a handle or `Client` is not mistaken for it.
    direct: BTreeMap<String, BTreeSet<String>>,
    /// How many types each feature reaches.
    pub reached: BTreeMap<String, usize>,
    /// How many types no operation reaches (compiled with `full` only).
    pub unreached: usize,
}

/// Whether `name` can be a cargo feature of ours: lowercase ASCII letters,
/// digits and `_`, starting with a letter, and not one the crates use.
fn check_feature(name: &str, resource: &str) -> Result<(), Error> {
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(Error::new(format!(
            "resource {resource}: its accessor `{name}` cannot be a cargo feature (lowercase letters, digits and `_`)"
        )));
    }
    if RESERVED.contains(&name) {
        return Err(Error::new(format!(
            "resource {resource}: its accessor `{name}` would be the cargo feature `{name}`, which the crates use for something else; rename the resource (`x-cozmox-sdk` in openapi/overrides.json)"
        )));
    }
    Ok(())
}

/// The names of a unit of the type graph: `defaults::f` for the serde
/// default functions (as `#[serde(default = "defaults::f")]` names them),
/// else [`item_key`].
fn key_in(module: Option<&str>, item: &Item) -> Option<String> {
    match (module, item) {
        (Some("defaults"), Item::Fn(f)) => Some(format!("defaults::{}", f.sig.ident)),
        _ => item_key(item).or_else(|| match item {
            Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        }),
    }
}

/// Every top-level item of `file` and of its inline modules, with the
/// module it sits in.
fn walk<'a>(file: &'a syn::File, out: &mut Vec<(Option<&'a str>, &'a Item)>) {
    fn go<'a>(
        module: Option<&'a str>,
        items: &'a [Item],
        out: &mut Vec<(Option<&'a str>, &'a Item)>,
    ) {
        for item in items {
            match item {
                Item::Mod(m) if m.content.is_some() => {
                    let inner = m.content.as_ref().map_or(&[][..], |(_, i)| i);
                    go(Some(mod_name(m)), inner, out);
                }
                other => out.push((module, other)),
            }
        }
    }
    go(None, &file.items, out);
}

fn mod_name(m: &syn::ItemMod) -> &'static str {
    // The modules whose items are looked up differently: `defaults` (keyed
    // `defaults::f`) and the client's `types` (types in a file of
    // operations); any other module's items are keyed by their own names.
    if m.ident == "defaults" {
        "defaults"
    } else if m.ident == "types" {
        "types"
    } else {
        "other"
    }
}

/// What a generated file holds, for [`Gates::apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Types: the models.
    Types,
    /// Operations and resources (the client, its resource layer, its
    /// httpmock helpers), and in a `types` module the client's own types.
    Operations,
}

/// A file holding the items of `file`'s inline module `name` (the client's
/// `types`: the types progenitor declares itself), empty if it has none.
pub fn module(file: &syn::File, name: &str) -> syn::File {
    let items = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| i.clone()),
            _ => None,
        })
        .unwrap_or_default();
    syn::File {
        shebang: None,
        attrs: Vec::new(),
        items,
    }
}

/// The names of the types `node` uses: the last segment of a path in a
/// type position (`crate::Foo<Bar>`: `Foo`, `Bar`), the segments before
/// the last of any other path (`Foo::new`, `Foo::Variant`: `Foo`, not the
/// variant, which may be spelled like a type), and the `defaults::f` a
/// `#[serde(default = "…")]` names. Enum variants and field names are not
/// types: an enum value `Call` does not make the `Call` model reachable.
fn names_in<T: ToTokens>(node: &T, visit: impl FnOnce(&mut TypeNames)) -> BTreeSet<String> {
    let mut names = TypeNames::default();
    visit(&mut names);
    let mut literals = BTreeSet::new();
    idents(node.to_token_stream(), &mut literals);
    // `defaults::f::<true>` names the function `defaults::f`.
    names.0.extend(
        literals
            .into_iter()
            .filter(|n| n.starts_with("defaults::"))
            .map(|n| n.split("::<").next().unwrap_or_default().to_string()),
    );
    names.0
}

fn item_names(item: &Item) -> BTreeSet<String> {
    names_in(item, |v| v.visit_item(item))
}

fn fn_names(f: &syn::ImplItemFn) -> BTreeSet<String> {
    names_in(f, |v| v.visit_impl_item_fn(f))
}

fn trait_fn_names(f: &syn::TraitItemFn) -> BTreeSet<String> {
    names_in(f, |v| v.visit_trait_item_fn(f))
}

fn sig_names(sig: &syn::Signature) -> BTreeSet<String> {
    names_in(sig, |v| v.visit_signature(sig))
}

/// [`names_in`]'s visitor.
#[derive(Default)]
struct TypeNames(BTreeSet<String>);

impl<'ast> Visit<'ast> for TypeNames {
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        if let Some(q) = &ty.qself {
            self.visit_type(&q.ty);
        }
        if let Some(last) = ty.path.segments.last() {
            self.0.insert(last.ident.to_string());
        }
        for segment in &ty.path.segments {
            self.visit_path_arguments(&segment.arguments);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // The last segment is a type (`Foo(x)`, `Foo { .. }`,
        // `super::Foo(x)`) when nothing or a module (lowercase) comes
        // before it; after a type it is a variant or an associated item.
        let n = path.segments.len();
        for (i, segment) in path.segments.iter().enumerate() {
            let after_module = i == 0
                || path.segments[i - 1]
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
            if i + 1 < n || after_module {
                self.0.insert(segment.ident.to_string());
            }
            self.visit_path_arguments(&segment.arguments);
        }
    }
}

impl Gates {
    /// Compute the gates from the resource plan and the generated files
    /// (after the passes): `types` are the files whose items are types
    /// (the models and the client's own), `operations` the files whose
    /// items belong to operations (the client, its resource layer, its
    /// httpmock helpers).
    pub fn compute(
        plan: &Plan,
        types: &[&syn::File],
        operations: &[&syn::File],
    ) -> Result<Gates, Error> {
        let mut gates = Gates::default();
        // 1. The items that belong to an operation or a resource, by name.
        let mut direct: BTreeMap<String, String> = BTreeMap::new();
        for resource in plan.resources.values() {
            check_feature(&resource.accessor, &resource.label)?;
            let feature = &resource.accessor;
            gates.features.push(feature.clone());
            direct.insert(resource.type_name.clone(), feature.clone());
            direct.insert(resource.accessor.clone(), feature.clone());
            for method in &resource.methods {
                let builder = method.builder_type();
                direct.insert(format!("{builder}When"), feature.clone());
                direct.insert(format!("{builder}Then"), feature.clone());
                direct.insert(builder, feature.clone());
                direct.insert(method.operation_id.to_snake_case(), feature.clone());
            }
        }
        gates.features.sort();
        gates.features.dedup();

        // 2. The type graph: each type's unit (definition and impls) and
        // the other types it names.
        let mut units: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in types {
            let mut items = Vec::new();
            walk(file, &mut items);
            for (module, item) in items {
                if let Some(key) = key_in(module, item)
                    && !matches!(item, Item::Macro(m) if m.ident.is_some())
                {
                    units.entry(key).or_default().extend(item_names(item));
                }
            }
        }
        let edges: BTreeMap<&str, Vec<&str>> = units
            .iter()
            .map(|(key, named)| {
                let to = named
                    .iter()
                    .filter(|n| *n != key && units.contains_key(*n))
                    .map(String::as_str)
                    .collect();
                (key.as_str(), to)
            })
            .collect();

        // 3. Roots: the types each feature's own items name.
        let mut roots: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for file in operations {
            let mut items = Vec::new();
            walk(file, &mut items);
            for (_, item) in items {
                for (feature, names) in owned_parts(item, &direct) {
                    roots.entry(feature).or_default().extend(names);
                }
            }
        }

        // 4. Reach, per feature.
        for (name, feature) in &direct {
            gates
                .direct
                .entry(name.clone())
                .or_default()
                .insert(feature.clone());
        }
        for key in units.keys() {
            gates.types.entry(key.clone()).or_default();
        }
        for (feature, start) in &roots {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut queue: VecDeque<&str> = start
                .iter()
                .filter_map(|n| edges.get_key_value(n.as_str()).map(|(k, _)| *k))
                .collect();
            while let Some(key) = queue.pop_front() {
                if !seen.insert(key) {
                    continue;
                }
                queue.extend(edges[key].iter().copied());
            }
            gates.reached.insert((*feature).to_string(), seen.len());
            for key in seen {
                if let Some(set) = gates.types.get_mut(key) {
                    set.insert((*feature).to_string());
                }
            }
        }
        gates.unreached = units
            .keys()
            .filter(|k| gates.types.get(*k).is_some_and(BTreeSet::is_empty))
            .count();
        Ok(gates)
    }

    /// The `cfg` that compiles an item of these features (`full` for
    /// none).
    fn cfg(features: &BTreeSet<String>) -> TokenStream {
        match features.len() {
            0 => quote!(feature = #FULL),
            1 => {
                let f = features.iter().next().map_or(FULL, String::as_str);
                quote!(feature = #f)
            }
            _ => {
                let f = features.iter();
                quote!(any(#(feature = #f),*))
            }
        }
    }

    /// The features of the operation items `names` names: one set per
    /// gated name (the item needs them all).
    fn needs<'a>(&'a self, names: &BTreeSet<String>) -> Vec<&'a BTreeSet<String>> {
        let mut out: Vec<&BTreeSet<String>> =
            names.iter().filter_map(|n| self.direct.get(n)).collect();
        out.sort();
        out.dedup();
        out
    }

    fn attr(sets: &[&BTreeSet<String>]) -> Option<syn::Attribute> {
        let predicate = match sets {
            [] => return None,
            [one] => Self::cfg(one),
            many => {
                let each = many.iter().map(|s| Self::cfg(s));
                quote!(all(#(#each),*))
            }
        };
        Some(syn::parse_quote!(#[cfg(#predicate)]))
    }

    /// Pass `feature-gates`: put the `#[cfg]` of its features on every item
    /// of `file` that belongs to some: in a file of types, each type's items
    /// by the type's name, and the dispatch macros over every type under
    /// `full`; in a file of operations, the items of an operation or
    /// resource by their name (its `types` module as a file of types), and
    /// in an impl or trait of no such name (`impl Client`,
    /// `MockServerExt`) each method by its name, else by the operation
    /// items its signature names. Returns how many items it gated.
    pub fn apply(&self, file: &mut syn::File, holds: Holds) -> usize {
        let full: BTreeSet<String> = BTreeSet::new();
        let mut count = 0;
        self.apply_items(None, holds, &mut file.items, &full, &mut count);
        count
    }

    fn apply_items(
        &self,
        module: Option<&str>,
        holds: Holds,
        items: &mut [Item],
        full: &BTreeSet<String>,
        count: &mut usize,
    ) {
        for item in items {
            if let Item::Mod(m) = item {
                let name = mod_name(m);
                let inner_holds = if name == "types" { Holds::Types } else { holds };
                if let Some((_, inner)) = &mut m.content {
                    self.apply_items(Some(name), inner_holds, inner, full, count);
                }
                continue;
            }
            let table = match holds {
                Holds::Types => &self.types,
                Holds::Operations => &self.direct,
            };
            let own = match &*item {
                // `macro_rules!` over every type (the dispatch macros).
                Item::Macro(m) if m.ident.is_some() && holds == Holds::Types => Some(full),
                other => key_in(module, other).and_then(|k| table.get(&k)),
            };
            if let Some(features) = own {
                if let Some(attr) = Self::attr(&[features])
                    && let Some(attrs) = attrs_of(&mut *item)
                {
                    insert_after_docs(attrs, attr);
                    *count += 1;
                }
                continue;
            }
            if holds == Holds::Types {
                continue;
            }
            match item {
                Item::Impl(imp) => {
                    for inner in &mut imp.items {
                        if let ImplItem::Fn(f) = inner
                            && let Some(attr) = self.method_attr(&f.sig)
                        {
                            insert_after_docs(&mut f.attrs, attr);
                            *count += 1;
                        }
                    }
                }
                Item::Trait(tr) => {
                    for inner in &mut tr.items {
                        if let TraitItem::Fn(f) = inner
                            && let Some(attr) = self.method_attr(&f.sig)
                        {
                            insert_after_docs(&mut f.attrs, attr);
                            *count += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn method_attr(&self, sig: &syn::Signature) -> Option<syn::Attribute> {
        if let Some(features) = self.direct.get(&sig.ident.to_string()) {
            return Self::attr(&[features]);
        }
        Self::attr(&self.needs(&sig_names(sig)))
    }

    /// Remove from `file` the `#[cfg]`s [`Gates::apply`] added: the
    /// snapshots of components and operations show the code, not which
    /// resources reach it (a new operation reaching a shared type would
    /// otherwise change the snapshot of every type it reaches); the
    /// `features` snapshot lists that instead.
    pub fn strip(&self, file: &mut syn::File) {
        fn is_gate(gates: &Gates, attr: &syn::Attribute) -> bool {
            if !attr.path().is_ident("cfg") {
                return false;
            }
            let syn::Meta::List(list) = &attr.meta else {
                return false;
            };
            let mut literals = Vec::new();
            strings(list.tokens.clone(), &mut literals);
            !literals.is_empty()
                && literals
                    .iter()
                    .all(|l| l == FULL || gates.features.binary_search(l).is_ok())
        }
        fn strings(tokens: TokenStream, out: &mut Vec<String>) {
            for tt in tokens {
                match tt {
                    proc_macro2::TokenTree::Group(g) => strings(g.stream(), out),
                    proc_macro2::TokenTree::Literal(l) => {
                        if let syn::Lit::Str(s) = syn::Lit::new(l) {
                            out.push(s.value());
                        }
                    }
                    _ => {}
                }
            }
        }
        fn strip_items(gates: &Gates, items: &mut [Item]) {
            for item in items {
                if let Some(attrs) = attrs_of(item) {
                    attrs.retain(|a| !is_gate(gates, a));
                }
                match item {
                    Item::Mod(m) => {
                        if let Some((_, inner)) = &mut m.content {
                            strip_items(gates, inner);
                        }
                    }
                    Item::Impl(imp) => {
                        for inner in &mut imp.items {
                            if let ImplItem::Fn(f) = inner {
                                f.attrs.retain(|a| !is_gate(gates, a));
                            }
                        }
                    }
                    Item::Trait(tr) => {
                        for inner in &mut tr.items {
                            if let TraitItem::Fn(f) = inner {
                                f.attrs.retain(|a| !is_gate(gates, a));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        strip_items(self, &mut file.items);
    }

    /// Per feature, the types it compiles, for the `features` snapshot: a
    /// line per feature, then one per type, and last the types only `full`
    /// compiles.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for feature in &self.features {
            let types: Vec<&str> = self
                .types
                .iter()
                .filter(|(_, f)| f.contains(feature))
                .map(|(n, _)| n.as_str())
                .collect();
            out.push_str(&format!("{feature} ({}):\n", types.len()));
            for t in types {
                out.push_str(&format!("    {t}\n"));
            }
        }
        let only_full: Vec<&str> = self
            .types
            .iter()
            .filter(|(_, f)| f.is_empty())
            .map(|(n, _)| n.as_str())
            .collect();
        out.push_str(&format!("{FULL} only ({}):\n", only_full.len()));
        for t in only_full {
            out.push_str(&format!("    {t}\n"));
        }
        out
    }

    /// Gates for tests: `types` maps a type to the features that compile
    /// it.
    #[cfg(test)]
    pub(crate) fn of_types(features: &[&str], types: &[(&str, &[&str])]) -> Gates {
        Gates {
            features: features.iter().map(ToString::to_string).collect(),
            types: types
                .iter()
                .map(|(t, f)| (t.to_string(), f.iter().map(ToString::to_string).collect()))
                .collect(),
            ..Gates::default()
        }
    }

    /// Whether the type `name` is compiled when `feature` is on: it is not
    /// gated, the feature reaches it, or the feature is `full`.
    pub fn compiled_with(&self, name: &str, feature: &str) -> bool {
        feature == FULL
            || self
                .types
                .get(name)
                .is_none_or(|features| features.contains(feature))
    }

    /// The `[features]` lines of a crate: `default = ["full"]` and `full`
    /// (enabling every resource and, through `forward`, the same feature of
    /// the crates it depends on), then one line per resource. `forward`
    /// lists the dependencies (as named in the manifest) that have the same
    /// features.
    pub fn manifest_region(&self, forward: &[&str]) -> String {
        let list = |items: Vec<String>| {
            items
                .iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::new();
        out.push_str("default = [\"full\"]\n");
        out.push_str(
            "# Every resource, and the types no operation uses; the dispatch macros over every type.\n",
        );
        let mut full: Vec<String> = forward.iter().map(|d| format!("{d}/{FULL}")).collect();
        full.extend(self.features.iter().cloned());
        out.push_str(&format!("full = [{}]\n", list(full)));
        for feature in &self.features {
            let on: Vec<String> = forward.iter().map(|d| format!("{d}/{feature}")).collect();
            out.push_str(&format!("{feature} = [{}]\n", list(on)));
        }
        out
    }
}

/// The parts of `item` that belong to an operation or resource feature:
/// the whole item when its name does, else the methods of an impl or trait
/// whose name does.
fn owned_parts<'a>(
    item: &Item,
    direct: &'a BTreeMap<String, String>,
) -> Vec<(&'a str, BTreeSet<String>)> {
    if let Some(feature) = item_key(item)
        .or_else(|| match item {
            Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .and_then(|k| direct.get(&k))
    {
        return vec![(feature.as_str(), item_names(item))];
    }
    let by_sig = |sig: &syn::Signature| {
        direct
            .get(&sig.ident.to_string())
            .or_else(|| sig_names(sig).iter().find_map(|n| direct.get(n)))
    };
    let mut out = Vec::new();
    match item {
        Item::Impl(imp) => {
            for inner in &imp.items {
                if let ImplItem::Fn(f) = inner
                    && let Some(feature) = by_sig(&f.sig)
                {
                    out.push((feature.as_str(), fn_names(f)));
                }
            }
        }
        Item::Trait(tr) => {
            for inner in &tr.items {
                if let TraitItem::Fn(f) = inner
                    && let Some(feature) = by_sig(&f.sig)
                {
                    out.push((feature.as_str(), trait_fn_names(f)));
                }
            }
        }
        _ => {}
    }
    out
}

/// Add `attr` after the doc comments of `attrs` (before derives and the
/// rest), where a reader looks for it.
fn insert_after_docs(attrs: &mut Vec<syn::Attribute>, attr: syn::Attribute) {
    let at = attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count();
    attrs.insert(at, attr);
}

/// The attributes of an item, to add one.
fn attrs_of(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        // `Item::Verbatim` and kinds syn may add: the generated files hold none.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};

    fn plan() -> Plan {
        let mut plan = Plan::default();
        for (ty, accessor, op, method, path) in [
            (
                "Sessions",
                "sessions",
                "SessionController_findOne",
                "GET",
                "/session/{id}",
            ),
            (
                "Calls",
                "calls",
                "CallController_findOne",
                "GET",
                "/call/{id}",
            ),
        ] {
            plan.resources.insert(
                ty.into(),
                Resource {
                    label: accessor.into(),
                    type_name: ty.into(),
                    accessor: accessor.into(),
                    methods: vec![ResourceMethod::bare(op, method, path, "get")],
                },
            );
        }
        plan
    }

    /// Before/after fixture of the `feature-gates` edit.
    #[test]
    fn gates_items_by_the_features_that_reach_them() {
        let models: syn::File = syn::parse_quote! {
            pub struct Session { pub cost: Cost, pub kind: Kind }
            pub struct Call { pub cost: Cost, #[serde(default = "defaults::call_n::<1>")] pub n: u8 }
            // Reached through an expression only (a tuple struct built in an impl).
            impl Call { fn zero() -> u8 { let _ = super::Zero(0); 0 } }
            pub struct Zero(u8);
            // A model spelled like the client: it does not gate the client's
            // items (`impl Client` below keeps `new` ungated).
            pub struct Client { pub n: u8 }
            pub struct Cost { pub amount: f64 }
            impl From<Kind> for Cost { fn from(_: Kind) -> Self { todo!() } }
            // A variant spelled like a type does not reach the type.
            pub enum Kind { Orphan }
            impl Kind { fn first() -> Self { Kind::Orphan } }
            pub struct Orphan { pub cost: Cost }
            pub mod defaults { pub fn call_n() -> u8 { 1 } }
            #[macro_export]
            macro_rules! with_component { () => {}; }
            pub const API_VERSION: &str = "1";
        };
        let client: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new() -> Self { todo!() }
                pub fn session_controller_find_one(&self) -> builder::SessionControllerFindOne<'_> { todo!() }
                pub fn call_controller_find_one(&self) -> builder::CallControllerFindOne<'_> { todo!() }
            }
            pub mod builder {
                pub struct SessionControllerFindOne<'a> { c: &'a super::Client }
                impl<'a> SessionControllerFindOne<'a> { pub fn send(self) -> ::m::Session { todo!() } }
                pub struct CallControllerFindOne<'a> { c: &'a super::Client }
                impl<'a> CallControllerFindOne<'a> { pub fn send(self) -> ::m::Call { todo!() } }
            }
            pub trait MockServerExt {
                fn sessions_get(&self, f: operations::SessionControllerFindOneWhen);
            }
        };
        let gates = Gates::compute(&plan(), &[&models], &[&client]).unwrap();
        assert_eq!(gates.features, ["calls", "sessions"]);
        let mut models = models;
        let mut client = client;
        gates.apply(&mut models, Holds::Types);
        gates.apply(&mut client, Holds::Operations);
        let text = |f: &syn::File| {
            f.items
                .iter()
                .map(|i| i.to_token_stream().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let after = text(&models);
        // Reached by one resource, by both (through a field or an impl), by none.
        for expected in [
            "# [cfg (feature = \"sessions\")] pub struct Session",
            "# [cfg (feature = \"calls\")] pub struct Call",
            "# [cfg (any (feature = \"calls\" , feature = \"sessions\"))] pub struct Cost",
            "# [cfg (any (feature = \"calls\" , feature = \"sessions\"))] impl From < Kind > for Cost",
            "# [cfg (any (feature = \"calls\" , feature = \"sessions\"))] pub enum Kind",
            "# [cfg (feature = \"full\")] pub struct Orphan",
            "# [cfg (feature = \"calls\")] pub fn call_n",
            "# [cfg (feature = \"calls\")] pub struct Zero",
            "# [cfg (feature = \"full\")] # [macro_export] macro_rules ! with_component",
        ] {
            assert!(after.contains(expected), "{expected}\nin\n{after}");
        }
        assert!(after.contains("pub const API_VERSION"));
        assert!(!after.contains("] pub const API_VERSION"));
        let after = text(&client);
        for expected in [
            "# [cfg (feature = \"sessions\")] pub fn session_controller_find_one",
            "# [cfg (feature = \"calls\")] pub fn call_controller_find_one",
            "# [cfg (feature = \"sessions\")] pub struct SessionControllerFindOne",
            "# [cfg (feature = \"calls\")] impl < 'a > CallControllerFindOne",
            "# [cfg (feature = \"sessions\")] fn sessions_get",
        ] {
            assert!(after.contains(expected), "{expected}\nin\n{after}");
        }
        assert!(after.contains("pub fn new"));
        assert!(!after.contains("] pub fn new"));
    }

    #[test]
    fn refuses_accessors_that_clash_with_the_crates_features() {
        let mut plan = plan();
        plan.resources.get_mut("Calls").unwrap().accessor = "full".into();
        let err = Gates::compute(&plan, &[], &[]).unwrap_err().to_string();
        assert!(err.contains("`full`"), "{err}");
    }

    #[test]
    fn manifest_region_forwards_to_the_dependencies() {
        let gates = Gates::compute(&plan(), &[], &[]).unwrap();
        assert_eq!(
            gates.manifest_region(&["cozmox-models"]),
            "default = [\"full\"]\n\
             # Every resource, and the types no operation uses; the dispatch macros over every type.\n\
             full = [\"cozmox-models/full\", \"calls\", \"sessions\"]\n\
             calls = [\"cozmox-models/calls\"]\n\
             sessions = [\"cozmox-models/sessions\"]\n"
        );
    }
}
