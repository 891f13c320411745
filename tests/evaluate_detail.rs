//! Outcome-only evaluations (what `diff` compares) must decide exactly what full evaluations
//! decide; they only leave out the prose.

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Detail, Evaluation, RequirementResult};
use partnerctl::model::scalar::Date;
use partnerctl::source::{Repo, Side};

/// Everything that decides an outcome, with the prose left out.
fn decided(e: &Evaluation) -> String {
    fn met(r: &RequirementResult, out: &mut String) {
        out.push_str(&format!(
            "{}={} {:?}/{:?} {:?} [",
            r.id, r.met, r.actual, r.required, r.waived_by
        ));
        for c in &r.children {
            met(c, out);
        }
        out.push(']');
    }
    let mut out = format!(
        "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}\n",
        e.partner,
        e.program,
        e.review,
        e.track,
        e.tier,
        e.tier_basis,
        e.types,
        e.statuses,
        e.entitlements,
        e.fees
    );
    for r in &e.membership_requirements {
        met(r, &mut out);
    }
    for q in e
        .tiers
        .iter()
        .chain(&e.partner_types)
        .chain(&e.status_results)
    {
        out.push_str(&format!("\n{} {} {}:", q.id, q.name, q.qualified));
        for r in &q.requirements {
            met(r, &mut out);
        }
    }
    out
}

#[test]
fn outcome_only_evaluations_decide_like_full_ones_on_every_bundled_partner() {
    // The samples as committed: uncommitted edits to them do not change this test.
    let repo = Repo::discover(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let ds = Dataset::from_snapshot(&repo.snapshot(&Side::Rev("HEAD".into())).unwrap());
    let catalog = ds.catalog();
    let partners: Vec<_> = ds
        .partners
        .iter()
        .filter_map(|f| f.record.as_ref())
        .collect();
    let mut compared = 0;
    // Dates around the bundled programs' reviews and the sample partners' deadlines.
    for as_of in [
        "2025-03-01",
        "2025-12-31",
        "2026-01-01",
        "2026-07-15",
        "2026-11-23",
        "2027-01-01",
    ] {
        let as_of: Date = as_of.parse().unwrap();
        let full = evaluate::evaluate_each(
            partners.iter().copied(),
            &catalog,
            as_of,
            Detail::Full,
            |e| decided(&e),
        );
        let lean = evaluate::evaluate_each(
            partners.iter().copied(),
            &catalog,
            as_of,
            Detail::Outcome,
            |e| {
                // The prose really is left out.
                assert!(e
                    .tiers
                    .iter()
                    .flat_map(|q| &q.requirements)
                    .all(|r| r.description.is_empty() && r.shortfall.is_none()));
                decided(&e)
            },
        );
        assert_eq!(full, lean, "as of {as_of}");
        compared += full.len();
    }
    assert!(compared >= 6 * 30, "{compared}");
}
