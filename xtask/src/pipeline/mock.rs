//! Stage **mock**: the mock crate's route table, `cozmox-mock`'s
//! `src/generated/mod.rs`, from the operation model, the resource plan and
//! the conventions' `mock` section. The hand-written server reads it; there
//! is no code per resource.
//!
//! A collection `P` keeps state (a *store*) when `GET P/{id}` answers an
//! item whose schema has the conventions' identity property and `POST P`
//! answers that item (or a union with it as a member): the create, get,
//! update (`PATCH`/`PUT P/{id}`), delete (`DELETE P/{id}`) and every list of
//! the same resource answering those items (paged as its `x-cozmox-sdk`
//! pagination says) act on the store. Every other operation answers an
//! instance of its success body built from the schema
//! ([`crate::spec::instance`]). Request bodies decode strictly as their
//! models and are validated; answers are checked against their operation's
//! success type by the server before they are sent.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::resources::Plan;
use crate::Error;
use crate::spec::conventions::{Comparison, Conventions, Paging};
use crate::spec::instance::instance;
use crate::spec::operation_model::{Location, OperationInfo, OperationModel};

/// The file name, in the mock crate's `generated/`.
pub const FILE: &str = "mod.rs";

/// What the stage found, for `generate` to report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MockReport {
    /// Stores: resource name → collection path.
    pub stores: Vec<(String, String)>,
    /// Operations answered from a store, by kind.
    pub stateful: usize,
    /// Operations whose answer instance cannot be built: (operationId, why).
    pub unbuildable: Vec<(String, String)>,
}

/// A store the table describes.
struct StoreInfo<'a> {
    name: String,
    resource: &'a str,
    path: &'a str,
    item: &'a Value,
    templates: Vec<(String, Vec<String>)>,
    check: Option<TokenStream>,
}

/// The Rust type an answer decodes into: a component's model, or a `Vec`
/// of one.
fn rust_type(
    schema: &Value,
    krate: &syn::Ident,
    names: &BTreeMap<String, String>,
) -> Option<TokenStream> {
    if let Some(name) = crate::spec::named_component(schema) {
        let ty = format_ident!("{}", names.get(name)?);
        return Some(quote!(::#krate::#ty));
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let inner = rust_type(schema.get("items")?, krate, names)?;
        return Some(quote!(::std::vec::Vec<#inner>));
    }
    None
}

/// The success status an operation answers (its first `2XX`, else 200).
fn success_status(op: &OperationInfo) -> u16 {
    op.successes()
        .next()
        .and_then(|r| r.status.parse().ok())
        .unwrap_or(200)
}

/// The members of an item's union (a component that is a `oneOf`/`anyOf`,
/// or such a schema inline), each as a schema keeping the union's
/// discriminator; the item itself when it is not a union.
fn members(doc: &Value, item: &Value) -> Vec<Value> {
    let Some(list) = union_members(doc, item) else {
        return vec![item.clone()];
    };
    let discriminator = crate::spec::resolve(doc, item).get("discriminator");
    list.iter()
        .map(|member| {
            let mut one = serde_json::Map::new();
            one.insert("oneOf".into(), Value::Array(vec![member.clone()]));
            if let Some(d) = discriminator {
                one.insert("discriminator".into(), d.clone());
            }
            Value::Object(one)
        })
        .collect()
}

/// A member's property names (through `allOf`, `$ref` and one-member
/// unions).
fn property_names(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = crate::spec::resolve(doc, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some([only]) = schema.get(key).and_then(Value::as_array).map(Vec::as_slice) {
            return property_names(doc, only);
        }
    }
    let mut out = BTreeMap::new();
    super::schema_map::properties(doc, schema, &mut out);
    out.into_keys().collect()
}

/// The members of a union schema (through a reference), if it is one.
fn union_members<'d>(doc: &'d Value, schema: &'d Value) -> Option<&'d Vec<Value>> {
    let resolved = crate::spec::resolve(doc, schema);
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|key| resolved.get(key).and_then(Value::as_array))
}

/// Whether two schemas describe the same items: equal, equal once
/// resolved, or unions of the same members (a list's inline union of the
/// members a component unites).
fn same_item(doc: &Value, a: &Value, b: &Value) -> bool {
    if a == b || crate::spec::resolve(doc, a) == crate::spec::resolve(doc, b) {
        return true;
    }
    let refs = |members: &Vec<Value>| -> Vec<String> {
        members
            .iter()
            .map(|m| {
                m.get("$ref")
                    .map_or_else(|| m.to_string(), ToString::to_string)
            })
            .collect()
    };
    match (union_members(doc, a), union_members(doc, b)) {
        (Some(x), Some(y)) => refs(x) == refs(y),
        _ => false,
    }
}

/// Whether a success schema is `item`, or a union with `item` as a member.
fn answers_item(doc: &Value, success: &Value, item: &Value) -> bool {
    if same_item(doc, success, item) {
        return true;
    }
    let resolved = crate::spec::resolve(doc, success);
    ["oneOf", "anyOf"].iter().any(|key| {
        resolved
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|members| members.iter().any(|m| m == item))
    })
}

/// The collection of an operation on `P/{id}`.
fn item_route(op: &OperationInfo) -> Option<&str> {
    crate::spec::item_collection(&op.path)
}

/// The items a list answers: its pagination's items property, or a bare
/// array's items.
fn list_items<'d>(doc: &'d Value, op: &'d OperationInfo) -> Option<&'d Value> {
    let success = op.success_json()?;
    if let Some(Ok(Paging::PageNumber { items, .. })) = op
        .sdk
        .pagination
        .as_ref()
        .map(|p| serde_json::from_value::<Paging>(p.clone()))
    {
        let page = crate::spec::resolve(doc, success);
        return page.get("properties")?.get(items.as_str())?.get("items");
    }
    (success.get("type").and_then(Value::as_str) == Some("array"))
        .then(|| success.get("items"))
        .flatten()
}

fn str_tokens(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn comparison(c: Comparison) -> TokenStream {
    match c {
        Comparison::Greater => quote!(Cmp::Greater),
        Comparison::GreaterOrEqual => quote!(Cmp::GreaterOrEqual),
        Comparison::Less => quote!(Cmp::Less),
        Comparison::LessOrEqual => quote!(Cmp::LessOrEqual),
    }
}

/// The route table, and what it found.
pub fn generate(
    plan: &Plan,
    doc: &Value,
    operations: &OperationModel,
    conventions: &Conventions,
    names: &BTreeMap<String, String>,
    models_crate: &str,
) -> Result<(TokenStream, MockReport), Error> {
    let krate = format_ident!("{}", models_crate.replace('-', "_"));
    let mock = &conventions.mock;
    let mut report = MockReport::default();
    // operationId → the resource's accessor.
    let accessor: BTreeMap<&str, &str> = plan
        .resources
        .values()
        .flat_map(|r| {
            r.methods
                .iter()
                .map(|m| (m.operation_id.as_str(), r.accessor.as_str()))
        })
        .collect();
    let resource_of =
        |op: &OperationInfo| op.id.as_deref().and_then(|id| accessor.get(id)).copied();

    // The stores: collections with a get answering an item with an id and
    // a create answering it.
    let mut stores: Vec<StoreInfo<'_>> = Vec::new();
    for get in operations.operations.iter().filter(|op| op.method == "get") {
        let (Some(collection), Some(item), Some(resource)) =
            (item_route(get), get.success_json(), resource_of(get))
        else {
            continue;
        };
        if stores.iter().any(|s| s.path == collection) || mock.id.is_empty() {
            continue;
        }
        let Some(create) = operations.by_route(&crate::spec::route("post", collection)) else {
            continue;
        };
        if !create
            .success_json()
            .is_some_and(|s| answers_item(doc, s, item))
        {
            continue;
        }
        let mut templates = Vec::new();
        for (i, member) in members(doc, item).iter().enumerate() {
            let fields = property_names(doc, member);
            if !fields.contains(&mock.id) {
                continue;
            }
            if let Ok(json) = instance(doc, member, &format!("{}/{i}", get.pointer)) {
                templates.push((json.to_string(), fields));
            }
        }
        if templates.is_empty() {
            continue;
        }
        let name = if stores.iter().any(|s| s.resource == resource) {
            collection.to_string()
        } else {
            resource.to_string()
        };
        stores.push(StoreInfo {
            name,
            resource,
            path: collection,
            item,
            templates,
            check: rust_type(item, &krate, names),
        });
    }
    report.stores = stores
        .iter()
        .map(|s| (s.name.clone(), s.path.to_string()))
        .collect();

    let mut ops = Vec::new();
    for op in &operations.operations {
        let Some(id) = op.id.as_deref() else { continue };
        let method = op.method.to_uppercase();
        let path = &op.path;
        let status = success_status(op);
        let store_at = |collection: &str| stores.iter().position(|s| s.path == collection);
        let item_store = item_route(op).and_then(store_at);
        let kind = match (op.method.as_str(), item_store, store_at(path)) {
            ("post", _, Some(s)) => Some(quote!(Kind::Create(#s))),
            ("get", Some(s), _) => Some(quote!(Kind::Get(#s))),
            ("patch", Some(s), _) => Some(quote!(Kind::Update(#s))),
            ("put", Some(s), _) => Some(quote!(Kind::Replace(#s))),
            ("delete", Some(s), _) => {
                let answers = op
                    .success_json()
                    .is_some_and(|answer| same_item(doc, answer, stores[s].item));
                Some(quote!(Kind::Delete { store: #s, answers_item: #answers }))
            }
            ("get", None, _) => list_items(doc, op)
                .and_then(|items| {
                    let resource = resource_of(op)?;
                    // A list of the resource's items, under no item of it
                    // (`P/{id}/siblings` lists something else).
                    let params: Vec<&str> = crate::spec::template_params(&op.path).collect();
                    stores.iter().position(|s| {
                        s.resource == resource
                            && same_item(doc, s.item, items)
                            && params
                                .iter()
                                .all(|p| crate::spec::template_params(s.path).any(|q| q == *p))
                    })
                })
                .map(|s| list_kind(op, s, &stores[s], doc, conventions)),
            _ => None,
        };
        if kind.is_some() {
            report.stateful += 1;
        }
        let kind = kind.unwrap_or(quote!(Kind::Answer));
        let body = match &op.body {
            None => quote!(Body::None),
            Some(body) => {
                let json = body
                    .content
                    .iter()
                    .find(|m| m.content_type == "application/json");
                match json
                    .and_then(|m| m.schema.as_ref())
                    .and_then(|s| rust_type(s, &krate, names))
                {
                    Some(ty) => quote!(Body::Json(decode::<#ty>)),
                    None if json.is_some() => quote!(Body::AnyJson),
                    None => quote!(Body::Other),
                }
            }
        };
        let answer = match op.success_json() {
            None => {
                let media = op
                    .successes()
                    .next()
                    .and_then(|r| r.content.first())
                    .map(|m| m.content_type.clone());
                match media {
                    Some(media) => quote!(Answer::Bytes(#media)),
                    None => quote!(Answer::Empty),
                }
            }
            Some(schema) => match instance(doc, schema, &op.pointer) {
                Ok(json) => {
                    let json = json.to_string();
                    quote!(Answer::Json(#json))
                }
                Err(why) => {
                    report.unbuildable.push((id.to_string(), why.clone()));
                    quote!(Answer::Unbuildable(#why))
                }
            },
        };
        let check = match op.success_json().and_then(|s| rust_type(s, &krate, names)) {
            Some(ty) => quote!(Some(check::<#ty>)),
            None => quote!(None),
        };
        ops.push(quote! {
            Operation {
                id: #id,
                method: #method,
                path: #path,
                status: #status,
                kind: #kind,
                body: #body,
                answer: #answer,
                check: #check,
            },
        });
    }

    let store_items = stores.iter().map(|s| {
        let name = &s.name;
        let path = s.path;
        let templates = s
            .templates
            .iter()
            .map(|(json, fields)| quote!(Template { json: #json, fields: &[#(#fields),*] }));
        let check = match &s.check {
            Some(ty) => quote!(Some(check::<#ty>)),
            None => quote!(None),
        };
        let has = |field: &str| {
            s.templates
                .iter()
                .any(|(_, f)| f.iter().any(|x| x == field))
        };
        let created = str_tokens(&has(&mock.created).then(|| mock.created.clone()));
        let updated = str_tokens(&has(&mock.updated).then(|| mock.updated.clone()));
        let id = &mock.id;
        quote! {
            Store {
                name: #name,
                path: #path,
                id: #id,
                created: #created,
                updated: #updated,
                templates: &[#(#templates),*],
                check: #check,
            },
        }
    });
    let tokens = quote! {
        #![allow(clippy::all, clippy::pedantic)]
        //! The route table of the API: the stores the mock keeps and every
        //! operation, with how it is answered.

        use crate::table::{Answer, Api, Body, Cmp, Filter, Kind, List, Operation, Pages, Store, Template};
        use crate::codec::{check, decode};

        /// The API the mock serves.
        pub(crate) static API: Api = Api {
            stores: &[#(#store_items)*],
            operations: &[#(#ops)*],
        };
    };
    Ok((tokens, report))
}

/// A list over store `s`: how it pages, its filters and its order.
fn list_kind(
    op: &OperationInfo,
    s: usize,
    store: &StoreInfo<'_>,
    doc: &Value,
    conventions: &Conventions,
) -> TokenStream {
    let mock = &conventions.mock;
    let paging = op
        .sdk
        .pagination
        .as_ref()
        .and_then(|p| serde_json::from_value::<Paging>(p.clone()).ok());
    let query: Vec<&crate::spec::operation_model::Parameter> =
        op.parameters_in(Location::Query).collect();
    let param_schema = |name: &str| {
        query
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.schema.as_ref())
            .map(|s| crate::spec::resolve(doc, s))
    };
    let bound = |name: &str, key: &str| {
        param_schema(name)
            .and_then(|s| s.get(key))
            .and_then(Value::as_u64)
    };
    let opt_u64 = |v: Option<u64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let newest_first = conventions
        .pagination
        .time_cursor
        .as_ref()
        .is_some_and(|t| matches!(t.order, crate::spec::conventions::Order::NewestFirst));
    let (pages, used): (TokenStream, Vec<String>) = match &paging {
        Some(Paging::PageNumber {
            page,
            limit,
            items,
            total,
            ..
        }) => {
            let max = opt_u64(bound(limit, "maximum"));
            let default = opt_u64(bound(limit, "default"));
            // The echoes sit beside the total.
            let beside = |name: &String| {
                total
                    .as_ref()
                    .and_then(|t| t.rsplit_once('/'))
                    .map(|(parent, _)| format!("{parent}/{}", crate::spec::pointer_token(name)))
            };
            let echo_page = str_tokens(&mock.page_echo.as_ref().and_then(|e| beside(&e.page)));
            let echo_limit = str_tokens(&mock.page_echo.as_ref().and_then(|e| beside(&e.limit)));
            let total = str_tokens(total);
            (
                quote!(Pages::Numbered { page: #page, limit: #limit, max_limit: #max, default_limit: #default, items: #items, total: #total, echo_page: #echo_page, echo_limit: #echo_limit }),
                vec![page.clone(), limit.clone()],
            )
        }
        Some(Paging::TimeCursor { limit, .. }) => {
            let max = opt_u64(bound(limit, "maximum"));
            let default = opt_u64(bound(limit, "default"));
            (
                quote!(Pages::Limited { limit: #limit, max_limit: #max, default_limit: #default, newest_first: #newest_first }),
                vec![limit.clone()],
            )
        }
        None => (quote!(Pages::All), Vec::new()),
    };
    let fields: Vec<&String> = store.templates.iter().flat_map(|(_, f)| f).collect();
    let mut filters = Vec::new();
    let mut sort = quote!(None);
    for p in &query {
        let name = p.name.as_str();
        if used.iter().any(|u| u == name) {
            continue;
        }
        if let Some(s) = &mock.sort
            && s.parameter == name
        {
            let (param, asc, desc) = (&s.parameter, &s.ascending, &s.descending);
            sort = quote!(Some((#param, #asc, #desc)));
            continue;
        }
        let date = p
            .schema
            .as_ref()
            .map(|s| crate::spec::resolve(doc, s))
            .and_then(|s| s.get("format"))
            .and_then(Value::as_str)
            == Some("date-time");
        if fields.iter().any(|f| *f == name) {
            filters.push(
                quote!(Filter { parameter: #name, property: #name, cmp: Cmp::Equal, date: #date }),
            );
            continue;
        }
        for (suffix, cmp) in &mock.bounds {
            if let Some(property) = name.strip_suffix(suffix.as_str())
                && fields.iter().any(|f| *f == property)
            {
                let cmp = comparison(*cmp);
                filters.push(quote!(Filter { parameter: #name, property: #property, cmp: #cmp, date: #date }));
                break;
            }
        }
    }
    let page_answer = op
        .success_json()
        .and_then(|s| instance(doc, s, &op.pointer).ok())
        .map_or_else(|| "[]".to_string(), |v| v.to_string());
    quote!(Kind::List(#s, &List { pages: #pages, filters: &[#(#filters),*], sort: #sort, page: #page_answer }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};
    use serde_json::json;

    fn flat(t: &TokenStream) -> String {
        t.to_string().split_whitespace().collect()
    }

    /// A resource with a plain item, one whose item is a union, and an
    /// operation of neither: two stores (one template per union member, the
    /// tag set), the list bound to its store with its filters, the other
    /// operation answering an instance.
    #[test]
    fn stores_come_from_the_shape_of_the_routes() {
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        let tool = json!({"$ref": "#/components/schemas/Tool"});
        let answer = |schema: &Value| json!({"content": {"application/json": {"schema": schema}}});
        let doc = json!({
            "paths": {
                "/pets": {
                    "post": {"operationId": "Pets_create", "responses": {"201": answer(&pet)},
                             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}}},
                    "get": {"operationId": "Pets_list", "responses": {"200": answer(&json!({"type": "array", "items": pet}))},
                            "parameters": [
                                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}},
                                {"name": "name", "in": "query", "schema": {"type": "string"}},
                                {"name": "createdAtGt", "in": "query", "schema": {"type": "string", "format": "date-time"}}
                            ],
                            "x-cozmox-sdk": {"pagination": {"kind": "time-cursor", "limit": "limit", "bound": "createdAtLe", "time": "createdAt", "id": "id"}}}
                },
                "/pets/{id}": {
                    "get": {"operationId": "Pets_get", "responses": {"200": answer(&pet)}},
                    "delete": {"operationId": "Pets_remove", "responses": {"204": {}}}
                },
                "/pets/{id}/feed": {
                    "post": {"operationId": "Pets_feed", "responses": {"200": answer(&json!({"$ref": "#/components/schemas/Meal"}))}}
                },
                "/tool": {"post": {"operationId": "Tools_create", "responses": {"201": answer(&tool)}}},
                "/tool/{id}": {"get": {"operationId": "Tools_get", "responses": {"200": answer(&tool)}}}
            },
            "components": {"schemas": {
                "Pet": {"type": "object", "required": ["id", "name"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "createdAt": {"type": "string", "format": "date-time"}}},
                "NewPet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Meal": {"type": "object", "required": ["kcal"], "properties": {"kcal": {"type": "integer", "minimum": 1}}},
                "Tool": {"oneOf": [{"$ref": "#/components/schemas/Hammer"}, {"$ref": "#/components/schemas/Saw"}],
                         "discriminator": {"propertyName": "type"}},
                "Hammer": {"type": "object", "required": ["id", "type"], "properties": {"id": {"type": "string"}, "type": {"type": "string", "enum": ["hammer"]}}},
                "Saw": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "teeth": {"type": "integer"}}}
            }}
        });
        let operations = OperationModel::of(&doc);
        let method = |id: &str| {
            let op = operations
                .operations
                .iter()
                .find(|o| o.id.as_deref() == Some(id))
                .expect("an operation");
            ResourceMethod::bare(id, &op.method.to_uppercase(), &op.path, id)
        };
        let resource = |accessor: &str, ids: &[&str]| Resource {
            label: accessor.into(),
            type_name: accessor.into(),
            accessor: accessor.into(),
            methods: ids.iter().map(|id| method(id)).collect(),
        };
        let plan = Plan {
            resources: BTreeMap::from([
                (
                    "Pets".to_string(),
                    resource(
                        "pets",
                        &[
                            "Pets_create",
                            "Pets_list",
                            "Pets_get",
                            "Pets_remove",
                            "Pets_feed",
                        ],
                    ),
                ),
                (
                    "Tools".to_string(),
                    resource("tools", &["Tools_create", "Tools_get"]),
                ),
            ]),
            collisions: Vec::new(),
            renamed: Vec::new(),
        };
        let names: BTreeMap<String, String> = ["Pet", "NewPet", "Meal", "Tool", "Hammer", "Saw"]
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let (tokens, report) = generate(
            &plan,
            &doc,
            &operations,
            &Conventions::defaults(),
            &names,
            "pet-models",
        )
        .expect("generates");
        assert_eq!(
            report.stores,
            [
                ("pets".to_string(), "/pets".to_string()),
                ("tools".to_string(), "/tool".to_string())
            ]
        );
        assert_eq!(report.stateful, 6, "create, list, get, delete; create, get");
        let code = flat(&tokens);
        for expected in [
            r#"kind:Kind::Create(0usize),body:Body::Json(decode::<::pet_models::NewPet>)"#,
            r#"Pages::Limited{limit:"limit",max_limit:Some(50u64),default_limit:None,newest_first:true}"#,
            r#"Filter{parameter:"name",property:"name",cmp:Cmp::Equal,date:false}"#,
            r#"Filter{parameter:"createdAtGt",property:"createdAt",cmp:Cmp::Greater,date:true}"#,
            r#"kind:Kind::Delete{store:0usize,answers_item:false}"#,
            r#"kind:Kind::Answer,body:Body::None,answer:Answer::Json("{\"kcal\":1}"),check:Some(check::<::pet_models::Meal>)"#,
            // One template per member: the hammer's tag from its enum, the saw without one.
            r#"Template{json:"{\"id\":\"string\",\"type\":\"hammer\"}""#,
            r#"Template{json:"{\"id\":\"string\",\"type\":\"Saw\"}""#,
        ] {
            assert!(code.contains(expected), "{expected}\nnot in\n{code}");
        }
    }
}
