//! The one error type of every call: [`Error`].
//!
//! Every call returns `Result<T, Error>` (`.await` on its builder; `send()`
//! gives `Result<Response<T>, Error>`).
//! The generated code keeps progenitor's own error internally; the
//! post-process stage of `cargo xtask generate` wraps each `send()` so that
//! it goes through [`lift`], which turns it into this type (reading the body
//! of an error response, re-decoding a body that does not match the models to
//! find the JSON path, telling timeouts from connection failures).
//!
//! ```
//! use cozmox_client::{Client, Error};
//!
//! # async fn run(client: &Client) {
//! match client.sessions().get("s1").await {
//!     Ok(session) => println!("{}", session.id),
//!     Err(e) if e.is_not_found() => println!("no such session"),
//!     Err(Error::Api(e)) => eprintln!("{e} (request id {:?})", e.request_id()),
//!     Err(Error::Timeout(_)) => eprintln!("try again later"),
//!     Err(e) => eprintln!("{e}"),
//! }
//! # }
//! ```

use std::fmt;
use std::future::Future;

use bytes::Bytes;
use cozmox_models::decode::DecodeError;
use cozmox_models::validate::ValidationErrors;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::runtime::{CallInfo, GaveUp, MAX_ERROR_BODY_BYTES, is_sensitive_header, read_up_to};

/// Response headers that carry the id the API (or the platform in front of
/// it) gave the request, in the order they are looked up.
pub const REQUEST_ID_HEADERS: &[&str] =
    &["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"];

/// Why a call failed. `#[non_exhaustive]`: match the variants you handle and
/// end with `_`.
///
/// Its `Debug`, like its `Display`, shows URLs without their query or user
/// information and headers through the redaction of
/// [`is_sensitive_header`].
#[non_exhaustive]
pub enum Error {
    /// The API answered with a status that is not a success (or a success
    /// status the operation does not document, for a response that cannot be
    /// decoded as such).
    Api(ApiError),
    /// No complete answer within the configured timeout (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)). Not
    /// retried: the request may have been processed.
    Timeout(reqwest::Error),
    /// The server could not be reached: DNS, refused connection, TLS
    /// handshake, connect timeout. Nothing was sent (after the retries the
    /// policy allows, which retry this for every method).
    Connection(reqwest::Error),
    /// The connection broke after the request was sent, before the answer
    /// was complete: **the API may have processed the request.** Retried
    /// for idempotent methods only (see
    /// [`RetryPolicy`](crate::RetryPolicy)); check before repeating a
    /// create.
    Interrupted(reqwest::Error),
    /// The response body is larger than
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
    /// (it was not decoded), or than the limit given to
    /// [`ByteStream::collect_up_to`] ([`TooLargeError::is_caller_limit`]).
    TooLarge(TooLargeError),
    /// A page stream stopped because the server kept returning pages
    /// without progress (pages of items already seen, or more pages than
    /// its item count allows).
    Pagination(String),
    /// A success response whose body does not match the models.
    Decode(ResponseDecodeError),
    /// The request was not sent: a parameter or body is missing or could not
    /// be converted to its type, or a path parameter is `""`, `.` or `..`.
    /// (A body that breaks the API description's constraints is
    /// [`Error::Validation`].)
    InvalidRequest(String),
    /// The request was not sent: its body breaks constraints of the API
    /// description; every field that does, with its JSON path and the
    /// constraint (`expirationSeconds`: 30 is less than the minimum 60).
    Validation(ValidationErrors),
    /// Another HTTP-level failure (a redirect loop, a bad header, …).
    Http(reqwest::Error),
}

impl Error {
    /// The HTTP status, for errors that got a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::TooLarge(e) => Some(e.status),
            Error::Timeout(e) | Error::Connection(e) | Error::Interrupted(e) | Error::Http(e) => {
                e.status()
            }
            Error::InvalidRequest(_) | Error::Validation(_) | Error::Pagination(_) => None,
        }
    }

    /// The request id the API gave the call, for errors that got a response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Decode(e) => e.request_id(),
            Error::TooLarge(e) => e.request_id(),
            _ => None,
        }
    }

    /// The API's status for this error, when it answered with one.
    fn api_status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status.as_u16()),
            _ => None,
        }
    }

    /// Whether the API answered `404 Not Found`: no such resource (or not
    /// one the key may see).
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(404)
    }

    /// Whether the API refused the key: `401 Unauthorized` (a missing or
    /// wrong key; a valid key without the right is [`Error::is_forbidden`]).
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(401)
    }

    /// Whether the API answered `403 Forbidden`: the key is valid but not
    /// allowed to do this.
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(403)
    }

    /// Whether the API answered `429 Too Many Requests` (after the retries
    /// the policy allows; [`ApiError::retry_after`] says how long to wait).
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(429)
    }

    /// Whether the API answered `409 Conflict`.
    pub fn is_conflict(&self) -> bool {
        self.api_status() == Some(409)
    }

    /// Whether the request was refused for what it holds: by the API
    /// (`400 Bad Request`, `422 Unprocessable Entity`) or before it was
    /// sent ([`Error::Validation`]: a body that breaks a constraint of the
    /// API description; [`Error::InvalidRequest`]: a missing or invalid
    /// parameter).
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::InvalidRequest(_) | Error::Validation(_))
            || matches!(self.api_status(), Some(400 | 422))
    }

    /// Whether the same call might succeed later (timeouts, connection
    /// failures, interrupted connections, 408, 429 and 5xx), independently
    /// of the retries already made. Transient is not the same as safe to
    /// repeat: after [`Error::Timeout`] or [`Error::Interrupted`] the API may
    /// have processed the request.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Connection(_) | Error::Interrupted(_) => true,
            Error::Api(e) => {
                let s = e.status.as_u16();
                s == 408 || s == 429 || e.status.is_server_error()
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Timeout(e) => f.debug_tuple("Timeout").field(&ShownTransport(e)).finish(),
            Error::Connection(e) => f
                .debug_tuple("Connection")
                .field(&ShownTransport(e))
                .finish(),
            Error::Interrupted(e) => f
                .debug_tuple("Interrupted")
                .field(&ShownTransport(e))
                .finish(),
            Error::TooLarge(e) => f.debug_tuple("TooLarge").field(e).finish(),
            Error::Pagination(m) => f.debug_tuple("Pagination").field(m).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::InvalidRequest(m) => f.debug_tuple("InvalidRequest").field(m).finish(),
            Error::Validation(e) => f.debug_tuple("Validation").field(e).finish(),
            Error::Http(e) => f.debug_tuple("Http").field(&ShownTransport(e)).finish(),
        }
    }
}

/// A transport error's `Debug` without what reqwest's shows of the URL
/// (the query, which may carry search terms, and user information): the
/// URL as [`url_of`] shows it, the status, and the causes. (What kind of
/// failure it was is the variant around it.)
struct ShownTransport<'a>(&'a reqwest::Error);

impl fmt::Debug for ShownTransport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        f.debug_struct("reqwest::Error")
            .field("url", &e.url().map(crate::runtime::shown_parsed_url))
            .field("status", &e.status())
            .field("error", &source_chain(e))
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Timeout(e) => write!(
                f,
                "no answer within the timeout{}: the API may still have processed the request; \
                 raise it with `ClientBuilder::timeout` or try again",
                url_of(e)
            ),
            Error::Connection(e) => write!(
                f,
                "could not reach the API{}: {}; nothing was sent: check COZMOX_BASE_URL and the \
                 network",
                url_of(e),
                source_chain(e)
            ),
            Error::Interrupted(e) => write!(
                f,
                "the connection closed after the request was sent{}: {}; the API may have \
                 processed it: check (e.g. list what exists) before sending it again",
                url_of(e),
                source_chain(e)
            ),
            Error::TooLarge(e) => e.fmt(f),
            Error::Pagination(message) => write!(f, "pagination stopped: {message}"),
            Error::InvalidRequest(message) => write!(
                f,
                "invalid request, not sent: {message}; fix the value before calling `send()`"
            ),
            Error::Validation(errors) => write!(
                f,
                "invalid body, not sent: {errors}; fix the value before calling `send()`"
            ),
            Error::Http(e) => write!(f, "HTTP error{}: {}", url_of(e), source_chain(e)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Connection(e) | Error::Interrupted(e) | Error::Http(e) => {
                Some(e)
            }
            Error::Decode(e) => Some(&e.error),
            Error::Validation(e) => Some(e),
            Error::Api(_)
            | Error::InvalidRequest(_)
            | Error::TooLarge(_)
            | Error::Pagination(_) => None,
        }
    }
}

/// ` (https://…/session/s1)`, without the query (which may carry search
/// terms) or user information, or nothing.
fn url_of(e: &reqwest::Error) -> String {
    match e.url() {
        Some(url) => format!(" ({})", crate::runtime::shown_parsed_url(url)),
        None => String::new(),
    }
}

/// The innermost cause of a transport error ("connection refused", …).
fn source_chain(e: &reqwest::Error) -> String {
    let mut out = e.without_url_ref().clone();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out = format!("{out}: {s}");
        source = s.source();
    }
    out
}

/// `reqwest::Error::without_url` needs ownership; this formats the message
/// only.
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text.replace(&format!(" for url ({url})"), ""),
            None => text,
        }
    }
}

/// The body of an error response.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// No body.
    Empty,
    /// A body that parses as JSON. The API's errors look like
    /// `{"message": "…" | ["…"], "error": "Bad Request", "statusCode": 400}`;
    /// see [`ApiError::message`].
    Json(serde_json::Value),
    /// Any other body, as text (lossy UTF-8).
    Text(String),
}

impl ErrorBody {
    /// A short, one-line prefix of the body, for messages and `Debug`.
    fn preview(&self) -> String {
        match self {
            ErrorBody::Empty => String::new(),
            ErrorBody::Json(v) => truncate(&v.to_string(), PREVIEW_CHARS),
            ErrorBody::Text(t) => truncate(t.trim(), PREVIEW_CHARS),
        }
    }
}

/// How much of a body `Debug` and `Display` show.
const PREVIEW_CHARS: usize = 200;

/// A response header map whose `Debug` redacts credential-like headers
/// (`set-cookie`, …) and shows the rest.
struct ShownHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for ShownHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if value.is_sensitive() || is_sensitive_header(name.as_str()) {
                    "<redacted>".to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// A successful answer: the decoded body, with the response's status and
/// headers. What `.send()` of a request builder returns; `.await` on the
/// builder itself gives the body alone.
///
/// ```
/// use cozmox_client::Response;
/// use cozmox_client::http::{HeaderMap, StatusCode};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-request-id", "req-1".parse()?);
/// let response = Response::new(vec![1, 2], StatusCode::OK, headers);
/// assert_eq!(response.request_id(), Some("req-1"));
/// assert_eq!(response.len(), 2); // the body's own methods, through `Deref`
/// assert_eq!(response.into_inner(), [1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Response<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response holding `inner` (for tests of code that reads responses).
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Response {
            inner,
            status,
            headers,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The body, the status and the headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.inner, self.status, self.headers)
    }

    /// The success status the API answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (rate limits, request id…).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id header of the response, if any (see
    /// [`REQUEST_ID_HEADERS`]).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> Response<T> {
    /// The same response around `f` of its body.
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response::new(f(self.inner), self.status, self.headers)
    }

    /// progenitor's answer as the SDK's (progenitor's type stays out of the
    /// public API).
    fn from_progenitor(value: ResponseValue<T>) -> Self {
        let status = value.status();
        let headers = value.headers().clone();
        Response::new(value.into_inner(), status, headers)
    }
}

/// Headers through the redaction of [`is_sensitive_header`].
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field("inner", &self.inner)
            .finish()
    }
}

/// What `.await` on a request builder runs: the call, to its decoded body.
pub type CallFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// An answer with an error status (or a redirect, which is never followed).
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: ErrorBody,
    body_truncated: bool,
    attempts: u32,
    gave_up: Option<GaveUp>,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field("body", &self.body.preview())
            .field("body_truncated", &self.body_truncated)
            .field("attempts", &self.attempts)
            .field("gave_up", &self.gave_up)
            .finish()
    }
}

impl ApiError {
    /// An error answer with this status, headers and body (the body is
    /// parsed as JSON when it is, as a response's would be): for the tests
    /// of code that handles errors.
    ///
    /// ```
    /// use cozmox_client::{ApiError, Error};
    /// use cozmox_client::http::{HeaderMap, StatusCode};
    ///
    /// let error = Error::Api(ApiError::new(
    ///     StatusCode::NOT_FOUND,
    ///     HeaderMap::new(),
    ///     r#"{"message": "Session not found", "statusCode": 404}"#,
    /// ));
    /// assert!(error.is_not_found());
    /// assert!(error
    ///     .to_string()
    ///     .starts_with("the API answered 404 Not Found: Session not found"));
    /// ```
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl AsRef<[u8]>) -> Self {
        ApiError {
            status,
            headers,
            body: error_body(body.as_ref()),
            body_truncated: false,
            attempts: 1,
            gave_up: None,
        }
    }

    /// The status the API answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (rate limits, request id…).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response body, decoded as JSON when it parses.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// Decode the body into a type of your own (or one of the models).
    pub fn body_as<T: DeserializeOwned>(&self) -> Option<T> {
        match &self.body {
            ErrorBody::Json(v) => T::deserialize(v).ok(),
            _ => None,
        }
    }

    /// The request id header of the response, if any (see
    /// [`REQUEST_ID_HEADERS`]): quote it when contacting support.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// How many attempts the call made (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the body was longer than
    /// [`MAX_ERROR_BODY_BYTES`] and
    /// only its beginning was kept.
    pub fn is_body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The `Location` of a redirect (3xx), which the client does not follow.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(reqwest::header::LOCATION)?.to_str().ok()
    }

    /// The wait the server asked for (`retry-after-ms` or `Retry-After`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::runtime::server_wait(&self.headers)
    }

    /// Why the call stopped retrying before its retries ran out (a server
    /// wait beyond the policy's limit, or the deadline), if it did.
    pub fn gave_up(&self) -> Option<GaveUp> {
        self.gave_up
    }

    /// The API's explanation: the body's `message` (its items joined with
    /// "; " when it is a list), else its `error`, else the text body.
    pub fn message(&self) -> Option<String> {
        match &self.body {
            ErrorBody::Empty => None,
            ErrorBody::Text(t) => {
                let t = t.trim();
                (!t.is_empty()).then(|| truncate(t, PREVIEW_CHARS))
            }
            ErrorBody::Json(v) => {
                let field = |name: &str| match v.get(name)? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Array(items) => Some(
                        items
                            .iter()
                            .map(|i| match i {
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    _ => None,
                };
                field("message")
                    .or_else(|| field("error"))
                    .or_else(|| Some(truncate(&v.to_string(), PREVIEW_CHARS)))
            }
        }
    }

    /// What to do about this status, for [`Display`](fmt::Display).
    fn advice(&self) -> Option<&'static str> {
        Some(match self.status.as_u16() {
            300..=399 => {
                "the client follows no redirect: fetch `ApiError::location()` yourself if \
                 you trust it (a download), or check COZMOX_BASE_URL"
            }
            400 | 422 => "the API rejected the request's content: check the values sent",
            401 => {
                "the API key was missing or rejected: check COZMOX_API_KEY \
                 (or the key given to `Client::builder().api_key`)"
            }
            403 => "the API key is valid but not allowed to do this",
            404 => "no such resource: check the id, and that it belongs to this key's organization",
            409 => "the request conflicts with the resource's current state",
            429 => {
                "rate limited: slow down, or allow more retries with \
                 `RetryPolicy::max_retries`"
            }
            500..=599 => "the API failed: try again later, quoting the request id if it persists",
            _ => return None,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status.is_success() {
            write!(
                f,
                "the API answered {}, which this operation does not document",
                self.status
            )?;
        } else {
            write!(f, "the API answered {}", self.status)?;
        }
        if self.status.is_redirection() {
            match self.location() {
                Some(location) => write!(f, ", a redirect to {location:?}, not followed")?,
                None => f.write_str(", a redirect, not followed")?,
            }
        }
        if let Some(message) = self.message() {
            write!(f, ": {}", truncate(&message, PREVIEW_CHARS))?;
        }
        if self.body_truncated {
            write!(f, " (body cut at {MAX_ERROR_BODY_BYTES} bytes)")?;
        }
        if let Some(advice) = self.advice() {
            write!(f, " ({advice})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if let Some(gave_up) = self.gave_up {
            write!(f, "; {gave_up}")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// A success response whose body does not match the models. Its `Debug`
/// and `Display` show at most a short prefix of the body; [`body`](Self::body)
/// has all of it.
pub struct ResponseDecodeError {
    status: StatusCode,
    headers: HeaderMap,
    error: DecodeError,
    body: Bytes,
}

impl ResponseDecodeError {
    /// The (success) status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Where and why decoding failed: `error.path()` is the JSON path
    /// (`assistant.model.tools[0].type`).
    pub fn error(&self) -> &DecodeError {
        &self.error
    }

    /// The JSON path of the value that did not decode.
    pub fn path(&self) -> &str {
        self.error.path()
    }

    /// The body as received, for logging or decoding by hand.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request id header of the response, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl fmt::Debug for ResponseDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseDecodeError")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field(
                "error",
                &truncate(&self.error.to_string(), 2 * PREVIEW_CHARS),
            )
            .field("body_len", &self.body.len())
            .field(
                "body",
                &truncate(&String::from_utf8_lossy(&self.body), PREVIEW_CHARS),
            )
            .finish()
    }
}

impl fmt::Display for ResponseDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response ({}) does not match the SDK's models {}; the server and the SDK \
             disagree: update cozmox, or report it with the body",
            self.status,
            // serde quotes the offending value, which may be long.
            truncate(&self.error.to_string(), 2 * PREVIEW_CHARS)
        )?;
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// A response larger than the client accepts
/// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)),
/// or than the caller asked [`ByteStream::collect_up_to`] to hold.
/// Its `Debug` redacts credential-like headers.
pub struct TooLargeError {
    status: StatusCode,
    headers: HeaderMap,
    limit: u64,
    declared: Option<u64>,
    set_by: LimitSetBy,
}

/// Whose limit a [`TooLargeError`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LimitSetBy {
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    Client,
    /// The caller's, given to [`ByteStream::collect_up_to`].
    Caller,
}

impl fmt::Debug for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TooLargeError")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .field("limit", &self.limit)
            .field("declared", &self.declared)
            .field("set_by", &self.set_by)
            .finish()
    }
}

impl TooLargeError {
    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The limit that was hit, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The `Content-Length` the server declared, when it declared one (the
    /// body was then not read at all); `None` for a body that kept coming
    /// past the limit (reading stopped there).
    pub fn declared_length(&self) -> Option<u64> {
        self.declared
    }

    /// The request id header of the response, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// Whether the limit was the caller's, given to
    /// [`ByteStream::collect_up_to`] (else the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    pub fn is_caller_limit(&self) -> bool {
        self.set_by == LimitSetBy::Caller
    }
}

impl fmt::Display for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response ({}) ", self.status)?;
        match self.declared {
            Some(n) => write!(f, "declares {n} bytes, more than")?,
            None => f.write_str("was still sending past")?,
        }
        match self.set_by {
            LimitSetBy::Client => write!(
                f,
                " the {} bytes the client reads; it was not decoded: raise \
                 `ClientBuilder::max_response_bytes` if such responses are expected",
                self.limit
            )?,
            LimitSetBy::Caller => write!(
                f,
                " the {} bytes asked for: read it chunk by chunk, or collect it with a \
                 larger limit",
                self.limit
            )?,
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(*h)?.to_str().ok())
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// How [`lift`] decodes a success body the operation does not document the
/// status of, and re-decodes a body that failed to find its JSON path.
pub type Decoder<T> = fn(&[u8]) -> Result<T, DecodeError>;

/// [`Decoder`] for JSON bodies: the models' path-tracking decoder.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    cozmox_models::decode::decode(bytes)
}

/// [`Decoder`] for operations without a response body.
pub fn ignore_body(_: &[u8]) -> Result<(), DecodeError> {
    Ok(())
}

/// Hand a response to [`lift`], which decodes success bodies (through the
/// operation's [`Decoder`], so a body that does not match the models fails
/// with its JSON path and the response's status and headers) and reads error
/// bodies. Called by the generated code only.
#[doc(hidden)]
#[allow(clippy::result_large_err)] // progenitor's error type, as its code expects
pub fn defer<T, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    Err(progenitor_client::Error::UnexpectedResponse(response))
}

/// Turn the outcome of a generated `send()` (progenitor's error, or a
/// response handed over by [`defer`]) into the SDK's [`Error`]. Called by the
/// generated code only; `decoder` is `None` for streamed bodies.
#[doc(hidden)]
pub async fn lift<T, E>(
    outcome: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    decoder: Option<Decoder<T>>,
) -> Result<Response<T>, Error> {
    let error = match outcome.await {
        Ok(value) => return Ok(Response::from_progenitor(value)),
        Err(e) => e,
    };
    // A copy of this function per operation: what does not need the
    // answer's type is in `lift_error`, one copy per error type.
    match lift_error(error, decoder.is_some()).await {
        Lifted::Failed(error) => Err(error),
        Lifted::Undecoded { body, error } => {
            // The path of the error: decoded again with the models' decoder.
            let error = match decoder.map(|d| d(&body)) {
                Some(Err(with_path)) => with_path,
                _ => error,
            };
            Err(Error::Decode(ResponseDecodeError {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                error,
                body,
            }))
        }
        Lifted::Body {
            body,
            status,
            headers,
        } => match decoder.map(|d| d(&body)) {
            Some(Ok(value)) => Ok(Response::new(value, status, headers)),
            Some(Err(error)) => Err(Error::Decode(ResponseDecodeError {
                status,
                headers,
                error,
                body,
            })),
            None => Err(Error::Decode(ResponseDecodeError {
                status,
                headers,
                error: DecodeError::from(<serde_json::Error as serde::de::Error>::custom(
                    "a body to decode without a decoder",
                )),
                body,
            })),
        },
    }
}

/// What [`lift_error`] made of progenitor's error.
enum Lifted {
    /// The SDK's error.
    Failed(Error),
    /// A success whose body progenitor could not decode (`error`, without
    /// its path).
    Undecoded { body: Bytes, error: DecodeError },
    /// A success handed over by [`defer`] (progenitor's `UnexpectedResponse`),
    /// whose body is to be decoded.
    Body {
        body: Bytes,
        status: StatusCode,
        headers: HeaderMap,
    },
}

/// The SDK's error for progenitor's `error`, or the body of a success to
/// decode (`decoding`: the call decodes its answer).
async fn lift_error<E>(error: progenitor_client::Error<E>, decoding: bool) -> Lifted {
    use progenitor_client::Error as P;
    Lifted::Failed(match error {
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest(message),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => transport(e),
        P::InvalidResponsePayload(body, e) => {
            return Lifted::Undecoded {
                body,
                error: DecodeError::from(e),
            };
        }
        P::ErrorResponse(value) => Error::Api(ApiError {
            status: value.status(),
            headers: value.headers().clone(),
            body: ErrorBody::Empty,
            body_truncated: false,
            attempts: 1,
            gave_up: None,
        }),
        P::UnexpectedResponse(mut response) => {
            let status = response.status();
            let info = response
                .extensions()
                .get::<CallInfo>()
                .copied()
                .unwrap_or_default();
            if status.is_success() && decoding {
                let limit = info.max_response_bytes;
                let declared = response
                    .content_length()
                    .filter(|n| *n > limit && !info.body_cut);
                let body = match declared {
                    Some(_) => None,
                    None if info.body_cut => None,
                    None => match read_up_to(&mut response, limit).await {
                        Ok((body, false)) => Some(body),
                        Ok((_, true)) => None,
                        Err(e) => return Lifted::Failed(transport(e)),
                    },
                };
                let Some(body) = body else {
                    return Lifted::Failed(Error::TooLarge(TooLargeError {
                        status,
                        headers: std::mem::take(response.headers_mut()),
                        limit,
                        declared,
                        set_by: LimitSetBy::Client,
                    }));
                };
                return Lifted::Body {
                    body,
                    status,
                    headers: std::mem::take(response.headers_mut()),
                };
            }
            let (body, body_truncated) =
                match read_up_to(&mut response, MAX_ERROR_BODY_BYTES as u64).await {
                    Ok(read) => read,
                    Err(e) => return Lifted::Failed(transport(e)),
                };
            Error::Api(ApiError {
                status,
                headers: std::mem::take(response.headers_mut()),
                body: error_body(&body),
                body_truncated,
                attempts: info.attempts,
                gave_up: info.gave_up,
            })
        }
    })
}

fn transport(e: reqwest::Error) -> Error {
    // A connect timeout is a failure to connect: nothing was sent.
    if e.is_connect() {
        Error::Connection(e)
    } else if e.is_timeout() {
        Error::Timeout(e)
    } else if e.is_request() || e.is_body() || e.is_decode() {
        Error::Interrupted(e)
    } else {
        Error::Http(e)
    }
}

fn error_body(body: &[u8]) -> ErrorBody {
    if body.iter().all(u8::is_ascii_whitespace) {
        ErrorBody::Empty
    } else if let Ok(v) = serde_json::from_slice(body) {
        ErrorBody::Json(v)
    } else {
        ErrorBody::Text(String::from_utf8_lossy(body).into_owned())
    }
}

/// The body of a response that answers bytes (`application/octet-stream`),
/// read as it arrives: a [`Stream`](futures_core::Stream) of chunks, each
/// `Result<Bytes, Error>` (a connection that breaks mid-body is
/// [`Error::Interrupted`]). Nothing is buffered beyond the chunk in hand:
/// write the chunks where they belong, or [`collect_up_to`](Self::collect_up_to)
/// a size you are ready to hold.
///
/// ```
/// use cozmox_client::ByteStream;
///
/// /// Writes a download where it belongs, one chunk at a time.
/// async fn save(
///     mut body: ByteStream,
///     out: &mut impl std::io::Write,
/// ) -> Result<(), Box<dyn std::error::Error>> {
///     while let Some(chunk) = body.next_chunk().await {
///         out.write_all(&chunk?)?;
///     }
///     Ok(())
/// }
/// ```
pub struct ByteStream {
    inner: ChunkStream,
    status: StatusCode,
    headers: HeaderMap,
}

type ChunkStream =
    std::pin::Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    fn new(inner: ChunkStream, status: StatusCode, headers: HeaderMap) -> Self {
        ByteStream {
            inner,
            status,
            headers,
        }
    }

    /// progenitor's stream of a response as the SDK's (progenitor's type
    /// stays out of the public API).
    fn from_progenitor(response: Response<progenitor_client::ByteStream>) -> Self {
        let (body, status, headers) = response.into_parts();
        ByteStream::new(body.into_inner(), status, headers)
    }

    /// A stream of `chunks`, as a response with `status` and `headers` would
    /// give them (for tests of code that handles downloads).
    pub fn from_chunks<I, B>(status: StatusCode, headers: HeaderMap, chunks: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: Into<Bytes>,
    {
        let chunks: std::collections::VecDeque<Bytes> =
            chunks.into_iter().map(Into::into).collect();
        ByteStream::new(Box::pin(Chunks(chunks)), status, headers)
    }

    /// The status of the response the bytes come from.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response the bytes come from (`Content-Type`,
    /// `Content-Length`…).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id header of the response, if any (see
    /// [`REQUEST_ID_HEADERS`]).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The next chunk; `None` at the end of the body.
    #[allow(clippy::result_large_err)] // the SDK's `Error`, as every call returns it
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(self.inner.as_mut(), cx))
            .await
            .map(|chunk| chunk.map_err(transport))
    }

    /// The whole body in one buffer, if it is at most `limit` bytes. A body
    /// sent in one chunk is handed over as it came; a longer one is copied
    /// into one buffer as it arrives, whatever the size of the chunks (a
    /// growing buffer: at most about twice the body, briefly three times
    /// while it moves).
    ///
    /// # Errors
    /// [`Error::TooLarge`] as soon as the body declares (`Content-Length`)
    /// or sends more than `limit` bytes (reading stops there); the
    /// transport's errors as for [`next_chunk`](Self::next_chunk).
    pub async fn collect_up_to(mut self, limit: u64) -> Result<Bytes, Error> {
        let too_large = |this: &mut ByteStream, declared| {
            Error::TooLarge(TooLargeError {
                status: this.status,
                headers: std::mem::take(&mut this.headers),
                limit,
                declared,
                set_by: LimitSetBy::Caller,
            })
        };
        let declared = self
            .headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if let Some(n) = declared.filter(|n| *n > limit) {
            return Err(too_large(&mut self, Some(n)));
        }
        let mut first: Option<Bytes> = None;
        let mut whole: Vec<u8> = Vec::new();
        let mut len: u64 = 0;
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            len = len.saturating_add(chunk.len() as u64);
            if len > limit {
                return Err(too_large(&mut self, None));
            }
            if chunk.is_empty() {
                continue;
            }
            match first.take() {
                None if whole.is_empty() => first = Some(chunk),
                None => whole.extend_from_slice(&chunk),
                Some(head) => {
                    // A declared length (≤ `limit`) sizes the buffer, within
                    // what the runtime allocates ahead for any answer.
                    let ahead = declared
                        .unwrap_or(len)
                        .min(crate::runtime::MAX_INITIAL_CAPACITY as u64);
                    whole.reserve(usize::try_from(ahead).unwrap_or(0));
                    whole.extend_from_slice(&head);
                    whole.extend_from_slice(&chunk);
                }
            }
        }
        Ok(match first {
            Some(head) => head,
            None => Bytes::from(whole),
        })
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    #[allow(clippy::result_large_err)] // the SDK's `Error`, as every call returns it
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner
            .as_mut()
            .poll_next(cx)
            .map(|chunk| chunk.map(|c| c.map_err(transport)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// The chunks of [`ByteStream::from_chunks`].
struct Chunks(std::collections::VecDeque<Bytes>);

impl futures_core::Stream for Chunks {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.pop_front().map(Ok))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.0.len(), Some(self.0.len()))
    }
}

/// What an operation that answers bytes (and documents no redirect) gives:
/// the SDK's [`ByteStream`] over the response's body. Called by the
/// generated code only.
///
/// # Errors
/// `result`'s error.
#[doc(hidden)]
#[allow(clippy::result_large_err)] // the SDK's `Error`, as every call returns it
pub fn bytes(
    result: Result<Response<progenitor_client::ByteStream>, Error>,
) -> Result<Response<ByteStream>, Error> {
    let response = result?;
    let (status, headers) = (response.status, response.headers.clone());
    Ok(Response::new(
        ByteStream::from_progenitor(response),
        status,
        headers,
    ))
}

/// What a download operation answers: the content itself, or — the
/// documented outcome of the API's recording downloads — a redirect to where
/// it can be fetched. A redirect is a success (`Ok`), not an `Error::Api`.
#[non_exhaustive]
pub enum Download {
    /// The API sent the content.
    Body(ByteStream),
    /// The API answered with a redirect (3xx): the content is at
    /// [`Redirect::url`], usually a short-lived presigned URL.
    Redirect(Redirect),
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Download::Body(body) => f.debug_tuple("Body").field(body).finish(),
            Download::Redirect(r) => f.debug_tuple("Redirect").field(r).finish(),
        }
    }
}

impl Download {
    /// The redirect, if the API answered with one.
    pub fn redirect(&self) -> Option<&Redirect> {
        match self {
            Download::Redirect(r) => Some(r),
            Download::Body(_) => None,
        }
    }

    /// The content: the body the API sent, or what [`Redirect::fetch`] reads
    /// from the redirect's target.
    ///
    /// # Errors
    /// As [`Redirect::fetch`].
    pub async fn into_stream(self) -> Result<ByteStream, Error> {
        match self {
            Download::Body(body) => Ok(body),
            Download::Redirect(r) => r.fetch().await,
        }
    }
}

/// Where a download's content is: the target of the API's redirect.
///
/// The URL is a credential while it lasts (a presigned URL carries its
/// signature in the query): `Debug` shows it without the query.
#[derive(Clone, PartialEq, Eq)]
pub struct Redirect {
    status: StatusCode,
    url: reqwest::Url,
}

impl fmt::Debug for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.url.clone();
        if shown.query().is_some() {
            shown.set_query(Some("REDACTED"));
        }
        if shown.fragment().is_some() {
            shown.set_fragment(Some("REDACTED"));
        }
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        f.debug_struct("Redirect")
            .field("status", &self.status)
            .field("url", &shown.as_str())
            .finish()
    }
}

impl Redirect {
    /// A redirect to `url` (for tests of code that handles downloads).
    pub fn new(status: StatusCode, url: reqwest::Url) -> Self {
        Redirect { status, url }
    }

    /// The redirect's status (`302`…).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Where the content is.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// Fetch the content from the redirect's target, as a stream. The
    /// request carries none of the client's headers (no API key goes to
    /// another host); it follows up to 5 further redirects, never from
    /// `https` to `http`, and gives up on a connection after 10 s and on a
    /// read that waits 60 s.
    ///
    /// # Errors
    /// [`Error::Connection`], [`Error::Timeout`] or [`Error::Interrupted`]
    /// as for any call; [`Error::Api`] when the target answers other than
    /// 2xx (with its status, headers and the start of its body).
    pub async fn fetch(&self) -> Result<ByteStream, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .read_timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let downgrade = attempt.url().scheme() != "https"
                    && attempt.previous().iter().any(|u| u.scheme() == "https");
                if downgrade {
                    attempt.error("a redirect from https to http is not followed")
                } else if attempt.previous().len() > 5 {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(transport)?;
        let mut response = http.get(self.url.clone()).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let (body, truncated) = read_up_to(&mut response, MAX_ERROR_BODY_BYTES as u64)
                .await
                .map_err(transport)?;
            let mut error = ApiError::new(status, headers, &body);
            error.body_truncated = truncated;
            return Err(Error::Api(error));
        }
        let headers = std::mem::take(response.headers_mut());
        Ok(ByteStream::new(
            Box::pin(response.bytes_stream()),
            status,
            headers,
        ))
    }
}

/// A download's outcome: a redirect the operation documents becomes
/// `Ok(Download::Redirect)` (its `Location` resolved against nothing: an
/// absolute `http`/`https` URL is required, anything else stays the
/// `Error::Api` it was), the content `Ok(Download::Body)`.
///
/// # Errors
/// `result`'s error, unless it is such a redirect.
#[doc(hidden)]
#[allow(clippy::result_large_err)] // the SDK's `Error`, as every call returns it
pub fn download(
    result: Result<Response<progenitor_client::ByteStream>, Error>,
) -> Result<Response<Download>, Error> {
    match result {
        Ok(response) => bytes(Ok(response)).map(|r| r.map(Download::Body)),
        Err(Error::Api(e)) if e.status.is_redirection() => {
            let url = e
                .location()
                .and_then(|l| reqwest::Url::parse(l).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            match url {
                Some(url) => {
                    // The target is the redirect's (`Redirect::url`), whose
                    // `Debug` hides the query: the headers do not repeat it.
                    let mut headers = e.headers;
                    headers.remove(reqwest::header::LOCATION);
                    Ok(Response::new(
                        Download::Redirect(Redirect {
                            status: e.status,
                            url,
                        }),
                        e.status,
                        headers,
                    ))
                }
                None => Err(Error::Api(e)),
            }
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    use super::{ApiError, Error, Response};

    /// Runs a future that never waits (a [`super::ByteStream::from_chunks`]
    /// stream is always ready).
    fn ready<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("the future waited"),
        }
    }

    #[test]
    fn byte_streams_give_their_chunks_and_collect_within_a_limit() {
        use super::ByteStream;
        let chunks =
            || ByteStream::from_chunks(StatusCode::OK, HeaderMap::new(), ["ab", "", "cde"]);
        // Chunk by chunk, then the end.
        let mut s = chunks();
        let mut seen = Vec::new();
        while let Some(chunk) = ready(s.next_chunk()) {
            seen.push(chunk.expect("a chunk"));
        }
        assert_eq!(seen, ["ab", "", "cde"]);
        // As a `Stream`.
        let mut s = chunks();
        let first = ready(std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut s), cx)
        }));
        assert_eq!(
            first.map(|c| c.expect("a chunk")).as_deref(),
            Some(&b"ab"[..])
        );
        // Whole, at the limit; one byte less is an error naming the caller's limit.
        assert_eq!(
            ready(chunks().collect_up_to(5)).expect("5 bytes"),
            &b"abcde"[..]
        );
        let err = ready(chunks().collect_up_to(4)).expect_err("5 > 4");
        let Error::TooLarge(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!((e.limit(), e.declared_length()), (4, None));
        assert!(e.is_caller_limit());
        assert!(format!("{e:?}").contains("Caller"), "{e:?}");
        assert!(err.to_string().contains("the 4 bytes asked for"), "{err}");
        assert!(!err.to_string().contains("max_response_bytes"), "{err}");
        // A declared length over the limit fails before reading; one chunk
        // is handed over as it came; nothing is an empty buffer.
        let mut headers = HeaderMap::new();
        headers.insert("content-length", "100".parse().expect("a value"));
        headers.insert("x-request-id", "req-9".parse().expect("a value"));
        let declared = ByteStream::from_chunks(StatusCode::OK, headers, ["x"]);
        let err = ready(declared.collect_up_to(10)).expect_err("100 > 10");
        assert_eq!(err.request_id(), Some("req-9"));
        let Error::TooLarge(e) = err else {
            panic!("too large")
        };
        assert_eq!(e.declared_length(), Some(100));
        // Many small chunks, empty ones among them, gather into one buffer.
        let tiny: Vec<&str> = ["x", ""].into_iter().cycle().take(2000).collect();
        let many = ByteStream::from_chunks(StatusCode::OK, HeaderMap::new(), tiny);
        let got = ready(many.collect_up_to(1000)).expect("1,000 bytes");
        assert_eq!(got.len(), 1000);
        assert!(got.iter().all(|b| *b == b'x'));
        let many = ByteStream::from_chunks(StatusCode::OK, HeaderMap::new(), ["x"; 1001]);
        assert!(ready(many.collect_up_to(1000)).is_err(), "1,001 > 1,000");
        let only = bytes::Bytes::from_static(b"only");
        let one = ByteStream::from_chunks(StatusCode::OK, HeaderMap::new(), [only.clone()]);
        let got = ready(one.collect_up_to(10)).expect("4 bytes");
        assert_eq!(got.as_ptr(), only.as_ptr(), "the chunk itself, not a copy");
        let none = ByteStream::from_chunks(StatusCode::NO_CONTENT, HeaderMap::new(), [""; 0]);
        assert!(ready(none.collect_up_to(0)).expect("nothing").is_empty());
        // `Debug` shows the response, not the bytes; the stream is a value
        // users can move across tasks and poll without pinning.
        let shown = format!("{:?}", chunks());
        assert!(shown.starts_with("ByteStream { status: 200"), "{shown}");
        fn movable<T: Send + Sync + Unpin + 'static>(_: &T) {}
        movable(&chunks());
        assert_eq!(futures_core::Stream::size_hint(&chunks()), (3, Some(3)));
    }

    #[test]
    fn errors_say_what_they_are() {
        let api = |status: u16| {
            Error::Api(ApiError::new(
                StatusCode::from_u16(status).expect("a status"),
                HeaderMap::new(),
                "",
            ))
        };
        let kinds = |e: &Error| {
            [
                e.is_not_found(),
                e.is_unauthorized() || e.is_forbidden(),
                e.is_rate_limited(),
                e.is_conflict(),
                e.is_validation(),
                e.is_transient(),
            ]
        };
        let no = false;
        assert_eq!(kinds(&api(404)), [true, no, no, no, no, no]);
        assert_eq!(kinds(&api(401)), [no, true, no, no, no, no]);
        assert_eq!(kinds(&api(403)), [no, true, no, no, no, no]);
        assert!(api(401).is_unauthorized() && !api(401).is_forbidden());
        assert!(api(403).is_forbidden() && !api(403).is_unauthorized());
        assert_eq!(kinds(&api(429)), [no, no, true, no, no, true]);
        assert_eq!(kinds(&api(409)), [no, no, no, true, no, no]);
        assert_eq!(kinds(&api(400)), [no, no, no, no, true, no]);
        assert_eq!(kinds(&api(422)), [no, no, no, no, true, no]);
        assert_eq!(kinds(&api(503)), [no, no, no, no, no, true]);
        assert_eq!(
            kinds(&Error::InvalidRequest("name: too long".into())),
            [no, no, no, no, true, no]
        );
    }

    #[test]
    fn api_errors_and_responses_built_by_hand_read_like_received_ones() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-7".parse().expect("a header value"));
        headers.insert(
            "authorization",
            "Bearer sk-secret".parse().expect("a header value"),
        );
        let error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            headers.clone(),
            r#"{"message": ["name is too long"], "statusCode": 422}"#,
        );
        assert_eq!(error.message().as_deref(), Some("name is too long"));
        assert_eq!(error.request_id(), Some("req-7"));
        let error = Error::Api(error);
        assert_eq!(error.request_id(), Some("req-7"));
        assert!(!format!("{error:?}").contains("sk-secret"));
        let response = Response::new("body", StatusCode::CREATED, headers);
        assert_eq!(response.request_id(), Some("req-7"));
        assert!(!format!("{response:?}").contains("sk-secret"));
        assert_eq!(*response, "body");
        let (body, status, _) = response.into_parts();
        assert_eq!((body, status), ("body", StatusCode::CREATED));
    }
}
