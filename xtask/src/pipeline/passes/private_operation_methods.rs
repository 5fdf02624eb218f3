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
//! through the resource handles and `Client::builder()`.

use syn::{ImplItem, Item};

/// `pub` → `pub(crate)`.
fn crate_only(vis: &mut syn::Visibility) -> bool {
    if matches!(vis, syn::Visibility::Public(_)) {
        *vis = syn::parse_quote!(pub(crate));
        return true;
    }
    false
}

/// Make `Client`'s inherent methods and the request builders' `new`
/// crate-private; returns the methods changed (`Type::method`).
pub fn private_operation_methods(file: &mut syn::File) -> Vec<String> {
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
            Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
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
        assert_eq!(
            private_operation_methods(&mut file),
            [
                "Client::new",
                "Client::session_find_one",
                "SessionFindOne::new"
            ]
        );
        let text = quote!(#file).to_string().replace(' ', "");
        assert!(
            text.contains("pub(crate)fnsession_find_one(&self)"),
            "{text}"
        );
        assert!(
            text.contains("pub(crate)fnnew(client:&'asuper::Client)"),
            "{text}"
        );
        // Setters, `send`, trait methods and other types stay as they are.
        assert!(text.contains("pubfnid<V>"), "{text}");
        assert!(text.contains("pubasyncfnsend(self)"), "{text}");
        assert!(text.contains("implOther{pubfnnew()"), "{text}");
    }
}
