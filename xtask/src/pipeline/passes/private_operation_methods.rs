//! Pass `private-operation-methods` (see [`PASSES`](super::PASSES)): the
//! public API is the SDK's own.
//!
//! progenitor gives `Client` one public method per operation, named by
//! operationId (`session_controller_find_one()`, 86 at the vendor's size),
//! beside the resource methods that call them (`client.sessions().get(id)`),
//! public constructors `Client::new`/`new_with_client` that skip the
//! builder's checks (https only, no redirects, a key), and a public
//! `new(client)` on every request builder. They become `pub(crate)`: the
//! resource layer and the runtime use them; users reach the same calls
//! through the resource handles and `Client::builder()`. progenitor's
//! `ClientInfo` impl stays (its code reads the base URL through it) but is
//! `#[doc(hidden)]`: `Client`'s inherent `baseurl()` is the API. Each builder's doc,
//! which progenitor writes as a link to the now-private operationId method,
//! names the resource method that makes it instead
//! (`Sessions::delete`, `client.sessions().delete(…)`).

use std::collections::BTreeMap;

use syn::{ImplItem, Item};

use super::super::resources::Plan;

/// The doc of each builder type (`SessionControllerRemove`), from `plan`'s
/// resource methods.
fn builder_docs(plan: &Plan) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in plan.resources.values() {
        for m in &r.methods {
            let doc = format!(
                "Builder for [`{ty}::{name}`](super::resources::{ty}::{name}): \
                 `client.{acc}().{name}({args})`, `{verb} {path}` (`{id}`). Set any optional \
                 parameters, then `.await` it for the body or call `send()` for the \
                 whole response.",
                ty = r.type_name,
                name = m.name,
                acc = r.accessor,
                verb = m.http_method,
                path = m.path,
                id = m.operation_id,
                args = if m.takes_arguments() { "…" } else { "" },
            );
            out.insert(m.builder_type(), doc);
        }
    }
    out
}

/// `pub` → `pub(crate)`.
fn crate_only(vis: &mut syn::Visibility) -> bool {
    if matches!(vis, syn::Visibility::Public(_)) {
        *vis = syn::parse_quote!(pub(crate));
        return true;
    }
    false
}

/// Make `Client`'s inherent methods and the request builders' `new`
/// crate-private, and document each builder by its resource method from
/// `plan`; returns the methods changed (`Type::method`).
pub fn private_operation_methods(file: &mut syn::File, plan: &Plan) -> Vec<String> {
    let docs = builder_docs(plan);
    let mut changed = Vec::new();
    for item in &mut file.items {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && crate::pipeline::syntax::type_ident(&imp.self_ty).as_deref()
                        == Some("Client") =>
            {
                for member in &mut imp.items {
                    if let ImplItem::Fn(f) = member
                        && crate_only(&mut f.vis)
                    {
                        changed.push(format!("Client::{}", f.sig.ident));
                    }
                }
            }
            // progenitor's `ClientInfo` (how its code reads the base URL; the
            // runtime gives `Client` inherent methods for it) is no part of
            // the SDK's documented API.
            Item::Impl(imp)
                if imp
                    .trait_
                    .as_ref()
                    .and_then(|(_, p, _)| p.segments.last())
                    .is_some_and(|s| s.ident == "ClientInfo")
                    && !imp.attrs.iter().any(|a| a.path().is_ident("doc")) =>
            {
                imp.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                changed.push("impl ClientInfo (doc hidden)".to_string());
            }
            // progenitor's builders, and the client stage's own (`manual`).
            Item::Mod(m) if m.ident == "builder" || m.ident == "manual" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    if let Item::Struct(st) = inner
                        && let Some(doc) = docs.get(&st.ident.to_string())
                    {
                        st.attrs.retain(|a| !a.path().is_ident("doc"));
                        st.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                        continue;
                    }
                    let Item::Impl(imp) = inner else { continue };
                    if imp.trait_.is_some() {
                        continue;
                    }
                    let name =
                        crate::pipeline::syntax::type_ident(&imp.self_ty).unwrap_or_default();
                    for member in &mut imp.items {
                        if let ImplItem::Fn(f) = member
                            && f.sig.ident == "new"
                            && crate_only(&mut f.vis)
                        {
                            changed.push(format!("{name}::new"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};
    use quote::quote;

    #[test]
    fn operation_methods_constructors_and_builder_new_are_crate_private() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
                pub fn session_find_one(&self) -> builder::SessionFindOne<'_> { todo!() }
            }
            impl ClientInfo<()> for Client {
                fn baseurl(&self) -> &str { todo!() }
            }
            pub mod builder {
                #[doc = "Builder for [`Client::session_find_one`]"]
                #[derive(Debug)]
                pub struct SessionFindOne<'a> { client: &'a super::Client }
                impl<'a> SessionFindOne<'a> {
                    pub fn new(client: &'a super::Client) -> Self { todo!() }
                    pub fn id<V>(mut self, value: V) -> Self { todo!() }
                    pub async fn send(self) -> Result<(), Error> { todo!() }
                }
            }
            impl Other {
                pub fn new() -> Self { todo!() }
            }
        };
        let mut plan = Plan::default();
        plan.resources.insert(
            "Sessions".into(),
            Resource {
                label: "session".into(),
                type_name: "Sessions".into(),
                accessor: "sessions".into(),
                methods: vec![ResourceMethod::bare(
                    "SessionFindOne",
                    "GET",
                    "/session/{id}",
                    "get",
                )],
            },
        );
        assert_eq!(
            private_operation_methods(&mut file, &plan),
            [
                "Client::new",
                "Client::session_find_one",
                "impl ClientInfo (doc hidden)",
                "SessionFindOne::new"
            ]
        );
        let text = quote!(#file).to_string().replace(' ', "");
        assert!(
            text.contains("#[doc(hidden)]implClientInfo<()>forClient"),
            "{text}"
        );
        assert!(
            text.contains("pub(crate)fnsession_find_one(&self)"),
            "{text}"
        );
        assert!(
            text.contains("pub(crate)fnnew(client:&'asuper::Client)"),
            "{text}"
        );
        // The builder's doc names the resource method, not the private one.
        let builder = file.items.iter().find_map(|i| match i {
            Item::Mod(m) => m.content.as_ref()?.1.iter().find_map(|i| match i {
                Item::Struct(s) => Some(s),
                _ => None,
            }),
            _ => None,
        });
        let builder = builder.expect("the builder struct");
        let docs: Vec<String> = builder
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .map(|a| quote!(#a).to_string())
            .collect();
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert!(
            docs[0].contains(
                "[`Sessions::get`](super::resources::Sessions::get): \
                 `client.sessions().get()`, `GET /session/{id}` (`SessionFindOne`)"
            ),
            "{docs:?}"
        );
        assert!(!text.contains("Client::session_find_one"), "{text}");
        assert!(
            text.contains("#[derive(Debug)]pubstructSessionFindOne"),
            "{text}"
        );
        // Setters, `send`, trait methods and other types stay as they are.
        assert!(text.contains("pubfnid<V>"), "{text}");
        assert!(text.contains("pubasyncfnsend(self)"), "{text}");
        assert!(text.contains("implOther{pubfnnew()"), "{text}");
    }
}
