//! Request validation: the spec's constraints are checked on values users
//! build (and on request bodies given to the client), never on decoding.

use fixture_models::{CreateSessionDto, Session, UpdateSessionDto, Validate, decode};

fn long_name() -> String {
    "n".repeat(45)
}

#[test]
fn constraints_are_not_checked_on_decoding() {
    // The server may send what the spec forbids: decoding takes it.
    let json = format!(
        r#"{{"id":"s1","orgId":"o1","createdAt":"2023-11-07T05:31:56Z","updatedAt":"2023-11-07T05:31:56Z","name":"{}","expirationSeconds":5}}"#,
        long_name()
    );
    let session: Session = decode(json.as_bytes()).expect("decodes");
    assert_eq!(session.expiration_seconds, Some(5.0));
    // The same values in a request body: checked when asked (and by the
    // client before sending).
    let dto: CreateSessionDto = decode(json.as_bytes()).expect("decodes");
    let errors = dto.validate().expect_err("breaks two constraints");
    let got: Vec<(&str, &str)> = errors
        .errors()
        .iter()
        .map(|e| (e.path(), e.message()))
        .collect();
    assert_eq!(
        got,
        [
            ("expirationSeconds", "5 is less than the minimum 60"),
            ("name", "45 characters, more than the maximum 40"),
        ]
    );
}

#[test]
fn every_bound_is_checked_at_its_edge() {
    for (seconds, ok) in [
        (59.0, false),
        (60.0, true),
        (2_592_000.0, true),
        (2_592_000.5, false),
    ] {
        let dto = UpdateSessionDto::new().expiration_seconds(seconds);
        assert_eq!(dto.validate().is_ok(), ok, "expirationSeconds = {seconds}");
    }
    let name_of = |n: usize| -> CreateSessionDto {
        decode(format!(r#"{{"name":"{}"}}"#, "é".repeat(n)).as_bytes()).expect("decodes")
    };
    // Characters, not bytes.
    assert!(name_of(40).validate().is_ok());
    assert_eq!(
        name_of(41).validate().expect_err("too long").to_string(),
        "`name`: 41 characters, more than the maximum 40"
    );
}

#[test]
fn the_client_refuses_an_invalid_body_before_sending() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    let client = fixture::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("builds");
    let body = CreateSessionDto::new().expiration_seconds(1.0);
    let mut send = std::pin::pin!(client.sessions().create(body).send());
    // The body is checked first: the future is ready without any I/O.
    let Poll::Ready(result) = send.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("an invalid body must fail before any request is made");
    };
    match result {
        Err(fixture::Error::Validation(errors)) => {
            let found: Vec<(&str, &str)> = errors
                .errors()
                .iter()
                .map(|e| (e.path(), e.message()))
                .collect();
            assert_eq!(
                found,
                [("expirationSeconds", "1 is less than the minimum 60")]
            );
            let error = fixture::Error::Validation(errors);
            assert!(error.is_validation());
            assert_eq!(
                error.to_string(),
                "invalid body, not sent: `expirationSeconds`: 1 is less than the minimum 60; \
                 fix the value before calling `send()`"
            );
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}
