//! Testing code that uses the client against typed mocks: the `httpmock`
//! feature's `MockServerExt` adds one method per operation to
//! `httpmock::MockServer`, whose `When`/`Then` take the operation's parameter
//! and response types, so a mock cannot drift from the API the client calls.
//!
//! ```sh
//! cargo run -p cozmox-client --features httpmock --example typed_mock
//! ```

use cozmox_client::Client;
use cozmox_client::httpmock::MockServerExt;
use cozmox_models::Session;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The code under test: the name of a session, or a placeholder.
async fn session_label(client: &Client, id: &str) -> Result<String> {
    let session = client.sessions().get(id).await?;
    Ok(session
        .name
        .map_or_else(|| "(unnamed)".to_owned(), |name| name.to_string()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let session: Session = serde_json::from_value(serde_json::json!({
        "id": "s-42",
        "orgId": "org-1",
        "name": "support line",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "status": "active",
    }))?;

    let server = httpmock::MockServer::start_async().await;
    // `GET /session/{id}` for id `s-42` answers 200 with `session`: `id()`
    // takes the path parameter's type, `ok()` the response body's.
    let mock = server.sessions_get(|when, then| {
        let when = when.id("s-42");
        // `into_inner()` leaves the typed API for anything it does not cover.
        when.into_inner().header("authorization", "Bearer sk-test");
        then.ok(&session);
    });

    let client = Client::builder()
        .api_key("sk-test")
        .base_url(server.base_url())
        .build()?;
    let label = session_label(&client, "s-42").await?;
    assert_eq!(label, "support line");
    mock.assert_async().await;

    // Another id matches no mock: httpmock answers 404, the client an API error.
    let err = client
        .sessions()
        .get("s-43")
        .await
        .expect_err("no mock for s-43");
    match &err {
        e if e.is_not_found() => {}
        other => return Err(format!("expected a 404 API error, got {other:?}").into()),
    }
    println!("typed mock: GET /session/s-42 -> {label:?}; other ids -> error");
    Ok(())
}
