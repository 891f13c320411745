//! Diagnostics: every problem found in the data, located to file, line and column.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

pub mod codes;
pub use codes::Code;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Invalid data: `check` exits 1.
    Error,
    /// Suspicious but valid.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A path into a document, e.g. `revenue[2].amount`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocPath(pub Vec<Seg>);

impl DocPath {
    /// The empty path (the whole document).
    pub fn root() -> Self {
        DocPath(Vec::new())
    }
    /// This path plus a key.
    pub fn key(&self, k: impl Into<String>) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.into()));
        DocPath(v)
    }
    /// This path plus an index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        DocPath(v)
    }
    /// The table keys along the path, without array indices.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
    }
    /// Parse a JSON pointer (`/revenue/2/amount`) against the document it points into: a segment
    /// indexes an array only where the document has an array (keys may look numeric).
    pub fn from_pointer(p: &str, doc: &serde_json::Value) -> Self {
        let mut node = Some(doc);
        let mut segs = Vec::new();
        for raw in p.split('/').skip(1) {
            let key = raw.replace("~1", "/").replace("~0", "~");
            match node {
                Some(serde_json::Value::Array(a)) => match key.parse::<usize>() {
                    Ok(i) => {
                        node = a.get(i);
                        segs.push(Seg::Index(i));
                    }
                    Err(_) => {
                        node = None;
                        segs.push(Seg::Key(key));
                    }
                },
                Some(serde_json::Value::Object(m)) => {
                    node = m.get(&key);
                    segs.push(Seg::Key(key));
                }
                _ => {
                    node = None;
                    segs.push(Seg::Key(key));
                }
            }
        }
        DocPath(segs)
    }
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    match (bare, i) {
                        (true, 0) => write!(f, "{k}")?,
                        (true, _) => write!(f, ".{k}")?,
                        (false, 0) => write!(f, "{k:?}")?,
                        (false, _) => write!(f, ".{k:?}")?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// A line and column, both 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineCol {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// The start of every line of a text, so that many offsets convert to lines and columns in
/// O(log lines) each instead of a scan from the start of the file each.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex { starts }
    }
    /// The line and column of `offset` in the indexed `text`; same result as [`line_col`].
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut cut = offset.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= cut);
        let start = self.starts[line - 1];
        LineCol {
            line,
            column: text[start..cut].chars().count() + 1,
        }
    }
}

/// Convert a byte offset into a line and column.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// A located problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `unknown-key`.
    pub code: Code,
    /// Severity.
    pub severity: Severity,
    /// File, relative to the repository root with `/` separators.
    pub file: String,
    /// Start of the offending text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<LineCol>,
    /// End of the offending text (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<LineCol>,
    /// Byte range of the offending text.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    /// Path of the offending value inside the document, e.g. `revenue[2].amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// One-line message.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Whether the problem sits on a confidential field of a partner record; public outputs then
    /// show [`Diagnostic::redacted`] instead.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub confidential: bool,
    /// The message without any quoted value, for public outputs; `None` when the message cannot
    /// be told without the value. Boxed: diagnostics travel inside enums sized by them.
    #[serde(skip)]
    pub public_message: Option<Box<String>>,
}

/// What public outputs say about a problem on a confidential field whose message was not written
/// to be public.
pub const HIDDEN_MESSAGE: &str =
    "invalid value in a confidential field (details hidden; run `partnerctl check` locally)";

impl Diagnostic {
    /// An error in `file` with no location yet.
    pub fn error(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.into(),
            start: None,
            end: None,
            span: None,
            path: None,
            message: message.into(),
            hint: None,
            confidential: false,
            public_message: None,
        }
    }
    /// A warning in `file`.
    pub fn warning(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(code, file, message)
        }
    }
    /// Attach a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Attach a document path; in a partner file this also decides whether the problem is on a
    /// confidential field ([`crate::model::partner::is_confidential`]).
    pub fn with_path(mut self, path: &DocPath) -> Self {
        if !path.0.is_empty() {
            self.path = Some(path.to_string());
        }
        let partner =
            crate::model::FileKind::of_path(&self.file) == Some(crate::model::FileKind::Partner);
        self.confidential = partner && crate::model::partner::is_confidential(path.keys());
        self
    }
    /// Attach the message public outputs show when the problem is on a confidential field: it
    /// must not quote the value.
    pub fn with_public_message(mut self, message: impl Into<String>) -> Self {
        self.public_message = Some(Box::new(message.into()));
        self
    }
    /// The diagnostic as public outputs show it: on a confidential field, the public message (or
    /// [`HIDDEN_MESSAGE`]) replaces the message, and a hint not written with it is dropped.
    pub fn redacted(mut self) -> Self {
        if self.confidential {
            match self.public_message.take() {
                Some(m) => self.message = *m,
                None => {
                    self.message = HIDDEN_MESSAGE.into();
                    self.hint = None;
                }
            }
        }
        self
    }
    /// Attach a byte span within `text`, computing line and column.
    pub fn with_span(self, text: &str, span: Range<usize>) -> Self {
        self.with_span_in(&LineIndex::new(text), text, span)
    }
    /// As [`Diagnostic::with_span`], with the lines of `text` already indexed.
    pub fn with_span_in(mut self, lines: &LineIndex, text: &str, span: Range<usize>) -> Self {
        self.start = Some(lines.line_col(text, span.start));
        self.end = Some(lines.line_col(text, span.end.max(span.start)));
        self.span = Some(span);
        self
    }
    /// Sort key: file, position, code, message.
    pub fn sort_key(&self) -> (&str, Option<LineCol>, &str, &str) {
        (&self.file, self.start, self.code.as_str(), &self.message)
    }
}

/// At most this many diagnostics are reported per file; the rest are counted in one more.
pub const MAX_PER_FILE: usize = 100;

/// Keep the first [`MAX_PER_FILE`] diagnostics of one file (in output order) and say how many
/// more there were, so a hostile file cannot flood the output.
pub fn cap_per_file(diags: &mut Vec<Diagnostic>) {
    if diags.len() <= MAX_PER_FILE {
        return;
    }
    sort(diags);
    let more = diags.len().saturating_sub(MAX_PER_FILE);
    if more == 0 {
        return;
    }
    let file = diags[0].file.clone();
    diags.truncate(MAX_PER_FILE);
    let message =
        format!("and {more} more problems in this file (only the first {MAX_PER_FILE} are shown)");
    let mut last = Diagnostic::error(Code::TooManyProblems, file, message)
        .with_hint("fix the problems above and check again");
    // At the end of the last one shown, so that it sorts after all of them.
    last.start = diags.last().and_then(|d| d.end.or(d.start));
    last.end = last.start;
    diags.push(last);
}

/// [`cap_per_file`] for the diagnostics of many files, sorted by file (as [`sort`] leaves them).
/// Outputs cap once, at the end: loading and the cross-file rules both add to a file's list.
pub fn cap_each_file(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if diags.len() <= MAX_PER_FILE {
        return diags;
    }
    diags
        .chunk_by(|a, b| a.file == b.file)
        .flat_map(|file| {
            let mut file = file.to_vec();
            cap_per_file(&mut file);
            file
        })
        .collect()
}

/// Sort diagnostics into their stable output order and drop exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a = 1\n\nbé = \"ü\"\r\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "{offset}"
            );
        }
        // `b`, `é` (two bytes), space, `=` precede byte 12.
        assert_eq!(index.line_col(text, 12), LineCol { line: 3, column: 5 });
    }
}
