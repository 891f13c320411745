//! Conditional entitlements (issue #12, point 8, first item). pimentaCHAT: "Wenn der Partner ein
//! Geschäft abschließt und das endgültige Angebot das Premiumangebot von pimentaCHAT
//! (Support-Pläne oder Unternehmenslizenz) enthält, erhält der Partner einen Rabatt von 20%" —
//! the discount applies to those deals only, and every output says so with the value.

mod terms_support;

use terms_support::eval_in;

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

fn value_added() -> String {
    String::from("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"value-added-partner\"]\ncontract_start = 2025-01-10\n[memberships.obligations]\nsupport-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nfirst-and-second-level-support = true\nconsulting-training-configuration = true\n\n[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = 2025-02-01\n\n[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"value-added-certification\"\ndate = 2025-03-01\n")
}

#[test]
fn the_premium_discount_names_the_deals_it_applies_to() {
    let ev = eval_in("pimentachat", PIMENTA, &value_added(), "2026-11-23");
    assert_eq!(ev.types, vec!["value-added-partner"]);
    let d = ev
        .entitlements
        .iter()
        .find(|e| e.id == "premium-discount")
        .expect("the discount is granted");
    let expected = "20%, only on deals whose final offer includes the pimentaCHAT premium offering (support plans or enterprise licence)";
    assert_eq!(d.display, expected);
    let text = partnerctl::render::eval::explain_one(&ev);
    assert!(text.contains(expected), "{text}");
    let json = partnerctl::render::eval::json_result(
        &ev,
        partnerctl::render::eval::JsonStyle {
            detail: partnerctl::render::eval::JsonDetail::Full,
            pretty: true,
        },
    );
    assert!(json.contains(expected), "{json}");
    // Unconditional entitlements are shown as before.
    let fee = &ev.fees[0];
    assert_eq!(fee.display, "3,000.00 EUR per year");
}
