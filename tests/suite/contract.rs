//! Contract tests against [Prism](https://github.com/stoplightio/prism), a
//! validator nobody here wrote: every operation is called through the client
//! (the tests' own, generated from `tests/fixture/openapi/`)
//! with valid inputs and must pass Prism's request validation; bad requests
//! must be rejected, so a client that sent something off-spec would fail.
//!
//! Prism (pinned in `tests/prism/package-lock.json`) is installed by
//! `cargo xtask test`. It is started on loopback with `--errors` (request
//! violations → 422, response violations → 500) on the assembled
//! `tests/fixture/openapi/` document, adjusted for Prism in two ways that
//! leave request validation of everything the client sends as strict as the
//! spec:
//!
//! - **Self-recursive components are unrolled** a few levels, the innermost
//!   reference becoming `{}`. With `JsonSchema` referencing itself, Prism
//!   5.14.2 silently skips request *body* validation of every operation
//!   (`{"name": 5}` is accepted), fails static response generation with
//!   "Invalid reference token: paths", and overflows the stack in dynamic mode.
//! - **Success responses get an `example`** (a session), since Prism cannot
//!   generate one from these schemas; with `--errors` it validates the example
//!   against the response schema, and the client must decode it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use fixture::models::SessionControllerFindAllPaginatedSortOrder as SortOrder;
use fixture::models::{CreateSessionDto, UpdateSessionDto};
use fixture::{Client, Error, Response, RetryPolicy};
use serde_json::{Value, json};

use crate::common::root;

/// The spec the fixture client (`fixture`) was generated from.
const FIXTURE_SPEC: &str = "tests/fixture/openapi";
/// How many levels of a self-recursive schema Prism sees before `{}`.
const UNROLL_DEPTH: usize = 3;
/// Longest wait for Prism to listen (it takes ~5 s on an idle 2-core machine).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The session every success response of the mock returns.
fn session_example() -> Value {
    json!({
        "id": "s1",
        "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "name": "support line",
        "status": "active",
        "expirationSeconds": 86400,
        "assistantId": "a1",
        "messages": [{"role": "user", "content": "hello"}],
        "customer": {"number": "+14155550100", "name": "Ada"}
    })
}

/// An example for a response schema, by component name; every JSON success
/// response of the spec must have one here.
fn example_for(component: &str) -> Option<Value> {
    match component {
        "Session" => Some(session_example()),
        "SessionPaginatedResponse" => Some(json!({
            "results": [session_example()],
            "metadata": {"itemsPerPage": 10, "totalItems": 1, "currentPage": 1}
        })),
        "File" => Some(json!({"id": "f1", "name": "notes.txt", "bytes": 12})),
        "Call" => Some(json!({"id": "c1", "createdAt": "2023-11-07T05:31:56Z", "status": "ended"})),
        _ => None,
    }
}

/// Replace, inside `value`, every `$ref` to `target` by `replacement`.
fn replace_ref(value: &mut Value, target: &str, replacement: &Value) {
    match value {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(target) {
                map.remove("$ref");
                if let Value::Object(r) = replacement {
                    for (k, v) in r {
                        map.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                return;
            }
            map.values_mut()
                .for_each(|v| replace_ref(v, target, replacement));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_ref(v, target, replacement)),
        _ => {}
    }
}

/// The assembled fixture document, adjusted for Prism (see the module docs).
fn prism_document() -> Value {
    let mut doc = xtask::pipeline::load::load(&root().join(FIXTURE_SPEC))
        .unwrap_or_else(|e| panic!("cannot assemble {FIXTURE_SPEC}: {e}"))
        .doc;

    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("components.schemas");
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let target = format!("#/components/schemas/{name}");
        let schema = schemas[&name].clone();
        if !serde_json::to_string(&schema)
            .expect("JSON")
            .contains(&format!("\"{target}\""))
        {
            continue;
        }
        let mut unrolled = json!({});
        for _ in 0..UNROLL_DEPTH {
            let mut level = schema.clone();
            replace_ref(&mut level, &target, &unrolled);
            unrolled = level;
        }
        schemas[&name] = unrolled;
    }

    let paths = doc["paths"].as_object_mut().expect("paths");
    for (path, item) in paths.iter_mut() {
        for (method, op) in item.as_object_mut().expect("path item").iter_mut() {
            let responses = op["responses"].as_object_mut().expect("responses");
            for (code, response) in responses.iter_mut() {
                let Some(media) = response.pointer_mut("/content/application~1json") else {
                    continue;
                };
                // A component, or an array of one (an example of one item).
                let array = media["schema"]["type"] == "array";
                let schema = if array {
                    &media["schema"]["items"]
                } else {
                    &media["schema"]
                };
                let reference = schema["$ref"].as_str().unwrap_or_default().to_string();
                let component = reference.rsplit('/').next().unwrap_or_default();
                let example = example_for(component).map(|e| if array { json!([e]) } else { e });
                let example = example.unwrap_or_else(|| {
                    panic!(
                        "{method} {path} → {code} returns {reference:?}: add an example for it \
                         to contract::example_for"
                    )
                });
                media["example"] = example;
            }
        }
    }
    doc
}

/// A running Prism, killed on drop.
struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Prism {
    fn start() -> Prism {
        let bin = root().join(xtask::commands::test::PRISM_BIN);
        assert!(
            bin.is_file(),
            "Prism is not installed ({} is missing). `cargo xtask test` installs it; or run, \
             from the workspace root: npm {}",
            bin.display(),
            xtask::commands::test::PRISM_INSTALL.join(" ")
        );
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("prism");
        std::fs::create_dir_all(&dir).expect("create target/tmp/prism");
        let pid = std::process::id();
        let spec = dir.join(format!("openapi-{pid}.json"));
        let log = dir.join(format!("prism-{pid}.log"));
        std::fs::write(
            &spec,
            serde_json::to_vec_pretty(&prism_document()).expect("JSON"),
        )
        .expect("write the document");

        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let out = std::fs::File::create(&log).expect("create the log");
        let child = Command::new(&bin)
            .arg("mock")
            .arg(&spec)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    prism.output()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return prism;
            }
            if started.elapsed() > START_TIMEOUT {
                panic!(
                    "Prism did not listen on {addr} within {START_TIMEOUT:?}:\n{}",
                    prism.output()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What Prism printed so far.
    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A client for this Prism, without retries (a 5xx means a violation).
    fn client(&self) -> Client {
        Client::builder()
            .api_key("test-key")
            .base_url(&self.url)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Prism for the tests that run at the same time; killed when the last
/// of them is done.
fn prism() -> Arc<Prism> {
    static SHARED: Mutex<Weak<Prism>> = Mutex::new(Weak::new());
    let mut shared = SHARED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(prism) = shared.upgrade() {
        return prism;
    }
    let prism = Arc::new(Prism::start());
    *shared = Arc::downgrade(&prism);
    prism
}

/// The response, or a panic naming the operation with what Prism said.
async fn ok<T>(prism: &Prism, operation: &str, result: Result<Response<T>, Error>) -> Response<T> {
    match result {
        Ok(response) => {
            assert!(
                response.headers().get("sl-violations").is_none(),
                "{operation}: Prism reports violations: {:?}",
                response.headers().get("sl-violations")
            );
            response
        }
        Err(Error::Api(e)) => {
            panic!(
                "{operation}: Prism answered {}: {:?}\nPrism's log:\n{}",
                e.status(),
                e.body(),
                prism.output()
            )
        }
        Err(e) => panic!("{operation}: {e}\nPrism's log:\n{}", prism.output()),
    }
}

/// A create body using much of the spec: an inline assistant with a model,
/// voice and transcriber (discriminated unions), messages of several roles,
/// a structured-data schema nested inside the recursive `JsonSchema`, and a
/// customer. Decoded into the model first, so what goes on the wire is what
/// the client serializes.
fn create_body() -> CreateSessionDto {
    serde_json::from_value(json!({
        "name": "support line",
        "status": "active",
        "expirationSeconds": 3600,
        "assistant": {
            "name": "Riley",
            "firstMessage": "Hello, how can I help?",
            "model": {
                "provider": "anthropic",
                "model": "claude-3-opus-20240229",
                "temperature": 0.3,
                "messages": [{"role": "system", "content": "You are a helpful agent."}]
            },
            "voice": {"provider": "azure", "voiceId": "andrew", "speed": 1.1},
            "transcriber": {"provider": "assembly-ai", "language": "en"},
            "silenceTimeoutSeconds": 30,
            "analysisPlan": {"structuredDataPlan": {
                "enabled": true,
                "schema": {
                    "type": "object",
                    "properties": {"orders": {"type": "array", "items": {"type": "string"}}},
                    "required": ["orders"]
                }
            }}
        },
        "messages": [
            {"role": "user", "content": "I want to change my order."},
            {"role": "assistant", "content": "Sure."}
        ],
        "customer": {"number": "+14155550100", "name": "Ada"}
    }))
    .expect("the create body decodes into CreateSessionDto")
}

#[tokio::test]
async fn every_operation_passes_prism_validation() {
    let prism = prism();
    let client = prism.client();

    let created = ok(
        &prism,
        "session_controller_create",
        client.sessions().create(create_body()).send().await,
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, "s1");

    let created_after = chrono::DateTime::parse_from_rfc3339("2023-01-01T00:00:00Z")
        .expect("date")
        .to_utc();
    let page = ok(
        &prism,
        "session_controller_find_all_paginated",
        client
            .sessions()
            .list()
            .page(1)
            .limit(10)
            .sort_order(SortOrder::Desc)
            .name("support line")
            .created_at_gt(created_after)
            .send()
            .await,
    )
    .await;
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.metadata.current_page, 1);

    let calls = ok(
        &prism,
        "call_controller_find_all",
        client
            .calls()
            .list()
            .limit(10)
            .created_at_le(created_after)
            .send()
            .await,
    )
    .await;
    assert_eq!(calls[0].id, "c1");

    let found = ok(
        &prism,
        "session_controller_find_one",
        client.sessions().get("s1").send().await,
    )
    .await;
    assert_eq!(found.org_id, "o1");

    let update = UpdateSessionDto::new().name("renamed");
    let updated = ok(
        &prism,
        "session_controller_update",
        client.sessions().update("s1", update).send().await,
    )
    .await;
    assert_eq!(updated.id, "s1");

    let removed = ok(
        &prism,
        "session_controller_remove",
        client.sessions().delete("s1").send().await,
    )
    .await;
    assert_eq!(removed.id, "s1");
}

/// Send `body` with `method` to `path` as raw JSON, with the bearer key
/// unless `auth` is false; the status and body Prism answered.
async fn raw(
    prism: &Prism,
    method: &str,
    path: &str,
    body: Option<Value>,
    auth: bool,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", prism.url));
    if auth {
        request = request.bearer_auth("test-key");
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("Prism answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The JSON paths Prism's 422 problem names, as `body.name` etc.
fn violations(problem: &Value) -> Vec<String> {
    problem["validation"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|v| v["location"].as_array())
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn prism_rejects_requests_off_the_spec() {
    let prism = prism();

    // Wrong type at the top of a body, for both operations with a body.
    let (status, problem) = raw(&prism, "POST", "/session", Some(json!({"name": 5})), true).await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        violations(&problem).contains(&"body.name".to_string()),
        "{problem}"
    );
    let (status, problem) = raw(
        &prism,
        "PATCH",
        "/session/s1",
        Some(json!({"status": "paused"})),
        true,
    )
    .await;
    assert_eq!(status, 422, "{problem}");

    // A bound the client also checks locally: Prism agrees with it.
    let (status, problem) = raw(
        &prism,
        "POST",
        "/session",
        Some(json!({"expirationSeconds": 30})),
        true,
    )
    .await;
    assert_eq!(status, 422, "{problem}");

    // Deep inside a discriminated union member.
    let bad_model =
        json!({"assistant": {"model": {"provider": "anthropic", "temperature": "hot"}}});
    let (status, problem) = raw(&prism, "POST", "/session", Some(bad_model), true).await;
    assert_eq!(status, 422, "{problem}");

    // Inside the (unrolled) recursive JsonSchema: still validated.
    let bad_schema = json!({"assistant": {"analysisPlan": {"structuredDataPlan": {
        "schema": {"type": "array", "items": {"type": "object", "required": "orders"}}
    }}}});
    let (status, problem) = raw(&prism, "POST", "/session", Some(bad_schema), true).await;
    assert_eq!(status, 422, "{problem}");

    // No bearer key: the spec's security requirement is enforced.
    let (status, _) = raw(&prism, "GET", "/session/s1", None, false).await;
    assert_eq!(status, 401);

    // Through the client: a request Prism rejects fails the call. (Query
    // parameters are not checked locally; `limit` has maximum 1000.)
    let result = prism.client().sessions().list().limit(5000).send().await;
    match result {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 422, "{e}"),
        other => panic!("expected Prism's 422, got {other:?}"),
    }
}
