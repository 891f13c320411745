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

#[test]
fn hidden_complete_ids_lists_the_bundled_ids() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let programs = common::run_in(root, &["__complete-ids", "programs"]);
    assert_eq!(programs.code, 0, "{programs:?}");
    assert_eq!(programs.stdout, "infomaniak\nnospamproxy\npimentachat\n");
    let partners = common::run_in(root, &["__complete-ids", "partners"]);
    assert_eq!(partners.code, 0, "{partners:?}");
    let mut expected: Vec<String> = std::fs::read_dir(root.join("partners"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    expected.sort();
    assert_eq!(partners.stdout.lines().collect::<Vec<_>>(), expected);
    assert!(partners.stdout.lines().any(|l| l == "alpenblick-edv"));
    let help = common::run_in(root, &["--help"]);
    assert!(!help.stdout.contains("__complete-ids"), "{help:?}");
}

#[test]
fn bash_and_fish_scripts_complete_ids_through_the_hidden_command() {
    let tmp = tempfile::tempdir().unwrap();
    let bash = common::run_in(tmp.path(), &["completions", "bash"]).stdout;
    assert!(bash.contains("--program) kind=programs"), "{bash}");
    assert!(bash.contains("--partner) kind=partners"), "{bash}");
    assert!(
        bash.contains("partnerctl __complete-ids \"$kind\""),
        "{bash}"
    );
    let fish = common::run_in(tmp.path(), &["completions", "fish"]).stdout;
    assert!(fish.contains("-l program -f -a '(partnerctl __complete-ids programs"));
    assert!(fish.contains("-l partner -f -a '(partnerctl __complete-ids partners"));
    let outside = common::run_in(tmp.path(), &["__complete-ids", "programs"]);
    assert_eq!(outside.code, 2, "{outside:?}");
    assert_eq!(outside.stdout, "");
}
