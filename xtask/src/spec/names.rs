//! typify's names, predicted: the Rust name typify 0.x gives a schema or
//! an enum value, so collisions are found before typify panics on them.

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
