//! The loader's fast path for partner files (typed deserialization straight from TOML) must give
//! exactly what the schema path gives: the same record for valid files, and for anything the
//! schema rejects, the schema path's diagnostics.

mod common;

use common::{edit, file, partner};
use partnerctl::load::{load_partner, load_partner_via_schema, Loaded};
use partnerctl::model::Partner;

/// Both paths on one text: equal diagnostics and equal records.
fn same_both_ways(text: &str) -> Loaded<Partner> {
    let f = file("partners/acme.toml", text);
    let fast = load_partner(&f);
    let full = load_partner_via_schema(&f);
    assert_eq!(
        format!("{:?}", fast.diagnostics),
        format!("{:?}", full.diagnostics),
        "diagnostics differ for:\n{text}"
    );
    assert_eq!(
        format!("{:?}", fast.record),
        format!("{:?}", full.record),
        "records differ for:\n{text}"
    );
    fast
}

fn acme(from: &str, to: &str) -> String {
    edit(&partner("acme"), from, to)
}

#[test]
fn every_bundled_partner_loads_the_same_both_ways() {
    let mut n = 0;
    for entry in std::fs::read_dir("partners").unwrap() {
        let path = entry.unwrap().path();
        let loaded = same_both_ways(&std::fs::read_to_string(&path).unwrap());
        assert!(loaded.record.is_some(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 30);
}

#[test]
fn schema_only_constraints_are_rejected_like_the_schema_does() {
    let profile = "display_name = \"Acme\"\ncountry = \"DE\"";
    let cases: Vec<String> = vec![
        acme("legal_name = \"Acme GmbH\"", "legal_name = \"\""),
        acme(
            "legal_name = \"Acme GmbH\"",
            &format!("legal_name = \"{}\"", "x".repeat(201)),
        ),
        acme("display_name = \"Acme\"", "display_name = \"\""),
        acme(
            "display_name = \"Acme\"",
            &format!("display_name = \"{}\"", "ä".repeat(121)),
        ),
        acme("country = \"DE\"", "country = \"de\""),
        acme("country = \"DE\"", "country = \"DEU\""),
        acme(
            profile,
            &format!("{profile}\nwebsite = \"ftp://acme.example\""),
        ),
        acme(
            profile,
            &format!("{profile}\nwebsite = \"https://acme .example\""),
        ),
        acme(profile, &format!("{profile}\nwebsite = \"https://\"")),
        acme(
            profile,
            &format!("{profile}\nwebsite = \"https://{}\"", "a".repeat(293)),
        ),
        acme(
            profile,
            &format!("{profile}\nlogo = \"{}\"", "l".repeat(201)),
        ),
        acme(
            profile,
            &format!("{profile}\ndescription = \"{}\"", "d".repeat(2001)),
        ),
        acme(profile, &format!("{profile}\nlanguages = [\"DE\"]")),
        acme(profile, &format!("{profile}\nlanguages = [\"deu\"]")),
        acme(
            "[profile]",
            "[registration]\nsiret = \"1234567890123\"\n\n[profile]",
        ),
        acme(
            "[profile]",
            "[registration]\nvat_id = \"de123456789\"\n\n[profile]",
        ),
        acme(
            "[profile]",
            "[registration]\nvat_id = \"€E123456789\"\n\n[profile]",
        ),
        acme(
            "[profile]",
            "[registration]\nvat_id = \"DE1234567890123456\"\n\n[profile]",
        ),
        // Values the strict scalar types reject exactly as their patterns do.
        acme("amount = \"2000.00\"", "amount = \"02000.00\""),
        acme("amount = \"2000.00\"", "amount = \"-0\""),
        acme("amount = \"2000.00\"", "amount = \"2000.001\""),
        acme("amount = \"2000.00\"", "amount = \"-5.00\""),
        acme("amount = \"2000.00\"", "amount = 2000.00"),
        acme("date = 2024-03-01", "date = 2024-03-01T10:00:00"),
        acme("date = 2024-03-01", "date = \"+024-03-01\""),
        acme("date = 2024-03-01", "date = 2024-02-30"),
        // A date written as a string, and a TOML date where a string is expected: the schema
        // sees both as strings, the typed check tells them apart on both paths (issue #12).
        acme("date = 2024-03-01", "date = \"2024-03-01\""),
        acme("legal_name = \"Acme GmbH\"", "legal_name = 2020-01-01"),
    ];
    for text in &cases {
        let loaded = same_both_ways(text);
        assert!(loaded.record.is_none(), "accepted:\n{text}");
        assert!(!loaded.diagnostics.is_empty());
    }
}

#[test]
fn values_the_schema_path_accepts_in_other_shapes_still_load() {
    for text in [
        acme(
            "display_name = \"Acme\"",
            &format!("display_name = \"{}\"", "ä".repeat(120)),
        ),
        acme(
            "[profile]",
            "[registration]\nvat_id = \"CHE123.456.789\"\nsiret = \"12345678901234\"\n\n[profile]",
        ),
    ] {
        let loaded = same_both_ways(&text);
        assert!(loaded.record.is_some(), "rejected:\n{text}");
    }
}

/// The fast path is sound only if the types enforce every constraint the schema states: a new
/// pattern or length limit on a partner field must be a checked type (`model::checked`, or a
/// `TryFrom` like `LanguageCode`), and then be listed here.
#[test]
fn schema_only_constraints_are_all_checked() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/partner.schema.json").unwrap())
            .unwrap();
    // Definitions of types whose parsers enforce their own pattern and format.
    let self_checking = ["Currency", "Date", "Id", "Money", "Month", "Period"];
    let mut found = Vec::new();
    fn walk(node: &serde_json::Value, path: String, skip: &[&str], out: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                for key in [
                    "pattern",
                    "minLength",
                    "maxLength",
                    "format",
                    "minimum",
                    "maximum",
                ] {
                    if map.contains_key(key) {
                        out.push(format!("{path} {key}"));
                    }
                }
                for (k, v) in map {
                    let p = format!("{path}/{k}");
                    if !skip.iter().any(|s| p == format!("/definitions/{s}")) {
                        walk(v, p, skip, out);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{path}/{i}"), skip, out);
                }
            }
            _ => {}
        }
    }
    walk(&schema, String::new(), &self_checking, &mut found);
    found.sort();
    assert_eq!(
        found,
        [
            "/definitions/LanguageCode pattern",
            "/definitions/PublicProfile/properties/country pattern",
            "/definitions/PublicProfile/properties/description maxLength",
            "/definitions/PublicProfile/properties/display_name maxLength",
            "/definitions/PublicProfile/properties/display_name minLength",
            "/definitions/PublicProfile/properties/logo maxLength",
            "/definitions/PublicProfile/properties/website maxLength",
            "/definitions/PublicProfile/properties/website pattern",
            "/definitions/Registration/properties/siret pattern",
            "/definitions/Registration/properties/vat_id pattern",
            "/properties/legal_name maxLength",
            "/properties/legal_name minLength",
        ]
    );
}
