//! Which change caused an effect: the partner's file, the program's terms, both, or another
//! partner file judged together with it.

use std::collections::BTreeSet;

use super::standing::Standing;
use super::{Cause, Scope};
use crate::dataset::Catalog;
use crate::evaluate;
use crate::load::Loaded;
use crate::model::scalar::Date;
use crate::model::Partner;

pub(super) struct Causes<'s, 'd> {
    scope: &'s Scope<'d>,
    base_files: PartnerFiles<'d>,
    head_files: PartnerFiles<'d>,
}

type PartnerFiles<'d> = std::collections::BTreeMap<String, &'d Loaded<Partner>>;

impl<'s, 'd> Causes<'s, 'd> {
    pub fn new(scope: &'s Scope<'d>) -> Self {
        Causes {
            scope,
            base_files: super::select::by_path(scope.base),
            head_files: super::select::by_path(scope.head),
        }
    }

    /// The cause of `partner` (head id) holding `head_tier` in `program` on `date`. Where the
    /// partner's file and its program's terms both changed, each change is tried alone: the new
    /// file under the old terms, and the old file under the new terms. A change that gives the
    /// new tier on its own, where the other does not, is the cause.
    pub fn of(
        &self,
        partner: &str,
        program: &str,
        head_tier: Option<&String>,
        date: Date,
    ) -> Cause {
        let s = self.scope;
        match (
            s.partner_file_changed(partner),
            s.changed_programs.contains(program),
        ) {
            (true, false) => Cause::PartnerFile,
            (false, true) => Cause::ProgramTerms,
            (false, false) if self.judged_by_other_files(partner) => Cause::OtherPartnerFile,
            (false, false) => Cause::ProgramTerms,
            (true, true) => {
                let gives_head = |tier: Option<String>| tier.as_ref() == head_tier;
                let head_record = s.hsel.record(partner);
                let file_alone = gives_head(tier_under(head_record, &s.bcat, program, date));
                let base_record = s.base_record(partner);
                let terms_alone = gives_head(tier_under(base_record, &s.hcat, program, date));
                match (file_alone, terms_alone) {
                    (true, false) => Cause::PartnerFile,
                    (false, true) => Cause::ProgramTerms,
                    _ => Cause::Both,
                }
            }
        }
    }

    /// An unchanged file in an unchanged program changes outcome only by turning valid or
    /// invalid: through a rule across partner files, or through another program's terms.
    fn judged_by_other_files(&self, partner: &str) -> bool {
        let path = format!("partners/{partner}.toml");
        let codes = |files: &PartnerFiles<'d>| -> BTreeSet<crate::diagnostic::Code> {
            files.get(&path).map_or_else(BTreeSet::new, |f| {
                f.diagnostics
                    .iter()
                    .map(|d| d.code)
                    .filter(|c| crate::rules::is_cross_file(*c))
                    .collect()
            })
        };
        codes(&self.base_files) != codes(&self.head_files) || self.scope.changed_programs.is_empty()
    }
}

/// The tier `partner` holds in `program` under `cat` on `date`. No valid record, no membership,
/// no terms: no tier, as `compare_tiers` counts it.
fn tier_under(
    partner: Option<&Partner>,
    cat: &Catalog<'_>,
    program: &str,
    date: Date,
) -> Option<String> {
    let only: BTreeSet<String> = [program.to_owned()].into();
    evaluate::evaluate_each(partner, &cat.restricted_to(&only), date, |e| {
        Standing::of(e).tier
    })
    .pop()
    .flatten()
}
