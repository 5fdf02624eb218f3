//! Pass `into-future` (see [`PASSES`](super::PASSES)): `.await` on a request
//! builder gives the decoded body, as async-openai's calls do
//! (`let s: Session = client.sessions().get(id).await?;`).
//!
//! After `unified-errors`, every builder's `send(self)` returns
//! `Result<support::Response<T>, support::Error>`. Each such builder gets an
//! `IntoFuture` impl beside its inherent impl, whose future (the runtime's
//! boxed `support::CallFuture<'a, T>`) runs `send()` and keeps the body;
//! `.send()` stays for callers who want the status and headers too. The
//! types come from the `send` method's own signature, so the impl names
//! exactly what `send` returns.

use quote::ToTokens;
use syn::{ImplItem, Item};

use crate::Error;

/// The `T` of a `send(self)` returning `Result<…::Response<T>, …>`, if the
/// method is that: public, async, `self` by value and nothing else.
fn sent_body(f: &syn::ImplItemFn) -> Option<syn::Type> {
    if f.sig.ident != "send"
        || f.sig.asyncness.is_none()
        || !matches!(f.vis, syn::Visibility::Public(_))
    {
        return None;
    }
    let mut inputs = f.sig.inputs.iter();
    match (inputs.next(), inputs.next()) {
        (Some(syn::FnArg::Receiver(r)), None) if r.reference.is_none() => {}
        _ => return None,
    }
    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
        return None;
    };
    let ok = crate::pipeline::syntax::generic_arg(ty, "Result")?;
    crate::pipeline::syntax::generic_arg(&ok, "Response")
}

/// The `IntoFuture` impl of the builder `imp` is an inherent impl of, if it
/// has a `send` of the shape [`sent_body`] reads and a lifetime parameter
/// (the borrow of the client, which the future keeps).
fn into_future_impl(imp: &syn::ItemImpl, support: &syn::Path) -> Option<Item> {
    if imp.trait_.is_some() {
        return None;
    }
    let body = imp.items.iter().find_map(|item| match item {
        ImplItem::Fn(f) => sent_body(f),
        _ => None,
    })?;
    let lifetime = imp.generics.lifetimes().next()?.lifetime.clone();
    let generics = &imp.generics;
    let self_ty = &imp.self_ty;
    Some(syn::parse_quote! {
        impl #generics ::std::future::IntoFuture for #self_ty {
            type Output = ::std::result::Result<#body, #support::Error>;
            type IntoFuture = #support::CallFuture<#lifetime, #body>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(async move {
                    self.send().await.map(#support::Response::into_inner)
                })
            }
        }
    })
}

/// Add the `IntoFuture` impls to `items`, each after its builder's inherent
/// impl; returns the builders (`Type`).
fn add(items: &mut Vec<Item>, support: &syn::Path, added: &mut Vec<String>) {
    let mut out = Vec::with_capacity(items.len());
    for item in std::mem::take(items) {
        let extra = match &item {
            Item::Impl(imp) => into_future_impl(imp, support).inspect(|_| {
                added.push(imp.self_ty.to_token_stream().to_string().replace(' ', ""));
            }),
            _ => None,
        };
        out.push(item);
        out.extend(extra);
    }
    *items = out;
}

/// Give every request builder `IntoFuture` (see the module docs). `support`
/// is the Rust path of the hand-written module providing `Response`,
/// `Error` and `CallFuture`.
pub fn into_future(file: &mut syn::File, support: &str) -> Result<Vec<String>, Error> {
    let support: syn::Path = syn::parse_str(support)
        .map_err(|e| Error::new(format!("client error module `{support}`: {e}")))?;
    let mut added = Vec::new();
    add(&mut file.items, &support, &mut added);
    for item in &mut file.items {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            add(items, &support, &mut added);
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn builders_whose_send_answers_a_response_await_to_its_body() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct Get<'a> { client: &'a Client }
                impl<'a> Get<'a> {
                    pub async fn send(self) -> Result<crate::error::Response<::models::Session>, crate::error::Error> {
                        todo!()
                    }
                }
                pub struct Upload<'a> { client: &'a Client }
                impl<'a> Upload<'a> {
                    pub async fn send(self, form: Form) -> Result<crate::error::Response<()>, crate::error::Error> {
                        todo!()
                    }
                }
                pub struct Old;
                impl Old {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                }
            }
        };
        let added = into_future(&mut file, "crate::error").expect("runs");
        assert_eq!(added, ["Get<'a>"]);
        let text = quote!(#file).to_string().replace(' ', "");
        assert!(
            text.contains(
                "impl<'a>::std::future::IntoFutureforGet<'a>{typeOutput=::std::result::Result<::models::Session,crate::error::Error>;\
                 typeIntoFuture=crate::error::CallFuture<'a,::models::Session>;"
            ),
            "{text}"
        );
        assert!(
            text.contains("self.send().await.map(crate::error::Response::into_inner)"),
            "{text}"
        );
        assert_eq!(text.matches("IntoFuture for").count(), 0);
        assert_eq!(text.matches("IntoFuturefor").count(), 1);
    }
}
