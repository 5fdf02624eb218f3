//! The server's behaviour for any operation of the route table: the stores
//! (items in creation order, an id index), routing, and the answer of each
//! kind of operation. Nothing here names a resource.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use hyper::StatusCode;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::generated::API;
use crate::server::{DEFAULT_LIMIT, Reply, SeedError, error, lock, percent_decode, reply_bytes};
#[cfg(test)]
use crate::table::Template;
use crate::table::{Answer, Body, Cmp, Kind, List, Operation, Pages, Store};

/// An item's place in its store: its creation time, then its sequence
/// number (the order of lists).
type Key = (DateTime<Utc>, u64);

/// The items of one store, in creation order (by creation time, then
/// sequence number), with an id index.
#[derive(Debug, Default)]
pub(crate) struct Items {
    /// The next sequence number.
    next: u64,
    /// The next number a generated id is made from.
    next_id: u64,
    /// The latest creation time held (each create is strictly later).
    last_created: Option<DateTime<Utc>>,
    items: BTreeMap<Key, Entry>,
    ids: HashMap<String, Key>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The values of the collection's path parameters it was created under
    /// (`/provider/{provider}/{resourceName}`), `None` for a seeded item
    /// (seen under any).
    scope: Option<String>,
    /// Shared, so a list page takes its items out of the store without
    /// copying them and encodes them after the store is released.
    json: Arc<Map<String, Value>>,
}

impl Entry {
    fn in_scope(&self, scope: Option<&str>) -> bool {
        match (self.scope.as_deref(), scope) {
            (Some(mine), Some(asked)) => mine == asked,
            _ => true,
        }
    }
}

/// Every store's items, one lock each.
#[derive(Debug)]
pub(crate) struct State {
    stores: Vec<Mutex<Items>>,
    /// The most items one store holds.
    max_items: usize,
}

/// Why a request is refused: the status and the message of the API's
/// error shape.
pub(crate) struct Refusal(StatusCode, Value);

impl Refusal {
    /// A `400` with these messages.
    fn bad(messages: Vec<String>) -> Refusal {
        Refusal(StatusCode::BAD_REQUEST, json!(messages))
    }

    fn reply(self) -> Reply {
        error(self.0, self.1)
    }
}

/// The routes: each operation's path template (literal segments, `None`
/// for parameters).
type Routes = Vec<(Vec<Option<&'static str>>, &'static Operation)>;

/// The store named `resource`.
pub(crate) fn store_named(resource: &str) -> Option<usize> {
    API.stores.iter().position(|s| s.name == resource)
}

/// The names of the stores.
pub(crate) fn store_names() -> Vec<&'static str> {
    API.stores.iter().map(|s| s.name).collect()
}

impl State {
    /// Empty stores holding at most `max_items` each.
    pub(crate) fn new(max_items: usize) -> State {
        State {
            stores: API.stores.iter().map(|_| Mutex::default()).collect(),
            max_items,
        }
    }

    fn items(&self, store: usize) -> MutexGuard<'_, Items> {
        lock(&self.stores[store])
    }

    /// How many items store `store` holds.
    pub(crate) fn count(&self, store: usize) -> usize {
        self.items(store).items.len()
    }

    /// Store `store`'s items in creation order.
    pub(crate) fn all(&self, store: usize) -> Vec<Value> {
        self.items(store)
            .items
            .values()
            .map(|e| Value::Object((*e.json).clone()))
            .collect()
    }
}

fn timestamp(at: DateTime<Utc>) -> Value {
    json!(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

impl Items {
    /// A new id (UUID-shaped, unique and ordered; no random number
    /// generator needed) that neither the store nor `also_taken` holds.
    fn fresh_id(&mut self, store: usize, also_taken: &HashSet<String>) -> String {
        loop {
            let id = format!(
                "00000000-0000-4000-8{:03x}-{:012x}",
                store & 0xfff,
                self.next_id
            );
            self.next_id += 1;
            if !self.ids.contains_key(&id) && !also_taken.contains(&id) {
                return id;
            }
        }
    }

    /// A creation time strictly later than every one held.
    fn now(&mut self) -> DateTime<Utc> {
        let mut now = Utc::now();
        if let Some(last) = self.last_created {
            now = now.max(
                last.checked_add_signed(chrono::Duration::milliseconds(1))
                    .unwrap_or(last),
            );
        }
        self.last_created = Some(now);
        now
    }

    /// Store `entry` as created at `created` (the epoch for items without a
    /// creation time: creation order then).
    fn insert(&mut self, id: String, created: DateTime<Utc>, entry: Entry) {
        let key = (created, self.next);
        self.next += 1;
        self.last_created = Some(self.last_created.map_or(created, |last| last.max(created)));
        self.ids.insert(id, key);
        self.items.insert(key, entry);
    }
}

/// Route a request: the operation whose template matches the path (the
/// one with the most literal segments when several do).
pub(crate) fn route(method: &str, path: &str) -> Option<&'static Operation> {
    static ROUTES: OnceLock<Routes> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        API.operations
            .iter()
            .map(|op| (template(op.path), op))
            .collect()
    });
    let segments = segments(path);
    routes
        .iter()
        .filter(|(template, op)| {
            op.method.eq_ignore_ascii_case(method)
                && template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.is_none_or(|t| t == *s) && !s.is_empty())
        })
        .max_by_key(|(template, _)| template.iter().filter(|t| t.is_some()).count())
        .map(|(_, op)| *op)
}

/// A path template's segments: literals, `None` for parameters.
fn template(path: &'static str) -> Vec<Option<&'static str>> {
    segments(path)
        .into_iter()
        .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then_some(s))
        .collect()
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_end_matches('/').split('/').skip(1).collect()
}

/// The value of a path's last segment (an item's id), decoded.
fn last_segment(path: &str) -> String {
    segments(path)
        .last()
        .map(|s| percent_decode(s, false))
        .unwrap_or_default()
}

/// The values of the store's collection path parameters in a request for
/// `op` (`Some("")` for a collection without any); `None` when `op` is not
/// under the collection's path (a list of the resource elsewhere: it sees
/// every item).
fn scope(store: &Store, op: &Operation, path: &str) -> Option<String> {
    if !op.path.starts_with(store.path) {
        return None;
    }
    let sent = segments(path);
    let values: Vec<String> = template(store.path)
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_none())
        .map(|(i, _)| {
            sent.get(i)
                .map(|s| percent_decode(s, false))
                .unwrap_or_default()
        })
        .collect();
    Some(values.join("/"))
}

/// The request body as the operation takes it: its fields (empty without a
/// JSON body), or the `400` to answer.
fn fields(op: &Operation, bytes: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match op.body {
        Body::Json(decode) => decode(bytes).map_err(Refusal::bad),
        Body::AnyJson if !bytes.is_empty() => match serde_json::from_slice(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Ok(Map::new()),
            Err(e) => Err(Refusal::bad(vec![format!(
                "the body is not valid JSON: {e}"
            )])),
        },
        _ => Ok(Map::new()),
    }
}

/// The answer to an authorized request for `op`, whose body (already read
/// within the limits) is `bytes`.
pub(crate) fn handle(
    state: &State,
    op: &'static Operation,
    path: &str,
    query: &str,
    bytes: &[u8],
) -> Reply {
    let body = match fields(op, bytes) {
        Ok(body) => body,
        Err(refusal) => return refusal.reply(),
    };
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    let at = |s: usize| Place {
        store: s,
        scope: scope(&API.stores[s], op, path),
    };
    let answer = match op.kind {
        Kind::Create(s) => create(state, &at(s), body),
        Kind::Get(s) => find(state, &at(s), &last_segment(path)),
        Kind::Update(s) => update(state, &at(s), &last_segment(path), body, false),
        Kind::Replace(s) => update(state, &at(s), &last_segment(path), body, true),
        Kind::Delete {
            store,
            answers_item,
        } => match remove(state, &at(store), &last_segment(path)) {
            Ok(removed) if answers_item => encode(&*removed),
            Ok(_) => return instance(op, status),
            Err(refusal) => return refusal.reply(),
        },
        Kind::List(s, list) => page(state, &at(s), list, query),
        Kind::Answer => return instance(op, status),
    };
    match answer {
        Ok(bytes) => checked(op, status, bytes),
        Err(refusal) => refusal.reply(),
    }
}

/// A store, and the scope a request names in it.
struct Place {
    store: usize,
    scope: Option<String>,
}

/// `bytes` as the answer of `op`, once they decode as its success type;
/// a `500` saying why if they do not (the mock would be lying).
fn checked(op: &Operation, status: StatusCode, bytes: Vec<u8>) -> Reply {
    if let Some(check) = op.check
        && let Err(why) = check(&bytes)
    {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!(format!(
                "the mock's answer to {} does not decode as its success type: {why}",
                op.id
            )),
        );
    }
    reply_bytes(status, Some("application/json"), Bytes::from(bytes))
}

/// The operation's answer instance.
fn instance(op: &Operation, status: StatusCode) -> Reply {
    match op.answer {
        Answer::Empty => reply_bytes(status, None, Bytes::new()),
        Answer::Bytes(media) => reply_bytes(status, Some(media), Bytes::new()),
        Answer::Json(json) => checked(op, status, json.as_bytes().to_vec()),
        Answer::Unbuildable(why) => error(
            StatusCode::NOT_IMPLEMENTED,
            json!(format!("the mock cannot answer {}: {why}", op.id)),
        ),
    }
}

fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Refusal> {
    serde_json::to_vec(value).map_err(|e| {
        Refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!(format!("cannot encode the answer: {e}")),
        )
    })
}

fn not_found(store: &Store, id: &str) -> Refusal {
    Refusal(
        StatusCode::NOT_FOUND,
        json!(format!("{} with id {id} not found", store.name)),
    )
}

/// Build an item of `store` from `body`'s fields: on a template of the item
/// (the one whose type has the most of the body's fields first, for a union
/// item), the first the fields fit (the item must decode as its type), with
/// the assigned properties set. Fields the item type does not have are
/// dropped (a create body's write-only fields) unless `keep_all` (a seeded
/// item, which then does not decode).
fn build(
    store: &Store,
    body: &Map<String, Value>,
    assigned: &[(&str, Value)],
    keep_all: bool,
) -> Result<Map<String, Value>, String> {
    let covered = |fields: &[&str]| body.keys().filter(|k| fields.contains(&k.as_str())).count();
    let mut templates: Vec<_> = store.templates.iter().collect();
    // Stable: equally good templates keep the table's order.
    templates.sort_by_key(|t| std::cmp::Reverse(covered(t.fields)));
    let mut first_error = None;
    for template in templates {
        let Ok(Value::Object(mut item)) = serde_json::from_str::<Value>(template.json) else {
            continue;
        };
        for (key, value) in body {
            if keep_all || template.fields.contains(&key.as_str()) {
                item.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in assigned {
            item.insert((*key).to_string(), value.clone());
        }
        match check_item(store, &item) {
            Ok(()) => return Ok(item),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| "no template".into()))
}

fn check_item(store: &Store, item: &Map<String, Value>) -> Result<(), String> {
    match store.check {
        Some(check) => check(&serde_json::to_vec(item).unwrap_or_default()),
        None => Ok(()),
    }
}

/// The epoch: the creation time of items that have none (they keep their
/// creation order).
fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

fn create(state: &State, at: &Place, body: Map<String, Value>) -> Result<Vec<u8>, Refusal> {
    let store = &API.stores[at.store];
    let mut items = state.items(at.store);
    if items.items.len() >= state.max_items {
        return Err(full(store, state.max_items));
    }
    let id = items.fresh_id(at.store, &HashSet::new());
    let now = items.now();
    let mut assigned = vec![(store.id, json!(id))];
    assigned.extend(store.created.map(|c| (c, timestamp(now))));
    assigned.extend(store.updated.map(|u| (u, timestamp(now))));
    // Built and checked under the lock: the id and time are this item's.
    let item = build(store, &body, &assigned, false).map_err(|why| unbuildable(store, &why))?;
    let json = Arc::new(item);
    let created = if store.created.is_some() {
        now
    } else {
        epoch()
    };
    items.insert(
        id,
        created,
        Entry {
            scope: at.scope.clone(),
            json: Arc::clone(&json),
        },
    );
    drop(items);
    encode(&*json)
}

fn unbuildable(store: &Store, why: &str) -> Refusal {
    Refusal(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!(format!(
            "the mock cannot build a {} item from this body: {why}",
            store.name
        )),
    )
}

/// The store is full: the answer (in the API's error shape).
fn full(store: &Store, max_items: usize) -> Refusal {
    Refusal(
        StatusCode::INSUFFICIENT_STORAGE,
        json!(format!(
            "the mock holds at most {max_items} items of {}",
            store.name
        )),
    )
}

/// The key of item `id` in the place's scope.
fn key_of(items: &Items, at: &Place, id: &str) -> Option<Key> {
    let key = *items.ids.get(id)?;
    items
        .items
        .get(&key)
        .is_some_and(|e| e.in_scope(at.scope.as_deref()))
        .then_some(key)
}

fn find(state: &State, at: &Place, id: &str) -> Result<Vec<u8>, Refusal> {
    let found = {
        let items = state.items(at.store);
        key_of(&items, at, id)
            .and_then(|key| items.items.get(&key))
            .map(|e| Arc::clone(&e.json))
    };
    match found {
        Some(json) => encode(&*json),
        None => Err(not_found(&API.stores[at.store], id)),
    }
}

/// A `PATCH` (`replace` false) sets the fields sent; a `PUT` (`replace`)
/// builds the item again from the body, keeping its id and creation time.
/// Fields the item type does not have are dropped, as on a create.
fn update(
    state: &State,
    at: &Place,
    id: &str,
    body: Map<String, Value>,
    replace: bool,
) -> Result<Vec<u8>, Refusal> {
    let store = &API.stores[at.store];
    let mut items = state.items(at.store);
    let Some(key) = key_of(&items, at, id) else {
        return Err(not_found(store, id));
    };
    let Some(entry) = items.items.get(&key) else {
        return Err(not_found(store, id));
    };
    let kept = |key: &str| key == store.id || Some(key) == store.created;
    let mut json = if replace {
        let mut assigned: Vec<(&str, Value)> = Vec::new();
        for key in std::iter::once(store.id).chain(store.created) {
            if let Some(value) = entry.json.get(key) {
                assigned.push((key, value.clone()));
            }
        }
        match build(store, &body, &assigned, false) {
            Ok(json) => json,
            Err(why) => return Err(unbuildable(store, &why)),
        }
    } else {
        let mut json = (*entry.json).clone();
        for (key, value) in body {
            let known = store
                .templates
                .iter()
                .any(|t| t.fields.contains(&key.as_str()));
            if known && !kept(&key) {
                json.insert(key, value);
            }
        }
        json
    };
    if let Some(updated) = store.updated {
        // Strictly later than the last update, so updatedAt filters see the change.
        let last = entry
            .json
            .get(updated)
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        let mut now = Utc::now();
        if let Some(later) =
            last.and_then(|l| l.checked_add_signed(chrono::Duration::milliseconds(1)))
        {
            now = now.max(later);
        }
        json.insert(updated.to_string(), timestamp(now));
    }
    if let Err(why) = check_item(store, &json) {
        return Err(Refusal::bad(vec![format!(
            "the update leaves the item invalid: {why}"
        )]));
    }
    let json = Arc::new(json);
    if let Some(entry) = items.items.get_mut(&key) {
        entry.json = Arc::clone(&json);
    }
    drop(items);
    encode(&*json)
}

fn remove(state: &State, at: &Place, id: &str) -> Result<Arc<Map<String, Value>>, Refusal> {
    let mut items = state.items(at.store);
    let removed = key_of(&items, at, id).and_then(|key| {
        items.ids.remove(id);
        items.items.remove(&key)
    });
    drop(items);
    removed
        .map(|e| e.json)
        .ok_or_else(|| not_found(&API.stores[at.store], id))
}

/// Store `items` in the store named `resource` (see `MockServer::seed`).
pub(crate) fn seed(
    state: &State,
    resource: &str,
    items: Vec<Value>,
) -> Result<Vec<Value>, SeedError> {
    let Some(s) = store_named(resource) else {
        return Err(SeedError(format!(
            "unknown resource `{resource}` (the mock keeps {})",
            store_names().join(", ")
        )));
    };
    let store = &API.stores[s];
    let mut held = state.items(s);
    let mut ids = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        match item.get(store.id) {
            Some(Value::String(id)) if held.ids.contains_key(id) || !ids.insert(id.clone()) => {
                return Err(SeedError(format!("item {i}: the id {id} is taken")));
            }
            Some(Value::String(_)) | None => {}
            Some(_) => {
                return Err(SeedError(format!(
                    "item {i}: `{}` is not a string",
                    store.id
                )));
            }
        }
    }
    if held.items.len() + items.len() > state.max_items {
        return Err(SeedError(format!(
            "the mock holds at most {} items of {resource}",
            state.max_items
        )));
    }
    let saved = (held.next_id, held.last_created);
    let mut entries = Vec::new();
    let built = (|| {
        for (i, item) in items.into_iter().enumerate() {
            let Value::Object(json) = item else {
                return Err(SeedError(format!("item {i} is not a JSON object")));
            };
            let id = match json.get(store.id).and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => {
                    let id = held.fresh_id(s, &ids);
                    ids.insert(id.clone());
                    id
                }
            };
            let time = |json: &Map<String, Value>, key: &str| match json.get(key) {
                Some(Value::String(t)) => DateTime::parse_from_rfc3339(t)
                    .map(|t| Some(t.with_timezone(&Utc)))
                    .map_err(|e| SeedError(format!("item {i}: `{key}`: {e}"))),
                Some(_) => Err(SeedError(format!("item {i}: `{key}` is not a string"))),
                None => Ok(None),
            };
            let given = match store.created {
                Some(key) => time(&json, key)?,
                None => None,
            };
            let created = match (given, store.created) {
                (Some(at), _) => at,
                (None, Some(_)) => held.now(),
                (None, None) => epoch(),
            };
            let mut assigned = vec![(store.id, json!(id))];
            if let Some(c) = store.created {
                assigned.push((c, timestamp(created)));
            }
            if let Some(u) = store.updated {
                let at = time(&json, u)?.unwrap_or(created).max(created);
                assigned.push((u, timestamp(at)));
            }
            // What the item leaves out is filled in as a create fills it.
            let json = build(store, &json, &assigned, true)
                .map_err(|e| SeedError(format!("item {i} is not a {resource} item: {e}")))?;
            entries.push((
                id,
                created,
                Entry {
                    scope: None,
                    json: Arc::new(json),
                },
            ));
        }
        Ok(())
    })();
    if let Err(e) = built {
        (held.next_id, held.last_created) = saved;
        return Err(e);
    }
    let stored = entries
        .iter()
        .map(|(_, _, e)| Value::Object((*e.json).clone()))
        .collect();
    for (id, created, entry) in entries {
        held.insert(id, created, entry);
    }
    Ok(stored)
}

/// The largest page number or size (what the models' `i64` counts hold).
const LARGEST: u64 = i64::MAX as u64;

/// A whole number within `min..=max`, as a page or a limit.
fn whole(name: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    // Exactly as written, or a whole float (`25.0`) small enough to be exact.
    let n = match value.parse::<u64>() {
        Ok(n) => n,
        Err(_) => match value.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&f) => f as u64,
            Ok(f) if f < 0.0 => return Err(format!("{name} must not be less than {min}")),
            Ok(f) if f.is_finite() && f.fract() == 0.0 => {
                return Err(format!("{name} must not be greater than {max}"));
            }
            _ => return Err(format!("{name} must be a whole number")),
        },
    };
    if n < min {
        Err(format!("{name} must not be less than {min}"))
    } else if n > max {
        Err(format!("{name} must not be greater than {max}"))
    } else {
        Ok(n)
    }
}

/// A list request, read.
#[derive(Debug, Default)]
struct Query {
    page: u64,
    limit: Option<u64>,
    descending: bool,
    filters: Vec<(&'static str, Cmp, String)>,
}

fn parse_query(list: &List, query: &str) -> Result<Query, Vec<String>> {
    let mut q = Query {
        page: 1,
        ..Query::default()
    };
    let (page_param, limit_param, max, default) = match list.pages {
        Pages::Numbered {
            page,
            limit,
            max_limit,
            default_limit,
            ..
        } => (Some(page), Some(limit), max_limit, default_limit),
        Pages::Limited {
            limit,
            max_limit,
            default_limit,
            newest_first,
        } => {
            q.descending = newest_first;
            (None, Some(limit), max_limit, default_limit)
        }
        Pages::All => (None, None, None, None),
    };
    if limit_param.is_some() {
        q.limit = Some(default.unwrap_or(DEFAULT_LIMIT));
    }
    let mut errors = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true);
        let value = percent_decode(value, true);
        let result = if Some(key.as_str()) == page_param {
            whole(&key, &value, 1, LARGEST).map(|n| q.page = n)
        } else if Some(key.as_str()) == limit_param {
            whole(&key, &value, 0, max.unwrap_or(LARGEST).min(LARGEST)).map(|n| q.limit = Some(n))
        } else if let Some((param, ascending, descending)) = list.sort
            && key == param
        {
            if value == ascending || value == descending {
                q.descending = value == descending;
                Ok(())
            } else {
                Err(format!(
                    "{param} must be one of the following values: {ascending}, {descending}"
                ))
            }
        } else if let Some(filter) = list.filters.iter().find(|f| f.parameter == key) {
            if filter.date && DateTime::parse_from_rfc3339(&value).is_err() {
                Err(format!("{key} must be a valid ISO 8601 date string"))
            } else {
                q.filters.push((filter.property, filter.cmp, value));
                Ok(())
            }
        } else {
            // Parameters the spec does not list are ignored, as the API does.
            Ok(())
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

/// Whether a property's value is the query value: the same text for a
/// string, the same number for a number.
fn equals(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(s) => s == wanted,
        Value::Number(n) => wanted.parse::<f64>().is_ok_and(|w| n.as_f64() == Some(w)),
        Value::Bool(b) => wanted == if *b { "true" } else { "false" },
        _ => false,
    }
}

/// How a property's value compares to a query value: as instants when
/// both are dates, as numbers when both are, else as text.
fn compare(value: &Value, wanted: &str) -> Option<std::cmp::Ordering> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => return None,
        other => other.to_string(),
    };
    if let (Ok(a), Ok(b)) = (
        DateTime::parse_from_rfc3339(&text),
        DateTime::parse_from_rfc3339(wanted),
    ) {
        return Some(a.cmp(&b));
    }
    if let (Ok(a), Ok(b)) = (text.parse::<f64>(), wanted.parse::<f64>()) {
        return a.partial_cmp(&b);
    }
    Some(text.as_str().cmp(wanted))
}

impl Query {
    fn matches(&self, entry: &Entry) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        self.filters.iter().all(|(property, cmp, wanted)| {
            let Some(value) = entry.json.get(*property) else {
                return false;
            };
            if let Cmp::Equal = cmp {
                return equals(value, wanted);
            }
            let Some(order) = compare(value, wanted) else {
                return false;
            };
            match cmp {
                Cmp::Equal => order == Equal,
                Cmp::Greater => order == Greater,
                Cmp::GreaterOrEqual => order != Less,
                Cmp::Less => order == Less,
                Cmp::LessOrEqual => order != Greater,
            }
        })
    }
}

/// A page object with its items property holding `items` (encoded without
/// copying them).
struct PageOut<'a> {
    page: &'a Map<String, Value>,
    field: &'a str,
    items: &'a [Arc<Map<String, Value>>],
}

impl serde::Serialize for PageOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.page.len()))?;
        for (key, value) in self.page {
            if key == self.field {
                let items: Vec<&Map<String, Value>> = self.items.iter().map(|i| &**i).collect();
                map.serialize_entry(key, &items)?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Whether the value at a JSON pointer exists.
fn has_pointer(root: &Map<String, Value>, pointer: &str) -> bool {
    let mut tokens = pointer.trim_start_matches('/').split('/');
    let Some(first) = tokens.next() else {
        return false;
    };
    let rest: Vec<String> = tokens.map(|t| format!("/{t}")).collect();
    root.get(&first.replace("~1", "/").replace("~0", "~"))
        .and_then(|v| v.pointer(&rest.concat()))
        .is_some()
}

/// Set the value at a JSON pointer, making the objects on the way.
fn set_pointer(root: &mut Map<String, Value>, pointer: &str, value: Value) {
    let tokens: Vec<String> = pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = tokens.split_last() else {
        return;
    };
    let mut object = root;
    for token in path {
        let next = object
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(inner) = next else { return };
        object = inner;
    }
    object.insert(last.clone(), value);
}

fn page(state: &State, at: &Place, list: &List, query: &str) -> Result<Vec<u8>, Refusal> {
    let q = parse_query(list, query).map_err(Refusal::bad)?;
    let limit = q.limit.unwrap_or(u64::MAX);
    let skip =
        usize::try_from(q.page.saturating_sub(1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    // The page's items are taken out of the store (shared, not copied) and
    // encoded once it is released.
    let (results, total) = {
        let items = state.items(at.store);
        let matching: Vec<&Entry> = items
            .items
            .values()
            .filter(|e| e.in_scope(at.scope.as_deref()) && q.matches(e))
            .collect();
        let page = |entries: &mut dyn Iterator<Item = &&Entry>| -> Vec<Arc<Map<String, Value>>> {
            entries
                .skip(skip)
                .take(take)
                .map(|e| Arc::clone(&e.json))
                .collect()
        };
        let results = if q.descending {
            page(&mut matching.iter().rev())
        } else {
            page(&mut matching.iter())
        };
        (results, matching.len())
    };
    match list.pages {
        Pages::Numbered {
            items,
            total: at,
            echo_page,
            echo_limit,
            ..
        } => {
            let mut object = match serde_json::from_str::<Value>(list.page) {
                Ok(Value::Object(object)) => object,
                _ => Map::new(),
            };
            object.insert(items.to_string(), Value::Array(Vec::new()));
            if let Some(at) = at {
                set_pointer(&mut object, at, json!(total));
            }
            for (at, value) in [(echo_page, q.page), (echo_limit, limit)] {
                if let Some(at) = at.filter(|at| has_pointer(&object, at)) {
                    set_pointer(&mut object, at, json!(value));
                }
            }
            encode(&PageOut {
                page: &object,
                field: items,
                items: &results,
            })
        }
        Pages::Limited { .. } | Pages::All => {
            let items: Vec<&Map<String, Value>> = results.iter().map(|i| &**i).collect();
            encode(&items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_read_dates_numbers_and_text() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        assert_eq!(
            compare(&json!("2026-01-02T00:00:00Z"), "2026-01-01T23:00:00-02:00"),
            Some(Less)
        );
        assert_eq!(compare(&json!(10), "9"), Some(Greater));
        assert_eq!(compare(&json!("b"), "b"), Some(Equal));
        assert_eq!(compare(&Value::Null, "b"), None);
    }

    #[test]
    fn pointers_make_their_objects() {
        let mut root = Map::new();
        set_pointer(&mut root, "/metadata/totalItems", json!(3));
        assert_eq!(Value::Object(root), json!({"metadata": {"totalItems": 3}}));
    }

    static HAMMER_FIELDS: [&str; 2] = ["id", "type"];
    static SAW_FIELDS: [&str; 3] = ["id", "type", "teeth"];
    static TOOLS: Store = Store {
        name: "tools",
        path: "/provider/{provider}/tool",
        id: "id",
        created: None,
        updated: None,
        templates: &[
            Template {
                json: r#"{"id":"x","type":"hammer"}"#,
                fields: &HAMMER_FIELDS,
            },
            Template {
                json: r#"{"id":"x","type":"saw"}"#,
                fields: &SAW_FIELDS,
            },
        ],
        check: None,
    };

    /// A union item is built on the member that has the most of the body's
    /// fields, so none is dropped when an earlier member would also do.
    #[test]
    fn a_union_item_takes_the_member_the_body_fits_best() {
        let body = json!({"type": "saw", "teeth": 3});
        let Value::Object(body) = body else {
            unreachable!()
        };
        let item = build(&TOOLS, &body, &[("id", json!("a"))], false).expect("builds");
        assert_eq!(
            Value::Object(item),
            json!({"id": "a", "type": "saw", "teeth": 3})
        );
    }

    /// Items are seen only under the collection path parameters they were
    /// created under; a list elsewhere sees them all.
    #[test]
    fn a_collection_with_path_parameters_is_one_scope_per_value() {
        let op = |path: &'static str| Operation {
            id: "x",
            method: "GET",
            path,
            status: 200,
            kind: Kind::Answer,
            body: Body::None,
            answer: Answer::Empty,
            check: None,
        };
        let get = op("/provider/{provider}/tool/{id}");
        assert_eq!(
            scope(&TOOLS, &get, "/provider/eleven%20labs/tool/7").as_deref(),
            Some("eleven labs")
        );
        let elsewhere = op("/v2/tool");
        assert_eq!(scope(&TOOLS, &elsewhere, "/v2/tool"), None);
        let entry = Entry {
            scope: Some("a".into()),
            json: Arc::new(Map::new()),
        };
        assert!(entry.in_scope(Some("a")) && entry.in_scope(None) && !entry.in_scope(Some("b")));
    }

    #[test]
    fn equality_is_text_for_strings_and_numbers_for_numbers() {
        assert!(equals(&json!("007"), "007"));
        assert!(!equals(&json!("007"), "7"));
        assert!(equals(&json!(7), "7.0"));
        assert!(equals(&json!(true), "true"));
    }

    #[test]
    fn every_operation_routes_to_itself() {
        for op in API.operations {
            let path = op.path.replace('{', "x").replace('}', "");
            let found = route(op.method, &path).map(|o| o.id);
            assert_eq!(found, Some(op.id), "{} {}", op.method, op.path);
        }
    }
}
