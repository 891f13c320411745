//! Scalar value types shared by partner records and program terms.
//!
//! Each type parses strictly from the JSON form of a TOML value and carries its own JSON Schema, so
//! that the schema an editor sees and the checks `partnerctl` runs can never disagree.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Regex every money string must match: non-negative, at most two decimal places, no exponent.
pub const MONEY_PATTERN: &str = r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$";
/// Regex for percentages: 0 to 100 with at most two decimal places.
pub const PERCENT_PATTERN: &str = r"^(100(\.0{1,2})?|[1-9]?[0-9](\.[0-9]{1,2})?)$";
/// Regex for identifiers (partner ids, program ids, tier ids, …).
pub const ID_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";
/// Regex for ISO 4217 currency codes.
pub const CURRENCY_PATTERN: &str = r"^[A-Z]{3}$";
const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
const MONTH_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])$";
const PERIOD_PATTERN: &str = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$";

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident, $pattern:expr, $what:expr, $valid:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The identifier as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let valid: fn(&str) -> bool = $valid;
                if valid(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(format!("{s:?} is not a valid {}", $what))
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern, "description": $what })
            }
        }
    };
}

string_newtype!(
    /// An identifier: letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters.
    Id,
    ID_PATTERN,
    "identifier (letters, digits, '-' and '_', at most 64 characters)",
    |s| {
        s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }
);
string_newtype!(
    /// An ISO 4217 currency code such as `EUR` or `CHF`.
    Currency,
    CURRENCY_PATTERN,
    "ISO 4217 currency code such as \"EUR\"",
    |s| s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase())
);

/// An exact, non-negative amount of money with at most two decimal places, written as a string
/// (`"2000.00"`) so that no float ever touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub Decimal);

impl Money {
    /// Parse a money string exactly; rejects exponents, signs, floats' artefacts and more than two
    /// decimal places.
    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        // Mirrors MONEY_PATTERN exactly (the fast load path relies on it), while still telling
        // a negative or over-precise amount apart from a malformed one.
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
            return Err(MoneyError::Format);
        }
        let d = Decimal::from_str_exact(body).map_err(|_| MoneyError::Format)?;
        if negative {
            return Err(if d.is_zero() {
                MoneyError::Format
            } else {
                MoneyError::Negative
            });
        }
        if frac.is_some_and(|f| f.len() > 2) {
            return Err(MoneyError::Precision);
        }
        if int.len() > 15 || (int.len() > 1 && int.starts_with('0')) {
            return Err(MoneyError::Format);
        }
        Ok(Money(d))
    }
}

/// Whether `s` is one or more ASCII digits.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why a money string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a plain decimal number.
    Format,
    /// Below zero.
    Negative,
    /// More than two decimal places.
    Precision,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Format => "amount must be a decimal string such as \"2000.00\"",
            MoneyError::Negative => "amount must not be negative",
            MoneyError::Precision => "amount has more than 2 decimal places",
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_amount(self.0))
    }
}

/// Format an amount with two decimals and thousands separators: `20,000.00`.
pub fn format_amount(d: Decimal) -> String {
    let rounded = d.round_dp(2);
    let s = format!("{:.2}", rounded.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:.2}", self.0))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(de::Error::custom)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": "An exact amount as a string with at most two decimal places, e.g. \"2000.00\". Never a TOML float.",
            "examples": ["2000.00", "175"]
        })
    }
}

/// A percentage from 0 to 100 with at most two decimals, written as a string: `"25"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(pub Decimal);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

impl Percent {
    /// Parse `"25"` or `"12.5"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let d = Decimal::from_str_exact(s).map_err(|_| format!("{s:?} is not a percentage"))?;
        if d.is_sign_negative()
            || d > Decimal::ONE_HUNDRED
            || d.scale() > 2
            || s.contains(['e', 'E'])
        {
            return Err(format!(
                "{s:?} is not a percentage from 0 to 100 with at most 2 decimals"
            ));
        }
        Ok(Percent(d))
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Percent::parse(&s).map_err(de::Error::custom)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": PERCENT_PATTERN,
            "description": "A percentage from 0 to 100 as a string, e.g. \"25\"."
        })
    }
}

/// A calendar date, written as a TOML local date (`2025-03-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Build from year, month, day; `None` when impossible.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }
    /// The date `months` calendar months later, clamped to the month's last day.
    pub fn add_months(self, months: i32) -> Self {
        let d = if months >= 0 {
            self.0
                .checked_add_months(chrono::Months::new(months as u32))
        } else {
            self.0
                .checked_sub_months(chrono::Months::new(months.unsigned_abs()))
        };
        Date(d.unwrap_or(self.0))
    }
    /// The date `days` days later (or earlier when negative).
    pub fn add_days(self, days: i64) -> Self {
        // `TimeDelta::days` panics beyond ±2^63 ms; data can ask for anything.
        Date(
            chrono::TimeDelta::try_days(days)
                .and_then(|d| self.0.checked_add_signed(d))
                .unwrap_or(self.0),
        )
    }
    /// Calendar year.
    pub fn year(self) -> i32 {
        self.0.year()
    }
    /// Month 1–12.
    pub fn month(self) -> u32 {
        self.0.month()
    }
    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        // DATE_PATTERN first: chrono alone would accept a sign or a short year.
        let shaped = s.len() == 10
            && s.as_bytes()[4] == b'-'
            && s.as_bytes()[7] == b'-'
            && all_digits(&s[..4])
            && all_digits(&s[5..7])
            && all_digits(&s[8..]);
        // Shaped, the fields are plain digits: no need for chrono's format-string parser, which
        // was a noticeable part of checking 10,000 imported rows.
        let field = |r: std::ops::Range<usize>| s.get(r).and_then(|f| f.parse::<u32>().ok());
        shaped
            .then(|| field(0..4).zip(field(5..7)).zip(field(8..10)))
            .flatten()
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d))
            .map(Date)
            .ok_or_else(|| format!("{s:?} is not a valid date (YYYY-MM-DD)"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

/// What a quoted date is told. It never quotes the value: the date may be confidential (a
/// training, an approval).
pub const QUOTED_DATE: &str =
    "a date in quotes is text: write dates as TOML dates, e.g. date = 2025-11-30, without quotes";

/// Accepts only a TOML datetime value (as `toml` and [`crate::fast_toml`] hand it over, and as
/// `load` marks it in its JSON tree). A string is refused even when it reads as a date: the
/// files are TOML, and a quoted date is a typing mistake like any other wrong type.
struct DateVisitor;

impl<'de> de::Visitor<'de> for DateVisitor {
    type Value = Date;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Date, E> {
        Err(E::custom(QUOTED_DATE))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
        let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
        match (dt.date, dt.time, dt.offset) {
            // A TOML local date always has a four-digit year, so only the day needs checking.
            (Some(d), None, None) => Date::from_ymd(d.year.into(), d.month.into(), d.day.into())
                .ok_or_else(|| {
                    de::Error::custom(format!(
                        "{:?} is not a valid date (YYYY-MM-DD)",
                        dt.to_string()
                    ))
                }),
            _ => Err(de::Error::custom(format!(
                "{:?} is not a valid date (YYYY-MM-DD)",
                dt.to_string()
            ))),
        }
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "A calendar date, written as a TOML local date: 2025-03-01."
        })
    }
}

/// A calendar month, `"2025-12"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Month {
    /// First day of the month.
    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year, self.month, 1).expect("validated month")
    }
    /// Last day of the month.
    pub fn last_day(self) -> Date {
        self.first_day().add_months(1).add_days(-1)
    }
    /// The month containing `d`.
    pub fn of(d: Date) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("{s:?} is not a month (YYYY-MM)");
        let (y, m) = s.split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 || !all_digits(y) || !all_digits(m) {
            return Err(err());
        }
        let year = y.parse().map_err(|_| err())?;
        let month = m.parse().map_err(|_| err())?;
        if !(1..=12).contains(&month) {
            return Err(err());
        }
        Ok(Month { year, month })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for Month {
    fn schema_name() -> Cow<'static, str> {
        "Month".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": MONTH_PATTERN, "description": "A calendar month, \"2025-12\"." })
    }
}

/// A booking period: a year (`"2025"`), a quarter (`"2025-Q2"`) or a month (`"2025-03"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// First day, inclusive.
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("{s:?} is not a period (\"2025\", \"2025-Q2\" or \"2025-03\")");
        if !s.is_ascii() || !all_digits(&s[..4.min(s.len())]) {
            return Err(err());
        }
        if s.len() == 4 {
            let y: i32 = s.parse().map_err(|_| err())?;
            let start = Date::from_ymd(y, 1, 1).ok_or_else(err)?;
            return Ok(Period {
                start,
                end: start.add_months(12).add_days(-1),
            });
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let y: i32 = y.parse().map_err(|_| err())?;
            let q: u32 = q.parse().map_err(|_| err())?;
            if s.len() != 7 || !(1..=4).contains(&q) {
                return Err(err());
            }
            let start = Date::from_ymd(y, 3 * (q - 1) + 1, 1).ok_or_else(err)?;
            return Ok(Period {
                start,
                end: start.add_months(3).add_days(-1),
            });
        }
        let m: Month = s.parse().map_err(|_| err())?;
        Ok(Period {
            start: m.first_day(),
            end: m.last_day(),
        })
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}..{}", self.start, self.end))
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for Period {
    fn schema_name() -> Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": PERIOD_PATTERN,
            "description": "A booking period: a year \"2025\", a quarter \"2025-Q2\" or a month \"2025-03\"."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_strict() {
        assert_eq!(Money::parse("2000.00").unwrap().0, Decimal::new(200000, 2));
        assert_eq!(Money::parse("175").unwrap().0, Decimal::new(175, 0));
        assert_eq!(Money::parse("-1.00"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("1.001"), Err(MoneyError::Precision));
        assert_eq!(Money::parse("1e3"), Err(MoneyError::Format));
        assert_eq!(Money::parse("abc"), Err(MoneyError::Format));
        // Exactly MONEY_PATTERN: no leading zeros, signs, bare points or 16-digit integers.
        for bad in [
            "01",
            "-0",
            "+1",
            ".5",
            "1.",
            "1234567890123456",
            " 1",
            "1_000",
        ] {
            assert_eq!(Money::parse(bad), Err(MoneyError::Format), "{bad}");
        }
        assert!(Money::parse("123456789012345.99").is_ok());
        assert_eq!(Money::parse("-1.001"), Err(MoneyError::Negative));
    }

    #[test]
    fn amounts_format_with_grouping() {
        assert_eq!(format_amount(Decimal::new(2000000, 2)), "20,000.00");
        assert_eq!(format_amount(Decimal::new(99, 0)), "99.00");
        assert_eq!(format_amount(Decimal::new(-123456789, 2)), "-1,234,567.89");
    }

    #[test]
    fn periods_cover_their_days() {
        let q: Period = "2025-Q2".parse().unwrap();
        assert_eq!(
            (q.start.to_string(), q.end.to_string()),
            ("2025-04-01".into(), "2025-06-30".into())
        );
        let y: Period = "2024".parse().unwrap();
        assert_eq!(y.end.to_string(), "2024-12-31");
        let m: Period = "2024-02".parse().unwrap();
        assert_eq!(m.end.to_string(), "2024-02-29");
        assert!("2024-13".parse::<Period>().is_err());
    }

    #[test]
    fn date_arithmetic_beyond_the_calendar_keeps_the_date() {
        let d = Date::from_ymd(2025, 1, 31).unwrap();
        assert_eq!(d.add_days(i64::MAX), d);
        assert_eq!(d.add_days(i64::MIN), d);
        assert_eq!(d.add_months(i32::MAX), d);
        assert_eq!(d.add_days(1), Date::from_ymd(2025, 2, 1).unwrap());
    }

    #[test]
    fn dates_parse_as_chronos_own_format_parser_would() {
        for y in [0, 1, 1900, 2000, 2023, 2024, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y:04}-{m:02}-{d:02}");
                    let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().map(Date);
                    assert_eq!(s.parse::<Date>().ok(), chrono, "{s}");
                }
            }
        }
        assert_eq!(
            "2024-02-29".parse::<Date>().ok(),
            Date::from_ymd(2024, 2, 29)
        );
        assert!("2025-02-29".parse::<Date>().is_err());
    }

    #[test]
    fn dates_reject_impossible_days() {
        assert!("2025-02-30".parse::<Date>().is_err());
        for bad in ["+999-01-01", "2025-1-011", "2025-01-1 ", "２０２５-01-01"] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("+202-01".parse::<Month>().is_err());
        assert!("2025-+1".parse::<Month>().is_err());
        assert!("+202".parse::<Period>().is_err());
        assert!("2025-Q02".parse::<Period>().is_err());
        assert_eq!(
            Date::from_ymd(2024, 2, 29)
                .unwrap()
                .add_months(12)
                .to_string(),
            "2025-02-28"
        );
    }
}
