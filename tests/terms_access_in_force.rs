//! Access rules under the terms in force (issue #12, point 5). Infomaniak: "Der Kunde kann
//! jeweils nur einem Partner vollständigen Zugriff auf seine Organisation gewähren." Validation
//! applies the access rules of the program version in force on the as-of date and of every
//! version scheduled after it (`programs/ID@DATE.toml`); a rule only an earlier version had no
//! longer applies. Two partners with full access to one customer, around a scheduled version
//! that drops or introduces the rule.

mod common;

use common::{file, snapshot};
use partnerctl::dataset::Dataset;
use partnerctl::model::scalar::Date;

const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");
const RULE: &str = "full_access_exclusive = true";

/// A registered Infomaniak partner with full access to customer IK-1.
fn partner(id: &str) -> String {
    format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} SA\"\n\n[registration]\ncommercial_register = \"CHE-100.200.300\"\n\n[profile]\ndisplay_name = \"{id}\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"infomaniak\"\n\n[[access_grants]]\nprogram = \"infomaniak\"\ncustomer = \"IK-1\"\naccess = \"full\"\npayment = \"customer\"\nsince = 2025-01-01\n")
}

/// The current terms with `now` for the rule, and a version from 2027-01-01 with `then`.
fn conflicts(now: &str, then: &str, as_of: &str) -> Vec<String> {
    assert_eq!(INFOMANIAK.matches(RULE).count(), 1);
    let scheduled = INFOMANIAK
        .replace(RULE, then)
        .replace("effective_from = 2022-01-01", "effective_from = 2027-01-01");
    assert!(scheduled.contains("effective_from = 2027-01-01"));
    let snap = snapshot(vec![
        file("programs/infomaniak.toml", INFOMANIAK.replace(RULE, now)),
        file("programs/infomaniak@2027-01-01.toml", scheduled),
        file("partners/alpha.toml", partner("alpha")),
        file("partners/beta.toml", partner("beta")),
    ]);
    let as_of: Date = as_of.parse().unwrap();
    let ds = Dataset::from_snapshot_as_of(&snap, as_of);
    let diags = ds.diagnostics();
    assert!(
        diags.iter().all(|d| d.code == "full-access-conflict"),
        "{diags:#?}"
    );
    diags
        .iter()
        .map(|d| format!("{}: {}", d.file, d.message))
        .collect()
}

const NOW: &str =
    "customer `IK-1` grants full access to 2 partners (alpha, beta); only one is allowed";

#[test]
fn the_rule_in_force_applies_until_the_version_that_drops_it() {
    let off = "full_access_exclusive = false";
    for as_of in ["2026-11-23", "2026-12-31"] {
        assert_eq!(
            conflicts(RULE, off, as_of),
            vec![
                format!("partners/alpha.toml: {NOW}"),
                format!("partners/beta.toml: {NOW}")
            ],
            "{as_of}"
        );
    }
    // From the day the new terms take effect the old rule is history.
    assert_eq!(conflicts(RULE, off, "2027-01-01"), Vec::<String>::new());
}

#[test]
fn a_rule_announced_for_later_is_flagged_before_its_day_and_named() {
    let off = "full_access_exclusive = false";
    let later = format!("{NOW} under the terms effective 2027-01-01");
    assert_eq!(
        conflicts(off, RULE, "2026-12-31"),
        vec![
            format!("partners/alpha.toml: {later}"),
            format!("partners/beta.toml: {later}")
        ]
    );
    assert_eq!(
        conflicts(off, RULE, "2027-01-01"),
        vec![
            format!("partners/alpha.toml: {NOW}"),
            format!("partners/beta.toml: {NOW}")
        ]
    );
}

#[test]
fn a_rule_in_both_versions_is_reported_once() {
    assert_eq!(conflicts(RULE, RULE, "2026-11-23").len(), 2);
}

#[test]
fn without_the_rule_in_any_version_there_is_no_conflict() {
    let off = "full_access_exclusive = false";
    assert_eq!(conflicts(off, off, "2026-11-23"), Vec::<String>::new());
}
