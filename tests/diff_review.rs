//! Review that tells the truth (issue #13): renames, scheduled terms, in-place edits of terms in
//! force, and the public directory preview, each on a temporary git repository through the CLI.

mod common;

use common::{edit, TestRepo};
use serde_json::Value;

const NSP: &str = include_str!("../programs/nospamproxy.toml");
const AS_OF: &str = "2026-11-23";

/// A server-cloud partner of NoSpamProxy holding Business for 2025 (20,000 EUR revenue, three
/// projects, a certified technician) and the same business again in 2026, so that the review
/// on 2027-01-01 judges 2026 as the one on 2026-01-01 judged 2025.
fn business(id: &str, name: &str, revenue: &str) -> String {
    let mut s = format!(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} GmbH\"\n\n\
         [profile]\ndisplay_name = \"{name}\"\ncountry = \"DE\"\n\n\
         [[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"server-cloud\"\ncontract_start = 2023-01-01\n\
         [memberships.obligations]\nbasic-service-agreement = true\nvendor-named-with-follow-link = true\n\n\
         [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"sales\"\ndate = 2024-03-01\n\n\
         [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"technical\"\ndate = 2024-03-01\n\n\
         [[certifications]]\nprogram = \"nospamproxy\"\nperson = \"T\"\nkind = \"admin-training\"\ndate = 2025-02-01\n\n"
    );
    for year in ["2025", "2026"] {
        s += &format!(
            "[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\nperiod = \"{year}\"\ncurrency = \"EUR\"\namount = \"{revenue}\"\n\n"
        );
        for i in 1..=3 {
            s += &format!(
                "[[projects]]\nprogram = \"nospamproxy\"\nname = \"P{year}-{i}\"\ncompleted = {year}-0{i}-10\n\n"
            );
        }
    }
    s
}

/// NoSpamProxy terms from 2027-01-01 with Business asking 25,000 EUR instead of 20,000.
fn nsp_2027() -> String {
    let t = edit(
        NSP,
        "effective_from = 2024-01-01",
        "effective_from = 2027-01-01",
    );
    edit(
        &t,
        "at_least = { EUR = \"20000.00\" }",
        "at_least = { EUR = \"25000.00\" }",
    )
}

/// A repository on `main` with the program and `files` committed.
fn repo_with(files: &[(&str, &str)]) -> TestRepo {
    let repo = TestRepo::with_nsp();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_all("base");
    repo
}

fn json(repo: &TestRepo) -> Value {
    let run = repo.run(&["diff", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("diff JSON")
}

fn exit_with_gates(repo: &TestRepo, gates: &str) -> (i32, String) {
    let run = repo.run(&["diff", "--as-of", AS_OF, "--fail-on", gates]);
    (run.code, run.stderr)
}

const EVERY_GATE: &str = "downgrade,loss,invalid,removal,fee,blast-radius,any";

#[test]
fn a_pure_rename_changes_no_standing_and_trips_no_gate() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "20000.00"))]);
    repo.git(&["mv", "partners/acme.toml", "partners/acme-mail.toml"]);
    let renamed = edit(
        &business("acme", "Acme", "20000.00"),
        "id = \"acme\"",
        "id = \"acme-mail\"",
    );
    repo.write("partners/acme-mail.toml", &renamed);
    let j = json(&repo);
    assert_eq!(
        j["partners"],
        serde_json::json!([{"change": "renamed", "from": "acme", "to": "acme-mail"}])
    );
    for effect in [
        "tier_changes",
        "entitlement_changes",
        "fee_changes",
        "qualification_changes",
    ] {
        assert_eq!(j[effect], serde_json::json!([]), "{effect}");
    }
    assert_eq!(j["future"], serde_json::json!([]));
    assert_eq!(exit_with_gates(&repo, EVERY_GATE), (0, String::new()));
    // The partner's public page moves with its id.
    assert_eq!(j["listing"][0]["partner"], "acme-mail");
    assert_eq!(j["listing"][0]["fields"][0]["path"], "page");
    assert_eq!(j["listing"][0]["fields"][0]["from"], "partners/acme.html");
    assert_eq!(
        j["listing"][0]["fields"][0]["to"],
        "partners/acme-mail.html"
    );
}

#[test]
fn a_rename_with_an_edit_reports_only_the_edit() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "20000.00"))]);
    repo.git(&["mv", "partners/acme.toml", "partners/acme-mail.toml"]);
    // 19,999.99 EUR misses Business's 20,000 by a cent: Authorized (2,000 EUR) remains.
    let renamed = edit(
        &business("acme", "Acme", "19999.99"),
        "id = \"acme\"",
        "id = \"acme-mail\"",
    );
    repo.write("partners/acme-mail.toml", &renamed);
    let j = json(&repo);
    let changes = j["tier_changes"].as_array().expect("tier changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(
        (
            &c["partner"],
            &c["from"],
            &c["to"],
            &c["direction"],
            &c["cause"]
        ),
        (
            &Value::from("acme-mail"),
            &Value::from("business"),
            &Value::from("authorized"),
            &Value::from("down"),
            &Value::from("partner_file")
        )
    );
    assert_eq!(
        c["because"],
        serde_json::json!(["revenue-20000 no longer met"])
    );
    let partners: Vec<&Value> = j["entitlement_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["partner"])
        .collect();
    assert!(
        !partners.is_empty() && partners.iter().all(|p| *p == "acme-mail"),
        "{partners:?}"
    );
    assert_eq!(
        exit_with_gates(&repo, "downgrade"),
        (1, "gate failed: downgrade\n".into())
    );
    assert_eq!(exit_with_gates(&repo, "removal,invalid").0, 0);
}

#[test]
fn a_new_scheduled_version_is_diffed_against_the_terms_it_replaces() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "22000.00"))]);
    repo.write("programs/nospamproxy@2027-01-01.toml", nsp_2027());
    let j = json(&repo);
    // Today nothing changes; from 2027-01-01 the 22,000 EUR of 2026 miss the new 25,000.
    assert_eq!(j["tier_changes"], serde_json::json!([]));
    let file = &j["files"][0];
    assert_eq!(file["path"], "programs/nospamproxy@2027-01-01.toml");
    assert_eq!(file["status"], "added");
    assert_eq!(file["compared_with"], "programs/nospamproxy.toml");
    assert_eq!(
        file["fields"],
        serde_json::json!([
            {"path": "effective_from", "from": "2024-01-01", "to": "2027-01-01"},
            {"path": "requirements.revenue-20000.at_least.EUR", "from": "20000.00", "to": "25000.00"}
        ])
    );
    let program = &j["programs"][0];
    assert_eq!(program["file"], "programs/nospamproxy@2027-01-01.toml");
    assert_eq!(program["takes_effect"], "2027-01-01");
    assert_eq!(program["blast_radius"], serde_json::json!(["acme"]));
    let future = &j["future"][0];
    assert_eq!(future["date"], "2027-01-01");
    assert_eq!(future["new_terms"], serde_json::json!(["nospamproxy"]));
    assert_eq!(
        (
            &future["tier_changes"][0]["from"],
            &future["tier_changes"][0]["to"]
        ),
        (&Value::from("business"), &Value::from("authorized"))
    );
    assert_eq!(future["tier_changes"][0]["cause"], "program_terms");
    for gate in ["blast-radius", "downgrade", "loss", "any"] {
        assert_eq!(
            exit_with_gates(&repo, gate),
            (1, format!("gate failed: {gate}\n"))
        );
    }
    assert!(
        j.get("warnings").is_none(),
        "a new version rewrites no past standing"
    );
    let table = repo.run(&["diff", "--as-of", AS_OF]).stdout;
    assert!(
        table.contains("Program terms changed: programs/nospamproxy@2027-01-01.toml (nospamproxy), taking effect on 2027-01-01; blast radius: 1 partner: acme"),
        "{table}"
    );
    assert!(
        table.contains("On 2027-01-01, when new terms of nospamproxy take effect"),
        "{table}"
    );
    let md = repo
        .run(&["diff", "--as-of", AS_OF, "--format", "markdown"])
        .stdout;
    assert!(
        md.contains("`programs/nospamproxy@2027-01-01.toml`"),
        "{md}"
    );
    assert!(
        !md.contains('\u{200B}'),
        "no zero-width space in paths: {md}"
    );
}

#[test]
fn an_edited_scheduled_version_counts_its_effects_from_its_date() {
    let repo = repo_with(&[
        ("partners/acme.toml", &business("acme", "Acme", "22000.00")),
        (
            "programs/nospamproxy@2027-01-01.toml",
            &edit(
                NSP,
                "effective_from = 2024-01-01",
                "effective_from = 2027-01-01",
            ),
        ),
    ]);
    repo.write("programs/nospamproxy@2027-01-01.toml", nsp_2027());
    let j = json(&repo);
    assert_eq!(j["files"][0]["status"], "modified");
    assert_eq!(
        j["files"][0]["fields"],
        serde_json::json!([{"path": "requirements.revenue-20000.at_least.EUR", "from": "20000.00", "to": "25000.00"}])
    );
    assert_eq!(j["programs"][0]["takes_effect"], "2027-01-01");
    assert_eq!(
        j["programs"][0]["blast_radius"],
        serde_json::json!(["acme"])
    );
    assert!(j.get("warnings").is_none());
    assert_eq!(exit_with_gates(&repo, "blast-radius").0, 1);
}

#[test]
fn editing_the_terms_in_force_warns_that_the_past_changes_too() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "22000.00"))]);
    repo.write(
        "programs/nospamproxy.toml",
        edit(
            NSP,
            "at_least = { EUR = \"20000.00\" }",
            "at_least = { EUR = \"25000.00\" }",
        ),
    );
    let j = json(&repo);
    assert_eq!(
        j["warnings"],
        serde_json::json!([{
            "file": "programs/nospamproxy.toml",
            "message": "this edit changes standings as of today and in the past; to change terms from a date, add `programs/nospamproxy@DATE.toml`"
        }])
    );
    assert_eq!(j["tier_changes"][0]["from"], "business");
    assert_eq!(j["tier_changes"][0]["to"], "authorized");
    assert_eq!(
        j["programs"][0]["blast_radius"],
        serde_json::json!(["acme"])
    );
    let md = repo
        .run(&["diff", "--as-of", AS_OF, "--format", "markdown"])
        .stdout;
    assert!(
        md.contains("> [!WARNING]\n> `programs/nospamproxy.toml`: this edit changes standings as of today and in the past; to change terms from a date, add `programs/nospamproxy@DATE.toml`\n"),
        "{md}"
    );
    let table = repo.run(&["diff", "--as-of", AS_OF]).stdout;
    assert!(
        table.contains("⚠ programs/nospamproxy.toml: this edit changes standings"),
        "{table}"
    );
}

#[test]
fn the_comment_previews_the_public_directory_entries_that_change() {
    let repo = repo_with(&[
        ("partners/acme.toml", &business("acme", "Acme", "20000.00")),
        ("partners/beta.toml", &business("beta", "Beta", "20000.00")),
    ]);
    repo.write(
        "partners/acme.toml",
        edit(
            &business("acme", "Acme", "20000.00"),
            "display_name = \"Acme\"",
            "display_name = \"Acme Mail\"",
        ),
    );
    // Beta drops to 1,000 EUR: below Authorized's 2,000, it holds no tier and no listing.
    repo.write("partners/beta.toml", business("beta", "Beta", "1000.00"));
    let j = json(&repo);
    assert_eq!(
        j["listing"][0],
        serde_json::json!({"partner": "acme", "change": "changed", "fields": [{"path": "name", "from": "Acme", "to": "Acme Mail"}]})
    );
    assert_eq!(j["listing"][1]["partner"], "beta");
    assert_eq!(j["listing"][1]["change"], "unlisted");
    let md = repo
        .run(&["diff", "--as-of", AS_OF, "--format", "markdown"])
        .stdout;
    assert!(md.contains("### Public directory\n"), "{md}");
    assert!(md.contains("| acme    | entry changes    | name"), "{md}");
    assert!(md.contains("| beta    | no longer listed |"), "{md}");
}

#[test]
fn json_gives_the_base_as_a_commit_with_how_it_was_chosen() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "20000.00"))]);
    let main = repo.git(&["rev-parse", "main"]);
    let j = json(&repo);
    assert_eq!(j["base"], main.trim());
    assert_eq!(j["base_note"], "merge base of HEAD and main");
    let run = repo.run(&["diff", "main", "--as-of", AS_OF, "--format", "json"]);
    let j: Value = serde_json::from_str(&run.stdout).expect("diff JSON");
    assert_eq!(
        (&j["base"], &j["base_note"]),
        (&Value::from(main.trim()), &Value::from("main"))
    );
}

/// Run the table rendering with `COLUMNS` set.
fn table_with_columns(repo: &TestRepo, columns: &str, extra: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_partnerctl"))
        .args(["diff", "--as-of", AS_OF])
        .args(extra)
        .current_dir(repo.path())
        .env("COLUMNS", columns)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run partnerctl");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn tables_fit_the_terminal_width_unless_wide() {
    let repo = repo_with(&[("partners/acme.toml", &business("acme", "Acme", "20000.00"))]);
    repo.write("partners/acme.toml", business("acme", "Acme", "19999.99"));
    let width = |l: &str| l.chars().count();
    let table_lines = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.starts_with(['│', '╭', '├', '╰']))
            .map(str::to_owned)
            .collect()
    };
    let narrow = table_with_columns(&repo, "80", &[]);
    let lines = table_lines(&narrow);
    assert!(!lines.is_empty(), "{narrow}");
    assert!(lines.iter().all(|l| width(l) <= 80), "{narrow}");
    // No wrapped line of a cell starts with a space: every cell is padded by exactly one.
    let mut cells = lines
        .iter()
        .filter(|l| l.starts_with('│'))
        .flat_map(|l| l.split('│'));
    assert!(
        cells.all(|c| c.trim().is_empty() || !c.starts_with("  ")),
        "{narrow}"
    );
    let wide = table_with_columns(&repo, "80", &["--wide"]);
    let longest = table_lines(&wide)
        .iter()
        .map(|l| width(l))
        .max()
        .unwrap_or(0);
    assert!(longest > 80, "--wide keeps cells on one line: {wide}");
    assert!(wide.contains("revenue-20000 no longer met"), "{wide}");
}
