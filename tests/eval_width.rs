//! `eval`'s table fits the terminal (`COLUMNS`, else its size), `--wide` opts out, and output to
//! a file or pipe without `COLUMNS` keeps the fixed layout (issue #13, item 5).

mod common;

use std::process::Command;

use common::{TestRepo, NSP};

fn widest(out: &[u8]) -> usize {
    let text = String::from_utf8(out.to_vec()).expect("utf-8");
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn eval(repo: &TestRepo, columns: Option<&str>, extra: &[&str]) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnerctl"));
    cmd.args(["eval", "--as-of", "2026-03-01"]).args(extra);
    cmd.current_dir(repo.path()).env("NO_COLOR", "1");
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.output().expect("run partnerctl");
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

#[test]
fn the_eval_table_fits_columns_unless_wide() {
    let repo = TestRepo::new();
    repo.write("programs/nospamproxy.toml", NSP);
    repo.write(
        "programs/infomaniak.toml",
        include_str!("../programs/infomaniak.toml"),
    );
    // One cent below Business: its "next step" sentence is long.
    let alpenblick = include_str!("data/import_region/alpenblick-edv.toml");
    repo.write("partners/alpenblick-edv.toml", alpenblick);
    let fixed = widest(&eval(&repo, None, &[]));
    for columns in [110, 130] {
        let fitted = widest(&eval(&repo, Some(&columns.to_string()), &[]));
        assert!(fitted <= columns, "{fitted} > {columns}");
    }
    assert!(
        fixed > 130,
        "the fixed layout is wider than the terminals above: {fixed}"
    );
    let wide = widest(&eval(&repo, Some("80"), &["--wide"]));
    assert!(wide > fixed, "--wide wraps nothing: {wide} vs {fixed}");
}
