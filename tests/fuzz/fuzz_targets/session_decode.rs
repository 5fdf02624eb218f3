//! Arbitrary bytes decoded as a `Session`: no panic, the decoders agree, and
//! what decodes round-trips losslessly. The invariant is documented in
//! `src/lib.rs` ([`cozmox_fuzz::check_session`]).
//!
//! `cargo xtask fuzz --seconds 60` runs it (installing the pinned cargo-fuzz),
//! seeded with `seeds/session_decode/` and a dictionary of the spec's names.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cozmox_fuzz::check_session(data);
});
