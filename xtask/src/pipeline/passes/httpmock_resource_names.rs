//! Pass `httpmock-resource-names` (see [`PASSES`](super::PASSES)): the typed
//! httpmock helpers (`MockServerExt`, one method per operation) are named
//! like the resource methods a user calls, `{resource}_{method}`
//! (`server.sessions_get(|when, then| …)` for `client.sessions().get(…)`),
//! not by operationId (`session_controller_find_one`). Each renamed method
//! says which operation and call it mocks. Returns the methods renamed.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use syn::{ImplItem, Item, TraitItem};

use super::super::resources::Plan;

/// progenitor's helper name (the operationId in snake case) → the resource
/// method's (`sessions_get`), with its doc.
fn names(plan: &Plan) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for r in plan.resources.values() {
        for m in &r.methods {
            let doc = format!(
                " Mocks `{} {}` (`{}`), what `client.{}().{}(…)` sends.",
                m.http_method, m.path, m.operation_id, r.accessor, m.name
            );
            out.insert(
                m.operation_id.to_snake_case(),
                (format!("{}_{}", r.accessor, m.name), doc),
            );
        }
    }
    out
}

/// Rename the helpers of `file` (the httpmock module) after `plan`'s
/// resource methods; returns `old → new` for each.
pub fn httpmock_resource_names(file: &mut syn::File, plan: &Plan) -> Vec<String> {
    let names = names(plan);
    let mut renamed = Vec::new();
    for item in &mut file.items {
        match item {
            Item::Trait(t) if t.ident == "MockServerExt" => {
                for member in &mut t.items {
                    let TraitItem::Fn(f) = member else { continue };
                    if let Some((new, doc)) = names.get(&f.sig.ident.to_string()) {
                        renamed.push(format!("{} → {new}", f.sig.ident));
                        f.sig.ident = syn::Ident::new(new, f.sig.ident.span());
                        f.attrs.push(syn::parse_quote!(#[doc = #doc]));
                    }
                }
            }
            Item::Impl(imp)
                if imp
                    .trait_
                    .as_ref()
                    .and_then(|(_, p, _)| p.segments.last())
                    .is_some_and(|s| s.ident == "MockServerExt") =>
            {
                for member in &mut imp.items {
                    let ImplItem::Fn(f) = member else { continue };
                    if let Some((new, _)) = names.get(&f.sig.ident.to_string()) {
                        f.sig.ident = syn::Ident::new(new, f.sig.ident.span());
                    }
                }
            }
            _ => {}
        }
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};

    fn method(id: &str, name: &str) -> ResourceMethod {
        ResourceMethod::bare(id, "GET", "/session/{id}", name)
    }

    #[test]
    fn helpers_take_the_resource_methods_names() {
        let mut plan = Plan::default();
        plan.resources.insert(
            "Sessions".into(),
            Resource {
                label: "Sessions".into(),
                type_name: "Sessions".into(),
                accessor: "sessions".into(),
                methods: vec![method("SessionController_findOne", "get")],
            },
        );
        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt {
                fn session_controller_find_one<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
                fn other<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
            }
            impl MockServerExt for ::httpmock::MockServer {
                fn session_controller_find_one<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> { todo!() }
                fn other<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> { todo!() }
            }
        };
        let renamed = httpmock_resource_names(&mut file, &plan);
        assert_eq!(renamed, ["session_controller_find_one → sessions_get"]);
        let out = prettyplease::unparse(&file);
        assert_eq!(out.matches("fn sessions_get<F>").count(), 2, "{out}");
        assert_eq!(out.matches("fn other<F>").count(), 2, "{out}");
        assert!(!out.contains("session_controller_find_one"), "{out}");
        assert!(
            out.contains("what `client.sessions().get(…)` sends"),
            "{out}"
        );
    }
}
