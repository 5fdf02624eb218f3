//! Tolerant, lossless decoding of the generated models: unknown enum values,
//! union members and object fields are kept and re-encode unchanged; the
//! drift API lists them; errors name the JSON path and the union member.

use fixture_models::{Drift, Session, StrictError, UnknownKind, decode, decode_strict};
use serde_json::{Value, json};

use crate::common::{first_difference, json_eq, seed_examples};

fn session_with(messages: Value) -> Value {
    json!({
        "id": "s1", "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
        "messages": messages,
    })
}

fn decode_value(v: &Value) -> Result<Session, fixture_models::DecodeError> {
    decode(v.to_string().as_bytes())
}

fn assert_round_trip(input: &Value, session: &Session) {
    let back = serde_json::to_value(session).expect("encode");
    assert!(
        json_eq(&back, input),
        "does not re-encode to the input; first difference at {}",
        first_difference(&back, input, "$").unwrap_or_default()
    );
}

fn unknown_paths(session: &Session) -> Vec<String> {
    session
        .unknown_data()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn seed_examples_list_the_documentation_placeholder_as_unknown() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping");
        return;
    };
    for example in &examples {
        let session = decode_value(example).expect("decodes");
        assert_eq!(
            unknown_paths(&session),
            ["messages[0]: unknown SessionMessagesItem member (role = \"<string>\")"]
        );
        assert_round_trip(example, &session);
        match decode_strict::<Session>(example.to_string().as_bytes()) {
            Err(StrictError::Unknown(found)) => {
                assert_eq!(found.len(), 1);
                assert_eq!(found[0].path, "messages[0]");
            }
            other => panic!("strict decode should refuse the placeholder: {other:?}"),
        }
    }
}

#[test]
fn tagged_members_decode_by_their_tag_in_any_key_order() {
    let input = session_with(json!([
        {"role": "user", "message": "hi"},
        {"message": "be brief", "role": "system"},
        {"content": "ok", "role": "assistant"},
    ]));
    let session = decode_value(&input).expect("decodes");
    let messages = session.messages.as_ref().expect("messages");
    use fixture_models::SessionMessagesItem as M;
    assert!(
        matches!(messages[0], M::UserMessage(_)),
        "{:?}",
        messages[0]
    );
    assert!(
        matches!(messages[1], M::SystemMessage(_)),
        "{:?}",
        messages[1]
    );
    assert!(
        matches!(messages[2], M::AssistantMessage(_)),
        "{:?}",
        messages[2]
    );
    assert!(
        unknown_paths(&session).is_empty(),
        "{:?}",
        unknown_paths(&session)
    );
    assert_round_trip(&input, &session);
}

#[test]
fn an_unknown_tag_is_kept_as_raw_json() {
    let input = session_with(json!([
        {"role": "narrator", "voice": {"pitch": 3}, "text": "Once upon a time"},
    ]));
    let session = decode_value(&input).expect("an unknown member decodes");
    let messages = session.messages.as_ref().expect("messages");
    match &messages[0] {
        fixture_models::SessionMessagesItem::Unknown(raw) => {
            assert_eq!(raw, &input["messages"][0]);
        }
        other => panic!("expected the raw variant, got {other:?}"),
    }
    let found = session.unknown_data();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "messages[0]");
    assert!(matches!(
        &found[0].kind,
        UnknownKind::UnionMember { tag: "role", value, .. } if value == "\"narrator\""
    ));
    assert_round_trip(&input, &session);
}

#[test]
fn unknown_fields_and_values_are_kept_at_every_level() {
    let input = json!({
        "id": "s1", "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
        "status": "archived",
        "topLevelNew": [1, 2],
        "messages": [{"role": "user", "message": "hi", "newThing": {"a": 1}}],
        "customer": {"number": "+15550100", "loyalty": "gold"},
    });
    let session = decode_value(&input).expect("decodes");
    assert_eq!(
        unknown_paths(&session),
        // The type's field order (typify sorts properties), unknown fields last.
        [
            "customer.loyalty: unknown field",
            "messages[0].newThing: unknown field",
            "status: unknown value \"archived\"",
            "topLevelNew: unknown field",
        ]
    );
    assert_round_trip(&input, &session);
}

#[test]
fn get_modify_patch_loses_nothing_the_server_sent() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping");
        return;
    };
    let mut input = examples[1].clone();
    input["serverOnly"] = json!({"nested": [true]});
    input["customer"]["extension"] = json!("12");
    let mut session = decode_value(&input).expect("decodes");
    session.name = Some("renamed".parse().expect("a valid name"));
    let mut expected = input.clone();
    expected["name"] = json!("renamed");
    assert_round_trip(&expected, &session);
}

fn strict_error(v: &Value) -> fixture_models::DecodeError {
    match decode_strict::<Session>(v.to_string().as_bytes()) {
        Err(StrictError::Decode(e)) => e,
        other => panic!("strict decoding should fail to decode: {other:?}"),
    }
}

#[test]
fn errors_inside_a_member_name_the_path_and_the_member() {
    let input = session_with(json!([{"role": "user", "message": 5}]));
    let err = strict_error(&input);
    assert_eq!(err.path(), "messages[0].message");
    assert!(err.message().contains("invalid type: integer `5`"), "{err}");
    assert!(
        err.message()
            .contains("member `UserMessage`, selected by role = \"user\""),
        "{err}"
    );
    // `message` is optional: `decode` keeps its value as sent, and says why.
    let session = decode_value(&input).expect("tolerated");
    let messages = session.messages.as_ref().expect("messages");
    assert!(
        matches!(&messages[0], fixture_models::SessionMessagesItem::UserMessage(m) if m.message.is_none()),
        "{:?}",
        messages[0]
    );
    let found = session.unknown_data();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].path, "messages[0].message");
    match &found[0].kind {
        UnknownKind::Invalid(e) => {
            assert_eq!(e.path(), ".", "{e}");
            assert!(e.message().contains("invalid type: integer `5`"), "{e}");
        }
        other => panic!("expected an invalid value, got {other:?}"),
    }
    assert_round_trip(&input, &session);
}

#[test]
fn errors_before_the_tag_still_name_the_field_and_member() {
    let input = session_with(json!([{"message": 5, "role": "user"}]));
    let err = strict_error(&input);
    assert!(err.path().starts_with("messages[0]"), "{err}");
    assert!(err.message().contains("invalid type: integer `5`"), "{err}");
    assert!(err.message().contains("UserMessage"), "{err}");
}

#[test]
fn a_missing_tag_is_a_missing_field_when_strict_and_an_unknown_member_otherwise() {
    let input = session_with(json!([{"message": "hi"}]));
    let err = strict_error(&input);
    assert_eq!(err.path(), "messages[0]");
    assert!(err.message().contains("missing field `role`"), "{err}");
    let session = decode_value(&input).expect("tolerated");
    assert_eq!(
        unknown_paths(&session),
        ["messages[0]: unknown SessionMessagesItem member (role = absent)"]
    );
    assert_round_trip(&input, &session);
}

#[test]
fn wrong_types_and_missing_fields_fail_with_the_path() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping");
        return;
    };
    let mut wrong = examples[0].clone();
    wrong["customer"]["assistantOverrides"]["voice"]["speed"] = json!("fast");
    let err = strict_error(&wrong);
    assert_eq!(err.path(), "customer.assistantOverrides.voice.speed");
    assert!(
        err.message().starts_with("invalid type: string \"fast\""),
        "{err}"
    );
    assert!(err.message().contains("`AzureVoice`"), "{err}");

    let mut missing = examples[0].clone();
    missing.as_object_mut().expect("object").remove("orgId");
    let err = decode_value(&missing).expect_err("orgId is required");
    assert_eq!(err.path(), ".");
    assert_eq!(err.message(), "missing field `orgId`");

    let mut wrong_required = examples[0].clone();
    wrong_required["createdAt"] = json!({"at": 1});
    let err = decode_value(&wrong_required).expect_err("createdAt is required");
    assert_eq!(err.path(), "createdAt");
}

/// Drift in optional places, each at a different depth: the document
/// decodes, each place is reported with its path and reason, the whole
/// re-encodes to the input, and strict decoding fails on each one alone.
#[test]
fn optional_values_that_do_not_fit_are_kept_and_reported() {
    let base = session_with(json!([
        {"role": "user", "message": "hi"},
        {"role": "user", "message": "and"},
        {"role": "user", "message": "bye"},
    ]));
    let drifts: [(&str, Value, &str); 5] = [
        // A map where the spec has a number.
        ("/cost", json!({"usd": 1}), "cost: does not decode"),
        // A string where the spec has an enum of strings: an unknown value (kept as such).
        (
            "/status",
            json!("paused"),
            "status: unknown value \"paused\"",
        ),
        // A number where the spec has a string, two levels down.
        (
            "/customer",
            json!({"number": "+1555", "name": 42}),
            "customer.name: does not decode",
        ),
        // An unknown tag in a union.
        (
            "/messages/1",
            json!({"role": "narrator", "text": "x"}),
            "messages[1]: unknown SessionMessagesItem member (role = \"narrator\")",
        ),
        // A union member without its tag.
        (
            "/messages/2",
            json!({"message": "no role"}),
            "messages[2]: unknown SessionMessagesItem member (role = absent)",
        ),
    ];
    let mut all = base.clone();
    for (pointer, value, _) in &drifts {
        set(&mut all, pointer, value.clone());
        let mut one = base.clone();
        set(&mut one, pointer, value.clone());
        let session = decode_value(&one).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        assert_round_trip(&one, &session);
        let refused = decode_strict::<Session>(one.to_string().as_bytes());
        assert!(refused.is_err(), "{pointer}: strict decoding accepted it");
    }
    let session = decode_value(&all).expect("decodes");
    let found = unknown_paths(&session);
    for (pointer, _, expected) in &drifts {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{pointer}: {expected:?} not in {found:#?}"
        );
    }
    assert_eq!(found.len(), drifts.len(), "{found:#?}");
    assert!(session.cost.is_none());
    assert!(session.customer.as_ref().is_some_and(|c| c.name.is_none()));
    assert_round_trip(&all, &session);
}

/// A field whose value was kept because it did not fit, then given a value:
/// the new value is sent, once (never the key twice).
#[test]
fn a_kept_value_gives_way_to_a_value_set_after_decoding() {
    let input = json!({
        "id": "s1", "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
        "cost": "a lot",
    });
    let mut session = decode_value(&input).expect("tolerated");
    assert!(session.unknown_fields.invalid("cost").is_some());
    assert_round_trip(&input, &session);
    session.cost = Some(2.5);
    let text = serde_json::to_string(&session).expect("encode");
    assert_eq!(text.matches("\"cost\"").count(), 1, "{text}");
    let back: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(back["cost"], json!(2.5));
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer");
    let parent = doc.pointer_mut(parent).expect("parent exists");
    match parent {
        Value::Array(items) => {
            let index: usize = last.parse().expect("an index");
            assert!(index <= items.len(), "{pointer}: past the end");
            if index < items.len() {
                items[index] = value;
            } else {
                items.push(value);
            }
        }
        Value::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        other => panic!("{pointer}: not a container: {other}"),
    }
}

/// A key sent twice takes its last value, as on the fast path, with nothing
/// left kept or reported for it; a declared name put into `unknown_fields`
/// by hand is not written a second time.
#[test]
fn a_repeated_key_and_a_declared_name_by_hand_give_one_key() {
    let text = r#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z", "cost": "a lot", "cost": 2.5, "name": 5}"#;
    let mut session: Session = decode(text.as_bytes()).expect("tolerated");
    assert_eq!(session.cost, Some(2.5));
    assert_eq!(
        unknown_paths(&session).len(),
        1,
        "{:?}",
        unknown_paths(&session)
    );
    assert!(unknown_paths(&session)[0].starts_with("name: does not decode"));
    session.unknown_fields.insert("id".into(), json!("by hand"));
    let encoded = serde_json::to_string(&session).expect("encode");
    assert_eq!(encoded.matches("\"cost\"").count(), 1, "{encoded}");
    assert_eq!(encoded.matches("\"id\"").count(), 1, "{encoded}");
    let back: Value = serde_json::from_str(&encoded).expect("JSON");
    assert_eq!((&back["id"], &back["name"]), (&json!("s1"), &json!(5)));
}

/// Two members share the tag value (`EvalMessage`, the shape of the
/// vendor's eval messages): when neither decodes, the error is the one of
/// the member the value fits, at the place that is wrong inside it, not the
/// other member's complaint about its own required field.
#[test]
fn a_shared_tag_value_reports_the_error_of_the_member_that_fits() {
    let input = json!({"role": "tool", "judgePlan": {"model": 5}});
    let err = decode_strict::<fixture_models::EvalMessage>(input.to_string().as_bytes())
        .expect_err("judgePlan.model is not a string");
    let StrictError::Decode(err) = err else {
        panic!("expected a decode error, got {err:?}")
    };
    // The members were tried on the buffered object: the path of the error
    // of the member chosen still goes into it, to the place that is wrong.
    assert_eq!(err.path(), "judgePlan.model", "{err}");
    assert!(err.message().contains("expected a string"), "{err}");
    assert!(
        err.message().contains("member `EvalJudgedMessage`"),
        "{err}"
    );
    assert!(!err.message().contains("missing field `content`"), "{err}");
    // Tolerantly, the judged member takes it and keeps the bad plan as sent.
    let decoded: fixture_models::EvalMessage =
        decode(input.to_string().as_bytes()).expect("tolerated");
    assert!(
        matches!(decoded, fixture_models::EvalMessage::JudgedMessage(_)),
        "{decoded:?}"
    );
    // The mock member's own value still decodes as the mock member.
    let mock: fixture_models::EvalMessage =
        decode_strict(br#"{"role": "tool", "content": "ok"}"#).expect("a mock message");
    assert!(
        matches!(mock, fixture_models::EvalMessage::MockMessage(_)),
        "{mock:?}"
    );
}
