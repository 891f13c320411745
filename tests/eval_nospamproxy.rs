//! Golden evaluation tests for the NoSpamProxy program at every boundary, plus two test-only
//! programs written purely in TOML (a points score and a grace period).

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Evaluation, Quantity, TierBasis};
use partnerctl::model::scalar::Date;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

const NSP: &str = include_str!("../programs/nospamproxy.toml");

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
        blob_id: blob_id(text.as_bytes()),
    }
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// A NoSpamProxy partner file with the given membership track and extra TOML.
fn nsp_partner(track: &str, obligations: bool, body: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "p"
legal_name = "Testpartner GmbH"

[profile]
display_name = "Testpartner"
country = "DE"

[[memberships]]
program = "nospamproxy"
track = "{track}"
contract_start = 2023-01-01
[memberships.obligations]
basic-service-agreement = true
vendor-named-with-follow-link = {obligations}

{body}
"#
    )
}

fn revenue(amount: &str, date: &str) -> String {
    format!("[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\ndate = {date}\ncurrency = \"EUR\"\namount = \"{amount}\"\n\n")
}

fn mrr(amount: &str, month: &str) -> String {
    format!("[[recurring_revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"cloud-services\"\nmonth = \"{month}\"\ncurrency = \"EUR\"\namount = \"{amount}\"\n\n")
}

fn projects(n: usize, year: i32) -> String {
    (0..n).map(|i| format!("[[projects]]\nprogram = \"nospamproxy\"\nname = \"Project {i}\"\ncompleted = {year}-0{}-15\n\n", i % 9 + 1)).collect()
}

fn trainings() -> String {
    "[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"sales\"\ndate = 2024-03-01\n\n\
     [[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"technical\"\ndate = 2024-03-02\n\n"
        .into()
}

fn certs(dates: &[&str]) -> String {
    dates
        .iter()
        .enumerate()
        .map(|(i, date)| format!("[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"Tech {i}\"\nkind = \"admin-training\"\ndate = {date}\n\n"))
        .collect()
}

/// Load the program(s) and one partner, assert the data is valid, evaluate as of `as_of`.
fn eval_with(programs: &[(&str, &str)], partner: &str, as_of: &str) -> Evaluation {
    let mut files: Vec<SourceFile> = programs.iter().map(|(p, t)| file(p, t)).collect();
    files.push(file("partners/p.toml", partner));
    let snap = Snapshot {
        label: "test".into(),
        files,
        problems: vec![],
    };
    let ds = Dataset::from_snapshot(&snap);
    // Versions here raise thresholds without renaming the requirements that state them: that
    // warning (`stale-requirement-name`) is tested in `requirement_names.rs`.
    let problems: Vec<_> = ds
        .diagnostics()
        .into_iter()
        .filter(|d| d.code != "stale-requirement-name")
        .collect();
    assert_eq!(problems, vec![], "test data must be valid");
    let catalog = ds.catalog();
    let partners = ds.partners.iter().filter_map(|f| f.record.as_ref());
    let mut evals = evaluate::evaluate_all(partners, &catalog, d(as_of));
    assert_eq!(evals.len(), 1);
    evals.remove(0)
}

fn eval(partner: &str, as_of: &str) -> Evaluation {
    eval_with(&[("programs/nospamproxy.toml", NSP)], partner, as_of)
}

fn tier(ev: &Evaluation) -> Option<&str> {
    ev.tier.as_deref()
}

fn entitlement(ev: &Evaluation, id: &str) -> Option<String> {
    ev.entitlements
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.display.clone())
}

const AS_OF: &str = "2026-11-23";

#[test]
fn authorized_revenue_threshold_is_inclusive() {
    let body = format!(
        "{}{}{}",
        revenue("2000.00", "2025-06-30"),
        projects(1, 2025),
        trainings()
    );
    let ev = eval(&nsp_partner("server-cloud", false, &body), AS_OF);
    assert_eq!(tier(&ev), Some("authorized"));
    assert_eq!(ev.review.date, d("2026-01-01"));

    let body = format!(
        "{}{}{}",
        revenue("1999.99", "2025-06-30"),
        projects(1, 2025),
        trainings()
    );
    let ev = eval(&nsp_partner("server-cloud", false, &body), AS_OF);
    assert_eq!(tier(&ev), None);
    let gap = ev.next_tier.unwrap();
    assert_eq!(gap.tier, "authorized");
    assert_eq!(
        partnerctl::render::explain::missing(&gap),
        vec!["0.01 EUR more revenue in 2025"]
    );
}

#[test]
fn business_and_premium_revenue_thresholds() {
    let business = |amount: &str| {
        let body = format!(
            "{}{}{}{}",
            revenue(amount, "2025-11-30"),
            projects(3, 2025),
            trainings(),
            certs(&["2025-02-01"])
        );
        eval(&nsp_partner("server-cloud", true, &body), AS_OF)
    };
    assert_eq!(tier(&business("20000.00")), Some("business"));
    assert_eq!(tier(&business("19999.99")), Some("authorized"));

    let premium = |amount: &str| {
        let body = format!(
            "{}{}{}{}",
            revenue(amount, "2025-11-30"),
            projects(5, 2025),
            trainings(),
            certs(&["2025-02-01", "2024-06-01"])
        );
        eval(&nsp_partner("server-cloud", true, &body), AS_OF)
    };
    let ev = premium("50000.00");
    assert_eq!(tier(&ev), Some("premium"));
    assert_eq!(ev.next_tier, None);
    let ev = premium("49999.99");
    assert_eq!(tier(&ev), Some("business"));
    assert_eq!(
        partnerctl::render::explain::gap_sentence(&ev.next_tier.unwrap()),
        "Premium Partner: needs 0.01 EUR more revenue in 2025"
    );
}

#[test]
fn one_project_short_of_business() {
    let body = format!(
        "{}{}{}{}",
        revenue("25000.00", "2025-03-01"),
        projects(2, 2025),
        trainings(),
        certs(&["2025-02-01"])
    );
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert_eq!(tier(&ev), Some("authorized"));
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["1 more realized project in 2025"]
    );
}

#[test]
fn certification_one_day_past_two_year_validity_does_not_count() {
    // The review on 2026-01-01 counts certifications valid that day: one from 2024-01-02 is valid
    // until 2026-01-01 inclusive; one from 2024-01-01 expired on 2026-01-01.
    let with_cert = |date: &str| {
        let body = format!(
            "{}{}{}{}",
            revenue("20000.00", "2025-03-01"),
            projects(3, 2025),
            trainings(),
            certs(&[date])
        );
        eval(&nsp_partner("server-cloud", true, &body), AS_OF)
    };
    assert_eq!(tier(&with_cert("2024-01-02")), Some("business"));
    let ev = with_cert("2024-01-01");
    assert_eq!(tier(&ev), Some("authorized"));
    let business = ev.tiers.iter().find(|q| q.id == "business").unwrap();
    let cert = business
        .requirements
        .iter()
        .find(|r| r.id == "certified-1")
        .unwrap();
    assert_eq!((cert.met, &cert.actual), (false, &Quantity::Count(0)));
    assert!(ev.warnings.iter().any(|w| w.code == "certification-expired"
        && w.message == "admin-training of Tech 0 expired on 2026-01-01"));
}

#[test]
fn certification_expiring_soon_is_warned() {
    let body = format!(
        "{}{}{}{}",
        revenue("20000.00", "2025-03-01"),
        projects(3, 2025),
        trainings(),
        certs(&["2025-01-15"])
    );
    let ev = eval(&nsp_partner("server-cloud", true, &body), "2026-11-23");
    assert!(
        ev.warnings
            .iter()
            .any(|w| w.code == "certification-expiring"
                && w.message == "admin-training of Tech 0 expires on 2027-01-15 (in 53 days)"),
        "{:?}",
        ev.warnings
    );
}

#[test]
fn current_year_revenue_is_not_counted_by_a_review_of_the_previous_year() {
    let body = format!(
        "{}{}{}",
        revenue("90000.00", "2026-01-01"),
        projects(5, 2026),
        trainings()
    );
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert_eq!(tier(&ev), None);
    let auth = &ev.tiers[0];
    let rev = auth
        .requirements
        .iter()
        .find(|r| r.id == "revenue-2000")
        .unwrap();
    assert_eq!(rev.actual, Quantity::Money(Default::default()));
    // From the next review on, 2026 is the year judged.
    let ev = eval(&nsp_partner("server-cloud", true, &body), "2027-01-01");
    assert_eq!(ev.review.window.start, d("2026-01-01"));
    assert_eq!(
        tier(&ev),
        Some("authorized"),
        "premium also needs certified technicians and the website link"
    );
}

#[test]
fn period_entries_count_only_when_inside_the_window() {
    let entry = "[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-maintenance\"\nperiod = \"2025\"\ncurrency = \"EUR\"\namount = \"2000.00\"\n\n";
    let ev = eval(
        &nsp_partner(
            "server-cloud",
            false,
            &format!("{entry}{}{}", projects(1, 2025), trainings()),
        ),
        AS_OF,
    );
    assert_eq!(tier(&ev), Some("authorized"));
    let quarter = entry.replace("\"2025\"", "\"2026-Q1\"");
    let ev = eval(
        &nsp_partner(
            "server-cloud",
            false,
            &format!("{quarter}{}{}", projects(1, 2025), trainings()),
        ),
        AS_OF,
    );
    assert_eq!(tier(&ev), None);
}

#[test]
fn cloud_only_track_is_judged_on_december_mrr() {
    let cloud = |amount: &str, projects_n: usize, certs_list: &[&str]| {
        let videos = "[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"A\"\nkind = \"cloud-video\"\ndate = 2025-01-10\n\n";
        let body = format!(
            "{}{}{}{}",
            mrr(amount, "2025-12"),
            projects(projects_n, 2025),
            videos,
            certs(certs_list)
        );
        eval(&nsp_partner("cloud-only", true, &body), AS_OF)
    };
    assert_eq!(tier(&cloud("175.00", 1, &[])), Some("authorized"));
    assert_eq!(tier(&cloud("174.99", 1, &[])), None);
    assert_eq!(
        tier(&cloud("2000.00", 3, &["2025-05-01"])),
        Some("business")
    );
    assert_eq!(
        tier(&cloud("1999.99", 3, &["2025-05-01"])),
        Some("authorized")
    );
    assert_eq!(
        tier(&cloud("4000.00", 5, &["2025-05-01", "2025-05-02"])),
        Some("premium")
    );
    assert_eq!(
        tier(&cloud("3999.99", 5, &["2025-05-01", "2025-05-02"])),
        Some("business")
    );
    // November's MRR does not count: the last month of the review year is December.
    let body = format!("{}{}", mrr("5000.00", "2025-11"), projects(1, 2025));
    assert_eq!(
        tier(&eval(&nsp_partner("cloud-only", true, &body), AS_OF)),
        None
    );
}

#[test]
fn entitlements_of_every_tier_and_track() {
    // (track, tier, new-licence, maintenance, cloud, nfr, budget, leads, listing, csm)
    type Row = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
    );
    let rows: [Row; 6] = [
        (
            "server-cloud",
            "authorized",
            Some("20%"),
            Some("20%"),
            "10%",
            "25 users",
            None,
            None,
            "listed",
            None,
        ),
        (
            "server-cloud",
            "business",
            Some("25%"),
            Some("20%"),
            "15%",
            "50 users",
            Some("1,000.00 EUR per year"),
            Some("yes"),
            "listed with logo",
            None,
        ),
        (
            "server-cloud",
            "premium",
            Some("30%"),
            Some("20%"),
            "20%",
            "75 users",
            Some("2,000.00 EUR per year"),
            Some("yes"),
            "listed with logo",
            None,
        ),
        (
            "cloud-only",
            "authorized",
            None,
            None,
            "10%",
            "25 users",
            None,
            None,
            "listed",
            Some("yes"),
        ),
        (
            "cloud-only",
            "business",
            None,
            None,
            "15%",
            "50 users",
            Some("1,000.00 EUR per year"),
            Some("yes"),
            "listed with logo",
            Some("yes"),
        ),
        (
            "cloud-only",
            "premium",
            None,
            None,
            "20%",
            "75 users",
            Some("2,000.00 EUR per year"),
            Some("yes"),
            "listed with logo",
            Some("yes"),
        ),
    ];
    for (track, want_tier, new, maint, cloud, nfr, budget, leads, listing, csm) in rows {
        // Force the tier with an active override so every tier's grants are checked.
        let body = format!(
            "[[approvals]]\nprogram = \"nospamproxy\"\ntier = \"{want_tier}\"\napproved_by = \"Test\"\ndate = 2026-01-01\nreason = \"test\"\n"
        );
        let ev = eval(&nsp_partner(track, true, &body), AS_OF);
        assert_eq!(tier(&ev), Some(want_tier));
        assert!(matches!(ev.tier_basis, Some(TierBasis::Override { .. })));
        let got = |id| entitlement(&ev, id);
        assert_eq!(
            got("new-licence-discount").as_deref(),
            new,
            "{track} {want_tier}"
        );
        assert_eq!(
            got("maintenance-discount").as_deref(),
            maint,
            "{track} {want_tier}"
        );
        assert_eq!(
            got("cloud-discount").as_deref(),
            Some(cloud),
            "{track} {want_tier}"
        );
        assert_eq!(
            got("nfr-licence").as_deref(),
            Some(nfr),
            "{track} {want_tier}"
        );
        assert_eq!(
            got("marketing-budget").as_deref(),
            budget,
            "{track} {want_tier}"
        );
        assert_eq!(got("leads").as_deref(), leads, "{track} {want_tier}");
        assert_eq!(
            got("directory-listing").as_deref(),
            Some(listing),
            "{track} {want_tier}"
        );
        assert_eq!(
            got("customer-success-management").as_deref(),
            csm,
            "{track} {want_tier}"
        );
        assert_eq!(got("support-calls").as_deref(), Some("5 calls per year"));
        assert_eq!(
            got("own-use-licences").as_deref(),
            Some("10 units 99.00 EUR, 25 units 249.00 EUR, 50 units 479.00 EUR, 100 units 949.00 EUR per year")
        );
    }
}

#[test]
fn managed_service_partner_needs_an_approval_and_gets_benefits_by_revenue() {
    let approval = |expires: &str| {
        format!(
            "[[approvals]]\nprogram = \"nospamproxy\"\nstatus = \"managed-service-partner\"\napproved_by = \"J. Berger\"\ndate = 2025-06-01\nreason = \"MSP contract\"\n{expires}\n"
        )
    };
    // Revenue at the Premium threshold, no projects or trainings: no tier, but MSP with Premium benefits.
    let body = format!("{}{}", revenue("50000.00", "2025-05-01"), approval(""));
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert_eq!(tier(&ev), None);
    assert_eq!(ev.statuses, vec!["managed-service-partner"]);
    assert_eq!(
        entitlement(&ev, "new-licence-discount").as_deref(),
        Some("30%")
    );
    assert_eq!(entitlement(&ev, "msp-licences").as_deref(), Some("yes"));
    assert_eq!(
        ev.entitlements
            .iter()
            .find(|e| e.id == "nfr-licence")
            .unwrap()
            .source,
        "status managed-service-partner (benefits of premium)"
    );
    // Business-level revenue: Business benefits.
    let body = format!("{}{}", revenue("20000.00", "2025-05-01"), approval(""));
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert_eq!(
        entitlement(&ev, "new-licence-discount").as_deref(),
        Some("25%")
    );
    // Without the approval, no status at all.
    let body = revenue("50000.00", "2025-05-01");
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert!(ev.statuses.is_empty());
    assert_eq!(entitlement(&ev, "msp-licences"), None);
    // An expired approval stops counting and is reported.
    let body = format!(
        "{}{}",
        revenue("50000.00", "2025-05-01"),
        approval("expires = 2026-06-30")
    );
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert!(ev.statuses.is_empty());
    assert!(ev.warnings.iter().any(|w| w.code == "approval-expired"));
}

#[test]
fn expired_override_stops_counting() {
    let body = format!(
        "{}{}{}[[approvals]]\nprogram = \"nospamproxy\"\ntier = \"premium\"\napproved_by = \"K. Vogel\"\ndate = 2025-01-01\nreason = \"strategic\"\nexpires = 2026-03-31\n",
        revenue("2500.00", "2025-02-01"),
        projects(1, 2025),
        trainings()
    );
    let ev = eval(&nsp_partner("server-cloud", false, &body), AS_OF);
    assert_eq!(tier(&ev), Some("authorized"));
    assert_eq!(ev.tier_basis, Some(TierBasis::Requirements));
    assert_eq!(ev.warnings.iter().find(|w| w.code == "override-expired").unwrap().message, "override to tier `premium` by K. Vogel expired on 2026-03-31; the tier follows the requirements");
    // The same override before its expiry decides the tier.
    let ev = eval(&nsp_partner("server-cloud", false, &body), "2026-03-30");
    assert_eq!(tier(&ev), Some("premium"));
}

#[test]
fn requirement_waiver_by_approval() {
    let body = format!(
        "{}{}{}{}[[approvals]]\nprogram = \"nospamproxy\"\nrequirement = \"projects-3\"\napproved_by = \"K. Vogel\"\ndate = 2025-12-01\nreason = \"large single project\"\n",
        revenue("20000.00", "2025-02-01"),
        projects(1, 2025),
        trainings(),
        certs(&["2025-02-01"])
    );
    let ev = eval(&nsp_partner("server-cloud", true, &body), AS_OF);
    assert_eq!(tier(&ev), Some("business"));
    let r = ev.tiers[1]
        .requirements
        .iter()
        .find(|r| r.id == "projects-3")
        .unwrap();
    assert_eq!((r.met, r.waived_by.as_deref()), (true, Some("K. Vogel")));
}

const POINTS: &str = include_str!("eval_fixtures/capability-score.toml");

fn points_partner(customers: usize, usage: &str, certified: usize, deployments: usize) -> String {
    let mut s = String::from(
        "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P Inc.\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"US\"\n\n[[memberships]]\nprogram = \"capability-score\"\n\n",
    );
    for i in 0..customers {
        s += &format!("[[access_grants]]\nprogram = \"capability-score\"\ncustomer = \"c{i}\"\naccess = \"full\"\n\n");
    }
    s += &format!("[[revenue]]\nprogram = \"capability-score\"\nproduct_line = \"cloud\"\ndate = 2026-05-01\ncurrency = \"USD\"\namount = \"{usage}\"\n\n");
    for i in 0..certified {
        s += &format!("[[trainings]]\nprogram = \"capability-score\"\nperson = \"e{i}\"\nkind = \"advanced\"\ndate = 2025-02-01\n\n");
    }
    for i in 0..deployments {
        s += &format!("[[projects]]\nprogram = \"capability-score\"\nname = \"d{i}\"\ncompleted = 2026-03-0{}\n\n", i % 9 + 1);
    }
    s
}

#[test]
fn points_program_needs_no_code_change() {
    let programs = [("programs/capability-score.toml", POINTS)];
    // 10 customers = 20, 100,000 USD = 30, 2 of 4 people = 12.5, 2 of 5 deployments = 10 → 72.5.
    let ev = eval_with(&programs, &points_partner(10, "100000.00", 2, 2), AS_OF);
    assert_eq!(tier(&ev), Some("solutions-partner"));
    let score = &ev.tiers[0].requirements[0];
    assert_eq!(score.actual, Quantity::Points("72.5".parse().unwrap()));
    // 6 customers = 12 → 64.5 points: short by 5.5.
    let ev = eval_with(&programs, &points_partner(6, "100000.00", 2, 2), AS_OF);
    assert_eq!(tier(&ev), None);
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["5.5 more points"]
    );
    // Partial credit in several components: 20 + 22.5 + 18.75 + 10 = 71.25.
    let ev = eval_with(&programs, &points_partner(10, "75000.00", 3, 2), AS_OF);
    assert_eq!(
        ev.tiers[0].requirements[0].actual,
        Quantity::Points("71.25".parse().unwrap())
    );
    assert_eq!(tier(&ev), Some("solutions-partner"));
    // Zero in one component fails even above 70 points.
    let ev = eval_with(&programs, &points_partner(10, "100000.00", 4, 0), AS_OF);
    assert_eq!(
        ev.tiers[0].requirements[0].actual,
        Quantity::Points("75".parse().unwrap())
    );
    assert_eq!(
        tier(&ev),
        None,
        "more than 0 points are needed in every component"
    );
}

#[test]
fn points_threshold_is_inclusive() {
    let programs = [("programs/capability-score.toml", POINTS)];
    // 10 customers (20) + 50,000 USD (15) + 4 people (25) + 2 deployments (10) = exactly 70.
    let ev = eval_with(&programs, &points_partner(10, "50000.00", 4, 2), AS_OF);
    assert_eq!(
        ev.tiers[0].requirements[0].actual,
        Quantity::Points("70".parse().unwrap())
    );
    assert_eq!(tier(&ev), Some("solutions-partner"));
    // One cent less usage: 14.99 points for usage → 69.99.
    let ev = eval_with(&programs, &points_partner(10, "49983.33", 4, 2), AS_OF);
    assert_eq!(
        ev.tiers[0].requirements[0].actual,
        Quantity::Points("69.99".parse().unwrap())
    );
    assert_eq!(tier(&ev), None);
}

const GRACE: &str = include_str!("eval_fixtures/grace-program.toml");

#[test]
fn grace_period_delays_a_downgrade() {
    let partner = |months: &[(&str, &str)]| {
        let mut s = String::from(
            "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"p\"\nlegal_name = \"P Inc.\"\n\n[profile]\ndisplay_name = \"P\"\ncountry = \"US\"\n\n[[memberships]]\nprogram = \"grace-program\"\n\n",
        );
        for (m, a) in months {
            s += &format!("[[recurring_revenue]]\nprogram = \"grace-program\"\nproduct_line = \"subscriptions\"\nmonth = \"{m}\"\ncurrency = \"USD\"\namount = \"{a}\"\n\n");
        }
        s
    };
    let programs = [("programs/grace-program.toml", GRACE)];
    // Gold on the Q2 figure (June MRR 12,000); Q3 ends at 8,000 in September.
    let p = partner(&[("2026-06", "12000.00"), ("2026-09", "8000.00")]);
    let ev = eval_with(&programs, &p, "2026-08-15");
    assert_eq!(
        (tier(&ev), &ev.tier_basis),
        (Some("gold"), &Some(TierBasis::Requirements))
    );
    // On 2026-10-15 the previous quarter (Q3) no longer qualifies, but gold was held on
    // 2026-09-15, so it is kept until 2026-12-14.
    let ev = eval_with(&programs, &p, "2026-10-15");
    assert_eq!(tier(&ev), Some("gold"));
    assert_eq!(
        ev.tier_basis,
        Some(TierBasis::Grace {
            until: d("2026-12-14")
        })
    );
    assert_eq!(entitlement(&ev, "tier-discount").as_deref(), Some("20%"));
    // After the grace period the downgrade takes effect.
    let ev = eval_with(&programs, &p, "2027-01-15");
    assert_eq!(tier(&ev), None);
}

#[test]
fn scheduled_terms_apply_from_their_effective_date() {
    // A scheduled version raises the Authorized revenue threshold from 2027 on.
    let v2027 = NSP
        .replace("effective_from = 2024-01-01", "effective_from = 2027-01-01")
        .replace(
            "at_least = { EUR = \"2000.00\" }",
            "at_least = { EUR = \"3000.00\" }",
        );
    let programs = [
        ("programs/nospamproxy.toml", NSP),
        ("programs/nospamproxy@2027-01-01.toml", v2027.as_str()),
    ];
    let body = format!(
        "{}{}{}{}",
        revenue("2500.00", "2025-06-30"),
        revenue("2500.00", "2026-06-30"),
        projects(1, 2025),
        projects(1, 2026)
    );
    let body = body + &trainings();
    let p = nsp_partner("server-cloud", false, &body);
    let ev = eval_with(&programs, &p, "2026-12-31");
    assert_eq!(
        (ev.terms_effective_from, tier(&ev)),
        (d("2024-01-01"), Some("authorized"))
    );
    let ev = eval_with(&programs, &p, "2027-01-01");
    assert_eq!(
        (ev.terms_effective_from, tier(&ev)),
        (d("2027-01-01"), None)
    );
    assert_eq!(
        partnerctl::render::explain::missing(&ev.next_tier.unwrap()),
        vec!["500.00 EUR more revenue in 2026"]
    );
}

#[test]
fn revenue_in_an_unmeasured_currency_is_not_counted_and_warned() {
    let chf = "[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\ndate = 2025-04-01\ncurrency = \"CHF\"\namount = \"90000.00\"\n\n";
    let p = nsp_partner(
        "server-cloud",
        false,
        &format!("{chf}{}{}", projects(1, 2025), trainings()),
    );
    let mut files = vec![
        file("programs/nospamproxy.toml", NSP),
        file("partners/p.toml", &p),
    ];
    let snap = Snapshot {
        label: "t".into(),
        files: std::mem::take(&mut files),
        problems: vec![],
    };
    let ds = Dataset::from_snapshot(&snap);
    let diags = ds.diagnostics();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].code.as_str(), diags[0].severity),
        (
            "unmeasured-currency",
            partnerctl::diagnostic::Severity::Warning
        )
    );
    assert_eq!(
        diags[0].message,
        "program `nospamproxy` does not measure CHF; this amount is never counted"
    );
    let catalog = ds.catalog();
    let ev = &evaluate::evaluate_all(
        ds.partners.iter().filter_map(|f| f.record.as_ref()),
        &catalog,
        d(AS_OF),
    )[0];
    assert_eq!(tier(ev), None, "CHF is never converted to EUR");
    assert!(ev.warnings.iter().any(|w| w.code == "unmeasured-currency"
        && w.message == "amounts in CHF are not counted: the program measures EUR"));
}
