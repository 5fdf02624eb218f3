//! Decoding JSON with errors that say where.
//!
//! [`decode`] takes what the server sends (unknown fields, enum values and
//! union members are kept, see [`crate::drift`]) and fails only on what
//! cannot be represented: a required field that is missing or does not
//! decode as its type. The error names the JSON path and what was expected.
//! The value of an *optional* field that does not decode as the field's
//! type does not lose the response: the field reads as absent, the value is
//! kept as sent in the object's [`UnknownFields`](crate::UnknownFields) (so
//! it re-encodes unchanged), and [`Drift::unknown_data`] lists it with why.
//! [`decode_strict`] fails on any of that, and on any data the spec does not
//! describe.
//!
//! ```
//! use cozmox_models::{Drift, Session, decode, decode_strict};
//!
//! // `status` is optional: a number there is kept, and reported.
//! let json = br#"{"id": "s1", "orgId": "o1", "createdAt": "2023-11-07T05:31:56Z",
//!                 "updatedAt": "2023-11-07T05:31:56Z", "status": 42}"#;
//! let session = decode::<Session>(json)?;
//! assert!(session.status.is_none());
//! assert_eq!(session.unknown_data()[0].path, "status");
//! assert_eq!(serde_json::to_value(&session)?["status"], 42);
//! assert!(decode_strict::<Session>(json).is_err());
//!
//! // `orgId` is required: the response does not decode.
//! let json = br#"{"id": "s1", "orgId": 5, "createdAt": "2023-11-07T05:31:56Z",
//!                 "updatedAt": "2023-11-07T05:31:56Z"}"#;
//! let error = decode::<Session>(json).unwrap_err();
//! assert_eq!(error.path(), "orgId");
//! assert!(error.message().starts_with("invalid type: integer `5`, expected a string"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::de::DeserializeOwned;

use crate::drift::{Drift, UnknownData};

/// A value that does not decode: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    /// JSON path of the value that failed (`assistant.model.tools[0].type`);
    /// `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the input where decoding stopped (0 if unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the input where decoding stopped (0 if unknown).
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A serde_json error without a path (`.`): for errors found without
/// tracking one.
impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        let mut message = e.to_string();
        if e.line() > 0 {
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        DecodeError {
            path: ".".to_owned(),
            message,
            line: e.line(),
            column: e.column(),
        }
    }
}

impl From<serde_path_to_error::Error<serde_json::Error>> for DecodeError {
    fn from(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut message = inner.to_string();
        if inner.line() > 0 {
            let suffix = format!(" at line {} column {}", inner.line(), inner.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        DecodeError {
            path,
            message,
            line: inner.line(),
            column: inner.column(),
        }
    }
}

/// Decode `json` as a `T`, keeping data the spec does not describe, and the
/// values of optional fields that do not decode as their types (see the
/// [module docs](self)).
///
/// A document that decodes costs less than `serde_json::from_slice`:
/// - the input is checked for UTF-8 once, as a whole, and then read as a
///   `str`. `from_slice` checks every string and key on its own, which was
///   about 15 % of the instructions of decoding a `Session`. Input that is not
///   UTF-8 is not JSON (RFC 8259 §8.1) and fails, with the path of the first
///   string that is not, or of what does not parse before it;
/// - the JSON path of an error is tracked only when decoding fails, by
///   decoding again (path tracking copies every key, which made decoding
///   about 1.5× slower);
/// - optional fields are tolerated only then too: that second decoding
///   buffers the value of each optional field and decodes it on its own, so
///   that one which does not fit is kept as sent instead of failing the
///   document.
pub fn decode<T: DeserializeOwned>(json: &[u8]) -> Result<T, DecodeError> {
    let text = utf8(json)?;
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        // Not JSON, or deeper than serde_json's limit as a whole (counting
        // the values read as text, which its own count skips): no optional
        // field can be the reason; the error, with its path.
        Err(_) if !crate::de::reads_as_a_whole(text) => decode_with_path(text),
        Err(_) => crate::de::tolerantly(|| decode_with_path(text)),
    }
}

/// `json` as text, or the error of the first place in it that is not UTF-8
/// (or does not parse before it).
///
/// Every decoder reads text (`StrRead`): one that read bytes too (serde_json's
/// `from_slice`) would be a second copy of every generated decoder in the
/// crates that call [`decode`], about a fifth of their machine code, for
/// input that cannot decode anyway. Only `Value` is read from the bytes, to
/// say where they are not UTF-8.
fn utf8(json: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(json).map_err(|not_utf8| {
        let mut de = serde_json::Deserializer::from_slice(json);
        match serde_path_to_error::deserialize::<_, serde_json::Value>(&mut de) {
            Err(e) => DecodeError::from(e),
            // The value parses (a `Value` reads every string as UTF-8): the
            // bytes that are not UTF-8 come after it.
            Ok(_) => DecodeError {
                path: ".".to_owned(),
                message: format!("the input is not UTF-8 at byte {}", not_utf8.valid_up_to()),
                line: 0,
                column: 0,
            },
        }
    })
}

/// [`decode`], tracking the JSON path all along (tolerating optional fields
/// when called inside [`crate::de::tolerantly`]).
pub(crate) fn decode_with_path<T: DeserializeOwned>(json: &str) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut de)?;
    de.end().map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    Ok(value)
}

impl DecodeError {
    /// The error without its position: for a value decoded on its own from a
    /// buffer, where the position is not one in the input.
    pub(crate) fn without_position(mut self) -> Self {
        self.line = 0;
        self.column = 0;
        self
    }
}

/// Why [`decode_strict`] refused a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrictError {
    /// It does not decode at all.
    Decode(DecodeError),
    /// It decodes, but holds data the spec does not describe.
    Unknown(Vec<UnknownData>),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrictError::Decode(e) => e.fmt(f),
            StrictError::Unknown(found) => {
                write!(
                    f,
                    "{} place(s) hold data the spec does not describe:",
                    found.len()
                )?;
                for u in found {
                    write!(f, "\n  {u}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for StrictError {}

/// Decode `json` as a `T` and fail if any value does not decode as its type
/// (optional fields too, with the path) or it holds any data the spec does
/// not describe (unknown fields, enum values or union members): for tests
/// that pin a server to the spec.
pub fn decode_strict<T: DeserializeOwned + Drift>(json: &[u8]) -> Result<T, StrictError> {
    let text = utf8(json).map_err(StrictError::Decode)?;
    let value: T = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => decode_with_path(text).map_err(StrictError::Decode)?,
    };
    let unknown = value.unknown_data();
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(StrictError::Unknown(unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[derive(Debug, serde::Deserialize)]
    struct Named {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn text_that_is_not_utf8_fails_with_the_path_of_the_string() {
        let error = decode::<Named>(b"{\"name\": \"caf\xe9\"}").expect_err("not UTF-8");
        assert_eq!(error.path(), "name", "{error}");
        assert!(error.message().contains("unicode"), "{error}");
    }

    #[test]
    fn bytes_that_are_not_utf8_after_the_value_fail_saying_where() {
        let error = decode::<Named>(b"{\"name\": \"x\"} \xff").expect_err("not UTF-8");
        assert_eq!(error.path(), ".", "{error}");
        assert_eq!(
            error.message(),
            "the input is not UTF-8 at byte 14",
            "{error}"
        );
    }

    #[test]
    fn utf8_text_decodes_with_escapes_and_errors_keep_their_path() {
        let named = decode::<Named>("{\"name\": \"caf\u{e9} \\u00e9\"}".as_bytes()).expect("UTF-8");
        assert_eq!(named.name, "caf\u{e9} \u{e9}");
        let error = decode::<Named>(b"{\"name\": 5}").expect_err("a number");
        assert_eq!(error.path(), "name", "{error}");
    }
}
