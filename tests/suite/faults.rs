//! Fault injection: the client against a local server that answers from a
//! script (statuses, `Retry-After`, connection resets, slow responses).
//! Asserts attempt counts, the retry-count header, and that waits stay
//! within the backoff bounds (0.5 s doubling, jitter up to a quarter off).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fixture::models::CreateSessionDto;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const SESSION: &str = r#"{"id":"s1","orgId":"o1","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z"}"#;

/// One scripted answer.
#[derive(Clone)]
pub(crate) enum Reply {
    /// Status, extra headers, body.
    Http(u16, Vec<(&'static str, &'static str)>, &'static str),
    /// Close the connection with a TCP reset, answering nothing.
    Reset,
    /// Wait, then answer.
    After(Duration, Box<Reply>),
}

pub(crate) fn ok() -> Reply {
    Reply::Http(200, vec![("content-type", "application/json")], SESSION)
}

pub(crate) fn status(code: u16) -> Reply {
    Reply::Http(
        code,
        vec![("content-type", "application/json")],
        r#"{"message":"try again"}"#,
    )
}

/// A request as the server saw it: when, and its head.
struct Seen {
    at: Instant,
    head: String,
    body: Vec<u8>,
}

pub(crate) struct Server {
    pub(crate) base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub(crate) fn attempts(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.len())
    }

    /// Gaps between consecutive requests.
    pub(crate) fn gaps(&self) -> Vec<Duration> {
        let seen = self.seen.lock().expect("lock");
        seen.windows(2).map(|w| w[1].at - w[0].at).collect()
    }

    pub(crate) fn bodies(&self) -> Vec<Vec<u8>> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().map(|s| s.body.clone()).collect()
    }

    pub(crate) fn heads(&self) -> Vec<String> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().map(|s| s.head.to_ascii_lowercase()).collect()
    }
}

pub(crate) async fn read_request(stream: &mut TcpStream) -> Option<String> {
    read_request_and_body(stream).await.map(|(head, _)| head)
}

/// The request's head and its body (by `content-length`).
async fn read_request_and_body(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[(end + 4).min(buf.len())..].to_vec();
            return Some((head, body));
        }
    }
}

async fn answer(mut stream: TcpStream, reply: Reply) {
    let mut reply = reply;
    while let Reply::After(wait, next) = reply {
        tokio::time::sleep(wait).await;
        reply = *next;
    }
    match reply {
        Reply::Http(code, headers, body) => {
            let mut text = format!(
                "HTTP/1.1 {code} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                text.push_str(&format!("{k}: {v}\r\n"));
            }
            text.push_str("\r\n");
            text.push_str(body);
            let _ = stream.write_all(text.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Reset => {
            // Linger 0: the close is an immediate RST (it blocks nothing).
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        Reply::After(..) => {}
    }
}

/// Serve `script` in order, one reply per request; after it, 500s.
pub(crate) async fn serve(script: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut script = script.into_iter();
        while let Ok((mut stream, _)) = listener.accept().await {
            let Some((head, body)) = read_request_and_body(&mut stream).await else {
                continue;
            };
            if let Ok(mut log) = log.lock() {
                log.push(Seen {
                    at: Instant::now(),
                    head,
                    body,
                });
            }
            let reply = script.next().unwrap_or_else(|| status(500));
            tokio::spawn(answer(stream, reply));
        }
    });
    Server { base, seen }
}

pub(crate) fn client(server: &Server) -> fixture::Client {
    fixture::Client::builder()
        .api_key("sk-fault-test")
        .base_url(&server.base)
        .build()
        .expect("builds")
}

pub(crate) fn within(gap: Duration, lo_ms: u64, hi_ms: u64) -> bool {
    // A little slack above for scheduling.
    gap >= Duration::from_millis(lo_ms) && gap <= Duration::from_millis(hi_ms + 250)
}

#[tokio::test]
async fn retry_after_is_waited_exactly_then_the_call_succeeds() {
    let server = serve(vec![
        Reply::Http(
            429,
            vec![("retry-after", "1")],
            r#"{"message":"slow down"}"#,
        ),
        ok(),
    ])
    .await;
    let session = client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("succeeds after one retry");
    assert_eq!(session.id, "s1");
    assert_eq!(server.attempts(), 2);
    let gap = server.gaps()[0];
    assert!(within(gap, 1000, 1000), "waited {gap:?}");
    let heads = server.heads();
    assert!(
        heads[0].contains("authorization: bearer sk-fault-test"),
        "{}",
        heads[0]
    );
    assert!(!heads[0].contains("cozmox-retry-count"), "{}", heads[0]);
    assert!(heads[1].contains("cozmox-retry-count: 1"), "{}", heads[1]);
    assert!(heads[0].contains("user-agent: cozmox-rs/"), "{}", heads[0]);
}

#[tokio::test]
async fn two_503s_back_off_then_succeed() {
    let server = serve(vec![status(503), status(503), ok()]).await;
    client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("succeeds on the third attempt");
    assert_eq!(server.attempts(), 3);
    let gaps = server.gaps();
    assert!(within(gaps[0], 375, 500), "first wait {:?}", gaps[0]);
    assert!(within(gaps[1], 750, 1000), "second wait {:?}", gaps[1]);
}

#[tokio::test]
async fn three_503s_exhaust_two_retries_and_fail_with_the_last_status() {
    let server = serve(vec![status(503), status(503), status(503), ok()]).await;
    let err = client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("fails after 2 retries");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.attempts(), 3);
    let fixture::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.attempts(), 3);
    assert_eq!(api.message().as_deref(), Some("try again"));
    assert!(err.is_transient());
    let shown = err.to_string();
    assert!(
        shown.contains("503") && shown.contains("try again") && shown.contains("after 3 attempts"),
        "{shown}"
    );
}

#[tokio::test]
async fn api_errors_carry_status_body_and_request_id_and_say_what_to_do() {
    let server = serve(vec![Reply::Http(
        401,
        vec![
            ("content-type", "application/json"),
            ("x-request-id", "req-401"),
        ],
        r#"{"message":"Invalid API key","error":"Unauthorized","statusCode":401}"#,
    )])
    .await;
    let err = client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("401");
    let fixture::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.request_id(), Some("req-401"));
    assert_eq!(err.request_id(), Some("req-401"));
    assert_eq!(api.message().as_deref(), Some("Invalid API key"));
    assert_eq!(
        api.body(),
        &fixture::ErrorBody::Json(serde_json::json!({
            "message": "Invalid API key", "error": "Unauthorized", "statusCode": 401
        }))
    );
    assert_eq!(api.attempts(), 1);
    assert!(!err.is_transient());
    let shown = err.to_string();
    for part in ["401", "Invalid API key", "COZMOX_API_KEY", "req-401"] {
        assert!(shown.contains(part), "{part} missing from: {shown}");
    }

    // A text body is kept as text.
    let server = serve(vec![Reply::Http(502, vec![], "<html>bad gateway</html>")]).await;
    let err = client(&server)
        .with_retry_policy(fixture::RetryPolicy::none())
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("502");
    let fixture::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(
        api.body(),
        &fixture::ErrorBody::Text("<html>bad gateway</html>".into())
    );
}

#[tokio::test]
async fn a_body_whose_required_field_does_not_match_fails_with_its_json_path() {
    let body = r#"{"id":"s1","orgId":"o1","createdAt":{"when":"soon"},"updatedAt":"2023-11-07T05:31:56Z"}"#;
    let server = serve(vec![Reply::Http(
        200,
        vec![
            ("content-type", "application/json"),
            ("x-request-id", "req-200"),
        ],
        body,
    )])
    .await;
    let err = client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("an object where a date belongs");
    let fixture::Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.path(), "createdAt");
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.request_id(), Some("req-200"));
    assert_eq!(decode.body().as_ref(), body.as_bytes());
    let shown = err.to_string();
    assert!(
        shown.contains("createdAt") && shown.contains("req-200"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_body_whose_optional_field_does_not_match_decodes_and_reports_it() {
    let body = r#"{"id":"s1","orgId":"o1","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z","messages":[{"role":"user","message":"hi","time":1,"secondsFromStart":"soon"}]}"#;
    let server = serve(vec![Reply::Http(
        200,
        vec![("content-type", "application/json")],
        body,
    )])
    .await;
    let session = client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("the session, without what does not fit")
        .into_inner();
    assert_eq!(session.id, "s1");
    let found: Vec<String> = fixture::models::Drift::unknown_data(&session)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("messages[0].secondsFromStart: does not decode, kept as sent"),
        "{found:?}"
    );
    let back = serde_json::to_value(&session).expect("encode");
    let sent: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert!(
        crate::common::json_eq(&back, &sent),
        "re-encodes as sent: {back}"
    );
}

#[tokio::test]
async fn a_success_status_the_spec_does_not_list_still_decodes() {
    // `POST /session` documents 201; a 200 with a session is taken.
    let server = serve(vec![ok()]).await;
    let created = client(&server)
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect("a 200 with a session body decodes");
    assert_eq!(created.status().as_u16(), 200);
    assert_eq!(created.id, "s1");
}

#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    let client = fixture::Client::builder()
        .base_url("http://127.0.0.1:1")
        .retry_policy(fixture::RetryPolicy::none())
        .build()
        .expect("builds");
    let err = client
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("nothing listens on port 1");
    assert!(matches!(err, fixture::Error::Connection(_)), "{err:?}");
    assert!(err.is_transient());
    let shown = err.to_string();
    assert!(shown.contains("COZMOX_BASE_URL"), "{shown}");
    assert!(shown.contains("127.0.0.1:1"), "{shown}");
}

#[tokio::test]
async fn a_connection_reset_is_retried() {
    let server = serve(vec![Reply::Reset, ok()]).await;
    client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("succeeds after the reset");
    assert_eq!(server.attempts(), 2);
    assert!(within(server.gaps()[0], 375, 500), "{:?}", server.gaps());
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_fails_as_a_timeout() {
    let server = serve(vec![Reply::After(Duration::from_secs(2), Box::new(ok()))]).await;
    let client = fixture::Client::builder()
        .base_url(&server.base)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("builds");
    let start = Instant::now();
    let err = client
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("times out");
    assert!(matches!(&err, fixture::Error::Timeout(_)), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn post_is_not_retried_on_500_but_get_is() {
    let server = serve(vec![status(500), ok()]).await;
    let err = client(&server)
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect_err("POST on 500 fails at once");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");
    assert_eq!(server.attempts(), 1);

    let server = serve(vec![status(500), ok()]).await;
    client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("GET on 500 is retried");
    assert_eq!(server.attempts(), 2);
}

#[tokio::test]
async fn the_retry_policy_is_set_per_call() {
    let server = serve(vec![status(503), ok()]).await;
    let err = client(&server)
        .with_retry_policy(fixture::RetryPolicy::none())
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("no retries for this call");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.attempts(), 1);
}

/// The key shows nowhere: not in the client, its builder, or any error.
#[tokio::test]
async fn no_error_or_debug_output_shows_the_key() {
    const KEY: &str = "sk-never-print-me";
    let mut shown = Vec::new();
    let builder = fixture::Client::builder().api_key(KEY);
    shown.push(format!("{builder:?}"));
    let server = serve(vec![
        Reply::Http(401, vec![], r#"{"message":"Unauthorized"}"#),
        status(404),
        Reply::Http(200, vec![], "{not json"),
        Reply::After(Duration::from_secs(2), Box::new(ok())),
    ])
    .await;
    let client = fixture::Client::builder()
        .api_key(KEY)
        .base_url(&server.base)
        .timeout(Duration::from_millis(300))
        .retry_policy(fixture::RetryPolicy::none())
        .build()
        .expect("builds");
    shown.push(format!("{client:?}"));
    for i in 0..4 {
        let err = client
            .sessions()
            .get("s1")
            .send()
            .await
            .expect_err("every scripted reply is an error");
        if i == 3 {
            assert!(matches!(&err, fixture::Error::Timeout(_)), "{err:?}");
        }
        shown.push(format!("{err:?} / {err}"));
    }
    // Connection refused, and a body the client refuses before sending.
    let closed = fixture::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1")
        .retry_policy(fixture::RetryPolicy::none())
        .build()
        .expect("builds");
    let err = closed.sessions().get("s1").send().await;
    shown.push(format!("{:?}", err.err()));
    let invalid = CreateSessionDto::new().expiration_seconds(1.0);
    let err = closed.sessions().create(invalid).send().await;
    shown.push(format!("{:?}", err.err()));
    shown.push(fixture::ConfigError::MissingApiKey.to_string());
    assert_eq!(shown.len(), 9);
    for text in &shown {
        assert!(!text.contains(KEY), "the key shows in: {text}");
    }
    // The errors are the kinds they should be (so each was really made).
    assert!(
        shown[2].contains("401") && shown[2].contains("COZMOX_API_KEY"),
        "{}",
        shown[2]
    );
    assert!(shown[3].contains("404"), "{}", shown[3]);
    assert!(
        shown[4].contains("does not match the SDK's models"),
        "{}",
        shown[4]
    );
    assert!(shown[5].contains("Timeout"), "{}", shown[5]);
    assert!(shown[6].contains("Connection"), "{}", shown[6]);
    assert!(shown[7].contains("Validation"), "{}", shown[7]);
}

/// The spans (name, fields as text) recorded on this thread while a
/// recording is on.
type Recorded = Vec<(String, Vec<(String, String)>)>;

thread_local! {
    static RECORDING: std::cell::RefCell<Option<Recorded>> = const { std::cell::RefCell::new(None) };
}

/// A global subscriber that records spans on threads where a recording is
/// on, and ignores the rest. Global, and always interested: a scoped
/// subscriber races with tests on other threads that hit the same callsites
/// first and cache "no subscriber is interested".
struct Recorder;

static NEXT_SPAN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl tracing::Subscriber for Recorder {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = NEXT_SPAN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        RECORDING.with(|r| {
            if let Some(spans) = r.borrow_mut().as_mut() {
                let mut fields = vec![("#id".to_owned(), id.to_string())];
                span.record(&mut Fields(&mut fields));
                spans.push((span.metadata().name().to_owned(), fields));
            }
        });
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let id = span.into_u64().to_string();
        RECORDING.with(|r| {
            if let Some(spans) = r.borrow_mut().as_mut()
                && let Some((_, fields)) = spans
                    .iter_mut()
                    .find(|(_, f)| f.first().is_some_and(|(k, v)| k == "#id" && *v == id))
            {
                values.record(&mut Fields(fields));
            }
        });
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Record the spans `f` makes on this thread.
async fn recording_spans<F: std::future::Future>(f: F) -> (F::Output, Recorded) {
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let installed =
        *INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Recorder).is_ok());
    assert!(installed, "another global tracing subscriber is set");
    RECORDING.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = f.await;
    let spans = RECORDING
        .with(|r| r.borrow_mut().take())
        .unwrap_or_default();
    (out, spans)
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_has_a_span_with_the_path_template_and_no_secrets() {
    let server = serve(vec![status(503), ok()]).await;
    let (result, recorded) =
        recording_spans(client(&server).sessions().get("s-private-id").send()).await;
    result.expect("succeeds on the second attempt");
    let requests: Vec<&Vec<(String, String)>> = recorded
        .iter()
        .filter(|(name, _)| name == "cozmox.request")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(requests.len(), 2, "{recorded:?}");
    for (attempt, (fields, status)) in requests.iter().zip(["503", "200"]).enumerate() {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("operation"), Some("session_controller_find_one"));
        assert_eq!(get("method"), Some("GET"));
        assert_eq!(get("path"), Some("/session/{id}"));
        assert_eq!(get("attempt"), Some((attempt + 1).to_string().as_str()));
        assert_eq!(get("status"), Some(status));
        assert!(get("latency_ms").is_some(), "{fields:?}");
    }
    let all = format!("{recorded:?}");
    assert!(!all.contains("s-private-id"), "{all}");
    assert!(!all.contains("sk-fault-test"), "{all}");
}

/// Issue 27, item 6: an operation that documents a redirect (the vendor's
/// recording downloads answer `302` to a presigned URL) answers it as
/// `Ok(Download::Redirect)`; fetching it sends none of the client's headers
/// (the API key stays with the API), and `Debug` hides the URL's query (its
/// signature).
#[tokio::test]
async fn a_documented_redirect_is_a_download_fetched_without_the_api_key() {
    use fixture::error::{Download, Error, download};
    use fixture::http::{HeaderMap, HeaderValue, StatusCode};

    let target = serve(vec![
        Reply::Http(200, vec![], "recording bytes"),
        Reply::Http(200, vec![], "recording bytes"),
        Reply::Http(404, vec![], r#"{"message":"expired"}"#),
    ])
    .await;
    let url = format!("{}/rec.wav?X-Amz-Signature=secret", target.base);
    #[allow(clippy::result_large_err)] // the SDK's `Error`, as calls return it
    let redirect = |location: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(
            "location",
            HeaderValue::from_str(location).expect("a header value"),
        );
        Err(Error::Api(fixture::ApiError::new(
            StatusCode::FOUND,
            headers,
            "",
        )))
    };
    let response = download(redirect(&url)).expect("a documented redirect is a success");
    assert_eq!(response.status(), StatusCode::FOUND);
    let shown = format!("{response:?}");
    assert!(!shown.contains("secret"), "{shown}");
    let Download::Redirect(to) = response.into_inner() else {
        panic!("a redirect")
    };
    assert_eq!(to.url().as_str(), url);
    let shown = format!("{to:?}");
    assert!(
        !shown.contains("secret") && shown.contains("/rec.wav"),
        "{shown}"
    );

    let stream = to.fetch().await.expect("the target answers");
    assert_eq!(stream.status(), StatusCode::OK);
    let body = stream.collect_up_to(1024).await.expect("the bytes");
    assert_eq!(&body[..], b"recording bytes");
    // A body over the caller's limit is an error, not a larger buffer.
    let stream = to.fetch().await.expect("the target answers again");
    let err = stream.collect_up_to(4).await.expect_err("15 bytes > 4");
    let Error::TooLarge(too_large) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(too_large.limit(), 4);
    // The target declared its 15 bytes: refused before reading them.
    assert_eq!(too_large.declared_length(), Some(15));
    assert!(too_large.is_caller_limit());
    assert!(err.to_string().contains("the 4 bytes asked for"), "{err}");
    let head = &target.heads()[0];
    assert!(
        head.starts_with("get /rec.wav?x-amz-signature=secret"),
        "{head}"
    );
    assert!(!head.contains("authorization"), "{head}");
    assert!(!head.contains("cozmox"), "{head}");

    // The target's own error is the call's error.
    let Err(err) = to.fetch().await else {
        panic!("expired")
    };
    assert!(err.is_not_found(), "{err:?}");

    // A `Location` that is not an absolute http(s) URL stays the error it was.
    for location in ["/relative/path", "ftp://host/file"] {
        let err = download(redirect(location)).expect_err("not followable");
        assert_eq!(err.status(), Some(StatusCode::FOUND));
    }
}

/// Issue 27, item 6, through the generated builders (the fixture spec has
/// an upload and a download shaped like the vendor's): a multipart upload
/// takes a typed file and `.await`s to the decoded answer; a download
/// answers its bytes, or its documented redirect as `Ok`.
#[tokio::test]
async fn uploads_and_downloads_await_like_every_call() {
    use fixture::{Download, FilePart};

    let server = serve(vec![
        Reply::Http(
            201,
            vec![("content-type", "application/json")],
            r#"{"id":"f1","name":"notes"}"#,
        ),
        Reply::Http(
            302,
            vec![("location", "https://files.example/rec.wav?sig=s3cr3t")],
            "",
        ),
        Reply::Http(
            200,
            vec![("content-type", "application/octet-stream")],
            "RIFF",
        ),
    ])
    .await;
    let client = client(&server);
    let file = client
        .files()
        .create(
            FilePart::new(b"hello upload".to_vec())
                .file_name("notes.txt")
                .content_type("text/plain"),
        )
        .name("notes")
        .await
        .expect("uploaded");
    assert_eq!(file.id, "f1");
    let head = &server.heads()[0];
    assert!(head.starts_with("post /file "), "{head}");
    assert!(
        head.contains("content-type: multipart/form-data; boundary="),
        "{head}"
    );
    assert!(
        head.contains("authorization: bearer sk-fault-test"),
        "{head}"
    );
    let body = String::from_utf8_lossy(&server.bodies()[0]).into_owned();
    assert!(
        body.contains("name=\"file\"; filename=\"notes.txt\""),
        "{body}"
    );
    assert!(
        body.contains("content-type: text/plain") || body.contains("Content-Type: text/plain"),
        "{body}"
    );
    assert!(
        body.contains("hello upload") && body.contains("name=\"name\""),
        "{body}"
    );

    let redirect = client
        .sessions()
        .recording("s1")
        .await
        .expect("a redirect is a success");
    let Download::Redirect(to) = redirect else {
        panic!("a redirect")
    };
    assert_eq!(
        to.url().as_str(),
        "https://files.example/rec.wav?sig=s3cr3t"
    );
    assert!(!format!("{to:?}").contains("s3cr3t"));

    let response = client
        .sessions()
        .recording("s1")
        .send()
        .await
        .expect("the bytes");
    assert_eq!(response.status(), 200);
    let Download::Body(mut stream) = response.into_inner() else {
        panic!("the body")
    };
    assert_eq!(
        stream
            .headers()
            .get("content-type")
            .map(fixture::http::HeaderValue::as_bytes),
        Some(&b"application/octet-stream"[..])
    );
    let chunk = stream.next_chunk().await.expect("a chunk").expect("read");
    assert_eq!(&chunk[..], b"RIFF");
    assert!(stream.next_chunk().await.is_none(), "the end of the body");
}
