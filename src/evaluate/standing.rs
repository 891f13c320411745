//! A partner's standing in one program on one date: the tier (by requirements, an override or a
//! grace period), partner types, statuses, what they grant, and the gaps to what is not held.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::context::Cx;
use super::entitlements::EntitlementMemo;
use super::gap::gap;
use super::result::{Ended, Evaluation, Qualification, RequirementResult, TierBasis, Warning};
use super::EXPIRY_WARNING_DAYS;
use crate::model::partner::{Membership, Partner};
use crate::model::program::{Grants, GrantsTo, Level, Program};
use crate::model::scalar::{Date, Id};

/// The evaluation on `as_of`, before a grace period or the end of the membership is applied.
pub(super) fn evaluate_once<'t>(
    partner: &Partner,
    membership: &Membership,
    terms: &'t Program,
    as_of: Date,
    memo: &EntitlementMemo<'t>,
) -> Evaluation {
    let levels = track_levels(terms, membership.track.as_ref());
    let mut cx = Cx::new(partner, membership, terms, as_of, levels);
    let membership_requirements: Vec<RequirementResult> = terms
        .membership
        .requires
        .iter()
        .map(|r| cx.requirement(r.as_str(), 0))
        .collect();
    let member_ok = membership_requirements.iter().all(|r| r.met);
    let tiers = cx.tiers(member_ok);
    let mut tier = tiers
        .iter()
        .rev()
        .find(|q| q.qualified)
        .map(|q| q.id.clone());
    let mut tier_basis = tier.as_ref().map(|_| TierBasis::Requirements);
    cx.apply_overrides(&mut tier, &mut tier_basis);
    let partner_types: Vec<Qualification> = membership
        .types
        .iter()
        .filter_map(|t| terms.partner_types.iter().find(|x| x.id == *t))
        .map(|t| cx.qualification(t.id.as_str(), &t.name, &t.requires, member_ok))
        .collect();
    let status_results: Vec<Qualification> = terms
        .statuses
        .iter()
        .map(|s| cx.qualification(s.id.as_str(), &s.name, &s.requires, member_ok))
        .collect();
    let grants = cx.grant_sources(tier.as_deref(), member_ok, &partner_types, &status_results);
    let (entitlements, fees) = memo.get(terms, &grants);
    let next_tier = next_tier_gap(terms, tier.as_deref(), &tiers, &membership_requirements);
    let type_gaps = partner_types
        .iter()
        .filter(|q| !q.qualified)
        .map(|q| gap(q, &membership_requirements))
        .collect();
    cx.fact_warnings();
    let goals = cx.goals();
    let held = |qs: &[Qualification]| {
        qs.iter()
            .filter(|q| q.qualified)
            .map(|q| q.id.clone())
            .collect()
    };
    Evaluation {
        partner: partner.id.to_string(),
        partner_name: partner.profile.display_name.to_string(),
        program: terms.id.to_string(),
        program_name: terms.name.clone(),
        terms_effective_from: terms.effective_from,
        as_of,
        review: cx.review,
        judged_on: cx.judged,
        track: membership.track.as_ref().map(|t| t.to_string()),
        tier,
        tier_basis,
        types: held(&partner_types),
        statuses: held(&status_results),
        membership_requirements,
        tiers,
        partner_types,
        status_results,
        next_tier,
        type_gaps,
        entitlements,
        fees,
        warnings: cx.warnings.into_iter().collect(),
        ended: None,
        goals,
    }
}

/// The gap to the lowest tier ranked above the one held.
fn next_tier_gap(
    terms: &Program,
    tier: Option<&str>,
    tiers: &[Qualification],
    membership: &[RequirementResult],
) -> Option<super::result::Gap> {
    let current_rank = tier.and_then(|t| terms.tier_rank(t));
    tiers
        .iter()
        .filter(|q| {
            terms
                .tier_rank(&q.id)
                .is_some_and(|r| current_rank.is_none_or(|c| r > c))
        })
        .min_by_key(|q| terms.tier_rank(&q.id))
        .map(|q| gap(q, membership))
}

impl<'a> Cx<'a> {
    /// Tiers of the partner's track, lowest first; each decided tier answers later `holds_tier`
    /// requirements without evaluating it again.
    fn tiers(&mut self, member_ok: bool) -> Vec<Qualification> {
        let (terms, track) = (self.p, self.membership.track.as_ref());
        let levels = self.levels.clone();
        levels
            .iter()
            .map(|l| {
                let name = terms.tier_name_in(track, l.tier.as_str());
                let q = self.qualification(l.tier.as_str(), name, &l.requires, member_ok);
                self.tier_memo.insert(q.id.clone(), q.qualified);
                q
            })
            .collect()
    }

    /// An active override sets the tier; one expiring soon or expired is a warning.
    fn apply_overrides(&mut self, tier: &mut Option<String>, basis: &mut Option<TierBasis>) {
        let (partner, as_of) = (self.partner, self.as_of);
        for a in partner.approvals.iter().filter(|a| a.program == self.p.id) {
            let Some(t) = &a.tier else { continue };
            let by = &a.approved_by;
            if a.active_on(as_of) {
                *tier = Some(t.to_string());
                *basis = Some(TierBasis::Override {
                    approved_by: by.clone(),
                    expires: a.expires,
                });
                if let Some(e) = a
                    .expires
                    .filter(|e| as_of.days_until(*e) <= EXPIRY_WARNING_DAYS)
                {
                    let msg = format!("override to tier `{t}` by {by} expires on {e}");
                    self.warn("override-expiring", msg);
                }
            } else if let Some(e) = a.expires.filter(|e| *e <= as_of) {
                let msg = format!(
                    "override to tier `{t}` by {by} expired on {e}; the tier follows the requirements"
                );
                self.warn("override-expired", msg);
            }
        }
    }

    /// What grants entitlements: membership, tier, types, statuses (and the tier benefits a
    /// status confers), each with the name it is shown under.
    fn grant_sources(
        &mut self,
        tier: Option<&str>,
        member_ok: bool,
        types: &[Qualification],
        statuses: &[Qualification],
    ) -> Vec<(String, &'a Grants)> {
        let terms = self.p;
        let mut grants: Vec<(String, &Grants)> = Vec::new();
        let holds_anything = tier.is_some()
            || types.iter().any(|q| q.qualified)
            || statuses.iter().any(|q| q.qualified);
        let member_gets = terms.membership.grants_to == GrantsTo::Members && member_ok;
        if holds_anything || member_gets {
            grants.push(("membership".into(), &terms.membership.grants));
        }
        if let Some(t) = tier {
            if let Some(l) = self.levels.iter().find(|l| l.tier.as_str() == t) {
                grants.push((format!("tier {t}"), &l.grants));
            }
        }
        for q in types.iter().filter(|q| q.qualified) {
            if let Some(t) = terms.partner_types.iter().find(|t| t.id.as_str() == q.id) {
                grants.push((format!("type {}", q.id), &t.grants));
            }
        }
        for q in statuses.iter().filter(|q| q.qualified) {
            let Some(s) = terms.statuses.iter().find(|s| s.id.as_str() == q.id) else {
                continue;
            };
            grants.push((format!("status {}", q.id), &s.grants));
            if let Some(l) = s.benefits_of.as_ref().and_then(|b| self.benefits_of(b)) {
                grants.push((
                    format!("status {} (benefits of {})", q.id, l.tier),
                    &l.grants,
                ));
            }
        }
        grants
    }

    /// The highest of the status's tiers whose deciding requirements (`by`) are all met.
    fn benefits_of(&mut self, b: &'a crate::model::program::BenefitsOf) -> Option<&'a Level> {
        let by: BTreeSet<&str> = b.by.iter().map(Id::as_str).collect();
        let candidates: Vec<&'a Level> = b
            .tiers
            .iter()
            .filter_map(|t| self.levels.iter().find(|l| l.tier == *t).copied())
            .collect();
        let terms = self.p;
        candidates
            .into_iter()
            .filter(|l| {
                let deciding: Vec<&Id> = l
                    .requires
                    .iter()
                    .filter(|r| by.contains(r.as_str()))
                    .collect();
                !deciding.is_empty() && deciding.iter().all(|r| self.requirement(r.as_str(), 0).met)
            })
            .max_by_key(|l| terms.tier_rank(l.tier.as_str()))
    }
}

/// A membership that has ended holds nothing from its last day on, whatever the requirements,
/// approvals or a grace period would give. The traces stay, to show where the partner stood;
/// the gaps go, as there is nothing to reach any more.
pub(super) fn end_membership(ev: &mut Evaluation, day: Date, reason: Option<String>) {
    ev.tier = None;
    ev.tier_basis = None;
    ev.types.clear();
    ev.statuses.clear();
    for q in ev
        .tiers
        .iter_mut()
        .chain(ev.partner_types.iter_mut())
        .chain(ev.status_results.iter_mut())
    {
        q.qualified = false;
    }
    ev.next_tier = None;
    ev.type_gaps.clear();
    ev.entitlements = Arc::default();
    ev.fees = Arc::default();
    ev.ended = Some(Ended { on: day, reason });
}

/// A program with a grace period keeps a tier the partner qualified for at a monthly sample point
/// within the last `grace_months`, until the grace period after that point ends.
pub(super) fn apply_grace<'t>(
    ev: &mut Evaluation,
    partner: &Partner,
    membership: &Membership,
    terms: &'t Program,
    as_of: Date,
    memo: &EntitlementMemo<'t>,
) {
    let Some(g) = terms.review.grace_months.filter(|g| *g > 0) else {
        return;
    };
    if matches!(ev.tier_basis, Some(TierBasis::Override { .. })) {
        return;
    }
    let rank = |t: &Option<String>| t.as_deref().and_then(|t| terms.tier_rank(t));
    let mut best: Option<(Option<usize>, Date, String)> = None;
    for k in 1..=g.min(36) {
        let then = as_of.add_months(-(k as i32));
        let past = evaluate_once(partner, membership, terms, then, memo);
        let r = rank(&past.tier);
        if r > rank(&ev.tier) && best.as_ref().is_none_or(|(br, _, _)| r > *br) {
            if let Some(t) = past.tier {
                best = Some((r, then, t));
            }
        }
    }
    let Some((_, then, t)) = best else { return };
    let until = then.add_months(g as i32).add_days(-1);
    if until < as_of {
        return;
    }
    let mut kept = evaluate_once(partner, membership, terms, as_of, memo);
    kept.warnings.push(Warning {
        code: "grace-period",
        message: format!("keeps tier `{t}` until {until} (grace period of {g} months); its requirements are not met now"),
    });
    kept.tier = Some(t.clone());
    kept.tier_basis = Some(TierBasis::Grace { until });
    let levels = track_levels(terms, membership.track.as_ref());
    let mut grants: Vec<(String, &Grants)> = vec![("membership".into(), &terms.membership.grants)];
    if let Some(l) = levels.iter().find(|l| l.tier.as_str() == t) {
        grants.push((format!("tier {t} (grace)"), &l.grants));
    }
    let (ent, fees) = memo.get(terms, &grants);
    kept.entitlements = ent;
    kept.fees = fees;
    kept.warnings.sort();
    *ev = kept;
}

/// The levels that apply to a track, in tier order.
pub(super) fn track_levels<'p>(terms: &'p Program, track: Option<&Id>) -> Vec<&'p Level> {
    // Ranks looked up once, not by a scan per comparison (quadratic in 1,000 tiers).
    let ranks: HashMap<&str, usize> = terms
        .tiers
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut levels: Vec<&Level> = terms
        .levels
        .iter()
        .filter(|l| l.track.is_none() || l.track.as_ref() == track)
        .collect();
    levels.sort_by_key(|l| ranks.get(l.tier.as_str()));
    levels
}
