//! The example responses of seed 003 decode into `Session` and re-encode to
//! the same JSON.

use crate::common::{first_difference, json_eq, seed_examples};
use cozmox_models::Session;

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
    use cozmox_models::SessionStatus;
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
