//! `partnerctl history`

use std::process::ExitCode;

use super::{CmdResult, EXIT_OK};
use crate::history::{self, cache::DiffCache, render, Filter};
use crate::model::scalar::Date;
use crate::source::Repo;

/// The timeline of each partner's standing over the repository's history: one row per change of
/// tier, partner types, statuses or entitlements in a program, with the day it took effect, the
/// commit behind it and the cause. `commit` rows come from a change of the data (the partner
/// file, the program terms); `calendar` rows from a date that made the same data mean something
/// else (a review, scheduled terms taking effect, an approval or certification expiring).
///
/// Reads the first-parent history of HEAD (or of `--until REV`) from git objects; renamed partner
/// files keep their history. In a shallow clone, a note says where the history is cut.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only these partners (any id they ever had).
    #[arg(value_name = "PARTNER")]
    partners: Vec<String>,
    /// The partner-data repository (default: discovered from the current directory).
    #[arg(long, value_name = "DIR")]
    repo: Option<std::path::PathBuf>,
    /// Only this program (repeatable).
    #[arg(long, value_name = "ID")]
    program: Vec<String>,
    /// Only changes on or after this date (YYYY-MM-DD), or after this revision.
    #[arg(long, value_name = "DATE|REV")]
    since: Option<String>,
    /// The history up to this date (YYYY-MM-DD; default today) or revision (calendar events up
    /// to today).
    #[arg(long, value_name = "DATE|REV")]
    until: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    format: HistoryFormat,
    /// Neither read nor write the cache of tree diffs in the git directory
    /// (`.git/partnerctl/history-tree-diffs-v1`), which spares later runs re-reading every
    /// version of `partners/`. The output is the same either way.
    #[arg(long)]
    no_cache: bool,
}

/// Output formats of `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    /// A terminal table.
    Table,
    /// A Markdown table.
    Markdown,
    /// The JSON document described in the README.
    Json,
    /// CSV, one row per event.
    Csv,
}

/// Run `history`.
pub fn run(args: &HistoryArgs) -> CmdResult {
    let dir = args.repo.clone().unwrap_or_else(|| ".".into());
    let repo = Repo::discover(&dir)?;
    let git = repo.git()?;
    let date = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<Date>().ok());
    let (until_date, tip_rev) = match (&args.until, date(&args.until)) {
        (_, Some(d)) => (d, "HEAD".to_owned()),
        (Some(rev), None) => (crate::clock::today(), rev.clone()),
        (None, None) => (crate::clock::today(), "HEAD".to_owned()),
    };
    let tip = repo.resolve(&tip_rev)?;
    let mut filter = Filter {
        partners: args.partners.clone(),
        programs: args.program.clone(),
        since: date(&args.since),
        since_commit: None,
    };
    let mut cache = if args.no_cache {
        DiffCache::in_memory()
    } else {
        DiffCache::open(git.common_dir())
    };
    let timeline = history::build(git, tip, &mut cache, |ids| filter.wants_partner(ids))?;
    if let (Some(rev), None) = (&args.since, filter.since) {
        let id = repo.resolve(rev)?;
        let short = id.to_hex().to_string();
        // The last data commit at or before REV: events of later commits are shown.
        let walked = history::walk::walk(git, id, &mut cache)?;
        let last = walked.commits.last().map(|c| c.info.id.clone());
        filter.since_commit = Some(
            last.and_then(|l| timeline.commits.iter().position(|c| c.id == l))
                .ok_or_else(|| {
                    super::user_error(format!(
                        "--since {rev}: {short} is not on the first-parent history"
                    ))
                })?,
        );
    }
    cache.save();
    check_known(&timeline, &filter).map_err(super::user_error)?;
    let report = history::report(&timeline, &filter, until_date);
    let report = history::Report {
        partners: report
            .partners
            .into_iter()
            .map(|mut p| {
                p.events.retain(|e| e.date <= until_date);
                p
            })
            .filter(|p| !p.events.is_empty())
            .collect(),
        ..report
    };
    let text = match args.format {
        HistoryFormat::Table => render::table(&report),
        HistoryFormat::Markdown => render::markdown(&report),
        HistoryFormat::Json => render::json(&report)?,
        HistoryFormat::Csv => render::csv(&report)?,
    };
    super::emit(text.as_bytes())?;
    Ok(ExitCode::from(EXIT_OK))
}

/// A partner named on the command line must have existed at some point.
fn check_known(t: &history::Timeline, f: &Filter) -> Result<(), String> {
    for p in &f.partners {
        if !t
            .identities
            .iter()
            .any(|i| i.ids.iter().any(|x| &x.id == p))
        {
            return Err(format!("no partner `{p}` in the history"));
        }
    }
    Ok(())
}
