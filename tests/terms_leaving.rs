//! Leaving a program (issue #12, point 8). pimentaCHAT, Programm-Voraussetzungen 4: "Wenn der
//! Partner die Anforderungen des Vertrags nicht erfüllt, hat pimentaCHAT das Recht, den Partner
//! aus dem Programm zu entfernen." A removal is recorded as `ended` (and a `reason`) on the
//! membership: from that day on the partner holds nothing in the program; the day before it holds
//! what its facts give. A diff that adds `ended` shows the membership ended and what is lost.

mod common;
mod terms_support;

use common::TestRepo;
use terms_support::eval_in;

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

/// A certified hosting partner meeting every membership requirement (signed 2025-01-10, basic
/// training within 60 days, hosting certification 2025-03-01), optionally with an ending.
fn hosting_partner(ending: &str) -> String {
    format!(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\ncontract_start = 2025-01-10\n{ending}[memberships.obligations]\nsupport-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nown-hosting-infrastructure = true\nfirst-and-second-level-support = true\n\n[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = 2025-02-01\n\n[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"hosting-certification\"\ndate = 2025-03-01\n"
    )
}

const ENDED: &str =
    "ended = 2026-03-31\nreason = \"monthly sales reports missing since 2025-10\"\n";

#[test]
fn the_day_before_the_ending_the_partner_holds_its_type_and_benefits() {
    let ev = eval_in(
        "pimentachat",
        PIMENTA,
        &hosting_partner(ENDED),
        "2026-03-30",
    );
    assert_eq!(ev.types, vec!["hosting-partner"]);
    assert!(ev
        .entitlements
        .iter()
        .any(|e| e.id == "hosting-revenue-share"));
    assert!(ev.fees.iter().any(|e| e.id == "program-fee"));
    assert!(ev.ended.is_none());
}

#[test]
fn from_the_day_it_ends_the_partner_holds_nothing_in_the_program() {
    for as_of in ["2026-03-31", "2026-04-01", "2027-01-01"] {
        let ev = eval_in("pimentachat", PIMENTA, &hosting_partner(ENDED), as_of);
        assert!(ev.types.is_empty(), "{as_of}");
        assert!(ev.statuses.is_empty() && ev.tier.is_none(), "{as_of}");
        assert!(ev.entitlements.is_empty() && ev.fees.is_empty(), "{as_of}");
        assert!(ev.partner_types.iter().all(|q| !q.qualified), "{as_of}");
        let end = ev.ended.as_ref().expect("ended");
        assert_eq!(end.on.to_string(), "2026-03-31");
        assert_eq!(
            end.reason.as_deref(),
            Some("monthly sales reports missing since 2025-10")
        );
    }
}

#[test]
fn without_an_ending_the_same_partner_keeps_its_type() {
    let ev = eval_in("pimentachat", PIMENTA, &hosting_partner(""), "2026-04-01");
    assert_eq!(ev.types, vec!["hosting-partner"]);
}

fn repo_with_ending_added() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("programs/pimentachat.toml", PIMENTA);
    repo.write("partners/p.toml", hosting_partner(""));
    repo.commit_all("base");
    repo.git(&["branch", "base"]);
    repo.write("partners/p.toml", hosting_partner(ENDED));
    repo.commit_all("head");
    repo
}

#[test]
fn diff_shows_an_added_ending_as_the_membership_ended_and_its_losses() {
    let repo = repo_with_ending_added();
    let run = repo.run(&[
        "diff",
        "base",
        "HEAD",
        "--as-of",
        "2026-04-01",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        j["memberships_ended"],
        serde_json::json!([{ "partner": "p", "program": "pimentachat" }])
    );
    let lost: Vec<_> = j["qualification_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["id"].as_str().unwrap(), q["gained"].as_bool().unwrap()))
        .collect();
    assert_eq!(lost, vec![("hosting-partner", false)]);
    assert!(j["fee_changes"].as_array().unwrap().len() == 1);
    // The reason is confidential: only the field-level change says something changed there.
    assert!(!run.stdout.contains("monthly sales reports"));

    let md = repo.run(&[
        "diff",
        "base",
        "HEAD",
        "--as-of",
        "2026-04-01",
        "--format",
        "markdown",
    ]);
    assert!(md.stdout.contains("### Memberships ended"), "{}", md.stdout);
    assert!(md.stdout.contains("| p "), "{}", md.stdout);
    assert!(!md.stdout.contains("monthly sales reports"));
}

#[test]
fn diff_before_the_ending_takes_effect_shows_no_membership_ended() {
    let repo = repo_with_ending_added();
    let run = repo.run(&[
        "diff",
        "base",
        "HEAD",
        "--as-of",
        "2026-03-30",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(j.get("memberships_ended").is_none(), "{}", run.stdout);
    assert_eq!(j["qualification_changes"], serde_json::json!([]));
}

#[test]
fn check_rejects_a_reason_without_ended_and_an_ending_before_the_contract() {
    let repo = TestRepo::new();
    repo.write("programs/pimentachat.toml", PIMENTA);
    repo.write("partners/p.toml", hosting_partner("reason = \"left\"\n"));
    repo.commit_all("reason only");
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("membership-end"), "{}", run.stdout);
    // Line 14, after the 13 lines up to `contract_start`; the value after `reason = `.
    assert!(
        run.stdout.contains("partners/p.toml:14:10"),
        "{}",
        run.stdout
    );

    repo.write("partners/p.toml", hosting_partner("ended = 2025-01-09\n"));
    repo.commit_all("ends before it starts");
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("date-order"), "{}", run.stdout);
    assert!(
        run.stdout.contains("partners/p.toml:14:9"),
        "{}",
        run.stdout
    );
}
