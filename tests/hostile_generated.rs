//! Hostile inputs too large, too deep or too platform-bound to store in `tests/hostile/`:
//! generated here, committed to a temporary repository, and checked through the binary like the
//! corpus cases (exit code, located message, no panic, other files still checked).

mod common;

use common::{Run, TestRepo};

const GITHUB: &[&str] = &["check", "--format", "github"];
const GITHUB_AT_HEAD: &[&str] = &["check", "--format", "github", "--rev", "HEAD"];

/// A committed repository with the NoSpamProxy program, a valid partner, a partner with one
/// syntax error (so every test also sees that the other files are still checked), and `files`.
fn repo_with(files: &[(&str, &[u8])]) -> TestRepo {
    let repo = neighbours();
    for (path, bytes) in files {
        repo.write(path, bytes);
    }
    repo.commit_all("hostile");
    repo
}

/// An uncommitted repository with the program and the two neighbouring partners.
fn neighbours() -> TestRepo {
    let repo = TestRepo::with_nsp();
    repo.write("partners/acme.toml", common::partner("acme"));
    let broken = common::edit(&common::partner("beta"), "country = \"DE\"", "country = DE");
    repo.write("partners/beta.toml", broken);
    repo
}

/// `country = DE` on line 8 of the helper's partner: the value starts at column 11.
const BETA_ERROR: &str = "file=partners/beta.toml,line=8,col=11,";

fn assert_sane(run: &Run) {
    for word in ["internal error", "panicked"] {
        assert!(!run.stderr.contains(word), "{}", run.stderr);
    }
    assert!(run.stdout.contains(BETA_ERROR), "{}", run.stdout);
}

#[test]
fn a_file_of_2_mib_is_refused_unread_in_the_working_tree_and_at_a_revision() {
    let mut big = common::partner("big").into_bytes();
    big.resize(2 * 1024 * 1024, b'#');
    big.extend_from_slice(b"\nCANARY-BIG = \"x\"\n");
    let repo = repo_with(&[("partners/big.toml", &big)]);
    let expected = format!(
        "::error file=partners/big.toml,title=partnerctl file-too-large::file is {} bytes; \
         data files may be at most 1048576 bytes",
        big.len()
    );
    for args in [GITHUB, GITHUB_AT_HEAD] {
        let run = repo.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains(&expected), "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains("CANARY"), "{args:?}");
        assert_sane(&run);
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_partner_file_is_reported_and_its_target_never_read() {
    let repo = neighbours();
    repo.write("outside/secret.toml", "revenue = \"CANARY-SECRET\"\n");
    repo.symlink("../outside/secret.toml", "partners/link.toml");
    repo.commit_all("link");
    for args in [GITHUB, GITHUB_AT_HEAD] {
        let run = repo.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        let expected = "::error file=partners/link.toml,title=partnerctl symlink::";
        assert!(run.stdout.contains(expected), "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains("CANARY"), "{args:?}");
        assert_sane(&run);
    }
}

/// Nesting far beyond any limit must give a located error, not a stack overflow.
#[test]
fn deeply_nested_arrays_tables_and_headers_are_errors_not_crashes() {
    let depth = 100_000;
    let arrays = format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let tables = format!("x = {}{}\n", "{ a = ".repeat(depth), "}".repeat(depth));
    let header = format!("[{}]\n", vec!["a"; depth].join("."));
    let files: Vec<(String, String)> = [arrays, tables, header]
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let text = format!("{}{body}", common::partner(&format!("deep{i}")));
            (format!("partners/deep{i}.toml"), text)
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let repo = repo_with(&refs);
    let run = repo.run(GITHUB);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_sane(&run);
    // The nesting starts on line 21, after the 20 lines of the helper's partner.
    for i in 0..3 {
        let located = format!("::error file=partners/deep{i}.toml,line=21,");
        assert!(run.stdout.contains(&located), "deep{i}: {}", run.stdout);
    }
}

/// Thousands of unknown keys: each file reports its first 100 problems, located, and then one
/// line counting the rest (the single-parse locator makes this linear in the keys).
#[test]
fn thousands_of_unknown_keys_are_each_reported() {
    let keys = 20_000;
    let mut text = String::new();
    for k in 0..keys {
        text.push_str(&format!("unknown{k} = \"x\"\n"));
    }
    text.push_str(&common::partner("many"));
    let repo = repo_with(&[("partners/many.toml", text.as_bytes())]);
    let run = repo.run(GITHUB);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_sane(&run);
    let reported = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=partners/many.toml,"))
        .count();
    assert_eq!(
        reported,
        101,
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    assert!(run
        .stdout
        .contains("file=partners/many.toml,line=100,col=1,"));
    assert!(!run
        .stdout
        .contains("file=partners/many.toml,line=101,col=1,"));
    assert!(run
        .stdout
        .contains(&format!("and {} more problems in this file", keys - 100)));
}
