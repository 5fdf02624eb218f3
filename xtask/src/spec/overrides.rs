//! The project's overrides: data in `openapi/overrides.json` that says what
//! the vendor's document does not (which `number`s are integers) and how it
//! becomes the SDK (`sdk`: [`super::conventions`]). `import`
//! leaves the file alone (it rewrites only `openapi.json` and `schemas/`);
//! [`crate::pipeline::load::load`] puts it at the document's root under
//! [`OVERRIDES_KEY`], where the normalization rules that apply it read it.
//! A vendor document given as one file gets [`DEFAULTS`] (the project's own
//! file); a folder without `overrides.json` has none (an old revision of
//! `openapi/` reads as it was generated).

use serde_json::Value;

/// The file of an `openapi/`-style folder holding the overrides.
pub const OVERRIDES_FILE: &str = "overrides.json";

/// Where the loaded document carries the overrides (a vendor extension at
/// its root, removed by normalization once read).
pub const OVERRIDES_KEY: &str = "x-cozmox-overrides";

/// The overrides a vendor document given as one file gets: the project's
/// own `openapi/overrides.json` (built in, so `generate --spec` at the
/// vendor's size is generated as an import into `openapi/` would be).
pub const DEFAULTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../openapi/overrides.json"
));

/// [`DEFAULTS`], parsed.
pub fn defaults() -> Value {
    serde_json::from_str(DEFAULTS).unwrap_or(Value::Null)
}

/// Check the shape of an overrides file: an object whose keys are known,
/// `integers.names` a list of strings. Returns the JSON pointer and what is
/// wrong.
pub fn check(overrides: &Value) -> Result<(), (String, String)> {
    let Some(root) = overrides.as_object() else {
        return Err((String::new(), "is not a JSON object".into()));
    };
    for (key, value) in root {
        match key.as_str() {
            "$comment" | "description" => {}
            "integers" => {
                let Some(integers) = value.as_object() else {
                    return Err(("/integers".into(), "is not an object".into()));
                };
                for (key, value) in integers {
                    match key.as_str() {
                        "$comment" | "description" => {}
                        "names" => {
                            let strings = value
                                .as_array()
                                .is_some_and(|a| a.iter().all(Value::is_string));
                            if !strings {
                                return Err((
                                    "/integers/names".into(),
                                    "is not a list of names (strings)".into(),
                                ));
                            }
                        }
                        other => {
                            return Err((
                                format!("/integers/{other}"),
                                "is not a known key (`names`, `description`)".into(),
                            ));
                        }
                    }
                }
            }
            super::conventions::SDK_KEY => {
                super::conventions::Conventions::parse(value)?;
            }
            other => {
                return Err((
                    format!("/{other}"),
                    "is not a known override (`integers`, `sdk`)".into(),
                ));
            }
        }
    }
    Ok(())
}

/// Put `overrides` at the root of `doc`, under [`OVERRIDES_KEY`] (nothing
/// for `null`).
pub fn inject(doc: &mut Value, overrides: Value) {
    if overrides.is_null() {
        return;
    }
    if let Some(root) = doc.as_object_mut() {
        root.insert(OVERRIDES_KEY.to_string(), overrides);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_name_the_pagination_counts() {
        let d = defaults();
        let names: Vec<&str> = d
            .pointer("/integers/names")
            .and_then(Value::as_array)
            .expect("integers.names")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for n in [
            "page",
            "limit",
            "totalItems",
            "totalPages",
            "itemsPerPage",
            "currentPage",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert_eq!(check(&d), Ok(()));
    }

    #[test]
    fn check_names_what_is_wrong() {
        let bad = |v: Value| check(&v).unwrap_err().0;
        assert_eq!(bad(serde_json::json!([])), "");
        assert_eq!(bad(serde_json::json!({"integer": {}})), "/integer");
        assert_eq!(
            bad(serde_json::json!({"integers": {"names": [1]}})),
            "/integers/names"
        );
        assert_eq!(
            bad(serde_json::json!({"integers": {"name": []}})),
            "/integers/name"
        );
        assert_eq!(
            bad(
                serde_json::json!({"sdk": {"renames": {"resources": {"A": {"name": "b", "reason": ""}}}}})
            ),
            "/sdk/renames/resources/A"
        );
    }
}
