//! Normalization rule `sdk-overrides`: the renames of the project's overrides (`openapi/overrides.json`, `sdk.renames`): an operation of a renamed resource, or an operation named there, gets its resource, method or pagination in its `x-cozmox-sdk` extension (what the document's own extension says wins)

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use crate::spec::conventions::{Conventions, SDK_EXTENSION, extend_extensions};
use crate::spec::operations;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "sdk-overrides",
    summary: "the renames of the project's overrides (`openapi/overrides.json`, `sdk.renames`): an \
              operation of a renamed resource, or an operation named there, gets its resource, method \
              or pagination in its `x-cozmox-sdk` extension (what the document's own extension says wins)",
    scope: Scope::Document(sdk_overrides),
};

fn sdk_overrides(doc: &mut Value) -> Vec<String> {
    // The overrides were checked when they were loaded.
    let Ok(conventions) = Conventions::of(doc) else {
        return Vec::new();
    };
    let renames = &conventions.renames;
    // What each operation gets: pointer → keys to set.
    let mut wanted: Vec<(String, Map<String, Value>)> = Vec::new();
    for op in operations(doc) {
        let own = op.node.get(SDK_EXTENSION).and_then(Value::as_object);
        let has = |key: &str| own.is_some_and(|o| o.contains_key(key));
        let mut set = Map::new();
        if let Some(r) = renames.resources.get(op.label()) {
            set.insert("resource".into(), Value::String(r.name.clone()));
        }
        if let Some(r) = op.id().and_then(|id| renames.operations.get(id)) {
            if let Some(resource) = &r.resource {
                set.insert("resource".into(), Value::String(resource.clone()));
            }
            if let Some(method) = &r.method {
                set.insert("method".into(), Value::String(method.clone()));
            }
            if let Some(pagination) = &r.pagination {
                set.insert("pagination".into(), pagination.clone());
            }
        }
        set.retain(|k, _| !has(k));
        if !set.is_empty() {
            wanted.push((op.pointer(), set));
        }
    }
    extend_extensions(doc, &wanted)
        .into_iter()
        .map(|op| format!("{op}/{SDK_EXTENSION}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::pipeline::normalize::testing::run_document;
    use crate::spec::OVERRIDES_KEY;
    use serde_json::json;

    #[test]
    fn renames_are_written_and_the_documents_own_extension_wins() {
        let (doc, fired) = run_document(
            "sdk-overrides",
            json!({
                OVERRIDES_KEY: {"sdk": {"renames": {
                    "resources": {"Insight": {"name": "insights", "reason": "plural"}},
                    "operations": {
                        "InsightController_run": {"method": "execute", "reason": "r"},
                        "ThingController_findAll": {"method": "list_all", "pagination": false, "reason": "r"}
                    }
                }}},
                "paths": {
                    "/insight/{id}/run": {"post": {"operationId": "InsightController_run", "tags": ["Insight"]}},
                    "/thing": {"get": {"operationId": "ThingController_findAll",
                                       "x-cozmox-sdk": {"method": "things"}}},
                    "/other": {"get": {"operationId": "Other_get"}}
                }
            }),
        );
        assert_eq!(
            fired,
            [
                "/paths/~1insight~1{id}~1run/post/x-cozmox-sdk",
                "/paths/~1thing/get/x-cozmox-sdk"
            ]
        );
        assert_eq!(
            doc.pointer("/paths/~1insight~1{id}~1run/post/x-cozmox-sdk"),
            Some(&json!({"resource": "insights", "method": "execute"}))
        );
        assert_eq!(
            doc.pointer("/paths/~1thing/get/x-cozmox-sdk"),
            Some(&json!({"method": "things", "pagination": false}))
        );
        assert_eq!(doc.pointer("/paths/~1other/get/x-cozmox-sdk"), None);
    }
}
