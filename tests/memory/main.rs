//! Peak heap of decoding, per byte of body: the figures behind the bound
//! that `runtime.rs`'s `DEFAULT_MAX_RESPONSE_BYTES` and the guide state.
//!
//! Its own test binary, without the test harness (a `main` that runs the
//! cases one after another and fails with a non-zero exit), because it swaps
//! the global allocator for one that records the peak (`peak_alloc`): a test
//! running beside it on another thread would count in it. Inputs are built here, the
//! worst the decoder's data structures allow (arrays of small values and
//! many keys in unknown fields, which are kept as the text sent; deep
//! unknown nesting; the tolerant path, which buffers optional fields), and
//! typical ones (a session, a 100-session page), on the fixture models (the
//! seeds' `Session`, whatever `openapi/` holds).

use std::fmt::Write as _;
use std::path::Path;

use peak_alloc::PeakAlloc;
use serde_json::{Value, json};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

#[path = "../suite/instances.rs"]
mod instances;

/// The heap `f` takes at its peak, above what was in use before it (the
/// body is not counted; the decoded value is, while `f` holds it).
fn peak_of<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let out = f();
    (PEAK.peak_usage().saturating_sub(before), out)
}

/// A valid session, generated from the fixture's schemas.
fn session(generator: &instances::Gen<'_>, seed: u64) -> Value {
    let mut rng = instances::Rng::new(seed);
    generator.instance("Session", &mut rng)
}

/// `base` with `key` set to `value`.
fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

struct Case {
    name: &'static str,
    body: Vec<u8>,
    page: bool,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixture/openapi/schemas");
    let components = instances::load_schema_dir(&dir).expect("the fixture's schemas");
    let generator = instances::Gen::new(&components);
    let one = session(&generator, 7);
    let mut cases = Vec::new();
    let mut case = |name: &'static str, value: &Value, page: bool| {
        cases.push(Case {
            name,
            body: serde_json::to_vec(value).expect("encodes"),
            page,
        });
    };
    case("a session", &one, false);
    let sessions: Vec<Value> = (0..100).map(|i| session(&generator, 100 + i)).collect();
    let page = json!({"results": sessions, "metadata": {"itemsPerPage": 100, "totalItems": 1000, "currentPage": 1}});
    case("a page of 100 sessions", &page, true);

    let zeros = Value::Array(vec![json!(0); 500_000]);
    case(
        "unknown field: array of 500k zeros",
        &with(one.clone(), "extra", zeros.clone()),
        false,
    );
    let mut keys = serde_json::Map::new();
    for i in 0..100_000 {
        keys.insert(format!("k{i}"), json!(0));
    }
    let mut many = one.clone();
    if let Some(object) = many.as_object_mut() {
        object.extend(keys);
    }
    case("100k unknown keys", &many, false);
    let mut deep = json!(0);
    for _ in 0..60 {
        deep = json!({ "a": [deep] });
    }
    case(
        "unknown field: 120 levels deep (60 objects, 60 arrays)",
        &with(one.clone(), "extra", deep),
        false,
    );
    // An optional field that does not decode sends the document to the
    // tolerant path, which buffers optional fields.
    let bad = with(one.clone(), "status", json!(42));
    case("tolerant path: a bad optional value", &bad, false);
    case(
        "tolerant path: bad value + array of 500k zeros",
        &with(bad.clone(), "extra", zeros.clone()),
        false,
    );
    let mut bad_page = page.clone();
    bad_page["results"][99]["status"] = json!(42);
    case("tolerant path: a page with one bad value", &bad_page, true);
    case(
        "tolerant path: a bad optional value of 500k zeros",
        &with(one.clone(), "status", zeros.clone()),
        false,
    );
    // A value the spec leaves open (`metadata`: any object).
    let mut rng = instances::Rng::new(11);
    let mut assistant = generator.instance("CreateAssistantDto", &mut rng);
    assistant["metadata"] = json!({ "x": zeros.clone() });
    case(
        "free-form object: array of 500k zeros",
        &with(one.clone(), "assistant", assistant),
        false,
    );
    cases.extend(union_cases(&one, &zeros));
    cases
}

/// A union's fields read before its tag, and a union's unknown member (held
/// as `serde_json::Value` until the text was kept instead).
fn union_cases(one: &Value, zeros: &Value) -> Vec<Case> {
    let mut before_tag = serde_json::Map::new();
    before_tag.insert("x".into(), zeros.clone());
    before_tag.insert("type".into(), json!("model"));
    let unknown_member = json!({"type": "a-kind-of-cost-to-come", "x": zeros});
    [
        (
            "union: array of 500k zeros before the tag",
            Value::Object(before_tag),
        ),
        ("union: unknown member with 500k zeros", unknown_member),
    ]
    .into_iter()
    .map(|(name, cost)| Case {
        name,
        body: serde_json::to_vec(&with(one.clone(), "costs", json!([cost]))).expect("encodes"),
        page: false,
    })
    .collect()
}

/// Decode `json` as `T` tolerantly, dropping the result.
fn decode_any<T: serde::de::DeserializeOwned>(json: &[u8]) {
    let _ = cozmox_models::decode::<T>(json);
}

/// The bound every component's inputs are held to, above 64 KiB (the fixed
/// cost of a small body): the 10× of the cases above.
const COMPONENT_BOUND: usize = 10;

/// Every component of `openapi/` (the vendor's whole document in CI's
/// maintainer loop): a generated instance, the same with an unknown array of
/// 20,000 zeros, and a truncated one, each decoded as the component. The
/// largest peak above `COMPONENT_BOUND × body + 64 KiB`, if any, with its
/// input; and how many inputs were decoded.
fn every_component() -> (Option<String>, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/schemas");
    let components = instances::load_schema_dir(&dir).expect("openapi/schemas");
    let mut generator = instances::Gen::new(&components);
    generator.one_of_exact = false;
    let mut decoded = 0;
    let mut over: Option<(f64, String)> = None;
    let mut worst: Option<(f64, String)> = None;
    for name in components.keys().map(String::as_str) {
        let mut rng = instances::Rng::new(3);
        let instance = generator.instance(name, &mut rng);
        let text = instance.to_string();
        let mut inputs = vec![text.clone().into_bytes()];
        if let Some(object) = instance.as_object() {
            let mut extra = object.clone();
            extra.insert("x_extra".into(), Value::Array(vec![json!(0); 20_000]));
            inputs.push(Value::Object(extra).to_string().into_bytes());
        }
        inputs.push(text.as_bytes()[..text.len() / 2].to_vec());
        for input in inputs {
            let (peak, found) =
                peak_of(|| cozmox_models::with_component!(name, decode_any(&input)));
            if found.is_none() {
                continue;
            }
            decoded += 1;
            #[allow(clippy::cast_precision_loss, reason = "sizes far below 2^52")]
            let ratio = peak as f64 / input.len() as f64;
            if input.len() >= 32 * 1024 && worst.as_ref().is_none_or(|(r, _)| ratio > *r) {
                worst = Some((
                    ratio,
                    format!("{name}: {peak} B for a body of {} B", input.len()),
                ));
            }
            let allowed = COMPONENT_BOUND * input.len() + 64 * 1024;
            #[allow(clippy::cast_precision_loss, reason = "sizes far below 2^52")]
            let excess = peak as f64 / allowed as f64;
            if excess > 1.0 && over.as_ref().is_none_or(|(e, _)| excess > *e) {
                over = Some((
                    excess,
                    format!("{name}: {peak} B for a body of {} B", input.len()),
                ));
            }
        }
    }
    if let Some((ratio, what)) = worst {
        println!("worst of the bodies over 32 KiB: {ratio:.1}× ({what})");
    }
    (over.map(|(_, what)| what), decoded)
}

fn main() -> std::process::ExitCode {
    let mut table = String::from("| input | body | peak heap | peak / body |\n|---|---|---|---|\n");
    let mut worst = 0.0f64;
    let mut results = Vec::new();
    for case in cases() {
        let (peak, ok) = peak_of(|| {
            if case.page {
                fixture_models::decode::<fixture_models::SessionPaginatedResponse>(&case.body)
                    .map(drop)
            } else {
                fixture_models::decode::<fixture_models::Session>(&case.body).map(drop)
            }
        });
        ok.unwrap_or_else(|e| panic!("{}: {e}", case.name));
        #[allow(clippy::cast_precision_loss, reason = "sizes far below 2^52")]
        let ratio = peak as f64 / case.body.len() as f64;
        worst = worst.max(ratio);
        results.push((case.name, ratio));
        let _ = writeln!(
            table,
            "| {} | {} B | {} B | {ratio:.1}× |",
            case.name,
            case.body.len(),
            peak
        );
    }
    println!("{table}");
    // What the docs state (`DEFAULT_MAX_RESPONSE_BYTES`): a page the spec
    // describes within 5×, anything else within 10× (data the spec does not
    // describe or leaves open is kept as the text sent), whatever its
    // shape (small bodies included, with their fixed costs). A regression
    // past either fails here.
    let typical = results
        .iter()
        .find(|(name, _)| *name == "a page of 100 sessions")
        .map_or(f64::INFINITY, |(_, ratio)| *ratio);
    if typical > 5.0 || worst > 10.0 {
        eprintln!(
            "decoding took more than the stated bound: page {typical:.1}× (5× stated), \
             worst {worst:.1}× (10× stated)"
        );
        return std::process::ExitCode::FAILURE;
    }
    let (over, decoded) = every_component();
    println!(
        "{decoded} inputs decoded as the components of openapi/ within {COMPONENT_BOUND} × body + 64 KiB"
    );
    if let Some(what) = over {
        eprintln!("decoding took more than {COMPONENT_BOUND} × body + 64 KiB: {what}");
        return std::process::ExitCode::FAILURE;
    }
    println!("memory: 1 passed, 0 failed");
    std::process::ExitCode::SUCCESS
}
