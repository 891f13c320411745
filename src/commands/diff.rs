//! `partnerctl diff`

use std::process::ExitCode;

use super::{CmdResult, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::diff::{self, DiffOptions, Gate};
use crate::model::scalar::Date;
use crate::render::diff as render;
use crate::render::table::Fit;
use crate::source::{Repo, Side};

/// Show the effect of a change for review: partners added, removed or renamed; tier changes with
/// their cause; entitlement and fee changes; files that became invalid or valid; program-term
/// changes with their blast radius; tier changes at coming review dates; field-level changes and
/// text diffs of every touched file.
///
/// BASE defaults to the merge base of HEAD with the default branch (origin/main, else main); HEAD
/// defaults to the working tree including uncommitted and untracked files. Both sides are read
/// from git objects and evaluated as of the same date. Exit status: 0, or 1 when a `--fail-on`
/// gate trips; 2 on errors.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Base revision (default: merge base of HEAD with origin/main, else main).
    base: Option<String>,
    /// Head revision (default: the working tree).
    head: Option<String>,
    /// The partner-data repository (default: discovered from the current directory).
    #[arg(long, value_name = "DIR")]
    repo: Option<std::path::PathBuf>,
    /// Evaluate both sides as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// Exit 1 when any of these effects occur (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "EFFECT")]
    fail_on: Vec<Gate>,
    /// Show confidential values (revenue, contacts, approvals) in field changes and text diffs.
    #[arg(long)]
    show_confidential: bool,
    /// Markdown only: keep the comment under this many characters by dropping detail (0 = no limit).
    #[arg(long, value_name = "N", default_value_t = 65_000)]
    max_chars: usize,
    /// Months ahead to report effects at coming review dates.
    #[arg(long, value_name = "MONTHS", default_value_t = 12)]
    horizon: u32,
    /// Table only: do not fit tables to the terminal width (`COLUMNS` or the terminal's size).
    #[arg(long)]
    wide: bool,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Terminal tables.
    Table,
    /// The pull-request comment (GitHub Markdown, with a hidden sticky marker).
    Markdown,
    /// The stable JSON report described in the README.
    Json,
}

/// The default base: its commit id, and how it was chosen.
fn default_base(repo: &Repo) -> Result<(String, String), super::CommandError> {
    let git = repo.git()?;
    let head = repo.resolve("HEAD")?;
    for branch in ["origin/main", "main", "origin/master", "master"] {
        if let Ok(id) = repo.resolve(branch) {
            let base = git
                .merge_base(head, id)
                .map_err(|e| super::user_error(format!("merge base of HEAD and {branch}: {e}")))?;
            let note = match base {
                Some(_) => format!("merge base of HEAD and {branch}"),
                None => format!("{branch} (no merge base with HEAD)"),
            };
            return Ok((base.map_or(id, |b| b.detach()).to_string(), note));
        }
    }
    Err(super::user_error(
        "no default branch (origin/main or main) to diff against; name a BASE revision",
    ))
}

/// Run `diff`.
pub fn run(args: &DiffArgs) -> CmdResult {
    let dir = args.repo.clone().unwrap_or_else(|| ".".into());
    let repo = Repo::discover(&dir)?;
    let head_side = args.head.clone().map_or(Side::WorkTree, Side::Rev);
    // The base may predate the data (a first commit); the side under review may not.
    repo.require_data_dirs(&head_side)?;
    // The base as a commit id; the revision as named (or how it was chosen) is the note.
    let (base_rev, base_note) = match &args.base {
        Some(b) => match repo.resolve(b).map(|id| id.to_string()) {
            Ok(id) if id != *b => (id, Some(b.clone())),
            _ => (b.clone(), None),
        },
        None => default_base(&repo).map(|(id, note)| (id, Some(note)))?,
    };
    // The snapshots and datasets live until the process exits: freeing tens of thousands of
    // files and parsed records one by one would only delay the exit.
    let mut base_snap =
        std::mem::ManuallyDrop::new(repo.snapshot_lazy(&Side::Rev(base_rev.clone()))?);
    let mut head_snap = std::mem::ManuallyDrop::new(repo.snapshot_lazy(&head_side)?);
    let head_label = head_snap.label.clone();
    let as_of = args.as_of.unwrap_or_else(crate::clock::today);
    let (base, head) = Dataset::pair_incremental(&repo, &mut base_snap, &mut head_snap, as_of)?;
    let (base, head) = (
        std::mem::ManuallyDrop::new(base),
        std::mem::ManuallyDrop::new(head),
    );
    let opts = DiffOptions {
        as_of,
        show_confidential: args.show_confidential,
        horizon_months: args.horizon,
    };
    let mut report = diff::diff(&base, &head, &base_rev, &head_label, &opts);
    report.base_note = base_note;
    let text = match args.format {
        DiffFormat::Table => render::terminal_fit(&report, Fit::from_env(args.wide)),
        DiffFormat::Markdown => render::markdown(&report, args.max_chars),
        DiffFormat::Json => render::json(&report),
    };
    super::emit(text.as_bytes())?;
    let tripped = diff::tripped(&report, &args.fail_on);
    if tripped.is_empty() {
        Ok(ExitCode::from(EXIT_OK))
    } else {
        let names: Vec<String> = tripped.iter().map(|g| g.name()).collect();
        eprintln!("gate failed: {}", names.join(", "));
        Ok(ExitCode::from(EXIT_FINDINGS))
    }
}
