//! Normalization rule `text-code-fences`: a description with a code fence
//! that names no language (a MathJS formula, TwiML, JSON) or `rust`: the
//! fence is marked ` ```text `, so rustdoc shows it as text instead of
//! compiling it as a Rust doc test. (Indented code blocks are not
//! recognised: rustdoc would compile those too; none is in the upstream
//! documents' descriptions so far, whose doc tests all pass.)

use serde_json::Value;

// Keys whose values are data, not documentation: left as they are.
use super::super::inline::DATA_KEYWORDS as DATA;
use super::super::{Rule, Scope};

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "text-code-fences",
    summary: "a description whose code fence names no language (or `rust`): the fence is marked `text`, so rustdoc does not compile it as Rust",
    scope: Scope::Document(text_code_fences),
};

fn text_code_fences(doc: &mut Value) -> Vec<String> {
    let mut hits = Vec::new();
    walk(doc, &mut String::new(), &mut hits);
    hits
}

fn walk(value: &mut Value, pointer: &mut String, hits: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if DATA.contains(&key.as_str()) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match child {
                    Value::String(text) if key == "description" => {
                        if let Some(fixed) = mark_fences(text) {
                            *text = fixed;
                            hits.push(pointer.clone());
                        }
                    }
                    _ => walk(child, pointer, hits),
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk(child, pointer, hits);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The fence a line opens or closes, if any: its character (`` ` `` or
/// `~`), its length (3 or more) and its info string.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let trimmed = line.trim_start();
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|x| *x == c).count();
    (len >= 3).then(|| (c, len, trimmed[len..].trim()))
}

/// `text` with each opening fence whose code rustdoc would compile (no
/// language, or `rust`: a vendor's snippet is not ours to test) marked
/// `text`; `None` when there is none. Closing fences (the opener's
/// character, at least as long, no info string) stay as they are.
fn mark_fences(text: &str) -> Option<String> {
    if !text.contains("```") && !text.contains("~~~") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut open: Option<(char, usize)> = None;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        match (fence(body), open) {
            (Some((c, len, "")), Some((oc, olen))) if c == oc && len >= olen => {
                open = None;
                out.push_str(line);
            }
            (Some((c, len, info)), None) => {
                open = Some((c, len));
                if info.is_empty() || info == "rust" {
                    let indent = &body[..body.len() - body.trim_start().len()];
                    out.push_str(indent);
                    out.extend(std::iter::repeat_n(c, len));
                    out.push_str("text");
                    out.push_str(&line[body.len()..]);
                    changed = true;
                } else {
                    out.push_str(line);
                }
            }
            _ => out.push_str(line),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::mark_fences;
    use crate::pipeline::normalize::testing::run_document;
    use serde_json::json;

    #[test]
    fn bare_opening_fences_become_text_and_closers_and_languages_stay() {
        assert_eq!(
            mark_fences("Formula:\n```\na + b\n```\nand\n  ```json\n  {}\n  ```\n").as_deref(),
            Some("Formula:\n```text\na + b\n```\nand\n  ```json\n  {}\n  ```\n")
        );
        assert_eq!(mark_fences("no fences"), None);
        assert_eq!(
            mark_fences("````\n```\nnested\n```\n````\n~~~rust\nfn f() {}\n~~~").as_deref(),
            Some("````text\n```\nnested\n```\n````\n~~~text\nfn f() {}\n~~~")
        );
        assert_eq!(mark_fences("```ts\nx\n```"), None);
        assert_eq!(
            mark_fences("```\r\nx\r\n```").as_deref(),
            Some("```text\r\nx\r\n```")
        );
    }

    #[test]
    fn descriptions_anywhere_but_not_data() {
        let doc = json!({
            "paths": {"/a": {"get": {"description": "```\n<Say/>\n```", "responses": {}}}},
            "components": {"schemas": {"X": {
                "description": "x",
                "properties": {"f": {"description": "see\n```\n1 + 1\n```"}},
                "example": {"description": "```\nkept\n```"}
            }}}
        });
        let (doc, fired) = run_document("text-code-fences", doc);
        assert_eq!(
            fired,
            [
                "/paths/~1a/get/description",
                "/components/schemas/X/properties/f/description",
            ]
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["description"],
            "```text\n<Say/>\n```"
        );
        assert_eq!(
            doc["components"]["schemas"]["X"]["example"]["description"],
            "```\nkept\n```"
        );
    }
}
