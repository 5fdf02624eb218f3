//! The SDK's conventions: how the vendor's operations become resource
//! methods and page streams. They are data, the `sdk` section of
//! `openapi/overrides.json` (read and checked here), not generator code: the
//! verb table that names methods, how resource handles are named, the
//! shapes of paginated lists, and the renames a maintainer chose (each with
//! its reason).
//!
//! Normalization applies them to the document: rule `sdk-overrides` writes
//! the renames (and any pagination the overrides state) into the operations'
//! [`SDK_EXTENSION`], rule `infer-pagination` writes the pagination it
//! recognises by shape ([`Paging`]); the resource stage reads the extension
//! and the naming defaults. An `x-cozmox-sdk` the document itself carries
//! wins over both.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::OVERRIDES_KEY;

/// The vendor extension on an operation that sets its resource, its method
/// name and its pagination.
pub const SDK_EXTENSION: &str = "x-cozmox-sdk";

/// The `sdk` section of the overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Conventions {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// How a resource handle is named from its label (tag).
    #[serde(default)]
    pub resource_names: ResourceNames,
    /// The verb table.
    #[serde(default)]
    pub verbs: Verbs,
    /// The shapes of paginated lists.
    #[serde(default)]
    pub pagination: PaginationConventions,
    /// Names (and pagination) chosen by hand, each with its reason.
    #[serde(default)]
    pub renames: Renames,
}

/// How a resource handle is named from its label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceNames {
    /// The label's last word in the plural (`Insight` → `insights()`).
    #[default]
    Plural,
    /// The label as it is.
    AsLabelled,
}

/// The verbs of operation ids and the methods they become.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verbs {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// In order: when two operations of a resource would get the same
    /// method, the one whose verb comes first keeps it.
    #[serde(default)]
    pub table: Vec<Verb>,
}

/// One row of the verb table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verb {
    /// The verb of an operation id (after the last `_`, without the
    /// resource's noun), as the vendor writes it.
    pub verb: String,
    /// The method it becomes (snake_case).
    pub method: String,
}

impl Verbs {
    /// The row of `verb`: its rank and method.
    pub fn find(&self, verb: &str) -> Option<(usize, &str)> {
        self.table
            .iter()
            .enumerate()
            .find(|(_, v)| v.verb == verb)
            .map(|(i, v)| (i, v.method.as_str()))
    }
}

/// The shapes of paginated lists a normalization rule recognises.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaginationConventions {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// Lists paged by number.
    #[serde(default)]
    pub page_numbered: Option<PageNumbered>,
    /// Lists paged by a time bound.
    #[serde(default)]
    pub time_cursor: Option<TimeCursor>,
}

/// A list paged by number: optional numeric query parameters `page` and
/// `limit`, an object answer with one required array of items and a total
/// in it (or in an object property of it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageNumbered {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// The page number parameter.
    pub page: String,
    /// The page size parameter.
    pub limit: String,
    /// The property holding the list's total.
    pub total: String,
    /// The items' identity property (a string).
    pub id: String,
}

/// A list paged by time: an optional numeric `limit` and a `date-time`
/// bound, answering a bare array of items that carry that time and an id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeCursor {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// The page size parameter.
    pub limit: String,
    /// The items' time property the bound compares.
    pub time: String,
    /// The order the server answers in (which bound moves).
    pub order: Order,
    /// The inclusive upper bound parameter (moved by a newest-first list).
    pub upper_bound: String,
    /// The inclusive lower bound parameter (moved by an oldest-first list).
    pub lower_bound: String,
    /// The items' identity property (a string).
    pub id: String,
}

/// The order of a time-cursor list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Newest first: the next page is bounded above by the last item's time.
    NewestFirst,
    /// Oldest first: the next page is bounded below by the last item's time.
    OldestFirst,
}

impl TimeCursor {
    /// The bound the next page moves.
    pub fn bound(&self) -> &str {
        match self.order {
            Order::NewestFirst => &self.upper_bound,
            Order::OldestFirst => &self.lower_bound,
        }
    }
}

/// Names chosen by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renames {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// Resource label (tag) → its handle's name.
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceRename>,
    /// operationId → its resource, method or pagination.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationRename>,
}

/// A resource's handle named by hand.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRename {
    /// The handle's accessor (snake_case); the type is its UpperCamelCase.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// An operation placed or named by hand.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationRename {
    /// Its resource (a label or a handle name).
    #[serde(default)]
    pub resource: Option<String>,
    /// Its method (snake_case).
    #[serde(default)]
    pub method: Option<String>,
    /// Its pagination (`false`: none).
    #[serde(default)]
    pub pagination: Option<Value>,
    /// Why.
    pub reason: String,
}

/// How a list pages: the `pagination` of an operation's [`SDK_EXTENSION`],
/// written by rule `infer-pagination` (or by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Paging {
    /// By page number.
    PageNumber {
        /// The page number parameter.
        page: String,
        /// The page size parameter.
        limit: String,
        /// The answer's property holding the items.
        items: String,
        /// A JSON pointer into the answer to the list's total (`/meta/total`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        /// The items' identity property.
        id: String,
    },
    /// By a time bound, the answer being the array of items.
    TimeCursor {
        /// The page size parameter.
        limit: String,
        /// The bound parameter the next page moves.
        bound: String,
        /// The items' time property.
        time: String,
        /// The items' identity property.
        id: String,
    },
}

impl Conventions {
    /// The conventions a document carries (its overrides' `sdk` section,
    /// put there by [`crate::pipeline::load`]), else the project's defaults
    /// (a document read before the conventions were data is read as the
    /// generator then read it).
    pub fn of(doc: &Value) -> Result<Conventions, String> {
        match doc.get(OVERRIDES_KEY).and_then(|o| o.get(SDK_KEY)) {
            Some(sdk) => Conventions::parse(sdk),
            None => Ok(Conventions::defaults()),
        }
    }

    /// The `sdk` section of the project's default overrides, as JSON.
    pub fn defaults_value() -> Value {
        super::overrides::defaults()
            .get(SDK_KEY)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The `sdk` section of the project's default overrides.
    pub fn defaults() -> Conventions {
        super::overrides::defaults()
            .get(SDK_KEY)
            .and_then(|sdk| Conventions::parse(sdk).ok())
            .unwrap_or_default()
    }

    /// Read an `sdk` section, naming where it is wrong.
    pub fn parse(sdk: &Value) -> Result<Conventions, String> {
        let conventions: Conventions =
            serde_path_to_error::deserialize(sdk).map_err(|e| format!("/{SDK_KEY}: {e}"))?;
        for (label, r) in &conventions.renames.resources {
            if r.reason.trim().is_empty() {
                return Err(format!(
                    "/{SDK_KEY}/renames/resources/{label}: a rename states its reason"
                ));
            }
        }
        for (id, r) in &conventions.renames.operations {
            if r.reason.trim().is_empty() {
                return Err(format!(
                    "/{SDK_KEY}/renames/operations/{id}: a rename states its reason"
                ));
            }
            if let Some(p) = &r.pagination
                && *p != Value::Bool(false)
            {
                serde_json::from_value::<Paging>(p.clone())
                    .map_err(|e| format!("/{SDK_KEY}/renames/operations/{id}/pagination: {e}"))?;
            }
        }
        Ok(conventions)
    }
}

/// The key of the conventions in the overrides.
pub const SDK_KEY: &str = "sdk";

/// An operation's [`SDK_EXTENSION`] object, made if it has none.
pub fn extension_mut(op: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    op.entry(SDK_EXTENSION)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_defaults_name_both_list_shapes_and_the_verbs() {
        let d = Conventions::defaults();
        assert!(d.pagination.page_numbered.is_some());
        let cursor = d.pagination.time_cursor.expect("time cursor");
        assert_eq!(cursor.bound(), cursor.upper_bound, "newest first");
        assert_eq!(d.verbs.find("create"), Some((0, "create")));
        assert!(d.verbs.table.iter().filter(|v| v.method == "list").count() > 1);
        assert_eq!(d.resource_names, ResourceNames::Plural);
    }

    #[test]
    fn a_document_without_conventions_gets_the_defaults() {
        assert_eq!(Conventions::of(&json!({})), Ok(Conventions::defaults()));
        let own = json!({OVERRIDES_KEY: {"sdk": {"resourceNames": "as-labelled"}}});
        let c = Conventions::of(&own).unwrap();
        assert_eq!(c.resource_names, ResourceNames::AsLabelled);
        assert!(c.verbs.table.is_empty(), "a section states all it wants");
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let bad = |v: Value| Conventions::parse(&v).unwrap_err();
        assert!(bad(json!({"verb": []})).contains("verb"));
        assert!(
            bad(json!({"renames": {"operations": {"X_y": {"method": "z"}}}})).contains("reason")
        );
        assert!(
            bad(json!({"renames": {"operations": {"X_y": {"method": "z", "reason": " "}}}}))
                .contains("/sdk/renames/operations/X_y")
        );
        assert!(
            bad(json!({"renames": {"operations": {"X_y": {"reason": "r", "pagination": {"kind": "cursor"}}}}}))
                .contains("pagination")
        );
        assert!(
            bad(json!({"pagination": {"timeCursor": {"order": "random"}}})).contains("timeCursor")
        );
    }

    #[test]
    fn the_order_says_which_bound_moves() {
        let mut c = TimeCursor {
            description: None,
            limit: "n".into(),
            time: "t".into(),
            order: Order::OldestFirst,
            upper_bound: "before".into(),
            lower_bound: "after".into(),
            id: "key".into(),
        };
        assert_eq!(c.bound(), "after");
        c.order = Order::NewestFirst;
        assert_eq!(c.bound(), "before");
    }
}
