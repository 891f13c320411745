//! Issue #15's "done when", in one go on a fresh directory, as a new team would walk it: `init`,
//! `new partner`, fill the placeholders, `check` green, `import` a 1,000-row CSV (and again:
//! nothing changes), `fmt --check` green, `eval --format csv` read back as a spreadsheet would.
//!
//! The starter program `init` writes (programs/example-program.toml): reviewed yearly in January
//! on the previous calendar year; Registered needs the support contract; Gold also needs revenue of
//! at least 10,000.00 EUR in licences and services and one sales training. Gold grants a 25 %
//! licence discount and a listing with logo.

mod common;

use std::path::Path;

use common::run_in;

/// As of mid-2026 the review window is the calendar year 2025.
const AS_OF: &str = "2026-06-30";

/// Each placeholder of `new partner` with what a partner manager would write.
fn fill_placeholders(text: &str) -> String {
    let filled: Vec<String> = text
        .lines()
        .map(|line| match line.split_once(" = \"TODO:") {
            Some(("legal_name", _)) => "legal_name = \"Acme Systemhaus GmbH\"".into(),
            Some(("display_name", _)) => "display_name = \"Acme\"".into(),
            Some(("country", _)) => "country = \"DE\"".into(),
            Some(("contract_start", _)) => "contract_start = 2025-01-01".into(),
            Some((key, _)) => panic!("a placeholder this test does not know: {key}"),
            None if line == "support-contract = false" => "support-contract = true".into(),
            None => line.into(),
        })
        .collect();
    filled.join("\n") + "\n"
}

/// 500 revenue rows for acme in 2025 (20.00 EUR each, 10,000.00 in all: exactly Gold's threshold)
/// and 500 for the example partner in 2024 (outside the window: its tier stays as it is).
fn revenue_csv() -> String {
    let mut csv = String::from("partner,program,product_line,date,currency,amount\n");
    for (partner, year, amount) in [("acme", 2025, "20.00"), ("example-partner", 2024, "1.50")] {
        for i in 0..500u32 {
            let line = if i % 2 == 0 { "licences" } else { "services" };
            let (month, day) = (1 + (i / 2) / 28, 1 + (i / 2) % 28);
            csv.push_str(&format!(
                "{partner},example-program,{line},{year}-{month:02}-{day:02},EUR,{amount}\n"
            ));
        }
    }
    csv
}

fn eval_rows(dir: &Path) -> Vec<csv::StringRecord> {
    let run = run_in(dir, &["eval", "--format", "csv", "--as-of", AS_OF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let first: Vec<&str> = header.iter().take(5).collect();
    assert_eq!(first, ["partner", "program", "track", "tier", "tier_name"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    rows
}

fn tier_of<'r>(rows: &'r [csv::StringRecord], partner: &str) -> (&'r str, &'r str) {
    let row = rows.iter().find(|r| &r[0] == partner).unwrap();
    assert_eq!(&row[1], "example-program");
    (&row[3], &row[4])
}

#[test]
fn a_new_team_goes_from_init_to_a_spreadsheet_of_tiers() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "partners-repo"]).code, 0);
    let dir = tmp.path().join("partners-repo");
    assert_eq!(run_in(&dir, &["check"]).code, 0);

    let new = run_in(
        &dir,
        &["new", "partner", "acme", "--program", "example-program"],
    );
    assert_eq!(new.code, 0, "{}", new.stderr);
    assert_eq!(
        run_in(&dir, &["check"]).code,
        1,
        "placeholders are findings"
    );
    let path = dir.join("partners/acme.toml");
    let filled = fill_placeholders(&std::fs::read_to_string(&path).unwrap());
    assert!(!filled.contains("= \"TODO"));
    std::fs::write(&path, filled).unwrap();
    let check = run_in(&dir, &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    std::fs::write(dir.join("revenue.csv"), revenue_csv()).unwrap();
    let import = ["import", "revenue.csv", "--kind", "revenue"];
    let first = run_in(&dir, &import);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stdout,
        "1000 rows: 1000 added, 0 updated, 0 unchanged; 2 files changed\n"
    );
    // The entries follow the file's commented revenue example, above the trainings example.
    let text = std::fs::read_to_string(&path).unwrap();
    let entries = text.find("# amount = \"1000.00\"\n\n[[revenue]]\nprogram = ");
    let trainings_example = text.find("# Trainings attended");
    assert!(entries.is_some() && entries < trainings_example, "{text}");
    assert_eq!(text.matches("\n[[revenue]]\n").count(), 500);
    let again = run_in(&dir, &import);
    assert_eq!(
        again.stdout,
        "1000 rows: 0 added, 0 updated, 1000 unchanged; 0 files changed\n"
    );
    assert_eq!(run_in(&dir, &["check"]).code, 0);
    let fmt = run_in(&dir, &["fmt", "--check"]);
    assert_eq!(
        fmt.code, 0,
        "imported entries are canonical: {}",
        fmt.stdout
    );

    // 10,000.00 EUR meets Gold's "at least 10,000" (inclusive), but the sales training is missing.
    let rows = eval_rows(&dir);
    assert_eq!(tier_of(&rows, "acme"), ("registered", "Registered Partner"));
    let acme = rows.iter().find(|r| &r[0] == "acme").unwrap();
    // Only the training is named as missing: the revenue requirement is met.
    assert_eq!(&acme[9], "Gold Partner: needs 1 more sales training");
    assert_eq!(tier_of(&rows, "example-partner"), ("gold", "Gold Partner"));

    let training =
        "partner,program,person,kind,date\nacme,example-program,Jana Nowak,sales,2025-05-12\n";
    std::fs::write(dir.join("trainings.csv"), training).unwrap();
    let trained = run_in(&dir, &["import", "trainings.csv", "--kind", "trainings"]);
    assert_eq!(trained.code, 0, "{}", trained.stderr);
    let rows = eval_rows(&dir);
    assert_eq!(tier_of(&rows, "acme"), ("gold", "Gold Partner"));
    let acme = rows.iter().find(|r| &r[0] == "acme").unwrap();
    assert!(acme[8].contains("Discount on licences: 25%"), "{acme:?}");
    assert_eq!(run_in(&dir, &["fmt", "--check"]).code, 0);
}
