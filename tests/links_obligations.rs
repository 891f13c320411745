//! Obligations that say how to verify them (issue #16): the string form still works, the table
//! form is validated with located errors, and the bundled programs declare their checks.

mod common;

use partnerctl::model::program::{Obligation, Verify};

const HEAD: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "demo"
name = "Demo"
vendor = "Demo GmbH"
effective_from = 2025-01-01
currencies = ["EUR"]

[review]
cadence = "yearly"

[obligations]
plain = "A plain obligation"
"#;

/// (code, line, column, path) of every diagnostic for the program `HEAD` + `more`.
fn diags(more: &str) -> Vec<(String, usize, usize, String)> {
    let all = common::program_diagnostics(&format!("{HEAD}{more}"));
    all.into_iter()
        .map(|(c, l, col, p, _)| (c, l, col, p))
        .collect()
}

#[test]
fn string_and_table_forms_are_both_valid() {
    let more = "linked = { description = \"Links us\", verify = { link_to = \"https://vendor.example/\", follow = true } }\n";
    assert_eq!(diags(more), vec![]);
}

#[test]
fn a_link_to_that_is_not_a_url_is_located_at_its_value() {
    // HEAD has 13 lines, so the obligation is on line 14; its value starts after `link_to = `.
    let more = "linked = { description = \"Links us\", verify = { link_to = \"https://exa mple.com/\" } }\n";
    let d = diags(more);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].0, "invalid-verify");
    assert_eq!((d[0].1, d[0].2), (14, more.find("\"https").unwrap() + 1));
    assert_eq!(d[0].3, "obligations.linked.verify.link_to");
}

#[test]
fn an_unknown_key_in_verify_is_an_error_at_the_key() {
    let more = "linked = { description = \"x\", verify = { link_to = \"https://a.example/\", folow = true } }\n";
    let d = diags(more);
    assert!(!d.is_empty(), "{d:?}");
    assert!(d.iter().all(|x| x.1 == 14), "{d:?}");
    assert_eq!(d[0].0, "unknown-key");
    assert_eq!(d[0].3, "obligations.linked.verify.folow");
    assert_eq!(d[0].2, more.find("folow").unwrap() + 1);
}

#[test]
fn verify_with_nothing_to_look_for_is_an_error() {
    let more = "linked = { description = \"x\", verify = { follow = true } }\n";
    let d = diags(more);
    let codes: Vec<&str> = d.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(codes, vec!["invalid-verify", "invalid-verify"], "{d:?}");
}

#[test]
fn a_link_host_with_a_path_is_an_error() {
    let more =
        "linked = { description = \"x\", verify = { link_host = \"pimenta.chat/partners\" } }\n";
    assert_eq!(diags(more).len(), 1);
}

#[test]
fn problems_name_the_key() {
    let v = Verify {
        link_to: Some("ftp://vendor.example/".into()),
        ..Verify::default()
    };
    let keys: Vec<&str> = v.problems().iter().map(|p| p.0).collect();
    assert_eq!(keys, vec!["link_to"]);
}

fn program(path: &str) -> partnerctl::model::Program {
    let text = std::fs::read_to_string(path).expect("bundled program");
    toml::from_str(&text).expect("valid program")
}

#[test]
fn the_bundled_programs_declare_their_website_checks() {
    let nsp = program("programs/nospamproxy.toml");
    let v = nsp.obligations["vendor-named-with-follow-link"]
        .verify()
        .expect("declared");
    assert_eq!(v.link_to.as_deref(), Some("https://www.nospamproxy.de/"));
    assert!(v.follow);
    let pim = program("programs/pimentachat.toml");
    let v = pim.obligations["vendor-on-partner-website"]
        .verify()
        .expect("declared");
    assert_eq!(v.link_host.as_deref(), Some("pimenta.chat"));
    assert!(v.badge && !v.follow);
    assert!(matches!(
        pim.obligations["support-contract"],
        Obligation::Text(_)
    ));
}
