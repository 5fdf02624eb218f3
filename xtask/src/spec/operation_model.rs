//! The operation model: every operation of a normalized document, read once
//! (its id, route, resource label and the SDK's names for it, parameters
//! with the path item's merged in and references resolved, request body,
//! responses and their content types), for the stages that generate from
//! operations: the resource plan, the passes (through the pipeline's
//! context), the models' index.
//!
//! It owns what it holds (schemas are cloned; after normalization an
//! operation's schemas are references to components, so that is cheap), so
//! the pipeline keeps it beside the document it was read from.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::conventions::SDK_EXTENSION;
use super::{Operation, resolve};

/// Every operation of a document, in document order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationModel {
    /// The operations.
    pub operations: Vec<OperationInfo>,
    /// Route (`GET /session/{id}`) → index in `operations`.
    by_route: BTreeMap<String, usize>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// One parameter: the path item's, overridden by the operation's of the
/// same name and location.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the operation needs it.
    pub required: bool,
    /// Its schema, if it has one.
    pub schema: Option<Value>,
}

/// One media type of a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// The content type (`application/json`).
    pub content_type: String,
    /// Its schema, if it has one.
    pub schema: Option<Value>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Whether the operation needs it.
    pub required: bool,
    /// Its media types, in document order.
    pub content: Vec<Media>,
}

/// A response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status (`200`, `2XX`, `default`).
    pub status: String,
    /// Its media types, in document order.
    pub content: Vec<Media>,
}

/// What the document's `x-cozmox-sdk` says of an operation (written by
/// normalization from the overrides, or by the vendor).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SdkNames {
    /// The resource it belongs to, set by hand.
    pub resource: Option<String>,
    /// Its method, set by hand.
    pub method: Option<String>,
    /// How it pages (`None`: absent or `false`).
    pub pagination: Option<Value>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationInfo {
    /// The `operationId`.
    pub id: Option<String>,
    /// The HTTP method, lower case as the document writes it.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Its JSON pointer.
    pub pointer: String,
    /// Its resource by the document (first tag, else first path segment).
    pub label: String,
    /// Its summary (empty without one).
    pub summary: String,
    /// The SDK's names for it.
    pub sdk: SdkNames,
    /// Its parameters: the path item's, then the operation's own (one of
    /// the same name and location replaces the path item's).
    pub parameters: Vec<Parameter>,
    /// Its request body.
    pub body: Option<Body>,
    /// Its responses, in document order.
    pub responses: Vec<Response>,
}

fn media(content: Option<&Value>) -> Vec<Media> {
    content
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(content_type, m)| Media {
            content_type: content_type.clone(),
            schema: m.get("schema").cloned(),
        })
        .collect()
}

fn parameter(doc: &Value, p: &Value) -> Option<Parameter> {
    let p = resolve(doc, p);
    let location = match p.get("in")?.as_str()? {
        "path" => Location::Path,
        "query" => Location::Query,
        "header" => Location::Header,
        "cookie" => Location::Cookie,
        _ => return None,
    };
    Some(Parameter {
        name: p.get("name")?.as_str()?.to_string(),
        location,
        required: p.get("required").and_then(Value::as_bool) == Some(true),
        schema: p.get("schema").cloned(),
    })
}

impl OperationInfo {
    /// Read `op` of `doc`.
    pub fn of(doc: &Value, op: &Operation<'_>) -> OperationInfo {
        let node = op.node;
        let mut parameters: Vec<Parameter> = Vec::new();
        for list in [op.item.get("parameters"), node.get("parameters")] {
            for p in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| parameter(doc, p))
            {
                match parameters
                    .iter_mut()
                    .find(|q| q.name == p.name && q.location == p.location)
                {
                    Some(q) => *q = p,
                    None => parameters.push(p),
                }
            }
        }
        let sdk = node.get(SDK_EXTENSION).and_then(Value::as_object);
        let sdk_str = |key: &str| {
            sdk.and_then(|s| s.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let body = node
            .get("requestBody")
            .map(|b| resolve(doc, b))
            .map(|b| Body {
                required: b.get("required").and_then(Value::as_bool) == Some(true),
                content: media(b.get("content")),
            });
        let responses = node
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(status, r)| Response {
                status: status.clone(),
                content: media(resolve(doc, r).get("content")),
            })
            .collect();
        OperationInfo {
            id: op.id().map(str::to_string),
            method: op.method.to_string(),
            path: op.path.to_string(),
            pointer: op.pointer(),
            label: op.label().to_string(),
            summary: node
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            sdk: SdkNames {
                resource: sdk_str("resource"),
                method: sdk_str("method"),
                pagination: sdk
                    .and_then(|s| s.get("pagination"))
                    .filter(|p| **p != Value::Bool(false))
                    .cloned(),
            },
            parameters,
            body,
            responses,
        }
    }

    /// `GET /session/{id}`.
    pub fn route(&self) -> String {
        super::route(&self.method, &self.path)
    }

    /// The document's view of the operation (for what reads it as JSON).
    pub fn view<'d>(&self, doc: &'d Value) -> Option<Operation<'d>> {
        let (path, item) = doc.get("paths")?.as_object()?.get_key_value(&self.path)?;
        let item: &Map<String, Value> = item.as_object()?;
        let (method, node) = item.get_key_value(&self.method)?;
        Some(Operation {
            path,
            method,
            node: node.as_object()?,
            item,
        })
    }

    /// Its parameters in `location`.
    pub fn parameters_in(&self, location: Location) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(move |p| p.location == location)
    }

    /// The success (`2XX`) responses, in document order.
    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.starts_with('2'))
    }

    /// The schema of the JSON body of its first success response, if that
    /// response has one.
    pub fn success_json(&self) -> Option<&Value> {
        self.successes()
            .next()?
            .content
            .iter()
            .find(|m| m.content_type == "application/json")?
            .schema
            .as_ref()
    }

    /// Whether a response is a redirect (`3XX`).
    pub fn redirects(&self) -> bool {
        self.responses.iter().any(|r| r.status.starts_with('3'))
    }
}

impl OperationModel {
    /// Read every operation of `doc`.
    pub fn of(doc: &Value) -> OperationModel {
        let operations: Vec<OperationInfo> = super::operations(doc)
            .map(|op| OperationInfo::of(doc, &op))
            .collect();
        let by_route = operations
            .iter()
            .enumerate()
            .map(|(i, op)| (op.route(), i))
            .collect();
        OperationModel {
            operations,
            by_route,
        }
    }

    /// The operations that have an `operationId`: id → (METHOD, path).
    pub fn routes(&self) -> BTreeMap<String, (String, String)> {
        self.operations
            .iter()
            .filter_map(|op| Some((op.id.clone()?, (op.method.to_uppercase(), op.path.clone()))))
            .collect()
    }

    /// The operation at `route` (`GET /session/{id}`).
    pub fn by_route(&self, route: &str) -> Option<&OperationInfo> {
        self.operations.get(*self.by_route.get(route)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_are_read_once_with_their_path_items_parameters() {
        let doc = json!({
            "paths": {"/thing/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"$ref": "#/components/parameters/Verbose"}
                ],
                "get": {
                    "operationId": "Thing_get", "tags": ["Things"], "summary": "Get one",
                    "parameters": [{"name": "id", "in": "path", "required": true,
                                    "schema": {"type": "string", "format": "uuid"}}],
                    "responses": {
                        "302": {"description": "moved"},
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    },
                    "x-cozmox-sdk": {"method": "fetch", "pagination": false}
                },
                "patch": {
                    "operationId": "Thing_update",
                    "requestBody": {"required": true, "content": {
                        "application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Patch"}]}}}},
                    "responses": {}
                }
            }},
            "components": {"parameters": {"Verbose": {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}}}
        });
        let model = OperationModel::of(&doc);
        let [get, patch] = model.operations.as_slice() else {
            panic!("two operations");
        };
        assert_eq!(get.route(), "GET /thing/{id}");
        assert_eq!(get.label, "Things");
        assert_eq!(get.summary, "Get one");
        assert_eq!(get.sdk.method.as_deref(), Some("fetch"));
        assert_eq!(get.sdk.pagination, None, "`false` is no pagination");
        let params: Vec<(&str, Location)> = get
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location))
            .collect();
        assert_eq!(
            params,
            [("id", Location::Path), ("verbose", Location::Query)]
        );
        assert_eq!(
            get.parameters[0].schema,
            Some(json!({"type": "string", "format": "uuid"})),
            "the operation's parameter replaces the path item's"
        );
        assert_eq!(
            get.success_json(),
            Some(&json!({"$ref": "#/components/schemas/Thing"}))
        );
        assert!(get.redirects());
        assert!(!patch.redirects());
        assert_eq!(
            patch.body.as_ref().map(|b| (b.required, b.content.len())),
            Some((true, 1))
        );
        assert_eq!(patch.label, "thing");
        assert_eq!(model.by_route("PATCH /thing/{id}"), Some(patch));
        assert_eq!(
            model.routes()["Thing_get"],
            ("GET".to_string(), "/thing/{id}".to_string())
        );
        assert_eq!(
            get.view(&doc).map(|v| v.pointer()),
            Some(get.pointer.clone())
        );
    }
}
