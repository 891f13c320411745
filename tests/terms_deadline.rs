//! Deadlines and facts dated after the as-of date (issue #12, point 2), from pimentaCHAT's
//! onboarding step 6: "Basisschulungsprozess Die bis 60 Tage nach Unterzeichnung des
//! Partnerschaftsvertrags ... erbrachten Dienstleistungen". The bundled program reads a missed
//! deadline as a reminder (`overdue = "warn"`); the other two readings are checked on the same
//! program with the one line changed.

mod terms_support;

use partnerctl::evaluate::{Evaluation, Quantity};
use terms_support::{codes, eval_in};

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

const OBLIGATIONS: &str = "support-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nown-hosting-infrastructure = true\nfirst-and-second-level-support = true\n";

/// A hosting partner signed on 2026-08-01 (day 60, the deadline, is 2026-09-30), certified since
/// 2026-06-01, with basic trainings on `trainings`.
fn hoster(trainings: &[&str]) -> String {
    let mut s = String::from("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\ncontract_start = 2026-08-01\n[memberships.obligations]\n");
    s += OBLIGATIONS;
    s += "\n[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"hosting-certification\"\ndate = 2026-06-01\n\n";
    for t in trainings {
        s += &format!("[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = {t}\n\n");
    }
    s
}

fn with_overdue(overdue: &str, trainings: &[&str], as_of: &str) -> Evaluation {
    let terms = PIMENTA.replace("overdue = \"warn\"", &format!("overdue = \"{overdue}\""));
    assert!(
        PIMENTA.contains("\noverdue = \"warn\"\n"),
        "the bundled program states its reading"
    );
    eval_in("pimentachat", &terms, &hoster(trainings), as_of)
}

fn deadline_met(ev: &Evaluation) -> bool {
    ev.membership_requirements
        .iter()
        .find(|r| r.id == "basic-training-60-days")
        .expect("the deadline is a membership requirement")
        .met
}

fn holds(ev: &Evaluation) -> bool {
    ev.types == vec!["hosting-partner".to_owned()]
}

#[test]
fn the_day_the_deadline_passes() {
    for overdue in ["warn", "unmet-until-done", "permanent"] {
        // 2026-09-30 is day 60: still due, a reminder, a partner under every reading.
        let due = with_overdue(overdue, &[], "2026-09-30");
        assert!(holds(&due), "{overdue}");
        assert_eq!(codes(&due), vec!["training-due"], "{overdue}");
        // 2026-10-01: overdue.
        let over = with_overdue(overdue, &[], "2026-10-01");
        assert_eq!(codes(&over), vec!["training-overdue"], "{overdue}");
        assert_eq!(holds(&over), overdue == "warn", "{overdue}");
        assert_eq!(deadline_met(&over), overdue == "warn", "{overdue}");
    }
}

#[test]
fn attended_late_counts_except_when_permanent() {
    // Attended on 2026-10-15, two weeks late; judged on 2026-11-23.
    let warn = with_overdue("warn", &["2026-10-15"], "2026-11-23");
    assert!(holds(&warn));
    assert!(warn.warnings.is_empty(), "{:?}", warn.warnings);
    let until_done = with_overdue("unmet-until-done", &["2026-10-15"], "2026-11-23");
    assert!(holds(&until_done));
    // Between the deadline and the late training the partner was not a hosting partner.
    assert!(!holds(&with_overdue(
        "unmet-until-done",
        &["2026-10-15"],
        "2026-10-14"
    )));
    let permanent = with_overdue("permanent", &["2026-10-15"], "2026-11-23");
    assert!(!holds(&permanent));
    assert_eq!(
        permanent.warnings[0].message,
        "Basic training process (Basisschulung), incl. test sessions was due by 2026-09-30 but attended on 2026-10-15"
    );
}

#[test]
fn a_training_dated_after_the_as_of_date_has_not_happened() {
    // Recorded for 2026-09-15 (in time), judged on 2026-09-01: not done yet, so a reminder.
    let ev = with_overdue("permanent", &["2026-09-15"], "2026-09-01");
    assert_eq!(codes(&ev), vec!["training-due"]);
    let r = &ev.membership_requirements;
    let deadline = r.iter().find(|r| r.id == "basic-training-60-days").unwrap();
    assert_eq!(deadline.actual, Quantity::Flag(false));
    // Recorded for 2026-12-01, judged on 2026-10-20 after the deadline: overdue, and the message
    // says "overdue", not "attended on 2026-12-01".
    let ev = with_overdue("permanent", &["2026-12-01"], "2026-10-20");
    assert_eq!(
        ev.warnings[0].message,
        "Basic training process (Basisschulung), incl. test sessions is overdue since 2026-09-30"
    );
    assert!(!holds(&ev));
}

#[test]
fn a_contract_starting_after_the_as_of_date_has_no_term_yet() {
    // pimentaCHAT: "Vertragslaufzeit von mindestens 1 Jahr". Signed for 2026-08-01, judged on
    // 2026-07-31: no months of contract term count yet.
    let ev = with_overdue("warn", &[], "2026-07-31");
    let term = ev
        .membership_requirements
        .iter()
        .find(|r| r.id == "contract-term-12-months")
        .unwrap();
    assert_eq!(term.actual, Quantity::Count(0));
    assert!(!term.met);
}
