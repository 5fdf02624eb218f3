//! The generic decoders the generated route table instantiates per model.

use cozmox_models::{Drift, StrictError, Validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Decode a request body strictly as `T` (no fields the spec does not
/// describe), check the spec's constraints, and give its fields as the SDK
/// encodes them; the error messages if not.
pub(crate) fn decode<T>(bytes: &[u8]) -> Result<Map<String, Value>, Vec<String>>
where
    T: DeserializeOwned + Drift + Validate + Serialize,
{
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(_)) => {}
        Ok(_) => return Err(vec!["the body must be a JSON object".into()]),
        Err(e) => return Err(vec![format!("the body is not valid JSON: {e}")]),
    }
    let value: T = match cozmox_models::decode_strict(bytes) {
        Ok(value) => value,
        Err(StrictError::Decode(e)) => return Err(vec![e.to_string()]),
        Err(StrictError::Unknown(found)) => {
            return Err(found
                .iter()
                .map(|u| format!("property {} should not exist", u.path))
                .collect());
        }
    };
    if let Err(errors) = value.validate() {
        return Err(errors.errors().iter().map(ToString::to_string).collect());
    }
    match serde_json::to_value(&value) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// Whether `bytes` decode strictly as `T`.
pub(crate) fn check<T: DeserializeOwned + Drift>(bytes: &[u8]) -> Result<(), String> {
    cozmox_models::decode_strict::<T>(bytes)
        .map(drop)
        .map_err(|e| e.to_string())
}
