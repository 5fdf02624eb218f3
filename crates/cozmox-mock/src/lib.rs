//! An in-process, in-memory, stateful mock of the whole Cozmox API, for
//! tests and the quickstart: no network, no key, no cost.
//!
//! Its routes are generated from the API description (`cargo xtask
//! generate` writes `src/generated/`, the route table), so it serves every
//! operation the SDK can call. [`MockServer::start`] binds a loopback port
//! and serves, until the server is dropped:
//!
//! | request | answer |
//! |---|---|
//! | a create (`POST P`, answering the item `GET P/{id}` answers) | stores the item (the body's fields on an instance of the item's type; the id, creation and update times assigned), the spec's success status with it |
//! | a list of those items (`GET P`, or another list of the resource) | a page, paged as the SDK's `.stream()` reads it (`page`/`limit`, or `limit` and time bounds), filtered by the query parameters named like the items' properties (`name=…`, `createdAtGt=…`), sorted by creation (`sortOrder`) |
//! | a get, update (`PATCH`/`PUT`, the body's fields set) or delete of `P/{id}` | the item, or `404` in the API's error shape |
//! | any other operation (runs, previews, downloads, analytics…) | an instance of its success body built from the schema |
//!
//! [`MockServer::resources`] names the resources it keeps state for.
//! Every request needs `Authorization: Bearer <key>` ([`MockServer::API_KEY`]
//! unless started with another key), or gets `401`. A JSON body that is not
//! JSON, does not decode as the operation's request type, holds fields the
//! spec does not describe or breaks a constraint
//! ([`cozmox_models::Validate`]) gets `400` with the paths. Every answer is
//! checked against the operation's success type before it is sent (the mock
//! cannot answer what the SDK would not decode; it answers `500` saying why
//! instead).
//!
//! Like the API's framework (NestJS on Express), the server answers `413`
//! to a body over [`MAX_BODY_BYTES`] (100 kB, Express's default) without
//! reading it whole, `415` to a body whose `Content-Type` is not JSON where
//! JSON is expected, and closes a connection whose request head is not
//! complete within [`HEADER_READ_TIMEOUT`]; a body not complete within
//! [`BODY_READ_TIMEOUT`] gets `408`. It serves at most [`MAX_CONNECTIONS`]
//! connections at once and holds at most [`MAX_ITEMS`] items per resource
//! (`507` beyond); no request holds a store while its answer is encoded.
//!
//! The spec describes no error body, so errors use the NestJS shape the API
//! is built with: `{"message": [..] | "..", "error": "Bad Request",
//! "statusCode": 400}`.
//!
//! For tests of code that calls the API: [`MockServer::seed`] stores items
//! as if they had been created, [`MockServer::inject`] makes the next
//! requests of an operation fail ([`Fault`]: a status with its body and
//! `Retry-After`, a delay, or a connection reset after the request was read),
//! and [`MockServer::requests`] lists what the server was asked (the last
//! [`MAX_LOGGED_REQUESTS`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = cozmox_mock::MockServer::start().await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! // Point a client at it:
//! // Client::builder().api_key(MockServer::API_KEY).base_url(server.url()).build()?
//! assert!(server.resources().contains(&"sessions"));
//! assert_eq!(server.count("sessions"), Some(0));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod codec;
mod engine;
#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
mod generated;
mod server;
mod table;

pub use server::*;
