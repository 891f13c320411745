//! Effects over time: coming review dates and new terms taking effect, the blast radius of each
//! changed program file while it is in force, and the warning when terms in force are edited in
//! place (which rewrites standings retroactively).

use std::collections::{BTreeMap, BTreeSet};

use super::cause::Causes;
use super::select::program_id;
use super::standing::{compare_tiers, outcome, Standings};
use super::{DiffOptions, FutureEffect, ProgramChange, ReviewWarning, Scope, TierChange};
use crate::dataset::Dataset;
use crate::evaluate::time;
use crate::model::scalar::Date;

/// Effects on coming dates, and who a changed program affects on each.
pub(super) struct Timeline {
    pub effects: Vec<FutureEffect>,
    /// Per date: program id → partners (unchanged files) whose outcome differs that day.
    affected: Vec<(Date, BTreeMap<String, BTreeSet<String>>)>,
}

/// Dates to evaluate after `as_of`, with the programs reviewing or changing terms then: review
/// dates and versions within the horizon, and the dates of changed versions however far ahead.
fn coming_dates(scope: &Scope<'_>, opts: &DiffOptions) -> BTreeMap<Date, BTreeSet<String>> {
    let as_of = opts.as_of;
    let until = as_of.add_months(opts.horizon_months as i32);
    let mut dates: BTreeMap<Date, BTreeSet<String>> = BTreeMap::new();
    for cat in [&scope.bcat, &scope.hcat] {
        for (id, versions) in &cat.versions {
            if let Some(terms) = cat.terms(id, as_of).or_else(|| versions.first().copied()) {
                for d in time::reviews_between(&terms.review, as_of, until) {
                    dates.entry(d).or_default().insert((*id).to_owned());
                }
            }
            let changed = scope.changed_programs.contains(*id);
            for v in versions
                .iter()
                .filter(|v| v.effective_from > as_of && (changed || v.effective_from <= until))
            {
                dates
                    .entry(v.effective_from)
                    .or_default()
                    .insert((*id).to_owned());
            }
        }
    }
    dates
}

/// Programs with a version taking effect on `date` on either side.
fn new_terms_on(scope: &Scope<'_>, date: Date) -> Vec<String> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for cat in [&scope.bcat, &scope.hcat] {
        for (id, versions) in &cat.versions {
            if versions.iter().any(|v| v.effective_from == date) {
                ids.insert((*id).to_owned());
            }
        }
    }
    ids.into_iter().collect()
}

pub(super) fn timeline(
    scope: &Scope<'_>,
    causes: &Causes<'_, '_>,
    opts: &DiffOptions,
    today_changes: &[TierChange],
) -> Timeline {
    let key = |c: &TierChange| {
        (
            c.partner.clone(),
            c.program.clone(),
            c.from.clone(),
            c.to.clone(),
        )
    };
    let today: BTreeSet<_> = today_changes.iter().map(key).collect();
    let mut out = Timeline {
        effects: Vec::new(),
        affected: Vec::new(),
    };
    for (date, progs) in coming_dates(scope, opts) {
        let (bf, hf) = scope.standings(date, Some(&progs));
        out.affected.push((date, affected(scope, &bf, &hf)));
        let changes: Vec<TierChange> =
            compare_tiers(&bf, &hf, &|p, prog, t| causes.of(p, prog, t, date))
                .into_iter()
                .filter(|c| !today.contains(&key(c)))
                .collect();
        if !changes.is_empty() {
            out.effects.push(FutureEffect {
                date,
                programs: progs.into_iter().collect(),
                tier_changes: changes,
                new_terms: new_terms_on(scope, date),
            });
        }
    }
    out
}

/// Per changed program: the partners whose files did not change but whose tier, types,
/// statuses, entitlements or fees do.
fn affected(
    scope: &Scope<'_>,
    be: &Standings,
    he: &Standings,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let keys: BTreeSet<&(String, String)> = be.keys().chain(he.keys()).collect();
    for k in keys {
        if !scope.changed_programs.contains(&k.1) || scope.partner_file_changed(&k.0) {
            continue;
        }
        let differs = match (be.get(k), he.get(k)) {
            (Some(b), Some(h)) if b.tier == h.tier && b.same_outcome(h) => false,
            (b, h) => outcome(b) != outcome(h),
        };
        if differs {
            out.entry(k.1.clone()).or_default().insert(k.0.clone());
        }
    }
    out
}

/// When a program file is in force: from its `effective_from` until the next version's (on the
/// side that holds the file, the head where both do).
fn in_force(scope: &Scope<'_>, file: &str) -> Option<(Date, Option<Date>)> {
    let [head, base] = [scope.head, scope.base].map(|ds| {
        ds.programs
            .iter()
            .find(|f| f.path == file)
            .and_then(|f| f.record.as_ref())
    });
    let (terms, cat) = match (head, base) {
        (Some(p), _) => (p, &scope.hcat),
        (None, Some(p)) => (p, &scope.bcat),
        (None, None) => return None,
    };
    let from = terms.effective_from;
    let next = cat
        .versions
        .get(terms.id.as_str())
        .and_then(|vs| vs.iter().map(|v| v.effective_from).find(|d| *d > from));
    Some((from, next))
}

/// The changed program files, each with its blast radius while in force (today and on the
/// coming dates evaluated) and, for scheduled terms, the date they take effect.
pub(super) fn program_changes(
    scope: &Scope<'_>,
    be: &Standings,
    he: &Standings,
    timeline: &Timeline,
    as_of: Date,
) -> Vec<ProgramChange> {
    if scope.changed_programs.is_empty() {
        return Vec::new();
    }
    let today = affected(scope, be, he);
    let mut out = Vec::new();
    for file in changed_program_files(scope.base, scope.head) {
        let program = file_program(scope, &file);
        let window = in_force(scope, &file);
        let holds =
            |d: Date| window.is_none_or(|(from, next)| from <= d && next.is_none_or(|n| d < n));
        let mut radius: BTreeSet<String> = BTreeSet::new();
        let on =
            std::iter::once((as_of, &today)).chain(timeline.affected.iter().map(|(d, a)| (*d, a)));
        for (date, affected) in on {
            if holds(date) {
                radius.extend(affected.get(&program).into_iter().flatten().cloned());
            }
        }
        out.push(ProgramChange {
            file,
            program,
            blast_radius: radius.into_iter().collect(),
            takes_effect: window.map(|(from, _)| from).filter(|from| *from > as_of),
        });
    }
    out
}

fn file_program(scope: &Scope<'_>, file: &str) -> String {
    [scope.head, scope.base]
        .iter()
        .find_map(|ds| ds.programs.iter().find(|f| f.path == file))
        .map(program_id)
        .unwrap_or_default()
}

/// Program files added, removed or edited, by path.
fn changed_program_files(base: &Dataset, head: &Dataset) -> BTreeSet<String> {
    let blobs = |ds: &Dataset| -> BTreeMap<String, Option<gix::ObjectId>> {
        ds.programs
            .iter()
            .map(|f| (f.path.clone(), f.blob_id))
            .collect()
    };
    let (b, h) = (blobs(base), blobs(head));
    b.keys()
        .chain(h.keys())
        .filter(|p| b.get(*p) != h.get(*p))
        .cloned()
        .collect()
}

/// Terms already in force edited in place: every standing from their effective date on is
/// judged anew, the past included.
pub(super) fn in_place_edits(base: &Dataset, head: &Dataset, as_of: Date) -> Vec<ReviewWarning> {
    let mut out = Vec::new();
    for f in &head.programs {
        let Some(before) = base.programs.iter().find(|b| b.path == f.path) else {
            continue;
        };
        let Some(terms) = f.record.as_ref().or(before.record.as_ref()) else {
            continue;
        };
        if before.blob_id == f.blob_id || terms.effective_from > as_of {
            continue;
        }
        out.push(ReviewWarning {
            file: f.path.clone(),
            message: format!(
                "this edit changes standings as of today and in the past; to change terms from a \
                 date, add `programs/{}@DATE.toml`",
                terms.id
            ),
        });
    }
    out
}
