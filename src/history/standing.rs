//! A partner's standing in each program on a date, and the dates on which the same data can
//! mean something else.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::segments::{Identity, Timeline};
use super::{Event, EventKind};
use crate::dataset::Catalog;
use crate::evaluate::{self, time, Evaluation};
use crate::model::program::{JudgeOn, Requirement};
use crate::model::scalar::Date;
use crate::model::Partner;

/// Member, ended, or unknown because the file is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A member: the fields say what it holds.
    Member,
    /// The membership has ended: nothing is held.
    Ended,
    /// The partner file is not a valid record: the standing is unknown.
    Invalid,
}

/// What a partner holds in one program (all public: the directory shows the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Member, ended or invalid.
    pub state: State,
    /// The track, for programs with tracks.
    pub track: Option<String>,
    /// The tier id, if any.
    pub tier: Option<String>,
    /// Partner types held.
    pub types: Vec<String>,
    /// Statuses held.
    pub statuses: Vec<String>,
    /// Entitlement ids held.
    pub entitlements: Vec<String>,
}

impl Standing {
    fn of(ev: &Evaluation) -> Standing {
        Standing {
            state: if ev.ended.is_some() {
                State::Ended
            } else {
                State::Member
            },
            track: ev.track.clone(),
            tier: ev.tier.clone(),
            types: ev.types.clone(),
            statuses: ev.statuses.clone(),
            entitlements: ev.entitlements.iter().map(|e| e.id.clone()).collect(),
        }
    }
    fn invalid() -> Standing {
        Standing {
            state: State::Invalid,
            track: None,
            tier: None,
            types: Vec::new(),
            statuses: Vec::new(),
            entitlements: Vec::new(),
        }
    }
}

type Standings = BTreeMap<String, Standing>;

/// The standing in each program of `partner` as of `as_of`.
pub fn standings(partner: &Partner, catalog: &Catalog<'_>, as_of: Date) -> Standings {
    evaluate::evaluate_each([partner], catalog, as_of, |ev| {
        (ev.program.clone(), Standing::of(&ev))
    })
    .into_iter()
    .collect()
}

/// Days after `start` and up to `end` on which `partner`'s standing may change without a commit,
/// each with what happens then.
pub fn calendar(
    partner: &Partner,
    catalog: &Catalog<'_>,
    start: Date,
    end: Date,
) -> BTreeMap<Date, Vec<String>> {
    let mut out: BTreeMap<Date, Vec<String>> = BTreeMap::new();
    let mut add = |d: Date, what: String| {
        if d > start && d <= end {
            let v = out.entry(d).or_default();
            if !v.contains(&what) {
                v.push(what);
            }
        }
    };
    for m in &partner.memberships {
        let program = m.program.as_str();
        for terms in catalog.all_versions(program) {
            for d in time::reviews_between(&terms.review, start, end) {
                add(d, format!("review {d}"));
            }
            if terms.effective_from > start {
                add(
                    terms.effective_from,
                    format!("scheduled terms of {program} take effect"),
                );
            }
            add_deadlines(terms, m.contract_start, &mut add);
            for c in partner
                .certifications
                .iter()
                .filter(|c| c.program == m.program)
            {
                let months = terms
                    .certifications
                    .get(&c.kind)
                    .and_then(|k| k.valid_months);
                if let Some(months) = months {
                    add(
                        c.date.add_months(months as i32),
                        "a certification expires".into(),
                    );
                }
            }
            if follows_facts(terms) {
                add_fact_dates(partner, program, &mut add);
            }
        }
        for (d, what) in [
            (m.contract_start, "contract starts"),
            (m.contract_end.map(|d| d.add_days(1)), "contract ends"),
            (m.ended, "membership ends"),
        ] {
            if let Some(d) = d {
                add(d, what.into());
            }
        }
    }
    for a in &partner.approvals {
        add(a.date, "an approval takes effect".into());
        if let Some(e) = a.expires {
            add(e, "an approval expires".into());
        }
    }
    out
}

fn add_deadlines(
    terms: &crate::model::Program,
    contract_start: Option<Date>,
    add: &mut impl FnMut(Date, String),
) {
    let Some(s) = contract_start else { return };
    for r in terms.requirements.values() {
        if let Requirement::Deadline { within_days, .. } = r {
            add(
                s.add_days(i64::from(*within_days) + 1),
                "a deadline passes".into(),
            );
        }
    }
}

/// Whether standings follow the facts day by day rather than only at reviews.
fn follows_facts(terms: &crate::model::Program) -> bool {
    terms.review.judge_on == JudgeOn::AsOf
        || terms.review.cadence == crate::model::program::Cadence::Continuous
}

/// Fact dates, and the days a fact leaves a trailing year's window.
fn add_fact_dates(partner: &Partner, program: &str, add: &mut impl FnMut(Date, String)) {
    let money = (partner.revenue.iter())
        .chain(&partner.managed_volume)
        .filter(|e| e.program.as_str() == program)
        .filter_map(|e| e.span());
    let trainings = (partner.trainings.iter())
        .filter(|t| t.program.as_str() == program)
        .map(|t| (t.date, t.date));
    let projects = (partner.projects.iter())
        .filter(|p| p.program.as_str() == program)
        .map(|p| (p.completed, p.completed));
    for (s, e) in money.chain(trainings).chain(projects) {
        add(s, "a recorded fact starts to count".into());
        add(
            e.add_months(12).add_days(1),
            "a recorded fact leaves the window".into(),
        );
    }
}

/// The events of one identity up to `until`, each with the index of its commit.
pub fn events_of(t: &Timeline, ident: &Identity, until: Date) -> Vec<(Event, usize)> {
    let mut out = Vec::new();
    let mut memo: HashMap<(gix::ObjectId, usize, Date), Arc<Standings>> = HashMap::new();
    let mut prev: Arc<Standings> = Arc::default();
    let id_at = |d: Date| {
        ident
            .ids
            .iter()
            .rev()
            .find(|i| i.since <= d)
            .or(ident.ids.first())
            .map(|i| i.id.clone())
            .unwrap_or_default()
    };
    let segments = t.segments_of(ident);
    for (k, seg) in segments.iter().enumerate() {
        let end = segments.get(k + 1).map_or(until, |n| n.start.add_days(-1));
        let commit = &t.commits[seg.commit];
        let partner = seg
            .blob
            .and_then(|b| t.partners.get(&b))
            .and_then(Option::as_ref);
        let catalog = t.program_sets[seg.programs].catalog();
        let mut at = |d: Date, prev: &Standings| -> Arc<Standings> {
            match (seg.blob, partner) {
                (None, _) => Arc::default(),
                (Some(_), None) => Arc::new(
                    prev.keys()
                        .map(|p| (p.clone(), Standing::invalid()))
                        .collect(),
                ),
                (Some(b), Some(p)) => memo
                    .entry((b, seg.programs, d))
                    .or_insert_with(|| Arc::new(standings(p, &catalog, d)))
                    .clone(),
            }
        };
        let now = at(seg.start, &prev);
        diff(&prev, &now, |program, before, after| {
            out.push((
                Event {
                    date: seg.start,
                    kind: EventKind::Commit,
                    partner: id_at(seg.start),
                    program: program.to_owned(),
                    before,
                    after,
                    cause: seg.cause.clone(),
                    commit: commit.clone(),
                },
                seg.commit,
            ))
        });
        prev = now;
        let Some(p) = partner else { continue };
        for (d, causes) in calendar(p, &catalog, seg.start, end) {
            let now = at(d, &prev);
            diff(&prev, &now, |program, before, after| {
                out.push((
                    Event {
                        date: d,
                        kind: EventKind::Calendar,
                        partner: id_at(d),
                        program: program.to_owned(),
                        before,
                        after,
                        cause: causes.join("; "),
                        commit: commit.clone(),
                    },
                    seg.commit,
                ))
            });
            prev = now;
        }
    }
    out
}

/// Call `f` for each program whose standing differs.
fn diff(
    before: &Standings,
    after: &Standings,
    mut f: impl FnMut(&str, Option<Standing>, Option<Standing>),
) {
    let programs: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for p in programs {
        let (b, a) = (before.get(p), after.get(p));
        if b != a {
            f(p, b.cloned(), a.cloned());
        }
    }
}
