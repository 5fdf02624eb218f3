//! The OpenAPI document model shared by the pipeline's stages and the
//! commands: each notion (JSON pointers, the operations of a document, the
//! HTTP methods a path item holds) is defined once, here.

/// Escape one JSON pointer token (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
