//! `partnerctl upcoming`: what needs attention in the coming days, across all partners.
//!
//! Every item names a partner, a program, a date, what happens then and the one thing that would
//! prevent it. Items carry public text only (tiers, types, statuses, kinds of facts, ids and
//! names from the program terms); confidential values — amounts, people, approvers, reasons —
//! are never put into an item, so every format may be published.

pub mod render;

use serde::Serialize;

use crate::dataset::Catalog;
use crate::evaluate::{self, time, EntitlementMemo, Evaluation, Quantity, RequirementResult};
use crate::model::program::Requirement;
use crate::model::scalar::Date;
use crate::model::{Partner, Program};

/// What kind of attention an item needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A tier, type or status is lost at a coming review or terms change.
    Downgrade,
    /// A tier, type or status is gained at a coming review or terms change.
    Upgrade,
    /// An approval, certification, contract or membership runs out.
    Expiry,
    /// A deadline (an onboarding training, a goal review) is due.
    Due,
    /// A deadline has passed without the fact being recorded.
    Overdue,
    /// Scheduled program terms take effect.
    Terms,
    /// A link a partner owes on its website was not found at the last `links check`.
    Link,
}

/// One thing that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The day it happens (or happened, for overdue items).
    pub date: Date,
    /// What kind of attention it needs.
    pub kind: Kind,
    /// Partner id; empty for an item about a program.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// What happens.
    pub what: String,
    /// The one thing that would prevent it (or settle it).
    pub prevent: String,
}

/// The report: items sorted by date, then partner, program and kind.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The day the report looks from.
    pub as_of: Date,
    /// The last day it looks at.
    pub until: Date,
    /// The items.
    pub items: Vec<Item>,
}

/// Collect the items of every valid partner between `as_of` (exclusive for coming events) and
/// `until`.
pub fn report<'a>(
    partners: impl IntoIterator<Item = &'a Partner>,
    catalog: &Catalog<'_>,
    as_of: Date,
    until: Date,
) -> Report {
    use rayon::prelude::*;
    let partners: Vec<&Partner> = partners.into_iter().collect();
    let scope = Scope {
        catalog,
        as_of,
        until,
        dates: change_dates(catalog, as_of, until),
        lists: EntitlementMemo::default(),
    };
    let mut items: Vec<Item> = partners
        .par_iter()
        .flat_map_iter(|p| partner_items(p, &scope))
        .collect();
    items.extend(terms_items(catalog, as_of, until));
    sort_items(&mut items);
    Report {
        as_of,
        until,
        items,
    }
}

fn sort_items(items: &mut [Item]) {
    items.sort_by(|a, b| {
        (a.date, &a.partner, &a.program, a.kind, &a.what)
            .cmp(&(b.date, &b.partner, &b.program, b.kind, &b.what))
    });
}

/// Add what the last `links check --record` saw and was not a follow link where one is owed: one
/// item per partner, program and obligation of `partners`, dated the day the status was first
/// seen ("missing since …"). The evidence file is data from the repository like any other: only
/// its known statuses count, and only for partners that are in the report's data.
pub fn add_link_items(
    report: &mut Report,
    evidence: &crate::links::evidence::Evidence,
    partners: &std::collections::BTreeSet<&str>,
) {
    let items = evidence.entries.iter().filter_map(|e| {
        let (what, prevent) = match e.status.as_str() {
            "missing" => ("no link found", "put the link on the partner's website"),
            "found-nofollow" => (
                "the link is marked nofollow, ugc or sponsored",
                "make it a follow link",
            ),
            "unreachable" => (
                "the website could not be checked",
                "fix or update the website",
            ),
            _ => return None,
        };
        partners.contains(e.partner.as_str()).then(|| Item {
            date: e.since,
            kind: Kind::Link,
            partner: e.partner.clone(),
            program: e.program.clone(),
            what: format!(
                "obligation {}: {what} since {} (last checked {})",
                e.obligation, e.since, e.checked
            ),
            prevent: prevent.to_owned(),
        })
    });
    report.items.extend(items);
    sort_items(&mut report.items);
}

/// Per program: the coming review dates and scheduled terms dates, each with its label.
fn change_dates(
    catalog: &Catalog<'_>,
    as_of: Date,
    until: Date,
) -> std::collections::BTreeMap<String, Vec<(Date, String)>> {
    let mut out = std::collections::BTreeMap::new();
    for (id, versions) in &catalog.versions {
        let mut dates: Vec<(Date, String)> = Vec::new();
        if let Some(t) = catalog.terms(id, as_of) {
            for d in time::reviews_between(&t.review, as_of, until) {
                dates.push((d, "review".into()));
            }
        }
        for v in versions.iter().filter(|v| v.effective_from > as_of) {
            if v.effective_from <= until {
                dates.push((v.effective_from, "new terms".into()));
            }
        }
        dates.sort();
        dates.dedup_by_key(|(d, _)| *d);
        out.insert((*id).to_owned(), dates);
    }
    out
}

fn terms_items(catalog: &Catalog<'_>, as_of: Date, until: Date) -> Vec<Item> {
    let mut out = Vec::new();
    for (id, versions) in &catalog.versions {
        for v in versions
            .iter()
            .filter(|v| v.effective_from > as_of && v.effective_from <= until)
        {
            out.push(Item {
                date: v.effective_from,
                kind: Kind::Terms,
                partner: String::new(),
                program: (*id).to_owned(),
                what: format!("new terms of {} take effect", v.name),
                prevent: "review the partners' changes below before the date".into(),
            });
        }
    }
    out
}

/// What every partner's items are computed against.
struct Scope<'a, 't> {
    catalog: &'a Catalog<'t>,
    as_of: Date,
    until: Date,
    /// The coming review and terms dates of each program.
    dates: std::collections::BTreeMap<String, Vec<(Date, String)>>,
    /// Entitlement lists shared by every evaluation of the report.
    lists: EntitlementMemo<'t>,
}

impl Scope<'_, '_> {
    /// `p` in `program` on `d`: its first membership of that program under the terms then in
    /// force (what `evaluate_each` gives for one partner, without a parallel batch per call).
    fn eval(&self, p: &Partner, program: &str, d: Date) -> Option<Evaluation> {
        let m = p
            .memberships
            .iter()
            .find(|m| m.program.as_str() == program)?;
        let terms = self.catalog.terms(program, d)?;
        Some(evaluate::evaluate_memo(p, m, terms, d, &self.lists))
    }
}

fn partner_items(p: &Partner, scope: &Scope<'_, '_>) -> Vec<Item> {
    let (catalog, as_of, until) = (scope.catalog, scope.as_of, scope.until);
    let eval = |p, program, d| scope.eval(p, program, d);
    let dates = &scope.dates;
    let mut out = Vec::new();
    for m in &p.memberships {
        let program = m.program.as_str();
        let Some(terms) = catalog.terms(program, as_of) else {
            continue;
        };
        if m.ended.is_some_and(|e| e <= as_of) {
            continue;
        }
        let item = |date: Date, kind: Kind, what: String, prevent: String| Item {
            date,
            kind,
            partner: p.id.as_str().to_owned(),
            program: program.to_owned(),
            what,
            prevent,
        };
        let Some(mut before) = eval(p, program, as_of) else {
            continue;
        };
        let mut since = as_of;
        for (d, label) in dates.get(program).into_iter().flatten() {
            let Some(after) = eval(p, program, *d) else {
                continue;
            };
            if standing_change(&before, &after, label).is_some() {
                // Compared with the day before: a change from an expiry in between is an item of
                // its own, not this date's.
                let eve = if crate::history::calendar(p, catalog, since, d.add_days(-1)).is_empty()
                {
                    Some(before)
                } else {
                    eval(p, program, d.add_days(-1).max(as_of))
                };
                let full = Some(after.clone());
                if let Some((kind, what, prevent)) = eve
                    .zip(full)
                    .and_then(|(eve, full)| standing_change(&eve, &full, label))
                {
                    out.push(item(*d, kind, what, prevent));
                }
            }
            before = after;
            since = *d;
        }
        expiries(p, m, terms, as_of, until, &mut |d, k, w, pr| {
            out.push(item(d, k, w, pr))
        });
        deadlines(p, m, terms, as_of, until, &mut |d, k, w, pr| {
            out.push(item(d, k, w, pr))
        });
    }
    out
}

/// A change of tier, types or statuses between two evaluations, and why.
fn standing_change(
    before: &Evaluation,
    after: &Evaluation,
    label: &str,
) -> Option<(Kind, String, String)> {
    let rank = |ev: &Evaluation| {
        ev.tier
            .as_ref()
            .and_then(|t| ev.tiers.iter().position(|q| &q.id == t))
    };
    let name = |ev: &Evaluation| ev.tier_name().unwrap_or("no tier").to_owned();
    let lost_types: Vec<&String> = before
        .types
        .iter()
        .filter(|t| !after.types.contains(t))
        .collect();
    let lost_statuses: Vec<&String> = (before.statuses.iter())
        .filter(|t| !after.statuses.contains(t))
        .collect();
    let (rb, ra) = (rank(before), rank(after));
    if ra < rb {
        let why = why_not(before, after);
        return Some((
            Kind::Downgrade,
            format!(
                "{label}: tier {} → {} ({})",
                name(before),
                name(after),
                why.0
            ),
            why.1,
        ));
    }
    if !lost_types.is_empty() || !lost_statuses.is_empty() {
        let lost: Vec<String> = (lost_types.iter().map(|t| format!("type {t}")))
            .chain(lost_statuses.iter().map(|s| format!("status {s}")))
            .collect();
        return Some((
            Kind::Downgrade,
            format!("{label}: loses {}", lost.join(", ")),
            "meet the requirements of what is lost before the date".into(),
        ));
    }
    (ra > rb).then(|| {
        (
            Kind::Upgrade,
            format!("{label}: tier {} → {}", name(before), name(after)),
            "nothing to do: the data as it stands qualifies".into(),
        )
    })
}

/// Why `after` no longer holds the tier of `before`, and what would keep it: the first unmet
/// requirement of that tier. "Nothing recorded yet" when the measured value is zero, else
/// "below threshold" — never the amounts themselves.
fn why_not(before: &Evaluation, after: &Evaluation) -> (String, String) {
    let Some(tier) = &before.tier else {
        return ("tier lost".into(), "—".into());
    };
    let unmet = (after.tiers.iter())
        .find(|q| &q.id == tier)
        .and_then(|q| q.requirements.iter().find_map(first_unmet))
        .or_else(|| after.membership_requirements.iter().find_map(first_unmet));
    let Some(r) = unmet else {
        return (
            "a tier override or grace period ends".into(),
            "a new approval".into(),
        );
    };
    let window = after.review.window;
    let period = if window.start.year() == window.end.year() {
        window.start.year().to_string()
    } else {
        format!("{window}")
    };
    let zero = match &r.actual {
        Quantity::Count(0) | Quantity::Flag(false) => true,
        Quantity::Money(m) => m.values().all(|v| v.is_zero()),
        Quantity::Points(p) => p.is_zero(),
        _ => false,
    };
    let description = r.description.to_string();
    let what = if description.is_empty() {
        r.id.to_string()
    } else {
        description
    };
    if zero {
        (
            format!("nothing recorded for {period} yet: {what}"),
            format!("record the {period} figures for {what}"),
        )
    } else {
        (
            format!("below threshold: {what}"),
            format!("meet {what} for {period}"),
        )
    }
}

fn first_unmet(r: &RequirementResult) -> Option<&RequirementResult> {
    if r.met {
        return None;
    }
    r.children.iter().find_map(first_unmet).or(Some(r))
}

type Sink<'s> = dyn FnMut(Date, Kind, String, String) + 's;

fn expiries(
    p: &Partner,
    m: &crate::model::partner::Membership,
    terms: &Program,
    as_of: Date,
    until: Date,
    out: &mut Sink<'_>,
) {
    let within = |d: Date| d > as_of && d <= until;
    for a in p.approvals.iter().filter(|a| a.program == m.program) {
        if let Some(e) = a.expires.filter(|e| within(*e)) {
            let what = match (&a.tier, &a.status) {
                (Some(t), _) => format!("approval of tier {t} expires"),
                (None, Some(s)) => format!("approval of status {s} expires"),
                _ => "an approval waiving a requirement expires".into(),
            };
            out(e, Kind::Expiry, what, "renew the approval".into());
        }
    }
    for c in p.certifications.iter().filter(|c| c.program == m.program) {
        let Some(kind) = terms.certifications.get(&c.kind) else {
            continue;
        };
        let Some(months) = kind.valid_months else {
            continue;
        };
        let e = c.date.add_months(months as i32);
        let renewed = p.certifications.iter().any(|o| {
            o.program == c.program && o.kind == c.kind && o.person == c.person && o.date > c.date
        });
        if within(e) && !renewed {
            out(
                e,
                Kind::Expiry,
                format!("a {} certification expires", kind.name),
                "record the renewed certification".into(),
            );
        }
    }
    if let Some(e) = m.contract_end.filter(|e| within(*e)) {
        out(
            e,
            Kind::Expiry,
            "the contract ends".into(),
            "extend the contract".into(),
        );
    }
    if let Some(e) = m.ended.filter(|e| within(*e)) {
        out(e, Kind::Expiry, "the membership ends".into(), "—".into());
    }
}

fn deadlines(
    p: &Partner,
    m: &crate::model::partner::Membership,
    terms: &Program,
    as_of: Date,
    until: Date,
    out: &mut Sink<'_>,
) {
    let Some(start) = m.contract_start else {
        return;
    };
    for r in terms.requirements.values() {
        let Requirement::Deadline {
            training,
            within_days,
            ..
        } = r
        else {
            continue;
        };
        let due = start.add_days(i64::from(*within_days));
        let done = p
            .trainings
            .iter()
            .any(|t| t.program == m.program && &t.kind == training && t.date <= due);
        let name = terms
            .trainings
            .get(training)
            .cloned()
            .unwrap_or_else(|| training.as_str().to_owned());
        if done || due > until {
            continue;
        }
        let (kind, what) = if due < as_of {
            (Kind::Overdue, format!("training {name} was due"))
        } else {
            (Kind::Due, format!("training {name} is due"))
        };
        out(due, kind, what, format!("record the {name} training"));
    }
    goal_items(p, m, terms, as_of, until, out);
}

fn goal_items(
    p: &Partner,
    m: &crate::model::partner::Membership,
    terms: &Program,
    as_of: Date,
    until: Date,
    out: &mut Sink<'_>,
) {
    let Some(every) = terms.review.goals_every_months else {
        return;
    };
    for g in p.goals.iter().filter(|g| g.program == m.program) {
        let r = evaluate::goals::judge(g, every, as_of);
        if let Some(missed) = r.last_missed {
            out(
                missed,
                Kind::Overdue,
                "a goal review was due".into(),
                "record the goal review".into(),
            );
        }
        if r.next <= until {
            out(
                r.next,
                Kind::Due,
                "a goal review is due".into(),
                "hold and record the goal review".into(),
            );
        }
    }
}
