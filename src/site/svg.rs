//! SVG logos rebuilt by construction: the input is parsed (no DTD, no processing instructions) and
//! a new document is written from an allowlist of SVG elements and attributes. Nothing is copied
//! from the input except allowlisted attribute values and text, re-escaped. Whatever a browser
//! does with the output, there is no script, no stylesheet, no event handler and no reference
//! outside the file in it.

use std::fmt::Write as _;

use roxmltree::{Document, Node, NodeType, ParsingOptions};

/// The SVG namespace; the only one written.
pub const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
/// Namespaces whose content is refused outright rather than dropped, so that the author learns
/// the logo carried markup meant to run or navigate.
const REFUSED_NS: [(&str, &str); 2] = [
    ("http://www.w3.org/1999/xhtml", "XHTML"),
    ("http://www.w3.org/1999/XSL/Transform", "XSLT"),
];

/// Deeper nesting is refused: the writer recurses once per level.
pub const MAX_DEPTH: usize = 64;
/// More XML nodes are refused (roxmltree stops parsing there).
pub const MAX_NODES: u32 = 20_000;

/// Elements written back. Everything here is inert drawing; links (`a`), embedded images,
/// filters, animation, `style`, `script` and `foreignObject` are not.
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
];

/// SVG elements dropped silently with their content: editor metadata, harmless but useless.
const DROPPED: &[&str] = &["metadata"];

/// Elements whose text content is kept.
const TEXT_ELEMENTS: &[&str] = &["text", "tspan", "title", "desc"];

/// Attributes written back, with presentation values checked by [`safe_value`].
const ATTRS: &[&str] = &[
    "viewBox",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "fr",
    "d",
    "points",
    "pathLength",
    "transform",
    "preserveAspectRatio",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "opacity",
    "color",
    "display",
    "visibility",
    "clip-path",
    "clip-rule",
    "mask",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "font-variant",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "baseline-shift",
    "letter-spacing",
    "word-spacing",
    "text-decoration",
    "dx",
    "dy",
    "rotate",
    "textLength",
    "lengthAdjust",
    "paint-order",
    "vector-effect",
    "shape-rendering",
    "text-rendering",
    "mix-blend-mode",
    "isolation",
];

/// Attributes holding free text for people (escaped, never interpreted).
const TEXT_ATTRS: &[&str] = &["aria-label", "role", "lang"];

/// The only functions a value may call; `url()` only as `url(#id)`.
const FUNCTIONS: &[&str] = &[
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "url",
    "matrix",
    "translate",
    "scale",
    "rotate",
    "skewX",
    "skewY",
];

/// Rebuild an SVG logo from the allowlist, or say why it is refused.
pub fn sanitize_svg(text: &str) -> Result<String, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = parse(text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || !is_svg_ns(root) {
        return Err(
            "not a PNG, JPEG or SVG image (the XML root is not an SVG <svg> element)".into(),
        );
    }
    let mut out = String::with_capacity(text.len());
    write_element(&mut out, root, "svg", 0)?;
    out.push('\n');
    Ok(out)
}

/// Parse with DTDs refused (no entities, no default attributes) and refuse processing
/// instructions (`<?xml-stylesheet?>` would apply XSLT or CSS when the file is opened).
fn parse(text: &str) -> Result<Document<'_>, String> {
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            let (row, col) = text.find("<!DOCTYPE").map_or((1, 1), |i| row_col(text, i));
            format!("the SVG has a document type declaration (<!DOCTYPE …>) at {row}:{col}; logos may not declare a DTD or entities")
        }
        roxmltree::Error::NodesLimitReached => {
            format!("the SVG has more than {MAX_NODES} XML nodes")
        }
        e => format!("not a PNG, JPEG or SVG image (SVG parse error: {e})"),
    })?;
    if let Some(pi) = doc.descendants().find(|n| n.is_pi()) {
        let pos = doc.text_pos_at(pi.range().start);
        return Err(format!(
            "the SVG has a processing instruction at {}:{}; logos may not use <?…?> instructions such as xml-stylesheet",
            pos.row, pos.col
        ));
    }
    Ok(doc)
}

/// 1-based line and column (in characters) of byte `offset`.
fn row_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

fn is_svg_ns(node: Node<'_, '_>) -> bool {
    matches!(node.tag_name().namespace(), None | Some(SVG_NS))
}

/// An element or attribute name for messages: shortened and debug-escaped, since it comes from
/// the file. Values are never quoted back (they may be URLs or script meant for the reader).
fn shown(name: &str) -> String {
    let short: String = name.chars().take(40).collect();
    format!("{short:?}")
}

/// What to do with an element: write it under its allowlisted name, or drop it.
enum Verdict {
    Write(&'static str),
    Drop,
}

fn element_verdict(node: Node<'_, '_>) -> Result<Verdict, String> {
    let name = node.tag_name().name();
    if let Some(ns) = node.tag_name().namespace().filter(|ns| *ns != SVG_NS) {
        if let Some((_, what)) = REFUSED_NS.iter().find(|(n, _)| *n == ns) {
            return Err(format!(
                "the SVG contains {what} markup (<{}>); logos may only use SVG drawing elements",
                shown(name)
            ));
        }
        // Editor namespaces (Inkscape, Sodipodi, RDF): dropped, never copied.
        return Ok(Verdict::Drop);
    }
    if let Some(known) = ELEMENTS.iter().find(|e| **e == name) {
        Ok(Verdict::Write(known))
    } else if DROPPED.contains(&name) {
        Ok(Verdict::Drop)
    } else {
        Err(format!(
            "the SVG contains <{}>; logos may only use these elements: {}",
            shown(name),
            ELEMENTS.join(", ")
        ))
    }
}

/// Write `node` as `name` (from the allowlist, never the input's bytes) with its allowlisted
/// attributes and children.
fn write_element(
    out: &mut String,
    node: Node<'_, '_>,
    name: &'static str,
    depth: usize,
) -> Result<(), String> {
    if depth >= MAX_DEPTH {
        return Err(format!(
            "the SVG nests elements more than {MAX_DEPTH} levels deep"
        ));
    }
    out.push('<');
    out.push_str(name);
    if depth == 0 {
        let _ = write!(out, " xmlns=\"{SVG_NS}\"");
    }
    for (k, v) in attributes(node)? {
        let _ = write!(out, " {k}=\"{}\"", escape(&v));
    }
    out.push('>');
    let keep_text = TEXT_ELEMENTS.contains(&name);
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => match element_verdict(child)? {
                Verdict::Write(child_name) => write_element(out, child, child_name, depth + 1)?,
                Verdict::Drop => {}
            },
            NodeType::Text if keep_text => out.push_str(&escape(child.text().unwrap_or(""))),
            _ => {}
        }
    }
    let _ = write!(out, "</{name}>");
    Ok(())
}

/// The allowlisted attributes of `node` in document order, `style` declarations turned into
/// attributes (overriding), or the reason the element is refused.
fn attributes<'a>(node: Node<'a, '_>) -> Result<Vec<(&'a str, String)>, String> {
    let mut kept: Vec<(&'a str, String)> = Vec::new();
    let set = |kept: &mut Vec<(&'a str, String)>, k: &'a str, v: String| match kept
        .iter_mut()
        .find(|(name, _)| *name == k)
    {
        Some(slot) => slot.1 = v,
        None => kept.push((k, v)),
    };
    let mut style = None;
    for a in node.attributes() {
        let name = a.name();
        if name
            .as_bytes()
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"on"))
        {
            return Err(format!(
                "the SVG has an event handler attribute ({}); logos may not run script",
                shown(name)
            ));
        }
        match a.namespace() {
            Some(XLINK_NS) if name == "href" => set(&mut kept, "href", checked_href(a.value())?),
            Some(_) => {}
            None if name == "href" => set(&mut kept, "href", checked_href(a.value())?),
            None if name == "style" => style = Some(a.value()),
            None if name == "id" => set(&mut kept, "id", checked_id(a.value())?.to_owned()),
            None => {
                if let Some(k) = ATTRS.iter().find(|k| **k == name) {
                    set(&mut kept, k, checked_value(name, a.value())?.to_owned());
                } else if let Some(k) = TEXT_ATTRS.iter().find(|k| **k == name) {
                    set(&mut kept, k, plain_text(a.value()));
                }
            }
        }
    }
    if let Some(css) = style {
        for (prop, value) in declarations(css)? {
            if let Some(k) = ATTRS.iter().find(|k| **k == prop) {
                set(&mut kept, k, value.to_owned());
            }
        }
    }
    Ok(kept)
}

/// The declarations of a `style` attribute. CSS escapes and `@` are refused anywhere in it, and
/// every value must pass [`safe_value`] whether or not its property is kept; text without a
/// `:` declares nothing and is dropped, as browsers do.
fn declarations(css: &str) -> Result<Vec<(&str, &str)>, String> {
    if css.contains(['\\', '@']) {
        return Err("the SVG has a style attribute with CSS escapes or at-rules".into());
    }
    css.split(';')
        .filter_map(|decl| decl.split_once(':'))
        .map(|(prop, value)| {
            let prop = prop.trim();
            Ok((prop, checked_value(prop, value)?))
        })
        .collect()
}

fn checked_value<'v>(name: &str, value: &'v str) -> Result<&'v str, String> {
    if safe_value(value) {
        Ok(value.trim())
    } else {
        Err(format!(
            "the SVG attribute {} has a value with CSS escapes, quotes, `@` or functions other than {} and url(#id)",
            shown(name),
            FUNCTIONS.iter().filter(|f| **f != "url").copied().collect::<Vec<_>>().join(", ")
        ))
    }
}

/// A presentation value: letters, digits, spaces and `#.,%+-_'!`, calling only [`FUNCTIONS`],
/// with `url()` only as `url(#id)`. No backslash (CSS escapes), no `@`, no `:`, no `/`, no `"`.
pub fn safe_value(value: &str) -> bool {
    let mut rest = value;
    while let Some(open) = rest.find('(') {
        let (before, after) = rest.split_at(open);
        // The name right before `(`: split on characters, never on byte offsets.
        let func = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .next()
            .unwrap_or("");
        if !plain_chars(before) || !FUNCTIONS.contains(&func) {
            return false;
        }
        let Some(close) = after.find(')') else {
            return false;
        };
        let args = &after[1..close];
        let ok = if func == "url" {
            args.strip_prefix('#').is_some_and(is_id)
        } else {
            plain_chars(args)
        };
        if !ok {
            return false;
        }
        rest = &after[close + 1..];
    }
    plain_chars(rest)
}

fn plain_chars(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '\t' | '\n' | '\r' | '#' | '.' | ',' | '%' | '+' | '-' | '_' | '\'' | '!'
            )
    })
}

/// An element id as written in the output: ASCII letters, digits, `-`, `_`, `.`.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn checked_id(v: &str) -> Result<&str, String> {
    if is_id(v.trim()) {
        Ok(v.trim())
    } else {
        Err("the SVG has an id that is not plain letters, digits, `-`, `_` or `.`".into())
    }
}

/// Links may only point inside the logo (`#id`).
fn checked_href(v: &str) -> Result<String, String> {
    match v.trim().strip_prefix('#') {
        Some(id) if is_id(id) => Ok(format!("#{id}")),
        _ => Err(
            "the SVG links outside itself; logos may only reference their own elements (#id)"
                .into(),
        ),
    }
}

/// Free text with control characters removed.
fn plain_text(v: &str) -> String {
    v.chars().filter(|c| !c.is_control()).collect()
}

/// Escape text for an XML attribute value or text node.
///
/// Not [`crate::markup::escape`] on purpose: a logo's text and attribute values keep their line
/// breaks and tabs (markup's escaper treats every control character alike), and `'` needs no
/// entity since attribute values are written in double quotes. Sharing it would change the
/// rebuilt logos.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Check that `text` is the kind of SVG [`sanitize_svg`] writes: only allowlisted SVG elements
/// and attributes, values that pass [`safe_value`], `href` only `#id`, no comments, processing
/// instructions or DTD, text only in text elements. Independent of the writer, for tests and
/// fuzzing: every output of `sanitize_svg` must pass it.
pub fn verify_rebuilt(text: &str) -> Result<(), String> {
    let doc = parse(text)?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err("root is not <svg>".into());
    }
    for node in doc.root().descendants().skip(1) {
        match node.node_type() {
            NodeType::Element => verify_element(node)?,
            NodeType::Text => {
                let parent = node.parent_element().map(|p| p.tag_name().name());
                if !parent.is_some_and(|p| TEXT_ELEMENTS.contains(&p)) {
                    return Err(format!("text outside a text element in {parent:?}"));
                }
            }
            other => return Err(format!("unexpected node {other:?}")),
        }
    }
    Ok(())
}

fn verify_element(node: Node<'_, '_>) -> Result<(), String> {
    let name = node.tag_name().name();
    if node.tag_name().namespace() != Some(SVG_NS) || !ELEMENTS.contains(&name) {
        return Err(format!("element {:?} not allowed", node.tag_name()));
    }
    const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
    if node
        .namespaces()
        .any(|ns| ns.uri() != SVG_NS && ns.uri() != XML_NS)
    {
        return Err(format!("a namespace other than SVG on <{name}>"));
    }
    for a in node.attributes() {
        let (n, v) = (a.name(), a.value());
        let ok = a.namespace().is_none()
            && match n {
                "href" => v.strip_prefix('#').is_some_and(is_id),
                "id" => is_id(v),
                _ if TEXT_ATTRS.contains(&n) => true,
                _ => ATTRS.contains(&n) && safe_value(v),
            };
        if !ok {
            return Err(format!("attribute {n:?}={v:?} not allowed on <{name}>"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">"#;

    fn svg(body: &str) -> String {
        format!("{HEAD}{body}</svg>")
    }

    #[test]
    fn a_plain_logo_is_rebuilt_with_its_drawing() {
        let out = sanitize_svg(&svg(
            r##"<title>A &amp; B</title><!-- c --><rect id="r" width="10" height="10" fill="url(#g)" style="stroke: rgb(1, 2, 3); cursor: pointer"/><use href="#r"/><text font-family="'Open Sans', Arial">AB</text>"##,
        ))
        .unwrap();
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>A &amp; B</title><rect id=\"r\" width=\"10\" height=\"10\" fill=\"url(#g)\" stroke=\"rgb(1, 2, 3)\"></rect><use href=\"#r\"></use><text font-family=\"'Open Sans', Arial\">AB</text></svg>\n"
        );
        verify_rebuilt(&out).unwrap();
        assert_eq!(sanitize_svg(&out).unwrap(), out, "rebuilding is idempotent");
    }

    #[test]
    fn editor_metadata_is_dropped_not_copied() {
        let out = sanitize_svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3" class="c" data-x="1"><metadata><x>CANARY</x></metadata><inkscape:thing>CANARY</inkscape:thing><g inkscape:label="CANARY"><path d="M0 0L1 1z"/></g>CANARY</svg>"#,
        )
        .unwrap();
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><path d=\"M0 0L1 1z\"></path></g></svg>\n"
        );
    }

    #[test]
    fn active_content_is_refused_with_a_reason() {
        let cases: &[(&str, &str)] = &[
            (r#"<script>alert(1)</script>"#, "<\"script\">"),
            (r#"<style>rect{fill:red}</style>"#, "<\"style\">"),
            (r#"<foreignObject/>"#, "<\"foreignObject\">"),
            (r#"<a href="javascript:alert(1)"><rect/></a>"#, "<\"a\">"),
            (r#"<image href="https://x.example/a.png"/>"#, "<\"image\">"),
            (r#"<set attributeName="x" to="1"/>"#, "<\"set\">"),
            (r#"<rect onclick="alert(1)"/>"#, "event handler"),
            (r#"<rect ONLOAD="alert(1)"/>"#, "event handler"),
            (
                r#"<use href="https://x.example/s.svg#a"/>"#,
                "links outside itself",
            ),
            (
                r#"<use xmlns:l="http://www.w3.org/1999/xlink" l:href="data:image/svg+xml,x"/>"#,
                "links outside itself",
            ),
            (
                r#"<rect fill="url(https://x.example/a)"/>"#,
                "attribute \"fill\"",
            ),
            (
                r#"<rect style="fill: u\72l(https://x.example/a)"/>"#,
                "CSS escapes or at-rules",
            ),
            (
                r#"<rect style="background: image-set('https://x.example/a' 1x)"/>"#,
                "attribute \"background\"",
            ),
            (
                r#"<rect style="@\69mport 'x'"/>"#,
                "CSS escapes or at-rules",
            ),
            (
                r#"<h:meta xmlns:h="http://www.w3.org/1999/xhtml" http-equiv="refresh" content="0;url=https://x.example/"/>"#,
                "XHTML markup",
            ),
            (
                r#"<form xmlns="http://www.w3.org/1999/xhtml" action="javascript:alert(1)"/>"#,
                "XHTML markup",
            ),
            (
                r#"<xsl:template xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>"#,
                "XSLT markup",
            ),
        ];
        for (body, why) in cases {
            let err = sanitize_svg(&svg(body)).unwrap_err();
            assert!(err.contains(why), "{body}: {err}");
        }
    }

    #[test]
    fn dtds_and_processing_instructions_are_refused() {
        let dtd = r#"<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert!(sanitize_svg(dtd)
            .unwrap_err()
            .contains("document type declaration"));
        let entity = r#"<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;alert(1)&#60;/script&#62;">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        assert!(sanitize_svg(entity)
            .unwrap_err()
            .contains("document type declaration"));
        let xslt = "<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"#x\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(
            sanitize_svg(xslt).unwrap_err(),
            "the SVG has a processing instruction at 2:1; logos may not use <?…?> instructions such as xml-stylesheet"
        );
    }

    #[test]
    fn odd_names_and_roots_do_not_panic() {
        let out = sanitize_svg(&svg(r#"<rect ö="1" ön="2" 日本="3"/>"#)).unwrap();
        assert!(out.contains("<rect></rect>"), "{out}");
        assert!(sanitize_svg("<html><svg/></html>")
            .unwrap_err()
            .contains("root"));
        assert!(sanitize_svg("<svg xmlns=\"urn:x\"/>")
            .unwrap_err()
            .contains("root"));
        assert!(sanitize_svg("not xml").unwrap_err().contains("parse error"));
        let deep = format!("{HEAD}{}{}</svg>", "<g>".repeat(70), "</g>".repeat(70));
        assert!(sanitize_svg(&deep).unwrap_err().contains("64 levels"));
    }

    #[test]
    fn values_are_checked_by_function() {
        for ok in [
            "#fff",
            "rgb(1,2,3)",
            "url(#a)",
            "translate(1 2) scale(2)",
            "'Open Sans', sans-serif",
            "none",
            "1.5e-3",
        ] {
            assert!(safe_value(ok), "{ok}");
        }
        // Found by the fuzz target: a multi-byte character right before the function name.
        assert!(!safe_value("Amage-s\u{feff}etversion('h (x)"));
        assert!(safe_value("ü rgb(1,2,3)"));
        for bad in [
            "url(x)",
            "url(#a\\)",
            "expression(alert(1))",
            "image-set(x)",
            "a\\72",
            "@import",
            "a:b",
            "\"q\"",
            "url(#a",
            "var(--x)",
        ] {
            assert!(!safe_value(bad), "{bad}");
        }
    }
}
