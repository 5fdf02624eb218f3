//! The version of the API a document describes, and how it appears in the
//! crates' version: `MAJOR.MINOR.PATCH+api.<label>` (SemVer build metadata,
//! as oxide.rs does), so a release says which API it was generated from.

use serde_json::Value;

/// The vendor extension on `info` that names the API version:
/// `cargo xtask import` writes it (the vendor's `info.version` stays `1.0`
/// across dated documents, so it cannot tell them apart).
pub const API_VERSION_KEY: &str = "x-cozmox-api-version";

/// The document's API version: `info.x-cozmox-api-version`, else
/// `info.version`, else `unknown`.
pub fn api_version(doc: &Value) -> String {
    let info = doc.get("info");
    info.and_then(|i| i.get(API_VERSION_KEY))
        .or_else(|| info.and_then(|i| i.get("version")))
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string()
}

/// The crates' build metadata for an API version: `api.<label>`, each
/// character SemVer does not allow there (`[0-9A-Za-z-]`, dots between
/// identifiers) replaced by `-`.
pub fn build_metadata(api_version: &str) -> String {
    let label: String = api_version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let label: Vec<&str> = label.split('.').filter(|s| !s.is_empty()).collect();
    if label.is_empty() {
        "api.unknown".to_string()
    } else {
        format!("api.{}", label.join("."))
    }
}

/// A date (`YYYY-MM-DD`) in a file name, for `import`'s default API version
/// (vendors publish dated documents: `vapi-openapi-2026-05-22.json`).
pub fn date_in(name: &str) -> Option<&str> {
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let s = name.get(i..i + 10)?;
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|k| b[k].is_ascii_digit());
        (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then_some(s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_version_prefers_the_extension() {
        assert_eq!(
            api_version(&json!({"info": {"version": "1.0", "x-cozmox-api-version": "2026-05-22"}})),
            "2026-05-22"
        );
        assert_eq!(api_version(&json!({"info": {"version": "1.0"}})), "1.0");
        assert_eq!(api_version(&json!({})), "unknown");
    }

    #[test]
    fn build_metadata_is_valid_semver() {
        assert_eq!(build_metadata("2026-05-22"), "api.2026-05-22");
        assert_eq!(build_metadata("1.0"), "api.1.0");
        assert_eq!(build_metadata("v1 (beta)"), "api.v1--beta-");
        assert_eq!(build_metadata(".."), "api.unknown");
    }

    #[test]
    fn dates_are_found_in_file_names() {
        assert_eq!(date_in("vapi-openapi-2026-05-22.json"), Some("2026-05-22"));
        assert_eq!(date_in("openapi.json"), None);
        assert_eq!(date_in("2026-1-2"), None);
    }
}
