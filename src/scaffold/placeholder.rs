//! Placeholders left by `partnerctl new partner` and `init`: string values starting with
//! `TODO:`. `check` reports each one where it stands, so a half-filled record never passes.

use toml_edit::{Document, Item, Table, Value};

use crate::diagnostic::{Code, Diagnostic};

/// The prefix that marks a value the user still has to fill in.
pub const MARK: &str = "TODO:";

/// One `placeholder` error per `"TODO: …"` string value in `text`. Other errors that start
/// inside a placeholder (a pattern or date error caused by the placeholder itself) are noise
/// next to it; [`suppress_follow_ons`] removes them.
pub fn find(file: &str, text: &str) -> Vec<Diagnostic> {
    // Cheap test first: nearly every file has no placeholder and is not parsed again.
    if memchr::memmem::find(text.as_bytes(), MARK.as_bytes()).is_none() {
        return Vec::new();
    }
    let Ok(doc) = Document::parse(text) else {
        return Vec::new(); // the syntax error is reported by the loader
    };
    let mut out = Vec::new();
    walk_table(doc.as_table(), &mut String::new(), &mut |path, v| {
        let (Some(s), Some(span)) = (v.as_str(), v.span()) else {
            return;
        };
        if s.starts_with(MARK) {
            // The message names the key, never the text: the value may sit in a confidential
            // field and messages reach public channels (GitHub annotations).
            let d = Diagnostic::error(Code::Placeholder, file, format!("{path} is not filled in"))
                .with_hint("replace the whole \"TODO: …\" string with the real value")
                .with_span(text, span);
            out.push(d);
        }
    });
    out
}

/// Drop the diagnostics of `diags` (other than placeholders) that start inside one of the
/// placeholders' spans.
pub fn suppress_follow_ons(diags: &mut Vec<Diagnostic>, placeholders: &[Diagnostic]) {
    let inside = |d: &Diagnostic| {
        placeholders.iter().any(|p| match (&p.span, &d.span) {
            (Some(ps), Some(ds)) => ps.contains(&ds.start) || ds.start == ps.end,
            _ => false,
        })
    };
    diags.retain(|d| d.code == Code::Placeholder || !inside(d));
}

type Visit<'a> = dyn FnMut(&str, &Value) + 'a;

fn walk_table(t: &Table, path: &mut String, f: &mut Visit<'_>) {
    for (key, item) in t.iter() {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&super::partner::comment(key));
        walk_item(item, path, f);
        path.truncate(len);
    }
}

fn walk_item(item: &Item, path: &mut String, f: &mut Visit<'_>) {
    match item {
        Item::Value(v) => walk_value(v, path, f),
        Item::Table(t) => walk_table(t, path, f),
        Item::ArrayOfTables(a) => a.iter().for_each(|t| walk_table(t, path, f)),
        Item::None => {}
    }
}

fn walk_value(v: &Value, path: &mut String, f: &mut Visit<'_>) {
    match v {
        Value::Array(a) => a.iter().for_each(|v| walk_value(v, path, f)),
        Value::InlineTable(t) => t.iter().for_each(|(_, v)| walk_value(v, path, f)),
        v => f(path, v),
    }
}

/// Add the placeholder errors of every loaded file to its diagnostics.
pub fn flag(
    programs: &mut [crate::load::Loaded<crate::model::Program>],
    partners: &mut [crate::load::Loaded<crate::model::Partner>],
) {
    use rayon::prelude::*;
    fn one<T>(f: &mut crate::load::Loaded<T>) {
        let Some(text) = &f.text else { return };
        let found = find(&f.path, text);
        if !found.is_empty() {
            suppress_follow_ons(&mut f.diagnostics, &found);
            f.diagnostics.extend(found);
        }
    }
    programs.iter_mut().for_each(one);
    partners.par_iter_mut().for_each(one);
}
