//! The evaluation context: one partner, one membership, one program version, one date, with the
//! measures, tiers and warnings found so far.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;

use super::result::{Label, Quantity, Warning, Working};
use super::time::ReviewPeriod;
use crate::model::partner::{Certification, Membership, Partner};
use crate::model::program::{Level, Program};
use crate::model::scalar::{format_amount, Currency, Date, Id};

/// Evaluation context: one partner, one membership, one program version, one date.
pub(super) struct Cx<'a> {
    pub(super) partner: &'a Partner,
    pub(super) membership: &'a Membership,
    pub(super) p: &'a Program,
    pub(super) as_of: Date,
    /// The date requirements are judged on (see [`crate::model::program::JudgeOn`]).
    pub(super) judged: Date,
    pub(super) review: ReviewPeriod,
    pub(super) measures: HashMap<&'a str, (Quantity, Label)>,
    /// The levels of the partner's track, lowest tier first.
    pub(super) levels: Vec<&'a Level>,
    /// How the partly counted entries of a measure were counted, for the trace.
    pub(super) workings: HashMap<&'a str, Vec<Working>>,
    /// Whether each tier decided so far is held.
    pub(super) tier_memo: HashMap<String, bool>,
    pub(super) warnings: BTreeSet<Warning>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        partner: &'a Partner,
        membership: &'a Membership,
        p: &'a Program,
        as_of: Date,
        levels: Vec<&'a Level>,
    ) -> Self {
        let review = super::time::review_period(&p.review, as_of);
        let judged = match p.review.judge_on {
            crate::model::program::JudgeOn::ReviewDate => review.date,
            crate::model::program::JudgeOn::AsOf => as_of,
        };
        Cx {
            partner,
            membership,
            p,
            as_of,
            judged,
            review,
            measures: HashMap::new(),
            levels,
            workings: HashMap::new(),
            tier_memo: HashMap::new(),
            warnings: BTreeSet::new(),
        }
    }

    pub(super) fn warn(&mut self, code: &'static str, message: String) {
        self.warnings.insert(Warning { code, message });
    }

    /// Warn that the amounts of `measure` in `currencies` add up to more than can be represented.
    pub(super) fn warn_overflow(&mut self, measure: &str, currencies: BTreeSet<Currency>) {
        for c in currencies {
            self.warn(
                "amount-overflow",
                format!(
                    "{measure}: the amounts in {c} add up to more than {}; counted as that",
                    format_amount(Decimal::MAX)
                ),
            );
        }
    }

    pub(super) fn is_mine(&self, program: &Id) -> bool {
        *program == self.p.id
    }

    pub(super) fn cert_expiry(&self, c: &Certification) -> Option<Date> {
        let months = self.p.certifications.get(c.kind.as_str())?.valid_months?;
        Some(c.date.add_months(months as i32))
    }

    /// The approver of an active approval waiving requirement `id`, if any.
    pub(super) fn waiver(&self, id: &str) -> Option<String> {
        self.partner
            .approvals
            .iter()
            .find(|a| {
                self.is_mine(&a.program)
                    && a.requirement.as_ref().is_some_and(|r| r.as_str() == id)
                    && a.active_on(self.as_of)
            })
            .map(|a| a.approved_by.clone())
    }
}
