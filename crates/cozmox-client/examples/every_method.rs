//! Every method of every resource, called as the resource API documents it,
//! against the embedded mock (`cozmox-mock`): prints each failure and
//! `ok N/M`, and fails unless every call returned its typed value.
//!
//! The calls are written from the spec by `cargo xtask generate` into
//! `src/generated/every_method.rs`, declared below as a module: per
//! resource, the creates first and the deletes last, the id the first create
//! answers in the others' paths, bodies and required parameters built from
//! their schemas. The mock is generated from the same spec, so at any spec
//! size (`openapi/` as the seeds show it, or the vendor's whole document)
//! this is a run of the whole API.
//!
//! ```text
//! cargo run -p cozmox-client --example every_method
//! ```

use cozmox_client::Client;
use cozmox_mock::MockServer;

#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
#[path = "../src/generated/every_method.rs"]
mod every_method;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let client = Client::builder()
        .api_key(server.api_key())
        .base_url(server.url())
        .build()?;
    // The closures of `every_method` compile; `run_every_method` makes the calls.
    every_method::every_method(&client);
    let (mut ok, mut total) = (0, 0);
    every_method::run_every_method(&client, &mut |method, outcome| {
        total += 1;
        match outcome {
            Ok(()) => ok += 1,
            Err(e) => println!("failed: {method}: {e}"),
        }
    })
    .await;
    println!("ok {ok}/{total}");
    if ok == total {
        Ok(())
    } else {
        Err(format!("{} of {total} methods failed against the mock", total - ok).into())
    }
}
