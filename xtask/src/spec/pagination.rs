//! The shapes of paginated lists: [`infer`] recognises one from the
//! conventions ([`PaginationConventions`]) and an operation's parameters and
//! answer (as the operation model reads them); [`shape`] checks a [`Paging`] (inferred, or stated by hand)
//! against the document and says where its items, total, identity and time
//! are, for the resource stage to read them in Rust.

use serde_json::{Map, Value};

use super::conventions::{PaginationConventions, Paging};
use super::operation_model::{Location, OperationInfo};

/// Where a list's parts are, once a [`Paging`] fits the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape<'d> {
    /// The items' type.
    pub item: Item<'d>,
    /// The properties from the answer to its total, each with whether it is
    /// required (empty: no total).
    pub total: Vec<(&'d str, bool)>,
    /// How an item's identity is read.
    pub id: Field,
    /// How an item's time is read (time-cursor lists).
    pub time: Option<Field>,
}

/// The items' type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'d> {
    /// A component.
    Component(&'d str),
    /// An inline schema of the answer component's items property (typify
    /// names it after the answer): the answer component.
    Inline(&'d str),
}

/// How a property of an item is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// From its typed field, required or optional.
    Typed {
        /// Whether the item type requires it.
        required: bool,
    },
    /// From the item's JSON (a union whose members all have it).
    Json,
    /// It has none.
    Absent,
}

/// The component a schema references: its name and object.
fn component<'d>(doc: &'d Value, schema: &Value) -> Option<(&'d str, &'d Map<String, Value>)> {
    let name = super::named_component(schema)?;
    let (key, value) = doc
        .pointer("/components/schemas")?
        .as_object()?
        .get_key_value(name)?;
    Some((key.as_str(), value.as_object()?))
}

/// Whether `object` requires `property`; `None` if it has no such property
/// or the property is nullable.
fn required(object: &Map<String, Value>, property: &str) -> Option<bool> {
    let schema = object.get("properties")?.get(property)?;
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    Some(
        object
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|p| p.as_str() == Some(property))),
    )
}

fn str_of<'v>(schema: Option<&'v Value>, key: &str) -> Option<&'v str> {
    schema?.get(key)?.as_str()
}

fn numeric(schema: Option<&Value>) -> bool {
    matches!(str_of(schema, "type"), Some("number" | "integer"))
}

/// Whether `name` is an optional query parameter of `op` whose schema's
/// `key` is one of `values` (progenitor keeps an optional parameter as an
/// `Option` field of the builder, which the page stream reads and sets).
fn optional_param(op: &OperationInfo, name: &str, key: &str, values: &[&str]) -> bool {
    op.parameters_in(Location::Query).any(|p| {
        p.name == name
            && !p.required
            && str_of(p.schema.as_ref(), key).is_some_and(|v| values.contains(&v))
    })
}

/// How `property` of an item component is read, when its schema `fits`:
/// typed when the component declares it; from the JSON when the item is a
/// union whose members all declare it. A `strict` property (an identity)
/// must not be nullable anywhere; a nullable one that is not strict (a
/// time) is read from the JSON.
fn item_field(
    doc: &Value,
    item: &Map<String, Value>,
    property: &str,
    fits: &dyn Fn(&Value) -> bool,
    strict: bool,
) -> Field {
    let declared = |object: &Map<String, Value>| {
        object
            .get("properties")
            .and_then(|p| p.get(property))
            .is_some_and(fits)
    };
    if declared(item) {
        return match required(item, property) {
            Some(required) => Field::Typed { required },
            None if strict => Field::Absent,
            None => Field::Json,
        };
    }
    let members = item.get("oneOf").or_else(|| item.get("anyOf"));
    let member_declares = |m: &Value| {
        component(doc, m)
            .is_some_and(|(_, c)| declared(c) && (!strict || required(c, property).is_some()))
    };
    match members.and_then(Value::as_array) {
        Some(members) if !members.is_empty() && members.iter().all(member_declares) => Field::Json,
        _ => Field::Absent,
    }
}

fn is_string(schema: &Value) -> bool {
    str_of(Some(schema), "type") == Some("string")
}

fn is_date_time(schema: &Value) -> bool {
    str_of(Some(schema), "format") == Some("date-time")
}

/// `name` as the plain Rust field (or setter) it becomes, or what is wrong.
fn rust_field(name: &str) -> Result<(), String> {
    match super::names::field_name(name) {
        Some(_) => Ok(()),
        None => Err(format!("`{name}` is not a plain Rust field name")),
    }
}

/// The pagination `conventions` recognise in `op`, if any: page-numbered
/// first, then time-cursor.
pub fn infer(
    doc: &Value,
    op: &OperationInfo,
    conventions: &PaginationConventions,
) -> Option<Paging> {
    if op.method != "get" {
        return None;
    }
    if let Some(c) = &conventions.page_numbered {
        if let Some(paging) = infer_page_number(doc, op, c) {
            return Some(paging);
        }
        // A list with a page number is not walked by time.
        if op.parameters_in(Location::Query).any(|p| p.name == c.page) {
            return None;
        }
    }
    let c = conventions.time_cursor.as_ref()?;
    let paging = Paging::TimeCursor {
        limit: c.limit.clone(),
        bound: c.bound().to_string(),
        time: c.time.clone(),
        id: c.id.clone(),
    };
    shape(doc, op, &paging).ok().map(|_| paging)
}

fn infer_page_number(
    doc: &Value,
    op: &OperationInfo,
    c: &super::conventions::PageNumbered,
) -> Option<Paging> {
    let (_, page) = component(doc, op.success_json()?)?;
    let properties = page.get("properties")?.as_object()?;
    let mut arrays = properties
        .iter()
        .filter(|(_, s)| str_of(Some(s), "type") == Some("array"));
    let (items, None) = (arrays.next()?.0, arrays.next()) else {
        return None;
    };
    // The total: on the answer, or in one of its object properties; the
    // first one the page can be read through (no nullable step, plain
    // field names). None found: the list pages without a total.
    let usable = |object: &Map<String, Value>, key: &str| {
        required(object, key).is_some() && rust_field(key).is_ok()
    };
    let total = if numeric(properties.get(&c.total)) && usable(page, &c.total) {
        Some(format!("/{}", super::pointer_token(&c.total)))
    } else {
        properties
            .iter()
            .filter(|(k, _)| *k != items && usable(page, k))
            .find_map(|(meta, schema)| {
                let (_, object) = component(doc, schema)?;
                let total = object.get("properties")?.get(&c.total);
                (numeric(total) && usable(object, &c.total)).then(|| {
                    format!(
                        "/{}/{}",
                        super::pointer_token(meta),
                        super::pointer_token(&c.total)
                    )
                })
            })
    };
    let paging = Paging::PageNumber {
        page: c.page.clone(),
        limit: c.limit.clone(),
        items: items.clone(),
        total,
        id: c.id.clone(),
    };
    shape(doc, op, &paging).ok().map(|_| paging)
}

/// Check `paging` against `op`: its parameters exist (optional, of the
/// right type), its answer has the items, total, identity and time it
/// names. Says what does not fit.
pub fn shape<'d>(doc: &'d Value, op: &OperationInfo, paging: &Paging) -> Result<Shape<'d>, String> {
    if op.method != "get" {
        return Err("only a GET is walked page by page".into());
    }
    let response = op
        .success_json()
        .ok_or("the operation has no JSON success answer")?;
    match paging {
        Paging::PageNumber {
            page: page_param,
            limit,
            items,
            total,
            id: id_name,
        } => {
            let id = id_name.as_str();
            for p in [page_param, limit] {
                if !optional_param(op, p, "type", &["number", "integer"]) {
                    return Err(format!("`{p}` is not an optional numeric query parameter"));
                }
                rust_field(p)?;
            }
            rust_field(items)?;
            let (page_name, page) =
                component(doc, response).ok_or("the answer is not a component")?;
            let items_schema = page
                .get("properties")
                .and_then(|p| p.get(items))
                .filter(|s| str_of(Some(s), "type") == Some("array"))
                .ok_or_else(|| format!("`{page_name}` has no array property `{items}`"))?;
            if required(page, items) != Some(true) {
                return Err(format!("`{page_name}.{items}` is not required"));
            }
            let item_schema = items_schema.get("items").unwrap_or(&Value::Null);
            let (item, id) = match component(doc, item_schema) {
                Some((name, object)) => (
                    Item::Component(name),
                    match item_field(doc, object, id, &is_string, true) {
                        // (Read from a component's typed field only.)
                        Field::Json => Field::Absent,
                        f => f,
                    },
                ),
                // An inline object or union typify names after the page.
                None if ["properties", "oneOf", "anyOf", "allOf"]
                    .iter()
                    .any(|k| item_schema.get(k).is_some()) =>
                {
                    (Item::Inline(page_name), Field::Json)
                }
                None => return Err(format!("`{page_name}.{items}` does not hold objects")),
            };
            if let Field::Typed { .. } = id {
                rust_field(id_name)?;
            }
            let mut steps = Vec::new();
            if let Some(pointer) = total {
                let mut object = page;
                let tokens: Vec<String> = pointer
                    .strip_prefix('/')
                    .ok_or_else(|| format!("the total `{pointer}` is not a JSON pointer"))?
                    .split('/')
                    .map(|t| t.replace("~1", "/").replace("~0", "~"))
                    .collect();
                for (i, token) in tokens.iter().enumerate() {
                    let (key, schema) = object
                        .get("properties")
                        .and_then(Value::as_object)
                        .and_then(|p| p.get_key_value(token))
                        .ok_or_else(|| format!("the total `{pointer}`: no property `{token}`"))?;
                    let required = required(object, key)
                        .ok_or_else(|| format!("the total `{pointer}`: `{token}` is nullable"))?;
                    rust_field(key)?;
                    steps.push((key.as_str(), required));
                    if i + 1 == tokens.len() {
                        if !numeric(Some(schema)) {
                            return Err(format!("the total `{pointer}` is not a number"));
                        }
                    } else {
                        object = component(doc, schema)
                            .ok_or_else(|| {
                                format!("the total `{pointer}`: `{token}` is not a component")
                            })?
                            .1;
                    }
                }
            }
            Ok(Shape {
                item,
                total: steps,
                id,
                time: None,
            })
        }
        Paging::TimeCursor {
            limit,
            bound,
            time,
            id,
        } => {
            if !optional_param(op, limit, "type", &["number", "integer"]) {
                return Err(format!(
                    "`{limit}` is not an optional numeric query parameter"
                ));
            }
            if !optional_param(op, bound, "format", &["date-time"]) {
                return Err(format!(
                    "`{bound}` is not an optional date-time query parameter"
                ));
            }
            rust_field(limit)?;
            rust_field(bound)?;
            if str_of(Some(response), "type") != Some("array") {
                return Err("the answer is not an array of items".into());
            }
            let (name, item) = response
                .get("items")
                .and_then(|i| component(doc, i))
                .ok_or("the items are not a component")?;
            let time_field = match item_field(doc, item, time, &is_date_time, false) {
                Field::Typed { required: false } => Field::Json,
                Field::Absent => return Err(format!("`{name}` has no date-time `{time}`")),
                f => f,
            };
            if let Field::Typed { .. } = time_field {
                rust_field(time)?;
            }
            // The items a page boundary brings again are told by their id.
            let id = match item_field(doc, item, id, &is_string, true) {
                Field::Absent => return Err(format!("`{name}` has no string `{id}`")),
                Field::Typed { required } => {
                    rust_field(id)?;
                    Field::Typed { required }
                }
                f => f,
            };
            Ok(Shape {
                item: Item::Component(name),
                total: Vec::new(),
                id,
                time: Some(time_field),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::conventions::Conventions;
    use crate::spec::operation_model::OperationModel;
    use serde_json::json;

    fn doc(params: Value, response: Value, schemas: Value) -> Value {
        json!({
            "paths": {"/thing": {"get": {
                "operationId": "ThingController_findAll",
                "parameters": params,
                "responses": {"200": {"content": {"application/json": {"schema": response}}}}
            }}},
            "components": {"schemas": schemas}
        })
    }

    fn q(name: &str, schema: Value) -> Value {
        json!({"name": name, "in": "query", "schema": schema})
    }

    fn infer_in(doc: &Value) -> Option<Paging> {
        let op = OperationModel::of(doc).operations.remove(0);
        infer(doc, &op, &Conventions::defaults().pagination)
    }

    #[test]
    fn a_page_numbered_list_is_recognised_with_its_total() {
        let d = doc(
            json!([
                q("page", json!({"type": "integer"})),
                q("limit", json!({"type": "number"}))
            ]),
            json!({"$ref": "#/components/schemas/Page"}),
            json!({
                "Page": {"type": "object", "required": ["results", "metadata"], "properties": {
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "metadata": {"$ref": "#/components/schemas/Meta"}}},
                "Meta": {"type": "object", "properties": {"totalItems": {"type": "number"}}},
                "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
            }),
        );
        let paging = infer_in(&d).expect("paged");
        assert_eq!(
            serde_json::to_value(&paging).unwrap(),
            json!({"kind": "page-number", "page": "page", "limit": "limit", "items": "results",
                   "total": "/metadata/totalItems", "id": "id"})
        );
        let op = OperationModel::of(&d).operations.remove(0);
        let s = shape(&d, &op, &paging).unwrap();
        assert_eq!(s.item, Item::Component("Thing"));
        assert_eq!(s.total, [("metadata", true), ("totalItems", false)]);
        assert_eq!(s.id, Field::Typed { required: true });
    }

    #[test]
    fn shapes_that_do_not_fit_are_named() {
        // A required page, two arrays, a POST: not a page-numbered list.
        let schemas = json!({
            "Page": {"type": "object", "required": ["a", "b"], "properties": {
                "a": {"type": "array", "items": {}}, "b": {"type": "array", "items": {}}}}
        });
        let d = doc(
            json!([
                q("page", json!({"type": "integer"})),
                q("limit", json!({"type": "integer"}))
            ]),
            json!({"$ref": "#/components/schemas/Page"}),
            schemas,
        );
        assert_eq!(infer_in(&d), None);
        let op = OperationModel::of(&d).operations.remove(0);
        let stated = Paging::PageNumber {
            page: "page".into(),
            limit: "size".into(),
            items: "a".into(),
            total: None,
            id: "id".into(),
        };
        assert_eq!(
            shape(&d, &op, &stated).unwrap_err(),
            "`size` is not an optional numeric query parameter"
        );
    }

    #[test]
    fn a_time_cursor_list_is_recognised_and_needs_time_and_id() {
        let thing = |props: Value, required: Value| json!({"Thing": {"type": "object", "required": required, "properties": props}});
        let params = json!([
            q("limit", json!({"type": "number"})),
            q(
                "createdAtLe",
                json!({"type": "string", "format": "date-time"})
            )
        ]);
        let array = json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
        let full = doc(
            params.clone(),
            array.clone(),
            thing(
                json!({"id": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}}),
                json!(["id", "createdAt"]),
            ),
        );
        assert_eq!(
            serde_json::to_value(infer_in(&full).unwrap()).unwrap(),
            json!({"kind": "time-cursor", "limit": "limit", "bound": "createdAtLe",
                   "time": "createdAt", "id": "id"})
        );
        let no_id = doc(
            params,
            array,
            thing(
                json!({"createdAt": {"type": "string", "format": "date-time"}}),
                json!([]),
            ),
        );
        assert_eq!(infer_in(&no_id), None);
        let op = OperationModel::of(&no_id).operations.remove(0);
        let stated = infer_in(&full).unwrap();
        assert_eq!(
            shape(&no_id, &op, &stated).unwrap_err(),
            "`Thing` has no string `id`"
        );
    }
}
