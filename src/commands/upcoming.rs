//! `partnerctl upcoming`

use std::process::ExitCode;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::model::scalar::Date;
use crate::upcoming::{self, render, Kind};

/// What needs attention in the coming days, across all partners, sorted by date: tiers, types
/// and statuses that change at the next review or when scheduled terms take effect (and why:
/// nothing recorded yet, or below the threshold), approvals, certifications, contracts and
/// memberships running out, onboarding trainings and goal reviews due or overdue.
///
/// Every line names the partner, the program, the date, what happens and the one thing that
/// would prevent it. No confidential value (amounts, people, approvers) is ever shown, so the
/// Markdown may be posted to an issue. Exit 0: it is a report — unless a `--fail-on` kind occurs.
#[derive(Debug, clap::Args)]
pub struct UpcomingArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Look from this date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// How far ahead to look: days (`90d`, `90`), weeks (`12w`) or months (`3m`).
    #[arg(long, value_name = "SPAN", default_value = "90d", value_parser = parse_within)]
    within: Within,
    /// Output format.
    #[arg(long, value_enum, default_value_t = UpcomingFormat::Table)]
    format: UpcomingFormat,
    /// The evidence file `links check --record FILE` keeps: each link not found at the last
    /// check becomes an item dated the day it was first seen missing ("missing since …").
    #[arg(long, value_name = "FILE")]
    links_evidence: Option<std::path::PathBuf>,
    /// Exit 1 when an item of any of these kinds is reported (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    fail_on: Vec<Kind>,
}

/// Output formats of `upcoming`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UpcomingFormat {
    /// A terminal table.
    Table,
    /// Markdown grouped by date (for the weekly issue).
    Markdown,
    /// The JSON document described in the README.
    Json,
    /// CSV, one row per item.
    Csv,
}

/// A span of days, weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// Days.
    Days(u32),
    /// Calendar months.
    Months(u32),
}

fn parse_within(s: &str) -> Result<Within, String> {
    let (n, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, "d"),
    };
    let n: u32 = n
        .parse()
        .map_err(|_| format!("expected a span like 90d, 12w or 3m, got {s:?}"))?;
    if n > 36_500 {
        return Err("at most 100 years ahead".into());
    }
    match unit {
        "d" => Ok(Within::Days(n)),
        "w" => Ok(Within::Days(n * 7)),
        "m" => Ok(Within::Months(n)),
        _ => Err(format!("expected a span like 90d, 12w or 3m, got {s:?}")),
    }
}

impl Within {
    fn after(self, d: Date) -> Date {
        match self {
            Within::Days(n) => d.add_days(i64::from(n)),
            Within::Months(n) => d.add_months(n as i32),
        }
    }
}

/// Run `upcoming`.
pub fn run(args: &UpcomingArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let as_of = args.as_of.unwrap_or_else(crate::clock::today);
    let ds = Dataset::from_snapshot_as_of(&snap, as_of);
    let catalog = ds.catalog();
    let partners: Vec<&crate::model::Partner> = (ds.partners.iter())
        .filter(|f| crate::skipped::is_valid(f))
        .filter_map(|f| f.record.as_ref())
        .collect();
    let mut report = upcoming::report(
        partners.iter().copied(),
        &catalog,
        as_of,
        args.within.after(as_of),
    );
    if let Some(path) = &args.links_evidence {
        let evidence = crate::links::evidence::read(path).map_err(super::user_error)?;
        let ids = partners.iter().map(|p| p.id.as_str()).collect();
        upcoming::add_link_items(&mut report, &evidence, &ids);
    }
    let text = match args.format {
        UpcomingFormat::Table => render::table(&report),
        UpcomingFormat::Markdown => render::markdown(&report),
        UpcomingFormat::Json => render::json(&report)?,
        UpcomingFormat::Csv => render::csv(&report)?,
    };
    super::emit(text.as_bytes())?;
    // The same lines as `eval` and `directory`; the exit status stays that of `--fail-on`, which
    // the scheduled workflow relies on.
    crate::skipped::SkippedReport::of(&ds, |_| true).write_to(&mut std::io::stderr().lock())?;
    if report.items.iter().any(|i| args.fail_on.contains(&i.kind)) {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_OK))
}
