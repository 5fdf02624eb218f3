//! The operations of a document: the one walk over `paths` that every stage
//! and command uses, so "what is an operation" is decided once.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::pointer_token;

/// The HTTP methods of a Path Item Object (OpenAPI 3.0), in the order the
/// specification lists them; any other key of a path item is not an operation.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The path template (`/session/{id}`).
    pub path: &'a str,
    /// The method as the document writes it (lower case).
    pub method: &'a str,
    /// The Operation Object.
    pub node: &'a Map<String, Value>,
    /// The Path Item Object holding it (for path-level `parameters`).
    pub item: &'a Map<String, Value>,
}

/// An operation's route, `GET /session/{id}`: its method (in any case,
/// written in upper case) and path template; the key the operation model
/// and the resource plan share.
pub fn route(method: &str, path: &str) -> String {
    format!("{} {}", method.to_uppercase(), path)
}

impl<'a> Operation<'a> {
    /// The `operationId`, if the operation has one.
    pub fn id(&self) -> Option<&'a str> {
        self.node.get("operationId").and_then(Value::as_str)
    }

    /// `GET /session/{id}`.
    pub fn route(&self) -> String {
        route(self.method, self.path)
    }

    /// The operation's JSON pointer (`/paths/~1session~1{id}/get`).
    pub fn pointer(&self) -> String {
        operation_pointer(self.path, self.method)
    }

    /// The resource the operation belongs to by the document: its first
    /// tag, else the first literal segment of its path (`default` for `/`).
    pub fn label(&self) -> &'a str {
        self.node
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .or_else(|| {
                self.path
                    .split('/')
                    .find(|s| !s.is_empty() && !s.starts_with('{'))
            })
            .unwrap_or("default")
    }

    /// Its query parameters (declared on the operation): name → Parameter Object.
    pub fn query_parameters(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.node
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| Some((p.get("name")?.as_str()?, p)))
    }

    /// The schema of the JSON body of its first success (`2XX`) response,
    /// if that response has one.
    pub fn success_schema(&self) -> Option<&'a Value> {
        self.node
            .get("responses")?
            .as_object()?
            .iter()
            .find(|(code, _)| code.starts_with('2'))?
            .1
            .pointer("/content/application~1json/schema")
    }
}

/// The parameter names of a path template, in order (`/a/{id}/b/{key}` →
/// `id`, `key`).
pub fn template_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|s| s.split('}').next())
}

/// The collection `P` of an item path `P/{id}` (its last segment one
/// parameter), if `path` is one.
pub fn item_collection(path: &str) -> Option<&str> {
    let (collection, last) = path.rsplit_once('/')?;
    (last.starts_with('{') && last.ends_with('}') && !collection.is_empty()).then_some(collection)
}

/// The JSON pointer of the operation at `path` and `method`.
pub fn operation_pointer(path: &str, method: &str) -> String {
    format!("/paths/{}/{}", pointer_token(path), pointer_token(method))
}

/// Every operation of `doc`, in document order.
pub fn operations(doc: &Value) -> impl Iterator<Item = Operation<'_>> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| Some((path, item.as_object()?)))
        .flat_map(|(path, item)| {
            item.iter().filter_map(move |(method, node)| {
                Some(Operation {
                    path,
                    method: METHODS
                        .contains(&method.as_str())
                        .then_some(method.as_str())?,
                    node: node.as_object()?,
                    item,
                })
            })
        })
}

/// The operations of `doc` that have an `operationId`: id → (METHOD, path).
pub fn routes(doc: &Value) -> BTreeMap<String, (String, String)> {
    operations(doc)
        .filter_map(|op| {
            let id = op.id()?;
            Some((
                id.to_string(),
                (op.method.to_uppercase(), op.path.to_string()),
            ))
        })
        .collect()
}

/// Every operation of `doc`, mutable: (path, method, Operation Object), in
/// document order.
pub fn operations_mut(doc: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(op) = op.as_object_mut() {
                out.push((path.clone(), method.clone(), op));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_methods_are_operations_and_order_is_the_documents() {
        let mut doc = json!({"paths": {
            "/b/{id}": {"parameters": [], "summary": "s", "x-ext": {},
                         "get": {"operationId": "getB"}, "delete": {}},
            "/a": {"post": {"operationId": "createA"}}
        }});
        let seen: Vec<String> = operations(&doc).map(|o| o.route()).collect();
        assert_eq!(seen, ["GET /b/{id}", "DELETE /b/{id}", "POST /a"]);
        assert_eq!(
            operations(&doc).next().unwrap().pointer(),
            "/paths/~1b~1{id}/get"
        );
        assert_eq!(
            routes(&doc).into_iter().collect::<Vec<_>>(),
            [
                (
                    "createA".to_string(),
                    ("POST".to_string(), "/a".to_string())
                ),
                (
                    "getB".to_string(),
                    ("GET".to_string(), "/b/{id}".to_string())
                ),
            ]
        );
        let muts: Vec<String> = operations_mut(&mut doc)
            .into_iter()
            .map(|(p, m, _)| format!("{m} {p}"))
            .collect();
        assert_eq!(muts, ["get /b/{id}", "delete /b/{id}", "post /a"]);
    }
}
