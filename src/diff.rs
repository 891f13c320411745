//! The effect of a change: a pure function of two loaded sides and an as-of date → sorted effects.
//!
//! Work is keyed by git blob id: when no program file changed, only partner files whose content
//! (or validity) changed are evaluated, on both sides; unchanged partners cannot change effect.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value as Json;

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, Severity};
use crate::evaluate::{self, time, Detail, Entitlement, Evaluation};
use crate::load::Loaded;
use crate::model::scalar::Date;
use crate::model::Partner;

/// Options of a diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Evaluate both sides as of this date.
    pub as_of: Date,
    /// Show confidential values (revenue, contacts, …) in field changes and text diffs.
    pub show_confidential: bool,
    /// How far ahead to look for review dates and scheduled terms.
    pub horizon_months: u32,
}

/// Direction of a tier change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMove {
    /// To a higher tier.
    Up,
    /// To a lower tier.
    Down,
    /// From no tier to a tier.
    Gained,
    /// From a tier to none.
    Lost,
}

impl TierMove {
    /// Whether the partner is better off.
    pub fn is_up(self) -> bool {
        matches!(self, TierMove::Up | TierMove::Gained)
    }
}

/// What caused an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The partner's own file changed (alone, or it gives the new tier under the old terms while
    /// the new terms do not with the old file).
    PartnerFile,
    /// The program's terms changed: alone (the blast radius of a terms change), or they give the
    /// new tier with the old file while the new file does not under the old terms.
    ProgramTerms,
    /// Both, and neither alone gives the new tier (or either does).
    Both,
    /// Neither the file nor the program: another partner file changed, and a rule across files
    /// (a duplicate id, a customer's access grants) now judges this partner's file differently.
    /// (Where another program's new terms make the file invalid, the cause is `ProgramTerms`.)
    OtherPartnerFile,
}

/// A partner's tier in a program changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TierChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// Track, if any.
    pub track: Option<String>,
    /// Tier before (id), if any.
    pub from: Option<String>,
    /// Tier after (id), if any.
    pub to: Option<String>,
    /// Tier names for display.
    pub from_name: Option<String>,
    /// Tier names for display.
    pub to_name: Option<String>,
    /// Direction.
    pub direction: TierMove,
    /// Cause.
    pub cause: Cause,
    /// Requirements whose outcome flipped and explain the move ("revenue-20000 no longer met").
    pub because: Vec<String>,
}

/// A partner type or status gained or lost.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct QualificationChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// `type` or `status`.
    pub what: &'static str,
    /// Type or status id.
    pub id: String,
    /// Gained (true) or lost (false).
    pub gained: bool,
}

/// A membership that ends (on or before the as-of date) with this change: the partner leaves the
/// program, holding nothing there any more.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MembershipEnded {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
}

/// An entitlement or fee changed value, appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ValueChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// Entitlement id.
    pub id: String,
    /// Entitlement name.
    pub name: String,
    /// Value before, rendered.
    pub from: Option<String>,
    /// Value after, rendered.
    pub to: Option<String>,
}

/// A file's validity changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationChange {
    /// The file.
    pub file: String,
    /// Whether it is now invalid (true) or now valid (false).
    pub became_invalid: bool,
    /// Its errors after the change.
    pub diagnostics: Vec<Diagnostic>,
}

/// A partner added, removed or renamed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum PartnerEvent {
    /// A new partner file.
    Added {
        /// Partner id.
        partner: String,
    },
    /// A partner file removed.
    Removed {
        /// Partner id.
        partner: String,
    },
    /// A partner file renamed (similar content under a new id).
    Renamed {
        /// Old id.
        from: String,
        /// New id.
        to: String,
    },
}

/// A changed program file and the partners whose outcome changes only because of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramChange {
    /// Program file.
    pub file: String,
    /// Program id.
    pub program: String,
    /// Partners (with unchanged files) whose tier, types, statuses, entitlements or fees change.
    pub blast_radius: Vec<String>,
}

/// Changes the pull request causes at a future review date (or a scheduled terms change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FutureEffect {
    /// The date.
    pub date: Date,
    /// Programs reviewing (or changing terms) that day.
    pub programs: Vec<String>,
    /// Tier changes the change causes on that date, where they differ from today's.
    pub tier_changes: Vec<TierChange>,
}

/// One field of a data file changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Field path, with array entries named by their natural key: `revenue[nospamproxy server-new-licences 2025].amount`.
    pub path: String,
    /// Value before (absent when added); `(confidential)` when masked.
    pub from: Option<String>,
    /// Value after (absent when removed); `(confidential)` when masked.
    pub to: Option<String>,
}

/// A touched data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Path after the change (before, for removed files).
    pub path: String,
    /// Path before, when renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `added`, `removed`, `modified` or `renamed`.
    pub status: &'static str,
    /// Field-level changes.
    pub fields: Vec<FieldChange>,
    /// Unified text diff; `None` when hidden because the file is confidential.
    pub text_diff: Option<String>,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Partners with at least one tier change.
    pub partners_changing_tier: usize,
    /// Tier changes up (or gained).
    pub up: usize,
    /// Tier changes down (or lost).
    pub down: usize,
    /// Files that became invalid.
    pub became_invalid: usize,
    /// Files that became valid.
    pub became_valid: usize,
    /// Entitlement changes.
    pub entitlement_changes: usize,
    /// Fee changes.
    pub fee_changes: usize,
    /// Partners added, removed or renamed.
    pub partner_events: usize,
    /// Tier changes at future review dates.
    pub future_tier_changes: usize,
}

/// The effect of a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// Format version of this report.
    pub version: u32,
    /// The base side.
    pub base: String,
    /// The head side.
    pub head: String,
    /// Evaluation date of both sides.
    pub as_of: Date,
    /// Counts.
    pub summary: Summary,
    /// Partners added, removed, renamed.
    pub partners: Vec<PartnerEvent>,
    /// Tier changes as of the as-of date.
    pub tier_changes: Vec<TierChange>,
    /// Partner types and statuses gained or lost.
    pub qualification_changes: Vec<QualificationChange>,
    /// Memberships ended by the change (left out when none, as before the field existed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub memberships_ended: Vec<MembershipEnded>,
    /// Entitlement changes.
    pub entitlement_changes: Vec<ValueChange>,
    /// Fee changes.
    pub fee_changes: Vec<ValueChange>,
    /// Files whose validity changed.
    pub validation: Vec<ValidationChange>,
    /// Changed program files with their blast radius.
    pub programs: Vec<ProgramChange>,
    /// Effects at coming review dates.
    pub future: Vec<FutureEffect>,
    /// Touched files with field-level changes and text diffs.
    pub files: Vec<FileChange>,
    /// Partner files evaluated (the rest were unchanged and skipped).
    pub evaluated_partner_files: usize,
}

impl DiffReport {
    /// One sentence for the top of a PR comment.
    pub fn sentence(&self) -> String {
        let s = &self.summary;
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if s.partners_changing_tier > 0 {
            parts.push(format!(
                "{} tier: {} up, {} down",
                plural(
                    s.partners_changing_tier,
                    "partner changes",
                    "partners change"
                ),
                s.up,
                s.down
            ));
        }
        if !self.memberships_ended.is_empty() {
            parts.push(plural(
                self.memberships_ended.len(),
                "membership ended",
                "memberships ended",
            ));
        }
        if s.entitlement_changes > 0 {
            parts.push(plural(
                s.entitlement_changes,
                "entitlement change",
                "entitlement changes",
            ));
        }
        if s.fee_changes > 0 {
            parts.push(plural(s.fee_changes, "fee change", "fee changes"));
        }
        if s.became_invalid > 0 {
            parts.push(format!(
                "{} invalid",
                plural(s.became_invalid, "file", "files")
            ));
        }
        if s.became_valid > 0 {
            parts.push(format!("{} fixed", plural(s.became_valid, "file", "files")));
        }
        if s.partner_events > 0 {
            parts.push(plural(
                s.partner_events,
                "partner added, removed or renamed",
                "partners added, removed or renamed",
            ));
        }
        if s.future_tier_changes > 0 {
            parts.push(format!(
                "{} at coming reviews",
                plural(s.future_tier_changes, "tier change", "tier changes")
            ));
        }
        if parts.is_empty() {
            if self.files.is_empty() {
                "No changes to partner or program files.".into()
            } else {
                "No effect on tiers, entitlements, fees or validity.".into()
            }
        } else {
            let mut s = parts.join("; ");
            s.push('.');
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or(s)
        }
    }
}

fn errors(d: &[Diagnostic]) -> Vec<Diagnostic> {
    d.iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect()
}

fn is_valid<T>(f: &Loaded<T>) -> bool {
    !f.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Compute the effect of going from `base` to `head`.
pub fn diff(
    base: &Dataset,
    head: &Dataset,
    base_label: &str,
    head_label: &str,
    opts: &DiffOptions,
) -> DiffReport {
    let as_of = opts.as_of;
    // Program ids whose terms differ: some version file of theirs was added, removed, edited,
    // or changed validity.
    let prog_versions = |ds: &Dataset| {
        let mut m: BTreeMap<String, BTreeSet<(String, String, bool)>> = BTreeMap::new();
        for f in &ds.programs {
            m.entry(program_id(f)).or_default().insert((
                f.path.clone(),
                f.blob_id.clone(),
                is_valid(f),
            ));
        }
        m
    };
    let (bv, hv) = (prog_versions(base), prog_versions(head));
    let changed_programs: BTreeSet<String> = bv
        .keys()
        .chain(hv.keys())
        .filter(|id| bv.get(*id) != hv.get(*id))
        .cloned()
        .collect();
    let programs_changed = !changed_programs.is_empty();

    // Partner files by path; a partner is "touched" when its blob or its validity differs.
    let (bp, hp) = (by_path(base), by_path(head));
    let paths: BTreeSet<&String> = bp.keys().chain(hp.keys()).collect();
    let touched: BTreeSet<String> = paths
        .iter()
        .filter(|p| match (bp.get(**p), hp.get(**p)) {
            (Some(a), Some(b)) => a.blob_id != b.blob_id || a.diagnostics != b.diagnostics,
            _ => true,
        })
        .map(|p| (*p).clone())
        .collect();
    let blob_changed: BTreeSet<String> = paths
        .iter()
        .filter(|p| bp.get(**p).map(|f| &f.blob_id) != hp.get(**p).map(|f| &f.blob_id))
        .map(|p| (*p).clone())
        .collect();

    // An evaluation depends only on the partner's record and the program's terms, so a partner
    // file that is untouched gives identical results on both sides in every program whose terms
    // did not change: only touched partners (in all their programs) and the members of changed
    // programs are evaluated.
    let (bsel, hsel) = (
        select(base, &touched, &changed_programs),
        select(head, &touched, &changed_programs),
    );
    let (bcat, hcat) = (base.catalog(), head.catalog());
    let evals = |sel: &Selection<'_>,
                 cat: &crate::dataset::Catalog<'_>,
                 date: Date,
                 only: Option<&BTreeSet<String>>|
     -> BTreeMap<(String, String), Standing> {
        let all = match only {
            Some(only) => cat.restricted_to(only),
            None => cat.clone(),
        };
        let changed = all.restricted_to(&changed_programs);
        let key = |e: Evaluation| ((e.partner.clone(), e.program.clone()), Standing::of(e));
        let mut out: BTreeMap<(String, String), Standing> = evaluate::evaluate_each(
            sel.touched.iter().copied(),
            &all,
            date,
            Detail::Outcome,
            key,
        )
        .into_iter()
        .collect();
        out.extend(evaluate::evaluate_each(
            sel.untouched.iter().copied(),
            &changed,
            date,
            Detail::Outcome,
            key,
        ));
        out
    };
    let (be, he) = (
        evals(&bsel, &bcat, as_of, None),
        evals(&hsel, &hcat, as_of, None),
    );
    let evaluated_partner_files = bsel.len().max(hsel.len());

    // Where a partner's file and its program's terms both changed, each change is tried alone:
    // the new file under the old terms, and the old file under the new terms. A change that
    // gives the new tier on its own, where the other does not, is the cause.
    fn records<'d>(sel: &Selection<'d>) -> BTreeMap<String, &'d Partner> {
        sel.touched
            .iter()
            .map(|p| (p.id.as_str().to_owned(), *p))
            .collect()
    }
    let (base_records, head_records) = (records(&bsel), records(&hsel));
    // No valid record, no membership, no terms: no tier, as `compare_tiers` counts it.
    let tier_under = |partner: Option<&&Partner>,
                      cat: &crate::dataset::Catalog<'_>,
                      program: &str,
                      date: Date|
     -> Option<String> {
        let only: BTreeSet<String> = [program.to_owned()].into();
        evaluate::evaluate_each(
            partner.copied(),
            &cat.restricted_to(&only),
            date,
            Detail::Outcome,
            |e| Standing::of(e).tier,
        )
        .pop()
        .flatten()
    };
    let partner_file_changed =
        |partner: &str| blob_changed.contains(&format!("partners/{partner}.toml"));
    // An unchanged file in an unchanged program changes outcome only by turning valid or
    // invalid: through a rule across partner files, or through another program's terms.
    let judged_by_other_files = |partner: &str| {
        let path = format!("partners/{partner}.toml");
        let codes = |side: &BTreeMap<String, &Loaded<Partner>>| -> BTreeSet<&str> {
            side.get(&path).map_or_else(BTreeSet::new, |f| {
                f.diagnostics
                    .iter()
                    .map(|d| d.code)
                    .filter(|c| crate::rules::is_cross_file(c))
                    .collect()
            })
        };
        codes(&bp) != codes(&hp) || !programs_changed
    };
    let cause_at = |date: Date| {
        let (base_records, head_records) = (&base_records, &head_records);
        let (bcat, hcat, tier_under) = (&bcat, &hcat, &tier_under);
        let (partner_file_changed, changed_programs) = (&partner_file_changed, &changed_programs);
        let judged_by_other_files = &judged_by_other_files;
        move |partner: &str, program: &str, head_tier: Option<&String>| match (
            partner_file_changed(partner),
            changed_programs.contains(program),
        ) {
            (true, false) => Cause::PartnerFile,
            (false, true) => Cause::ProgramTerms,
            (false, false) if judged_by_other_files(partner) => Cause::OtherPartnerFile,
            (false, false) => Cause::ProgramTerms,
            (true, true) => {
                let gives_head = |tier: Option<String>| tier.as_ref() == head_tier;
                let file_alone =
                    gives_head(tier_under(head_records.get(partner), bcat, program, date));
                let terms_alone =
                    gives_head(tier_under(base_records.get(partner), hcat, program, date));
                match (file_alone, terms_alone) {
                    (true, false) => Cause::PartnerFile,
                    (false, true) => Cause::ProgramTerms,
                    _ => Cause::Both,
                }
            }
        }
    };

    let tier_changes = compare_tiers(&be, &he, &cause_at(as_of));
    let mut qualification_changes = Vec::new();
    let mut entitlement_changes = Vec::new();
    let mut fee_changes = Vec::new();
    let keys: BTreeSet<&(String, String)> = be.keys().chain(he.keys()).collect();
    for k in &keys {
        let (b, h) = (be.get(*k), he.get(*k));
        if let (Some(b), Some(h)) = (b, h) {
            if b.same_outcome(h) {
                continue;
            }
        }
        for (what, get) in [
            (
                "type",
                (|e: &Standing| e.types.clone()) as fn(&Standing) -> Vec<String>,
            ),
            ("status", |e: &Standing| e.statuses.clone()),
        ] {
            let bs: BTreeSet<String> = b.map(get).unwrap_or_default().into_iter().collect();
            let hs: BTreeSet<String> = h.map(get).unwrap_or_default().into_iter().collect();
            for id in bs.symmetric_difference(&hs) {
                qualification_changes.push(QualificationChange {
                    partner: k.0.clone(),
                    program: k.1.clone(),
                    what,
                    id: id.clone(),
                    gained: hs.contains(id),
                });
            }
        }
        value_changes(
            k,
            b.map(|e| &e.entitlements[..]).unwrap_or(&[]),
            h.map(|e| &e.entitlements[..]).unwrap_or(&[]),
            &mut entitlement_changes,
        );
        value_changes(
            k,
            b.map(|e| &e.fees[..]).unwrap_or(&[]),
            h.map(|e| &e.fees[..]).unwrap_or(&[]),
            &mut fee_changes,
        );
    }
    qualification_changes.sort();
    let memberships_ended: Vec<MembershipEnded> = keys
        .iter()
        .filter(|k| he.get(**k).is_some_and(|h| h.ended))
        .filter(|k| !be.get(**k).is_some_and(|b| b.ended))
        .map(|k| MembershipEnded {
            partner: k.0.clone(),
            program: k.1.clone(),
        })
        .collect();
    entitlement_changes.sort();
    fee_changes.sort();

    // Validity.
    let mut validation = Vec::new();
    let base_files: BTreeMap<&str, Vec<Diagnostic>> = base
        .programs
        .iter()
        .map(|f| (f.path.as_str(), errors(&f.diagnostics)))
        .chain(
            base.partners
                .iter()
                .map(|f| (f.path.as_str(), errors(&f.diagnostics))),
        )
        .collect();
    let head_files: BTreeMap<&str, Vec<Diagnostic>> = head
        .programs
        .iter()
        .map(|f| (f.path.as_str(), errors(&f.diagnostics)))
        .chain(
            head.partners
                .iter()
                .map(|f| (f.path.as_str(), errors(&f.diagnostics))),
        )
        .chain(
            head.problems
                .iter()
                .map(|d| (d.file.as_str(), vec![d.clone()])),
        )
        .collect();
    for (file, diags) in &head_files {
        let before = base_files.get(file).map(|d| !d.is_empty()).unwrap_or(false)
            || base
                .problems
                .iter()
                .any(|d| d.file == *file && d.severity == Severity::Error);
        if !diags.is_empty() && !before {
            validation.push(ValidationChange {
                file: (*file).to_owned(),
                became_invalid: true,
                diagnostics: shown_diagnostics(diags, opts.show_confidential),
            });
        }
    }
    for (file, diags) in &base_files {
        if !diags.is_empty() && head_files.get(file).is_some_and(|d| d.is_empty()) {
            validation.push(ValidationChange {
                file: (*file).to_owned(),
                became_invalid: false,
                diagnostics: Vec::new(),
            });
        }
    }
    validation.sort_by(|a, b| a.file.cmp(&b.file));

    // Partners added, removed, renamed, and touched files.
    let (partners, files) = file_changes(base, head, opts.show_confidential);

    // Program changes and their blast radius.
    let mut programs = Vec::new();
    if programs_changed {
        let bprog: BTreeMap<&str, (&str, String)> = base
            .programs
            .iter()
            .map(|f| (f.path.as_str(), (f.blob_id.as_str(), program_id(f))))
            .collect();
        let hprog: BTreeMap<&str, (&str, String)> = head
            .programs
            .iter()
            .map(|f| (f.path.as_str(), (f.blob_id.as_str(), program_id(f))))
            .collect();
        let changed: BTreeSet<&str> = bprog
            .keys()
            .chain(hprog.keys())
            .filter(|p| bprog.get(*p).map(|x| x.0) != hprog.get(*p).map(|x| x.0))
            .copied()
            .collect();
        for file in changed {
            let program = hprog
                .get(file)
                .or_else(|| bprog.get(file))
                .map(|x| x.1.clone())
                .unwrap_or_default();
            let affected: BTreeSet<String> = keys
                .iter()
                .filter(|k| k.1 == program && !partner_file_changed(&k.0))
                .filter(|k| match (be.get(*k), he.get(*k)) {
                    (Some(b), Some(h)) if b.tier == h.tier && b.same_outcome(h) => false,
                    (b, h) => outcome(b) != outcome(h),
                })
                .map(|k| k.0.clone())
                .collect();
            programs.push(ProgramChange {
                file: file.to_owned(),
                program,
                blast_radius: affected.into_iter().collect(),
            });
        }
    }

    // Effects over time: review dates (and scheduled terms) within the horizon.
    let until = as_of.add_months(opts.horizon_months as i32);
    let mut dates: BTreeMap<Date, BTreeSet<String>> = BTreeMap::new();
    for cat in [&bcat, &hcat] {
        for (id, versions) in &cat.versions {
            if let Some(terms) = cat.terms(id, as_of).or_else(|| versions.first().copied()) {
                for d in time::reviews_between(&terms.review, as_of, until) {
                    dates.entry(d).or_default().insert((*id).to_owned());
                }
            }
            for v in versions
                .iter()
                .filter(|v| v.effective_from > as_of && v.effective_from <= until)
            {
                dates
                    .entry(v.effective_from)
                    .or_default()
                    .insert((*id).to_owned());
            }
        }
    }
    let today: BTreeSet<(String, String, Option<String>, Option<String>)> = tier_changes
        .iter()
        .map(|c| {
            (
                c.partner.clone(),
                c.program.clone(),
                c.from.clone(),
                c.to.clone(),
            )
        })
        .collect();
    let mut future = Vec::new();
    for (date, progs) in dates {
        let (bf, hf) = (
            evals(&bsel, &bcat, date, Some(&progs)),
            evals(&hsel, &hcat, date, Some(&progs)),
        );
        let changes: Vec<TierChange> = compare_tiers(&bf, &hf, &cause_at(date))
            .into_iter()
            .filter(|c| {
                !today.contains(&(
                    c.partner.clone(),
                    c.program.clone(),
                    c.from.clone(),
                    c.to.clone(),
                ))
            })
            .collect();
        if !changes.is_empty() {
            future.push(FutureEffect {
                date,
                programs: progs.into_iter().collect(),
                tier_changes: changes,
            });
        }
    }

    let summary = Summary {
        partners_changing_tier: tier_changes
            .iter()
            .map(|c| &c.partner)
            .collect::<BTreeSet<_>>()
            .len(),
        up: tier_changes.iter().filter(|c| c.direction.is_up()).count(),
        down: tier_changes.iter().filter(|c| !c.direction.is_up()).count(),
        became_invalid: validation.iter().filter(|v| v.became_invalid).count(),
        became_valid: validation.iter().filter(|v| !v.became_invalid).count(),
        entitlement_changes: entitlement_changes.len(),
        fee_changes: fee_changes.len(),
        partner_events: partners.len(),
        future_tier_changes: future.iter().map(|f| f.tier_changes.len()).sum(),
    };
    DiffReport {
        version: 1,
        base: base_label.to_owned(),
        head: head_label.to_owned(),
        as_of,
        summary,
        partners,
        tier_changes,
        qualification_changes,
        memberships_ended,
        entitlement_changes,
        fee_changes,
        validation,
        programs,
        future,
        files,
        evaluated_partner_files,
    }
}

fn by_path(ds: &Dataset) -> BTreeMap<String, &Loaded<Partner>> {
    ds.partners.iter().map(|f| (f.path.clone(), f)).collect()
}

/// The valid partners of one side that need evaluating.
struct Selection<'d> {
    /// Touched partner files: evaluated in every program.
    touched: Vec<&'d Partner>,
    /// Untouched partners that belong to a program whose terms changed: evaluated in those.
    untouched: Vec<&'d Partner>,
}

impl Selection<'_> {
    /// How many partner files are evaluated.
    fn len(&self) -> usize {
        self.touched.len() + self.untouched.len()
    }
}

fn select<'d>(
    ds: &'d Dataset,
    touched: &BTreeSet<String>,
    changed_programs: &BTreeSet<String>,
) -> Selection<'d> {
    let mut sel = Selection {
        touched: Vec::new(),
        untouched: Vec::new(),
    };
    for f in ds.partners.iter().filter(|f| is_valid(f)) {
        let Some(p) = &f.record else { continue };
        if touched.contains(&f.path) {
            sel.touched.push(p);
        } else if p
            .memberships
            .iter()
            .any(|m| changed_programs.contains(m.program.as_str()))
        {
            sel.untouched.push(p);
        }
    }
    sel
}

fn program_id(f: &Loaded<crate::model::Program>) -> String {
    f.record.as_ref().map_or_else(
        || f.stem().split('@').next().unwrap_or_default().to_owned(),
        |p| p.id.to_string(),
    )
}

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
struct Standing {
    track: Option<String>,
    tier: Option<String>,
    tier_name: Option<String>,
    /// The track's tier ids, lowest first, each with whether its requirements are met.
    tiers: Vec<(String, Vec<(String, bool)>)>,
    /// Whether each membership requirement is met.
    membership: Vec<(String, bool)>,
    types: Vec<String>,
    statuses: Vec<String>,
    entitlements: std::sync::Arc<Vec<Entitlement>>,
    fees: std::sync::Arc<Vec<Entitlement>>,
    /// The membership has ended (on or before the date evaluated).
    ended: bool,
}

impl Standing {
    /// Same types, statuses, entitlements and fees (most pairs compared are: the lists are
    /// usually the very same shared ones).
    fn same_outcome(&self, other: &Standing) -> bool {
        let same = |a: &std::sync::Arc<Vec<Entitlement>>, b: &std::sync::Arc<Vec<Entitlement>>| {
            std::sync::Arc::ptr_eq(a, b) || a == b
        };
        self.types == other.types
            && self.ended == other.ended
            && self.statuses == other.statuses
            && same(&self.entitlements, &other.entitlements)
            && same(&self.fees, &other.fees)
    }

    fn of(e: Evaluation) -> Standing {
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

/// What a partner gets from a program, for blast-radius comparison.
fn outcome(e: Option<&Standing>) -> Option<Outcome<'_>> {
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

fn compare_tiers(
    be: &BTreeMap<(String, String), Standing>,
    he: &BTreeMap<(String, String), Standing>,
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
        let ended = |e: Option<&Standing>| e.is_some_and(|e| e.ended);
        let left = (ended(h) && !ended(b)).then(|| "membership ended".to_owned());
        let because: Vec<String> = left
            .into_iter()
            .chain(rh.iter().filter_map(|(id, met)| match (rb.get(id), met) {
                (Some(false) | None, true) if direction.is_up() => Some(format!("{id} now met")),
                (Some(true), false) if !direction.is_up() => Some(format!("{id} no longer met")),
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

/// Diagnostics as the report shows them: every output of `diff` may be public (PR comment, job
/// summary), so confidential values are left out unless asked for.
fn shown_diagnostics(diags: &[Diagnostic], show_confidential: bool) -> Vec<Diagnostic> {
    let mut shown = diags.to_vec();
    crate::diagnostic::cap_per_file(&mut shown);
    if !show_confidential {
        shown = shown.into_iter().map(Diagnostic::redacted).collect();
    }
    shown
}

/// Fields that may be shown without `--show-confidential`, by
/// [`crate::model::partner::is_confidential`] of the keys of a [`flatten`]ed path.
fn is_public_field(path: &str) -> bool {
    !crate::model::partner::is_confidential(flat_keys(path))
}

/// The table keys of a [`flatten`]ed path (`memberships[nsp].types[0]` → memberships, types):
/// a bracketed entry name is skipped up to the first `]`. Entry names come from the data; one
/// holding brackets or dots only adds keys before the real last one, which makes the path
/// confidential, never public.
fn flat_keys(path: &str) -> impl Iterator<Item = &str> {
    let mut in_name = false;
    path.split(move |c: char| {
        match c {
            '[' if !in_name => in_name = true,
            ']' if in_name => in_name = false,
            _ => return in_name || c == '.',
        }
        true
    })
    .filter(|k| !k.is_empty())
}

/// Fields that name an array entry, in order. All of them may be shown with
/// `--show-confidential`; without it only [`PUBLIC_KEY_FIELDS`] (ids defined by the program).
const KEY_FIELDS: [&str; 13] = [
    "program",
    "product_line",
    "kind",
    "person",
    "name",
    "customer",
    "status",
    "tier",
    "requirement",
    "period",
    "date",
    "month",
    "completed",
];
/// Key fields that reveal nothing confidential.
const PUBLIC_KEY_FIELDS: [&str; 6] = [
    "program",
    "product_line",
    "kind",
    "status",
    "tier",
    "requirement",
];

/// Flatten a document into `path → value` with array entries named by their natural key, built
/// from `key_fields` (entries with equal keys get `#2`, `#3`, …).
pub fn flatten(v: &Json, prefix: &str, key_fields: &[&str], out: &mut BTreeMap<String, String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(x, &p, key_fields, out);
            }
        }
        Json::Array(items) => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, x) in items.iter().enumerate() {
                let natural = match x {
                    Json::Object(m) => key_fields
                        .iter()
                        .filter_map(|k| m.get(*k).and_then(Json::as_str))
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => String::new(),
                };
                let key = if natural.is_empty() {
                    i.to_string()
                } else {
                    let n = seen.entry(natural.clone()).or_insert(0);
                    *n += 1;
                    if *n > 1 {
                        format!("{natural} #{n}")
                    } else {
                        natural
                    }
                };
                flatten(x, &format!("{prefix}[{key}]"), key_fields, out);
            }
            if items.is_empty() {
                out.insert(prefix.to_owned(), "[]".into());
            }
        }
        Json::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

fn file_json(text: Option<&str>, path: &str, key_fields: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(t) = text {
        if let (Some(j), _) = crate::load::parse_to_json(path, t) {
            flatten(&j, "", key_fields, &mut out);
        }
    }
    out
}

/// Field changes of one file. With `mask`, confidential values are replaced, and for a file that
/// was added or removed as a whole only public fields are listed, plus a count of the others.
fn field_changes(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
    mask: bool,
) -> Vec<FieldChange> {
    let whole_file = a.is_empty() || b.is_empty();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut hidden = 0;
    let mut out: Vec<FieldChange> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .filter_map(|k| {
            let masked = mask && !is_public_field(k);
            if masked && whole_file {
                hidden += 1;
                return None;
            }
            let shown = |v: Option<&String>| {
                v.map(|v| {
                    if masked {
                        "(confidential)".to_owned()
                    } else {
                        v.clone()
                    }
                })
            };
            Some(FieldChange {
                path: k.clone(),
                from: shown(a.get(k)),
                to: shown(b.get(k)),
            })
        })
        .collect();
    if hidden > 0 {
        let n = Some(format!("{hidden} fields"));
        let (from, to) = if a.is_empty() { (None, n) } else { (n, None) };
        out.push(FieldChange {
            path: "(confidential fields)".into(),
            from,
            to,
        });
    }
    out
}

fn text_diff(a: &str, b: &str, from: &str, to: &str) -> String {
    similar::TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{from}"), &format!("b/{to}"))
        .to_string()
}

fn file_changes(
    base: &Dataset,
    head: &Dataset,
    show: bool,
) -> (Vec<PartnerEvent>, Vec<FileChange>) {
    struct F<'a> {
        blob: &'a str,
        text: Option<&'a str>,
        partner: bool,
    }
    type Files<'d> = BTreeMap<&'d str, (&'d str, Option<&'d str>, bool)>;
    fn collect(ds: &Dataset) -> Files<'_> {
        ds.programs
            .iter()
            .map(|f| {
                (
                    f.path.as_str(),
                    (f.blob_id.as_str(), f.text.as_deref(), false),
                )
            })
            .chain(ds.partners.iter().map(|f| {
                (
                    f.path.as_str(),
                    (f.blob_id.as_str(), f.text.as_deref(), true),
                )
            }))
            .collect()
    }
    let (bmap, hmap) = (collect(base), collect(head));
    fn view<'m>(m: &Files<'m>, p: &str) -> Option<F<'m>> {
        m.get(p).map(|(b, t, partner)| F {
            blob: b,
            text: *t,
            partner: *partner,
        })
    }
    let mut removed: Vec<&str> = bmap
        .keys()
        .copied()
        .filter(|p| !hmap.contains_key(p))
        .collect();
    let mut added: Vec<&str> = hmap
        .keys()
        .copied()
        .filter(|p| !bmap.contains_key(p))
        .collect();
    let mut events = Vec::new();
    let mut files = Vec::new();
    let stem = |p: &str| {
        p.rsplit('/')
            .next()
            .unwrap_or(p)
            .trim_end_matches(".toml")
            .to_owned()
    };

    // Renames: a removed and an added file in the same directory with similar content.
    let renames = detect_renames(
        &removed,
        &added,
        |p| view(&bmap, p).map_or(("", ""), |f| (f.blob, f.text.unwrap_or(""))),
        |p| view(&hmap, p).map_or(("", ""), |f| (f.blob, f.text.unwrap_or(""))),
    );
    let renamed: HashSet<&str> = renames.iter().flat_map(|(r, a)| [*r, *a]).collect();
    removed.retain(|r| !renamed.contains(r));
    added.retain(|a| !renamed.contains(a));

    let mut emit = |from: Option<&str>, to: Option<&str>, status: &'static str| {
        let (b, h) = (
            from.and_then(|p| view(&bmap, p)),
            to.and_then(|p| view(&hmap, p)),
        );
        let partner = b.as_ref().or(h.as_ref()).is_some_and(|f| f.partner);
        let path = to.or(from).unwrap_or_default();
        let mask = partner && !show;
        let keys: &[&str] = if mask {
            &PUBLIC_KEY_FIELDS
        } else {
            &KEY_FIELDS
        };
        let fields = field_changes(
            &file_json(b.as_ref().and_then(|f| f.text), path, keys),
            &file_json(h.as_ref().and_then(|f| f.text), path, keys),
            mask,
        );
        let text_diff = (!partner || show).then(|| {
            text_diff(
                b.as_ref().and_then(|f| f.text).unwrap_or(""),
                h.as_ref().and_then(|f| f.text).unwrap_or(""),
                from.unwrap_or(path),
                to.unwrap_or(path),
            )
        });
        files.push(FileChange {
            path: path.to_owned(),
            renamed_from: if status == "renamed" {
                from.map(str::to_owned)
            } else {
                None
            },
            status,
            fields,
            text_diff,
        });
    };
    for p in &removed {
        emit(Some(p), None, "removed");
    }
    for p in &added {
        emit(None, Some(p), "added");
    }
    for (r, a) in &renames {
        emit(Some(r), Some(a), "renamed");
    }
    for p in bmap.keys().copied().filter(|p| hmap.contains_key(p)) {
        if view(&bmap, p).map(|f| f.blob) != view(&hmap, p).map(|f| f.blob) {
            emit(Some(p), Some(p), "modified");
        }
    }
    for p in removed.iter().filter(|p| p.starts_with("partners/")) {
        events.push(PartnerEvent::Removed { partner: stem(p) });
    }
    for p in added.iter().filter(|p| p.starts_with("partners/")) {
        events.push(PartnerEvent::Added { partner: stem(p) });
    }
    for (r, a) in renames.iter().filter(|(r, _)| r.starts_with("partners/")) {
        events.push(PartnerEvent::Renamed {
            from: stem(r),
            to: stem(a),
        });
    }
    events.sort();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (events, files)
}

/// Candidates compared in full with a removed file once a directory has more added files than
/// this; below it every added file is compared, as always.
const RENAME_CANDIDATES: usize = 16;

/// A line shared by more added files than this says nothing about which one a removed file
/// became (`[profile]`, `country = "DE"`), so it does not propose candidates.
const RARE_LINE_FILES: usize = 8;

/// Pair removed with added files of the same directory whose content is at least 60 % similar
/// (by lines), taking the removed files in order, each the most similar added file still free
/// (ties: the first path). An added file with the very same blob is the most similar and is found
/// by lookup. In a directory with more than [`RENAME_CANDIDATES`] added files, only the added
/// files sharing the most rare lines with the removed one are compared, so that thousands of
/// renames cost thousands of comparisons, not millions.
fn detect_renames<'p, 't>(
    removed: &[&'p str],
    added: &[&'p str],
    base: impl Fn(&str) -> (&'t str, &'t str),
    head: impl Fn(&str) -> (&'t str, &'t str),
) -> Vec<(&'p str, &'p str)> {
    fn dir(p: &str) -> Option<&str> {
        p.rsplit_once('/').map(|x| x.0)
    }
    let mut by_dir: BTreeMap<Option<&str>, Vec<&'p str>> = BTreeMap::new();
    for a in added {
        by_dir.entry(dir(a)).or_default().push(a);
    }
    let mut pools: BTreeMap<Option<&str>, RenamePool<'p, 't>> = by_dir
        .into_iter()
        .map(|(d, paths)| (d, RenamePool::new(paths, &head)))
        .collect();
    let mut renames = Vec::new();
    for r in removed {
        let Some(pool) = pools.get_mut(&dir(r)) else {
            continue;
        };
        let (blob, text) = base(r);
        if let Some(a) = pool.best_match(blob, text) {
            renames.push((*r, a));
        }
    }
    renames
}

/// How similar two texts are by lines, 0 to 1: twice the lines the line diff keeps over all
/// lines. The lines both texts hold (as multisets) bound it from above and cost one pass, so
/// clearly different texts skip the diff.
fn similarity(a: &str, b: &str) -> f32 {
    let mut counts: HashMap<&str, isize> = HashMap::new();
    for l in a.lines() {
        *counts.entry(l).or_default() += 1;
    }
    let mut common = 0_usize;
    let mut lines_b = 0_usize;
    for l in b.lines() {
        lines_b += 1;
        if let Some(c) = counts.get_mut(l).filter(|c| **c > 0) {
            *c -= 1;
            common += 1;
        }
    }
    let total = a.lines().count() + lines_b;
    let bound = if total == 0 {
        1.0
    } else {
        2.0 * common as f32 / total as f32
    };
    if bound < 0.6 {
        return bound;
    }
    similar::TextDiff::from_lines(a, b).ratio()
}

/// The added files of one directory that removed files may have become.
struct RenamePool<'p, 't> {
    paths: Vec<&'p str>,
    texts: Vec<&'t str>,
    taken: Vec<bool>,
    /// Free files by blob id, in path order.
    by_blob: HashMap<&'t str, Vec<usize>>,
    /// Files by the lines few of them share (only for large pools).
    by_line: HashMap<&'t str, Vec<usize>>,
}

impl<'p, 't> RenamePool<'p, 't> {
    fn new(paths: Vec<&'p str>, read: impl Fn(&str) -> (&'t str, &'t str)) -> Self {
        let (blobs, texts): (Vec<&str>, Vec<&str>) = paths.iter().map(|p| read(p)).unzip();
        let mut by_blob: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, b) in blobs.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
            by_blob.entry(b).or_default().push(i);
        }
        let mut by_line: HashMap<&str, Vec<usize>> = HashMap::new();
        if paths.len() > RENAME_CANDIDATES {
            for (i, t) in texts.iter().enumerate() {
                for line in t.lines().collect::<HashSet<_>>() {
                    by_line.entry(line).or_default().push(i);
                }
            }
            by_line.retain(|_, files| files.len() <= RARE_LINE_FILES);
        }
        let taken = vec![false; paths.len()];
        RenamePool {
            paths,
            texts,
            taken,
            by_blob,
            by_line,
        }
    }

    /// The free file most similar to `text` (at least 60 %), now taken.
    fn best_match(&mut self, blob: &str, text: &str) -> Option<&'p str> {
        let same = self
            .by_blob
            .get(blob)
            .and_then(|ids| ids.iter().copied().find(|i| !self.taken[*i]));
        let best = same.or_else(|| {
            self.candidates(text)
                .into_iter()
                .map(|i| (similarity(text, self.texts[i]), i))
                .filter(|(ratio, _)| *ratio >= 0.6)
                .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.1.cmp(&x.1)))
                .map(|(_, i)| i)
        })?;
        self.taken[best] = true;
        Some(self.paths[best])
    }

    /// The free files worth comparing with `text`: all of a small pool; of a large one, those
    /// sharing the most rare lines with it.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let free = |i: &usize| !self.taken[*i];
        if self.paths.len() <= RENAME_CANDIDATES {
            return (0..self.paths.len()).filter(free).collect();
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for line in text.lines().collect::<HashSet<_>>() {
            for i in self
                .by_line
                .get(line)
                .into_iter()
                .flatten()
                .filter(|i| free(i))
            {
                *shared.entry(*i).or_default() += 1;
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        ranked.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let mut top: Vec<usize> = ranked
            .into_iter()
            .take(RENAME_CANDIDATES)
            .map(|(i, _)| i)
            .collect();
        top.sort_unstable();
        top
    }
}

/// Effect kinds a gate can fail on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// A tier goes down or is lost (today or at a coming review).
    Downgrade,
    /// A tier, partner type, status or entitlement is lost or reduced.
    Loss,
    /// A file becomes invalid.
    Invalid,
    /// A partner file is removed.
    Removal,
    /// A fee changes.
    Fee,
    /// Program terms change the outcome of partners whose files did not change.
    BlastRadius,
    /// Any effect at all.
    Any,
}

/// The gates that the report trips.
pub fn tripped(report: &DiffReport, gates: &[Gate]) -> Vec<Gate> {
    let down = |c: &TierChange| !c.direction.is_up();
    gates
        .iter()
        .copied()
        .filter(|g| match g {
            Gate::Downgrade => {
                report.tier_changes.iter().any(down)
                    || report.future.iter().flat_map(|f| &f.tier_changes).any(down)
            }
            Gate::Loss => {
                report.tier_changes.iter().any(down)
                    || report.qualification_changes.iter().any(|q| !q.gained)
                    || report.entitlement_changes.iter().any(|e| e.to.is_none())
            }
            Gate::Invalid => report.summary.became_invalid > 0,
            Gate::Removal => report
                .partners
                .iter()
                .any(|p| matches!(p, PartnerEvent::Removed { .. })),
            Gate::Fee => !report.fee_changes.is_empty(),
            Gate::BlastRadius => report.programs.iter().any(|p| !p.blast_radius.is_empty()),
            Gate::Any => {
                report.summary != Summary::default() || !report.qualification_changes.is_empty()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_names_entries_by_natural_key() {
        let j: Json = serde_json::json!({
            "id": "a",
            "revenue": [
                {"program": "nsp", "product_line": "x", "period": "2025", "amount": "18000.00"},
                {"program": "nsp", "product_line": "x", "period": "2025", "amount": "5.00"}
            ],
            "profile": {"languages": ["de", "en"]}
        });
        let mut out = BTreeMap::new();
        flatten(&j, "", &KEY_FIELDS, &mut out);
        assert_eq!(
            out.get("revenue[nsp x 2025].amount").map(String::as_str),
            Some("18000.00")
        );
        assert_eq!(
            out.get("revenue[nsp x 2025 #2].amount").map(String::as_str),
            Some("5.00")
        );
        assert_eq!(
            out.get("profile.languages[1]").map(String::as_str),
            Some("en")
        );
    }

    #[test]
    fn confidential_fields_are_recognised() {
        assert!(is_public_field("profile.display_name"));
        assert!(is_public_field("id"));
        assert!(is_public_field("memberships[nospamproxy].track"));
        assert!(!is_public_field("memberships[nospamproxy].contract_start"));
        assert!(!is_public_field("revenue[nsp x 2025].amount"));
        assert!(!is_public_field("contacts[Jane].email"));
        assert!(!is_public_field("legal_name"));
        assert!(is_public_field("memberships[nospamproxy].types[0]"));
        // An entry name from the data cannot make a confidential field look public.
        assert!(!is_public_field("memberships[a.types[b].contract_start"));
        assert!(!is_public_field("memberships[x].track[].contract_start"));
        assert!(!is_public_field("memberships[x].track].contract_start"));
        assert!(!is_public_field(
            "memberships[nospamproxy].obligations.partner-day"
        ));
    }
}
