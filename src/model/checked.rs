//! Strings with the schema's length and pattern rules as types: serde accepts a value only if
//! the rule holds, so a record that deserializes also passes the schema (the load fast path
//! relies on it), and the JSON schema keywords are declared next to the check that enforces them.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Whether `s` has `min..=max` characters (JSON Schema counts characters, not bytes).
fn chars_within(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.chars().count())
}

/// `n` ASCII upper-case letters.
fn upper(s: &[u8], n: usize) -> bool {
    s.len() == n && s.iter().all(u8::is_ascii_uppercase)
}

/// Declare a checked string: the type, its check, and the schema keywords that say the same.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $expected:literal, |$s:ident| $holds:expr, { $($schema:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Whether `s` is a valid value.
            pub fn holds($s: &str) -> bool {
                $holds
            }
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                if Self::holds(&s) {
                    Ok($name(s))
                } else {
                    Err(format!("expected {}", $expected))
                }
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $name::try_from(String::deserialize(d)?).map_err(de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", $($schema)* })
            }
        }
    };
}

checked_string!(
    /// A registered legal name: 1 to 200 characters.
    LegalName,
    "1 to 200 characters",
    |s| chars_within(s, 1, 200),
    { "minLength": 1, "maxLength": 200 }
);
checked_string!(
    /// A French SIRET number: 14 digits.
    Siret,
    "14 digits",
    |s| s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()),
    { "pattern": r"^[0-9]{14}$" }
);
checked_string!(
    /// A VAT identification number: a country prefix and 2 to 13 more characters.
    VatId,
    "a VAT identification number such as DE123456789",
    |s| {
        (4..=15).contains(&s.len())
            && upper(&s.as_bytes()[..2], 2)
            && s.as_bytes()[2..]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+*.".contains(b))
    },
    { "pattern": r"^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$" }
);
checked_string!(
    /// A public display name: 1 to 120 characters.
    DisplayName,
    "1 to 120 characters",
    |s| chars_within(s, 1, 120),
    { "minLength": 1, "maxLength": 120 }
);
checked_string!(
    /// A website: http(s), no white space (ECMA `\s` includes U+FEFF), at most 300 characters.
    Website,
    "an http or https address of at most 300 characters",
    |s| {
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
        chars_within(s, 0, 300)
            && rest.is_some_and(|r| {
                !r.is_empty() && !r.chars().any(|c| c.is_whitespace() || c == '\u{feff}')
            })
    },
    { "pattern": r"^https?://[^\s]+$", "maxLength": 300 }
);
checked_string!(
    /// A logo path: at most 200 characters.
    LogoPath,
    "at most 200 characters",
    |s| chars_within(s, 0, 200),
    { "maxLength": 200 }
);
checked_string!(
    /// A short description: at most 2000 characters.
    Description,
    "at most 2000 characters",
    |s| chars_within(s, 0, 2000),
    { "maxLength": 2000 }
);
checked_string!(
    /// An ISO 3166-1 alpha-2 country code ("DE").
    CountryCode,
    "two upper-case letters",
    |s| upper(s.as_bytes(), 2),
    { "pattern": r"^[A-Z]{2}$" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_refuses_what_the_schema_refuses() {
        let ok: Result<LegalName, _> = serde_json::from_str("\"Acme GmbH\"");
        assert_eq!(ok.unwrap().as_str(), "Acme GmbH");
        assert!(serde_json::from_str::<LegalName>("\"\"").is_err());
        assert!(serde_json::from_str::<DisplayName>(&format!("\"{}\"", "é".repeat(121))).is_err());
        assert!(serde_json::from_str::<DisplayName>(&format!("\"{}\"", "é".repeat(120))).is_ok());
        assert!(serde_json::from_str::<Website>("\"https://a.example\"").is_ok());
        assert!(serde_json::from_str::<Website>("\"https://a\u{feff}b\"").is_err());
        assert!(serde_json::from_str::<Website>("\"ftp://a.example\"").is_err());
        assert!(serde_json::from_str::<VatId>("\"DE123456789\"").is_ok());
        assert!(serde_json::from_str::<VatId>("\"de123456789\"").is_err());
        assert!(serde_json::from_str::<Siret>("\"1234567890123\"").is_err());
        assert!(serde_json::from_str::<CountryCode>("\"De\"").is_err());
    }
}
