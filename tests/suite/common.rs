//! Shared helpers: paths, one in-memory run of the pipeline.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xtask::pipeline::{self, Output, Target};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `../shared` next to the checkout, if present.
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("../shared");
    dir.is_dir().then_some(dir)
}

/// The pipeline run once on openapi/, in memory: its files and report (the
/// resource plan, whose `syn` items are not `Send`, is left out).
pub fn generated() -> &'static Output {
    static GENERATED: OnceLock<Output> = OnceLock::new();
    GENERATED.get_or_init(|| {
        pipeline::run_path(&root().join("openapi"), &Target::project())
            .unwrap_or_else(|e| panic!("pipeline failed: {e}"))
            .output
    })
}

/// The two example responses of seed 003 (a JSON value starting at the
/// first `{` followed by `"id"`, then the next one).
pub fn seed_examples() -> Option<Vec<serde_json::Value>> {
    let dir = shared()?.join("seeds");
    let path = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("003_"))
        })?;
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(pos) = find_object_start(rest) {
        let mut stream =
            serde_json::Deserializer::from_str(&rest[pos..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) => {
                let used = stream.byte_offset();
                out.push(v);
                rest = &rest[pos + used..];
            }
            _ => break,
        }
    }
    Some(out)
}

fn find_object_start(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'{' && s[i + 1..].trim_start().starts_with("\"id\""))
}

/// JSON equality as JSON Schema defines it: numbers compare by value, so
/// `20` and `20.0` are equal (a `number` field decodes into `f64`); and
/// RFC 3339 timestamps compare as instants, so `…56.000Z` and `…56Z` are
/// equal (a `date-time` field decodes into `chrono::DateTime<Utc>`, which
/// writes no zero fraction).
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (String(x), String(y)) if x != y => {
            match (
                chrono::DateTime::parse_from_rfc3339(x),
                chrono::DateTime::parse_from_rfc3339(y),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            }
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The first path where two JSON values differ (for failure messages).
pub fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value::*;
    match (a, b) {
        (Object(x), Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => {
                        if let Some(d) = first_difference(v, w, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                    (v, w) => return Some(format!("{path}.{k}: {v:?} vs {w:?}")),
                }
            }
            None
        }
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]"))),
        _ if json_eq(a, b) => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}
