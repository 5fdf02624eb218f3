//! Rust SDK for the Cozmox voice-AI API.
//!
//! - [`models`]: one typed struct or enum per component of the API
//!   (sessions, assistants, customers, phone numbers…), decoded with serde.
//! - [`Client`]: one handle per resource ([`resources`]: `client.sessions()`),
//!   one method per operation, returning a request builder; `.await` on it
//!   gives `Result<T, `[`Error`]`>` (`.send().await` a [`Response`] with the
//!   status and headers too). Errors you can branch on
//!   ([`Error::is_not_found`], [`Error::is_rate_limited`]…): API errors with
//!   status, body and request id, timeouts, connection failures, decode
//!   errors with the JSON path, invalid requests.
//! - [`guide`]: the user guide, from calls and errors to testing with mocks.
//!
//! **Cargo features.** One per resource, named like its handle on [`Client`]
//! (`sessions`, `assistants`, `phone_numbers`…): each compiles that
//! resource's handle, builders, pages and typed mocks, and the models its
//! operations reach; `full` (the default) compiles them all and the models
//! no operation uses. `default-features = false, features = ["sessions"]`
//! builds only what sessions need (see the guide's *Compiling only the
//! resources you use*); [`models::by_resource`] lists each resource's
//! operations and types. On docs.rs each gated item says which features
//! compile it; `httpmock` and `test-util` add the test helpers.
//!
//! ```
//! use cozmox::models::Session;
//!
//! let json = r#"{"id": "s1", "orgId": "o1",
//!                "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
//!                "status": "active"}"#;
//! let session: Session = serde_json::from_str(json)?;
//! assert_eq!(session.id, "s1");
//!
//! // Calls go through the generated client:
//! let client = cozmox::Client::builder().api_key("sk-…").build()?;
//! let _request = client.sessions().get("s1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

// The public API, listed: the generated client's internals (progenitor's
// `prelude`, the `OPERATIONS` table the runtime reads) are not part of it.

// The client, its configuration and its hooks.
pub use cozmox_client::{ApiKey, Client, ClientBuilder, ConfigError, GaveUp, RetryPolicy, Runtime};

// What calls return.
pub use cozmox_client::{
    ApiError, ByteStream, CallFuture, Download, Error, ErrorBody, Redirect, Response,
    ResponseDecodeError, TooLargeError,
};

// What uploads take: a file (bytes, file name, content type) for a form field.
pub use cozmox_client::FilePart;

// The HTTP types responses and errors carry (`http::StatusCode`, `http::HeaderMap`…).
pub use cozmox_client::http;

// Every page of a paginated list, as a stream (`client.sessions().list().stream()`).
pub use cozmox_client::{PageStream, Pages};

// The API by resource (`client.sessions()` returns a `resources::Sessions`),
// each operation's request builder (`builder`; `manual` for the operations the
// generator writes itself: uploads…), the types declared inline in operations,
// the error and runtime modules (constants such as
// `runtime::DEFAULT_MAX_RESPONSE_BYTES`).
pub use cozmox_client::{builder, error, manual, paginate, resources, runtime, types, upload};

/// Typed httpmock helpers for testing code that uses the client (feature `httpmock`).
#[cfg(feature = "httpmock")]
pub use cozmox_client::httpmock;

/// The embedded mock server of the whole API, for testing code that uses the
/// client (feature `test-util`; also the crate `cozmox-mock`): see the
/// guide's *Testing your code against the mock server*.
#[cfg(feature = "test-util")]
pub use cozmox_mock as mock;

/// The version of the API this SDK was generated from (its crate version
/// carries it: `+api.<version>`).
pub use cozmox_models::API_VERSION;

/// The API's data types, one per component of the OpenAPI description.
#[doc(inline)]
pub use cozmox_models as models;

/// The user guide: calls, errors, retries, testing with mocks, decoding, validation.
///
#[doc = include_str!("guide.md")]
pub mod guide {}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
