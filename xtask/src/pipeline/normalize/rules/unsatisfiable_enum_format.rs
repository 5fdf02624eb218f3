//! Normalization rule `unsatisfiable-enum-format`: a `format` (`date-time`, `date`, `time`, `uuid`, `email`, `ipv4`, `ipv6`, `ip`) that a string its schema's `enum`/`const` lists (or, beside oneOf/anyOf/allOf, a member's) does not have: dropped, since the listed values are what the API sends

use serde_json::{Map, Value};

use super::super::{Rule, Scope};
use super::unsatisfiable_pattern::listed_strings;

/// The rule, for [`RULES`](super::super::RULES).
pub const RULE: Rule = Rule {
    name: "unsatisfiable-enum-format",
    summary: "a `format` (`date-time`, `date`, `time`, `uuid`, `email`, `ipv4`, `ipv6`, `ip`) that a string its \
              schema's `enum`/`const` lists (or, beside oneOf/anyOf/allOf, a member's) does not have: dropped, \
              since the listed values are what the API sends",
    scope: Scope::Schema(unsatisfiable_enum_format),
};

/// The formats checked, with the syntax of their values (JSON Schema's
/// definitions: RFC 3339 `date-time`/`full-date`/`full-time`, RFC 4122's
/// hyphenated UUID, an address with one `@`). Other formats are not
/// checked: the rule never fires on them.
const FORMATS: &[(&str, &str)] = &[
    (
        "date-time",
        r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$",
    ),
    ("date", r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    (
        "time",
        r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$",
    ),
    (
        "uuid",
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    ),
    ("email", r"^[^\s@]+@[^\s@]+$"),
];

fn has_format(format: &str, value: &str) -> Option<bool> {
    match format {
        "ipv4" => Some(value.parse::<std::net::Ipv4Addr>().is_ok()),
        "ipv6" => Some(value.parse::<std::net::Ipv6Addr>().is_ok()),
        "ip" => Some(value.parse::<std::net::IpAddr>().is_ok()),
        _ => {
            let (_, syntax) = FORMATS.iter().find(|(name, _)| *name == format)?;
            let re = regress::Regex::new(syntax).expect("the formats' syntax is a valid regex");
            Some(re.find(value).is_some())
        }
    }
}

fn unsatisfiable_enum_format(node: &mut Map<String, Value>) -> bool {
    let Some(Value::String(format)) = node.get("format") else {
        return false;
    };
    let contradicts = listed_strings(node).any(|v| has_format(format, v) == Some(false));
    if contradicts {
        node.remove("format");
    }
    contradicts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::normalize::testing::run;
    use serde_json::json;

    #[test]
    fn enum_value_without_the_format() {
        let (s, fired) = run(
            "unsatisfiable-enum-format",
            json!({"type": "string", "format": "date-time", "enum": ["now", "2024-01-02T03:04:05Z"]}),
        );
        assert_eq!(
            s,
            json!({"type": "string", "enum": ["now", "2024-01-02T03:04:05Z"]})
        );
        assert_eq!(fired.len(), 1);
        // Beside a union.
        let (s, fired) = run(
            "unsatisfiable-enum-format",
            json!({"format": "uuid", "oneOf": [{"type": "string", "enum": ["me"]}, {"type": "string"}]}),
        );
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "string", "enum": ["me"]}, {"type": "string"}]})
        );
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn consistent_format_is_kept() {
        for schema in [
            json!({"type": "string", "format": "date", "enum": ["2024-02-29"]}),
            json!({"type": "string", "format": "uuid", "const": "123e4567-E89B-12d3-a456-426614174000"}),
            json!({"type": "string", "format": "email", "enum": ["a@b.c", null]}),
            json!({"type": "string", "format": "ipv4", "enum": ["127.0.0.1"]}),
            // No values listed, or a format the rule does not check.
            json!({"type": "string", "format": "date-time"}),
            json!({"type": "string", "format": "uri", "enum": ["none"]}),
        ] {
            let (s, fired) = run("unsatisfiable-enum-format", schema.clone());
            assert_eq!(s, schema);
            assert!(fired.is_empty(), "{schema}");
        }
    }

    #[test]
    fn format_syntax() {
        for (format, yes, no) in [
            ("date-time", "2024-01-02t03:04:05.123+01:00", "2024-01-02"),
            ("date", "1999-12-31", "1999-13-01"),
            ("time", "23:59:60Z", "24:00:00Z"),
            ("uuid", "00000000-0000-0000-0000-000000000000", "0000"),
            ("email", "x@y", "x@y@z"),
            ("ipv6", "::1", "1.2.3"),
            ("ip", "::1", "localhost"),
        ] {
            assert_eq!(has_format(format, yes), Some(true), "{format} {yes}");
            assert_eq!(has_format(format, no), Some(false), "{format} {no}");
        }
        assert_eq!(has_format("uri", "x"), None);
    }
}
