//! The incremental diff loads the untouched files that the cross-file rules relate to the touched
//! ones by asking the rules what they read: a rule added later (here a toy rule, declared only in
//! this test) gets its conflicts found without any change to the diff.

mod common;

use common::{partner, TestRepo};
use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::{Code, Diagnostic, DocPath};
use partnerctl::load::{self, Loaded};
use partnerctl::model::partner::Partner;
use partnerctl::model::scalar::Date;
use partnerctl::rules::{AccessGrants, CrossFileRule, DuplicateId, Key, Programs, Rules};
use partnerctl::source::Side;

/// Toy rule: two partners may not show the same display name.
struct SameDisplayName;

const DISPLAY_NAME: Key = Key {
    name: "display name",
    values: |p| vec![p.profile.display_name.to_string()],
    fold_case: false,
};

impl CrossFileRule for SameDisplayName {
    // Codes are one closed table (`diagnostic::codes`); the toy borrows `schema`, which no
    // other rule reports on these valid files, and is told apart by its message.
    fn codes(&self) -> &'static [Code] {
        &[Code::Schema]
    }
    fn reads(&self) -> &'static [Key] {
        &[DISPLAY_NAME]
    }
    fn check(&self, partners: &mut [Loaded<Partner>], _: &Programs, _: Date) {
        let names: Vec<Option<String>> = partners
            .iter()
            .map(|f| {
                f.record
                    .as_ref()
                    .map(|p| p.profile.display_name.to_string())
            })
            .collect();
        for (i, f) in partners.iter_mut().enumerate() {
            let Some(name) = &names[i] else { continue };
            if names.iter().filter(|n| n.as_ref() == Some(name)).count() > 1 {
                let at = DocPath::root().key("profile").key("display_name");
                let d = Diagnostic::error(Code::Schema, &f.path, "shown twice");
                let d = load::locate(
                    d.with_path(&at),
                    f.text.as_deref().unwrap_or(""),
                    &at,
                    false,
                );
                f.diagnostics.push(d);
            }
        }
    }
}

const WITH_TOY: &Rules = &[&DuplicateId, &AccessGrants, &SameDisplayName];

/// Partner `id` showing `display` (written as given, between the quotes).
fn shown_as(id: &str, display: &str) -> String {
    common::edit(
        &partner(id),
        "display_name = \"Acme\"",
        &format!("display_name = \"{display}\""),
    )
}

/// (path, line:col) of every finding of the toy rule on one side.
fn toy_findings(ds: &Dataset) -> Vec<(String, String)> {
    ds.diagnostics()
        .into_iter()
        .filter(|d| d.code == Code::Schema && d.message == "shown twice")
        .map(|d| {
            let at = d.start.expect("located");
            (d.file.clone(), format!("{}:{}", at.line, at.column))
        })
        .collect()
}

/// A repository where `partners/bravo.toml` takes the display name that the untouched
/// `partners/alpha.toml` spells as `a_display` (committed `bravo` shows "Other"), diffed incrementally
/// and in full with the toy rule.
fn both_ways(a_display: &str) -> ((Dataset, Dataset), (Dataset, Dataset)) {
    let repo = TestRepo::with_nsp();
    repo.write("partners/alpha.toml", shown_as("alpha", a_display));
    repo.write("partners/bravo.toml", shown_as("bravo", "Other"));
    repo.write("partners/charlie.toml", shown_as("charlie", "Someone else"));
    repo.commit_all("base");
    repo.write("partners/bravo.toml", shown_as("bravo", "Zeta"));
    let source = partnerctl::source::Repo::discover(repo.path()).unwrap();
    let as_of = Date::from_ymd(2026, 1, 15).unwrap();
    let (base_side, head_side) = (Side::Rev("HEAD".into()), Side::WorkTree);
    let mut base = source.snapshot_lazy(&base_side).unwrap();
    let mut head = source.snapshot_lazy(&head_side).unwrap();
    let incremental =
        Dataset::pair_incremental_with(&source, &mut base, &mut head, as_of, WITH_TOY).unwrap();
    let base = source.snapshot(&base_side).unwrap();
    let head = source.snapshot(&head_side).unwrap();
    let full = Dataset::pair_as_of_with(&base, &head, as_of, WITH_TOY);
    (incremental, full)
}

#[test]
fn a_new_rule_finds_its_conflict_with_an_untouched_file_in_the_incremental_diff() {
    let ((base, head), (full_base, full_head)) = both_ways("Zeta");
    // display_name is line 7 of the fixture; `display_name = "` is 16 characters.
    let both = vec![
        ("partners/alpha.toml".to_owned(), "7:16".to_owned()),
        ("partners/bravo.toml".to_owned(), "7:16".to_owned()),
    ];
    assert_eq!(toy_findings(&head), both);
    assert_eq!(toy_findings(&full_head), both);
    assert!(toy_findings(&base).is_empty());
    assert!(toy_findings(&full_base).is_empty());
    // charlie.toml shares nothing with bravo.toml: not loaded.
    assert!(head
        .partners
        .iter()
        .all(|f| f.path != "partners/charlie.toml"));
}

#[test]
fn a_value_written_with_an_escape_is_still_found() {
    // "\u005aeta" is "Zeta".
    let ((_, head), (_, full_head)) = both_ways("\\u005aeta");
    let both = vec![
        ("partners/alpha.toml".to_owned(), "7:16".to_owned()),
        ("partners/bravo.toml".to_owned(), "7:16".to_owned()),
    ];
    assert_eq!(toy_findings(&full_head), both);
    assert_eq!(toy_findings(&head), both);
}
