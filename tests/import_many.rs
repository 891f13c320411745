//! `partnerctl import` into more partner files than a default open-file limit allows.
//!
//! Every file an import writes is opened before the first is written (all or none), so 1,000
//! partners need 1,000 descriptors at once: more than macOS's default soft limit of 256 and about
//! the 1,024 of many Linux desktops. Import raises the soft limit towards the hard one; when the
//! hard limit is too low it stops before writing anything.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;

const FILES: usize = 300;

/// A repository from `init` with `FILES` copies of its example partner, and a CSV with one new
/// revenue row for each.
fn many_partners() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(common::run_in(tmp.path(), &["init", "repo"]).code, 0);
    let dir = tmp.path().join("repo");
    let example = std::fs::read_to_string(dir.join("partners/example-partner.toml")).unwrap();
    let mut csv = String::from("partner,program,product_line,date,currency,amount\n");
    for i in 0..FILES {
        let id = format!("p-{i:03}");
        let text = example.replace("\"example-partner\"", &format!("\"{id}\""));
        std::fs::write(dir.join(format!("partners/{id}.toml")), text).unwrap();
        csv.push_str(&format!(
            "{id},example-program,licences,2025-09-01,EUR,{i}.50\n"
        ));
    }
    std::fs::write(dir.join("facts.csv"), csv).unwrap();
    (tmp, dir)
}

/// `partnerctl import facts.csv --kind revenue` under the limits `ulimit` sets.
fn import_with(dir: &Path, ulimit: &str) -> std::process::Output {
    Command::new("bash")
        .args(["-c", &format!("ulimit {ulimit} && exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_partnerctl"))
        .args(["import", "facts.csv", "--kind", "revenue"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn partner_texts(dir: &Path) -> Vec<String> {
    (0..FILES)
        .map(|i| std::fs::read_to_string(dir.join(format!("partners/p-{i:03}.toml"))).unwrap())
        .collect()
}

#[test]
fn a_low_soft_limit_is_raised_and_every_file_is_written() {
    let (_tmp, dir) = many_partners();
    let out = import_with(&dir, "-Sn 100");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!("{FILES} rows: {FILES} added, 0 updated")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{FILES} files changed")),
        "{stdout}"
    );
    let texts = partner_texts(&dir);
    assert!(texts[7].contains("date = 2025-09-01\ncurrency = \"EUR\"\namount = \"7.50\""));
    assert!(texts[299].contains("amount = \"299.50\""));
}

#[test]
fn a_hard_limit_too_low_stops_the_import_before_any_write() {
    let (_tmp, dir) = many_partners();
    let before = partner_texts(&dir);
    let out = import_with(&dir, "-n 100");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("the import changes {FILES} files")),
        "{stderr}"
    );
    assert!(
        stderr.contains("may open only 100 files (`ulimit -n`)"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(partner_texts(&dir), before);
}
