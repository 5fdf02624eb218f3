//! Request validation: the constraints the spec puts on values (`minimum`,
//! `maximum`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`)
//! checked on values users build, with errors naming the field.
//!
//! Decoding never checks them (it takes what the server sends); the client
//! checks a request body when the call is sent (before anything goes on the
//! wire: `Error::Validation` with every field that breaks one), and
//! [`Validate::validate`] checks any value on demand.
//!
//! ```
//! use cozmox_models::{CreateSessionDto, Validate};
//!
//! let mut body = CreateSessionDto::default();
//! body.expiration_seconds = Some(30.0);
//! let errors = body.validate().unwrap_err();
//! assert_eq!(
//!     errors.to_string(),
//!     "`expirationSeconds`: 30 is less than the minimum 60"
//! );
//! assert_eq!(errors.errors()[0].path(), "expirationSeconds");
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

/// One value that breaks a constraint of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    path: String,
    message: String,
}

impl ValidationError {
    /// The JSON path of the value, e.g. `assistant.model.tools[0].name`
    /// (empty for the value itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with it, e.g. `45 characters, more than the maximum 40`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// Every constraint a value breaks (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The errors, in the order of the fields.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(e, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects the errors of one validation, keeping track of the path.
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<Segment>,
    errors: Vec<ValidationError>,
}

#[derive(Debug)]
enum Segment {
    Field(&'static str),
    Index(usize),
    Key(String),
}

impl Validator {
    fn report(&mut self, message: String) {
        let mut path = String::new();
        for s in &self.path {
            match s {
                Segment::Field(f) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(f);
                }
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        self.errors.push(ValidationError { path, message });
    }

    fn within(&mut self, segment: Segment, check: impl FnOnce(&mut Self)) {
        self.path.push(segment);
        check(self);
        self.path.pop();
    }

    /// Run `check` for the field `name` (its JSON name).
    pub fn field(&mut self, name: &'static str, check: impl FnOnce(&mut Self)) {
        self.within(Segment::Field(name), check);
    }

    /// Run `check` for the item at `index` of an array.
    pub fn index(&mut self, index: usize, check: impl FnOnce(&mut Self)) {
        self.within(Segment::Index(index), check);
    }

    /// Check the field `name` (its JSON name) with the calls that follow, up
    /// to [`leave`](Self::leave): what the generated impls call, rather than
    /// [`field`](Self::field), whose closure is a function of its own per
    /// field in the crate's build.
    pub fn enter_field(&mut self, name: &'static str) {
        self.path.push(Segment::Field(name));
    }

    /// Check the item at `index` of an array with the calls that follow, up
    /// to [`leave`](Self::leave).
    pub fn enter_index(&mut self, index: usize) {
        self.path.push(Segment::Index(index));
    }

    /// End what [`enter_field`](Self::enter_field) or
    /// [`enter_index`](Self::enter_index) began.
    pub fn leave(&mut self) {
        self.path.pop();
    }

    /// Check a number against `minimum`/`maximum` (inclusive) and
    /// `exclusiveMinimum`/`exclusiveMaximum`.
    pub fn number(
        &mut self,
        value: f64,
        minimum: Option<f64>,
        maximum: Option<f64>,
        exclusive_minimum: Option<f64>,
        exclusive_maximum: Option<f64>,
    ) {
        if !value.is_finite() {
            // JSON has no NaN or infinity: serde_json would send `null`.
            self.report(format!(
                "{value} is not a finite number (JSON has no NaN or infinity)"
            ));
            return;
        }
        if let Some(min) = minimum.filter(|m| value < *m) {
            self.report(format!("{value} is less than the minimum {min}"));
        }
        if let Some(max) = maximum.filter(|m| value > *m) {
            self.report(format!("{value} is more than the maximum {max}"));
        }
        if let Some(min) = exclusive_minimum.filter(|m| value <= *m) {
            self.report(format!("{value} is not more than {min}"));
        }
        if let Some(max) = exclusive_maximum.filter(|m| value >= *m) {
            self.report(format!("{value} is not less than {max}"));
        }
    }

    /// Check a string's length in characters against `minLength`/`maxLength`.
    pub fn length(&mut self, value: &str, min: Option<usize>, max: Option<usize>) {
        let n = value.chars().count();
        if let Some(min) = min.filter(|m| n < *m) {
            self.report(format!("{n} characters, fewer than the minimum {min}"));
        }
        if let Some(max) = max.filter(|m| n > *m) {
            self.report(format!("{n} characters, more than the maximum {max}"));
        }
    }

    /// Check a string against a `pattern` (ECMAScript syntax, unanchored).
    /// `compiled` caches the compiled pattern (one static per call site).
    pub fn pattern(
        &mut self,
        value: &str,
        pattern: &'static str,
        compiled: &'static OnceLock<Option<regress::Regex>>,
    ) {
        match compiled.get_or_init(|| regress::Regex::new(pattern).ok()) {
            Some(re) if re.find(value).is_none() => {
                self.report(format!("{value:?} does not match the pattern `{pattern}`"));
            }
            Some(_) => {}
            // The spec's pattern is not valid ECMAScript: nothing to check.
            None => {}
        }
    }

    /// Check an array's length against `minItems`/`maxItems`.
    pub fn items(&mut self, len: usize, min: Option<usize>, max: Option<usize>) {
        if let Some(min) = min.filter(|m| len < *m) {
            self.report(format!("{len} items, fewer than the minimum {min}"));
        }
        if let Some(max) = max.filter(|m| len > *m) {
            self.report(format!("{len} items, more than the maximum {max}"));
        }
    }
}

/// A value whose type carries constraints from the spec. Implemented by the
/// generated types that have constraints (in their own fields or in values
/// they hold) and by every request body type.
pub trait Validate {
    /// Report every broken constraint to `validator`.
    fn validate_into(&self, validator: &mut Validator);

    /// Check every constraint; the error lists each broken one with its path.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut validator = Validator::default();
        self.validate_into(&mut validator);
        if validator.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(validator.errors))
        }
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_into(&self, validator: &mut Validator) {
        (**self).validate_into(validator);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, validator: &mut Validator) {
        (**self).validate_into(validator);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, validator: &mut Validator) {
        if let Some(value) = self {
            value.validate_into(validator);
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_into(&self, validator: &mut Validator) {
        for (i, value) in self.iter().enumerate() {
            validator.index(i, |v| value.validate_into(v));
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, validator: &mut Validator) {
        self.as_slice().validate_into(validator);
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_into(&self, validator: &mut Validator) {
        let mut entries: Vec<(&String, &T)> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (key, value) in entries {
            validator.within(Segment::Key(key.clone()), |v| value.validate_into(v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_into(&self, validator: &mut Validator) {
        for (key, value) in self {
            validator.within(Segment::Key(key.clone()), |v| value.validate_into(v));
        }
    }
}

/// A number as `f64`, for [`Validator::number`].
pub trait AsF64 {
    /// The value as `f64` (exact for the ranges the spec uses).
    fn as_f64(&self) -> f64;
}

macro_rules! as_f64 {
    ($($t:ty),*) => {$(
        impl AsF64 for $t {
            #[allow(clippy::cast_lossless, reason = "one macro for every number type; 64-bit ones have no `From`")]
            fn as_f64(&self) -> f64 {
                *self as f64
            }
        }
    )*};
}
as_f64!(f64, f32, i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

macro_rules! nonzero_as_f64 {
    ($($t:ty),*) => {$(
        impl AsF64 for $t {
            #[allow(clippy::cast_lossless, reason = "one macro for every number type; 64-bit ones have no `From`")]
            fn as_f64(&self) -> f64 {
                self.get() as f64
            }
        }
    )*};
}
nonzero_as_f64!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64
);

#[cfg(test)]
mod tests {
    use super::Validator;

    /// NaN compares false with every bound and infinity is no JSON number:
    /// both went out as `null` before.
    #[test]
    fn numbers_that_are_not_finite_are_refused_whatever_the_bounds() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut v = Validator::default();
            v.field("cost", |v| {
                v.number(value, Some(0.0), Some(10.0), None, None);
            });
            assert_eq!(v.errors.len(), 1, "{value}");
            assert_eq!(v.errors[0].path, "cost");
            assert!(
                v.errors[0].message.contains("not a finite number"),
                "{value}"
            );
        }
        let mut v = Validator::default();
        v.number(5.0, Some(0.0), Some(10.0), None, None);
        assert!(v.errors.is_empty());
    }
}
