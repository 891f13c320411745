//! `partnerctl history`: the standing of each partner over the repository's history.
//!
//! The walk ([`walk`]) yields the commits that changed data. Each partner becomes a list of
//! segments — spans of time over which its file and the program files stay the same — so that a
//! partner is evaluated once per segment and once per calendar date inside it (a review, a
//! scheduled version of the terms, an expiry), never once per commit.

pub mod cache;
pub mod render;
mod segments;
mod standing;
pub mod walk;

use serde::Serialize;

use crate::model::scalar::Date;
pub use segments::{build, Identity, Segment, Timeline};
pub use standing::{calendar, events_of, Standing, State};
pub use walk::CommitInfo;

/// Whether an event comes from a commit or from the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The data changed.
    Commit,
    /// A date passed that made the same data mean something else.
    Calendar,
}

/// One change in a partner's standing in one program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The day the change took effect.
    pub date: Date,
    /// Commit or calendar.
    pub kind: EventKind,
    /// The partner's id at that time.
    pub partner: String,
    /// The program.
    pub program: String,
    /// Standing before; none when the partner was not a member (or did not exist).
    pub before: Option<Standing>,
    /// Standing after; none when the membership or the partner file went away.
    pub after: Option<Standing>,
    /// What caused it: "partner file", "program terms", "review 2027-01-01", …
    pub cause: String,
    /// The commit that changed the data (commit events), or the last commit before the date
    /// (calendar events: the data as it stood).
    pub commit: CommitInfo,
}

/// The history of one partner.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerHistory {
    /// Its latest id.
    pub partner: String,
    /// Every id it had, oldest first, with the day each was taken.
    pub ids: Vec<IdSince>,
    /// Its events, oldest first.
    pub events: Vec<Event>,
}

/// An id and the day a partner took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdSince {
    /// The id (file name without `.toml`).
    pub id: String,
    /// First day under this id.
    pub since: Date,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Partners with at least one event, by latest id.
    pub partners: Vec<PartnerHistory>,
    /// Where a shallow clone cuts the history: events before it are unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_cut_at: Option<CommitInfo>,
}

/// What to keep of the timeline.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Partners, by any id they ever had; empty means all.
    pub partners: Vec<String>,
    /// Programs; empty means all.
    pub programs: Vec<String>,
    /// Keep events on or after this day.
    pub since: Option<Date>,
    /// Keep only events after this commit (`--since REV`).
    pub since_commit: Option<usize>,
}

impl Filter {
    /// Whether a partner with these ids is wanted.
    pub fn wants_partner(&self, ids: &[IdSince]) -> bool {
        self.partners.is_empty() || ids.iter().any(|i| self.partners.contains(&i.id))
    }
    fn wants_event(&self, e: &Event, commit_index: usize) -> bool {
        (self.programs.is_empty() || self.programs.contains(&e.program))
            && self.since.is_none_or(|d| e.date >= d)
            && self.since_commit.is_none_or(|c| commit_index > c)
    }
}

/// Evaluate every wanted identity over its segments, in parallel, up to `until`.
pub fn report(timeline: &Timeline, filter: &Filter, until: Date) -> Report {
    use rayon::prelude::*;
    let catalogs: Vec<_> = timeline.program_sets.iter().map(|s| s.catalog()).collect();
    let memo = crate::evaluate::EntitlementMemo::default();
    let mut partners: Vec<PartnerHistory> = timeline
        .identities
        .par_iter()
        .filter(|ident| filter.wants_partner(&ident.ids))
        .filter_map(|ident| {
            let events: Vec<Event> = events_of(timeline, &catalogs, &memo, ident, until)
                .into_iter()
                .filter(|(e, c)| filter.wants_event(e, *c))
                .map(|(e, _)| e)
                .collect();
            let partner = ident.ids.last()?.id.clone();
            (!events.is_empty()).then(|| PartnerHistory {
                partner,
                ids: ident.ids.clone(),
                events,
            })
        })
        .collect();
    partners.sort_by(|a, b| a.partner.cmp(&b.partner));
    Report {
        partners,
        history_cut_at: timeline.cut.clone(),
    }
}
