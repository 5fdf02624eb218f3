//! The comparison itself: operations by `operationId`, components by name,
//! and, inside each, schemas node by node (properties, items, map values,
//! union members), without following `$ref`s (each component is compared
//! once, under its own name). Every change gets a verdict for the Rust API
//! and one for the wire; the rules are in
//! `docs/diff-classification.md`, the specification of this code.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use super::model::{Change, ComponentDiff, Kind, OperationDiff, Sides, Status, Verdict};
use super::sides::component_sides;
use crate::spec::pointer_token;
use crate::spec::type_name;
use crate::spec::{COMPONENT_REF, resolve};

/// Compare two normalized documents: operations, then components.
pub fn compare(old: &Value, new: &Value) -> (Vec<OperationDiff>, Vec<ComponentDiff>) {
    (compare_operations(old, new), compare_components(old, new))
}

// ---------------------------------------------------------------------------
// Components.

fn schemas(doc: &Value) -> BTreeMap<&str, &Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn compare_components(old: &Value, new: &Value) -> Vec<ComponentDiff> {
    let (os, ns) = (schemas(old), schemas(new));
    let (osides, nsides) = (component_sides(old), component_sides(new));
    let names: BTreeSet<&str> = os.keys().chain(ns.keys()).copied().collect();
    let places = std::rc::Rc::new(place_names(new));
    let mut out = Vec::new();
    for name in names {
        let sides = osides
            .get(name)
            .copied()
            .unwrap_or_default()
            .union(nsides.get(name).copied().unwrap_or_default());
        let ptr = format!("/components/schemas/{}", pointer_token(name));
        let rust = type_name(name);
        let (status, changes) = match (os.get(name), ns.get(name)) {
            (None, Some(_)) => (
                Status::Added,
                vec![change(
                    Kind::ComponentAdded,
                    name,
                    &ptr,
                    format!("new type `{rust}`"),
                    Verdict::compatible("a new type"),
                    Verdict::none(),
                )],
            ),
            (Some(_), None) => (
                Status::Removed,
                vec![change(
                    Kind::ComponentRemoved,
                    name,
                    &ptr,
                    format!("type `{rust}` removed"),
                    Verdict::breaking(format!("the type `{rust}` is gone")),
                    Verdict::none(),
                )],
            ),
            (Some(o), Some(n)) => {
                let mut w = Walker::new(Site::Component, sides.effective());
                w.places = places.clone();
                w.schema(o, n, &At::root(name, &ptr, &ptr));
                (Status::Changed, w.finish())
            }
            (None, None) => continue,
        };
        if !changes.is_empty() {
            out.push(ComponentDiff {
                name: name.to_string(),
                sides,
                status,
                changes,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Operations.

/// One operation of a document.
struct Op<'a> {
    method: String,
    path: String,
    node: &'a Map<String, Value>,
    item: &'a Map<String, Value>,
    ptr: String,
}

impl Op<'_> {
    fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// `operationId` (or `METHOD path` without one) → the operation.
fn operations(doc: &Value) -> BTreeMap<String, Op<'_>> {
    let mut out = BTreeMap::new();
    for found in crate::spec::operations(doc) {
        let op = Op {
            method: found.method.to_uppercase(),
            path: found.path.to_string(),
            node: found.node,
            item: found.item,
            ptr: found.pointer(),
        };
        let id = found
            .id()
            .filter(|id| !out.contains_key(*id))
            .map_or_else(|| op.route(), str::to_string);
        out.insert(id, op);
    }
    out
}

fn compare_operations(old: &Value, new: &Value) -> Vec<OperationDiff> {
    let (oo, no) = (operations(old), operations(new));
    // An id that disappeared while another appeared on the same route is a
    // rename of the same operation.
    let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
    for (oid, op) in oo.iter().filter(|(id, _)| !no.contains_key(*id)) {
        if let Some((nid, _)) = no.iter().find(|(nid, nop)| {
            !oo.contains_key(*nid)
                && nop.route() == op.route()
                && !renamed.values().any(|v| v == nid)
        }) {
            renamed.insert(oid.as_str(), nid.as_str());
        }
    }
    let rename_targets: BTreeMap<&str, &str> = renamed.iter().map(|(o, n)| (*n, *o)).collect();
    let ids: BTreeSet<&str> = oo.keys().chain(no.keys()).map(String::as_str).collect();
    let mut out = Vec::new();
    for id in ids {
        let old_id = rename_targets.get(id).copied().unwrap_or(id);
        let (group_op, status, changes) = match (oo.get(old_id), no.get(id)) {
            (Some(_), None) if renamed.contains_key(id) => continue,
            (None, Some(n)) => (
                n,
                Status::Added,
                vec![change(
                    Kind::OperationAdded,
                    &n.route(),
                    &n.ptr,
                    "new operation",
                    Verdict::compatible(format!("a new method `{}`", id.to_snake_case())),
                    Verdict::compatible("a new endpoint"),
                )],
            ),
            (Some(o), None) => (
                o,
                Status::Removed,
                vec![change(
                    Kind::OperationRemoved,
                    &o.route(),
                    &o.ptr,
                    "operation removed",
                    Verdict::breaking(format!("the method `{}` is gone", id.to_snake_case())),
                    Verdict::breaking("the endpoint is gone"),
                )],
            ),
            (Some(o), Some(n)) => {
                let mut changes = compare_operation(o, n, old, new);
                if old_id != id {
                    changes.push(change(
                        Kind::OperationRenamed,
                        &n.route(),
                        &n.ptr,
                        format!("operationId `{old_id}` → `{id}`"),
                        Verdict::breaking(format!(
                            "the method `{}` is now `{}`",
                            old_id.to_snake_case(),
                            id.to_snake_case()
                        )),
                        Verdict::none(),
                    ));
                }
                changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                (n, Status::Changed, changes)
            }
            (None, None) => continue,
        };
        if !changes.is_empty() {
            out.push(OperationDiff {
                id: id.to_string(),
                method: group_op.method.clone(),
                path: group_op.path.clone(),
                status,
                changes,
            });
        }
    }
    out
}

fn compare_operation(o: &Op, n: &Op, old: &Value, new: &Value) -> Vec<Change> {
    let mut w = Walker::new(Site::Body, Sides::REQUEST);
    if o.route() != n.route() {
        w.push(change(
            Kind::RouteChanged,
            &n.route(),
            &n.ptr,
            format!("`{}` → `{}`", o.route(), n.route()),
            Verdict::compatible("the method keeps its name and calls the new route"),
            Verdict::breaking("old clients call the old route"),
        ));
    }
    for key in ["summary", "description"] {
        w.description(
            o.node.get(key),
            n.node.get(key),
            &format!("operation {key}"),
            &format!("{}/{key}", n.ptr),
        );
    }
    parameters(&mut w, o, n, old, new);
    request_body(&mut w, o, n, old, new);
    responses(&mut w, o, n, old, new);
    sdk_extension(&mut w, o, n);
    w.finish()
}

/// The SDK's own view of an operation (its `x-cozmox-sdk` extension, which
/// normalization writes from the overrides' renames and the pagination it
/// infers): a renamed resource or method, and a list that starts or stops
/// paging.
fn sdk_extension(w: &mut Walker, o: &Op, n: &Op) {
    use crate::spec::conventions::SDK_EXTENSION;
    let get = |op: &Op, key: &str| {
        op.node
            .get(SDK_EXTENSION)
            .and_then(|e| e.get(key))
            .filter(|v| **v != Value::Bool(false))
            .cloned()
    };
    let ptr = format!("{}/{SDK_EXTENSION}", n.ptr);
    let text = |v: &Option<Value>| {
        v.as_ref().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    for key in ["resource", "method"] {
        let (a, b) = (get(o, key), get(n, key));
        if a != b {
            w.push(
                change(
                    Kind::SdkNameChanged,
                    &n.route(),
                    &ptr,
                    format!("the SDK's {key} name (overrides' renames)"),
                    Verdict::breaking(format!(
                        "the call's {key} is renamed: code using the old name stops compiling"
                    )),
                    Verdict::none(),
                )
                .values(text(&a), text(&b)),
            );
        }
    }
    let (a, b) = (get(o, "pagination"), get(n, "pagination"));
    if a != b {
        let rust = match (&a, &b) {
            (None, _) => Verdict::compatible("`.stream()` and `.pages()` added"),
            (_, None) => Verdict::breaking("`.stream()` and `.pages()` are gone"),
            _ => Verdict::compatible("`.stream()` pages another way"),
        };
        w.push(
            change(
                Kind::PaginationChanged,
                &n.route(),
                &format!("{ptr}/pagination"),
                "how the list pages",
                rust,
                Verdict::none(),
            )
            .values(text(&a), text(&b)),
        );
    }
}

/// `(in, name)` → (parameter, pointer): the path item's, overridden by the
/// operation's.
fn params<'a>(doc: &'a Value, op: &Op<'a>) -> BTreeMap<(String, String), (&'a Value, String)> {
    let mut out = BTreeMap::new();
    let item_ptr = format!("/paths/{}/parameters", pointer_token(&op.path));
    let op_ptr = format!("{}/parameters", op.ptr);
    for (list, ptr) in [
        (op.item.get("parameters"), item_ptr),
        (op.node.get("parameters"), op_ptr),
    ] {
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let p = resolve(doc, p);
            let (Some(loc), Some(name)) = (
                p.get("in").and_then(Value::as_str),
                p.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            out.insert(
                (loc.to_string(), name.to_string()),
                (p, format!("{ptr}/{i}")),
            );
        }
    }
    out
}

fn is_required(v: &Value) -> bool {
    v.get("required").and_then(Value::as_bool) == Some(true)
}

fn parameters(w: &mut Walker, o: &Op, n: &Op, old: &Value, new: &Value) {
    let (op, np) = (params(old, o), params(new, n));
    let keys: BTreeSet<&(String, String)> = op.keys().chain(np.keys()).collect();
    for key in keys {
        let loc = format!("{} {}", key.0, key.1);
        match (op.get(key), np.get(key)) {
            (None, Some((p, ptr))) => {
                let required = is_required(p) || key.0 == "path";
                let (rust, wire) = if required {
                    (
                        Verdict::run_time("`send()` fails until the new builder setter is called"),
                        Verdict::breaking("old clients do not send it"),
                    )
                } else {
                    (
                        Verdict::compatible("a new optional builder setter"),
                        Verdict::compatible("old clients do not send it"),
                    )
                };
                let detail = format!(
                    "{}, `{}`",
                    if required { "required" } else { "optional" },
                    describe(p.get("schema").unwrap_or(&Value::Bool(true)))
                );
                w.push(change(Kind::ParameterAdded, &loc, ptr, detail, rust, wire));
            }
            (Some((p, ptr)), None) => w.push(change(
                Kind::ParameterRemoved,
                &loc,
                ptr,
                format!(
                    "{}, `{}`",
                    required_word(is_required(p) || key.0 == "path"),
                    describe(p.get("schema").unwrap_or(&Value::Bool(true)))
                ),
                Verdict::breaking("its builder setter is gone"),
                Verdict::compatible("old clients still send it; the server ignores it"),
            )),
            (Some((a, aptr)), Some((b, bptr))) => {
                let (ra, rb) = (
                    is_required(a) || key.0 == "path",
                    is_required(b) || key.0 == "path",
                );
                if ra != rb {
                    let (rust, wire) = if rb {
                        (
                            Verdict::run_time("`send()` fails unless it is set"),
                            Verdict::breaking("old clients may omit it"),
                        )
                    } else {
                        (
                            Verdict::compatible("the builder setter stays"),
                            Verdict::compatible("the server no longer needs it"),
                        )
                    };
                    w.push(
                        change(
                            Kind::RequiredChanged,
                            &loc,
                            bptr,
                            required_words(ra, rb),
                            rust,
                            wire,
                        )
                        .values(Some(required_word(ra)), Some(required_word(rb))),
                    );
                }
                w.description(
                    a.get("description"),
                    b.get("description"),
                    &loc,
                    &format!("{bptr}/description"),
                );
                let any = Value::Bool(true);
                let mut pw = Walker::new(Site::Parameter, Sides::REQUEST);
                pw.schema(
                    a.get("schema").unwrap_or(&any),
                    b.get("schema").unwrap_or(&any),
                    &At::root(&loc, &format!("{aptr}/schema"), &format!("{bptr}/schema")),
                );
                w.changes.extend(pw.changes);
            }
            (None, None) => {}
        }
    }
}

fn request_body(w: &mut Walker, o: &Op, n: &Op, old: &Value, new: &Value) {
    let ob = o.node.get("requestBody").map(|b| resolve(old, b));
    let nb = n.node.get("requestBody").map(|b| resolve(new, b));
    let (optr, nptr) = (
        format!("{}/requestBody", o.ptr),
        format!("{}/requestBody", n.ptr),
    );
    match (ob, nb) {
        (None, None) => {}
        (None, Some(b)) => {
            let (rust, wire) = if is_required(b) {
                (
                    Verdict::run_time("`send()` fails until `.body()` is called"),
                    Verdict::breaking("old clients send no body"),
                )
            } else {
                (
                    Verdict::compatible("a new `.body()` setter"),
                    Verdict::compatible("old clients send no body"),
                )
            };
            w.push(change(
                Kind::RequestBodyAdded,
                "body",
                &nptr,
                format!("`{}`", body_type(Some(b))),
                rust,
                wire,
            ));
        }
        (Some(b), None) => w.push(change(
            Kind::RequestBodyRemoved,
            "body",
            &optr,
            format!("`{}`", body_type(Some(b))),
            Verdict::breaking("the `.body()` setter is gone"),
            Verdict::compatible("old clients send a body the server ignores"),
        )),
        (Some(a), Some(b)) => {
            let (ra, rb) = (is_required(a), is_required(b));
            if ra != rb {
                let (rust, wire) = if rb {
                    (
                        Verdict::run_time("`send()` fails unless `.body()` is called"),
                        Verdict::breaking("old clients may send no body"),
                    )
                } else {
                    (
                        Verdict::compatible("the `.body()` setter stays"),
                        Verdict::compatible("the server no longer needs a body"),
                    )
                };
                w.push(
                    change(
                        Kind::RequiredChanged,
                        "body",
                        &nptr,
                        required_words(ra, rb),
                        rust,
                        wire,
                    )
                    .values(Some(required_word(ra)), Some(required_word(rb))),
                );
            }
            w.description(
                a.get("description"),
                b.get("description"),
                "body",
                &format!("{nptr}/description"),
            );
            content(
                w,
                (a, b),
                "body",
                (&optr, &nptr),
                Site::Body,
                false,
                (
                    Verdict::breaking("the client can no longer send it"),
                    Verdict::breaking("old clients may send it"),
                ),
            );
        }
    }
}

/// The media types of a body (request or response) and their schemas.
fn content(
    w: &mut Walker,
    (a, b): (&Value, &Value),
    loc: &str,
    (aptr, bptr): (&str, &str),
    site: Site,
    skip_root_retype: bool,
    removed: (Verdict, Verdict),
) {
    let empty = Map::new();
    let ac = a
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let bc = b
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mimes: BTreeSet<&String> = ac.keys().chain(bc.keys()).collect();
    let any = Value::Bool(true);
    let sides = if site == Site::Response {
        Sides::RESPONSE
    } else {
        Sides::REQUEST
    };
    for mime in mimes {
        let mloc = if is_json(mime) && mimes_json_count(ac, bc) <= 1 {
            loc.to_string()
        } else {
            format!("{loc} {mime}")
        };
        let (mptr_a, mptr_b) = (
            format!("{aptr}/content/{}", pointer_token(mime)),
            format!("{bptr}/content/{}", pointer_token(mime)),
        );
        match (ac.get(mime), bc.get(mime)) {
            (None, Some(_)) => w.push(change(
                Kind::ContentTypeAdded,
                &mloc,
                &mptr_b,
                format!("`{mime}`"),
                Verdict::compatible("another media type"),
                Verdict::compatible("another media type"),
            )),
            (Some(_), None) => w.push(change(
                Kind::ContentTypeRemoved,
                &mloc,
                &mptr_a,
                format!("`{mime}`"),
                removed.0.clone(),
                removed.1.clone(),
            )),
            (Some(ma), Some(mb)) => {
                let sa = ma.get("schema").unwrap_or(&any);
                let sb = mb.get("schema").unwrap_or(&any);
                if skip_root_retype && head(sa) != head(sb) {
                    continue;
                }
                let mut sw = Walker::new(site, sides);
                sw.schema(
                    sa,
                    sb,
                    &At::root(
                        &mloc,
                        &format!("{mptr_a}/schema"),
                        &format!("{mptr_b}/schema"),
                    ),
                );
                w.changes.extend(sw.changes);
            }
            (None, None) => {}
        }
    }
}

fn mimes_json_count(a: &Map<String, Value>, b: &Map<String, Value>) -> usize {
    a.keys()
        .chain(b.keys())
        .filter(|m| is_json(m))
        .collect::<BTreeSet<_>>()
        .len()
}

fn is_json(mime: &str) -> bool {
    mime == "application/json" || mime.ends_with("+json")
}

/// What the body of a request or response decodes into.
fn body_type(body: Option<&Value>) -> String {
    let Some(content) = body
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return "no body".to_string();
    };
    match content.iter().find(|(m, _)| is_json(m)) {
        Some((_, media)) => describe(media.get("schema").unwrap_or(&Value::Bool(true))),
        None => content
            .keys()
            .next()
            .map(|m| format!("bytes ({m})"))
            .unwrap_or_default(),
    }
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// What `send()` returns: the body of the first success status.
fn return_type(doc: &Value, op: &Op) -> String {
    let responses = op.node.get("responses").and_then(Value::as_object);
    let first = responses
        .into_iter()
        .flatten()
        .filter(|(s, _)| is_success(s))
        .min_by(|a, b| a.0.cmp(b.0));
    let redirects = responses
        .into_iter()
        .flatten()
        .any(|(s, _)| s.starts_with('3'));
    match first {
        // A download that documents a redirect answers `Download` (pass
        // `unified-errors`): the bytes or the redirect.
        Some((_, r)) => {
            let body = body_type(Some(resolve(doc, r)));
            if redirects && body.starts_with("bytes") {
                format!("{body} or a redirect (`Download`)")
            } else {
                body
            }
        }
        None => "no success response".to_string(),
    }
}

fn responses(w: &mut Walker, o: &Op, n: &Op, old: &Value, new: &Value) {
    let (ort, nrt) = (return_type(old, o), return_type(new, n));
    let rt_changed = ort != nrt;
    if rt_changed {
        w.push(
            change(
                Kind::ReturnTypeChanged,
                "response",
                &format!("{}/responses", n.ptr),
                format!("`{ort}` → `{nrt}`"),
                Verdict::breaking("`send()` returns another type"),
                Verdict::breaking("old clients cannot decode the new success body"),
            )
            .values(Some(ort), Some(nrt)),
        );
    }
    let empty = Map::new();
    let orsp = o
        .node
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let nrsp = n
        .node
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let statuses: BTreeSet<&String> = orsp.keys().chain(nrsp.keys()).collect();
    for status in statuses {
        let loc = format!("response {status}");
        let success = is_success(status);
        let (aptr, bptr) = (
            format!("{}/responses/{}", o.ptr, pointer_token(status)),
            format!("{}/responses/{}", n.ptr, pointer_token(status)),
        );
        match (orsp.get(status), nrsp.get(status)) {
            (None, Some(r)) => {
                let new_type = body_type(Some(resolve(new, r)));
                // Old clients decode a success status they do not know with
                // the body type of the ones they know.
                let old_types: BTreeSet<String> = orsp
                    .iter()
                    .filter(|(s, _)| is_success(s))
                    .map(|(_, r)| body_type(Some(resolve(old, r))))
                    .collect();
                let (rust, wire) = if success {
                    (
                        Verdict::compatible("`send()` also accepts it"),
                        if old_types.len() == 1 && old_types.contains(&new_type) {
                            Verdict::compatible(
                                "old clients decode any success status with the operation's body type, which it shares",
                            )
                        } else {
                            Verdict::breaking(
                                "old clients decode it as the operation's other body type, or reject it (`Error::Decode` / `Error::Api`)",
                            )
                        },
                    )
                } else {
                    (
                        Verdict::compatible("a documented error status"),
                        Verdict::compatible("old clients see `Error::Api`, an error either way"),
                    )
                };
                w.push(change(
                    Kind::ResponseAdded,
                    &loc,
                    &bptr,
                    format!("`{new_type}`"),
                    rust,
                    wire,
                ));
            }
            (Some(r), None) => w.push(change(
                Kind::ResponseRemoved,
                &loc,
                &aptr,
                format!("`{}`", body_type(Some(resolve(old, r)))),
                Verdict::compatible("the status is no longer expected"),
                Verdict::compatible("the server no longer answers with it"),
            )),
            (Some(a), Some(b)) => {
                let (a, b) = (resolve(old, a), resolve(new, b));
                w.description(
                    a.get("description"),
                    b.get("description"),
                    &loc,
                    &format!("{bptr}/description"),
                );
                content(
                    w,
                    (a, b),
                    &loc,
                    (&aptr, &bptr),
                    Site::Response,
                    success && rt_changed,
                    (
                        Verdict::compatible("the client reads the remaining media types"),
                        Verdict::compatible("the server no longer sends it"),
                    ),
                );
            }
            (None, None) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Schemas.

/// Where a schema sits, for the verdicts that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    /// A component (checked by `Validate` when it is in a request body).
    Component,
    /// An inline request body schema (checked by `Validate`).
    Body,
    /// A parameter's schema (the client does not check it).
    Parameter,
    /// An inline response schema.
    Response,
}

/// What a schema node is to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A component, body, parameter or response schema itself.
    Root,
    /// A property of an object (optional or required in the new document).
    Property { optional: bool },
    /// Array items, map values, union members.
    Nested,
}

/// A schema node's place: readable location and pointers in both documents.
#[derive(Debug, Clone)]
struct At {
    loc: String,
    old: String,
    new: String,
    role: Role,
}

impl At {
    fn root(loc: &str, old: &str, new: &str) -> At {
        At {
            loc: loc.to_string(),
            old: old.to_string(),
            new: new.to_string(),
            role: Role::Root,
        }
    }

    fn child(&self, loc: String, old_suffix: &str, new_suffix: &str, role: Role) -> At {
        At {
            loc,
            old: format!("{}{old_suffix}", self.old),
            new: format!("{}{new_suffix}", self.new),
            role,
        }
    }
}

fn change(
    kind: Kind,
    location: &str,
    pointer: &str,
    detail: impl Into<String>,
    rust: Verdict,
    wire: Verdict,
) -> Change {
    Change {
        kind,
        location: location.to_string(),
        pointer: pointer.to_string(),
        detail: detail.into(),
        old: None,
        new: None,
        rust,
        wire,
    }
}

impl Change {
    fn values(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old = old;
        self.new = new;
        self
    }
}

fn required_word(required: bool) -> String {
    if required { "required" } else { "optional" }.to_string()
}

fn required_words(old: bool, new: bool) -> String {
    format!("{} → {}", required_word(old), required_word(new))
}

/// The comparison of schemas at one site, collecting changes.
struct Walker {
    site: Site,
    sides: Sides,
    changes: Vec<Change>,
    /// The names of the new document's inline-type places
    /// (`x-place-name`), to tell a place that stopped sharing a type from
    /// one that is gone.
    places: std::rc::Rc<BTreeSet<String>>,
}

/// The verdict for a schema used on `sides`: the request one, the response
/// one, or, used both ways, the worse of the two (both reasons when they
/// are as bad).
fn by_side(sides: Sides, request: Verdict, response: Verdict) -> Verdict {
    match (sides.request, sides.response) {
        (true, false) => request,
        (false, true) => response,
        _ => {
            if request.impact == response.impact {
                if request.reason == response.reason || response.reason.is_empty() {
                    request
                } else if request.reason.is_empty() {
                    response
                } else {
                    Verdict {
                        impact: request.impact,
                        reason: format!(
                            "in requests, {}; in responses, {}",
                            request.reason, response.reason
                        ),
                    }
                }
            } else if request.impact > response.impact {
                Verdict {
                    impact: request.impact,
                    reason: format!("in requests, {}", request.reason),
                }
            } else {
                Verdict {
                    impact: response.impact,
                    reason: format!("in responses, {}", response.reason),
                }
            }
        }
    }
}

impl Walker {
    fn new(site: Site, sides: Sides) -> Walker {
        Walker {
            site,
            sides,
            changes: Vec::new(),
            places: Default::default(),
        }
    }

    fn push(&mut self, c: Change) {
        self.changes.push(c);
    }

    fn finish(mut self) -> Vec<Change> {
        self.changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.changes
    }

    fn side(&self, request: Verdict, response: Verdict) -> Verdict {
        by_side(self.sides, request, response)
    }

    fn description(&mut self, a: Option<&Value>, b: Option<&Value>, loc: &str, ptr: &str) {
        let (a, b) = (
            a.and_then(Value::as_str).unwrap_or_default(),
            b.and_then(Value::as_str).unwrap_or_default(),
        );
        if a != b {
            self.push(
                change(
                    Kind::DescriptionChanged,
                    loc,
                    ptr,
                    "description changed",
                    Verdict::none(),
                    Verdict::none(),
                )
                .values(Some(a.to_string()), Some(b.to_string())),
            );
        }
    }

    /// A place whose generated type is no longer shared with some of the
    /// places it shared it with: code passing one where the other was
    /// expected stops compiling. Places that only start sharing, or a shared
    /// type under another name, are no row: each place keeps its name (its
    /// field is typed with it, pass `place-typed-fields`) and its snapshot
    /// shows its type under that name, so nothing a user or a reviewer sees
    /// changes.
    fn shared_type(&mut self, o: &Value, n: &Value, at: &At) {
        let (a, b) = (shared_with(o), shared_with(n));
        let (was, now) = (partners(o), partners(n));
        if a == b && was == now {
            return;
        }
        // Places that are gone do not count: nothing can be passed as them.
        let left: Vec<&str> = was
            .difference(&now)
            .copied()
            .filter(|p| self.places.contains(*p))
            .collect();
        let joined: Vec<&str> = now.difference(&was).copied().collect();
        let show = |t: &Option<String>| match t {
            Some(t) => format!("shares `{t}`"),
            None => "its own type".to_string(),
        };
        let mut detail = format!("generated type: {} → {}", show(&a), show(&b));
        if !left.is_empty() {
            detail.push_str(&format!("; no longer the type of {}", list_names(&left)));
        }
        if !joined.is_empty() {
            detail.push_str(&format!("; now also the type of {}", list_names(&joined)));
        }
        if left.is_empty() {
            return;
        }
        let rust = Verdict::breaking(
            "its name stays, but code that passes it where one of the places it no longer shares \
             with was expected stops compiling",
        );
        self.push(
            change(
                Kind::SharedTypeChanged,
                &at.loc,
                &at.new,
                detail,
                rust,
                Verdict::none(),
            )
            .values(a, b),
        );
    }

    /// Compare two schema nodes (and what is inline below them).
    fn schema(&mut self, o: &Value, n: &Value, at: &At) {
        if o == n {
            return;
        }
        self.description(
            o.get("description"),
            n.get("description"),
            &at.loc,
            &format!("{}/description", at.new),
        );
        if o.get("default") != n.get("default") {
            let show = |v: Option<&Value>| v.map(Value::to_string);
            let (a, b) = (show(o.get("default")), show(n.get("default")));
            self.push(
                change(
                    Kind::DefaultChanged,
                    &at.loc,
                    &format!("{}/default", at.new),
                    format!(
                        "default {} → {}",
                        shorten(a.as_deref().unwrap_or("none")),
                        shorten(b.as_deref().unwrap_or("none"))
                    ),
                    Verdict::none(),
                    self.side(
                        Verdict::compatible(
                            "the server fills in another value when the field is left out",
                        ),
                        Verdict::none(),
                    ),
                )
                .values(a, b),
            );
        }
        if at.role != Role::Root {
            self.shared_type(o, n, at);
        }
        if at.role != Role::Root && named_type(o) && named_type(n) {
            // A place of a shared type keeps its name (an alias of the shared
            // type): only a title of the spec's own names its type.
            let (a, b) = (own_title(o), own_title(n));
            if a != b {
                let show = |t: Option<&str>| {
                    t.map_or_else(
                        || "named after its place".to_string(),
                        |t| format!("`{}`", type_name(t)),
                    )
                };
                self.push(
                    change(
                        Kind::InlineTypeRenamed,
                        &at.loc,
                        &at.new,
                        format!("generated type {} → {}", show(a), show(b)),
                        Verdict::breaking("the inline type's Rust name changes with its title"),
                        Verdict::none(),
                    )
                    .values(a.map(str::to_string), b.map(str::to_string)),
                );
            }
        }
        self.nullable(o, n, at);
        let (ho, hn) = (head(o), head(n));
        if ho != hn {
            let (a, b) = (describe(o), describe(n));
            let wire = match (&ho, &hn) {
                // Only the format changed (`string` ↔ `string (uuid)`).
                (Head::Scalar(t, fa), Head::Scalar(u, fb)) if t == u => self.side(
                    match fb {
                        Some(f) => Verdict::breaking(format!(
                            "the server may reject values that are not `{f}`"
                        )),
                        None => Verdict::compatible("the server takes any value of the type"),
                    },
                    match fa {
                        Some(f) => Verdict::breaking(format!(
                            "old clients decode it as `{f}` and fail on other values"
                        )),
                        None => Verdict::compatible("old clients take any value of the type"),
                    },
                ),
                _ => Verdict::breaking("values of the old type no longer fit"),
            };
            // A parameter's setter takes `impl TryInto<T>`: when a string
            // becomes `format: uuid`, what it was given still converts
            // (`uuid::Uuid: TryFrom<&str> + TryFrom<String>`), and a value
            // that is not a UUID fails at `send()`. (Not so for `date-time`:
            // chrono has no `TryFrom<&str>`.)
            let rust = match (&ho, &hn) {
                (Head::Scalar(t, None), Head::Scalar(u, Some(f)))
                    if t == u
                        && f == "uuid"
                        && self.site == Site::Parameter
                        && at.role == Role::Root =>
                {
                    Verdict::run_time(format!(
                        "the setter still takes the old values (`TryInto`); one that is not `{f}` fails at `send()`"
                    ))
                }
                _ => Verdict::breaking("the Rust type changes"),
            };
            self.push(
                change(
                    Kind::Retyped,
                    &at.loc,
                    &at.new,
                    format!("`{a}` → `{b}`"),
                    rust,
                    wire,
                )
                .values(Some(a), Some(b)),
            );
            return;
        }
        match ho {
            Head::Object => self.properties(o, n, at),
            Head::Array => {
                let any = Value::Bool(true);
                self.schema(
                    o.get("items").unwrap_or(&any),
                    n.get("items").unwrap_or(&any),
                    &at.child(format!("{}[]", at.loc), "/items", "/items", Role::Nested),
                );
            }
            Head::Map => {
                let any = Value::Bool(true);
                let value = |s: &'_ Value| -> Value {
                    s.get("additionalProperties")
                        .filter(|v| v.is_object())
                        .cloned()
                        .unwrap_or(Value::Bool(true))
                };
                let (a, b) = (value(o), value(n));
                if a != any || b != any {
                    self.schema(
                        &a,
                        &b,
                        &at.child(
                            format!("{}{{}}", at.loc),
                            "/additionalProperties",
                            "/additionalProperties",
                            Role::Nested,
                        ),
                    );
                }
            }
            Head::Union => self.members(o, n, at),
            _ => {}
        }
        self.enum_values(o, n, at, ho == Head::Enum);
        self.constraints(o, n, at);
    }

    fn nullable(&mut self, o: &Value, n: &Value, at: &At) {
        let (a, b) = (is_nullable(o), is_nullable(n));
        if a == b {
            return;
        }
        let (detail, rust, wire) = if b {
            let response = match at.role {
                Role::Property { optional: true } => {
                    Verdict::compatible("old clients read `null` as absent")
                }
                _ => Verdict::breaking("old clients fail on `null`"),
            };
            (
                "now nullable",
                Verdict::breaking("the Rust type gains an `Option`"),
                self.side(
                    Verdict::compatible("the server also accepts `null`"),
                    response,
                ),
            )
        } else {
            (
                "no longer nullable",
                Verdict::breaking("the Rust type loses an `Option`"),
                self.side(
                    Verdict::breaking("old clients may send `null`"),
                    Verdict::compatible("the server no longer sends `null`"),
                ),
            )
        };
        self.push(change(
            Kind::NullableChanged,
            &at.loc,
            &at.new,
            detail,
            rust,
            wire,
        ));
    }

    fn properties(&mut self, o: &Value, n: &Value, at: &At) {
        let (op, np) = (properties(o), properties(n));
        let (oreq, nreq) = (required(o), required(n));
        let has_default = |props: &BTreeMap<&str, &Value>, req: &BTreeSet<&str>| {
            !req.iter().any(|r| props.contains_key(r))
        };
        let had_default = has_default(&op, &oreq);
        let now_default = has_default(&np, &nreq);
        let loses_default = if had_default && !now_default {
            "; the struct loses `Default`"
        } else {
            ""
        };
        let names: BTreeSet<&str> = op.keys().chain(np.keys()).copied().collect();
        for name in names {
            let loc = format!("{}.{name}", at.loc);
            let suffix = format!("/properties/{}", pointer_token(name));
            let (optr, nptr) = (format!("{}{suffix}", at.old), format!("{}{suffix}", at.new));
            match (op.get(name), np.get(name)) {
                (Some(old_schema), None) => {
                    let was_required = oreq.contains(name);
                    let wire = self.side(
                        Verdict::breaking(
                            "old clients still send it; the server ignores it at best",
                        ),
                        if was_required {
                            Verdict::breaking(
                                "old clients require it and fail to decode without it",
                            )
                        } else {
                            Verdict::compatible("old clients read it as absent")
                        },
                    );
                    self.push(change(
                        Kind::PropertyRemoved,
                        &loc,
                        &optr,
                        format!(
                            "{}, `{}`",
                            required_word(was_required),
                            describe(old_schema)
                        ),
                        Verdict::breaking("the field is gone"),
                        wire,
                    ));
                }
                (None, Some(s)) => {
                    let is_req = nreq.contains(name);
                    let (rust, wire) = if is_req {
                        (
                            // Request side or response side: code that builds
                            // the struct (a user's test of a response) calls
                            // `new`, which takes one argument more.
                            Verdict::breaking(format!(
                                "`new` takes the new required field{loses_default}"
                            )),
                            self.side(
                                Verdict::breaking("old clients do not send it"),
                                Verdict::compatible("old clients keep it in `unknown_fields`"),
                            ),
                        )
                    } else {
                        (
                            Verdict::compatible(
                                "new `Option` field, unset by `new`: the struct is `#[non_exhaustive]`, so no code \
                                 outside the crate names every field",
                            ),
                            self.side(
                                Verdict::compatible("old clients do not send it"),
                                Verdict::compatible("old clients keep it in `unknown_fields`"),
                            ),
                        )
                    };
                    self.push(change(
                        Kind::PropertyAdded,
                        &loc,
                        &nptr,
                        format!("{}, `{}`", required_word(is_req), describe(s)),
                        rust,
                        wire,
                    ));
                }
                (Some(a), Some(b)) => {
                    let (ra, rb) = (oreq.contains(name), nreq.contains(name));
                    if ra != rb {
                        let wire = if rb {
                            self.side(
                                Verdict::breaking("old clients may leave it out"),
                                Verdict::compatible("the server now always sends it"),
                            )
                        } else {
                            self.side(
                                Verdict::compatible("the server no longer needs it"),
                                Verdict::breaking(
                                    "old clients require it and fail to decode without it",
                                ),
                            )
                        };
                        self.push(
                            change(
                                Kind::RequiredChanged,
                                &loc,
                                &nptr,
                                required_words(ra, rb),
                                Verdict::breaking(format!(
                                    "the field's type changes between `T` and `Option<T>`{loses_default}"
                                )),
                                wire,
                            )
                            .values(Some(required_word(ra)), Some(required_word(rb))),
                        );
                    }
                    self.schema(
                        a,
                        b,
                        &At {
                            loc,
                            old: optr,
                            new: nptr,
                            role: Role::Property { optional: !rb },
                        },
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn members(&mut self, o: &Value, n: &Value, at: &At) {
        let (om, nm) = (members(o), members(n));
        let keys: BTreeSet<&String> = om.keys().chain(nm.keys()).collect();
        for key in keys {
            let loc = format!("{}::{key}", at.loc);
            match (om.get(key), nm.get(key)) {
                (Some((ptr, _)), None) => self.push(change(
                    Kind::UnionMemberRemoved,
                    &loc,
                    &format!("{}{ptr}", at.old),
                    format!("`{key}`"),
                    Verdict::breaking("the variant is gone"),
                    self.side(
                        Verdict::breaking("old clients may still send it"),
                        Verdict::compatible("the server no longer sends it"),
                    ),
                )),
                (None, Some((ptr, _))) => self.push(change(
                    Kind::UnionMemberAdded,
                    &loc,
                    &format!("{}{ptr}", at.new),
                    format!("`{key}`"),
                    Verdict::compatible(
                        "new variant of a `#[non_exhaustive]` enum (was `Unknown`)",
                    ),
                    self.side(
                        Verdict::compatible("the server accepts one more shape"),
                        Verdict::compatible("old clients keep it as `Unknown`"),
                    ),
                )),
                (Some((aptr, a)), Some((bptr, b))) => {
                    self.schema(a, b, &at.child(loc, aptr, bptr, Role::Nested));
                }
                (None, None) => {}
            }
        }
    }

    fn enum_values(&mut self, o: &Value, n: &Value, at: &At, rust_enum: bool) {
        let (Some(a), Some(b)) = (enum_values(o), enum_values(n)) else {
            return;
        };
        let ptr = |s: &Value, base: &str| {
            if s.get("enum").is_some() {
                format!("{base}/enum")
            } else {
                format!("{base}/x-enum-values")
            }
        };
        for v in b.iter().filter(|v| !a.contains(*v)) {
            let rust = if rust_enum {
                Verdict::compatible("new variant of a `#[non_exhaustive]` enum (was `Unknown`)")
            } else {
                Verdict::none()
            };
            let wire = self.side(
                Verdict::compatible("the server accepts one more value"),
                Verdict::compatible(if rust_enum {
                    "old clients decode it as `Unknown`"
                } else {
                    "old clients take any string"
                }),
            );
            self.push(
                change(
                    Kind::EnumValueAdded,
                    &at.loc,
                    &ptr(n, &at.new),
                    format!("`{v}`"),
                    rust,
                    wire,
                )
                .values(None, Some(v.clone())),
            );
        }
        for v in a.iter().filter(|v| !b.contains(*v)) {
            let rust = if rust_enum {
                Verdict::breaking("its variant is gone")
            } else {
                Verdict::none()
            };
            let wire = self.side(
                Verdict::breaking("old clients may still send it; the server rejects it"),
                Verdict::compatible("the server no longer sends it"),
            );
            self.push(
                change(
                    Kind::EnumValueRemoved,
                    &at.loc,
                    &ptr(o, &at.old),
                    format!("`{v}`"),
                    rust,
                    wire,
                )
                .values(Some(v.clone()), None),
            );
        }
    }

    fn constraint_verdicts(&self, tighter: bool, why: &str) -> (Verdict, Verdict) {
        if tighter {
            let rust = match self.site {
                Site::Parameter => Verdict::compatible("the client does not check parameters"),
                _ => self.side(
                    Verdict::run_time(format!(
                        "`Validate` rejects values it accepted ({why}): `send()` fails at run time"
                    )),
                    Verdict::compatible("decoding does not check constraints"),
                ),
            };
            let wire = self.side(
                Verdict::breaking(format!("the server rejects values it accepted ({why})")),
                Verdict::compatible("responses stay within what old clients accept"),
            );
            (rust, wire)
        } else {
            let rust = match self.site {
                Site::Parameter => Verdict::compatible("the client does not check parameters"),
                _ => self.side(
                    Verdict::compatible("`Validate` accepts more"),
                    Verdict::compatible("decoding does not check constraints"),
                ),
            };
            let wire = self.side(
                Verdict::compatible("the server accepts more"),
                Verdict::compatible("old clients do not check constraints when decoding"),
            );
            (rust, wire)
        }
    }

    fn constraints(&mut self, o: &Value, n: &Value, at: &At) {
        for (key, upper) in BOUNDS {
            let (a, b) = (bound(o.get(*key)), bound(n.get(*key)));
            let tighter = match (a, b) {
                (None, None) => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(Bound::Num(x)), Some(Bound::Num(y))) if x == y => continue,
                (Some(Bound::Num(x)), Some(Bound::Num(y))) => {
                    if *upper {
                        y < x
                    } else {
                        y > x
                    }
                }
                (Some(Bound::Flag(x)), Some(Bound::Flag(y))) if x == y => continue,
                (Some(Bound::Flag(_)), Some(Bound::Flag(y))) => y,
                // A 3.0 boolean bound against a 3.1 numeric one.
                (Some(Bound::Flag(_)), Some(Bound::Num(_))) => true,
                (Some(Bound::Num(_)), Some(Bound::Flag(_))) => false,
            };
            let show = |v: Option<&Value>| v.map(Value::to_string);
            let (sa, sb) = (show(o.get(*key)), show(n.get(*key)));
            let detail = format!(
                "`{key}` {} → {}",
                sa.as_deref().unwrap_or("none"),
                sb.as_deref().unwrap_or("none")
            );
            let (rust, wire) = self.constraint_verdicts(tighter, &format!("`{key}`"));
            let kind = if tighter {
                Kind::ConstraintTightened
            } else {
                Kind::ConstraintLoosened
            };
            self.push(
                change(
                    kind,
                    &at.loc,
                    &format!("{}/{key}", at.new),
                    detail,
                    rust,
                    wire,
                )
                .values(sa, sb),
            );
        }
        let (pa, pb) = (
            o.get("pattern").and_then(Value::as_str),
            n.get("pattern").and_then(Value::as_str),
        );
        if pa != pb {
            let kind = match (pa, pb) {
                (None, _) => Kind::ConstraintTightened,
                (_, None) => Kind::ConstraintLoosened,
                _ => Kind::ConstraintChanged,
            };
            let (rust, wire) =
                self.constraint_verdicts(kind != Kind::ConstraintLoosened, "`pattern`");
            self.push(
                change(
                    kind,
                    &at.loc,
                    &format!("{}/pattern", at.new),
                    format!(
                        "`pattern` {} → {}",
                        pa.map_or_else(|| "none".into(), |p| format!("`{p}`")),
                        pb.map_or_else(|| "none".into(), |p| format!("`{p}`"))
                    ),
                    rust,
                    wire,
                )
                .values(pa.map(str::to_string), pb.map(str::to_string)),
            );
        }
        if let (Some(a), Some(b)) = (scalar_rust_type(o), scalar_rust_type(n))
            && a != b
        {
            self.push(
                change(
                    Kind::Retyped,
                    &at.loc,
                    &at.new,
                    format!("Rust type `{a}` → `{b}` (typify picks it from the constraints)"),
                    Verdict::breaking("the Rust type changes"),
                    Verdict::none(),
                )
                .values(Some(a), Some(b)),
            );
        }
    }
}

/// At most 60 characters of `s`, for values shown in a detail.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}

/// Bound keywords and whether each is an upper bound.
const BOUNDS: &[(&str, bool)] = &[
    ("maxLength", true),
    ("minLength", false),
    ("maximum", true),
    ("minimum", false),
    ("exclusiveMaximum", true),
    ("exclusiveMinimum", false),
    ("maxItems", true),
    ("minItems", false),
];

/// A bound: a number, or an OpenAPI 3.0 boolean `exclusiveMinimum`/`Maximum`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Num(f64),
    Flag(bool),
}

fn bound(v: Option<&Value>) -> Option<Bound> {
    match v? {
        Value::Number(n) => n.as_f64().map(Bound::Num),
        Value::Bool(true) => Some(Bound::Flag(true)),
        // `exclusiveMinimum: false` is the same as no keyword.
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Reading schema nodes.

/// The part of a schema that decides its Rust type (not followed into
/// properties, items or members, which are compared on their own).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Head {
    /// A component, by name.
    Ref(String),
    /// An object with declared properties (a struct).
    Object,
    /// An object without declared properties (a map).
    Map,
    /// An array.
    Array,
    /// A oneOf/anyOf (an enum of members).
    Union,
    /// An `enum` (an enum of values).
    Enum,
    /// A scalar: JSON type and the formats that change the Rust type.
    Scalar(String, Option<String>),
    /// An allOf of several schemas (described).
    AllOf(Vec<String>),
    /// Anything (`{}`).
    Any,
}

/// The component a `$ref` (possibly wrapped in a one-member `allOf`) names.
fn ref_name(s: &Value) -> Option<&str> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return Some(r.strip_prefix(COMPONENT_REF).unwrap_or(r));
    }
    match s.get("allOf").and_then(Value::as_array) {
        Some(all) if all.len() == 1 => ref_name(&all[0]),
        _ => None,
    }
}

fn type_of(s: &Value) -> Option<&str> {
    s.get("type").and_then(Value::as_str)
}

fn head(s: &Value) -> Head {
    if !s.is_object() {
        return Head::Any;
    }
    if let Some(name) = ref_name(s) {
        return Head::Ref(name.to_string());
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        return Head::AllOf(all.iter().map(describe).collect());
    }
    if s.get("oneOf")
        .or_else(|| s.get("anyOf"))
        .is_some_and(Value::is_array)
    {
        return Head::Union;
    }
    if s.get("enum").is_some_and(Value::is_array) {
        return Head::Enum;
    }
    let has_props = s
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    match type_of(s) {
        Some("object") | None if has_props => Head::Object,
        Some("object") => Head::Map,
        Some("array") => Head::Array,
        None if s.get("items").is_some() => Head::Array,
        None if s.get("additionalProperties").is_some_and(Value::is_object) => Head::Map,
        None => Head::Any,
        Some(t) => {
            let format = s.get("format").and_then(Value::as_str);
            let rust_format = match (t, format) {
                ("string", Some(f @ ("uuid" | "date" | "date-time" | "ip" | "ipv4" | "ipv6"))) => {
                    Some(f)
                }
                ("integer", Some(f)) if INT_FORMATS.iter().any(|(name, ..)| *name == f) => Some(f),
                ("number", Some("float")) => Some("float"),
                _ => None,
            };
            Head::Scalar(t.to_string(), rust_format.map(str::to_string))
        }
    }
}

/// A schema's type in a few words: `string (date-time)`, `array of Foo`.
pub fn describe(s: &Value) -> String {
    describe_depth(s, 0)
}

fn describe_depth(s: &Value, depth: usize) -> String {
    if depth > 3 {
        return "…".to_string();
    }
    let inner = |key: &str| {
        s.get(key)
            .filter(|v| v.is_object())
            .map_or_else(|| "any".to_string(), |v| describe_depth(v, depth + 1))
    };
    match head(s) {
        Head::Ref(name) => name,
        Head::Object => "object".to_string(),
        Head::Map => format!("map of {}", inner("additionalProperties")),
        Head::Array => format!("array of {}", inner("items")),
        Head::Union => {
            let keys: Vec<String> = members(s).into_keys().collect();
            let kw = if s.get("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            if keys.len() > 4 {
                format!("{kw} of {} members", keys.len())
            } else {
                format!("{kw} [{}]", keys.join(", "))
            }
        }
        Head::Enum => format!("{} enum", type_of(s).unwrap_or("string")),
        Head::Scalar(t, _) => match s.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t} ({f})"),
            None => t,
        },
        Head::AllOf(parts) => format!("allOf [{}]", parts.join(", ")),
        Head::Any => "any".to_string(),
    }
}

fn properties(s: &Value) -> BTreeMap<&str, &Value> {
    s.get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn required(s: &Value) -> BTreeSet<&str> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn is_nullable(s: &Value) -> bool {
    s.get("nullable") == Some(&Value::Bool(true))
}

/// The `title` that names the type of an inline schema: not the one
/// `shared-inline-type` gives the places of a shared type, which keep their
/// own names.
fn own_title(s: &Value) -> Option<&str> {
    if s.get(crate::spec::PLACE_NAME).is_some() {
        return None;
    }
    s.get("title").and_then(Value::as_str)
}

/// Every `x-place-name` of a document's components.
fn place_names(doc: &Value) -> BTreeSet<String> {
    crate::spec::places(doc)
        .into_iter()
        .map(|(place, _)| place.to_string())
        .collect()
}

/// The places an inline schema shares its type with.
fn partners(s: &Value) -> BTreeSet<&str> {
    s.get(crate::spec::SHARED_WITH)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `` `A`, `B` and 3 more ``.
fn list_names(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

/// The type an inline schema shares with other places, if it does.
fn shared_with(s: &Value) -> Option<String> {
    s.get(crate::spec::PLACE_NAME)?;
    s.get("title").and_then(Value::as_str).map(type_name)
}

/// Whether typify makes a named type of this inline schema (named after its
/// `title` when it has one).
fn named_type(s: &Value) -> bool {
    matches!(head(s), Head::Object | Head::Enum | Head::Union)
}

/// The values of an `enum` (or of `x-enum-values`, where normalization
/// moved values no Rust variant can name), as display strings.
fn enum_values(s: &Value) -> Option<Vec<String>> {
    let values = s
        .get("enum")
        .or_else(|| s.get("x-enum-values"))
        .and_then(Value::as_array)?;
    Some(
        values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
    )
}

/// Union members by a stable key (component name, title, tag value, or
/// shape) → (pointer suffix, schema).
fn members(s: &Value) -> BTreeMap<String, (String, &Value)> {
    let mut out = BTreeMap::new();
    let Some((kw, list)) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|kw| s.get(*kw).and_then(Value::as_array).map(|l| (*kw, l)))
    else {
        return out;
    };
    for (i, m) in list.iter().enumerate() {
        let base = member_key(m);
        let mut key = base.clone();
        let mut n = 2;
        while out.contains_key(&key) {
            key = format!("{base} #{n}");
            n += 1;
        }
        out.insert(key, (format!("/{kw}/{i}"), m));
    }
    out
}

fn member_key(m: &Value) -> String {
    if let Some(name) = ref_name(m) {
        return name.to_string();
    }
    if let Some(t) = own_title(m) {
        return t.to_string();
    }
    let tag = properties(m).into_iter().find_map(|(p, s)| {
        let values = s.get("enum").and_then(Value::as_array)?;
        match values.as_slice() {
            [Value::String(v)] => Some(format!("{p}={v}")),
            _ => None,
        }
    });
    tag.unwrap_or_else(|| describe(m))
}

/// Integer formats typify knows: (format, type, non-zero type, min, max).
const INT_FORMATS: &[(&str, &str, &str, f64, f64)] = &[
    ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
    ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
    (
        "int16",
        "i16",
        "NonZeroU16",
        i16::MIN as f64,
        i16::MAX as f64,
    ),
    (
        "uint16",
        "u16",
        "NonZeroU16",
        u16::MIN as f64,
        u16::MAX as f64,
    ),
    ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
    (
        "int32",
        "i32",
        "NonZeroU32",
        i32::MIN as f64,
        i32::MAX as f64,
    ),
    (
        "uint",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "uint32",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "int64",
        "i64",
        "NonZeroU64",
        i64::MIN as f64,
        i64::MAX as f64,
    ),
    (
        "uint64",
        "u64",
        "NonZeroU64",
        u64::MIN as f64,
        u64::MAX as f64,
    ),
];

/// The Rust type typify 0.8 gives a string or integer schema where its
/// constraints decide it: a checked newtype for a constrained string, and
/// for integers the type its bounds select (`convert_integer`).
fn scalar_rust_type(s: &Value) -> Option<String> {
    match head(s) {
        Head::Scalar(t, None) if t == "string" => {
            let constrained = ["minLength", "maxLength", "pattern"]
                .iter()
                .any(|k| s.get(*k).is_some());
            Some(
                if constrained {
                    "a checked newtype"
                } else {
                    "String"
                }
                .to_string(),
            )
        }
        Head::Scalar(t, format) if t == "integer" => Some(integer_rust_type(s, format.as_deref())),
        _ => None,
    }
}

fn integer_rust_type(s: &Value, format: Option<&str>) -> String {
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    let mut min = match (num("minimum"), num("exclusiveMinimum")) {
        (None, None) => None,
        (None, Some(e)) => Some(e + 1.0),
        (Some(v), None) => Some(v),
        (Some(v), Some(e)) => Some(v.max(e + 1.0)),
    };
    let mut max = match (num("maximum"), num("exclusiveMaximum")) {
        (None, None) => None,
        (None, Some(e)) => Some(e - 1.0),
        (Some(v), None) => Some(v),
        (Some(v), Some(e)) => Some(v.min(e - 1.0)),
    };
    let multiple = num("multipleOf");
    if let Some((_, ty, nz, imin, imax)) =
        format.and_then(|f| INT_FORMATS.iter().find(|(name, ..)| *name == f))
    {
        let valid_min = min.is_none_or(|m| m >= *imin);
        let valid_max = max.is_none_or(|m| m <= *imax);
        if multiple.is_none() && valid_min && valid_max {
            return if min == Some(1.0) { nz } else { ty }.to_string();
        }
        min = min.or(Some(*imin));
        max = max.or(Some(*imax));
    }
    let found = match (min, max) {
        (None, Some(max)) => INT_FORMATS
            .iter()
            .rev()
            .find(|(_, _, _, _, imax)| (imax - max).abs() <= f64::EPSILON)
            .map(|(_, ty, ..)| *ty),
        (Some(min), None) => INT_FORMATS.iter().rev().find_map(|(_, ty, nz, imin, _)| {
            if min == 1.0 {
                Some(*nz)
            } else if (imin - min).abs() <= f64::EPSILON {
                Some(*ty)
            } else {
                None
            }
        }),
        (Some(min), Some(max)) => INT_FORMATS
            .iter()
            .rev()
            .find_map(|(_, ty, nz, imin, imax)| {
                if min == 1.0 {
                    Some(*nz)
                } else if (imax - max).abs() <= f64::EPSILON && (imin - min).abs() <= f64::EPSILON {
                    Some(*ty)
                } else {
                    None
                }
            }),
        (None, None) => None,
    };
    found.unwrap_or("i64").to_string()
}
