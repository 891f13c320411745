//! Golden evaluation tests for the pimentaCHAT and Infomaniak programs at their boundaries.

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Evaluation};
use partnerctl::model::scalar::Date;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");
const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");
const AS_OF: &str = "2026-11-23";

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn eval(program: (&str, &str), partner: &str, as_of: &str) -> Evaluation {
    let files = [program, ("partners/p.toml", partner)]
        .iter()
        .map(|(p, t)| SourceFile {
            path: (*p).into(),
            bytes: t.as_bytes().to_vec(),
            blob_id: blob_id(t.as_bytes()),
        })
        .collect();
    let ds = Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files,
        problems: vec![],
    });
    assert_eq!(ds.diagnostics(), vec![], "test data must be valid");
    let catalog = ds.catalog();
    let mut v = evaluate::evaluate_all(
        ds.partners.iter().filter_map(|f| f.record.as_ref()),
        &catalog,
        d(as_of),
    );
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn header() -> String {
    "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P GmbH\"\n\n[registration]\ncommercial_register = \"HRB 1\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"DE\"\n\n".into()
}

// ---------------------------------------------------------------------------------------------
// pimentaCHAT

const ALL_OBLIGATIONS: &str = "support-contract = true\nvendor-on-partner-website = true\nmonthly-sales-report = true\naccount-manager-meeting = true\ngoals-defined = true\ncommunity-work-group = true\nown-hosting-infrastructure = true\nfirst-and-second-level-support = true\nadvanced-code-knowledge = true\nconsulting-training-configuration = true\n";

/// A pimentaCHAT partner of `types` with a contract and an optional basic-training date.
fn pimenta(
    types: &[&str],
    start: &str,
    end: Option<&str>,
    training: Option<&str>,
    certs: &[&str],
) -> String {
    let mut s = header();
    let types: Vec<String> = types.iter().map(|t| format!("\"{t}\"")).collect();
    s += &format!(
        "[[memberships]]\nprogram = \"pimentachat\"\ntypes = [{}]\ncontract_start = {start}\n",
        types.join(", ")
    );
    if let Some(e) = end {
        s += &format!("contract_end = {e}\n");
    }
    s += &format!("[memberships.obligations]\n{ALL_OBLIGATIONS}\n");
    if let Some(t) = training {
        s += &format!("[[trainings]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"basic-training\"\ndate = {t}\n\n");
    }
    for c in certs {
        s += &format!("[[certifications]]\nprogram = \"pimentachat\"\nperson = \"A\"\nkind = \"{c}\"\ndate = 2025-03-01\n\n");
    }
    s
}

fn pim(partner: &str, as_of: &str) -> Evaluation {
    eval(("programs/pimentachat.toml", PIMENTA), partner, as_of)
}

/// "Rabatt von 20% ..., wenn ... das endgültige Angebot das Premiumangebot ... enthält": the value
/// with the deals it applies to.
const PREMIUM_DISCOUNT: &str = "20%, only on deals whose final offer includes the pimentaCHAT premium offering (support plans or enterprise licence)";

fn value(ev: &Evaluation, id: &str) -> Option<String> {
    ev.entitlements
        .iter()
        .chain(ev.fees.iter())
        .find(|e| e.id == id)
        .map(|e| e.display.clone())
}

#[test]
fn pimentachat_types_are_held_together_with_their_terms() {
    let p = pimenta(
        &["hosting-partner", "technology-provider"],
        "2025-01-15",
        None,
        Some("2025-02-20"),
        &["hosting-certification", "technology-certification"],
    );
    let ev = pim(&p, AS_OF);
    assert_eq!(ev.review.date, d("2026-10-01"));
    assert_eq!(ev.types, vec!["hosting-partner", "technology-provider"]);
    assert_eq!(ev.tier, None);
    assert_eq!(
        value(&ev, "program-fee").as_deref(),
        Some("3,000.00 EUR per year")
    );
    assert_eq!(ev.fees.len(), 1);
    assert_eq!(
        value(&ev, "hosting-revenue-share").as_deref(),
        Some("partner 30% / vendor 70% of gross hosting revenue")
    );
    assert!(value(&ev, "referred-project-revenue-share")
        .unwrap()
        .starts_with("partner 70% / vendor 30% of "));
    assert_eq!(
        value(&ev, "premium-discount").as_deref(),
        Some(PREMIUM_DISCOUNT)
    );
    assert_eq!(value(&ev, "directory-listing").as_deref(), Some("listed"));
    assert_eq!(value(&ev, "third-level-support").as_deref(), Some("yes"));
}

#[test]
fn pimentachat_value_added_partner() {
    let ev = pim(
        &pimenta(
            &["value-added-partner"],
            "2025-01-15",
            None,
            Some("2025-01-20"),
            &["value-added-certification"],
        ),
        AS_OF,
    );
    assert_eq!(ev.types, vec!["value-added-partner"]);
    assert_eq!(
        value(&ev, "premium-discount").as_deref(),
        Some(PREMIUM_DISCOUNT)
    );
    assert!(value(&ev, "special-project-revenue-split")
        .unwrap()
        .contains("individual agreement"));
    assert_eq!(value(&ev, "hosting-revenue-share"), None);
}

#[test]
fn pimentachat_type_needs_its_certification() {
    let ev = pim(
        &pimenta(
            &["technology-provider"],
            "2025-01-15",
            None,
            Some("2025-02-01"),
            &[],
        ),
        AS_OF,
    );
    assert!(ev.types.is_empty());
    assert_eq!(*ev.fees, vec![], "no type held, no programme fee");
}

#[test]
fn pimentachat_contract_term_of_at_least_twelve_months() {
    let ok = pim(
        &pimenta(
            &["hosting-partner"],
            "2026-01-01",
            Some("2026-12-31"),
            Some("2026-01-10"),
            &["hosting-certification"],
        ),
        AS_OF,
    );
    assert_eq!(ok.types, vec!["hosting-partner"]);
    let short = pim(
        &pimenta(
            &["hosting-partner"],
            "2026-01-01",
            Some("2026-12-30"),
            Some("2026-01-10"),
            &["hosting-certification"],
        ),
        AS_OF,
    );
    assert!(short.types.is_empty());
    let term = short
        .membership_requirements
        .iter()
        .find(|r| r.id == "contract-term-12-months")
        .unwrap();
    assert_eq!(
        term.shortfall.as_ref().map(ToString::to_string).as_deref(),
        Some("1 more month of contract term")
    );
}

#[test]
fn pimentachat_basic_training_within_sixty_days_of_signing() {
    let with = |training: Option<&str>| {
        pim(
            &pimenta(
                &["hosting-partner"],
                "2026-08-01",
                None,
                training,
                &["hosting-certification"],
            ),
            AS_OF,
        )
    };
    // Day 60 after 2026-08-01 is 2026-09-30.
    assert_eq!(with(Some("2026-09-30")).types, vec!["hosting-partner"]);
    // The program reads the deadline as an onboarding reminder (`overdue = "warn"`): attended a
    // day late completes the step; never attended keeps the type with an overdue warning.
    let late = with(Some("2026-10-01"));
    assert_eq!(late.types, vec!["hosting-partner"]);
    assert!(late.warnings.iter().all(|w| w.code != "training-overdue"));
    let never = with(None);
    assert_eq!(never.types, vec!["hosting-partner"]);
    assert!(never.warnings.iter().any(
        |w| w.code == "training-overdue" && w.message.ends_with("is overdue since 2026-09-30")
    ));
    // Signed three weeks ago: not yet due, so the partner counts, with a reminder.
    let fresh = pim(
        &pimenta(
            &["hosting-partner"],
            "2026-11-01",
            None,
            None,
            &["hosting-certification"],
        ),
        AS_OF,
    );
    assert_eq!(fresh.types, vec!["hosting-partner"]);
    assert!(fresh.warnings.iter().any(|w| w.code == "training-due"
        && w.message
            .ends_with("is due by 2026-12-31 (60 days after the contract start)")));
}

// ---------------------------------------------------------------------------------------------
// Infomaniak

fn reseller(volumes: &[(&str, &str, &str)], registered: bool) -> String {
    let mut s = header();
    if !registered {
        s = s.replace("[registration]\ncommercial_register = \"HRB 1\"\n\n", "");
    }
    s += "[[memberships]]\nprogram = \"infomaniak\"\n[memberships.obligations]\ncustomer-support = true\ncustomer-invoices = true\ntender-orders-infomaniak-only = true\nreseller-terms = true\n\n";
    for (cur, amount, date) in volumes {
        s += &format!("[[managed_volume]]\nprogram = \"infomaniak\"\nproduct_line = \"web-hosting\"\ndate = {date}\ncurrency = \"{cur}\"\namount = \"{amount}\"\n\n");
    }
    s
}

fn inf(partner: &str) -> Evaluation {
    eval(("programs/infomaniak.toml", INFOMANIAK), partner, AS_OF)
}

#[test]
fn infomaniak_threshold_in_chf_or_eur_never_converted() {
    let tier = |v: &[(&str, &str, &str)]| inf(&reseller(v, true)).tier;
    assert_eq!(
        tier(&[("CHF", "2000.00", "2026-03-01")]),
        Some("reseller".into())
    );
    assert_eq!(tier(&[("CHF", "1999.99", "2026-03-01")]), None);
    assert_eq!(
        tier(&[("EUR", "1800.00", "2026-03-01")]),
        Some("reseller".into())
    );
    assert_eq!(tier(&[("EUR", "1799.99", "2026-03-01")]), None);
    // Just below in both currencies: the two are alternatives, never added up or converted.
    let ev = inf(&reseller(
        &[
            ("CHF", "1999.99", "2026-03-01"),
            ("EUR", "1799.99", "2026-03-01"),
        ],
        true,
    ));
    assert_eq!(ev.tier, None);
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["0.01 CHF or 0.01 EUR more managed product volume from 2025-11-24 to 2026-11-23"]
    );
}

#[test]
fn infomaniak_counts_the_trailing_twelve_months() {
    assert_eq!(
        inf(&reseller(&[("CHF", "2000.00", "2025-11-24")], true)).tier,
        Some("reseller".into())
    );
    assert_eq!(
        inf(&reseller(&[("CHF", "2000.00", "2025-11-23")], true)).tier,
        None
    );
}

#[test]
fn infomaniak_needs_a_registered_company() {
    let ev = inf(&reseller(&[("CHF", "5000.00", "2026-03-01")], false));
    assert_eq!(ev.tier, None);
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["a commercial register entry or a SIRET number or an entry in an equivalent register"]
    );
}

#[test]
fn infomaniak_entitlements() {
    let ev = inf(&reseller(&[("EUR", "1800.00", "2026-01-01")], true));
    assert_eq!(
        value(&ev, "reseller-discount").as_deref(),
        Some("up to 35%")
    );
    assert_eq!(value(&ev, "directory-listing").as_deref(), Some("listed"));
    assert_eq!(
        value(&ev, "customer-access").as_deref(),
        Some("restricted, full")
    );
    assert_eq!(
        value(&ev, "payment-means").as_deref(),
        Some("customer, partner")
    );
    assert_eq!(value(&ev, "elegant-themes").as_deref(), Some("yes"));
    assert_eq!(ev.entitlements.len(), 11);
}
