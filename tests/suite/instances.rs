#![allow(dead_code)] // a test utility: not every helper is used by every test
//! Random, schema-valid JSON instances and controlled mutations of them, for
//! property tests of a tolerant decoder.
//!
//! # Inputs
//!
//! A set of *components*: `BTreeMap<String, Value>` from a component name to a
//! JSON Schema. Two flavours are understood:
//!
//! * one file per component (JSON Schema 2020-12), keyed by file stem — see
//!   [`load_schema_dir`];
//! * `components.schemas` of an OpenAPI 3.0 document — see
//!   [`openapi_components`].
//!
//! `$ref` values resolve as follows (see `Gen::resolve_ref`):
//!
//! * `#/components/schemas/X[/pointer]` → component `X` (then the pointer);
//! * any other local `#/pointer` (e.g. `#/$defs/Y`) → a JSON pointer into the
//!   component that contains the `$ref`;
//! * `X.json[#/pointer]`, `./dir/X.json`, or a bare `X` → component `X` (file
//!   stem), then the pointer.
//!
//! Unresolvable references are ignored (treated as `{}`), never a panic.
//!
//! # Keywords
//!
//! Honoured by the generator, the validator and the walker alike: `$ref`
//! (siblings are honoured too, as if they were an `allOf` member), `allOf`
//! (object members merged), `oneOf`/`anyOf` (with `discriminator`
//! `propertyName`/`mapping`, or an automatically detected tag), `enum`,
//! `const`, `type` (string or list), OpenAPI 3.0 `nullable`, `properties`,
//! `required`, `additionalProperties` (bool or schema), `items`, `minItems`,
//! `maxItems`, `uniqueItems`, `minLength`, `maxLength`, `format`, `minimum`,
//! `maximum`, `exclusiveMinimum`/`exclusiveMaximum` (boolean OpenAPI 3.0 style
//! and numeric 2020-12 style), `multipleOf`, and the boolean schemas
//! `true`/`false`. The validator also checks `minProperties`/`maxProperties`.
//!
//! Not supported (ignored everywhere): `not`, `if`/`then`/`else`,
//! `patternProperties`, `prefixItems`, `dependentSchemas`, `contains`,
//! `unevaluated*`, `$dynamicRef`. `pattern` is *not* checked: the generator
//! produces a short identifier-like string (`[a-z][a-z0-9]*`) that satisfies
//! most simple patterns, and the validator treats `pattern` as unchecked.
//! `format` is checked by the validator only for `date-time`, `date` and
//! `uuid`.
//!
//! # Quirks tolerated (found in real documents)
//!
//! * `nullable: true` is read as "null, or whatever the rest of this schema
//!   says" (so `{"nullable": true, "allOf": [{"$ref": …}]}` accepts null).
//! * `type: "enum"` (not a JSON type) is ignored.
//! * `enum` whose values match none of the declared `type`s: on a `type:
//!   array` schema the enum is applied to the *items*; otherwise the `type`
//!   is dropped and the enum alone decides (string enums declared `type:
//!   object`).
//! * A `discriminator.mapping` key that contradicts the member's own `enum`
//!   for the tag property: the member's own values win (the instance must be
//!   valid against the member), the mapping key is then not produced.
//!
//! # Unions and tags
//!
//! A `oneOf`/`anyOf` is *tagged* when it has a `discriminator`, or when every
//! member is an object declaring a common property with an `enum`/`const`,
//! the members' value sets being pairwise disjoint (e.g. `provider: "azure"`
//! vs `provider: "deepgram"`). Among such properties, one required by every
//! member wins, then the one with the fewest values per member, then the
//! smallest name; a single-member union needs a single-valued property.
//! Generated members always carry their tag value, and the validator selects
//! the member by tag — for detected tags that is equivalent to the `oneOf`
//! "exactly one" rule; when some member does not require the tag, a value
//! without it is checked member by member.
//!
//! Untagged `oneOf` means "valid against exactly one member" and `anyOf` "at
//! least one". The generator retries other members when an instance turns
//! out ambiguous (e.g. `oneOf: [{enum: [a]}, {type: string}]`), within a
//! budget. Some real documents have `oneOf`s whose members overlap so that
//! no value matches exactly one; set [`Gen::one_of_exact`] to `false` to read
//! `oneOf` as `anyOf` (the unit tests count such instances rather than fail).
//!
//! # Mutations
//!
//! [`Gen::mutate`] (or one of the named shortcuts) damages a valid instance
//! at one random eligible node and reports a [`Mutation`] with its path. The
//! walker behind it pairs every value node with its schema: `$ref` and
//! `allOf` merged, tagged unions resolved by tag, untagged ones by the first
//! member the value is valid against. Every kind but
//! [`MutationKind::UnknownField`] keeps only results that [`Gen::validate`]
//! rejects, trying other nodes otherwise.
//!
//! # Paths
//!
//! Paths are written `a.b[0].c`: keys that are identifiers
//! (`[A-Za-z_][A-Za-z0-9_]*`) are dot-separated, array indices are `[i]`, and
//! any other key is written as a JSON string literal in brackets:
//! `headers["X-Custom"]`, `a[""]`, `voices["11labs"]`. The root is the empty
//! string. See [`format_path`], [`parse_path`] and [`value_at`].
//!
//! # Usage
//!
//! ```ignore
//! let components = load_schema_dir(Path::new("openapi/schemas"))?;
//! let g = Gen::new(&components);
//! let mut rng = Rng::new(seed);
//! let mut v = g.instance("Session", &mut rng);
//! assert!(g.validate("Session", &v).is_ok());
//! if let Some(m) = g.wrong_type("Session", &mut v, &mut rng) {
//!     assert!(g.validate("Session", &v).is_err(), "{m}");
//! }
//! ```
//!
//! # Determinism and limits
//!
//! Everything is deterministic for a given seed and schema set (with or
//! without serde_json's `preserve_order`). Beyond [`Gen::max_depth`] only
//! required properties are emitted, arrays have their minimum length,
//! free-form values are scalars, and union members are chosen by an
//! estimated cost (scalars and objects with few required non-scalar
//! properties first). Past `max_depth + 8` levels the generator stops
//! retrying and leaves objects and arrays empty, so a schema that *requires*
//! infinite recursion gets an invalid truncated value rather than a hang;
//! keep `max_depth` modest (recursion uses the stack).
//!
//! The generator merges `allOf` members, so `additionalProperties: false` in
//! one member combined with properties from another yields instances the
//! (standard-semantics) validator rejects. A [`Gen`] caches facts about
//! unions in `RefCell`s: it is neither `Sync` nor meant to be shared across
//! threads; make one per test.

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::rc::Rc;

/// Most schema-to-schema hops (`$ref`, `allOf`, union members) followed at
/// one value node; guards against reference cycles that never descend.
const MAX_HOPS: usize = 48;
/// Levels past `max_depth` after which generation stops retrying unions and
/// leaves objects and arrays empty.
const HARD_EXTRA_DEPTH: usize = 8;
/// Attempts at one union node before accepting an invalid candidate.
const UNION_ATTEMPTS: usize = 6;
/// Retries (over all union nodes) allowed in one `instance` call.
const RETRY_BUDGET: usize = 200;
/// Bound on the magnitude of generated numbers.
const NUM_LIMIT: f64 = 1e12;

// ---------------------------------------------------------------------------
// Rng
// ---------------------------------------------------------------------------

/// A tiny deterministic PRNG (splitmix64). Not for cryptography.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `p_percent`/100.
    pub fn chance(&mut self, p_percent: u64) -> bool {
        self.below(100) < p_percent
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
        if span > u128::from(u64::MAX) {
            return self.next_u64() as i64;
        }
        (i128::from(lo) + i128::from(self.below(span as u64))) as i64
    }

    /// A random element of `items`.
    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> Option<&'t T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

/// One step of a path into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

fn is_ident(k: &str) -> bool {
    let mut chars = k.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Formats a path as `a.b[0].c` (see the module docs; root is `""`).
pub fn format_path(segs: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            PathSeg::Key(k) if is_ident(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Key(k) => {
                out.push('[');
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(']');
            }
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Parses a path written by [`format_path`]; `None` when malformed.
pub fn parse_path(path: &str) -> Option<Vec<PathSeg>> {
    fn ident_end(path: &str, start: usize) -> Option<usize> {
        let len = path
            .get(start..)?
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(path.len() - start);
        let end = start + len;
        is_ident(path.get(start..end)?).then_some(end)
    }
    let bytes = path.as_bytes();
    let mut segs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' if bytes.get(i + 1) == Some(&b'"') => {
                let start = i + 1;
                let mut j = start + 1;
                let mut escaped = false;
                loop {
                    let c = *bytes.get(j)?;
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        break;
                    }
                    j += 1;
                }
                let key: String = serde_json::from_str(path.get(start..=j)?).ok()?;
                if bytes.get(j + 1) != Some(&b']') {
                    return None;
                }
                segs.push(PathSeg::Key(key));
                i = j + 2;
            }
            b'[' => {
                let end = i + 1 + path.get(i + 1..)?.find(']')?;
                let digits = path.get(i + 1..end)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                segs.push(PathSeg::Index(digits.parse().ok()?));
                i = end + 1;
            }
            b'.' if !segs.is_empty() => {
                let end = ident_end(path, i + 1)?;
                segs.push(PathSeg::Key(path.get(i + 1..end)?.to_string()));
                i = end;
            }
            _ if segs.is_empty() => {
                let end = ident_end(path, i)?;
                segs.push(PathSeg::Key(path.get(i..end)?.to_string()));
                i = end;
            }
            _ => return None,
        }
    }
    Some(segs)
}

/// The node of `root` at `path` (module-doc syntax), if it exists.
pub fn value_at<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    value_at_segs(root, &parse_path(path)?)
}

/// The node of `root` at `segs`, if it exists.
pub fn value_at_segs<'v>(root: &'v Value, segs: &[PathSeg]) -> Option<&'v Value> {
    segs.iter().try_fold(root, |v, seg| match seg {
        PathSeg::Key(k) => v.as_object()?.get(k),
        PathSeg::Index(i) => v.as_array()?.get(*i),
    })
}

pub fn value_at_segs_mut<'v>(root: &'v mut Value, segs: &[PathSeg]) -> Option<&'v mut Value> {
    segs.iter().try_fold(root, |v, seg| match seg {
        PathSeg::Key(k) => v.as_object_mut()?.get_mut(k),
        PathSeg::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

// ---------------------------------------------------------------------------
// Mutations (public types)
// ---------------------------------------------------------------------------

/// The kinds of controlled damage [`Gen::mutate`] can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MutationKind {
    /// A key the schema does not declare, added to an object with declared
    /// `properties` (not a free-form map).
    UnknownField,
    /// An enum value (a string, or a number under a number enum) replaced
    /// by one outside the enum (not a union tag).
    UnknownEnumValue,
    /// The tag of a tagged-union member set to a value no member uses.
    UnknownUnionMember,
    /// A value replaced by one of a JSON type its schema does not allow.
    WrongType,
    /// A required property (not a union tag) removed.
    RemoveRequired,
}

impl MutationKind {
    /// Every kind, in declaration order.
    pub const ALL: [MutationKind; 5] = [
        MutationKind::UnknownField,
        MutationKind::UnknownEnumValue,
        MutationKind::UnknownUnionMember,
        MutationKind::WrongType,
        MutationKind::RemoveRequired,
    ];

    /// True for the kinds a *tolerant* decoder is expected to accept
    /// (unknown field, unknown enum value, unknown union member).
    pub fn tolerable(self) -> bool {
        matches!(
            self,
            MutationKind::UnknownField
                | MutationKind::UnknownEnumValue
                | MutationKind::UnknownUnionMember
        )
    }

    /// True when [`Gen::validate`] is guaranteed to reject the mutated value
    /// (every kind but `UnknownField`, which only a closed object rejects).
    pub fn rejected_by_validate(self) -> bool {
        self != MutationKind::UnknownField
    }
}

/// What a mutation did.
#[derive(Clone, Debug, PartialEq)]
pub struct Mutation {
    /// Which mutation.
    pub kind: MutationKind,
    /// The path the mutation reports: the new field (`UnknownField`), the
    /// replaced value (`UnknownEnumValue`, `WrongType`), the object whose tag
    /// changed (`UnknownUnionMember`), the removed property
    /// (`RemoveRequired`, which therefore no longer exists).
    pub path: String,
    /// `path` as segments.
    pub segments: Vec<PathSeg>,
    /// The key involved: the added field, the tag property, or the removed
    /// property; `None` for value replacements.
    pub key: Option<String>,
    /// A human-readable account, e.g. ``replaced "x" at `a.b` with 123
    /// (string expected)``.
    pub description: String,
    /// The values the schema allows (`UnknownEnumValue`); empty otherwise.
    pub known: Vec<Value>,
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// A validation failure: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending node (module-doc syntax; `""` is the root).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(root): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

// ---------------------------------------------------------------------------
// Loading and closure
// ---------------------------------------------------------------------------

/// Loads every `*.json` file of `dir` as a component keyed by file stem.
pub fn load_schema_dir(dir: &Path) -> std::io::Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path)?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })?;
        out.insert(stem.to_string(), value);
    }
    Ok(out)
}

/// `doc.components.schemas` of an OpenAPI document (empty when absent).
pub fn openapi_components(doc: &Value) -> BTreeMap<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// The component a `$ref` names, or `None` for a purely local pointer.
fn ref_component(r: &str) -> Option<String> {
    let (file, frag) = r.split_once('#').unwrap_or((r, ""));
    if file.is_empty() {
        let rest = frag.strip_prefix("/components/schemas/")?;
        let tok = rest.split_once('/').map_or(rest, |(t, _)| t);
        Some(unescape_token(tok))
    } else {
        Some(file_stem(file).to_string())
    }
}

fn file_stem(file: &str) -> &str {
    let base = file.rsplit('/').next().unwrap_or(file);
    [".json", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| base.strip_suffix(ext))
        .unwrap_or(base)
}

fn unescape_token(tok: &str) -> String {
    tok.replace("~1", "/").replace("~0", "~")
}

/// Collects every `$ref` (and `discriminator.mapping` target) in a schema,
/// skipping example/enum/default data.
fn collect_refs<'v>(schema: &'v Value, out: &mut Vec<&'v str>) {
    match schema {
        Value::Object(m) => {
            for (k, v) in m {
                match k.as_str() {
                    "$ref" => {
                        if let Value::String(r) = v {
                            out.push(r);
                        }
                    }
                    "enum" | "const" | "example" | "examples" | "default" => {}
                    "properties" | "patternProperties" | "$defs" | "definitions"
                    | "dependentSchemas" => {
                        if let Value::Object(map) = v {
                            for sub in map.values() {
                                collect_refs(sub, out);
                            }
                        }
                    }
                    "discriminator" => {
                        if let Some(Value::Object(map)) = v.get("mapping") {
                            out.extend(map.values().filter_map(Value::as_str));
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The names of the components reachable from `root` through `$ref`s and
/// discriminator mappings, `root` included (empty when `root` is unknown).
pub fn closure(components: &BTreeMap<String, Value>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(name) = todo.pop() {
        let Some(schema) = components.get(&name) else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        let mut refs = Vec::new();
        collect_refs(schema, &mut refs);
        for r in refs {
            todo.extend(ref_component(r).filter(|c| !seen.contains(c)));
        }
    }
    seen
}

// ---------------------------------------------------------------------------
// Schema views
// ---------------------------------------------------------------------------

/// JSON kinds as bits; `K_INT | K_FRAC` is "number".
const K_NULL: u8 = 1;
const K_BOOL: u8 = 2;
const K_OBJ: u8 = 4;
const K_ARR: u8 = 8;
const K_STR: u8 = 16;
const K_INT: u8 = 32;
const K_FRAC: u8 = 64;
const K_NUM: u8 = K_INT | K_FRAC;
const K_ALL: u8 = 127;

fn type_bits(name: &str) -> Option<u8> {
    Some(match name {
        "null" => K_NULL,
        "boolean" => K_BOOL,
        "object" => K_OBJ,
        "array" => K_ARR,
        "string" => K_STR,
        "integer" => K_INT,
        "number" => K_NUM,
        _ => return None,
    })
}

fn value_kind(v: &Value) -> u8 {
    match v {
        Value::Null => K_NULL,
        Value::Bool(_) => K_BOOL,
        Value::Object(_) => K_OBJ,
        Value::Array(_) => K_ARR,
        Value::String(_) => K_STR,
        Value::Number(n) => {
            if n.is_i64()
                || n.is_u64()
                || n.as_f64()
                    .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
            {
                K_INT
            } else {
                K_FRAC
            }
        }
    }
}

fn kinds_name(bits: u8) -> String {
    let names = [
        (K_NULL, "null"),
        (K_BOOL, "boolean"),
        (K_OBJ, "object"),
        (K_ARR, "array"),
        (K_STR, "string"),
    ];
    let mut out: Vec<&str> = names
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect();
    if bits & K_NUM == K_NUM {
        out.push("number");
    } else if bits & K_INT != 0 {
        out.push("integer");
    } else if bits & K_FRAC != 0 {
        out.push("non-integer number");
    }
    out.join(" or ")
}

/// JSON equality where numbers compare by value (`1 == 1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p == q,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `type`/`enum`/`const` of one schema node, with the quirks normalised
/// (see the module docs).
struct NodeKw<'a> {
    types: Option<u8>,
    enum_: Option<Vec<&'a Value>>,
    items_enum: Option<Vec<&'a Value>>,
}

fn node_kw(m: &Map<String, Value>) -> NodeKw<'_> {
    let mut types = match m.get("type") {
        Some(Value::String(t)) => type_bits(t),
        Some(Value::Array(ts)) => {
            let bits = ts
                .iter()
                .filter_map(|t| t.as_str().and_then(type_bits))
                .fold(0, |a, b| a | b);
            (bits != 0).then_some(bits)
        }
        _ => None,
    };
    let mut enum_: Option<Vec<&Value>> = match m.get("enum") {
        Some(Value::Array(e)) => Some(e.iter().collect()),
        _ => None,
    };
    if let Some(c) = m.get("const") {
        enum_ = Some(vec![c]);
    }
    let mut items_enum = None;
    let clash = match (types, &enum_) {
        (Some(t), Some(e)) => !e.is_empty() && !e.iter().any(|v| value_kind(v) & t != 0),
        _ => false,
    };
    if clash {
        let scalars = enum_.iter().flatten().all(|v| !v.is_array());
        if types.is_some_and(|t| t & K_ARR != 0) && scalars {
            items_enum = enum_.take();
        } else {
            types = None;
        }
    }
    NodeKw {
        types,
        enum_,
        items_enum,
    }
}

/// A schema node together with the component it lives in (for local refs).
#[derive(Clone, Copy, Debug)]
struct Sch<'a> {
    root: &'a str,
    s: &'a Value,
}

/// Identity of a union: the schema node's address and oneOf (true) / anyOf.
type UnionKey = (usize, bool);
/// The member chosen for each union met while flattening one value node.
type Choices = HashMap<UnionKey, usize>;
/// Property values a tagged union forces on the object being generated.
type Forced = Vec<(String, Value)>;

#[derive(Clone, Copy)]
struct Union<'a> {
    node: Sch<'a>,
    members: &'a [Value],
    one_of: bool,
    disc: Option<&'a Map<String, Value>>,
}

impl<'a> Union<'a> {
    fn key(&self) -> UnionKey {
        (self.node.s as *const Value as usize, self.one_of)
    }

    fn member(&self, i: usize) -> Option<Sch<'a>> {
        self.members.get(i).map(|s| Sch {
            root: self.node.root,
            s,
        })
    }

    fn of(node: Sch<'a>, m: &'a Map<String, Value>) -> impl Iterator<Item = Union<'a>> {
        [("anyOf", false), ("oneOf", true)]
            .into_iter()
            .filter_map(move |(kw, one_of)| match m.get(kw) {
                Some(Value::Array(members)) => Some(Union {
                    node,
                    members,
                    one_of,
                    disc: m.get("discriminator").and_then(Value::as_object),
                }),
                _ => None,
            })
    }
}

/// The tag of a tagged union: the property and each member's tag values.
#[derive(Debug)]
struct TagInfo {
    prop: String,
    values: Vec<Vec<Value>>,
    /// Found by inspection rather than declared by a `discriminator`.
    detected: bool,
    /// Some member does not require the tag (only possible when detected);
    /// a value without it is then checked member by member.
    optional: bool,
}

impl TagInfo {
    fn member_for(&self, v: &Value) -> Option<usize> {
        self.values
            .iter()
            .position(|vals| vals.iter().any(|x| json_eq(x, v)))
    }

    fn all_values(&self) -> Vec<Value> {
        self.values.iter().flatten().cloned().collect()
    }
}

/// The conjunction of a list of schemas, flattened through `$ref` and
/// `allOf` (and through union members already chosen).
#[derive(Default)]
struct View<'a> {
    impossible: bool,
    types: Option<u8>,
    enum_: Option<Vec<&'a Value>>,
    items_enum: Option<Vec<&'a Value>>,
    props: BTreeMap<&'a str, Vec<Sch<'a>>>,
    required: BTreeSet<&'a str>,
    additional: Vec<Sch<'a>>,
    closed: bool,
    object_kw: bool,
    items: Vec<Sch<'a>>,
    array_kw: bool,
    min_items: u64,
    max_items: Option<u64>,
    unique: bool,
    min_len: u64,
    max_len: Option<u64>,
    string_kw: bool,
    lo: Option<(f64, bool)>,
    hi: Option<(f64, bool)>,
    multiple_of: Option<f64>,
    number_kw: bool,
    format: Option<&'a str>,
    pattern: Option<&'a str>,
    unions: Vec<Union<'a>>,
}

impl View<'_> {
    /// The kinds this view allows for a non-null value.
    fn kinds(&self) -> u8 {
        if let Some(e) = &self.enum_ {
            return e.iter().fold(0, |a, v| a | value_kind(v));
        }
        if let Some(t) = self.types {
            return t;
        }
        let mut k = 0;
        if self.object_kw {
            k |= K_OBJ;
        }
        if self.array_kw {
            k |= K_ARR;
        }
        if self.string_kw {
            k |= K_STR;
        }
        if self.number_kw {
            k |= K_NUM;
        }
        if k == 0 { K_ALL } else { k }
    }
}

fn tighten(old: Option<(f64, bool)>, new: (f64, bool), lower: bool) -> Option<(f64, bool)> {
    match old {
        None => Some(new),
        Some(o) if o.0 == new.0 => Some((o.0, o.1 || new.1)),
        Some(o) if (new.0 > o.0) == lower => Some(new),
        keep => keep,
    }
}

fn is_string_format(f: &str) -> bool {
    matches!(
        f,
        "date-time"
            | "date"
            | "time"
            | "uuid"
            | "email"
            | "uri"
            | "url"
            | "uri-reference"
            | "iri"
            | "hostname"
            | "ipv4"
            | "ipv6"
            | "byte"
            | "binary"
            | "password"
    )
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// Generator, validator and mutator over one set of components.
pub struct Gen<'a> {
    components: &'a BTreeMap<String, Value>,
    /// Nesting depth (objects and arrays) after which only required
    /// properties, minimal arrays and cheap union members are produced.
    pub max_depth: usize,
    /// Chance (percent) that an optional property is present.
    pub optional_percent: u64,
    /// Chance (percent) of `null` where the schema allows it.
    pub null_percent: u64,
    /// Chance (percent) of an extra key in a map (`additionalProperties`
    /// schema) or a free-form object.
    pub extra_percent: u64,
    /// `oneOf` means "valid against exactly one member" (default). When
    /// false, `oneOf` is read like `anyOf` ("at least one"), for documents
    /// whose `oneOf` members overlap so that no value matches exactly one.
    pub one_of_exact: bool,
    tags: RefCell<HashMap<UnionKey, Option<Rc<TagInfo>>>>,
    members: RefCell<HashMap<UnionKey, Rc<Vec<MemberMeta>>>>,
}

/// What generation and walking need to know about one union member.
struct MemberMeta {
    /// The member allows nothing but null.
    null_only: bool,
    /// Estimated cost of generating it (see `Gen::member_cost`).
    cost: usize,
    /// The kinds it allows (all, when it is itself a union).
    kinds: u8,
}

/// Per-call generation state.
struct Ctx<'r> {
    rng: &'r mut Rng,
    budget: usize,
}

/// What the walker learnt about one value node.
struct NodeRec {
    segs: Vec<PathSeg>,
    /// Object with declared properties and no `additionalProperties` schema.
    declared_object: bool,
    /// Declared property names (for choosing a fresh key).
    declared_keys: Vec<String>,
    /// Enum values, when the value is a string under a string enum (and
    /// not a union tag) or a number under a number enum.
    enum_values: Option<Vec<Value>>,
    /// Tag property and every value the union's members use.
    union_tag: Option<(String, Vec<Value>)>,
    /// The one kind the schema allows (null aside), when there is one and
    /// the value has it.
    single_kind: Option<u8>,
    /// The kinds the other members of the unions at this place accept: a
    /// value of one of them is another member's (a string member's `"off"`
    /// replaced by `{}`, an enum's `"normal"` by a number out of the number
    /// member's range), not a wrong type.
    union_kinds: u8,
    /// Required properties present in the value, tags excluded.
    required: Vec<String>,
}

impl<'a> Gen<'a> {
    /// A generator with defaults: `max_depth` 3, optional properties 50%,
    /// null 15%, extra map keys 30%.
    pub fn new(components: &'a BTreeMap<String, Value>) -> Self {
        Gen {
            components,
            max_depth: 3,
            optional_percent: 50,
            null_percent: 15,
            extra_percent: 30,
            one_of_exact: true,
            tags: RefCell::new(HashMap::new()),
            members: RefCell::new(HashMap::new()),
        }
    }

    /// The components this generator works on.
    pub fn components(&self) -> &'a BTreeMap<String, Value> {
        self.components
    }

    fn component(&self, name: &str) -> Option<Sch<'a>> {
        let (k, v) = self
            .components
            .get_key_value(name)
            .or_else(|| self.components.get_key_value(&format!("{name}.json")))?;
        Some(Sch { root: k, s: v })
    }

    /// Resolves a `$ref` found in `from` (see the module docs).
    fn resolve_ref(&self, from: Sch<'a>, r: &str) -> Option<Sch<'a>> {
        let (file, frag) = r.split_once('#').unwrap_or((r, ""));
        let (doc, ptr) = if file.is_empty() {
            match frag.strip_prefix("/components/schemas/") {
                Some(rest) => {
                    let (tok, tail) = match rest.split_once('/') {
                        Some((t, tail)) => (t, format!("/{tail}")),
                        None => (rest, String::new()),
                    };
                    (self.component(&unescape_token(tok))?, tail)
                }
                None => (self.component(from.root)?, frag.to_string()),
            }
        } else {
            (self.component(file_stem(file))?, frag.to_string())
        };
        let s = if ptr.is_empty() {
            doc.s
        } else {
            doc.s.pointer(&ptr)?
        };
        Some(Sch { root: doc.root, s })
    }

    /// The target of a node's `$ref`, if it has one that resolves.
    fn ref_target(&self, sch: Sch<'a>, m: &Map<String, Value>) -> Option<Sch<'a>> {
        self.resolve_ref(sch, m.get("$ref")?.as_str()?)
    }

    /// Follows a chain of `$ref`s to the first node that is not a pure ref.
    fn deref(&self, mut sch: Sch<'a>) -> Sch<'a> {
        for _ in 0..MAX_HOPS {
            let Some(Value::String(r)) = sch.s.get("$ref") else {
                break;
            };
            match self.resolve_ref(sch, r) {
                Some(t) => sch = t,
                None => break,
            }
        }
        sch
    }

    // -- flattening -------------------------------------------------------

    fn flatten(&self, conj: &[Sch<'a>], choices: &Choices) -> View<'a> {
        let mut view = View::default();
        for s in conj {
            self.flatten_into(&mut view, *s, choices, 0);
        }
        view
    }

    fn flatten_into(&self, view: &mut View<'a>, sch: Sch<'a>, choices: &Choices, hops: usize) {
        if hops > MAX_HOPS {
            return;
        }
        let m = match sch.s {
            Value::Object(m) => m,
            Value::Bool(false) => {
                view.impossible = true;
                return;
            }
            _ => return,
        };
        let at = |s: &'a Value| Sch { root: sch.root, s };
        if let Some(t) = self.ref_target(sch, m) {
            self.flatten_into(view, t, choices, hops + 1);
        }
        let kw = node_kw(m);
        if let Some(t) = kw.types {
            view.types = Some(view.types.map_or(t, |old| old & t));
        }
        if let Some(e) = kw.enum_ {
            view.enum_ = Some(match view.enum_.take() {
                None => e,
                Some(old) => old
                    .into_iter()
                    .filter(|v| e.iter().any(|x| json_eq(x, v)))
                    .collect(),
            });
        }
        if kw.items_enum.is_some() {
            view.items_enum = kw.items_enum;
        }
        if let Some(Value::Object(props)) = m.get("properties") {
            view.object_kw = true;
            for (k, v) in props {
                view.props.entry(k.as_str()).or_default().push(at(v));
            }
        }
        if let Some(Value::Array(req)) = m.get("required") {
            view.object_kw = true;
            view.required.extend(req.iter().filter_map(Value::as_str));
        }
        match m.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                view.object_kw = true;
                view.closed = true;
            }
            Some(v @ Value::Object(_)) => {
                view.object_kw = true;
                view.additional.push(at(v));
            }
            Some(_) => view.object_kw = true,
            None => {}
        }
        if let Some(v @ (Value::Object(_) | Value::Bool(_))) = m.get("items") {
            view.array_kw = true;
            view.items.push(at(v));
        }
        if let Some(n) = m.get("minItems").and_then(Value::as_u64) {
            view.array_kw = true;
            view.min_items = view.min_items.max(n);
        }
        if let Some(n) = m.get("maxItems").and_then(Value::as_u64) {
            view.array_kw = true;
            view.max_items = Some(view.max_items.map_or(n, |o| o.min(n)));
        }
        if m.get("uniqueItems") == Some(&Value::Bool(true)) {
            view.unique = true;
        }
        if let Some(n) = m.get("minLength").and_then(Value::as_u64) {
            view.string_kw = true;
            view.min_len = view.min_len.max(n);
        }
        if let Some(n) = m.get("maxLength").and_then(Value::as_u64) {
            view.string_kw = true;
            view.max_len = Some(view.max_len.map_or(n, |o| o.min(n)));
        }
        if let Some(f) = m.get("format").and_then(Value::as_str) {
            view.string_kw |= is_string_format(f);
            view.format = Some(f);
        }
        if let Some(p) = m.get("pattern").and_then(Value::as_str) {
            view.string_kw = true;
            view.pattern = Some(p);
        }
        let flag = |k: &str| m.get(k) == Some(&Value::Bool(true));
        if let Some(n) = m.get("minimum").and_then(Value::as_f64) {
            view.lo = tighten(view.lo, (n, flag("exclusiveMinimum")), true);
        }
        if let Some(n) = m.get("exclusiveMinimum").and_then(Value::as_f64) {
            view.lo = tighten(view.lo, (n, true), true);
        }
        if let Some(n) = m.get("maximum").and_then(Value::as_f64) {
            view.hi = tighten(view.hi, (n, flag("exclusiveMaximum")), false);
        }
        if let Some(n) = m.get("exclusiveMaximum").and_then(Value::as_f64) {
            view.hi = tighten(view.hi, (n, true), false);
        }
        if let Some(n) = m
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|n| *n > 0.0)
        {
            view.multiple_of = Some(n);
        }
        view.number_kw |= view.lo.is_some() || view.hi.is_some() || view.multiple_of.is_some();
        if let Some(Value::Array(all)) = m.get("allOf") {
            for s in all {
                self.flatten_into(view, at(s), choices, hops + 1);
            }
        }
        for u in Union::of(sch, m) {
            match choices.get(&u.key()).and_then(|&i| u.member(i)) {
                Some(member) => self.flatten_into(view, member, choices, hops + 1),
                None => view.unions.push(u),
            }
        }
    }

    fn flatten_one(&self, s: Sch<'a>) -> View<'a> {
        self.flatten(&[s], &Choices::new())
    }

    // -- tags --------------------------------------------------------------

    /// The tag of a union, if it is tagged (cached per union node).
    fn union_tag(&self, u: &Union<'a>) -> Option<Rc<TagInfo>> {
        if let Some(hit) = self.tags.borrow().get(&u.key()) {
            return hit.clone();
        }
        let info = self.compute_tag(u).map(Rc::new);
        self.tags.borrow_mut().insert(u.key(), info.clone());
        info
    }

    /// The values a member's flattened schema allows for property `prop`.
    fn declared_values(&self, view: &View<'a>, prop: &str) -> Option<Vec<Value>> {
        let conj = view.props.get(prop)?;
        let pv = self.flatten(conj, &Choices::new());
        if !pv.unions.is_empty() {
            return None;
        }
        pv.enum_
            .map(|e| e.into_iter().filter(|v| !v.is_null()).cloned().collect())
    }

    fn compute_tag(&self, u: &Union<'a>) -> Option<TagInfo> {
        if u.members.is_empty() {
            return None;
        }
        if let Some(prop) = u
            .disc
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
        {
            let mapping: Vec<(&String, Sch<'a>)> = u
                .disc
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| {
                            let t = self.resolve_ref(u.node, v.as_str()?)?;
                            Some((k, self.deref(t)))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut values = Vec::new();
            for member in u.members {
                let msch = Sch {
                    root: u.node.root,
                    s: member,
                };
                let target = self.deref(msch);
                let mapped: Vec<Value> = mapping
                    .iter()
                    .filter(|(_, t)| std::ptr::eq(t.s, target.s))
                    .map(|(k, _)| Value::String((*k).clone()))
                    .collect();
                let declared = self
                    .declared_values(&self.flatten_one(msch), prop)
                    .unwrap_or_default();
                let vals = if !declared.is_empty() {
                    let both: Vec<Value> = mapped
                        .iter()
                        .filter(|v| declared.iter().any(|d| json_eq(d, v)))
                        .cloned()
                        .collect();
                    if both.is_empty() { declared } else { both }
                } else if !mapped.is_empty() {
                    mapped
                } else {
                    // OpenAPI's implicit mapping: the component name.
                    member
                        .get("$ref")
                        .and_then(Value::as_str)
                        .filter(|r| !r.contains("#/") || r.matches('/').count() == 3)
                        .and_then(ref_component)
                        .map(|c| vec![Value::String(c)])
                        .unwrap_or_default()
                };
                values.push(vals);
            }
            return Some(TagInfo {
                prop: prop.to_string(),
                values,
                detected: false,
                optional: false,
            });
        }
        // Detected tag: a property every member (an object) declares with
        // an enum, the members' value sets being pairwise disjoint. Among
        // candidates, prefer one required by every member, then the fewest
        // values per member, then the smallest name. A single-member union
        // needs a single-valued property.
        let views: Vec<View<'a>> = (0..u.members.len())
            .filter_map(|i| u.member(i))
            .map(|s| self.flatten_one(s))
            .collect();
        let first = views.first()?;
        if views
            .iter()
            .any(|v| v.props.is_empty() || v.kinds() & K_OBJ == 0)
        {
            return None;
        }
        // Rank (optional somewhere, widest value set, name) and values.
        type Ranked<'r> = ((bool, usize, &'r str), Vec<Vec<Value>>);
        let mut best: Option<Ranked<'_>> = None;
        'candidates: for prop in first.props.keys() {
            let mut values: Vec<Vec<Value>> = Vec::new();
            for view in &views {
                let vals = match self.declared_values(view, prop) {
                    Some(vals) if !vals.is_empty() => vals,
                    _ => continue 'candidates,
                };
                let clash = values
                    .iter()
                    .flatten()
                    .any(|seen| vals.iter().any(|v| json_eq(seen, v)));
                if clash {
                    continue 'candidates;
                }
                values.push(vals);
            }
            let widest = values.iter().map(Vec::len).max().unwrap_or(0);
            if views.len() == 1 && widest != 1 {
                continue;
            }
            let optional = views.iter().any(|v| !v.required.contains(prop));
            let rank = (optional, widest, *prop);
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                best = Some((rank, values));
            }
        }
        best.map(|((optional, _, prop), values)| TagInfo {
            prop: prop.to_string(),
            values,
            detected: true,
            optional,
        })
    }

    // -- validation --------------------------------------------------------

    /// Checks `value` against component `component`; the error names the
    /// path of the first problem found (`"path: message"`, root shown as
    /// `(root)`).
    pub fn validate(&self, component: &str, value: &Value) -> Result<(), String> {
        self.validate_error(component, value)
            .map_err(|e| e.to_string())
    }

    /// Like [`Gen::validate`], with the path and message kept apart.
    pub fn validate_error(&self, component: &str, value: &Value) -> Result<(), ValidationError> {
        let Some(root) = self.component(component) else {
            return Err(ValidationError {
                path: String::new(),
                message: format!("unknown component `{component}`"),
            });
        };
        self.check(value, root, &mut Vec::new(), 0)
    }

    fn check_ok(&self, v: &Value, s: Sch<'a>) -> bool {
        self.check(v, s, &mut Vec::new(), 0).is_ok()
    }

    fn accepts_null(&self, conj: &[Sch<'a>]) -> bool {
        conj.iter().all(|s| self.check_ok(&Value::Null, *s))
    }

    fn check(
        &self,
        v: &Value,
        sch: Sch<'a>,
        path: &mut Vec<PathSeg>,
        hops: usize,
    ) -> Result<(), ValidationError> {
        let err = |path: &[PathSeg], message: String| {
            Err(ValidationError {
                path: format_path(path),
                message,
            })
        };
        if hops > MAX_HOPS {
            return Ok(());
        }
        let m = match sch.s {
            Value::Object(m) => m,
            Value::Bool(false) => return err(path, "no value is allowed here".into()),
            _ => return Ok(()),
        };
        let at = |s: &'a Value| Sch { root: sch.root, s };
        if v.is_null() && m.get("nullable") == Some(&Value::Bool(true)) {
            return Ok(());
        }
        if let Some(t) = self.ref_target(sch, m) {
            self.check(v, t, path, hops + 1)?;
        }
        let kw = node_kw(m);
        match (&kw.enum_, kw.types) {
            (Some(e), _) if !e.iter().any(|x| json_eq(x, v)) => {
                return err(path, format!("{v} is not one of the enum values"));
            }
            (None, Some(t)) if value_kind(v) & t == 0 => {
                let got = kinds_name(value_kind(v));
                return err(path, format!("expected {}, got {got}", kinds_name(t)));
            }
            _ => {}
        }
        let num = |k: &str| m.get(k).and_then(Value::as_f64);
        let count = |k: &str| m.get(k).and_then(Value::as_u64);
        match v {
            Value::String(s) => {
                let n = s.chars().count() as u64;
                if count("minLength").is_some_and(|min| n < min) {
                    return err(path, format!("string shorter than minLength ({n} chars)"));
                }
                if count("maxLength").is_some_and(|max| n > max) {
                    return err(path, format!("string longer than maxLength ({n} chars)"));
                }
                let format = m.get("format").and_then(Value::as_str);
                if let Some(f) = format.filter(|f| !format_ok(f, s)) {
                    return err(path, format!("{v} is not a valid `{f}`"));
                }
            }
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                let flag = |k: &str| m.get(k) == Some(&Value::Bool(true));
                let excl_min = flag("exclusiveMinimum");
                if let Some(min) = num("minimum").filter(|&x| f < x || (excl_min && f == x)) {
                    return err(path, format!("{f} is below the minimum {min}"));
                }
                if num("exclusiveMinimum").is_some_and(|min| f <= min) {
                    return err(path, format!("{f} is not above the exclusive minimum"));
                }
                let excl_max = flag("exclusiveMaximum");
                if let Some(max) = num("maximum").filter(|&x| f > x || (excl_max && f == x)) {
                    return err(path, format!("{f} is above the maximum {max}"));
                }
                if num("exclusiveMaximum").is_some_and(|max| f >= max) {
                    return err(path, format!("{f} is not below the exclusive maximum"));
                }
                if let Some(step) = num("multipleOf").filter(|s| *s > 0.0) {
                    let q = f / step;
                    if (q - q.round()).abs() > 1e-9 * q.abs().max(1.0) {
                        return err(path, format!("{f} is not a multiple of {step}"));
                    }
                }
            }
            Value::Array(items) => {
                let n = items.len() as u64;
                if count("minItems").is_some_and(|min| n < min) {
                    return err(path, format!("fewer than minItems ({n} items)"));
                }
                if count("maxItems").is_some_and(|max| n > max) {
                    return err(path, format!("more than maxItems ({n} items)"));
                }
                if m.get("uniqueItems") == Some(&Value::Bool(true)) {
                    for (i, a) in items.iter().enumerate() {
                        if items[..i].iter().any(|b| json_eq(a, b)) {
                            path.push(PathSeg::Index(i));
                            let r = err(path, "duplicate item under uniqueItems".into());
                            path.pop();
                            return r;
                        }
                    }
                }
                let item_schema = match m.get("items") {
                    Some(s @ (Value::Object(_) | Value::Bool(_))) => Some(at(s)),
                    _ => None,
                };
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    let bad_item = kw
                        .items_enum
                        .as_ref()
                        .is_some_and(|e| !e.iter().any(|x| json_eq(x, item)));
                    let r = match item_schema {
                        _ if bad_item => err(path, format!("{item} is not one of the enum values")),
                        Some(s) => self.check(item, s, path, 0),
                        None => Ok(()),
                    };
                    path.pop();
                    r?;
                }
            }
            Value::Object(obj) => {
                if let Some(Value::Array(req)) = m.get("required") {
                    for k in req.iter().filter_map(Value::as_str) {
                        if !obj.contains_key(k) {
                            path.push(PathSeg::Key(k.to_string()));
                            let r = err(path, "missing required property".into());
                            path.pop();
                            return r;
                        }
                    }
                }
                let n = obj.len() as u64;
                if count("minProperties").is_some_and(|min| n < min) {
                    return err(path, format!("fewer than minProperties ({n})"));
                }
                if count("maxProperties").is_some_and(|max| n > max) {
                    return err(path, format!("more than maxProperties ({n})"));
                }
                let props = m.get("properties").and_then(Value::as_object);
                let additional = m.get("additionalProperties");
                for (k, child) in obj {
                    let sub = match props.and_then(|p| p.get(k)) {
                        Some(s) => Some(at(s)),
                        None => match additional {
                            Some(s @ (Value::Object(_) | Value::Bool(_))) => Some(at(s)),
                            _ => None,
                        },
                    };
                    if let Some(s) = sub {
                        path.push(PathSeg::Key(k.clone()));
                        let r = if s.s == &Value::Bool(false) {
                            err(
                                path,
                                "property not allowed (additionalProperties: false)".into(),
                            )
                        } else {
                            self.check(child, s, path, 0)
                        };
                        path.pop();
                        r?;
                    }
                }
            }
            _ => {}
        }
        if let Some(Value::Array(all)) = m.get("allOf") {
            for s in all {
                self.check(v, at(s), path, hops + 1)?;
            }
        }
        for u in Union::of(sch, m) {
            self.check_union(v, &u, path, hops)?;
        }
        Ok(())
    }

    fn check_union(
        &self,
        v: &Value,
        u: &Union<'a>,
        path: &mut Vec<PathSeg>,
        hops: usize,
    ) -> Result<(), ValidationError> {
        let err = |path: &[PathSeg], message: String| {
            Err(ValidationError {
                path: format_path(path),
                message,
            })
        };
        if let Some(info) = self.union_tag(u) {
            let what = if info.detected {
                "union tag"
            } else {
                "discriminator"
            };
            match v.as_object().map(|o| o.get(&info.prop)) {
                None => {
                    return err(
                        path,
                        format!(
                            "expected an object (tagged union), got {}",
                            kinds_name(value_kind(v))
                        ),
                    );
                }
                Some(Some(tag)) => {
                    let Some(member) = info.member_for(tag).and_then(|i| u.member(i)) else {
                        path.push(PathSeg::Key(info.prop.clone()));
                        let r = err(path, format!("{tag} is not the {what} of any union member"));
                        path.pop();
                        return r;
                    };
                    return self.check(v, member, path, hops + 1);
                }
                // Some member does without the tag: check member by member.
                Some(None) if info.optional => {}
                Some(None) => {
                    return err(path, format!("missing {what} property `{}`", info.prop));
                }
            }
        }
        let mut matched = 0;
        let mut errors = Vec::new();
        for i in 0..u.members.len() {
            let Some(member) = u.member(i) else { continue };
            match self.check(v, member, path, hops + 1) {
                Ok(()) => {
                    matched += 1;
                    if !u.one_of || !self.one_of_exact {
                        return Ok(());
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        match (u.one_of, matched) {
            (true, 1) => Ok(()),
            (true, n) if n > 1 => err(path, format!("matches {n} oneOf members, expected one")),
            _ => {
                // Prefer the one member that got further than this node.
                let here = format_path(path);
                let deeper: Vec<&ValidationError> =
                    errors.iter().filter(|e| e.path != here).collect();
                if let [only] = deeper.as_slice() {
                    return Err((*only).clone());
                }
                let summary: Vec<String> = errors
                    .iter()
                    .take(3)
                    .map(std::string::ToString::to_string)
                    .collect();
                err(
                    path,
                    format!("matches no union member ({})", summary.join("; ")),
                )
            }
        }
    }

    // -- generation --------------------------------------------------------

    /// A random instance of component `component`, valid against it (see the
    /// module docs for the limits). `Value::Null` for an unknown component.
    pub fn instance(&self, component: &str, rng: &mut Rng) -> Value {
        let Some(root) = self.component(component) else {
            return Value::Null;
        };
        let mut cx = Ctx {
            rng,
            budget: RETRY_BUDGET,
        };
        self.generate(vec![root], 0, &mut cx)
    }

    /// A value valid against every schema of `conj` (their conjunction).
    fn generate(&self, conj: Vec<Sch<'a>>, depth: usize, cx: &mut Ctx) -> Value {
        let hard = self.truncated(depth);
        if cx.rng.chance(self.null_percent) && self.accepts_null(&conj) {
            return Value::Null;
        }
        let forced = Forced::new();
        let mut choices = Choices::new();
        let view = self.flatten(&conj, &choices);
        let Some(first) = view.unions.first().copied() else {
            return self.gen_view(&view, &forced, depth, cx);
        };
        let order = self.member_order(&first, &forced, depth, cx);
        if order.is_empty() {
            return Value::Null;
        }
        let attempts = if hard { 1 } else { UNION_ATTEMPTS };
        let mut last = Value::Null;
        for attempt in 0..attempts {
            choices.clear();
            let mut forced_now = forced.clone();
            let idx = order[attempt % order.len()];
            self.apply_choice(&first, idx, &mut forced_now, &mut choices, cx);
            let mut view = self.flatten(&conj, &choices);
            for _ in 0..16 {
                let Some(u) = view.unions.first().copied() else {
                    break;
                };
                let Some(&i) = self.member_order(&u, &forced_now, depth, cx).first() else {
                    break;
                };
                self.apply_choice(&u, i, &mut forced_now, &mut choices, cx);
                view = self.flatten(&conj, &choices);
            }
            let v = self.gen_view(&view, &forced_now, depth, cx);
            if hard || cx.budget == 0 {
                return v;
            }
            // Retry only for a problem at this node (such as an ambiguous
            // oneOf); nested nodes already had their own retries.
            let error = conj
                .iter()
                .find_map(|s| self.check(&v, *s, &mut Vec::new(), 0).err());
            if error.is_none_or(|e| !e.path.is_empty()) {
                return v;
            }
            cx.budget -= 1;
            last = v;
        }
        last
    }

    /// Past the hard depth limit: no retries, and objects and arrays are
    /// left empty even when that violates the schema.
    fn truncated(&self, depth: usize) -> bool {
        depth > self.max_depth + HARD_EXTRA_DEPTH
    }

    /// Records member `i` of `u` as chosen and forces its tag value.
    fn apply_choice(
        &self,
        u: &Union<'a>,
        i: usize,
        forced: &mut Forced,
        choices: &mut Choices,
        cx: &mut Ctx,
    ) {
        choices.insert(u.key(), i);
        let Some(info) = self.union_tag(u) else {
            return;
        };
        if forced.iter().any(|(k, _)| *k == info.prop) {
            return;
        }
        if let Some(v) = info.values.get(i).and_then(|vals| cx.rng.pick(vals)) {
            forced.push((info.prop.clone(), v.clone()));
        }
    }

    /// Candidate members of `u` in the order to try them: those matching a
    /// forced tag, never null-only ones; random order, or cheapest first
    /// beyond `max_depth`.
    fn member_order(
        &self,
        u: &Union<'a>,
        forced: &Forced,
        depth: usize,
        cx: &mut Ctx,
    ) -> Vec<usize> {
        let meta = self.member_meta(u);
        let mut idx: Vec<usize> = (0..meta.len()).filter(|&i| !meta[i].null_only).collect();
        if let Some(info) = self.union_tag(u) {
            let wanted = forced.iter().find(|(k, _)| *k == info.prop).map(|(_, v)| v);
            let keep: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&i| {
                    let vals = info.values.get(i).map(Vec::as_slice).unwrap_or_default();
                    match wanted {
                        Some(w) => vals.iter().any(|x| json_eq(x, w)),
                        None => !vals.is_empty(),
                    }
                })
                .collect();
            if !keep.is_empty() {
                idx = keep;
            }
        }
        cx.rng.shuffle(&mut idx);
        if depth >= self.max_depth {
            idx.sort_by_key(|&i| meta[i].cost);
        }
        idx
    }

    /// Per-member facts of a union, cached per union node.
    fn member_meta(&self, u: &Union<'a>) -> Rc<Vec<MemberMeta>> {
        if let Some(hit) = self.members.borrow().get(&u.key()) {
            return hit.clone();
        }
        let meta: Vec<MemberMeta> = (0..u.members.len())
            .filter_map(|i| u.member(i))
            .map(|s| {
                let view = self.flatten_one(s);
                MemberMeta {
                    null_only: view.unions.is_empty() && view.kinds() & !K_NULL == 0,
                    cost: self.member_cost(&view),
                    kinds: if view.unions.is_empty() {
                        view.kinds()
                    } else {
                        K_ALL
                    },
                }
            })
            .collect();
        let meta = Rc::new(meta);
        self.members.borrow_mut().insert(u.key(), meta.clone());
        meta
    }

    /// A rough cost of generating from a member: scalars are free, objects
    /// cost their required non-scalar properties, nested unions are dear.
    fn member_cost(&self, view: &View<'a>) -> usize {
        if !view.unions.is_empty() {
            return 50;
        }
        let kinds = view.kinds();
        if view.enum_.is_some() || kinds & (K_STR | K_NUM | K_BOOL) != 0 {
            return 0;
        }
        let mut cost = 0;
        if kinds & K_ARR != 0 {
            cost += 1 + 10 * view.min_items as usize;
        }
        if kinds & K_OBJ != 0 {
            cost += 2;
            for p in &view.required {
                let Some(conj) = view.props.get(p) else {
                    continue;
                };
                let pv = self.flatten(conj, &Choices::new());
                let scalar = pv.enum_.is_some()
                    || (pv.unions.is_empty() && pv.kinds() & (K_OBJ | K_ARR) == 0);
                cost += if scalar { 1 } else { 10 };
            }
        }
        cost
    }

    fn gen_view(&self, view: &View<'a>, forced: &Forced, depth: usize, cx: &mut Ctx) -> Value {
        if view.impossible {
            return Value::Null;
        }
        if let Some(e) = &view.enum_ {
            let options: Vec<&Value> = e.iter().copied().filter(|v| !v.is_null()).collect();
            return cx.rng.pick(&options).map_or(Value::Null, |v| (*v).clone());
        }
        let mut kinds = view.kinds() & !K_NULL;
        if !forced.is_empty() && kinds & K_OBJ != 0 {
            kinds = K_OBJ;
        }
        let mut options: Vec<u8> = [K_OBJ, K_ARR, K_STR, K_BOOL]
            .into_iter()
            .filter(|k| kinds & k != 0)
            .collect();
        if kinds & K_FRAC != 0 {
            options.push(K_NUM);
        } else if kinds & K_INT != 0 {
            options.push(K_INT);
        }
        if depth >= self.max_depth && options.iter().any(|k| *k & (K_OBJ | K_ARR) == 0) {
            options.retain(|k| *k & (K_OBJ | K_ARR) == 0);
        }
        match cx.rng.pick(&options).copied() {
            Some(K_OBJ) => self.gen_object(view, forced, depth, cx),
            Some(K_ARR) => self.gen_array(view, depth, cx),
            Some(K_STR) => Value::String(gen_string(view, cx.rng)),
            Some(K_BOOL) => Value::Bool(cx.rng.chance(50)),
            Some(K_INT) => gen_number(view, true, cx.rng),
            Some(_) => gen_number(view, false, cx.rng),
            None => Value::Null,
        }
    }

    fn gen_object(&self, view: &View<'a>, forced: &Forced, depth: usize, cx: &mut Ctx) -> Value {
        let deep = depth >= self.max_depth;
        let mut obj = Map::new();
        if self.truncated(depth) {
            // Past the hard limit: no recursion at all, even if required.
            obj.extend(forced.iter().cloned());
            return Value::Object(obj);
        }
        for (k, conj) in &view.props {
            if let Some((_, v)) = forced.iter().find(|(f, _)| f == k) {
                obj.insert((*k).to_string(), v.clone());
            } else if view.required.contains(k) || (!deep && cx.rng.chance(self.optional_percent)) {
                let v = self.generate(conj.clone(), depth + 1, cx);
                obj.insert((*k).to_string(), v);
            }
        }
        for k in &view.required {
            if !obj.contains_key(*k) {
                let v = if view.additional.is_empty() {
                    any_scalar(cx.rng)
                } else {
                    self.generate(view.additional.clone(), depth + 1, cx)
                };
                obj.insert((*k).to_string(), v);
            }
        }
        for (k, v) in forced {
            if !obj.contains_key(k) {
                obj.insert(k.clone(), v.clone());
            }
        }
        if !deep && !view.additional.is_empty() && cx.rng.chance(self.extra_percent) {
            let key = fresh_key("extra", &obj, view, cx.rng);
            let v = self.generate(view.additional.clone(), depth + 1, cx);
            obj.insert(key, v);
        } else if !deep
            && view.props.is_empty()
            && view.additional.is_empty()
            && !view.closed
            && cx.rng.chance(self.extra_percent)
        {
            for _ in 0..1 + cx.rng.below(2) {
                let key = fresh_key("key", &obj, view, cx.rng);
                obj.insert(key, any_scalar(cx.rng));
            }
        }
        Value::Object(obj)
    }

    fn gen_array(&self, view: &View<'a>, depth: usize, cx: &mut Ctx) -> Value {
        let min = view.min_items.min(64);
        let max = view.max_items.unwrap_or(u64::MAX).max(min);
        let hi = if depth >= self.max_depth {
            min
        } else {
            max.min(min.max(3))
        };
        let count = if self.truncated(depth) {
            0
        } else {
            min + cx.rng.below(hi - min + 1)
        };
        let mut items: Vec<Value> = Vec::new();
        for _ in 0..count {
            for attempt in 0..10 {
                let v = if !view.items.is_empty() {
                    self.generate(view.items.clone(), depth + 1, cx)
                } else if let Some(e) = &view.items_enum {
                    cx.rng.pick(e).map_or(Value::Null, |v| (*v).clone())
                } else {
                    any_scalar(cx.rng)
                };
                let dup = view.unique && items.iter().any(|x| json_eq(x, &v));
                if !dup || (attempt == 9 && (items.len() as u64) < min) {
                    items.push(v);
                    break;
                }
            }
        }
        Value::Array(items)
    }

    // -- walking -----------------------------------------------------------

    /// Pairs every node of `v` with its schema and records what mutations it
    /// is eligible for.
    fn walk(
        &self,
        v: &Value,
        conj: Vec<Sch<'a>>,
        segs: &mut Vec<PathSeg>,
        is_tag: bool,
        out: &mut Vec<NodeRec>,
    ) {
        if v.is_null() {
            return;
        }
        let mut choices = Choices::new();
        let mut view = self.flatten(&conj, &choices);
        let mut tags: Vec<(String, Vec<Value>)> = Vec::new();
        let mut resolved = true;
        let mut union_kinds = 0u8;
        for _ in 0..16 {
            let Some(u) = view.unions.first().copied() else {
                break;
            };
            union_kinds |= self
                .member_meta(&u)
                .iter()
                .fold(0, |acc, meta| acc | meta.kinds);
            let tag = self.union_tag(&u);
            let idx = match (&tag, tag.as_ref().and_then(|info| v.get(&info.prop))) {
                (Some(info), Some(t)) => {
                    tags.push((info.prop.clone(), info.all_values()));
                    info.member_for(t)
                }
                (Some(info), None) if !info.optional => None,
                _ => (0..u.members.len())
                    .find(|&i| u.member(i).is_some_and(|m| self.check_ok(v, m)))
                    .or_else(|| {
                        let meta = self.member_meta(&u);
                        (0..meta.len()).find(|&i| meta[i].kinds & value_kind(v) != 0)
                    }),
            };
            let Some(i) = idx else {
                resolved = false;
                break;
            };
            choices.insert(u.key(), i);
            view = self.flatten(&conj, &choices);
        }
        let kind = value_kind(v);
        let allowed = view.kinds() & !K_NULL;
        let single = [K_BOOL, K_OBJ, K_ARR, K_STR, K_INT, K_NUM]
            .into_iter()
            .find(|k| *k == allowed)
            .filter(|k| k & kind != 0 && resolved && !is_tag);
        let is_tag_prop = |k: &str| tags.iter().any(|(p, _)| p == k);
        let mut rec = NodeRec {
            segs: segs.clone(),
            declared_object: false,
            declared_keys: view.props.keys().map(|k| (*k).to_string()).collect(),
            enum_values: None,
            union_tag: tags.last().cloned(),
            single_kind: single,
            union_kinds,
            required: Vec::new(),
        };
        match v {
            Value::String(_) if !is_tag && resolved => {
                if let Some(e) = view
                    .enum_
                    .as_ref()
                    .filter(|e| e.iter().all(|x| x.is_string()))
                {
                    rec.enum_values = Some(e.iter().map(|x| (*x).clone()).collect());
                }
            }
            Value::Number(_) if resolved => {
                if let Some(e) = view
                    .enum_
                    .as_ref()
                    .filter(|e| e.iter().filter(|x| !x.is_null()).all(|x| x.is_number()))
                {
                    rec.enum_values = Some(e.iter().map(|x| (*x).clone()).collect());
                }
            }
            Value::Object(obj) => {
                rec.declared_object =
                    resolved && !view.props.is_empty() && view.additional.is_empty();
                rec.required = view
                    .required
                    .iter()
                    .filter(|k| obj.contains_key(**k) && !is_tag_prop(k))
                    .map(|k| (*k).to_string())
                    .collect();
            }
            _ => {}
        }
        out.push(rec);
        match v {
            Value::Object(obj) => {
                for (k, child) in obj {
                    let sub = match view.props.get(k.as_str()) {
                        Some(c) => c.clone(),
                        None if !view.additional.is_empty() => view.additional.clone(),
                        None => continue,
                    };
                    segs.push(PathSeg::Key(k.clone()));
                    self.walk(child, sub, segs, is_tag_prop(k), out);
                    segs.pop();
                }
            }
            Value::Array(items) if !view.items.is_empty() => {
                for (i, child) in items.iter().enumerate() {
                    segs.push(PathSeg::Index(i));
                    self.walk(child, view.items.clone(), segs, false, out);
                    segs.pop();
                }
            }
            _ => {}
        }
    }

    // -- mutations ---------------------------------------------------------

    /// Adds an undeclared key (`x_unknown_N`) to an object whose schema
    /// declares `properties` (not a map). Path: the new key.
    pub fn inject_unknown_field(
        &self,
        component: &str,
        v: &mut Value,
        rng: &mut Rng,
    ) -> Option<Mutation> {
        self.mutate(MutationKind::UnknownField, component, v, rng)
    }

    /// Replaces a string under a string `enum` (not a union tag) with
    /// `unknown-value-N`. Path: the replaced value.
    pub fn inject_unknown_enum_value(
        &self,
        component: &str,
        v: &mut Value,
        rng: &mut Rng,
    ) -> Option<Mutation> {
        self.mutate(MutationKind::UnknownEnumValue, component, v, rng)
    }

    /// Sets the tag of a tagged-union member object to `unknown-member-N`.
    /// Path: the object; `key`: the tag property.
    pub fn inject_unknown_union_member(
        &self,
        component: &str,
        v: &mut Value,
        rng: &mut Rng,
    ) -> Option<Mutation> {
        self.mutate(MutationKind::UnknownUnionMember, component, v, rng)
    }

    /// Replaces a value whose schema allows a single JSON type with a value
    /// of another type (never null). Path: the replaced value.
    pub fn wrong_type(&self, component: &str, v: &mut Value, rng: &mut Rng) -> Option<Mutation> {
        self.mutate(MutationKind::WrongType, component, v, rng)
    }

    /// Removes a required property that is not a union tag. Path: the removed
    /// property (object path plus key).
    pub fn remove_required(
        &self,
        component: &str,
        v: &mut Value,
        rng: &mut Rng,
    ) -> Option<Mutation> {
        self.mutate(MutationKind::RemoveRequired, component, v, rng)
    }

    /// Applies one mutation of `kind` to `v` (which should be valid against
    /// `component`) at a randomly chosen eligible node. `None` (and `v`
    /// unchanged) when no node is eligible. For every kind but
    /// `UnknownField`, only results that [`Gen::validate`] rejects are kept.
    pub fn mutate(
        &self,
        kind: MutationKind,
        component: &str,
        v: &mut Value,
        rng: &mut Rng,
    ) -> Option<Mutation> {
        let root = self.component(component)?;
        // "The mutated value is rejected" means something only when the
        // value was accepted before.
        if kind.rejected_by_validate() && !self.check_ok(v, root) {
            return None;
        }
        let mut nodes = Vec::new();
        self.walk(v, vec![root], &mut Vec::new(), false, &mut nodes);
        let mut candidates: Vec<usize> = (0..nodes.len())
            .filter(|&i| {
                let n = &nodes[i];
                match kind {
                    MutationKind::UnknownField => n.declared_object,
                    MutationKind::UnknownEnumValue => n.enum_values.is_some(),
                    MutationKind::UnknownUnionMember => n.union_tag.is_some(),
                    MutationKind::WrongType => n.single_kind.is_some(),
                    MutationKind::RemoveRequired => !n.required.is_empty(),
                }
            })
            .collect();
        rng.shuffle(&mut candidates);
        for i in candidates {
            let node = &nodes[i];
            let Some(target) = value_at_segs_mut(v, &node.segs) else {
                continue;
            };
            let saved = target.clone();
            let Some(m) = apply_mutation(kind, node, target, rng) else {
                continue;
            };
            if !kind.rejected_by_validate() || !self.check_ok(v, root) {
                return Some(m);
            }
            if let Some(target) = value_at_segs_mut(v, &node.segs) {
                *target = saved;
            }
        }
        None
    }
}

/// A number a number enum does not list, of the same kind: one more than
/// the largest value (an integer when they all are).
fn unlisted_number(known: &[Value]) -> Option<Value> {
    let numbers: Vec<&serde_json::Number> = known
        .iter()
        .filter_map(|k| match k {
            Value::Number(n) => Some(n),
            _ => None,
        })
        .collect();
    if numbers.iter().all(|n| n.is_i64()) {
        let max = numbers.iter().filter_map(|n| n.as_i64()).max()?;
        return max.checked_add(1).map(Value::from);
    }
    let max = numbers
        .iter()
        .filter_map(|n| n.as_f64())
        .fold(f64::NEG_INFINITY, f64::max);
    (max.is_finite() && max < 1e15).then(|| Value::from(max.floor() + 1.5))
}

/// Applies `kind` to `target` (the node `node` describes).
fn apply_mutation(
    kind: MutationKind,
    node: &NodeRec,
    target: &mut Value,
    rng: &mut Rng,
) -> Option<Mutation> {
    let here = format_path(&node.segs);
    let shown = |p: &str| {
        if p.is_empty() {
            "(root)".to_string()
        } else {
            format!("`{p}`")
        }
    };
    let with_key = |k: &str| {
        let mut s = node.segs.clone();
        s.push(PathSeg::Key(k.to_string()));
        s
    };
    match kind {
        MutationKind::UnknownField => {
            let obj = target.as_object_mut()?;
            let key = fresh_name("x_unknown_", rng, |k| {
                obj.contains_key(k) || node.declared_keys.iter().any(|d| d == k)
            });
            let value = if rng.chance(25) {
                serde_json::json!({ "nested": [1, "two", null, { "deep": true }] })
            } else {
                any_scalar(rng)
            };
            obj.insert(key.clone(), value.clone());
            let segs = with_key(&key);
            Some(Mutation {
                kind,
                path: format_path(&segs),
                description: format!("added unknown field `{key}` = {value} to {}", shown(&here)),
                segments: segs,
                key: Some(key),
                known: Vec::new(),
            })
        }
        MutationKind::UnknownEnumValue => {
            let known = node.enum_values.as_ref()?;
            let new = if target.is_number() {
                unlisted_number(known)?
            } else {
                Value::String(fresh_name("unknown-value-", rng, |s| {
                    known.iter().any(|k| k.as_str() == Some(s))
                }))
            };
            let old = std::mem::replace(target, new.clone());
            Some(Mutation {
                kind,
                path: here.clone(),
                segments: node.segs.clone(),
                key: None,
                description: format!("replaced enum value {old} at {} with {new}", shown(&here)),
                known: known.clone(),
            })
        }
        MutationKind::UnknownUnionMember => {
            let (prop, used) = node.union_tag.as_ref()?;
            let obj = target.as_object_mut()?;
            let new = Value::String(fresh_name("unknown-member-", rng, |s| {
                used.iter().any(|u| u.as_str() == Some(s))
            }));
            let old = obj.insert(prop.clone(), new.clone()).unwrap_or(Value::Null);
            Some(Mutation {
                kind,
                path: here.clone(),
                segments: node.segs.clone(),
                key: Some(prop.clone()),
                description: format!(
                    "set union tag `{prop}` of {} from {old} to {new}",
                    shown(&here)
                ),
                known: Vec::new(),
            })
        }
        MutationKind::WrongType => {
            let allowed = node.single_kind?;
            let options: Vec<Value> = [
                Value::from(123),
                Value::String("x".into()),
                Value::Bool(true),
                Value::Array(Vec::new()),
                Value::Object(Map::new()),
            ]
            .into_iter()
            // Integers and fractions are both JSON numbers: never swap them.
            .filter(|o| {
                let accepted = allowed | node.union_kinds;
                value_kind(o) & accepted == 0 && !(o.is_number() && accepted & (K_NUM | K_INT) != 0)
            })
            .collect();
            let new = rng.pick(&options)?.clone();
            let old = std::mem::replace(target, new.clone());
            Some(Mutation {
                kind,
                path: here.clone(),
                segments: node.segs.clone(),
                key: None,
                description: format!(
                    "replaced {} at {} with {new} ({} expected)",
                    truncate(&old.to_string(), 60),
                    shown(&here),
                    kinds_name(allowed)
                ),
                known: Vec::new(),
            })
        }
        MutationKind::RemoveRequired => {
            let key = rng.pick(&node.required)?.clone();
            target.as_object_mut()?.remove(&key)?;
            let segs = with_key(&key);
            let path = format_path(&segs);
            Some(Mutation {
                kind,
                description: format!("removed required property {}", shown(&path)),
                path,
                segments: segs,
                key: Some(key),
                known: Vec::new(),
            })
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

/// `prefix` plus a number, such that `taken` is false for it: a few random
/// tries, then counting up (which ends, `taken` being true for finitely many
/// names in practice).
fn fresh_name(prefix: &str, rng: &mut Rng, taken: impl Fn(&str) -> bool) -> String {
    (0..8)
        .map(|_| rng.below(1000))
        .chain(1000..)
        .map(|n| format!("{prefix}{n}"))
        .find(|k| !taken(k))
        .unwrap_or_else(|| prefix.to_string())
}

fn fresh_key(prefix: &str, obj: &Map<String, Value>, view: &View<'_>, rng: &mut Rng) -> String {
    fresh_name(prefix, rng, |k| {
        obj.contains_key(k) || view.props.contains_key(k)
    })
}

/// A small random scalar (string, integer, quarter-fraction or boolean).
fn any_scalar(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => Value::String(word(1 + rng.below(8) as usize, true, rng)),
        1 => Value::from(rng.range_i64(-100, 1000)),
        2 => Value::from(rng.range_i64(-400, 4000) as f64 / 4.0),
        _ => Value::Bool(rng.chance(50)),
    }
}

/// A string of exactly `len` chars: a letter then letters/digits; unless
/// `plain`, sometimes with one character that needs care (non-ASCII, quote,
/// backslash, newline, space, slash).
fn word(len: usize, plain: bool, rng: &mut Rng) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const SPECIAL: &[char] = &['é', 'ü', '😀', '"', '\\', '\n', ' ', '/'];
    let mut chars: Vec<char> = (0..len)
        .map(|i| {
            let set = if i == 0 { LETTERS } else { ALNUM };
            char::from(set[rng.below(set.len() as u64) as usize])
        })
        .collect();
    if !plain && len > 0 && rng.chance(15) {
        let at = rng.below(len as u64) as usize;
        if let (Some(slot), Some(c)) = (chars.get_mut(at), rng.pick(SPECIAL)) {
            *slot = *c;
        }
    }
    chars.into_iter().collect()
}

fn gen_string(view: &View<'_>, rng: &mut Rng) -> String {
    let min = view.min_len.min(10_000) as usize;
    let max = view
        .max_len
        .map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX))
        .max(min);
    if let Some(s) = view.format.and_then(|f| format_string(f, rng)) {
        let n = s.chars().count();
        if n >= min && n <= max {
            return s;
        }
    }
    let plain = view.pattern.is_some() || view.format.is_some();
    let lo = if view.pattern.is_some() {
        min.max(1).min(max)
    } else {
        min
    };
    let hi = max.min(lo + 10);
    let len = lo + rng.below((hi - lo + 1) as u64) as usize;
    word(len, plain, rng)
}

fn format_string(format: &str, rng: &mut Rng) -> Option<String> {
    let mut n = |k: u64| rng.below(k);
    Some(match format {
        "date-time" => format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            20 + n(10),
            1 + n(12),
            1 + n(28),
            n(24),
            n(60),
            n(60),
            n(1000)
        ),
        "date" => format!("20{:02}-{:02}-{:02}", 20 + n(10), 1 + n(12), 1 + n(28)),
        "time" => format!("{:02}:{:02}:{:02}Z", n(24), n(60), n(60)),
        "uuid" => {
            let hi = rng.next_u64();
            let lo = rng.next_u64();
            let hi = (hi & !0xF000) | 0x4000;
            let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
            format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                hi >> 32,
                (hi >> 16) & 0xFFFF,
                hi & 0xFFFF,
                lo >> 48,
                lo & 0xFFFF_FFFF_FFFF
            )
        }
        "email" => format!("user{}@example.com", n(1000)),
        "uri" | "url" | "iri" | "uri-reference" => format!("https://example.com/p{}", n(1000)),
        "hostname" => format!("host{}.example.com", n(1000)),
        "ipv4" => format!("192.0.2.{}", n(255)),
        "ipv6" => format!("2001:db8::{:x}", n(0xFFFF)),
        "byte" => "aGVsbG8=".to_string(),
        _ => return None,
    })
}

fn gen_number(view: &View<'_>, int_only: bool, rng: &mut Rng) -> Value {
    let (lo, lo_x, hi, hi_x) = match (view.lo, view.hi) {
        (Some((l, lx)), Some((h, hx))) => (l, lx, h, hx),
        (Some((l, lx)), None) => (l, lx, l.max(-NUM_LIMIT) + 1000.0, false),
        (None, Some((h, hx))) => (h.min(NUM_LIMIT) - 1000.0, false, h, hx),
        (None, None) => (-100.0, false, 1000.0, false),
    };
    let (lo, hi) = (
        lo.clamp(-NUM_LIMIT, NUM_LIMIT),
        hi.clamp(-NUM_LIMIT, NUM_LIMIT),
    );
    // Integers k*step in range, for a positive step.
    let multiples = |step: f64| {
        let mut klo = (lo / step).ceil();
        if lo_x && klo * step <= lo {
            klo += 1.0;
        }
        let mut khi = (hi / step).floor();
        if hi_x && khi * step >= hi {
            khi -= 1.0;
        }
        (klo <= khi).then_some((klo as i64, khi as i64))
    };
    let step = view.multiple_of;
    let int_step = step.filter(|s| s.fract() == 0.0).unwrap_or(1.0);
    if int_only || (rng.chance(50) && step.is_none_or(|s| s.fract() == 0.0)) {
        if let Some((a, b)) = multiples(int_step) {
            return Value::from(((rng.range_i64(a, b) as f64) * int_step) as i64);
        }
        if int_only {
            return Value::from(lo.ceil() as i64);
        }
    }
    let frac_step = step.unwrap_or(0.25);
    if let Some((a, b)) = multiples(frac_step) {
        return Value::from(rng.range_i64(a, b) as f64 * frac_step);
    }
    Value::from((lo + hi) / 2.0)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Loose checks for the formats the generator produces.
fn format_ok(format: &str, s: &str) -> bool {
    let date = |d: &str| {
        let parts: Vec<&str> = d.split('-').collect();
        matches!(parts.as_slice(), [y, m, dd] if y.len() == 4 && m.len() == 2 && dd.len() == 2
            && all_digits(y) && all_digits(m) && all_digits(dd))
    };
    match format {
        "date" => date(s),
        "date-time" => {
            let Some((d, t)) = s.split_once(['T', 't']) else {
                return false;
            };
            let t = t.strip_suffix(['Z', 'z']).or_else(|| {
                t.get(..t.len().checked_sub(6)?).filter(|_| {
                    let off = &t[t.len() - 6..];
                    off.starts_with(['+', '-']) && off.as_bytes().get(3) == Some(&b':')
                })
            });
            let Some(t) = t else { return false };
            let (hms, frac) = t.split_once('.').unwrap_or((t, "0"));
            let hms: Vec<&str> = hms.split(':').collect();
            date(d)
                && hms.len() == 3
                && hms.iter().all(|p| p.len() == 2 && all_digits(p))
                && all_digits(frac)
        }
        "uuid" => {
            s.len() == 36
                && s.char_indices().all(|(i, c)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                })
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// `rel` under the nearest ancestor of the crate that has it, else under
    /// `fallback`.
    fn find_data(rel: &str, fallback: &str) -> Option<PathBuf> {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        here.ancestors()
            .map(|a| a.join(rel))
            .chain([PathBuf::from(fallback).join(rel)])
            .find(|p| p.exists())
    }

    fn local_components() -> Option<BTreeMap<String, Value>> {
        let Some(dir) = find_data("openapi/schemas", "/work/main") else {
            println!("NOTICE: openapi/schemas not found; skipping");
            return None;
        };
        Some(load_schema_dir(&dir).expect("schema folder loads"))
    }

    /// The upstream document's components, parsed once for all tests.
    fn upstream_components() -> Option<&'static BTreeMap<String, Value>> {
        static UPSTREAM: std::sync::OnceLock<Option<BTreeMap<String, Value>>> =
            std::sync::OnceLock::new();
        let loaded = UPSTREAM.get_or_init(|| {
            let file = find_data("shared/upstream/vapi-openapi-2026-03-27.json", "/work")?;
            let text = std::fs::read_to_string(file).expect("upstream document reads");
            let doc: Value = serde_json::from_str(&text).expect("upstream document parses");
            Some(openapi_components(&doc))
        });
        if loaded.is_none() {
            println!("NOTICE: shared/upstream not found; skipping");
        }
        loaded.as_ref()
    }

    /// About `n` component names, spread evenly, plus `extra`.
    fn sample(components: &BTreeMap<String, Value>, n: usize, extra: &[&str]) -> Vec<String> {
        let step = (components.len() / n.max(1)).max(1);
        let mut names: Vec<String> = components.keys().step_by(step).cloned().collect();
        for e in extra {
            if components.contains_key(*e) && !names.iter().any(|x| x == e) {
                names.push((*e).to_string());
            }
        }
        names
    }

    /// Generates `seeds` instances of each of `names` and validates them.
    /// With `tolerate_overlap`, an instance rejected only because it matches
    /// several members of a `oneOf` whose members overlap (an upstream quirk
    /// that can leave no value matching exactly one member) is counted and
    /// reported instead of failing, provided the lenient validator accepts it.
    fn assert_all_valid(
        components: &BTreeMap<String, Value>,
        names: &[String],
        seeds: u64,
        tolerate_overlap: bool,
    ) {
        let g = Gen::new(components);
        let mut lenient = Gen::new(components);
        lenient.one_of_exact = false;
        let mut failures = Vec::new();
        let mut overlapping = 0;
        for name in names {
            for seed in 0..seeds {
                let v = g.instance(name, &mut Rng::new(seed));
                if let Err(e) = g.validate(name, &v) {
                    if tolerate_overlap
                        && e.contains("oneOf members, expected one")
                        && lenient.validate(name, &v).is_ok()
                    {
                        overlapping += 1;
                    } else {
                        failures.push(format!(
                            "{name} seed {seed}: {e}\n  {}",
                            truncate(&v.to_string(), 300)
                        ));
                    }
                }
                let again = g.instance(name, &mut Rng::new(seed));
                assert_eq!(v, again, "{name} seed {seed} is not deterministic");
            }
        }
        if overlapping > 0 {
            println!(
                "NOTICE: {overlapping} of {} instances match several members of an \
                 overlapping oneOf",
                names.len() as u64 * seeds
            );
        }
        assert!(
            failures.is_empty(),
            "{} invalid instances:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    fn assert_refs_resolve(components: &BTreeMap<String, Value>) {
        let g = Gen::new(components);
        for (name, schema) in components {
            let mut refs = Vec::new();
            collect_refs(schema, &mut refs);
            let from = g.component(name).expect("component exists");
            for r in refs {
                assert!(g.resolve_ref(from, r).is_some(), "{name}: unresolved {r}");
            }
        }
    }

    fn check_mutations(
        components: &BTreeMap<String, Value>,
        names: &[String],
        seeds: u64,
    ) -> BTreeMap<MutationKind, usize> {
        let g = Gen::new(components);
        let mut hits: BTreeMap<MutationKind, usize> = BTreeMap::new();
        for name in names {
            for seed in 0..seeds {
                let mut rng = Rng::new(seed);
                let original = g.instance(name, &mut rng);
                for kind in MutationKind::ALL {
                    let mut v = original.clone();
                    let Some(m) = g.mutate(kind, name, &mut v, &mut rng) else {
                        assert_eq!(v, original, "{kind:?} changed {name} without reporting it");
                        continue;
                    };
                    *hits.entry(kind).or_default() += 1;
                    assert_ne!(v, original, "{m}");
                    assert_eq!(
                        parse_path(&m.path).as_deref(),
                        Some(m.segments.as_slice()),
                        "{m}"
                    );
                    if kind.rejected_by_validate() {
                        assert!(
                            g.validate(name, &v).is_err(),
                            "{name} seed {seed}: {m} still valid"
                        );
                    }
                    match kind {
                        MutationKind::RemoveRequired => {
                            assert!(value_at(&v, &m.path).is_none(), "{m}");
                            let parent = &m.segments[..m.segments.len() - 1];
                            assert!(
                                value_at_segs(&v, parent).is_some_and(Value::is_object),
                                "{m}"
                            );
                            assert!(value_at(&original, &m.path).is_some(), "{m}");
                        }
                        MutationKind::UnknownUnionMember => {
                            let node = value_at(&v, &m.path).expect("object exists");
                            let key = m.key.as_deref().unwrap_or_default();
                            assert!(node.get(key).is_some_and(Value::is_string), "{m}");
                        }
                        _ => assert!(value_at(&v, &m.path).is_some(), "{m}"),
                    }
                }
            }
        }
        hits
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            assert!(a.below(10) < 10);
            let r = a.range_i64(-3, 3);
            assert!((-3..=3).contains(&r));
            b.below(10);
            b.range_i64(-3, 3);
        }
        assert_eq!(Rng::new(1).below(0), 0);
        assert!(!Rng::new(1).chance(0));
        assert!(Rng::new(1).chance(100));
        assert_eq!(Rng::new(3).range_i64(5, 5), 5);
        assert_eq!(Rng::new(3).range_i64(6, 5), 6);
        let mut wide = Rng::new(3);
        let _ = wide.range_i64(i64::MIN, i64::MAX);
    }

    #[test]
    fn paths_format_and_parse() {
        let segs = vec![
            PathSeg::Key("a".into()),
            PathSeg::Key("b".into()),
            PathSeg::Index(0),
            PathSeg::Key("c".into()),
            PathSeg::Key("X-Custom \"h\"".into()),
            PathSeg::Key(String::new()),
            PathSeg::Index(12),
        ];
        let text = format_path(&segs);
        assert_eq!(text, r#"a.b[0].c["X-Custom \"h\""][""][12]"#);
        assert_eq!(parse_path(&text), Some(segs));
        assert_eq!(parse_path(""), Some(vec![]));
        assert_eq!(
            parse_path("[1].x"),
            Some(vec![PathSeg::Index(1), PathSeg::Key("x".into())])
        );
        for bad in [".a", "a..b", "a[", "a[x]", "a[\"x\"", "1a", "a.1"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
        let v = json!({"a": {"b": [{"c": 1}]}, "k-1": true});
        assert_eq!(value_at(&v, "a.b[0].c"), Some(&json!(1)));
        assert_eq!(value_at(&v, "[\"k-1\"]"), Some(&json!(true)));
        assert_eq!(value_at(&v, "a.b[1]"), None);
        assert_eq!(value_at(&v, ""), Some(&v));
    }

    /// Components from a JSON object of name → schema.
    fn comps(schemas: Value) -> BTreeMap<String, Value> {
        openapi_components(&json!({ "components": { "schemas": schemas } }))
    }

    #[test]
    fn synthetic_schemas_generate_valid_instances() {
        let c = comps(json!({
            "Nullable": {"type": "string", "nullable": true, "maxLength": 3},
            "TypeList": {"type": ["integer", "null"], "minimum": 5, "maximum": 6},
            "Const": {"const": "fixed"},
            "EnumNoType": {"enum": ["a", "b", 3]},
            "EnumObjectQuirk": {"type": "object", "enum": ["x", "y"]},
            "EnumArrayQuirk": {
                "type": "array", "enum": ["p", "q"],
                "items": {"type": "string", "enum": ["p", "q"]}
            },
            "EnumTypeQuirk": {"oneOf": [
                {"type": "enum", "enum": ["off"]},
                {"type": "string", "format": "uri"}
            ]},
            "Ambiguous": {"oneOf": [{"type": "string", "enum": ["nova"]}, {"type": "string"}]},
            "Numbers": {"type": "object", "required": ["a", "b", "c", "d"], "properties": {
                "a": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1},
                "b": {"type": "integer", "exclusiveMinimum": 2, "exclusiveMaximum": 5},
                "c": {"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 20},
                "d": {"type": "number", "multipleOf": 0.5, "minimum": -1, "maximum": 1}
            }},
            "Formats": {"type": "object", "required": ["t", "u", "e", "w"], "properties": {
                "t": {"type": "string", "format": "date-time"},
                "u": {"type": "string", "format": "uuid"},
                "e": {"type": "string", "format": "email"},
                "w": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2}
            }},
            "Local": {
                "$defs": {"Leaf": {"type": "boolean"}},
                "type": "object", "required": ["leaf", "other"],
                "properties": {
                    "leaf": {"$ref": "#/$defs/Leaf"},
                    "other": {"$ref": "Const.json"}
                }
            },
            "Tree": {"type": "object", "required": ["children"], "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
            }},
            "Base": {"type": "object", "required": ["id"],
                     "properties": {"id": {"type": "string"}}},
            "Merged": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
            ]},
            "Cat": {"type": "object", "required": ["kind", "lives"], "properties": {
                "kind": {"type": "string", "enum": ["cat"]},
                "lives": {"type": "integer"}
            }},
            "Dog": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["dog", "hound"]},
                "good": {"type": "boolean"}
            }},
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"}
                ],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "cat": "#/components/schemas/Cat",
                    "dog": "#/components/schemas/Dog"
                }}
            },
            "AutoTag": {"type": "array", "items": {"anyOf": [
                {"type": "object", "required": ["t"],
                 "properties": {"t": {"const": 1}, "x": {"type": "string"}}},
                {"type": "object", "required": ["t"],
                 "properties": {"t": {"const": 2}, "y": {"type": "string"}}}
            ]}},
            "Map": {"type": "object", "additionalProperties": {"type": "integer"}},
            "Free": {"type": "object"},
            "Anything": {},
            "NullMember": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Base"}]},
            "NullableRef": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Base"}]},
            "Unique": {"type": "array", "uniqueItems": true, "minItems": 2,
                       "items": {"type": "boolean"}}
        }));
        let names: Vec<String> = c.keys().cloned().collect();
        assert_all_valid(&c, &names, 60, false);
        let g = Gen::new(&c);
        let mut saw_null = false;
        let mut saw_fraction = false;
        for seed in 0..60 {
            let mut rng = Rng::new(seed);
            saw_null |= g.instance("Nullable", &mut rng).is_null();
            let n = g.instance("Numbers", &mut rng);
            let d = n["d"].as_f64().unwrap_or_default();
            saw_fraction |= d.fract() != 0.0;
            assert_eq!(
                serde_json::from_str::<Value>(&n.to_string()).ok(),
                Some(n.clone())
            );
            assert!(n["b"].is_i64(), "{n}");
            let pet = g.instance("Pet", &mut rng);
            assert!(
                ["cat", "dog", "hound"].contains(&pet["kind"].as_str().unwrap_or("")),
                "{pet}"
            );
            assert!(g.instance("EnumObjectQuirk", &mut rng).is_string());
            assert_eq!(
                g.instance("Ambiguous", &mut rng)
                    .as_str()
                    .map(|s| s == "nova"),
                Some(false)
            );
            let tree = g.instance("Tree", &mut rng);
            assert!(tree.to_string().len() < 10_000);
        }
        assert!(saw_null && saw_fraction);
    }

    #[test]
    fn validator_rejects_basic_violations() {
        let c = comps(json!({
            "S": {
                "type": "object", "required": ["a"], "additionalProperties": false,
                "properties": {
                    "a": {"type": "integer", "minimum": 1},
                    "b": {"type": "array", "maxItems": 1,
                          "items": {"type": "string", "format": "uuid"}},
                    "c": {"type": "string", "nullable": true, "enum": ["x"]}
                }
            },
            "One": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            "Pet": {
                "oneOf": [{"type": "object", "properties": {"k": {"enum": ["a"]}}}],
                "discriminator": {"propertyName": "k"}
            }
        }));
        let g = Gen::new(&c);
        let bad = |name: &str, v: Value, path: &str| {
            let e = g.validate_error(name, &v).expect_err("invalid");
            assert_eq!(e.path, path, "{e}");
        };
        assert!(
            g.validate(
                "S",
                &json!({"a": 1, "c": null, "b": ["00000000-0000-4000-8000-000000000000"]})
            )
            .is_ok()
        );
        bad("S", json!({}), "a");
        bad("S", json!({"a": 0}), "a");
        bad("S", json!({"a": 1.5}), "a");
        bad("S", json!({"a": 1, "zz": 1}), "zz");
        bad("S", json!({"a": 1, "b": ["nope"]}), "b[0]");
        bad("S", json!({"a": 1, "b": [] , "c": "y"}), "c");
        bad("S", json!([]), "");
        bad("One", json!(1), "");
        assert!(g.validate("One", &json!(1.5)).is_ok());
        assert!(g.validate("Pet", &json!({"k": "a"})).is_ok());
        bad("Pet", json!({"k": "b"}), "k");
        bad("Pet", json!({}), "");
        assert!(g.validate("Missing", &json!(1)).is_err());
    }

    #[test]
    fn weird_schemas_and_values_do_not_panic() {
        let c = comps(json!({
            "Cycle": {"$ref": "#/components/schemas/Loop"},
            "Loop": {"allOf": [{"$ref": "Cycle.json"}]},
            "Never": false,
            "Odd": {"type": 5, "enum": "x", "properties": [], "required": {}, "items": 3,
                    "minimum": "a", "oneOf": {}, "allOf": [7], "$ref": 9, "discriminator": 1},
            "Dangling": {
                "$ref": "#/components/schemas/Nowhere", "type": "object", "required": ["a"],
                "properties": {"a": {"$ref": "Missing.json#/x"}}
            },
            "Impossible": {"type": "integer", "minimum": 3, "maximum": 2},
            "Recursive": {"type": "object", "required": ["next"],
                          "properties": {"next": {"$ref": "#/components/schemas/Recursive"}}}
        }));
        let g = Gen::new(&c);
        let garbage = [
            json!(null),
            json!("s"),
            json!([1, {"a": []}]),
            json!({"a": {"b": 1}}),
        ];
        for name in c.keys().map(String::as_str).chain(["Unknown"]) {
            for seed in 0..10 {
                let mut rng = Rng::new(seed);
                let v = g.instance(name, &mut rng);
                let _ = g.validate(name, &v);
                for kind in MutationKind::ALL {
                    for mut x in garbage.iter().cloned().chain([v.clone()]) {
                        let _ = g.mutate(kind, name, &mut x, &mut rng);
                    }
                }
            }
        }
        assert!(g.validate("Never", &json!(1)).is_err());
        let deep = g.instance("Recursive", &mut Rng::new(1));
        assert!(deep.to_string().len() < 1000, "{deep}");
    }

    #[test]
    fn closure_follows_refs_and_mappings() {
        let c = comps(json!({
            "A": {"properties": {"enum": {"$ref": "B.json"}}},
            "B": {
                "oneOf": [{"$ref": "#/components/schemas/C"}],
                "discriminator": {"propertyName": "t", "mapping": {"d": "#/components/schemas/D"}}
            },
            "C": {"example": {"$ref": "#/components/schemas/E"}},
            "D": {"$ref": "#/$defs/x", "$defs": {"x": {}}},
            "E": {}
        }));
        let names: Vec<String> = closure(&c, "A").into_iter().collect();
        assert_eq!(names, ["A", "B", "C", "D"]);
        assert!(closure(&c, "Nope").is_empty());
    }

    #[test]
    fn local_schemas_generate_valid_instances() {
        let Some(c) = local_components() else { return };
        assert_refs_resolve(&c);
        let names: Vec<String> = c.keys().cloned().collect();
        // Overlapping oneOf members are the spec's own ambiguity (vendor documents
        // have them); such instances are counted and must pass leniently.
        assert_all_valid(&c, &names, 20, true);
    }

    #[test]
    fn local_schemas_mutations() {
        let Some(c) = local_components() else { return };
        let names: Vec<String> = c.keys().cloned().collect();
        let hits = check_mutations(&c, &names, 5);
        for kind in MutationKind::ALL {
            assert!(
                hits.get(&kind).copied().unwrap_or(0) > 0,
                "{kind:?} never applied: {hits:?}"
            );
        }
    }

    #[test]
    #[ignore = "full-scale tier: cargo xtask conformance"]
    fn upstream_sample_generates_valid_instances() {
        let Some(c) = upstream_components() else {
            return;
        };
        assert_refs_resolve(c);
        let names = sample(c, 100, &["Session", "CreateSessionDTO", "Assistant"]);
        assert_all_valid(c, &names, 20, true);
        let with_session: Vec<&String> = c.keys().filter(|k| k.contains("Session")).collect();
        println!("upstream components named *Session*: {with_session:?}");
        let session = closure(c, "Session");
        println!(
            "upstream: {} components, Session closure: {}",
            c.len(),
            session.len()
        );
    }

    #[test]
    #[ignore = "full-scale tier: cargo xtask conformance"]
    fn upstream_sample_mutations() {
        let Some(c) = upstream_components() else {
            return;
        };
        let names = sample(c, 100, &["Session"]);
        let hits = check_mutations(c, &names, 2);
        for kind in MutationKind::ALL {
            assert!(
                hits.get(&kind).copied().unwrap_or(0) > 0,
                "{kind:?} never applied: {hits:?}"
            );
        }
    }
}
