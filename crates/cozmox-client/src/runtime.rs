//! The client runtime: configuration, authentication, retries, timeouts,
//! limits and tracing, plugged into the generated [`Client`] through
//! progenitor's hooks (`ClientHooks<Runtime>`), so the generated code stays
//! untouched.
//!
//! ```
//! use std::time::Duration;
//! use cozmox_client::{Client, RetryPolicy};
//!
//! let client = Client::builder()
//!     .api_key("sk-test")
//!     .base_url("http://127.0.0.1:4010") // plain HTTP: loopback only
//!     .timeout(Duration::from_secs(30))
//!     .deadline(Duration::from_secs(90))
//!     .retry_policy(RetryPolicy::default().max_retries(4))
//!     .build()?;
//! // One call without retries:
//! let _once = client.with_retry_policy(RetryPolicy::none()).sessions().get("s1");
//! // The key never shows:
//! assert!(!format!("{client:?}").contains("sk-test"));
//! # Ok::<(), cozmox_client::ConfigError>(())
//! ```
//!
//! # Safe on a bad network
//!
//! The defaults, each overridable:
//!
//! | behaviour | default | override |
//! |---|---|---|
//! | retries | see [`RetryPolicy`]: a request that may have reached the API is repeated only when repeating it is safe | [`RetryPolicy::retry_non_idempotent`], [`ClientBuilder::retry_policy`], [`Client::with_retry_policy`] |
//! | redirects | never followed: a 3xx is [`Error::Api`](crate::Error::Api) with [`ApiError::location`](crate::ApiError::location), but one the operation documents (a download's) is `Ok(`[`Download::Redirect`](crate::Download::Redirect)`)`, fetched without the API key by [`Redirect::fetch`](crate::Redirect::fetch) | none |
//! | response size | [`DEFAULT_MAX_RESPONSE_BYTES`] (64 MiB); error bodies kept up to [`MAX_ERROR_BODY_BYTES`] (64 KiB) | [`ClientBuilder::max_response_bytes`] |
//! | base URL | `https://` only, checked by [`ClientBuilder::build`]; `http://` for loopback hosts | [`ClientBuilder::allow_insecure_http`] |
//! | time | 60 s per attempt, 10 s to connect, no overall deadline | [`ClientBuilder::timeout`], [`ClientBuilder::deadline`], [`Client::with_deadline`] |
//! | path parameters | every byte but `A-Z a-z 0-9 - . _ ~` percent-encoded ([`encode_path`]), so `/`, `\`, `?`, `#`, `%` stay in their segment; `""`, `.` and `..` refused before sending ([`Error::InvalidRequest`](crate::Error::InvalidRequest)) | none |
//! | secrets | the key and credential-like headers redacted in every `Debug`; URLs shown without user information or query | none |
//! | configuration | no `Duration` panics: a deadline the clock cannot reach is no deadline, waits are capped at [`LONGEST_WAIT`]; a base URL with `\`, `//`, `.` or `..` in its path refused by [`ClientBuilder::build`] | none |

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tracing::Instrument as _;

use crate::Client;

/// The API's production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cozmox.ai";
/// Header sent on retried requests, holding the retry number (1, 2, …).
pub const RETRY_COUNT_HEADER: &str = "cozmox-retry-count";
/// Total time allowed for one attempt, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to connect, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest server-requested wait (`Retry-After`, `retry-after-ms`) a
/// [`RetryPolicy`] waits for by default; past it the call fails at once,
/// saying how long the server asked to wait.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(60);
/// The largest response body the client reads, by default: 64 MiB.
///
/// Why this much: a 100-session page of the list endpoint with full
/// assistants and transcripts is about 1.8 MB, so the spec's largest page
/// (1,000 items) of such sessions is about 18 MB; 64 MiB leaves more than
/// three times that. The body is held once (about twice while a body sent
/// in many chunks is joined) and decoding takes a multiple of it at its
/// peak, measured by the `memory` test of the workspace: about 3.5× the
/// body for a page of sessions the spec describes, and at most about 10×
/// for anything else, whatever its shape. Data the spec does not describe
/// (unknown fields, a union's unknown member) and values it leaves open (a
/// property declared as any JSON: [`Json`](cozmox_models::Json)) are kept
/// as the text sent, and the tolerant path (taken when a value does not fit
/// its type) decodes optional fields from the input's text without copying
/// it: 1.0× for a large value of any of these kinds, 7.3× for 100,000 tiny
/// unknown keys, 4.5× for a 1 kB session with a value that does not fit.
/// Reading such a value as a `serde_json::Value` (through `Deref`) builds
/// one, which costs up to about 60× the value's text for tiny values (32
/// bytes each for the two bytes of `0,`, in a `Vec` that doubles as it
/// grows): that is the caller's choice, not the decoder's. So a
/// response costs at most the limit times that multiple, whatever the
/// server sends, instead of growing until the timeout; lower the limit with
/// [`ClientBuilder::max_response_bytes`] where memory is tight, raise it
/// if you expect more.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// How much of an error response's body is kept (in
/// [`ApiError::body`](crate::ApiError::body)): 64 KiB. The rest is not read;
/// [`ApiError::is_body_truncated`](crate::ApiError::is_body_truncated) says
/// so.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Whether a header of this name carries a credential, so that its value is
/// marked sensitive and redacted in every `Debug`: `authorization`,
/// `proxy-authorization`, `cookie`, `set-cookie`, and any name containing
/// `key`, `token`, `secret`, `pass` (`password`, `passphrase`), `auth`,
/// `session`, `signature`, `credential`, `jwt` or `bearer` (`x-api-key`,
/// `x-auth-token`, `x-amz-credential`, …), in any case. Redacting a harmless
/// header costs a log line; showing a credential costs the account.
pub fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "cookie" | "set-cookie")
        || [
            "key",
            "token",
            "secret",
            "pass",
            "auth",
            "session",
            "signature",
            "credential",
            "jwt",
            "bearer",
        ]
        .iter()
        .any(|part| name.contains(part))
}

/// The longest single wait between two attempts, whatever the
/// [`RetryPolicy`] says: one hour. A longer `max_backoff`,
/// `initial_backoff` or `max_server_wait` is taken as this, so a policy
/// built with `Duration::MAX` (or a server that asks for `Retry-After:
/// 1e300`) can neither overflow a clock nor park a task for years.
pub const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// When and how long to retry.
///
/// | what happened | GET, HEAD, PUT, DELETE, OPTIONS | POST, PATCH | POST, PATCH with [`retry_non_idempotent`](Self::retry_non_idempotent) |
/// |---|---|---|---|
/// | could not connect (DNS, refused, TLS handshake, connect timeout): nothing reached the API | retried | retried | retried |
/// | `429` | retried | retried | retried |
/// | `408`, `500`, `502`, `503`, `504` | retried | **not retried** | retried |
/// | the connection broke after the request was sent, or while the answer's body was read ([`Error::Interrupted`](crate::Error::Interrupted)) | retried | **not retried** | retried |
/// | timeout ([`Error::Timeout`](crate::Error::Timeout)): the API may be working on it | not retried | not retried | not retried |
/// | any other status | not retried | not retried | not retried |
///
/// A POST may create something (a session, or a phone call to a person), so
/// it is repeated only when it certainly did not reach the API, or was
/// refused before processing (`429`). Opt in to more for requests you have
/// made safe to repeat (for example with an idempotency key of your own),
/// for one call: `client.with_retry_policy(RetryPolicy::default().retry_non_idempotent(true))`.
///
/// The wait before retry `n` is the larger of the backoff (from
/// `initial_backoff`, doubling, capped at `max_backoff`, reduced by a random
/// jitter of up to a quarter) and the server's hint (`retry-after-ms`, else
/// `Retry-After` in seconds or as an HTTP date; an invalid header is ignored
/// on its own). A hint longer than [`max_server_wait`](Self::max_server_wait)
/// (default [`MAX_SERVER_WAIT`]) is not waited for: the call fails at once
/// and the error says how long the server asked to wait. A wait that would
/// end past the call's [deadline](ClientBuilder::deadline) is not started.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_server_wait: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 2 retries, backoff 0.5 s doubling up to 8 s, server hints up to 60 s,
    /// POST and PATCH repeated only when safe.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_server_wait: MAX_SERVER_WAIT,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a request is retried (not counting the first try).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff wait (at most [`LONGEST_WAIT`]).
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait.min(LONGEST_WAIT);
        self
    }

    /// The longest backoff wait (at most [`LONGEST_WAIT`]).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait.min(LONGEST_WAIT);
        self
    }

    /// The longest wait a server may ask for (`Retry-After`) and still be
    /// retried (default [`MAX_SERVER_WAIT`], at most [`LONGEST_WAIT`]: a
    /// longer hint fails the call at once, saying how long it was).
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait.min(LONGEST_WAIT);
        self
    }

    /// Retry POST and PATCH like the idempotent methods (see the table on
    /// [`RetryPolicy`]). Only for requests that are safe to repeat, e.g.
    /// because they carry an idempotency key of yours.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The backoff before retry `retry` (1-based), without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// Whether a request with this method may be sent again after it may
    /// have reached the API.
    fn may_repeat(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// Whether a response status is worth retrying for `method`.
    pub fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        match status.as_u16() {
            429 => true,
            408 | 500 | 502 | 503 | 504 => self.may_repeat(method),
            _ => false,
        }
    }

    /// Whether a transport error is worth retrying for `method`: a failure
    /// to connect always, a connect timeout included (nothing was sent); a
    /// connection that broke after the request was sent, or while its
    /// answer was read, only when the method may be repeated; any other
    /// timeout never (the API may be working on it).
    pub fn retries_error(&self, method: &Method, error: &reqwest::Error) -> bool {
        if error.is_connect() {
            true
        } else if error.is_timeout() {
            false
        } else {
            (error.is_request() || error.is_body() || error.is_decode()) && self.may_repeat(method)
        }
    }
}

fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
    ]
    .contains(method)
}

/// A random factor in [0.75, 1.0] for jitter, from the standard library's
/// per-process random hasher keys (no RNG dependency needed for this).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    let unit = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
    1.0 - 0.25 * unit
}

/// The wait the server asked for: `retry-after-ms` (milliseconds) if it
/// holds a valid one, else `Retry-After` (seconds, or an HTTP date; a date
/// in the past is no wait). Negative, non-numeric or non-finite values are
/// ignored, each header on its own; a value too large for a `Duration` is
/// [`Duration::MAX`].
pub fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let seconds = |value: f64| {
        (value.is_finite() && value >= 0.0)
            .then(|| Duration::try_from_secs_f64(value).unwrap_or(Duration::MAX))
    };
    let ms = text("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| seconds(ms / 1000.0));
    ms.or_else(|| {
        let value = text("retry-after")?;
        match value.parse::<f64>() {
            Ok(secs) => seconds(secs),
            Err(_) => chrono::DateTime::parse_from_rfc2822(value).ok().map(|at| {
                (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
            }),
        }
    })
}

/// Why a call stopped retrying before its retries ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GaveUp {
    /// The server asked to wait this long, more than
    /// [`RetryPolicy::max_server_wait`] allows.
    ServerWait(Duration),
    /// The next attempt could not start before the call's deadline.
    Deadline(Duration),
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GaveUp::ServerWait(wait) => write!(
                f,
                "not retried: the server asked to wait {}, longer than the retry policy's \
                 `max_server_wait`",
                seconds(*wait)
            ),
            GaveUp::Deadline(deadline) => write!(
                f,
                "not retried: the next attempt would start after the call's {} deadline",
                seconds(*deadline)
            ),
        }
    }
}

fn seconds(d: Duration) -> String {
    if d == Duration::MAX {
        "forever".into()
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// What the runtime tells the error mapping about a call: how many attempts
/// it took, why it stopped retrying early, and the size limit for its body.
/// Stored in each response's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallInfo {
    pub(crate) attempts: u32,
    pub(crate) gave_up: Option<GaveUp>,
    pub(crate) max_response_bytes: u64,
    /// The runtime read the body and it went on past the limit (the
    /// response then holds no body).
    pub(crate) body_cut: bool,
}

impl Default for CallInfo {
    fn default() -> Self {
        CallInfo {
            attempts: 1,
            gave_up: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            body_cut: false,
        }
    }
}

/// What the hooks need: the key, the retry policy, the limits. Part of
/// every [`Client`] (its progenitor "inner" value).
#[derive(Clone, Debug)]
pub struct Runtime {
    api_key: Option<ApiKey>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new(None, RetryPolicy::default())
    }
}

impl Runtime {
    /// A runtime with this key (if any) and policy, and the default limits.
    pub fn new(api_key: Option<ApiKey>, retry: RetryPolicy) -> Self {
        Runtime {
            api_key,
            retry,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            timeout: None,
            deadline: None,
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The largest response body read.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The time allowed for a whole call, all attempts and waits included.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }
}

/// A configuration the client cannot be built with.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// `from_env` found no `COZMOX_API_KEY`.
    MissingApiKey,
    /// A default header's name or value is not valid HTTP.
    InvalidHeader(String),
    /// The base URL cannot be used: not a URL, no host, a scheme other than
    /// `https` (or `http` for loopback), credentials, a query or a fragment.
    InvalidBaseUrl {
        /// The URL as given (without any password in it).
        url: String,
        /// What is wrong with it, and what to do.
        reason: String,
    },
    /// reqwest could not build its client (e.g. no TLS backend).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingApiKey => f.write_str(
                "COZMOX_API_KEY is not set: export your API key (dashboard → API keys), or pass it to Client::builder().api_key(…)",
            ),
            ConfigError::InvalidHeader(h) => write!(f, "invalid default header {h}"),
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?} (COZMOX_BASE_URL or `ClientBuilder::base_url`): {reason}")
            }
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// The URL without its user information (a key is often pasted there:
/// `https://sk_live…@host`), its query and its fragment, for messages and
/// `Debug`.
pub(crate) fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => shown_parsed_url(&parsed),
        // Not a URL: keep what precedes an `@`, if any, out of sight.
        Err(_) => {
            let url = url.split(['?', '#']).next().unwrap_or_default();
            match url.rsplit_once('@') {
                Some((_, host)) => format!("<redacted>@{host}"),
                None => url.to_owned(),
            }
        }
    }
}

/// [`shown_url`] of a parsed URL.
pub(crate) fn shown_parsed_url(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let had_user = !url.username().is_empty() || url.password().is_some();
    if had_user {
        // Cannot fail on a URL that had user information (it has a host).
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let text = url.to_string();
    match text.split_once("://") {
        Some((scheme, rest)) if had_user => format!("{scheme}://<redacted>@{rest}"),
        _ => text,
    }
}

/// Whether a path segment is one the URL parser resolves away (`.`, `..`,
/// or their percent-encoded spellings).
fn is_dot_segment(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "." | ".." | "%2e" | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// Check a base URL: `https://host[:port][/path]`, or `http://` when the
/// host is loopback (`localhost`, `127.0.0.0/8`, `[::1]`) or `insecure` is
/// set.
fn check_base_url(url: &str, insecure: bool) -> Result<(), ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: shown_url(url),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        invalid(&format!(
            "{e}; give the scheme and host, e.g. {DEFAULT_BASE_URL}"
        ))
    })?;
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid("it has no host"));
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "it carries credentials; pass the API key with `api_key` instead",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    // The parser would quietly turn these into another path (`\` is `/`
    // for http(s), `..` drops a segment) or an empty segment, and every call
    // would then fail its path check: refuse them here, where the cause is.
    if url.contains('\\') {
        return Err(invalid(
            "it contains `\\`, which the URL parser reads as `/`",
        ));
    }
    if let Some(path) = base_path(url) {
        if segments(path).any(str::is_empty) {
            return Err(invalid("its path has an empty segment (`//`)"));
        }
        if segments(path).any(is_dot_segment) {
            return Err(invalid(
                "its path has a `.` or `..` segment, which the URL parser resolves away",
            ));
        }
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback || insecure {
                Ok(())
            } else {
                Err(invalid(
                    "plain http would send the API key in cleartext; use https, or call \
                     `allow_insecure_http(true)` if this network is trusted",
                ))
            }
        }
        other => Err(invalid(&format!(
            "the scheme is {other:?}; the API is served over https"
        ))),
    }
}

/// Builds a [`Client`]: key, base URL, timeouts, deadline, retry policy,
/// size limit, user agent, extra headers. Its `Debug` redacts the key and
/// the values of credential-like headers ([`is_sensitive_header`]).
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    allow_insecure_http: bool,
    user_agent: String,
    headers: Vec<(String, String)>,
    http: Option<HttpSetup>,
}

/// What [`ClientBuilder::configure_http`] was given.
type HttpSetup =
    std::sync::Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(name, value)| {
                        let shown = if is_sensitive_header(name) {
                            "<redacted>"
                        } else {
                            value.as_str()
                        };
                        (name, shown)
                    }))
                    .finish()
            }
        }
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &shown_url(&self.base_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("user_agent", &self.user_agent)
            .field("headers", &Headers(&self.headers))
            .field("configure_http", &self.http.as_ref().map(|_| "set"))
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: DEFAULT_BASE_URL.into(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            user_agent: format!("cozmox-rs/{}", env!("CARGO_PKG_VERSION")),
            headers: Vec::new(),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer …`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The base URL (default [`DEFAULT_BASE_URL`]). [`build`](Self::build)
    /// checks it: `https://`, or `http://` for a loopback host (or with
    /// [`allow_insecure_http`](Self::allow_insecure_http)).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// Accept an `http://` base URL on a host that is not loopback (default
    /// `false`): the key then crosses the network in cleartext.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Total time for one attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for a whole call, all attempts and the waits between them
    /// included (default: none, so a call can take up to `(max_retries + 1)
    /// × timeout` plus the waits). An attempt running at the deadline fails
    /// as [`Error::Timeout`](crate::Error::Timeout); a retry that would
    /// start after it is not made. Per call: [`Client::with_deadline`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB, which says why). A larger
    /// `Content-Length` fails before the body is read, a longer streamed
    /// body stops at the limit; both are
    /// [`Error::TooLarge`](crate::Error::TooLarge). A download is not
    /// read by the client: it streams as a [`ByteStream`](crate::ByteStream),
    /// bounded by what you read of it
    /// ([`collect_up_to`](crate::ByteStream::collect_up_to)).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` (default `cozmox-rs/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// A header sent with every request. A credential-like name
    /// ([`is_sensitive_header`]) is marked sensitive: its value never shows
    /// in `Debug`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Set up the `reqwest::Client` calls go through beyond what this
    /// builder sets: a proxy, root or client certificates, a local address…
    /// `setup` is given reqwest's builder first; the timeouts, user agent,
    /// headers and the refusal of redirects set here are applied after it,
    /// so they hold.
    ///
    /// ```
    /// let client = cozmox_client::Client::builder()
    ///     .api_key("sk-…")
    ///     .configure_http(|http| http.tcp_nodelay(true))
    ///     .build()?;
    /// # Ok::<(), cozmox_client::ConfigError>(())
    /// ```
    pub fn configure_http(
        mut self,
        setup: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http = Some(std::sync::Arc::new(setup));
        self
    }

    /// Build the client. Fails on a base URL that is not `https://` (see
    /// [`base_url`](Self::base_url)), or a header that is not valid HTTP.
    pub fn build(self) -> Result<Client, ConfigError> {
        check_base_url(&self.base_url, self.allow_insecure_http)?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::try_from(name.as_str())
                .map_err(|_| ConfigError::InvalidHeader(format!("name {name:?}")))?;
            let mut v = HeaderValue::try_from(value.as_str())
                .map_err(|_| ConfigError::InvalidHeader(format!("value for {name}")))?;
            v.set_sensitive(is_sensitive_header(name));
            headers.append(n, v);
        }
        let mut http = reqwest::Client::builder();
        if let Some(setup) = &self.http {
            http = setup(http);
        }
        let http = http
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .default_headers(headers)
            // The API never redirects: a 3xx is an error, nothing is sent
            // anywhere else (no body, no header, no key).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ConfigError::Http)?;
        let runtime = Runtime {
            api_key: self.api_key,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            timeout: Some(self.timeout),
            deadline: self.deadline,
        };
        Ok(Client::new_with_client(&self.base_url, http, runtime))
    }
}

impl Client {
    /// A builder with the defaults: production URL, 60 s timeout, 10 s
    /// connect timeout, 2 retries, 64 MiB responses, no key.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `COZMOX_API_KEY`
    /// (required) and `COZMOX_BASE_URL` (default [`DEFAULT_BASE_URL`],
    /// checked as [`ClientBuilder::base_url`] says).
    pub fn from_env() -> Result<Client, ConfigError> {
        let key = std::env::var("COZMOX_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .ok_or(ConfigError::MissingApiKey)?;
        let mut builder = Client::builder().api_key(key);
        if let Ok(url) = std::env::var("COZMOX_BASE_URL")
            && !url.trim().is_empty()
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The base URL calls go to (`https://api.cozmox.ai` by default).
    pub fn baseurl(&self) -> &str {
        ClientInfo::baseurl(self)
    }

    /// The document's `info.version` this client was generated from, sent
    /// with every call in the `api-version` header (the crate's
    /// [`API_VERSION`](cozmox_models::API_VERSION) may be a date
    /// `cargo xtask import` recorded instead).
    pub fn api_version() -> &'static str {
        <Self as ClientInfo<Runtime>>::api_version()
    }

    /// The `reqwest::Client` the calls go through (its connections are
    /// shared by every clone of this client), for requests of your own:
    /// they carry no API key, retries or `api-version` header.
    pub fn client(&self) -> &reqwest::Client {
        ClientInfo::client(self)
    }

    /// The settings calls run with (key, retries, limits, deadline).
    pub fn runtime(&self) -> &Runtime {
        ClientInfo::inner(self)
    }

    /// The same client (sharing its connections) with another runtime.
    fn with_runtime(&self, change: impl FnOnce(&mut Runtime)) -> Client {
        let mut runtime = self.inner().clone();
        change(&mut runtime);
        Client::new_with_client(self.baseurl(), self.client().clone(), runtime)
    }

    /// The same client (sharing its connections) with another retry policy,
    /// for one call or a few: `client.with_retry_policy(RetryPolicy::none())`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        self.with_runtime(|r| r.retry = policy)
    }

    /// The same client (sharing its connections) with a deadline for each
    /// call, all attempts included (see [`ClientBuilder::deadline`]). A
    /// deadline too far ahead for the clock (`Duration::MAX`) is no deadline.
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        self.with_runtime(|r| r.deadline = Some(deadline))
    }
}

/// A path parameter's value as one URL path segment: every byte but RFC
/// 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) percent-encoded.
///
/// progenitor's own `encode_path` leaves `\` as it is, which the URL parser
/// reads as `/` in http(s) URLs before it resolves dot segments, so the id
/// `mine\..\victim` would send `DELETE /session/victim`. Here nothing the
/// parser treats as a separator (`/`, `\`, `?`, `#`), strips (tab, line
/// breaks, leading and trailing spaces and control characters) or decodes
/// (`%`) reaches it; the value arrives at the server as it was given. The
/// whole values `.` and `..`, which stay dot segments, are refused before
/// sending by the path check of the client's hooks. The generated code
/// calls this one (the generator's `runtime-encode-path` pass).
pub fn encode_path(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

/// The segments of a URL path (`/a/b` → `a`, `b`).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}

/// The number of path segments of a base URL (`https://h/v1` → 1).
fn base_segments(base: &str) -> usize {
    base_path(base).map_or(0, |path| segments(path).filter(|s| !s.is_empty()).count())
}

/// The path of a base URL as written (`https://h/v1` → `/v1`), before the
/// URL parser resolves anything; `None` without one.
fn base_path(base: &str) -> Option<&str> {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    after_scheme.find('/').map(|at| &after_scheme[at..])
}

/// The path a request gets when the path parameter at template segment
/// `bad` is `value` and every other one is a plain value (`*`), after the
/// URL parser resolves dot segments as it does (WHATWG URL: `.` is dropped,
/// `..` drops the segment before it; either one last leaves an empty
/// segment).
fn resolved(base: usize, template: &[&str], bad: usize, value: &str) -> Vec<String> {
    let mut out: Vec<String> = vec!["*".into(); base];
    for (i, segment) in template.iter().enumerate() {
        let segment = if i == bad {
            value
        } else if segment.starts_with('{') {
            "*"
        } else {
            segment
        };
        let last = i + 1 == template.len();
        match segment {
            ".." => {
                out.pop();
                if last {
                    out.push(String::new());
                }
            }
            "." => {
                if last {
                    out.push(String::new());
                }
            }
            other => out.push(other.to_owned()),
        }
    }
    out
}

/// Whether the request's path has the shape of the operation's template
/// (literal segments equal, every parameter one non-empty segment); if not,
/// the message of [`Error::InvalidRequest`](crate::Error::InvalidRequest),
/// naming the parameter that was empty, `.` or `..` (which the URL parser
/// turned into another path).
fn check_path(url: &reqwest::Url, base: &str, template: &str) -> Result<(), String> {
    if template.is_empty() {
        return Ok(());
    }
    let base = base_segments(base);
    // The common case, without allocating: the path has the template's shape.
    let mut path = segments(url.path());
    let shaped = path.by_ref().take(base).filter(|s| !s.is_empty()).count() == base
        && segments(template).all(|t| {
            path.next().is_some_and(|a| {
                if t.starts_with('{') {
                    !a.is_empty()
                } else {
                    t == a
                }
            })
        })
        && path.next().is_none();
    if shaped {
        return Ok(());
    }
    let template: Vec<&str> = segments(template).collect();
    let actual: Vec<&str> = segments(url.path()).collect();
    let fits = |pattern: &[&str]| {
        pattern.len() == actual.len()
            && pattern.iter().zip(&actual).all(|(p, a)| match *p {
                "*" => !a.is_empty(),
                p if p.starts_with('{') => !a.is_empty(),
                p => p == *a,
            })
    };
    let params: Vec<usize> = (0..template.len())
        .filter(|&i| template[i].starts_with('{'))
        .collect();
    let culprits: Vec<&str> = params
        .iter()
        .filter(|&&i| {
            ["", ".", ".."].iter().any(|value| {
                let pattern = resolved(base, &template, i, value);
                fits(&pattern.iter().map(String::as_str).collect::<Vec<_>>())
            })
        })
        .map(|&i| template[i].trim_matches(|c| c == '{' || c == '}'))
        .collect();
    let named = if culprits.len() == 1 {
        format!("path parameter `{}` is", culprits[0])
    } else {
        let all: Vec<String> = params
            .iter()
            .map(|&i| format!("`{}`", template[i].trim_matches(|c| c == '{' || c == '}')))
            .collect();
        format!("one of the path parameters {} is", all.join(", "))
    };
    Err(format!(
        "{named} empty, `.` or `..`, which would send the request to another path \
         (`/{}` instead of `/{}`)",
        actual.join("/"),
        template.join("/"),
    ))
}

// progenitor's hook trait is how the generated operations reach the runtime;
// it is not the SDK's API, so the docs do not list it.
#[doc(hidden)]
impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        check_path(request.url(), self.baseurl(), template_of(info))
            .map_err(Error::InvalidRequest)?;
        if let Some(key) = &self.inner().api_key
            && !request.headers().contains_key(AUTHORIZATION)
        {
            let mut value =
                HeaderValue::try_from(format!("Bearer {}", key.expose())).map_err(|_| {
                    Error::InvalidRequest("the API key is not a valid header value".into())
                })?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let runtime = self.inner();
        let policy = &runtime.retry;
        let method = request.method().clone();
        // The path template (`/session/{id}`), not the path: spans stay
        // groupable and carry no ids.
        let path = template_of(info);
        // Only an answer the operation decodes as JSON is read ahead: one that
        // streams bytes (a download asks for no JSON) is handed over unread,
        // whatever its `Content-Type` says.
        let asks_json = is_json(request.headers().get(reqwest::header::ACCEPT));
        // A deadline the clock cannot reach (`Duration::MAX`) is no deadline.
        let deadline = runtime
            .deadline
            .and_then(|d| Some((Instant::now().checked_add(d)?, d)));
        let mut pending = request;
        let mut retry = 0u32;
        loop {
            // A body that cannot be copied (a stream) is sent once.
            let copy = (retry < policy.max_retries)
                .then(|| pending.try_clone())
                .flatten();
            let mut request = pending;
            if retry > 0 {
                request
                    .headers_mut()
                    .insert(RETRY_COUNT_HEADER, HeaderValue::from(retry));
            }
            if let Some((at, _)) = deadline {
                let left = at.saturating_duration_since(Instant::now());
                *request.timeout_mut() = Some(runtime.timeout.map_or(left, |t| t.min(left)));
            }
            let span = tracing::info_span!(
                "cozmox.request",
                operation = info.operation_id,
                method = %method,
                path,
                attempt = retry + 1,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let start = Instant::now();
            let mut result = self
                .client()
                .execute(request)
                .instrument(span.clone())
                .await;
            span.record("latency_ms", start.elapsed().as_millis() as u64);
            // Some(hint): retry, waiting at least the server's hint.
            let mut gave_up = None;
            let mut body_cut = false;
            let mut retry_with = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if policy.retries_status(&method, response.status()) {
                        match server_wait(response.headers()) {
                            Some(hint) if hint > policy.max_server_wait => {
                                gave_up = Some(GaveUp::ServerWait(hint));
                                None
                            }
                            hint => Some(hint),
                        }
                    } else {
                        None
                    }
                }
                Err(e) => policy.retries_error(&method, e).then_some(None),
            };
            // A request that may be repeated, and will not be for its status,
            // has its JSON body read here, so that a connection that breaks
            // while the body comes is retried like one that broke before the
            // answer (the body is read once either way: `lift` takes it
            // from memory).
            if retry_with.is_none() && copy.is_some() && policy.may_repeat(&method) {
                result = match result {
                    Ok(response)
                        if asks_json && worth_buffering(&response, runtime.max_response_bytes) =>
                    {
                        match buffered(response, runtime.max_response_bytes)
                            .instrument(span.clone())
                            .await
                        {
                            Ok((response, cut)) => {
                                body_cut = cut;
                                Ok(response)
                            }
                            Err(e) => {
                                if policy.retries_error(&method, &e) {
                                    retry_with = Some(None);
                                }
                                Err(e)
                            }
                        }
                    }
                    other => other,
                };
            }
            let next = match (retry_with, copy) {
                (Some(hint), Some(copy)) => {
                    let backoff = policy.backoff(retry + 1).mul_f64(jitter());
                    let wait = hint.map_or(backoff, |h| h.max(backoff));
                    match deadline {
                        Some((at, total))
                            if Instant::now().checked_add(wait).is_none_or(|end| end >= at) =>
                        {
                            gave_up = Some(GaveUp::Deadline(total));
                            None
                        }
                        _ => Some((copy, wait)),
                    }
                }
                _ => None,
            };
            let Some((copy, wait)) = next else {
                let info = crate::runtime::CallInfo {
                    attempts: retry + 1,
                    gave_up,
                    max_response_bytes: runtime.max_response_bytes,
                    body_cut,
                };
                return result.map(|mut response| {
                    response.extensions_mut().insert(info);
                    response
                });
            };
            retry += 1;
            tracing::debug!(parent: &span, retry, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            pending = copy;
        }
    }
}

/// Whether [`buffered`] should read a response inside the retry loop: a
/// success with a JSON body (or none declared) no larger than the limit
/// says (a larger one is refused by the error mapping without reading it).
fn worth_buffering(response: &reqwest::Response, limit: u64) -> bool {
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE);
    let json = content_type.is_none() || is_json(content_type);
    response.status().is_success() && json && response.content_length().is_none_or(|n| n <= limit)
}

/// Whether a `Content-Type` or `Accept` value names JSON
/// (`application/json`, `application/problem+json`…).
fn is_json(value: Option<&HeaderValue>) -> bool {
    value.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').any(|one| {
            let essence = one.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        })
    })
}

/// The same response with its body read into memory, and whether the body
/// went on past `limit` (then reading stopped there and the body is
/// dropped: the error mapping reports it as too large).
async fn buffered(
    mut response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<(reqwest::Response, bool)> {
    let (body, cut) = read_up_to(&mut response, limit).await?;
    let body = if cut { Bytes::new() } else { body };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    *rebuilt.extensions_mut() = std::mem::take(response.extensions_mut());
    Ok((reqwest::Response::from(rebuilt), cut))
}

/// The largest buffer allocated ahead from a declared `Content-Length`: a
/// header is the server's word, not a size to trust with memory; past this
/// the buffer grows with what actually arrives.
pub(crate) const MAX_INITIAL_CAPACITY: usize = 1024 * 1024;

/// Read a body up to `limit` bytes: the bytes, and whether more was coming
/// (then reading stopped at the limit, and the rest is never read: dropping
/// the response closes the connection). A body in one chunk is not copied;
/// a body in several takes at most about twice its size while it is joined.
pub(crate) async fn read_up_to(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<(Bytes, bool), reqwest::Error> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let hint = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
        .min(limit)
        .min(MAX_INITIAL_CAPACITY);
    let mut first: Option<Bytes> = None;
    let mut joined: Option<Vec<u8>> = None;
    let mut total = 0usize;
    let mut cut = false;
    while let Some(chunk) = response.chunk().await? {
        let room = limit - total;
        cut = chunk.len() > room;
        let chunk = if cut { chunk.slice(..room) } else { chunk };
        total += chunk.len();
        match (&mut joined, first.take()) {
            (Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(earlier)) => {
                let mut buffer = Vec::with_capacity(hint.max(total));
                buffer.extend_from_slice(&earlier);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
        if cut {
            break;
        }
    }
    let body = joined.map(Bytes::from).or(first).unwrap_or_default();
    Ok((body, cut))
}

/// The path template of an operation, from the generated `OPERATIONS`
/// table (`""` for an operation it does not list).
fn template_of(info: &OperationInfo) -> &'static str {
    crate::OPERATIONS
        .binary_search_by(|(id, _, _)| (*id).cmp(info.operation_id))
        .map_or("", |i| crate::OPERATIONS[i].2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_recognised_in_accept_and_content_type_values() {
        let json = |v: &str| super::is_json(Some(&HeaderValue::from_str(v).expect("a value")));
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            " application/problem+json ",
            "text/plain, application/json;q=0.9",
        ] {
            assert!(json(yes), "{yes}");
        }
        for no in [
            "application/octet-stream",
            "*/*",
            "application/*",
            "text/json-ish",
            "",
        ] {
            assert!(!json(no), "{no}");
        }
        assert!(!super::is_json(None));
    }

    #[test]
    fn a_configured_http_client_keeps_the_builders_settings() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static CALLED: AtomicUsize = AtomicUsize::new(0);
        let builder = Client::builder()
            .api_key("sk-test")
            .timeout(Duration::from_secs(7))
            .configure_http(|http| {
                CALLED.fetch_add(1, Ordering::SeqCst);
                // Overridden by the builder's own settings, applied after.
                http.timeout(Duration::from_secs(1))
            });
        assert!(format!("{builder:?}").contains("configure_http: Some(\"set\")"));
        let client = builder.clone().build().expect("builds");
        assert_eq!(CALLED.load(Ordering::SeqCst), 1);
        assert_eq!(client.runtime().timeout, Some(Duration::from_secs(7)));
        assert_eq!(client.baseurl(), DEFAULT_BASE_URL);
        builder.build().expect("a clone of the builder builds too");
        assert_eq!(CALLED.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_eight() {
        let p = RetryPolicy::default();
        let waits: Vec<u128> = (1..=6).map(|r| p.backoff(r).as_millis()).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 8000]);
        for _ in 0..100 {
            let j = jitter();
            assert!((0.75..=1.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn statuses_and_methods() {
        let p = RetryPolicy::default();
        let status = |s: u16| StatusCode::from_u16(s).expect("valid");
        for s in [408, 429, 500, 502, 503, 504] {
            for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
                assert!(p.retries_status(&m, status(s)), "{m} {s}");
            }
        }
        // POST and PATCH: only 429, which the API sends before processing.
        for m in [Method::POST, Method::PATCH] {
            assert!(p.retries_status(&m, status(429)), "{m}");
            for s in [408, 500, 502, 503, 504] {
                assert!(!p.retries_status(&m, status(s)), "{m} {s}");
            }
        }
        let opted_in = RetryPolicy::default().retry_non_idempotent(true);
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(opted_in.retries_status(&Method::POST, status(s)), "{s}");
        }
        for s in [301, 302, 400, 401, 404, 409, 422] {
            assert!(!opted_in.retries_status(&Method::GET, status(s)), "{s}");
        }
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::try_from(v.as_str()).expect("valid"));
        }
        h
    }

    #[test]
    fn server_waits_are_read_header_by_header() {
        assert_eq!(
            server_wait(&headers(&[("retry-after", "2".into())])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            server_wait(&headers(&[
                ("retry-after-ms", "250".into()),
                ("retry-after", "9".into())
            ])),
            Some(Duration::from_millis(250))
        );
        // An invalid `retry-after-ms` does not hide a valid `Retry-After`.
        for bad in ["-1", "NaN", "inf", "soon", ""] {
            assert_eq!(
                server_wait(&headers(&[
                    ("retry-after-ms", bad.into()),
                    ("retry-after", "3".into())
                ])),
                Some(Duration::from_secs(3)),
                "{bad}"
            );
        }
        for bad in ["-1", "NaN", "later", ""] {
            assert_eq!(
                server_wait(&headers(&[("retry-after", bad.into())])),
                None,
                "{bad}"
            );
        }
        // Long hints are reported as they are; the policy decides.
        assert_eq!(
            server_wait(&headers(&[("retry-after", "120".into())])),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            server_wait(&headers(&[("retry-after", "1e300".into())])),
            Some(Duration::MAX)
        );
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let w = server_wait(&headers(&[("retry-after", soon)])).expect("a date 30 s ahead");
        assert!(
            w <= Duration::from_secs(30) && w >= Duration::from_secs(28),
            "{w:?}"
        );
        let past = (chrono::Utc::now() - chrono::Duration::seconds(30)).to_rfc2822();
        assert_eq!(
            server_wait(&headers(&[("retry-after", past)])),
            Some(Duration::ZERO)
        );
        assert_eq!(server_wait(&HeaderMap::new()), None);
    }

    #[test]
    fn base_urls_are_checked_when_the_client_is_built() {
        for ok in [
            "https://api.cozmox.ai",
            "https://api.cozmox.ai/v1",
            "https://10.0.0.1:8443",
            "http://127.0.0.1:4010",
            "http://127.8.9.1",
            "http://localhost:3000",
            "http://[::1]:3000",
        ] {
            check_base_url(ok, false).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for (bad, says) in [
            ("http://api.cozmox.ai", "cleartext"),
            ("http://10.0.0.1", "cleartext"),
            ("api.cozmox.ai", "scheme and host"),
            ("", "scheme and host"),
            ("ftp://x", "\"ftp\""),
            ("https://user:pw@api.cozmox.ai", "credentials"),
            ("https://api.cozmox.ai?x=1", "query"),
            ("https://api.cozmox.ai#top", "fragment"),
            ("https://sk_live@api.cozmox.ai", "credentials"),
            (r"https://api.cozmox.ai\v1", "`\\`"),
            ("https://api.cozmox.ai/v1/..", "`..`"),
            ("https://api.cozmox.ai/%2E/v1", "`.`"),
            ("https://api.cozmox.ai//v1", "`//`"),
        ] {
            let e = check_base_url(bad, false).expect_err(bad).to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(!e.contains("pw@"), "{e}");
            assert!(!e.contains("sk_live"), "{e}");
        }
        check_base_url("http://api.cozmox.ai", true).expect("allowed");
    }

    #[test]
    fn dot_segments_in_path_parameters_are_named() {
        let check = |base: &str, template: &str, path: &str| {
            let url = reqwest::Url::parse(&format!("{base}{path}")).expect("url");
            check_path(&url, base, template)
        };
        let base = "https://api.cozmox.ai";
        assert_eq!(check(base, "/session/{id}", "/session/s1"), Ok(()));
        assert_eq!(check(base, "/session", "/session"), Ok(()));
        assert_eq!(check(base, "/session/{id}", "/session/%252e%252e"), Ok(()));
        for id in ["", ".", "..", "%2e%2e", "%2E", ".%2e"] {
            let e = check(base, "/session/{id}", &format!("/session/{id}")).expect_err(id);
            assert!(e.starts_with("path parameter `id` is"), "{id}: {e}");
        }
        // Under a base path, and with several parameters.
        let prefixed = "https://gw.example.com/api/v1";
        assert_eq!(check(prefixed, "/session/{id}", "/session/s1"), Ok(()));
        let e = check(prefixed, "/session/{id}", "/session/..").expect_err("..");
        assert!(e.contains("`id`"), "{e}");
        let t = "/provider/{provider}/{resourceName}/{id}";
        assert_eq!(check(base, t, "/provider/p/r/i"), Ok(()));
        for (path, says) in [
            ("/provider/p/r/..", "path parameter `id` is"),
            ("/provider/p/r/", "path parameter `id` is"),
            ("/provider/p//i", "path parameter `resourceName` is"),
            // `/provider/i`: `resourceName` was `..`, or `provider` was `..`
            // and `resourceName` was "provider"; the URL cannot tell.
            (
                "/provider/p/../i",
                "one of the path parameters `provider`, `resourceName`, `id` is",
            ),
        ] {
            let e = check(base, t, path).expect_err(path);
            assert!(e.starts_with(says), "{path}: {e}");
        }
    }

    #[test]
    fn path_values_keep_only_unreserved_characters() {
        assert_eq!(encode_path("s1-A_b.c~"), "s1-A_b.c~");
        assert_eq!(encode_path(r"mine\..\victim"), "mine%5C..%5Cvictim");
        assert_eq!(encode_path("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(encode_path(" \t\n\r\0"), "%20%09%0A%0D%00");
        assert_eq!(encode_path("é"), "%C3%A9");
        assert_eq!(encode_path("\u{FF3C}"), "%EF%BC%BC");
        // Parsed as a URL, an encoded value is one segment that decodes back.
        for value in [
            r"a\..\b", "../x", "a\tb", " a ", "x?y#z", "%2e%2e", "\u{2216}",
        ] {
            let url = reqwest::Url::parse(&format!("https://h/session/{}", encode_path(value)))
                .expect("a URL");
            let segments: Vec<&str> = url.path_segments().expect("segments").collect();
            assert_eq!(segments.len(), 2, "{value:?}: {url}");
        }
    }

    #[test]
    fn waits_and_deadlines_cannot_overflow() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_server_wait(Duration::MAX);
        assert_eq!(p.backoff(1), LONGEST_WAIT);
        assert_eq!(p.backoff(u32::MAX), LONGEST_WAIT);
        assert_eq!(p.max_server_wait, LONGEST_WAIT);
        // A jittered backoff stays a valid duration.
        let _ = p.backoff(40).mul_f64(jitter());
    }

    #[test]
    fn urls_are_shown_without_user_information_or_query() {
        for (url, shown) in [
            (
                "https://sk_live_1@api.cozmox.ai/v1",
                "https://<redacted>@api.cozmox.ai/v1",
            ),
            (
                "https://u:pw@api.cozmox.ai",
                "https://<redacted>@api.cozmox.ai/",
            ),
            (
                "https://api.cozmox.ai/session?name=secret#x",
                "https://api.cozmox.ai/session",
            ),
            ("sk_live_1@host", "<redacted>@host"),
            ("not a url?q=secret", "not a url"),
        ] {
            assert_eq!(shown_url(url), shown, "{url}");
        }
    }

    #[test]
    fn credential_headers_are_sensitive() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "cookie",
            "x-api-key",
            "X-Auth-Token",
            "client-secret",
            "x-credential",
            "x-amz-credential",
            "x-passphrase",
            "x-jwt",
            "x-bearer",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in ["user-agent", "accept", "x-request-id", "content-type"] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    #[test]
    fn the_key_never_shows() {
        let key = ApiKey::new("sk-secret");
        assert!(!format!("{key:?} {key}").contains("sk-secret"));
        let client = Client::builder()
            .api_key("sk-secret")
            .build()
            .expect("builds");
        assert!(!format!("{client:?}").contains("sk-secret"));
    }
}
