//! Tolerant, lossless decoding of the generated models: unknown enum values,
//! union members and object fields are kept and re-encode unchanged; the
//! drift API lists them; errors name the JSON path and the union member.

use cozmox_models::{Drift, Session, StrictError, UnknownKind, decode, decode_strict};
use serde_json::{Value, json};

use crate::common::{first_difference, json_eq, seed_examples};

fn session_with(messages: Value) -> Value {
    json!({
        "id": "s1", "orgId": "o1",
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z",
        "messages": messages,
    })
}

fn decode_value(v: &Value) -> Result<Session, cozmox_models::DecodeError> {
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
    use cozmox_models::SessionMessagesItem as M;
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
        cozmox_models::SessionMessagesItem::Unknown(raw) => {
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

#[test]
fn errors_inside_a_member_name_the_path_and_the_member() {
    let input = session_with(json!([{"role": "user", "message": 5}]));
    let err = decode_value(&input).expect_err("a number is not a message");
    assert_eq!(err.path(), "messages[0].message");
    assert!(err.message().contains("invalid type: integer `5`"), "{err}");
    assert!(
        err.message()
            .contains("member `UserMessage`, selected by role = \"user\""),
        "{err}"
    );
}

#[test]
fn errors_before_the_tag_still_name_the_field_and_member() {
    let input = session_with(json!([{"message": 5, "role": "user"}]));
    let err = decode_value(&input).expect_err("a number is not a message");
    assert!(err.path().starts_with("messages[0]"), "{err}");
    assert!(err.message().contains("invalid type: integer `5`"), "{err}");
    assert!(err.message().contains("UserMessage"), "{err}");
}

#[test]
fn a_missing_tag_is_a_missing_field() {
    let input = session_with(json!([{"message": "hi"}]));
    let err = decode_value(&input).expect_err("no role");
    assert_eq!(err.path(), "messages[0]");
    assert!(err.message().contains("missing field `role`"), "{err}");
}

#[test]
fn wrong_types_and_missing_fields_fail_with_the_path() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping");
        return;
    };
    let mut wrong = examples[0].clone();
    wrong["customer"]["assistantOverrides"]["voice"]["speed"] = json!("fast");
    let err = decode_value(&wrong).expect_err("a string speed");
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
}
