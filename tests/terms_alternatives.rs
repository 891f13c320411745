//! Alternatives are rendered as alternatives (issue #12, point 7). Infomaniak: "Der Gesamtbetrag
//! ... muss CHF 2000 / jährlich oder € 1800 / jährlich oder mehr betragen" — either currency
//! suffices, so the required value reads "or" in the trace, the gap and the JSON.

mod terms_support;

use partnerctl::evaluate::Quantity;
use terms_support::eval_in;

const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");

fn reseller(chf: &str) -> String {
    format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P SA\"\n\n[registration]\ncommercial_register = \"CHE-1\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"infomaniak\"\n[memberships.obligations]\ncustomer-support = true\ncustomer-invoices = true\ntender-orders-infomaniak-only = true\nreseller-terms = true\n\n[[managed_volume]]\nprogram = \"infomaniak\"\nproduct_line = \"web-hosting\"\ndate = 2026-06-01\ncurrency = \"CHF\"\namount = \"{chf}\"\n")
}

#[test]
fn the_threshold_reads_or_in_every_format() {
    let ev = eval_in("infomaniak", INFOMANIAK, &reseller("1500.00"), "2026-11-23");
    let req = &ev.tiers[0].requirements[0];
    assert_eq!(req.id, "managed-volume-minimum");
    assert_eq!(req.required.display(), "2,000.00 CHF or 1,800.00 EUR");
    assert!(matches!(req.required, Quantity::MoneyAnyOf(_)));

    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(
        text.contains("— actual 1,500.00 CHF, required 2,000.00 CHF or 1,800.00 EUR — needs 500.00 CHF or 1,800.00 EUR more"),
        "{text}"
    );
    assert!(!text.contains("CHF + "), "{text}");

    let json = partnerctl::render::eval::json_result(
        &ev,
        partnerctl::render::eval::JsonStyle {
            detail: partnerctl::render::eval::JsonDetail::Full,
            pretty: true,
        },
    );
    assert!(
        json.contains("\"kind\": \"money_any_of\"") && json.contains("\"CHF\": \"2000.00\""),
        "{json}"
    );
    let row = partnerctl::render::eval::row(&ev).join(" | ");
    assert!(
        row.contains("needs 500.00 CHF or 1,800.00 EUR more"),
        "{row}"
    );
}

#[test]
fn one_alternative_met_is_enough() {
    // Exactly CHF 2,000.00 and no EUR at all: met.
    let ev = eval_in("infomaniak", INFOMANIAK, &reseller("2000.00"), "2026-11-23");
    assert!(ev.tiers[0].requirements[0].met);
    assert_eq!(ev.tier.as_deref(), Some("reseller"));
}
