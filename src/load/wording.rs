//! How the schema diagnostics are worded: what a message may quote, the nouns, types and
//! hints (German dates, amounts given as numbers).

use serde_json::Value as Json;

use super::FileKind;
use crate::diagnostic::{Code, DocPath};
use crate::model::scalar::{Money, MoneyError, MONEY_PATTERN};

/// A diagnostic's wording, given how the value is quoted: `Some(value)` for the full message,
/// `None` for the public one that must not quote it.
pub(super) struct Wording {
    pub(super) code: Code,
    pub(super) message: fn(&Quote<'_>) -> String,
}

/// What a message may quote.
pub(super) struct Quote<'a> {
    /// The value as shown, or `None` in a public message.
    pub(super) shown: Option<&'a str>,
    /// Extra, value-free detail (expected type, limit, pattern description, …).
    pub(super) detail: &'a str,
    /// The JSON type of the value.
    pub(super) found: &'a str,
}

impl<'a> Quote<'a> {
    pub(super) fn new(shown: &'a str, found: &'a str, detail: &'a str) -> Self {
        Quote {
            shown: Some(shown),
            detail,
            found,
        }
    }
    /// The value, or "value" when it must not be quoted.
    pub(super) fn v(&self) -> &str {
        self.shown.unwrap_or("value")
    }
}

/// A schema description as the object of "expected …": dates by their form, anything else
/// lowercased and cut at its first comma or period, so that no description reads mid-sentence
/// ("expected A calendar date, written as …").
pub(super) fn expected_noun(description: &str) -> String {
    if description.starts_with("A calendar date") {
        return "a date (YYYY-MM-DD)".into();
    }
    let first = description
        .split([',', '.'])
        .next()
        .unwrap_or(description)
        .trim();
    let mut chars = first.chars();
    match (chars.next(), first.chars().nth(1)) {
        // An acronym (`VAT …`) keeps its capitals.
        (Some(_), Some(second)) if second.is_uppercase() => first.to_string(),
        (Some(c), _) => c.to_lowercase().chain(chars).collect(),
        (None, _) => "the expected format".into(),
    }
}

/// For a date written the German way (`30.11.2025`, also `30/11/2025`): the same date in the
/// form to write.
pub fn date_hint(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.trim().split(['.', '/']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let num = |t: &str, max: u32| t.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    let (d, m) = (num(d, 31)?, num(m, 12)?);
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("write dates as {y}-{m:02}-{d:02}"))
}

/// The wording of a rejected amount: negative, too precise, or not an amount at all.
pub(super) fn money_wording(s: &str) -> (Wording, Option<&'static str>) {
    match Money::parse(s) {
        Err(MoneyError::Negative) => (
            Wording {
                code: Code::NegativeAmount,
                message: |q| match q.shown {
                    Some(v) => format!("amount {v} is negative"),
                    None => "amount is negative".into(),
                },
            },
            None,
        ),
        Err(MoneyError::Precision) => (
            Wording {
                code: Code::AmountPrecision,
                message: |q| match q.shown {
                    Some(v) => format!("amount {v} has more than 2 decimal places"),
                    None => "amount has more than 2 decimal places".into(),
                },
            },
            Some("amounts are exact to the cent"),
        ),
        _ => (
            Wording {
                code: Code::BadAmount,
                message: |q| format!("{} is not an amount", q.v()),
            },
            Some("write amounts as decimal strings, e.g. \"2000.00\""),
        ),
    }
}

/// How to write a number where the schema expects a string: amounts, percentages, periods and
/// months are quoted; dates are TOML dates. `None` where a number is simply wrong.
pub(super) fn number_hint(kind: FileKind, path: &DocPath, json: &Json) -> Option<String> {
    let node = crate::schema::node_at(kind, path, json)?;
    if node.get("format").and_then(Json::as_str) == Some("date") {
        return Some("write dates as TOML dates, e.g. date = 2025-03-01".into());
    }
    let pattern = node
        .get("pattern")
        .and_then(Json::as_str)
        .unwrap_or_default();
    (pattern == MONEY_PATTERN
        || pattern == crate::model::scalar::PERCENT_PATTERN
        || pattern.starts_with("^[0-9]{4}"))
    .then(|| "amounts, percentages and periods are written as strings, e.g. \"2000.00\"".to_owned())
}

pub(super) fn tagged_hint(instance: &Json) -> Option<String> {
    instance
        .get("type")
        .map(|t| format!("check the keys allowed for type {}", display_json(t)))
}

pub(super) fn type_kind_name(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(ts) => {
            let names: Vec<String> = (*ts).into_iter().map(|t| t.to_string()).collect();
            names.join(" or ")
        }
    }
}

pub(super) fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_f64() => "float",
        Json::Number(_) => "integer",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "table",
    }
}

pub(super) fn display_json(v: &Json) -> String {
    match v {
        Json::Object(_) => "a table".into(),
        Json::Array(_) => "an array".into(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
    }
}

pub(super) fn display_options(v: &Json) -> String {
    match v {
        Json::Array(items) => items
            .iter()
            .map(display_json)
            .collect::<Vec<_>>()
            .join(", "),
        other => display_json(other),
    }
}

#[cfg(test)]
mod wording_tests {
    use super::*;

    #[test]
    fn german_dates_get_the_iso_form_and_descriptions_read_as_nouns() {
        assert_eq!(
            date_hint("30.11.2025").as_deref(),
            Some("write dates as 2025-11-30")
        );
        assert_eq!(
            date_hint("1/3/2024").as_deref(),
            Some("write dates as 2024-03-01")
        );
        assert_eq!(date_hint("31.13.2025"), None);
        assert_eq!(date_hint("2025-11-30"), None);
        assert_eq!(
            expected_noun("A calendar date, written as a TOML local date: 2025-03-01"),
            "a date (YYYY-MM-DD)"
        );
        assert_eq!(expected_noun("Lowercase id. Letters"), "lowercase id");
        assert_eq!(
            expected_noun("VAT identification number, e.g. DE123"),
            "VAT identification number"
        );
    }
}
