//! Hostile inputs for the engine that are too large for the shared corpus (`tests/hostile/`):
//! requirement structures of any depth and size, long tier chains, thousands of renames, blobs
//! over the size limit, control characters from the data, and directories that hold no partner
//! data. No test measures time; each asserts the outcome the rules demand.

mod common;

use common::{run_in, TestRepo};
use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::Diagnostic;
use partnerctl::diff::{self, DiffOptions, PartnerEvent};
use partnerctl::evaluate;
use partnerctl::model::scalar::Date;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

/// A program without tracks: `signed` is met by any partner with a contract, `projects-2` by
/// none of the partners below (they have no projects). Tiers, levels and further requirements
/// are appended by each test.
const HEAD: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "demo"
name = "Demo"
vendor = "Demo GmbH"
effective_from = 2025-01-01
currencies = ["EUR"]

[review]
cadence = "yearly"

[product_lines]
licences = "Licences"

[measures.projects]
type = "projects"
name = "projects"
window = "review"

[requirements.signed]
type = "contract_signed"

[requirements.projects-2]
type = "count"
measure = "projects"
at_least = 2

[entitlements.discount]
name = "Discount"
kind = "discount"
"#;

fn partner(id: &str, display_name: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "{id}"
legal_name = "{display_name} GmbH"

[profile]
display_name = "{display_name}"
country = "DE"

[[memberships]]
program = "demo"
contract_start = 2023-01-01
"#
    )
}

fn one_tier(requires: &str) -> String {
    format!(
        "\n[[tiers]]\nid = \"silver\"\nname = \"Silver\"\n\n[[levels]]\ntier = \"silver\"\nrequires = [{requires}]\ngrants = {{ discount = \"10\" }}\n"
    )
}

/// `[requirements.rI]` combining `rI+1` (`copies` times) for I < `levels`, then a leaf `rLEVELS`
/// that any partner with a contract meets.
fn chain(levels: usize, copies: usize) -> String {
    let mut s = String::new();
    for i in 0..levels {
        let of = vec![format!("\"r{}\"", i + 1); copies].join(", ");
        s.push_str(&format!(
            "\n[requirements.r{i}]\ntype = \"all_of\"\nof = [{of}]\n"
        ));
    }
    s.push_str(&format!(
        "\n[requirements.r{levels}]\ntype = \"contract_signed\"\n"
    ));
    s
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
        blob_id: blob_id(text.as_bytes()),
    }
}

fn dataset(files: Vec<SourceFile>) -> Dataset {
    let mut files = files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files,
        problems: vec![],
    })
}

/// (code, file:line:col, message) of every error.
fn errors(ds: &Dataset) -> Vec<(String, String, String)> {
    ds.diagnostics()
        .into_iter()
        .filter(|d| d.severity == partnerctl::diagnostic::Severity::Error)
        .map(|d: Diagnostic| {
            let s = d.start.expect("located");
            (
                d.code.as_str().to_owned(),
                format!("{}:{}:{}", d.file, s.line, s.column),
                d.message,
            )
        })
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l == needle)
        .expect("line present")
        + 1
}

fn as_of() -> Date {
    "2025-06-01".parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Requirement structures

#[test]
fn thirty_two_levels_of_combinations_are_evaluated_through() {
    let program = format!("{HEAD}{}{}", one_tier("\"r0\""), chain(31, 1));
    let ds = dataset(vec![
        file("programs/demo.toml", &program),
        file("partners/acme.toml", &partner("acme", "Acme")),
    ]);
    assert_eq!(errors(&ds), vec![]);
    let evs = evaluate::evaluate_all(
        ds.partners.iter().flat_map(|f| &f.record),
        &ds.catalog(),
        as_of(),
    );
    assert_eq!(evs[0].tier.as_deref(), Some("silver"));
    // The trace goes all the way down to the leaf.
    let mut r = &evs[0].tiers[0].requirements[0];
    let mut depth = 1;
    while let [child] = r.children.as_slice() {
        r = child;
        depth += 1;
    }
    assert_eq!((depth, r.id.as_str(), r.met), (32, "r31", true));
}

#[test]
fn thirty_three_levels_are_a_located_error() {
    let program = format!("{HEAD}{}{}", one_tier("\"r0\""), chain(32, 1));
    let ds = dataset(vec![file("programs/demo.toml", &program)]);
    // Located at the header `[requirements.r0]`, from its first column.
    let at = format!(
        "programs/demo.toml:{}:1",
        line_of(&program, "[requirements.r0]")
    );
    assert_eq!(
        errors(&ds),
        vec![(
            "requirement-too-deep".into(),
            at,
            "requirement `r0` nests requirements 33 levels deep; at most 32 levels are allowed"
                .into()
        )]
    );
}

#[test]
fn a_ten_thousand_deep_chain_is_rejected_by_check_and_skipped_by_eval_and_diff() {
    let repo = TestRepo::new();
    repo.write(
        "programs/demo.toml",
        format!("{HEAD}{}", one_tier("\"signed\"")),
    );
    repo.write("partners/acme.toml", partner("acme", "Acme"));
    repo.commit_all("valid");
    let deep = format!("{HEAD}{}{}", one_tier("\"r0\""), chain(10_000, 1));
    repo.write("programs/demo.toml", &deep);
    let line = line_of(&deep, "[requirements.r0]");

    let check = repo.run(&["check", "--format", "github"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stdout.starts_with(&format!(
            "::error file=programs/demo.toml,line={line},col=1,"
        )),
        "{}",
        check.stdout
    );
    assert!(check
        .stdout
        .contains("nests requirements 10001 levels deep"));
    assert_eq!(check.stdout.lines().count(), 1, "{}", check.stdout);

    let eval = repo.run(&["eval", "--as-of", "2025-06-01"]);
    assert_eq!(eval.code, 1, "{eval:?}");
    assert!(
        eval.stderr.contains("error(s) in program files"),
        "{eval:?}"
    );

    let diff = repo.run(&[
        "diff",
        "HEAD",
        "--as-of",
        "2025-06-01",
        "--fail-on",
        "invalid",
    ]);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(
        diff.stdout.contains("✗ programs/demo.toml became invalid"),
        "{}",
        diff.stdout
    );
    assert_eq!(diff.stderr, "gate failed: invalid\n");
}

#[test]
fn a_combination_shared_at_every_level_is_too_large() {
    // r0 … r13 each use the next one twice: the trace of r0 would hold 2^15 - 1 results.
    let program = format!("{HEAD}{}{}", one_tier("\"r0\""), chain(14, 2));
    let ds = dataset(vec![file("programs/demo.toml", &program)]);
    let at = format!(
        "programs/demo.toml:{}:1",
        line_of(&program, "[requirements.r0]")
    );
    assert_eq!(
        errors(&ds),
        vec![(
            "requirement-too-large".into(),
            at,
            "requirement `r0` expands to 32767 checks (combinations repeat what they share); at most 10000 are allowed".into()
        )]
    );
}

/// Tiers t0 … t{n-1}; t0 needs a contract, every other tier holding the one below; tier
/// `blocked` also needs two projects, which no partner has.
fn tier_chain(n: usize, blocked: usize) -> String {
    let mut s = HEAD.to_owned();
    for i in 0..n {
        s.push_str(&format!("\n[[tiers]]\nid = \"t{i}\"\nname = \"T{i}\"\n"));
    }
    for i in 0..n {
        let mut requires = if i == 0 {
            vec!["\"signed\"".to_owned()]
        } else {
            vec![format!("\"holds-t{}\"", i - 1)]
        };
        if i == blocked {
            requires.push("\"projects-2\"".into());
        }
        s.push_str(&format!(
            "\n[[levels]]\ntier = \"t{i}\"\nrequires = [{}]\ngrants = {{ discount = \"10\" }}\n",
            requires.join(", ")
        ));
    }
    for i in 0..n {
        s.push_str(&format!(
            "\n[requirements.holds-t{i}]\ntype = \"holds_tier\"\ntier = \"t{i}\"\n"
        ));
    }
    s
}

#[test]
fn a_thousand_tiers_each_requiring_the_one_below() {
    let program = tier_chain(1000, 737);
    let ds = dataset(vec![
        file("programs/demo.toml", &program),
        file("partners/acme.toml", &partner("acme", "Acme")),
    ]);
    assert_eq!(errors(&ds), vec![]);
    let evs = evaluate::evaluate_all(
        ds.partners.iter().flat_map(|f| &f.record),
        &ds.catalog(),
        as_of(),
    );
    let ev = &evs[0];
    assert_eq!(ev.tier.as_deref(), Some("t736"));
    let held: Vec<bool> = ev.tiers.iter().map(|q| q.qualified).collect();
    assert_eq!(held.len(), 1000);
    assert!(held[..737].iter().all(|h| *h));
    assert!(held[737..].iter().all(|h| !*h));
    assert_eq!(ev.next_tier.as_ref().map(|g| g.tier.as_str()), Some("t737"));
}

#[test]
fn a_tier_requiring_a_higher_tier_is_an_error() {
    let mut program = tier_chain(3, usize::MAX);
    program = program.replacen(
        "tier = \"t0\"\nrequires = [\"signed\"]",
        "tier = \"t0\"\nrequires = [\"signed\", \"holds-t2\"]",
        1,
    );
    let ds = dataset(vec![file("programs/demo.toml", &program)]);
    let line = line_of(&program, "requires = [\"signed\", \"holds-t2\"]");
    assert_eq!(
        errors(&ds),
        vec![(
            "tier-order".into(),
            format!("programs/demo.toml:{line}:12"),
            "tier `t0` requires holding tier `t2`, which is not lower".into()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Renames

#[test]
fn thousands_of_renames_pair_each_file_with_its_new_name() {
    const N: usize = 3500;
    let program = format!("{HEAD}{}", one_tier("\"signed\""));
    let base: Vec<SourceFile> = (0..N)
        .map(|i| {
            let id = format!("p{i:04}");
            file(
                &format!("partners/{id}.toml"),
                &partner(&id, &format!("Firma {i}")),
            )
        })
        .chain([file("programs/demo.toml", &program)])
        .collect();
    // p{i} becomes q{j} for a j unrelated to the order of the names.
    let to = |i: usize| (i * 3 + 11) % N; // 3 is prime to 3500: a permutation
    let head: Vec<SourceFile> = (0..N)
        .map(|i| {
            let id = format!("q{:04}", to(i));
            file(
                &format!("partners/{id}.toml"),
                &partner(&id, &format!("Firma {i}")),
            )
        })
        .chain([file("programs/demo.toml", &program)])
        .collect();
    let report = diff::diff(
        &dataset(base),
        &dataset(head),
        "base",
        "head",
        &DiffOptions {
            as_of: as_of(),
            show_confidential: false,
            horizon_months: 0,
        },
    );
    let mut want: Vec<PartnerEvent> = (0..N)
        .map(|i| PartnerEvent::Renamed {
            from: format!("p{i:04}"),
            to: format!("q{:04}", to(i)),
        })
        .collect();
    want.sort();
    let wrong: Vec<_> = want
        .iter()
        .filter(|e| !report.partners.contains(e))
        .take(3)
        .collect();
    assert!(wrong.is_empty(), "not found, e.g. {wrong:?}");
    assert_eq!(report.partners.len(), N);
}

// ---------------------------------------------------------------------------------------------
// Oversized blobs

#[test]
fn a_blob_over_the_limit_is_a_problem_in_every_read_path() {
    let repo = TestRepo::new();
    repo.write(
        "programs/demo.toml",
        format!("{HEAD}{}", one_tier("\"signed\"")),
    );
    repo.write("partners/acme.toml", partner("acme", "Acme"));
    repo.commit_all("valid");
    const SIZE: usize = 20 * 1024 * 1024;
    repo.write("partners/big.toml", vec![0_u8; SIZE]);
    repo.write("partners/bad.toml", "id =\n");
    repo.commit_all("a 20 MiB file and a broken one");
    let message = format!("file is {SIZE} bytes; data files may be at most 1048576 bytes");

    for args in [
        &["check", "--rev", "HEAD", "--format", "github"][..],
        &["check", "--format", "github"][..],
    ] {
        let run = repo.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(
            run.stdout.contains("file=partners/bad.toml,line=1,"),
            "{run:?}"
        );
        assert!(
            run.stdout.contains("file=partners/big.toml,") && run.stdout.contains(&message),
            "{args:?}: {}",
            run.stdout
        );
    }
    // diff reads both sides lazily from git objects.
    let diff = repo.run(&[
        "diff",
        "HEAD~1",
        "HEAD",
        "--as-of",
        "2025-06-01",
        "--fail-on",
        "invalid",
    ]);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(
        diff.stdout.contains("✗ partners/big.toml became invalid"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains(&message), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("✗ partners/bad.toml became invalid"),
        "{}",
        diff.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Control characters

const HYPERLINK: &str = "\u{1b}]8;;http://evil\u{7}";
const CLEAR: &str = "\u{1b}[2J";

#[test]
fn control_characters_from_the_data_never_reach_stdout_raw() {
    let repo = TestRepo::new();
    let program = format!("{HEAD}{}", one_tier("\"named\"")).replace(
        "[requirements.signed]",
        "[requirements.named]\ntype = \"contract_signed\"\nname = \"Signed \\u001b]8;;http://evil\\u0007 \\u001b[2J\\u202e\"\n\n[requirements.signed]",
    );
    repo.write("programs/demo.toml", &program);
    repo.write("partners/acme.toml", partner("acme", "Acme"));
    repo.commit_all("base");
    repo.write(
        "partners/acme.toml",
        partner("acme", "Acme \\u001b]8;;http://evil\\u0007 \\u001b[2J"),
    );
    // Shown escaped; in a Markdown table cell the backslashes and brackets are escaped once more.
    let visible = "\\u{1b}]8;;http://evil\\u{7}";
    let in_cell = "\\\\u{1b}\\]8;;http://evil\\\\u{7}";
    let runs = [
        (vec!["eval", "--as-of", "2025-06-01", "--explain"], visible),
        (
            vec![
                "eval",
                "--as-of",
                "2025-06-01",
                "--explain",
                "--format",
                "markdown",
            ],
            visible,
        ),
        (vec!["diff", "HEAD", "--as-of", "2025-06-01"], visible),
        (
            vec![
                "diff",
                "HEAD",
                "--as-of",
                "2025-06-01",
                "--format",
                "markdown",
            ],
            in_cell,
        ),
    ];
    for (args, shown) in runs {
        let run = repo.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(
                !run.stdout.contains(raw),
                "{args:?} passed {raw:?}: {}",
                run.stdout
            );
        }
        assert!(!run.stdout.contains(HYPERLINK) && !run.stdout.contains(CLEAR));
        assert!(run.stdout.contains(shown), "{args:?}: {}", run.stdout);
    }
}

// ---------------------------------------------------------------------------------------------
// Not a partner repository

#[test]
fn a_directory_without_partner_data_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "hello\n").unwrap();
    let shown = dir.path().canonicalize().unwrap();
    for args in [
        &["check"][..],
        &["eval"][..],
        &["directory", "--out", "site"][..],
        &["diff", "HEAD"][..],
    ] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        let want = format!(
            "error: not a partner repository: no partners/ or programs/ in {}",
            shown.display()
        );
        assert!(run.stderr.starts_with(&want), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_bare_repository_needs_a_revision() {
    let repo = TestRepo::new();
    repo.write(
        "programs/demo.toml",
        format!("{HEAD}{}", one_tier("\"signed\"")),
    );
    repo.write("partners/acme.toml", partner("acme", "Acme"));
    repo.commit_all("data");
    let outer = tempfile::tempdir().unwrap();
    let bare = outer.path().join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);

    let check = run_in(&bare, &["check"]);
    assert_eq!(check.code, 2, "{check:?}");
    assert!(
        check
            .stderr
            .contains("is a bare git repository: it has no working tree to read"),
        "{check:?}"
    );
    let at_rev = run_in(&bare, &["check", "--rev", "HEAD", "--format", "github"]);
    assert_eq!((at_rev.code, at_rev.stdout.as_str()), (0, ""), "{at_rev:?}");

    // A revision of the same repository without data directories.
    repo.git(&["rm", "-q", "-r", "programs", "partners"]);
    repo.write("README.md", "moved\n");
    repo.commit_all("no data");
    let empty = repo.run(&["check", "--rev", "HEAD"]);
    assert_eq!(empty.code, 2, "{empty:?}");
    assert!(
        empty
            .stderr
            .contains("not a partner repository: no partners/ or programs/ in")
            && empty.stderr.contains("at revision \"HEAD\""),
        "{empty:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Cross-file rules over thousands of files

const RESELLER_PROGRAM: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "rs"
name = "Reseller test program"
vendor = "Test SA"
effective_from = 2024-01-01
currencies = ["CHF"]

[review]
cadence = "continuous"

[product_lines]
mail = "Mail"

[access]
levels = ["restricted", "full"]
payment_means = ["customer", "partner"]
full_access_exclusive = true
restricted_distinct_products = true
"#;

/// A reseller whose file is `partners/{file}.toml` but whose id is `id`. Line 17 holds
/// `products = ["mail"]`, line 16 `access = …`.
fn reseller(file_id: &str, id: &str, access: &str) -> SourceFile {
    let text = format!(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} SA\"\n\n[profile]\ndisplay_name = \"{id}\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"rs\"\n\n[[access_grants]]\nprogram = \"rs\"\ncustomer = \"cust\"\naccess = \"{access}\"\nproducts = [\"mail\"]\n"
    );
    file(&format!("partners/{file_id}.toml"), &text)
}

#[test]
fn thousands_of_partners_on_one_customer_get_bounded_messages() {
    const N: usize = 2000;
    let mut files = vec![file("programs/rs.toml", RESELLER_PROGRAM)];
    files.extend((0..N).map(|i| {
        let id = format!("r{i:04}");
        reseller(&id, &id, "restricted")
    }));
    let ds = dataset(files);
    let first = &ds.partners[0];
    let messages: Vec<(String, usize, usize)> = first
        .diagnostics
        .iter()
        .map(|d| {
            let s = d.start.expect("located");
            (d.message.clone(), s.line, s.column)
        })
        .collect();
    // Five partners named, the other 1,994 counted; all at `"mail"` in `products = ["mail"]`.
    let mut want: Vec<(String, usize, usize)> = (1..=5)
        .map(|i| {
            (
                format!("customer `cust` also gives `r{i:04}` restricted access to product `mail`"),
                17,
                13,
            )
        })
        .collect();
    want.push((
        "customer `cust` also gives 1994 more partners restricted access to product `mail`".into(),
        17,
        13,
    ));
    assert_eq!(messages, want);
    let total: usize = ds.partners.iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(total, 6 * N);
}

#[test]
fn thousands_of_files_with_one_id_get_bounded_messages() {
    const N: usize = 2000;
    let mut files = vec![file("programs/rs.toml", RESELLER_PROGRAM)];
    files.extend((0..N).map(|i| reseller(&format!("f{i:04}"), "same", "full")));
    let ds = dataset(files);
    let first: Vec<&str> = ds.partners[0]
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    // The access rule counts partners, not grants or files (issue #12): 2,000 files with one id
    // are one partner, so the duplicate ids are the only finding.
    assert!(
        !first.iter().any(|m| m.contains("grants full access")),
        "{first:?}"
    );
    assert!(first.contains(&"partner id `same` is also used by partners/f0001.toml, partners/f0002.toml, partners/f0003.toml, partners/f0004.toml, partners/f0005.toml and 1994 more"), "{first:?}");
}
