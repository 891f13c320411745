//! Hostile inputs to the loader that must be generated (thousands of keys) or that check typed
//! values: diagnostics are capped per file and located with one parse; integers keep their radix
//! and never wrap or get cut.

mod common;

use common::{file, TestRepo, NSP};
use partnerctl::load::{load_partner, load_program};
use partnerctl::model::program::Program;

/// A valid partner record with `extra` appended at the top level (after line 4, `legal_name`).
fn partner_with(extra: &str) -> String {
    common::partner("acme").replacen(
        "legal_name = \"Acme GmbH\"\n",
        &format!("legal_name = \"Acme GmbH\"\n{extra}"),
        1,
    )
}

#[test]
fn thousands_of_unknown_keys_give_the_first_100_and_a_count() {
    let keys: String = (0..8000)
        .map(|i| format!("unknown_{i:05} = {i}\n"))
        .collect();
    let loaded = load_partner(&file("partners/acme.toml", partner_with(&keys)));
    assert_eq!(loaded.diagnostics.len(), 8000, "all found and located");
    assert_eq!(
        loaded.diagnostics[7999].start.map(|s| (s.line, s.column)),
        Some((8004, 1))
    );
    let d = &partnerctl::diagnostic::cap_each_file(loaded.diagnostics);
    assert_eq!(d.len(), 101, "100 problems and the count of the rest");
    assert!(d[..100].iter().all(|d| d.code == "unknown-key"));
    // In file order: the first unknown key is on line 5, the 100th on line 104.
    assert_eq!(d[0].message, "unknown key `unknown_00000`");
    assert_eq!(d[0].start.map(|s| (s.line, s.column)), Some((5, 1)));
    assert_eq!(d[99].start.map(|s| s.line), Some(104));
    assert_eq!(d[100].code, "too-many-problems");
    assert_eq!(
        d[100].message,
        "and 7900 more problems in this file (only the first 100 are shown)"
    );
}

#[test]
fn the_cap_reaches_the_outputs_with_exit_1() {
    let repo = TestRepo::with_nsp();
    let keys: String = (0..500).map(|i| format!("k{i} = 0x{i:x}\n")).collect();
    repo.write("partners/acme.toml", partner_with(&keys));
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 101);
    assert!(run.stdout.contains("and 400 more problems in this file"));
}

#[test]
fn an_unknown_key_with_a_hex_value_is_an_unknown_key() {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", partner_with("bogus = 0x1\n"));
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "::error file=partners/acme.toml,line=5,col=1,endLine=5,endColumn=6,title=partnerctl unknown-key::bogus: unknown key `bogus`"
        ),
        "{}",
        run.stdout
    );
}

fn program_with(from: &str, to: &str) -> partnerctl::load::Loaded<Program> {
    let text = common::edit(NSP, from, to);
    load_program(&file("programs/nospamproxy.toml", text))
}

/// `valid_months` of the admin training certification (24 in the real terms).
fn valid_months(p: &Program) -> Option<u32> {
    p.certifications.values().find_map(|c| c.valid_months)
}

#[test]
fn integers_keep_their_radix_and_underscores() {
    for written in ["24", "0x18", "0o30", "0b11000", "2_4", "0x1_8", "+24"] {
        let loaded = program_with("valid_months = 24", &format!("valid_months = {written}"));
        assert_eq!(loaded.diagnostics, vec![], "{written}");
        let program = loaded.record.expect("valid");
        assert_eq!(valid_months(&program), Some(24), "{written}");
    }
}

#[test]
fn an_integer_beyond_64_bits_is_a_located_error_not_a_shorter_number() {
    // The first `at_least = 1` of a count requirement, wherever the bundled terms put it.
    let line = 1 + NSP
        .lines()
        .position(|l| l == "at_least = 1")
        .expect("a count requirement");
    let text = NSP.replacen("\nat_least = 1\n", "\nat_least = 99999999999999999999\n", 1);
    let loaded = load_program(&file("programs/nospamproxy.toml", text));
    assert!(loaded.record.is_none());
    let d = &loaded.diagnostics[0];
    assert_eq!(d.code, "integer-range");
    assert_eq!(
        (d.start.map(|s| (s.line, s.column)), d.end.map(|e| e.column)),
        (Some((line, 12)), Some(32))
    );
    for huge in ["0x1_0000_0000_0000_0000", "-99999999999999999999"] {
        let loaded = program_with("valid_months = 24", &format!("valid_months = {huge}"));
        assert_eq!(loaded.diagnostics[0].code, "integer-range", "{huge}");
    }
}

#[test]
fn an_integer_beyond_its_field_is_a_located_error() {
    // `valid_months` is a u32: 2^32 fits TOML but not the field.
    let loaded = program_with("valid_months = 24", "valid_months = 0x1_0000_0000");
    assert!(loaded.record.is_none());
    let d = &loaded.diagnostics[0];
    let line = 1 + NSP
        .lines()
        .position(|l| l == "valid_months = 24")
        .expect("valid_months");
    assert_eq!(d.start.map(|s| s.line), Some(line), "{d:?}");
    assert!(
        ["out-of-range", "invalid-value"].contains(&d.code.as_str()),
        "{d:?}"
    );
}

#[test]
fn the_cross_file_rules_are_capped_too() {
    // 300 revenue entries with product lines the program does not define: each is valid to the
    // schema, and each is a cross-file problem.
    let entries: String = (0..300)
        .map(|i| {
            format!(
                "\n[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"nope-{i}\"\n\
                 date = 2024-03-01\ncurrency = \"EUR\"\namount = \"1.00\"\n"
            )
        })
        .collect();
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", common::partner("acme") + &entries);
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 101);
    assert!(
        lines[..100].iter().all(|l| l.contains("product_line")),
        "{}",
        lines[0]
    );
    assert!(lines[100].ends_with("and 200 more problems in this file (only the first 100 are shown)%0Ahint: fix the problems above and check again"), "{}", lines[100]);
}
