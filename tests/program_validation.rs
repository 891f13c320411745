//! Located diagnostics for program terms: references inside a program, tier reachability,
//! overlapping levels, currencies and entitlement value shapes.

mod common;

const BASE: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "demo"
name = "Demo"
vendor = "Demo GmbH"
effective_from = 2025-01-01
currencies = ["EUR"]

[review]
cadence = "yearly"

[product_lines]
licences = "Licences"

[measures.revenue]
type = "sum"
name = "revenue"
facts = "revenue"
product_lines = ["licences"]
window = "review"

[measures.projects]
type = "projects"
name = "projects"
window = "review"

[requirements.revenue-1000]
type = "amount"
measure = "revenue"
at_least = { EUR = "1000.00" }

[requirements.projects-2]
type = "count"
measure = "projects"
at_least = 2

[entitlements.discount]
name = "Discount"
kind = "discount"

[[tiers]]
id = "silver"
name = "Silver"

[[tiers]]
id = "gold"
name = "Gold"

[[tracks]]
id = "a"
name = "A"

[[levels]]
tier = "silver"
requires = ["revenue-1000"]
grants = { discount = "10" }

[[levels]]
tier = "gold"
requires = ["revenue-1000", "projects-2"]
grants = { discount = "20" }
"#;

/// (code, line, column, path, message) of every diagnostic for a program text.
fn diags(text: &str) -> Vec<(String, usize, usize, String, String)> {
    common::program_diagnostics(text)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn the_base_program_is_valid() {
    assert_eq!(diags(BASE), vec![]);
}

#[test]
fn unknown_measure_in_a_requirement() {
    let t = BASE.replace("measure = \"projects\"", "measure = \"projectz\"");
    assert_eq!(
        diags(&t),
        vec![(
            "unknown-measure".into(),
            line_of(&t, "projectz"),
            11,
            "requirements.projects-2.measure".into(),
            "unknown measure `projectz`".into()
        )]
    );
}

#[test]
fn unknown_product_line_in_a_measure() {
    let t = BASE.replace(
        "product_lines = [\"licences\"]",
        "product_lines = [\"licenses\"]",
    );
    assert_eq!(
        diags(&t),
        vec![(
            "unknown-product-line".into(),
            line_of(&t, "licenses"),
            18,
            "measures.revenue.product_lines[0]".into(),
            "unknown product line `licenses`".into()
        )]
    );
}

#[test]
fn unknown_tier_and_unreachable_tier() {
    let t = BASE.replace("tier = \"gold\"", "tier = \"golden\"");
    let got = diags(&t);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0],
        (
            "unreachable-tier".into(),
            line_of(&t, "id = \"gold\""),
            6,
            "tiers[1].id".into(),
            "tier `gold` has no level in track `a`, so no partner can reach it".into()
        )
    );
    assert_eq!(
        got[1],
        (
            "unknown-tier".into(),
            line_of(&t, "golden"),
            8,
            "levels[1].tier".into(),
            "unknown tier `golden`".into()
        )
    );
}

#[test]
fn overlapping_levels_for_one_tier() {
    let t = BASE.replace("tier = \"gold\"", "tier = \"silver\"");
    let got = diags(&t);
    assert!(
        got.contains(&(
            "overlapping-levels".into(),
            line_of(&t, "requires = [\"revenue-1000\", \"projects-2\"]") - 1,
            8,
            "levels[1].tier".into(),
            "tier `silver` is defined again for the same track (first at levels[0])".into()
        )),
        "{got:?}"
    );
}

#[test]
fn threshold_in_a_currency_the_program_does_not_measure() {
    let t = BASE.replace(
        "at_least = { EUR = \"1000.00\" }",
        "at_least = { EUR = \"1000.00\", CHF = \"1100.00\" }",
    );
    assert_eq!(
        diags(&t),
        vec![(
            "unmeasured-currency".into(),
            line_of(&t, "CHF"),
            37,
            "requirements.revenue-1000.at_least.CHF".into(),
            "currency CHF is not among the program's currencies".into()
        )]
    );
}

#[test]
fn count_requirement_on_a_money_measure() {
    let t = BASE.replace("measure = \"projects\"", "measure = \"revenue\"");
    assert_eq!(diags(&t)[0].0, "measure-type");
    assert_eq!(
        diags(&t)[0].4,
        "measure `revenue` is money; a `count` requirement needs a counting measure"
    );
}

#[test]
fn requirement_cycle() {
    let t = format!("{BASE}\n[requirements.a]\ntype = \"all_of\"\nof = [\"b\"]\n\n[requirements.b]\ntype = \"any_of\"\nof = [\"a\"]\n");
    let got = diags(&t);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].4.as_str()),
        (
            "requirement-cycle",
            "requirements refer to each other in a cycle: a → b → a"
        )
    );
}

#[test]
fn grant_value_of_the_wrong_shape() {
    let t = BASE.replace(
        "grants = { discount = \"20\" }",
        "grants = { discount = 20 }",
    );
    assert_eq!(
        diags(&t),
        vec![(
            "grant-type".into(),
            line_of(&t, "discount = 20"),
            23,
            "levels[1].grants.discount".into(),
            "entitlement `discount` is a discount: the granted value has the wrong shape".into()
        )]
    );
    let t = BASE.replace(
        "grants = { discount = \"20\" }",
        "grants = { discount = \"120\" }",
    );
    assert_eq!(diags(&t)[0].4, "entitlement `discount` is a discount: \"120\" is not a percentage from 0 to 100 with at most 2 decimals");
}

#[test]
fn unknown_key_inside_a_tagged_requirement_points_at_the_key() {
    let t = BASE.replace("at_least = 2\n", "at_least = 2\nat_most = 5\n");
    assert_eq!(
        diags(&t),
        vec![(
            "unknown-key".into(),
            line_of(&t, "at_most"),
            1,
            "requirements.projects-2.at_most".into(),
            "unknown key `at_most`".into()
        )]
    );
}

#[test]
fn file_name_must_match_the_id_or_id_at_effective_date() {
    let t = BASE.replace("id = \"demo\"", "id = \"other\"");
    assert_eq!(
        diags(&t)[0].4,
        "program id `other` does not match the file name `demo.toml`"
    );
}
