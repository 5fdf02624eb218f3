//! The data of a spec-drift report: each change, where it is, and what it
//! does to the generated Rust API and to the wire.

use std::collections::BTreeMap;

use serde::Serialize;

/// How much a change matters on one axis (the Rust API, or the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Nothing changes on this axis (e.g. a description, for the wire).
    None,
    /// Something changes, and existing code or clients keep working.
    Compatible,
    /// Existing code still compiles, but some calls that worked fail at run
    /// time (Rust API only: a path parameter that becomes `format: uuid`
    /// still takes `.id("s1")`, through `TryInto`, and fails at `send()`).
    RunTime,
    /// Existing code stops compiling, or clients built from the old
    /// document fail against a server that follows the new one.
    Breaking,
}

impl Impact {
    /// [`Impact::Breaking`] or [`Impact::RunTime`].
    pub fn breaks(self) -> bool {
        matches!(self, Impact::Breaking | Impact::RunTime)
    }
}

/// An [`Impact`] with the reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// How much it matters.
    pub impact: Impact,
    /// Why, in a few words (empty for [`Impact::None`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Verdict {
    /// No effect on this axis.
    pub fn none() -> Self {
        Verdict {
            impact: Impact::None,
            reason: String::new(),
        }
    }

    /// A change existing code or clients survive.
    pub fn compatible(reason: impl Into<String>) -> Self {
        Verdict {
            impact: Impact::Compatible,
            reason: reason.into(),
        }
    }

    /// A change that breaks existing code or clients.
    pub fn breaking(reason: impl Into<String>) -> Self {
        Verdict {
            impact: Impact::Breaking,
            reason: reason.into(),
        }
    }

    /// A change after which existing code compiles but fails at run time.
    pub fn run_time(reason: impl Into<String>) -> Self {
        Verdict {
            impact: Impact::RunTime,
            reason: reason.into(),
        }
    }
}

/// What kind of change it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A new operation.
    OperationAdded,
    /// An operation that is gone.
    OperationRemoved,
    /// The same method and path under another `operationId`.
    OperationRenamed,
    /// The same `operationId` at another method or path.
    RouteChanged,
    /// A new parameter.
    ParameterAdded,
    /// A parameter that is gone.
    ParameterRemoved,
    /// A request body where there was none.
    RequestBodyAdded,
    /// A request body that is gone.
    RequestBodyRemoved,
    /// A new media type of a request or response body.
    ContentTypeAdded,
    /// A media type of a request or response body that is gone.
    ContentTypeRemoved,
    /// A new response status.
    ResponseAdded,
    /// A response status that is gone.
    ResponseRemoved,
    /// The type of the success body (what `send()` returns) changed.
    ReturnTypeChanged,
    /// A new component schema.
    ComponentAdded,
    /// A component schema that is gone.
    ComponentRemoved,
    /// A new property.
    PropertyAdded,
    /// A property that is gone.
    PropertyRemoved,
    /// A schema whose type changed.
    Retyped,
    /// A property or parameter that became required or optional.
    RequiredChanged,
    /// A schema that became nullable or stopped being.
    NullableChanged,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value that is gone.
    EnumValueRemoved,
    /// A new member of a oneOf/anyOf.
    UnionMemberAdded,
    /// A member of a oneOf/anyOf that is gone.
    UnionMemberRemoved,
    /// A length, range, size or pattern constraint that accepts less.
    ConstraintTightened,
    /// A length, range, size or pattern constraint that accepts more.
    ConstraintLoosened,
    /// A pattern replaced by another (neither clearly tighter nor looser).
    ConstraintChanged,
    /// An inline schema whose generated type gets another name (its `title`).
    InlineTypeRenamed,
    /// A place's generated type is no longer shared with some of the places
    /// it shared it with (normalization rule `shared-inline-type`): code
    /// passing one where the other was expected stops compiling. (Starting
    /// to share is no change: each place keeps its name.)
    SharedTypeChanged,
    /// A `default` value changed.
    DefaultChanged,
    /// The resource or method an operation's `x-cozmox-sdk` extension gives
    /// it (the overrides' renames) changed: the Rust call is renamed.
    SdkNameChanged,
    /// How a list pages (its `x-cozmox-sdk` pagination, inferred or stated)
    /// changed: `.stream()`/`.pages()` appear, go, or page another way.
    PaginationChanged,
    /// A description or summary changed (counted; listed with `--verbose`).
    DescriptionChanged,
}

impl Kind {
    /// Every kind, in order.
    pub const ALL: &'static [Kind] = &[
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::OperationRenamed,
        Kind::RouteChanged,
        Kind::ParameterAdded,
        Kind::ParameterRemoved,
        Kind::RequestBodyAdded,
        Kind::RequestBodyRemoved,
        Kind::ContentTypeAdded,
        Kind::ContentTypeRemoved,
        Kind::ResponseAdded,
        Kind::ResponseRemoved,
        Kind::ReturnTypeChanged,
        Kind::ComponentAdded,
        Kind::ComponentRemoved,
        Kind::PropertyAdded,
        Kind::PropertyRemoved,
        Kind::Retyped,
        Kind::RequiredChanged,
        Kind::NullableChanged,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::UnionMemberAdded,
        Kind::UnionMemberRemoved,
        Kind::ConstraintTightened,
        Kind::ConstraintLoosened,
        Kind::ConstraintChanged,
        Kind::InlineTypeRenamed,
        Kind::SharedTypeChanged,
        Kind::DefaultChanged,
        Kind::SdkNameChanged,
        Kind::PaginationChanged,
        Kind::DescriptionChanged,
    ];

    /// The kebab-case name used in JSON (`property-added`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::OperationRenamed => "operation-renamed",
            Kind::RouteChanged => "route-changed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::ContentTypeAdded => "content-type-added",
            Kind::ContentTypeRemoved => "content-type-removed",
            Kind::ResponseAdded => "response-added",
            Kind::ResponseRemoved => "response-removed",
            Kind::ReturnTypeChanged => "return-type-changed",
            Kind::ComponentAdded => "component-added",
            Kind::ComponentRemoved => "component-removed",
            Kind::PropertyAdded => "property-added",
            Kind::PropertyRemoved => "property-removed",
            Kind::Retyped => "retyped",
            Kind::RequiredChanged => "required-changed",
            Kind::NullableChanged => "nullable-changed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::UnionMemberAdded => "union-member-added",
            Kind::UnionMemberRemoved => "union-member-removed",
            Kind::ConstraintTightened => "constraint-tightened",
            Kind::ConstraintLoosened => "constraint-loosened",
            Kind::ConstraintChanged => "constraint-changed",
            Kind::InlineTypeRenamed => "inline-type-renamed",
            Kind::SharedTypeChanged => "shared-type-changed",
            Kind::DefaultChanged => "default-changed",
            Kind::SdkNameChanged => "sdk-name-changed",
            Kind::PaginationChanged => "pagination-changed",
            Kind::DescriptionChanged => "description-changed",
        }
    }

    /// Words for the Markdown report (`property added`).
    pub fn label(self) -> String {
        self.as_str().replace('-', " ")
    }
}

/// Where a schema is used, computed from what the operations reach: through
/// request bodies and parameters (request), or through responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Sides {
    /// Reachable from a request body or parameter.
    pub request: bool,
    /// Reachable from a response.
    pub response: bool,
}

impl Sides {
    /// Request side only.
    pub const REQUEST: Sides = Sides {
        request: true,
        response: false,
    };
    /// Response side only.
    pub const RESPONSE: Sides = Sides {
        request: false,
        response: true,
    };
    /// Both sides.
    pub const BOTH: Sides = Sides {
        request: true,
        response: true,
    };

    /// Both sets of uses together.
    pub fn union(self, other: Sides) -> Sides {
        Sides {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    /// The sides a change is classified for: a schema no operation reaches
    /// (e.g. a webhook payload) may be used either way, so it counts as both.
    pub fn effective(self) -> Sides {
        if self.request || self.response {
            self
        } else {
            Sides::BOTH
        }
    }

    /// `requests`, `responses`, `requests and responses`, or `no operation`.
    pub fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, false) => "requests",
            (false, true) => "responses",
            (true, true) => "requests and responses",
            (false, false) => "no operation",
        }
    }
}

/// One change between the two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub kind: Kind,
    /// Where, readable: `Session.messages[]::UserMessage.role`,
    /// `query limit`, `body.name`, `response 200`.
    pub location: String,
    /// JSON pointer of the place in the new document (in the old document
    /// for things that were removed), after normalization.
    pub pointer: String,
    /// What changed, in words.
    pub detail: String,
    /// The old value, where there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value, where there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// What it does to code written against the old generated SDK.
    pub rust: Verdict,
    /// What it does to clients built from the old document talking to a
    /// server that follows the new one.
    pub wire: Verdict,
}

impl Change {
    /// Breaking on either axis.
    pub fn is_breaking(&self) -> bool {
        self.rust.impact.breaks() || self.wire.impact.breaks()
    }

    /// A description change (counted, listed only with `--verbose`).
    pub fn is_description(&self) -> bool {
        self.kind == Kind::DescriptionChanged
    }

    /// Sort key: breaking first, then by place and kind.
    pub(crate) fn sort_key(&self) -> (bool, &str, Kind, &str) {
        (!self.is_breaking(), &self.location, self.kind, &self.detail)
    }
}

/// Whether a group (operation or component) is new, gone, or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Only in the new document.
    Added,
    /// Only in the old document.
    Removed,
    /// In both, with changes.
    Changed,
}

impl Status {
    /// `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// The changes of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationDiff {
    /// `operationId` (or `METHOD path` when there is none).
    pub id: String,
    /// HTTP method, upper case (the new one when it changed).
    pub method: String,
    /// Path template (the new one when it changed).
    pub path: String,
    /// Added, removed or changed.
    pub status: Status,
    /// The changes, breaking first.
    pub changes: Vec<Change>,
}

/// The changes of one component schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentDiff {
    /// The component's name.
    pub name: String,
    /// Where the operations use it (old and new uses together).
    pub sides: Sides,
    /// Added, removed or changed.
    pub status: Status,
    /// The changes, breaking first.
    pub changes: Vec<Change>,
}

/// Added / removed / changed counts of a kind of group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Only in the new document.
    pub added: usize,
    /// Only in the old document.
    pub removed: usize,
    /// In both, with at least one change other than a description.
    pub changed: usize,
}

/// The counts of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes breaking on either axis.
    pub breaking: usize,
    /// Changes breaking the Rust API (existing code stops compiling or
    /// fails at run time).
    pub rust_breaking: usize,
    /// Of those, the ones after which existing code still compiles but
    /// fails at run time.
    pub rust_run_time: usize,
    /// Changes breaking on the wire.
    pub wire_breaking: usize,
    /// Changes that break nothing (descriptions not included).
    pub compatible: usize,
    /// Descriptions and summaries changed.
    pub descriptions: usize,
    /// Operations added, removed, changed.
    pub operations: Counts,
    /// Components added, removed, changed.
    pub components: Counts,
    /// Number of changes of each kind (kebab-case name → count).
    pub kinds: BTreeMap<String, usize>,
}

/// Everything that changed between two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// What the old side was read from.
    pub old: String,
    /// What the new side was read from.
    pub new: String,
    /// Operations with changes, by id.
    pub operations: Vec<OperationDiff>,
    /// Components with changes, by name.
    pub components: Vec<ComponentDiff>,
}

impl Report {
    /// Every change, operations first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.operations
            .iter()
            .flat_map(|o| &o.changes)
            .chain(self.components.iter().flat_map(|c| &c.changes))
    }

    /// No change at all (descriptions included).
    pub fn is_empty(&self) -> bool {
        self.changes().next().is_none()
    }

    /// Whether anything is breaking, for the Rust API or on the wire.
    pub fn has_breaking(&self) -> bool {
        self.changes().any(Change::is_breaking)
    }

    /// The command's exit code: 0 when nothing is breaking, 2 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.has_breaking() { 2 } else { 0 }
    }

    /// Count everything.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in self.changes() {
            *s.kinds.entry(c.kind.as_str().to_string()).or_default() += 1;
            if c.is_description() {
                s.descriptions += 1;
            } else if c.is_breaking() {
                s.breaking += 1;
            } else {
                s.compatible += 1;
            }
            s.rust_breaking += usize::from(c.rust.impact.breaks());
            s.rust_run_time += usize::from(c.rust.impact == Impact::RunTime);
            s.wire_breaking += usize::from(c.wire.impact.breaks());
        }
        let count = |counts: &mut Counts, status: Status, changes: &[Change]| match status {
            Status::Added => counts.added += 1,
            Status::Removed => counts.removed += 1,
            Status::Changed => {
                if changes.iter().any(|c| !c.is_description()) {
                    counts.changed += 1;
                }
            }
        };
        for o in &self.operations {
            count(&mut s.operations, o.status, &o.changes);
        }
        for c in &self.components {
            count(&mut s.components, c.status, &c.changes);
        }
        s
    }

    /// The same report without description changes (and without groups
    /// left empty), for listing when `--verbose` is not given.
    pub fn without_descriptions(&self) -> Report {
        let mut out = self.clone();
        for o in &mut out.operations {
            o.changes.retain(|c| !c.is_description());
        }
        out.operations.retain(|o| !o.changes.is_empty());
        for c in &mut out.components {
            c.changes.retain(|c| !c.is_description());
        }
        out.components.retain(|c| !c.changes.is_empty());
        out
    }
}
