//! Library-level tests of `partnerctl check`: snapshots built in memory (the real NoSpamProxy
//! program plus partner records), one test per kind of bad input, each asserting the exact
//! diagnostics — code, severity, file, start line:column, document path and message.

mod common;

use common::{check_with_nsp, edit, file, partner, snapshot, TestRepo, NSP};
use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::{Diagnostic, LineCol, Severity};
use partnerctl::source::{Repo, Side, MAX_FILE_BYTES};

/// The parts of a diagnostic every test pins down.
#[derive(Debug, PartialEq, Eq)]
struct Brief {
    code: String,
    severity: Severity,
    file: String,
    start: Option<(usize, usize)>,
    path: Option<String>,
    message: String,
}

fn brief(d: &Diagnostic) -> Brief {
    Brief {
        code: d.code.as_str().to_owned(),
        severity: d.severity,
        file: d.file.clone(),
        start: d.start.map(|s| (s.line, s.column)),
        path: d.path.clone(),
        message: d.message.clone(),
    }
}

fn briefs(diags: &[Diagnostic]) -> Vec<Brief> {
    diags.iter().map(brief).collect()
}

/// An expected error.
fn error(
    code: &str,
    file: &str,
    start: (usize, usize),
    path: Option<&str>,
    message: &str,
) -> Brief {
    Brief {
        code: code.into(),
        severity: Severity::Error,
        file: file.into(),
        start: Some(start),
        path: path.map(str::to_owned),
        message: message.into(),
    }
}

fn lc(line: usize, column: usize) -> Option<LineCol> {
    Some(LineCol { line, column })
}

const ACME: &str = "partners/acme.toml";
const BETA: &str = "partners/beta.toml";

/// The partner `acme` with `from` replaced by `to`, next to a valid partner `beta` (which must
/// stay free of diagnostics: the other files are still checked).
fn check_acme(from: &str, to: &str) -> Vec<Diagnostic> {
    check_with_nsp(vec![
        file(ACME, edit(&partner("acme"), from, to)),
        file(BETA, partner("beta")),
    ])
}

// ---------------------------------------------------------------------------------------------
// Valid data

#[test]
fn valid_partners_and_the_real_program_have_no_diagnostics() {
    let diags = check_with_nsp(vec![
        file(ACME, partner("acme")),
        file(BETA, partner("beta")),
    ]);
    assert_eq!(briefs(&diags), vec![]);
}

#[test]
fn the_real_program_files_load_as_records() {
    let snap = snapshot(vec![
        file("programs/nospamproxy.toml", NSP),
        file(ACME, partner("acme")),
    ]);
    let ds = Dataset::from_snapshot(&snap);
    assert!(!ds.has_errors());
    assert_eq!(ds.programs.len(), 1);
    assert_eq!(
        ds.programs[0].record.as_ref().map(|p| p.id.to_string()),
        Some("nospamproxy".to_owned())
    );
    assert_eq!(ds.partners.len(), 1);
    assert_eq!(
        ds.partners[0].record.as_ref().map(|p| p.id.to_string()),
        Some("acme".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Syntax and schema

#[test]
fn toml_syntax_error_is_located_where_the_string_is_left_open() {
    let diags = check_acme(r#"legal_name = "Acme GmbH""#, r#"legal_name = "Acme GmbH"#);
    // `legal_name = "Acme GmbH` is 23 characters: the closing quote is missing at column 24.
    assert_eq!(
        briefs(&diags),
        vec![error(
            "toml-syntax",
            ACME,
            (4, 24),
            None,
            "invalid basic string, expected `\"`"
        )]
    );
    assert_eq!(diags[0].end, lc(4, 24));
}

#[test]
fn every_file_is_checked_when_one_is_broken() {
    let diags = check_with_nsp(vec![
        file("partners/aaa.toml", "id = \"aaa\"\nthis is not toml\n"),
        file(
            "partners/bbb.toml",
            edit(
                &partner("bbb"),
                "amount = \"2000.00\"",
                "amount = \"1.5.0\"",
            ),
        ),
        file("partners/ccc.toml", partner("ccc")),
    ]);
    let codes: Vec<(&str, &str, Option<LineCol>)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.start))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("toml-syntax", "partners/aaa.toml", lc(2, 6)),
            ("bad-amount", "partners/bbb.toml", lc(20, 10)),
        ]
    );
    assert_eq!(diags[1].message, "\"1.5.0\" is not an amount");
}

#[test]
fn float_amount_is_a_wrong_type() {
    let diags = check_acme(r#"amount = "2000.00""#, "amount = 2000.00");
    assert_eq!(
        briefs(&diags),
        vec![error(
            "wrong-type",
            ACME,
            (20, 10),
            Some("revenue[0].amount"),
            "expected string, found float 2000.0"
        )]
    );
    // The whole value `2000.00` (7 characters) is underlined.
    assert_eq!(diags[0].end, lc(20, 17));
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("amounts, percentages and periods are written as strings, e.g. \"2000.00\"")
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    let diags = check_acme(
        r#"amount = "2000.00""#,
        "amount = \"2000.00\"\ndiscount = \"5\"",
    );
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-key",
            ACME,
            (21, 1),
            Some("revenue[0].discount"),
            "unknown key `discount`"
        )]
    );
    // The key `discount`, not its value.
    assert_eq!(diags[0].end, lc(21, 9));
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("allowed keys here: amount, currency, date, note, period, product_line, program")
    );
}

#[test]
fn unknown_key_in_a_header_table_points_at_the_key() {
    let diags = check_acme("country = \"DE\"", "country = \"DE\"\ncolour = \"red\"");
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-key",
            ACME,
            (9, 1),
            Some("profile.colour"),
            "unknown key `colour`"
        )]
    );
    assert_eq!(diags[0].end, lc(9, 7));
}

#[test]
fn missing_required_top_level_key() {
    let diags = check_acme("legal_name = \"Acme GmbH\"\n", "");
    // A key missing at the top has no path; the diagnostic points at the first line.
    assert_eq!(
        briefs(&diags),
        vec![error(
            "missing-key",
            ACME,
            (1, 1),
            None,
            "missing required key `legal_name`"
        )]
    );
    assert_eq!(diags[0].hint.as_deref(), Some("add `legal_name = …`"));
}

#[test]
fn missing_required_key_in_an_array_table_points_at_its_header() {
    let diags = check_acme("currency = \"EUR\"\n", "");
    assert_eq!(
        briefs(&diags),
        vec![error(
            "missing-key",
            ACME,
            (15, 1),
            Some("revenue[0]"),
            "missing required key `currency`"
        )]
    );
    // `[[revenue]]` is 11 characters.
    assert_eq!(diags[0].end, lc(15, 12));
}

#[test]
fn negative_amount() {
    let diags = check_acme(r#""2000.00""#, r#""-5.00""#);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "negative-amount",
            ACME,
            (20, 10),
            Some("revenue[0].amount"),
            "amount \"-5.00\" is negative"
        )]
    );
}

#[test]
fn amount_with_three_decimals() {
    let diags = check_acme(r#""2000.00""#, r#""2000.001""#);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "amount-precision",
            ACME,
            (20, 10),
            Some("revenue[0].amount"),
            "amount \"2000.001\" has more than 2 decimal places"
        )]
    );
    assert_eq!(diags[0].end, lc(20, 20));
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("amounts are exact to the cent")
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let text = edit(&partner("acme"), "Acme GmbH", "Acme \u{1} GmbH");
    let mut bytes = text.into_bytes();
    let at = bytes.iter().position(|b| *b == 1).expect("marker");
    bytes[at] = 0xFF;
    // Lines 1-3 are 30 + 17 + 12 bytes; `legal_name = "Acme ` adds 19: byte 78, line 4 column 20.
    assert_eq!(at, 78);
    let diags = check_with_nsp(vec![file(ACME, &bytes), file(BETA, partner("beta"))]);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "invalid-utf8",
            ACME,
            (4, 20),
            None,
            "invalid UTF-8 at byte 78"
        )]
    );
    assert_eq!(diags[0].hint.as_deref(), Some("save the file as UTF-8"));
}

// ---------------------------------------------------------------------------------------------
// Enumerations

/// A test-only program with customer access rules (`[access]` inline), for the reseller rules.
fn access_program(id: &str, levels: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Program"
id = "{id}"
name = "Reseller test program"
vendor = "Test SA"
effective_from = 2024-01-01
currencies = ["CHF"]

[review]
cadence = "continuous"

[product_lines]
mail = "Mail"
drive = "Drive"
hosting = "Hosting"

[access]
levels = {levels}
payment_means = ["customer", "partner"]
full_access_exclusive = true
restricted_distinct_products = true
"#
    )
}

/// A partner of `program` with one access grant. Line 16 is `access = …`, line 17 `products = …`.
fn reseller(id: &str, program: &str, customer: &str, access: &str, products: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "{id}"
legal_name = "{id} SA"

[profile]
display_name = "{id}"
country = "CH"

[[memberships]]
program = "{program}"

[[access_grants]]
program = "{program}"
customer = "{customer}"
access = "{access}"
products = [{products}]
"#
    )
}

fn check_resellers(partners: &[(&str, &str, &str, &str)]) -> Vec<Diagnostic> {
    let mut files = vec![file(
        "programs/reseller-test.toml",
        access_program("reseller-test", r#"["restricted", "full"]"#),
    )];
    for (id, customer, access, products) in partners {
        files.push(file(
            &format!("partners/{id}.toml"),
            reseller(id, "reseller-test", customer, access, products),
        ));
    }
    Dataset::from_snapshot(&snapshot(files)).diagnostics()
}

#[test]
fn access_level_not_offered_by_the_program_is_a_bad_enum() {
    let files = vec![
        file(
            "programs/restricted-only.toml",
            access_program("restricted-only", r#"["restricted"]"#),
        ),
        file(
            "partners/alpha.toml",
            reseller("alpha", "restricted-only", "cust-1", "full", ""),
        ),
        file(
            "partners/beta.toml",
            reseller(
                "beta",
                "restricted-only",
                "cust-2",
                "restricted",
                r#""mail""#,
            ),
        ),
    ];
    let diags = Dataset::from_snapshot(&snapshot(files)).diagnostics();
    assert_eq!(
        briefs(&diags),
        vec![error(
            "bad-enum",
            "partners/alpha.toml",
            (16, 10),
            Some("access_grants[0].access"),
            "program `restricted-only` does not offer full access"
        )]
    );
}

/// Location, severity and path of a value outside an enumeration, whatever its code.
fn located(
    d: &Diagnostic,
) -> (
    Severity,
    &str,
    Option<LineCol>,
    Option<LineCol>,
    Option<&str>,
) {
    (
        d.severity,
        d.file.as_str(),
        d.start,
        d.end,
        d.path.as_deref(),
    )
}

#[test]
fn access_level_outside_the_enum_is_located() {
    let diags = check_resellers(&[
        ("alpha", "cust-1", "partial", ""),
        ("beta", "cust-1", "full", ""),
    ]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    // `access = "partial"`: the string starts at column 10 and is 9 characters long.
    assert_eq!(
        located(&diags[0]),
        (
            Severity::Error,
            "partners/alpha.toml",
            lc(16, 10),
            lc(16, 19),
            Some("access_grants[0].access")
        )
    );
}

#[test]
fn access_level_outside_the_enum_is_a_bad_enum_naming_the_allowed_values() {
    let diags = check_resellers(&[("alpha", "cust-1", "partial", "")]);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "bad-enum",
            "partners/alpha.toml",
            (16, 10),
            Some("access_grants[0].access"),
            "\"partial\" is not one of \"restricted\", \"full\""
        )]
    );
}

#[test]
fn misspelt_kind_is_located() {
    let diags = check_acme(r#"kind = "Partner""#, r#"kind = "Partnr""#);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        located(&diags[0]),
        (Severity::Error, ACME, lc(2, 8), lc(2, 16), Some("kind"))
    );
}

#[test]
fn misspelt_kind_is_a_bad_enum_naming_the_allowed_value() {
    let diags = check_acme(r#"kind = "Partner""#, r#"kind = "Partnr""#);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "bad-enum",
            ACME,
            (2, 8),
            Some("kind"),
            "\"Partnr\" must be \"Partner\""
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Identity

#[test]
fn ids_differing_only_in_case_are_duplicates_in_both_files() {
    let upper = "partners/ACME.toml";
    let diags = check_with_nsp(vec![
        file(ACME, partner("acme")),
        file(upper, partner("ACME")),
        file(BETA, partner("beta")),
    ]);
    // Sorted by file: `ACME` before `acme`. `id = "acme"`: the value starts at column 6.
    assert_eq!(
        briefs(&diags),
        vec![
            error(
                "duplicate-id",
                upper,
                (3, 6),
                Some("id"),
                "partner id `ACME` is also used by partners/acme.toml"
            ),
            error(
                "duplicate-id",
                ACME,
                (3, 6),
                Some("id"),
                "partner id `acme` is also used by partners/ACME.toml"
            ),
        ]
    );
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("ids are compared case-insensitively; choose another id")
    );
}

#[test]
fn id_must_equal_the_file_stem() {
    let diags = check_acme(r#"id = "acme""#, r#"id = "acme-gmbh""#);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "id-mismatch",
            ACME,
            (3, 6),
            Some("id"),
            "partner id `acme-gmbh` does not match the file name `acme.toml`"
        )]
    );
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("rename the file to `acme-gmbh.toml` or set `id = \"acme\"`")
    );
}

// ---------------------------------------------------------------------------------------------
// References

#[test]
fn dangling_program_reference() {
    let diags = check_acme(
        "program = \"nospamproxy\"\nproduct_line",
        "program = \"nospam\"\nproduct_line",
    );
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-program",
            ACME,
            (16, 11),
            Some("revenue[0].program"),
            "unknown program `nospam`"
        )]
    );
    // `nospam` is the start of the one defined id: suggested, then the list.
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("did you mean `nospamproxy`? defined: nospamproxy")
    );
}

#[test]
fn dangling_product_line_reference() {
    let diags = check_acme("\"server-new-licences\"", "\"server-licences\"");
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-product-line",
            ACME,
            (17, 16),
            Some("revenue[0].product_line"),
            "program `nospamproxy` has no product line `server-licences`"
        )]
    );
    // The suggestion is for the unknown id, not for the first id the message quotes (the
    // program's): the hints take the ids as data.
    assert_eq!(
        diags[0].hint.as_deref(),
        Some(
            "did you mean `server-new-licences`? defined: cloud-new-licences, cloud-services, \
             msp-licences, server-maintenance, server-new-licences, server-services"
        )
    );
}

#[test]
fn dangling_track_reference() {
    let diags = check_acme(r#"track = "server-cloud""#, r#"track = "cloud""#);
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-track",
            ACME,
            (12, 9),
            Some("memberships[0].track"),
            "program `nospamproxy` has no track `cloud`"
        )]
    );
    // `cloud` starts the second of the program's tracks (`server-cloud`, `cloud-only`).
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("did you mean `cloud-only`? defined: server-cloud, cloud-only")
    );
}

// ---------------------------------------------------------------------------------------------
// Dates

#[test]
fn contract_ending_before_it_starts() {
    let diags = check_acme(
        "contract_start = 2023-01-01\n",
        "contract_start = 2023-01-01\ncontract_end = 2022-12-31\n",
    );
    assert_eq!(
        briefs(&diags),
        vec![error(
            "date-order",
            ACME,
            (14, 16),
            Some("memberships[0].contract_end"),
            "contract ends (2022-12-31) before it starts (2023-01-01)"
        )]
    );
}

#[test]
fn contract_ending_on_its_first_day_is_valid() {
    let diags = check_acme(
        "contract_start = 2023-01-01\n",
        "contract_start = 2023-01-01\ncontract_end = 2023-01-01\n",
    );
    assert_eq!(briefs(&diags), vec![]);
}

#[test]
fn approval_expiring_before_it_was_given() {
    let approval = "amount = \"2000.00\"\n\n\
                    [[approvals]]\n\
                    program = \"nospamproxy\"\n\
                    status = \"managed-service-partner\"\n\
                    approved_by = \"Jane Doe\"\n\
                    date = 2024-05-01\n\
                    reason = \"Runs a multi-tenant installation\"\n\
                    expires = 2024-04-30\n";
    let diags = check_acme("amount = \"2000.00\"\n", approval);
    // Line 22 is `[[approvals]]`, line 28 `expires = 2024-04-30` (value at column 11).
    assert_eq!(
        briefs(&diags),
        vec![error(
            "date-order",
            ACME,
            (28, 11),
            Some("approvals[0].expires"),
            "approval expires (2024-04-30) on or before it was given (2024-05-01)"
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile input: size and depth

#[test]
fn ten_megabyte_file_is_rejected_unread() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    let huge = vec![b'#'; 10 * 1024 * 1024];
    repo.write("partners/huge.toml", &huge);
    let snap = Repo::discover(repo.path())
        .expect("repo")
        .snapshot(&Side::WorkTree)
        .expect("snapshot");
    // Not read into the snapshot at all.
    let paths: Vec<&str> = snap.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec![ACME, "programs/nospamproxy.toml"]);
    let diags = Dataset::from_snapshot(&snap).diagnostics();
    assert_eq!(
        briefs(&diags),
        vec![Brief {
            code: "file-too-large".into(),
            severity: Severity::Error,
            file: "partners/huge.toml".into(),
            start: None,
            path: None,
            message: "file is 10485760 bytes; data files may be at most 1048576 bytes".into(),
        }]
    );
}

#[test]
fn file_of_exactly_the_size_limit_is_read() {
    let repo = TestRepo::with_nsp();
    let mut text = partner("acme");
    let pad = MAX_FILE_BYTES as usize - text.len() - 1;
    text.push_str(&"#".repeat(pad));
    text.push('\n');
    assert_eq!(text.len() as u64, MAX_FILE_BYTES);
    repo.write(ACME, &text);
    let mut over = text.clone();
    over.push('\n');
    repo.write("partners/over.toml", &over);
    let snap = Repo::discover(repo.path())
        .expect("repo")
        .snapshot(&Side::WorkTree)
        .expect("snapshot");
    let diags = Dataset::from_snapshot(&snap).diagnostics();
    assert_eq!(
        briefs(&diags),
        vec![Brief {
            code: "file-too-large".into(),
            severity: Severity::Error,
            file: "partners/over.toml".into(),
            start: None,
            path: None,
            message: "file is 1048577 bytes; data files may be at most 1048576 bytes".into(),
        }]
    );
}

#[test]
fn ten_megabyte_file_at_a_revision_is_rejected() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.write("partners/huge.toml", vec![b'#'; 10 * 1024 * 1024]);
    repo.commit_all("huge");
    let snap = Repo::discover(repo.path())
        .expect("repo")
        .snapshot(&Side::Rev("HEAD".into()))
        .expect("snapshot");
    let diags = Dataset::from_snapshot(&snap).diagnostics();
    assert_eq!(
        diags
            .iter()
            .map(|d| (d.code.as_str(), d.file.as_str()))
            .collect::<Vec<_>>(),
        vec![("file-too-large", "partners/huge.toml")]
    );
}

const TOO_DEEP: &str = "tables or arrays nested more than 24 levels deep";

/// The partner `acme` with `line` on line 5 (a top-level key, before `[profile]`).
fn acme_with_line_5(line: &str) -> Vec<Diagnostic> {
    check_acme(
        "legal_name = \"Acme GmbH\"\n\n",
        &format!("legal_name = \"Acme GmbH\"\n{line}\n"),
    )
}

#[test]
fn arrays_nested_30_deep_are_too_deep() {
    let diags = acme_with_line_5(&format!("deep = {}1{}", "[".repeat(30), "]".repeat(30)));
    // The root table is level 1 and `deep` level 2, so the 24th array (level 25) is the first
    // too deep; `deep = ` is 7 characters, the k-th `[` is at column 7 + k.
    assert_eq!(
        briefs(&diags),
        vec![error("too-deep", ACME, (5, 31), None, TOO_DEEP)]
    );
    // It spans `[[[[[[[1]]]]]]]`: arrays 24 to 30 and the value.
    assert_eq!(diags[0].end, lc(5, 46));
}

#[test]
fn dotted_keys_nested_30_deep_are_too_deep() {
    let keys: Vec<String> = (0..29).map(|i| format!("k{i}")).collect();
    let diags = acme_with_line_5(&format!("deep.{} = 1", keys.join(".")));
    // `deep` is level 2, `k<i>` level i + 3: `k22` is the first past 24. `deep.` and `k0.`…`k9.`
    // take 35 columns, `k10.`…`k21.` 48 more: `k22` starts at column 84.
    assert_eq!(
        briefs(&diags),
        vec![error("too-deep", ACME, (5, 84), None, TOO_DEEP)]
    );
    assert_eq!(diags[0].end, lc(5, 87));
}

#[test]
fn depth_limit_boundary() {
    // `deep` is level 2 and holds 22 more arrays: the value `1` is at level 25, the first too
    // deep, after 23 brackets (columns 8 to 30).
    let diags = acme_with_line_5(&format!("deep = {}1{}", "[".repeat(23), "]".repeat(23)));
    assert_eq!(
        briefs(&diags),
        vec![error("too-deep", ACME, (5, 31), None, TOO_DEEP)]
    );
    assert_eq!(diags[0].end, lc(5, 32));
    // One level less passes the depth limit and reaches the schema, which rejects the key.
    let diags = acme_with_line_5(&format!("deep = {}1{}", "[".repeat(22), "]".repeat(22)));
    assert_eq!(
        briefs(&diags),
        vec![error(
            "unknown-key",
            ACME,
            (5, 1),
            Some("deep"),
            "unknown key `deep`"
        )]
    );
}

#[test]
fn arrays_nested_100_deep_are_a_located_error_not_a_panic() {
    let diags = acme_with_line_5(&format!("deep = {}1{}", "[".repeat(100), "]".repeat(100)));
    // The TOML parser's own recursion limit stops first, at the bracket it refuses to enter.
    assert_eq!(
        briefs(&diags),
        vec![error(
            "toml-syntax",
            ACME,
            (5, 88),
            None,
            "cannot recurse further; max recursion depth met"
        )]
    );
}

#[test]
fn inline_tables_nested_100_deep_are_a_located_error_not_a_panic() {
    let diags = acme_with_line_5(&format!(
        "deep = {}1{}",
        "{a = ".repeat(100),
        "}".repeat(100)
    ));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (
            diags[0].code.as_str(),
            diags[0].file.as_str(),
            diags[0].start.map(|s| s.line)
        ),
        ("toml-syntax", ACME, Some(5))
    );
    assert_eq!(
        diags[0].message,
        "cannot recurse further; max recursion depth met"
    );
}

#[test]
fn dotted_keys_nested_100_deep_are_an_error_not_a_panic() {
    let keys: Vec<String> = (0..99).map(|i| format!("k{i}")).collect();
    let diags = acme_with_line_5(&format!("deep.{} = 1", keys.join(".")));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (
            diags[0].code.as_str(),
            diags[0].severity,
            diags[0].file.as_str()
        ),
        ("toml-syntax", Severity::Error, ACME)
    );
    assert_eq!(diags[0].message, "recursion limit");
}

#[test]
fn dotted_keys_nested_100_deep_are_located_on_their_line() {
    let keys: Vec<String> = (0..99).map(|i| format!("k{i}")).collect();
    let diags = acme_with_line_5(&format!("deep.{} = 1", keys.join(".")));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].start.map(|s| s.line), Some(5));
}

// ---------------------------------------------------------------------------------------------
// Cross-record rules of customer access

#[test]
fn two_full_access_partners_for_one_customer_conflict() {
    let diags = check_resellers(&[
        ("alpha", "cust-1", "full", ""),
        ("beta", "cust-1", "full", ""),
        // Restricted access next to a full one is allowed; another customer is unaffected.
        ("gamma", "cust-1", "restricted", r#""mail""#),
        ("delta", "cust-2", "full", ""),
    ]);
    let message =
        "customer `cust-1` grants full access to 2 partners (alpha, beta); only one is allowed";
    assert_eq!(
        briefs(&diags),
        vec![
            error(
                "full-access-conflict",
                "partners/alpha.toml",
                (16, 10),
                Some("access_grants[0].access"),
                message
            ),
            error(
                "full-access-conflict",
                "partners/beta.toml",
                (16, 10),
                Some("access_grants[0].access"),
                message
            ),
        ]
    );
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("a customer can give full access to one partner only; make the others restricted")
    );
    insta::assert_debug_snapshot!("full_access_conflict", diags);
}

#[test]
fn two_restricted_partners_sharing_a_product_overlap() {
    let diags = check_resellers(&[
        ("alpha", "cust-1", "restricted", r#""mail", "drive""#),
        ("beta", "cust-1", "restricted", r#""drive""#),
        ("gamma", "cust-1", "restricted", r#""hosting""#),
        ("delta", "cust-2", "restricted", r#""drive""#),
    ]);
    // `products = ["mail", "drive"]`: "drive" starts at column 21; `products = ["drive"]`: 13.
    assert_eq!(
        briefs(&diags),
        vec![
            error(
                "restricted-access-overlap",
                "partners/alpha.toml",
                (17, 21),
                Some("access_grants[0].products[1]"),
                "customer `cust-1` also gives `beta` restricted access to product `drive`"
            ),
            error(
                "restricted-access-overlap",
                "partners/beta.toml",
                (17, 13),
                Some("access_grants[0].products[0]"),
                "customer `cust-1` also gives `alpha` restricted access to product `drive`"
            ),
        ]
    );
    assert_eq!(
        diags[1].hint.as_deref(),
        Some("several restricted partners of one customer must manage different products")
    );
    insta::assert_debug_snapshot!("restricted_access_overlap", diags);
}

#[test]
fn restricted_partners_with_distinct_products_are_valid() {
    let diags = check_resellers(&[
        ("alpha", "cust-1", "restricted", r#""mail", "drive""#),
        ("beta", "cust-1", "restricted", r#""hosting""#),
        ("gamma", "cust-1", "full", ""),
    ]);
    assert_eq!(briefs(&diags), vec![]);
}

#[test]
fn integer_for_an_optional_date_is_a_wrong_type_with_a_date_hint() {
    // `date` is optional (`date` or `period`), so the schema has a `null` alternative; the error
    // must still name the real expectation rather than "does not match any allowed form".
    let diags = check_acme("date = 2024-03-01", "date = 20240301");
    assert_eq!(
        briefs(&diags),
        vec![error(
            "wrong-type",
            ACME,
            (18, 8),
            Some("revenue[0].date"),
            "expected string, found integer 20240301"
        )]
    );
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("write dates as TOML dates, e.g. date = 2025-03-01")
    );
}

#[test]
fn a_number_where_text_belongs_gets_no_misleading_hint() {
    let diags = check_acme(r#"legal_name = "Acme GmbH""#, "legal_name = 5");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        (diags[0].code.as_str(), diags[0].hint.as_deref()),
        ("wrong-type", None)
    );
}
