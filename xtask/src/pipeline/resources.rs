//! Stage **resources**: the SDK's resource API, generated from the operation
//! model (the normalized document, typify's names, the client stage's manual
//! operations) into the client crate's `generated/resources.rs`.
//!
//! Every operation belongs to exactly one resource: `client.sessions()`
//! returns a `Sessions<'_>` handle whose methods (`create(body)`, `list()`,
//! `get(id)`, `update(id, body)`, `delete(id)`, …) take the required path
//! parameters and the required body as arguments and return progenitor's
//! request builder with them set, so optional parameters stay setters and
//! `.await` (or `.send()`) runs the call through the same hooks, errors and
//! validation.
//! Operations progenitor cannot express are forwarded as they are (async
//! methods with positional arguments).
//!
//! The resource comes from the operation's first tag (else the first path
//! segment), named as the conventions say (`resourceNames`: plural by
//! default); the method name from the conventions' verb table, else the
//! snake_case of the verb ([`crate::spec::conventions`]: data in
//! `openapi/overrides.json`, not code). Both can be set per operation with
//! the vendor extension `x-cozmox-sdk: {"resource": …, "method": …}`, which
//! normalization writes from the overrides' renames. Name collisions inside a
//! resource are resolved by the verb table's order, then document order, and
//! reported by `generate`. A list pages as its extension's `pagination`
//! says (inferred by normalization rule `infer-pagination`), checked against
//! the document ([`crate::spec::pagination::shape`]).
//!
//! From the same plan, [`every_method`] writes `generated/every_method.rs`:
//! one call of every method as documented, which the client's
//! `every_method` example compiles.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{ToTokens as _, format_ident, quote};
use serde_json::Value;

use super::client::{ManualBody, ManualOp};
use super::target::Target;
use crate::Error;
use crate::spec::COMPONENT_REF;
use crate::spec::conventions::{Conventions, Paging, ResourceNames, SDK_EXTENSION};
use crate::spec::names::{KEYWORDS, field_name};
use crate::spec::operation_model::{Location, OperationModel};
use crate::spec::pagination::{Field, Item, Shape};

/// Methods of progenitor's `Client` (and the runtime's) that a resource
/// accessor must not shadow.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "inner",
    "builder",
    "from_env",
    "with_retry_policy",
    "with_deadline",
];

/// One operation, as the resource layer exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMethod {
    /// The operation's id.
    pub operation_id: String,
    /// `GET`, `POST`…
    pub http_method: String,
    /// The path template.
    pub path: String,
    /// The method's name on the resource handle.
    pub name: String,
    /// The operation's summary.
    pub summary: String,
    /// Required path parameters: (progenitor's setter name, Rust type).
    pub path_params: Vec<(String, ParamType)>,
    /// The required JSON body's Rust type (a model), if any.
    pub body: Option<syn::Path>,
    /// Whether the client stage generated the operation (no builder).
    pub manual: bool,
    /// The body argument of such an operation.
    pub manual_body: Option<ManualBody>,
    /// How its pages read, when it is a paginated list.
    pub pagination: Option<Pagination>,
}

impl ResourceMethod {
    /// progenitor's request builder type of the operation (`SessionControllerFindOne`).
    pub fn builder_type(&self) -> String {
        self.operation_id.to_upper_camel_case()
    }

    /// Whether the resource method takes arguments: path parameters, a
    /// body, or the required fields of a form.
    pub fn takes_arguments(&self) -> bool {
        !self.path_params.is_empty()
            || self.body.is_some()
            || match &self.manual_body {
                Some(ManualBody::Json(_)) => true,
                Some(ManualBody::Multipart(parts)) => parts.iter().any(|p| p.required),
                Some(ManualBody::None) | None => false,
            }
    }

    /// A bare method for tests: no parameters, body or pagination.
    #[cfg(test)]
    pub(crate) fn bare(operation_id: &str, http_method: &str, path: &str, name: &str) -> Self {
        ResourceMethod {
            operation_id: operation_id.into(),
            http_method: http_method.into(),
            path: path.into(),
            name: name.into(),
            summary: String::new(),
            path_params: Vec::new(),
            body: None,
            manual: false,
            manual_body: None,
            pagination: None,
        }
    }

    /// `GET /session/{id}`, as [`crate::spec::Operation::route`] writes it.
    pub fn route(&self) -> String {
        crate::spec::route(&self.http_method, &self.path)
    }
}

/// A path parameter's Rust type, as the resource layer takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// `String`: any string is an argument.
    String,
    /// `uuid::Uuid` (the argument is anything that converts to one).
    Uuid,
    /// Another type (a model, a number): its path.
    Other(syn::Path),
}

impl ParamType {
    /// The Rust type.
    pub fn rust(&self) -> syn::Type {
        match self {
            ParamType::String => syn::parse_quote!(::std::string::String),
            ParamType::Uuid => syn::parse_quote!(::uuid::Uuid),
            ParamType::Other(path) => syn::Type::Path(syn::TypePath {
                qself: None,
                path: path.clone(),
            }),
        }
    }
}

/// `a::b::C` (no leading `::`, no generics), for an example in the docs.
fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// How the response of a paginated list reads: Rust expressions over the
/// decoded page (`page`) and an item (`item`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The builder's setter (and field) for the page number (`page`);
    /// `None` for a time-cursor list.
    pub page_field: Option<syn::Ident>,
    /// The builder's setter (and field) for the page size (`limit`).
    pub limit_field: syn::Ident,
    /// A time-cursor list's cursor: how the next query is made from the
    /// last item of a page.
    pub cursor: Option<TimeCursor>,
    /// The item type.
    pub item: syn::Path,
    /// The field holding the items (`results`); `None` when the response is
    /// the array of items itself.
    pub items_field: Option<syn::Ident>,
    /// `Option<u64>`: the list's total, from the paging metadata.
    pub total: syn::Expr,
    /// `Option<String>`: an item's identity.
    pub key: syn::Expr,
}

/// How a time-cursor list asks for its next page: the builder's setter of
/// the inclusive upper bound (`created_at_le`), given the last item's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeCursor {
    /// The bound's setter.
    pub bound_field: syn::Ident,
    /// The last item (`last`)'s time, as the setter takes it: an expression
    /// that may end the query with `?` (`None`: no time to go on from).
    pub last_time: syn::Expr,
}

/// One resource: its handle type, its accessor on `Client`, its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Where it came from: the tag, the path segment or the extension.
    pub label: String,
    /// The handle type (`PhoneNumbers`).
    pub type_name: String,
    /// The accessor on `Client` (`phone_numbers`).
    pub accessor: String,
    /// Its methods, in document order.
    pub methods: Vec<ResourceMethod>,
}

/// The resource layer of a document, and what naming it took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The resources, by handle type.
    pub resources: BTreeMap<String, Resource>,
    /// Method names that collided and how each was resolved:
    /// `Resource.method: operationId → new name`.
    pub collisions: Vec<String>,
    /// Names set by hand (an operation's `x-cozmox-sdk`, which rule
    /// `sdk-overrides` writes from the overrides' renames), as `generate`
    /// reports them: `client.calls().delete (CallController_deleteCallData)`.
    pub renamed: Vec<String>,
}

impl Plan {
    /// The operations that got `.stream()` and `.pages()`.
    pub fn paginated(&self) -> Vec<(&str, &Pagination)> {
        self.resources
            .values()
            .flat_map(|r| &r.methods)
            .filter_map(|m| Some((m.operation_id.as_str(), m.pagination.as_ref()?)))
            .collect()
    }

    /// How many operations the layer exposes.
    pub fn operation_count(&self) -> usize {
        self.resources.values().map(|r| r.methods.len()).sum()
    }
}

/// The verb of an operation id: after the last `_`, or the whole id.
fn verb(operation_id: &str) -> &str {
    operation_id.rsplit('_').next().unwrap_or(operation_id)
}

/// The verb without the resource's own noun, in lowerCamelCase:
/// `createChat` in `Chats` is `create`, `getProviderResourcesPaginated` in
/// `Provider Resources` is `getPaginated` (words compared without case and
/// without a plural `s`). A verb that is only the noun stays whole.
fn bare_verb(verb: &str, label: &str) -> String {
    let norm = |w: &str| w.to_lowercase().trim_end_matches('s').to_string();
    let noun: Vec<String> = label.to_snake_case().split('_').map(norm).collect();
    let words: Vec<String> = verb
        .to_snake_case()
        .split('_')
        .map(str::to_string)
        .collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let n = noun.len();
        if i > 0
            && n > 0
            && i + n <= words.len()
            && words[i..i + n]
                .iter()
                .map(|w| norm(w))
                .eq(noun.iter().cloned())
        {
            i += n;
            continue;
        }
        kept.push(words[i].clone());
        i += 1;
    }
    let camel = kept.join("_").to_upper_camel_case();
    let mut chars = camel.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

/// The method a verb becomes: its row of the conventions' verb table, else
/// its snake case.
fn method_for(verb: &str, conventions: &Conventions) -> String {
    conventions
        .verbs
        .find(verb)
        .map_or_else(|| verb.to_snake_case(), |(_, m)| m.to_string())
}

/// A resource's name in snake_case, from its label (anything not
/// alphanumeric a word break); its last word in the plural when the
/// conventions say so and the label is the document's (a tag, a path
/// segment), not a name set by hand.
fn resource_name(label: &str, by_hand: bool, conventions: &Conventions) -> String {
    let words: String = label
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let snake = words.to_snake_case();
    if by_hand || conventions.resource_names == ResourceNames::AsLabelled {
        return snake;
    }
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", conventions.plural(last)),
        None => conventions.plural(&snake),
    }
}

/// The Rust type progenitor gives a path parameter of this schema (after
/// normalization: a component reference, or a JSON primitive).
fn param_type(
    schema: Option<&Value>,
    krate: &syn::Ident,
    names: &BTreeMap<String, String>,
) -> Option<ParamType> {
    let schema = schema?;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = format_ident!("{}", names.get(r.strip_prefix(COMPONENT_REF)?)?);
        return Some(ParamType::Other(syn::parse_quote!(::#krate::#name)));
    }
    let format = schema.get("format").and_then(Value::as_str);
    let other = |t: &str| Some(ParamType::Other(format_ident!("{t}").into()));
    match (schema.get("type").and_then(Value::as_str)?, format) {
        ("string", Some("uuid")) => Some(ParamType::Uuid),
        ("string", _) => Some(ParamType::String),
        ("boolean", _) => other("bool"),
        ("number", Some("float")) => other("f32"),
        ("number", _) => other("f64"),
        ("integer", Some("int32")) => other("i32"),
        ("integer", _) => other("i64"),
        _ => None,
    }
}

/// The Rust a list's pages are read with: `paging` (its extension's
/// `pagination`) checked against the document, then expressions over the
/// decoded page (`page`), an item (`item`) and a page's last item (`last`).
fn rust_pagination(
    doc: &Value,
    op: &crate::spec::operation_model::OperationInfo,
    paging: &Paging,
    krate: &syn::Ident,
    names: &BTreeMap<String, String>,
    array_items: &BTreeMap<(String, String), String>,
) -> Result<Pagination, String> {
    let shape: Shape<'_> = crate::spec::pagination::shape(doc, op, paging)?;
    let field = |json: &str| match field_name(json) {
        Some(name) => Ok(format_ident!("{name}")),
        None => Err(format!("`{json}` is not a plain Rust field name")),
    };
    let expr = |tokens: TokenStream| {
        syn::parse2::<syn::Expr>(tokens).map_err(|e| format!("not a Rust expression: {e}"))
    };
    let (limit, id) = match paging {
        Paging::PageNumber { limit, id, .. } | Paging::TimeCursor { limit, id, .. } => (limit, id),
    };
    let items_field = match paging {
        Paging::PageNumber { items, .. } => Some(field(items)?),
        Paging::TimeCursor { .. } => None,
    };
    let item = match shape.item {
        Item::Component(name) => names.get(name),
        Item::Inline(page) => items_field
            .as_ref()
            .and_then(|f| array_items.get(&(page.to_string(), f.to_string()))),
    }
    .ok_or("the items have no Rust type")?;
    let item = format_ident!("{item}");
    let key = match shape.id {
        Field::Typed { required: true } => {
            let id = field(id)?;
            quote!(Some(item.#id.to_string()))
        }
        Field::Typed { required: false } => {
            let id = field(id)?;
            quote!(item.#id.as_ref().map(ToString::to_string))
        }
        Field::Json => quote!(crate::paginate::json_id(item, #id)),
        Field::Absent => quote!(None),
    };
    // `Option<u64>` from the page: through each (required or optional)
    // property on the way to the total.
    fn total(at: TokenStream, steps: &[(syn::Ident, bool)]) -> TokenStream {
        match steps {
            [] => quote!(None),
            [(f, true)] => quote!(crate::paginate::total(#at.#f)),
            [(f, false)] => quote!(#at.#f.and_then(crate::paginate::total)),
            [(f, true), rest @ ..] => {
                let inner = total(quote!(m), rest);
                quote!({ let m = &#at.#f; #inner })
            }
            [(f, false), rest @ ..] => {
                let inner = total(quote!(m), rest);
                quote!(#at.#f.as_ref().and_then(|m| #inner))
            }
        }
    }
    let steps = shape
        .total
        .iter()
        .map(|(json, required)| Ok((field(json)?, *required)))
        .collect::<Result<Vec<_>, String>>()?;
    let (page_field, cursor) = match paging {
        Paging::PageNumber { page, .. } => (Some(field(page)?), None),
        Paging::TimeCursor { bound, time, .. } => (
            None,
            Some(TimeCursor {
                bound_field: field(bound)?,
                last_time: match shape.time {
                    Some(Field::Typed { required: true }) => {
                        let time = field(time)?;
                        expr(quote!(last.#time.clone()))?
                    }
                    _ => expr(quote!(crate::paginate::json_time(last, #time)?))?,
                },
            }),
        ),
    };
    Ok(Pagination {
        page_field,
        limit_field: field(limit)?,
        cursor,
        item: syn::parse_quote!(::#krate::#item),
        items_field,
        total: expr(total(quote!(page), &steps))?,
        key: expr(key)?,
    })
}

/// An operation on its way into a resource: (the method name the extension
/// asks for, the rank of its verb in the verb table, its verb without the
/// resource's noun, the method).
type Planned = (Option<String>, usize, String, ResourceMethod);

/// Plan the resource layer of a normalized document.
///
/// `array_items` is typify's element type of each array field of a struct
/// component ([`super::models::Models::array_items`]): the item type of a
/// list whose items the document declares inline.
pub fn plan(
    doc: &Value,
    operations: &OperationModel,
    conventions: &Conventions,
    names: &BTreeMap<String, String>,
    array_items: &BTreeMap<(String, String), String>,
    manual: &[ManualOp],
    models_crate: &str,
) -> Result<Plan, Error> {
    let krate = format_ident!("{}", models_crate.replace('-', "_"));
    // By the resource's name: two labels that name one resource (`Call`
    // and `Calls`, a tag and a rename) are one resource.
    let mut grouped: BTreeMap<String, (String, Vec<Planned>)> = BTreeMap::new();
    // Resources named by hand: name → the document's own label.
    let mut by_hand_labels: BTreeMap<String, String> = BTreeMap::new();
    for op in &operations.operations {
        let Some(id) = op.id.as_deref() else {
            return Err(Error::at(
                &op.route(),
                &op.pointer,
                "an operation without operationId has no method in the resource layer",
            ));
        };
        let by_hand = op.sdk.resource.as_deref();
        let label = by_hand.unwrap_or(&op.label).to_string();
        let name = resource_name(&label, by_hand.is_some(), conventions);
        if by_hand.is_some() {
            by_hand_labels.insert(name.clone(), op.label.clone());
        }
        let forced = op.sdk.method.as_deref().map(str::to_snake_case);
        let verb = bare_verb(verb(id), &label);
        let rank = conventions
            .verbs
            .find(&verb)
            .map_or(conventions.verbs.table.len(), |(rank, _)| rank);
        let mut path_params = Vec::new();
        for p in op.parameters_in(Location::Path) {
            let ty = param_type(p.schema.as_ref(), &krate, names).ok_or_else(|| {
                Error::at(
                    id,
                    &op.pointer,
                    format!(
                        "path parameter `{}` has a schema the resource layer cannot type",
                        p.name
                    ),
                )
            })?;
            path_params.push((p.name.to_snake_case(), ty));
        }
        // A required JSON body that is a component (a reference as such).
        let body = op
            .body
            .as_ref()
            .filter(|b| b.required)
            .and_then(|b| {
                b.content
                    .iter()
                    .find(|m| m.content_type == "application/json")
            })
            .and_then(|m| m.schema.as_ref()?.get("$ref")?.as_str())
            .and_then(|r| r.strip_prefix(COMPONENT_REF))
            .and_then(|n| names.get(n))
            .map(|rust| {
                let rust = format_ident!("{rust}");
                syn::parse_quote!(::#krate::#rust)
            });
        let manual_body = manual.iter().find(|m| m.id == id).map(|m| m.body.clone());
        let method = ResourceMethod {
            operation_id: id.to_string(),
            http_method: op.method.to_uppercase(),
            path: op.path.clone(),
            name: String::new(),
            summary: op.summary.clone(),
            path_params,
            body,
            manual: manual_body.is_some(),
            pagination: match &op.sdk.pagination {
                _ if manual_body.is_some() => None,
                None => None,
                Some(stated) => {
                    let at = format!("{}/{SDK_EXTENSION}/pagination", op.pointer);
                    let paging: Paging = serde_json::from_value(stated.clone())
                        .map_err(|e| Error::at(id, &at, format!("not a pagination: {e}")))?;
                    let p = rust_pagination(doc, op, &paging, &krate, names, array_items).map_err(
                        |e| Error::at(id, &at, format!("the pagination does not fit: {e}")),
                    )?;
                    Some(p)
                }
            },
            manual_body,
        };
        grouped
            .entry(name)
            .or_insert_with(|| (label, Vec::new()))
            .1
            .push((forced, rank, verb, method));
    }

    let mut out = Plan::default();
    let mut accessors: BTreeSet<String> = CLIENT_METHODS.iter().map(ToString::to_string).collect();
    for (name, (label, mut ops)) in grouped {
        let type_name = name.to_upper_camel_case();
        let doc_label = by_hand_labels.remove(&name);
        let mut accessor = name;
        if accessor.is_empty() || !accessor.starts_with(|c: char| c.is_ascii_alphabetic()) {
            accessor = format!("api_{accessor}");
        }
        // Operation methods of progenitor's `Client` are `<operation_id>`
        // in snake case; a resource accessor never takes one of those.
        let op_methods: BTreeSet<String> = ops
            .iter()
            .map(|(_, _, _, m)| m.operation_id.to_snake_case())
            .collect();
        if accessors.contains(&accessor)
            || op_methods.contains(&accessor)
            || KEYWORDS.contains(&accessor.as_str())
        {
            accessor = format!("{accessor}_api");
        }
        accessors.insert(accessor.clone());
        if let Some(doc_label) = doc_label {
            out.renamed.push(format!(
                "client.{accessor}() (the document's `{doc_label}`)"
            ));
        }
        // Names: forced ones first, then by verb rank, then document order.
        let mut order: Vec<usize> = (0..ops.len()).collect();
        order.sort_by_key(|&i| (ops[i].0.is_none(), ops[i].1));
        let mut taken = BTreeSet::new();
        for i in order {
            let (forced, _, bare, m) = &mut ops[i];
            let wanted = forced
                .clone()
                .unwrap_or_else(|| method_for(bare, conventions));
            let mut name = wanted.clone();
            if taken.contains(&name) {
                name = bare.to_snake_case();
                if taken.contains(&name) {
                    name = verb(&m.operation_id).to_snake_case();
                }
                if taken.contains(&name) {
                    name = m.operation_id.to_snake_case();
                }
                out.collisions
                    .push(format!("{type_name}.{wanted}: {} → {name}", m.operation_id));
            }
            if KEYWORDS.contains(&name.as_str()) {
                name.push('_');
            }
            taken.insert(name.clone());
            if forced.is_some() {
                out.renamed
                    .push(format!("client.{accessor}().{name} ({})", m.operation_id));
            }
            m.name = name;
        }
        let methods = ops.into_iter().map(|(_, _, _, m)| m).collect();
        out.resources.insert(
            type_name.clone(),
            Resource {
                label,
                type_name,
                accessor,
                methods,
            },
        );
    }
    Ok(out)
}

fn parse_type(text: &str) -> Result<syn::Type, Error> {
    syn::parse_str(text).map_err(|e| Error::new(format!("not a Rust type `{text}`: {e}")))
}

fn arg_ident(name: &str) -> syn::Ident {
    if KEYWORDS.contains(&name) {
        format_ident!("{name}_")
    } else {
        format_ident!("{name}")
    }
}

/// A compiled (`no_run`) example for a resource handle's docs: one call of
/// its simplest method (a list; else one without a body; a body is built
/// from JSON), awaited (and through `.send()`; `.stream()` for a
/// paginated list), or awaited for an operation the client stage wrote.
/// Path parameters that are not strings are parsed from text.
fn handle_example(resource: &Resource, target: &Target) -> Option<String> {
    let krate = target.client_crate.replace('-', "_");
    let rank = |m: &ResourceMethod| match (m.manual, m.path_params.is_empty(), m.body.is_some()) {
        (true, ..) => 3,
        (false, true, false) => 0,
        (false, false, false) => 1,
        (false, _, true) => 2,
    };
    let m = resource.methods.iter().min_by_key(|m| rank(m))?;
    let mut lines = vec![format!(
        "# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
    )];
    let mut args: Vec<String> = m
        .path_params
        .iter()
        .map(|(setter, t)| match t {
            _ if m.manual => format!("{setter:?}"),
            ParamType::String => format!("{setter:?}"),
            ParamType::Uuid => {
                "\"00000000-0000-0000-0000-000000000000\".parse::<uuid::Uuid>()?".to_string()
            }
            ParamType::Other(path) => format!("{setter:?}.parse::<{}>()?", path_text(path)),
        })
        .collect();
    let body_decl = |t: &str| {
        format!(
            "let body: {} = serde_json::from_value(serde_json::json!({{ /* … */ }}))?;",
            t.trim_start_matches("::")
        )
    };
    match (&m.manual_body, &m.body) {
        (Some(ManualBody::Json(t)), _) => {
            lines.push(body_decl(t));
            args.push("body".to_string());
        }
        (Some(ManualBody::Multipart(parts)), _) => {
            // The required form fields: a file from bytes, a string.
            for part in parts.iter().filter(|p| p.required) {
                args.push(if part.binary {
                    "b\"file contents\".as_slice()".to_string()
                } else {
                    "\"…\"".to_string()
                });
            }
        }
        (Some(ManualBody::None), _) => {}
        (None, Some(t)) => {
            lines.push(body_decl(&path_text(t)));
            args.push("body".to_string());
        }
        (None, None) => {}
    }
    let call = format!(
        "client.{}().{}({})",
        resource.accessor,
        m.name,
        args.join(", ")
    );
    if m.manual {
        lines.push(format!("let body = {call}.await?;"));
    } else if m.pagination.is_some() && target.client_error.is_some() {
        lines.push(format!("let mut items = {call}.stream();"));
        lines.push("while let Some(item) = items.next().await {".to_string());
        lines.push("    println!(\"{:?}\", item?);".to_string());
        lines.push("}".to_string());
    } else if target.client_error.is_some() {
        lines.push(format!("let body = {call}.await?;"));
        if !args.iter().any(|a| a == "body") {
            lines.push("// Or with the status and headers:".to_string());
            lines.push(format!("let response = {call}.send().await?;"));
            lines.push(
                "println!(\"{} {:?}\", response.status(), response.request_id());".to_string(),
            );
        }
    } else {
        lines.push(format!("let response = {call}.send().await?;"));
        lines.push("println!(\"{}\", response.status());".to_string());
        lines.push("let body = response.into_inner();".to_string());
    }
    lines.push("# Ok(())".to_string());
    lines.push("# }".to_string());
    Some(lines.join("\n"))
}

/// The Rust of the resource layer: one handle type per resource, its
/// accessor on `Client`, one method per operation.
pub fn generate(plan: &Plan, manual: &[ManualOp], target: &Target) -> Result<TokenStream, Error> {
    let mut accessors = Vec::new();
    let mut handles = Vec::new();
    let mut paging = Vec::new();
    for resource in plan.resources.values() {
        let ty = format_ident!("{}", resource.type_name);
        let accessor = format_ident!("{}", resource.accessor);
        let listed = resource
            .methods
            .iter()
            .map(|m| format!("`{}`", m.name))
            .collect::<Vec<_>>()
            .join(", ");
        let accessor_doc = format!(
            " The {} operations ({listed}): see [`{}`].",
            resource.label, resource.type_name
        );
        accessors.push(quote! {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #ty<'_> {
                #ty { client: self }
            }
        });
        let mut methods = Vec::new();
        for m in &resource.methods {
            let name = format_ident!("{}", m.name);
            let client_method = format_ident!("{}", m.operation_id.to_snake_case());
            let mut doc = String::new();
            if !m.summary.is_empty() {
                doc.push_str(&m.summary);
                doc.push_str("\n\n");
            }
            doc.push_str(&format!(
                "`{} {}` (`{}`).",
                m.http_method, m.path, m.operation_id
            ));
            if m.manual {
                let op = manual
                    .iter()
                    .find(|o| o.id == m.operation_id)
                    .ok_or_else(|| Error::at(&m.operation_id, "", "manual operation not found"))?;
                let builder = format_ident!("{}", m.builder_type());
                let params: Vec<syn::Ident> = crate::spec::template_params(&op.path)
                    .map(|p| format_ident!("{}", p.to_snake_case()))
                    .collect();
                let mut args: Vec<TokenStream> = params
                    .iter()
                    .map(|p| quote!(#p: impl ::std::convert::Into<::std::string::String>))
                    .collect();
                let mut calls: Vec<TokenStream> = params.iter().map(|p| quote!(.#p(#p))).collect();
                match &op.body {
                    ManualBody::None => {}
                    ManualBody::Json(t) => {
                        let t = parse_type(t)?;
                        args.push(quote!(body: impl ::std::convert::Into<#t>));
                        calls.push(quote!(.body(body)));
                    }
                    ManualBody::Multipart(parts) => {
                        for part in parts.iter().filter(|p| p.required) {
                            let setter = format_ident!("{}", part.setter);
                            let ty = if part.binary {
                                quote!(crate::upload::FilePart)
                            } else {
                                quote!(::std::string::String)
                            };
                            args.push(quote!(#setter: impl ::std::convert::Into<#ty>));
                            calls.push(quote!(.#setter(#setter)));
                        }
                    }
                }
                doc.push_str(
                    " Optional parameters are setters of the returned builder; `.await` it for the body \
                     (`.send()` for the status and headers too).",
                );
                if matches!(op.body, ManualBody::Multipart(_)) {
                    doc.push_str(
                        " The body is `multipart/form-data`: a file field takes a `cozmox_client::upload::FilePart` \
                         (`FilePart::from_path(\"faq.pdf\")?`, or bytes), the other fields strings.",
                    );
                }
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #name(&self, #(#args),*) -> super::manual::#builder<'a> {
                        self.client.#client_method() #(#calls)*
                    }
                });
                continue;
            }
            let builder = format_ident!("{}", m.builder_type());
            let mut generics = Vec::new();
            let mut args = Vec::new();
            let mut bounds = Vec::new();
            let mut calls = Vec::new();
            for (i, (setter, t)) in m.path_params.iter().enumerate() {
                let g = format_ident!("P{i}");
                let arg = arg_ident(setter);
                let setter = format_ident!("{setter}");
                let t = t.rust();
                generics.push(quote!(#g));
                args.push(quote!(#arg: #g));
                bounds.push(quote!(#g: ::std::convert::TryInto<#t>));
                calls.push(quote!(.#setter(#arg)));
            }
            if let Some(t) = &m.body {
                generics.push(quote!(B));
                args.push(quote!(body: B));
                bounds.push(quote!(B: ::std::convert::TryInto<#t>));
                calls.push(quote!(.body(body)));
            }
            let generics = if generics.is_empty() {
                quote!()
            } else {
                quote!(<#(#generics),*>)
            };
            let where_clause = if bounds.is_empty() {
                quote!()
            } else {
                quote!(where #(#bounds),*)
            };
            doc.push_str(
                " Optional parameters are setters of the returned builder; `.await` it for the body \
                 (`.send()` for the status and headers too).",
            );
            if let (Some(p), Some(_)) = (&m.pagination, &target.client_error) {
                doc.push_str(
                    " A paginated list: `.stream()` on the builder yields every item of every page, `.pages()` every page.",
                );
                let item = &p.item;
                let items = match &p.items_field {
                    Some(field) => quote!(page.#field),
                    None => quote!(page),
                };
                let total = &p.total;
                let key = &p.key;
                let limit_setter = &p.limit_field;
                let (at, after, from) = match (&p.page_field, &p.cursor) {
                    (Some(page), _) => {
                        let page_setter = page;
                        (
                            quote! {
                                fn at(self, page: u32, limit: u32) -> Self {
                                    self.#page_setter(crate::paginate::Count(page))
                                        .#limit_setter(crate::paginate::Count(limit))
                                }
                            },
                            quote!(),
                            " from this query's `.page(n)` (the first by default),",
                        )
                    }
                    (None, Some(cursor)) => {
                        let bound = &cursor.bound_field;
                        let last_time = &cursor.last_time;
                        (
                            quote! {
                                fn at(self, _page: u32, limit: u32) -> Self {
                                    self.#limit_setter(crate::paginate::Count(limit))
                                }
                            },
                            quote! {
                                const BY_CURSOR: bool = true;
                                fn after(self, last: &Self::Item, limit: u32) -> ::std::option::Option<Self> {
                                    let time = #last_time;
                                    Some(self.#bound(time).#limit_setter(crate::paginate::Count(limit)))
                                }
                            },
                            " newest first, each page's upper time bound the last item's of the page before,",
                        )
                    }
                    (None, None) => {
                        return Err(Error::at(
                            &m.operation_id,
                            "",
                            "a paginated list with neither page numbers nor a time cursor",
                        ));
                    }
                };
                let stream_doc = format!(
                    " Every item of every page, as a stream: pages are fetched one at a time as \
                     items are taken,{from} `.limit(n)` per request (100 by default). See \
                     `crate::paginate`."
                );
                let start = format_ident!("{}", super::passes::builder_paging_start::ACCESSOR);
                paging.push(quote! {
                    impl<'a> crate::paginate::PageQuery<'a> for super::builder::#builder<'a> {
                        type Item = #item;
                        #after
                        #at
                        fn start(&self) -> (::std::option::Option<u64>, ::std::option::Option<u64>) {
                            self.#start()
                        }
                        fn fetch(self) -> impl ::std::future::Future<
                            Output = ::std::result::Result<crate::paginate::Page<Self::Item>, crate::Error>,
                        > + Send + 'a {
                            async move {
                                let page = self.send().await?.into_inner();
                                let total = #total;
                                Ok(crate::paginate::Page { items: #items, total })
                            }
                        }
                        fn key(item: &Self::Item) -> ::std::option::Option<::std::string::String> {
                            #key
                        }
                    }
                    impl<'a> super::builder::#builder<'a> {
                        #[doc = #stream_doc]
                        pub fn stream(self) -> crate::paginate::Pages<'a, Self> {
                            crate::paginate::Pages::new(self)
                        }
                        /// Every page, as a stream of `Vec`s of items.
                        pub fn pages(self) -> crate::paginate::PageStream<'a, Self> {
                            crate::paginate::Pages::new(self).pages()
                        }
                    }
                });
            }

            methods.push(quote! {
                #[doc = #doc]
                pub fn #name #generics (&self, #(#args),*) -> super::builder::#builder<'a> #where_clause {
                    self.client.#client_method() #(#calls)*
                }
            });
        }
        let mut handle_doc = format!(
            " The {} operations of the API (from `client.{}()`).",
            resource.label, resource.accessor
        );
        if let Some(example) = handle_example(resource, target) {
            handle_doc.push_str("\n\n # Example\n\n ```no_run\n");
            for line in example.lines() {
                handle_doc.push(' ');
                handle_doc.push_str(line);
                handle_doc.push('\n');
            }
            handle_doc.push_str(" ```");
        }
        handles.push(quote! {
            #[doc = #handle_doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ty<'a> {
                client: &'a super::Client,
            }
            impl<'a> #ty<'a> {
                #(#methods)*
            }
        });
    }
    Ok(quote! {
        #![allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all, unused_imports, dead_code)]
        //! The API by resource: `client.sessions().get(id)`, one handle per
        //! resource, one method per operation.
        impl super::Client {
            #(#accessors)*
        }
        #(#handles)*
        #(#paging)*
    })
}

/// The client crate's `generated/every_method.rs`, a module its
/// `examples/every_method.rs` declares.
pub const EVERY_METHOD_FILE: &str = "every_method.rs";

/// A literal of a JSON scalar as a call argument: a string, an unsuffixed
/// number (whatever numeric type the setter takes), a boolean.
fn literal_of(value: &Value) -> Option<TokenStream> {
    Some(match value {
        Value::String(s) => quote!(#s),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => proc_macro2::Literal::i64_unsuffixed(i).into_token_stream(),
            (None, Some(f)) => proc_macro2::Literal::f64_unsuffixed(f).into_token_stream(),
            _ => return None,
        },
        _ => return None,
    })
}

/// [`EVERY_METHOD_FILE`]: two functions over every method of every
/// resource, called as the resource API documents it (path parameters as
/// string ids, the body as its type).
///
/// - `every_method(client)`: each call in a closure that is never run; it
///   sends nothing, and that it compiles shows the whole layer is callable
///   as documented, at any spec size.
/// - `run_every_method(client, report)`: each call made and awaited, its
///   outcome reported by name (`sessions().create`). Per resource, the calls
///   that create (a `POST` to a path not ending in a parameter) come first,
///   the deletes last; an id the first create answers (its `id` property,
///   the conventions' `mock.id`) fills the last path parameter of the
///   resource's other calls; other parameters, required query parameters
///   and bodies are instances of their schemas ([`crate::spec::instance`]).
///   Against the mock every call should succeed.
///
/// The client type is the including crate's `Client` (`super::Client`), so
/// the module names no crate of its own.
pub fn every_method(
    plan: &Plan,
    operations: &OperationModel,
    doc: &Value,
    conventions: &Conventions,
) -> Result<TokenStream, Error> {
    let mut calls = Vec::new();
    let mut runs = Vec::new();
    let id_property = conventions.mock.id.as_str();
    for r in plan.resources.values() {
        let accessor = format_ident!("{}", r.accessor);
        // Creates (a POST to a path the resource also has items under,
        // `P/{id}`) first, deletes last; each create's id fills the item
        // parameter of the paths under its items.
        let creates: Vec<&ResourceMethod> = r
            .methods
            .iter()
            .filter(|m| {
                m.http_method == "POST"
                    && r.methods.iter().any(|other| {
                        crate::spec::item_collection(&other.path) == Some(m.path.as_str())
                    })
            })
            .collect();
        let create_index = |m: &ResourceMethod| {
            creates
                .iter()
                .position(|c| c.operation_id == m.operation_id)
        };
        let rank = |m: &ResourceMethod| match m.http_method.as_str() {
            _ if create_index(m).is_some() => 0,
            "DELETE" => 2,
            _ => 1,
        };
        let mut ordered: Vec<&ResourceMethod> = r.methods.iter().collect();
        ordered.sort_by_key(|m| rank(m));
        let mut resource_runs = Vec::new();
        for m in ordered {
            let name = format_ident!("{}", m.name);
            let info = operations.by_route(&m.route());
            let label = format!("{}().{}", r.accessor, m.name);
            // Path arguments: the created id for the last parameter, an
            // instance of the schema for the others.
            // Path arguments: an instance of the parameter's schema as a
            // literal of its type; an item parameter (`{id}` of `P/{id}`
            // for a create `POST P`) the id that create answered, if any.
            let segments: Vec<&str> = m.path.split('/').collect();
            let mut args: Vec<TokenStream> = Vec::new();
            let mut literals: Vec<TokenStream> = Vec::new();
            for (k, segment) in segments.iter().enumerate() {
                let Some(param) = segment.strip_prefix('{').and_then(|p| p.strip_suffix('}'))
                else {
                    continue;
                };
                let schema = info
                    .and_then(|op| op.parameters_in(Location::Path).find(|p| p.name == param))
                    .and_then(|p| p.schema.as_ref());
                let literal = schema
                    .and_then(|s| crate::spec::instance::instance(doc, s, "#").ok())
                    .and_then(|v| literal_of(&v))
                    .unwrap_or_else(|| quote!("id"));
                let collection = segments[..k].join("/");
                let item_of = creates
                    .iter()
                    .position(|c| c.path == collection && c.operation_id != m.operation_id);
                args.push(match item_of {
                    Some(c) => quote!(ids[#c].as_deref().unwrap_or(#literal)),
                    None => literal.clone(),
                });
                literals.push(literal);
            }
            let ids = literals;
            // The body: an instance of its schema, decoded as its type.
            let body_json = info
                .and_then(|op| op.body.as_ref())
                .and_then(|b| {
                    b.content
                        .iter()
                        .find(|c| c.content_type == "application/json")
                })
                .and_then(|c| c.schema.as_ref())
                .map(|s| crate::spec::instance::instance(doc, s, "#").map(|v| v.to_string()));
            let typed_body = |t: &syn::Type| match body_json
                .clone()
                .unwrap_or_else(|| Ok("{}".to_string()))
            {
                Ok(json) => quote! {
                    let body: #t = match ::serde_json::from_str(#json) {
                        Ok(body) => body,
                        Err(e) => {
                            report(#label, Err(format!("the body's instance does not decode: {e}")));
                            return;
                        }
                    };
                },
                Err(why) => {
                    let why = format!("no instance of the body can be built: {why}");
                    quote! {
                        report(#label, Err(#why.to_string()));
                        return;
                    }
                }
            };
            // Required query parameters, set from instances of their schemas.
            let mut setters = Vec::new();
            if !m.manual {
                for p in info
                    .into_iter()
                    .flat_map(|op| op.parameters_in(Location::Query))
                    .filter(|p| p.required)
                {
                    // progenitor's setter: the snake_case name, `_` after a keyword.
                    let snake = p.name.to_snake_case();
                    let Some(setter) = field_name(&p.name).or_else(|| {
                        KEYWORDS
                            .contains(&snake.as_str())
                            .then(|| format!("{snake}_"))
                    }) else {
                        continue;
                    };
                    let setter = format_ident!("{}", setter);
                    let schema = p.schema.as_ref().map(|s| crate::spec::resolve(doc, s));
                    let date = schema.and_then(|s| s.get("format")).and_then(Value::as_str)
                        == Some("date-time");
                    let value = schema
                        .and_then(|s| crate::spec::instance::instance(doc, s, "#").ok())
                        .and_then(|v| literal_of(&v));
                    // A parameter whose value cannot be written (an array,
                    // an object) stays unset: the call then fails, counted.
                    match value {
                        Some(v) if date => setters.push(
                            quote!(.#setter(#v.parse::<::chrono::DateTime<::chrono::Utc>>().unwrap_or_default())),
                        ),
                        Some(v) => setters.push(quote!(.#setter(#v))),
                        None => {}
                    }
                }
            }
            let (call, run) = if m.manual {
                let params: Vec<TokenStream> = ids.clone();
                match &m.manual_body {
                    Some(ManualBody::Json(t)) => {
                        let t = parse_type(t)?;
                        let body = typed_body(&t);
                        (
                            quote!(let _call = |body: #t| client.#accessor().#name(#(#params,)* body);),
                            quote!(#body let outcome = client.#accessor().#name(#(#args,)* body).await;),
                        )
                    }
                    Some(ManualBody::Multipart(parts)) => {
                        let files: Vec<TokenStream> = parts
                            .iter()
                            .filter(|p| p.required)
                            .map(|p| {
                                if p.binary {
                                    quote!(b"file contents".as_slice())
                                } else {
                                    quote!("text")
                                }
                            })
                            .collect();
                        (
                            quote!(let _call = || client.#accessor().#name(#(#params,)* #(#files,)*);),
                            quote!(let outcome = client.#accessor().#name(#(#args,)* #(#files,)*).await;),
                        )
                    }
                    _ => (
                        quote!(let _call = || client.#accessor().#name(#(#params,)*);),
                        quote!(let outcome = client.#accessor().#name(#(#args,)*).await;),
                    ),
                }
            } else {
                match &m.body {
                    Some(t) => {
                        let ty: syn::Type = syn::Type::Path(syn::TypePath {
                            qself: None,
                            path: t.clone(),
                        });
                        let body = typed_body(&ty);
                        (
                            quote!(let _call = |body: #t| client.#accessor().#name(#(#ids,)* body);),
                            quote!(#body let outcome = client.#accessor().#name(#(#args,)* body) #(#setters)* .await;),
                        )
                    }
                    None => (
                        quote!(let _call = || client.#accessor().#name(#(#ids,)*);),
                        quote!(let outcome = client.#accessor().#name(#(#args,)*) #(#setters)* .await;),
                    ),
                }
            };
            calls.push(call);
            let answers_json = info.is_some_and(|op| op.success_json().is_some());
            let keep_id = if let (Some(c), true) = (create_index(m), answers_json) {
                quote! {
                    if ids[#c].is_none() {
                        ids[#c] = outcome
                            .as_ref()
                            .ok()
                            .and_then(|value| ::serde_json::to_value(value).ok())
                            .and_then(|value| Some(value.get(#id_property)?.as_str()?.to_string()));
                    }
                }
            } else {
                quote!()
            };
            resource_runs.push(quote! {
                async {
                    #run
                    #keep_id
                    report(#label, outcome.map(drop).map_err(|e| e.to_string()));
                }
                .await;
            });
        }
        let count = creates.len();
        runs.push(quote! {
            {
                let mut ids: [Option<String>; #count] = ::std::array::from_fn(|_| None);
                #(#resource_runs)*
                let _ = &mut ids;
            }
        });
    }
    if calls.is_empty() {
        calls.push(quote!(let _ = client;));
    }
    Ok(quote! {
        #![allow(clippy::all, clippy::pedantic, dead_code, unused_mut, unused_variables)]

        use super::Client;

        /// Every method of every resource, as the resource API documents it.
        /// Each call is a closure that is never run: this sends nothing.
        pub fn every_method(client: &Client) {
            #(#calls)*
        }

        /// Every method of every resource, called and awaited in turn; each
        /// outcome is reported by the method's name. Per resource, creates
        /// come first and deletes last; the id the first create answers is
        /// the last path parameter of the others.
        pub async fn run_every_method(client: &Client, report: &mut dyn FnMut(&'static str, Result<(), String>)) {
            #(#runs)*
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_takes_arguments_for_path_parameters_bodies_and_required_form_fields() {
        use super::super::client::FormPart;
        let bare = ResourceMethod::bare("Thing_list", "GET", "/thing", "list");
        assert!(!bare.takes_arguments());
        let part = |required| FormPart {
            name: "file".into(),
            setter: "file".into(),
            binary: true,
            required,
            description: String::new(),
        };
        let form = |parts| ResourceMethod {
            manual: true,
            manual_body: Some(ManualBody::Multipart(parts)),
            ..bare.clone()
        };
        assert!(form(vec![part(true)]).takes_arguments());
        assert!(!form(vec![part(false)]).takes_arguments());
        let json = ResourceMethod {
            manual_body: Some(ManualBody::Json("crate::Dto".into())),
            ..bare.clone()
        };
        assert!(json.takes_arguments());
        let none = ResourceMethod {
            manual_body: Some(ManualBody::None),
            ..bare.clone()
        };
        assert!(!none.takes_arguments());
    }
    use serde_json::json;

    /// Rust code as tokens print it, without whitespace.
    fn code<T: quote::ToTokens>(t: &T) -> String {
        flat(&t.to_token_stream().to_string())
    }

    fn flat(s: &str) -> String {
        s.split_whitespace().collect()
    }

    /// The plan of `doc` with the project's conventions.
    fn plan_doc(
        doc: &Value,
        names: &BTreeMap<String, String>,
        array_items: &BTreeMap<(String, String), String>,
        manual: &[ManualOp],
        krate: &str,
    ) -> Result<Plan, Error> {
        plan(
            doc,
            &OperationModel::of(doc),
            &Conventions::defaults(),
            names,
            array_items,
            manual,
            krate,
        )
    }

    /// `doc` with the SDK conventions' rules applied (the defaults).
    fn annotated(mut doc: Value) -> Value {
        use crate::pipeline::normalize::{apply_rules, rules};
        apply_rules(
            &mut doc,
            &[rules::sdk_overrides::RULE, rules::infer_pagination::RULE],
        );
        doc
    }

    fn op(id: &str, tags: &[&str]) -> Value {
        json!({"operationId": id, "tags": tags, "responses": {}})
    }

    #[test]
    fn verbs_name_methods_and_collisions_resolve_by_the_table() {
        let doc = json!({"paths": {
            "/phone-number": {"post": op("PhoneNumberController_create", &["Phone Numbers"]),
                               "get": op("PhoneNumberController_findAll", &["Phone Numbers"])},
            "/v2/phone-number": {"get": op("PhoneNumberController_findAllPaginated", &["Phone Numbers"])},
            "/phone-number/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "get": op("PhoneNumberController_findOne", &["Phone Numbers"]),
                "delete": op("PhoneNumberController_remove", &["Phone Numbers"]),
                "patch": op("PhoneNumberController_update", &["Phone Numbers"])
            },
            "/eval/{id}/run": {"post": {
                "operationId": "EvalController_run", "tags": ["Eval"], "responses": {},
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunDto"}}}}
            }},
            "/eval/legacy": {"get": {"operationId": "EvalController_legacyList", "tags": ["Eval"], "responses": {},
                                     "x-cozmox-sdk": {"method": "list"}},
                             "post": {"operationId": "EvalController_findAll", "tags": ["Eval"], "responses": {}}},
            "/misc": {"get": {"operationId": "getMisc", "responses": {}, "x-cozmox-sdk": {"resource": "Analytics"}}}
        }});
        let names = BTreeMap::from([("RunDto".to_string(), "RunDto".to_string())]);
        let plan = plan_doc(&doc, &names, &BTreeMap::new(), &[], "api-models").unwrap();
        let methods = |r: &str| -> Vec<(String, String)> {
            plan.resources[r]
                .methods
                .iter()
                .map(|m| (m.operation_id.clone(), m.name.clone()))
                .collect()
        };
        assert_eq!(plan.resources["PhoneNumbers"].accessor, "phone_numbers");
        assert_eq!(
            plan.resources["Evals"].accessor, "evals",
            "named in the plural"
        );
        assert_eq!(
            methods("PhoneNumbers"),
            [
                ("PhoneNumberController_create".into(), "create".into()),
                ("PhoneNumberController_findAll".into(), "find_all".into()),
                (
                    "PhoneNumberController_findAllPaginated".into(),
                    "list".into()
                ),
                ("PhoneNumberController_findOne".into(), "get".into()),
                ("PhoneNumberController_remove".into(), "delete".into()),
                ("PhoneNumberController_update".into(), "update".into()),
            ]
        );
        assert_eq!(
            methods("Evals"),
            [
                ("EvalController_run".into(), "run".into()),
                ("EvalController_legacyList".into(), "list".into()),
                ("EvalController_findAll".into(), "find_all".into()),
            ],
            "the extension's method wins over the verb table"
        );
        assert_eq!(
            methods("Analytics"),
            [("getMisc".into(), "get_misc".into())]
        );
        assert_eq!(bare_verb("createChat", "Chats"), "create");
        assert_eq!(bare_verb("listChats", "Chats"), "list");
        assert_eq!(
            bare_verb("getProviderResourcesPaginated", "Provider Resources"),
            "getPaginated"
        );
        assert_eq!(bare_verb("deleteCallData", "Calls"), "deleteData");
        assert_eq!(
            bare_verb("chat", "Chats"),
            "chat",
            "a verb that is only the noun stays"
        );
        let get = &plan.resources["PhoneNumbers"].methods[3];
        assert_eq!(get.path_params, [("id".to_string(), ParamType::Uuid)]);
        let run = &plan.resources["Evals"].methods[0];
        assert_eq!(
            run.body.as_ref().map(code),
            Some(flat("::api_models::RunDto"))
        );
        assert_eq!(
            plan.collisions,
            [
                "Evals.list: EvalController_findAll → find_all",
                "PhoneNumbers.list: PhoneNumberController_findAll → find_all",
            ]
        );
        assert_eq!(plan.operation_count(), 10);
        // Generation is deterministic and parses.
        let code = generate(&plan, &[], &Target::standalone()).unwrap();
        assert_eq!(
            code.to_string(),
            generate(&plan, &[], &Target::standalone())
                .unwrap()
                .to_string()
        );
        syn::parse2::<syn::File>(code).unwrap();
    }

    #[test]
    fn resources_are_named_in_the_plural() {
        let c = Conventions::defaults();
        let cases = [
            ("Insight", "insights"),
            ("Eval", "evals"),
            ("Analytics", "analytics"),
            ("Phone Numbers", "phone_numbers"),
            ("Observability/Scorecard", "observability_scorecards"),
            ("Policy", "policies"),
            ("Key", "keys"),
            ("Batch", "batches"),
            ("API", "apis"),
            ("SIP Trunk", "sip_trunks"),
            ("Feedback", "feedback"),
            ("v2", "v2"),
        ];
        for (label, name) in cases {
            assert_eq!(resource_name(label, false, &c), name, "{label}");
        }
        assert_eq!(
            resource_name("misc", true, &c),
            "misc",
            "a name set by hand is kept"
        );
        let as_labelled = Conventions {
            resource_names: ResourceNames::AsLabelled,
            ..Conventions::defaults()
        };
        assert_eq!(
            resource_name("Observability/Scorecard", false, &as_labelled),
            "observability_scorecard"
        );
    }

    #[test]
    fn labels_that_name_one_resource_are_one_resource() {
        let doc = json!({"paths": {
            "/call": {"post": op("CallController_create", &["Call"])},
            "/calls": {"get": op("CallController_findAll", &["Calls"])}
        }});
        let plan = plan_doc(&doc, &BTreeMap::new(), &BTreeMap::new(), &[], "m").unwrap();
        assert_eq!(plan.resources.len(), 1);
        assert_eq!(plan.resources["Calls"].methods.len(), 2);
    }

    #[test]
    fn paginated_lists_are_recognised_by_shape() {
        let list = |params: Value, response: &str| {
            json!({"operationId": "X_findAll", "tags": ["X"], "parameters": params,
                   "responses": {"200": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{response}")}}}}}})
        };
        let num = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "number"}});
        let doc = |params: Value, response: &str| {
            json!({"paths": {"/x": {"get": list(params, response)}},
            "components": {"schemas": {
                "Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "Meta": {"type": "object", "required": ["totalItems"], "properties": {"totalItems": {"type": "number"}}},
                "Page": {"type": "object", "required": ["results", "metadata"], "properties": {
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "metadata": {"allOf": [{"$ref": "#/components/schemas/Meta"}]}}},
                "NoTotal": {"type": "object", "required": ["data"], "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
                "TwoArrays": {"type": "object", "required": ["a", "b"], "properties": {
                    "a": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "b": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
                "UnionPage": {"type": "object", "required": ["results"], "properties": {
                    "results": {"type": "array", "items": {"oneOf": [
                        {"$ref": "#/components/schemas/Item"}, {"$ref": "#/components/schemas/Meta"}]}}}}
            }}})
        };
        let names: BTreeMap<String, String> =
            ["Item", "Meta", "Page", "NoTotal", "TwoArrays", "UnionPage"]
                .iter()
                .map(|n| (n.to_string(), n.to_string()))
                .collect();
        // typify's name for the inline union of `UnionPage.results`.
        let array_items = BTreeMap::from([(
            ("UnionPage".to_string(), "results".to_string()),
            "UnionPageResultsItem".to_string(),
        )]);
        let paging = |doc: Value| {
            plan_doc(&annotated(doc), &names, &array_items, &[], "m")
                .unwrap()
                .resources["Xes"]
                .methods[0]
                .pagination
                .clone()
        };
        let p = paging(doc(json!([num("page"), num("limit")]), "Page")).expect("pages");
        assert_eq!(code(&p.item), flat("::m::Item"));
        assert_eq!(p.items_field.as_ref().map(code), Some(flat("results")));
        assert_eq!(
            code(&p.total),
            flat("{ let m = &page.metadata; crate::paginate::total(m.total_items) }")
        );
        assert_eq!(code(&p.key), flat("Some(item.id.to_string())"));
        let p = paging(doc(json!([num("page"), num("limit")]), "NoTotal")).expect("pages");
        assert_eq!(
            (p.items_field.as_ref().map(code), code(&p.total)),
            (Some(flat("data")), flat("None"))
        );
        let p = paging(doc(json!([num("page"), num("limit")]), "UnionPage")).expect("pages");
        assert_eq!(code(&p.item), flat("::m::UnionPageResultsItem"));
        assert_eq!(code(&p.key), flat("crate::paginate::json_id(item, \"id\")"));
        assert_eq!(
            paging(doc(json!([num("limit")]), "Page")),
            None,
            "no page parameter"
        );
        assert_eq!(
            paging(doc(json!([num("page"), num("limit")]), "TwoArrays")),
            None,
            "which array holds the items is unclear"
        );
    }

    #[test]
    fn time_cursor_lists_are_recognised_by_shape() {
        let time = json!({"type": "string", "format": "date-time"});
        let item = |required: Value| {
            json!({"type": "object", "required": required, "properties": {
                "id": {"type": "string"}, "createdAt": time.clone()}})
        };
        let doc = |params: Value, items: &str| {
            json!({"paths": {"/x": {"get": {"operationId": "X_findAll", "tags": ["X"],
                "parameters": params, "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": format!("#/components/schemas/{items}")}}}}}}}}},
            "components": {"schemas": {
                "Item": item(json!(["id", "createdAt"])),
                "Loose": item(json!(["id"])),
                "NoTime": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Either": {"oneOf": [{"$ref": "#/components/schemas/Item"}, {"$ref": "#/components/schemas/Loose"}]},
                "Mixed": {"oneOf": [{"$ref": "#/components/schemas/Item"}, {"$ref": "#/components/schemas/NoTime"}]}
            }}})
        };
        let names: BTreeMap<String, String> = ["Item", "Loose", "NoTime", "Either", "Mixed"]
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let paging = |doc: Value| {
            plan_doc(&annotated(doc), &names, &BTreeMap::new(), &[], "m")
                .unwrap()
                .resources["Xes"]
                .methods[0]
                .pagination
                .clone()
        };
        let limit = json!({"name": "limit", "in": "query", "schema": {"type": "integer"}});
        let le = json!({"name": "createdAtLe", "in": "query", "schema": time.clone()});
        let page = json!({"name": "page", "in": "query", "schema": {"type": "integer"}});
        let p = paging(doc(json!([limit, le]), "Item")).expect("a time cursor");
        assert_eq!(p.page_field, None);
        assert_eq!(p.items_field, None);
        let cursor = p.cursor.expect("cursor");
        assert_eq!(cursor.bound_field, "created_at_le");
        assert_eq!(code(&cursor.last_time), flat("last.created_at.clone()"));
        assert_eq!(code(&p.key), flat("Some(item.id.to_string())"));
        // An item whose time is optional, or a union: read from its JSON.
        for items in ["Loose", "Either"] {
            let p = paging(doc(json!([limit, le]), items)).expect(items);
            let cursor = p.cursor.expect("cursor");
            assert_eq!(
                code(&cursor.last_time),
                flat("crate::paginate::json_time(last, \"createdAt\")?")
            );
        }
        // Not a time cursor: a member without the time, no bound, page numbers.
        assert_eq!(paging(doc(json!([limit, le]), "Mixed")), None);
        assert_eq!(paging(doc(json!([limit]), "Item")), None);
        assert_eq!(paging(doc(json!([page, limit, le]), "Item")), None);
    }
}
