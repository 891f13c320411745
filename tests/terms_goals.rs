//! Goals reviewed on a cadence (issue #12, point 8). pimentaCHAT, Onboarding 2: "Definieren Sie
//! Ziele für die nächsten 3 Monate und Jahr, die alle 3 Monate ausgewertet werden sollen." A goal
//! set on 2025-02-01 is reviewed on 2025-05-01, 2025-08-01, 2025-11-01, …; each review is met or
//! unmet; a review date that has passed without a recorded review is warned about.

mod terms_support;

use partnerctl::evaluate::Evaluation;
use terms_support::eval_in;

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

fn partner(reviews: &str) -> String {
    format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\ncontract_start = 2025-01-10\n\n[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = 2025-02-01\n\n[[goals]]\nprogram = \"pimentachat\"\ndescription = \"20 hosted customers by year end\"\nset = 2025-02-01\nreviews = [{reviews}]\n")
}

fn missed_warnings(ev: &Evaluation) -> Vec<&str> {
    ev.warnings
        .iter()
        .filter(|w| w.code == "goal-review-missed")
        .map(|w| w.message.as_str())
        .collect()
}

#[test]
fn before_the_first_review_date_nothing_is_due() {
    let ev = eval_in("pimentachat", PIMENTA, &partner(""), "2025-04-30");
    let g = &ev.goals[0];
    assert_eq!((g.due, g.missed), (0, 0));
    assert_eq!(g.next.to_string(), "2025-05-01");
    assert!(missed_warnings(&ev).is_empty());
}

#[test]
fn on_the_review_day_it_is_due_and_the_day_after_it_is_missed() {
    let ev = eval_in("pimentachat", PIMENTA, &partner(""), "2025-05-01");
    assert_eq!((ev.goals[0].due, ev.goals[0].missed), (1, 0));
    assert!(missed_warnings(&ev).is_empty());

    let ev = eval_in("pimentachat", PIMENTA, &partner(""), "2025-05-02");
    assert_eq!((ev.goals[0].due, ev.goals[0].missed), (1, 1));
    assert_eq!(
        missed_warnings(&ev),
        vec!["goal set on 2025-02-01: no review recorded for 2025-05-01 (1 missed; goals are reviewed every 3 months)"]
    );
}

#[test]
fn recorded_reviews_are_met_or_unmet_and_only_the_unrecorded_one_is_missed() {
    let reviews = "{ date = 2025-05-01, met = true }, { date = 2025-08-01, met = false }";
    let ev = eval_in("pimentachat", PIMENTA, &partner(reviews), "2025-11-02");
    let g = &ev.goals[0];
    let outcomes: Vec<(String, bool)> = g
        .reviews
        .iter()
        .map(|r| (r.date.to_string(), r.met))
        .collect();
    assert_eq!(
        outcomes,
        vec![("2025-05-01".into(), true), ("2025-08-01".into(), false)]
    );
    assert_eq!((g.due, g.missed), (3, 1));
    assert_eq!(
        g.last_missed.map(|d| d.to_string()).as_deref(),
        Some("2025-11-01")
    );
    assert_eq!(g.next.to_string(), "2026-02-01");
    assert_eq!(missed_warnings(&ev).len(), 1);
    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(
        text.contains("reviews: 2025-05-01 met, 2025-08-01 unmet; 1 missed, latest 2025-11-01; next 2026-02-01"),
        "{text}"
    );
}

#[test]
fn a_review_recorded_after_the_as_of_date_does_not_count_yet() {
    let reviews = "{ date = 2025-05-01, met = true }";
    let ev = eval_in("pimentachat", PIMENTA, &partner(reviews), "2025-04-30");
    assert!(ev.goals[0].reviews.is_empty());
}

#[test]
fn check_rejects_a_review_not_on_a_review_date() {
    use partnerctl::dataset::Dataset;
    use partnerctl::source::{blob_id, Snapshot, SourceFile};
    let files = [
        ("programs/pimentachat.toml", PIMENTA.to_owned()),
        (
            "partners/p.toml",
            partner("{ date = 2025-05-02, met = true }"),
        ),
    ]
    .into_iter()
    .map(|(p, t)| SourceFile {
        path: p.into(),
        blob_id: blob_id(t.as_bytes()),
        bytes: t.into_bytes(),
    })
    .collect();
    let ds = Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files,
        problems: vec![],
    });
    let diags = ds.diagnostics();
    let d = diags
        .iter()
        .find(|d| d.code == "goal-review-date")
        .expect("rejected");
    // `reviews` is line 25 (after 20 lines up to the training and `[[goals]]`, `program`,
    // `description`, `set`); the date follows the 20 characters of `reviews = [{ date = `.
    let at = d.start.expect("located");
    assert_eq!((at.line, at.column), (25, 21));
}
