//! TOML text → spanned tree and JSON (for the schema), with syntax errors located and
//! TOML datetimes marked for the typed deserializer.

use std::ops::Range;

use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::wording::date_hint;
use super::{integer_range, Locator, MAX_DEPTH};
use crate::diagnostic::{Code, Diagnostic, LineIndex};

/// Parse TOML into JSON for schema validation. Returns syntax problems instead when it cannot.
pub fn parse_to_json(path: &str, text: &str) -> (Option<Json>, Vec<Diagnostic>) {
    match parse(path, text) {
        Ok((_, json)) => (Some(json), Vec::new()),
        Err(diags) => (None, diags),
    }
}

/// Parse TOML once into its spanned tree (kept for locating) and JSON.
pub(super) fn parse<'t>(path: &str, text: &'t str) -> Result<(Locator<'t>, Json), Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let lines = LineIndex::new(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or_else(|| deepest_line(text));
                let d = Diagnostic::error(Code::TomlSyntax, path, first_line(e.message()));
                let d = match syntax_date_hint(text, span.clone()) {
                    Some(h) => d.with_hint(h),
                    None => d,
                };
                d.with_span_in(&lines, text, span)
            })
            .collect();
        return Err(diags);
    }
    let loc = Locator {
        text,
        doc: Some(doc),
        lines,
    };
    let mut diags = Vec::new();
    let json = table_to_json(
        loc.doc.as_ref().map(Spanned::get_ref),
        1,
        path,
        &loc,
        &mut diags,
    );
    if diags.is_empty() {
        Ok((loc, json))
    } else {
        Err(diags)
    }
}

/// The date hint for a syntax error on a line whose value is an unquoted `30.11.2025`.
pub(super) fn syntax_date_hint(text: &str, span: Range<usize>) -> Option<String> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(span.start..)?
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    let (_, value) = text.get(start..end)?.split_once('=')?;
    // Syntax errors have no document path, so whether the value is confidential is unknown: the
    // hint does not repeat it.
    date_hint(value.split('#').next().unwrap_or_default())
        .map(|_| "write dates as YYYY-MM-DD, unquoted (2025-11-30 for 30.11.2025)".to_string())
}

/// For a parser error without a position (its recursion limit on dotted keys): the line with
/// the deepest nesting, counted as dots and brackets before any `=`.
pub(super) fn deepest_line(text: &str) -> Range<usize> {
    let mut best = (0, 0..0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let head = line.split('=').next().unwrap_or(line);
        let depth = head.matches(['.', '[', '{']).count() + line.matches(['[', '{']).count();
        if depth > best.0 {
            best = (depth, offset..offset + line.trim_end().len());
        }
        offset += line.len();
    }
    best.1
}

pub(super) fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_owned()
}

pub(super) fn table_to_json(
    t: Option<&DeTable<'_>>,
    depth: usize,
    path: &str,
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    let mut map = serde_json::Map::new();
    for (k, v) in t.into_iter().flat_map(|t| t.iter()) {
        map.insert(
            k.get_ref().to_string(),
            value_to_json(v, depth + 1, path, loc, diags),
        );
    }
    Json::Object(map)
}

pub(super) fn value_to_json(
    v: &Spanned<DeValue<'_>>,
    depth: usize,
    path: &str,
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    if depth > MAX_DEPTH {
        if diags.is_empty() {
            diags.push(
                loc.at(
                    Diagnostic::error(
                        Code::TooDeep,
                        path,
                        format!("tables or arrays nested more than {MAX_DEPTH} levels deep"),
                    )
                    .with_hint("partner and program files never need this much nesting"),
                    v.span(),
                ),
            );
        }
        return Json::Null;
    }
    match v.get_ref() {
        DeValue::String(s) => Json::String(s.to_string()),
        // `as_str` is the digits without prefix and underscores, in `radix`.
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Json::from(n),
            Err(_) => {
                diags.push(loc.at(integer_range(path), v.span()));
                Json::Null
            }
        },
        DeValue::Float(f) => {
            let n: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
            serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
        }
        DeValue::Boolean(b) => Json::Bool(*b),
        DeValue::Datetime(d) => Json::String(d.to_string()),
        DeValue::Array(a) => Json::Array(
            a.iter()
                .map(|x| value_to_json(x, depth + 1, path, loc, diags))
                .collect(),
        ),
        DeValue::Table(t) => table_to_json(Some(t), depth, path, loc, diags),
    }
}

/// The key `toml` itself uses to hand a datetime to serde as a one-entry map.
pub(super) const DATETIME_MARKER: &str = "$__toml_private_datetime";

/// Give the typed deserializer TOML's datetimes as TOML gives them (a marked one-entry map), so a
/// `Date` tells `signed = 2025-11-30` from the string `signed = "2025-11-30"`. The schema saw both
/// as strings (that is how editors see TOML dates too), so this runs after it. Bounded by the
/// depth check of the conversion.
pub(super) fn mark_datetimes_in_table(json: &mut Json, t: &DeTable<'_>) {
    let Json::Object(map) = json else { return };
    for (k, v) in t.iter() {
        if let Some(j) = map.get_mut(k.get_ref().as_ref()) {
            mark_datetimes(j, v.get_ref());
        }
    }
}

pub(super) fn mark_datetimes(json: &mut Json, v: &DeValue<'_>) {
    match (v, &mut *json) {
        (DeValue::Datetime(_), Json::String(s)) => {
            let text = std::mem::take(s);
            *json = serde_json::json!({ DATETIME_MARKER: text });
        }
        (DeValue::Array(a), Json::Array(items)) => {
            for (x, j) in a.iter().zip(items.iter_mut()) {
                mark_datetimes(j, x.get_ref());
            }
        }
        (DeValue::Table(t), _) => mark_datetimes_in_table(json, t),
        _ => {}
    }
}
