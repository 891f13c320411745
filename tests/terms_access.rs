//! Access rules count partners, not grants (issue #12, point 5). Infomaniak: "Der Kunde kann
//! jeweils nur einem Partner vollständigen Zugriff auf seine Organisation gewähren" and "Der Kunde
//! kann die Zahlungsmittel ... jederzeit über das Profil seines Partners ändern" — a partner whose
//! customer changed the means of payment may hold two full-access grants of that customer; it is
//! still one partner.

use partnerctl::dataset::Dataset;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");

/// A registered Infomaniak reseller `id` with full-access grants of customer IK-1, one per
/// means of payment in `payments`.
fn reseller(id: &str, payments: &[&str]) -> String {
    let mut s = format!("api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} SA\"\n\n[registration]\ncommercial_register = \"CHE-1\"\n\n[profile]\ndisplay_name = \"{id}\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"infomaniak\"\n\n");
    for (i, p) in payments.iter().enumerate() {
        s += &format!("[[access_grants]]\nprogram = \"infomaniak\"\ncustomer = \"IK-1\"\naccess = \"full\"\npayment = \"{p}\"\nsince = 2025-0{}-01\n\n", i + 1);
    }
    s
}

/// `(file, code, message)` of every diagnostic of the dataset.
fn check(partners: &[(&str, String)]) -> Vec<(String, String, String)> {
    let mut files = vec![("programs/infomaniak.toml".to_owned(), INFOMANIAK.to_owned())];
    files.extend(
        partners
            .iter()
            .map(|(id, t)| (format!("partners/{id}.toml"), t.clone())),
    );
    let ds = Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files: files
            .iter()
            .map(|(p, t)| SourceFile {
                path: p.clone(),
                bytes: t.as_bytes().to_vec(),
                blob_id: blob_id(t.as_bytes()),
            })
            .collect(),
        problems: vec![],
    });
    ds.diagnostics()
        .into_iter()
        .map(|d| (d.file.clone(), d.code.to_string(), d.message.clone()))
        .collect()
}

#[test]
fn one_partner_with_two_full_access_grants_of_a_customer_is_one_partner() {
    let diags = check(&[("p-a", reseller("p-a", &["customer", "partner"]))]);
    assert_eq!(diags, vec![]);
}

#[test]
fn two_partners_with_full_access_conflict_and_are_named_once_each() {
    let diags = check(&[
        ("p-a", reseller("p-a", &["customer", "partner"])),
        ("p-b", reseller("p-b", &["partner"])),
    ]);
    let message =
        "customer `IK-1` grants full access to 2 partners (p-a, p-b); only one is allowed";
    let conflict = |file: &str| {
        (
            file.to_owned(),
            "full-access-conflict".to_owned(),
            message.to_owned(),
        )
    };
    // Every full-access grant involved is flagged: both of p-a's and p-b's one.
    assert_eq!(
        diags,
        vec![
            conflict("partners/p-a.toml"),
            conflict("partners/p-a.toml"),
            conflict("partners/p-b.toml"),
        ]
    );
}
