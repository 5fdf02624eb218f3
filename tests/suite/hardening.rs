//! Hardening, round two: path parameters that cannot leave their segment,
//! bodies cut mid-read retried for the calls that may be repeated, connect
//! timeouts retried as what they are (nothing was sent), configuration that
//! cannot panic, and URLs shown without their user information or query.
//! Every server here is a bounded loopback loop.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fixture::models::CreateSessionDto;
use fixture::{Error, RetryPolicy};
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::faults::{Reply, SESSION, client, ok, read_request, serve, status};

/// `%XX` decoded, bytes as they are otherwise.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[tokio::test]
async fn path_parameters_stay_in_their_segment_whatever_they_hold() {
    // Each would reach another path through progenitor's `encode_path` and
    // the URL parser (`\` read as `/`, dot segments resolved, tab and line
    // breaks dropped, spaces trimmed, `?`/`#` ending the path), or holds a
    // spelling the parser might normalize.
    let ids = [
        r"mine\..\victim",
        r"mine\victim",
        r"..\victim",
        r"mine\..",
        "mine/../victim",
        "%5c..%5cvictim",
        r"mine%5C..\victim",
        "a?b=c",
        "a#b",
        "a\tb",
        "a\nb\r",
        " a ",
        "\u{0}a",
        "\u{FF0E}\u{FF0E}",
        "\u{FF3C}..\u{FF3C}victim",
        "\u{2216}..",
        "é/../x",
    ];
    let server = serve(vec![status(404); ids.len()]).await;
    let client = client(&server);
    for id in ids {
        let err = client
            .sessions()
            .delete(id)
            .send()
            .await
            .expect_err("the server answers 404");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{id:?}: {err}");
    }
    let heads = server.heads();
    assert_eq!(heads.len(), ids.len(), "one request each");
    for (id, head) in ids.iter().zip(&heads) {
        let target = head.split(' ').nth(1).expect("a request line");
        let segment = target
            .strip_prefix("/session/")
            .unwrap_or_else(|| panic!("{id:?} left /session/: {head}"));
        assert!(
            !segment.contains(['/', '\\', '?', '#']),
            "{id:?} sent as {target}"
        );
        // `heads` lowercases the request line; the id arrives whole.
        assert_eq!(
            percent_decode(segment),
            id.to_ascii_lowercase().into_bytes(),
            "{id:?} sent as {target}"
        );
    }
}

/// A server whose first `cut` connections answer a head and half the body
/// of a session, then reset; later ones answer whole. Counts connections.
async fn cut_then_whole(cut: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        for _ in 0..8 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if read_request(&mut stream).await.is_none() {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    SESSION.len()
                );
                let body = if n < cut {
                    &SESSION[..SESSION.len() / 2]
                } else {
                    SESSION
                };
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
                let _ = stream.flush().await;
                if n < cut {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    #[allow(deprecated)]
                    let _ = stream.set_linger(Some(Duration::ZERO));
                }
                drop(stream);
            });
        }
    });
    (base, count)
}

fn quick(base: &str) -> fixture::Client {
    fixture::Client::builder()
        .api_key("sk-hardening")
        .base_url(base)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("builds")
}

#[tokio::test]
async fn a_get_cut_mid_body_is_retried_and_a_post_is_not() {
    let (base, connections) = cut_then_whole(1).await;
    let session = quick(&base)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("the retry reads the whole body");
    assert_eq!(session.into_inner().id, "s1");
    assert_eq!(connections.load(Ordering::SeqCst), 2);

    // A create may have been processed: its cut answer is not sent again.
    let (base, connections) = cut_then_whole(1).await;
    let err = quick(&base)
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect_err("cut");
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert!(err.to_string().contains("may have"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Cut every time: the retries run out, and the error says what happened.
    let (base, connections) = cut_then_whole(usize::MAX).await;
    let err = quick(&base)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect_err("cut");
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 3, "two retries");
}

/// A listener that never accepts, with its accept queue filled, so a new
/// connection's handshake is not answered and connecting times out.
async fn unanswered() -> (String, TcpListener, Vec<TcpStream>) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("address"))
        .expect("bind loopback");
    let listener = socket.listen(1).expect("listen");
    let address = listener.local_addr().expect("address");
    let mut held = Vec::new();
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address)).await {
            Ok(Ok(stream)) => held.push(stream),
            _ => break,
        }
    }
    (format!("http://{address}"), listener, held)
}

#[tokio::test]
async fn a_connect_timeout_is_retried_for_every_method_and_says_nothing_was_sent() {
    let (base, _listener, _held) = unanswered().await;
    let client = fixture::Client::builder()
        .api_key("sk-hardening")
        .base_url(&base)
        .connect_timeout(Duration::from_millis(150))
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .expect("builds");
    let start = Instant::now();
    let err = client
        .sessions()
        .create(CreateSessionDto::default())
        .send()
        .await
        .expect_err("cannot connect");
    let took = start.elapsed();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(!err.to_string().contains("may"), "{err}");
    // Two connect timeouts: the POST was tried again.
    assert!(took >= Duration::from_millis(300), "{took:?}");
}

#[tokio::test]
async fn no_duration_or_server_wait_makes_a_call_panic_or_sleep_for_years() {
    let server = serve(vec![ok(), ok(), ok()]).await;
    let unbounded = fixture::Client::builder()
        .api_key("sk-hardening")
        .base_url(&server.base)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .build()
        .expect("builds");
    unbounded
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("no deadline");
    client(&server)
        .with_deadline(Duration::MAX)
        .sessions()
        .get("s1")
        .send()
        .await
        .expect("no deadline");

    // A server asking to wait 1e300 s, with every limit raised as far as
    // it goes: the call fails at once, with or without a deadline.
    for deadline in [None, Some(Duration::from_secs(5))] {
        let forever = Reply::Http(503, vec![("retry-after", "1e300")], "");
        let server = serve(vec![forever, ok()]).await;
        let mut client = client(&server).with_retry_policy(
            RetryPolicy::default()
                .max_server_wait(Duration::MAX)
                .max_backoff(Duration::MAX),
        );
        if let Some(deadline) = deadline {
            client = client.with_deadline(deadline);
        }
        let start = Instant::now();
        let err = client
            .sessions()
            .get("s1")
            .send()
            .await
            .expect_err("not waited for");
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        let Error::Api(api) = &err else {
            panic!("expected the 503, got {err:?}");
        };
        assert!(api.gave_up().is_some(), "{err}");
        assert_eq!(server.attempts(), 1);
    }
}

#[test]
fn user_information_in_a_base_url_never_shows() {
    for url in [
        "https://sk_live_abc123@api.cozmox.ai",
        "https://sk_live_abc123:pw-secret@api.cozmox.ai",
        "http://sk_live_abc123@api.cozmox.ai",
        "sk_live_abc123@api.cozmox.ai",
    ] {
        let builder = fixture::Client::builder().base_url(url);
        let debug = format!("{builder:?}");
        let err = builder.build().expect_err("credentials in the URL");
        for shown in [debug, err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("sk_live_abc123"), "{url}: {shown}");
            assert!(!shown.contains("pw-secret"), "{url}: {shown}");
        }
    }
}

#[test]
fn base_urls_that_the_parser_would_rewrite_are_refused() {
    for (url, says) in [
        (r"https://api.cozmox.ai\v1", "`\\`"),
        (r"https://api.cozmox.ai/v1\..\admin", "`\\`"),
        ("https://api.cozmox.ai/v1/../admin", "`..`"),
        ("https://api.cozmox.ai/./v1", "`.`"),
        ("https://api.cozmox.ai/v1/%2e%2e", "`..`"),
        ("https://api.cozmox.ai//v1", "`//`"),
        ("https://api.cozmox.ai/a//b", "`//`"),
    ] {
        let err = fixture::Client::builder()
            .base_url(url)
            .build()
            .expect_err(url)
            .to_string();
        assert!(err.contains(says), "{url}: {err}");
    }
    for url in [
        "https://api.cozmox.ai",
        "https://api.cozmox.ai/",
        "https://api.cozmox.ai/v1/",
        "https://gw.example.com/api.v1/x..y",
    ] {
        fixture::Client::builder()
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[tokio::test]
async fn error_debug_shows_no_query_user_information_or_credential_headers() {
    // A timeout on a list whose query carries a search term.
    let server = serve(vec![Reply::After(Duration::from_secs(3), Box::new(ok()))]).await;
    let client = fixture::Client::builder()
        .api_key("sk-hardening")
        .base_url(&server.base)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let err = client
        .sessions()
        .list()
        .name("private-search-term")
        .send()
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    for shown in [format!("{err:?}"), err.to_string()] {
        assert!(!shown.contains("private-search-term"), "{shown}");
        assert!(
            shown.contains("/session"),
            "the URL is still there: {shown}"
        );
    }

    // A response too large, whose headers set a cookie.
    let large = Reply::Http(
        200,
        vec![
            ("content-type", "application/json"),
            ("set-cookie", "sid=cookie-secret"),
            ("x-credential", "credential-secret"),
        ],
        SESSION,
    );
    let server = serve(vec![large]).await;
    let client = fixture::Client::builder()
        .base_url(&server.base)
        .max_response_bytes(8)
        .build()
        .expect("builds");
    let err = client.sessions().get("s1").send().await.expect_err("large");
    assert!(matches!(err, Error::TooLarge(_)), "{err:?}");
    let shown = format!("{err:?}");
    assert!(!shown.contains("cookie-secret"), "{shown}");
    assert!(!shown.contains("credential-secret"), "{shown}");
}
