//! What the diff keeps of one evaluation, and the tier, entitlement and fee changes between two.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{Cause, MembershipEnded, QualificationChange, TierChange, TierMove, ValueChange};
use crate::evaluate::{self, names, Entitlement, Evaluation};

/// Standings by (partner id, program id).
pub(super) type Standings = BTreeMap<(String, String), Standing>;

/// What a partner gets from a program: tier, types, statuses and rendered entitlements and fees.
type Outcome<'e> = (
    Option<&'e str>,
    &'e [String],
    &'e [String],
    Vec<(&'e str, &'e str)>,
);

/// What the diff compares of one evaluation: outcomes and which requirements are met. Taken
/// as each evaluation is made, so the full traces (descriptions, shortfalls, gaps) of tens of
/// thousands of evaluations are never held at once.
pub(super) struct Standing {
    track: Option<String>,
    pub tier: Option<String>,
    tier_name: Option<String>,
    /// The track's tier ids, lowest first, each with whether its requirements are met.
    tiers: Vec<(String, Vec<(String, bool)>)>,
    /// Whether each membership requirement is met.
    membership: Vec<(String, bool)>,
    types: Vec<String>,
    statuses: Vec<String>,
    entitlements: Arc<Vec<Entitlement>>,
    fees: Arc<Vec<Entitlement>>,
    /// The membership has ended (on or before the date evaluated).
    ended: bool,
    /// Requirements whose id or name embeds a number the terms no longer say, with the label the
    /// diff shows instead ("revenue-20000 (at least 25,000.00 EUR)"); usually empty.
    stale_labels: BTreeMap<String, String>,
}

impl Standing {
    /// Same types, statuses, entitlements and fees (most pairs compared are: the lists are
    /// usually the very same shared ones).
    pub fn same_outcome(&self, other: &Standing) -> bool {
        let same =
            |a: &Arc<Vec<Entitlement>>, b: &Arc<Vec<Entitlement>>| Arc::ptr_eq(a, b) || a == b;
        self.types == other.types
            && self.ended == other.ended
            && self.statuses == other.statuses
            && same(&self.entitlements, &other.entitlements)
            && same(&self.fees, &other.fees)
    }

    pub fn of(e: Evaluation) -> Standing {
        let met = |rs: &[evaluate::RequirementResult]| -> Vec<(String, bool)> {
            rs.iter().map(|r| (r.id.clone(), r.met)).collect()
        };
        Standing {
            tier_name: e.tier_name().map(str::to_owned),
            tiers: e
                .tiers
                .iter()
                .map(|q| (q.id.clone(), met(&q.requirements)))
                .collect(),
            membership: met(&e.membership_requirements),
            stale_labels: stale_labels(&e),
            track: e.track,
            tier: e.tier,
            types: e.types,
            statuses: e.statuses,
            entitlements: e.entitlements,
            fees: e.fees,
            ended: e.ended.is_some(),
        }
    }
}

/// Labels for the requirements of `e` whose id or name embeds a number that is not the threshold
/// the terms set now (issue #13): the diff names the current threshold instead of the stale one.
fn stale_labels(e: &Evaluation) -> BTreeMap<String, String> {
    let all = e.membership_requirements.iter();
    let all = all.chain(e.tiers.iter().flat_map(|q| q.requirements.iter()));
    all.filter_map(|r| {
        let now = names::required_values(&r.required);
        let stale = names::stale_number(&r.id, &now)
            .or_else(|| names::stale_number(&r.description.to_string(), &now));
        stale.map(|_| (r.id.clone(), format!("{} (at least {})", r.id, r.required)))
    })
    .collect()
}

/// What a partner gets from a program, for blast-radius comparison.
pub(super) fn outcome(e: Option<&Standing>) -> Option<Outcome<'_>> {
    e.map(|e| {
        let values = e
            .entitlements
            .iter()
            .chain(e.fees.iter())
            .map(|x| (x.id.as_str(), x.display.as_str()))
            .collect();
        (e.tier.as_deref(), &e.types[..], &e.statuses[..], values)
    })
}

pub(super) fn compare_tiers(
    be: &Standings,
    he: &Standings,
    cause: &dyn Fn(&str, &str, Option<&String>) -> Cause,
) -> Vec<TierChange> {
    let keys: BTreeSet<&(String, String)> = be.keys().chain(he.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (b, h) = (be.get(k), he.get(k));
        if b.and_then(|e| e.tier.as_ref()) == h.and_then(|e| e.tier.as_ref()) {
            continue;
        }
        let (bt, ht) = (
            b.and_then(|e| e.tier.clone()),
            h.and_then(|e| e.tier.clone()),
        );
        let rank = |e: Option<&Standing>, t: &Option<String>| {
            e.and_then(|e| e.tiers.iter().position(|q| Some(&q.0) == t.as_ref()))
        };
        let direction = match (&bt, &ht) {
            (None, Some(_)) => TierMove::Gained,
            (Some(_), None) => TierMove::Lost,
            _ if rank(h, &ht) > rank(b, &bt) => TierMove::Up,
            _ => TierMove::Down,
        };
        // Which requirements flipped for the tier gained or lost.
        let focus = if direction.is_up() {
            ht.as_ref()
        } else {
            bt.as_ref()
        };
        let reqs = |e: Option<&Standing>| -> BTreeMap<String, bool> {
            let Some(e) = e else { return BTreeMap::new() };
            e.membership
                .iter()
                .chain(
                    e.tiers
                        .iter()
                        .filter(|q| Some(&q.0) == focus)
                        .flat_map(|q| q.1.iter()),
                )
                .cloned()
                .collect()
        };
        let (rb, rh) = (reqs(b), reqs(h));
        // Name a requirement as the current terms do (head first).
        let label = |id: &String| {
            [h, b]
                .into_iter()
                .flatten()
                .find_map(|e| e.stale_labels.get(id).cloned())
                .unwrap_or_else(|| id.clone())
        };
        let ended = |e: Option<&Standing>| e.is_some_and(|e| e.ended);
        let left = (ended(h) && !ended(b)).then(|| "membership ended".to_owned());
        let because: Vec<String> = left
            .into_iter()
            .chain(rh.iter().filter_map(|(id, met)| match (rb.get(id), met) {
                (Some(false) | None, true) if direction.is_up() => {
                    Some(format!("{} now met", label(id)))
                }
                (Some(true), false) if !direction.is_up() => {
                    Some(format!("{} no longer met", label(id)))
                }
                _ => None,
            }))
            .collect();
        let name = |e: Option<&Standing>| e.and_then(|e| e.tier_name.clone());
        let cause = cause(&k.0, &k.1, ht.as_ref());
        out.push(TierChange {
            partner: k.0.clone(),
            program: k.1.clone(),
            track: h.or(b).and_then(|e| e.track.clone()),
            from: bt,
            to: ht,
            from_name: name(b),
            to_name: name(h),
            direction,
            cause,
            because,
        });
    }
    out
}

fn value_changes(
    k: &(String, String),
    b: &[evaluate::Entitlement],
    h: &[evaluate::Entitlement],
    out: &mut Vec<ValueChange>,
) {
    let bm: BTreeMap<&str, &evaluate::Entitlement> = b.iter().map(|e| (e.id.as_str(), e)).collect();
    let hm: BTreeMap<&str, &evaluate::Entitlement> = h.iter().map(|e| (e.id.as_str(), e)).collect();
    let ids: BTreeSet<&str> = bm.keys().chain(hm.keys()).copied().collect();
    for id in ids {
        let (x, y) = (bm.get(id), hm.get(id));
        if x.map(|e| &e.display) == y.map(|e| &e.display) {
            continue;
        }
        out.push(ValueChange {
            partner: k.0.clone(),
            program: k.1.clone(),
            id: id.to_owned(),
            name: y.or(x).map(|e| e.name.clone()).unwrap_or_default(),
            from: x.map(|e| e.display.clone()),
            to: y.map(|e| e.display.clone()),
        });
    }
}

/// Types, statuses, memberships, entitlements and fees that differ between two sides.
#[derive(Default)]
pub(super) struct OutcomeChanges {
    pub qualifications: Vec<QualificationChange>,
    pub memberships_ended: Vec<MembershipEnded>,
    pub entitlements: Vec<ValueChange>,
    pub fees: Vec<ValueChange>,
}

pub(super) fn outcome_changes(be: &Standings, he: &Standings) -> OutcomeChanges {
    let mut out = OutcomeChanges::default();
    let keys: BTreeSet<&(String, String)> = be.keys().chain(he.keys()).collect();
    for k in &keys {
        let (b, h) = (be.get(*k), he.get(*k));
        if let (Some(b), Some(h)) = (b, h) {
            if b.same_outcome(h) {
                continue;
            }
        }
        qualification_changes(k, b, h, &mut out.qualifications);
        fn list(e: Option<&Standing>, fees: bool) -> &[Entitlement] {
            e.map_or(&[][..], |e| {
                if fees {
                    &e.fees[..]
                } else {
                    &e.entitlements[..]
                }
            })
        }
        value_changes(k, list(b, false), list(h, false), &mut out.entitlements);
        value_changes(k, list(b, true), list(h, true), &mut out.fees);
        let ended = |e: Option<&Standing>| e.is_some_and(|e| e.ended);
        if ended(h) && !ended(b) {
            out.memberships_ended.push(MembershipEnded {
                partner: k.0.clone(),
                program: k.1.clone(),
            });
        }
    }
    out.qualifications.sort();
    out.entitlements.sort();
    out.fees.sort();
    out
}

fn qualification_changes(
    k: &(String, String),
    b: Option<&Standing>,
    h: Option<&Standing>,
    out: &mut Vec<QualificationChange>,
) {
    for (what, get) in [
        (
            "type",
            (|e: &Standing| &e.types) as fn(&Standing) -> &Vec<String>,
        ),
        ("status", |e: &Standing| &e.statuses),
    ] {
        let set = |e: Option<&Standing>| -> BTreeSet<String> {
            e.map(get).into_iter().flatten().cloned().collect()
        };
        let (bs, hs) = (set(b), set(h));
        for id in bs.symmetric_difference(&hs) {
            out.push(QualificationChange {
                partner: k.0.clone(),
                program: k.1.clone(),
                what,
                id: id.clone(),
                gained: hs.contains(id),
            });
        }
    }
}
