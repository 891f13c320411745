//! `partnerctl history` and `partnerctl upcoming` on small repositories with known histories.
//!
//! The toy program (tests/history_data/toy.toml) reviews yearly on 1 January, judging the
//! previous calendar year: Silver from 5,000 EUR revenue, Gold from 10,000 EUR; status MSP by
//! approval only. Its scheduled version (toy-2025-06.toml, effective 2025-06-01) lowers Silver to
//! 3,000 EUR. Every expected row below follows from those terms and the commits of `story`.

mod common;

use std::process::Command;

use common::{run_in, Run};
use serde_json::Value;

const TOY: &str = include_str!("history_data/toy.toml");
const TOY_2025_06: &str = include_str!("history_data/toy-2025-06.toml");
const PARTNER: &str = include_str!("history_data/partner.toml");
const CANARY_AMOUNT: &str = "1234.56";

struct Repo(tempfile::TempDir);

impl Repo {
    fn new() -> Repo {
        let r = Repo(tempfile::tempdir().expect("temp dir"));
        r.git(&["init", "-q", "-b", "main"], "");
        r
    }
    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
    fn git(&self, args: &[&str], date: &str) -> String {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Paula Partner-Manager")
            .env("GIT_AUTHOR_EMAIL", "paula@example.com")
            .env("GIT_COMMITTER_NAME", "Paula Partner-Manager")
            .env("GIT_COMMITTER_EMAIL", "paula@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE");
        if !date.is_empty() {
            let stamp = format!("{date}T12:00:00+00:00");
            cmd.env("GIT_AUTHOR_DATE", &stamp)
                .env("GIT_COMMITTER_DATE", &stamp);
        }
        let out = cmd.output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).expect("remove");
    }
    fn commit(&self, date: &str, subject: &str) {
        self.git(&["add", "-A"], "");
        self.git(&["commit", "-q", "-m", subject], date);
    }
    fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

fn partner(id: &str, extra: &str) -> String {
    let mut s = PARTNER
        .replace("\"ID\"", &format!("\"{id}\""))
        .replace("NAME", id);
    s.push_str(extra);
    s
}

fn revenue(year: u32, amount: &str) -> String {
    format!(
        "\n[[revenue]]\nprogram = \"toy\"\nproduct_line = \"licences\"\ndate = {year}-03-01\ncurrency = \"EUR\"\namount = \"{amount}\"\n"
    )
}

const MSP_APPROVAL: &str = r#"
[[approvals]]
program = "toy"
status = "msp"
approved_by = "CANARY-APPROVER"
date = 2025-01-01
reason = "CANARY-REASON"
expires = 2025-05-01
"#;

/// The known history:
/// - 2025-02-10 toy program, acme (6,000 EUR in 2024: Silver) and gamma (4,000 EUR: no tier);
/// - 2025-03-05 acme records 6,345.67 EUR more 2024 revenue: Gold;
/// - 2025-04-01 beta joins with an MSP approval expiring 2025-05-01;
/// - 2025-05-20 new terms scheduled for 2025-06-01 (Silver from 3,000 EUR): gamma rises then;
/// - 2025-07-01 gamma renamed gamma-neu (same standing, no event);
/// - 2026-01-01 review of 2025, in which nobody recorded revenue: acme and gamma-neu drop;
/// - 2026-02-01 beta removed.
fn story() -> Repo {
    let r = Repo::new();
    r.write("programs/toy.toml", TOY);
    r.write(
        "partners/acme.toml",
        &partner("acme", &revenue(2024, "6000.00")),
    );
    r.write(
        "partners/gamma.toml",
        &partner("gamma", &revenue(2024, "4000.00")),
    );
    r.commit("2025-02-10", "Add toy program, acme and gamma");
    let acme = partner("acme", &revenue(2024, "6000.00")) + &revenue(2024, "6345.67");
    r.write("partners/acme.toml", &acme);
    r.commit("2025-03-05", "Record more 2024 revenue for acme");
    r.write(
        "partners/beta.toml",
        &partner("beta", &(revenue(2023, CANARY_AMOUNT) + MSP_APPROVAL)),
    );
    r.commit("2025-04-01", "Add beta with MSP approval");
    r.write("programs/toy@2025-06-01.toml", TOY_2025_06);
    r.commit("2025-05-20", "Schedule toy terms of June 2025");
    r.remove("partners/gamma.toml");
    r.write(
        "partners/gamma-neu.toml",
        &partner("gamma-neu", &revenue(2024, "4000.00")),
    );
    r.commit("2025-07-01", "Rename gamma to gamma-neu");
    r.remove("partners/beta.toml");
    r.commit("2026-02-01", "Remove beta");
    r
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("valid JSON")
}

/// (date, kind, partner id at the time, change, cause, commit subject) of each event.
fn rows(doc: &Value, partner: &str) -> Vec<(String, String, String, String, String, String)> {
    let p = doc["partners"]
        .as_array()
        .expect("partners")
        .iter()
        .find(|p| p["partner"] == partner)
        .unwrap_or_else(|| panic!("{partner} has a history"));
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let tier = |v: &Value| {
        if v.is_null() {
            "absent".to_owned()
        } else {
            let t = v["tier"].as_str().unwrap_or("none");
            let st: Vec<&str> = (v["statuses"].as_array().expect("statuses").iter())
                .filter_map(Value::as_str)
                .collect();
            format!(
                "{t}{}",
                if st.is_empty() {
                    String::new()
                } else {
                    format!("+{}", st.join("+"))
                }
            )
        }
    };
    p["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                s(&e["date"]),
                s(&e["kind"]),
                s(&e["partner"]),
                format!("{} -> {}", tier(&e["before"]), tier(&e["after"])),
                s(&e["cause"]),
                s(&e["commit"]["subject"]),
            )
        })
        .collect()
}

/// "date kind partner what" of each item of an `upcoming` JSON document.
fn item_lines(doc: &Value) -> Vec<String> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    (doc["items"].as_array().expect("items").iter())
        .map(|i| {
            let fields = [&i["date"], &i["kind"], &i["partner"], &i["what"]];
            fields.map(s).join(" ")
        })
        .collect()
}

fn row(
    d: &str,
    k: &str,
    p: &str,
    change: &str,
    cause: &str,
    subject: &str,
) -> (String, String, String, String, String, String) {
    (
        d.into(),
        k.into(),
        p.into(),
        change.into(),
        cause.into(),
        subject.into(),
    )
}

#[test]
fn timeline_follows_commits_reviews_expiries_scheduled_terms_renames_and_removals() {
    let r = story();
    let doc = json(&r.run(&["history", "--until", "2026-06-30", "--format", "json"]));
    assert_eq!(
        rows(&doc, "acme"),
        [
            row(
                "2025-02-10",
                "commit",
                "acme",
                "absent -> silver",
                "partner file added",
                "Add toy program, acme and gamma"
            ),
            row(
                "2025-03-05",
                "commit",
                "acme",
                "silver -> gold",
                "partner file",
                "Record more 2024 revenue for acme"
            ),
            row(
                "2026-01-01",
                "calendar",
                "acme",
                "gold -> none",
                "review 2026-01-01",
                "Schedule toy terms of June 2025"
            ),
        ]
    );
    assert_eq!(
        rows(&doc, "beta"),
        [
            row(
                "2025-04-01",
                "commit",
                "beta",
                "absent -> none+msp",
                "partner file added",
                "Add beta with MSP approval"
            ),
            row(
                "2025-05-01",
                "calendar",
                "beta",
                "none+msp -> none",
                "an approval expires",
                "Add beta with MSP approval"
            ),
            row(
                "2026-02-01",
                "commit",
                "beta",
                "none -> absent",
                "partner file removed",
                "Remove beta"
            ),
        ]
    );
    assert_eq!(
        rows(&doc, "gamma-neu"),
        [
            row(
                "2025-02-10",
                "commit",
                "gamma",
                "absent -> none",
                "partner file added",
                "Add toy program, acme and gamma"
            ),
            row(
                "2025-06-01",
                "calendar",
                "gamma",
                "none -> silver",
                "scheduled terms of toy take effect",
                "Schedule toy terms of June 2025"
            ),
            row(
                "2026-01-01",
                "calendar",
                "gamma-neu",
                "silver -> none",
                "review 2026-01-01",
                "Rename gamma to gamma-neu"
            ),
        ]
    );
    let gamma = doc["partners"]
        .as_array()
        .expect("partners")
        .iter()
        .find(|p| p["partner"] == "gamma-neu")
        .expect("gamma-neu");
    assert_eq!(
        gamma["ids"],
        serde_json::json!([{"id": "gamma", "since": "2025-02-10"}, {"id": "gamma-neu", "since": "2025-07-01"}])
    );
    assert_eq!(doc["partners"].as_array().expect("partners").len(), 3);
}

#[test]
fn one_partner_by_an_old_id_and_the_filters() {
    let r = story();
    let doc = json(&r.run(&[
        "history",
        "gamma",
        "--until",
        "2026-06-30",
        "--since",
        "2025-06-01",
        "--format",
        "json",
    ]));
    let p = doc["partners"].as_array().expect("partners");
    assert_eq!(p.len(), 1);
    let dates: Vec<&str> = (p[0]["events"].as_array().expect("events").iter())
        .filter_map(|e| e["date"].as_str())
        .collect();
    assert_eq!(dates, ["2025-06-01", "2026-01-01"]);
    // Before the review of 2026 nothing has happened to acme since the upgrade.
    let doc = json(&r.run(&[
        "history",
        "acme",
        "--until",
        "2025-12-31",
        "--format",
        "json",
    ]));
    assert_eq!(
        doc["partners"][0]["events"]
            .as_array()
            .expect("events")
            .len(),
        2
    );
    let unknown = r.run(&["history", "nobody"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no partner `nobody`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn since_a_revision_shows_only_later_commits_and_dates() {
    let r = story();
    let doc = json(&r.run(&[
        "history",
        "--since",
        "HEAD~1",
        "--until",
        "2026-06-30",
        "--format",
        "json",
    ]));
    let all: Vec<String> = (doc["partners"].as_array().expect("partners").iter())
        .flat_map(|p| p["events"].as_array().expect("events").iter())
        .map(|e| {
            format!(
                "{} {}",
                e["date"].as_str().unwrap_or(""),
                e["partner"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(all, ["2026-02-01 beta"]);
}

#[test]
fn public_formats_never_show_confidential_values() {
    let r = story();
    for format in ["table", "markdown", "json", "csv"] {
        let out = r.run(&["history", "--until", "2026-06-30", "--format", format]);
        assert_eq!(out.code, 0);
        for canary in ["CANARY", CANARY_AMOUNT, "6,345.67", "6345.67"] {
            assert!(!out.stdout.contains(canary), "{format} shows {canary}");
        }
    }
    for format in ["table", "markdown", "json", "csv"] {
        let out = r.run(&[
            "upcoming",
            "--as-of",
            "2025-04-15",
            "--within",
            "1y",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 2, "1y is not a span");
        let out = r.run(&[
            "upcoming",
            "--as-of",
            "2025-04-15",
            "--within",
            "12m",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        for canary in ["CANARY", CANARY_AMOUNT, "6,345.67", "6345.67", "12,345.67"] {
            assert!(
                !out.stdout.contains(canary),
                "upcoming {format} shows {canary}"
            );
        }
    }
}

#[test]
fn history_snapshots() {
    let r = story();
    let md = r.run(&["history", "--until", "2026-06-30", "--format", "markdown"]);
    insta::assert_snapshot!("history_markdown", md.stdout);
    let js = r.run(&[
        "history",
        "acme",
        "--until",
        "2026-06-30",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("history_json", js.stdout);
}

#[test]
fn shallow_clone_says_where_history_is_cut() {
    let r = story();
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", r.path().display());
    let dest = clone.path().join("c");
    let out = Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "2",
            &url,
            dest.to_str().expect("utf-8"),
        ])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git clone");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = run_in(&dest, &["history", "--until", "2026-06-30"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("History is cut at commit"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("shallow clone"), "{}", table.stdout);
    let doc = json(&run_in(
        &dest,
        &["history", "--until", "2026-06-30", "--format", "json"],
    ));
    assert_eq!(
        doc["history_cut_at"]["subject"],
        "Rename gamma to gamma-neu"
    );
}

/// As of 2025-12-01, the review of 2026-01-01 judges 2025: acme and gamma-neu have no 2025
/// revenue, so both drop; beta held nothing and changes nothing.
#[test]
fn upcoming_names_who_drops_at_the_review_and_why() {
    let r = story();
    r.git(&["checkout", "-q", "HEAD~1"], "");
    let doc = json(&r.run(&[
        "upcoming",
        "--as-of",
        "2025-12-01",
        "--within",
        "90d",
        "--format",
        "json",
    ]));
    let items = item_lines(&doc);
    assert_eq!(
        items,
        [
            "2026-01-01 downgrade acme review: tier Gold → no tier (nothing recorded for 2025 yet: revenue of 10,000 EUR in the review year)",
            "2026-01-01 downgrade gamma-neu review: tier Silver → no tier (nothing recorded for 2025 yet: revenue of 3,000 EUR in the review year)",
        ]
    );
    let gate = r.run(&[
        "upcoming",
        "--as-of",
        "2025-12-01",
        "--fail-on",
        "downgrade",
    ]);
    assert_eq!(gate.code, 1);
    let gate = r.run(&["upcoming", "--as-of", "2025-12-01", "--fail-on", "expiry"]);
    assert_eq!(gate.code, 0);
}

#[test]
fn upcoming_lists_an_expiring_approval_and_scheduled_terms() {
    let r = story();
    r.git(&["checkout", "-q", "HEAD~2"], "");
    let doc = json(&r.run(&[
        "upcoming",
        "--as-of",
        "2025-04-15",
        "--within",
        "60d",
        "--format",
        "json",
    ]));
    let items = item_lines(&doc);
    assert_eq!(
        items,
        [
            "2025-05-01 expiry beta approval of status msp expires",
            "2025-06-01 terms  new terms of Toy program take effect",
            "2025-06-01 upgrade gamma new terms: tier no tier → Silver",
        ]
    );
}

#[test]
fn init_writes_the_weekly_upcoming_workflow_pinned_like_the_review() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let commit = "1".repeat(40);
    let sha = "a".repeat(64);
    let out = run_in(
        tmp.path(),
        &[
            "init",
            "new",
            "--partnerctl-repository",
            "acme/partnerctl",
            "--partnerctl-version",
            "v1.2.3",
            "--partnerctl-commit",
            &commit,
            "--sha256",
            &sha,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wf = std::fs::read_to_string(tmp.path().join("new/.github/workflows/upcoming.yml"))
        .expect("upcoming.yml written");
    assert!(
        wf.contains(&format!(
            "uses: acme/partnerctl/.github/workflows/upcoming.yml@{commit} # v1.2.3\n"
        )),
        "{wf}"
    );
    assert!(wf.contains(&format!("partnerctl-sha256: {sha}\n")), "{wf}");
    assert!(wf.contains("      issues: write\n"), "{wf}");
}

#[test]
fn upcoming_names_links_found_missing_at_the_last_check() {
    let r = story();
    r.git(&["checkout", "-q", "HEAD~2"], "");
    // What `links check --record` keeps: beta's link missing since 2025-03-02; gamma's found;
    // a partner not in the data and a status the file format does not know are left out.
    let evidence = r#"{
  "version": 1,
  "entries": [
    {"partner": "beta", "program": "toy", "obligation": "backlink", "status": "missing",
     "since": "2025-03-02", "checked": "2025-04-01"},
    {"partner": "gamma", "program": "toy", "obligation": "backlink", "status": "found",
     "since": "2025-03-02", "checked": "2025-04-01"},
    {"partner": "ghost", "program": "toy", "obligation": "backlink", "status": "missing",
     "since": "2025-03-02", "checked": "2025-04-01"},
    {"partner": "beta", "program": "toy", "obligation": "badge", "status": "weird",
     "since": "2025-03-02", "checked": "2025-04-01"}
  ]
}
"#;
    let file = r.path().join("links-evidence.json");
    std::fs::write(&file, evidence).expect("write evidence");
    let args = |extra: &[&str]| {
        let mut a = vec!["upcoming", "--as-of", "2025-04-15", "--within", "60d"];
        a.extend(["--links-evidence", file.to_str().expect("utf-8 path")]);
        a.extend(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    let run = |extra: &[&str]| {
        let owned = args(extra);
        r.run(&owned.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let doc = json(&run(&["--format", "json"]));
    let links: Vec<String> = (doc["items"].as_array().expect("items").iter())
        .filter(|i| i["kind"] == "link")
        .map(|i| {
            format!(
                "{} {} {} | {}",
                i["date"], i["partner"], i["what"], i["prevent"]
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            r#""2025-03-02" "beta" "obligation backlink: no link found since 2025-03-02 (last checked 2025-04-01)" | "put the link on the partner's website""#
        ]
    );
    assert_eq!(run(&["--fail-on", "link"]).code, 1);
    assert_eq!(
        run(&["--fail-on", "terms"]).code,
        1,
        "the story has scheduled terms"
    );
    assert_eq!(run(&["--fail-on", "overdue"]).code, 0);
}

/// Terms edited in place on 2025-04-01 (Silver from 3,000 EUR instead of 5,000) and back on
/// 2025-05-01: acme and delta (4,000 EUR in 2024, judged at the 2025-01-01 review) are Silver in
/// between; omega, removed before, has no event; delta's file changed in the same commit.
#[test]
fn terms_changed_in_place_move_every_partner_whose_file_exists() {
    let r = Repo::new();
    r.write("programs/toy.toml", TOY);
    for id in ["acme", "delta", "omega"] {
        r.write(
            &format!("partners/{id}.toml"),
            &partner(id, &revenue(2024, "4000.00")),
        );
    }
    r.commit("2025-02-10", "Add toy program, acme, delta and omega");
    r.remove("partners/omega.toml");
    r.commit("2025-03-01", "Remove omega");
    let lower = TOY.replace(r#"{ EUR = "5000.00" }"#, r#"{ EUR = "3000.00" }"#);
    assert_ne!(lower, TOY, "the toy terms name the Silver threshold");
    r.write("programs/toy.toml", &lower);
    let delta = partner(
        "delta",
        &(revenue(2024, "4000.00") + &revenue(2023, "1.00")),
    );
    r.write("partners/delta.toml", &delta);
    r.commit("2025-04-01", "Silver from 3,000 EUR");
    r.write("programs/toy.toml", TOY);
    r.commit("2025-05-01", "Silver from 5,000 EUR again");
    let doc = json(&r.run(&["history", "--until", "2025-06-30", "--format", "json"]));
    let added = "Add toy program, acme, delta and omega";
    let (down, up) = ("Silver from 5,000 EUR again", "Silver from 3,000 EUR");
    let joined = |p: &str| {
        row(
            "2025-02-10",
            "commit",
            p,
            "absent -> none",
            "partner file added",
            added,
        )
    };
    assert_eq!(
        rows(&doc, "acme"),
        [
            joined("acme"),
            row(
                "2025-04-01",
                "commit",
                "acme",
                "none -> silver",
                "program terms",
                up
            ),
            row(
                "2025-05-01",
                "commit",
                "acme",
                "silver -> none",
                "program terms",
                down
            ),
        ]
    );
    assert_eq!(
        rows(&doc, "delta"),
        [
            joined("delta"),
            row(
                "2025-04-01",
                "commit",
                "delta",
                "none -> silver",
                "partner file and program terms",
                up
            ),
            row(
                "2025-05-01",
                "commit",
                "delta",
                "silver -> none",
                "program terms",
                down
            ),
        ]
    );
    assert_eq!(
        rows(&doc, "omega"),
        [
            joined("omega"),
            row(
                "2025-03-01",
                "commit",
                "omega",
                "none -> absent",
                "partner file removed",
                "Remove omega"
            ),
        ]
    );
}

/// The cache of tree diffs in the git directory never changes the output: a first run writes
/// it, a second reads it, a damaged file is ignored, `--no-cache` neither reads nor writes it.
#[test]
fn the_tree_diff_cache_changes_nothing() {
    let r = story();
    let cache = r.path().join(".git/partnerctl/history-tree-diffs-v1");
    let args = ["history", "--until", "2026-06-30", "--format", "json"];
    let uncached = r.run(&[&args[..], &["--no-cache"]].concat());
    assert_eq!(uncached.code, 0, "{}", uncached.stderr);
    assert!(!cache.exists(), "--no-cache wrote {}", cache.display());
    let first = r.run(&args);
    let text = std::fs::read_to_string(&cache).expect("the first run writes the cache");
    assert!(
        text.starts_with("partnerctl history tree-diff cache v1\nD - "),
        "{text}"
    );
    assert!(text.contains(" gamma-neu.toml\n"), "{text}");
    let second = r.run(&args);
    std::fs::write(
        &cache,
        "partnerctl history tree-diff cache v1\nD 12 34 5\nnonsense",
    )
    .unwrap();
    let damaged = r.run(&args);
    for run in [&first, &second, &damaged] {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, uncached.stdout);
    }
}
