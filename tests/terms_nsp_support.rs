//! NoSpamProxy's support model, the reseller-only condition and MSP licence revenue (issue #12,
//! point 8), from the brochure:
//! - "Authorized Partner, die sich auf den Vertrieb konzentrieren und nur als Reseller agieren
//!   möchten, … dürfen NoSpamProxy Server nur in Verbindung mit einem Hersteller-Supportvertrag
//!   verkaufen": an Authorized (server track) entitlement with that condition; not Business.
//! - "Second Level Support … Montag bis Freitag 9 Uhr bis 17 Uhr, ausgenommen die gesetzlichen
//!   Feiertage in Nordrhein-Westfalen" (Supportbeschreibung NoSpamProxy Server): a service of the
//!   server-track tiers, not of the cloud-only track.
//! - "spezielle MSP-Lizenzen … Umsatzabhängig … die gleichen Leistungen wie … Business Partnern
//!   und Premium Partnern": MSP licence revenue counts as revenue p.a. (20,000 EUR for Business).

mod terms_support;

use partnerctl::evaluate::Evaluation;
use terms_support::eval_in;

const NSP: &str = include_str!("../programs/nospamproxy.toml");
/// Judged at the review of 2026-01-01 on the business of 2025.
const AS_OF: &str = "2026-03-01";

/// A partner on `track` with 3 projects in 2025, both trainings, one administrator certified in
/// 2025, both obligations, the given 2025 bookings and optional extra TOML.
fn partner(track: &str, bookings: &[(&str, &str)], extra: &str) -> String {
    let mut s = format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"{track}\"\ncontract_start = 2024-01-01\n[memberships.obligations]\nbasic-service-agreement = true\nvendor-named-with-follow-link = true\n\n");
    for (i, d) in ["2025-03-01", "2025-06-01", "2025-09-01"]
        .iter()
        .enumerate()
    {
        s += &format!(
            "[[projects]]\nprogram = \"nospamproxy\"\nname = \"P{i}\"\ncompleted = {d}\n\n"
        );
    }
    for kind in ["sales", "technical", "cloud-video"] {
        s += &format!("[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"{kind}\"\ndate = 2025-02-01\n\n");
    }
    s += "[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"admin-training\"\ndate = 2025-05-01\n\n";
    for (line, amount) in bookings {
        s += &format!("[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"{line}\"\nperiod = \"2025\"\ncurrency = \"EUR\"\namount = \"{amount}\"\n\n");
    }
    s + extra
}

fn held<'e>(ev: &'e Evaluation, id: &str) -> Option<&'e str> {
    ev.entitlements
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.display.as_str())
}

#[test]
fn reseller_only_server_sale_is_an_authorized_entitlement_with_the_hsv_condition() {
    let ev = eval_in(
        "nospamproxy",
        NSP,
        &partner("server-cloud", &[("server-new-licences", "2000.00")], ""),
        AS_OF,
    );
    assert_eq!(ev.tier.as_deref(), Some("authorized"));
    let resale = held(&ev, "server-resale").expect("Authorized holds it");
    assert!(
        resale.starts_with("yes, only with a manufacturer support contract (HSV)"),
        "{resale}"
    );

    let ev = eval_in(
        "nospamproxy",
        NSP,
        &partner("server-cloud", &[("server-new-licences", "20000.00")], ""),
        AS_OF,
    );
    assert_eq!(ev.tier.as_deref(), Some("business"));
    assert_eq!(
        held(&ev, "server-resale"),
        None,
        "Business partners carry the know-how"
    );
}

#[test]
fn the_vendors_second_level_support_hours_are_a_server_track_service() {
    for amount in ["2000.00", "20000.00", "50000.00"] {
        let ev = eval_in(
            "nospamproxy",
            NSP,
            &partner("server-cloud", &[("server-new-licences", amount)], ""),
            AS_OF,
        );
        let second = held(&ev, "second-level-support").expect("server track");
        assert!(second.contains("Monday to Friday 9:00-17:00"), "{second}");
        assert!(
            second.contains("public holidays in North Rhine-Westphalia"),
            "{second}"
        );
        assert!(held(&ev, "manufacturer-support-contract").is_some());
        assert!(held(&ev, "support-without-contract").is_some_and(|v| v.contains("effort")));
        assert!(held(&ev, "server-maintenance-contract").is_some_and(|v| v.starts_with("always")));
    }
    // Cloud only: 175 EUR MRR in December 2025 makes an Authorized Cloud Partner, without the
    // Server support model.
    let mrr = "[[recurring_revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"cloud-services\"\nmonth = \"2025-12\"\ncurrency = \"EUR\"\namount = \"175.00\"\n";
    let ev = eval_in("nospamproxy", NSP, &partner("cloud-only", &[], mrr), AS_OF);
    assert_eq!(ev.tier.as_deref(), Some("authorized"));
    for id in [
        "second-level-support",
        "manufacturer-support-contract",
        "server-resale",
    ] {
        assert_eq!(held(&ev, id), None, "{id}");
    }
}

#[test]
fn msp_licence_revenue_counts_for_the_revenue_thresholds_at_the_boundary() {
    let msp = "[[approvals]]\nprogram = \"nospamproxy\"\nstatus = \"managed-service-partner\"\napproved_by = \"K. Vogel\"\ndate = 2025-06-01\nreason = \"MSP contract\"\n";
    let at = |amount: &str| {
        eval_in(
            "nospamproxy",
            NSP,
            &partner("server-cloud", &[("msp-licences", amount)], msp),
            AS_OF,
        )
    };
    let below = at("19999.99");
    assert_eq!(below.tier.as_deref(), Some("authorized"));
    assert_eq!(below.statuses, vec!["managed-service-partner"]);
    assert_eq!(held(&below, "marketing-budget"), None);

    let at_threshold = at("20000.00");
    assert_eq!(at_threshold.tier.as_deref(), Some("business"));
    assert_eq!(
        held(&at_threshold, "marketing-budget"),
        Some("1,000.00 EUR per year")
    );
    assert!(held(&at_threshold, "msp-licences").is_some());
}
