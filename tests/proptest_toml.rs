//! Properties of the two ways in from bytes, run on generated inputs within the normal test
//! budget (256 cases each; set `PROPTEST_CASES` for more). The same properties run unbounded as
//! cargo-fuzz targets in `fuzz/`.
//!
//! - `fast_toml`, whenever it accepts a document, gives exactly what `toml` gives (as a
//!   `toml::Value` and as a typed `Partner`), and never panics.
//! - Loading any bytes gives a record or diagnostics, never a panic, and every diagnostic's
//!   location lies inside its file.
//!
//! Inputs come from a grammar of partner-like TOML and from byte-level edits of the bundled
//! files. Two guards check that the generators reach both answers of the fast path: a
//! differential property over inputs it always declines would hold vacuously.

mod common;

use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::{Diagnostic, LineCol};
use partnerctl::fast_toml;
use partnerctl::load::{load_partner, load_program};
use partnerctl::model::Partner;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

// ---------------------------------------------------------------------------------------------
// Inputs

/// Every bundled partner and program file, as (path, text), sorted.
fn bundled() -> &'static [(String, String)] {
    static FILES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = Vec::new();
        for dir in ["partners", "programs"] {
            for entry in std::fs::read_dir(dir).expect("bundled data") {
                let path = entry.expect("dir entry").path();
                let text = std::fs::read_to_string(&path).expect("bundled file is text");
                files.push((
                    format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()),
                    text,
                ));
            }
        }
        files.sort();
        files
    })
}

fn bundled_partners() -> Vec<&'static (String, String)> {
    bundled()
        .iter()
        .filter(|(p, _)| p.starts_with("partners/"))
        .collect()
}

/// Fragments that each break or bend one rule of TOML or of the fast path's subset.
const TOKENS: &[&str] = &[
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
    "\\u00e9",
    "\\n",
    "\u{7f}",
    "\u{0}",
    "\u{1}",
    "\u{feff}",
    "ü",
    "x",
    "1",
    "-",
    ":",
    "T",
    "Z",
    "\"\"",
    "{}",
    "[]",
    "a = \"b\"\n",
    "2025-01-31",
    "1e3",
    "inf",
    "true",
    "\"\"\"",
    "'''",
];

/// One byte-level edit; positions are fractions of the length at the time of the edit.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Replace(Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let bytes = prop_oneof![
        3 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop_oneof![
        (any::<Index>(), bytes).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<Index>(), 1usize..8).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let at = |i: &Index| i.index(bytes.len() + 1);
        match e {
            Edit::Insert(i, b) => {
                let at = at(i);
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Delete(i, n) => {
                let at = at(i).min(bytes.len());
                bytes.drain(at..(at + n).min(bytes.len()));
            }
            Edit::Replace(i, b) => {
                if !bytes.is_empty() {
                    let at = i.index(bytes.len());
                    bytes[at] = *b;
                }
            }
        }
    }
    bytes
}

/// A bundled file (by `filter`) with one to four edits: (path, bytes).
fn mutated(filter: fn(&str) -> bool) -> impl Strategy<Value = (String, Vec<u8>)> {
    let files: Vec<&'static (String, String)> =
        bundled().iter().filter(|(p, _)| filter(p)).collect();
    (
        prop::sample::select(files),
        prop::collection::vec(edit(), 1..5),
    )
        .prop_map(|((path, text), edits)| (path.clone(), apply(text.clone().into_bytes(), &edits)))
}

fn any_file(_: &str) -> bool {
    true
}

fn partner_file(path: &str) -> bool {
    path.starts_with("partners/")
}

/// A bare key, mostly the names partner files use, sometimes one outside the plain subset.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(&[
            "id", "kind", "legal_name", "program", "track", "date", "amount", "name", "types",
            "contract_start", "display_name", "a", "b", "x-y", "k_1",
        ][..]).prop_map(str::to_owned),
        1 => "[a-z0-9_-]{1,6}",
        1 => prop::sample::select(&["\"q\"", "'l'", "a.b", "\"\"", "1.2", "ü"][..])
            .prop_map(str::to_owned),
    ]
}

/// A string's contents: mostly plain, sometimes with escapes, controls or non-ASCII.
fn string_body() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 .,:/@+-]{0,12}",
        1 => "[a-z \\\\\"\\t\u{7f}\u{1}\u{e9}\u{1F600}nu0-9]{0,8}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => string_body().prop_map(|s| format!("\"{s}\"")),
        1 => string_body().prop_map(|s| format!("'{s}'")),
        1 => string_body().prop_map(|s| format!("\"\"\"{s}\"\"\"")),
        2 => prop::sample::select(&["true", "false", "tru", "True"][..]).prop_map(str::to_owned),
        2 => (1990u32..2040, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => prop::sample::select(&[
            "2025-01-01T10:00:00", "2025-01-01 10:00:00Z", "10:00:00", "1", "-0", "1.5",
            "1_000", "0x1F", "nan", "1e3",
        ][..]).prop_map(str::to_owned),
    ]
}

/// A value: scalars, arrays and inline tables nested a few levels.
fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec(inner.clone(), 0..4),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(items, trailing, newlines)| {
                    let sep = if newlines { ",\n  " } else { ", " };
                    let comma = if trailing && !items.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("[{}{comma}]", items.join(sep))
                }),
            prop::collection::vec((key(), inner), 0..3).prop_map(|pairs| {
                let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", pairs.join(", "))
            }),
        ]
    })
}

/// A table name: one or two keys.
fn dotted() -> impl Strategy<Value = String> {
    prop::collection::vec(key(), 1..3).prop_map(|k| k.join("."))
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (key(), value(), "[ \t]{0,2}", prop::option::of("# [a-z ü]{0,6}")).prop_map(
            |(k, v, pad, comment)| format!("{k}{pad}={pad}{v}{}", comment.map(|c| format!(" {c}")).unwrap_or_default())
        ),
        2 => dotted().prop_map(|p| format!("[{p}]")),
        2 => dotted().prop_map(|p| format!("[[{p}]]")),
        1 => "# [a-z \u{e9}]{0,8}",
        1 => Just(String::new()),
    ]
}

/// A partner-like TOML document, with LF or CRLF line ends.
fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..12),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, final_newline)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut doc = lines.join(end);
            if final_newline {
                doc.push_str(end);
            }
            doc
        })
}

// ---------------------------------------------------------------------------------------------
// Fast path ≡ toml

/// Fails when `fast_toml` accepted `text` differently from `toml`. Returns whether it accepted
/// (as a `toml::Value`, as a `Partner`).
fn fast_path_agrees(text: &str) -> Result<(bool, bool), TestCaseError> {
    let value = fast_toml::from_str::<toml::Value>(text);
    if let Some(fast) = &value {
        let slow = toml::from_str::<toml::Value>(text);
        prop_assert!(
            slow.is_ok(),
            "fast_toml accepted what toml rejects: {slow:?}"
        );
        prop_assert_eq!(fast, &slow.unwrap());
    }
    let partner = fast_toml::from_str::<Partner>(text);
    if let Some(fast) = &partner {
        let slow = toml::from_str::<Partner>(text);
        prop_assert!(
            slow.is_ok(),
            "fast_toml accepted what toml rejects: {slow:?}"
        );
        prop_assert_eq!(format!("{fast:?}"), format!("{:?}", slow.unwrap()));
    }
    Ok((value.is_some(), partner.is_some()))
}

proptest! {
    #[test]
    fn fast_path_agrees_with_toml_on_generated_documents(doc in document()) {
        fast_path_agrees(&doc)?;
    }

    #[test]
    fn fast_path_agrees_with_toml_on_edited_partner_files((_, bytes) in mutated(partner_file)) {
        fast_path_agrees(&String::from_utf8_lossy(&bytes))?;
    }
}

/// Share of `n` generated inputs the fast path accepts, as (value, partner).
fn acceptance<S: Strategy>(strategy: S, n: usize, text: fn(&S::Value) -> String) -> (usize, usize) {
    let mut runner = TestRunner::deterministic();
    let (mut values, mut partners) = (0, 0);
    for _ in 0..n {
        let input = strategy.new_tree(&mut runner).expect("generate").current();
        let (value, partner) = fast_path_agrees(&text(&input)).expect("agrees");
        values += usize::from(value);
        partners += usize::from(partner);
    }
    (values, partners)
}

#[test]
fn generated_documents_reach_both_answers_of_the_fast_path() {
    let (accepted, _) = acceptance(document(), 400, |d| d.clone());
    assert!((40..360).contains(&accepted), "accepted {accepted} of 400");
}

#[test]
fn edited_partner_files_reach_both_answers_of_the_fast_path() {
    let (_, accepted) = acceptance(mutated(partner_file), 400, |(_, b)| {
        String::from_utf8_lossy(b).into_owned()
    });
    assert!(
        (40..360).contains(&accepted),
        "accepted {accepted} of 400 as partners"
    );
}

// ---------------------------------------------------------------------------------------------
// Loader: bytes → record or located diagnostics

/// Fails when `d` points outside `text`: its byte span past the end, or a line or column the
/// file does not have.
fn inside(d: &Diagnostic, text: &str) -> Result<(), TestCaseError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let fits = |at: LineCol| {
        at.line >= 1
            && at.column >= 1
            && lines
                .get(at.line - 1)
                .is_some_and(|l| at.column <= l.chars().count() + 1)
    };
    if let Some(span) = &d.span {
        prop_assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
    }
    for at in [d.start, d.end].into_iter().flatten() {
        prop_assert!(fits(at), "{d:?} lies outside the {} lines", lines.len());
    }
    if let (Some(start), Some(end)) = (d.start, d.end) {
        prop_assert!(start <= end, "{d:?}");
    }
    Ok(())
}

/// Load `bytes` as `path` the way `check` does; every diagnostic must be located inside it.
fn loads_with_located_diagnostics(path: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let file = common::file(path, bytes);
    let text = String::from_utf8_lossy(bytes);
    let diagnostics = if path.starts_with("programs/") {
        load_program(&file).diagnostics
    } else {
        load_partner(&file).diagnostics
    };
    for d in &diagnostics {
        prop_assert_eq!(&d.file, path);
        inside(d, &text)?;
    }
    Ok(())
}

proptest! {
    #[test]
    fn loading_arbitrary_bytes_gives_located_diagnostics(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        program in any::<bool>(),
    ) {
        let path = if program { "programs/p.toml" } else { "partners/p.toml" };
        loads_with_located_diagnostics(path, &bytes)?;
    }

    #[test]
    fn loading_edited_bundled_files_gives_located_diagnostics((path, bytes) in mutated(any_file)) {
        loads_with_located_diagnostics(&path, &bytes)?;
    }

    /// The whole check (loading and the cross-file rules) on an edited partner next to the real
    /// program terms.
    #[test]
    fn checking_an_edited_partner_gives_located_diagnostics((path, bytes) in mutated(partner_file)) {
        let program = bundled().iter().find(|(p, _)| p == "programs/nospamproxy.toml").unwrap();
        let files = vec![common::file(&path, &bytes), common::file(&program.0, &program.1)];
        let texts = [(path.as_str(), String::from_utf8_lossy(&bytes)), (program.0.as_str(), program.1.as_str().into())];
        for d in Dataset::from_snapshot(&common::snapshot(files)).diagnostics() {
            match texts.iter().find(|(p, _)| *p == d.file) {
                Some((_, text)) => inside(&d, text)?,
                None => prop_assert!(d.start.is_none(), "located in an unknown file: {d:?}"),
            }
        }
    }
}

#[test]
fn bundled_files_are_there_to_mutate() {
    assert!(bundled_partners().len() >= 30);
    assert_eq!(bundled().len(), bundled_partners().len() + 3);
}
