//! Numbers written into requirement ids and names ("revenue-20000", "at least 175 EUR"), and
//! whether they still match the threshold the terms set: `check` warns when they do not, and the
//! explanation then shows the threshold from the terms instead of the stale name.

use rust_decimal::Decimal;

use super::result::Quantity;
use crate::model::program::Requirement;

/// The numbers written in `text`: runs of digits, with `,`, `.`, `'` or `’` as thousands
/// separators ("20,000", "20.000", "20'000") and a final group of one or two digits as decimals
/// ("1,800.50", "1.800,50"). A run that fits neither reading counts as separate numbers.
pub fn numbers_in(text: &str) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        let separator = matches!(c, ',' | '.' | '\'' | '’');
        if c.is_ascii_digit() || (separator && !run.is_empty()) {
            run.push(c);
        } else if !run.is_empty() {
            read_run(&run, &mut out);
            run.clear();
        }
    }
    out
}

/// One run of digits and separators, as one number if it reads as one, else as its groups.
fn read_run(run: &str, out: &mut Vec<Decimal>) {
    let groups: Vec<&str> = run
        .split([',', '.', '\'', '’'])
        .filter(|g| !g.is_empty())
        .collect();
    let Some((last, init)) = groups.split_last() else {
        return;
    };
    let grouped = |gs: &[&str]| gs.iter().skip(1).all(|g| g.len() == 3);
    let parse = |s: &str| s.parse::<Decimal>().ok();
    let whole = if init.is_empty() {
        parse(last)
    } else if last.len() <= 2 && grouped(init) {
        parse(&format!("{}.{last}", init.concat()))
    } else if grouped(&groups) {
        parse(&groups.concat())
    } else {
        None
    };
    match whole {
        Some(n) => out.push(n),
        None => out.extend(groups.iter().filter_map(|g| parse(g))),
    }
}

/// The values a requirement's threshold is written with: the count, each amount, the points,
/// the days of a deadline. Empty for requirements without a number.
pub fn thresholds(r: &Requirement) -> Vec<Decimal> {
    match r {
        Requirement::Count { at_least, .. } => vec![Decimal::from(*at_least)],
        Requirement::Amount { at_least, .. } => at_least.values().map(|m| m.0).collect(),
        Requirement::Deadline { within_days, .. } => vec![Decimal::from(*within_days)],
        Requirement::Points { at_least, .. } => vec![Decimal::from(*at_least)],
        _ => Vec::new(),
    }
}

/// The threshold values a trace shows as required (see [`thresholds`]).
pub fn required_values(q: &Quantity) -> Vec<Decimal> {
    match q {
        Quantity::Count(n) => vec![Decimal::from(*n)],
        Quantity::Money(m) | Quantity::MoneyAnyOf(m) => m.values().copied().collect(),
        Quantity::Points(p) => vec![*p],
        _ => Vec::new(),
    }
}

/// The first number written in `text` when `text` has numbers and none of them is one of
/// `thresholds`: a name or id that no longer says what the terms require. Other numbers (a
/// window of "12 months" beside the threshold) are fine as long as one number is the threshold.
pub fn stale_number(text: &str, thresholds: &[Decimal]) -> Option<Decimal> {
    if thresholds.is_empty() {
        return None;
    }
    let written = numbers_in(text);
    let matches = written.iter().any(|n| thresholds.contains(n));
    (!matches).then(|| written.first().copied()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_are_read_with_either_separator_convention() {
        assert_eq!(numbers_in("revenue-20000"), vec![d("20000")]);
        assert_eq!(
            numbers_in("revenue of at least 20,000 EUR p.a."),
            vec![d("20000")]
        );
        assert_eq!(numbers_in("Umsatz mindestens 20.000 €"), vec![d("20000")]);
        assert_eq!(
            numbers_in("CHF 2'000 or EUR 1,800.50"),
            vec![d("2000"), d("1800.50")]
        );
        assert_eq!(numbers_in("1.800,5"), vec![d("1800.5")]);
        assert_eq!(numbers_in("version 1.2.3"), vec![d("1"), d("2"), d("3")]);
        assert_eq!(numbers_in("no digits, at all."), Vec::<Decimal>::new());
    }

    #[test]
    fn a_name_is_stale_only_when_no_number_in_it_is_the_threshold() {
        assert_eq!(
            stale_number("revenue-20000", &[d("25000.00")]),
            Some(d("20000"))
        );
        assert_eq!(stale_number("revenue-20000", &[d("20000.00")]), None);
        // The window beside the threshold is no reason to warn.
        assert_eq!(stale_number("2 projects in 12 months", &[d("2")]), None);
        assert_eq!(
            stale_number("at least 175 EUR", &[d("180")]),
            Some(d("175"))
        );
        // Nothing written, or nothing to compare with: nothing stale.
        assert_eq!(stale_number("revenue", &[d("180")]), None);
        assert_eq!(stale_number("goals for 3 months", &[]), None);
    }
}
