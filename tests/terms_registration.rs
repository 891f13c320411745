//! Registration kinds a program accepts (issue #12, point 6). Infomaniak: "Der Partner muss ein
//! Unternehmen sein, das im schweizerischen Handelsregister / im SIRET oder einem gleichwertigen
//! Register eingetragen ist" — a register of companies; a VAT number alone is no entry in one.

mod terms_support;

use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::Severity;
use partnerctl::evaluate::Evaluation;
use partnerctl::source::{blob_id, Snapshot, SourceFile};
use terms_support::eval_in;

const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");

/// An Infomaniak reseller with CHF 5,000 managed volume and `registration` lines.
fn reseller(registration: &str) -> String {
    format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P\"\n\n[registration]\n{registration}\n[profile]\ndisplay_name = \"P\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"infomaniak\"\n[memberships.obligations]\ncustomer-support = true\ncustomer-invoices = true\ntender-orders-infomaniak-only = true\nreseller-terms = true\n\n[[managed_volume]]\nprogram = \"infomaniak\"\nproduct_line = \"web-hosting\"\ndate = 2026-06-01\ncurrency = \"CHF\"\namount = \"5000.00\"\n")
}

fn inf(registration: &str) -> Evaluation {
    eval_in(
        "infomaniak",
        INFOMANIAK,
        &reseller(registration),
        "2026-11-23",
    )
}

#[test]
fn a_vat_id_alone_is_not_a_register_entry() {
    let ev = inf("vat_id = \"CHE123456789\"\n");
    assert_eq!(ev.tier, None);
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["a commercial register entry or a SIRET number or an entry in an equivalent register"]
    );
}

#[test]
fn each_register_the_source_names_counts() {
    for reg in [
        "commercial_register = \"CHE-109.876.543\"\n",
        "siret = \"12345678900011\"\n",
        "other_register = \"Registre national des entreprises\"\n",
        "commercial_register = \"CHE-109.876.543\"\nvat_id = \"CHE123456789\"\n",
    ] {
        assert_eq!(inf(reg).tier.as_deref(), Some("reseller"), "{reg}");
    }
}

#[test]
fn a_program_that_accepts_nothing_is_warned_and_met_by_nobody() {
    let terms = INFOMANIAK.replace(
        "accepts = [\"commercial_register\", \"siret\", \"other_register\"]\n",
        "",
    );
    assert!(terms != INFOMANIAK);
    let file = |p: &str, t: &str| SourceFile {
        path: p.into(),
        bytes: t.as_bytes().to_vec(),
        blob_id: blob_id(t.as_bytes()),
    };
    let ds = Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files: vec![file("programs/infomaniak.toml", &terms)],
        problems: vec![],
    });
    let diags = ds.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "registration-kinds");
    assert_eq!(
        diags[0].message,
        "requirement `registered-company` accepts no registration kind; nobody meets it"
    );
    // The requirement's table header: `[requirements.registered-company]`.
    let line = terms
        .lines()
        .position(|l| l == "[requirements.registered-company]")
        .unwrap()
        + 1;
    assert_eq!(diags[0].start.map(|s| s.line), Some(line));
    assert_eq!(diags[0].severity, Severity::Warning);
}
