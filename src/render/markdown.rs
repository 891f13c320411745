//! Escaping untrusted text (partner names, descriptions, ids from a pull request) for Markdown.

/// Escape text for a GitHub-flavoured Markdown table cell or paragraph: no raw HTML, no table
/// breaks, no emphasis or links, and `@mentions` / `#123` references that neither ping nor link.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '\n' | '\r' => out.push(' '),
            // Escapes, bells and bidi overrides from the data are shown, never passed on.
            c if super::terminal::is_unsafe(c) => {
                out.push_str(&super::terminal::escape(c.encode_utf8(&mut [0; 4])))
            }
            // With `[` and `]` escaped no link or image can form, so parentheses stay readable.
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after @ or # defeats mentions and issue links.
            '@' | '#' => {
                out.push(c);
                out.push('\u{200B}');
            }
            // Leading list or heading markers are harmless inside cells; escape `+`/`-`/`=` only at a
            // line start where they could start a list or a setext heading.
            '+' | '-' | '=' if prev.is_none() => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Inline code: file paths, field paths, revisions, shown verbatim (GitHub neither mentions nor
/// links inside code, so no zero-width space is needed). Control characters are made visible;
/// the fence is longer than any backtick run inside. `in_table`: `|` is escaped as a table cell
/// needs (GitHub unescapes it inside code there).
pub fn code_span(s: &str, in_table: bool) -> String {
    let mut content = super::terminal::escape(s).into_owned();
    if in_table {
        content = content.replace('|', "\\|");
    }
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space on each side keeps a backtick at either end from joining the fence.
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// A fenced code block whose fence is longer than any backtick run inside, so the content
/// cannot close it.
pub fn code_block(lang: &str, content: &str) -> String {
    let content = super::terminal::escape_text(content);
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!(
        "{fence}{lang}\n{}\n{fence}\n",
        content.trim_end_matches('\n')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_untrusted_text() {
        assert_eq!(
            escape("<script>alert(1)</script> | @team #12 `x` *b*"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &#124; @\u{200B}team #\u{200B}12 \\`x\\` \\*b\\*"
        );
        assert_eq!(escape("-1"), "\\-1");
        assert_eq!(escape("a-b"), "a-b");
    }

    #[test]
    fn code_spans_keep_paths_verbatim() {
        assert_eq!(
            code_span("programs/nospamproxy@2027-01-01.toml", false),
            "`programs/nospamproxy@2027-01-01.toml`"
        );
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`x", false), "`` `x ``");
        assert_eq!(code_span("a|b\n", true), "`a\\|b\\n`");
        assert_eq!(code_span("a\nb", false), "`a\\nb`");
    }

    #[test]
    fn code_fence_outgrows_backtick_runs() {
        assert_eq!(
            code_block("diff", "a ```` b"),
            "`````diff\na ```` b\n`````\n"
        );
        assert_eq!(code_block("", "plain"), "```\nplain\n```\n");
    }
}
