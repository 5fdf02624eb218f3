//! Normalization rule `infer-pagination`: a list operation whose parameters and answer have one of the shapes the project's conventions name (`openapi/overrides.json`, `sdk.pagination`: by page number, or by a time bound) gets that pagination in its `x-cozmox-sdk` extension, for `.stream()` and `.pages()` (a pagination the extension already states wins, `false` for none)

use serde_json::Value;

use super::super::{Rule, Scope};
use crate::spec::conventions::{Conventions, SDK_EXTENSION, extend_extensions};
use crate::spec::operations;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "infer-pagination",
    summary: "a list operation whose parameters and answer have one of the shapes the project's \
              conventions name (`openapi/overrides.json`, `sdk.pagination`: by page number, or by a \
              time bound) gets that pagination in its `x-cozmox-sdk` extension, for `.stream()` and \
              `.pages()` (a pagination the extension already states wins, `false` for none)",
    scope: Scope::Document(infer_pagination),
};

fn infer_pagination(doc: &mut Value) -> Vec<String> {
    // The overrides were checked when they were loaded.
    let Ok(conventions) = Conventions::of(doc) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for op in operations(doc) {
        let stated = op
            .node
            .get(SDK_EXTENSION)
            .is_some_and(|e| e.get("pagination").is_some());
        if stated {
            continue;
        }
        let info = crate::spec::operation_model::OperationInfo::of(doc, &op);
        if let Some(paging) = crate::spec::pagination::infer(doc, &info, &conventions.pagination)
            && let Ok(value) = serde_json::to_value(paging)
        {
            let keys = serde_json::Map::from_iter([("pagination".to_string(), value)]);
            found.push((op.pointer(), keys));
        }
    }
    extend_extensions(doc, &found)
        .into_iter()
        .map(|op| format!("{op}/{SDK_EXTENSION}/pagination"))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::{Value, json};

    fn list(extension: Option<Value>) -> Value {
        let mut op = json!({
            "operationId": "ThingController_findAll",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "createdAtLe", "in": "query", "schema": {"type": "string", "format": "date-time"}}
            ],
            "responses": {"200": {"content": {"application/json": {"schema":
                {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}
        });
        if let Some(e) = extension {
            op["x-cozmox-sdk"] = e;
        }
        json!({
            "paths": {"/thing": {"get": op, "post": {"operationId": "ThingController_create"}}},
            "components": {"schemas": {"Thing": {"type": "object", "required": ["id", "createdAt"],
                "properties": {"id": {"type": "string"},
                               "createdAt": {"type": "string", "format": "date-time"}}}}}
        })
    }

    #[test]
    fn a_list_by_the_conventions_shape_gets_its_pagination() {
        let (doc, fired) = run_document("infer-pagination", list(None));
        assert_eq!(fired, ["/paths/~1thing/get/x-cozmox-sdk/pagination"]);
        assert_eq!(
            doc.pointer("/paths/~1thing/get/x-cozmox-sdk/pagination/kind"),
            Some(&json!("time-cursor"))
        );
        assert_eq!(doc.pointer("/paths/~1thing/post/x-cozmox-sdk"), None);
    }

    #[test]
    fn a_stated_pagination_wins() {
        let (doc, fired) = run_document(
            "infer-pagination",
            list(Some(json!({"method": "all", "pagination": false}))),
        );
        assert!(fired.is_empty());
        assert_eq!(
            doc.pointer("/paths/~1thing/get/x-cozmox-sdk"),
            Some(&json!({"method": "all", "pagination": false}))
        );
        // A stated method alone does not stop the inference.
        let (_, fired) = run_document("infer-pagination", list(Some(json!({"method": "all"}))));
        assert_eq!(fired.len(), 1);
    }
}
