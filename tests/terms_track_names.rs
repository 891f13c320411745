//! Per-track tier names (issue #12, point 4). NoSpamProxy: "Als Authorized Cloud Partner
//! vertreiben Sie ausschließlich NoSpamProxy Cloud" — a cloud-only partner is an Authorized/
//! Business/Premium *Cloud* Partner, and that is the name shown in eval, diff and the directory.

use partnerctl::dataset::Dataset;
use partnerctl::diff::{self, DiffOptions};
use partnerctl::evaluate;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

const NSP: &str = include_str!("../programs/nospamproxy.toml");

/// A cloud-only partner with December 2025 MRR `mrr`, 3 projects in 2025, a valid certification
/// and the cloud training videos: Business Cloud from 2,000.00 EUR MRR, Authorized Cloud from 175.
fn cloud(mrr: &str) -> String {
    let mut s = format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"wolke\"\nlegal_name = \"Wolke GmbH\"\n\n[profile]\ndisplay_name = \"Wolke\"\ncountry = \"DE\"\n\n[[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"cloud-only\"\ncontract_start = 2022-01-01\n[memberships.obligations]\nbasic-service-agreement = true\nvendor-named-with-follow-link = true\n\n[[recurring_revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"cloud-services\"\nmonth = \"2025-12\"\ncurrency = \"EUR\"\namount = \"{mrr}\"\n\n");
    for (i, d) in ["2025-02-01", "2025-05-01", "2025-09-01"]
        .iter()
        .enumerate()
    {
        s += &format!("[[projects]]\nprogram = \"nospamproxy\"\nname = \"P{i}\"\ncustomer = \"C{i}\"\ncompleted = {d}\n\n");
    }
    for k in ["cloud-video", "sales", "technical"] {
        s += &format!("[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"{k}\"\ndate = 2025-01-15\n\n");
    }
    s += "[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"admin-training\"\ndate = 2025-03-01\n";
    s
}

fn snap(partner: &str) -> Snapshot {
    let files = [
        ("programs/nospamproxy.toml", NSP),
        ("partners/wolke.toml", partner),
    ];
    Snapshot {
        label: "t".into(),
        files: files
            .iter()
            .map(|(p, t)| SourceFile {
                path: (*p).into(),
                bytes: t.as_bytes().to_vec(),
                blob_id: blob_id(t.as_bytes()),
            })
            .collect(),
        problems: vec![],
    }
}

#[test]
fn eval_names_the_cloud_tiers() {
    let ds = Dataset::from_snapshot(&snap(&cloud("2000.00")));
    assert_eq!(ds.diagnostics(), vec![]);
    let ev = &evaluate::evaluate_all(
        ds.partners.iter().filter_map(|f| f.record.as_ref()),
        &ds.catalog(),
        "2026-11-23".parse().unwrap(),
    )[0];
    assert_eq!(ev.tier.as_deref(), Some("business"));
    assert_eq!(ev.tier_name(), Some("Business Cloud Partner"));
    assert_eq!(ev.next_tier.as_ref().unwrap().name, "Premium Cloud Partner");
    let names: Vec<&str> = ev.tiers.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Authorized Cloud Partner",
            "Business Cloud Partner",
            "Premium Cloud Partner"
        ]
    );
    let row = partnerctl::render::eval::row(ev).join("|");
    assert!(row.contains("|Business Cloud Partner|"), "{row}");
    assert!(!row.contains("|Business Partner|"), "{row}");
}

#[test]
fn diff_names_the_cloud_tiers() {
    // MRR 1,999.99 → 2,000.00: from Authorized Cloud to Business Cloud.
    let (b, h) = Dataset::pair(&snap(&cloud("1999.99")), &snap(&cloud("2000.00")));
    let opts = DiffOptions {
        as_of: "2026-11-23".parse().unwrap(),
        show_confidential: false,
        horizon_months: 12,
    };
    let r = diff::diff(&b, &h, "base", "head", &opts);
    let c = &r.tier_changes[0];
    assert_eq!(
        (c.from_name.as_deref(), c.to_name.as_deref()),
        (
            Some("Authorized Cloud Partner"),
            Some("Business Cloud Partner")
        )
    );
    let md = partnerctl::render::diff::markdown(&r, 60_000);
    assert!(md.contains("Business Cloud Partner"), "{md}");
    assert!(!md.contains("Business Partner"), "{md}");
}
