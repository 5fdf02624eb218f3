//! typify's names, predicted: the Rust name typify 0.x gives a schema, an
//! enum value or a property, so collisions are found before typify panics on
//! them; and the Rust keywords no generated name may be.

use heck::ToSnakeCase;

/// The variant name typify gives an enum value (typify-impl 0.8's
/// `sanitize(_, Case::Pascal)`), to predict collisions before it panics.
pub fn variant_name(value: &str) -> String {
    use heck::ToPascalCase;
    let out = match value {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => value
            .replace('\'', "")
            .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
            .to_pascal_case(),
    };
    match out.chars().next() {
        None => "X".to_string(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("X{out}"),
    }
}

/// typify's name for a type: `sanitize(name, Case::Pascal)`.
pub fn type_name(name: &str) -> String {
    variant_name(name)
}
/// Rust keywords an argument name must not be.
pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

/// The Rust field typify gives a JSON property, when it is a plain one.
pub fn field_name(json: &str) -> Option<String> {
    let name = json.to_snake_case();
    (!name.is_empty()
        && !KEYWORDS.contains(&name.as_str())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}
