//! Untrusted text (names, descriptions, ids, paths, values from a pull request) on a terminal or
//! in a comment: control characters and bidirectional-text overrides made visible, so that no
//! escape sequence (colors, hyperlinks, clearing the screen, moving the cursor), carriage return
//! or reordering of text reaches the reader's screen from the data.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal raw: C0 and C1 controls, DEL, and the bidirectional
/// embeddings, overrides, isolates and marks that reorder what is displayed.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// One value on one line: every unsafe character, newlines included, written as an escape
/// (`\n`, `\u{1b}`). Unchanged (and not copied) when there is none.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_where(s, is_unsafe)
}

/// Multi-line text (a file, a text diff, a whole report): like [`escape`], but newlines and tabs
/// stay.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && c != '\t' && is_unsafe(c))
}

fn escape_where(s: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            _ if !unsafe_char(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_become_visible() {
        assert_eq!(
            escape("a\u{1b}]8;;http://evil\u{7}b\u{1b}[2J\r\n"),
            "a\\u{1b}]8;;http://evil\\u{7}b\\u{1b}[2J\\r\\n"
        );
        assert_eq!(
            escape("x\u{202E}y\u{2066}z\u{9b}"),
            "x\\u{202e}y\\u{2066}z\\u{9b}"
        );
        assert_eq!(escape_text("a\n\tb\u{7f}"), "a\n\tb\\u{7f}");
        assert!(matches!(escape("Müller & Söhne ✓ —"), Cow::Borrowed(_)));
    }
}
