//! Requirement ids and names that embed a threshold ("revenue-20000", "revenue of at least 20,000
//! EUR p.a.") go stale when the terms raise it: `check` warns at the id and at the name, and the
//! explanation shows the threshold from the terms instead (issue #13, item 4).

mod common;

use common::{edit, partner, TestRepo, NSP};

/// NoSpamProxy with the Business revenue threshold raised from 20,000 to 25,000 EUR, its id and
/// name left as they were.
fn raised() -> String {
    edit(
        NSP,
        "at_least = { EUR = \"20000.00\" }",
        "at_least = { EUR = \"25000.00\" }",
    )
}

/// `line=L,col=C` of the first occurrence of `needle` in `text`, `offset` bytes into it.
fn position(text: &str, needle: &str, offset: usize) -> String {
    let at = text.find(needle).unwrap() + offset;
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line={line},col={col}")
}

#[test]
fn a_raised_threshold_makes_check_warn_at_the_stale_id_and_name() {
    let repo = TestRepo::new();
    let program = raised();
    repo.write("programs/nospamproxy.toml", &program);
    repo.write("partners/acme.toml", partner("acme"));
    let run = repo.run(&["check", "--format", "github"]);
    // Warnings only: the data is valid.
    assert_eq!(run.code, 0, "{run:?}");
    // The id is the key of `[requirements.revenue-20000]`, after the 14 characters of
    // `[requirements.`; the name is the value of the `name` line two lines below it (lines of
    // programs/nospamproxy.toml as bundled).
    let id_at = position(&program, "[requirements.revenue-20000]", 14);
    assert_eq!(id_at, "line=169,col=15");
    let name_at = position(&program, "\"revenue of at least 20,000 EUR p.a.\"", 0);
    assert_eq!(name_at, "line=171,col=8");
    for (at, says) in [
        (id_at, "requirement id `revenue-20000` says 20000, but it requires at least 25,000.00 EUR"),
        (
            name_at,
            "the name of requirement `revenue-20000` says 20000, but it requires at least 25,000.00 EUR",
        ),
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.contains(&format!("file=programs/nospamproxy.toml,{at},")))
            .unwrap_or_else(|| panic!("no diagnostic at {at}:\n{}", run.stdout));
        assert!(line.starts_with("::warning "), "{line}");
        assert!(line.contains("title=partnerctl stale-requirement-name::"), "{line}");
        assert!(line.contains(says), "{line}");
    }
    // Only this requirement went stale.
    assert_eq!(
        run.stdout.matches("stale-requirement-name").count(),
        2,
        "{}",
        run.stdout
    );
}

#[test]
fn the_bundled_programs_name_their_thresholds_truly() {
    let repo = TestRepo::new();
    for (name, text) in [
        ("nospamproxy", NSP),
        ("pimentachat", include_str!("../programs/pimentachat.toml")),
        ("infomaniak", include_str!("../programs/infomaniak.toml")),
    ] {
        repo.write(&format!("programs/{name}.toml"), text);
    }
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stdout.contains("stale-requirement-name"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_explanation_shows_the_threshold_the_terms_set() {
    let repo = TestRepo::new();
    repo.write("programs/nospamproxy.toml", raised());
    repo.write("partners/acme.toml", partner("acme"));
    // As of 2025-03-01 the review of 2025-01-01 judges 2024: 2,000.00 EUR of revenue.
    let run = repo.run(&["eval", "--as-of", "2025-03-01", "--explain"]);
    assert_eq!(run.code, 0, "{run:?}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("revenue-20000:"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        line.contains(
            "✗ revenue-20000: at least 25,000.00 EUR (named \"revenue of at least 20,000 EUR \
             p.a.\", which the terms no longer say) — actual 2,000.00 EUR, required 25,000.00 \
             EUR — needs 23,000.00 EUR more"
        ),
        "{line}"
    );
    // A requirement whose name is true keeps it.
    assert!(
        run.stdout
            .contains("revenue-50000: revenue of at least 50,000 EUR p.a. — actual"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_diff_names_the_threshold_the_terms_set_not_the_stale_id() {
    let repo = TestRepo::new();
    repo.write("programs/nospamproxy.toml", NSP);
    // alpenblick-edv has 12,000.00 + 7,999.99 EUR of 2025 revenue, one cent below Business;
    // 9,000.00 instead of 7,999.99 makes it 21,000.00 EUR: Business under today's terms.
    let alpenblick = include_str!("data/import_region/alpenblick-edv.toml");
    let business = edit(alpenblick, "amount = \"7999.99\"", "amount = \"9000.00\"");
    repo.write("partners/alpenblick-edv.toml", &business);
    let infomaniak = include_str!("../programs/infomaniak.toml");
    repo.write("programs/infomaniak.toml", infomaniak);
    repo.commit_all("Business");
    // The threshold raised to 25,000 EUR: 21,000.00 no longer reaches it.
    repo.write("programs/nospamproxy.toml", raised());
    repo.commit_all("raise the Business threshold");
    let run = repo.run(&[
        "diff",
        "HEAD~1",
        "HEAD",
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
    ]);
    assert!(
        run.stdout
            .contains("revenue-20000 (at least 25,000.00 EUR) no longer met"),
        "{run:?}"
    );
    assert!(
        !run.stdout.contains("revenue-20000 no longer met"),
        "{run:?}"
    );
}
