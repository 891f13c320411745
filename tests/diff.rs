//! Effect diff tests: every effect kind, mirror symmetry, no-op diffs, escaping of untrusted text,
//! the comment size limit, and the CLI on temporary git repositories.

use std::path::Path;
use std::process::Command;

use partnerctl::dataset::Dataset;
use partnerctl::diff::{self, DiffOptions, DiffReport, Gate, PartnerEvent, TierMove};
use partnerctl::render::diff as render;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

const NSP: &str = include_str!("../programs/nospamproxy.toml");

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
        blob_id: blob_id(text.as_bytes()),
    }
}

fn snap(files: &[(&str, &str)]) -> Snapshot {
    Snapshot {
        label: "side".into(),
        files: files.iter().map(|(p, t)| file(p, t)).collect(),
        problems: vec![],
    }
}

fn opts() -> DiffOptions {
    DiffOptions {
        as_of: "2026-11-23".parse().unwrap(),
        show_confidential: false,
        horizon_months: 12,
    }
}

fn run(base: &[(&str, &str)], head: &[(&str, &str)]) -> DiffReport {
    let (b, h) = Dataset::pair(&snap(base), &snap(head));
    diff::diff(&b, &h, "base", "head", &opts())
}

/// A NoSpamProxy server-cloud partner with 2025 revenue, projects and certified technicians.
fn partner(id: &str, name: &str, revenue: &str, projects: usize, certs: usize) -> String {
    let mut s = format!(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} GmbH\"\n\n[profile]\ndisplay_name = \"{name}\"\ncountry = \"DE\"\n\n\
         [[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"server-cloud\"\ncontract_start = 2023-01-01\n[memberships.obligations]\nbasic-service-agreement = true\nvendor-named-with-follow-link = true\n\n\
         [[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\nperiod = \"2025\"\ncurrency = \"EUR\"\namount = \"{revenue}\"\n\n\
         [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"sales\"\ndate = 2024-03-01\n\n\
         [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"technical\"\ndate = 2024-03-01\n\n"
    );
    for i in 0..projects {
        s += &format!(
            "[[projects]]\nprogram = \"nospamproxy\"\nname = \"P{i}\"\ncompleted = 2025-05-0{}\n\n",
            i % 9 + 1
        );
    }
    for i in 0..certs {
        s += &format!("[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"T{i}\"\nkind = \"admin-training\"\ndate = 2025-02-01\n\n");
    }
    s
}

const PROG: &str = "programs/nospamproxy.toml";

#[test]
fn base_equal_to_head_has_no_effects() {
    let a = partner("acme", "Acme", "25000.00", 3, 1);
    let side = [(PROG, NSP), ("partners/acme.toml", a.as_str())];
    let r = run(&side, &side);
    assert_eq!(r.summary, Default::default());
    assert!(r.tier_changes.is_empty() && r.files.is_empty() && r.entitlement_changes.is_empty());
    assert_eq!(r.sentence(), "No changes to partner or program files.");
    assert_eq!(
        r.evaluated_partner_files, 0,
        "unchanged partners are not evaluated"
    );
    assert_eq!(render::markdown(&r, 65_000), "<!-- partnerctl:diff -->\n**partnerctl:** No changes to partner or program files.\n\n<sub>`base` → `head`, evaluated as of 2026-11-23</sub>\n\n");
}

#[test]
fn revenue_change_moves_a_partner_up_with_entitlements() {
    let before = partner("acme", "Acme", "19999.99", 3, 1);
    let after = partner("acme", "Acme", "20000.00", 3, 1);
    let other = partner("other", "Other", "2000.00", 1, 0);
    let r = run(
        &[
            (PROG, NSP),
            ("partners/acme.toml", &before),
            ("partners/other.toml", &other),
        ],
        &[
            (PROG, NSP),
            ("partners/acme.toml", &after),
            ("partners/other.toml", &other),
        ],
    );
    assert_eq!(
        r.evaluated_partner_files, 1,
        "only the changed partner file is evaluated"
    );
    assert_eq!(r.tier_changes.len(), 1);
    let c = &r.tier_changes[0];
    assert_eq!(
        (
            c.partner.as_str(),
            c.from.as_deref(),
            c.to.as_deref(),
            c.direction
        ),
        ("acme", Some("authorized"), Some("business"), TierMove::Up)
    );
    assert_eq!(c.because, vec!["revenue-20000 now met"]);
    let nfr = r
        .entitlement_changes
        .iter()
        .find(|e| e.id == "nfr-licence")
        .unwrap();
    assert_eq!(
        (nfr.from.as_deref(), nfr.to.as_deref()),
        (Some("25 users"), Some("50 users"))
    );
    let disc = r
        .entitlement_changes
        .iter()
        .find(|e| e.id == "new-licence-discount")
        .unwrap();
    assert_eq!(
        (disc.from.as_deref(), disc.to.as_deref()),
        (Some("20%"), Some("25%"))
    );
    // Reseller-only sale of Server (with an HSV) is an Authorized entitlement; Business does not
    // grant it.
    let resale = r
        .entitlement_changes
        .iter()
        .find(|e| e.id == "server-resale")
        .unwrap();
    assert_eq!((resale.from.is_some(), resale.to.is_none()), (true, true));
    assert_eq!(
        r.sentence(),
        "1 partner changes tier: 1 up, 0 down; 9 entitlement changes; 1 directory entry changes."
    );
    // The public entry: Business lists the partner with its logo, Authorized by name only.
    assert_eq!(r.listing.len(), 1);
    assert_eq!(
        (r.listing[0].partner.as_str(), r.listing[0].change),
        ("acme", "changed")
    );
    let public: Vec<(&str, Option<&str>, Option<&str>)> = r.listing[0]
        .fields
        .iter()
        .map(|f| (f.path.as_str(), f.from.as_deref(), f.to.as_deref()))
        .collect();
    assert_eq!(
        public,
        vec![
            (
                "programs[nospamproxy].listing",
                Some("listed"),
                Some("listed-with-logo")
            ),
            (
                "programs[nospamproxy].tier_name",
                Some("Authorized Partner"),
                Some("Business Partner")
            ),
        ]
    );
    let f = &r.files[0];
    assert_eq!(f.path, "partners/acme.toml");
    assert_eq!(f.fields.len(), 1);
    // Entry keys use only ids the program defines: dates, people and names stay confidential.
    assert_eq!(
        f.fields[0].path,
        "revenue[nospamproxy server-new-licences].amount"
    );
    assert_eq!(
        (f.fields[0].from.as_deref(), f.fields[0].to.as_deref()),
        (Some("(confidential)"), Some("(confidential)"))
    );
    assert_eq!(
        f.text_diff, None,
        "partner text diffs are confidential by default"
    );
}

#[test]
fn show_confidential_reveals_values_and_text_diffs() {
    let before = partner("acme", "Acme", "18000.00", 3, 1);
    let after = partner("acme", "Acme", "21000.00", 3, 1);
    let (b, h) = Dataset::pair(
        &snap(&[(PROG, NSP), ("partners/acme.toml", &before)]),
        &snap(&[(PROG, NSP), ("partners/acme.toml", &after)]),
    );
    let r = diff::diff(
        &b,
        &h,
        "base",
        "head",
        &DiffOptions {
            show_confidential: true,
            ..opts()
        },
    );
    let f = &r.files[0];
    assert_eq!(
        f.fields[0].path,
        "revenue[nospamproxy server-new-licences 2025].amount"
    );
    assert_eq!(
        (f.fields[0].from.as_deref(), f.fields[0].to.as_deref()),
        (Some("18000.00"), Some("21000.00"))
    );
    let text = f.text_diff.as_deref().unwrap();
    assert!(
        text.contains("-amount = \"18000.00\"\n+amount = \"21000.00\"\n"),
        "{text}"
    );
    assert!(text.starts_with("--- a/partners/acme.toml\n+++ b/partners/acme.toml\n"));
}

#[test]
fn diff_is_a_mirror_image_when_sides_swap() {
    let a1 = partner("acme", "Acme", "50000.00", 5, 2);
    let a2 = partner("acme", "Acme", "2000.00", 1, 0);
    let gone = partner("gone", "Gone", "2000.00", 1, 0);
    let broken = "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"zeta\"\nlegal_name = \"Z\"\n[profile]\ndisplay_name = \"Z\"\ncountry = \"DE\"\nbogus = 1\n";
    let fixed = partner("zeta", "Zeta", "2000.00", 1, 0);
    let a = [
        (PROG, NSP),
        ("partners/acme.toml", a1.as_str()),
        ("partners/gone.toml", gone.as_str()),
        ("partners/zeta.toml", broken),
    ];
    let b = [
        (PROG, NSP),
        ("partners/acme.toml", a2.as_str()),
        ("partners/zeta.toml", fixed.as_str()),
    ];
    let ab = run(&a, &b);
    let ba = run(&b, &a);
    assert_eq!(ab.tier_changes.len(), ba.tier_changes.len());
    for (x, y) in ab.tier_changes.iter().zip(&ba.tier_changes) {
        assert_eq!((&x.partner, &x.from, &x.to), (&y.partner, &y.to, &y.from));
        assert_eq!(x.direction.is_up(), !y.direction.is_up());
    }
    let swap = |v: &[diff::ValueChange]| {
        v.iter()
            .map(|c| {
                (
                    c.partner.clone(),
                    c.id.clone(),
                    c.to.clone(),
                    c.from.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let plain = |v: &[diff::ValueChange]| {
        v.iter()
            .map(|c| {
                (
                    c.partner.clone(),
                    c.id.clone(),
                    c.from.clone(),
                    c.to.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        plain(&ab.entitlement_changes),
        swap(&ba.entitlement_changes)
    );
    assert_eq!(
        ab.partners,
        vec![PartnerEvent::Removed {
            partner: "gone".into()
        }]
    );
    assert_eq!(
        ba.partners,
        vec![PartnerEvent::Added {
            partner: "gone".into()
        }]
    );
    assert_eq!((ab.summary.became_valid, ab.summary.became_invalid), (1, 0));
    assert_eq!((ba.summary.became_valid, ba.summary.became_invalid), (0, 1));
    let invalid = &ba.validation[0];
    assert_eq!(
        (invalid.file.as_str(), invalid.diagnostics[0].code.as_str()),
        ("partners/zeta.toml", "unknown-key")
    );
    assert_eq!(
        invalid.diagnostics[0].start.map(|s| (s.line, s.column)),
        Some((8, 1))
    );
    assert_eq!(ab.summary.up, ba.summary.down);
    assert_eq!(ab.summary.down, ba.summary.up);
}

#[test]
fn rename_is_detected() {
    let before = partner("acme", "Acme", "2000.00", 1, 0);
    let after = before.replace("id = \"acme\"", "id = \"acme-mail\"");
    let r = run(
        &[(PROG, NSP), ("partners/acme.toml", &before)],
        &[(PROG, NSP), ("partners/acme-mail.toml", &after)],
    );
    assert_eq!(
        r.partners,
        vec![PartnerEvent::Renamed {
            from: "acme".into(),
            to: "acme-mail".into()
        }]
    );
    assert_eq!(r.files[0].status, "renamed");
    assert_eq!(
        r.files[0].renamed_from.as_deref(),
        Some("partners/acme.toml")
    );
    assert_eq!(
        r.files[0]
            .fields
            .iter()
            .map(|f| f.path.as_str())
            .collect::<Vec<_>>(),
        vec!["id"]
    );
}

/// When a partner's file and its program's terms both change, the cause names the change that
/// gives the new tier on its own.
#[test]
fn cause_names_the_change_that_decides_when_file_and_terms_both_changed() {
    let cause_of = |base_partner: &str, head_partner: &str, head_program: &str| {
        let r = run(
            &[(PROG, NSP), ("partners/acme.toml", base_partner)],
            &[(PROG, head_program), ("partners/acme.toml", head_partner)],
        );
        assert_eq!(r.tier_changes.len(), 1, "{:?}", r.tier_changes);
        let c = &r.tier_changes[0];
        (c.to.clone().unwrap_or_default(), c.cause)
    };
    let raise = |from: &str, to: &str| {
        NSP.replace(
            &format!("at_least = {{ EUR = \"{from}\" }}"),
            &format!("at_least = {{ EUR = \"{to}\" }}"),
        )
    };
    use diff::Cause::{Both, PartnerFile, ProgramTerms};
    let acme = |name: &str, revenue: &str, projects: usize, certs: usize| {
        partner("acme", name, revenue, projects, certs)
    };
    let cases = [
        // One cent more revenue reaches Business; the cloud-only MRR change is beside the point.
        (
            acme("Acme", "19999.99", 3, 1),
            acme("Acme", "20000.00", 3, 1),
            raise("175.00", "180.00"),
            "business",
            PartnerFile,
        ),
        // A new display name changes nothing; the raised threshold drops Acme from Business.
        (
            acme("Acme", "20000.00", 3, 1),
            acme("Acme AG", "20000.00", 3, 1),
            raise("20000.00", "25000.00"),
            "authorized",
            ProgramTerms,
        ),
        // Premium needs both: 30,000 EUR of revenue and the threshold lowered to it.
        (
            acme("Acme", "20000.00", 5, 2),
            acme("Acme", "30000.00", 5, 2),
            raise("50000.00", "30000.00"),
            "premium",
            Both,
        ),
        // A file made invalid loses its tier whatever the terms say.
        (
            acme("Acme", "20000.00", 3, 1),
            acme("Acme", "20000.00", 3, 1).replace("kind = \"sales\"", "kind = 7"),
            raise("175.00", "180.00"),
            "",
            PartnerFile,
        ),
    ];
    for (i, (base, head, program, tier, cause)) in cases.iter().enumerate() {
        assert_eq!(
            cause_of(base, head, program),
            (tier.to_string(), *cause),
            "case {i}"
        );
    }
}

/// A change to one program can make a partner file invalid, and the partner then loses its
/// tier in every program: in the others too, the program change is the cause.
#[test]
fn a_program_change_that_invalidates_a_file_is_the_cause_in_every_program() {
    let other = NSP
        .replacen("id = \"nospamproxy\"", "id = \"other\"", 1)
        .replace("program = \"nospamproxy\"", "program = \"other\"");
    let renamed = other.replace("server-new-licences", "server-new-licences-x");
    let gamma = partner("gamma", "Gamma", "20000.00", 3, 1)
        + "[[memberships]]\nprogram = \"other\"\ntrack = \"server-cloud\"\n\n\
           [[revenue]]\nprogram = \"other\"\nproduct_line = \"server-new-licences\"\n\
           period = \"2025\"\ncurrency = \"EUR\"\namount = \"100.00\"\n";
    let r = run(
        &[
            (PROG, NSP),
            ("programs/other.toml", &other),
            ("partners/gamma.toml", &gamma),
        ],
        &[
            (PROG, NSP),
            ("programs/other.toml", &renamed),
            ("partners/gamma.toml", &gamma),
        ],
    );
    let changes: Vec<(&str, Option<&str>, diff::Cause)> = r
        .tier_changes
        .iter()
        .map(|c| (c.program.as_str(), c.from.as_deref(), c.cause))
        .collect();
    assert_eq!(
        changes,
        vec![("nospamproxy", Some("business"), diff::Cause::ProgramTerms)],
        "{:?}",
        r.validation
    );
}

#[test]
fn program_change_reports_blast_radius() {
    let a = partner("acme", "Acme", "20000.00", 3, 1);
    let b = partner("beta", "Beta", "3000.00", 1, 0);
    let raised = NSP.replace(
        "at_least = { EUR = \"20000.00\" }",
        "at_least = { EUR = \"25000.00\" }",
    );
    let r = run(
        &[
            (PROG, NSP),
            ("partners/acme.toml", &a),
            ("partners/beta.toml", &b),
        ],
        &[
            (PROG, raised.as_str()),
            ("partners/acme.toml", &a),
            ("partners/beta.toml", &b),
        ],
    );
    assert_eq!(r.programs.len(), 1);
    assert_eq!(r.programs[0].blast_radius, vec!["acme"]);
    let c = &r.tier_changes[0];
    assert_eq!(
        (c.partner.as_str(), c.direction, c.cause),
        ("acme", TierMove::Down, diff::Cause::ProgramTerms)
    );
    // The id still says 20000; the diff names the threshold the terms now set (issue #13).
    assert_eq!(
        c.because,
        vec!["revenue-20000 (at least 25,000.00 EUR) no longer met"]
    );
    assert_eq!(
        diff::tripped(&r, &[Gate::Downgrade, Gate::Removal, Gate::BlastRadius]),
        vec![Gate::Downgrade, Gate::BlastRadius]
    );
    let text = r
        .files
        .iter()
        .find(|f| f.path == PROG)
        .unwrap()
        .text_diff
        .as_deref()
        .unwrap();
    assert!(
        text.contains("-at_least = { EUR = \"20000.00\" }\n+at_least = { EUR = \"25000.00\" }\n")
    );
}

#[test]
fn effect_at_the_next_review_date() {
    // Revenue booked in 2026 changes nothing today (the review of 2026-01-01 judged 2025) but
    // lifts the partner at the review on 2027-01-01.
    let before = partner("acme", "Acme", "2000.00", 1, 0);
    let mut after = before.clone();
    after += "[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-services\"\ndate = 2026-06-01\ncurrency = \"EUR\"\namount = \"60000.00\"\n\n";
    for i in 0..5 {
        after += &format!(
            "[[projects]]\nprogram = \"nospamproxy\"\nname = \"N{i}\"\ncompleted = 2026-0{}-10\n\n",
            i + 1
        );
    }
    after += "[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"T\"\nkind = \"admin-training\"\ndate = 2026-02-01\n\n";
    let r = run(
        &[(PROG, NSP), ("partners/acme.toml", &before)],
        &[(PROG, NSP), ("partners/acme.toml", &after)],
    );
    assert!(r.tier_changes.is_empty());
    assert_eq!(r.future.len(), 1);
    let f = &r.future[0];
    assert_eq!(f.date.to_string(), "2027-01-01");
    assert_eq!(f.programs, vec!["nospamproxy"]);
    // Without the change there is no 2026 business at all; with it, Business (one certified
    // technician is not enough for Premium).
    assert_eq!(
        (
            f.tier_changes[0].from.as_deref(),
            f.tier_changes[0].to.as_deref()
        ),
        (None, Some("business"))
    );
    assert_eq!(f.tier_changes[0].direction, TierMove::Gained);
    assert_eq!(r.sentence(), "1 tier change at coming reviews.");
}

#[test]
fn untrusted_text_is_escaped_in_the_comment() {
    let name = "Evil | `code` ``` <script>alert(1)</script> @team #123";
    let before = partner("evil", "Evil", "2000.00", 1, 0);
    let after = partner("evil", name, "2000.00", 1, 0);
    let (b, h) = Dataset::pair(
        &snap(&[(PROG, NSP), ("partners/evil.toml", &before)]),
        &snap(&[(PROG, NSP), ("partners/evil.toml", &after)]),
    );
    let r = diff::diff(&b, &h, "base", "head", &opts());
    let md = render::markdown(&r, 65_000);
    let row = md
        .lines()
        .find(|l| l.starts_with("| `profile.display_name`"))
        .unwrap();
    assert_eq!(
        row.split('|').nth(3).unwrap().trim(),
        "Evil &#124; \\`code\\` \\`\\`\\` &lt;script&gt;alert(1)&lt;/script&gt; @\u{200B}team #\u{200B}123"
    );
    assert!(!md.contains("<script>"));
    assert!(!md.contains("@team"));
    assert!(!md.contains("#123"));
}

#[test]
fn comment_stays_under_githubs_limit() {
    // Thousands of changes: 3,000 partners drop when the Authorized threshold rises.
    let mut base: Vec<(String, String)> = vec![(PROG.into(), NSP.into())];
    for i in 0..3000 {
        base.push((
            format!("partners/p{i:04}.toml"),
            partner(
                &format!("p{i:04}"),
                &format!("Partner {i}"),
                "2000.00",
                1,
                0,
            ),
        ));
    }
    let mut head = base.clone();
    head[0].1 = NSP.replace(
        "at_least = { EUR = \"2000.00\" }",
        "at_least = { EUR = \"2500.00\" }",
    );
    let as_refs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let (b, h) = {
        let bs = as_refs(&base);
        let hs = as_refs(&head);
        let bv: Vec<(&str, &str)> = bs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let hv: Vec<(&str, &str)> = hs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        Dataset::pair(&snap(&bv), &snap(&hv))
    };
    let r = diff::diff(&b, &h, "base", "head", &opts());
    assert_eq!(r.summary.partners_changing_tier, 3000);
    assert_eq!(r.programs[0].blast_radius.len(), 3000);
    let md = render::markdown(&r, 65_000);
    assert!(md.len() <= 65_000, "{}", md.len());
    assert!(md.starts_with(
        "<!-- partnerctl:diff -->\n**partnerctl:** 3000 partners change tier: 0 up, 3000 down;"
    ));
    assert!(md.contains("### Tier changes"));
    assert!(
        md.contains("_Left out to stay under GitHub's comment limit: "),
        "{}",
        &md[md.len() - 400..]
    );
    // Without a limit everything is kept (the job summary).
    let full = render::markdown(&r, 0);
    assert!(full.len() > 65_000);
    assert!(!full.contains("Left out"));
}

// ---------------------------------------------------------------------------------------------
// CLI on temporary git repositories.

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "gc.auto=0",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn partnerctl(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_partnerctl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_diffs_the_working_tree_against_the_merge_base_of_main() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, PROG, NSP);
    write(
        dir,
        "partners/acme.toml",
        &partner("acme", "Acme", "20000.00", 3, 1),
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    git(dir, &["checkout", "-qb", "feature"]);
    write(
        dir,
        "partners/acme.toml",
        &partner("acme", "Acme", "19999.99", 3, 1),
    );
    git(dir, &["commit", "-qam", "lower revenue"]);
    // An untracked new partner in the working tree counts too.
    write(
        dir,
        "partners/newco.toml",
        &partner("newco", "NewCo", "2000.00", 1, 0),
    );

    let (code, out, err) = partnerctl(dir, &["diff", "--as-of", "2026-11-23", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["version"], 1);
    assert_eq!(j["head"], "working tree");
    assert_eq!(j["tier_changes"][0]["partner"], "acme");
    assert_eq!(j["tier_changes"][0]["direction"], "down");
    assert_eq!(j["tier_changes"][1]["partner"], "newco");
    assert_eq!(j["tier_changes"][1]["direction"], "gained");
    assert_eq!(j["partners"][0]["change"], "added");

    let (code, _, err) = partnerctl(
        dir,
        &["diff", "--as-of", "2026-11-23", "--fail-on", "downgrade"],
    );
    assert_eq!((code, err.as_str()), (1, "gate failed: downgrade\n"));
    let (code, _, _) = partnerctl(
        dir,
        &[
            "diff",
            "--as-of",
            "2026-11-23",
            "--fail-on",
            "invalid,removal",
        ],
    );
    assert_eq!(code, 0);
    // Explicit revisions: main..HEAD ignores the untracked file.
    let (code, out, _) = partnerctl(dir, &["diff", "main", "HEAD", "--as-of", "2026-11-23"]);
    assert_eq!(code, 0);
    let main = Command::new("git")
        .args(["rev-parse", "main"])
        .current_dir(dir)
        .output()
        .unwrap();
    let main = String::from_utf8(main.stdout).unwrap();
    let expected = format!(
        "main ({}) → HEAD (as of 2026-11-23): 1 partner changes tier: 0 up, 1 down;",
        &main[..12]
    );
    assert!(out.starts_with(&expected), "{out}");
    let (code, _, err) = partnerctl(dir, &["diff", "nope", "--as-of", "2026-11-23"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: unknown revision \"nope\""), "{err}");
}

#[test]
fn snapshots_of_table_markdown_and_json() {
    let a1 = partner("acme", "Acme Mail", "19999.99", 3, 1);
    let a2 = partner("acme", "Acme Mail", "20000.00", 3, 1);
    let b1 = partner("beta", "Beta IT", "2500.00", 1, 0);
    let r = run(
        &[
            (PROG, NSP),
            ("partners/acme.toml", &a1),
            ("partners/beta.toml", &b1),
        ],
        &[(PROG, NSP), ("partners/acme.toml", &a2)],
    );
    insta::assert_snapshot!("diff_table", render::terminal(&r));
    insta::assert_snapshot!("diff_markdown", render::markdown(&r, 65_000));
    insta::assert_snapshot!("diff_json", render::json(&r));
}

const RESELLER: &str = r#"api_version = "partnerctl/v1"
kind = "Program"
id = "reseller"
name = "Reseller"
vendor = "Hosting AG"
effective_from = 2025-01-01
currencies = ["CHF"]

[review]
cadence = "continuous"

[product_lines]
hosting = "Web hosting"

[access]
levels = ["restricted", "full"]
payment_means = ["customer", "partner"]
full_access_exclusive = true
restricted_distinct_products = true

[[tiers]]
id = "reseller"
name = "Reseller"

[[levels]]
tier = "reseller"
"#;

fn reseller(id: &str, customer: Option<&str>) -> String {
    let mut s = format!(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"{id}\"\nlegal_name = \"{id} SA\"\n\n[profile]\ndisplay_name = \"{id}\"\ncountry = \"CH\"\n\n[[memberships]]\nprogram = \"reseller\"\n\n"
    );
    if let Some(c) = customer {
        s += &format!("[[access_grants]]\nprogram = \"reseller\"\ncustomer = \"{c}\"\naccess = \"full\"\npayment = \"customer\"\n");
    }
    s
}

#[test]
fn cli_incremental_diff_sees_cross_file_conflicts_with_untouched_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "programs/reseller.toml", RESELLER);
    write(
        dir,
        "partners/alpha.toml",
        &reseller("alpha", Some("cust-7")),
    );
    for i in 0..20 {
        write(
            dir,
            &format!("partners/filler-{i}.toml"),
            &reseller(&format!("filler-{i}"), None),
        );
    }
    write(dir, "partners/bravo.toml", &reseller("bravo", None));
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    // Bravo now also claims full access to cust-7, and a new file reuses alpha's id in capitals.
    write(
        dir,
        "partners/bravo.toml",
        &reseller("bravo", Some("cust-7")),
    );
    write(dir, "partners/ALPHA.toml", &reseller("ALPHA", None));

    let (code, out, err) = partnerctl(
        dir,
        &[
            "diff",
            "--as-of",
            "2026-11-23",
            "--format",
            "json",
            "--fail-on",
            "invalid",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let invalid: Vec<(&str, Vec<&str>)> = j["validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let codes = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            (v["file"].as_str().unwrap(), codes)
        })
        .collect();
    assert_eq!(
        invalid,
        vec![
            ("partners/ALPHA.toml", vec!["duplicate-id"]),
            (
                "partners/alpha.toml",
                vec!["duplicate-id", "full-access-conflict"]
            ),
            ("partners/bravo.toml", vec!["full-access-conflict"]),
        ]
    );
    // Alpha's file did not change and no program did: its loss is another file's doing.
    let alpha: Vec<(&str, &str, &str)> = j["tier_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["partner"] == "alpha")
        .map(|t| {
            (
                t["program"].as_str().unwrap(),
                t["direction"].as_str().unwrap(),
                t["cause"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(alpha, vec![("reseller", "lost", "other_partner_file")]);
    // Only the touched files and the two that rules tie them to were evaluated, not the fillers.
    assert!(
        j["evaluated_partner_files"].as_u64().unwrap() <= 3,
        "{}",
        j["evaluated_partner_files"]
    );
}

#[test]
fn program_change_evaluates_only_that_programs_members_and_touched_files() {
    // `other` is a second program; gamma belongs only to it and its file is untouched, so a
    // change to NoSpamProxy cannot change gamma's outcome and gamma is not evaluated.
    let other = NSP
        .replacen("id = \"nospamproxy\"", "id = \"other\"", 1)
        .replace("program = \"nospamproxy\"", "program = \"other\"");
    let gamma = partner("gamma", "Gamma", "20000.00", 3, 1).replace("\"nospamproxy\"", "\"other\"");
    let a = partner("acme", "Acme", "20000.00", 3, 1);
    let b = partner("beta", "Beta", "3000.00", 1, 0);
    let raised = NSP.replace(
        "at_least = { EUR = \"20000.00\" }",
        "at_least = { EUR = \"25000.00\" }",
    );
    let side = |nsp: &str, other: &str| -> Vec<(String, String)> {
        [
            (PROG, nsp),
            ("programs/other.toml", other),
            ("partners/acme.toml", &a),
            ("partners/beta.toml", &b),
            ("partners/gamma.toml", &gamma),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
    };
    fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
        v.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect()
    }
    let diff_of =
        |base: &[(String, String)], head: &[(String, String)]| run(&refs(base), &refs(head));
    let base = side(NSP, &other);
    let r = diff_of(&base, &side(&raised, &other));
    assert_eq!(r.evaluated_partner_files, 2);
    assert_eq!(r.programs.len(), 1);
    assert_eq!(r.programs[0].program, "nospamproxy");
    assert_eq!(r.programs[0].blast_radius, vec!["acme"]);
    assert_eq!(r.tier_changes.len(), 1);
    assert_eq!(r.tier_changes[0].partner, "acme");
    // The same change to the other program reaches gamma, and only gamma.
    let other_raised = other.replace(
        "at_least = { EUR = \"20000.00\" }",
        "at_least = { EUR = \"25000.00\" }",
    );
    let r = diff_of(&base, &side(NSP, &other_raised));
    assert_eq!(r.evaluated_partner_files, 1);
    assert_eq!(r.programs[0].blast_radius, vec!["gamma"]);
}

#[test]
fn cli_diff_reports_an_empty_untracked_partner_file_as_invalid() {
    // The empty blob is in no object database: the file must not be looked up there.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, PROG, NSP);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    write(dir, "partners/empty.toml", "");
    let (code, out, err) = partnerctl(
        dir,
        &[
            "diff",
            "HEAD",
            "--as-of",
            "2026-11-23",
            "--format",
            "json",
            "--fail-on",
            "invalid",
        ],
    );
    assert_eq!((code, err.as_str()), (1, "gate failed: invalid\n"));
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["validation"][0]["file"], "partners/empty.toml");
    assert_eq!(j["validation"][0]["became_invalid"], true);
    assert_eq!(j["partners"][0]["change"], "added");
}
