//! The prose of evaluations: requirement traces (`eval --explain`), shortfalls, gap sentences,
//! measure labels and workings. Evaluation returns data (`crate::evaluate`); every sentence a
//! reader sees about it is written here, once, and the JSON form of those data is that sentence.

use std::fmt::{self, Write as _};

use serde::{Serialize, Serializer};

use crate::evaluate::names::{required_values, stale_number};
use crate::evaluate::time::Span;
use crate::evaluate::{
    Counted, Description, Evaluation, Gap, Label, Quantity, RequirementResult, Shortfall,
    TierBasis, Working,
};
use crate::model::scalar::{format_amount, Month};
use crate::render::terminal;

impl fmt::Display for Quantity {
    /// `3`, `1,999.99 EUR`, `2,000.00 CHF or 1,800.00 EUR`, `yes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amounts = |m: &std::collections::BTreeMap<_, _>, sep: &str| {
            let parts: Vec<String> = m
                .iter()
                .map(
                    |(c, a): (&crate::model::scalar::Currency, &rust_decimal::Decimal)| {
                        format!("{} {c}", format_amount(*a))
                    },
                )
                .collect();
            parts.join(sep)
        };
        match self {
            Quantity::Count(n) => write!(f, "{n}"),
            Quantity::Unlimited => f.write_str("open-ended"),
            Quantity::Money(m) if m.is_empty() => f.write_str("0.00"),
            Quantity::Money(m) => f.write_str(&amounts(m, " + ")),
            Quantity::MoneyAnyOf(m) => f.write_str(&amounts(m, " or ")),
            Quantity::Flag(b) => f.write_str(if *b { "yes" } else { "no" }),
            Quantity::Points(p) => write!(f, "{}", p.round_dp(2).normalize()),
            Quantity::None => f.write_str("—"),
        }
    }
}

impl fmt::Display for Label {
    /// "realized projects in 2025", "revenue from 2025-11-24 to 2026-11-23", "certified people".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(s) => write!(f, "{} {}", self.name, compact_span(s)),
            None => f.write_str(&self.name),
        }
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Description::Named(n) => f.write_str(n),
            Description::Component { of, max, full_at } => {
                write!(f, "{of}: full {max} points at {full_at}")
            }
        }
    }
}

impl fmt::Display for Shortfall {
    /// What is missing: "2 more realized projects in 2025", "0.01 EUR more revenue in 2025".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::Unknown(id) => write!(f, "unknown requirement `{id}`"),
            Shortfall::TooDeep => f.write_str("requirements nested too deeply"),
            Shortfall::Count { missing: 1, of } => {
                write!(f, "1 more {}", singular(&of.to_string()))
            }
            Shortfall::Count { missing, of } => write!(f, "{missing} more {of}"),
            Shortfall::Amount { missing, of } => {
                let parts: Vec<String> = missing
                    .iter()
                    .map(|(c, a)| format!("{} {c}", format_amount(*a)))
                    .collect();
                write!(f, "{} more {of}", parts.join(" or "))
            }
            Shortfall::Obligation(name) => f.write_str(name),
            Shortfall::ContractUnsigned => f.write_str("a signed partner contract"),
            Shortfall::ContractEnded(on) => write!(f, "a contract in force (it ended on {on})"),
            Shortfall::Registration(kinds) if kinds.is_empty() => {
                f.write_str("a registration kind the program accepts (it names none)")
            }
            Shortfall::Registration(kinds) => {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                f.write_str(&names.join(" or "))
            }
            Shortfall::NoContractStart => {
                f.write_str("a contract start to count the deadline from")
            }
            Shortfall::TrainingOverdue { name, due } => write!(f, "{name} (due by {due})"),
            Shortfall::TierFirst(name) => write!(f, "the {name} tier first"),
            Shortfall::Approval(name) => write!(f, "an approval as {name} by the vendor"),
            Shortfall::Either(alternatives) => {
                let alts: Vec<String> = alternatives.iter().map(|a| joined(a, " and ")).collect();
                write!(f, "either {}", alts.join(", or "))
            }
            Shortfall::PointsEach {
                more_than,
                component,
            } => write!(f, "more than {more_than} points for {component}"),
            Shortfall::Points(missing) => {
                write!(f, "{} more points", missing.round_dp(2).normalize())
            }
        }
    }
}

impl fmt::Display for Working {
    /// "revenue[0] 1,200.00 EUR for 2025-07-01 to 2026-06-30: 184 of 365 days inside the window, …"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Working {
            list,
            index,
            amount,
            currency,
            from,
            to,
            counted,
        } = self;
        write!(
            f,
            "{list}[{index}] {amount} {currency} for {from} to {to}: "
        )?;
        match counted {
            Counted::InFull => f.write_str("counted in full (partial = include)"),
            Counted::ProRata {
                inside,
                days,
                share,
            } => write!(
                f,
                "{inside} of {days} days inside the window, {amount} × {inside} / {days} = {} {currency}",
                format_amount(*share)
            ),
        }
    }
}

/// The JSON form of prose-bearing data is its sentence, as shown to readers.
macro_rules! serialize_as_sentence {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
serialize_as_sentence!(Description, Shortfall, Working);

fn joined(items: &[Shortfall], sep: &str) -> String {
    let texts: Vec<String> = items.iter().map(ToString::to_string).collect();
    texts.join(sep)
}

/// What is missing for a tier or type, one item per unmet requirement.
pub fn missing(g: &Gap) -> Vec<String> {
    g.missing.iter().map(ToString::to_string).collect()
}

/// One sentence: "Business Partner: needs 2 more realized projects and 1,000.00 EUR more revenue".
pub fn gap_sentence(g: &Gap) -> String {
    match missing(g).as_slice() {
        [] => format!("{}: requirements met", g.name),
        [one] => format!("{}: needs {one}", g.name),
        [init @ .., last] => format!("{}: needs {} and {last}", g.name, init.join(", ")),
    }
}

/// What is missing for the next tier and for each unheld partner type, one sentence each: the
/// "next step" of the eval table and the CSV export.
pub fn gap_sentences(ev: &Evaluation) -> Vec<String> {
    ev.next_tier
        .iter()
        .chain(&ev.type_gaps)
        .map(gap_sentence)
        .collect()
}

/// "in 2025" for a calendar year, "in 2025-Q3" for a quarter, "in 2025-12" for a month, else
/// "from 2025-11-24 to 2026-11-23".
pub fn compact_span(s: Span) -> String {
    let (a, b) = (s.start, s.end);
    let first_of_month = a.0.format("%d").to_string() == "01";
    let last_of_month = b.add_days(1).0.format("%d").to_string() == "01";
    if first_of_month && last_of_month && a.year() == b.year() {
        match (a.month(), b.month()) {
            (1, 12) => return format!("in {}", a.year()),
            (m, n) if m == n => return format!("in {}", Month::of(a)),
            (m, n) if n == m + 2 && (m - 1) % 3 == 0 => {
                return format!("in {}-Q{}", a.year(), (m - 1) / 3 + 1)
            }
            _ => {}
        }
    }
    format!("from {a} to {b}")
}

/// Singular of a plural label's head noun: "realized projects in 2025" → "realized project in
/// 2025". The head is the last word before a preposition or parenthesis.
fn singular(label: &str) -> String {
    let words: Vec<&str> = label.split(' ').collect();
    let end = words
        .iter()
        .position(|w| {
            matches!(*w, "in" | "from" | "with" | "of" | "on" | "for") || w.starts_with('(')
        })
        .unwrap_or(words.len());
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if end > 0 {
        let head = &mut out[end - 1];
        if head.ends_with('s') && !head.ends_with("ss") && head.len() > 3 {
            head.pop();
        }
    }
    out.join(" ")
}

/// A requirement as the trace names it. When its id or name embeds a number that is not the
/// threshold the terms now set (a name gone stale when the threshold changed), the threshold
/// comes from the terms and the stale wording is quoted as such.
pub fn requirement_title(r: &RequirementResult) -> String {
    let description = r.description.to_string();
    let Description::Named(_) = &r.description else {
        return description;
    };
    let now = required_values(&r.required);
    let stale = stale_number(&r.id, &now).or_else(|| stale_number(&description, &now));
    match stale {
        None => description,
        Some(_) => format!(
            "at least {} (named \"{description}\", which the terms no longer say)",
            r.required
        ),
    }
}

fn mark(met: bool) -> &'static str {
    if met {
        "✓"
    } else {
        "✗"
    }
}

fn trace(out: &mut String, r: &RequirementResult, indent: usize) {
    let e = terminal::escape;
    let pad = " ".repeat(indent);
    let _ = write!(
        out,
        "{pad}{} {}: {}",
        mark(r.met),
        e(&r.id),
        e(&requirement_title(r))
    );
    if !r.children.is_empty() {
        let _ = writeln!(out);
        for c in &r.children {
            trace(out, c, indent + 4);
        }
        return;
    }
    let _ = write!(
        out,
        " — actual {}, required {}",
        e(&r.actual.display()),
        e(&r.required.display())
    );
    if let Some(by) = &r.waived_by {
        let _ = write!(out, " (waived by {})", e(by));
    }
    if let Some(s) = &r.shortfall {
        let _ = write!(out, " — needs {}", e(&s.to_string()));
    }
    let _ = writeln!(out);
    for w in &r.workings {
        let _ = writeln!(out, "{pad}    = {w}");
    }
}

/// Each goal with its reviews: met, unmet, and how many due ones were missed.
fn goal_lines(out: &mut String, ev: &Evaluation) {
    let e = terminal::escape;
    for g in &ev.goals {
        let reviews: Vec<String> = g
            .reviews
            .iter()
            .map(|r| format!("{} {}", r.date, if r.met { "met" } else { "unmet" }))
            .collect();
        let _ = writeln!(
            out,
            "  goal set {} (reviewed every {} months): {}",
            g.set,
            g.every_months,
            e(&g.description)
        );
        let held = if reviews.is_empty() {
            "none recorded".to_owned()
        } else {
            reviews.join(", ")
        };
        let missed = g.last_missed.map_or(String::new(), |last| {
            format!("; {} missed, latest {last}", g.missed)
        });
        let _ = writeln!(out, "    reviews: {held}{missed}; next {}", g.next);
    }
}

/// The requirement trace of one evaluation, ending with a blank line.
pub fn explain_one(ev: &Evaluation) -> String {
    let e = terminal::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (terms effective {})",
        e(&ev.partner),
        e(&ev.program_name),
        ev.terms_effective_from
    );
    let next = ev
        .review
        .next
        .map_or(String::new(), |n| format!("; next review {n}"));
    let _ = writeln!(
        out,
        "  as of {}: review of {} on business {}{next}",
        ev.as_of, ev.review.date, ev.review.window
    );
    let _ = if ev.judged_on == ev.as_of {
        writeln!(
            out,
            "  requirements judged on {}, the as-of date",
            ev.judged_on
        )
    } else {
        writeln!(
            out,
            "  requirements judged on {}, the review date (approvals on the as-of date)",
            ev.judged_on
        )
    };
    if let Some(t) = &ev.track {
        let _ = writeln!(out, "  track: {}", e(t));
    }
    if let Some(end) = &ev.ended {
        let why = end
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(": {}", e(r)));
        let _ = writeln!(
            out,
            "  membership ended on {}{why}; nothing is held in this program from that day",
            end.on
        );
    }
    let basis = match &ev.tier_basis {
        Some(TierBasis::Override {
            approved_by,
            expires,
        }) => {
            format!(
                " (override by {}{})",
                e(approved_by),
                expires.map_or(String::new(), |x| format!(", until {x}"))
            )
        }
        Some(TierBasis::Grace { until }) => format!(" (grace period until {until})"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  tier: {}{basis}",
        e(ev.tier_name().unwrap_or("none"))
    );
    if !ev.membership_requirements.is_empty() {
        let _ = writeln!(out, "  membership requirements:");
        for r in &ev.membership_requirements {
            trace(&mut out, r, 4);
        }
    }
    for (title, quals) in [
        ("tier", &ev.tiers),
        ("partner type", &ev.partner_types),
        ("status", &ev.status_results),
    ] {
        for q in quals {
            let _ = writeln!(out, "  {title} {} {}:", mark(q.qualified), e(&q.name));
            for r in &q.requirements {
                trace(&mut out, r, 4);
            }
        }
    }
    if let Some(g) = &ev.next_tier {
        let _ = writeln!(out, "  next tier: {}", e(&gap_sentence(g)));
    }
    for g in &ev.type_gaps {
        let _ = writeln!(out, "  partner type not held: {}", e(&gap_sentence(g)));
    }
    goal_lines(&mut out, ev);
    for (title, list) in [("entitlements", &ev.entitlements), ("fees", &ev.fees)] {
        if !list.is_empty() {
            let _ = writeln!(out, "  {title}:");
        }
        for x in list.iter() {
            let _ = writeln!(
                out,
                "    {}: {} — {} [{}]",
                e(&x.id),
                e(&x.name),
                e(&x.display),
                e(&x.source)
            );
        }
    }
    if !ev.warnings.is_empty() {
        let _ = writeln!(out, "  warnings:");
        for w in &ev.warnings {
            let _ = writeln!(out, "    [{}] {}", w.code, e(&w.message));
        }
    }
    let _ = writeln!(out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_naturally() {
        let d = |s: &str| s.parse::<crate::model::scalar::Date>().unwrap();
        let span = |a, b| {
            compact_span(Span {
                start: d(a),
                end: d(b),
            })
        };
        assert_eq!(span("2025-01-01", "2025-12-31"), "in 2025");
        assert_eq!(span("2026-07-01", "2026-09-30"), "in 2026-Q3");
        assert_eq!(span("2025-12-01", "2025-12-31"), "in 2025-12");
        assert_eq!(
            span("2025-11-24", "2026-11-23"),
            "from 2025-11-24 to 2026-11-23"
        );
        assert_eq!(
            singular("realized projects in 2025"),
            "realized project in 2025"
        );
        assert_eq!(singular("certified technicians"), "certified technician");
        assert_eq!(singular("sales trainings"), "sales training");
    }

    #[test]
    fn one_more_of_a_count_is_singular() {
        let of = Label {
            name: "realized projects".into(),
            span: None,
        };
        let one = Shortfall::Count {
            missing: 1,
            of: of.clone(),
        };
        assert_eq!(one.to_string(), "1 more realized project");
        let two = Shortfall::Count { missing: 2, of };
        assert_eq!(two.to_string(), "2 more realized projects");
    }
}
