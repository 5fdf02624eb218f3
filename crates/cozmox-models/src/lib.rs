//! Typed models of the Cozmox API: one Rust type per component of the
//! OpenAPI description in `openapi/`.
//!
//! Everything under `generated` is written by `cargo xtask generate` and is
//! never edited by hand; hand-written additions sit beside it in this crate.

#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
mod generated;
pub use generated::*;
