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
use crate::spec::operation_model::{Location, OperationModel};
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

/// Run progenitor over `spec` (the normalized document without the
/// operations it cannot express, parsed once by [`parse_openapi`]), reusing
/// the models' types; `runtime` as in [`settings`].
pub fn generate(
    spec: &OpenAPI,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
) -> Result<TokenStream, Error> {
    with_generator(
        spec,
        models_crate,
        names,
        runtime,
        "the client",
        Generator::generate_tokens,
    )
}

/// Run `f` with a progenitor generator set up for `spec` (the models' types,
/// `runtime`), turning its errors and panics into errors about `what`.
fn with_generator(
    spec: &OpenAPI,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
    what: &str,
    f: impl FnOnce(&mut Generator, &OpenAPI) -> Result<TokenStream, progenitor_impl::Error>,
) -> Result<TokenStream, Error> {
    let settings = settings(models_crate, names, runtime)?;
    catch_panic(&format!("progenitor ({what})"), || {
        let mut generator = Generator::new(&settings);
        f(&mut generator, spec)
            .map_err(|e| Error::new(format!("progenitor cannot generate {what}: {e}")))
    })
}

/// Where the httpmock helpers' `use` statement finds the client's items
/// (its `types` module): the helpers are `generated/httpmock.rs`, declared
/// from `generated/mod.rs`, so the client's module is two levels up from
/// their `operations` module, whatever the crate calls `generated`.
pub const HTTPMOCK_CLIENT_PATH: &str = "super::super";

/// progenitor's typed [httpmock](https://docs.rs/httpmock) helpers for the
/// operations of `spec`: per operation a `When`/`Then` pair whose methods
/// take the operation's parameter and response types (the models' types,
/// through the same replacements as [`generate`]), and a `MockServerExt`
/// trait with one method per operation. Operations progenitor cannot express
/// ([`take_unsupported`]) have none.
pub fn httpmock(
    spec: &OpenAPI,
    models_crate: &str,
    names: &BTreeMap<String, String>,
    runtime: Option<&str>,
) -> Result<TokenStream, Error> {
    with_generator(
        spec,
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
    /// `multipart/form-data`, with the fields its schema declares (in their
    /// order): each gets a setter on the builder.
    Multipart(Vec<FormPart>),
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

/// The names a manual builder's fields and methods take for itself (and
/// the passes add: `send_raw`, `validate_body`): no path parameter or form
/// field may take one.
const BUILDER_NAMES: &[&str] = &[
    "client",
    "send",
    "send_raw",
    "new",
    "form",
    "body",
    "into_future",
    "validate_body",
];

/// One field of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The form field's name.
    pub name: String,
    /// The builder's setter (snake case).
    pub setter: String,
    /// A file (`format: binary`): the setter takes the runtime's `FilePart`;
    /// otherwise a string.
    pub binary: bool,
    /// The schema requires it: the resource method takes it as an argument.
    pub required: bool,
    /// The property's description.
    pub description: String,
}

/// The form fields of a multipart body schema (a component reference or an
/// inline object); none when it has no properties.
fn form_parts(schemas: &Value, schema: Option<&Value>, reserved: &[String]) -> Vec<FormPart> {
    let resolved = schema.and_then(|s| match s.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix(crate::spec::COMPONENT_REF)
            .and_then(|n| schemas.get(n)),
        None => Some(s),
    });
    let Some(schema) = resolved else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut setters = std::collections::BTreeSet::new();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, property)| {
            let setter = heck::ToSnakeCase::to_snake_case(name.as_str());
            let plain = setter.starts_with(|c: char| c.is_ascii_lowercase())
                && setter
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && syn::parse_str::<syn::Ident>(&setter).is_ok();
            // A name that is no identifier, a builder method's, a path
            // parameter's, or one that reads like another in snake case:
            // left to the builder's `form` escape hatch.
            if !plain
                || BUILDER_NAMES.contains(&setter.as_str())
                || reserved.contains(&setter)
                || !setters.insert(setter.clone())
            {
                return None;
            }
            let binary = property.get("format").and_then(Value::as_str) == Some("binary");
            Some(FormPart {
                name: name.clone(),
                setter,
                binary,
                required: required.contains(&name.as_str()),
                description: property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect()
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
        .and_then(|r| r.strip_prefix(crate::spec::COMPONENT_REF))
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
    operations: &OperationModel,
    models_crate: &str,
    names: &BTreeMap<String, String>,
) -> Result<Vec<ManualOp>, Error> {
    let mut out = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for op in &operations.operations {
        let content = op
            .body
            .as_ref()
            .map(|b| b.content.as_slice())
            .filter(|c| !c.is_empty());
        let multipart_only = content.is_some_and(|c| {
            !c.iter().any(|m| {
                let base = m.content_type.split(';').next().unwrap_or_default().trim();
                PROGENITOR_CONTENT_TYPES.contains(&base)
            })
        });
        let success: Vec<(&str, Option<&Value>)> = op
            .successes()
            .map(|r| {
                let schema = r.content.first().and_then(|m| m.schema.as_ref());
                (r.status.as_str(), schema)
            })
            .collect();
        let mut distinct: Vec<Option<&Value>> = success.iter().map(|(_, s)| *s).collect();
        distinct.dedup();
        let multi_success = distinct.len() > 1;
        if !multipart_only && !multi_success {
            continue;
        }
        let id = op.id.clone().unwrap_or_default();
        let reason = if multipart_only {
            format!(
                "request body is {}",
                content
                    .unwrap_or_default()
                    .iter()
                    .map(|m| m.content_type.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "success responses {} have different bodies",
                success
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let non_path: Vec<&str> = op
            .parameters
            .iter()
            .filter(|p| p.location != Location::Path)
            .map(|p| p.name.as_str())
            .collect();
        if !non_path.is_empty() {
            return Err(Error::at(
                &id,
                &op.pointer,
                format!(
                    "progenitor cannot express this operation ({reason}) and the manual generator does not take its parameters {non_path:?}"
                ),
            ));
        }
        let path_params: Vec<String> = crate::spec::template_params(&op.path)
            .map(heck::ToSnakeCase::to_snake_case)
            .collect();
        if let Some(bad) = path_params.iter().find(|p| {
            BUILDER_NAMES.contains(&p.as_str()) || syn::parse_str::<syn::Ident>(p).is_err()
        }) {
            return Err(Error::at(
                &id,
                &op.pointer,
                format!(
                    "the path parameter `{bad}` cannot name a setter of the operation's builder (a Rust keyword, or one of {BUILDER_NAMES:?})"
                ),
            ));
        }
        let media = |prefix: &str| {
            content
                .unwrap_or_default()
                .iter()
                .find(|m| m.content_type.starts_with(prefix))
        };
        let form = media("multipart/form-data").map(|m| m.schema.as_ref());
        if multipart_only && form.is_none() {
            return Err(Error::at(
                &id,
                &op.pointer,
                format!("{reason}: neither progenitor nor the manual generator can send it"),
            ));
        }
        let body = if let (true, Some(schema)) = (multipart_only, form) {
            ManualBody::Multipart(form_parts(&schemas, schema, &path_params))
        } else if content.is_some() {
            let json = content
                .unwrap_or_default()
                .iter()
                .find(|m| m.content_type == "application/json");
            ManualBody::Json(rust_type_of(
                json.and_then(|m| m.schema.as_ref()),
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
            method: op.method.clone(),
            path: op.path.clone(),
            reason,
            summary: op.summary.clone(),
            body,
            response,
        });
        // progenitor is given the document without it.
        if let Some(item) = doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(&op.path))
            .and_then(Value::as_object_mut)
        {
            item.remove(&op.method);
        }
    }
    Ok(out)
}

/// The request builders of the operations progenitor cannot express, in a
/// module `manual` beside progenitor's `builder`, and the `Client` methods
/// that start them. Each builder is shaped like progenitor's: a setter per
/// path parameter, `body` for a JSON body, a setter per form field of a
/// `multipart/form-data` body (a file field takes the runtime's
/// `upload::FilePart`, any other a string; `form` replaces the whole form),
/// and `send()`, which the passes turn into the SDK's call (`unified-errors`,
/// `into-future`) like progenitor's.
pub fn manual_operations(ops: &[ManualOp]) -> Result<TokenStream, Error> {
    use quote::{format_ident, quote};
    let mut starters = Vec::new();
    let mut builders = Vec::new();
    for op in ops {
        let fn_name = format_ident!("{}", heck::ToSnakeCase::to_snake_case(op.id.as_str()));
        let builder = format_ident!(
            "{}",
            heck::ToUpperCamelCase::to_upper_camel_case(op.id.as_str())
        );
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
        let mut fields = vec![quote!(client: &'a super::Client)];
        let mut inits = vec![quote!(client)];
        let mut names = vec![quote!(client)];
        let mut setters = Vec::new();
        let mut take = Vec::new();
        for p in &param_idents {
            let missing = format!("{p} was not set");
            fields.push(
                quote!(#p: ::std::result::Result<::std::string::String, ::std::string::String>),
            );
            inits.push(quote!(#p: ::std::result::Result::Err(#missing.to_string())));
            names.push(quote!(#p));
            let doc = format!(" The path parameter `{p}`.");
            setters.push(quote! {
                #[doc = #doc]
                pub fn #p(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.#p = ::std::result::Result::Ok(value.into());
                    self
                }
            });
            take.push(quote!(let #p = #p.map_err(Error::InvalidRequest)?;));
        }
        let mut body_call = quote!();
        let mut body_doc = "";
        match &op.body {
            ManualBody::None => {}
            ManualBody::Json(ty) => {
                let ty = parse(ty)?;
                fields.push(quote!(body: ::std::result::Result<#ty, ::std::string::String>));
                inits
                    .push(quote!(body: ::std::result::Result::Err("body was not set".to_string())));
                names.push(quote!(body));
                setters.push(quote! {
                    /// The JSON body.
                    pub fn body(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.body = ::std::result::Result::Ok(value.into());
                        self
                    }
                });
                take.push(quote!(let body = body.map_err(Error::InvalidRequest)?;));
                body_call = quote!(.json(&body));
            }
            ManualBody::Multipart(parts) => {
                body_doc = " The body is `multipart/form-data`: a setter per form field (a file takes a \
                            `FilePart`), or `form` for a whole `reqwest::multipart::Form`.";
                fields.push(quote!(form: ::std::option::Option<::reqwest::multipart::Form>));
                inits.push(quote!(form: ::std::option::Option::None));
                names.push(quote!(form));
                setters.push(quote! {
                    /// The whole form, in place of the fields' setters (for
                    /// fields the spec does not declare).
                    pub fn form(mut self, form: ::reqwest::multipart::Form) -> Self {
                        self.form = ::std::option::Option::Some(form);
                        self
                    }
                });
                let mut add = Vec::new();
                for part in parts {
                    let setter = format_ident!("{}", part.setter);
                    let name = &part.name;
                    names.push(quote!(#setter));
                    let mut doc = format!(" The form field `{name}`");
                    if part.required {
                        doc.push_str(" (required)");
                    }
                    doc.push('.');
                    if !part.description.is_empty() {
                        doc.push(' ');
                        doc.push_str(&part.description);
                    }
                    let (ty, value) = if part.binary {
                        (
                            quote!(crate::upload::FilePart),
                            quote!(#setter.into_part().map_err(Error::InvalidRequest)?),
                        )
                    } else {
                        (quote!(::std::string::String), quote!(#setter))
                    };
                    fields.push(quote!(#setter: ::std::option::Option<#ty>));
                    inits.push(quote!(#setter: ::std::option::Option::None));
                    setters.push(quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                            self.#setter = ::std::option::Option::Some(value.into());
                            self
                        }
                    });
                    let set = if part.binary {
                        quote!(form = form.part(#name, #value);)
                    } else {
                        quote!(form = form.text(#name, #value);)
                    };
                    if part.required {
                        let missing = format!("{name} was not set");
                        add.push(quote! {
                            match #setter {
                                ::std::option::Option::Some(#setter) => { #set }
                                ::std::option::Option::None if !__whole => {
                                    return ::std::result::Result::Err(Error::InvalidRequest(#missing.to_string()));
                                }
                                ::std::option::Option::None => {}
                            }
                        });
                    } else {
                        add.push(quote! {
                            if let ::std::option::Option::Some(#setter) = #setter { #set }
                        });
                    }
                }
                let whole = parts
                    .iter()
                    .any(|p| p.required)
                    .then(|| quote!(let __whole = form.is_some();));
                let form_binding = if parts.is_empty() {
                    quote!(form)
                } else {
                    quote!(mut form)
                };
                take.push(quote! {
                    #whole
                    let #form_binding = form.unwrap_or_default();
                    #( #add )*
                });
                body_call = quote!(.multipart(form));
            }
        }
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
        let builder_doc = format!(" Builder for [`super::Client::{fn_name}`].");
        let op_name = fn_name.to_string();
        let send_doc = format!(
            " Sends a `{}` request to `{}`.",
            op.method.to_uppercase(),
            op.path
        );
        starters.push(quote! {
            #[doc = #doc]
            pub fn #fn_name(&self) -> manual::#builder<'_> {
                manual::#builder::new(self)
            }
        });
        builders.push(quote! {
            #[doc = #builder_doc]
            #[derive(Debug)]
            pub struct #builder<'a> {
                #( #fields, )*
            }
            impl<'a> #builder<'a> {
                pub(crate) fn new(client: &'a super::Client) -> Self {
                    Self { #( #inits, )* }
                }
                #( #setters )*
                #[doc = #send_doc]
                pub async fn send(self) -> Result<ResponseValue<#ret>, Error<()>> {
                    let Self { #( #names, )* } = self;
                    #( #take )*
                    let url = format!(#fmt, client.baseurl, #( encode_path(&#param_idents), )*);
                    let mut request = client
                        .client
                        .#method(url)
                        .header(::reqwest::header::ACCEPT, "application/json")
                        #body_call
                        .build()?;
                    // Through the client's hooks, like progenitor's operations
                    // (auth, retries, tracing).
                    let info = OperationInfo { operation_id: #op_name };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result.map_err(Error::CommunicationError)?;
                    if response.status().is_success() {
                        #decode
                    } else {
                        Err(Error::UnexpectedResponse(response))
                    }
                }
            }
        });
    }
    let starters = (!starters.is_empty()).then(|| {
        quote! {
            /// Operations progenitor cannot express (see each method), generated
            /// by the pipeline's client stage.
            impl Client {
                #( #starters )*
            }
        }
    });
    // The module is there (empty) for a document without such operations
    // too, so the facade's re-export does not depend on the document.
    Ok(quote! {
        #starters
        /// The request builders of the operations progenitor cannot express
        /// (generated by the pipeline's client stage, shaped like
        /// progenitor's `builder`).
        pub mod manual {
            #[allow(unused_imports)]
            use super::{encode_path, ClientHooks, Error, OperationInfo, ResponseValue};
            #( #builders )*
        }
    })
}
