//! One judgement date per evaluation (issue #12, point 3). pimentaCHAT: "Die
//! Vertragsanforderungen und -erfüllungen werden vierteljährlich bewertet. Wir werden
//! vierteljährliche Überprüfungen durchführen, um die Einhaltung der Programmanforderungen zu
//! überwachen" — the review monitors compliance, so the program judges on the as-of date.
//! NoSpamProxy: "Die Überprüfung findet einmal im Jahr zu Jahresbeginn ... statt" — the review
//! sets the tier, so it judges on the review date.

mod terms_support;

use partnerctl::evaluate::Evaluation;
use partnerctl::model::scalar::Date;
use terms_support::eval_in;

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

const OBLIGATIONS: &str = "support-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nown-hosting-infrastructure = true\nfirst-and-second-level-support = true\n";

/// A hosting partner signed on 2025-01-10 with its basic training in time, certified on `cert`.
fn hoster(cert: &str) -> String {
    format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\ncontract_start = 2025-01-10\n[memberships.obligations]\n{OBLIGATIONS}\n[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = 2025-02-01\n\n[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"hosting-certification\"\ndate = {cert}\n")
}

fn holds(ev: &Evaluation) -> bool {
    ev.types == vec!["hosting-partner".to_owned()]
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// pimentaCHAT with the hosting certification valid for 12 months (the brochure states no expiry;
/// this makes the day it expires testable) and the given `judge_on`.
fn expiring(judge_on: &str) -> String {
    let t = PIMENTA
        .replace(
            "name = \"pimentaCHAT certification for hosting services (Hosting Partner)\"\n",
            "name = \"pimentaCHAT certification for hosting services (Hosting Partner)\"\nvalid_months = 12\n",
        )
        .replace("judge_on = \"as-of\"", &format!("judge_on = \"{judge_on}\""));
    assert!(t.contains("valid_months = 12") && t.contains("judge_on"));
    t
}

#[test]
fn certified_within_the_quarter_counts_from_its_date() {
    // Certified on 2026-11-10, after the quarter's review on 2026-10-01: a hosting partner from
    // that day on, not only from the next quarter.
    assert!(!holds(&eval_in(
        "pimentachat",
        PIMENTA,
        &hoster("2026-11-10"),
        "2026-11-09"
    )));
    let ev = eval_in("pimentachat", PIMENTA, &hoster("2026-11-10"), "2026-11-10");
    assert!(holds(&ev));
    assert_eq!(ev.judged_on, d("2026-11-10"));
    assert_eq!(ev.review.date, d("2026-10-01"));
}

#[test]
fn the_day_a_certification_expires_within_a_quarter() {
    // Certified 2025-11-15, valid 12 months: valid through 2026-11-14.
    let on = |judge_on: &str, as_of: &str| {
        holds(&eval_in(
            "pimentachat",
            &expiring(judge_on),
            &hoster("2025-11-15"),
            as_of,
        ))
    };
    assert!(on("as-of", "2026-11-14"));
    assert!(!on("as-of", "2026-11-15"));
    // Judged on the review date (2026-10-01), the certification was valid, and the partner
    // keeps the type for the rest of the quarter, contract and training judged on that day too.
    assert!(on("review-date", "2026-11-15"));
    assert!(!on("review-date", "2027-01-01"));
}

#[test]
fn explain_names_the_judgement_date() {
    let ev = eval_in("pimentachat", PIMENTA, &hoster("2026-11-10"), "2026-11-23");
    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(
        text.contains("\n  requirements judged on 2026-11-23, the as-of date\n"),
        "{text}"
    );
    let ev = eval_in(
        "pimentachat",
        &expiring("review-date"),
        &hoster("2025-11-15"),
        "2026-11-23",
    );
    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(
        text.contains(
            "\n  requirements judged on 2026-10-01, the review date (approvals on the as-of date)\n"
        ),
        "{text}"
    );
}

#[test]
fn judged_on_the_review_date_a_contract_signed_later_waits_for_the_next_review() {
    // Signed 2025-01-10; judged on the review date 2025-01-01 it is not yet signed.
    let ev = eval_in(
        "pimentachat",
        &expiring("review-date"),
        &hoster("2025-01-10"),
        "2025-03-31",
    );
    let signed = ev
        .membership_requirements
        .iter()
        .find(|r| r.id == "contract-signed")
        .unwrap();
    assert!(!signed.met);
    assert!(holds(&eval_in(
        "pimentachat",
        &expiring("review-date"),
        &hoster("2025-01-10"),
        "2025-04-01"
    )));
}
