//! Safe transport on a hostile network: the client against small loopback
//! servers that lose answers, redirect elsewhere, send endless bodies, ask
//! for long waits, or paginate forever. Every server loop here is bounded
//! in count and time.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fixture::models::CreateSessionDto;
use fixture::{Error, RetryPolicy};
use fixture_mock::MockServer;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::{Reply, client, ok, serve, status, within};

/// One HTTP/1.1 message read whole: its head and a `content-length` body.
async fn read_message(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:")?.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
    }
}

/// A loopback server running `handle` on each connection (at most
/// `max_connections`), counting connections and the bytes `handle` reports
/// written.
struct Raw {
    base: String,
    connections: Arc<AtomicUsize>,
    written: Arc<AtomicU64>,
}

async fn raw<F, Fut>(max_connections: usize, handle: F) -> Raw
where
    F: Fn(TcpStream, Arc<AtomicU64>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let (count, bytes) = (connections.clone(), written.clone());
    tokio::spawn(async move {
        for _ in 0..max_connections {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream, bytes.clone()));
        }
    });
    Raw {
        base,
        connections,
        written,
    }
}

/// Close with a TCP reset (linger 0).
fn reset(stream: TcpStream) {
    #[allow(deprecated)]
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// A proxy in front of `upstream` that forwards each request, waits for
/// the whole answer (so the server has processed it), then resets the
/// client's connection instead of answering: a crashing gateway.
async fn losing_proxy(upstream: &str) -> Raw {
    let upstream = upstream.trim_start_matches("http://").to_owned();
    raw(16, move |mut client, _| {
        let upstream = upstream.clone();
        async move {
            let Some(request) = read_message(&mut client).await else {
                return;
            };
            if let Ok(mut server) = TcpStream::connect(&upstream).await {
                let _ = server.write_all(&request).await;
                let _ = read_message(&mut server).await;
            }
            reset(client);
        }
    })
    .await
}

fn mock_client(base: &str) -> fixture::Client {
    fixture::Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(base)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(20)))
        .build()
        .expect("builds")
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_sent_once() {
    let mock = MockServer::start().await.expect("mock starts");
    let proxy = losing_proxy(mock.url()).await;
    let client = mock_client(&proxy.base);

    let err = client
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect_err("the answer never arrives");
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert!(err.is_transient());
    let shown = err.to_string();
    assert!(shown.contains("may have processed it"), "{shown}");
    assert_eq!(
        mock.count("sessions").expect("a resource"),
        1,
        "one create() made one session"
    );
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 1);

    // Opting in (say the body carries an idempotency key of the caller's)
    // retries it: two retries, two more sessions in this mock.
    let err = client
        .with_retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(20))
                .retry_non_idempotent(true),
        )
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect_err("still lost");
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(mock.count("sessions").expect("a resource"), 4);

    // A GET is safe to repeat: retried twice.
    let before = proxy.connections.load(Ordering::SeqCst);
    let err = client.sessions().list().send().await.expect_err("lost");
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(proxy.connections.load(Ordering::SeqCst) - before, 3);
}

#[tokio::test]
async fn post_is_retried_only_when_it_did_not_reach_the_api() {
    let create = |server: &crate::faults::Server| {
        let client = client(server)
            .with_retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(20)));
        async move {
            client
                .sessions()
                .create(CreateSessionDto::default())
                .send()
                .await
        }
    };
    for code in [408, 500, 502, 503, 504] {
        let server = serve(vec![status(code), ok()]).await;
        let err = create(&server).await.expect_err("not retried");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(code));
        assert_eq!(server.attempts(), 1, "{code}");
    }
    let server = serve(vec![status(429), ok()]).await;
    create(&server).await.expect("429 is retried");
    assert_eq!(server.attempts(), 2);

    // Refused: nothing reached anything, so a POST is retried (2 backoffs of
    // at least 150 and 300 ms).
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let refused = |policy: RetryPolicy| {
        let client = fixture::Client::builder()
            .base_url(&base)
            .retry_policy(policy)
            .build()
            .expect("builds");
        async move {
            let start = Instant::now();
            let err = client
                .sessions()
                .create(CreateSessionDto::default())
                .send()
                .await
                .expect_err("refused");
            assert!(matches!(err, Error::Connection(_)), "{err:?}");
            start.elapsed()
        }
    };
    let retried = refused(RetryPolicy::default().initial_backoff(Duration::from_millis(200))).await;
    assert!(retried >= Duration::from_millis(440), "{retried:?}");
    let once = refused(RetryPolicy::none()).await;
    assert!(once < Duration::from_millis(440), "{once:?}");
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let elsewhere = raw(8, |mut stream, _| async move {
        let _ = read_message(&mut stream).await;
        let body = crate::faults::SESSION;
        let _ = stream
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await;
    })
    .await;
    let location: &'static str = Box::leak(format!("{}/session", elsewhere.base).into_boxed_str());
    for code in [301, 302, 303, 307, 308] {
        let server = serve(vec![Reply::Http(code, vec![("location", location)], "")]).await;
        let client = fixture::Client::builder()
            .api_key("sk-redirect")
            .header("x-custom", "forwarded?")
            .base_url(&server.base)
            .build()
            .expect("builds");
        let err = client
            .sessions()
            .create(CreateSessionDto::default())
            .send()
            .await
            .expect_err("a redirect is an error");
        let Error::Api(api) = &err else {
            panic!("expected an API error, got {err:?}");
        };
        assert_eq!(api.status().as_u16(), code);
        assert_eq!(api.location(), Some(location));
        assert!(!err.is_transient());
        let shown = err.to_string();
        assert!(
            shown.contains("not followed") && shown.contains(location),
            "{shown}"
        );
        assert_eq!(server.attempts(), 1);
    }
    assert_eq!(elsewhere.connections.load(Ordering::SeqCst), 0);
}

/// A server answering 200 with a chunked body that never ends (bounded at
/// 512 MiB), counting what it manages to write.
async fn endless_body() -> Raw {
    raw(4, |mut stream, written| async move {
        let _ = read_message(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let mut chunk = b"10000\r\n".to_vec();
        chunk.extend(std::iter::repeat_n(b' ', 0x10000));
        chunk.extend_from_slice(b"\r\n");
        for _ in 0..8192 {
            if stream.write_all(&chunk).await.is_err() {
                return;
            }
            written.fetch_add(0x10000, Ordering::SeqCst);
        }
    })
    .await
}

#[tokio::test]
async fn responses_are_bounded_whatever_the_server_sends() {
    const LIMIT: u64 = 1 << 20;
    let server = endless_body().await;
    let client = fixture::Client::builder()
        .base_url(&server.base)
        .max_response_bytes(LIMIT)
        .build()
        .expect("builds");
    let err = client
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("too large");
    let Error::TooLarge(large) = &err else {
        panic!("expected TooLarge, got {err:?}");
    };
    assert_eq!(large.limit(), LIMIT);
    assert_eq!(large.declared_length(), None);
    assert!(!large.is_caller_limit());
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
    // The server stops once the client has gone: what it wrote is the limit
    // plus the sockets' buffers, not the 512 MiB it would send.
    let start = Instant::now();
    let mut last = u64::MAX;
    while start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = server.written.load(Ordering::SeqCst);
        if now == last {
            break;
        }
        last = now;
    }
    assert!(last < 48 << 20, "the server wrote {last} bytes");

    // A declared length over the limit fails before reading anything.
    let declared = raw(2, |mut stream, written| async move {
        let _ = read_message(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let block = vec![b' '; 0x10000];
        for _ in 0..16 {
            if stream.write_all(&block).await.is_err() {
                return;
            }
            written.fetch_add(0x10000, Ordering::SeqCst);
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let client = fixture::Client::builder()
        .base_url(&declared.base)
        .build()
        .expect("builds");
    let start = Instant::now();
    let err = client
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("too large");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let Error::TooLarge(large) = &err else {
        panic!("expected TooLarge, got {err:?}");
    };
    assert_eq!(large.declared_length(), Some(10 << 30));
    assert_eq!(large.limit(), fixture::runtime::DEFAULT_MAX_RESPONSE_BYTES);

    // An error body is kept up to 64 KiB, and says it was cut.
    let big_error = raw(1, |mut stream, _| async move {
        let _ = read_message(&mut stream).await;
        let body = "x".repeat(1 << 20);
        let _ = stream
            .write_all(
                format!(
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await;
    })
    .await;
    let err = fixture::Client::builder()
        .base_url(&big_error.base)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds")
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("503");
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert!(api.is_body_truncated());
    assert_eq!(
        api.body(),
        &fixture::ErrorBody::Text("x".repeat(fixture::runtime::MAX_ERROR_BODY_BYTES))
    );
    let shown = err.to_string();
    assert!(shown.contains("body cut at 65536 bytes"), "{shown}");
    assert!(shown.len() < 1000, "{} characters", shown.len());
    assert!(format!("{err:?}").len() < 1000);
}

#[test]
fn base_urls_must_be_https_unless_loopback() {
    let build = |url: &str| {
        fixture::Client::builder()
            .api_key("k")
            .base_url(url)
            .build()
    };
    for bad in ["http://api.cozmox.ai", "api.cozmox.ai", "", "ftp://x"] {
        let err = build(bad).expect_err(bad);
        assert!(
            matches!(err, fixture::ConfigError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
    }
    assert!(
        build("http://api.cozmox.ai")
            .expect_err("cleartext")
            .to_string()
            .contains("allow_insecure_http")
    );
    for good in [
        "https://api.cozmox.ai",
        "http://127.0.0.1:4010",
        "http://localhost:4010",
    ] {
        build(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    fixture::Client::builder()
        .base_url("http://api.internal")
        .allow_insecure_http(true)
        .build()
        .expect("allowed on request");
}

#[tokio::test]
async fn server_waits_beyond_the_cap_are_not_waited_for() {
    let server = serve(vec![
        Reply::Http(
            429,
            vec![("retry-after", "5")],
            r#"{"message":"slow down"}"#,
        ),
        ok(),
    ])
    .await;
    let start = Instant::now();
    let err = client(&server)
        .with_retry_policy(RetryPolicy::default().max_server_wait(Duration::from_secs(1)))
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("not waited for");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.attempts(), 1);
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(
        api.gave_up(),
        Some(fixture::runtime::GaveUp::ServerWait(Duration::from_secs(5)))
    );
    assert!(err.to_string().contains("asked to wait 5.0 s"), "{err}");
}

#[tokio::test]
async fn the_wait_is_the_longer_of_backoff_and_hint_and_bad_hints_are_ignored() {
    // A hint shorter than the backoff: the backoff (400 ms less a quarter).
    let server = serve(vec![Reply::Http(503, vec![("retry-after", "0")], ""), ok()]).await;
    client(&server)
        .with_retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(400)))
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("retried");
    let gap = server.gaps()[0];
    assert!(within(gap, 300, 400), "{gap:?}");

    // `retry-after-ms: -1` is ignored; `Retry-After: 1` still counts.
    let server = serve(vec![
        Reply::Http(
            503,
            vec![("retry-after-ms", "-1"), ("retry-after", "1")],
            "",
        ),
        ok(),
    ])
    .await;
    client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("retried");
    let gap = server.gaps()[0];
    assert!(within(gap, 1000, 1000), "{gap:?}");
}

#[tokio::test]
async fn a_deadline_bounds_the_whole_call() {
    // The next wait would pass the deadline: not started.
    let server = serve(vec![Reply::Http(503, vec![("retry-after", "2")], ""), ok()]).await;
    let start = Instant::now();
    let err = client(&server)
        .with_deadline(Duration::from_secs(1))
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("no time for a retry");
    assert!(
        start.elapsed() < Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.attempts(), 1);
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(
        api.gave_up(),
        Some(fixture::runtime::GaveUp::Deadline(Duration::from_secs(1)))
    );

    // An attempt still running at the deadline is cut there, although the
    // per-attempt timeout (60 s) is far.
    let server = serve(vec![Reply::After(Duration::from_secs(3), Box::new(ok()))]).await;
    let client = fixture::Client::builder()
        .base_url(&server.base)
        .deadline(Duration::from_millis(500))
        .build()
        .expect("builds");
    let start = Instant::now();
    let err = client
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("deadline");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(1500),
        "{took:?}"
    );
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_sending() {
    let server = serve(vec![status(404), status(404)]).await;
    let client = client(&server);
    for id in ["", ".", ".."] {
        let results = [
            client.sessions().get(id).send().await.err(),
            client.sessions().delete(id).send().await.err(),
            client
                .sessions()
                .update(id, fixture::models::UpdateSessionDto::default())
                .send()
                .await
                .err(),
        ];
        for err in results {
            let err = err.expect("refused");
            assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
            assert!(err.to_string().contains("path parameter `id`"), "{err}");
        }
    }
    assert_eq!(server.attempts(), 0, "nothing was sent");
    // Percent signs are encoded, so `%2e%2e` is an ordinary id.
    let err = client
        .sessions()
        .get("%2e%2e")
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(
        server.heads()[0].starts_with("get /session/%252e%252e "),
        "{}",
        server.heads()[0]
    );
}

#[tokio::test]
async fn debug_output_redacts_credentials_and_long_bodies() {
    let builder = fixture::Client::builder()
        .api_key("sk-key-secret")
        .header("x-api-key", "hdr-secret")
        .header("Cookie", "cookie-secret")
        .header("x-auth-token", "token-secret")
        .header("x-trace", "visible-value")
        .base_url("http://127.0.0.1:9");
    let client = builder.clone().build().expect("builds");
    for shown in [format!("{builder:?}"), format!("{client:?}")] {
        for secret in [
            "sk-key-secret",
            "hdr-secret",
            "cookie-secret",
            "token-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    assert!(format!("{builder:?}").contains("visible-value"));

    // A decode error keeps the whole body, but shows a prefix of it.
    // The value that does not decode is itself long, and serde quotes it.
    // (A string where the session belongs: an optional field that does not
    // fit would be kept, not fail.)
    let mut body = String::from("\"");
    body.push_str(&"p".repeat(200_000));
    body.push_str("END-OF-BODY\"");
    let body: &'static str = Box::leak(body.into_boxed_str());
    let server = serve(vec![Reply::Http(
        200,
        vec![
            ("content-type", "application/json"),
            ("set-cookie", "sid=server-secret"),
        ],
        body,
    )])
    .await;
    let err = crate::faults::client(&server)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("a string is not a session");
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.body().len(), body.len());
    for shown in [format!("{err:?}"), err.to_string()] {
        assert!(shown.len() < 2000, "{} characters", shown.len());
        assert!(!shown.contains("END-OF-BODY"));
        assert!(!shown.contains("server-secret"), "{shown}");
    }
}

#[tokio::test]
async fn a_server_that_never_stops_paginating_is_stopped() {
    // Every page: the same two sessions, and a total that never ends.
    let page = r#"{"results":[
        {"id":"a","orgId":"o","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z"},
        {"id":"b","orgId":"o","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z"}],
        "metadata":{"currentPage":1,"itemsPerPage":2,"totalItems":1000000000}}"#;
    let script = (0..50)
        .map(|_| Reply::Http(200, vec![("content-type", "application/json")], page))
        .collect();
    let server = serve(script).await;
    let client = client(&server);
    let mut pages = client.sessions().list().stream().limit(2);
    let mut ids = Vec::new();
    let mut failure = None;
    for _ in 0..100 {
        match pages.next().await {
            Some(Ok(session)) => ids.push(session.id),
            Some(Err(e)) => failure = Some(e),
            None => break,
        }
    }
    assert_eq!(ids, ["a", "b"], "repeated sessions are not yielded again");
    let err = failure.expect("the stream ends with an error");
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("not advancing"), "{err}");
    assert_eq!(
        server.attempts(),
        3,
        "page 1, then 2 pages without progress"
    );

    // Every page: one new session and the previous page's last one, with a
    // total of 10 in pages of 2. Page 6 is `10 / 2 + 1`: the last one taken.
    let pages: Vec<Reply> = (1..=50)
        .map(|n| {
            let session = |id: u32| {
                format!(
                    r#"{{"id":"s{id}","orgId":"o","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z"}}"#
                )
            };
            let body = format!(
                r#"{{"results":[{},{}],"metadata":{{"currentPage":{n},"itemsPerPage":2,"totalItems":10}}}}"#,
                session(n),
                session(n + 1)
            );
            let body: &'static str = Box::leak(body.into_boxed_str());
            Reply::Http(200, vec![("content-type", "application/json")], body)
        })
        .collect();
    let server = serve(pages).await;
    let client = crate::faults::client(&server);
    let mut pages = client.sessions().list().stream().limit(2);
    let (mut count, mut failure) = (0, None);
    for _ in 0..100 {
        match pages.next().await {
            Some(Ok(_)) => count += 1,
            Some(Err(e)) => failure = Some(e),
            None => break,
        }
    }
    assert_eq!(count, 7, "2 on page 1, then 1 new per page");
    let err = failure.expect("the stream ends with an error");
    assert!(err.to_string().contains("totalItems = 10"), "{err}");
    assert_eq!(server.attempts(), 6);
}

/// A page of `ids` sessions with the list's total, as the server sends it.
fn session_page(ids: std::ops::Range<u32>, total: u32) -> Reply {
    let sessions: Vec<String> = ids
        .map(|id| {
            format!(
                r#"{{"id":"s{id}","orgId":"o","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z"}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"results":[{}],"metadata":{{"currentPage":1,"itemsPerPage":1,"totalItems":{total}}}}}"#,
        sessions.join(",")
    );
    Reply::Http(
        200,
        vec![("content-type", "application/json")],
        Box::leak(body.into_boxed_str()),
    )
}

#[tokio::test]
async fn the_page_stream_starts_where_the_query_says_and_asks_for_its_page_size() {
    // 25 sessions in pages of 10: page 3 holds the last 5.
    let server = serve(vec![session_page(21..26, 25)]).await;
    let client = client(&server);
    let sessions = client
        .sessions()
        .list()
        .limit(10)
        .page(3_u64)
        .stream()
        .collect()
        .await
        .expect("page 3 is the last");
    let ids: Vec<String> = sessions.into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["s21", "s22", "s23", "s24", "s25"]);
    let heads = server.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let line = heads[0].lines().next().unwrap_or_default();
    assert!(
        line.contains("limit=10") && line.contains("page=3"),
        "{line}"
    );

    // Without them: page 1, 100 per request; the stream's own `.limit(n)`
    // still wins over the query's.
    let server = serve(vec![session_page(1..3, 2)]).await;
    let client = crate::faults::client(&server);
    let all = client.sessions().list().stream().collect().await;
    assert_eq!(all.expect("one page").len(), 2);
    let server2 = serve(vec![session_page(1..3, 2)]).await;
    let client2 = crate::faults::client(&server2);
    let _ = client2
        .sessions()
        .list()
        .limit(10)
        .stream()
        .limit(7)
        .collect()
        .await;
    for (server, page, limit) in [
        (&server, "page=1", "limit=100"),
        (&server2, "page=1", "limit=7"),
    ] {
        let line = server.heads()[0]
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(line.contains(page) && line.contains(limit), "{line}");
    }
}

#[tokio::test]
async fn a_short_page_while_the_total_says_more_is_an_error_naming_the_page() {
    // The server caps the page size at 50 although 100 were asked for.
    let server = serve(vec![session_page(0..50, 500)]).await;
    let client = client(&server);
    let mut pages = client.sessions().list().limit(100).stream();
    let (mut count, mut failure) = (0, None);
    while let Some(item) = pages.next().await {
        match item {
            Ok(_) => count += 1,
            Err(e) => failure = Some(e),
        }
    }
    assert_eq!(count, 50, "the page's items come first");
    let err = failure.expect("then the error");
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("page 1 has 50 item(s) of the 100"), "{text}");
    assert!(text.contains("totalItems = 500 says 450 more"), "{text}");
    assert_eq!(server.attempts(), 1);
}

/// A server of 250 calls, newest first, as the vendor's time-cursor lists
/// answer: `limit` items at or before `createdAtLe` (all without it). Calls
/// 97 to 101 share one `createdAt`, across the boundary of the first page of
/// 100. Returns its address and the request lines it saw.
async fn time_cursor_server() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("date")
        .to_utc();
    // Call i is i seconds older than the first, but for the tie.
    let time = move |i: i64| {
        base - chrono::Duration::seconds(if (97..=101).contains(&i) { 97 } else { i })
    };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let Some(head) = crate::faults::read_request(&mut stream).await else {
                continue;
            };
            let line = head.lines().next().unwrap_or_default().to_string();
            log.lock().expect("lock").push(line.clone());
            let query = line
                .split(['?', ' '])
                .nth(2)
                .unwrap_or_default()
                .to_string();
            let param = |name: &str| {
                query.split('&').find_map(|kv| {
                    let (k, v) = kv.split_once('=')?;
                    (k == name).then(|| v.replace("%3A", ":").replace("%2B", "+"))
                })
            };
            let limit: usize = param("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
            let bound = param("createdAtLe")
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.to_utc());
            let calls: Vec<String> = (0..250)
                .filter(|&i| bound.is_none_or(|b| time(i) <= b))
                .take(limit)
                .map(|i| {
                    format!(
                        r#"{{"id":"c{i}","createdAt":"{}"}}"#,
                        time(i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    )
                })
                .collect();
            let body = format!("[{}]", calls.join(","));
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (address, seen)
}

/// A client of [`time_cursor_server`], and the request lines it saw.
async fn time_cursor_client() -> (fixture::Client, Arc<std::sync::Mutex<Vec<String>>>) {
    let (address, seen) = time_cursor_server().await;
    let client = fixture::Client::builder()
        .api_key("sk-cursor-test")
        .base_url(&address)
        .build()
        .expect("builds");
    (client, seen)
}

#[tokio::test]
async fn a_time_cursor_list_is_walked_with_each_item_once_across_equal_times() {
    let (client, seen) = time_cursor_client().await;
    let calls = client
        .calls()
        .list()
        .limit(100)
        .stream()
        .collect()
        .await
        .expect("every page");
    let ids: Vec<String> = calls.into_iter().map(|c| c.id).collect();
    let expected: Vec<String> = (0..250).map(|i| format!("c{i}")).collect();
    assert_eq!(ids, expected, "each call once, newest first");
    let lines = seen.lock().expect("lock").clone();
    // Page 1; then from call 99's time (97..=101 come again, 97..=99 are
    // skipped); then from call 196's.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].contains("limit=100") && !lines[0].contains("createdAtLe"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("createdAtLe=2025-12-31T23%3A58%3A23Z"),
        "{lines:?}"
    );
}

/// A page's worth of items sharing one time cannot be walked past by time:
/// the stream says so at once, having yielded each item before it once.
#[tokio::test]
async fn a_page_of_equal_times_ends_a_time_cursor_walk_with_an_error() {
    let (client, seen) = time_cursor_client().await;
    // Pages of 4; calls 97..=101 (5) share one time.
    let mut calls = client.calls().list().limit(4).stream();
    let (mut ids, mut failure) = (Vec::new(), None);
    while let Some(call) = calls.next().await {
        match call {
            Ok(call) => ids.push(call.id),
            Err(e) => failure = Some(e),
        }
    }
    let expected: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    assert_eq!(ids, expected, "each call once, up to the tie's page");
    let err = failure.expect("the walk ends with an error");
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("share one creation time"), "{err}");
    let requests = seen.lock().expect("lock").len();
    // 4, then 3 new per page (the last call comes again), up to the page
    // that came back whole: no request after it.
    assert_eq!(requests, 35, "{requests} requests");
}

#[tokio::test]
async fn the_mock_refuses_what_the_real_server_would() {
    let mock = MockServer::start().await.expect("mock starts");
    let http = reqwest::Client::new();
    let post = |content_type: &'static str, body: String| {
        http.post(format!("{}/session", mock.url()))
            .bearer_auth(MockServer::API_KEY)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let small = "{}".to_owned();
    assert_eq!(
        post("application/json", small.clone())
            .await
            .expect("sent")
            .status(),
        201
    );
    assert_eq!(
        post("text/plain", small.clone())
            .await
            .expect("sent")
            .status(),
        415
    );
    assert_eq!(
        post("application/x-www-form-urlencoded", small)
            .await
            .expect("sent")
            .status(),
        415
    );
    let big = format!(
        r#"{{"name":"{}"}}"#,
        "x".repeat(fixture_mock::MAX_BODY_BYTES)
    );
    assert_eq!(
        post("application/json", big).await.expect("sent").status(),
        413
    );
    assert_eq!(mock.count("sessions").expect("a resource"), 1);

    // A request head that never ends: the connection is closed.
    let mut stream = TcpStream::connect(mock.url().trim_start_matches("http://"))
        .await
        .expect("connects");
    stream
        .write_all(b"GET /session HTTP/1.1\r\nhost: x\r\n")
        .await
        .expect("writes");
    let start = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        fixture_mock::HEADER_READ_TIMEOUT + Duration::from_secs(3),
        stream.read_to_end(&mut rest),
    )
    .await;
    assert!(closed.is_ok(), "still open after {:?}", start.elapsed());
    assert!(start.elapsed() >= fixture_mock::HEADER_READ_TIMEOUT - Duration::from_millis(500));
}

/// A download is handed over as it arrives, whatever its headers: one sent
/// chunked without a `Content-Type` (or with a JSON one), longer than
/// `max_response_bytes`, is not read ahead (as a JSON answer of a GET is, to
/// retry a body cut short), so it streams whole instead of arriving empty.
#[tokio::test]
async fn downloads_stream_whole_past_the_json_limit_whatever_their_headers() {
    use fixture::Download;
    const LIMIT: u64 = 1024;
    let server = raw(2, |mut stream, served| async move {
        let head = read_message(&mut stream).await.unwrap_or_default();
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        // The download asks for no JSON (else the answer is a 406 the client fails on).
        let (status, kind) = match served.fetch_add(1, Ordering::SeqCst) {
            _ if head.contains("accept: application/json") => ("406 Not Acceptable", ""),
            0 => ("200 OK", ""),
            _ => ("200 OK", "content-type: application/json\r\n"),
        };
        let mut text = format!("HTTP/1.1 {status}\r\n{kind}transfer-encoding: chunked\r\n\r\n");
        for _ in 0..8 {
            text.push_str(&format!("400\r\n{}\r\n", "a".repeat(0x400)));
        }
        text.push_str("0\r\n\r\n");
        let _ = stream.write_all(text.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let client = fixture::Client::builder()
        .base_url(&server.base)
        .max_response_bytes(LIMIT)
        .build()
        .expect("builds");
    for headers in ["no Content-Type", "a JSON Content-Type"] {
        let Download::Body(body) = client
            .sessions()
            .recording("s1")
            .await
            .unwrap_or_else(|e| panic!("the download ({headers}) answers: {e}"))
        else {
            panic!("the body, not a redirect")
        };
        let bytes = body.collect_up_to(1 << 20).await.expect("8 KiB");
        assert_eq!(bytes.len(), 8 * 0x400, "{headers}");
    }
}
