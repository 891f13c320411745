//! `fast_toml` may decline any document, but whatever it accepts must deserialize to exactly what
//! `toml::from_str` gives. These tests hold it to that on every bundled partner file, on
//! documents written to probe each rule of the subset, and on thousands of mutations of the
//! bundled files; they also check that it does accept the plain files it exists for.

mod common;

use partnerctl::fast_toml;
use partnerctl::load::load_partner;
use partnerctl::model::Partner;

/// What `fast_toml` made of `text`, if it accepted it, after checking that `toml` agrees.
/// Compared both as a `Partner` and as a generic `toml::Value`, which keeps every key and value.
fn agrees_with_toml(text: &str) -> (Option<Partner>, Option<toml::Value>) {
    let partner = fast_toml::from_str::<Partner>(text);
    if let Some(fast) = &partner {
        let slow = toml::from_str::<Partner>(text)
            .unwrap_or_else(|e| panic!("fast_toml accepted what toml rejects ({e}):\n{text}"));
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "for:\n{text}");
    }
    let value = fast_toml::from_str::<toml::Value>(text);
    if let Some(fast) = &value {
        let slow = toml::from_str::<toml::Value>(text)
            .unwrap_or_else(|e| panic!("fast_toml accepted what toml rejects ({e}):\n{text}"));
        assert_eq!(fast, &slow, "for:\n{text}");
    }
    (partner, value)
}

fn bundled_partners() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir("partners")
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn takes_every_bundled_partner_file_and_agrees_with_toml() {
    let files = bundled_partners();
    assert!(files.len() >= 30);
    for (path, text) in &files {
        let (partner, value) = agrees_with_toml(text);
        assert!(partner.is_some(), "{path} left the fast path");
        assert!(value.is_some(), "{path} left the fast path as a value");
    }
}

#[test]
fn takes_the_plain_subset_in_all_its_forms() {
    let doc = "# comment ü\r\n\
               a = \"x y\" # trailing ü\n\
               b = true\n\
               c = [ \"1\",\n  # inside\n  \"2\", ]\n\
               d = { e = 2025-01-31, f = [false], g = {} }\n\
               h = []\n\
               [t . u]\n\
               v = \"ä\\t\"\n\
               [[arr]]\n\
               [arr.sub]\n\
               w = \"1\"\n\
               [[arr]]\n\
               [[arr.list]]\n\
               [[arr.list]]\n\
               x = \"2\"";
    let doc = doc.replace("\\t", "\t");
    let (_, value) = agrees_with_toml(&doc);
    let value = value.expect("plain TOML is taken");
    assert_eq!(value["c"].as_array().unwrap().len(), 2);
    assert_eq!(value["t"]["u"]["v"].as_str(), Some("ä\t"));
    assert_eq!(value["arr"][1]["list"][1]["x"].as_str(), Some("2"));
    assert_eq!(value["d"]["e"].to_string(), "2025-01-31");
}

#[test]
fn declines_what_it_does_not_vouch_for_and_loading_still_works() {
    let base = common::partner("acme");
    let declined = [
        // Valid TOML outside the subset: `toml` must still load these.
        (
            "legal_name = \"Acme GmbH\"",
            "legal_name = \"Acme \\u0047mbH\"",
        ),
        ("legal_name = \"Acme GmbH\"", "legal_name = 'Acme GmbH'"),
        (
            "legal_name = \"Acme GmbH\"",
            "legal_name = \"\"\"Acme GmbH\"\"\"",
        ),
        (
            "legal_name = \"Acme GmbH\"",
            "\"legal_name\" = \"Acme GmbH\"",
        ),
        ("[profile]\n", "[profile]\nnothing.here = \"x\"\n"),
        ("[profile]\n", "[\"profile\"]\n"),
    ];
    for (i, (from, to)) in declined.iter().enumerate() {
        let text = common::edit(&base, from, to);
        let (partner, _) = agrees_with_toml(&text);
        assert!(partner.is_none(), "case {i} should be declined:\n{text}");
        let loaded = load_partner(&common::file("partners/acme.toml", &text));
        // The dotted key is an unknown field; everything else is a valid partner.
        assert_eq!(loaded.record.is_some(), i != 4, "case {i}");
    }
    let invalid = [
        "a = \"x\"\na = \"y\"",
        "[a]\n[a]",
        "a = {}\n[a.b]",
        "a = []\n[[a]]",
        "[a]\nb = \"1\"\n[a.b]",
        "[[a]]\n[a]",
        "a = \"x\" b = \"y\"",
        "a = truex",
        "a = 2025-02-30",
        "a = 2025-01-01 10:00:00",
        "a = 2025-01-01T10:00:00",
        "a = 1",
        "a = \"x\ry\"",
        "a = \"x\u{7f}\"",
        "# bad \u{1} comment\na = \"x\"",
        "a = \"x\"\r",
        "a = { b = \"1\", }",
        "a = { b = \"1\",\n c = \"2\" }",
        "a = [\"x\" \"y\"]",
        "[[a]\n",
        "\u{feff}a = \"x\"",
    ];
    let deep_header = format!("[{}]", vec!["a"; 17].join("."));
    let deep_array = format!("a = {}{}", "[".repeat(17), "]".repeat(17));
    for text in [&deep_header, &deep_array] {
        assert!(fast_toml::from_str::<toml::Value>(text).is_none());
        assert!(toml::from_str::<toml::Value>(text).is_ok());
    }
    for text in invalid {
        let (partner, value) = agrees_with_toml(text);
        assert!(
            partner.is_none() && value.is_none(),
            "should be declined:\n{text}"
        );
    }
}

/// Inserted at many places of every bundled file: each breaks or bends some rule.
const INSERTS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    ".",
    "\n",
    "\r",
    "\r\n",
    "#",
    ",",
    "{",
    "}",
    " ",
    "\t",
    "\\",
    "\u{7f}",
    "\u{1}",
    "ü",
    "x",
    "1",
    "-",
    ":",
    "T",
    "\"\"",
    "{}",
    "[]",
    "a = \"b\"\n",
];

#[test]
fn agrees_with_toml_on_thousands_of_mutations() {
    let mut accepted = 0;
    let mut declined = 0;
    let mut count = |text: &str| {
        if agrees_with_toml(text).1.is_some() {
            accepted += 1;
        } else {
            declined += 1;
        }
    };
    for (n, (_, text)) in bundled_partners().iter().enumerate() {
        let lines: Vec<&str> = text.lines().collect();
        // Line edits: drop, repeat, or move a line up.
        for i in (n % 3..lines.len()).step_by(3) {
            let mut dropped = lines.clone();
            dropped.remove(i);
            count(&dropped.join("\n"));
            let mut repeated = lines.clone();
            repeated.insert(i, lines[i]);
            count(&repeated.join("\n"));
            if i > 0 {
                let mut moved = lines.clone();
                moved.swap(i - 1, i);
                count(&moved.join("\n"));
            }
        }
        // Byte edits at char boundaries spread over the file.
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (k, &at) in boundaries.iter().enumerate().skip(n).step_by(23) {
            let insert = INSERTS[k % INSERTS.len()];
            count(&format!("{}{insert}{}", &text[..at], &text[at..]));
            let end = boundaries.get(k + 1).copied().unwrap_or(text.len());
            count(&format!("{}{}", &text[..at], &text[end..]));
        }
    }
    // Both outcomes are exercised in earnest.
    assert!(accepted > 5000, "accepted {accepted}");
    assert!(declined > 2000, "declined {declined}");
}
