//! Low-level HTTP client of the Cozmox API.
//!
//! One method per operation on [`Client`], builder style:
//! `client.session_controller_find_one().id("…").send().await`. Request and
//! response bodies are the types of [`cozmox_models`], re-exported as
//! [`types`]-module items so no type is defined twice.
//!
//! Everything under `generated` is written by `cargo xtask generate` and is
//! never edited by hand. [`runtime`] (hand-written) plugs into it through
//! progenitor's hooks: configuration ([`Client::builder`],
//! [`Client::from_env`]), authentication, retries, timeouts and tracing.
//! [`paginate`] (hand-written) walks every page of the session list.

#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
mod generated;
pub use generated::*;

pub mod paginate;
pub mod runtime;
pub use paginate::SessionPages;
pub use runtime::{ApiKey, ClientBuilder, ConfigError, RetryPolicy, Runtime};
