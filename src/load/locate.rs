//! Locating: a document path → the byte span of its key or value in the file's text.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, DocPath, LineIndex, Seg};

pub(super) fn path_from_serde(p: &serde_path_to_error::Path) -> DocPath {
    use serde_path_to_error::Segment;
    DocPath(
        p.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect(),
    )
}

/// A file's text with its TOML tree, parsed once, and its line index: every diagnostic of the
/// file is located against these, so N diagnostics cost one parse plus O(N log size).
pub struct Locator<'t> {
    pub(super) text: &'t str,
    pub(super) doc: Option<Spanned<DeTable<'t>>>,
    pub(super) lines: LineIndex,
}

impl<'t> Locator<'t> {
    /// Parse `text` for locating; a text that does not parse locates nothing.
    pub fn new(text: &'t str) -> Self {
        Locator {
            text,
            doc: DeTable::parse(text).ok(),
            lines: LineIndex::new(text),
        }
    }

    /// Attach `span` (bytes of the text) to a diagnostic.
    pub fn at(&self, d: Diagnostic, span: Range<usize>) -> Diagnostic {
        d.with_span_in(&self.lines, self.text, span)
    }

    /// Attach the span of `path` (its key when `at_key`, else its value) to a diagnostic.
    pub fn locate(&self, d: Diagnostic, path: &DocPath, at_key: bool) -> Diagnostic {
        match self.span_of(path, at_key) {
            Some(span) => self.at(d, span),
            None => d,
        }
    }

    /// The byte span of the value (or, with `at_key`, the key) at `path`. Falls back to the
    /// nearest ancestor that exists.
    pub fn span_of(&self, path: &DocPath, at_key: bool) -> Option<Range<usize>> {
        let text = self.text;
        let root = self.doc.as_ref()?.get_ref();
        let mut segs = path.0.iter();
        let Some(first) = segs.next() else {
            return Some(0..text.lines().next().map_or(0, str::len));
        };
        // The root table has no key; walk its entries by hand.
        let Seg::Key(k) = first else { return None };
        let (key, value) = root.get_key_value(k.as_str())?;
        let mut best = Some(if at_key && path.0.len() == 1 {
            key.span()
        } else {
            value.span()
        });
        let mut node: &DeValue<'_> = value.get_ref();
        let mut last_key = key.span();
        for (i, seg) in segs.enumerate() {
            let is_last = i + 2 == path.0.len();
            let next = match (node, seg) {
                (DeValue::Table(t), Seg::Key(k)) => t.get_key_value(k.as_str()).map(|(kk, v)| {
                    last_key = kk.span();
                    v
                }),
                (DeValue::Array(a), Seg::Key(k)) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
                (DeValue::Array(a), Seg::Index(i)) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else { break };
            let key_wanted = at_key && is_last && matches!(seg, Seg::Key(_));
            best = Some(if key_wanted && matches!(node, DeValue::Table(_)) {
                last_key.clone()
            } else {
                next.span()
            });
            node = next.get_ref();
        }
        // Tables declared with a header span their whole body; point at the header line instead.
        best.map(|r| trim_to_first_line(text, r))
    }
}

/// Attach the span of `path` (its key when `at_key`, else its value) to a diagnostic. Parses
/// `text`: for many diagnostics of one file, use one [`Locator`].
pub fn locate(d: Diagnostic, text: &str, path: &DocPath, at_key: bool) -> Diagnostic {
    Locator::new(text).locate(d, path, at_key)
}

/// The byte span of the value (or, with `at_key`, the key) at `path` in `text`.
pub fn span_of(text: &str, path: &DocPath, at_key: bool) -> Option<Range<usize>> {
    Locator::new(text).span_of(path, at_key)
}

pub(super) fn trim_to_first_line(text: &str, r: Range<usize>) -> Range<usize> {
    let slice = &text[r.start.min(text.len())..r.end.min(text.len())];
    match slice.find('\n') {
        Some(nl) => r.start..r.start + slice[..nl].trim_end().len(),
        None => r,
    }
}
