//! Stage 3, **generate models**: typify over `components.schemas` of a
//! normalized document.
//!
//! OpenAPI 3.0 schemas are JSON Schema with a few differences; the one typify
//! must see is `nullable: true`, which becomes a `null` alternative here
//! ([`to_json_schema`]). Everything else passes through.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use serde_json::{Map, Value};
use typify::{TypeSpace, TypeSpaceSettings};

use crate::spec::COMPONENT_REF;
use crate::{Error, catch_panic};

/// Derives added to every generated type, beyond typify's own
/// (`Clone, Debug, Deserialize, Serialize`).
pub const EXTRA_DERIVES: &[&str] = &["PartialEq"];

/// The models of a document: typify's tokens and the Rust name of every
/// component.
pub struct Models {
    /// All generated items.
    pub tokens: TokenStream,
    /// Component name (as in the document) → Rust type name.
    pub names: BTreeMap<String, String>,
    /// The element types of the array fields of struct components, from
    /// typify's type space: (component name, Rust field name) → Rust type
    /// name of the elements, for elements that are named types (an inline
    /// union of items included, which the document leaves unnamed).
    pub array_items: BTreeMap<(String, String), String>,
}

/// The array fields of a struct type and their named element types.
fn array_items_of(space: &TypeSpace, ty: &typify::Type<'_>) -> Vec<(String, String)> {
    let typify::TypeDetails::Struct(st) = ty.details() else {
        return Vec::new();
    };
    let named = |id: &typify::TypeId| {
        let t = space.get_type(id).ok()?;
        matches!(
            t.details(),
            typify::TypeDetails::Struct(_)
                | typify::TypeDetails::Enum(_)
                | typify::TypeDetails::Newtype(_)
        )
        .then(|| t.name())
    };
    let mut out = Vec::new();
    for (field, mut id) in st.properties() {
        // Through `Option` and `Box` to the array.
        let mut element = None;
        for _ in 0..4 {
            let Ok(t) = space.get_type(&id) else { break };
            match t.details() {
                typify::TypeDetails::Option(inner) | typify::TypeDetails::Box(inner) => id = inner,
                typify::TypeDetails::Vec(inner) => {
                    element = named(&inner);
                    break;
                }
                _ => break,
            }
        }
        if let Some(element) = element {
            out.push((field.to_string(), element));
        }
    }
    out
}

/// The components of a normalized document, converted for typify.
pub fn component_schemas(
    doc: &Value,
) -> Result<BTreeMap<String, schemars08::schema::Schema>, Error> {
    let mut out = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(out);
    };
    for (name, schema) in schemas {
        let converted = to_json_schema(schema);
        let schema: schemars08::schema::Schema = serde_json::from_value(converted.clone())
            .map_err(|e| {
                let (pointer, detail) =
                    locate_unreadable(&converted, String::new()).unwrap_or_default();
                Error::at(
                    name,
                    &pointer,
                    format!(
                        "not a schema typify can read: {}",
                        if detail.is_empty() {
                            e.to_string()
                        } else {
                            detail
                        }
                    ),
                )
            })?;
        out.insert(name.clone(), schema);
    }
    Ok(out)
}

fn readable(v: &Value) -> Result<(), String> {
    serde_json::from_value::<schemars08::schema::Schema>(v.clone())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// schemars' `Schema` is an untagged enum, so serde cannot say where inside
/// it a value is wrong: find the deepest nested schema that fails, then the
/// keyword whose removal makes it readable. Returns (pointer, what failed).
pub fn locate_unreadable(schema: &Value, pointer: String) -> Option<(String, String)> {
    let node = schema.as_object()?;
    readable(schema).err()?;
    let mut children: Vec<(String, &Value)> = Vec::new();
    for (k, v) in node {
        let kp = format!("{pointer}/{}", crate::spec::pointer_token(k));
        match (k.as_str(), v) {
            ("items" | "additionalProperties" | "not" | "contains" | "propertyNames", _) => {
                children.push((kp, v));
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(items)) => children.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (format!("{kp}/{i}"), c)),
            ),
            ("properties" | "patternProperties" | "definitions" | "$defs", Value::Object(m)) => {
                children.extend(
                    m.iter()
                        .map(|(n, c)| (format!("{kp}/{}", crate::spec::pointer_token(n)), c)),
                );
            }
            _ => {}
        }
    }
    for (p, child) in children {
        if readable(child).is_err() {
            return locate_unreadable(child, p).or(Some((pointer.clone(), String::new())));
        }
    }
    for key in node.keys() {
        let mut without = node.clone();
        let value = without.remove(key);
        if readable(&Value::Object(without)).is_ok() {
            let shown = value.map(|v| v.to_string()).unwrap_or_default();
            return Some((
                format!("{pointer}/{}", crate::spec::pointer_token(key)),
                format!("`{key}`: {shown} is not valid here"),
            ));
        }
    }
    Some((pointer, String::new()))
}

/// `a.b[0].c` (serde_path_to_error) → `/a/b/0/c`.
pub fn json_pointer_of(path: &str) -> String {
    if path == "." || path.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for seg in path.split('.') {
        let mut rest = seg;
        while let Some(open) = rest.find('[') {
            let (head, tail) = rest.split_at(open);
            if !head.is_empty() {
                out.push('/');
                out.push_str(&crate::spec::pointer_token(head));
            }
            let close = tail.find(']').unwrap_or(tail.len());
            out.push('/');
            out.push_str(&tail[1..close]);
            rest = tail.get(close + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            out.push('/');
            out.push_str(&crate::spec::pointer_token(rest));
        }
    }
    out
}

/// Rewrite OpenAPI 3.0's `nullable: true` into JSON Schema, recursively,
/// and its `example` into JSON Schema's `examples` (metadata, which typify
/// sets aside when it matches a schema against [`FREE_FORM`]; as an unknown
/// keyword it made `{"type": "object", "example": …}` a schema of its own).
pub fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let v = match k.as_str() {
                    // Values that are data, not schemas.
                    "enum" | "example" | "default" | "const" | "examples" | "discriminator" => {
                        v.clone()
                    }
                    "properties" | "patternProperties" | "$defs" | "definitions" => match v {
                        Value::Object(props) => Value::Object(
                            props
                                .iter()
                                .map(|(n, s)| (n.clone(), to_json_schema(s)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    _ => to_json_schema(v),
                };
                out.insert(k.clone(), v);
            }
            if !out.contains_key("examples")
                && let Some(example) = out.remove("example")
            {
                out.insert("examples".into(), Value::Array(vec![example]));
            }
            if leaves_open(&out) {
                // Extensions (`x-ignored-items`…) would make it a schema of
                // its own for typify, which matches [`FREE_FORM`] exactly.
                out.retain(|k, _| !k.starts_with("x-"));
            }
            if out.remove("nullable") == Some(Value::Bool(true)) {
                make_nullable(out)
            } else {
                Value::Object(out)
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The keywords of a JSON Schema that describe a value without constraining
/// it (`to_json_schema` has turned OpenAPI's `example` into `examples`): what
/// [`leaves_open`] ignores, and what [`make_nullable`] keeps on the outer
/// schema beside `null`.
const METADATA: &[&str] = &[
    "description",
    "title",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "$comment",
];

/// Whether `schema` leaves its value open: any value (no keyword but
/// metadata and extensions), any object (`type: object` without
/// properties, with `additionalProperties` absent, `true` or `{}`) or an
/// array of anything (`items` absent, `true` or `{}`): one of [`FREE_FORM`]
/// once its extensions are set aside.
fn leaves_open(schema: &Map<String, Value>) -> bool {
    let open = |v: &Value| *v == Value::Bool(true) || *v == Value::Object(Map::new());
    let kind = schema.get("type");
    schema.iter().all(|(k, v)| {
        k.starts_with("x-")
            || METADATA.contains(&k.as_str())
            || match (k.as_str(), kind.and_then(Value::as_str)) {
                ("type", Some("object" | "array")) => true,
                ("additionalProperties", Some("object")) | ("items", Some("array")) => open(v),
                _ => false,
            }
    })
}

fn make_nullable(mut schema: Map<String, Value>) -> Value {
    // A free-form value stays one of [`FREE_FORM`] (a type list would not
    // match it), beside `null`.
    if let Some(Value::String(t)) = schema.get("type").cloned()
        && !leaves_open(&schema)
    {
        schema.insert(
            "type".into(),
            Value::Array(vec![Value::String(t), Value::String("null".into())]),
        );
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        return Value::Object(schema);
    }
    // `$ref`, `allOf`, unions: an alternative with null, keeping the docs
    // on the outer schema.
    let mut outer = Map::new();
    for &key in METADATA {
        if let Some(v) = schema.remove(key) {
            outer.insert(key.into(), v);
        }
    }
    let null = Value::Object(Map::from_iter([(
        "type".to_string(),
        Value::String("null".into()),
    )]));
    outer.insert(
        "oneOf".into(),
        Value::Array(vec![Value::Object(schema), null]),
    );
    Value::Object(outer)
}

/// Optional properties that may also be `null`, per component struct:
/// Rust type name → JSON property names. Post-processing gives them a
/// double option so absent, `null` and a value stay distinct (a PATCH with
/// `null` clears a field; leaving it out keeps it).
pub fn nullable_optional_properties(
    doc: &Value,
    names: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(rust) = names.get(name) else {
            continue;
        };
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields: Vec<String> = props
            .iter()
            .filter(|(p, s)| {
                !required.contains(&p.as_str()) && s.get("nullable") == Some(&Value::Bool(true))
            })
            .map(|(p, _)| p.clone())
            .collect();
        if !fields.is_empty() {
            out.insert(rust.clone(), fields);
        }
    }
    out
}

/// Rust names of the components that are unions (`oneOf`/`anyOf` at the top).
pub fn union_components(doc: &Value, names: &BTreeMap<String, String>) -> BTreeSet<String> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeSet::new();
    };
    schemas
        .iter()
        .filter(|(_, s)| {
            s.get("oneOf")
                .or_else(|| s.get("anyOf"))
                .is_some_and(Value::is_array)
        })
        .filter_map(|(name, _)| names.get(name).cloned())
        .collect()
}

/// The schemas that leave a value open (any value, any object, an array of
/// anything), with the models' type that holds such a value as the text
/// sent (`Json`, in `crate::json`) instead of typify's `serde_json::Value`,
/// `Map` or `Vec<Value>` (30 to 80 bytes per two-byte `0,` of the body).
/// typify matches a schema exactly, its metadata (description, default…)
/// aside.
pub const FREE_FORM: &[(&str, &str)] = &[
    ("{}", "crate::Json"),
    (r#"{"type": "object"}"#, "crate::JsonObject"),
    (
        r#"{"type": "object", "additionalProperties": true}"#,
        "crate::JsonObject",
    ),
    (
        r#"{"type": "object", "additionalProperties": {}}"#,
        "crate::JsonObject",
    ),
    (r#"{"type": "array"}"#, "crate::JsonArray"),
    (r#"{"type": "array", "items": {}}"#, "crate::JsonArray"),
    (r#"{"type": "array", "items": true}"#, "crate::JsonArray"),
];

/// typify settings shared by every run.
pub fn settings() -> TypeSpaceSettings {
    let mut s = TypeSpaceSettings::default();
    s.with_struct_builder(false);
    for d in EXTRA_DERIVES {
        s.with_derive(d.to_string());
    }
    for (schema, ty) in FREE_FORM {
        let Ok(schema) = serde_json::from_str::<schemars08::schema::SchemaObject>(schema) else {
            continue;
        };
        s.with_conversion(
            schema,
            *ty,
            [
                typify::TypeSpaceImpl::Default,
                typify::TypeSpaceImpl::Display,
            ]
            .into_iter(),
        );
    }
    s
}

/// Run typify over the components of `doc`.
pub fn generate(doc: &Value) -> Result<Models, Error> {
    let schemas = component_schemas(doc)?;
    let names_in_order: Vec<String> = schemas.keys().cloned().collect();
    let all = schemas.clone();
    let result = catch_panic("typify", || {
        let mut space = TypeSpace::new(&settings());
        space
            .add_ref_types(schemas)
            .map_err(|e| Error::new(format!("typify cannot convert the components: {e}")))?;
        let mut names = BTreeMap::new();
        let mut array_items = BTreeMap::new();
        for name in names_in_order {
            let reference = schemars08::schema::Schema::new_ref(format!("{COMPONENT_REF}{name}"));
            let id = space
                .add_type(&reference)
                .map_err(|e| Error::at(&name, "", format!("typify: {e}")))?;
            let ty = space
                .get_type(&id)
                .map_err(|e| Error::at(&name, "", format!("typify: {e}")))?;
            for (field, element) in array_items_of(&space, &ty) {
                array_items.insert((name.clone(), field), element);
            }
            names.insert(name, ty.name());
        }
        Ok(Models {
            tokens: space.to_stream(),
            names,
            array_items,
        })
    });
    result.map_err(|e| blame_component(&all).unwrap_or(e))
}

/// typify reports errors (and panics) for a batch without saying which
/// schema caused them. Convert each component alone, with every other
/// component stubbed as an open schema so references still resolve, and
/// return the first failure with the component's name.
fn blame_component(schemas: &BTreeMap<String, schemars08::schema::Schema>) -> Option<Error> {
    let open = schemars08::schema::Schema::Bool(true);
    for name in schemas.keys() {
        let batch = schemas
            .iter()
            .map(|(n, s)| (n.clone(), if n == name { s.clone() } else { open.clone() }));
        let outcome = catch_panic("typify", || {
            let mut space = TypeSpace::new(&settings());
            space
                .add_ref_types(batch)
                .map_err(|e| Error::new(format!("typify: {e}")))?;
            Ok(space.to_stream())
        });
        if let Err(e) = outcome {
            return Some(Error::at(name, "", e.message));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn free_form_values_are_held_as_text() {
        for (schema, _) in FREE_FORM {
            assert!(
                serde_json::from_str::<schemars08::schema::SchemaObject>(schema).is_ok(),
                "{schema}"
            );
        }
        let doc = json!({"components": {"schemas": {
            "Free": {"type": "object", "description": "anything", "properties": {
                "any": {"description": "any value"},
                "object": {"type": "object", "example": {"a": 1}},
                "open": {"type": "object", "additionalProperties": true},
                "list": {"type": "array", "items": {}},
                "odd": {"type": "object", "x-ignored-items": {"type": "string"}},
                "maybe": {"type": "object", "nullable": true, "description": "or null"},
                "strings": {"type": "object", "additionalProperties": {"type": "string"}}
            }}
        }}});
        let models = generate(&doc).expect("generates");
        let text = models.tokens.to_string().replace(' ', "");
        for field in [
            "pubany:::std::option::Option<crate::Json>",
            "pubobject:::std::option::Option<crate::JsonObject>",
            "pubopen:::std::option::Option<crate::JsonObject>",
            "publist:::std::option::Option<crate::JsonArray>",
            "pubodd:::std::option::Option<crate::JsonObject>",
            "pubmaybe:::std::option::Option<crate::JsonObject>",
            "pubstrings:::std::collections::HashMap<::std::string::String,::std::string::String>",
        ] {
            assert!(text.contains(field), "{field} in {text}");
        }
        assert!(!text.contains("serde_json::Value"), "{text}");
    }

    #[test]
    fn nullable_string_becomes_type_list() {
        assert_eq!(
            to_json_schema(&json!({"type": "string", "nullable": true, "enum": ["a"]})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
    }

    #[test]
    fn nullable_ref_becomes_one_of_with_null() {
        assert_eq!(
            to_json_schema(
                &json!({"properties": {"a": {"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}}})
            ),
            json!({"properties": {"a": {"description": "d", "oneOf": [{"allOf": [{"$ref": "#/components/schemas/A"}]}, {"type": "null"}]}}})
        );
    }

    #[test]
    fn property_named_nullable_is_not_the_keyword() {
        let s = json!({"properties": {"nullable": {"type": "boolean"}}});
        assert_eq!(to_json_schema(&s), s);
    }

    #[test]
    fn pointer_from_serde_path() {
        assert_eq!(
            json_pointer_of("properties.a.items[2].type"),
            "/properties/a/items/2/type"
        );
        assert_eq!(json_pointer_of("."), "");
    }

    #[test]
    fn generates_named_types() {
        let doc = json!({"components": {"schemas": {
            "CreateThingDTO": {"type": "object", "properties": {"a": {"type": "string"}}},
        }}});
        let m = generate(&doc).unwrap();
        assert_eq!(m.names["CreateThingDTO"], "CreateThingDto");
        assert!(m.tokens.to_string().contains("CreateThingDto"));
    }
}

/// Fail when typify emitted a type without values (an enum with no
/// variant): no request could carry it and no response could decode into it.
/// The normalization rules resolve the contradictions that produce one
/// (`unsatisfiable-pattern`, `unsatisfiable-enum-format`, `inverted-bounds`,
/// `empty-enum`, `empty-enum-member`); one that still comes out is named
/// here with the component it belongs to (the component whose Rust name is
/// the type's, or the longest prefix of it: typify names inline types after
/// their parent).
pub fn check_inhabited(file: &syn::File, names: &BTreeMap<String, String>) -> Result<(), Error> {
    for item in &file.items {
        let syn::Item::Enum(e) = item else { continue };
        if !e.variants.is_empty() {
            continue;
        }
        let ty = e.ident.to_string();
        let component = names
            .iter()
            .filter(|(_, rust)| ty.starts_with(rust.as_str()))
            .max_by_key(|(_, rust)| rust.len())
            .map_or("document", |(name, _)| name.as_str());
        let pointer = if component == "document" {
            String::new()
        } else {
            format!(
                "/components/schemas/{}",
                crate::spec::pointer_token(component)
            )
        };
        return Err(Error::at(
            component,
            &pointer,
            format!(
                "typify generated `{ty}`, an enum with no values: the schema's constraints \
                 contradict each other (add a normalization rule that resolves this shape)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod inhabited_tests {
    use super::*;

    #[test]
    fn an_enum_without_values_is_refused_with_its_component() {
        let names = BTreeMap::from([
            ("InviteUserDTO".to_string(), "InviteUserDto".to_string()),
            ("Invite".to_string(), "Invite".to_string()),
        ]);
        let file: syn::File = syn::parse_quote! {
            pub enum InviteUserDtoRole { A, B }
            pub enum InviteUserDtoRoleVariant0 {}
        };
        let err = check_inhabited(&file, &names)
            .expect_err("no values")
            .to_string();
        assert!(err.contains("InviteUserDtoRoleVariant0"), "{err}");
        assert!(err.contains("/components/schemas/InviteUserDTO"), "{err}");
        let fine: syn::File = syn::parse_quote! { pub enum A { X } };
        check_inhabited(&fine, &names).expect("values");
    }

    /// The whole pipeline on the shape a later vendor document has: the
    /// rules drop the contradicting pattern and every enum keeps its values.
    #[test]
    fn a_placeholder_pattern_beside_a_union_of_enums_generates_values() {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"InviteUserDTO": {"type": "object", "required": ["role"], "properties": {
                "role": {"pattern": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN", "oneOf": [
                    {"type": "string", "enum": ["admin", "editor", "viewer"]},
                    {"type": "string", "pattern": "^org-[a-z0-9-]+$"}
                ]},
                "level": {"type": "integer", "minimum": 5, "maximum": 1},
                "kind": {"type": "string", "enum": []}
            }}}}
        });
        let generated =
            crate::pipeline::run(doc, &crate::pipeline::Target::standalone()).expect("generates");
        let models = &generated.files[&generated.models_path];
        let flat = models.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("InviteUserDtoRoleVariant0 { Admin = \"admin\", Editor"),
            "the enum keeps its values: {models}"
        );
        assert!(
            generated.report.fired.contains_key("unsatisfiable-pattern"),
            "{:?}",
            generated.report
        );
    }
}
