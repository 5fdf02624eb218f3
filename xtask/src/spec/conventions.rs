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
    /// Plurals the English rules get wrong (`feedback` → `feedback`).
    #[serde(default)]
    pub plurals: Plurals,
    /// The verb table.
    #[serde(default)]
    pub verbs: Verbs,
    /// The shapes of paginated lists.
    #[serde(default)]
    pub pagination: PaginationConventions,
    /// Names (and pagination) chosen by hand, each with its reason.
    #[serde(default)]
    pub renames: Renames,
    /// What the generated mock assigns and how its lists filter.
    #[serde(default)]
    pub mock: MockConventions,
}

/// What the generated mock (`cozmox-mock`) does like the API: the
/// properties it assigns to a created item, the comparisons a list's
/// `<property><suffix>` query parameters make, and the sort parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MockConventions {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// The identity property, assigned on create (a resource whose items
    /// have none keeps no state).
    #[serde(default)]
    pub id: String,
    /// The creation time property, assigned on create.
    #[serde(default)]
    pub created: String,
    /// The update time property, assigned on create and on every update.
    #[serde(default)]
    pub updated: String,
    /// Query parameter suffix → comparison: `createdAtGt` keeps the items
    /// whose `createdAt` is greater than its value.
    #[serde(default)]
    pub bounds: BTreeMap<String, Comparison>,
    /// The sort order parameter of lists, if the API has one.
    #[serde(default)]
    pub sort: Option<SortConvention>,
    /// The properties beside a numbered list's total that echo the page
    /// asked for.
    #[serde(default)]
    pub page_echo: Option<PageEcho>,
}

/// The properties beside a numbered list's total that echo its page and
/// page size (set when the page's instance has them).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageEcho {
    /// The page number's.
    pub page: String,
    /// The page size's.
    pub limit: String,
}

/// How a bound parameter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
}

/// A list's sort order parameter and its two values.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortConvention {
    /// The parameter.
    pub parameter: String,
    /// Its value for oldest first (the mock's default).
    pub ascending: String,
    /// Its value for newest first.
    pub descending: String,
}

/// How a resource handle is named from its label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceNames {
    /// The label's last word in the plural (`Insight` → `insights()`),
    /// for labels from tags and paths (a name set by hand is kept).
    #[default]
    Plural,
    /// The label as it is.
    AsLabelled,
}

/// Plurals the English rules get wrong: word → plural, lower case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Plurals {
    /// Free text for the maintainer.
    #[serde(default)]
    pub description: Option<String>,
    /// Word → plural.
    #[serde(flatten)]
    pub words: BTreeMap<String, String>,
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

/// What is wrong in an `sdk` section: the JSON pointer (from the overrides'
/// root) and the problem.
pub type ConventionError = (String, String);

impl Conventions {
    /// The conventions a document carries: its overrides' `sdk` section (put
    /// there by [`crate::pipeline::load`]), each part it leaves out taken
    /// from the project's defaults. A document without one (a revision of
    /// `openapi/` from before the conventions were data, or a document
    /// without overrides) is read as the generator then read it
    /// ([`Conventions::legacy`]).
    pub fn of(doc: &Value) -> Result<Conventions, ConventionError> {
        match doc.get(OVERRIDES_KEY).and_then(|o| o.get(SDK_KEY)) {
            Some(sdk) => Conventions::parse(sdk),
            None => Ok(Conventions::legacy()),
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
        Conventions::parse(&Conventions::defaults_value()).unwrap_or_default()
    }

    /// The conventions the generator followed before they were data: the
    /// defaults' verb table and list shapes, handles named as labelled, no
    /// renames.
    pub fn legacy() -> Conventions {
        Conventions {
            resource_names: ResourceNames::AsLabelled,
            renames: Renames::default(),
            ..Conventions::defaults()
        }
    }

    /// Read an `sdk` section, each top-level part it leaves out taken from
    /// the defaults (a section with only `renames` keeps the verb table and
    /// the list shapes); says where it is wrong.
    pub fn parse(sdk: &Value) -> Result<Conventions, ConventionError> {
        let Some(given) = sdk.as_object() else {
            return Err((format!("/{SDK_KEY}"), "is not a JSON object".into()));
        };
        let mut merged = Conventions::defaults_value()
            .as_object()
            .cloned()
            .unwrap_or_default();
        merged.extend(given.clone());
        let at = |path: &[String]| {
            let mut pointer = format!("/{SDK_KEY}");
            for token in path {
                pointer.push('/');
                pointer.push_str(&super::pointer_token(token));
            }
            pointer
        };
        let conventions: Conventions = serde_path_to_error::deserialize(&Value::Object(merged))
            .map_err(|e| {
                let path: Vec<String> = e
                    .path()
                    .iter()
                    .filter_map(|segment| match segment {
                        serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                        serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                        serde_path_to_error::Segment::Unknown => None,
                    })
                    .collect();
                (at(&path), e.into_inner().to_string())
            })?;
        let reason = "a rename states its reason".to_string();
        for (label, r) in &conventions.renames.resources {
            let path = ["renames".into(), "resources".into(), label.clone()];
            if r.reason.trim().is_empty() {
                return Err((at(&path), reason));
            }
            if super::names::field_name(&r.name).as_deref() != Some(r.name.as_str()) {
                return Err((at(&path), format!("`{}` is not a snake_case name", r.name)));
            }
        }
        for (id, r) in &conventions.renames.operations {
            let path = ["renames".into(), "operations".into(), id.clone()];
            if r.reason.trim().is_empty() {
                return Err((at(&path), reason));
            }
            if let Some(m) = &r.method
                && super::names::field_name(m).as_deref() != Some(m.as_str())
            {
                return Err((at(&path), format!("`{m}` is not a snake_case name")));
            }
            if let Some(p) = &r.pagination
                && *p != Value::Bool(false)
            {
                serde_json::from_value::<Paging>(p.clone()).map_err(|e| {
                    let mut path = path.to_vec();
                    path.push("pagination".into());
                    (at(&path), e.to_string())
                })?;
            }
        }
        Ok(conventions)
    }

    /// A resource's last word in the plural: the conventions' own plural of
    /// it if they list one, else by the English rules (see
    /// [`ResourceNames::Plural`]).
    pub fn plural(&self, word: &str) -> String {
        match self.plurals.words.get(word) {
            Some(plural) => plural.clone(),
            None => english_plural(word),
        }
    }
}

/// `word` (lower case) in the plural, by the English rules a resource name
/// needs: a word ending in `s` is taken as plural already (`analytics`,
/// `calls`), `y` after a consonant becomes `ies`, `x`/`z`/`ch`/`sh` take
/// `es`, others `s`.
fn english_plural(word: &str) -> String {
    if word.is_empty() || !word.ends_with(|c: char| c.is_ascii_alphabetic()) || word.ends_with('s')
    {
        return word.to_string();
    }
    let before_y = word.strip_suffix('y').and_then(|s| s.chars().last());
    if before_y.is_some_and(|c| !"aeiou".contains(c)) {
        return format!("{}ies", &word[..word.len() - 1]);
    }
    if ["x", "z", "ch", "sh"].iter().any(|e| word.ends_with(e)) {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// The key of the conventions in the overrides.
pub const SDK_KEY: &str = "sdk";

/// Add `keys` to the [`SDK_EXTENSION`] of the operations at the given
/// pointers (made where an operation has none); returns the pointers of the
/// operations changed, in document order.
pub fn extend_extensions(doc: &mut Value, wanted: &[(String, Map<String, Value>)]) -> Vec<String> {
    let mut changed = Vec::new();
    for (path, method, op) in super::operations_mut(doc) {
        let pointer = super::operation_pointer(&path, &method);
        let Some((_, keys)) = wanted.iter().find(|(p, _)| *p == pointer) else {
            continue;
        };
        let extension = op
            .entry(SDK_EXTENSION)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(extension) = extension.as_object_mut() {
            extension.extend(keys.clone());
            changed.push(pointer);
        }
    }
    changed
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
    fn a_document_without_conventions_is_read_as_before_they_were_data() {
        let legacy = Conventions::of(&json!({})).unwrap();
        assert_eq!(legacy, Conventions::legacy());
        assert_eq!(legacy.resource_names, ResourceNames::AsLabelled);
        assert!(legacy.renames.operations.is_empty());
        assert_eq!(legacy.verbs, Conventions::defaults().verbs);
        assert_eq!(legacy.pagination, Conventions::defaults().pagination);
    }

    #[test]
    fn a_partial_section_keeps_the_parts_it_leaves_out() {
        let own = json!({OVERRIDES_KEY: {"sdk": {"renames": {"operations": {
            "X_y": {"method": "z", "reason": "r"}}}}}});
        let c = Conventions::of(&own).unwrap();
        assert_eq!(c.renames.operations["X_y"].method.as_deref(), Some("z"));
        assert_eq!(c.verbs, Conventions::defaults().verbs);
        assert_eq!(c.pagination, Conventions::defaults().pagination);
        assert_eq!(c.resource_names, ResourceNames::Plural);
        let labelled = json!({OVERRIDES_KEY: {"sdk": {"resourceNames": "as-labelled"}}});
        assert_eq!(
            Conventions::of(&labelled).unwrap().resource_names,
            ResourceNames::AsLabelled
        );
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let at = |v: Value| Conventions::parse(&v).unwrap_err().0;
        assert_eq!(at(json!([])), "/sdk");
        assert_eq!(at(json!({"verb": []})), "/sdk/verb");
        assert_eq!(
            at(json!({"verbs": {"table": [{"verb": "x"}]}})),
            "/sdk/verbs/table/0"
        );
        assert_eq!(
            at(json!({"renames": {"operations": {"X_y": {"method": "z"}}}})),
            "/sdk/renames/operations/X_y"
        );
        assert_eq!(
            at(json!({"renames": {"resources": {"A/B": {"name": "b", "reason": " "}}}})),
            "/sdk/renames/resources/A~1B"
        );
        assert_eq!(
            at(json!({"renames": {"operations": {"X_y": {"method": "Not Snake", "reason": "r"}}}})),
            "/sdk/renames/operations/X_y"
        );
        assert_eq!(
            at(
                json!({"renames": {"operations": {"X_y": {"reason": "r", "pagination": {"kind": "cursor"}}}}})
            ),
            "/sdk/renames/operations/X_y/pagination"
        );
        assert_eq!(
            at(json!({"pagination": {"timeCursor": {"order": "random"}}})),
            "/sdk/pagination/timeCursor/order"
        );
    }

    #[test]
    fn the_project_plurals_cover_what_the_rules_get_wrong() {
        let c = Conventions::defaults();
        assert_eq!(c.plural("feedback"), "feedback");
        assert_eq!(c.plural("person"), "people");
        assert_eq!(c.plural("policy"), "policies");
        assert_eq!(c.plural("key"), "keys");
        assert_eq!(c.plural("analytics"), "analytics");
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
