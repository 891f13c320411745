//! Warnings about a partner's facts that no requirement raises (currencies not measured,
//! certifications and contracts expiring) and the review of its goals.

use std::collections::BTreeSet;

use super::context::Cx;
use super::goals;
use super::EXPIRY_WARNING_DAYS;
use crate::model::scalar::{Currency, Date};

impl Cx<'_> {
    /// The partner's goals set by the as-of date, judged on the program's goal cadence; a review
    /// date that passed without a recorded review is a `goal-review-missed` warning.
    pub(super) fn goals(&mut self) -> Vec<goals::GoalResult> {
        let Some(every) = self.p.review.goals_every_months.filter(|m| *m > 0) else {
            return Vec::new();
        };
        let (partner, program, as_of) = (self.partner, &self.p.id, self.as_of);
        let mut out = Vec::new();
        for g in partner.goals.iter().filter(|g| g.program == *program) {
            if g.set > as_of {
                continue;
            }
            let r = goals::judge(g, every, as_of);
            if let Some(last) = r.last_missed {
                self.warn(
                    "goal-review-missed",
                    format!(
                        "goal set on {}: no review recorded for {last} ({} missed; goals are reviewed every {every} months)",
                        g.set, r.missed
                    ),
                );
            }
            out.push(r);
        }
        out
    }

    /// Warnings about the partner's facts in this program, independent of requirements.
    pub(super) fn fact_warnings(&mut self) {
        let measured: BTreeSet<&Currency> = self.p.currencies.iter().collect();
        let unmeasured: BTreeSet<String> = self
            .partner
            .revenue
            .iter()
            .chain(&self.partner.managed_volume)
            .filter(|e| self.is_mine(&e.program) && !measured.contains(&e.currency))
            .map(|e| e.currency.to_string())
            .chain(
                self.partner
                    .recurring_revenue
                    .iter()
                    .filter(|e| self.is_mine(&e.program) && !measured.contains(&e.currency))
                    .map(|e| e.currency.to_string()),
            )
            .collect();
        for c in unmeasured {
            self.warn(
                "unmeasured-currency",
                format!(
                    "amounts in {c} are not counted: the program measures {}",
                    self.p
                        .currencies
                        .iter()
                        .map(Currency::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let certs: Vec<(String, String, Date)> = self
            .partner
            .certifications
            .iter()
            .filter(|c| self.is_mine(&c.program))
            .filter_map(|c| {
                self.cert_expiry(c)
                    .map(|e| (c.person.clone(), c.kind.to_string(), e))
            })
            .collect();
        for (person, kind, expiry) in certs {
            let renewed = self.partner.certifications.iter().any(|c| {
                self.is_mine(&c.program)
                    && c.person == person
                    && c.kind.as_str() == kind
                    && self.cert_expiry(c).is_some_and(|e| e > expiry)
            });
            if renewed {
                continue;
            }
            let days = self.as_of.days_until(expiry);
            if (1..=EXPIRY_WARNING_DAYS).contains(&days) {
                self.warn(
                    "certification-expiring",
                    format!("{kind} of {person} expires on {expiry} (in {days} days)"),
                );
            } else if days <= 0 && self.as_of.days_until(expiry) > -366 {
                self.warn(
                    "certification-expired",
                    format!("{kind} of {person} expired on {expiry}"),
                );
            }
        }
        if let Some(end) = self.membership.contract_end {
            let days = self.as_of.days_until(end);
            if days < 0 {
                self.warn(
                    "contract-ended",
                    format!("the partner contract ended on {end}"),
                );
            } else if days <= EXPIRY_WARNING_DAYS {
                self.warn(
                    "contract-ending",
                    format!("the partner contract ends on {end} (in {days} days)"),
                );
            }
        }
    }
}
