//! The server: its public API (the [`MockServer`], [`Fault`]s, the request
//! log), the connections and their bounds, and the error shape. What each
//! operation does is [`crate::engine`]'s.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// The page size when a list request sends no `limit` and the spec gives
/// no default (the API's is 100).
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest request body read (Express's `json()` default, 100 kB);
/// larger bodies get `413`.
pub const MAX_BODY_BYTES: usize = 100 * 1024;
/// How long a client may take to send a request head before the
/// connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How many requests [`MockServer::requests`] keeps (the latest).
pub const MAX_LOGGED_REQUESTS: usize = 10_000;
/// How long a client may take to send a request body once its head has
/// arrived; a body that does not arrive in time gets `408`.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How many connections the server serves at once; more wait to be
/// accepted (in the system's backlog) until one closes. Idle ones close
/// after [`HEADER_READ_TIMEOUT`].
pub const MAX_CONNECTIONS: usize = 1024;
/// How many items of one resource the server holds at most; a create
/// beyond answers `507` in the API's error shape (and [`MockServer::seed`]
/// refuses).
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
pub struct SeedError(pub(crate) String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

/// How a [`MockServer`] starts: its key and its bounds.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = cozmox_mock::MockServer::builder().max_items(10).start().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.start()`"]
pub struct MockBuilder {
    key: String,
    max_items: usize,
    max_connections: usize,
}

impl MockBuilder {
    /// The key the server expects as `Authorization: Bearer …`
    /// ([`MockServer::API_KEY`] by default).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// How many items of one resource the server holds ([`MAX_ITEMS`] by
    /// default); a create beyond answers `507`.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = n;
        self
    }

    /// How many connections it serves at once ([`MAX_CONNECTIONS`] by
    /// default, at least 1); more wait to be accepted.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Start the server on `127.0.0.1` (a free port). Needs a tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            bearer: format!("Bearer {}", self.key),
            key: self.key,
            state: crate::engine::State::new(self.max_items),
            faults: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), self.max_connections));
        Ok(MockServer { url, shared, task })
    }
}

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
        MockServer::builder().start().await
    }

    /// Start a server on `127.0.0.1` (a free port) expecting `key`.
    pub async fn start_with_api_key(key: impl Into<String>) -> std::io::Result<MockServer> {
        MockServer::builder().api_key(key).start().await
    }

    /// A server with another key or other bounds: [`MockBuilder`].
    pub fn builder() -> MockBuilder {
        MockBuilder {
            key: Self::API_KEY.to_string(),
            max_items: MAX_ITEMS,
            max_connections: MAX_CONNECTIONS,
        }
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

    /// Store `items` of `resource` (a name [`MockServer::resources`] lists:
    /// the client's accessor, `sessions`) as if they had been created: each
    /// a JSON object of the resource's item type; the id and the creation
    /// and update times are filled in when missing, and the item must then
    /// decode as the type (no field the spec does not describe). Returns the
    /// stored items.
    ///
    /// # Errors
    /// An unknown resource, an item that is not an object or does not
    /// decode, an id the server already holds, or more than the item cap
    /// ([`MAX_ITEMS`] unless [`MockBuilder::max_items`] says otherwise)
    /// in all; nothing is stored then.
    pub fn seed(
        &self,
        resource: &str,
        items: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Value>, SeedError> {
        // Taken before the store is locked (the iterator may be lazy).
        let items: Vec<Value> = items.into_iter().collect();
        crate::engine::seed(&self.shared.state, resource, items)
    }

    /// The resources the server keeps state for (the client's accessors:
    /// `sessions`…), in the route table's order.
    pub fn resources(&self) -> Vec<&'static str> {
        crate::engine::store_names()
    }

    /// How many items of `resource` the server holds now (`None`: not a
    /// resource it keeps).
    pub fn count(&self, resource: &str) -> Option<usize> {
        Some(
            self.shared
                .state
                .count(crate::engine::store_named(resource)?),
        )
    }

    /// The items of `resource` the server holds, in creation order, as the
    /// JSON it serves (`None`: not a resource it keeps).
    pub fn items(&self, resource: &str) -> Option<Vec<Value>> {
        Some(self.shared.state.all(crate::engine::store_named(resource)?))
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
    state: crate::engine::State,
    /// Pending faults by operation id.
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    log: Mutex<VecDeque<RecordedRequest>>,
}

/// A lock that a panic elsewhere while holding it leaves usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
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

async fn serve(listener: TcpListener, shared: Arc<Shared>, max_connections: usize) {
    let mut connections = JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
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

pub(crate) type Reply = Response<Full<Bytes>>;

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
    let operation = crate::engine::route(method.as_str(), &path);
    let mut pending = Pending {
        shared,
        request: Some(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query,
            operation_id: operation.map(|op| op.id.to_string()),
            status: None,
        }),
    };
    let authorized = request
        .headers()
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == shared.bearer.as_bytes());
    let fault = operation
        .filter(|_| authorized)
        .and_then(|op| shared.take_fault(op.id));
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

/// An answer with these bytes (and this content type).
pub(crate) fn reply_bytes(status: StatusCode, content_type: Option<&str>, bytes: Bytes) -> Reply {
    let mut response = Response::new(Full::new(bytes));
    *response.status_mut() = status;
    if let Some(value) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// An error in the NestJS shape.
pub(crate) fn error(status: StatusCode, message: Value) -> Reply {
    let mut body = json!({ "message": message, "statusCode": status.as_u16() });
    if status != StatusCode::UNAUTHORIZED {
        body["error"] = json!(status.canonical_reason().unwrap_or("Error"));
    }
    reply(status, &body)
}

pub(crate) fn bad_request(messages: Vec<String>) -> Reply {
    error(StatusCode::BAD_REQUEST, json!(messages))
}

/// The answer of `operation` ([`crate::engine::route`]), for an authorized request.
async fn handle(
    shared: &Shared,
    request: Request<Incoming>,
    operation: Option<&'static crate::table::Operation>,
) -> Reply {
    let Some(op) = operation else {
        return error(
            StatusCode::NOT_FOUND,
            json!(format!(
                "Cannot {} {}",
                request.method(),
                request.uri().path()
            )),
        );
    };
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let bytes = match op.body {
        crate::table::Body::None => Bytes::new(),
        crate::table::Body::Json(_) | crate::table::Body::AnyJson => {
            match body(request, true).await {
                Ok(bytes) => bytes,
                Err(reply) => return reply,
            }
        }
        crate::table::Body::Other => match body(request, false).await {
            Ok(bytes) => bytes,
            Err(reply) => return reply,
        },
    };
    crate::engine::handle(&shared.state, op, &path, &query, &bytes)
}

/// The whole request body, at most [`MAX_BODY_BYTES`] (JSON, when `json`
/// and there is one); otherwise the error to answer (`415`, `413`, `408`,
/// or `400` when it cannot be read).
async fn body(request: Request<Incoming>, json: bool) -> Result<Bytes, Reply> {
    let has_type = request.headers().contains_key(CONTENT_TYPE);
    let is_json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            let media = media.trim().to_ascii_lowercase();
            media == "application/json" || media.ends_with("+json")
        });
    if json && has_type && !is_json {
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
        Ok(Ok(collected)) => {
            let bytes = collected.to_bytes();
            if json && !has_type && !bytes.is_empty() {
                return Err(error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    json!("the body must be application/json"),
                ));
            }
            Ok(bytes)
        }
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

/// Decode `%XX` escapes, and `+` as a space in query strings
/// (`plus_is_space`); invalid escapes stay as they are.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> String {
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
}
