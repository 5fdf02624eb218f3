//! The session resource end to end: create → list → get → update → delete.
//!
//! ```sh
//! cargo run --example quickstart                          # against the embedded mock server
//! COZMOX_API_KEY=sk-… cargo run --example quickstart     # against the real API
//! ```

use cozmox::Client;
use cozmox::models::{CreateSessionDto, UpdateSessionDto};
use cozmox_mock::MockServer;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    // With a key, the real API; without, the embedded mock server (kept alive
    // until the end of main: dropping it stops it).
    let (client, _server) = if std::env::var("COZMOX_API_KEY").is_ok_and(|k| !k.trim().is_empty()) {
        println!("using the API (COZMOX_API_KEY is set)");
        (Client::from_env()?, None)
    } else {
        let server = MockServer::start().await?;
        println!(
            "COZMOX_API_KEY is not set: using the embedded mock server at {}",
            server.url()
        );
        let client = Client::builder()
            .api_key(MockServer::API_KEY)
            .base_url(server.url())
            .build()?;
        (client, Some(server))
    };

    let body = CreateSessionDto::new()
        .name("quickstart")
        .expiration_seconds(3600.0);
    let created = client.sessions().create(body).await?;
    println!("created: {}", serde_json::to_string_pretty(&created)?);

    let page = client.sessions().list().page(1).limit(10).await?;
    println!(
        "listed: {} session(s) on page {} ({} in all)",
        page.results.len(),
        page.metadata.current_page,
        page.metadata.total_items
    );

    let fetched = client.sessions().get(created.id.clone()).await?;
    println!("got: {} named {:?}", fetched.id, fetched.name.as_deref());

    let patch = UpdateSessionDto::new().name("quickstart (renamed)");
    let updated = client.sessions().update(created.id.clone(), patch).await?;
    println!(
        "updated: name {:?}, updatedAt {}",
        updated.name.as_deref(),
        updated.updated_at
    );

    let deleted = client.sessions().delete(created.id.clone()).await?;
    println!("deleted: {}", deleted.id);

    let error = client.sessions().get(created.id.clone()).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    println!("got it again: {error}");
    Ok(())
}
