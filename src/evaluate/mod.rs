//! Evaluation: a pure function of (partner facts, program terms, as-of date) → tiers, requirement
//! traces with actual vs required values, the gap to the next tier, entitlements, fees and warnings.
//! All arithmetic is exact (`Decimal`); thresholds are inclusive; currencies are never converted.
//! Evaluation returns data; the sentences shown to readers are written by `render::explain`.
//!
//! Files: `result` (the returned types), `standing` (tier, overrides, grace, grants, the end of a
//! membership), `requirements` (each requirement kind), `measures` (what facts add up to),
//! `entitlements` (what is granted and how it reads), `gap` (what is missing), `facts` (warnings
//! no requirement raises, goal reviews), `context` (the per-evaluation state), `names` (numbers
//! written in requirement ids and names), `time` (reviews and windows), `goals`.

mod context;
mod entitlements;
mod facts;
mod gap;
pub mod goals;
mod measures;
pub mod names;
mod requirements;
mod result;
mod standing;
pub mod time;

pub use entitlements::display_grant;
pub use result::{
    Counted, Description, Ended, Entitlement, Evaluation, Gap, Label, Qualification, Quantity,
    RequirementResult, Shortfall, TierBasis, Warning, Working,
};

use crate::model::partner::{Membership, Partner};
use crate::model::program::Program;
use crate::model::scalar::Date;
pub use entitlements::EntitlementMemo;

/// Days ahead in which an expiring certification or approval is worth a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// How many levels of combinations (`all_of`/`any_of`) a requirement may nest; `check` rejects
/// deeper ones, so evaluation and rendering, which recurse over them, stay shallow.
pub const MAX_REQUIREMENT_DEPTH: usize = 32;

/// How many results one requirement's trace may hold; `check` rejects larger ones (a combination
/// used twice at each of 32 levels would otherwise build billions).
pub const MAX_REQUIREMENT_CHECKS: u64 = 10_000;

/// Recursion depth at which evaluation gives up on a requirement: a valid program stays below it
/// (nesting plus one `holds_tier` step into lower tiers, which are already decided), so it only
/// guards data that skipped `check`.
const EVAL_DEPTH_GUARD: usize = 4 * MAX_REQUIREMENT_DEPTH;

/// Evaluate `partner` in the program of `membership` under `terms`, as of `as_of`: the entry
/// point for one evaluation ([`evaluate_each`] runs many in parallel and shares their
/// entitlement lists).
pub fn evaluate(
    partner: &Partner,
    membership: &Membership,
    terms: &Program,
    as_of: Date,
) -> Evaluation {
    evaluate_memo(
        partner,
        membership,
        terms,
        as_of,
        &EntitlementMemo::default(),
    )
}

/// [`evaluate`], sharing the entitlement lists of each (terms, grant sources) through `memo`
/// across many evaluations under the same borrowed terms (every date of a history, say).
pub fn evaluate_memo<'t>(
    partner: &Partner,
    membership: &Membership,
    terms: &'t Program,
    as_of: Date,
    memo: &EntitlementMemo<'t>,
) -> Evaluation {
    let mut ev = standing::evaluate_once(partner, membership, terms, as_of, memo);
    standing::apply_grace(&mut ev, partner, membership, terms, as_of, memo);
    if let Some(day) = membership.ended.filter(|d| *d <= as_of) {
        standing::end_membership(&mut ev, day, membership.reason.clone());
    }
    ev
}

/// Evaluate every valid partner's memberships as of `as_of`, sorted by partner then program.
/// Memberships whose program has no terms in effect yet are skipped.
pub fn evaluate_all<'a>(
    partners: impl IntoIterator<Item = &'a Partner>,
    catalog: &crate::model::catalog::Catalog<'_>,
    as_of: Date,
) -> Vec<Evaluation> {
    evaluate_each(partners, catalog, as_of, |ev| ev)
}

/// Evaluate every membership of `partners` in parallel and pass each evaluation to `f` (a
/// renderer, say), so that the full traces need not all be held at once. Results come in the
/// order of [`evaluate_all`]: by partner id, then program id.
pub fn evaluate_each<'a, R: Send>(
    partners: impl IntoIterator<Item = &'a Partner>,
    catalog: &crate::model::catalog::Catalog<'_>,
    as_of: Date,
    f: impl Fn(Evaluation) -> R + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    let memo = EntitlementMemo::default();
    let mut pairs: Vec<(&Partner, &Membership)> = partners
        .into_iter()
        .flat_map(|p| p.memberships.iter().map(move |m| (p, m)))
        .collect();
    // Stable, so equal keys keep file order.
    pairs.sort_by(|a, b| (&a.0.id, &a.1.program).cmp(&(&b.0.id, &b.1.program)));
    pairs
        .par_iter()
        .filter_map(|(p, m)| {
            catalog
                .terms(m.program.as_str(), as_of)
                .map(|terms| f(evaluate_memo(p, m, terms, as_of, &memo)))
        })
        .collect()
}
