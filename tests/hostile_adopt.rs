//! Hostile inputs for the adoption commands that are too large for fixture folders.

mod common;

use common::TestRepo;

#[test]
fn fmt_reports_deep_nesting_as_invalid_toml_instead_of_overflowing() {
    let repo = TestRepo::with_nsp();
    let dotted = format!("x.{} = 1\n", vec!["a"; 50_000].join("."));
    let arrays = format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    repo.write("partners/dotted.toml", &dotted);
    repo.write("partners/arrays.toml", &arrays);
    let run = repo.run(&["fmt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("partners/dotted.toml:1:"), "{run:?}");
    assert!(run.stderr.contains("partners/arrays.toml:1:"), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/dotted.toml")).unwrap(),
        dotted
    );
}

#[test]
fn many_rows_for_one_partner_with_many_entries_are_merged_by_key() {
    // 3,000 existing entries and 3,000 rows for the same partner: every row matches by key, so
    // the import updates each once (a key index, not a scan per row).
    let repo = TestRepo::with_nsp();
    let n = 3_000;
    let mut partner = common::partner("acme");
    let mut csv = String::from("partner,program,product_line,date,currency,amount\n");
    for i in 0..n {
        // A distinct date per row: 336 days per year from 2000 on.
        let date = format!(
            "{}-{:02}-{:02}",
            2000 + i / 336,
            1 + i % 12,
            1 + (i / 12) % 28
        );
        let line = [
            "server-new-licences",
            "server-maintenance",
            "server-services",
        ][i / 336 % 3];
        let cents = format!("{}.{:02}", i / 336, i % 100);
        partner.push_str(&format!(
            "\n[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"{line}\"\ndate = {date}\n\
             currency = \"EUR\"\namount = \"1.00\"\n"
        ));
        csv.push_str(&format!("acme,nospamproxy,{line},{date},EUR,{cents}\n"));
    }
    repo.write("partners/acme.toml", partner);
    repo.write("facts.csv", csv);
    let run = repo.run(&["import", "facts.csv", "--kind", "revenue"]);
    assert_eq!(run.code, 0, "{run:?}");
    // Only rows whose amount is exactly 1.00 (year 2001, i % 100 == 0) leave their entry as it is.
    let unchanged = (0..n).filter(|i| i / 336 == 1 && i % 100 == 0).count();
    assert!(
        run.stdout.contains(&format!(
            "{n} rows: 0 added, {} updated, {unchanged} unchanged",
            n - unchanged
        )),
        "{run:?}"
    );
}
