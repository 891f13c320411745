//! `partnerctl import`, `export` and `eval --format csv` on a repository made by `init`.
//!
//! The example partner of `init` has 8,000.00 (licences, 2025-03-10) + 3,500.00 (services, 2025)
//! EUR revenue, one sales training and the support contract: Gold (needs 10,000.00) as of
//! 2026-02-01.

mod common;

use std::path::{Path, PathBuf};

use common::{run_in, Run};

const PARTNER: &str = "partners/example-partner.toml";
const HEADER: &str = "partner,program,product_line,date,period,currency,amount\n";

fn init() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "repo"]).code, 0);
    let dir = tmp.path().join("repo");
    (tmp, dir)
}

fn import(dir: &Path, csv: &str, extra: &[&str]) -> Run {
    std::fs::write(dir.join("facts.csv"), csv).unwrap();
    let mut args = vec!["import", "facts.csv", "--kind", "revenue"];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(PARTNER)).unwrap()
}

#[test]
fn import_adds_and_updates_by_key_keeps_comments_and_is_idempotent() {
    let (_tmp, dir) = init();
    let csv = format!(
        "{HEADER}example-partner,example-program,licences,2025-06-01,,EUR,1234.5\n\
         example-partner,example-program,services,,2025,EUR,4000\n"
    );
    let run = import(&dir, &csv, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run
        .stdout
        .contains("2 rows: 1 added, 1 updated, 0 unchanged; 1 files changed"));
    let text = read(&dir);
    // The comment above the entries survives; the services entry (same key) now says 4000.00.
    assert!(
        text.contains("# 8,000 + 3,500 = 11,500 EUR in 2025"),
        "{text}"
    );
    assert!(text.contains("period = \"2025\"\ncurrency = \"EUR\"\namount = \"4000.00\""));
    assert!(text.contains("date = 2025-06-01\ncurrency = \"EUR\"\namount = \"1234.50\""));
    assert_eq!(text.matches("[[revenue]]").count(), 3, "{text}");
    let again = import(&dir, &csv, &[]);
    assert!(again
        .stdout
        .contains("0 added, 0 updated, 2 unchanged; 0 files changed"));
    assert_eq!(read(&dir), text);
    assert_eq!(run_in(&dir, &["check"]).code, 0);
}

#[test]
fn any_bad_row_is_reported_by_line_and_nothing_is_written() {
    let (_tmp, dir) = init();
    let before = read(&dir);
    let csv = format!(
        "{HEADER}example-partner,example-program,licences,2025-06-01,,EUR,10.00\n\
         example-partne,example-program,licences,2025-06-01,,EUR,1\n\
         example-partner,example-program,licence,2025-06-01,,EUR,1\n\
         example-partner,example-program,licences,2025-06-02,,CHF,1\n\
         example-partner,example-program,licences,2025-06-03,,EUR,\"1,234\"\n\
         example-partner,example-program,licences,30.11.2025,,EUR,1\n\
         example-partner,example-program,licences,2025-06-01,,EUR,11.00\n"
    );
    let run = import(&dir, &csv, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    for expected in [
        "facts.csv:3: unknown partner \"example-partne\"; did you mean \"example-partner\"?",
        "facts.csv:4: unknown product line \"licence\"; did you mean \"licences\"?",
        "facts.csv:5: unknown currency \"CHF\"",
        "facts.csv:6: amount: amount \"1,234\" is ambiguous",
        "facts.csv:7: date: \"30.11.2025\" is not a date; write dates as YYYY-MM-DD, e.g. 2025-11-30",
        "facts.csv:8: same partner and key as line 2",
        "6 rows rejected; nothing was written",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(read(&dir), before);
}

#[test]
fn decimal_comma_semicolons_and_a_column_map() {
    let (_tmp, dir) = init();
    std::fs::write(
        dir.join("map.toml"),
        "[columns]\npartner = \"Partner-ID\"\namount = \"Umsatz\"\n",
    )
    .unwrap();
    // As a spreadsheet saves it: with a UTF-8 byte-order mark.
    let csv = "\u{feff}Partner-ID;program;product_line;date;currency;Umsatz\n\
               example-partner;example-program;licences;2025-07-01;EUR;1.234,56\n";
    let run = import(
        &dir,
        csv,
        &["--decimal-comma", "--delimiter", ";", "--map", "map.toml"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(read(&dir).contains("date = 2025-07-01\ncurrency = \"EUR\"\namount = \"1234.56\""));
}

#[test]
fn dry_run_shows_the_tier_change_and_writes_nothing() {
    let (_tmp, dir) = init();
    let before = read(&dir);
    // Services down from 3,500.00 to 1,000.00: 9,000.00 < 10,000.00, Gold → Registered.
    let csv = format!("{HEADER}example-partner,example-program,services,,2025,EUR,1000.00\n");
    let run = import(&dir, &csv, &["--dry-run", "--as-of", "2026-02-01"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Gold Partner"), "{run:?}");
    assert!(run.stdout.contains("Registered Partner"), "{run:?}");
    assert!(run.stdout.contains("1 updated"), "{run:?}");
    assert!(
        !run.stdout.contains("1000.00"),
        "amounts are confidential: {run:?}"
    );
    assert_eq!(read(&dir), before);
}

#[test]
fn export_round_trips_through_import_and_defuses_formulas() {
    let (_tmp, dir) = init();
    let csv = "partner,program,person,kind,date\n\
               example-partner,example-program,'=HYPERLINK(\"x\"),sales,2025-05-05\n";
    std::fs::write(dir.join("t.csv"), csv).unwrap();
    let run = run_in(&dir, &["import", "t.csv", "--kind", "trainings"]);
    assert_eq!(run.code, 0, "{run:?}");
    let doc: toml::Table = toml::from_str(&read(&dir)).unwrap();
    assert_eq!(
        doc["trainings"][1]["person"].as_str(),
        Some("=HYPERLINK(\"x\")")
    );
    let out = run_in(&dir, &["export", "--kind", "trainings"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "partner,program,person,kind,date\n\
         example-partner,example-program,Erika Mustermann,sales,2025-02-04\n\
         example-partner,example-program,\"'=HYPERLINK(\"\"x\"\")\",sales,2025-05-05\n"
    );
    let revenue = run_in(&dir, &["export", "--kind", "revenue"]);
    let before = read(&dir);
    let again = import(&dir, &revenue.stdout, &[]);
    assert!(
        again.stdout.contains("0 added, 0 updated, 2 unchanged"),
        "{again:?}"
    );
    assert_eq!(read(&dir), before);
}

#[test]
fn eval_csv_has_one_row_per_partner_and_program() {
    let (_tmp, dir) = init();
    let run = run_in(&dir, &["eval", "--as-of", "2026-02-01", "--format", "csv"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "partner,program,track,tier,tier_name,tier_basis,types,statuses,entitlements,next_step,warnings"
    );
    assert_eq!(lines.len(), 2, "{run:?}");
    assert!(
        lines[1].starts_with("example-partner,example-program,,gold,Gold Partner,requirements,")
    );
    assert!(lines[1].contains("Discount on licences: 25%"), "{run:?}");
}

#[test]
fn crlf_blank_lines_and_rows_of_empty_cells_as_spreadsheets_write_them() {
    let (_tmp, dir) = init();
    // Line 1 header, 2 valid, 3 blank, 4 an unknown partner, 5 empty cells, 6 a bad amount,
    // 7 empty cells: line ends as Excel on Windows writes them.
    let csv = "partner,program,product_line,date,currency,amount\r\n\
               example-partner,example-program,licences,2025-06-01,EUR,1\r\n\
               \r\n\
               nobody,example-program,licences,2025-06-01,EUR,1\r\n\
               ,,,,,\r\n\
               example-partner,example-program,licences,2025-06-02,EUR,abc\r\n\
               ,,,,,\r\n";
    let run = import(&dir, csv, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{run:?}");
    assert!(
        lines[0].starts_with("facts.csv:4: unknown partner \"nobody\""),
        "{run:?}"
    );
    assert!(lines[1].starts_with("facts.csv:6: amount: "), "{run:?}");
    assert_eq!(lines[2], "2 rows rejected; nothing was written");
    // The valid row alone, with the rows of empty cells: they are skipped, not rejected.
    let valid: String = csv
        .split_inclusive("\r\n")
        .filter(|l| !l.starts_with("nobody") && !l.contains("abc"))
        .collect();
    let run = import(&dir, &valid, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("1 rows: 1 added, 0 updated"),
        "{run:?}"
    );
    assert!(read(&dir).contains("date = 2025-06-01\ncurrency = \"EUR\"\namount = \"1.00\""));
}

/// A CSV or column map named by mistake — a huge file, a device — is refused by its size, before
/// or while reading, never read without end.
#[cfg(target_os = "linux")]
#[test]
fn oversized_and_endless_inputs_are_refused_with_their_size() {
    let (_tmp, dir) = init();
    let before = read(&dir);
    let huge = std::fs::File::create(dir.join("huge.csv")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk space used
    let run = run_in(&dir, &["import", "huge.csv", "--kind", "revenue"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "error: huge.csv: 314572800 bytes; at most 268435456 bytes are read"
    );
    std::fs::write(dir.join("facts.csv"), HEADER).unwrap();
    let map = [
        "import",
        "facts.csv",
        "--kind",
        "revenue",
        "--map",
        "/dev/zero",
    ];
    let run = run_in(&dir, &map);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "error: /dev/zero: more than 1048576 bytes; at most 1048576 bytes are read"
    );
    assert_eq!(read(&dir), before);
}
