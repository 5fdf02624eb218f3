//! Normalization rule `redirect-download-without-body`: a bodiless 2xx next to a 3xx redirect (the payload is at the redirect target): the 2xx gets an `application/octet-stream` binary body, so the client returns the bytes

use serde_json::Value;

use super::super::{Rule, Scope};
use crate::spec::{operation_pointer, operations_mut};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "redirect-download-without-body",
    summary: "a bodiless 2xx next to a 3xx redirect (the payload is at the redirect target): \
              the 2xx gets an `application/octet-stream` binary body, so the client returns the bytes",
    scope: Scope::Document(redirect_download_without_body),
};

fn redirect_download_without_body(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let ptr = operation_pointer(&path, &method);
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        if !responses.keys().any(|c| c.starts_with('3')) {
            continue;
        }
        for (code, resp) in responses.iter_mut() {
            let Some(resp) = resp.as_object_mut() else {
                continue;
            };
            if code.starts_with('2') && !resp.contains_key("content") {
                resp.insert(
                    "content".into(),
                    serde_json::json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
                );
                hits.push(format!("{ptr}/responses/{code}"));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn redirect_download_without_body() {
        let (doc, fired) = run_document(
            "redirect-download-without-body",
            json!({"paths": {"/f": {"get": {"responses": {"200": {"description": "ok"}, "302": {"description": "moved"}}}}}}),
        );
        assert_eq!(fired, ["/paths/~1f/get/responses/200"]);
        assert_eq!(
            doc.pointer(
                "/paths/~1f/get/responses/200/content/application~1octet-stream/schema/format"
            ),
            Some(&json!("binary"))
        );
    }
}
