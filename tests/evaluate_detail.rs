//! `evaluate::evaluate`, the entry point for one evaluation, decides exactly what the batch
//! evaluation (`evaluate_each`, which shares entitlement lists between partners) decides.

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Evaluation, RequirementResult};
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
fn one_evaluation_decides_like_the_batch_on_every_bundled_partner() {
    // The samples as committed: uncommitted edits to them do not change this test.
    let repo = Repo::discover(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let ds = Dataset::from_snapshot(&repo.snapshot(&Side::Rev("HEAD".into())).unwrap());
    let catalog = ds.catalog();
    let mut partners: Vec<_> = ds
        .partners
        .iter()
        .filter_map(|f| f.record.as_ref())
        .collect();
    partners.sort_by(|a, b| a.id.cmp(&b.id));
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
        let batch =
            evaluate::evaluate_each(partners.iter().copied(), &catalog, as_of, |e| decided(&e));
        let mut one = Vec::new();
        for p in &partners {
            let mut ms: Vec<_> = p.memberships.iter().collect();
            ms.sort_by(|a, b| a.program.cmp(&b.program));
            for m in ms {
                if let Some(terms) = catalog.terms(m.program.as_str(), as_of) {
                    one.push(decided(&evaluate::evaluate(p, m, terms, as_of)));
                }
            }
        }
        assert_eq!(batch, one, "as of {as_of}");
        compared += batch.len();
    }
    assert!(compared >= 6 * 30, "{compared}");
}
