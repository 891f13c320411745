//! A partner's standing in each program on a date, and the dates on which the same data can
//! mean something else.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::segments::{Identity, Segment, Timeline};
use super::{Event, EventKind};
use crate::dataset::Catalog;
use crate::evaluate::{self, time, EntitlementMemo, Evaluation};
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

/// The events of one identity up to `until`, each with the index of its commit; `catalogs` are
/// those of `t.program_sets`, by index.
pub fn events_of<'t>(
    t: &Timeline,
    catalogs: &[Catalog<'t>],
    lists: &EntitlementMemo<'t>,
    ident: &Identity,
    until: Date,
) -> Vec<(Event, usize)> {
    let segments = t.segments_of(ident);
    let from = segments.first().map_or(until, |s| s.start);
    let mut memo = Memo {
        t,
        catalogs,
        lists,
        from,
        until,
        standings: HashMap::new(),
        calendars: HashMap::new(),
    };
    let mut out = Vec::new();
    let mut prev: Arc<Standings> = Arc::default();
    for (k, seg) in segments.iter().enumerate() {
        let end = segments.get(k + 1).map_or(until, |n| n.start.add_days(-1));
        let partner = seg.blob.and_then(|b| t.partners.get(&b)?.as_ref());
        let mut push =
            |date: Date, kind: EventKind, cause: &str, prev: &Standings, now: &Standings| {
                diff(prev, now, |program, before, after| {
                    let event = Event {
                        date,
                        kind,
                        partner: id_at(ident, date),
                        program: program.to_owned(),
                        before,
                        after,
                        cause: cause.to_owned(),
                        commit: t.commits[seg.commit].clone(),
                    };
                    out.push((event, seg.commit));
                });
            };
        let now = memo.standings_at(seg, partner, seg.start, &prev);
        push(seg.start, EventKind::Commit, &seg.cause, &prev, &now);
        prev = now;
        let (Some(blob), Some(p), true) = (seg.blob, partner, end > seg.start) else {
            continue;
        };
        let calendar = memo.calendar(blob, p, seg.programs);
        for (&d, causes) in calendar.range(seg.start.add_days(1)..=end) {
            let now = memo.standings_at(seg, partner, d, &prev);
            push(d, EventKind::Calendar, &causes.join("; "), &prev, &now);
            prev = now;
        }
    }
    out
}

/// The id `ident` had on `d`.
fn id_at(ident: &Identity, d: Date) -> String {
    (ident.ids.iter().rev())
        .find(|i| i.since <= d)
        .or(ident.ids.first())
        .map(|i| i.id.clone())
        .unwrap_or_default()
}

/// A partner file's standing in one membership: (blob, membership index, blobs of the terms'
/// versions, day). The day is the first day of the calendar span the date falls in when the
/// standing cannot change inside such a span (see [`changes_only_on_calendar_dates`]), so that
/// terms changed and changed back, or a change of another program, reuse the evaluation.
type StandingKey = (gix::ObjectId, usize, Vec<gix::ObjectId>, Date);

/// Dates on which a standing may change without a commit, each with what happens then.
type Calendar = BTreeMap<Date, Vec<String>>;

/// What the evaluations of one identity share.
struct Memo<'a, 't> {
    t: &'a Timeline,
    catalogs: &'a [Catalog<'t>],
    lists: &'a EntitlementMemo<'t>,
    /// The identity's first day: every calendar starts there.
    from: Date,
    until: Date,
    standings: HashMap<StandingKey, Standing>,
    /// By file and the blobs of the versions of each program it is a member of.
    calendars: HashMap<(gix::ObjectId, Vec<Vec<gix::ObjectId>>), Arc<Calendar>>,
}

impl Memo<'_, '_> {
    /// The dates from the identity's first day to `until` on which the standing of this file
    /// under this program set may change without a commit. Kept by the terms' blobs rather
    /// than by program set, so that a change of other programs reuses it.
    fn calendar(&mut self, blob: gix::ObjectId, partner: &Partner, set: usize) -> Arc<Calendar> {
        let versions = &self.t.program_sets[set].versions;
        let terms: Vec<Vec<gix::ObjectId>> = (partner.memberships.iter())
            .map(|m| {
                versions
                    .get(m.program.as_str())
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let (catalog, from, until) = (&self.catalogs[set], self.from, self.until);
        (self.calendars.entry((blob, terms)))
            .or_insert_with(|| Arc::new(calendar(partner, catalog, from.add_days(-1), until)))
            .clone()
    }

    fn standings_at(
        &mut self,
        seg: &Segment,
        partner: Option<&Partner>,
        d: Date,
        prev: &Standings,
    ) -> Arc<Standings> {
        let (blob, p) = match (seg.blob, partner) {
            (None, _) => return Arc::default(),
            (Some(_), None) => {
                let invalid = prev.keys().map(|p| (p.clone(), Standing::invalid()));
                return Arc::new(invalid.collect());
            }
            (Some(b), Some(p)) => (b, p),
        };
        let calendar = self.calendar(blob, p, seg.programs);
        let span_start = calendar.range(..=d).next_back().map_or(self.from, |e| *e.0);
        let (catalog, set) = (
            &self.catalogs[seg.programs],
            &self.t.program_sets[seg.programs],
        );
        let mut out = Standings::new();
        for (i, m) in p.memberships.iter().enumerate() {
            let program = m.program.as_str();
            let Some(terms) = catalog.terms(program, d) else {
                continue;
            };
            let steady = changes_only_on_calendar_dates(catalog.all_versions(program));
            let versions = set.versions.get(program).cloned().unwrap_or_default();
            let key = (blob, i, versions, if steady { span_start } else { d });
            let lists = self.lists;
            let standing = (self.standings.entry(key))
                .or_insert_with(|| Standing::of(&evaluate::evaluate_memo(p, m, terms, d, lists)));
            out.insert(program.to_owned(), standing.clone());
        }
        Arc::new(out)
    }
}

/// Whether a standing in these terms changes only on the dates [`calendar`] lists: terms judged
/// on the review date (facts count by the review's windows, which move only at reviews) without
/// a grace period (which ends on a day the calendar does not know). Terms judged day by day are
/// evaluated on every date asked for.
fn changes_only_on_calendar_dates(versions: &[&crate::model::Program]) -> bool {
    versions
        .iter()
        .all(|terms| !follows_facts(terms) && terms.review.grace_months.is_none_or(|g| g == 0))
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
