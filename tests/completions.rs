//! `partnerctl completions` and `partnerctl man`.

mod common;

#[test]
fn completion_scripts_name_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = common::run_in(tmp.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
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
            assert!(run.stdout.contains(sub), "{shell} lacks {sub}");
        }
    }
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
