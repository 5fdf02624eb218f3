//! The HTTP types responses and errors carry (reqwest's), to read them and
//! to build them in tests ([`ApiError::new`](crate::ApiError::new),
//! [`Response::new`](crate::Response::new)) without a dependency on reqwest
//! of your own.

pub use reqwest::StatusCode;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
