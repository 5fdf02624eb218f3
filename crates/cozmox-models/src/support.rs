//! Hand-written helpers the generated models expand or call: the
//! `open_string_enum!` macro (a string enum that keeps values it does not
//! know), the `open_number_enum!` macro (the same for a number enum) and the
//! decoding of optional fields that may be `null`.
//!
//! Declared before `generated` in `lib.rs`, with `#[macro_use]`, so the
//! macro is in scope there. Not part of the public API.

/// A string enum that keeps values it does not know: `$unknown(String)`.
///
/// The generator writes one invocation per string enum of the spec, with the
/// enum's docs, its variants and their wire values, and the name of the
/// unknown-value variant (one no listed value takes). The enum is
/// `#[non_exhaustive]`, serializes as its wire value, decodes any string
/// (a value it does not list becomes `$unknown`, reported by `Drift`), and
/// describes only the listed values in its JSON Schema.
#[allow(unused_macros)] // a spec without string enums expands none
macro_rules! open_string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* } $unknown:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* #[doc = concat!("`", $value, "`")] $variant,)*
            /// A value this version of the SDK does not know, kept as sent.
            $unknown(::std::string::String),
        }
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$unknown(value) => value,
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$unknown(other.to_owned()),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::support::OpenStringEnumVisitor(::std::marker::PhantomData))
            }
        }
        impl $crate::drift::Drift for $name {
            fn drift<'a>(&'a self, collector: &mut $crate::drift::Collector<'a>) {
                if let Self::$unknown(value) = self {
                    collector.unknown_value(value);
                }
            }
        }
        /// The values the spec lists (others are kept when decoding,
        /// but a schema describes the spec).
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // Built by hand: `json_schema!` recurses once per
                // value and hits the recursion limit on long enums.
                let values: &[&str] = &[$($value),*];
                let mut map = ::serde_json::Map::new();
                map.insert("type".into(), "string".into());
                map.insert("enum".into(), values.iter().map(|v| ::serde_json::Value::from(*v)).collect());
                ::schemars::Schema::from(map)
            }
        }
    };
}

/// The one serde visitor every open string enum shares: any string, through
/// the enum's `From<&str>`. (Unused in a build whose features compile no
/// open string enum.)
#[allow(dead_code)]
pub(crate) struct OpenStringEnumVisitor<T>(pub(crate) std::marker::PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for OpenStringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// A number enum that keeps values it does not know: a newtype over the
/// number, with the values the spec lists as associated constants.
///
/// The generator writes one invocation per field whose schema is a
/// `number` or `integer` enum (normalization rule `number-enum-values`,
/// pass `number-enums`), with the docs, the inner type and each value's
/// name and literal (written for the inner type: `1.0` for `f64`, `1` for
/// `i64`). The type encodes and decodes as the bare number (any number of
/// its type, an integer for integer enums: a
/// value it does not list is kept, and reported by `Drift`), and describes
/// only the listed values in its JSON Schema. Integer types also get `Eq`,
/// `Hash` and `Ord`.
#[allow(unused_macros)] // a spec without number enums expands none
macro_rules! open_number_enum {
    ($(#[$meta:meta])* pub struct $name:ident(f64) { $($body:tt)* }) => {
        open_number_enum! { @define [] $(#[$meta])* pub struct $name(f64) { $($body)* } }
    };
    ($(#[$meta:meta])* pub struct $name:ident(f32) { $($body:tt)* }) => {
        open_number_enum! { @define [] $(#[$meta])* pub struct $name(f32) { $($body)* } }
    };
    ($(#[$meta:meta])* pub struct $name:ident($int:ident) { $($body:tt)* }) => {
        open_number_enum! { @define [Eq, Hash, Ord] $(#[$meta])* pub struct $name($int) { $($body)* } }
    };
    (@define [$($derive:ident),*] $(#[$meta:meta])* pub struct $name:ident($ty:ident) {
        $($(#[$vmeta:meta])* $variant:ident = $value:literal,)*
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd, $($derive,)* ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $ty);
        #[allow(non_upper_case_globals)] // the values' names: `V1`, `Minus1`, `V1Dot5`
        impl $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("`", stringify!($value), "`")]
                pub const $variant: Self = Self($value);
            )*
            /// The values the spec lists (others are kept when decoding,
            /// and reported by `Drift`).
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];
            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                Self::KNOWN.contains(self)
            }
            /// The number.
            pub fn value(self) -> $ty {
                self.0
            }
        }
        impl ::std::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                Self(value)
            }
        }
        impl ::std::convert::From<$name> for $ty {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        impl $crate::drift::Drift for $name {
            fn drift<'a>(&'a self, collector: &mut $crate::drift::Collector<'a>) {
                if !self.is_known() {
                    collector.unknown_value(&self.0.to_string());
                }
            }
        }
        /// The values the spec lists (others are kept when decoding,
        /// but a schema describes the spec).
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut map = ::serde_json::Map::new();
                map.insert(
                    "type".into(),
                    <$ty as $crate::support::EnumNumber>::JSON_TYPE.into(),
                );
                map.insert(
                    "enum".into(),
                    Self::KNOWN
                        .iter()
                        .map(|v| $crate::support::EnumNumber::to_json(v.0))
                        .collect(),
                );
                ::schemars::Schema::from(map)
            }
        }
    };
}

/// The numbers an `open_number_enum!` holds: their JSON Schema `type`, and a
/// value as JSON for the schema's `enum`.
#[allow(dead_code)] // used by the JSON Schemas, behind the `schemars` feature
pub(crate) trait EnumNumber: Copy {
    /// `"number"` or `"integer"`.
    const JSON_TYPE: &'static str;
    /// The value as JSON.
    fn to_json(self) -> serde_json::Value;
}

macro_rules! enum_number_int {
    ($($t:ty),*) => {$(
        impl EnumNumber for $t {
            const JSON_TYPE: &'static str = "integer";
            fn to_json(self) -> serde_json::Value {
                serde_json::Value::from(self)
            }
        }
    )*};
}
enum_number_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl EnumNumber for f64 {
    const JSON_TYPE: &'static str = "number";
    /// Whole values as integers (`1`, not `1.0`), as specs write them.
    fn to_json(self) -> serde_json::Value {
        // Below 2^53 every whole `f64` is exact as an `i64`.
        if self.fract() == 0.0 && self.abs() < 9_007_199_254_740_992.0 {
            #[allow(clippy::cast_possible_truncation, reason = "whole and below 2^53")]
            let whole = self as i64;
            serde_json::Value::from(whole)
        } else {
            serde_json::Value::from(self)
        }
    }
}

impl EnumNumber for f32 {
    const JSON_TYPE: &'static str = "number";
    fn to_json(self) -> serde_json::Value {
        f64::from(self).to_json()
    }
}

/// Decoding of optional fields that may be `null` (`Option<Option<T>>`,
/// `#[serde(default, deserialize_with = "crate::support::nullable")]`): a
/// present field, `null` included, is `Some`; an absent one stays `None` by
/// `default`.
#[allow(dead_code)] // a spec without nullable optional fields calls none
pub(crate) fn nullable<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    open_string_enum! {
        /// A test enum.
        pub enum Kind { A = "a", B = "b", } Other
    }

    open_number_enum! {
        /// A test number enum.
        pub struct Version(f64) { V1 = 1.0, V1Dot5 = 1.5, V2 = 2.0, }
    }

    open_number_enum! {
        /// A test integer enum.
        pub struct Level(i64) { Minus1 = -1, V0 = 0, V5 = 5, }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(default, deserialize_with = "super::nullable")]
        v: Option<Option<u8>>,
    }

    #[test]
    fn open_enums_keep_unknown_values_and_round_trip() {
        let k: Kind = serde_json::from_str("\"b\"").unwrap();
        assert_eq!(k, Kind::B);
        let o: Kind = serde_json::from_str("\"c\"").unwrap();
        assert_eq!(o, Kind::Other("c".into()));
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"c\"");
        assert_eq!(Kind::A.to_string(), "a");
        assert!(serde_json::from_str::<Kind>("1").is_err());
    }

    #[test]
    fn open_number_enums_keep_unknown_values_and_round_trip() {
        use crate::drift::{Drift, UnknownKind};
        let one: Version = serde_json::from_str("1").unwrap();
        assert_eq!(one, Version::V1);
        assert!(one.is_known() && one.unknown_data().is_empty());
        assert_eq!(serde_json::from_str::<Version>("2").unwrap(), Version::V2);
        assert_eq!(
            serde_json::from_str::<Version>("1.5").unwrap(),
            Version::V1Dot5
        );
        let three: Version = serde_json::from_str("3").unwrap();
        assert_eq!(three, Version(3.0));
        assert!(!three.is_known());
        let found = three.unknown_data();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, UnknownKind::EnumValue("3".into()));
        // Encoded as the bare number (a whole `f64` as serde_json writes it).
        assert_eq!(serde_json::to_value(three).unwrap().as_f64(), Some(3.0));
        assert_eq!(serde_json::to_string(&Version::V1Dot5).unwrap(), "1.5");
        assert_eq!(three.to_string(), "3");
        assert_eq!(Version::from(2.0), Version::V2);
        assert_eq!(f64::from(Version::V2), Version::V2.value());
        assert_eq!(Version::KNOWN, [Version::V1, Version::V1Dot5, Version::V2]);
        assert!(serde_json::from_str::<Version>("\"1\"").is_err());

        let minus: Level = serde_json::from_str("-1").unwrap();
        assert_eq!(minus, Level::Minus1);
        assert!(minus.unknown_data().is_empty());
        for known in ["-1", "0", "5"] {
            let level: Level = serde_json::from_str(known).unwrap();
            assert_eq!(serde_json::to_string(&level).unwrap(), known);
        }
        let seven: Level = serde_json::from_str("7").unwrap();
        assert_eq!(seven.value(), 7);
        assert_eq!(serde_json::to_string(&seven).unwrap(), "7");
        assert_eq!(
            seven.unknown_data()[0].kind,
            UnknownKind::EnumValue("7".into())
        );
        assert_eq!(i64::from(Level::V5), 5);
        // Integers are `Eq`, `Hash` and `Ord`.
        let set: std::collections::BTreeSet<Level> = [seven, Level::V0, seven].into();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [Level::V0, seven]);
        assert!(serde_json::from_str::<Level>("1.5").is_err());
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn open_number_enums_describe_the_listed_values() {
        let schema = serde_json::to_value(schemars::schema_for!(Version)).unwrap();
        assert_eq!(schema["type"], "number");
        assert_eq!(schema["enum"], serde_json::json!([1, 1.5, 2]));
        let schema = serde_json::to_value(schemars::schema_for!(Level)).unwrap();
        assert_eq!(schema["type"], "integer");
        assert_eq!(schema["enum"], serde_json::json!([-1, 0, 5]));
    }

    #[test]
    fn nullable_tells_absent_from_null() {
        let h = |s: &str| serde_json::from_str::<Holder>(s).unwrap().v;
        assert_eq!(h("{}"), None);
        assert_eq!(h(r#"{"v": null}"#), Some(None));
        assert_eq!(h(r#"{"v": 3}"#), Some(Some(3)));
    }
}
