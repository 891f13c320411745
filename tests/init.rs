//! `partnerctl init`: a new partner-data repository in which `check` passes immediately.

mod common;

use std::path::Path;

use common::run_in;

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn init_creates_a_green_repository_with_git_schemas_and_workflows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("partner-data");
    let run = run_in(tmp.path(), &["init", "partner-data"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(dir.join(".git").is_dir(), "git init");
    for rel in [
        ".taplo.toml",
        ".gitattributes",
        ".editorconfig",
        "README.md",
    ] {
        assert!(dir.join(rel).is_file(), "{rel}");
    }
    let check = run_in(&dir, &["check"]);
    assert_eq!(check.code, 0, "{check:?}");
    // Same bytes as `partnerctl schema` writes.
    assert_eq!(run_in(&dir, &["schema", "--check"]).code, 0);
    assert_eq!(run_in(&dir, &["fmt", "--check"]).code, 0);
    // The example partner: 8,000 + 3,500 EUR in 2025 >= 10,000, one sales training and the
    // support contract: Gold in the review of 2026-01-01.
    let eval = run_in(&dir, &["eval", "--as-of", "2026-02-01", "--format", "json"]);
    assert_eq!(eval.code, 0, "{eval:?}");
    let json: serde_json::Value = serde_json::from_str(&eval.stdout).unwrap();
    assert!(eval.stdout.contains("\"gold\""), "{json:#}");
    // Without a release, the review workflow holds visible placeholders and says so.
    let review = read(&dir, ".github/workflows/pr-review.yml");
    assert!(review.contains("partnerctl-version: vX.Y.Z"), "{review}");
    assert!(
        review.contains(&format!(
            "partnerctl-review.yml@{} # vX.Y.Z",
            "0".repeat(40)
        )),
        "{review}"
    );
    assert!(run.stdout.contains("set the partnerctl release"), "{run:?}");
    // The comment poster reacts to the review workflow by its name.
    assert!(review.contains("name: PR review"));
    assert!(
        read(&dir, ".github/workflows/partnerctl-comment.yml").contains("workflows: [PR review]")
    );
}

#[test]
fn init_pins_the_given_release_and_rejects_values_that_break_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let sha = "ab".repeat(32);
    let commit = "c0ffee".repeat(6) + "0123";
    let args = [
        "init",
        "--partnerctl-commit",
        &commit,
        "--partnerctl-repository",
        "acme/partnerctl",
        "--partnerctl-version",
        "v1.2.3",
        "--sha256",
        &sha,
    ];
    let run = run_in(tmp.path(), &args);
    assert_eq!(run.code, 0, "{run:?}");
    let review = read(tmp.path(), ".github/workflows/pr-review.yml");
    // Pinned by the tag's commit (zizmor's unpinned-uses), the tag named beside it.
    assert!(review.contains(&format!(
        "uses: acme/partnerctl/.github/workflows/partnerctl-review.yml@{commit} # v1.2.3\n"
    )));
    assert!(
        review.contains(&format!("partnerctl-sha256: {sha}")),
        "{review}"
    );
    assert!(!review.contains("vX.Y.Z") && !run.stdout.contains("set the partnerctl release"));

    let other = tempfile::tempdir().unwrap();
    let bad = run_in(
        other.path(),
        &["init", "--partnerctl-version", "v1\n  evil: x"],
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(!other.path().join("README.md").exists());
    let short = run_in(other.path(), &["init", "--partnerctl-commit", "v1.2.3"]);
    assert_eq!(short.code, 2, "{short:?}");
    assert!(short.stderr.contains("--partnerctl-commit"), "{short:?}");
    assert!(!other.path().join("README.md").exists());
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("README.md"), "mine").unwrap();
    let run = run_in(tmp.path(), &["init"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("would overwrite README.md"), "{run:?}");
    assert_eq!(read(tmp.path(), "README.md"), "mine");
    assert!(!tmp.path().join("programs").exists());
}

#[test]
fn init_from_a_program_writes_a_matching_example_partner() {
    let tmp = tempfile::tempdir().unwrap();
    let program = tmp.path().join("nsp.toml");
    std::fs::write(&program, common::NSP).unwrap();
    let run = run_in(tmp.path(), &["init", "repo", "--from", "nsp.toml"]);
    assert_eq!(run.code, 0, "{run:?}");
    let dir = tmp.path().join("repo");
    assert_eq!(read(&dir, "programs/nospamproxy.toml"), common::NSP);
    assert!(read(&dir, "partners/example-partner.toml").contains("track = \"server-cloud\""));
    let check = run_in(&dir, &["check"]);
    assert_eq!(check.code, 0, "{check:?}");

    std::fs::write(&program, "kind = \"Program\"\n").unwrap();
    let bad = run_in(tmp.path(), &["init", "bad", "--from", "nsp.toml"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("not a valid program file"), "{bad:?}");
}

/// `--from` takes a program file: the data-file size limit applies, and a device named by mistake
/// is not read without end.
#[cfg(target_os = "linux")]
#[test]
fn init_from_an_endless_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["init", "repo", "--from", "/dev/zero"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "error: /dev/zero: more than 1048576 bytes; at most 1048576 bytes are read"
    );
    assert!(!tmp.path().join("repo").exists());
}
