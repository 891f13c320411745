//! Which partner files each side evaluates: touched files in every program, untouched members
//! only in programs whose terms changed.
//!
//! An evaluation depends only on the partner's record and the program's terms, so a partner file
//! that is untouched gives identical results on both sides in every program whose terms did not
//! change.

use std::collections::{BTreeMap, BTreeSet};

use super::standing::{Standing, Standings};
use crate::dataset::{Catalog, Dataset};
use crate::diagnostic::Severity;
use crate::evaluate::{self, Evaluation};
use crate::load::Loaded;
use crate::model::scalar::Date;
use crate::model::{Partner, Program};

pub(super) fn is_valid<T>(f: &Loaded<T>) -> bool {
    !f.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

pub(super) fn program_id(f: &Loaded<Program>) -> String {
    f.record.as_ref().map_or_else(
        || f.stem().split('@').next().unwrap_or_default().to_owned(),
        |p| p.id.to_string(),
    )
}

/// Program ids whose terms differ: some version file of theirs was added, removed, edited, or
/// changed validity.
pub(super) fn changed_programs(base: &Dataset, head: &Dataset) -> BTreeSet<String> {
    let versions = |ds: &Dataset| {
        let mut m: BTreeMap<String, BTreeSet<(String, Option<gix::ObjectId>, bool)>> =
            BTreeMap::new();
        for f in &ds.programs {
            m.entry(program_id(f))
                .or_default()
                .insert((f.path.clone(), f.blob_id, is_valid(f)));
        }
        m
    };
    let (bv, hv) = (versions(base), versions(head));
    bv.keys()
        .chain(hv.keys())
        .filter(|id| bv.get(*id) != hv.get(*id))
        .cloned()
        .collect()
}

pub(super) fn by_path(ds: &Dataset) -> BTreeMap<String, &Loaded<Partner>> {
    ds.partners.iter().map(|f| (f.path.clone(), f)).collect()
}

/// Partner files (by path) that are touched — blob or validity differs — and those whose blob
/// differs.
pub(super) fn touched_partner_files(
    base: &Dataset,
    head: &Dataset,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (bp, hp) = (by_path(base), by_path(head));
    let paths: BTreeSet<&String> = bp.keys().chain(hp.keys()).collect();
    let touched = paths
        .iter()
        .filter(|p| match (bp.get(**p), hp.get(**p)) {
            (Some(a), Some(b)) => a.blob_id != b.blob_id || a.diagnostics != b.diagnostics,
            _ => true,
        })
        .map(|p| (*p).clone())
        .collect();
    let blob_changed = paths
        .iter()
        .filter(|p| bp.get(**p).map(|f| &f.blob_id) != hp.get(**p).map(|f| &f.blob_id))
        .map(|p| (*p).clone())
        .collect();
    (touched, blob_changed)
}

/// The valid partners of one side that need evaluating.
pub(super) struct Selection<'d> {
    /// Touched partner files: evaluated in every program.
    pub touched: Vec<&'d Partner>,
    /// Untouched partners that belong to a program whose terms changed: evaluated in those.
    pub untouched: Vec<&'d Partner>,
    /// The records above by id.
    records: BTreeMap<String, &'d Partner>,
}

impl<'d> Selection<'d> {
    pub fn of(
        ds: &'d Dataset,
        touched: &BTreeSet<String>,
        changed_programs: &BTreeSet<String>,
    ) -> Selection<'d> {
        let mut sel = Selection {
            touched: Vec::new(),
            untouched: Vec::new(),
            records: BTreeMap::new(),
        };
        for f in ds.partners.iter().filter(|f| is_valid(f)) {
            let Some(p) = &f.record else { continue };
            if touched.contains(&f.path) {
                sel.touched.push(p);
                sel.records.insert(p.id.to_string(), p);
            } else if p
                .memberships
                .iter()
                .any(|m| changed_programs.contains(m.program.as_str()))
            {
                sel.untouched.push(p);
                sel.records.insert(p.id.to_string(), p);
            }
        }
        sel
    }

    /// How many partner files are evaluated.
    pub fn len(&self) -> usize {
        self.touched.len() + self.untouched.len()
    }

    /// The record of a partner evaluated on this side.
    pub fn record(&self, id: &str) -> Option<&'d Partner> {
        self.records.get(id).copied()
    }

    /// Standings on `date`: touched partners in every program (of `only`, when given), the rest
    /// in the changed programs.
    pub fn standings(
        &self,
        cat: &Catalog<'_>,
        date: Date,
        only: Option<&BTreeSet<String>>,
        changed_programs: &BTreeSet<String>,
    ) -> Standings {
        let all = match only {
            Some(only) => cat.restricted_to(only),
            None => cat.clone(),
        };
        let changed = all.restricted_to(changed_programs);
        let key = |e: Evaluation| ((e.partner.clone(), e.program.clone()), Standing::of(e));
        let touched = self.touched.iter().copied();
        let mut out: Standings = evaluate::evaluate_each(touched, &all, date, key)
            .into_iter()
            .collect();
        let untouched = self.untouched.iter().copied();
        out.extend(evaluate::evaluate_each(untouched, &changed, date, key));
        out
    }
}
