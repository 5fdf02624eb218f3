//! The example responses of seed 003 decode into `Session` and re-encode to
//! the same JSON.

use crate::common::{first_difference, json_eq, seed_examples};
use fixture_models::Session;

#[test]
fn seed_examples_round_trip_through_session() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping the seed 003 round trip");
        return;
    };
    assert_eq!(examples.len(), 2, "seed 003 holds two examples");
    for (i, example) in examples.iter().enumerate() {
        let text = serde_json::to_string(example).expect("encode");
        let de = &mut serde_json::Deserializer::from_str(&text);
        let session: Session = match serde_path_to_error::deserialize(de) {
            Ok(s) => s,
            Err(e) => panic!("example {i} does not decode at {}: {}", e.path(), e.inner()),
        };
        let back = serde_json::to_value(&session).expect("encode");
        assert!(
            json_eq(&back, example),
            "example {i} does not re-encode to the input; first difference at {}",
            first_difference(&back, example, "$").unwrap_or_default()
        );
    }
}

#[test]
fn unknown_enum_values_are_kept_and_re_encoded() {
    use fixture_models::SessionStatus;
    let known: SessionStatus = serde_json::from_str(r#""active""#).expect("known value");
    assert_eq!(known, SessionStatus::Active);
    let new: SessionStatus =
        serde_json::from_str(r#""archived""#).expect("a new server value decodes");
    assert_eq!(new, SessionStatus::Unknown("archived".to_string()));
    assert_eq!(serde_json::to_string(&new).unwrap(), r#""archived""#);
    assert!(
        serde_json::from_str::<SessionStatus>("1").is_err(),
        "a number is still an error"
    );
}

#[test]
fn decode_errors_name_the_json_path_and_missing_fields() {
    let Some(examples) = seed_examples() else {
        eprintln!("notice: ../shared/seeds is absent; skipping");
        return;
    };
    let mut wrong = examples[0].clone();
    wrong["customer"]["assistantOverrides"]["voice"]["speed"] = serde_json::json!("fast");
    let text = wrong.to_string();
    let err = serde_path_to_error::deserialize::<_, Session>(
        &mut serde_json::Deserializer::from_str(&text),
    )
    .expect_err("a string speed is a type error");
    assert_eq!(
        err.path().to_string(),
        "customer.assistantOverrides.voice.speed"
    );

    let mut missing = examples[0].clone();
    missing.as_object_mut().unwrap().remove("orgId");
    let err = serde_json::from_value::<Session>(missing).expect_err("orgId is required");
    assert!(err.to_string().contains("missing field `orgId`"), "{err}");

    let mut extra = examples[0].clone();
    extra["somethingNew"] = serde_json::json!({"x": 1});
    serde_json::from_value::<Session>(extra).expect("unknown fields are accepted");
}
