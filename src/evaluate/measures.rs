//! Measures: what a partner's facts add up to in a window (sums, recurring revenue, counts of
//! projects, trainings, certified people, customers, contract months), memoized per evaluation.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::context::Cx;
use super::result::{Counted, Label, Quantity, Working};
use super::time::{window_span, ReviewPeriod, Span};
use crate::model::partner::MoneyEntry;
use crate::model::program::{Aggregate, Measure, MoneyFacts, Partial, Window};
use crate::model::scalar::{Currency, Date, Id, Month};

impl<'a> Cx<'a> {
    /// Compute a measure (memoized): its value and what it counts over which window.
    pub(super) fn measure(&mut self, id: &'a str) -> (Quantity, Label) {
        if let Some(v) = self.measures.get(id) {
            return v.clone();
        }
        let Some(m) = self.p.measures.get(id) else {
            let label = Label {
                name: id.to_owned(),
                span: None,
            };
            return (Quantity::None, label);
        };
        // Windows that run up to a date end on the judgement date.
        let at = ReviewPeriod {
            date: self.judged,
            ..self.review
        };
        let span = m.window().map(|w| window_span(w, &at));
        let value = self.measure_value(id, m, span);
        let label = Label {
            name: m.name().to_owned(),
            span: span.filter(|_| m.window() != Some(Window::AllTime)),
        };
        self.measures.insert(id, (value.clone(), label.clone()));
        (value, label)
    }

    fn measure_value(&mut self, id: &'a str, m: &'a Measure, span: Option<Span>) -> Quantity {
        let span = || span.expect("windowed measures have a window");
        match m {
            Measure::Sum {
                facts,
                product_lines,
                partial,
                ..
            } => self.sum(id, m.name(), *facts, product_lines, *partial, span()),
            Measure::Recurring {
                product_lines,
                aggregate,
                ..
            } => self.recurring(m.name(), product_lines, *aggregate, span()),
            Measure::Projects { .. } => {
                let span = span();
                let projects = self.partner.projects.iter();
                let n = projects
                    .filter(|x| self.is_mine(&x.program) && span.contains(x.completed))
                    .count();
                Quantity::Count(n as u64)
            }
            Measure::Trainings {
                kinds,
                distinct_people,
                ..
            } => self.trainings(kinds, *distinct_people, span()),
            Measure::CertifiedPeople { kinds, .. } => self.certified_people(kinds),
            Measure::ContractMonths { .. } => self.contract_months(),
            Measure::Customers { access, .. } => {
                let customers: BTreeSet<&str> = self
                    .partner
                    .access_grants
                    .iter()
                    .filter(|g| self.is_mine(&g.program) && access.is_none_or(|a| a == g.access))
                    .filter(|g| g.since.is_none_or(|d| d <= self.judged))
                    .map(|g| g.customer.as_str())
                    .collect();
                Quantity::Count(customers.len() as u64)
            }
        }
    }

    /// The sum of revenue or managed volume booked inside `span`, per currency.
    fn sum(
        &mut self,
        id: &'a str,
        name: &str,
        facts: MoneyFacts,
        product_lines: &[Id],
        partial: Partial,
        span: Span,
    ) -> Quantity {
        let (entries, list) = match facts {
            MoneyFacts::Revenue => (&self.partner.revenue, "revenue"),
            MoneyFacts::ManagedVolume => (&self.partner.managed_volume, "managed_volume"),
        };
        let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
        let mut overflow = BTreeSet::new();
        let mut workings = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            if !self.is_mine(&e.program)
                || !(product_lines.is_empty() || product_lines.contains(&e.product_line))
            {
                continue;
            }
            let Some((s, end)) = e.span() else { continue };
            let counted = if span.covers(s, end) {
                Some(e.amount.0)
            } else if span.overlaps(s, end) {
                self.partial_share(partial, list, i, e, span, &mut workings)
            } else {
                None
            };
            if let Some(a) = counted {
                let sum = sums.entry(e.currency.clone()).or_default();
                if !add_checked(sum, a) {
                    overflow.insert(e.currency.clone());
                }
            }
        }
        self.warn_overflow(name, overflow);
        if !workings.is_empty() {
            self.workings.insert(id, workings);
        }
        Quantity::Money(sums)
    }

    /// Monthly recurring revenue of the months inside `span`, aggregated per currency.
    fn recurring(
        &mut self,
        name: &str,
        product_lines: &[Id],
        aggregate: Aggregate,
        span: Span,
    ) -> Quantity {
        let mut per_month: BTreeMap<Month, BTreeMap<Currency, Decimal>> = BTreeMap::new();
        let mut currencies = BTreeSet::new();
        let mut overflow = BTreeSet::new();
        for e in &self.partner.recurring_revenue {
            if self.is_mine(&e.program)
                && (product_lines.is_empty() || product_lines.contains(&e.product_line))
                && span.covers(e.month.first_day(), e.month.last_day())
            {
                let sum = per_month
                    .entry(e.month)
                    .or_default()
                    .entry(e.currency.clone())
                    .or_default();
                if !add_checked(sum, e.amount.0) {
                    overflow.insert(e.currency.clone());
                }
                currencies.insert(e.currency.clone());
            }
        }
        let months = months_within(span);
        let mut out = BTreeMap::new();
        for c in currencies {
            let series: Vec<Decimal> = months
                .iter()
                .map(|m| {
                    let month = per_month.get(m);
                    month.and_then(|x| x.get(&c)).copied().unwrap_or_default()
                })
                .collect();
            let v = match aggregate {
                Aggregate::LastMonth => series.last().copied().unwrap_or_default(),
                Aggregate::Average if !series.is_empty() => {
                    let mut sum = Decimal::ZERO;
                    if !series.iter().all(|x| add_checked(&mut sum, *x)) {
                        overflow.insert(c.clone());
                    }
                    sum / Decimal::from(series.len())
                }
                Aggregate::Average => Decimal::ZERO,
                Aggregate::Minimum => series.iter().min().copied().unwrap_or_default(),
            };
            out.insert(c, v);
        }
        self.warn_overflow(name, overflow);
        Quantity::Money(out)
    }

    /// Trainings of `kinds` inside `span`, or the distinct people who attended them.
    fn trainings(&self, kinds: &[Id], distinct_people: bool, span: Span) -> Quantity {
        let hits = self.partner.trainings.iter().filter(|t| {
            self.is_mine(&t.program) && kinds.contains(&t.kind) && span.contains(t.date)
        });
        let n = if distinct_people {
            hits.map(|t| t.person.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        } else {
            hits.count()
        };
        Quantity::Count(n as u64)
    }

    /// People holding a certification of `kinds` valid on the judgement date.
    fn certified_people(&self, kinds: &[Id]) -> Quantity {
        let on = self.judged;
        let people: BTreeSet<&str> = self
            .partner
            .certifications
            .iter()
            .filter(|c| self.is_mine(&c.program) && kinds.contains(&c.kind))
            .filter(|c| c.date <= on && self.cert_expiry(c).is_none_or(|e| on < e))
            .map(|c| c.person.as_str())
            .collect();
        Quantity::Count(people.len() as u64)
    }

    /// Whole months of the contract term; open-ended once started.
    fn contract_months(&self) -> Quantity {
        // A contract that starts after the judgement date has not started yet.
        let start = self.membership.contract_start.filter(|s| *s <= self.judged);
        match (start, self.membership.contract_end) {
            (Some(s), Some(e)) => Quantity::Count(whole_months(s, e.add_days(1))),
            (Some(_), None) => Quantity::Unlimited,
            _ => Quantity::Count(0),
        }
    }

    /// What a sum counts of entry `i`, booked for a period only partly inside `span`, and how.
    fn partial_share(
        &mut self,
        partial: Partial,
        list: &'static str,
        i: usize,
        e: &MoneyEntry,
        span: Span,
        workings: &mut Vec<Working>,
    ) -> Option<Decimal> {
        let (s, end) = e.span()?;
        let (amount, counted) = match partial {
            Partial::Exclude => {
                self.warn("partial-period", format!("{list}[{i}] ({s} to {end}) lies only partly inside the window {span}; it is not counted"));
                return None;
            }
            Partial::Include => (e.amount.0, Counted::InFull),
            Partial::ProRata => {
                let inside = span.start.max(s).days_until(span.end.min(end)) + 1;
                let days = s.days_until(end) + 1;
                let share = pro_rata(e.amount.0, inside, days)?;
                (
                    share,
                    Counted::ProRata {
                        inside,
                        days,
                        share,
                    },
                )
            }
        };
        workings.push(Working {
            list,
            index: i,
            amount: e.amount,
            currency: e.currency.clone(),
            from: s,
            to: end,
            counted,
        });
        Some(amount)
    }
}

/// Add `x` to `sum`, or saturate at the largest amount and say so (`false`).
pub(super) fn add_checked(sum: &mut Decimal, x: Decimal) -> bool {
    match sum.checked_add(x) {
        Some(v) => {
            *sum = v;
            true
        }
        None => {
            *sum = Decimal::MAX;
            false
        }
    }
}

/// `amount × inside / days`, rounded to the cent half away from zero (commercial rounding); each
/// entry is rounded on its own so that a trace adds up to the measure it shows. `None` only if the
/// product does not fit a decimal.
fn pro_rata(amount: Decimal, inside: i64, days: i64) -> Option<Decimal> {
    let share = amount
        .checked_mul(Decimal::from(inside))?
        .checked_div(Decimal::from(days.max(1)))?;
    Some(share.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

fn months_within(span: Span) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = Month::of(span.start);
    while m.last_day() <= span.end {
        if m.first_day() >= span.start {
            out.push(m);
        }
        let next = m.first_day().add_months(1);
        m = Month::of(next);
        if out.len() > 1200 {
            break;
        }
    }
    out
}

/// Whole calendar months from `a` up to (not including) `b`.
fn whole_months(a: Date, b: Date) -> u64 {
    if b <= a {
        return 0;
    }
    let mut n: i64 =
        i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if a.add_months(n as i32) > b {
        n -= 1;
    }
    n.max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_near_the_largest_amount_saturate_instead_of_panicking() {
        let mut sum = Decimal::MAX - Decimal::ONE;
        assert!(add_checked(&mut sum, Decimal::ONE));
        assert_eq!(sum, Decimal::MAX);
        assert!(!add_checked(&mut sum, Decimal::ONE));
        assert_eq!(sum, Decimal::MAX);
    }

    #[test]
    fn whole_months_between_dates() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(whole_months(d("2025-01-01"), d("2026-01-01")), 12);
        assert_eq!(whole_months(d("2025-01-15"), d("2026-01-14")), 11);
        assert_eq!(whole_months(d("2025-01-31"), d("2025-03-01")), 1);
    }
}
