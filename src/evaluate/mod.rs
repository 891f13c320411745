//! Evaluation: a pure function of (partner facts, program terms, as-of date) → tiers, requirement
//! traces with actual vs required values, the gap to the next tier, entitlements, fees and warnings.
//! All arithmetic is exact (`Decimal`); thresholds are inclusive; currencies are never converted.

pub mod goals;
pub mod time;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::partner::{Membership, Partner};
use crate::model::program::{
    Aggregate, EntitlementKind, GrantValue, Grants, GrantsTo, JudgeOn, Level, Measure, MoneyFacts,
    Overdue, Partial, Program, Requirement,
};
use crate::model::scalar::{format_amount, Currency, Date, Id, Month};
use time::{review_period, window_span, ReviewPeriod, Span};

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

/// A measured or required value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Quantity {
    /// A count.
    Count(u64),
    /// No upper limit (an open-ended contract).
    Unlimited,
    /// Money per currency (serialized with exactly two decimals).
    Money(#[serde(serialize_with = "two_decimals")] BTreeMap<Currency, Decimal>),
    /// Alternative amounts, one per currency, any one of which suffices (a threshold such as
    /// "CHF 2000 oder € 1800"; serialized with exactly two decimals).
    MoneyAnyOf(#[serde(serialize_with = "two_decimals")] BTreeMap<Currency, Decimal>),
    /// A yes/no fact.
    Flag(bool),
    /// A points score (serialized with exactly two decimals).
    Points(#[serde(serialize_with = "two_decimals_one")] Decimal),
    /// Nothing to measure (combinations).
    None,
}

fn two_decimals<S: serde::Serializer>(
    m: &BTreeMap<Currency, Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    for (c, v) in m {
        map.serialize_entry(c, &format!("{:.2}", v.round_dp(2)))?;
    }
    map.end()
}

fn two_decimals_one<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{:.2}", v.round_dp(2)))
}

impl Quantity {
    /// Human rendering: `3`, `1,999.99 EUR`, `2,000.00 CHF or 1,800.00 EUR`, `yes`.
    pub fn display(&self) -> String {
        match self {
            Quantity::Count(n) => n.to_string(),
            Quantity::Unlimited => "open-ended".into(),
            Quantity::Money(m) if m.is_empty() => "0.00".into(),
            Quantity::Money(m) => m
                .iter()
                .map(|(c, a)| format!("{} {c}", format_amount(*a)))
                .collect::<Vec<_>>()
                .join(" + "),
            Quantity::MoneyAnyOf(m) => m
                .iter()
                .map(|(c, a)| format!("{} {c}", format_amount(*a)))
                .collect::<Vec<_>>()
                .join(" or "),
            Quantity::Flag(b) => if *b { "yes" } else { "no" }.into(),
            Quantity::Points(p) => p.round_dp(2).normalize().to_string(),
            Quantity::None => "—".into(),
        }
    }
}

/// The result of one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementResult {
    /// Requirement id.
    pub id: String,
    /// What it asks for.
    pub description: String,
    /// Whether it is met (or waived).
    pub met: bool,
    /// Measured value.
    pub actual: Quantity,
    /// Required value.
    pub required: Quantity,
    /// What is missing, when not met: "2 more realized projects in the review year".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<String>,
    /// Approver, when an approval waived the requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<String>,
    /// Results of the parts of a combination.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RequirementResult>,
    /// How the measured value was arrived at where that is not a plain sum: the pro-rata share of
    /// a booking period only partly inside the window, say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workings: Vec<String>,
}

impl RequirementResult {
    /// The shortfalls of the unmet leaves below this result.
    pub fn shortfalls(&self) -> Vec<String> {
        if self.met {
            return Vec::new();
        }
        if let Some(s) = &self.shortfall {
            return vec![s.clone()];
        }
        self.children
            .iter()
            .flat_map(RequirementResult::shortfalls)
            .collect()
    }
}

/// Whether a tier, type or status is held, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qualification {
    /// Id of the tier, type or status.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Whether all its requirements (and the membership requirements) are met.
    pub qualified: bool,
    /// Its own requirements.
    pub requirements: Vec<RequirementResult>,
}

/// How the tier was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum TierBasis {
    /// The partner meets the tier's requirements.
    Requirements,
    /// A manual override in the partner file.
    Override {
        /// Who approved it.
        approved_by: String,
        /// When it stops counting.
        #[serde(skip_serializing_if = "Option::is_none")]
        expires: Option<Date>,
    },
    /// Kept during the program's grace period after no longer qualifying.
    Grace {
        /// Last day of the grace period.
        until: Date,
    },
}

/// The distance to the next tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The next tier.
    pub tier: String,
    /// Its name.
    pub name: String,
    /// What is missing, one item per unmet requirement.
    pub missing: Vec<String>,
}

impl Gap {
    /// One sentence: "needs 2 more realized projects and 1,000.00 EUR more revenue".
    pub fn sentence(&self) -> String {
        match self.missing.as_slice() {
            [] => format!("{}: requirements met", self.name),
            [one] => format!("{}: needs {one}", self.name),
            [init @ .., last] => format!("{}: needs {} and {last}", self.name, init.join(", ")),
        }
    }
}

/// An entitlement the partner holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entitlement {
    /// Entitlement id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Kind; decides the shape of `value`.
    pub kind: EntitlementKind,
    /// The granted value, as written in the program terms.
    pub value: GrantValue,
    /// Human rendering of the value: "25%", "50 users", "1,000.00 EUR per year".
    pub display: String,
    /// What grants it: "membership", "tier business", "type hosting-partner", "status …".
    pub source: String,
}

/// A warning about a partner's standing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// Stable code.
    pub code: &'static str,
    /// Message.
    pub message: String,
}

/// The evaluation of one partner in one program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Partner id.
    pub partner: String,
    /// Partner display name.
    pub partner_name: String,
    /// Program id.
    pub program: String,
    /// Program name.
    pub program_name: String,
    /// Effective date of the terms used.
    pub terms_effective_from: Date,
    /// The as-of date.
    pub as_of: Date,
    /// The review in force on the as-of date.
    pub review: ReviewPeriod,
    /// The date every requirement was judged on (the program's `review.judge_on`); approvals
    /// are judged on the as-of date.
    pub judged_on: Date,
    /// Track, for programs with tracks.
    pub track: Option<String>,
    /// Qualifying tier id, or none.
    pub tier: Option<String>,
    /// How the tier was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_basis: Option<TierBasis>,
    /// Partner types held.
    pub types: Vec<String>,
    /// Statuses held.
    pub statuses: Vec<String>,
    /// Requirements every member must meet.
    pub membership_requirements: Vec<RequirementResult>,
    /// Every tier of the partner's track with its requirement trace, lowest first.
    pub tiers: Vec<Qualification>,
    /// Declared partner types with their traces.
    pub partner_types: Vec<Qualification>,
    /// Statuses with their traces.
    pub status_results: Vec<Qualification>,
    /// What the partner lacks for the next tier up.
    pub next_tier: Option<Gap>,
    /// What the partner lacks for each declared partner type it does not hold.
    pub type_gaps: Vec<Gap>,
    /// Entitlements held, sorted by id (shared: partners holding the same tiers, types and
    /// statuses hold the very same list).
    pub entitlements: Arc<Vec<Entitlement>>,
    /// Fees due, sorted by id (shared like `entitlements`).
    pub fees: Arc<Vec<Entitlement>>,
    /// Warnings, sorted.
    pub warnings: Vec<Warning>,
    /// Set when the membership ended on or before the as-of date: then nothing is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
    /// The partner's goals in this program with their reviews, for programs that review goals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<goals::GoalResult>,
}

impl Evaluation {
    /// Human name of the tier, if any.
    pub fn tier_name(&self) -> Option<&str> {
        let t = self.tier.as_deref()?;
        self.tiers
            .iter()
            .find(|q| q.id == t)
            .map(|q| q.name.as_str())
    }

    /// What is missing for the next tier and for each unheld partner type, one sentence each.
    pub fn gap_sentences(&self) -> Vec<String> {
        self.next_tier
            .iter()
            .chain(&self.type_gaps)
            .map(|g| g.sentence())
            .collect()
    }
}

/// Evaluate `partner` in the program of `membership` under `terms`, as of `as_of`.
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
        Detail::Full,
    )
}

/// How much of the trace an evaluation writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: descriptions, measure labels and shortfalls, hence gaps.
    Full,
    /// Only what decides outcomes: tiers, types, statuses, which requirements are met, measured
    /// and required values, entitlements and fees. Descriptions and shortfalls are left empty
    /// (so gaps list nothing); for comparing outcomes, as `diff` does.
    Outcome,
}

/// The entitlement lists already built during one batch of evaluations, by program and grant
/// sources. Entitlements depend only on the terms and on what grants them, so partners holding
/// the same tiers, types and statuses share one list instead of building equal ones.
#[derive(Default)]
struct EntitlementMemo {
    #[allow(clippy::type_complexity)]
    lists: Mutex<HashMap<MemoKey, (Arc<Vec<Entitlement>>, Arc<Vec<Entitlement>>)>>,
}

/// The terms (by address, stable while one batch borrows them) and each grant source with the
/// address of its grants.
type MemoKey = (usize, Vec<(String, usize)>);

impl EntitlementMemo {
    fn get(
        &self,
        terms: &Program,
        grants: &[(String, &Grants)],
    ) -> (Arc<Vec<Entitlement>>, Arc<Vec<Entitlement>>) {
        let key: MemoKey = (
            std::ptr::from_ref(terms) as usize,
            grants
                .iter()
                .map(|(s, g)| (s.clone(), std::ptr::from_ref(*g) as usize))
                .collect(),
        );
        let lock = || self.lists.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(&key) {
            return hit.clone();
        }
        let (ent, fees) = collect_entitlements(terms, grants);
        let built = (Arc::new(ent), Arc::new(fees));
        lock().insert(key, built.clone());
        built
    }
}

fn evaluate_memo(
    partner: &Partner,
    membership: &Membership,
    terms: &Program,
    as_of: Date,
    memo: &EntitlementMemo,
    detail: Detail,
) -> Evaluation {
    let mut ev = evaluate_once(partner, membership, terms, as_of, memo, detail);
    apply_grace(&mut ev, partner, membership, terms, as_of, memo, detail);
    if let Some(day) = membership.ended.filter(|d| *d <= as_of) {
        end_membership(&mut ev, day, membership.reason.clone());
    }
    ev
}

/// A membership that has ended holds nothing from its last day on, whatever the requirements,
/// approvals or a grace period would give. The traces stay, to show where the partner stood;
/// the gaps go, as there is nothing to reach any more.
fn end_membership(ev: &mut Evaluation, day: Date, reason: Option<String>) {
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

/// When and why a membership ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ended {
    /// The first day the partner holds nothing in the program.
    pub on: Date,
    /// Why (confidential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn evaluate_once(
    partner: &Partner,
    membership: &Membership,
    terms: &Program,
    as_of: Date,
    memo: &EntitlementMemo,
    detail: Detail,
) -> Evaluation {
    let review = review_period(&terms.review, as_of);
    let levels = track_levels(terms, membership.track.as_ref());
    let judged = match terms.review.judge_on {
        JudgeOn::ReviewDate => review.date,
        JudgeOn::AsOf => as_of,
    };
    let mut cx = Cx {
        partner,
        membership,
        p: terms,
        as_of,
        judged,
        review,
        measures: HashMap::new(),
        levels: levels.clone(),
        workings: HashMap::new(),
        tier_memo: HashMap::new(),
        warnings: BTreeSet::new(),
        detail,
    };
    let track = membership.track.as_ref().map(|t| t.to_string());

    let membership_requirements: Vec<RequirementResult> = terms
        .membership
        .requires
        .iter()
        .map(|r| cx.requirement(r.as_str(), 0))
        .collect();
    let member_ok = membership_requirements.iter().all(|r| r.met);

    // Tiers of the partner's track, lowest first; each decided tier answers later `holds_tier`
    // requirements without evaluating it again.
    let tiers: Vec<Qualification> = levels
        .iter()
        .map(|l| {
            let q = cx.qualification(
                l.tier.as_str(),
                terms.tier_name_in(membership.track.as_ref(), l.tier.as_str()),
                &l.requires,
                member_ok,
            );
            cx.tier_memo.insert(q.id.clone(), q.qualified);
            q
        })
        .collect();
    let mut tier = tiers
        .iter()
        .rev()
        .find(|q| q.qualified)
        .map(|q| q.id.clone());
    let mut tier_basis = tier.as_ref().map(|_| TierBasis::Requirements);

    // Overrides.
    for a in partner.approvals.iter().filter(|a| a.program == terms.id) {
        let Some(t) = &a.tier else { continue };
        if a.active_on(as_of) {
            tier = Some(t.to_string());
            tier_basis = Some(TierBasis::Override {
                approved_by: a.approved_by.clone(),
                expires: a.expires,
            });
            if let Some(e) = a.expires {
                if as_of.days_until(e) <= EXPIRY_WARNING_DAYS {
                    cx.warn(
                        "override-expiring",
                        format!("override to tier `{t}` by {} expires on {e}", a.approved_by),
                    );
                }
            }
        } else if a.expires.is_some_and(|e| e <= as_of) {
            cx.warn(
                "override-expired",
                format!(
                    "override to tier `{t}` by {} expired on {}; the tier follows the requirements",
                    a.approved_by,
                    a.expires.expect("checked")
                ),
            );
        }
    }

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

    // Entitlements: membership, tier, types, statuses (and the tier benefits a status confers).
    let mut grants: Vec<(String, &Grants)> = Vec::new();
    let holds_anything = tier.is_some()
        || partner_types.iter().any(|q| q.qualified)
        || status_results.iter().any(|q| q.qualified);
    let member_gets = terms.membership.grants_to == GrantsTo::Members && member_ok;
    if holds_anything || member_gets {
        grants.push(("membership".into(), &terms.membership.grants));
    }
    if let Some(t) = &tier {
        if let Some(l) = levels.iter().find(|l| l.tier.as_str() == t) {
            grants.push((format!("tier {t}"), &l.grants));
        }
    }
    for q in partner_types.iter().filter(|q| q.qualified) {
        if let Some(t) = terms.partner_types.iter().find(|t| t.id.as_str() == q.id) {
            grants.push((format!("type {}", q.id), &t.grants));
        }
    }
    for q in status_results.iter().filter(|q| q.qualified) {
        let Some(s) = terms.statuses.iter().find(|s| s.id.as_str() == q.id) else {
            continue;
        };
        grants.push((format!("status {}", q.id), &s.grants));
        if let Some(b) = &s.benefits_of {
            let by: BTreeSet<&str> = b.by.iter().map(Id::as_str).collect();
            let best = b
                .tiers
                .iter()
                .filter_map(|t| levels.iter().find(|l| l.tier == *t))
                .filter(|l| {
                    let deciding: Vec<&Id> = l
                        .requires
                        .iter()
                        .filter(|r| by.contains(r.as_str()))
                        .collect();
                    !deciding.is_empty()
                        && deciding.iter().all(|r| cx.requirement(r.as_str(), 0).met)
                })
                .max_by_key(|l| terms.tier_rank(l.tier.as_str()));
            if let Some(l) = best {
                grants.push((
                    format!("status {} (benefits of {})", q.id, l.tier),
                    &l.grants,
                ));
            }
        }
    }
    let (entitlements, fees) = memo.get(terms, &grants);

    // Gap to the next tier.
    let current_rank = tier.as_deref().and_then(|t| terms.tier_rank(t));
    let next_tier = tiers
        .iter()
        .filter(|q| {
            terms
                .tier_rank(&q.id)
                .is_some_and(|r| current_rank.is_none_or(|c| r > c))
        })
        .min_by_key(|q| terms.tier_rank(&q.id))
        .map(|q| gap(q, &membership_requirements));

    let type_gaps = partner_types
        .iter()
        .filter(|q| !q.qualified)
        .map(|q| gap(q, &membership_requirements))
        .collect();

    cx.fact_warnings();
    let goals = cx.goals();
    Evaluation {
        partner: partner.id.to_string(),
        partner_name: partner.profile.display_name.clone(),
        program: terms.id.to_string(),
        program_name: terms.name.clone(),
        terms_effective_from: terms.effective_from,
        as_of,
        review,
        judged_on: judged,
        track,
        tier,
        tier_basis,
        types: partner_types
            .iter()
            .filter(|q| q.qualified)
            .map(|q| q.id.clone())
            .collect(),
        statuses: status_results
            .iter()
            .filter(|q| q.qualified)
            .map(|q| q.id.clone())
            .collect(),
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

/// A program with a grace period keeps a tier the partner qualified for at a monthly sample point
/// within the last `grace_months`, until the grace period after that point ends.
fn apply_grace(
    ev: &mut Evaluation,
    partner: &Partner,
    membership: &Membership,
    terms: &Program,
    as_of: Date,
    memo: &EntitlementMemo,
    detail: Detail,
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
        let past = evaluate_once(partner, membership, terms, then, memo, detail);
        let r = rank(&past.tier);
        if r > rank(&ev.tier) && best.as_ref().is_none_or(|(br, _, _)| r > *br) {
            if let Some(t) = past.tier {
                best = Some((r, then, t));
            }
        }
    }
    if let Some((_, then, t)) = best {
        let until = then.add_months(g as i32).add_days(-1);
        if until >= as_of {
            let mut kept = evaluate_once(partner, membership, terms, as_of, memo, detail);
            kept.warnings.push(Warning {
                code: "grace-period",
                message: format!("keeps tier `{t}` until {until} (grace period of {g} months); its requirements are not met now"),
            });
            kept.tier = Some(t.clone());
            kept.tier_basis = Some(TierBasis::Grace { until });
            let levels = track_levels(terms, membership.track.as_ref());
            let mut grants: Vec<(String, &Grants)> =
                vec![("membership".into(), &terms.membership.grants)];
            if let Some(l) = levels.iter().find(|l| l.tier.as_str() == t) {
                grants.push((format!("tier {t} (grace)"), &l.grants));
            }
            let (ent, fees) = memo.get(terms, &grants);
            kept.entitlements = ent;
            kept.fees = fees;
            kept.warnings.sort();
            *ev = kept;
        }
    }
}

/// The levels that apply to a track, in tier order.
fn track_levels<'p>(terms: &'p Program, track: Option<&Id>) -> Vec<&'p Level> {
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

fn collect_entitlements(
    terms: &Program,
    grants: &[(String, &Grants)],
) -> (Vec<Entitlement>, Vec<Entitlement>) {
    let mut best: BTreeMap<&str, Entitlement> = BTreeMap::new();
    for (source, g) in grants {
        for (id, value) in g.iter() {
            let Some(def) = terms.entitlements.get(id.as_str()) else {
                continue;
            };
            let candidate = Entitlement {
                id: id.to_string(),
                name: def.name.clone(),
                kind: def.kind,
                value: value.clone(),
                display: display_grant(def, value),
                source: source.clone(),
            };
            match best.get(id.as_str()) {
                Some(cur) if !better(&candidate.value, &cur.value) => {}
                _ => {
                    best.insert(id.as_str(), candidate);
                }
            }
        }
    }
    best.into_values()
        .partition(|e| e.kind != EntitlementKind::Fee)
}

/// Whether `a` is a better grant than `b` of the same entitlement (several sources may grant it).
fn better(a: &GrantValue, b: &GrantValue) -> bool {
    use GrantValue as V;
    match (a, b) {
        (V::Count(x), V::Count(y)) => x > y,
        (V::Flag(x), V::Flag(y)) => *x && !*y,
        (V::Text(x), V::Text(y)) => match (
            rust_decimal::Decimal::from_str_exact(x),
            rust_decimal::Decimal::from_str_exact(y),
        ) {
            (Ok(x), Ok(y)) => x > y,
            _ => x == "listed-with-logo" && y == "listed",
        },
        (V::Amounts(x), V::Amounts(y)) => {
            x.iter().any(|(c, v)| y.get(c).is_none_or(|w| v > w))
                && !y.iter().any(|(c, w)| x.get(c).is_some_and(|v| v < w))
        }
        _ => false,
    }
}

/// Human rendering of a granted value.
pub fn display_grant(def: &crate::model::program::EntitlementDef, v: &GrantValue) -> String {
    let per = def.per.map(|p| format!(" per {p}")).unwrap_or_default();
    let shown = display_value(def, v, &per);
    let shown = if def.up_to {
        format!("up to {shown}")
    } else {
        shown
    };
    match &def.condition {
        Some(c) => format!("{shown}, only {c}"),
        None => shown,
    }
}

fn display_value(def: &crate::model::program::EntitlementDef, v: &GrantValue, per: &str) -> String {
    use GrantValue as V;
    let amounts = |m: &BTreeMap<Currency, crate::model::scalar::Money>| {
        m.iter()
            .map(|(c, a)| format!("{a} {c}"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    match v {
        V::Flag(b) => if *b { "yes" } else { "no" }.into(),
        V::Count(n) => match &def.unit {
            Some(u) => format!("{n} {u}{per}"),
            None => format!("{n}{per}"),
        },
        V::Text(s) if def.kind == EntitlementKind::Discount => format!("{s}%"),
        V::Text(s) if def.kind == EntitlementKind::Listing => s.replace('-', " "),
        V::Text(s) => s.clone(),
        V::Share(s) => format!("partner {} / vendor {} of {}", s.partner, s.vendor, s.basis),
        V::Amounts(m) => format!("{}{per}", amounts(m)),
        V::Prices(items) => format!(
            "{}{per}",
            items
                .iter()
                .map(|i| format!("{} units {}", i.units, amounts(&i.price)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Choices(c) => c.iter().map(Id::as_str).collect::<Vec<_>>().join(", "),
    }
}

/// Evaluation context: one partner, one membership, one program version, one date.
struct Cx<'a> {
    partner: &'a Partner,
    membership: &'a Membership,
    p: &'a Program,
    as_of: Date,
    /// The date requirements are judged on (see [`JudgeOn`]).
    judged: Date,
    review: ReviewPeriod,
    measures: HashMap<&'a str, (Quantity, String)>,
    /// The levels of the partner's track, lowest tier first.
    levels: Vec<&'a Level>,
    /// How the partly counted entries of a measure were counted, for the trace.
    workings: HashMap<&'a str, Vec<String>>,
    /// Whether each tier decided so far is held.
    tier_memo: HashMap<String, bool>,
    warnings: BTreeSet<Warning>,
    /// Whether to write the prose of the trace (descriptions, labels, shortfalls).
    detail: Detail,
}

impl<'a> Cx<'a> {
    /// `text()` for a full trace; nothing when only outcomes are wanted.
    fn prose(&self, text: impl FnOnce() -> String) -> String {
        match self.detail {
            Detail::Full => text(),
            Detail::Outcome => String::new(),
        }
    }

    /// `Some(text())` when `wanted` and the trace is full.
    fn prose_if(&self, wanted: bool, text: impl FnOnce() -> String) -> Option<String> {
        (wanted && self.detail == Detail::Full).then(text)
    }

    fn warn(&mut self, code: &'static str, message: String) {
        self.warnings.insert(Warning { code, message });
    }

    /// The partner's goals set by the as-of date, judged on the program's goal cadence; a review
    /// date that passed without a recorded review is a `goal-review-missed` warning.
    fn goals(&mut self) -> Vec<goals::GoalResult> {
        let Some(every) = self.p.review.goals_every_months.filter(|m| *m > 0) else {
            return Vec::new();
        };
        let (partner, program, as_of) = (self.partner, &self.p.id, self.as_of);
        let mut out = Vec::new();
        for g in partner.goals.iter().filter(|g| g.program == *program) {
            if g.set > as_of {
                continue;
            }
            let r = goals::judge(g, every, as_of);
            if let Some(last) = r.last_missed {
                self.warn(
                    "goal-review-missed",
                    format!(
                        "goal set on {}: no review recorded for {last} ({} missed; goals are reviewed every {every} months)",
                        g.set, r.missed
                    ),
                );
            }
            out.push(r);
        }
        out
    }

    /// Warn that the amounts of `measure` in `currencies` add up to more than can be represented.
    fn warn_overflow(&mut self, measure: &str, currencies: BTreeSet<Currency>) {
        for c in currencies {
            self.warn(
                "amount-overflow",
                format!(
                    "{measure}: the amounts in {c} add up to more than {}; counted as that",
                    format_amount(Decimal::MAX)
                ),
            );
        }
    }

    /// Evaluate a tier, type or status: its own requirements, and whether it is held given
    /// whether the membership requirements are met.
    fn qualification(
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

    fn is_mine(&self, program: &Id) -> bool {
        *program == self.p.id
    }

    /// Compute a measure (memoized): its value and a label including its window.
    fn measure(&mut self, id: &'a str) -> (Quantity, String) {
        if let Some(v) = self.measures.get(id) {
            return v.clone();
        }
        let Some(m) = self.p.measures.get(id) else {
            return (Quantity::None, id.to_owned());
        };
        // Windows that run up to a date end on the judgement date.
        let at = ReviewPeriod {
            date: self.judged,
            ..self.review
        };
        let span = m.window().map(|w| window_span(w, &at));
        let value = match m {
            Measure::Sum {
                facts,
                product_lines,
                partial,
                ..
            } => {
                let span = span.expect("sum has a window");
                let entries = match facts {
                    MoneyFacts::Revenue => &self.partner.revenue,
                    MoneyFacts::ManagedVolume => &self.partner.managed_volume,
                };
                let list = match facts {
                    MoneyFacts::Revenue => "revenue",
                    MoneyFacts::ManagedVolume => "managed_volume",
                };
                let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
                let mut overflow = BTreeSet::new();
                let mut workings = Vec::new();
                for (i, e) in entries.iter().enumerate() {
                    if !self.is_mine(&e.program)
                        || !(product_lines.is_empty() || product_lines.contains(&e.product_line))
                    {
                        continue;
                    }
                    let Some((s, end)) = e.span() else { continue };
                    let counted = if span.covers(s, end) {
                        Some(e.amount.0)
                    } else if span.overlaps(s, end) {
                        self.partial_share(*partial, list, i, e, span, &mut workings)
                    } else {
                        None
                    };
                    if let Some(a) = counted {
                        let sum = sums.entry(e.currency.clone()).or_default();
                        if !add_checked(sum, a) {
                            overflow.insert(e.currency.clone());
                        }
                    }
                }
                self.warn_overflow(m.name(), overflow);
                if !workings.is_empty() {
                    self.workings.insert(id, workings);
                }
                Quantity::Money(sums)
            }
            Measure::Recurring {
                product_lines,
                aggregate,
                ..
            } => {
                let span = span.expect("recurring has a window");
                let mut per_month: BTreeMap<Month, BTreeMap<Currency, Decimal>> = BTreeMap::new();
                let mut currencies = BTreeSet::new();
                let mut overflow = BTreeSet::new();
                for e in &self.partner.recurring_revenue {
                    if self.is_mine(&e.program)
                        && (product_lines.is_empty() || product_lines.contains(&e.product_line))
                        && span.covers(e.month.first_day(), e.month.last_day())
                    {
                        let sum = per_month
                            .entry(e.month)
                            .or_default()
                            .entry(e.currency.clone())
                            .or_default();
                        if !add_checked(sum, e.amount.0) {
                            overflow.insert(e.currency.clone());
                        }
                        currencies.insert(e.currency.clone());
                    }
                }
                let months = months_within(span);
                let mut out = BTreeMap::new();
                for c in currencies {
                    let series: Vec<Decimal> = months
                        .iter()
                        .map(|m| {
                            per_month
                                .get(m)
                                .and_then(|x| x.get(&c))
                                .copied()
                                .unwrap_or_default()
                        })
                        .collect();
                    let v = match aggregate {
                        Aggregate::LastMonth => series.last().copied().unwrap_or_default(),
                        Aggregate::Average if !series.is_empty() => {
                            let mut sum = Decimal::ZERO;
                            if !series.iter().all(|x| add_checked(&mut sum, *x)) {
                                overflow.insert(c.clone());
                            }
                            sum / Decimal::from(series.len())
                        }
                        Aggregate::Average => Decimal::ZERO,
                        Aggregate::Minimum => series.iter().min().copied().unwrap_or_default(),
                    };
                    out.insert(c, v);
                }
                self.warn_overflow(m.name(), overflow);
                Quantity::Money(out)
            }
            Measure::Projects { .. } => {
                let span = span.expect("projects have a window");
                Quantity::Count(
                    self.partner
                        .projects
                        .iter()
                        .filter(|x| self.is_mine(&x.program) && span.contains(x.completed))
                        .count() as u64,
                )
            }
            Measure::Trainings {
                kinds,
                distinct_people,
                ..
            } => {
                let span = span.expect("trainings have a window");
                let hits = self.partner.trainings.iter().filter(|t| {
                    self.is_mine(&t.program) && kinds.contains(&t.kind) && span.contains(t.date)
                });
                if *distinct_people {
                    Quantity::Count(
                        hits.map(|t| t.person.as_str())
                            .collect::<BTreeSet<_>>()
                            .len() as u64,
                    )
                } else {
                    Quantity::Count(hits.count() as u64)
                }
            }
            Measure::CertifiedPeople { kinds, .. } => {
                let on = self.judged;
                let people: BTreeSet<&str> = self
                    .partner
                    .certifications
                    .iter()
                    .filter(|c| self.is_mine(&c.program) && kinds.contains(&c.kind))
                    .filter(|c| c.date <= on && self.cert_expiry(c).is_none_or(|e| on < e))
                    .map(|c| c.person.as_str())
                    .collect();
                Quantity::Count(people.len() as u64)
            }
            Measure::ContractMonths { .. } => {
                // A contract that starts after the judgement date has not started yet.
                let start = self.membership.contract_start.filter(|s| *s <= self.judged);
                match (start, self.membership.contract_end) {
                    (Some(s), Some(e)) => Quantity::Count(whole_months(s, e.add_days(1))),
                    (Some(_), None) => Quantity::Unlimited,
                    _ => Quantity::Count(0),
                }
            }
            Measure::Customers { access, .. } => {
                let customers: BTreeSet<&str> = self
                    .partner
                    .access_grants
                    .iter()
                    .filter(|g| self.is_mine(&g.program) && access.is_none_or(|a| a == g.access))
                    .filter(|g| g.since.is_none_or(|d| d <= self.judged))
                    .map(|g| g.customer.as_str())
                    .collect();
                Quantity::Count(customers.len() as u64)
            }
        };
        let label = self.prose(|| match span {
            Some(s) if m.window() != Some(crate::model::program::Window::AllTime) => {
                format!("{} {}", m.name(), compact_span(s))
            }
            _ => m.name().to_owned(),
        });
        self.measures.insert(id, (value.clone(), label.clone()));
        (value, label)
    }

    /// What a sum counts of entry `i`, booked for a period only partly inside `span`, and how.
    fn partial_share(
        &mut self,
        partial: Partial,
        list: &str,
        i: usize,
        e: &crate::model::partner::MoneyEntry,
        span: Span,
        workings: &mut Vec<String>,
    ) -> Option<Decimal> {
        let (s, end) = e.span()?;
        let booked = format!("{list}[{i}] {} {} for {s} to {end}", e.amount, e.currency);
        match partial {
            Partial::Exclude => {
                self.warn("partial-period", format!("{list}[{i}] ({s} to {end}) lies only partly inside the window {span}; it is not counted"));
                None
            }
            Partial::Include => {
                if self.detail == Detail::Full {
                    workings.push(format!("{booked}: counted in full (partial = include)"));
                }
                Some(e.amount.0)
            }
            Partial::ProRata => {
                let inside = span.start.max(s).days_until(span.end.min(end)) + 1;
                let days = s.days_until(end) + 1;
                let share = pro_rata(e.amount.0, inside, days)?;
                if self.detail == Detail::Full {
                    workings.push(format!(
                        "{booked}: {inside} of {days} days inside the window, {} × {inside} / {days} = {} {}",
                        e.amount,
                        format_amount(share),
                        e.currency
                    ));
                }
                Some(share)
            }
        }
    }

    fn cert_expiry(&self, c: &crate::model::partner::Certification) -> Option<Date> {
        let months = self.p.certifications.get(c.kind.as_str())?.valid_months?;
        Some(c.date.add_months(months as i32))
    }

    fn waiver(&self, id: &str) -> Option<String> {
        self.partner
            .approvals
            .iter()
            .find(|a| {
                self.is_mine(&a.program)
                    && a.requirement.as_ref().is_some_and(|r| r.as_str() == id)
                    && a.active_on(self.as_of)
            })
            .map(|a| a.approved_by.clone())
    }

    /// Evaluate a requirement by id.
    fn requirement(&mut self, id: &str, depth: usize) -> RequirementResult {
        let Some((key, r)) = self.p.requirements.get_key_value(id) else {
            return leaf(
                id,
                id.to_owned(),
                false,
                Quantity::None,
                Quantity::None,
                Some(format!("unknown requirement `{id}`")),
            );
        };
        let key = key.as_str();
        let description = self.prose(|| r.name().map_or_else(|| key.to_owned(), str::to_owned));
        let mut res = if depth > EVAL_DEPTH_GUARD {
            leaf(
                key,
                description,
                false,
                Quantity::None,
                Quantity::None,
                Some("requirements nested too deeply".into()),
            )
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

    fn requirement_inner(
        &mut self,
        id: &'a str,
        r: &'a Requirement,
        description: String,
        depth: usize,
    ) -> RequirementResult {
        match r {
            Requirement::Count {
                measure, at_least, ..
            } => {
                let (actual, label) = self.measure(measure.as_str());
                let n = match actual {
                    Quantity::Count(n) => n,
                    Quantity::Unlimited => u64::MAX,
                    _ => 0,
                };
                let met = n >= *at_least;
                let missing = at_least.saturating_sub(n);
                let short = self.prose_if(!met, || {
                    format!(
                        "{missing} more {}",
                        if missing == 1 {
                            singular(&label)
                        } else {
                            label.clone()
                        }
                    )
                });
                leaf(
                    id,
                    description,
                    met,
                    actual,
                    Quantity::Count(*at_least),
                    short,
                )
            }
            Requirement::Amount {
                measure, at_least, ..
            } => {
                let (actual, label) = self.measure(measure.as_str());
                let have = match &actual {
                    Quantity::Money(m) => m.clone(),
                    _ => BTreeMap::new(),
                };
                let met = at_least
                    .iter()
                    .any(|(c, need)| have.get(c).copied().unwrap_or_default() >= need.0);
                let short = self.prose_if(!met, || {
                    let parts: Vec<String> = at_least
                        .iter()
                        .map(|(c, need)| {
                            format!(
                                "{} {c}",
                                format_amount(
                                    need.0
                                        .saturating_sub(have.get(c).copied().unwrap_or_default()),
                                )
                            )
                        })
                        .collect();
                    format!("{} more {label}", parts.join(" or "))
                });
                let required =
                    Quantity::MoneyAnyOf(at_least.iter().map(|(c, m)| (c.clone(), m.0)).collect());
                let mut res = leaf(id, description, met, actual, required, short);
                res.workings = self
                    .workings
                    .get(measure.as_str())
                    .cloned()
                    .unwrap_or_default();
                res
            }
            Requirement::Obligation { obligation, .. } => {
                let met = self
                    .membership
                    .obligations
                    .get(obligation.as_str())
                    .copied()
                    .unwrap_or(false);
                let short = self.prose_if(!met, || description.clone());
                flag_leaf(id, description, met, short)
            }
            Requirement::ContractSigned { .. } => {
                let m = self.membership;
                let signed = m.contract_start.is_some_and(|s| s <= self.judged);
                let in_force = m.contract_end.is_none_or(|e| self.judged <= e);
                let met = signed && in_force;
                let short = if !signed {
                    self.prose_if(true, || "a signed partner contract".to_owned())
                } else if !in_force {
                    self.prose_if(true, || {
                        format!(
                            "a contract in force (it ended on {})",
                            m.contract_end.expect("checked")
                        )
                    })
                } else {
                    None
                };
                flag_leaf(id, description, met, short)
            }
            Requirement::RegisteredCompany { accepts, .. } => {
                let reg = &self.partner.registration;
                let met = accepts.iter().any(|k| reg.has(*k));
                let short = self.prose_if(!met, || match accepts.as_slice() {
                    [] => "a registration kind the program accepts (it names none)".to_owned(),
                    kinds => {
                        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                        names.join(" or ")
                    }
                });
                flag_leaf(id, description, met, short)
            }
            Requirement::Deadline {
                training,
                within_days,
                overdue,
                ..
            } => {
                let Some(start) = self.membership.contract_start else {
                    let short = self.prose_if(true, || {
                        "a contract start to count the deadline from".into()
                    });
                    return flag_leaf(id, description, false, short);
                };
                let due = start.add_days(i64::from(*within_days));
                let name = self
                    .p
                    .trainings
                    .get(training.as_str())
                    .cloned()
                    .unwrap_or_else(|| training.to_string());
                // A training dated after the judgement date has not happened yet (as of then).
                let done = self
                    .partner
                    .trainings
                    .iter()
                    .filter(|t| self.is_mine(&t.program) && t.kind == *training)
                    .map(|t| t.date)
                    .filter(|d| *d <= self.judged)
                    .min();
                match done {
                    Some(d) if d <= due => flag_leaf(id, description, true, None),
                    _ if self.judged <= due => {
                        self.warn("training-due", format!("{name} is due by {due} ({within_days} days after the contract start)"));
                        leaf(
                            id,
                            description,
                            true,
                            Quantity::Flag(false),
                            Quantity::Flag(true),
                            None,
                        )
                    }
                    Some(_) if *overdue != Overdue::Permanent => {
                        flag_leaf(id, description, true, None)
                    }
                    late => {
                        let msg = match late {
                            Some(d) => format!("{name} was due by {due} but attended on {d}"),
                            None => format!("{name} is overdue since {due}"),
                        };
                        self.warn("training-overdue", msg);
                        let met = *overdue == Overdue::Warn;
                        let short = self.prose_if(true, || format!("{description} (due by {due})"));
                        leaf(
                            id,
                            description,
                            met,
                            Quantity::Flag(false),
                            Quantity::Flag(true),
                            short,
                        )
                    }
                }
            }
            Requirement::HoldsTier { tier, .. } => {
                let met = self.holds_tier(tier.as_str(), depth);
                let name = self
                    .p
                    .tier_name_in(self.membership.track.as_ref(), tier.as_str())
                    .to_owned();
                flag_leaf(
                    id,
                    description,
                    met,
                    self.prose_if(!met, || format!("the {name} tier first")),
                )
            }
            Requirement::Approval { status, .. } => {
                let mine: Vec<_> = self
                    .partner
                    .approvals
                    .iter()
                    .filter(|a| self.is_mine(&a.program) && a.status.as_ref() == Some(status))
                    .collect();
                let active = mine.iter().find(|a| a.active_on(self.as_of));
                if let Some(a) = active {
                    if let Some(e) = a
                        .expires
                        .filter(|e| self.as_of.days_until(*e) <= EXPIRY_WARNING_DAYS)
                    {
                        self.warn(
                            "approval-expiring",
                            format!(
                                "approval of status `{status}` by {} expires on {e}",
                                a.approved_by
                            ),
                        );
                    }
                } else if let Some(a) = mine
                    .iter()
                    .filter(|a| a.expires.is_some_and(|e| e <= self.as_of))
                    .max_by_key(|a| a.expires)
                {
                    self.warn(
                        "approval-expired",
                        format!(
                            "approval of status `{status}` by {} expired on {}",
                            a.approved_by,
                            a.expires.expect("filtered")
                        ),
                    );
                }
                let met = active.is_some();
                let name = self
                    .p
                    .statuses
                    .iter()
                    .find(|s| s.id == *status)
                    .map_or(status.to_string(), |s| s.name.clone());
                flag_leaf(
                    id,
                    description,
                    met,
                    self.prose_if(!met, || format!("an approval as {name} by the vendor")),
                )
            }
            Requirement::AllOf { of, .. } | Requirement::AnyOf { of, .. } => {
                let children: Vec<RequirementResult> = of
                    .iter()
                    .map(|c| self.requirement(c.as_str(), depth + 1))
                    .collect();
                let all = matches!(r, Requirement::AllOf { .. });
                let met = if all {
                    children.iter().all(|c| c.met)
                } else {
                    children.iter().any(|c| c.met)
                };
                let shortfall = if met || all || self.detail == Detail::Outcome {
                    None
                } else {
                    let alts: Vec<String> = children
                        .iter()
                        .map(|c| c.shortfalls().join(" and "))
                        .collect();
                    Some(format!("either {}", alts.join(", or ")))
                };
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
            Requirement::Points {
                components,
                at_least,
                each_more_than,
                ..
            } => {
                let mut total = Decimal::ZERO;
                let mut children = Vec::new();
                let mut each_ok = true;
                for comp in components {
                    let (actual, label) = self.measure(comp.measure.as_str());
                    let value = match (&actual, &comp.currency) {
                        (Quantity::Count(n), _) => Decimal::from(*n),
                        (Quantity::Money(m), Some(c)) => m.get(c).copied().unwrap_or_default(),
                        _ => Decimal::ZERO,
                    };
                    let max = Decimal::from(comp.max);
                    // Partial credit is linear and rounded to the hundredth per component, so the
                    // total is exactly the sum of the components shown.
                    let points = points_for(max, value, comp.full_at.0);
                    // At most u32::MAX points per component: no sum of them comes near the limit.
                    total = total.saturating_add(points);
                    let floor = each_more_than.map(Decimal::from);
                    let ok = floor.is_none_or(|f| points > f);
                    each_ok &= ok;
                    children.push(RequirementResult {
                        id: comp.id.to_string(),
                        description: self.prose(|| {
                            format!("{label}: full {} points at {}", comp.max, comp.full_at)
                        }),
                        met: ok,
                        actual: Quantity::Points(points),
                        required: Quantity::Points(Decimal::from(comp.max)),
                        shortfall: self.prose_if(!ok, || {
                            format!(
                                "more than {} points for {}",
                                each_more_than.unwrap_or(0),
                                comp.id
                            )
                        }),
                        waived_by: None,
                        children: Vec::new(),
                        workings: self
                            .workings
                            .get(comp.measure.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    });
                }
                let need = Decimal::from(*at_least);
                let met = total >= need && each_ok;
                let shortfall = self.prose_if(total < need, || {
                    format!("{} more points", (need - total).round_dp(2).normalize())
                });
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
        }
    }

    /// Whether the partner holds `tier`. Tiers are decided lowest first, so that a chain of tiers
    /// each requiring the one below is walked once, not once per tier above it.
    fn holds_tier(&mut self, tier: &str, depth: usize) -> bool {
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

    /// Warnings about the partner's facts in this program, independent of requirements.
    fn fact_warnings(&mut self) {
        let measured: BTreeSet<&Currency> = self.p.currencies.iter().collect();
        let unmeasured: BTreeSet<String> = self
            .partner
            .revenue
            .iter()
            .chain(&self.partner.managed_volume)
            .filter(|e| self.is_mine(&e.program) && !measured.contains(&e.currency))
            .map(|e| e.currency.to_string())
            .chain(
                self.partner
                    .recurring_revenue
                    .iter()
                    .filter(|e| self.is_mine(&e.program) && !measured.contains(&e.currency))
                    .map(|e| e.currency.to_string()),
            )
            .collect();
        for c in unmeasured {
            self.warn(
                "unmeasured-currency",
                format!(
                    "amounts in {c} are not counted: the program measures {}",
                    self.p
                        .currencies
                        .iter()
                        .map(Currency::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let certs: Vec<(String, String, Date)> = self
            .partner
            .certifications
            .iter()
            .filter(|c| self.is_mine(&c.program))
            .filter_map(|c| {
                self.cert_expiry(c)
                    .map(|e| (c.person.clone(), c.kind.to_string(), e))
            })
            .collect();
        for (person, kind, expiry) in certs {
            let renewed = self.partner.certifications.iter().any(|c| {
                self.is_mine(&c.program)
                    && c.person == person
                    && c.kind.as_str() == kind
                    && self.cert_expiry(c).is_some_and(|e| e > expiry)
            });
            if renewed {
                continue;
            }
            let days = self.as_of.days_until(expiry);
            if (1..=EXPIRY_WARNING_DAYS).contains(&days) {
                self.warn(
                    "certification-expiring",
                    format!("{kind} of {person} expires on {expiry} (in {days} days)"),
                );
            } else if days <= 0 && self.as_of.days_until(expiry) > -366 {
                self.warn(
                    "certification-expired",
                    format!("{kind} of {person} expired on {expiry}"),
                );
            }
        }
        if let Some(end) = self.membership.contract_end {
            let days = self.as_of.days_until(end);
            if days < 0 {
                self.warn(
                    "contract-ended",
                    format!("the partner contract ended on {end}"),
                );
            } else if days <= EXPIRY_WARNING_DAYS {
                self.warn(
                    "contract-ending",
                    format!("the partner contract ends on {end} (in {days} days)"),
                );
            }
        }
    }
}

/// Add `x` to `sum`, or saturate at the largest amount and say so (`false`).
fn add_checked(sum: &mut Decimal, x: Decimal) -> bool {
    match sum.checked_add(x) {
        Some(v) => {
            *sum = v;
            true
        }
        None => {
            *sum = Decimal::MAX;
            false
        }
    }
}

/// Partial credit: linear up to `max` points at `full_at`, rounded to the hundredth. Values so
/// large that `max × value` overflows are far beyond `full_at` unless it is as large; then the
/// quotient is taken first.
fn points_for(max: Decimal, value: Decimal, full_at: Decimal) -> Decimal {
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

fn leaf(
    id: &str,
    description: String,
    met: bool,
    actual: Quantity,
    required: Quantity,
    shortfall: Option<String>,
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

/// `amount × inside / days`, rounded to the cent half away from zero (commercial rounding); each
/// entry is rounded on its own so that a trace adds up to the measure it shows. `None` only if the
/// product does not fit a decimal.
fn pro_rata(amount: Decimal, inside: i64, days: i64) -> Option<Decimal> {
    let share = amount
        .checked_mul(Decimal::from(inside))?
        .checked_div(Decimal::from(days.max(1)))?;
    Some(share.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// "in 2025" for a calendar year, "in 2025-Q3" for a quarter, "in 2025-12" for a month, else
/// "from 2025-11-24 to 2026-11-23".
pub fn compact_span(s: Span) -> String {
    let (a, b) = (s.start, s.end);
    let first_of_month = a.0.format("%d").to_string() == "01";
    let last_of_month = b.add_days(1).0.format("%d").to_string() == "01";
    if first_of_month && last_of_month && a.year() == b.year() {
        match (a.month(), b.month()) {
            (1, 12) => return format!("in {}", a.year()),
            (m, n) if m == n => return format!("in {}", Month::of(a)),
            (m, n) if n == m + 2 && (m - 1) % 3 == 0 => {
                return format!("in {}-Q{}", a.year(), (m - 1) / 3 + 1)
            }
            _ => {}
        }
    }
    format!("from {a} to {b}")
}

/// Singular of a plural label's head noun: "realized projects in 2025" → "realized project in
/// 2025". The head is the last word before a preposition or parenthesis.
fn singular(label: &str) -> String {
    let words: Vec<&str> = label.split(' ').collect();
    let end = words
        .iter()
        .position(|w| {
            matches!(*w, "in" | "from" | "with" | "of" | "on" | "for") || w.starts_with('(')
        })
        .unwrap_or(words.len());
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if end > 0 {
        let head = &mut out[end - 1];
        if head.ends_with('s') && !head.ends_with("ss") && head.len() > 3 {
            head.pop();
        }
    }
    out.join(" ")
}

/// What is missing for a tier or type: the shortfalls of its own and the membership requirements.
fn gap(q: &Qualification, membership: &[RequirementResult]) -> Gap {
    Gap {
        tier: q.id.clone(),
        name: q.name.clone(),
        missing: membership
            .iter()
            .chain(&q.requirements)
            .flat_map(RequirementResult::shortfalls)
            .collect(),
    }
}

/// A yes/no requirement: actual is whether it holds, required is yes.
fn flag_leaf(
    id: &str,
    description: String,
    met: bool,
    shortfall: Option<String>,
) -> RequirementResult {
    leaf(
        id,
        description,
        met,
        Quantity::Flag(met),
        Quantity::Flag(true),
        shortfall,
    )
}

fn months_within(span: Span) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = Month::of(span.start);
    while m.last_day() <= span.end {
        if m.first_day() >= span.start {
            out.push(m);
        }
        let next = m.first_day().add_months(1);
        m = Month::of(next);
        if out.len() > 1200 {
            break;
        }
    }
    out
}

/// Whole calendar months from `a` up to (not including) `b`.
fn whole_months(a: Date, b: Date) -> u64 {
    if b <= a {
        return 0;
    }
    let mut n: i64 =
        i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if a.add_months(n as i32) > b {
        n -= 1;
    }
    n.max(0) as u64
}

/// Evaluate every valid partner's memberships as of `as_of`, sorted by partner then program.
/// Memberships whose program has no terms in effect yet are skipped.
pub fn evaluate_all<'a>(
    partners: impl IntoIterator<Item = &'a Partner>,
    catalog: &crate::model::catalog::Catalog<'_>,
    as_of: Date,
) -> Vec<Evaluation> {
    evaluate_each(partners, catalog, as_of, Detail::Full, |ev| ev)
}

/// Evaluate every membership of `partners` in parallel and pass each evaluation to `f` (a
/// renderer, say), so that the full traces need not all be held at once. Results come in the
/// order of [`evaluate_all`]: by partner id, then program id.
pub fn evaluate_each<'a, R: Send>(
    partners: impl IntoIterator<Item = &'a Partner>,
    catalog: &crate::model::catalog::Catalog<'_>,
    as_of: Date,
    detail: Detail,
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
                .map(|terms| f(evaluate_memo(p, m, terms, as_of, &memo, detail)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_naturally() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            compact_span(Span {
                start: d("2025-01-01"),
                end: d("2025-12-31")
            }),
            "in 2025"
        );
        assert_eq!(
            compact_span(Span {
                start: d("2026-07-01"),
                end: d("2026-09-30")
            }),
            "in 2026-Q3"
        );
        assert_eq!(
            compact_span(Span {
                start: d("2025-12-01"),
                end: d("2025-12-31")
            }),
            "in 2025-12"
        );
        assert_eq!(
            compact_span(Span {
                start: d("2025-11-24"),
                end: d("2026-11-23")
            }),
            "from 2025-11-24 to 2026-11-23"
        );
        assert_eq!(
            singular("realized projects in 2025"),
            "realized project in 2025"
        );
        assert_eq!(singular("certified technicians"), "certified technician");
        assert_eq!(singular("sales trainings"), "sales training");
    }

    #[test]
    fn sums_near_the_largest_amount_saturate_instead_of_panicking() {
        let mut sum = Decimal::MAX - Decimal::ONE;
        assert!(add_checked(&mut sum, Decimal::ONE));
        assert_eq!(sum, Decimal::MAX);
        assert!(!add_checked(&mut sum, Decimal::ONE));
        assert_eq!(sum, Decimal::MAX);
    }

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

    #[test]
    fn whole_months_between_dates() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(whole_months(d("2025-01-01"), d("2026-01-01")), 12);
        assert_eq!(whole_months(d("2025-01-15"), d("2026-01-14")), 11);
        assert_eq!(whole_months(d("2025-01-31"), d("2025-03-01")), 1);
    }
}
