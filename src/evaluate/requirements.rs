//! Requirements: each kind judged against the partner's facts, with the measured and required
//! values and, when unmet, what is missing (as data; `render::explain` writes the sentence).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::context::Cx;
use super::result::{Description, Label, Qualification, Quantity, RequirementResult, Shortfall};
use super::{EVAL_DEPTH_GUARD, EXPIRY_WARNING_DAYS};
use crate::model::program::{Level, Overdue, PointsComponent, Requirement};
use crate::model::scalar::{Currency, Id, Money};

impl<'a> Cx<'a> {
    /// Evaluate a tier, type or status: its own requirements, and whether it is held given
    /// whether the membership requirements are met.
    pub(super) fn qualification(
        &mut self,
        id: &str,
        name: &str,
        requires: &'a [Id],
        member_ok: bool,
    ) -> Qualification {
        let requirements: Vec<RequirementResult> = requires
            .iter()
            .map(|r| self.requirement(r.as_str(), 0))
            .collect();
        Qualification {
            id: id.to_owned(),
            name: name.to_owned(),
            qualified: member_ok && requirements.iter().all(|r| r.met),
            requirements,
        }
    }

    /// Evaluate a requirement by id.
    pub(super) fn requirement(&mut self, id: &str, depth: usize) -> RequirementResult {
        let Some((key, r)) = self.p.requirements.get_key_value(id) else {
            let unknown = Some(Shortfall::Unknown(id.to_owned()));
            let none = Quantity::None;
            return leaf(id, named(id), false, none.clone(), none, unknown);
        };
        let key = key.as_str();
        let description = named(r.name().unwrap_or(key));
        let mut res = if depth > EVAL_DEPTH_GUARD {
            let none = Quantity::None;
            let short = Some(Shortfall::TooDeep);
            leaf(key, description, false, none.clone(), none, short)
        } else {
            self.requirement_inner(key, r, description, depth)
        };
        if !res.met {
            if let Some(by) = self.waiver(key) {
                res.met = true;
                res.waived_by = Some(by);
                res.shortfall = None;
            }
        }
        res
    }

    /// Judge requirement `r` by its kind.
    fn requirement_inner(
        &mut self,
        id: &'a str,
        r: &'a Requirement,
        d: Description,
        depth: usize,
    ) -> RequirementResult {
        match r {
            Requirement::Count {
                measure, at_least, ..
            } => self.count(id, d, measure, *at_least),
            Requirement::Amount {
                measure, at_least, ..
            } => self.amount(id, d, measure, at_least),
            Requirement::Obligation { obligation, .. } => {
                let obligations = &self.membership.obligations;
                let met = obligations.get(obligation.as_str()).copied() == Some(true);
                let short = (!met).then(|| Shortfall::Obligation(description_text(&d)));
                flag_leaf(id, d, met, short)
            }
            Requirement::ContractSigned { .. } => self.contract_signed(id, d),
            Requirement::RegisteredCompany { accepts, .. } => {
                let registration = &self.partner.registration;
                let met = accepts.iter().any(|k| registration.has(*k));
                let short = (!met).then(|| Shortfall::Registration(accepts.clone()));
                flag_leaf(id, d, met, short)
            }
            Requirement::Deadline {
                training,
                within_days,
                overdue,
                ..
            } => self.deadline(id, d, training, *within_days, *overdue),
            Requirement::HoldsTier { tier, .. } => {
                let met = self.holds_tier(tier.as_str(), depth);
                let track = self.membership.track.as_ref();
                let name = || self.p.tier_name_in(track, tier.as_str()).to_owned();
                flag_leaf(id, d, met, (!met).then(|| Shortfall::TierFirst(name())))
            }
            Requirement::Approval { status, .. } => self.approval(id, d, status),
            Requirement::AllOf { of, .. } => self.combination(id, d, of, true, depth),
            Requirement::AnyOf { of, .. } => self.combination(id, d, of, false, depth),
            Requirement::Points {
                components,
                at_least,
                each_more_than,
                ..
            } => self.points(id, d, components, *at_least, *each_more_than),
        }
    }

    /// A counting measure that must reach `at_least`.
    fn count(
        &mut self,
        id: &str,
        d: Description,
        measure: &'a Id,
        at_least: u64,
    ) -> RequirementResult {
        let (actual, of) = self.measure(measure.as_str());
        let n = match actual {
            Quantity::Count(n) => n,
            Quantity::Unlimited => u64::MAX,
            _ => 0,
        };
        let missing = at_least.saturating_sub(n);
        let short = (missing > 0).then_some(Shortfall::Count { missing, of });
        let required = Quantity::Count(at_least);
        leaf(id, d, n >= at_least, actual, required, short)
    }

    /// A money measure that must reach one of the amounts of `at_least`.
    fn amount(
        &mut self,
        id: &str,
        d: Description,
        measure: &'a Id,
        at_least: &BTreeMap<Currency, Money>,
    ) -> RequirementResult {
        let (actual, of) = self.measure(measure.as_str());
        let have = |c: &Currency| match &actual {
            Quantity::Money(m) => m.get(c).copied().unwrap_or_default(),
            _ => Decimal::ZERO,
        };
        let met = at_least.iter().any(|(c, need)| have(c) >= need.0);
        let short = (!met).then(|| {
            let missing = at_least.iter();
            let missing = missing.map(|(c, need)| (c.clone(), need.0.saturating_sub(have(c))));
            Shortfall::Amount {
                missing: missing.collect(),
                of,
            }
        });
        let required =
            Quantity::MoneyAnyOf(at_least.iter().map(|(c, m)| (c.clone(), m.0)).collect());
        let mut res = leaf(id, d, met, actual, required, short);
        res.workings = self
            .workings
            .get(measure.as_str())
            .cloned()
            .unwrap_or_default();
        res
    }

    /// A partner contract signed by the judgement date and still in force.
    fn contract_signed(&mut self, id: &str, d: Description) -> RequirementResult {
        let m = self.membership;
        let signed = m.contract_start.is_some_and(|s| s <= self.judged);
        let ended = m.contract_end.filter(|e| *e < self.judged);
        let short = match ended {
            _ if !signed => Some(Shortfall::ContractUnsigned),
            Some(on) => Some(Shortfall::ContractEnded(on)),
            None => None,
        };
        flag_leaf(id, d, signed && ended.is_none(), short)
    }

    /// A training of kind `training` attended within `within_days` of the contract start.
    fn deadline(
        &mut self,
        id: &str,
        d: Description,
        training: &Id,
        within_days: u32,
        overdue: Overdue,
    ) -> RequirementResult {
        let Some(start) = self.membership.contract_start else {
            return flag_leaf(id, d, false, Some(Shortfall::NoContractStart));
        };
        let due = start.add_days(i64::from(within_days));
        let trainings = &self.p.trainings;
        let name = trainings.get(training.as_str()).cloned();
        let name = name.unwrap_or_else(|| training.to_string());
        // A training dated after the judgement date has not happened yet (as of then).
        let done = self
            .partner
            .trainings
            .iter()
            .filter(|t| self.is_mine(&t.program) && t.kind == *training)
            .map(|t| t.date)
            .filter(|d| *d <= self.judged)
            .min();
        let (no, yes) = (Quantity::Flag(false), Quantity::Flag(true));
        match done {
            Some(day) if day <= due => flag_leaf(id, d, true, None),
            _ if self.judged <= due => {
                self.warn(
                    "training-due",
                    format!("{name} is due by {due} ({within_days} days after the contract start)"),
                );
                leaf(id, d, true, no, yes, None)
            }
            Some(_) if overdue != Overdue::Permanent => flag_leaf(id, d, true, None),
            late => {
                let msg = match late {
                    Some(day) => format!("{name} was due by {due} but attended on {day}"),
                    None => format!("{name} is overdue since {due}"),
                };
                self.warn("training-overdue", msg);
                let name = description_text(&d);
                let short = Shortfall::TrainingOverdue { name, due };
                leaf(id, d, overdue == Overdue::Warn, no, yes, Some(short))
            }
        }
    }

    /// An active approval of `status` on the as-of date; warns of one expiring or expired.
    fn approval(&mut self, id: &str, d: Description, status: &Id) -> RequirementResult {
        let mine: Vec<_> = self
            .partner
            .approvals
            .iter()
            .filter(|a| self.is_mine(&a.program) && a.status.as_ref() == Some(status))
            .collect();
        let active = mine.iter().find(|a| a.active_on(self.as_of));
        if let Some(a) = active {
            let soon = |e: &_| self.as_of.days_until(*e) <= EXPIRY_WARNING_DAYS;
            if let Some(e) = a.expires.filter(soon) {
                let by = &a.approved_by;
                let msg = format!("approval of status `{status}` by {by} expires on {e}");
                self.warn("approval-expiring", msg);
            }
        } else if let Some(a) = mine
            .iter()
            .filter(|a| a.expires.is_some_and(|e| e <= self.as_of))
            .max_by_key(|a| a.expires)
        {
            let (by, e) = (&a.approved_by, a.expires.expect("filtered"));
            let msg = format!("approval of status `{status}` by {by} expired on {e}");
            self.warn("approval-expired", msg);
        }
        let met = active.is_some();
        let name = || {
            let named = self.p.statuses.iter().find(|s| s.id == *status);
            named.map_or(status.to_string(), |s| s.name.clone())
        };
        flag_leaf(id, d, met, (!met).then(|| Shortfall::Approval(name())))
    }

    /// `all_of` (when `all`) or `any_of` the requirements `of`.
    fn combination(
        &mut self,
        id: &str,
        description: Description,
        of: &[Id],
        all: bool,
        depth: usize,
    ) -> RequirementResult {
        let children: Vec<RequirementResult> = of
            .iter()
            .map(|c| self.requirement(c.as_str(), depth + 1))
            .collect();
        let met = if all {
            children.iter().all(|c| c.met)
        } else {
            children.iter().any(|c| c.met)
        };
        // An unmet all_of lists its children's shortfalls; an any_of offers them as alternatives.
        let shortfall = (!met && !all).then(|| {
            Shortfall::Either(children.iter().map(RequirementResult::shortfalls).collect())
        });
        RequirementResult {
            id: id.to_owned(),
            description,
            met,
            actual: Quantity::None,
            required: Quantity::None,
            shortfall,
            waived_by: None,
            children,
            workings: Vec::new(),
        }
    }

    /// A points score of at least `at_least`, each component above `each_more_than`.
    fn points(
        &mut self,
        id: &str,
        description: Description,
        components: &'a [PointsComponent],
        at_least: u32,
        each_more_than: Option<u32>,
    ) -> RequirementResult {
        let mut total = Decimal::ZERO;
        let mut children = Vec::new();
        for comp in components {
            let child = self.component(comp, each_more_than);
            let Quantity::Points(points) = child.actual else {
                unreachable!("components measure points")
            };
            // At most u32::MAX points per component: no sum of them comes near the limit.
            total = total.saturating_add(points);
            children.push(child);
        }
        let need = Decimal::from(at_least);
        let met = total >= need && children.iter().all(|c| c.met);
        let shortfall = (total < need).then(|| Shortfall::Points(need - total));
        RequirementResult {
            id: id.to_owned(),
            description,
            met,
            actual: Quantity::Points(total),
            required: Quantity::Points(need),
            shortfall,
            waived_by: None,
            children,
            workings: Vec::new(),
        }
    }

    /// One component of a points requirement; met when above the floor `each_more_than`.
    fn component(
        &mut self,
        comp: &'a PointsComponent,
        each_more_than: Option<u32>,
    ) -> RequirementResult {
        let (actual, of) = self.measure(comp.measure.as_str());
        let value = match (&actual, &comp.currency) {
            (Quantity::Count(n), _) => Decimal::from(*n),
            (Quantity::Money(m), Some(c)) => m.get(c).copied().unwrap_or_default(),
            _ => Decimal::ZERO,
        };
        let max = Decimal::from(comp.max);
        // Partial credit is linear and rounded to the hundredth per component, so the total is
        // exactly the sum of the components shown.
        let points = points_for(max, value, comp.full_at.0);
        let ok = each_more_than.is_none_or(|f| points > Decimal::from(f));
        let shortfall = (!ok).then(|| Shortfall::PointsEach {
            more_than: each_more_than.unwrap_or(0),
            component: comp.id.to_string(),
        });
        let full_at = comp.full_at;
        RequirementResult {
            id: comp.id.to_string(),
            description: component_description(of, comp.max, full_at),
            met: ok,
            actual: Quantity::Points(points),
            required: Quantity::Points(max),
            shortfall,
            waived_by: None,
            children: Vec::new(),
            workings: self
                .workings
                .get(comp.measure.as_str())
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// Whether the partner holds `tier`. Tiers are decided lowest first, so that a chain of tiers
    /// each requiring the one below is walked once, not once per tier above it.
    pub(super) fn holds_tier(&mut self, tier: &str, depth: usize) -> bool {
        if let Some(v) = self.tier_memo.get(tier) {
            return *v;
        }
        let Some(pos) = self.levels.iter().position(|l| l.tier.as_str() == tier) else {
            self.tier_memo.insert(tier.to_owned(), false);
            return false;
        };
        for i in 0..=pos {
            let l = self.levels[i];
            if !self.tier_memo.contains_key(l.tier.as_str()) {
                self.decide_tier(l, depth);
            }
        }
        self.tier_memo.get(tier).copied().unwrap_or(false)
    }

    /// Evaluate whether the level's tier is held: its own and the membership requirements.
    fn decide_tier(&mut self, l: &'a Level, depth: usize) {
        // Guard against a tier requiring itself: assume "not held" while evaluating.
        self.tier_memo.insert(l.tier.to_string(), false);
        let reqs: Vec<&'a Id> = l
            .requires
            .iter()
            .chain(&self.p.membership.requires)
            .collect();
        let met = reqs
            .into_iter()
            .all(|r| self.requirement(r.as_str(), depth + 1).met);
        self.tier_memo.insert(l.tier.to_string(), met);
    }
}

fn named(name: &str) -> Description {
    Description::Named(name.to_owned())
}

fn component_description(of: Label, max: u32, full_at: Money) -> Description {
    Description::Component { of, max, full_at }
}

/// The name a shortfall repeats (an obligation's, a deadline's).
fn description_text(d: &Description) -> String {
    match d {
        Description::Named(n) => n.clone(),
        Description::Component { of, .. } => of.name.clone(),
    }
}

/// Partial credit: linear up to `max` points at `full_at`, rounded to the hundredth. Values so
/// large that `max × value` overflows are far beyond `full_at` unless it is as large; then the
/// quotient is taken first.
pub(super) fn points_for(max: Decimal, value: Decimal, full_at: Decimal) -> Decimal {
    if full_at.is_zero() {
        return Decimal::ZERO;
    }
    let credit = match max.checked_mul(value) {
        Some(product) => product.checked_div(full_at),
        None => value
            .checked_div(full_at)
            .and_then(|share| share.min(Decimal::ONE).checked_mul(max)),
    };
    credit.unwrap_or(max).min(max).round_dp(2)
}

/// A result without parts; a met one has no shortfall.
fn leaf(
    id: &str,
    description: Description,
    met: bool,
    actual: Quantity,
    required: Quantity,
    shortfall: Option<Shortfall>,
) -> RequirementResult {
    RequirementResult {
        id: id.to_owned(),
        description,
        met,
        actual,
        required,
        shortfall: if met { None } else { shortfall },
        waived_by: None,
        children: Vec::new(),
        workings: Vec::new(),
    }
}

/// A yes/no requirement: actual is whether it holds, required is yes.
fn flag_leaf(
    id: &str,
    description: Description,
    met: bool,
    shortfall: Option<Shortfall>,
) -> RequirementResult {
    let (actual, required) = (Quantity::Flag(met), Quantity::Flag(true));
    leaf(id, description, met, actual, required, shortfall)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_of_huge_values_are_computed_without_overflow() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 100 × MAX overflows; MAX / MAX is full credit.
        assert_eq!(points_for(d("100"), Decimal::MAX, Decimal::MAX), d("100"));
        // 4e9 × 3e19 = 1.2e29 overflows; 3e19 / 6e19 is half credit.
        let (max, value, full) = (d("4000000000"), d("3e19"), d("6e19"));
        assert_eq!(points_for(max, value, full), d("2000000000"));
        // 100 × MAX / 0.01 overflows in the division: capped at the maximum.
        assert_eq!(points_for(d("100"), Decimal::MAX, d("0.01")), d("100"));
        // Ordinary values keep the exact formula: 30 × 1,000 / 3,000 = 10.
        assert_eq!(points_for(d("30"), d("1000"), d("3000")), d("10"));
        assert_eq!(points_for(d("30"), d("1000"), Decimal::ZERO), Decimal::ZERO);
    }
}
