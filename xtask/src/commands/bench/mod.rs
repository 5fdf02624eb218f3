//! The benchmarks: `bench-gen` ([`generate`]: the pipeline and the build of its
//! output against plain progenitor), `bench-decode` ([`decode`]: decoding and
//! encoding with criterion and valgrind) and `bench-client` ([`client`]: the
//! client's overhead per request against bare reqwest).

pub mod client;
pub mod decode;
pub mod generate;
