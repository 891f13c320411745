//! Diagnostics: every problem found in the data, located to file, line and column.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

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
    pub code: &'static str,
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
}

impl Diagnostic {
    /// An error in `file` with no location yet.
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
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
        }
    }
    /// A warning in `file`.
    pub fn warning(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
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
    /// Attach a document path.
    pub fn with_path(mut self, path: &DocPath) -> Self {
        if !path.0.is_empty() {
            self.path = Some(path.to_string());
        }
        self
    }
    /// Attach a byte span within `text`, computing line and column.
    pub fn with_span(mut self, text: &str, span: Range<usize>) -> Self {
        self.start = Some(line_col(text, span.start));
        self.end = Some(line_col(text, span.end.max(span.start)));
        self.span = Some(span);
        self
    }
    /// Sort key: file, position, code, message.
    pub fn sort_key(&self) -> (&str, Option<LineCol>, &str, &str) {
        (&self.file, self.start, self.code, &self.message)
    }
}

/// Sort diagnostics into their stable output order and drop exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}
