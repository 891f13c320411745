//! End-to-end tests of `partnerctl check` (and `schema --check`): the built binary on temporary
//! git repositories, its exit codes and its three output formats.

mod common;

use common::{edit, partner, run_in, Run, TestRepo};
use serde_json::Value;

const ACME: &str = "partners/acme.toml";

/// `partner("acme")` with a float amount: one `wrong-type` error at 20:10–20:17.
fn acme_float() -> String {
    edit(
        &partner("acme"),
        r#"amount = "2000.00""#,
        "amount = 2000.00",
    )
}

const GITHUB_FLOAT: &str =
    "::error file=partners/acme.toml,line=20,col=10,endLine=20,endColumn=17,\
title=partnerctl wrong-type::revenue[0].amount: expected string, found float\
%0Ahint: amounts, percentages and periods are written as strings, e.g. \"2000.00\"";

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// `(code, file, start line, start column)` of every diagnostic of a JSON report.
fn json_locations(report: &Value) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("code").to_owned(),
                d["file"].as_str().expect("file").to_owned(),
                d["start"]["line"].as_u64(),
                d["start"]["column"].as_u64(),
            )
        })
        .collect()
}

fn loc(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
) -> (String, String, Option<u64>, Option<u64>) {
    (code.into(), file.into(), Some(line), Some(column))
}

fn unlocated(code: &str, file: &str) -> (String, String, Option<u64>, Option<u64>) {
    (code.into(), file.into(), None, None)
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_0_on_valid_data() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.commit_all("valid");
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "2 files checked, all valid\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn exit_0_when_there_are_only_warnings() {
    let repo = TestRepo::with_nsp();
    // Without a membership, the revenue fact earns a `not-a-member` warning; `[[revenue]]`
    // moves up to line 10, its `program` to line 11.
    let text = edit(
        &partner("acme"),
        "[[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"server-cloud\"\ncontract_start = 2023-01-01\n\n",
        "",
    );
    repo.write(ACME, text);
    let run = repo.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = json(&run);
    assert_eq!(report["valid"], true);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 1);
    assert_eq!(
        json_locations(&report),
        vec![loc("not-a-member", ACME, 11, 11)]
    );
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
    // On a confidential field (revenue), and written without a public wording: the public JSON
    // report hides the message; the terminal (below) shows it.
    assert_eq!(report["diagnostics"][0]["confidential"], true);
    assert_eq!(
        report["diagnostics"][0]["message"],
        partnerctl::diagnostic::HIDDEN_MESSAGE
    );
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 0);
    assert!(human
        .stdout
        .contains("fact for program `nospamproxy`, but the partner has no membership in it"));
    assert_eq!(
        human.stdout.lines().last(),
        Some("0 errors, 1 warning in 1 file (2 files checked)")
    );
}

#[test]
fn exit_1_on_invalid_data() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_float());
    repo.commit_all("invalid");
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout.lines().last(),
        Some("1 error, 0 warnings in 1 file (2 files checked)")
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn exit_2_on_an_unknown_revision() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.commit_all("valid");
    let run = repo.run(&["check", "--rev", "does-not-exist"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: unknown revision \"does-not-exist\""),
        "stderr: {}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "stderr: {}", run.stderr);
}

#[test]
fn exit_2_on_a_revision_beyond_the_history() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.commit_all("only commit");
    let run = repo.run(&["check", "--rev", "HEAD~1"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: unknown revision \"HEAD~1\""),
        "stderr: {}",
        run.stderr
    );
}

#[test]
fn repo_option_checks_another_directory() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_float());
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let dir = repo.path().to_str().expect("UTF-8 temp path");
    let run = run_in(
        elsewhere.path(),
        &["check", "--repo", dir, "--format", "github"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, format!("{GITHUB_FLOAT}\n"));
}

// ---------------------------------------------------------------------------------------------
// Revisions and the working tree

#[test]
fn rev_reads_committed_versions_while_the_working_tree_differs() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.commit_all("valid");
    repo.write(ACME, acme_float());
    repo.commit_all("broken");
    // Fixed in the working tree only.
    repo.write(ACME, partner("acme"));

    let worktree = repo.run(&["check", "--format", "json"]);
    assert_eq!(worktree.code, 0, "{worktree:?}");
    assert_eq!(json(&worktree)["diagnostics"], Value::Array(vec![]));

    let head = repo.run(&["check", "--rev", "HEAD", "--format", "json"]);
    assert_eq!(head.code, 1, "{head:?}");
    let report = json(&head);
    assert_eq!(
        json_locations(&report),
        vec![loc("wrong-type", ACME, 20, 10)]
    );
    assert_eq!(
        report["diagnostics"][0]["message"],
        "expected string, found float"
    );

    let previous = repo.run(&["check", "--rev", "HEAD~1"]);
    assert_eq!(previous.code, 0, "{previous:?}");
    assert_eq!(previous.stdout, "2 files checked, all valid\n");

    // The commit id works as well as the relative name.
    let id = repo.git(&["rev-parse", "HEAD~1"]);
    let by_id = repo.run(&["check", "--rev", id.trim()]);
    assert_eq!(by_id.code, 0, "{by_id:?}");
}

#[test]
fn untracked_file_in_the_working_tree_is_checked() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.commit_all("valid");
    repo.write(
        "partners/newco.toml",
        edit(&acme_float(), "\"acme\"", "\"newco\""),
    );
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "?? partners/newco.toml\n"
    );

    let worktree = repo.run(&["check", "--format", "json"]);
    assert_eq!(worktree.code, 1, "{worktree:?}");
    let report = json(&worktree);
    assert_eq!(report["files_checked"], 3);
    assert_eq!(
        json_locations(&report),
        vec![loc("wrong-type", "partners/newco.toml", 20, 10)]
    );

    // HEAD does not have it.
    let head = repo.run(&["check", "--rev", "HEAD"]);
    assert_eq!(head.code, 0, "{head:?}");
    assert_eq!(head.stdout, "2 files checked, all valid\n");
}

#[cfg(unix)]
#[test]
fn committed_symlinks_are_reported_in_the_working_tree_and_at_a_revision() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.write("outside/secret.toml", partner("secret"));
    repo.symlink("acme.toml", "partners/link.toml");
    repo.symlink("../outside/secret.toml", "partners/secret.toml");
    repo.commit_all("links");
    assert_eq!(
        repo.git(&["ls-files", "-s", "partners/link.toml"])
            .split_whitespace()
            .next(),
        Some("120000"),
        "git stores the link as a symlink"
    );

    let expected = vec![
        unlocated("symlink", "partners/link.toml"),
        unlocated("symlink", "partners/secret.toml"),
    ];
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--format", "json", "--rev", "HEAD"][..],
    ] {
        let run = repo.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        let report = json(&run);
        assert_eq!(json_locations(&report), expected, "{args:?}");
        assert_eq!(
            report["diagnostics"][0]["message"], "symbolic links are not followed",
            "{args:?}"
        );
        assert_eq!(
            report["diagnostics"][0]["hint"],
            "replace the link with the file itself; data files must be regular files"
        );
        // The link target is never read as a partner (no duplicate id with acme).
        assert_eq!(report["errors"], 2, "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn committed_symlinked_data_directory_is_reported() {
    let repo = TestRepo::with_nsp();
    repo.write("real/acme.toml", partner("acme"));
    repo.symlink("real", "partners");
    repo.commit_all("linked directory");
    for args in [
        &["check", "--format", "github"][..],
        &["check", "--format", "github", "--rev", "HEAD"][..],
    ] {
        let run = repo.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert_eq!(
            run.stdout,
            "::error file=partners,title=partnerctl symlink::symbolic links are not followed\
             %0Ahint: replace the link with the file itself; data files must be regular files\n",
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Output formats

#[test]
fn json_report_field_by_field() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_float());
    let run = repo.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json(&run);
    assert_eq!(report["version"], 1);
    assert_eq!(report["valid"], false);
    assert_eq!(report["files_checked"], 2);
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 0);
    let diags = report["diagnostics"].as_array().expect("array");
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d["code"], "wrong-type");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], ACME);
    assert_eq!(d["start"]["line"], 20);
    assert_eq!(d["start"]["column"], 10);
    assert_eq!(d["end"]["line"], 20);
    assert_eq!(d["end"]["column"], 17);
    assert_eq!(d["path"], "revenue[0].amount");
    // The amount is confidential: the public report says what is wrong, not the value.
    assert_eq!(d["message"], "expected string, found float");
    assert_eq!(d["confidential"], true);
    assert_eq!(
        d["hint"],
        "amounts, percentages and periods are written as strings, e.g. \"2000.00\""
    );
    // Byte spans are internal.
    assert_eq!(d.get("span"), None);
}

#[test]
fn json_report_of_valid_data() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    let run = repo.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = json(&run);
    assert_eq!(
        report,
        serde_json::json!({
            "version": 1,
            "valid": true,
            "files_checked": 2,
            "errors": 0,
            "warnings": 0,
            "diagnostics": [],
        })
    );
}

#[test]
fn github_format_exact_lines() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_float());
    repo.write(
        "partners/beta.toml",
        edit(
            &partner("beta"),
            "country = \"DE\"",
            "country = \"DE\"\ncolour = \"red\"",
        ),
    );
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    let beta = "::error file=partners/beta.toml,line=9,col=1,endLine=9,endColumn=7,\
                title=partnerctl unknown-key::profile.colour: unknown key `colour`\
                %0Ahint: allowed keys here: country, description, display_name, languages, \
                logo, regions, services, website";
    assert_eq!(run.stdout, format!("{GITHUB_FLOAT}\n{beta}\n"));
    assert_eq!(run.stderr, "");
}

#[cfg(unix)]
#[test]
fn github_format_of_an_unlocated_problem_has_no_line() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, partner("acme"));
    repo.symlink("acme.toml", "partners/link.toml");
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "::error file=partners/link.toml,title=partnerctl symlink::symbolic links are not followed\
         %0Ahint: replace the link with the file itself; data files must be regular files\n"
    );
}

#[test]
fn human_format_shows_location_snippet_and_caret() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_float());
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains('\x1b'), "no colors: {}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("error[wrong-type]: expected string, found float 2000.0")
    );
    for expected in [
        "   ┌─ partners/acme.toml:20:10",
        "20 │ amount = 2000.00",
        "   │          ^^^^^^^ revenue[0].amount",
        "   = hint: amounts, percentages and periods are written as strings, e.g. \"2000.00\"",
    ] {
        assert!(
            lines.contains(&expected),
            "missing line {expected:?} in:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        lines.last().copied(),
        Some("1 error, 0 warnings in 1 file (2 files checked)")
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let repo = TestRepo::with_nsp();
    // A stray `;` after a value with a two-byte character: columns count characters, not bytes.
    let text = edit(
        &partner("acme"),
        "display_name = \"Acme\"",
        "display_name = \"Äcme\" ; oops",
    );
    repo.write(ACME, text);
    let run = repo.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json(&run);
    let locs = json_locations(&report);
    assert_eq!(locs.len(), 1, "{}", run.stdout);
    // `display_name = "Äcme" ` is 22 characters (23 bytes): the stray `;` is at column 23.
    assert_eq!(locs[0], loc("toml-syntax", ACME, 7, 23));
}

#[test]
fn human_format_names_the_location_of_a_line_too_long_to_show() {
    let repo = TestRepo::with_nsp();
    let long_comment = "x".repeat(500);
    repo.write(
        ACME,
        edit(
            &partner("acme"),
            "legal_name = \"Acme GmbH\"",
            &format!("legal_name = 5 # {long_comment}"),
        ),
    );
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "error[wrong-type]: expected string, found integer 5",
            " = at partners/acme.toml:4:14 (the line is too long to show)",
        ]
    );
    assert!(!run.stdout.contains("xxxxxxxxxx"), "{}", run.stdout);
    assert_eq!(
        lines.last().copied(),
        Some("1 error, 0 warnings in 1 file (2 files checked)")
    );
}

/// `partner("acme")` with the byte 0xFF inside `legal_name` (line 4, column 20, byte 78).
fn acme_invalid_utf8() -> Vec<u8> {
    let mut bytes = edit(&partner("acme"), "Acme GmbH", "Acme \u{1} GmbH").into_bytes();
    let at = bytes.iter().position(|b| *b == 1).expect("marker");
    bytes[at] = 0xFF;
    bytes
}

#[test]
fn invalid_utf8_is_an_error_in_every_format() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_invalid_utf8());
    let github = repo.run(&["check", "--format", "github"]);
    assert_eq!(github.code, 1, "{github:?}");
    assert_eq!(
        github.stdout,
        "::error file=partners/acme.toml,line=4,col=20,endLine=4,endColumn=20,\
         title=partnerctl invalid-utf8::invalid UTF-8 at byte 78%0Ahint: save the file as UTF-8\n"
    );
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 1, "{human:?}");
    assert_eq!(
        human.stdout.lines().next(),
        Some("error[invalid-utf8]: invalid UTF-8 at byte 78")
    );
    assert_eq!(
        human.stdout.lines().last(),
        Some("1 error, 0 warnings in 1 file (2 files checked)")
    );
}

#[test]
fn human_format_locates_invalid_utf8_at_the_bad_byte() {
    let repo = TestRepo::with_nsp();
    repo.write(ACME, acme_invalid_utf8());
    let human = repo.run(&["check"]);
    assert_eq!(human.code, 1, "{human:?}");
    assert!(
        human.stdout.contains("partners/acme.toml:4:20"),
        "{}",
        human.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// schema --check

#[test]
fn schema_check_fails_without_schemas_and_passes_after_writing_them() {
    let repo = TestRepo::with_nsp();
    let missing = repo.run(&["schema", "--check"]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert_eq!(missing.stdout, "");
    assert_eq!(
        missing.stderr,
        "schemas/partner.schema.json is stale or missing; run `partnerctl schema` and commit the result\n\
         schemas/program.schema.json is stale or missing; run `partnerctl schema` and commit the result\n"
    );
    assert!(!repo.abs("schemas").exists(), "--check must not write");

    let write = repo.run(&["schema"]);
    assert_eq!(write.code, 0, "{write:?}");
    assert_eq!(
        write.stdout,
        "wrote schemas/partner.schema.json\nwrote schemas/program.schema.json\n"
    );

    let current = repo.run(&["schema", "--check"]);
    assert_eq!(current.code, 0, "{current:?}");
    assert_eq!(current.stdout, "schemas are up to date\n");

    // A hand edit makes it stale again.
    let path = repo.abs("schemas/program.schema.json");
    let mut text = std::fs::read_to_string(&path).expect("schema written");
    text.push('\n');
    std::fs::write(&path, text).expect("write");
    let stale = repo.run(&["schema", "--check"]);
    assert_eq!(stale.code, 1, "{stale:?}");
    assert_eq!(
        stale.stderr,
        "schemas/program.schema.json is stale or missing; run `partnerctl schema` and commit the result\n"
    );
}
