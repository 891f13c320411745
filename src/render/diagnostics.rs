//! Diagnostic renderers: human (rustc-style snippets), JSON and GitHub workflow commands.

use std::collections::BTreeMap;
use std::io::Write;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::terminal::{escape, escape_text, is_unsafe};

/// Render diagnostics like rustc: message, location, source snippet with a caret, hint.
/// `sources` maps file paths to their text.
pub fn human(
    out: &mut dyn termcolor::WriteColor,
    diags: &[Diagnostic],
    sources: &BTreeMap<String, String>,
) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut ids = BTreeMap::new();
    for d in diags {
        if !ids.contains_key(d.file.as_str()) {
            let text = sources
                .get(&d.file)
                .map_or_else(String::new, |t| mask_unsafe(t));
            ids.insert(
                d.file.as_str(),
                files.add(escape(&d.file).into_owned(), text),
            );
        }
    }
    let config = term::Config::default();
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_code(d.code)
        .with_message(escape_text(&d.message));
        let id = ids[d.file.as_str()];
        let text = sources.get(&d.file).map(String::as_str).unwrap_or("");
        match &d.span {
            Some(span) if line_too_long(text, span.start) => {
                let at = d
                    .start
                    .map_or(String::new(), |s| format!(":{}:{}", s.line, s.column));
                cs = cs.with_notes(vec![format!(
                    "at {}{at} (the line is too long to show)",
                    escape(&d.file)
                )]);
            }
            Some(span) => {
                let label = Label::primary(id, span.clone());
                cs = cs.with_labels(vec![match &d.path {
                    Some(p) => label.with_message(escape(p)),
                    None => label,
                }]);
            }
            None => cs = cs.with_notes(vec![format!("in {}", escape(&d.file))]),
        }
        if let Some(h) = &d.hint {
            cs.notes.push(format!("hint: {}", escape_text(h)));
        }
        term::emit(out, &config, &files, &cs).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The file's text for snippets with every character that must not reach a terminal raw (an
/// escape sequence inside a string value, a bidi override) replaced by `?` bytes of the same
/// length, so that the diagnostics' byte spans still point at the same places.
fn mask_unsafe(text: &str) -> String {
    if !text.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && c != '\t' && is_unsafe(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Lines longer than this are not printed in snippets (a generated or hostile file can have a
/// single line of megabytes).
const MAX_SNIPPET_LINE: usize = 400;

fn line_too_long(text: &str, offset: usize) -> bool {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    end - start > MAX_SNIPPET_LINE
}

/// One line summarizing counts: `2 errors, 1 warning in 3 files (40 files checked)`.
pub fn summary(diags: &[Diagnostic], files_checked: usize) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let files: std::collections::BTreeSet<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    if diags.is_empty() {
        format!("{} checked, all valid", plural(files_checked, "file"))
    } else {
        format!(
            "{}, {} in {} ({} checked)",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files.len(), "file"),
            plural(files_checked, "file")
        )
    }
}

/// The JSON report of `check --format json`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    /// Format version of this report.
    pub version: u32,
    /// Whether no error was found.
    pub valid: bool,
    /// Number of data files checked.
    pub files_checked: usize,
    /// Error count.
    pub errors: usize,
    /// Warning count.
    pub warnings: usize,
    /// The diagnostics, sorted by file and position.
    pub diagnostics: &'a [Diagnostic],
}

/// Render the JSON report.
pub fn json(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    files_checked: usize,
) -> std::io::Result<()> {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = JsonReport {
        version: 1,
        valid: errors == 0,
        files_checked,
        errors,
        warnings: diags.len() - errors,
        diagnostics: diags,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// Escape the message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Render GitHub Actions workflow commands so each problem lands on its line in the PR diff.
pub fn github(out: &mut dyn Write, diags: &[Diagnostic]) -> std::io::Result<()> {
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!("file={}", escape_property(&escape(&d.file)))];
        if let (Some(s), Some(e)) = (d.start, d.end) {
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.column));
            props.push(format!("endLine={}", e.line));
            props.push(format!("endColumn={}", e.column));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("partnerctl {}", d.code))
        ));
        // Each part is one line of untrusted text: no escape sequence reaches the workflow log.
        let mut msg = escape_text(&d.message).into_owned();
        if let Some(p) = &d.path {
            msg = format!("{}: {msg}", escape(p));
        }
        if let Some(h) = &d.hint {
            msg.push_str(&format!("\nhint: {}", escape_text(h)));
        }
        writeln!(out, "::{level} {}::{}", props.join(","), escape_data(&msg))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = Diagnostic::error(Code::BadEnum, "partners/a,b:c.toml", "100% wrong\nreally");
        d.start = Some(crate::diagnostic::LineCol { line: 3, column: 5 });
        d.end = Some(crate::diagnostic::LineCol { line: 3, column: 9 });
        let mut out = Vec::new();
        github(&mut out, &[d]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=partners/a%2Cb%3Ac.toml,line=3,col=5,endLine=3,endColumn=9,title=partnerctl bad-enum::100%25 wrong%0Areally\n"
        );
    }

    #[test]
    fn no_escape_sequence_from_the_data_reaches_the_terminal() {
        let text = "name = \"\u{1b}]8;;http://evil\u{7}x\u{1b}[2J\u{202e}\"\n";
        let mut d = Diagnostic::error(Code::BadValue, "partners/\u{1b}[31ma.toml", "bad \u{1b}[2J");
        d.span = Some(8..text.len() - 2);
        d.hint = Some("write \u{9b}31m".into());
        let sources = BTreeMap::from([(d.file.clone(), text.to_owned())]);
        let mut human_out = termcolor::Buffer::no_color();
        human(&mut human_out, std::slice::from_ref(&d), &sources).unwrap();
        let mut github_out = Vec::new();
        github(&mut github_out, &[d]).unwrap();
        for out in [human_out.into_inner(), github_out] {
            let out = String::from_utf8(out).unwrap();
            assert!(!out.chars().any(|c| c != '\n' && is_unsafe(c)), "{out:?}");
            assert!(
                out.contains("\\u{1b}[2J"),
                "the control is shown, not dropped: {out:?}"
            );
        }
    }
}
