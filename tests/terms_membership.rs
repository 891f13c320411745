//! Who gets the `[membership]` benefits (issue #12, point 9). pimentaCHAT: "Der Prozess,
//! offizieller Partner zu werden, beginnt mit ... Zertifizierung nach Art der bereitgestellten
//! Dienstleistung, ... Aufnahme auf der pimentaCHAT-Website" — the benefits follow the
//! certification for a partner type (`grants_to = "holders"`); `"members"` is checked on the same
//! program with the one line changed.

mod terms_support;

use partnerctl::evaluate::Evaluation;
use terms_support::eval_in;

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

/// A signed member meeting every membership requirement, declared a hosting partner, with or
/// without the hosting certification.
fn member(certified: bool) -> String {
    let mut s = String::from("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\ncontract_start = 2025-01-10\n[memberships.obligations]\nsupport-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nown-hosting-infrastructure = true\nfirst-and-second-level-support = true\n\n[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = 2025-02-01\n\n");
    if certified {
        s += "[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"hosting-certification\"\ndate = 2025-03-01\n";
    }
    s
}

fn ids(ev: &Evaluation) -> (Vec<&str>, Vec<&str>) {
    (
        ev.entitlements.iter().map(|e| e.id.as_str()).collect(),
        ev.fees.iter().map(|e| e.id.as_str()).collect(),
    )
}

#[test]
fn membership_benefits_follow_the_reading_of_each_program() {
    let holders = eval_in("pimentachat", PIMENTA, &member(false), "2026-11-23");
    assert!(holders.membership_requirements.iter().all(|r| r.met));
    assert!(holders.types.is_empty());
    assert_eq!(ids(&holders), (vec![], vec![]));

    let terms = PIMENTA.replace("grants_to = \"holders\"", "grants_to = \"members\"");
    assert!(terms != PIMENTA);
    let members = eval_in("pimentachat", &terms, &member(false), "2026-11-23");
    let (ent, fees) = ids(&members);
    assert!(ent.contains(&"directory-listing") && ent.contains(&"core-team-channel"));
    assert!(
        !ent.contains(&"hosting-revenue-share"),
        "type benefits need the type"
    );
    assert_eq!(fees, vec!["program-fee"]);

    // Certified: a hosting partner, with membership and type benefits under either reading.
    let certified = eval_in("pimentachat", PIMENTA, &member(true), "2026-11-23");
    let (ent, fees) = ids(&certified);
    assert!(ent.contains(&"directory-listing") && ent.contains(&"hosting-revenue-share"));
    assert_eq!(fees, vec!["program-fee"]);
}
