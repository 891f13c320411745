//! `partnerctl completions` and `partnerctl man`.
//!
//! The completion scripts forward the command line to `partnerctl` with `PARTNERCTL_COMPLETE`
//! set to the shell's name (clap_complete's dynamic completion). Each shell's test checks both
//! halves: the script passes the protocol, and the binary, asked that way in a repository, answers
//! with the repository's ids. Bash is installed here, so its script also runs for real.

mod common;

use std::path::Path;
use std::process::Command;

/// A repository with programs `alpha`, `beta` and partners `acme-ag`, `acme-gmbh`, `zeta`, plus
/// files that are no ids (another extension, a subdirectory).
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["programs", "partners", "partners/old"] {
        std::fs::create_dir(tmp.path().join(dir)).unwrap();
    }
    for file in [
        "programs/alpha.toml",
        "programs/beta.toml",
        "partners/acme-ag.toml",
        "partners/acme-gmbh.toml",
        "partners/zeta.toml",
        "partners/notes.md",
        "partners/old/gone.toml",
    ] {
        std::fs::write(tmp.path().join(file), "").unwrap();
    }
    tmp
}

/// Ask the binary as a shell's hook does: `PARTNERCTL_COMPLETE=SHELL partnerctl -- WORDS…`, with
/// the index of the word being completed where the shell passes it.
fn ask(dir: &Path, shell: &str, words: &[&str]) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_partnerctl"))
        .current_dir(dir)
        .env("PARTNERCTL_COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{shell}: {out:?}");
    // fish and PowerShell put a tab and a description after the value.
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn every_shell_completes_partner_and_program_ids() {
    let repo = repo();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = common::run_in(repo.path(), &["completions", shell]);
        assert_eq!(script.code, 0, "{shell}: {script:?}");
        assert!(
            script.stdout.contains("PARTNERCTL_COMPLETE") && script.stdout.contains(shell),
            "{shell}: the script does not pass the protocol:\n{}",
            script.stdout
        );
        assert!(
            script.stdout.contains(env!("CARGO_BIN_EXE_partnerctl")),
            "{shell}: the script does not call the binary it came from:\n{}",
            script.stdout
        );
        let programs = ask(repo.path(), shell, &["partnerctl", "eval", "--program", ""]);
        assert_eq!(programs, ["alpha", "beta"], "{shell}");
        let partners = ask(
            repo.path(),
            shell,
            &["partnerctl", "links", "check", "--partner", "acme"],
        );
        assert_eq!(partners, ["acme-ag", "acme-gmbh"], "{shell}");
        let new = ask(
            repo.path(),
            shell,
            &["partnerctl", "new", "partner", "x", "--program", "b"],
        );
        assert_eq!(new, ["beta"], "{shell}");
    }
}

#[test]
fn completion_also_offers_subcommands_and_enumerated_values() {
    let repo = repo();
    let subcommands = ask(repo.path(), "fish", &["partnerctl", ""]);
    for sub in [
        "check",
        "fmt",
        "init",
        "new",
        "import",
        "export",
        "completions",
        "man",
    ] {
        assert!(
            subcommands.iter().any(|s| s == sub),
            "{sub}: {subcommands:?}"
        );
    }
    let kinds = ask(
        repo.path(),
        "powershell",
        &["partnerctl", "import", "x.csv", "--kind", "re"],
    );
    assert_eq!(kinds, ["revenue", "recurring"]);
}

#[test]
fn outside_a_repository_there_are_no_ids_and_no_error() {
    let empty = tempfile::tempdir().unwrap();
    assert!(ask(
        empty.path(),
        "zsh",
        &["partnerctl", "eval", "--program", ""]
    )
    .is_empty());
}

#[test]
fn the_bash_script_completes_ids_when_bash_runs_it() {
    let repo = repo();
    let script = common::run_in(repo.path(), &["completions", "bash"]).stdout;
    std::fs::write(repo.path().join("complete.bash"), script).unwrap();
    // What bash does on TAB after `partnerctl eval --partner a`.
    let line = r#"source ./complete.bash
COMP_WORDS=(partnerctl eval --partner a); COMP_CWORD=3; COMP_TYPE=9
_clap_complete_partnerctl partnerctl a --partner
printf '%s\n' "${COMPREPLY[@]}""#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", line])
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let replies = String::from_utf8(out.stdout.clone()).unwrap();
    let mut replies: Vec<&str> = replies.lines().map(str::trim_end).collect();
    replies.sort_unstable();
    assert_eq!(replies, ["acme-ag", "acme-gmbh"], "{out:?}");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = common::run_in(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn man_page_is_roff_for_partnerctl() {
    let tmp = tempfile::tempdir().unwrap();
    let run = common::run_in(tmp.path(), &["man"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(".TH partnerctl 1"), "{run:?}");
    assert!(run.stdout.contains(".SH SUBCOMMANDS") || run.stdout.contains("SUBCOMMANDS"));
}
