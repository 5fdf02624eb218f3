//! The client runtime: configuration, authentication, retries, timeouts and
//! tracing, plugged into the generated [`Client`] through progenitor's
//! hooks (`ClientHooks<Runtime>`), so the generated code stays untouched.
//!
//! ```
//! use std::time::Duration;
//! use cozmox_client::{Client, RetryPolicy};
//!
//! let client = Client::builder()
//!     .api_key("sk-test")
//!     .base_url("http://127.0.0.1:4010")
//!     .timeout(Duration::from_secs(30))
//!     .retry_policy(RetryPolicy::default().max_retries(4))
//!     .build()?;
//! // One call without retries:
//! let _once = client.with_retry_policy(RetryPolicy::none()).session_controller_find_one().id("s1");
//! // The key never shows:
//! assert!(!format!("{client:?}").contains("sk-test"));
//! # Ok::<(), cozmox_client::ConfigError>(())
//! ```

use std::fmt;
use std::time::{Duration, Instant};

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
/// Longest server-requested wait (`Retry-After`, `retry-after-ms`) honoured
/// as such; a longer one falls back to the backoff schedule.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(60);

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

/// When and how long to retry.
///
/// Retried: connection errors and statuses 408, 429, 502, 503, 504; 500 only
/// for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS), never POST or
/// PATCH. The wait is `Retry-After` (seconds or an HTTP date) or
/// `retry-after-ms` when the server sends one of at most
/// [`MAX_SERVER_WAIT`]; otherwise exponential backoff from
/// `initial_backoff`, doubling, capped at `max_backoff`, each wait reduced
/// by a random jitter of up to a quarter.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries, backoff 0.5 s doubling up to 8 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
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

    /// The first backoff wait.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest backoff wait.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The backoff before retry `retry` (1-based), without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// Whether a response status is worth retrying for `method`.
    pub fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        match status.as_u16() {
            408 | 429 | 502 | 503 | 504 => true,
            500 => is_idempotent(method),
            _ => false,
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

/// The server's requested wait, if it sent one within [`MAX_SERVER_WAIT`].
fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let wait = if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Duration::try_from_secs_f64(ms / 1000.0).ok()
    } else if let Some(value) = text("retry-after") {
        match value.parse::<f64>() {
            Ok(secs) => Duration::try_from_secs_f64(secs).ok(),
            Err(_) => chrono::DateTime::parse_from_rfc2822(value).ok().map(|at| {
                (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
            }),
        }
    } else {
        None
    };
    wait.filter(|w| *w <= MAX_SERVER_WAIT)
}

/// What the hooks need: the key and the retry policy. Part of every
/// [`Client`] (its progenitor "inner" value).
#[derive(Clone, Debug, Default)]
pub struct Runtime {
    api_key: Option<ApiKey>,
    retry: RetryPolicy,
}

impl Runtime {
    /// A runtime with this key (if any) and policy.
    pub fn new(api_key: Option<ApiKey>, retry: RetryPolicy) -> Self {
        Runtime { api_key, retry }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// A configuration the client cannot be built with.
#[derive(Debug)]
pub enum ConfigError {
    /// `from_env` found no `COZMOX_API_KEY`.
    MissingApiKey,
    /// A default header's name or value is not valid HTTP.
    InvalidHeader(String),
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

/// Builds a [`Client`]: key, base URL, timeouts, retry policy, user agent,
/// extra headers.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: DEFAULT_BASE_URL.into(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: format!("cozmox-rs/{}", env!("CARGO_PKG_VERSION")),
            headers: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer …`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The base URL (default [`DEFAULT_BASE_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
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

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` (default `cozmox-rs/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let n = HeaderName::try_from(name.as_str())
                .map_err(|_| ConfigError::InvalidHeader(format!("name {name:?}")))?;
            let v = HeaderValue::try_from(value.as_str())
                .map_err(|_| ConfigError::InvalidHeader(format!("value for {name}")))?;
            headers.append(n, v);
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .default_headers(headers)
            .build()
            .map_err(ConfigError::Http)?;
        Ok(Client::new_with_client(
            &self.base_url,
            http,
            Runtime::new(self.api_key, self.retry),
        ))
    }
}

impl Client {
    /// A builder with the defaults: production URL, 60 s timeout, 10 s
    /// connect timeout, 2 retries, no key.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `COZMOX_API_KEY`
    /// (required) and `COZMOX_BASE_URL` (default [`DEFAULT_BASE_URL`]).
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

    /// The same client (sharing its connections) with another retry policy,
    /// for one call or a few: `client.with_retry_policy(RetryPolicy::none())`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut runtime = self.inner().clone();
        runtime.retry = policy;
        Client::new_with_client(self.baseurl(), self.client().clone(), runtime)
    }
}

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
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
        let policy = &self.inner().retry;
        let method = request.method().clone();
        // The path template (`/session/{id}`), not the path: spans stay
        // groupable and carry no ids.
        let path = crate::OPERATIONS
            .binary_search_by(|(id, _, _)| (*id).cmp(info.operation_id))
            .map_or("", |i| crate::OPERATIONS[i].2);
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
            let result = self
                .client()
                .execute(request)
                .instrument(span.clone())
                .await;
            span.record("latency_ms", start.elapsed().as_millis() as u64);
            let wait = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    policy
                        .retries_status(&method, response.status())
                        .then(|| server_wait(response.headers()))
                }
                // Connection errors (refused, reset); not timeouts.
                Err(e) if !e.is_timeout() && (e.is_connect() || e.is_request()) => Some(None),
                Err(_) => None,
            };
            let (Some(wait), Some(copy)) = (wait, copy) else {
                return result.map(|mut response| {
                    response
                        .extensions_mut()
                        .insert(crate::error::Attempts(retry + 1));
                    response
                });
            };
            retry += 1;
            let wait = wait.unwrap_or_else(|| policy.backoff(retry).mul_f64(jitter()));
            tracing::debug!(parent: &span, retry, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            pending = copy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for s in [408, 429, 502, 503, 504] {
            let status = StatusCode::from_u16(s).expect("valid");
            assert!(p.retries_status(&Method::POST, status), "{s}");
        }
        let e500 = StatusCode::INTERNAL_SERVER_ERROR;
        assert!(p.retries_status(&Method::GET, e500));
        assert!(p.retries_status(&Method::DELETE, e500));
        assert!(!p.retries_status(&Method::POST, e500));
        assert!(!p.retries_status(&Method::PATCH, e500));
        assert!(!p.retries_status(&Method::GET, StatusCode::BAD_REQUEST));
    }

    #[test]
    fn server_waits_are_honoured_up_to_a_minute() {
        let headers = |pairs: &[(&'static str, String)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::try_from(v.as_str()).expect("valid"));
            }
            h
        };
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
        assert_eq!(server_wait(&headers(&[("retry-after", "61".into())])), None);
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let w = server_wait(&headers(&[("retry-after", soon)])).expect("a date 30 s ahead");
        assert!(
            w <= Duration::from_secs(30) && w >= Duration::from_secs(28),
            "{w:?}"
        );
        let late = (chrono::Utc::now() + chrono::Duration::seconds(3600)).to_rfc2822();
        assert_eq!(server_wait(&headers(&[("retry-after", late)])), None);
        assert_eq!(server_wait(&HeaderMap::new()), None);
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
