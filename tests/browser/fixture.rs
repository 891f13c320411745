//! A small, fixed partner-data repository for the directory tests: the real NoSpamProxy program, a
//! test-only second program with partner types, and four partners (three listed, one not).
//!
//! Shared by `tests/directory.rs` and `tests/browser/main.rs`.
#![allow(dead_code)]

use std::path::Path;

/// Evaluation date of the fixture: the 2026 review judges 2025.
pub const AS_OF: &str = "2026-01-15";
/// Build date shown on the fixture site.
pub const BUILD_DATE: &str = "2026-01-20";

/// The NoSpamProxy program as shipped in this repository.
pub const NOSPAMPROXY: &str = include_str!("../../programs/nospamproxy.toml");

/// A test-only program: customers managed decide the tier; partner types list too.
pub const CLOUDHOST: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "cloudhost"
name = "CloudHost Partner Network"
vendor = "CloudHost AG"
effective_from = 2025-01-01
currencies = ["EUR"]

[review]
cadence = "continuous"

[product_lines]
hosting = "Hosting"
mail = "Mail"

[access]
levels = ["restricted", "full"]
payment_means = ["customer", "partner"]
full_access_exclusive = true
restricted_distinct_products = true

[measures.customers]
type = "customers"
name = "managed customers"

[requirements.customers-1]
type = "count"
name = "at least 1 managed customer"
measure = "customers"
at_least = 1

[requirements.customers-3]
type = "count"
name = "at least 3 managed customers"
measure = "customers"
at_least = 3

[[tiers]]
id = "silver"
name = "Silver"

[[tiers]]
id = "gold"
name = "Gold"

[[levels]]
tier = "silver"
requires = ["customers-1"]
[levels.grants]
listing = "listed"

[[levels]]
tier = "gold"
requires = ["customers-3"]
[levels.grants]
listing = "listed-with-logo"

[[partner_types]]
id = "hosting-partner"
name = "Hosting Partner"
requires = ["customers-1"]
[partner_types.grants]
listing = "listed"

[[partner_types]]
id = "reseller"
name = "Reseller"
requires = ["customers-1"]

[entitlements.listing]
name = "Listed in the CloudHost directory"
kind = "listing"
"#;

/// A 2×2 PNG.
pub const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x90\xaa\x37\x07\x22\x06\x08\x05\x00\x16\x5a\x03\x41\x4b\x2c\x0d\x12\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// An SVG logo.
pub const SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <title>ACME</title>
  <rect width="64" height="64" rx="8" fill="#0550ae"/>
  <text x="32" y="40" font-size="20" text-anchor="middle" fill="#fff">AC</text>
</svg>
"##;

/// `n` NoSpamProxy projects completed in 2025.
pub fn projects(n: usize, who: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "[[projects]]\nprogram = \"nospamproxy\"\nname = \"{who} rollout {i}\"\ncustomer = \"{who} customer {i}\"\ncompleted = 2025-0{}-10\n\n",
                i % 9 + 1
            )
        })
        .collect()
}

/// One sales and one technical training of `person`.
pub fn trainings(person: &str) -> String {
    format!(
        "[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"{person}\"\nkind = \"sales\"\ndate = 2024-05-01\n\n\
         [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"{person}\"\nkind = \"technical\"\ndate = 2024-05-02\n\n"
    )
}

/// Valid administrator trainings of the given people.
pub fn certifications(people: &[&str]) -> String {
    people
        .iter()
        .map(|p| format!("[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"{p}\"\nkind = \"admin-training\"\ndate = 2025-03-01\n\n"))
        .collect()
}

/// Server revenue booked in 2025.
pub fn revenue(amount: &str, note: &str) -> String {
    format!("[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\ndate = 2025-06-30\ncurrency = \"EUR\"\namount = \"{amount}\"\nnote = \"{note}\"\n\n")
}

/// The fixture partners: (id, TOML).
pub fn partners() -> Vec<(&'static str, String)> {
    let acme = format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "acme"
legal_name = "ACME Systemhaus GmbH & Co. KG"

[registration]
commercial_register = "HRB 12345, Amtsgericht Münster"
vat_id = "DE123456789"

[profile]
display_name = "ACME Systemhaus & Söhne"
website = "https://acme.example/"
logo = "assets/logos/acme.svg"
description = "E-mail security for the Mittelstand.\n\nCertified NoSpamProxy experts since 2015."
country = "DE"
regions = ["NRW", "Niedersachsen"]
languages = ["en", "de"]
services = ["consulting", "hosting", "support"]

[[contacts]]
name = "Erika Mustermann"
role = "Partner manager"
email = "erika@acme.example"
phone = "+49 251 000000"

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2020-01-01
[memberships.obligations]
basic-service-agreement = true
vendor-named-with-follow-link = true

[[memberships]]
program = "cloudhost"
types = ["hosting-partner", "reseller"]
contract_start = 2024-01-01

{revenue}{projects}{trainings}{certs}
[[access_grants]]
program = "cloudhost"
customer = "Stadtwerke Beispielstadt"
access = "full"
payment = "customer"
since = 2025-02-01

[[access_grants]]
program = "cloudhost"
customer = "Bäckerei Korn"
access = "full"
payment = "partner"
since = 2025-03-01

[[access_grants]]
program = "cloudhost"
customer = "Kanzlei Recht"
access = "restricted"
products = ["mail"]
since = 2025-04-01

[[approvals]]
program = "nospamproxy"
status = "managed-service-partner"
approved_by = "Vera Vendor"
date = 2025-01-01
reason = "Runs a multi-tenant platform for 40 tenants"
"#,
        revenue = revenue("60000.00", "Framework agreement with the state"),
        projects = projects(5, "ACME"),
        trainings = trainings("Max Muster"),
        certs = certifications(&["Tech Anna", "Tech Bert"]),
    );
    let bolt = r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "bolt"
legal_name = "Bolt Informatique SAS"

[registration]
siret = "12345678901234"

[profile]
display_name = "Bolt Informatique"
website = "http://bolt.example/fr/"
logo = "assets/logos/bolt.png"
description = "Cloud e-mail security for small businesses in Romandie and France."
country = "FR"
regions = ["Romandie", "Île-de-France"]
languages = ["fr"]
services = ["hosting"]

[[contacts]]
name = "Jean Dupont"
email = "jean@bolt.example"

[[memberships]]
program = "nospamproxy"
track = "cloud-only"
contract_start = 2024-06-01
[memberships.obligations]
basic-service-agreement = true

[[recurring_revenue]]
program = "nospamproxy"
product_line = "cloud-services"
month = "2025-12"
currency = "EUR"
amount = "200.00"

[[projects]]
program = "nospamproxy"
name = "Bolt pilot"
customer = "Fromagerie Alpine"
completed = 2025-09-01

[[trainings]]
program = "nospamproxy"
person = "Claire Cloud"
kind = "cloud-video"
date = 2024-07-01
"#
    .to_owned();
    let cirrus = format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "cirrus"
legal_name = "Cirrus IT-Dienstleistungen GmbH"

[registration]
commercial_register = "FN 123456a, Handelsgericht Wien"

[profile]
display_name = "Cirrus IT"
website = "https://cirrus.example"
logo = "assets/logos/cirrus.png"
country = "AT"
regions = ["Wien"]
languages = ["de"]
services = ["consulting"]

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2022-01-01
[memberships.obligations]
basic-service-agreement = true
vendor-named-with-follow-link = true

{revenue}{projects}{trainings}{certs}"#,
        revenue = revenue("25000.00", "Renewals"),
        projects = projects(3, "Cirrus"),
        trainings = trainings("Toni Technik"),
        certs = certifications(&["Toni Technik"]),
    );
    let dormant = r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "dormant"
legal_name = "Dormant AG"

[profile]
display_name = "Dormant Partner"
country = "CH"

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2025-01-01
[memberships.obligations]
basic-service-agreement = true
"#
    .to_owned();
    vec![
        ("acme", acme),
        ("bolt", bolt),
        ("cirrus", cirrus),
        ("dormant", dormant),
    ]
}

/// Write the fixture repository (programs, partners, logos) into `dir`.
pub fn write_fixture(dir: &Path) {
    for sub in ["programs", "partners", "assets/logos"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(dir.join("programs/nospamproxy.toml"), NOSPAMPROXY).unwrap();
    std::fs::write(dir.join("programs/cloudhost.toml"), CLOUDHOST).unwrap();
    for (id, text) in partners() {
        std::fs::write(dir.join(format!("partners/{id}.toml")), text).unwrap();
    }
    std::fs::write(dir.join("assets/logos/acme.svg"), SVG).unwrap();
    std::fs::write(dir.join("assets/logos/bolt.png"), PNG).unwrap();
    std::fs::write(dir.join("assets/logos/cirrus.png"), PNG).unwrap();
}

/// Path of the built `partnerctl` binary.
pub fn partnerctl() -> &'static str {
    env!("CARGO_BIN_EXE_partnerctl")
}

/// Run `partnerctl directory` on `repo` into `out` with the fixture dates; (exit code, stderr).
pub fn build_site(repo: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = std::process::Command::new(partnerctl())
        .args(["directory", "--repo"])
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", AS_OF, "--build-date", BUILD_DATE])
        .args(extra)
        .output()
        .expect("partnerctl runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A NoSpamProxy Premium partner (listed with logo) with the given `[profile]` body.
pub fn premium(id: &str, profile: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "{id}"
legal_name = "{id} legal"

[profile]
{profile}

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2020-01-01
[memberships.obligations]
basic-service-agreement = true
vendor-named-with-follow-link = true

{revenue}{projects}{trainings}{certs}"#,
        revenue = revenue("60000.00", "note"),
        projects = projects(5, id),
        trainings = trainings("P"),
        certs = certifications(&["T1", "T2"]),
    )
}
