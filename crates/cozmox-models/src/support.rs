//! Hand-written helpers the generated models expand or call: the
//! `open_string_enum!` macro (a string enum that keeps values it does not
//! know) and the decoding of optional fields that may be `null`.
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
/// the enum's `From<&str>`.
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
    fn nullable_tells_absent_from_null() {
        let h = |s: &str| serde_json::from_str::<Holder>(s).unwrap().v;
        assert_eq!(h("{}"), None);
        assert_eq!(h(r#"{"v": null}"#), Some(None));
        assert_eq!(h(r#"{"v": 3}"#), Some(Some(3)));
    }
}
