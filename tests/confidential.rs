//! Confidential values never reach a public output (`diff` in every format, `check --format
//! github` and `json`), whether the partner file is valid or not; `--show-confidential` opts in.
//!
//! The fixtures under `tests/confidential/` put a canary (`CNRY`, numbers starting `7319`, the
//! phone number 492515550, unusual contract dates) into every confidential field; the schema walk
//! below fails when a field of the model is neither public nor covered by a canary.

mod common;

use std::collections::BTreeSet;

use common::TestRepo;
use partnerctl::model::partner::is_confidential;
use partnerctl::model::scalar::{CURRENCY_PATTERN, ID_PATTERN};
use serde_json::Value as Json;

const VALID: &str = include_str!("confidential/valid.toml");
const INVALID: &str = include_str!("confidential/invalid.toml");
const INFOMANIAK: &str = include_str!("../programs/infomaniak.toml");

/// Text that must not appear in a public output (compared case-insensitively). Amounts are also
/// looked for with thousands separators, as the diff renders them.
const CANARIES: [&str; 8] = [
    "cnry",
    "7319",
    "731,9",
    "492515550",
    "492,515,550",
    "2017-03-19",
    "2031-09-17",
    "2017-04-23",
];

fn leaked(out: &str) -> Vec<&'static str> {
    let out = out.to_lowercase();
    CANARIES.into_iter().filter(|c| out.contains(c)).collect()
}

/// The same record without canaries: every value differs, so the diff shows each field changing.
fn without_canaries(text: &str, id: &str) -> String {
    text.replace("CNRY", "OLDV")
        .replace("cnry", "oldv")
        .replace("7319", "8426")
        .replace("492515550", "123")
        .replace("2017-", "2018-")
        .replace("2031-", "2032-")
        .replace("canary-valid", id)
}

/// Base: the three partners without canaries. Head: a valid file with canaries, an invalid one,
/// and a valid one added as a whole.
fn repo() -> TestRepo {
    let repo = TestRepo::with_nsp();
    repo.write("programs/infomaniak.toml", INFOMANIAK);
    // Full access to one customer account is exclusive: each file names its own customer.
    let own =
        |text: &str, id: &str| text.replace("access-customer", &format!("access-customer-{id}"));
    for id in ["canary-valid", "canary-invalid"] {
        repo.write(
            &format!("partners/{id}.toml"),
            own(&without_canaries(VALID, id), id),
        );
    }
    repo.commit_all("base");
    repo.write("partners/canary-valid.toml", own(VALID, "v"));
    repo.write("partners/canary-invalid.toml", own(INVALID, "i"));
    repo.write(
        "partners/canary-added.toml",
        own(&VALID.replace("canary-valid", "canary-added"), "a"),
    );
    repo.commit_all("head");
    repo
}

const AS_OF: &str = "2026-01-15";

#[test]
fn public_outputs_hold_no_confidential_value() {
    let repo = repo();
    for format in ["table", "markdown", "json"] {
        let run = repo.run(&[
            "diff", "HEAD~1", "HEAD", "--as-of", AS_OF, "--format", format,
        ]);
        assert_eq!(run.code, 0, "diff --format {format}: {}", run.stderr);
        assert_eq!(
            leaked(&run.stdout),
            Vec::<&str>::new(),
            "diff --format {format}:\n{}",
            run.stdout
        );
        // The report does cover the invalid file: its problems are there, worded without values.
        assert!(run.stdout.contains("amount-precision"), "{}", run.stdout);
    }
    for format in ["github", "json"] {
        let run = repo.run(&["check", "--format", format]);
        assert_eq!(run.code, 1, "check --format {format}: {}", run.stderr);
        assert_eq!(
            leaked(&run.stdout),
            Vec::<&str>::new(),
            "check --format {format}:\n{}",
            run.stdout
        );
        assert_eq!(leaked(&run.stderr), Vec::<&str>::new());
    }
}

#[test]
fn public_messages_say_what_is_wrong_at_the_right_place() {
    let repo = repo();
    let run = repo.run(&["check", "--format", "github"]);
    let line = |needle: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in\n{}", run.stdout))
            .to_owned()
    };
    // invalid.toml line 39 is `amount = "731911.005"`, the value starting at column 10.
    assert!(line("amount-precision").contains("file=partners/canary-invalid.toml,line=39,col=10,"));
    assert!(line("amount-precision")
        .contains("revenue[0].amount: amount has more than 2 decimal places"));
    // Line 20: `phone = 492515550`.
    let phone = line("contacts[0].phone");
    assert!(phone.contains("line=20,col=9,"), "{phone}");
    assert!(
        phone.ends_with("expected null or string, found integer"),
        "{phone}"
    );
    // Line 9: `vat_id = "DE CNRY-bad-vat"`.
    assert!(line("registration.vat_id")
        .contains("value is not valid: expected VAT identification number"));
    // Line 94: the unknown key is named (a key is not a value), its value is not.
    assert!(line("unknown key `bogus`").contains("line=94,col=1,"));
}

#[test]
fn show_confidential_and_the_terminal_show_the_values() {
    // The canary check must be able to fail: the same outputs with the opt-in do hold them.
    let repo = repo();
    let diff = repo.run(&[
        "diff",
        "HEAD~1",
        "HEAD",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
        "--show-confidential",
    ]);
    assert!(
        diff.stdout
            .contains("amount \"731911.005\" has more than 2 decimal places"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("CNRY-approval-reason"));
    let github = repo.run(&["check", "--format", "github", "--show-confidential"]);
    assert!(
        github.stdout.contains("found integer 492515550"),
        "{}",
        github.stdout
    );
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("\"DE CNRY-bad-vat\" is not valid"),
        "{}",
        human.stdout
    );
}

/// Every leaf field of the partner schema, as its table keys.
fn leaf_fields(root: &Json, node: &Json, path: Vec<String>, out: &mut Vec<(Vec<String>, Json)>) {
    let node = resolve(root, node);
    if let Some(props) = node.get("properties").and_then(Json::as_object) {
        for (k, v) in props {
            let mut p = path.clone();
            p.push(k.clone());
            leaf_fields(root, v, p, out);
        }
    } else if let Some(items) = node.get("items") {
        leaf_fields(root, items, path, out);
    } else if let Some(extra) = node.get("additionalProperties").filter(|a| a.is_object()) {
        let mut p = path.clone();
        p.push("*".into());
        leaf_fields(root, extra, p, out);
    } else if let Some(pattern) = node.get("patternProperties").and_then(Json::as_object) {
        for v in pattern.values() {
            let mut p = path.clone();
            p.push("*".into());
            leaf_fields(root, v, p, out);
        }
    } else {
        out.push((path, node.clone()));
    }
}

/// Follow `$ref`, one-element `allOf` and the non-null branch of an optional field.
fn resolve<'a>(root: &'a Json, mut node: &'a Json) -> &'a Json {
    loop {
        if let Some(r) = node.get("$ref").and_then(Json::as_str) {
            node = root.pointer(&r[1..]).expect("ref resolves");
        } else if let Some([one]) = node
            .get("allOf")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
        {
            node = one;
        } else if let Some(branches) = node
            .get("anyOf")
            .or(node.get("oneOf"))
            .and_then(Json::as_array)
        {
            let non_null: Vec<&Json> = branches
                .iter()
                .filter(|b| b.get("type") != Some(&Json::from("null")))
                .collect();
            match non_null.as_slice() {
                [one] => node = one,
                _ => return node,
            }
        } else {
            return node;
        }
    }
}

/// The public fields, reviewed: everything else of a partner record is confidential.
const PUBLIC: [&str; 14] = [
    "api_version",
    "kind",
    "id",
    "profile.display_name",
    "profile.website",
    "profile.logo",
    "profile.description",
    "profile.country",
    "profile.regions",
    "profile.languages",
    "profile.services",
    "memberships.program",
    "memberships.track",
    "memberships.types",
];

#[test]
fn every_field_of_the_model_is_classified_and_covered_by_a_canary() {
    let schema = partnerctl::schema::partner_schema();
    let mut fields = Vec::new();
    leaf_fields(&schema, &schema, Vec::new(), &mut fields);
    let canary_doc: Json = toml::from_str(VALID).expect("fixture parses");
    let mut public = BTreeSet::new();
    for (path, node) in &fields {
        let name = path.join(".");
        let keys = path.iter().map(String::as_str).filter(|k| *k != "*");
        if !is_confidential(keys) {
            public.insert(name);
            continue;
        }
        // Program-defined ids, currencies, enums and flags name things rather than hold the
        // partner's data, and dates of facts are checked through the contract dates only; every
        // other confidential field must carry a canary in the fixture.
        let pattern = node.get("pattern").and_then(Json::as_str).unwrap_or("");
        let id_like = [ID_PATTERN, CURRENCY_PATTERN].contains(&pattern)
            || pattern.starts_with("^[0-9]{4}")
            || node.get("format") == Some(&Json::from("date"))
            || node.get("enum").is_some()
            || node.get("oneOf").is_some()
            || node.get("type") == Some(&Json::from("boolean"));
        if id_like && !name.starts_with("memberships.contract_") {
            continue;
        }
        let values = values_at(&canary_doc, path);
        assert!(
            values.iter().any(|v| !leaked(v).is_empty()),
            "confidential field {name} has no canary in tests/confidential/valid.toml ({values:?})"
        );
    }
    let expected: BTreeSet<String> = PUBLIC.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        public, expected,
        "public fields changed: review is_confidential"
    );
    assert!(!is_confidential(["memberships"]));
    assert!(is_confidential(["bogus"]), "unknown keys are confidential");
    assert!(is_confidential(["memberships", "contract_start"]));
}

/// The values at a path of table keys (arrays are searched through), as text.
fn values_at(doc: &Json, path: &[String]) -> Vec<String> {
    let mut nodes = vec![doc];
    for key in path {
        nodes = nodes
            .into_iter()
            .flat_map(|n| match n {
                Json::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .filter_map(|n| n.get(key))
            .collect();
    }
    nodes
        .into_iter()
        .map(|n| match n {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}
