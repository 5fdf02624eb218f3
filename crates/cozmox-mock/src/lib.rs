//! An in-process, in-memory, stateful mock of the Cozmox session resource,
//! for tests and the quickstart: no network, no key, no cost.
//!
//! [`MockServer::start`] binds a loopback port and serves, until the server
//! is dropped:
//!
//! | request | answer |
//! |---|---|
//! | `POST /session` | stores the session, `201` with it (`id`, `orgId`, `createdAt`, `updatedAt` added; `status` defaults to `active`) |
//! | `GET /session` | `200`, a `SessionPaginatedResponse` page (`page`, `limit`, `sortOrder`, the filters of the spec) |
//! | `GET /session/{id}` | `200` with the session |
//! | `PATCH /session/{id}` | sets the fields sent, `200` with the session |
//! | `DELETE /session/{id}` | removes it, `200` with what was removed |
//!
//! Every request needs `Authorization: Bearer <key>` ([`MockServer::API_KEY`]
//! unless started with another key), or gets `401`. An unknown id gets `404`.
//! A body that is not JSON, does not decode as the SDK's
//! `CreateSessionDto`/`UpdateSessionDto`, holds fields the spec does not
//! describe or breaks a constraint ([`cozmox_models::Validate`]) gets `400`.
//!
//! Like the API's framework (NestJS on Express), the server answers `413`
//! to a body over [`MAX_BODY_BYTES`] (100 kB, Express's default) without
//! reading it whole, `415` to a body whose `Content-Type` is not JSON, and
//! closes a connection whose request head is not complete within
//! [`HEADER_READ_TIMEOUT`]; a body not complete within
//! [`BODY_READ_TIMEOUT`] gets `408`. It serves at most [`MAX_CONNECTIONS`]
//! connections at once and holds at most [`MAX_ITEMS`] sessions (`507`
//! beyond); no request holds the store while its answer is encoded.
//!
//! The spec describes no error body, so errors use the NestJS shape the API
//! is built with: `{"message": [..] | "..", "error": "Bad Request",
//! "statusCode": 400}`.
//!
//! For tests of code that calls the API: [`MockServer::seed`] stores items
//! as if they had been created, [`MockServer::inject`] makes the next
//! requests of an operation fail ([`Fault`]: a status with its body and
//! `Retry-After`, a delay, or a connection reset after the request was read),
//! and [`MockServer::requests`] lists what the server was asked (the last
//! [`MAX_LOGGED_REQUESTS`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = cozmox_mock::MockServer::start().await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! // Point a client at it:
//! // Client::builder().api_key(MockServer::API_KEY).base_url(server.url()).build()?
//! assert_eq!(server.session_count(), 0);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use cozmox_models::{CreateSessionDto, Session, StrictError, UpdateSessionDto, Validate};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// The page size when a list request sends no `limit` (the spec gives no
/// default; the API's is 100).
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest `limit` the spec allows.
pub const MAX_LIMIT: u64 = 1000;
/// The largest request body read (Express's `json()` default, 100 kB);
/// larger bodies get `413`.
pub const MAX_BODY_BYTES: usize = 100 * 1024;
/// How long a client may take to send a request head before the
/// connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The `orgId` of every session the mock creates.
pub const ORG_ID: &str = "00000000-0000-4000-8000-00000000c0de";
/// How many requests [`MockServer::requests`] keeps (the latest).
pub const MAX_LOGGED_REQUESTS: usize = 10_000;
/// How long a client may take to send a request body once its head has
/// arrived; a body that does not arrive in time gets `408`.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How many connections the server serves at once; more wait to be
/// accepted (in the system's backlog) until one closes. Idle ones close
/// after [`HEADER_READ_TIMEOUT`].
pub const MAX_CONNECTIONS: usize = 1024;
/// How many sessions the server holds at most; a create beyond answers
/// `507` in the API's error shape (and [`MockServer::seed`] refuses).
pub const MAX_ITEMS: usize = 100_000;

/// What the server does instead of (or before) answering a request of one
/// operation: see [`MockServer::inject`]. Applies to the next request of the
/// operation, or the next [`times`](Fault::times).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    kind: FaultKind,
    delay: Duration,
    times: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum FaultKind {
    /// Answer as usual (after the delay).
    None,
    /// Answer this status, with this body (the API's error shape if none)
    /// and `Retry-After` in seconds.
    Status {
        status: u16,
        body: Option<Value>,
        retry_after: Option<u64>,
    },
    /// Read the whole request, then close the connection without an answer.
    ResetAfterRead,
}

impl Fault {
    /// Answer `status` (its body is the API's error shape unless
    /// [`body`](Fault::body) sets one); the operation is not carried out.
    /// The request's body is read first, as a server that refuses it would.
    ///
    /// # Panics
    /// A status outside `200..=599` (not an answer a test can inject).
    pub fn status(status: u16) -> Fault {
        assert!(
            (200..=599).contains(&status),
            "Fault::status takes 200..=599, not {status}"
        );
        Fault {
            kind: FaultKind::Status {
                status,
                body: None,
                retry_after: None,
            },
            delay: Duration::ZERO,
            times: 1,
        }
    }

    /// Read the whole request, then close the connection without an answer
    /// (the operation is not carried out): what a client sees when the
    /// network fails after the request was sent.
    pub fn reset_after_read() -> Fault {
        Fault {
            kind: FaultKind::ResetAfterRead,
            delay: Duration::ZERO,
            times: 1,
        }
    }

    /// Answer as usual, `delay` late.
    pub fn delay(delay: Duration) -> Fault {
        Fault {
            kind: FaultKind::None,
            delay,
            times: 1,
        }
    }

    /// The body of a [`status`](Fault::status) answer (ignored by other
    /// faults).
    pub fn body(mut self, body: Value) -> Fault {
        if let FaultKind::Status { body: b, .. } = &mut self.kind {
            *b = Some(body);
        }
        self
    }

    /// `Retry-After: seconds` on a [`status`](Fault::status) answer (ignored
    /// by other faults).
    pub fn retry_after(mut self, seconds: u64) -> Fault {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(seconds);
        }
        self
    }

    /// Wait `delay` before doing what the fault does.
    pub fn after(mut self, delay: Duration) -> Fault {
        self.delay = delay;
        self
    }

    /// Apply to the next `n` requests of the operation (1 by default).
    pub fn times(mut self, n: usize) -> Fault {
        self.times = n;
        self
    }
}

/// One request the server was asked, as [`MockServer::requests`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `POST`…
    pub method: String,
    /// The path, as sent.
    pub path: String,
    /// The query string, as sent (empty without one).
    pub query: String,
    /// The operation it matched (`SessionController_create`), if any.
    pub operation_id: Option<String>,
    /// The status answered; `None` when the connection was closed instead
    /// ([`Fault::reset_after_read`]).
    pub status: Option<u16>,
}

/// Why [`MockServer::seed`] refused items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

/// A running mock server. Dropping it stops the server and closes its
/// connections.
#[derive(Debug)]
pub struct MockServer {
    url: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl MockServer {
    /// The key [`MockServer::start`] expects as `Authorization: Bearer …`.
    pub const API_KEY: &'static str = "mock-key";

    /// Start a server on `127.0.0.1` (a free port) expecting
    /// [`MockServer::API_KEY`]. Needs a tokio runtime.
    pub async fn start() -> std::io::Result<MockServer> {
        Self::start_with_api_key(Self::API_KEY).await
    }

    /// Start a server on `127.0.0.1` (a free port) expecting `key`.
    pub async fn start_with_api_key(key: impl Into<String>) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let key = key.into();
        let shared = Arc::new(Shared {
            bearer: format!("Bearer {key}"),
            key,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&shared)));
        Ok(MockServer { url, shared, task })
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash), for
    /// `Client::builder().base_url(…)`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The key the server expects as `Authorization: Bearer …`.
    pub fn api_key(&self) -> &str {
        &self.shared.key
    }

    /// Make the next requests of `operation_id` (`SessionController_create`,
    /// as the API description names it) fail as `fault` says; a fault
    /// injected while another is pending for the operation runs after it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use cozmox_mock::{Fault, MockServer};
    /// let server = MockServer::start().await?;
    /// // The next create answers 429 with `Retry-After: 1`; the one after it succeeds.
    /// server.inject("SessionController_create", Fault::status(429).retry_after(1));
    /// # Ok(())
    /// # }
    /// ```
    pub fn inject(&self, operation_id: &str, fault: Fault) {
        if fault.times == 0 {
            return;
        }
        lock(&self.shared.faults)
            .entry(operation_id.to_string())
            .or_default()
            .push_back(fault);
    }

    /// The requests the server was asked, oldest first (the last
    /// [`MAX_LOGGED_REQUESTS`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// Store `items` of `resource` (`sessions`, the client's accessor) as if
    /// they had been created: each a JSON object of the resource's type;
    /// `id`, `orgId`, `createdAt`, `updatedAt` and `status` are filled in
    /// when missing, and the item must then decode as the type (no field the
    /// spec does not describe). Returns the stored items.
    ///
    /// # Errors
    /// An unknown resource, an item that is not an object or does not
    /// decode, an `id` the server already holds, or more than [`MAX_ITEMS`]
    /// in all; nothing is stored then.
    pub fn seed(
        &self,
        resource: &str,
        items: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Value>, SeedError> {
        if resource != "sessions" {
            return Err(SeedError(format!(
                "unknown resource `{resource}` (the mock serves `sessions`)"
            )));
        }
        // Taken before the store is locked (the iterator may be lazy).
        let items: Vec<Value> = items.into_iter().collect();
        let mut store = self.shared.store();
        let now = Utc::now();
        let mut entries = Vec::new();
        // The ids the items state, then the ones generated for the others.
        let mut ids = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            match item.get("id") {
                Some(Value::String(id))
                    if store.ids.contains_key(id) || !ids.insert(id.clone()) =>
                {
                    return Err(SeedError(format!("item {i}: the id {id} is taken")));
                }
                Some(Value::String(_)) | None => {}
                Some(_) => return Err(SeedError(format!("item {i}: `id` is not a string"))),
            }
        }
        let mut counter = store.next_id;
        for (i, item) in items.into_iter().enumerate() {
            let Value::Object(mut json) = item else {
                return Err(SeedError(format!("item {i} is not a JSON object")));
            };
            let id = match json.get("id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => {
                    let id = store.fresh_id(&mut counter, &ids);
                    ids.insert(id.clone());
                    id
                }
            };
            json.insert("id".into(), json!(id));
            json.entry("orgId").or_insert_with(|| json!(ORG_ID));
            json.entry("status").or_insert_with(|| json!("active"));
            let time = |json: &Map<String, Value>, key: &str| match json.get(key) {
                Some(Value::String(t)) => DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| SeedError(format!("item {i}: `{key}`: {e}"))),
                Some(_) => Err(SeedError(format!("item {i}: `{key}` is not a string"))),
                None => Ok(now),
            };
            let created = time(&json, "createdAt")?;
            let updated = time(&json, "updatedAt")?.max(created);
            json.insert("createdAt".into(), timestamp(created));
            json.insert("updatedAt".into(), timestamp(updated));
            let text = serde_json::to_vec(&json).unwrap_or_default();
            if let Err(e) = cozmox_models::decode_strict::<Session>(&text) {
                return Err(SeedError(format!("item {i} is not a Session: {e}")));
            }
            if store.sessions.len() + entries.len() >= MAX_ITEMS {
                return Err(SeedError(format!(
                    "item {i}: the mock holds at most {MAX_ITEMS} sessions"
                )));
            }
            entries.push((
                id,
                Entry {
                    created,
                    updated,
                    json: Arc::new(json),
                },
            ));
        }
        let stored = entries
            .iter()
            .map(|(_, e)| Value::Object((*e.json).clone()))
            .collect();
        store.next_id = counter;
        for (id, entry) in entries {
            let seq = store.next;
            store.next += 1;
            store.ids.insert(id, seq);
            store.sessions.insert(seq, entry);
        }
        Ok(stored)
    }

    /// How many sessions the server holds now.
    pub fn session_count(&self) -> usize {
        self.shared.store().sessions.len()
    }

    /// The sessions the server holds, in creation order, as the JSON it
    /// serves.
    pub fn sessions(&self) -> Vec<Value> {
        self.shared
            .store()
            .sessions
            .values()
            .map(|e| Value::Object((*e.json).clone()))
            .collect()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The accept loop owns the connections' JoinSet: aborting it aborts them.
        self.task.abort();
    }
}

#[derive(Debug)]
struct Shared {
    key: String,
    bearer: String,
    store: Mutex<Store>,
    /// Pending faults by operation id.
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    log: Mutex<VecDeque<RecordedRequest>>,
}

/// A lock that a panic elsewhere while holding it leaves usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The store; a panic elsewhere while holding it leaves it usable.
    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The next fault for `operation_id`, if one is pending.
    fn take_fault(&self, operation_id: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let queue = faults.get_mut(operation_id)?;
        let front = queue.front_mut()?;
        front.times -= 1;
        let fault = if front.times == 0 {
            queue.pop_front()?
        } else {
            front.clone()
        };
        if queue.is_empty() {
            faults.remove(operation_id);
        }
        Some(fault)
    }

    fn record(&self, request: RecordedRequest) {
        let mut log = lock(&self.log);
        if log.len() == MAX_LOGGED_REQUESTS {
            log.pop_front();
        }
        log.push_back(request);
    }
}

/// Sessions in creation order (by sequence number), with an id index.
#[derive(Debug, Default)]
struct Store {
    /// The next sequence number (the key of creation order).
    next: u64,
    /// The next number a generated id is made from.
    next_id: u64,
    sessions: BTreeMap<u64, Entry>,
    ids: HashMap<String, u64>,
}

#[derive(Debug, Clone)]
struct Entry {
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    /// Shared, so a list page takes its items out of the store without
    /// copying them and encodes them after the store is released.
    json: Arc<Map<String, Value>>,
}

impl Store {
    /// A new id (UUID-shaped, unique and ordered; no random number
    /// generator needed) that neither the store nor `also_taken` holds,
    /// made from the counter at `*counter`, which moves past it.
    fn fresh_id(
        &self,
        counter: &mut u64,
        also_taken: &std::collections::HashSet<String>,
    ) -> String {
        loop {
            let id = format!("00000000-0000-4000-8000-{:012x}", *counter);
            *counter += 1;
            if !self.ids.contains_key(&id) && !also_taken.contains(&id) {
                return id;
            }
        }
    }
}

/// The store is full: the answer (in the API's error shape).
fn full() -> Reply {
    error(
        StatusCode::INSUFFICIENT_STORAGE,
        json!(format!("the mock holds at most {MAX_ITEMS} sessions")),
    )
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        while connections.try_join_next().is_some() {}
        // At the cap, wait for a connection to close before accepting.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors and the like: wait, then accept again.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { serve_one(&shared, request).await }
            });
            // A connection error (client gone, bad HTTP) ends that connection only.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Reply = Response<Full<Bytes>>;

/// The error that makes hyper close the connection without an answer
/// ([`Fault::reset_after_read`]).
#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for Reset {}

/// The operation a request names (the API description's operationId).
fn operation_of(method: &Method, segments: &[&str]) -> Option<&'static str> {
    Some(match (method, segments) {
        (&Method::GET, ["session"]) => "SessionController_findAllPaginated",
        (&Method::POST, ["session"]) => "SessionController_create",
        (&Method::GET, ["session", _]) => "SessionController_findOne",
        (&Method::PATCH, ["session", _]) => "SessionController_update",
        (&Method::DELETE, ["session", _]) => "SessionController_remove",
        _ => return None,
    })
}

/// A request on its way: recorded in the log when it is answered, or when
/// it is dropped unanswered (a client that gave up during a delay, a
/// reset): `status` stays `None` then.
struct Pending<'a> {
    shared: &'a Shared,
    request: Option<RecordedRequest>,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(request) = self.request.take() {
            self.shared.record(request);
        }
    }
}

/// Read what was sent (as far as the body limit and its timeout allow).
async fn drain(request: Request<Incoming>) {
    let limited = http_body_util::Limited::new(request.into_body(), MAX_BODY_BYTES);
    let _ = tokio::time::timeout(BODY_READ_TIMEOUT, limited.collect()).await;
}

/// One request: the fault injected for its operation, if any, else the
/// answer; recorded in the log either way.
async fn serve_one(shared: &Shared, request: Request<Incoming>) -> Result<Reply, Reset> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let operation = operation_of(&method, &segments);
    let mut pending = Pending {
        shared,
        request: Some(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query,
            operation_id: operation.map(str::to_string),
            status: None,
        }),
    };
    let authorized = request
        .headers()
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == shared.bearer.as_bytes());
    let fault = operation
        .filter(|_| authorized)
        .and_then(|id| shared.take_fault(id));
    let answer = match fault {
        _ if !authorized => Ok(error(StatusCode::UNAUTHORIZED, json!("Unauthorized"))),
        Some(fault) => {
            if !fault.delay.is_zero() {
                tokio::time::sleep(fault.delay).await;
            }
            match fault.kind {
                FaultKind::None => Ok(handle(shared, request, operation).await),
                FaultKind::Status {
                    status,
                    body,
                    retry_after,
                } => {
                    // Read the body first: answering before it is read can
                    // leave the connection closing under a client that
                    // reuses it.
                    drain(request).await;
                    let status =
                        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let mut reply = match body {
                        Some(body) => reply(status, &body),
                        None => error(status, json!(status.canonical_reason().unwrap_or("Error"))),
                    };
                    if let Some(seconds) = retry_after {
                        reply
                            .headers_mut()
                            .insert(hyper::header::RETRY_AFTER, HeaderValue::from(seconds));
                    }
                    Ok(reply)
                }
                FaultKind::ResetAfterRead => {
                    drain(request).await;
                    Err(Reset)
                }
            }
        }
        None => Ok(handle(shared, request, operation).await),
    };
    if let (Some(recorded), Ok(reply)) = (pending.request.as_mut(), &answer) {
        recorded.status = Some(reply.status().as_u16());
    }
    drop(pending);
    answer
}

fn reply(status: StatusCode, body: &Value) -> Reply {
    reply_with(status, body)
}

/// An answer with `body` encoded as JSON.
fn reply_with<T: serde::Serialize + ?Sized>(status: StatusCode, body: &T) -> Reply {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An error in the NestJS shape.
fn error(status: StatusCode, message: Value) -> Reply {
    let mut body = json!({ "message": message, "statusCode": status.as_u16() });
    if status != StatusCode::UNAUTHORIZED {
        body["error"] = json!(status.canonical_reason().unwrap_or("Error"));
    }
    reply(status, &body)
}

fn bad_request(messages: Vec<String>) -> Reply {
    error(StatusCode::BAD_REQUEST, json!(messages))
}

fn not_found(id: &str) -> Reply {
    error(
        StatusCode::NOT_FOUND,
        json!(format!("Session with id {id} not found")),
    )
}

/// The answer of `operation` ([`operation_of`]), for an authorized request.
async fn handle(shared: &Shared, request: Request<Incoming>, operation: Option<&str>) -> Reply {
    let method = request.method().clone();
    let path = request.uri().path().trim_end_matches('/').to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    // The item's id, for the operations on `/session/{id}`.
    let id = path
        .split('/')
        .nth(2)
        .map(|id| percent_decode(id, false))
        .unwrap_or_default();
    match operation {
        Some("SessionController_findAllPaginated") => list(shared, &query),
        Some("SessionController_create") => match body(request).await {
            Ok(bytes) => create(shared, &bytes),
            Err(reply) => reply,
        },
        Some("SessionController_findOne") => find(shared, &id),
        Some("SessionController_update") => match body(request).await {
            Ok(bytes) => update(shared, &id, &bytes),
            Err(reply) => reply,
        },
        Some("SessionController_remove") => remove(shared, &id),
        _ => error(
            StatusCode::NOT_FOUND,
            json!(format!("Cannot {method} {path}")),
        ),
    }
}

/// The whole request body: JSON, at most [`MAX_BODY_BYTES`]; otherwise the
/// error to answer (`415`, `413`, or `400` when it cannot be read).
async fn body(request: Request<Incoming>) -> Result<Bytes, Reply> {
    let json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            let media = media.trim().to_ascii_lowercase();
            media == "application/json" || media.ends_with("+json")
        });
    if !json {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!("the body must be application/json"),
        ));
    }
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!(format!(
                "request entity too large (limit {MAX_BODY_BYTES} bytes)"
            )),
        )
    };
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let limited = http_body_util::Limited::new(request.into_body(), MAX_BODY_BYTES);
    match tokio::time::timeout(BODY_READ_TIMEOUT, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(e)) => Err(bad_request(vec![format!("cannot read the body: {e}")])),
        Err(_) => Err(error(
            StatusCode::REQUEST_TIMEOUT,
            json!(format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            )),
        )),
    }
}

/// Decode a request body strictly as `T` (no fields the spec does not
/// describe) and check the spec's constraints; the error messages if not.
fn decode_body<T>(bytes: &[u8]) -> Result<T, Vec<String>>
where
    T: serde::de::DeserializeOwned + cozmox_models::Drift + Validate,
{
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(_)) => {}
        Ok(_) => return Err(vec!["the body must be a JSON object".into()]),
        Err(e) => return Err(vec![format!("the body is not valid JSON: {e}")]),
    }
    let value: T = match cozmox_models::decode_strict(bytes) {
        Ok(value) => value,
        Err(StrictError::Decode(e)) => return Err(vec![e.to_string()]),
        Err(StrictError::Unknown(found)) => {
            return Err(found
                .iter()
                .map(|u| format!("property {} should not exist", u.path))
                .collect());
        }
    };
    match value.validate() {
        Ok(()) => Ok(value),
        Err(errors) => Err(errors.errors().iter().map(ToString::to_string).collect()),
    }
}

/// The body's fields as a JSON object (as the SDK encodes them).
fn fields<T: serde::Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn timestamp(at: DateTime<Utc>) -> Value {
    json!(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn create(shared: &Shared, bytes: &[u8]) -> Reply {
    let dto: CreateSessionDto = match decode_body(bytes) {
        Ok(dto) => dto,
        Err(messages) => return bad_request(messages),
    };
    let mut json = fields(&dto);
    json.entry("status").or_insert_with(|| json!("active"));
    let now = Utc::now();
    let mut store = shared.store();
    if store.sessions.len() >= MAX_ITEMS {
        return full();
    }
    let seq = store.next;
    store.next += 1;
    let mut counter = store.next_id;
    let id = store.fresh_id(&mut counter, &std::collections::HashSet::new());
    store.next_id = counter;
    json.insert("id".into(), json!(id));
    json.insert("orgId".into(), json!(ORG_ID));
    json.insert("createdAt".into(), timestamp(now));
    json.insert("updatedAt".into(), timestamp(now));
    let json = Arc::new(json);
    let entry = Entry {
        created: now,
        updated: now,
        json: Arc::clone(&json),
    };
    store.ids.insert(id, seq);
    store.sessions.insert(seq, entry);
    drop(store);
    reply_with(StatusCode::CREATED, &*json)
}

fn find(shared: &Shared, id: &str) -> Reply {
    let found = {
        let store = shared.store();
        let entry = store.ids.get(id).and_then(|seq| store.sessions.get(seq));
        entry.map(|e| Arc::clone(&e.json))
    };
    match found {
        Some(json) => reply_with(StatusCode::OK, &*json),
        None => not_found(id),
    }
}

fn update(shared: &Shared, id: &str, bytes: &[u8]) -> Reply {
    let mut store = shared.store();
    let Some(&seq) = store.ids.get(id) else {
        return not_found(id);
    };
    let dto: UpdateSessionDto = match decode_body(bytes) {
        Ok(dto) => dto,
        Err(messages) => return bad_request(messages),
    };
    let Some(entry) = store.sessions.get_mut(&seq) else {
        return not_found(id);
    };
    let json = Arc::make_mut(&mut entry.json);
    json.extend(fields(&dto));
    // Strictly later than the last update, so updatedAt filters see the change.
    let now = Utc::now().max(entry.updated + chrono::Duration::milliseconds(1));
    entry.updated = now;
    json.insert("updatedAt".into(), timestamp(now));
    let json = Arc::clone(&entry.json);
    drop(store);
    reply_with(StatusCode::OK, &*json)
}

fn remove(shared: &Shared, id: &str) -> Reply {
    let mut store = shared.store();
    let removed = store
        .ids
        .remove(id)
        .and_then(|seq| store.sessions.remove(&seq));
    drop(store);
    match removed {
        Some(entry) => reply_with(StatusCode::OK, &*entry.json),
        None => not_found(id),
    }
}

/// The list query: pagination, order, filters.
#[derive(Debug, Default)]
struct ListQuery {
    page: u64,
    limit: u64,
    descending: bool,
    equal: Vec<(String, String)>,
    dates: Vec<(DateField, Bound, DateTime<Utc>)>,
}

#[derive(Debug, Clone, Copy)]
enum DateField {
    Created,
    Updated,
}

#[derive(Debug, Clone, Copy)]
enum Bound {
    Gt,
    Lt,
    Ge,
    Le,
}

/// A whole number within `min..=max`, as the spec's `page` and `limit`.
fn whole(name: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => Ok(n as u64),
        Ok(n) if n < min as f64 => Err(format!("{name} must not be less than {min}")),
        Ok(n) if n > max as f64 => Err(format!("{name} must not be greater than {max}")),
        _ => Err(format!("{name} must be a whole number")),
    }
}

fn parse_query(query: &str) -> Result<ListQuery, Vec<String>> {
    let mut q = ListQuery {
        page: 1,
        limit: DEFAULT_LIMIT,
        ..ListQuery::default()
    };
    let mut errors = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true);
        let value = percent_decode(value, true);
        let date = |field, bound| match DateTime::parse_from_rfc3339(&value) {
            Ok(at) => Ok((field, bound, at.with_timezone(&Utc))),
            Err(_) => Err(format!("{key} must be a valid ISO 8601 date string")),
        };
        let result = match key.as_str() {
            "page" => whole("page", &value, 1, u64::MAX).map(|n| q.page = n),
            "limit" => whole("limit", &value, 0, MAX_LIMIT).map(|n| q.limit = n),
            "sortOrder" if value == "ASC" || value == "DESC" => {
                q.descending = value == "DESC";
                Ok(())
            }
            "sortOrder" => Err("sortOrder must be one of the following values: ASC, DESC".into()),
            "name" | "assistantId" | "squadId" => {
                q.equal.push((key.clone(), value.clone()));
                Ok(())
            }
            "createdAtGt" => date(DateField::Created, Bound::Gt).map(|d| q.dates.push(d)),
            "createdAtLt" => date(DateField::Created, Bound::Lt).map(|d| q.dates.push(d)),
            "createdAtGe" => date(DateField::Created, Bound::Ge).map(|d| q.dates.push(d)),
            "createdAtLe" => date(DateField::Created, Bound::Le).map(|d| q.dates.push(d)),
            "updatedAtGt" => date(DateField::Updated, Bound::Gt).map(|d| q.dates.push(d)),
            "updatedAtLt" => date(DateField::Updated, Bound::Lt).map(|d| q.dates.push(d)),
            "updatedAtGe" => date(DateField::Updated, Bound::Ge).map(|d| q.dates.push(d)),
            "updatedAtLe" => date(DateField::Updated, Bound::Le).map(|d| q.dates.push(d)),
            // Parameters the spec does not list are ignored, as the API does.
            _ => Ok(()),
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

impl ListQuery {
    fn matches(&self, entry: &Entry) -> bool {
        let equal = self
            .equal
            .iter()
            .all(|(field, want)| entry.json.get(field).and_then(Value::as_str) == Some(want));
        let dates = self.dates.iter().all(|(field, bound, at)| {
            let value = match field {
                DateField::Created => entry.created,
                DateField::Updated => entry.updated,
            };
            match bound {
                Bound::Gt => value > *at,
                Bound::Lt => value < *at,
                Bound::Ge => value >= *at,
                Bound::Le => value <= *at,
            }
        });
        equal && dates
    }
}

fn list(shared: &Shared, query: &str) -> Reply {
    let q = match parse_query(query) {
        Ok(q) => q,
        Err(errors) => return bad_request(errors),
    };
    let skip =
        usize::try_from(q.page.saturating_sub(1).saturating_mul(q.limit)).unwrap_or(usize::MAX);
    let take = usize::try_from(q.limit).unwrap_or(usize::MAX);
    // The page's items are taken out of the store (shared, not copied) and
    // encoded once it is released.
    let (results, total) = {
        let store = shared.store();
        let matching: Vec<&Entry> = store.sessions.values().filter(|e| q.matches(e)).collect();
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
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Metadata {
        items_per_page: u64,
        total_items: usize,
        current_page: u64,
    }
    #[derive(serde::Serialize)]
    struct PageBody<'a> {
        results: Vec<&'a Map<String, Value>>,
        metadata: Metadata,
    }
    reply_with(
        StatusCode::OK,
        &PageBody {
            results: results.iter().map(|r| &**r).collect(),
            metadata: Metadata {
                items_per_page: q.limit,
                total_items: total,
                current_page: q.page,
            },
        },
    )
}

/// Decode `%XX` escapes, and `+` as a space in query strings
/// (`plus_is_space`); invalid escapes stay as they are.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c", true), "a b c");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4%+1", false), "%zz%4%+1");
        assert_eq!(percent_decode("%C3%A9", true), "é");
    }

    #[test]
    fn queries() {
        let q = parse_query("").expect("empty is fine");
        assert_eq!((q.page, q.limit, q.descending), (1, DEFAULT_LIMIT, false));
        let q = parse_query("page=3&limit=25.0&sortOrder=DESC&name=a+b").expect("valid");
        assert_eq!((q.page, q.limit, q.descending), (3, 25, true));
        assert_eq!(q.equal, [("name".to_string(), "a b".to_string())]);
        let errors =
            parse_query("page=0&limit=1001&sortOrder=up&createdAtGt=x").expect_err("all invalid");
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(parse_query("page=1.5").is_err());
    }
}
