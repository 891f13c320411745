//! Escaping text for XML and HTML attribute values and text nodes: one definition for the badges
//! and the embed snippets of the directory.

/// `s` with `& < > " '` as entities and control characters (not allowed in XML 1.0) replaced by
/// `control` (`None`: dropped).
pub fn escape(s: &str, control: Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.extend(control),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_controls_are_escaped() {
        let s = "a<b>&\"c'\u{7}d";
        assert_eq!(escape(s, None), "a&lt;b&gt;&amp;&quot;c&#39;d");
        assert_eq!(escape(s, Some(' ')), "a&lt;b&gt;&amp;&quot;c&#39; d");
    }
}
