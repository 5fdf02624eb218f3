//! Property tests: instances generated from the JSON schemas of every
//! component of openapi/ decode and round-trip; with injected unknown enum
//! values, union members and fields they still do, and the drift list names
//! the place; mutated instances (wrong type, missing required field) fail
//! with the expected JSON path when decoded strictly, and are either refused
//! at that path or kept as sent and reported at it (or at the optional
//! field or union around it) by the tolerant decoder.
//!
//! Instances come from `instances::Gen` with a deterministic PRNG: the seeds
//! are fixed, so a failure reproduces; `COZMOX_PROPTEST_SEEDS=N` explores N
//! seeds per component instead of the default.

use std::collections::BTreeMap;

use cozmox_models::{
    DecodeError, Drift, StrictError, UnknownData, UnknownKind, decode, decode_strict,
    with_component, with_operation,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::common::{first_difference, json_eq, root};
use crate::instances::{Gen, Mutation, MutationKind, PathSeg, Rng};

/// Decode as `T`, re-encode, and list the unknown data.
fn round_trip<T: DeserializeOwned + Serialize + Drift>(
    json: &[u8],
) -> Result<(Value, Vec<UnknownData>), DecodeError> {
    let value: T = decode(json)?;
    let back = serde_json::to_value(&value).expect("a decoded value encodes");
    Ok((back, value.unknown_data()))
}

fn decode_component(name: &str, value: &Value) -> Result<(Value, Vec<UnknownData>), DecodeError> {
    let bytes = value.to_string().into_bytes();
    with_component!(name, round_trip(&bytes))
        .unwrap_or_else(|| panic!("{name} is not a component of the models crate"))
}

/// What `decode_strict` made of a value.
enum StrictOutcome {
    Decoded,
    Unknown(Vec<UnknownData>),
    Failed(DecodeError),
}

fn strict_outcome<T: DeserializeOwned + Drift>(json: &[u8]) -> StrictOutcome {
    match decode_strict::<T>(json) {
        Ok(_) => StrictOutcome::Decoded,
        Err(StrictError::Unknown(unknown)) => StrictOutcome::Unknown(unknown),
        Err(StrictError::Decode(e)) => StrictOutcome::Failed(e),
    }
}

fn strict_component_result(name: &str, value: &Value) -> StrictOutcome {
    let bytes = value.to_string().into_bytes();
    with_component!(name, strict_outcome(&bytes))
        .unwrap_or_else(|| panic!("{name} is not a component of the models crate"))
}

/// Whether the tolerant decoder's report accounts for damage done at
/// `expected`: an entry at that path or at one enclosing it (the optional
/// field or union that kept the value) saying the value was kept.
pub fn reports_kept(unknown: &[UnknownData], expected: &[PathSeg]) -> bool {
    (0..=expected.len()).any(|n| {
        let at = sdk_path(&expected[..n]);
        unknown.iter().any(|u| {
            u.path == at
                && match &u.kind {
                    UnknownKind::Invalid(_)
                    | UnknownKind::UnionMember { .. }
                    | UnknownKind::NoMember { .. } => true,
                    UnknownKind::EnumValue(_) => n == expected.len(),
                    _ => false,
                }
        })
    })
}

pub fn seeds() -> u64 {
    std::env::var("COZMOX_PROPTEST_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25)
}

/// A path as the SDK writes it (`a.b[0].c`, keys as they are).
pub fn sdk_path(segments: &[PathSeg]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// How a decode error's path relates to where the damage was done.
/// Exact, or (for a field that came before its union's tag and was
/// buffered) the union's path with the field named in the message.
pub fn error_points_at(path: &str, message: &str, expected: &[PathSeg]) -> bool {
    let want = sdk_path(expected);
    let got = if path == "." { "" } else { path };
    if got == want {
        return true;
    }
    // The rest of the path named in the message: a union member chosen by
    // its properties decodes from a buffered value, whose path the outer
    // decoder cannot see, so its error says where inside the member it is.
    if let Some(rest) = want.strip_prefix(got).map(|r| r.trim_start_matches('.'))
        && !rest.is_empty()
        && message.contains(&format!("`{rest}`: "))
    {
        return true;
    }
    // The segment right after the reported path must be named in the message.
    (0..expected.len()).any(|n| {
        sdk_path(&expected[..n]) == got
            && matches!(&expected[n], PathSeg::Key(k) if message.contains(&format!("`{k}`")))
    })
}

/// The component schemas of `openapi/` as written, with the project's
/// overrides applied (a `number` the overrides make an integer is one on
/// the wire: the instances follow the contract the SDK decodes).
fn components() -> Option<BTreeMap<String, Value>> {
    let mut doc = xtask::pipeline::load::load(&root().join("openapi"))
        .ok()?
        .doc;
    xtask::pipeline::normalize::apply_overrides(&mut doc);
    serde_json::from_value(doc["components"]["schemas"].take()).ok()
}

/// The instance generator for `comps`, reading `oneOf` as `anyOf`: vendor
/// documents have `oneOf`s whose members overlap (three smart-endpointing
/// plans accept the same object), so no value matches exactly one, and a
/// decoder cannot be asked for more than the spec says.
fn lenient(comps: &BTreeMap<String, Value>) -> Gen<'_> {
    let mut generator = Gen::new(comps);
    generator.one_of_exact = false;
    generator
}

#[test]
fn generated_instances_of_every_component_round_trip() {
    let comps = components().expect("openapi/schemas loads");
    let generator = lenient(&comps);
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in comps.keys() {
        for seed in 0..seeds() {
            let mut rng = Rng::new(seed);
            let instance = generator.instance(name, &mut rng);
            if let Err(e) = generator.validate(name, &instance) {
                failures.push(format!(
                    "{name} seed {seed}: generator made an invalid instance: {e}"
                ));
                continue;
            }
            checked += 1;
            match decode_component(name, &instance) {
                Err(e) => failures.push(format!("{name} seed {seed}: {e}\n  {instance}")),
                Ok((back, unknown)) => {
                    if !json_eq(&back, &instance) {
                        failures.push(format!(
                            "{name} seed {seed}: re-encodes differently at {}",
                            first_difference(&back, &instance, "$").unwrap_or_default()
                        ));
                    }
                    if !unknown.is_empty() {
                        failures.push(format!(
                            "{name} seed {seed}: spurious unknown data {unknown:?}"
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "{checked} instances of {} components round-tripped",
        comps.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

/// The components a union schema's `oneOf`/`anyOf` lists by `$ref`.
fn union_member_components(schema: &Value) -> Vec<String> {
    ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(*k)?.as_array())
        .flatten()
        .filter_map(|m| {
            let r = m.get("$ref")?.as_str()?;
            Some(r.strip_prefix("#/components/schemas/")?.to_owned())
        })
        .collect()
}

/// A member's properties and the ones it requires, through `allOf`.
fn member_shape(doc: &Value, name: &str) -> (Vec<String>, Vec<String>) {
    let schema = &doc["components"]["schemas"][name];
    let mut props = BTreeMap::new();
    xtask::pipeline::schema_map::properties(doc, schema, &mut props);
    let mut required = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        let s = xtask::pipeline::schema_map::resolve(doc, s);
        if let Some(list) = s.get("required").and_then(Value::as_array) {
            required.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            stack.extend(all);
        }
    }
    (props.into_keys().collect(), required)
}

/// Drift a member tolerates on its own (a nested union member with an
/// unknown tag or none, an unknown enum value, a wrongly typed value), one
/// kind per seed: what was done, and where; `None` when the instance offers
/// no place for it.
fn drift(
    generator: &Gen<'_>,
    member: &str,
    value: &mut Value,
    seed: u64,
) -> Option<(String, Vec<PathSeg>)> {
    let mut rng = Rng::new(seed);
    let kind = [
        MutationKind::UnknownUnionMember,
        MutationKind::UnknownUnionMember,
        MutationKind::UnknownEnumValue,
        MutationKind::WrongType,
    ][(seed % 4) as usize];
    let m = generator.mutate(kind, member, value, &mut rng)?;
    if seed.is_multiple_of(4)
        && let Some(key) = &m.key
        && let Some(object) =
            crate::instances::value_at_segs_mut(value, &m.segments).and_then(Value::as_object_mut)
    {
        // The tag removed instead of changed: a nested union value without it.
        object.remove(key);
        return Some((
            format!("removed union tag `{key}` at `{}`", m.path),
            m.segments,
        ));
    }
    Some((m.description, m.segments))
}

/// Whether `key` is a tag of the member: a property whose values are one
/// (`enum` of one value). Changing the union's own tag says the value is
/// another member, one the SDK may not know: not drift inside the member.
fn is_tag(doc: &Value, member: &str, key: &str) -> bool {
    let schema = &doc["components"]["schemas"][member];
    let mut props = BTreeMap::new();
    xtask::pipeline::schema_map::properties(doc, schema, &mut props);
    props.get(key).is_some_and(|p| {
        let p = xtask::pipeline::schema_map::resolve(doc, p);
        p.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1)
    })
}

/// The operations of a normalized document whose JSON success body is a
/// component, by component (normalization made inline bodies components).
fn operations_answering(doc: &Value) -> BTreeMap<String, Vec<String>> {
    let mut by_component: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for operation in paths
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(Value::as_object)
    {
        for op in operation.values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let responses = op.get("responses").and_then(Value::as_object);
            let success: std::collections::BTreeSet<&str> = responses
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .filter_map(|(_, r)| r.pointer("/content/application~1json/schema/$ref"))
                .filter_map(Value::as_str)
                .filter_map(|r| r.rsplit('/').next())
                .collect();
            // One body for every success status: the one the operation decodes.
            if let [component] = Vec::from_iter(success).as_slice() {
                by_component
                    .entry((*component).to_owned())
                    .or_default()
                    .push(id.to_owned());
            }
        }
    }
    by_component
}

/// Issue 26, item 2: whatever drift lies inside a union member's value, the
/// union chooses that member by its own tag or shape, and the member decodes
/// exactly as it would on its own (the same value, the same drift report).
/// For every union component of the normalized document whose members are
/// components, every member whose instance's keys no other member claims as
/// well (the decoder cannot be asked for more than the keys say); decoded
/// as the union and as each operation answering with it (what
/// `decode --operation` and the client do).
#[test]
fn union_members_decode_through_the_union_as_on_their_own() {
    // The normalized document's components: an operation's inline response
    // union (`Call | CallBatchResponse`) is one there.
    let mut doc = xtask::pipeline::load::load(&root().join("openapi"))
        .expect("openapi/ loads")
        .doc;
    xtask::pipeline::normalize::normalize(&mut doc);
    let answered_by = operations_answering(&doc);
    let comps: BTreeMap<String, Value> =
        serde_json::from_value(doc["components"]["schemas"].take()).expect("schemas");
    let generator = lenient(&comps);
    let doc = serde_json::json!({"components": {"schemas": comps}});
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut operations = 0;
    for (union, schema) in &comps {
        let members = union_member_components(schema);
        if members.len() < 2 {
            continue;
        }
        let shapes: Vec<(Vec<String>, Vec<String>)> =
            members.iter().map(|m| member_shape(&doc, m)).collect();
        for (at, member) in members.iter().enumerate() {
            for seed in 0..seeds() {
                let mut rng = Rng::new(seed);
                let mut value = generator.instance(member, &mut rng);
                let Some(keys) = value
                    .as_object()
                    .map(|o| o.keys().cloned().collect::<Vec<_>>())
                else {
                    continue;
                };
                let known = |(fields, _): &(Vec<String>, Vec<String>)| {
                    keys.iter().filter(|k| fields.contains(k)).count()
                };
                let mine = known(&shapes[at]);
                let claimed = shapes.iter().enumerate().any(|(other, shape)| {
                    other != at
                        && members[other] != *member
                        && shape.1.iter().all(|r| keys.contains(r))
                        && known(shape) >= mine
                });
                if claimed || mine == 0 {
                    continue;
                }
                let Some((what, at_path)) = drift(&generator, member, &mut value, seed) else {
                    continue;
                };
                if let [PathSeg::Key(key)] = at_path.as_slice()
                    && is_tag(&doc, member, key)
                {
                    continue;
                }
                // Drift the member does not tolerate on its own is not the
                // union's to hide.
                let Ok(alone) = decode_component(member, &value) else {
                    continue;
                };
                checked += 1;
                // Through the union, and through each operation it answers
                // (what `decode --operation` and the client decode).
                let bytes = value.to_string().into_bytes();
                let ways =
                    std::iter::once(("the union".to_owned(), decode_component(union, &value)))
                        .chain(answered_by.get(union).into_iter().flatten().map(|op| {
                            operations += 1;
                            let decoded = with_operation!(op.as_str(), round_trip(&bytes))
                                .unwrap_or_else(|| {
                                    panic!("{op} is not an operation of the models crate")
                                });
                            (format!("operation {op}"), decoded)
                        }));
                for (way, decoded) in ways {
                    match decoded {
                        Ok(through) if through.0 == alone.0 && through.1 == alone.1 => {}
                        Ok((_, unknown)) => failures.push(format!(
                            "{union} / {member} seed {seed} ({what}): decodes otherwise through \
                             {way}; alone {:?}, through it {unknown:?}",
                            alone.1.iter().map(ToString::to_string).collect::<Vec<_>>()
                        )),
                        Err(e) => failures.push(format!(
                            "{union} / {member} seed {seed} ({what}): fails through {way}: {e}"
                        )),
                    }
                }
            }
        }
    }
    eprintln!(
        "{checked} union members with drift decoded through their unions, \
         {operations} of them through an operation answering with the union too"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

/// Decode `json` as `T` every way a user can: tolerantly (and list the
/// drift, re-encode), strictly. Whatever the outcome, it must not panic.
fn every_decoder<T: DeserializeOwned + Serialize + Drift>(json: &[u8]) {
    if let Ok(value) = decode::<T>(json) {
        let _ = value.unknown_data();
        let _ = serde_json::to_vec(&value);
    }
    let _ = decode_strict::<T>(json);
}

/// Every number in `value` replaced by `number` (its text).
fn with_numbers(value: &Value, number: &str) -> String {
    match value {
        Value::Number(_) => number.to_owned(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| with_numbers(v, number)).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), with_numbers(v, number)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        other => other.to_string(),
    }
}

/// Hostile inputs for a component whose valid instance is `instance`:
/// random bytes, truncations, flipped bytes, deep nesting at the top and in
/// every property, and numbers too large, too small or too precise for any
/// Rust type.
fn hostile_inputs(instance: &Value, rng: &mut Rng) -> Vec<Vec<u8>> {
    let text = instance.to_string().into_bytes();
    let mut inputs = Vec::new();
    for _ in 0..4 {
        let len = rng.below(96) as usize;
        inputs.push((0..len).map(|_| rng.below(256) as u8).collect());
    }
    for cut in 1..=12u64 {
        let at = (text.len() as u64 * cut / 13) as usize;
        inputs.push(text[..at].to_vec());
    }
    for _ in 0..4 {
        let mut flipped = text.clone();
        if !flipped.is_empty() {
            let at = rng.below(flipped.len() as u64) as usize;
            flipped[at] = rng.below(256) as u8;
        }
        inputs.push(flipped);
    }
    inputs.push("[".repeat(100_000).into_bytes());
    inputs.push(r#"{"a":"#.repeat(50_000).into_bytes());
    // 100 levels inside every property: within serde_json's recursion
    // limit, where the tolerant path decodes each optional value again.
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    if let Some(object) = instance.as_object() {
        for key in object.keys() {
            let mut copy = object.clone();
            copy.insert(
                key.clone(),
                serde_json::from_str(&deep).unwrap_or(Value::Null),
            );
            inputs.push(Value::Object(copy).to_string().into_bytes());
        }
    }
    for number in [
        "1e400",
        "-1e400",
        "1e-400",
        "18446744073709551616",
        "-9223372036854775809",
        "0.1234567890123456789012345678901234567890",
    ] {
        inputs.push(with_numbers(instance, number).into_bytes());
    }
    inputs
}

/// Issue 26, item 8: random bytes, truncated bodies, deep nesting and huge
/// numbers thrown at the decoders of every component: each returns a value
/// or an error, never panics (nor overflows the stack of a test thread).
/// Runs over each vendor document in CI's maintainer loop.
#[test]
fn hostile_input_never_panics_a_decoder() {
    let comps = components().expect("openapi/schemas loads");
    let generator = lenient(&comps);
    let mut panics = Vec::new();
    let mut inputs_tried = 0usize;
    for name in comps.keys().map(String::as_str) {
        let mut rng = Rng::new(26);
        let instance = generator.instance(name, &mut rng);
        for input in hostile_inputs(&instance, &mut rng) {
            inputs_tried += 1;
            let outcome = std::panic::catch_unwind(|| {
                with_component!(name, every_decoder(&input));
            });
            if outcome.is_err() {
                panics.push(format!(
                    "{name}: panicked on {}",
                    String::from_utf8_lossy(&input[..input.len().min(200)])
                ));
            }
        }
    }
    eprintln!(
        "{inputs_tried} hostile inputs decoded as {} components",
        comps.len()
    );
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics[..panics.len().min(15)].join("\n")
    );
}

/// Apply each kind of mutation to instances of every component and check
/// the outcome; returns how many mutations were checked per kind.
fn check_mutations(kinds: &[MutationKind]) -> BTreeMap<MutationKind, usize> {
    let comps = components().expect("openapi/schemas loads");
    let generator = lenient(&comps);
    let mut failures = Vec::new();
    let mut counts = BTreeMap::new();
    for name in comps.keys() {
        for seed in 0..seeds() {
            for &kind in kinds {
                let mut rng = Rng::new(seed * 31 + kind as u64);
                let mut value = generator.instance(name, &mut rng);
                let Some(m) = generator.mutate(kind, name, &mut value, &mut rng) else {
                    continue;
                };
                *counts.entry(kind).or_insert(0) += 1;
                if let Err(why) = check_one(&generator, name, &value, &m) {
                    failures.push(format!("{name} seed {seed}: {m}: {why}"));
                }
            }
        }
    }
    eprintln!("mutations checked: {counts:?}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
    counts
}

fn check_one(generator: &Gen, name: &str, value: &Value, m: &Mutation) -> Result<(), String> {
    let result = decode_component(name, value);
    if m.kind.tolerable() {
        let (back, unknown) = result.map_err(|e| format!("should decode, failed: {e}"))?;
        if !json_eq(&back, value) {
            return Err(format!(
                "re-encodes differently at {}",
                first_difference(&back, value, "$").unwrap_or_default()
            ));
        }
        let want = sdk_path(&m.segments);
        // The place itself, or: for a union whose tag became unknown, the
        // tag's value inside it (a union of one tagged member is that
        // member's struct, whose tag is an enum); for an enum value that is
        // a union's tag, the union around it, as an unknown member.
        let tag = m.key.clone().unwrap_or_default();
        let parent = sdk_path(&m.segments[..m.segments.len().saturating_sub(1)]);
        let listed = unknown.iter().any(|u| {
            u.path == want
                || (m.kind == MutationKind::UnknownUnionMember
                    && u.path == format!("{want}.{tag}")
                    && matches!(u.kind, UnknownKind::EnumValue(_)))
                || (m.kind == MutationKind::UnknownEnumValue
                    && u.path == parent
                    && matches!(u.kind, UnknownKind::UnionMember { .. }))
        });
        if !listed {
            return Err(format!("unknown data does not list `{want}`: {unknown:?}"));
        }
        return Ok(());
    }
    // A mutation the spec still accepts (a union with another member that
    // takes the value without the removed field, or with the new type)
    // must decode strictly and round-trip.
    if generator.validate(name, value).is_ok() {
        return match result {
            Ok((back, _)) if json_eq(&back, value) => Ok(()),
            Ok((back, _)) => Err(format!(
                "still valid, but re-encodes differently at {}",
                first_difference(&back, value, "$").unwrap_or_default()
            )),
            Err(e) => Err(format!(
                "still valid per the spec, but fails to decode: {e}"
            )),
        }
        .and_then(|()| match strict_component_result(name, value) {
            StrictOutcome::Failed(e) => Err(format!(
                "still valid per the spec, but decode_strict fails: {e}"
            )),
            StrictOutcome::Decoded | StrictOutcome::Unknown(_) => Ok(()),
        });
    }
    let expected: Vec<PathSeg> = match m.kind {
        MutationKind::RemoveRequired => m.segments[..m.segments.len().saturating_sub(1)].to_vec(),
        _ => m.segments.clone(),
    };
    // decode_strict fails: with the error at the path, or (inside a union,
    // which keeps a value none of its members takes as its `Unknown`) with
    // the value reported kept at or around the path.
    match strict_component_result(name, value) {
        StrictOutcome::Decoded => return Err("decode_strict should fail".into()),
        StrictOutcome::Unknown(unknown) => {
            if !reports_kept(&unknown, &expected) {
                return Err(format!(
                    "decode_strict fails on unknown data, not on a union around `{}`: {unknown:?}",
                    sdk_path(&expected)
                ));
            }
        }
        StrictOutcome::Failed(strict) => {
            if !error_points_at(strict.path(), strict.message(), &expected) {
                return Err(format!(
                    "strict error at `{}`, expected `{}`: {strict}",
                    strict.path(),
                    sdk_path(&expected)
                ));
            }
            if let (MutationKind::RemoveRequired, Some(key)) = (m.kind, &m.key)
                && !strict.message().contains(&format!("missing field `{key}`"))
            {
                return Err(format!("error does not name the missing field: {strict}"));
            }
        }
    }
    match result {
        // Inside an optional field (or a union that keeps what it cannot
        // decode): kept as sent, and reported where it was kept.
        Ok((back, unknown)) => {
            if !json_eq(&back, value) {
                return Err(format!(
                    "kept, but re-encodes differently at {}",
                    first_difference(&back, value, "$").unwrap_or_default()
                ));
            }
            if !reports_kept(&unknown, &expected) {
                return Err(format!(
                    "kept, but not reported at or around `{}`: {unknown:?}",
                    sdk_path(&expected)
                ));
            }
            Ok(())
        }
        Err(e) => {
            if !error_points_at(e.path(), e.message(), &expected) {
                return Err(format!(
                    "error at `{}`, expected `{}`: {e}",
                    e.path(),
                    sdk_path(&expected)
                ));
            }
            Ok(())
        }
    }
}

#[test]
fn unknown_values_members_and_fields_are_kept_and_listed() {
    let counts = check_mutations(&[
        MutationKind::UnknownField,
        MutationKind::UnknownEnumValue,
        MutationKind::UnknownUnionMember,
    ]);
    for kind in [
        MutationKind::UnknownField,
        MutationKind::UnknownEnumValue,
        MutationKind::UnknownUnionMember,
    ] {
        assert!(
            counts.get(&kind).copied().unwrap_or(0) > 50,
            "too few {kind:?} mutations: {counts:?}"
        );
    }
}

#[test]
fn wrong_types_and_missing_fields_fail_at_their_path() {
    let counts = check_mutations(&[MutationKind::WrongType, MutationKind::RemoveRequired]);
    for kind in [MutationKind::WrongType, MutationKind::RemoveRequired] {
        assert!(
            counts.get(&kind).copied().unwrap_or(0) > 50,
            "too few {kind:?} mutations: {counts:?}"
        );
    }
}

/// The upstream documents, if `../shared` is present.
fn upstream_documents() -> Vec<std::path::PathBuf> {
    let Some(dir) = crate::common::shared().map(|s| s.join("upstream")) else {
        return Vec::new();
    };
    let mut docs: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    docs.retain(|p| p.extension().is_some_and(|e| e == "json"));
    docs.sort();
    docs
}

/// What the decode example said about one document.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_example(
    exe: &std::path::Path,
    component: &str,
    value: &Value,
    scratch: &std::path::Path,
) -> Outcome {
    run_example_with(exe, &[component], value, scratch)
}

/// The decode example with `args` before the file.
fn run_example_with(
    exe: &std::path::Path,
    args: &[&str],
    value: &Value,
    scratch: &std::path::Path,
) -> Outcome {
    std::fs::write(scratch, value.to_string()).expect("write the instance");
    let out = std::process::Command::new(exe)
        .args(args)
        .arg(scratch)
        .output()
        .expect("run the decode example");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Generate a standalone workspace for `doc` and build its decode example.
fn build_decode_example(doc: &std::path::Path) -> std::path::PathBuf {
    use xtask::pipeline::{self, Target};
    // One workspace directory for every document: in two directories with
    // the same layout, cargo takes one document's build for the other's
    // (same package, same relative paths, older sources) and the example
    // would decode with the wrong document's types.
    let out = root().join("target/upstream-decode/ws");
    let generated = pipeline::run_path(doc, &Target::standalone())
        .unwrap_or_else(|e| panic!("{}: pipeline failed: {e}", doc.display()));
    // Every union, inline ones included (lifted into components by the rule
    // `inline-operation-schema`), decodes by its tag or best fit.
    let first_fit = generated
        .first_fit_unions()
        .expect("the generated files parse");
    assert!(
        first_fit.is_empty(),
        "{}: unions decoded by serde's first fit: {first_fit:?}",
        doc.display()
    );
    // Every operation is reachable through exactly one resource method.
    let mut seen = std::collections::BTreeMap::new();
    for r in generated.resources.resources.values() {
        for m in &r.methods {
            *seen.entry(m.operation_id.clone()).or_insert(0) += 1;
        }
    }
    let ids: Vec<&String> = generated.operation_routes.keys().collect();
    assert_eq!(
        seen.keys().collect::<Vec<_>>(),
        ids,
        "{}: operations without a resource method",
        doc.display()
    );
    assert!(
        seen.values().all(|&n| n == 1),
        "{}: {seen:?}",
        doc.display()
    );
    // Every list that takes `page` and `limit` pages (`.stream()`,
    // `.pages()`), whatever its item type.
    let text = std::fs::read_to_string(doc).expect("read the document");
    let json: Value = serde_json::from_str(&text).expect("the document is JSON");
    let paged: Vec<&str> = generated
        .resources
        .paginated()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut lists = Vec::new();
    for op in xtask::spec::operations(&json) {
        let query: Vec<&str> = op.query_parameters().map(|(name, _)| name).collect();
        if op.method == "get" && query.contains(&"page") && query.contains(&"limit") {
            lists.push(op.id().unwrap_or_default().to_string());
        }
    }
    let unpaged: Vec<&String> = lists
        .iter()
        .filter(|id| !paged.contains(&id.as_str()))
        .collect();
    assert!(
        unpaged.is_empty(),
        "{}: lists taking page and limit without `.stream()`: {unpaged:?}",
        doc.display()
    );
    eprintln!(
        "{}: {} paginated lists, all with `.stream()`",
        doc.display(),
        lists.len()
    );
    xtask::pipeline::emit::ensure_files(&out, &generated.owned_dirs, &generated.files, false)
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    let target_dir = root().join("target/conformance");
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--quiet",
                "-p",
                "api-models",
                "--features",
                "schemars",
                "--example",
                "decode",
                "--example",
                "schema",
            ])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", &target_dir)
            .status()
            .expect("run cargo");
    assert!(
        status.success(),
        "the decode example of {} does not build",
        doc.display()
    );
    target_dir.join("debug/examples/decode")
}

/// Operations whose success body the document declares as an inline union of
/// components (or an array of one): an instance of each member, decoded
/// through `decode --operation`, is that member (by `--debug`'s output), and
/// round-trips with nothing unknown.
fn inline_unions_decode_by_tag(
    exe: &std::path::Path,
    json: &Value,
    generator: &Gen,
    scratch: &std::path::Path,
    doc: &std::path::Path,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut checked = 0;
    for op in xtask::spec::operations(json) {
        let (Some(id), Some(schema)) = (op.id(), op.success_schema()) else {
            continue;
        };
        let (members, in_array) = match (schema.get("oneOf"), schema.pointer("/items/oneOf")) {
            (Some(m), _) => (m, false),
            (None, Some(m)) => (m, true),
            _ => continue,
        };
        for member in members.as_array().into_iter().flatten() {
            let Some(name) = member
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            else {
                continue;
            };
            let one = generator.instance(name, &mut Rng::new(1));
            let body = if in_array {
                Value::Array(vec![one])
            } else {
                one
            };
            let what = format!(
                "{} {id} member {name}",
                doc.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            );
            checked += 1;
            let out = run_example_with(exe, &["--operation", id], &body, scratch);
            let back = serde_json::from_str::<Value>(&out.stdout).ok();
            if out.code != 0 || !back.is_some_and(|b| json_eq(&b, &body)) {
                failures.push(format!("{what}: exit {}: {}", out.code, out.stderr.trim()));
                continue;
            }
            if out.stderr.contains("unknown:") {
                failures.push(format!("{what}: unknown data: {}", out.stderr.trim()));
            }
            let debug = run_example_with(exe, &["--debug", "--operation", id], &body, scratch);
            let rust = xtask::spec::type_name(name);
            let inner = debug.stdout.trim_start_matches('[');
            let chosen = inner
                .split_once('(')
                .is_some_and(|(_, rest)| rest.starts_with(&format!("{rust} {{")));
            if !chosen {
                failures.push(format!(
                    "{what}: decoded as another member: {}",
                    debug.stdout.chars().take(120).collect::<String>()
                ));
            }
        }
    }
    eprintln!(
        "{}: {checked} members of inline response unions decoded by tag",
        doc.display()
    );
    if checked == 0 {
        failures.push(format!("{}: no inline response union found", doc.display()));
    }
    failures
}

/// For each upstream document, through `generate --out` and the decode
/// example of the workspace it writes: instances of every component in the
/// closure of `Session` round-trip with nothing unknown; mutated `Session`
/// instances are kept and listed (unknown data) or fail at their path.
#[test]
#[ignore = "full-scale tier: cargo xtask conformance"]
fn upstream_session_closure_round_trips_through_the_decode_example() {
    let docs = upstream_documents();
    if docs.is_empty() {
        eprintln!("notice: ../shared/upstream is absent; skipping the upstream property tests");
        return;
    }
    let mut failures = Vec::new();
    for doc in &docs {
        let exe = build_decode_example(doc);
        let text = std::fs::read_to_string(doc).expect("read the document");
        let mut json: Value = serde_json::from_str(&text).expect("the document is JSON");
        // As `generate --spec` reads it: with the project's overrides (a
        // `number` they make an integer is one on the wire).
        xtask::spec::overrides::inject(&mut json, xtask::spec::overrides::defaults());
        xtask::pipeline::normalize::apply_overrides(&mut json);
        let comps = crate::instances::openapi_components(&json);
        let mut generator = Gen::new(&comps);
        // Some upstream `oneOf`s have members that overlap (e.g. three
        // smart-endpointing plans that accept the same object), so no value
        // matches exactly one: read them as `anyOf`.
        generator.one_of_exact = false;
        let scratch = root().join("target/upstream-decode").join("instance.json");
        let closure = crate::instances::closure(&comps, "Session");
        assert!(
            closure.len() > 100,
            "the Session closure of {} is {} components",
            doc.display(),
            closure.len()
        );
        let mut round_trips = 0;
        for name in &closure {
            for seed in 0..2 {
                let instance = generator.instance(name, &mut Rng::new(seed));
                let out = run_example(&exe, name, &instance, &scratch);
                round_trips += 1;
                let what = format!(
                    "{} {name} seed {seed}",
                    doc.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                );
                if out.code != 0 {
                    failures.push(format!("{what}: exit {}: {}", out.code, out.stderr.trim()));
                    continue;
                }
                let back: Value =
                    serde_json::from_str(&out.stdout).expect("the example prints JSON");
                if !json_eq(&back, &instance) {
                    failures.push(format!(
                        "{what}: re-encodes differently at {}",
                        first_difference(&back, &instance, "$").unwrap_or_default()
                    ));
                }
                if out.stderr.contains("unknown:") {
                    failures.push(format!(
                        "{what}: spurious unknown data: {}",
                        out.stderr.trim()
                    ));
                }
            }
        }
        failures.extend(inline_unions_decode_by_tag(
            &exe, &json, &generator, &scratch, doc,
        ));
        if let Some(invalid) = closure.iter().find_map(|name| {
            let instance = generator.instance(name, &mut Rng::new(0));
            generator
                .validate(name, &instance)
                .err()
                .map(|e| format!("{name}: {e}"))
        }) {
            failures.push(format!(
                "{}: a generated instance is invalid: {invalid}",
                doc.display()
            ));
        }
        // Schema round trip: what schemars derives from the generated types
        // describes the normalized document's components.
        let schemas = std::process::Command::new(exe.with_file_name("schema"))
            .arg("--all")
            .output()
            .expect("run the schema example");
        let schemas: Value =
            serde_json::from_slice(&schemas.stdout).expect("the schema example prints JSON");
        let mut normalized = json.clone();
        xtask::pipeline::normalize::normalize(&mut normalized);
        let sources: BTreeMap<String, Value> = normalized
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let (problems, checked) =
            crate::json_schema::compare_all(&sources, |name| schemas.get(name).cloned());
        eprintln!(
            "{}: schemas of {} components compared ({checked} properties, enum and union members), {} differences",
            doc.display(),
            sources.len(),
            problems.len()
        );
        failures.extend(
            problems
                .into_iter()
                .map(|p| format!("{} schema: {p}", doc.display())),
        );
        let mut mutations: BTreeMap<MutationKind, usize> = BTreeMap::new();
        for seed in 0..seeds() {
            for kind in MutationKind::ALL {
                let mut rng = Rng::new(seed * 31 + kind as u64);
                let mut value = generator.instance("Session", &mut rng);
                let Some(m) = generator.mutate(kind, "Session", &mut value, &mut rng) else {
                    continue;
                };
                *mutations.entry(kind).or_insert(0) += 1;
                let out = run_example(&exe, "Session", &value, &scratch);
                let ok = answers_mutation(&m, &out, &value);
                if !ok {
                    failures.push(format!(
                        "{} Session seed {seed}: {m}: exit {} {}",
                        doc.display(),
                        out.code,
                        out.stderr.trim()
                    ));
                }
            }
        }
        eprintln!(
            "{}: {round_trips} instances of {} components round-tripped; mutations {mutations:?}",
            doc.display(),
            closure.len()
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

/// Whether the decode example's output answers mutation `m` of `value` as
/// it should.
///
/// - Tolerable mutations decode (exit 0), re-encode to `value`, and are
///   listed: at the mutated path; for an enum value that is its object's
///   union tag, as an unknown member at the object; for a union tag whose
///   union has a single member (so no union type), as an unknown value of
///   the tag.
/// - A wrong type or a missing required field fails at its path, unless a
///   union on the way takes the value as unknown data: then it decodes, is
///   kept, and is listed at that union as a value matching no member (or,
///   where the union has a string enum member and the value is now a
///   string, as an unknown value of that enum).
fn answers_mutation(m: &Mutation, out: &Outcome, value: &Value) -> bool {
    let kept = out.code == 0
        && serde_json::from_str::<Value>(&out.stdout).is_ok_and(|b| json_eq(&b, value));
    let listed = |path: &str, rest: &dyn Fn(&str) -> bool| {
        out.stderr.lines().any(|l| {
            l.strip_prefix("unknown: ")
                .and_then(|l| l.strip_prefix(path))
                .and_then(|l| l.strip_prefix(": "))
                .is_some_and(rest)
        })
    };
    let want = sdk_path(&m.segments);
    let parent = sdk_path(&m.segments[..m.segments.len().saturating_sub(1)]);
    match m.kind {
        MutationKind::UnknownField => kept && listed(&want, &|_| true),
        MutationKind::UnknownEnumValue => {
            let tag = match m.segments.last() {
                Some(PathSeg::Key(k)) => k.clone(),
                _ => String::new(),
            };
            kept && (listed(&want, &|_| true)
                || listed(&parent, &|r| r.contains(&format!(" member ({tag} = "))))
        }
        MutationKind::UnknownUnionMember => {
            let tag = m.key.clone().unwrap_or_default();
            kept && (listed(&want, &|_| true)
                || listed(&format!("{want}.{tag}"), &|r| {
                    r.starts_with("unknown value")
                }))
        }
        MutationKind::WrongType | MutationKind::RemoveRequired => {
            let expected = match m.kind {
                MutationKind::RemoveRequired => &m.segments[..m.segments.len() - 1],
                _ => &m.segments[..],
            };
            let failed_at_path = out.code == 1
                && out
                    .stderr
                    .strip_prefix("error: at `")
                    .and_then(|r| r.split_once("`: "))
                    .is_some_and(|(path, message)| error_points_at(path, message, expected));
            let union_took_it = kept
                && (0..=expected.len()).any(|n| {
                    listed(&sdk_path(&expected[..n]), &|r| {
                        r.starts_with("matches no member")
                            || r.starts_with("does not decode")
                            || r.contains(" member (")
                            || (n == expected.len() && r.starts_with("unknown value"))
                    })
                });
            failed_at_path || union_took_it
        }
    }
}
