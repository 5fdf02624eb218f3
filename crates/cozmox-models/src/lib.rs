//! Typed models of the Cozmox API: one Rust type per component of the
//! OpenAPI description in `openapi/`.
//!
//! Everything under `generated` is written by `cargo xtask generate` and is
//! never edited by hand. To find a type from a call, start at
//! [`by_resource`]: the models grouped by the resource whose operations take
//! or return them. Hand-written additions sit beside them in this crate:
//!
//! - [`decode()`] and [`decode_strict()`]: decoding with errors that name the
//!   JSON path;
//! - [`Drift`]: where a decoded value holds data the spec does not describe
//!   (decoding keeps it, and encoding gives it back unchanged);
//! - [`Validate`]: the spec's constraints (`maxLength`, `minimum`, …)
//!   checked on values users build, with errors naming the field.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod support;
#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
mod generated;
pub use generated::*;
// The models grouped by the resource that uses them (its docs are the page).
#[rustfmt::skip]
#[path = "generated/by_resource.rs"]
pub mod by_resource;

#[doc(hidden)]
pub mod de;
pub mod decode;
pub mod drift;
mod json;
mod unknown;
pub mod validate;

pub use decode::{DecodeError, StrictError, decode, decode_strict};
pub use drift::{Drift, UnknownData, UnknownKind};
pub use json::{Json, JsonArray, JsonObject, View};
pub use unknown::UnknownFields;
pub use validate::{Validate, ValidationError, ValidationErrors};
