//! The Cozmox SDK generator, as a library so that each stage can be tested on
//! its own input (and so that the workspace tests can run the pipeline).
//!
//! - [`pipeline`]: the stages, one module each, in the order they run:
//!   [`load`](pipeline::load) → [`normalize`](pipeline::normalize) (named
//!   rules) → [`models`](pipeline::models) (typify) →
//!   [`client`](pipeline::client) (progenitor) → the resource plan
//!   ([`resources`](pipeline::resources)) → [`passes`](pipeline::passes) →
//!   the resource layer and the [`model_index`](pipeline::model_index) →
//!   [`emit`](pipeline::emit) (format and write); [`pipeline::run`] runs them.
//! - [`spec`]: the OpenAPI document model the stages and commands share
//!   (operations, read once into the
//!   [`operation model`](spec::operation_model), HTTP methods, references,
//!   JSON pointers, names) and the project's overrides and SDK conventions.
//! - [`commands`]: one module per `cargo xtask` command.

pub mod commands;
pub mod pipeline;
pub mod spec;

use std::fmt;

/// An error of the generator: what went wrong and, where it is known, in
/// which component and at which JSON pointer of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The component (schema name) or operation the error is about.
    pub component: Option<String>,
    /// JSON pointer inside that component (or the document) where it happened.
    pub pointer: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl Error {
    /// An error that is not tied to one place of the input.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            component: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// An error about `component` at JSON `pointer`.
    pub fn at(component: &str, pointer: &str, message: impl Into<String>) -> Self {
        Error {
            component: Some(component.to_string()),
            pointer: Some(pointer.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.component, &self.pointer) {
            (Some(c), Some(p)) if !p.is_empty() => write!(f, "{c} at {p}: {}", self.message),
            (Some(c), _) => write!(f, "{c}: {}", self.message),
            (None, Some(p)) => write!(f, "at {p}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Run `f`, turning a panic inside a third-party generator into an [`Error`]
/// naming `what`. typify and progenitor panic on some inputs; the pipeline
/// must report those, never crash. (The panic message still reaches stderr
/// through the default hook: swapping the process-wide hook here would race
/// with other threads.)
pub fn catch_panic<T>(what: &str, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    payload
                        .downcast_ref::<&str>()
                        .map(std::string::ToString::to_string)
                })
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(Error::new(format!("{what} panicked: {msg}")))
        }
    }
}
