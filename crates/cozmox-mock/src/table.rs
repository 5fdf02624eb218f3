//! The types of the generated route table (`generated/mod.rs`, written by
//! `cargo xtask generate` from the operation model): what each operation of
//! the API is and how the server answers it.

// Which kinds, bodies and answers a document uses depends on the document.
#![allow(dead_code)]

use serde_json::{Map, Value};

/// Decode a request body strictly as its model and check its constraints:
/// its fields as the SDK encodes them, or the messages of a `400`.
pub(crate) type DecodeFn = fn(&[u8]) -> Result<Map<String, Value>, Vec<String>>;

/// Decode an answer strictly as its operation's success type.
pub(crate) type CheckFn = fn(&[u8]) -> Result<(), String>;

/// The API: its stores and its operations.
pub(crate) struct Api {
    /// The collections the mock keeps state for.
    pub stores: &'static [Store],
    /// Every operation of the document.
    pub operations: &'static [Operation],
}

/// A collection the mock keeps items of.
pub(crate) struct Store {
    /// The resource's name (the client's accessor: `sessions`).
    pub name: &'static str,
    /// The collection's path template (`/session`).
    pub path: &'static str,
    /// The identity property, assigned on create.
    pub id: &'static str,
    /// The creation time property, if the items have one.
    pub created: Option<&'static str>,
    /// The update time property, if the items have one.
    pub updated: Option<&'static str>,
    /// Instances of the item (one per member of a union item) that a
    /// created item starts from.
    pub templates: &'static [Template],
    /// The item's strict decode.
    pub check: Option<CheckFn>,
}

/// An instance of an item type and the properties it may hold.
pub(crate) struct Template {
    /// The instance (JSON).
    pub json: &'static str,
    /// The properties of its type.
    pub fields: &'static [&'static str],
}

/// One operation.
pub(crate) struct Operation {
    /// Its operationId.
    pub id: &'static str,
    /// `GET`, `POST`…
    pub method: &'static str,
    /// Its path template.
    pub path: &'static str,
    /// Its success status.
    pub status: u16,
    /// What it does.
    pub kind: Kind,
    /// Its request body.
    pub body: Body,
    /// An instance of its success answer.
    pub answer: Answer,
    /// Its success type's strict decode.
    pub check: Option<CheckFn>,
}

/// What an operation does.
pub(crate) enum Kind {
    /// Store a new item in store `n`.
    Create(usize),
    /// Answer an item of store `n`.
    Get(usize),
    /// Merge the body into an item of store `n` (`PATCH`).
    Update(usize),
    /// Build an item of store `n` again from the body (`PUT`).
    Replace(usize),
    /// Remove an item.
    Delete {
        /// The store.
        store: usize,
        /// Whether the answer is the removed item.
        answers_item: bool,
    },
    /// List the items of store `n`.
    List(usize, &'static List),
    /// Answer [`Operation::answer`].
    Answer,
}

/// A request body.
pub(crate) enum Body {
    /// None.
    None,
    /// JSON of a model.
    Json(DecodeFn),
    /// JSON without a model.
    AnyJson,
    /// Something else (a form, bytes): read, not decoded.
    Other,
}

/// The answer instance.
pub(crate) enum Answer {
    /// No body.
    Empty,
    /// An empty body of this media type.
    Bytes(&'static str),
    /// This JSON.
    Json(&'static str),
    /// None could be built from the schema: why.
    Unbuildable(&'static str),
}

/// How a list pages, filters and sorts.
pub(crate) struct List {
    /// Its pages.
    pub pages: Pages,
    /// Its filters.
    pub filters: &'static [Filter],
    /// Its sort parameter: (name, ascending value, descending value).
    pub sort: Option<(&'static str, &'static str, &'static str)>,
    /// An instance of its answer (the page object a numbered list fills).
    pub page: &'static str,
}

/// How a list pages.
pub(crate) enum Pages {
    /// By number: an object with the items and their total.
    Numbered {
        page: &'static str,
        limit: &'static str,
        max_limit: Option<u64>,
        default_limit: Option<u64>,
        items: &'static str,
        /// A JSON pointer to the total.
        total: Option<&'static str>,
        /// A JSON pointer to the page number's echo (set if the page has it).
        echo_page: Option<&'static str>,
        /// A JSON pointer to the page size's echo (set if the page has it).
        echo_limit: Option<&'static str>,
    },
    /// The first `limit` items as an array (a time cursor's bounds are
    /// filters).
    Limited {
        limit: &'static str,
        max_limit: Option<u64>,
        default_limit: Option<u64>,
        newest_first: bool,
    },
    /// All the items, as an array.
    All,
}

/// A query parameter that keeps the items whose property compares to it.
pub(crate) struct Filter {
    /// The parameter.
    pub parameter: &'static str,
    /// The items' property.
    pub property: &'static str,
    /// The comparison.
    pub cmp: Cmp,
    /// Whether the parameter is a date-time (a value that is not one is
    /// refused).
    pub date: bool,
}

/// How a filter compares (dates as instants, numbers as numbers, others as
/// text).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmp {
    Equal,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}
