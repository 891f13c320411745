//! The effect of a change: a pure function of two loaded sides and an as-of date → sorted effects.
//!
//! Work is keyed by git blob id: when no program file changed, only partner files whose content
//! (or validity) changed are evaluated, on both sides; unchanged partners cannot change effect.
//!
//! [`diff`] runs named steps, one module each: `files` (touched files, field changes; `renames`
//! pairs renamed files), `select` (which partners each side evaluates), `standing` (what is
//! compared of an evaluation, tier and value changes), `cause`, `validity`, `scheduled` (coming
//! reviews, new terms and their blast radius, in-place edits of terms in force), `listing` (the
//! public directory entries that change) and `gates`.

mod cause;
mod fields;
mod files;
mod gates;
mod listing;
mod renames;
mod report;
mod scheduled;
mod select;
mod standing;
mod validity;

use std::collections::BTreeMap;

use crate::dataset::{Catalog, Dataset};
use crate::model::scalar::Date;
use crate::model::Partner;

pub use fields::flatten;
pub use gates::{tripped, Gate};
pub use report::*;

use select::Selection;
use standing::Standings;

/// Compute the effect of going from `base` to `head`.
pub fn diff(
    base: &Dataset,
    head: &Dataset,
    base_label: &str,
    head_label: &str,
    opts: &DiffOptions,
) -> DiffReport {
    let as_of = opts.as_of;
    let (partners, files) = files::file_changes(base, head, opts.show_confidential);
    let scope = Scope::new(base, head, &partners);
    let (be, he) = scope.standings(as_of, None);
    let causes = cause::Causes::new(&scope);
    let tier_changes =
        standing::compare_tiers(&be, &he, &|p, prog, tier| causes.of(p, prog, tier, as_of));
    let outcomes = standing::outcome_changes(&be, &he);
    let validation = validity::changes(base, head, opts.show_confidential);
    let timeline = scheduled::timeline(&scope, &causes, opts, &tier_changes);
    let programs = scheduled::program_changes(&scope, &be, &he, &timeline, as_of);
    let warnings = scheduled::in_place_edits(base, head, as_of);
    let listing = listing::changes(&scope, &be, &he, as_of);
    let summary = Summary::of(
        &tier_changes,
        &outcomes,
        &validation,
        &partners,
        &timeline.effects,
    );
    DiffReport {
        version: 1,
        base: base_label.to_owned(),
        base_note: None,
        head: head_label.to_owned(),
        as_of,
        summary,
        partners,
        tier_changes,
        qualification_changes: outcomes.qualifications,
        memberships_ended: outcomes.memberships_ended,
        entitlement_changes: outcomes.entitlements,
        fee_changes: outcomes.fees,
        validation,
        programs,
        warnings,
        future: timeline.effects,
        listing,
        files,
        evaluated_partner_files: scope.bsel.len().max(scope.hsel.len()),
    }
}

/// What the steps of one diff share: both sides, what changed between them, and which partners
/// each side evaluates.
pub(crate) struct Scope<'d> {
    base: &'d Dataset,
    head: &'d Dataset,
    bcat: Catalog<'d>,
    hcat: Catalog<'d>,
    /// Program ids whose terms differ: some version file was added, removed, edited, or changed
    /// validity.
    changed_programs: std::collections::BTreeSet<String>,
    /// Partner files whose content differs (by path).
    blob_changed: std::collections::BTreeSet<String>,
    bsel: Selection<'d>,
    hsel: Selection<'d>,
    /// Renamed partners: base id → head id. Base standings are keyed by the head id, so a
    /// rename alone compares a partner with itself.
    renames: BTreeMap<String, String>,
    /// The same, head id → base id.
    renamed_from: BTreeMap<String, String>,
}

impl<'d> Scope<'d> {
    fn new(base: &'d Dataset, head: &'d Dataset, events: &[PartnerEvent]) -> Scope<'d> {
        let changed_programs = select::changed_programs(base, head);
        let (touched, blob_changed) = select::touched_partner_files(base, head);
        let renames = renamed_ids(base, head, events);
        Scope {
            base,
            head,
            bcat: base.catalog(),
            hcat: head.catalog(),
            bsel: Selection::of(base, &touched, &changed_programs),
            hsel: Selection::of(head, &touched, &changed_programs),
            renamed_from: renames
                .iter()
                .map(|(b, h)| (h.clone(), b.clone()))
                .collect(),
            renames,
            changed_programs,
            blob_changed,
        }
    }

    /// Both sides' standings on `date` (only in `only` programs, when given); base standings of
    /// renamed partners under their new id.
    fn standings(
        &self,
        date: Date,
        only: Option<&std::collections::BTreeSet<String>>,
    ) -> (Standings, Standings) {
        let mut b = self
            .bsel
            .standings(&self.bcat, date, only, &self.changed_programs);
        let h = self
            .hsel
            .standings(&self.hcat, date, only, &self.changed_programs);
        if !self.renames.is_empty() {
            b = b
                .into_iter()
                .map(|((p, prog), s)| ((self.head_id(&p).to_owned(), prog), s))
                .collect();
        }
        (b, h)
    }

    /// The id a base partner has on the head side.
    fn head_id<'a>(&'a self, base_id: &'a str) -> &'a str {
        self.renames.get(base_id).map_or(base_id, String::as_str)
    }

    /// Whether the partner's own file (by its head id) changed content.
    fn partner_file_changed(&self, partner: &str) -> bool {
        self.blob_changed
            .contains(&format!("partners/{partner}.toml"))
    }

    fn base_record(&self, head_id: &str) -> Option<&'d Partner> {
        let base_id = self
            .renamed_from
            .get(head_id)
            .map_or(head_id, String::as_str);
        self.bsel.record(base_id)
    }
}

/// Record ids of renamed partner files, base → head (file stems when a side has no record).
fn renamed_ids(
    base: &Dataset,
    head: &Dataset,
    events: &[PartnerEvent],
) -> BTreeMap<String, String> {
    let id = |ds: &Dataset, stem: &str| {
        let path = format!("partners/{stem}.toml");
        ds.partners
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.record.as_ref())
            .map_or_else(|| stem.to_owned(), |p| p.id.to_string())
    };
    events
        .iter()
        .filter_map(|e| match e {
            PartnerEvent::Renamed { from, to } => Some((id(base, from), id(head, to))),
            _ => None,
        })
        .filter(|(b, h)| b != h)
        .collect()
}
