//! `partnerctl fmt`: canonical partner and program files, comments kept, idempotent.

mod common;

use common::{partner, TestRepo};

/// A partner in non-canonical form: no `#:schema` line, sections out of order, an array of tables
/// split in two, money as a float, an integer and a one-decimal string, a date as a string.
const MESSY: &str = r#"# Acme: keep this comment
id = "acme"
api_version = "partnerctl/v1"
kind = "Partner"
legal_name = "Acme GmbH"

[[revenue]]
# first booking
amount = 2000.5
program = "nospamproxy"
product_line = "server-new-licences"
date = "2024-03-01"
currency = "EUR"

[profile]
country = "DE"
display_name = "Acme"

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2023-01-01

[[revenue]]
program = "nospamproxy"
product_line = "server-maintenance"
date = 2024-04-01
currency = "EUR"
amount = 300 # maintenance

[[revenue]]
program = "nospamproxy"
product_line = "server-services"
date = 2024-05-01
currency = "EUR"
amount = "17.5"
"#;

const CANONICAL: &str = r#"#:schema ../schemas/partner.schema.json
# Acme: keep this comment
api_version = "partnerctl/v1"
kind = "Partner"
id = "acme"
legal_name = "Acme GmbH"

[profile]
display_name = "Acme"
country = "DE"

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2023-01-01

[[revenue]]
# first booking
program = "nospamproxy"
product_line = "server-new-licences"
date = 2024-03-01
currency = "EUR"
amount = "2000.50"

[[revenue]]
program = "nospamproxy"
product_line = "server-maintenance"
date = 2024-04-01
currency = "EUR"
amount = "300.00" # maintenance

[[revenue]]
program = "nospamproxy"
product_line = "server-services"
date = 2024-05-01
currency = "EUR"
amount = "17.50"
"#;

#[test]
fn check_reports_each_non_canonical_file_with_its_first_changed_line() {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", MESSY);
    // A canonical file is not reported.
    repo.write(
        "partners/good.toml",
        format!(
            "#:schema ../schemas/partner.schema.json\n{}",
            partner("good")
        ),
    );
    let run = repo.run(&["fmt", "--check"]);
    assert_eq!(run.code, 1, "{run:?}");
    // Line 1 changes: the `#:schema` line is added above the comment.
    assert!(
        run.stdout.contains("partners/acme.toml:1:1: not canonical"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("good.toml"), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap(),
        MESSY
    );
}

#[test]
fn fmt_writes_the_canonical_form_and_is_idempotent() {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", MESSY);
    let run = repo.run(&["fmt", "partners/acme.toml"]);
    assert_eq!(run.code, 0, "{run:?}");
    let once = std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap();
    assert_eq!(once, CANONICAL);
    let again = repo.run(&["fmt"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap(),
        once
    );
    let check = repo.run(&["fmt", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");
    // The formatted file is a valid partner with the same amounts: 2000.50 + 300 + 17.50.
    let valid = repo.run(&["check"]);
    assert_eq!(valid.code, 0, "{valid:?}");
}

#[test]
fn invalid_toml_is_reported_with_its_location_and_left_alone() {
    let repo = TestRepo::with_nsp();
    let broken = "api_version = \"partnerctl/v1\"\nkind = = 1\n";
    repo.write("partners/broken.toml", broken);
    let run = repo.run(&["fmt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("partners/broken.toml:2:"), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/broken.toml")).unwrap(),
        broken
    );
}

#[test]
fn a_file_outside_partners_and_programs_is_a_usage_error() {
    let repo = TestRepo::with_nsp();
    repo.write("notes.toml", "a = 1\n");
    let run = repo.run(&["fmt", "notes.toml"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("not a partner or program file"),
        "{run:?}"
    );
}

#[test]
fn the_bundled_files_are_canonical() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = common::run_in(std::path::Path::new(root), &["fmt", "--check"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// `fmt --check` runs in CI on the files of a pull request: a link, an oversized or a non-UTF-8
/// file is reported for itself, never followed or read whole, and every other file is still
/// formatted.
#[cfg(unix)]
#[test]
fn hostile_files_are_reported_one_by_one_and_links_never_followed() {
    let repo = TestRepo::with_nsp();
    repo.write("outside.toml", MESSY);
    repo.symlink("../outside.toml", "partners/link.toml");
    repo.write("partners/huge.toml", "# x\n".repeat(300_000));
    repo.write(
        "partners/latin1.toml",
        b"id = \"acme\"\nlegal_name = \"M\xfcller\"\n",
    );
    repo.write("partners/acme.toml", MESSY);
    let check = repo.run(&["fmt", "--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    let reported: Vec<&str> = check.stderr.lines().collect();
    assert_eq!(
        reported,
        [
            "partners/huge.toml: file is 1200000 bytes; data files may be at most 1048576 bytes (not formatted)",
            "partners/latin1.toml:2:16: not valid UTF-8 (not formatted)",
            "partners/link.toml: symbolic links are not followed (not formatted)",
        ]
    );
    assert_eq!(
        check.stdout,
        "partners/acme.toml:1:1: not canonical; run `partnerctl fmt partners/acme.toml`\n"
    );
    let write = repo.run(&["fmt"]);
    assert_eq!(write.code, 1, "{write:?}");
    assert_eq!(write.stdout, "formatted partners/acme.toml\n");
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap(),
        CANONICAL
    );
    assert_eq!(
        std::fs::read_to_string(repo.abs("outside.toml")).unwrap(),
        MESSY
    );
    // Named on the command line, a link is still not followed.
    let named = repo.run(&["fmt", "partners/link.toml"]);
    assert_eq!(named.code, 1, "{named:?}");
    assert_eq!(
        std::fs::read_to_string(repo.abs("outside.toml")).unwrap(),
        MESSY
    );
}
