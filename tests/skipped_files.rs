//! `eval`, `directory` and `upcoming` leave out the same invalid partner files and say so in the
//! same words (issue #11: they used to count skipped files by two rules, `upcoming` by a third).

mod common;

use common::{edit, partner, TestRepo};

const AS_OF: &str = "2026-11-23";

/// A repository with one valid partner and one with two schema errors: a country that is not
/// an ISO code and a key the schema does not know.
fn repo() -> TestRepo {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", partner("acme"));
    let broken = edit(
        &partner("broken"),
        "country = \"DE\"",
        "country = \"Germany\"\nfounded = 1990",
    );
    repo.write("partners/broken.toml", broken);
    repo.commit_all("data");
    repo
}

#[test]
fn eval_directory_and_upcoming_report_the_same_skipped_file_and_error_count() {
    let repo = repo();
    let check = repo.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let broken_errors = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "partners/broken.toml" && d["severity"] == "error")
        .count();
    assert_eq!(broken_errors, 2, "{}", check.stdout);

    let line = "skipped partners/broken.toml: 2 error(s); run `partnerctl check`\n";
    let eval = repo.run(&["eval", "--as-of", AS_OF]);
    assert_eq!((eval.code, eval.stderr.as_str()), (1, line));
    assert!(eval.stdout.contains("acme"), "{}", eval.stdout);

    let out = repo.abs("site");
    let site = repo.run(&[
        "directory",
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--build-date",
        AS_OF,
    ]);
    assert_eq!(site.code, 1, "{}", site.stderr);
    let (skipped, wrote) = site.stderr.split_at(line.len());
    assert_eq!(skipped, line);
    assert!(wrote.starts_with("wrote "), "{}", site.stderr);

    // upcoming says the same; its exit status stays that of --fail-on.
    let upcoming = repo.run(&["upcoming", "--as-of", AS_OF]);
    assert_eq!((upcoming.code, upcoming.stderr.as_str()), (0, line));

    let json = repo.run(&["eval", "--as-of", AS_OF, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["skipped"],
        serde_json::json!([{ "file": "partners/broken.toml", "errors": 2 }])
    );
}

#[test]
fn eval_of_other_partners_does_not_report_the_invalid_file() {
    let repo = repo();
    let eval = repo.run(&["eval", "--as-of", AS_OF, "--partner", "acme"]);
    assert_eq!((eval.code, eval.stderr.as_str()), (0, ""));
}
