//! The fuzz target's invariant (`tests/fuzz/src/lib.rs`, run for long by
//! `cargo xtask fuzz`) on fixed inputs: every seed of the fuzz corpus, cuts
//! of the seed 003 example, deep nesting; and the allowances of its JSON
//! comparison, one by one.

#[path = "../fuzz/src/lib.rs"]
mod invariant;

use std::path::PathBuf;

use fixture_models::{Session, decode};
use invariant::{
    Allow, FLOAT_TEXT_ROUND_TRIPS, NULL_FIELDS_ARE_DROPPED, check_session, has_duplicate_keys,
    json_equivalent,
};
use serde_json::{Value, json};

use crate::common::root;

fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests/fuzz/seeds/session_decode");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the fuzz seeds")
        .map(|e| e.expect("a seed").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read a seed");
            (p, bytes)
        })
        .collect()
}

#[test]
fn every_fuzz_seed_decodes_and_passes_the_invariant() {
    let seeds = seeds();
    assert!(seeds.len() >= 4, "the fuzz seeds are there");
    for (path, bytes) in seeds {
        if let Err(e) = decode::<Session>(&bytes) {
            panic!("{} does not decode: {e}", path.display());
        }
        check_session(&bytes);
    }
}

#[test]
fn cuts_and_byte_changes_of_the_seed_example_pass_the_invariant() {
    let path = root().join("tests/fuzz/seeds/session_decode/seed003-example-compact.json");
    let example = std::fs::read(path).expect("the compact seed example");
    // Cut every 401 bytes (in keys, strings, numbers, between tokens), and
    // put there a byte that opens a string, closes an array, continues a
    // number, or is not UTF-8. The fuzzer does this at random, for long.
    for at in (0..example.len()).step_by(401) {
        check_session(&example[..at]);
        for byte in [b'"', b']', b'0', 0xff] {
            let mut changed = example.clone();
            changed[at] = byte;
            check_session(&changed);
        }
    }
}

/// A session whose tool body nests `depth` JSON schemas in `items`, at
/// JSON depth `6 + depth`.
fn deep_session(depth: usize) -> String {
    let mut body = json!({"type": "string"});
    for _ in 0..depth {
        body = json!({"type": "array", "items": body});
    }
    json!({
        "id": "s1", "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
        "assistant": {"model": {"provider": "anthropic", "model": "claude-3-opus-20240229",
            "tools": [{"type": "apiRequest", "method": "POST", "url": "u", "body": body}]}},
    })
    .to_string()
}

#[test]
fn nesting_up_to_serde_jsons_limit_decodes_on_a_small_stack() {
    // 2 MiB: a tokio worker thread's stack. serde_json stops at depth 128.
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let deepest = deep_session(121);
            check_session(deepest.as_bytes());
            assert!(decode::<Session>(deepest.as_bytes()).is_ok());
            let error = decode::<Session>(deep_session(122).as_bytes()).expect_err("too deep");
            assert!(error.message().contains("recursion limit"), "{error}");
            // The tolerant path (taken for `cost`) decodes the deep value
            // again, each optional level on its own: still on this stack.
            let mut drifted: serde_json::Value = serde_json::from_str(&deepest).expect("JSON");
            drifted["cost"] = json!("a lot");
            let mut deep_drift = drifted.clone();
            let mut leaf = &mut deep_drift["assistant"]["model"]["tools"][0]["body"];
            while leaf.get("items").is_some() {
                leaf = &mut leaf["items"];
            }
            leaf["description"] = json!(42);
            let mut found = Vec::new();
            for input in [drifted, deep_drift] {
                let text = input.to_string();
                check_session(text.as_bytes());
                let session = decode::<Session>(text.as_bytes()).expect("tolerated");
                found.push(fixture_models::Drift::unknown_data(&session));
            }
            let invalid = |u: &fixture_models::UnknownData| {
                matches!(u.kind, fixture_models::UnknownKind::Invalid(_))
            };
            let paths = |f: &[fixture_models::UnknownData]| {
                f.iter()
                    .filter(|u| invalid(u))
                    .map(|u| u.path.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(paths(&found[0]), ["cost"]);
            // The leaf is far deeper than the tolerant levels: the value is
            // kept at an optional field that encloses it, within the levels.
            let deep = paths(&found[1]);
            assert_eq!(deep.len(), 2, "{deep:?}");
            assert!(
                deep[0].starts_with("assistant") && deep[0].matches('.').count() < 40,
                "{deep:?}"
            );
            assert!(
                !fixture_models::de::tolerant(),
                "the tolerance flag is off again"
            );
        })
        .expect("spawn");
    worker.join().expect("no stack overflow");
}

#[test]
fn numbers_compare_by_value_only_across_a_type_conversion() {
    let all = Allow::TYPE_CONVERSIONS;
    assert!(json_equivalent(&json!(20), &json!(20.0), all));
    assert!(!json_equivalent(
        &json!(20),
        &json!(20.0),
        Allow::FLOAT_TEXT
    ));
    let big: Value = serde_json::from_str("9007199254740993").expect("u64");
    assert!(json_equivalent(&big, &json!(9007199254740992.0), all));
    assert!(!json_equivalent(&big, &json!(9007199254740992u64), all));
    assert!(!json_equivalent(&json!(0.5), &json!(0.25), all));
}

/// GET → modify → PATCH must not change numbers: serde_json is built with
/// `float_roundtrip` (the fuzzer found floats re-encoding one step off).
#[test]
fn floats_re_encode_exactly() {
    assert!(
        *FLOAT_TEXT_ROUND_TRIPS,
        "serde_json lacks its float_roundtrip feature"
    );
    let text = r#"{"id":"s1","orgId":"o1","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z","cost":1.0715660391465826e-75}"#;
    let session: fixture_models::Session =
        fixture_models::decode(text.as_bytes()).expect("decodes");
    let back: Value = serde_json::to_value(&session).expect("encodes");
    assert_eq!(back["cost"].as_f64(), Some(1.0715660391465826e-75_f64));
    assert_eq!(back["cost"].to_string(), "1.0715660391465826e-75");
}

#[test]
fn floats_differ_only_as_serde_json_reads_them_back() {
    let x = 1.071_566_039_146_582_6e-75_f64;
    let read: f64 = serde_json::from_str(&serde_json::to_string(&x).expect("write")).expect("read");
    assert_eq!(
        read == x,
        *FLOAT_TEXT_ROUND_TRIPS,
        "the probe says whether serde_json reads floats back"
    );
    if !*FLOAT_TEXT_ROUND_TRIPS {
        assert!(json_equivalent(&json!(x), &json!(read), Allow::FLOAT_TEXT));
        let next = f64::from_bits(read.to_bits() + 1);
        if next != x {
            assert!(!json_equivalent(
                &json!(next),
                &json!(read),
                Allow::FLOAT_TEXT
            ));
        }
    }
}

#[test]
fn date_times_compare_as_instants_other_strings_exactly() {
    let all = Allow::TYPE_CONVERSIONS;
    assert!(json_equivalent(
        &json!("2023-11-07T05:31:56.000+01:00"),
        &json!("2023-11-07T04:31:56Z"),
        all
    ));
    assert!(!json_equivalent(
        &json!("2023-11-07T05:31:56Z"),
        &json!("2023-11-07T05:31:57Z"),
        all
    ));
    assert!(!json_equivalent(
        &json!("2023-11-07T05:31:56.000+01:00"),
        &json!("2023-11-07T04:31:56Z"),
        Allow::FLOAT_TEXT
    ));
    assert!(!json_equivalent(&json!("a"), &json!("b"), all));
}

#[test]
fn only_a_null_field_may_be_missing_from_the_encoding() {
    let all = Allow::TYPE_CONVERSIONS;
    assert_eq!(
        json_equivalent(&json!({"a": 1, "b": null}), &json!({"a": 1}), all),
        NULL_FIELDS_ARE_DROPPED
    );
    assert!(!json_equivalent(
        &json!({"a": 1, "b": null}),
        &json!({"a": 1}),
        Allow::FLOAT_TEXT
    ));
    assert!(!json_equivalent(
        &json!({"a": 1, "b": 2}),
        &json!({"a": 1}),
        all
    ));
    assert!(!json_equivalent(
        &json!({"a": 1}),
        &json!({"a": 1, "b": null}),
        all
    ));
    assert!(!json_equivalent(&json!([1, 2]), &json!([1]), all));
}

#[test]
fn duplicate_keys_are_found_after_unescaping_at_any_depth() {
    assert!(has_duplicate_keys(br#"{"a": 1, "a": 2}"#));
    assert!(has_duplicate_keys(br#"{"a": 1, "\u0061": 2}"#));
    assert!(has_duplicate_keys(br#"[0, {"x": {"b": [], "b": null}}]"#));
    assert!(!has_duplicate_keys(br#"{"a": {"a": 1}, "b": [{"a": 2}]}"#));
    assert!(!has_duplicate_keys(b"{\"a\": "));
}

/// Unknown fields are kept as the text sent: what serde_json would refuse
/// in a value (numbers out of range, a lone surrogate, nesting past its
/// limit) fails the decode, and an object with a key twice is kept as
/// parsed, so a decoded session always encodes, without a key twice.
#[test]
fn unknown_fields_kept_as_text_encode_again() {
    let base = r#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z", "extra": "#;
    let with = |extra: &str| format!("{base}{extra}}}");
    for refused in [
        "1e400".to_owned(),
        r#""\ud800""#.to_owned(),
        format!("{}{}", "[".repeat(128), "]".repeat(128)),
    ] {
        let input = with(&refused);
        assert!(decode::<Session>(input.as_bytes()).is_err(), "{refused}");
        check_session(input.as_bytes());
    }
    for kept in [
        r#"{"a": 1, "a": 2}"#.to_owned(),
        r#"[{"b": {"c": 1, "c": [true]}}]"#.to_owned(),
        format!("{}{}", "[".repeat(100), "]".repeat(100)),
    ] {
        let input = with(&kept);
        let session = decode::<Session>(input.as_bytes()).expect("kept");
        let encoded = serde_json::to_vec(&session).expect("encodes");
        assert!(!has_duplicate_keys(&encoded), "{kept}");
        check_session(input.as_bytes());
    }
}
