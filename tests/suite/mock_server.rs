//! The embedded mock server (cozmox-mock) and the client against each other:
//! the CRUD walk, 404s, 401s, 400s in the API's error shape, pagination over
//! 250 sessions, 50 concurrent creates.

use std::collections::HashSet;

use fixture::Client;
use fixture::models::{
    CreateSessionDto, Session, SessionPaginatedResponse, SessionStatus, UpdateSessionDto,
};
use fixture_mock::MockServer;
use serde_json::{Value, json};

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await.expect("the mock server starts");
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(server.url())
        .build()
        .expect("the client builds");
    (server, client)
}

fn named(name: &str) -> CreateSessionDto {
    CreateSessionDto::new().name(name)
}

async fn create(client: &Client, name: &str) -> Session {
    client
        .sessions()
        .create(named(name))
        .send()
        .await
        .expect("create succeeds")
        .into_inner()
}

fn status_of(result: Result<impl Sized, fixture::Error>) -> Option<u16> {
    match result {
        Ok(_) => Some(200),
        Err(e) => e.status().map(|s| s.as_u16()),
    }
}

/// A raw request (to send what the typed client refuses to), with the mock's key.
async fn raw(
    server: &MockServer,
    client: &Client,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let url = format!("{}{path}", server.url());
    let request = match method {
        "POST" => client.client().post(url),
        "PATCH" => client.client().patch(url),
        _ => client.client().get(url),
    };
    let response = request
        .header("authorization", format!("Bearer {}", MockServer::API_KEY))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).expect("a JSON body"))
}

#[tokio::test]
async fn crud_walk() {
    let (server, client) = server().await;

    let body = CreateSessionDto::new()
        .name("walk")
        .expiration_seconds(3600.0)
        .assistant_id("asst-1");
    let created = client
        .sessions()
        .create(body)
        .send()
        .await
        .expect("create")
        .into_inner();
    assert_eq!(created.name.as_deref().map(String::as_str), Some("walk"));
    assert_eq!(created.expiration_seconds, Some(3600.0));
    assert_eq!(created.assistant_id.as_deref(), Some("asst-1"));
    // What the body left out stays out; what the item requires is filled in.
    assert_eq!(created.status, None);
    assert!(!created.org_id.is_empty());
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(server.count("sessions").expect("a resource"), 1);

    let page = client
        .sessions()
        .list()
        .send()
        .await
        .expect("list")
        .into_inner();
    assert_eq!(page.results, std::slice::from_ref(&created));
    assert_eq!(page.metadata.total_items, 1);
    assert_eq!(page.metadata.current_page, 1);
    assert_eq!(
        u64::try_from(page.metadata.items_per_page),
        Ok(fixture_mock::DEFAULT_LIMIT)
    );

    let fetched = client
        .sessions()
        .get(created.id.clone())
        .send()
        .await
        .expect("get")
        .into_inner();
    assert_eq!(fetched, created);

    let patch = UpdateSessionDto::new()
        .name("walk, renamed")
        .status(fixture::models::UpdateSessionDtoStatus::Completed);
    let updated = client
        .sessions()
        .update(created.id.clone(), patch)
        .send()
        .await
        .expect("update")
        .into_inner();
    assert_eq!(
        updated.name.as_deref().map(String::as_str),
        Some("walk, renamed")
    );
    assert_eq!(updated.status, Some(SessionStatus::Completed));
    // What the patch did not send is kept.
    assert_eq!(updated.expiration_seconds, Some(3600.0));
    assert_eq!(updated.assistant_id.as_deref(), Some("asst-1"));
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    let fetched = client
        .sessions()
        .get(created.id.clone())
        .send()
        .await
        .expect("get after update")
        .into_inner();
    assert_eq!(fetched, updated);

    let deleted = client
        .sessions()
        .delete(created.id.clone())
        .send()
        .await
        .expect("delete")
        .into_inner();
    assert_eq!(deleted, updated);
    assert_eq!(server.count("sessions").expect("a resource"), 0);
    let gone = client.sessions().get(created.id.clone()).send().await;
    assert_eq!(status_of(gone), Some(404));
}

#[tokio::test]
async fn what_the_server_sends_is_exactly_the_spec() {
    let (server, client) = server().await;
    create(&client, "strict").await;
    for session in server.items("sessions").expect("a resource") {
        let bytes = serde_json::to_vec(&session).expect("encodes");
        fixture::models::decode_strict::<Session>(&bytes).expect("a Session, nothing unknown");
    }
    let (status, page) = raw(&server, &client, "GET", "/session?limit=5", "").await;
    assert_eq!(status, 200);
    let bytes = serde_json::to_vec(&page).expect("encodes");
    fixture::models::decode_strict::<SessionPaginatedResponse>(&bytes)
        .expect("a page, nothing unknown");
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let (server, client) = server().await;
    create(&client, "kept").await;
    let id = "00000000-0000-4000-8000-ffffffffffff";
    let get = client.sessions().get(id).send().await;
    // The client's error carries the mock's error body.
    match &get {
        Err(fixture::Error::Api(e)) => {
            assert_eq!(
                e.body_as::<Value>().map(|b| b["error"].clone()),
                Some(json!("Not Found"))
            );
            assert!(e.message().is_some_and(|m| m.contains(id)), "{e}");
        }
        other => panic!("expected a 404 API error, got {other:?}"),
    }
    assert_eq!(status_of(get), Some(404));
    let patch = client
        .sessions()
        .update(id, UpdateSessionDto::default())
        .send()
        .await;
    assert_eq!(status_of(patch), Some(404));
    let delete = client.sessions().delete(id).send().await;
    assert_eq!(status_of(delete), Some(404));
    let (status, body) = raw(&server, &client, "GET", &format!("/session/{id}"), "").await;
    assert_eq!(status, 404);
    assert_eq!(body["statusCode"], 404);
    assert_eq!(body["error"], "Not Found");
    assert_eq!(server.count("sessions").expect("a resource"), 1);
}

#[tokio::test]
async fn a_bearer_token_is_required() {
    let (server, _) = server().await;
    let anonymous = Client::builder()
        .base_url(server.url())
        .build()
        .expect("builds");
    let wrong = Client::builder()
        .api_key("not-the-key")
        .base_url(server.url())
        .build()
        .expect("builds");
    for client in [&anonymous, &wrong] {
        let list = client.sessions().list().send().await;
        assert_eq!(status_of(list), Some(401));
        let create = client.sessions().create(named("nope")).send().await;
        assert_eq!(status_of(create), Some(401));
    }
    assert_eq!(server.count("sessions").expect("a resource"), 0);
    let response = anonymous
        .client()
        .get(format!("{}/session", server.url()))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = serde_json::from_str(&response.text().await.expect("body")).expect("JSON");
    assert_eq!(body, json!({"message": "Unauthorized", "statusCode": 401}));
}

#[tokio::test]
async fn invalid_bodies_are_400_in_the_api_error_shape() {
    let (server, client) = server().await;
    let long = "x".repeat(41);
    let cases = [
        (format!(r#"{{"name": "{long}"}}"#), "name"),
        (
            r#"{"expirationSeconds": 30}"#.to_owned(),
            "expirationSeconds",
        ),
        (
            r#"{"expirationSeconds": "soon"}"#.to_owned(),
            "expirationSeconds",
        ),
        (r#"{"name": "ok", "colour": "red"}"#.to_owned(), "colour"),
        (r#"{"name": "#.to_owned(), "not valid JSON"),
        ("[]".to_owned(), "JSON object"),
        (String::new(), "not valid JSON"),
    ];
    for (body, mentions) in &cases {
        let (status, error) = raw(&server, &client, "POST", "/session", body).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["statusCode"], 400, "{error}");
        assert_eq!(error["error"], "Bad Request", "{error}");
        let messages = error["message"].as_array().expect("a list of messages");
        assert!(
            messages
                .iter()
                .any(|m| m.as_str().is_some_and(|m| m.contains(mentions))),
            "{body}: {error} should mention {mentions}"
        );
    }
    assert_eq!(server.count("sessions").expect("a resource"), 0);

    // An invalid patch leaves the session as it was.
    let session = create(&client, "before").await;
    let (status, _) = raw(
        &server,
        &client,
        "PATCH",
        &format!("/session/{}", session.id),
        r#"{"name": "after", "expirationSeconds": 59}"#,
    )
    .await;
    assert_eq!(status, 400);
    let (status, now) = raw(
        &server,
        &client,
        "GET",
        &format!("/session/{}", session.id),
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(now["name"], "before");

    // Query parameters outside the spec's bounds.
    for query in ["page=0", "limit=1001", "limit=-1", "page=x", "sortOrder=up"] {
        let (status, error) = raw(&server, &client, "GET", &format!("/session?{query}"), "").await;
        assert_eq!(status, 400, "{query}: {error}");
    }
}

#[tokio::test]
async fn pagination_over_250_sessions() {
    let (server, client) = server().await;
    let mut created = Vec::new();
    for i in 0..250 {
        created.push(create(&client, &format!("session {i}")).await.id);
    }
    assert_eq!(server.count("sessions").expect("a resource"), 250);

    let mut seen = Vec::new();
    let mut page_number = 1u32;
    loop {
        let page = client
            .sessions()
            .list()
            .page(u64::from(page_number))
            .limit(40)
            .send()
            .await
            .expect("a page")
            .into_inner();
        assert_eq!(page.metadata.total_items, 250);
        assert_eq!(page.metadata.current_page, i64::from(page_number));
        assert_eq!(page.metadata.items_per_page, 40);
        if page.results.is_empty() {
            break;
        }
        assert!(page.results.len() <= 40);
        seen.extend(page.results.into_iter().map(|s| s.id));
        page_number += 1;
    }
    // 6 full pages, one of 10, then the empty one.
    assert_eq!(page_number, 8);
    assert_eq!(seen, created, "every id once, in creation order");

    let newest = client
        .sessions()
        .list()
        .sort_order(fixture::models::SessionControllerFindAllPaginatedSortOrder::Desc)
        .limit(3)
        .send()
        .await
        .expect("newest first")
        .into_inner();
    let ids: Vec<_> = newest.results.iter().map(|s| s.id.clone()).collect();
    assert_eq!(
        ids,
        [
            created[249].clone(),
            created[248].clone(),
            created[247].clone()
        ]
    );

    let filtered = client
        .sessions()
        .list()
        .name("session 7")
        .send()
        .await
        .expect("by name")
        .into_inner();
    assert_eq!(filtered.metadata.total_items, 1);
    assert_eq!(filtered.results[0].id, created[7]);

    // The client's pagination stream: every session once, in order, whatever the page size
    // (250 = 5 × 50 exactly, 6 × 40 + 10, one page of 1000).
    for limit in [50, 40, 1000, 7] {
        let all = client
            .sessions()
            .list()
            .stream()
            .limit(limit)
            .collect()
            .await
            .expect("every page");
        let ids: Vec<_> = all.into_iter().map(|s| s.id).collect();
        assert_eq!(ids, created, "limit {limit}");
    }
    let mut newest_first = client
        .sessions()
        .list()
        .sort_order(fixture::models::SessionControllerFindAllPaginatedSortOrder::Desc)
        .stream();
    let mut count = 0;
    while let Some(session) = newest_first.next().await {
        let session = session.expect("a session");
        assert_eq!(session.id, created[249 - count]);
        count += 1;
    }
    assert_eq!(count, 250);
}

#[tokio::test]
async fn the_pagination_stream_ends_on_an_error() {
    let (server, client) = server().await;
    let none = client
        .sessions()
        .list()
        .stream()
        .limit(10)
        .collect()
        .await
        .expect("an empty list");
    assert!(none.is_empty());
    let anonymous = Client::builder()
        .base_url(server.url())
        .build()
        .expect("builds");
    let mut pages = anonymous.sessions().list().stream().limit(10);
    let first = pages.next().await.expect("an item");
    assert_eq!(status_of(first), Some(401));
    assert!(pages.next().await.is_none());
    assert!(
        anonymous
            .sessions()
            .list()
            .stream()
            .collect()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn fifty_concurrent_creates() {
    let (server, client) = server().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let client = client.clone();
        tasks.spawn(async move { create(&client, &format!("concurrent {i}")).await });
    }
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    while let Some(done) = tasks.join_next().await {
        let session = done.expect("the task finishes");
        assert!(
            ids.insert(session.id.clone()),
            "duplicate id {}",
            session.id
        );
        names.insert(session.name.as_deref().cloned().expect("named"));
    }
    assert_eq!(ids.len(), 50);
    assert_eq!(names.len(), 50);
    assert_eq!(server.count("sessions").expect("a resource"), 50);

    let page = client
        .sessions()
        .list()
        .limit(1000)
        .send()
        .await
        .expect("list")
        .into_inner();
    let listed: HashSet<_> = page.results.into_iter().map(|s| s.id).collect();
    assert_eq!(listed, ids, "no session lost or duplicated");
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let (server, client) = server().await;
    create(&client, "last").await;
    drop(server);
    tokio::task::yield_now().await;
    let after = client
        .with_retry_policy(fixture::RetryPolicy::none())
        .sessions()
        .list()
        .send()
        .await;
    assert!(after.is_err());
}

/// Issue 27: `.await` on a builder gives the body; `.send()` the body with
/// status, headers and request id; errors say what they are.
#[tokio::test]
async fn awaiting_a_builder_gives_the_body_and_errors_say_what_they_are() {
    let (_server, client) = server().await;
    let created: Session = client
        .sessions()
        .create(named("awaited"))
        .await
        .expect("create succeeds");
    let again: Session = client
        .sessions()
        .get(created.id.clone())
        .await
        .expect("get succeeds");
    assert_eq!(again, created);
    let page: SessionPaginatedResponse = client
        .sessions()
        .list()
        .limit(10)
        .await
        .expect("list succeeds");
    assert_eq!(page.results, std::slice::from_ref(&created));

    let response = client
        .sessions()
        .get(created.id.clone())
        .send()
        .await
        .expect("get succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(response.id, created.id, "the body through `Deref`");
    assert_eq!(response.into_inner(), created);

    let err = client
        .sessions()
        .get("no-such-id")
        .await
        .expect_err("no such session");
    assert!(err.is_not_found(), "{err:?}");
    assert!(!err.is_validation() && !err.is_unauthorized() && !err.is_transient());

    let invalid = UpdateSessionDto::new().expiration_seconds(1.0);
    let err = client
        .sessions()
        .update(created.id.clone(), invalid)
        .await
        .expect_err("below the minimum: refused before sending");
    assert!(err.is_validation(), "{err:?}");
    assert!(!err.is_not_found());

    let stranger = Client::builder()
        .api_key("sk-wrong")
        .base_url(client.baseurl())
        .build()
        .expect("the client builds");
    let err = stranger
        .sessions()
        .get(created.id.clone())
        .await
        .expect_err("wrong key");
    assert!(err.is_unauthorized(), "{err:?}");

    let deleted = client
        .sessions()
        .delete(created.id.clone())
        .await
        .expect("delete succeeds");
    assert_eq!(deleted.id, created.id);
    assert!(
        client
            .sessions()
            .get(created.id)
            .await
            .is_err_and(|e| e.is_not_found())
    );
}

/// Faults injected per operation drive the SDK's retries: a `429` with
/// `Retry-After` is retried (for a create too: the API refused it before
/// doing anything), a connection reset after the request was read is
/// retried for a `GET` and not for a `POST` (it may have been carried out),
/// and the request log shows each attempt.
#[tokio::test]
async fn injected_faults_drive_the_sdks_retries() {
    use fixture_mock::Fault;
    let (server, client) = server().await;
    server.inject(
        "SessionController_create",
        Fault::status(429).retry_after(0),
    );
    let created = create(&client, "after a 429").await;
    let creates: Vec<Option<u16>> = server
        .requests()
        .iter()
        .filter(|r| r.operation_id.as_deref() == Some("SessionController_create"))
        .map(|r| r.status)
        .collect();
    assert_eq!(creates, [Some(429), Some(201)]);

    server.inject("SessionController_findOne", Fault::reset_after_read());
    let found = client
        .sessions()
        .get(created.id.clone())
        .await
        .expect("a GET cut before its answer is sent again");
    assert_eq!(found.id, created.id);

    server.inject("SessionController_create", Fault::reset_after_read());
    let before = server.count("sessions").expect("a resource");
    let err = client
        .sessions()
        .create(named("maybe"))
        .await
        .expect_err("a POST cut before its answer is not sent again");
    assert!(err.status().is_none(), "{err:?}");
    assert_eq!(
        server.count("sessions").expect("a resource"),
        before,
        "the fault carried nothing out"
    );
    let last: Vec<(String, Option<u16>)> = server
        .requests()
        .iter()
        .rev()
        .take(3)
        .map(|r| (r.operation_id.clone().unwrap_or_default(), r.status))
        .collect();
    assert_eq!(
        last,
        [
            ("SessionController_create".to_string(), None),
            ("SessionController_findOne".to_string(), Some(200)),
            ("SessionController_findOne".to_string(), None),
        ]
    );

    // A client that gives up during a delay: the request is in the log,
    // unanswered.
    server.inject(
        "SessionController_findOne",
        Fault::delay(std::time::Duration::from_secs(3)),
    );
    let impatient = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(server.url())
        .timeout(std::time::Duration::from_millis(200))
        .retry_policy(fixture::RetryPolicy::none())
        .build()
        .expect("the client builds");
    assert!(impatient.sessions().get(created.id.clone()).await.is_err());
    let mut logged = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        logged = server.requests().last().is_some_and(|r| {
            r.operation_id.as_deref() == Some("SessionController_findOne") && r.status.is_none()
        });
        if logged {
            break;
        }
    }
    assert!(logged, "{:?}", server.requests().last());

    // A status with a body of its own, twice, then the operation again.
    server.inject(
        "SessionController_findAllPaginated",
        Fault::status(503)
            .body(json!({"message": "maintenance"}))
            .times(2),
    );
    let once = client.with_retry_policy(fixture::RetryPolicy::none());
    let err = once.sessions().list().await.expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let page = client
        .sessions()
        .list()
        .await
        .expect("retried past the second 503");
    assert!(!page.results.is_empty());
}

/// Seeded items are served as if they had been created, and refused when
/// they are not the resource's type.
#[tokio::test]
async fn seeded_items_are_served() {
    let (server, client) = server().await;
    let stored = server
        .seed(
            "sessions",
            [
                json!({"name": "seeded", "createdAt": "2026-01-01T00:00:00Z"}),
                json!({"id": "00000000-0000-4000-8000-0000000000aa", "name": "second"}),
            ],
        )
        .expect("sessions seed");
    assert_eq!(stored.len(), 2);
    let id = stored[1]["id"].as_str().expect("an id").to_string();
    let found = client.sessions().get(id.clone()).await.expect("served");
    assert_eq!(found.name.as_deref().map(String::as_str), Some("second"));
    assert_eq!(server.count("sessions").expect("a resource"), 2);
    assert!(
        server.seed("calls", [json!({})]).is_err(),
        "unknown resource"
    );
    assert!(
        server.seed("sessions", [json!({"notAField": 1})]).is_err(),
        "not a Session"
    );
    assert!(
        server.seed("sessions", [json!({"id": id})]).is_err(),
        "the id is taken"
    );
    assert_eq!(
        server.count("sessions").expect("a resource"),
        2,
        "nothing stored by a refused seed"
    );
    // Creates never take a seeded id (the seeded `…aa` is the 171st id the
    // server would make).
    let mut seen = HashSet::new();
    for i in 0..180 {
        assert!(seen.insert(create(&client, &format!("c{i}")).await.id));
    }
    assert!(!seen.contains(&id));
    let again = client
        .sessions()
        .get(id.clone())
        .await
        .expect("still served");
    assert_eq!(again.name.as_deref().map(String::as_str), Some("second"));
    assert_eq!(server.api_key(), MockServer::API_KEY);
}

/// A body that never arrives holds nothing but its own connection: it gets
/// `408` once the body timeout passes, and 200 idle connections (that never
/// send a request) do not keep the server from answering others at once.
/// (200: with the server in this process, each is two descriptors, and a
/// common soft limit is 1,024.)
#[tokio::test]
async fn slow_and_idle_connections_do_not_hold_the_server() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, client) = server().await;
    let addr = server.url().trim_start_matches("http://").to_string();
    // A head that promises a body, and no body.
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connects");
    slow.write_all(
        format!(
            "POST /session HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
             content-type: application/json\r\ncontent-length: 100\r\n\r\n{{",
            MockServer::API_KEY
        )
        .as_bytes(),
    )
    .await
    .expect("writes");
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(
            tokio::net::TcpStream::connect(&addr)
                .await
                .expect("connects"),
        );
    }
    let mut times = Vec::new();
    for i in 0..50 {
        let start = Instant::now();
        create(&client, &format!("while others wait {i}")).await;
        times.push(start.elapsed());
    }
    times.sort();
    let p99 = times[times.len() * 99 / 100 - 1];
    eprintln!(
        "200 idle connections and a body that never arrives: creates took {:?} median, {p99:?} p99",
        times[times.len() / 2]
    );
    // Not held up by the idle ones (which close after the 5 s head timeout).
    assert!(p99 < Duration::from_secs(2), "{times:?}");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        fixture_mock::BODY_READ_TIMEOUT + Duration::from_secs(5),
        slow.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "the slow request was answered and closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert_eq!(server.count("sessions").expect("a resource"), 50);
    drop(idle);
}

/// The item cap is an answer in the API's error shape, and seeding past it
/// stores nothing.
#[tokio::test]
async fn the_item_cap_is_507_in_the_api_error_shape() {
    let server = MockServer::builder()
        .max_items(2)
        .start()
        .await
        .expect("the mock server starts");
    let client = Client::builder()
        .api_key(server.api_key())
        .base_url(server.url())
        .build()
        .expect("the client builds");
    create(&client, "one").await;
    create(&client, "two").await;
    let (status, body) = raw(&server, &client, "POST", "/session", "{}").await;
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["statusCode"], 507);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 2")),
        "{body}"
    );
    assert!(server.seed("sessions", [json!({})]).is_err());
    assert_eq!(server.count("sessions"), Some(2));
    client
        .sessions()
        .delete(
            server.items("sessions").expect("a resource")[0]["id"]
                .as_str()
                .expect("an id"),
        )
        .await
        .expect("a delete makes room");
    create(&client, "three").await;
}

/// A list's query parameters named like the items' properties filter them,
/// and `<time property><suffix>` bounds them (the conventions' `mock`
/// section), whatever the resource.
#[tokio::test]
async fn lists_filter_by_the_items_properties() {
    let (server, client) = server().await;
    let first = create(&client, "alpha").await;
    let second = create(&client, "beta").await;
    assert!(
        second.created_at > first.created_at,
        "creates are ordered in time"
    );
    let named = client
        .sessions()
        .list()
        .name("beta")
        .await
        .expect("a filtered list");
    assert_eq!(named.results, std::slice::from_ref(&second));
    let later = client
        .sessions()
        .list()
        .created_at_gt(first.created_at)
        .await
        .expect("a bounded list");
    assert_eq!(later.results, std::slice::from_ref(&second));
    assert_eq!(later.metadata.total_items, 1);
    let (status, body) = raw(
        &server,
        &client,
        "GET",
        "/session?createdAtGt=yesterday",
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["message"],
        json!(["createdAtGt must be a valid ISO 8601 date string"])
    );
    assert_eq!(server.resources(), ["sessions"]);
}

/// Lists follow the items' creation times, seeded ones included, so a
/// newest-first walk by time never skips an item seeded out of order; a
/// page number past what the models count is refused, not answered with
/// a page the SDK cannot decode.
#[tokio::test]
async fn lists_follow_creation_times_and_pages_stay_in_range() {
    let (server, client) = server().await;
    server
        .seed(
            "sessions",
            [
                json!({"name": "february", "createdAt": "2025-02-01T00:00:00Z"}),
                json!({"name": "january", "createdAt": "2025-01-01T00:00:00Z"}),
            ],
        )
        .expect("seeded");
    let made = create(&client, "now").await;
    let names: Vec<String> = client
        .sessions()
        .list()
        .sort_order("ASC")
        .stream()
        .collect()
        .await
        .expect("a walk")
        .into_iter()
        .filter_map(|s| Some(s.name?.to_string()))
        .collect();
    assert_eq!(names, ["january", "february", "now"]);
    assert!(made.created_at > chrono::Utc::now() - chrono::Duration::minutes(1));
    let (status, body) = raw(
        &server,
        &client,
        "GET",
        "/session?page=9223372036854775807",
        "",
    )
    .await;
    assert_eq!(status, 200, "the largest page the models count: {body}");
    let (status, body) = raw(
        &server,
        &client,
        "GET",
        "/session?page=9223372036854775808",
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (_, body) = raw(&server, &client, "GET", "/session?name=007", "").await;
    assert_eq!(body["metadata"]["totalItems"], 0, "names are text: {body}");
}
