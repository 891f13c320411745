//! The logo sanitiser under hostile input: generated SVG-ish documents (proptest) never make it
//! panic, and whatever it writes passes the independent allowlist check and is a fixed point;
//! inputs too large for fixture files (deep nesting, many nodes, huge files) are generated here.

use proptest::prelude::*;

use partnerctl::site::logo::{rebuild_logo, MAX_LOGO_BYTES};
use partnerctl::site::svg::{sanitize_svg, verify_rebuilt, MAX_NODES};

const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "rect",
    "path",
    "text",
    "tspan",
    "title",
    "use",
    "defs",
    "linearGradient",
    "stop",
    "metadata",
    "script",
    "style",
    "a",
    "image",
    "foreignObject",
    "set",
    "animate",
    "filter",
    "h:form",
    "h:meta",
    "h:img",
    "x:y",
    "xsl:template",
    "öl",
];

const ATTRS: &[&str] = &[
    "fill",
    "stroke",
    "style",
    "id",
    "href",
    "l:href",
    "transform",
    "d",
    "width",
    "onload",
    "OnClick",
    "x:label",
    "h:action",
    "class",
    "ö",
    "日本",
    "font-family",
    "aria-label",
    "mask",
];

const VALUES: &[&str] = &[
    "fill:red;stroke:url(#b)",
    "#fff",
    "url(#a)",
    "url(https://x.example/a)",
    "u\\72l(x)",
    "@\\69mport 'x'",
    "image-set('x' 1x)",
    "javascript:alert(1)",
    "#a",
    "a",
    "rgb(1,2,3)",
    "background:url(x)",
    "translate(1 2)",
    "alert(document.domain)",
    "'Open Sans', Arial",
    "\"q\"",
    "&amp;&lt;",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "0 0 10 10",
    "",
];

const TEXTS: &[&str] = &[
    "AB",
    "&amp;",
    "&lt;script&gt;",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!-- c -->",
    "<?xml-stylesheet href=\"x\"?>",
    "&#x3c;script&#x3e;",
    " ",
];

/// Inputs from the allowlist's side: drawing elements, attributes that are kept or dropped
/// (unknown, editor and non-ASCII names), values without CSS tricks. These must always rebuild.
const BENIGN_ELEMENTS: &[&str] = &[
    "g",
    "rect",
    "path",
    "text",
    "tspan",
    "title",
    "defs",
    "linearGradient",
    "stop",
    "clipPath",
    "metadata",
    "x:y",
];
const BENIGN_ATTRS: &[&str] = &[
    "fill",
    "stroke",
    "transform",
    "d",
    "width",
    "font-family",
    "aria-label",
    "mask",
    "class",
    "x:label",
    "ö",
    "日本",
    "data-x",
    "style",
    "opacity",
    "l:title",
];
const BENIGN_VALUES: &[&str] = &[
    "#fff",
    "url(#a)",
    "rgb(1,2,3)",
    "translate(1 2) scale(2)",
    "'Open Sans', Arial",
    "0 0 10 10",
    "",
    "a",
    "1.5e-3",
    "none",
];
const BENIGN_STYLES: &[&str] = &[
    "fill:red;stroke:url(#b)",
    "opacity: 0.5; cursor: pointer",
    "#fff",
    "",
];
const BENIGN_TEXTS: &[&str] = &[
    "AB",
    "&amp;",
    "&lt;script&gt;",
    "<![CDATA[<b>]]>",
    "<!-- c -->",
    " ",
    "ü",
];

/// Up to `max` attributes with distinct names.
fn attrs(
    names: &'static [&'static str],
    values: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    prop::sample::subsequence(names, 0..max).prop_flat_map(move |picked| {
        picked
            .into_iter()
            .map(|k| {
                // Style declarations are only benign in `style`.
                let pool = match k {
                    "style" if values == BENIGN_VALUES => BENIGN_STYLES,
                    _ => values,
                };
                prop::sample::select(pool).prop_map(move |v| {
                    format!(" {k}=\"{}\"", v.replace('"', "&quot;").replace('<', "&lt;"))
                })
            })
            .collect::<Vec<_>>()
            .prop_map(|v| v.concat())
    })
}

/// Nested elements built from the given parts.
fn tree(
    elements: &'static [&'static str],
    names: &'static [&'static str],
    values: &'static [&'static str],
    texts: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(texts).prop_map(str::to_owned);
    leaf.prop_recursive(5, 48, 4, move |inner| {
        (
            prop::sample::select(elements),
            attrs(names, values, 4),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(name, attrs, children)| {
                format!("<{name}{attrs}>{}</{name}>", children.concat())
            })
    })
}

const NAMESPACES: &str = " xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns:l=\"http://www.w3.org/1999/xlink\" xmlns:x=\"urn:x\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"";

fn benign_document() -> impl Strategy<Value = String> {
    prop::collection::vec(tree(BENIGN_ELEMENTS, BENIGN_ATTRS, BENIGN_VALUES, BENIGN_TEXTS), 0..4)
        .prop_map(|body| format!("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"{NAMESPACES}>{}</svg>", body.concat()))
}

/// A document: optional prolog junk, an `svg` root declaring the namespaces the parts use.
fn document() -> impl Strategy<Value = String> {
    let prolog = prop::sample::select(
        &[
            "",
            "<?xml version=\"1.0\"?>\n",
            "<?xml-stylesheet type=\"text/xsl\" href=\"#x\"?>",
            "<!DOCTYPE svg [<!ENTITY x \"<script>alert(1)</script>\">]>",
            "\u{feff}",
        ][..],
    );
    let ns = prop::sample::select(
        &[
            "http://www.w3.org/2000/svg",
            "http://www.w3.org/1999/xhtml",
            "urn:x",
        ][..],
    );
    let body = prop::collection::vec(tree(ELEMENTS, ATTRS, VALUES, TEXTS), 0..4);
    (prolog, ns, attrs(ATTRS, VALUES, 3), body).prop_map(|(prolog, ns, attrs, body)| {
        format!(
            "{prolog}<svg xmlns=\"{ns}\"{NAMESPACES}{attrs}>{}</svg>",
            body.concat()
        )
    })
}

/// The property every input must satisfy.
fn holds(input: &str) {
    if let Ok(out) = sanitize_svg(input) {
        verify_rebuilt(&out).unwrap_or_else(|e| panic!("{e}\ninput: {input}\noutput: {out}"));
        assert_eq!(
            sanitize_svg(&out).as_ref(),
            Ok(&out),
            "not a fixed point: {input}"
        );
        // Text and aria-label may say anything, escaped; markup can only be what was written.
        let lower = out.to_ascii_lowercase();
        for needle in [
            "<script",
            "<style",
            "<foreignobject",
            "<a ",
            "<image",
            "<!",
            "<?",
            "<h:",
            "<x:",
        ] {
            assert!(
                !lower.contains(needle),
                "{needle:?} in {out}\ninput: {input}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_rebuild_into_the_allowlist(doc in document()) {
        holds(&doc);
    }

    #[test]
    fn allowlisted_documents_always_rebuild(doc in benign_document()) {
        prop_assert!(sanitize_svg(&doc).is_ok(), "{doc}: {:?}", sanitize_svg(&doc));
        holds(&doc);
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,300}") {
        holds(&s);
        holds(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{s}</svg>"));
    }

    #[test]
    fn arbitrary_attribute_values_never_panic(v in "\\PC{0,60}") {
        let attr = v.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
        holds(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect fill=\"{attr}\" style=\"fill:{attr}\" id=\"{attr}\" href=\"{attr}\"/></svg>"
        ));
        holds(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect fill=\"rgb{attr}(1)\" stroke=\"{attr}url(#a)\"/></svg>"
        ));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), png in any::<bool>()) {
        let mut input = if png { b"\x89PNG\r\n\x1a\n".to_vec() } else { Vec::new() };
        input.extend(bytes);
        let _ = rebuild_logo(&input);
    }
}

#[test]
fn hostile_deep_nesting_is_refused_not_recursed() {
    let depth = 100_000;
    let doc = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
        "<g>".repeat(depth),
        "</g>".repeat(depth)
    );
    let err = sanitize_svg(&doc).unwrap_err();
    assert!(err.contains("more than 20000 XML nodes"), "{err}");
    let doc = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
        "<g>".repeat(65),
        "</g>".repeat(65)
    );
    assert_eq!(
        sanitize_svg(&doc).unwrap_err(),
        "the SVG nests elements more than 64 levels deep"
    );
}

#[test]
fn hostile_many_nodes_and_attributes() {
    let many = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
        "<rect/>".repeat(MAX_NODES as usize)
    );
    assert!(sanitize_svg(&many).unwrap_err().contains("XML nodes"));
    let attrs: String = (0..5000).map(|i| format!(" data-a{i}=\"{i}\"")).collect();
    let out = sanitize_svg(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"{attrs}/>"
    ))
    .unwrap();
    assert_eq!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n");
}

#[test]
fn hostile_oversized_logo_is_refused_before_parsing() {
    let big = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
        " ".repeat(MAX_LOGO_BYTES as usize)
    );
    let err = rebuild_logo(big.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        format!(
            "the file is {} bytes; logos may be at most 524288 bytes",
            big.len()
        )
    );
}

#[path = "browser/fixture.rs"]
mod fixture;

#[test]
fn hostile_300_mb_logo_is_refused_by_size_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    fixture::write_fixture(dir.path());
    let huge = std::fs::File::create(dir.path().join("assets/logos/acme.svg")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap();
    let out = std::process::Command::new(fixture::partnerctl())
        .args(["check", "--format", "github", "--repo"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = fixture::partners()
        .into_iter()
        .find(|(id, _)| *id == "acme")
        .map(|(_, text)| text.lines().position(|l| l.starts_with("logo = ")).unwrap() + 1)
        .unwrap();
    // The value's span: from its opening quote (column 8) to just past its closing quote.
    let end = 8 + "\"assets/logos/acme.svg\"".len();
    assert!(
        stdout.contains(&format!(
            "::error file=partners/acme.toml,line={line},col=8,endLine={line},endColumn={end},title=partnerctl logo-refused::profile.logo: logo \"assets/logos/acme.svg\": the file is 314572800 bytes; at most 524288 bytes are allowed"
        )),
        "{stdout}"
    );
}
