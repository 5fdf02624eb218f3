//! Pass `unified-errors` (client): the SDK's own error type.
//!
//! progenitor's operations return `Result<ResponseValue<T>, Error<E>>` with
//! its own `Error`, whose `UnexpectedResponse` holds an unread response and
//! whose `Display` hides timeouts behind "Communication Error". A target with
//! a hand-written client runtime gets every such method (`send()` of the
//! builders, and the pipeline's own manual operations) split in two:
//!
//! - `NAME_raw`, private: progenitor's body, except that success bodies and
//!   documented error responses are handed over unread
//!   (`support::defer(response)`) instead of decoded;
//! - `NAME`, public, same parameters but returning the SDK's own
//!   `support::Response` and `support::Error`: it calls
//!   `support::lift(Box::pin(self.NAME_raw(..)), decoder)`, which decodes success
//!   bodies with the models' decoder (JSON path on failure), reads error
//!   bodies and request ids, and classifies transport errors.
//!
//! The raw future is boxed: async functions store their arguments twice
//! (rust-lang/rust#62958), so nesting one inside the other unboxed doubled
//! the size of every call's future (a request body is inline in it) and
//! overflowed test threads' 2 MiB stacks in debug builds.
//!
//! progenitor's `Error` stays imported for the raw bodies but is no longer
//! re-exported.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

use crate::Error;

/// Split every public async method returning progenitor's
/// `Result<ResponseValue<T>, Error<E>>` as described in the module docs.
/// `support` is the Rust path of the hand-written module providing `Error`,
/// `lift`, `defer`, `decode_json` and `ignore_body`. Returns the methods
/// changed (`Type::method`).
///
/// The builders named in `redirects` (operations that document a 3xx
/// answer, [`redirecting_builders`]) answer `support::Download` through
/// `support::download`: the redirect is a success.
pub fn unified_errors(
    file: &mut syn::File,
    support: &str,
    redirects: &BTreeSet<String>,
) -> Result<Vec<String>, Error> {
    let support: syn::Path = syn::parse_str(support)
        .map_err(|e| Error::new(format!("client error module `{support}`: {e}")))?;
    stop_reexporting_progenitor_error(file);
    let mut changed = Vec::new();
    for item in &mut file.items {
        match item {
            Item::Impl(imp) => split_methods(imp, &support, redirects, &mut changed)?,
            Item::Mod(m) => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    if let Item::Impl(imp) = inner {
                        split_methods(imp, &support, redirects, &mut changed)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// The request builders (progenitor's names: the operationId in
/// UpperCamelCase) of the operations whose responses include a redirect
/// (3xx). Of these, [`unified_errors`] changes only those whose `send`
/// answers a byte stream (downloads).
pub fn redirecting_builders(
    operations: &crate::spec::operation_model::OperationModel,
) -> BTreeSet<String> {
    operations
        .operations
        .iter()
        .filter(|op| op.redirects())
        .filter_map(|op| {
            op.id
                .as_deref()
                .map(heck::ToUpperCamelCase::to_upper_camel_case)
        })
        .collect()
}

/// `pub use progenitor_client::{…, ByteStream, ClientInfo, Error, ResponseValue, …};`
/// loses `Error`, `ResponseValue` and `ByteStream` (the SDK's `Error`,
/// `Response` and `ByteStream` stand for them) and `ClientInfo` (the runtime gives `Client` inherent
/// `baseurl()` and `api_version()`), which are imported privately instead
/// (the raw bodies and progenitor's impls still use them).
fn stop_reexporting_progenitor_error(file: &mut syn::File) {
    let mut found = false;
    for item in &mut file.items {
        let Item::Use(u) = item else { continue };
        if !matches!(u.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let syn::UseTree::Path(p) = &mut u.tree else {
            continue;
        };
        if p.ident != "progenitor_client" {
            continue;
        }
        if let syn::UseTree::Group(g) = &mut *p.tree {
            let before = g.items.len();
            g.items = g
                .items
                .iter()
                .filter(|t| {
                    !matches!(t, syn::UseTree::Name(n)
                        if ["ByteStream", "ClientInfo", "Error", "ResponseValue"]
                            .iter()
                            .any(|name| n.ident == name))
                })
                .cloned()
                .collect();
            found |= g.items.len() != before;
        }
    }
    if found {
        file.items.insert(
            0,
            syn::parse_quote! {
                #[allow(unused_imports)]
                use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            },
        );
    }
    // A group left empty re-exports nothing.
    file.items.retain(|item| {
        !matches!(item, Item::Use(u)
            if matches!(u.vis, syn::Visibility::Public(_))
                && matches!(&u.tree, syn::UseTree::Path(p)
                    if matches!(&*p.tree, syn::UseTree::Group(g) if g.items.is_empty())))
    });
}

/// The `T` of `Result<ResponseValue<T>, Error<E>>`, if `output` is that.
fn progenitor_result(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(p) = &**ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let (ok, err) = (types.next()?, types.next()?);
    let last_ident = |t: &syn::Type| match t {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| (s.ident.to_string(), s.clone())),
        _ => None,
    };
    let (err_name, _) = last_ident(err)?;
    let (ok_name, ok_seg) = last_ident(ok)?;
    if err_name != "Error" || ok_name != "ResponseValue" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(inner) = ok_seg.arguments else {
        return None;
    };
    inner.args.into_iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn split_methods(
    imp: &mut syn::ItemImpl,
    support: &syn::Path,
    redirects: &BTreeSet<String>,
    changed: &mut Vec<String>,
) -> Result<(), Error> {
    if imp.trait_.is_some() {
        return Ok(());
    }
    let self_name = imp.self_ty.to_token_stream().to_string().replace(' ', "");
    let downloads =
        crate::pipeline::syntax::type_ident(&imp.self_ty).is_some_and(|t| redirects.contains(&t));
    // A builder whose body has constraints (pass `validate-before-send`)
    // checks them before anything else.
    let validates = imp
        .items
        .iter()
        .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "validate_body"));
    let mut items = Vec::with_capacity(imp.items.len());
    for member in std::mem::take(&mut imp.items) {
        let ImplItem::Fn(f) = &member else {
            items.push(member);
            continue;
        };
        let public = matches!(f.vis, syn::Visibility::Public(_));
        let body_type = progenitor_result(&f.sig.output);
        let (true, Some(_), Some(body_type)) = (public, f.sig.asyncness, body_type) else {
            items.push(member);
            continue;
        };
        let name = f.sig.ident.clone();
        let raw_ident = format_ident!("{}_raw", name);
        let mut args = Vec::new();
        let mut receiver = false;
        for input in &f.sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => receiver = true,
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(i) => args.push(i.ident.clone()),
                    other => {
                        return Err(Error::at(
                            &format!("{self_name}::{name}"),
                            "",
                            format!(
                                "cannot forward the parameter `{}` to the raw method",
                                other.to_token_stream()
                            ),
                        ));
                    }
                },
            }
        }
        if !receiver {
            return Err(Error::at(
                &format!("{self_name}::{name}"),
                "",
                "operation method without `self`",
            ));
        }

        let mut raw = f.clone();
        raw.sig.ident = raw_ident.clone();
        raw.vis = syn::Visibility::Inherited;
        raw.attrs.retain(|a| !a.path().is_ident("doc"));
        raw.attrs.push(syn::parse_quote! {
            #[doc = " progenitor's body, wrapped by the public method of the same name without `_raw`."]
        });
        Defer { support }.visit_block_mut(&mut raw.block);

        let decoder = decoder_for(&body_type, support);
        let mut public_fn = f.clone();
        public_fn.sig.output = syn::parse_quote! {
            -> Result<#support::Response<#body_type>, #support::Error>
        };
        let streams = type_ident_is(&body_type, "ByteStream");
        let lifted = quote! {
            #support::lift(::std::boxed::Box::pin(self.#raw_ident(#(#args),*)), #decoder).await
        };
        // A documented redirect of a download is a success; any other byte
        // stream is the SDK's own `ByteStream`, not progenitor's.
        let answer = if downloads && streams && name == "send" {
            public_fn.sig.output = syn::parse_quote! {
                -> Result<#support::Response<#support::Download>, #support::Error>
            };
            quote!(#support::download(#lifted))
        } else if streams {
            public_fn.sig.output = syn::parse_quote! {
                -> Result<#support::Response<#support::ByteStream>, #support::Error>
            };
            quote!(#support::bytes(#lifted))
        } else {
            lifted
        };
        public_fn.block = if validates && name == "send" {
            syn::parse_quote! {{
                self.validate_body().map_err(#support::Error::Validation)?;
                #answer
            }}
        } else {
            syn::parse_quote! {{ #answer }}
        };
        items.push(ImplItem::Fn(public_fn));
        items.push(ImplItem::Fn(raw));
        changed.push(format!("{self_name}::{name}"));
    }
    imp.items = items;
    Ok(())
}

fn type_ident_is(ty: &syn::Type, name: &str) -> bool {
    crate::pipeline::syntax::type_ident(ty).as_deref() == Some(name)
}

/// The decoder `lift` uses for a body type: the models' JSON decoder; none
/// for streams and upgrades; a no-op for bodiless responses.
fn decoder_for(body_type: &syn::Type, support: &syn::Path) -> TokenStream {
    let unit = matches!(body_type, syn::Type::Tuple(t) if t.elems.is_empty());
    let stream = crate::pipeline::syntax::type_ident(body_type)
        .is_some_and(|t| t == "ByteStream" || t == "Upgraded");
    if unit {
        quote!(Some(#support::ignore_body))
    } else if stream {
        quote!(None)
    } else {
        quote!(Some(#support::decode_json::<#body_type>))
    }
}

/// Rewrites a raw body: `ResponseValue::from_response(x).await` and
/// `Err(Error::ErrorResponse(..x..))` become `support::defer(x)`.
struct Defer<'a> {
    support: &'a syn::Path,
}

impl Defer<'_> {
    fn call_named<'e>(expr: &'e syn::Expr, name: &str) -> Option<&'e syn::ExprCall> {
        let syn::Expr::Call(call) = expr else {
            return None;
        };
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        (p.path.segments.last()?.ident == name).then_some(call)
    }

    /// The response variable an expression reads (`response`).
    fn response_ident(expr: &syn::Expr) -> Option<syn::Ident> {
        fn find(tokens: TokenStream) -> Option<syn::Ident> {
            for t in tokens {
                match t {
                    proc_macro2::TokenTree::Ident(i) if i == "response" => return Some(i),
                    proc_macro2::TokenTree::Group(g) => {
                        if let Some(i) = find(g.stream()) {
                            return Some(i);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        find(expr.to_token_stream())
    }
}

impl VisitMut for Defer<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let support = self.support;
        // `ResponseValue::from_response(response).await`
        if let syn::Expr::Await(a) = &*expr
            && let Some(call) = Self::call_named(&a.base, "from_response")
            && let Some(arg) = call.args.first()
        {
            let arg = arg.clone();
            *expr = syn::parse_quote!(#support::defer(#arg));
            return;
        }
        // `Err(Error::ErrorResponse(…response…))`
        if let Some(err) = Self::call_named(expr, "Err")
            && let Some(inner) = err.args.first()
            && Self::call_named(inner, "ErrorResponse").is_some()
            && let Some(response) = Self::response_ident(inner)
        {
            *expr = syn::parse_quote!(#support::defer(#response));
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(src: &str) -> syn::File {
        syn::parse_str(src).expect("test input parses")
    }

    fn text(f: &syn::File) -> String {
        prettyplease::unparse(f)
    }

    const BUILDER: &str = r#"
        pub use progenitor_client::{ByteStream, Error, ResponseValue};
        pub mod builder {
            pub struct Get<'a> { client: &'a super::Client }
            impl<'a> Get<'a> {
                /// Sends it.
                pub async fn send(self) -> Result<ResponseValue<crate::Session>, Error<()>> {
                    let Self { client } = self;
                    let info = OperationInfo { operation_id: "session_get" };
                    let response = client.exec(request, &info).await?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        401u16 => Err(Error::ErrorResponse(ResponseValue::empty(response))),
                        204u16 => Ok(ResponseValue::empty(response)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub fn id(self) -> Self { self }
            }
        }
        impl Client {
            pub async fn upload(&self, id: &str, form: Form) -> Result<ResponseValue<ByteStream>, Error<()>> {
                todo!()
            }
            pub async fn other(&self) -> Result<u8, String> { todo!() }
        }
    "#;

    #[test]
    fn send_is_split_into_a_raw_body_and_a_lifting_wrapper() {
        let mut f = file(BUILDER);
        let changed = unified_errors(&mut f, "crate::error", &BTreeSet::new()).expect("splits");
        assert_eq!(changed, ["Get<'a>::send", "Client::upload"]);
        let out = text(&f);
        // Compared without whitespace: prettyplease wraps long lines.
        let flat: String = out.split_whitespace().collect();
        let has = |needle: &str| {
            let needle: String = needle.split_whitespace().collect();
            assert!(flat.contains(&needle), "`{needle}` missing from:\n{out}");
        };
        // progenitor's types are imported privately; nothing of it is re-exported.
        has("use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};");
        assert!(!flat.contains("pubuseprogenitor_client"), "{out}");
        has(
            "pub async fn send(self,) -> Result<crate::error::Response<crate::Session>, crate::error::Error>",
        );
        has(
            "crate::error::lift(::std::boxed::Box::pin(self.send_raw()), \
             Some(crate::error::decode_json::<crate::Session>),)",
        );
        has("async fn send_raw(self)");
        has("200u16 => crate::error::defer(response)");
        has("401u16 => crate::error::defer(response)");
        // Bodiless and unexpected responses keep progenitor's handling.
        has("204u16 => Ok(ResponseValue::empty(response))");
        has("_ => Err(Error::UnexpectedResponse(response))");
        // Parameters are forwarded; streams get no decoder and answer the
        // SDK's `ByteStream`.
        has("pub async fn upload(&self, id: &str, form: Form,) \
             -> Result<crate::error::Response<crate::error::ByteStream>, crate::error::Error>");
        has(
            "crate::error::bytes(crate::error::lift(::std::boxed::Box::pin(self.upload_raw(id, form)), None).await,)",
        );
        // Methods that are not operations are left alone.
        has("pub async fn other(&self) -> Result<u8, String>");
        has("pub fn id(self) -> Self");
    }

    #[test]
    fn a_documented_redirect_of_a_download_is_a_success() {
        let src = r#"
            pub mod builder {
                pub struct Recording<'a> { client: &'a super::Client }
                impl<'a> Recording<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> { todo!() }
                }
                pub struct Other<'a> { client: &'a super::Client }
                impl<'a> Other<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> { todo!() }
                }
            }
        "#;
        let mut f = file(src);
        let redirects = BTreeSet::from(["Recording".to_string()]);
        unified_errors(&mut f, "crate::error", &redirects).expect("splits");
        // Whitespace and wrapped lists' trailing commas aside.
        let flat: String = text(&f)
            .split_whitespace()
            .collect::<String>()
            .replace(",>", ">")
            .replace(",)", ")");
        assert!(
            flat.contains("Result<crate::error::Response<crate::error::Download>,crate::error::Error>{crate::error::download(crate::error::lift(::std::boxed::Box::pin(self.send_raw()),None).await)"),
            "{flat}"
        );
        // A download without a documented redirect answers its bytes, as
        // the SDK's `ByteStream`.
        assert!(
            flat.contains(
                "Result<crate::error::Response<crate::error::ByteStream>,crate::error::Error>{crate::error::bytes(crate::error::lift("
            ),
            "{flat}"
        );
        let doc = serde_json::json!({"paths": {"/r": {"get": {"operationId": "Call_recording",
            "responses": {"200": {}, "302": {"description": "to the file"}}}},
            "/o": {"get": {"operationId": "other", "responses": {"200": {}}}}}});
        assert_eq!(
            redirecting_builders(&crate::spec::operation_model::OperationModel::of(&doc)),
            BTreeSet::from(["CallRecording".to_string()])
        );
    }

    #[test]
    fn parameters_that_cannot_be_forwarded_are_reported() {
        let mut f = file(
            "impl Client { pub async fn f(&self, (a, b): (u8, u8)) -> Result<ResponseValue<()>, Error<()>> { todo!() } }",
        );
        let e =
            unified_errors(&mut f, "crate::error", &BTreeSet::new()).expect_err("a tuple pattern");
        assert!(e.to_string().contains("Client::f"), "{e}");
    }
}
