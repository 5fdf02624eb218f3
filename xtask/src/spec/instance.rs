//! A small, deterministic, schema-valid JSON instance of a schema of a
//! (normalized) document: what the generated mock answers for operations it
//! keeps no state for, the template it builds stored items from, and the
//! request bodies the `every_method` run sends.
//!
//! Minimal by design: an object gets its required properties only, an array
//! its `minItems` items, a union its first member that can be built (with
//! the discriminator's tag set), a string its `enum`'s first value, its
//! `const`, an `example` of the right type when it has a `pattern` (which
//! nothing here can satisfy by construction), or a value of its `format`
//! padded or cut to its length bounds; a number its `minimum` (moved inside
//! exclusive bounds and to a `multipleOf`), else 0 clamped to its bounds.
//! The same schema always gives the same instance.
//!
//! A schema that cannot be built (a required cycle, an unresolvable
//! reference, `false`, an empty `enum`) is an error naming the JSON pointer
//! of the schema that failed, never a panic.

use serde_json::{Map, Number, Value, json};

use super::COMPONENT_REF;

/// How deep references and nesting are followed before giving up (a
/// required cycle never ends).
const MAX_DEPTH: usize = 32;

/// The longest string and array an instance holds.
const MAX_SIZE: u64 = 10_000;

/// The instance's fixed values by `format`.
fn formatted(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2026-01-01T00:00:00.000Z",
        "date" => "2026-01-01",
        "time" => "00:00:00",
        "uuid" => "00000000-0000-4000-8000-000000000001",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com",
        "hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        _ => return None,
    })
}

/// An instance of `schema`, found at `pointer` in `doc`.
pub fn instance(doc: &Value, schema: &Value, pointer: &str) -> Result<Value, String> {
    Builder {
        doc,
        steps: std::cell::Cell::new(0),
    }
    .build(schema, pointer, 0)
}

/// How many schemas one instance may visit (unions of cycles would
/// otherwise try each member at every level).
const MAX_STEPS: usize = 100_000;

struct Builder<'d> {
    doc: &'d Value,
    steps: std::cell::Cell<usize>,
}

fn type_is(schema: &Value, wanted: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

/// The first non-null type a schema names.
fn first_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

impl Builder<'_> {
    fn build(&self, schema: &Value, at: &str, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "{at}: nested more than {MAX_DEPTH} levels (a required cycle?)"
            ));
        }
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
            return Err(format!("{at}: more than {MAX_STEPS} schemas visited"));
        }
        let object = match schema {
            Value::Bool(true) => return Ok(json!({})),
            Value::Object(object) => object,
            _ => return Err(format!("{at}: not a schema an instance can be built of")),
        };
        if let Some(Value::String(reference)) = object.get("$ref") {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("{at}: the reference `{reference}` is not local"))?;
            let target = self
                .doc
                .pointer(pointer)
                .ok_or_else(|| format!("{at}: the reference `{reference}` resolves to nothing"))?;
            return self.build(target, pointer, depth + 1);
        }
        if let Some(value) = object.get("const") {
            return Ok(value.clone());
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            return values
                .iter()
                .find(|v| !v.is_null())
                .or(values.first())
                .cloned()
                .ok_or_else(|| format!("{at}: an empty `enum` has no value"));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = object.get(key).and_then(Value::as_array) {
                return self.union(object, members, &format!("{at}/{key}"), depth);
            }
        }
        if let Some(members) = object.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for (i, member) in members.iter().enumerate() {
                match self.build(member, &format!("{at}/allOf/{i}"), depth + 1)? {
                    Value::Object(fields) => merged.extend(fields),
                    other if members.len() == 1 => return Ok(other),
                    _ => return Err(format!("{at}/allOf/{i}: not an object")),
                }
            }
            // The schema's own properties beside `allOf`: a property it
            // only names as required keeps the member's value.
            if let Value::Object(own) = self.object(object, at, depth)? {
                let described = object.get("properties").and_then(Value::as_object);
                for (key, value) in own {
                    if !merged.contains_key(&key) || described.is_some_and(|p| p.contains_key(&key))
                    {
                        merged.insert(key, value);
                    }
                }
            }
            return Ok(Value::Object(merged));
        }
        match first_type(schema) {
            Some("string") => self.string(object, at),
            Some("integer") => Ok(number(object, true)),
            Some("number") => Ok(number(object, false)),
            Some("boolean") => Ok(Value::Bool(false)),
            Some("array") => {
                let count = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                if count > MAX_SIZE {
                    return Err(format!(
                        "{at}: `minItems` {count} is more than an instance holds"
                    ));
                }
                let items = object.get("items").unwrap_or(&Value::Bool(true));
                let mut out = Vec::new();
                for _ in 0..count {
                    out.push(self.build(items, &format!("{at}/items"), depth + 1)?);
                }
                Ok(Value::Array(out))
            }
            Some("null") => Ok(Value::Null),
            _ if object.contains_key("properties") || type_is(schema, "object") => {
                self.object(object, at, depth)
            }
            // `{}` and the like: anything; an object is the likeliest fit.
            _ => Ok(json!({})),
        }
    }

    /// An object with its required properties.
    fn object(&self, object: &Map<String, Value>, at: &str, depth: usize) -> Result<Value, String> {
        let mut out = Map::new();
        let properties = object.get("properties").and_then(Value::as_object);
        for name in object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let schema = properties
                .and_then(|p| p.get(name))
                .unwrap_or(&Value::Bool(true));
            let pointer = format!("{at}/properties/{}", super::pointer_token(name));
            out.insert(name.to_string(), self.build(schema, &pointer, depth + 1)?);
        }
        let min = object
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if let Some(properties) = properties {
            for (name, schema) in properties {
                if out.len() as u64 >= min {
                    break;
                }
                if !out.contains_key(name) {
                    let pointer = format!("{at}/properties/{}", super::pointer_token(name));
                    out.insert(name.clone(), self.build(schema, &pointer, depth + 1)?);
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// The first member that can be built, its discriminator tag set.
    fn union(
        &self,
        object: &Map<String, Value>,
        members: &[Value],
        at: &str,
        depth: usize,
    ) -> Result<Value, String> {
        let discriminator = object.get("discriminator");
        let tag = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mut first_error = None;
        for (i, member) in members.iter().enumerate() {
            match self.build(member, &format!("{at}/{i}"), depth + 1) {
                Ok(mut value) => {
                    // The tag, when the member has it as a property (a
                    // member without one is chosen by its shape).
                    if let (Some(tag), Value::Object(fields)) = (tag, &mut value)
                        && !fields.contains_key(tag)
                        && let Some(tag_schema) = self.property(member, tag, 0)
                    {
                        // The member's own value for the tag, else the
                        // mapping key that names it, else its name.
                        let reference = member.get("$ref").and_then(Value::as_str);
                        let own = tag_schema
                            .get("const")
                            .or_else(|| tag_schema.get("enum")?.as_array()?.first())
                            .and_then(Value::as_str)
                            .map(str::to_string);
                        let key = own.or_else(|| {
                            discriminator
                                .and_then(|d| d.get("mapping"))
                                .and_then(Value::as_object)
                                .and_then(|m| {
                                    m.iter()
                                        .find(|(_, target)| target.as_str() == reference)
                                        .map(|(key, _)| key.clone())
                                })
                                .or_else(|| {
                                    reference
                                        .and_then(|r| r.strip_prefix(COMPONENT_REF))
                                        .map(str::to_string)
                                })
                        });
                        if let Some(key) = key {
                            fields.insert(tag.to_string(), Value::String(key));
                        }
                    }
                    return Ok(value);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| format!("{at}: a union without members")))
    }

    /// A schema's `property` (through references and `allOf`).
    fn property<'a>(
        &'a self,
        schema: &'a Value,
        property: &str,
        depth: usize,
    ) -> Option<&'a Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = super::resolve(self.doc, schema);
        schema
            .get("properties")
            .and_then(|p| p.get(property))
            .or_else(|| {
                schema
                    .get("allOf")?
                    .as_array()?
                    .iter()
                    .find_map(|m| self.property(m, property, depth + 1))
            })
    }

    fn string(&self, object: &Map<String, Value>, at: &str) -> Result<Value, String> {
        let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0);
        if min > MAX_SIZE {
            return Err(format!(
                "{at}: `minLength` {min} is more than an instance holds"
            ));
        }
        let min = min as usize;
        let max = object
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        if object.contains_key("pattern") {
            // Nothing here builds a string to a pattern: the document's own
            // example, or the default, is the instance.
            let example = object
                .get("example")
                .or_else(|| object.get("default"))
                .or_else(|| {
                    object
                        .get("examples")
                        .and_then(Value::as_array)
                        .and_then(|e| e.first())
                });
            return match example {
                Some(Value::String(s)) => Ok(Value::String(s.clone())),
                _ => Err(format!(
                    "{at}: a string with a `pattern` and no example to follow it"
                )),
            };
        }
        let base = object
            .get("format")
            .and_then(Value::as_str)
            .and_then(formatted);
        let mut text: String = match (base, object.get("default")) {
            (Some(base), _) => base.to_string(),
            (None, Some(Value::String(s))) => s.clone(),
            (None, _) => "string".to_string(),
        };
        if base.is_none() {
            while text.chars().count() < min {
                text.push('x');
            }
            if let Some(max) = max {
                text = text.chars().take(max).collect();
            }
        }
        Ok(Value::String(text))
    }
}

/// A number within the schema's bounds: its default when it is within
/// them, else the lowest value allowed (0 when that is allowed, the middle
/// of two exclusive bounds for a number), moved to a multiple of
/// `multipleOf` inside the bounds when there is one.
fn number(object: &Map<String, Value>, integer: bool) -> Value {
    let get = |key: &str| object.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| object.get(key).and_then(Value::as_bool) == Some(true);
    // 3.0's boolean exclusive bounds, or 2020-12's numeric ones.
    let (low, low_open) = match (get("minimum"), get("exclusiveMinimum")) {
        (_, Some(bound)) => (Some(bound), true),
        (Some(m), None) => (Some(m), exclusive("exclusiveMinimum")),
        (None, None) => (None, false),
    };
    let (high, high_open) = match (get("maximum"), get("exclusiveMaximum")) {
        (_, Some(bound)) => (Some(bound), true),
        (Some(m), None) => (Some(m), exclusive("exclusiveMaximum")),
        (None, None) => (None, false),
    };
    let allowed = |v: f64| {
        (!integer || v.fract() == 0.0)
            && low.is_none_or(|l| if low_open { v > l } else { v >= l })
            && high.is_none_or(|h| if high_open { v < h } else { v <= h })
    };
    let mut value = match (low, high) {
        _ if get("default").is_some_and(allowed) => get("default").unwrap_or_default(),
        _ if allowed(0.0) => 0.0,
        (Some(l), _) if integer => {
            let l = l.ceil();
            if allowed(l) { l } else { l + 1.0 }
        }
        (Some(l), Some(h)) if low_open => (l + h) / 2.0,
        (Some(l), None) if low_open => l + 1.0,
        (Some(l), _) => l,
        (None, Some(h)) if integer => {
            let h = h.floor();
            if allowed(h) { h } else { h - 1.0 }
        }
        (None, Some(h)) if high_open => h - 1.0,
        (None, Some(h)) => h,
        (None, None) => 0.0,
    };
    if let Some(multiple) = get("multipleOf").filter(|m| *m > 0.0) {
        let up = (value / multiple).ceil() * multiple;
        let down = (value / multiple).floor() * multiple;
        value = if allowed(up) { up } else { down };
    }
    if value.fract() == 0.0 {
        if (0.0..=u64::MAX as f64).contains(&value) {
            return Value::Number(Number::from(value as u64));
        }
        if (i64::MIN as f64..0.0).contains(&value) {
            return Value::Number(Number::from(value as i64));
        }
    }
    Number::from_f64(value).map_or(Value::from(0), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(doc: &Value, schema: Value) -> Result<Value, String> {
        instance(doc, &schema, "#")
    }

    #[test]
    fn objects_get_their_required_properties_only() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["name", "kind", "born"], "properties": {
                "name": {"type": "string", "minLength": 8, "maxLength": 9},
                "kind": {"type": "string", "enum": ["cat", "dog"]},
                "born": {"type": "string", "format": "date-time"},
                "nick": {"type": "string"}
            }}
        }}});
        let pet = of(&doc, json!({"$ref": "#/components/schemas/Pet"})).expect("builds");
        assert_eq!(
            pet,
            json!({"name": "stringxx", "kind": "cat", "born": "2026-01-01T00:00:00.000Z"})
        );
    }

    #[test]
    fn numbers_keep_to_their_bounds() {
        let doc = json!({});
        let n = |s| of(&doc, s).expect("builds");
        assert_eq!(n(json!({"type": "integer", "minimum": 3})), json!(3));
        assert_eq!(
            n(json!({"type": "integer", "minimum": 3, "exclusiveMinimum": true})),
            json!(4)
        );
        assert_eq!(n(json!({"type": "number", "maximum": -2})), json!(-2));
        assert_eq!(
            n(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!(1)
        );
        assert_eq!(
            n(json!({"type": "number", "minimum": 0.1, "multipleOf": 0.5})),
            json!(0.5)
        );
        assert_eq!(n(json!({"type": "integer", "default": 7})), json!(7));
        assert_eq!(
            n(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5})),
            json!(0.25)
        );
        assert_eq!(
            n(json!({"type": "integer", "maximum": -1, "multipleOf": 5})),
            json!(-5)
        );
        assert_eq!(
            n(json!({"type": "integer", "minimum": 2, "maximum": 9, "default": 20})),
            json!(2)
        );
    }

    #[test]
    fn unions_take_the_first_member_that_builds_and_set_the_tag() {
        let doc = json!({"components": {"schemas": {
            "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
            "Dog": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}, "type": {"type": "string"}}},
            "Cat": {"type": "object", "properties": {"purr": {"type": "boolean"}}}
        }}});
        // A member without the tag property is chosen by its shape: no tag.
        let untagged = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}],
            "discriminator": {"propertyName": "type"}
        });
        assert_eq!(of(&doc, untagged), Ok(json!({})));
        let union = json!({
            "oneOf": [{"$ref": "#/components/schemas/Loop"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "type", "mapping": {"dog": "#/components/schemas/Dog"}}
        });
        assert_eq!(
            of(&doc, union).expect("the second member builds"),
            json!({"bark": false, "type": "dog"})
        );
        let error = of(&doc, json!({"$ref": "#/components/schemas/Loop"})).expect_err("a cycle");
        assert!(error.contains("/components/schemas/Loop"), "{error}");
    }

    #[test]
    fn patterns_need_an_example_and_arrays_their_minimum() {
        let doc = json!({});
        assert_eq!(
            of(
                &doc,
                json!({"type": "string", "pattern": "^a+$", "example": "aaa"})
            ),
            Ok(json!("aaa"))
        );
        let error = of(&doc, json!({"type": "string", "pattern": "^a+$"})).expect_err("no example");
        assert!(error.starts_with("#: "), "{error}");
        assert_eq!(
            of(
                &doc,
                json!({"type": "array", "minItems": 2, "items": {"type": "integer"}})
            ),
            Ok(json!([0, 0]))
        );
        assert_eq!(
            of(
                &doc,
                json!({"allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}], "required": ["b"], "properties": {"b": {"const": 1}}})
            ),
            Ok(json!({"a": false, "b": 1}))
        );
    }
}
