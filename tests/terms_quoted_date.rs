//! Issue #12, point 9: a quoted date (`date = "2025-11-30"`) is text where a TOML date is
//! expected, an error like any other wrong type, located at the value, on both load paths and in
//! program files; an unquoted date where text is expected is one too.

mod common;

use common::{edit, file, partner};
use partnerctl::load::{load_partner, load_partner_via_schema, load_program};

fn only_error(d: &[partnerctl::diagnostic::Diagnostic]) -> &partnerctl::diagnostic::Diagnostic {
    assert_eq!(d.len(), 1, "{d:#?}");
    &d[0]
}

#[test]
fn a_quoted_contract_start_is_an_error_on_both_load_paths() {
    let text = edit(
        &partner("acme"),
        "contract_start = 2023-01-01",
        "contract_start = \"2023-01-01\"",
    );
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("contract_start"))
        .unwrap();
    let f = file("partners/acme.toml", &text);
    for loaded in [load_partner(&f), load_partner_via_schema(&f)] {
        assert!(loaded.record.is_none());
        let d = only_error(&loaded.diagnostics);
        assert_eq!(d.code, "invalid-value");
        assert_eq!(
            d.message,
            "`contract_start` is a date in quotes, which TOML reads as text: write it without quotes, e.g. contract_start = 2025-11-30"
        );
        let at = d.start.expect("located");
        // `contract_start = ` is 17 characters: the value starts in column 18.
        assert_eq!((at.line, at.column), (line, 18));
    }
}

#[test]
fn the_unquoted_date_still_loads() {
    let f = file("partners/acme.toml", partner("acme"));
    assert!(load_partner(&f).record.is_some());
    assert!(load_partner_via_schema(&f).record.is_some());
}

#[test]
fn a_quoted_effective_from_in_a_program_is_an_error() {
    let text = std::fs::read_to_string("programs/nospamproxy.toml").unwrap();
    let bad = edit(
        &text,
        "effective_from = 2024-01-01",
        "effective_from = \"2024-01-01\"",
    );
    let line = 1 + bad
        .lines()
        .position(|l| l.starts_with("effective_from"))
        .unwrap();
    let loaded = load_program(&file("programs/nospamproxy.toml", &bad));
    assert!(loaded.record.is_none());
    let d = only_error(&loaded.diagnostics);
    assert_eq!(
        d.message,
        "`effective_from` is a date in quotes, which TOML reads as text: write it without quotes, e.g. effective_from = 2025-11-30"
    );
    let at = d.start.expect("located");
    assert_eq!((at.line, at.column), (line, 18));
}

#[test]
fn an_unquoted_date_where_text_is_expected_is_an_error() {
    let text = edit(
        &partner("acme"),
        "display_name = \"Acme\"",
        "display_name = 2025-11-30",
    );
    let f = file("partners/acme.toml", &text);
    for loaded in [load_partner(&f), load_partner_via_schema(&f)] {
        assert!(loaded.record.is_none());
        let d = only_error(&loaded.diagnostics);
        assert!(d.message.contains("write text in quotes"), "{}", d.message);
    }
}
