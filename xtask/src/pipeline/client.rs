//! Stage 4, **generate client**: progenitor over the normalized document, with
//! every component replaced by the models crate's type, so no type is defined
//! twice. Only schemas written inline in operations (none in `openapi/`) are
//! generated into the client's `types` module.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::pipeline::models::json_pointer_of;
use crate::{Error, catch_panic};

/// Parse a normalized document as OpenAPI 3.0, naming the JSON pointer of the
/// first thing that does not fit.
pub fn parse_openapi(doc: &Value) -> Result<OpenAPI, Error> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let pointer = json_pointer_of(&e.path().to_string());
        let component = pointer
            .strip_prefix("/components/schemas/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("document");
        Error::at(
            component,
            &pointer,
            format!("not valid OpenAPI 3.0: {}", e.inner()),
        )
    })
}

/// progenitor settings: builder-style operations (the list operation has
/// fifteen optional query parameters), one `Client`, hooks implemented by
/// hand-written code beside the generated file.
/// `runtime`: the Rust path of the hand-written type that implements the
/// client's hooks (auth, retries, tracing); `None` leaves progenitor's
/// default hooks (standalone workspaces).
pub fn settings(
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
) -> Result<GenerationSettings, Error> {
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    if let Some(runtime) = runtime {
        let ty: syn::Type = syn::parse_str(runtime)
            .map_err(|e| Error::new(format!("client runtime type `{runtime}`: {e}")))?;
        s.with_inner_type(quote::quote!(#ty))
            .with_hooks(HooksMode::Expected);
    }
    let krate = models_crate.replace('-', "_");
    for rust_name in names.values() {
        s.with_replacement(
            rust_name,
            format!("::{krate}::{rust_name}"),
            std::iter::empty(),
        );
    }
    Ok(s)
}

/// Run progenitor over `doc`, reusing the models' types; `runtime` as in
/// [`settings`].
pub fn generate(
    doc: &Value,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
) -> Result<TokenStream, Error> {
    with_generator(
        doc,
        models_crate,
        names,
        runtime,
        "the client",
        Generator::generate_tokens,
    )
}

/// Run `f` with a progenitor generator set up for `doc` (the models' types,
/// `runtime`), turning its errors and panics into errors about `what`.
fn with_generator(
    doc: &Value,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
    what: &str,
    f: impl FnOnce(&mut Generator, &OpenAPI) -> Result<TokenStream, progenitor_impl::Error>,
) -> Result<TokenStream, Error> {
    let spec = parse_openapi(doc)?;
    let settings = settings(models_crate, names, runtime)?;
    catch_panic(&format!("progenitor ({what})"), || {
        let mut generator = Generator::new(&settings);
        f(&mut generator, &spec)
            .map_err(|e| Error::new(format!("progenitor cannot generate {what}: {e}")))
    })
}

/// Where the httpmock helpers' `use` statement finds the client's items
/// (its `types` module): the helpers are `generated/httpmock.rs`, declared
/// from `generated/mod.rs`, so the client's module is two levels up from
/// their `operations` module, whatever the crate calls `generated`.
pub const HTTPMOCK_CLIENT_PATH: &str = "super::super";

/// progenitor's typed [httpmock](https://docs.rs/httpmock) helpers for the
/// operations of `doc`: per operation a `When`/`Then` pair whose methods
/// take the operation's parameter and response types (the models' types,
/// through the same replacements as [`generate`]), and a `MockServerExt`
/// trait with one method per operation. Operations progenitor cannot express
/// ([`take_unsupported`]) have none.
pub fn httpmock(
    doc: &Value,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
) -> Result<TokenStream, Error> {
    with_generator(
        doc,
        models_crate,
        names,
        runtime,
        "the httpmock helpers",
        |g, spec| g.httpmock(spec, HTTPMOCK_CLIENT_PATH),
    )
}

/// Request content types progenitor 0.15 can send.
pub const PROGENITOR_CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

/// The request body of a [`ManualOp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManualBody {
    /// No body.
    None,
    /// `multipart/form-data`: the caller passes a `reqwest::multipart::Form`.
    Multipart,
    /// A JSON body of this Rust type.
    Json(String),
}

/// An operation progenitor cannot express, generated by [`manual_operations`]
/// instead of being dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualOp {
    /// `operationId`.
    pub id: String,
    /// HTTP method, lower case.
    pub method: String,
    /// Path template, e.g. `/file/{id}`.
    pub path: String,
    /// Why progenitor cannot take it.
    pub reason: String,
    /// Summary for the doc comment.
    pub summary: String,
    /// The request body.
    pub body: ManualBody,
    /// The Rust type of the success body when every success status has the
    /// same one; `None`: the body is decoded as `serde_json::Value` (`Null`
    /// when empty).
    pub response: Option<String>,
}

/// The Rust type for a schema: the model for a component reference,
/// `serde_json::Value` otherwise.
fn rust_type_of(
    schema: Option<&Value>,
    models_crate: &str,
    names: &BTreeMap<String, String>,
) -> String {
    let krate = models_crate.replace('-', "_");
    schema
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(crate::pipeline::load::COMPONENT_REF))
        .and_then(|n| names.get(n))
        .map_or_else(
            || "::serde_json::Value".to_string(),
            |rust| format!("::{krate}::{rust}"),
        )
}

/// Remove from `doc` the operations progenitor 0.15 cannot express and return
/// them for [`manual_operations`]: a request body with no content type it can
/// send (e.g. only `multipart/form-data`), or success responses with different
/// bodies (progenitor asserts there is at most one). An operation that is
/// also beyond the manual generator (query or header parameters) is an error
/// naming it: nothing is dropped silently.
pub fn take_unsupported(
    doc: &mut Value,
    models_crate: &str,
    names: &BTreeMap<String, String>,
) -> Result<Vec<ManualOp>, Error> {
    let mut out = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(out);
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let methods: Vec<String> = item
            .keys()
            .filter(|k| crate::spec::METHODS.contains(&k.as_str()))
            .cloned()
            .collect();
        for method in methods {
            let Some(op) = item.get(&method) else {
                continue;
            };
            let content = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object);
            let multipart_only = content.is_some_and(|c| {
                !c.keys().any(|m| {
                    PROGENITOR_CONTENT_TYPES.contains(&m.split(';').next().unwrap_or(m).trim())
                })
            });
            let success: Vec<(String, Option<Value>)> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(code, _)| code.starts_with('2'))
                .map(|(code, r)| {
                    let schema = r
                        .get("content")
                        .and_then(Value::as_object)
                        .and_then(|c| c.values().next())
                        .and_then(|m| m.get("schema"))
                        .cloned();
                    (code.clone(), schema)
                })
                .collect();
            let mut distinct: Vec<&Option<Value>> = success.iter().map(|(_, s)| s).collect();
            distinct.dedup();
            let multi_success = distinct.len() > 1;
            if !multipart_only && !multi_success {
                continue;
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let reason = if multipart_only {
                format!(
                    "request body is {}",
                    content
                        .map(|c| c.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_default()
                )
            } else {
                format!(
                    "success responses {} have different bodies",
                    success
                        .iter()
                        .map(|(c, _)| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let non_path: Vec<&str> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|p| p.get("in").and_then(Value::as_str) != Some("path"))
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .collect();
            if !non_path.is_empty() {
                return Err(Error::at(
                    &id,
                    &crate::spec::operation_pointer(path, &method),
                    format!(
                        "progenitor cannot express this operation ({reason}) and the manual generator does not take its parameters {non_path:?}"
                    ),
                ));
            }
            let body = if multipart_only {
                ManualBody::Multipart
            } else if let Some(c) = content {
                ManualBody::Json(rust_type_of(
                    c.get("application/json").and_then(|m| m.get("schema")),
                    models_crate,
                    names,
                ))
            } else {
                ManualBody::None
            };
            let response = match distinct.as_slice() {
                [Some(schema)] => Some(rust_type_of(Some(schema), models_crate, names)),
                [None] => Some("()".to_string()),
                _ => None,
            };
            out.push(ManualOp {
                id,
                method: method.clone(),
                path: path.clone(),
                reason,
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                body,
                response,
            });
            item.remove(&method);
        }
    }
    Ok(out)
}

/// `impl Client` methods for the operations progenitor cannot express.
pub fn manual_operations(ops: &[ManualOp]) -> Result<TokenStream, Error> {
    use quote::{format_ident, quote};
    let mut methods = Vec::new();
    for op in ops {
        let fn_name = format_ident!("{}", heck::ToSnakeCase::to_snake_case(op.id.as_str()));
        let params: Vec<String> = crate::spec::template_params(&op.path)
            .map(str::to_string)
            .collect();
        let param_idents: Vec<_> = params
            .iter()
            .map(|p| format_ident!("{}", heck::ToSnakeCase::to_snake_case(p.as_str())))
            .collect();
        let mut fmt = op.path.clone();
        for p in &params {
            fmt = fmt.replace(&format!("{{{p}}}"), "{}");
        }
        let fmt = format!("{{}}{fmt}");
        let method = format_ident!("{}", op.method.to_lowercase());
        let parse = |ty: &str| -> Result<syn::Type, Error> {
            syn::parse_str(ty)
                .map_err(|e| Error::at(&op.id, "", format!("bad Rust type {ty}: {e}")))
        };
        let (body_param, body_call, body_doc) = match &op.body {
            ManualBody::None => (quote!(), quote!(), ""),
            ManualBody::Multipart => (
                quote!(form: ::reqwest::multipart::Form,),
                quote!(.multipart(form)),
                " The body is `multipart/form-data`: build it with `reqwest::multipart::Form`.",
            ),
            ManualBody::Json(ty) => {
                let ty = parse(ty)?;
                (quote!(body: &#ty,), quote!(.json(body)), "")
            }
        };
        let (ret, decode) = match op.response.as_deref() {
            Some("()") => (quote!(()), quote!(Ok(ResponseValue::empty(response)))),
            Some(ty) => {
                let ty = parse(ty)?;
                (
                    quote!(#ty),
                    quote!(ResponseValue::from_response(response).await),
                )
            }
            None => (
                quote!(::serde_json::Value),
                quote! {{
                    let status = response.status();
                    let headers = response.headers().clone();
                    let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
                    let value = if bytes.is_empty() {
                        ::serde_json::Value::Null
                    } else {
                        ::serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponsePayload(bytes.clone(), e))?
                    };
                    Ok(ResponseValue::new(value, status, headers))
                }},
            ),
        };
        let doc = format!(
            "{}\n\nSends a `{}` request to `{}`.{body_doc}\n\n\
             Generated by the pipeline, not progenitor: {}.",
            op.summary,
            op.method.to_uppercase(),
            op.path,
            op.reason
        );
        let op_name = fn_name.to_string();
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #fn_name(
                &self,
                #( #param_idents: &str, )*
                #body_param
            ) -> Result<ResponseValue<#ret>, Error<()>> {
                let url = format!(#fmt, self.baseurl, #( encode_path(#param_idents), )*);
                let mut request = self
                    .client
                    .#method(url)
                    .header(::reqwest::header::ACCEPT, "application/json")
                    #body_call
                    .build()?;
                // Through the client's hooks, like progenitor's operations
                // (auth, retries, tracing).
                let info = OperationInfo { operation_id: #op_name };
                self.pre(&mut request, &info).await?;
                let result = self.exec(request, &info).await;
                self.post(&result, &info).await?;
                let response = result.map_err(Error::CommunicationError)?;
                if response.status().is_success() {
                    #decode
                } else {
                    Err(Error::UnexpectedResponse(response))
                }
            }
        });
    }
    if methods.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote! {
        /// Operations progenitor cannot express (see each method), generated
        /// by the pipeline's client stage.
        impl Client {
            #( #methods )*
        }
    })
}
