//! Low-level HTTP client of the Cozmox API.
//!
//! One handle per resource on [`Client`] ([`resources`]), one method per
//! operation, builder style: `client.sessions().get("…").await` (the body),
//! or `.send().await` (a [`Response`]: the body with status and headers).
//! Request and response bodies are the types of [`cozmox_models`], re-exported as
//! [`types`]-module items so no type is defined twice.
//!
//! Everything under `generated` is written by `cargo xtask generate` and is
//! never edited by hand. [`runtime`] (hand-written) plugs into it through
//! progenitor's hooks: configuration ([`Client::builder`],
//! [`Client::from_env`]), authentication, retries, timeouts and tracing.
//! [`paginate`] (hand-written) walks every page of a paginated list, by page
//! number or by time cursor.
//! Every call fails with the one [`Error`] type of [`error`] (hand-written),
//! which the generated operations return through a post-processing step.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
mod generated;
pub use generated::*;

pub mod error;
pub mod http;
pub mod paginate;
pub mod runtime;
pub mod upload;
pub use error::{
    ApiError, ByteStream, CallFuture, Download, Error, ErrorBody, Redirect, Response,
    ResponseDecodeError, TooLargeError,
};
pub use paginate::{Page, PageQuery, PageStream, Pages};
pub use runtime::{ApiKey, ClientBuilder, ConfigError, GaveUp, RetryPolicy, Runtime};
pub use upload::FilePart;
