//! Canonical formatting of partner and program files (`partnerctl fmt`), preserving comments.
//!
//! The rules are deliberately few, so that hand-written files that already read well stay as they
//! are: the `#:schema` line first; top-level keys, and the keys of each partner section, in the
//! order of the record's fields; every array of tables grouped in one place; money amounts as
//! quoted decimals with two places; dates as TOML dates. Comments move with the key or table
//! they precede; blank lines and spacing are kept.

pub mod files;
mod order;

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::diagnostic::{line_col, LineCol};
use crate::load::FileKind;

/// A file that cannot be formatted because it is not valid TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Where the syntax error starts.
    pub at: LineCol,
    /// The parser's message.
    pub message: String,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.at.line, self.at.column, self.message)
    }
}

/// The canonical text of the file at repository path `path` (its kind and the `#:schema` line
/// depend on the path).
pub fn canonical(path: &str, kind: FileKind, text: &str) -> Result<String, FormatError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| FormatError {
            at: line_col(text, e.span().map_or(0, |s| s.start)),
            // The parser's message repeats the snippet; its first line is the message itself.
            message: e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .to_string(),
        })?;
    normalize_values(doc.as_table_mut(), kind, 0);
    order::sort_keys(doc.as_table_mut(), kind);
    order::renumber(doc.as_table_mut());
    Ok(schema_line_first(
        &doc.to_string(),
        &schema_line(path, kind),
    ))
}

/// The `#:schema` directive for a file at `path`, relative to the file (editors resolve it so).
pub fn schema_line(path: &str, kind: FileKind) -> String {
    let depth = path.matches('/').count();
    let name = match kind {
        FileKind::Partner => "partner",
        FileKind::Program => "program",
    };
    format!("#:schema {}schemas/{name}.schema.json", "../".repeat(depth))
}

/// `text` with a `#:schema` line as its first line: an existing one from the leading comment
/// block moves up (the user may point elsewhere on purpose), otherwise `default` is added.
fn schema_line_first(text: &str, default: &str) -> String {
    if text.starts_with("#:schema") {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let leading = lines
        .iter()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .count();
    let found = lines[..leading]
        .iter()
        .position(|l| l.trim_start().starts_with("#:schema"));
    let mut out = String::with_capacity(text.len() + default.len() + 1);
    match found {
        Some(i) => {
            out.push_str(lines[i].trim_start().trim_end());
            out.push('\n');
            lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .for_each(|(_, l)| out.push_str(l));
        }
        None => {
            out.push_str(default);
            out.push('\n');
            out.push_str(text);
        }
    }
    out
}

/// Keys whose values are calendar dates in partner and program files.
const DATE_KEYS: &[&str] = &[
    "date",
    "contract_start",
    "contract_end",
    "completed",
    "since",
    "expires",
    "effective_from",
];

/// Partner sections whose `amount` is money.
const MONEY_SECTIONS: &[&str] = &["revenue", "recurring_revenue", "managed_volume"];

/// Rewrite dates written as strings to TOML dates and partner amounts to two-place decimal
/// strings, everywhere below `table` (`depth` 0 is the document root).
fn normalize_values(table: &mut Table, kind: FileKind, depth: usize) {
    for (key, item) in table.iter_mut() {
        let money = depth == 0 && kind == FileKind::Partner && MONEY_SECTIONS.contains(&&*key);
        match item {
            Item::Value(v) if DATE_KEYS.contains(&key.get()) => normalize_date(v),
            Item::Table(t) => normalize_values(t, kind, depth + 1),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(|t| {
                if money {
                    if let Some(Item::Value(v)) = t.get_mut("amount") {
                        normalize_money(v);
                    }
                }
                normalize_values(t, kind, depth + 1);
            }),
            _ => {}
        }
    }
}

/// `"2025-11-30"` → `2025-11-30`; anything else stays for `check` to report.
fn normalize_date(v: &mut Value) {
    let Some(date) = v.as_str().and_then(parse_date) else {
        return;
    };
    let decor = v.decor().clone();
    *v = Value::from(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    });
    *v.decor_mut() = decor;
}

fn parse_date(s: &str) -> Option<toml_edit::Date> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    // chrono accepts unpadded fields; only the exact TOML spelling is rewritten.
    (s.len() == 10).then_some(())?;
    use chrono::Datelike;
    Some(toml_edit::Date {
        year: u16::try_from(d.year()).ok()?,
        month: u8::try_from(d.month()).ok()?,
        day: u8::try_from(d.day()).ok()?,
    })
}

/// `2000`, `2000.5`, `"2000"` → `"2000.00"`, `"2000.50"`. The number's source text is used, never
/// its float value, so nothing is rounded; amounts that are not plain non-negative decimals with at
/// most two places stay for `check` to report.
fn normalize_money(v: &mut Value) {
    let source = match v {
        Value::String(s) => s.value().clone(),
        Value::Integer(_) | Value::Float(_) => {
            let mut bare = v.clone();
            bare.decor_mut().clear();
            bare.to_string().replace('_', "")
        }
        _ => return,
    };
    let Some(text) = two_places(&source) else {
        return;
    };
    let decor = v.decor().clone();
    *v = Value::from(text);
    *v.decor_mut() = decor;
}

/// The decimal `s` with exactly two places, if `s` is digits with an optional point and at most
/// two decimals.
pub fn two_places(s: &str) -> Option<String> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    if s.ends_with('.') {
        return None;
    }
    Some(format!("{int}.{frac:0<2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_places_pads_and_rejects() {
        assert_eq!(two_places("2000").as_deref(), Some("2000.00"));
        assert_eq!(two_places("2000.5").as_deref(), Some("2000.50"));
        assert_eq!(two_places("0.05").as_deref(), Some("0.05"));
        assert_eq!(two_places("1.005"), None);
        assert_eq!(two_places("1e3"), None);
        assert_eq!(two_places("-5"), None);
        assert_eq!(two_places("5."), None);
        assert_eq!(two_places(".5"), None);
    }

    #[test]
    fn schema_line_moves_up_or_is_added() {
        let d = "#:schema ../schemas/partner.schema.json";
        assert_eq!(
            schema_line_first("# a\n#:schema x\nk = 1\n", d),
            "#:schema x\n# a\nk = 1\n"
        );
        assert_eq!(schema_line_first("k = 1\n", d), format!("{d}\nk = 1\n"));
        assert_eq!(schema_line("partners/a.toml", FileKind::Partner), d);
    }
}
