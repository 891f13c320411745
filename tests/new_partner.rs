//! `partnerctl new partner`: a record from the program's terms, placeholders `check` points at.

mod common;

use common::TestRepo;

/// Line and column (from 1) where `needle` starts in `text`.
fn position(text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text}"));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

#[test]
fn new_partner_has_located_placeholders_and_passes_check_once_filled() {
    let repo = TestRepo::with_nsp();
    let run = repo.run(&["new", "partner", "acme", "--program", "nospamproxy"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap();
    // The program's own obligation keys, with their descriptions, and its product lines.
    assert!(text.contains("basic-service-agreement = false"), "{text}");
    assert!(
        text.contains("# Basic service agreement with Net at Work GmbH"),
        "{text}"
    );
    assert!(text.contains("#   server-new-licences: NoSpamProxy Server: new licences"));
    assert!(text.contains("#   admin-training: Two-day administrator training"));

    let check = repo.run(&["check", "--format", "github"]);
    assert_eq!(check.code, 1, "{check:?}");
    // Five placeholders: legal name, display name, country, track (the program has two tracks
    // and none was chosen) and contract start; each reported once, where its value starts.
    assert_eq!(check.stdout.matches("::error").count(), 5, "{check:?}");
    for (key, path) in [
        ("legal_name = \"TODO", "legal_name"),
        ("display_name = \"TODO", "profile.display_name"),
        ("country = \"TODO", "profile.country"),
        ("track = \"TODO", "memberships.track"),
        ("contract_start = \"TODO", "memberships.contract_start"),
    ] {
        let lc = position(&text, key);
        let (line, col) = lc.split_once(':').unwrap();
        let col: usize = col.parse::<usize>().unwrap() + key.len() - "\"TODO".len();
        let located = format!("line={line},col={col}");
        assert!(
            check.stdout.contains(&located),
            "{key}: {located} in {check:?}"
        );
        assert!(
            check.stdout.contains(&format!("{path} is not filled in")),
            "{check:?}"
        );
    }

    let filled = [
        ("legal_name = ", "\"Acme GmbH\""),
        ("display_name = ", "\"Acme\""),
        ("country = ", "\"DE\""),
        ("track = ", "\"server-cloud\""),
        ("contract_start = ", "2024-02-01"),
    ]
    .iter()
    .fold(text.clone(), |t, (key, value)| {
        let start = t.find(&format!("{key}\"TODO")).unwrap() + key.len();
        let end = start + t[start..].find('\n').unwrap();
        format!("{}{value}{}", &t[..start], &t[end..])
    });
    repo.write("partners/acme.toml", filled);
    let check = repo.run(&["check"]);
    assert_eq!(check.code, 0, "{check:?}");
    let fmt = repo.run(&["fmt", "--check"]);
    assert_eq!(fmt.code, 0, "{fmt:?}");
}

#[test]
fn placeholder_text_never_reaches_annotations() {
    let repo = TestRepo::with_nsp();
    let text = common::partner("acme").replace(
        "legal_name = \"Acme GmbH\"",
        "legal_name = \"Acme GmbH\"\n\n[[contacts]]\nname = \"TODO: call CANARY-4711\"",
    );
    repo.write("partners/acme.toml", text);
    let check = repo.run(&["check", "--format", "github"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stdout.contains("contacts.name is not filled in"),
        "{check:?}"
    );
    assert!(!check.stdout.contains("CANARY"), "{check:?}");
}

#[test]
fn unknown_program_track_and_type_suggest_the_closest_id() {
    let repo = TestRepo::with_nsp();
    let run = repo.run(&["new", "partner", "acme", "--program", "nospamproxi"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("did you mean \"nospamproxy\""),
        "{run:?}"
    );
    let args = [
        "new",
        "partner",
        "acme",
        "--program",
        "nospamproxy",
        "--track",
        "server-clod",
    ];
    let run = repo.run(&args);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("did you mean \"server-cloud\""),
        "{run:?}"
    );
    assert!(!repo.abs("partners/acme.toml").exists());
}

#[test]
fn an_existing_partner_file_is_never_overwritten() {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", "keep");
    let run = repo.run(&["new", "partner", "acme", "--program", "nospamproxy"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("partners/acme.toml already exists"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap(),
        "keep"
    );
}

#[test]
fn a_chosen_track_is_written_and_needs_no_placeholder() {
    let repo = TestRepo::with_nsp();
    let args = [
        "new",
        "partner",
        "acme",
        "--program",
        "nospamproxy",
        "--track",
        "cloud-only",
    ];
    assert_eq!(repo.run(&args).code, 0);
    let text = std::fs::read_to_string(repo.abs("partners/acme.toml")).unwrap();
    assert!(text.contains("track = \"cloud-only\"\n"), "{text}");
    let check = repo.run(&["check", "--format", "github"]);
    assert_eq!(check.stdout.matches("::error").count(), 4, "{check:?}");
}

#[test]
fn diff_counts_a_file_with_placeholders_as_invalid() {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", common::partner("acme"));
    repo.commit_all("valid partner");
    let edited = common::edit(
        &common::partner("acme"),
        "legal_name = \"Acme GmbH\"",
        "legal_name = \"TODO: legal name\"",
    );
    repo.write("partners/acme.toml", edited);
    let run = repo.run(&["diff", "HEAD", "--fail-on", "invalid"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("gate failed: invalid"), "{run:?}");
}
