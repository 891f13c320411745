//! Booking periods that straddle a measurement window (issue #12, point 1), from Infomaniak's
//! "Der Gesamtbetrag der im Rahmen des Programms verwalteten Produkte muss CHF 2000 / jährlich
//! oder € 1800 / jährlich oder mehr betragen": a yearly volume, measured over the trailing 12
//! months, where a period booking counts for the days it shares with them.
//!
//! Expected amounts are worked out by hand from the rule in the README (amount × days inside /
//! days of the period, rounded to the cent half away from zero per entry).

mod terms_support;

use partnerctl::evaluate::{Evaluation, Quantity, RequirementResult};
use rust_decimal::Decimal;
use terms_support::{codes, eval_in};

const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");

fn eval_with(program: &str, partner: &str, as_of: &str) -> Evaluation {
    eval_in("infomaniak", program, partner, as_of)
}

/// A registered Infomaniak reseller meeting every obligation, with managed volume bookings
/// `(when, currency, amount)`; `when` is a period ("2025", "2025-Q1", "2025-06") or a date.
fn reseller(bookings: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P SA\"\n\n[registration]\ncommercial_register = \"CHE-1\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"infomaniak\"\n[memberships.obligations]\ncustomer-support = true\ncustomer-invoices = true\ntender-orders-infomaniak-only = true\nreseller-terms = true\n\n",
    );
    for (when, cur, amount) in bookings {
        let when = if when.len() == 10 {
            format!("date = {when}")
        } else {
            format!("period = \"{when}\"")
        };
        s += &format!("[[managed_volume]]\nprogram = \"infomaniak\"\nproduct_line = \"web-hosting\"\n{when}\ncurrency = \"{cur}\"\namount = \"{amount}\"\n\n");
    }
    s
}

fn inf(bookings: &[(&str, &str, &str)], as_of: &str) -> Evaluation {
    eval_with(INFOMANIAK, &reseller(bookings), as_of)
}

fn volume_req(ev: &Evaluation) -> &RequirementResult {
    ev.tiers[0]
        .requirements
        .iter()
        .find(|r| r.id == "managed-volume-minimum")
        .expect("the volume requirement")
}

/// The measured volume in `cur`, exactly.
fn volume(ev: &Evaluation, cur: &str) -> Decimal {
    match &volume_req(ev).actual {
        Quantity::Money(m) => m
            .iter()
            .find(|(c, _)| c.as_str() == cur)
            .map_or(Decimal::ZERO, |(_, v)| *v),
        other => panic!("not money: {other:?}"),
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn is_reseller(ev: &Evaluation) -> bool {
    ev.tier.as_deref() == Some("reseller")
}

#[test]
fn a_yearly_booking_does_not_lapse_on_new_years_day() {
    let year = [("2025", "CHF", "5000.00")];
    // 2025-12-31: the window 2025-01-01..2025-12-31 covers the whole year.
    let before = inf(&year, "2025-12-31");
    assert_eq!(volume(&before, "CHF"), dec("5000.00"));
    assert!(is_reseller(&before));
    // 2026-01-01: the window starts 2025-01-02, so 364 of 365 days count: 5000 × 364 / 365 =
    // 4986.3013… → 4,986.30.
    let after = inf(&year, "2026-01-01");
    assert_eq!(volume(&after, "CHF"), dec("4986.30"));
    assert!(is_reseller(&after));
    assert!(after.warnings.is_empty(), "{:?}", after.warnings);
}

#[test]
fn four_quarterly_bookings_count_as_the_year_they_add_up_to() {
    let quarters = [
        ("2025-Q1", "CHF", "600.00"),
        ("2025-Q2", "CHF", "600.00"),
        ("2025-Q3", "CHF", "600.00"),
        ("2025-Q4", "CHF", "600.00"),
    ];
    // 2026-01-15: the window is 2025-01-16..2026-01-15; Q1 2025 has 90 days of which 75
    // (16 January to 31 March) are inside: 600 × 75 / 90 = 500.00; Q2 to Q4 count in full.
    let ev = inf(&quarters, "2026-01-15");
    assert_eq!(volume(&ev, "CHF"), dec("2300.00"));
    assert!(is_reseller(&ev));
}

#[test]
fn a_period_one_day_inside_the_window_counts_one_day() {
    let year = [("2025", "CHF", "3650.00")];
    // 2026-12-30: the window 2025-12-31..2026-12-30 shares one day with 2025: 3650 / 365 = 10.
    assert_eq!(volume(&inf(&year, "2026-12-30"), "CHF"), dec("10.00"));
    // 2026-12-31: the window is 2026 itself, nothing of 2025 is inside.
    assert_eq!(volume(&inf(&year, "2026-12-31"), "CHF"), Decimal::ZERO);
}

#[test]
fn a_share_rounds_half_away_from_zero_to_the_cent() {
    // June 2025 has 30 days; on 2026-06-29 the window starts 2025-06-30, one day of June:
    // 0.15 × 1 / 30 = 0.005 → 0.01 (half away from zero). With 1,999.99 booked on a day inside
    // the window the volume is exactly CHF 2,000.00, the threshold.
    let ev = inf(
        &[("2025-06", "CHF", "0.15"), ("2026-03-01", "CHF", "1999.99")],
        "2026-06-29",
    );
    assert_eq!(volume(&ev, "CHF"), dec("2000.00"));
    assert!(is_reseller(&ev));
    // One day later June 2025 is outside the window: 1,999.99, one centime short.
    let later = inf(
        &[("2025-06", "CHF", "0.15"), ("2026-03-01", "CHF", "1999.99")],
        "2026-06-30",
    );
    assert_eq!(volume(&later, "CHF"), dec("1999.99"));
    assert!(!is_reseller(&later));
}

#[test]
fn the_trace_shows_the_pro_rata_arithmetic() {
    let ev = inf(&[("2025", "CHF", "5000.00")], "2026-01-01");
    assert_eq!(
        volume_req(&ev)
            .workings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "managed_volume[0] 5,000.00 CHF for 2025-01-01 to 2025-12-31: 364 of 365 days inside \
             the window, 5,000.00 × 364 / 365 = 4,986.30 CHF"
                .to_owned()
        ]
    );
    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(
        text.contains("5,000.00 × 364 / 365 = 4,986.30 CHF"),
        "{text}"
    );
}

#[test]
fn include_and_exclude_are_the_other_readings() {
    let year = [("2025", "CHF", "5000.00")];
    let with = |partial: &str| {
        let terms = INFOMANIAK.replace(
            "partial = \"pro-rata\"",
            &format!("partial = \"{partial}\""),
        );
        assert!(terms != INFOMANIAK, "the program states its reading");
        eval_with(&terms, &reseller(&year), "2026-01-01")
    };
    let included = with("include");
    assert_eq!(volume(&included, "CHF"), dec("5000.00"));
    assert!(included.warnings.is_empty());
    let excluded = with("exclude");
    assert_eq!(volume(&excluded, "CHF"), Decimal::ZERO);
    assert_eq!(codes(&excluded), vec!["partial-period"]);
}
