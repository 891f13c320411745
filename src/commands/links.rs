//! `partnerctl links check`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::links::{self, FetchProblem, Finding, LinkResult};
use crate::model::scalar::Date;
use crate::model::Program;
use crate::render::{markdown, terminal};

/// Links partners owe on their websites.
#[derive(Debug, clap::Args)]
pub struct LinksArgs {
    #[command(subcommand)]
    command: LinksCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LinksCommand {
    Check(LinksCheckArgs),
}

/// Fetch each partner's public website (`profile.website`) and report, per program obligation
/// that declares a `verify` table, whether the link or badge is there: found, found-nofollow,
/// missing or unreachable (HTTP status, timeout, too large, not HTML, refused address).
///
/// One GET per partner (https first), at most 5 redirects, a time and size limit, and never to
/// loopback, private, link-local, CGNAT, multicast or metadata addresses. The result never
/// changes `check`'s verdict. Exit status: 0 when every obligation is found, 1 otherwise,
/// 2 on usage or internal errors.
#[derive(Debug, clap::Args)]
pub struct LinksCheckArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Only this partner (repeatable).
    #[arg(long, value_name = "ID")]
    partner: Vec<String>,
    /// Only this program (repeatable).
    #[arg(long, value_name = "ID")]
    program: Vec<String>,
    /// Websites fetched in parallel.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// Seconds allowed per website, redirects included.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u16).range(1..=300))]
    timeout: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LinksFormat::Table)]
    format: LinksFormat,
    /// Where the partner directory is published (e.g. https://partners.example.com/): badges
    /// then count only when served from there.
    #[arg(long, value_name = "URL")]
    site_url: Option<url::Url>,
    /// Merge the results into this evidence file (JSON; created if missing): each status with
    /// the date it was first seen.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Judge memberships and date the evidence as of this day (YYYY-MM-DD); default today.
    #[arg(long)]
    as_of: Option<Date>,
    /// Tests only: allow loopback addresses (a local test server); every other non-public range
    /// stays refused.
    #[arg(long, hide = true)]
    allow_loopback: bool,
}

/// Output formats of `links check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinksFormat {
    /// An aligned table for a terminal.
    Table,
    /// A GitHub-flavoured Markdown table (for an issue or job summary).
    Markdown,
    /// The typed results as JSON.
    Json,
}

/// Run `links`.
pub fn run(args: &LinksArgs) -> CmdResult {
    match &args.command {
        LinksCommand::Check(a) => check(a),
    }
}

fn check(args: &LinksCheckArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let today = args.as_of.unwrap_or_else(crate::clock::today);
    let ds = Dataset::from_snapshot_as_of(&snap, today);
    let partners: Vec<_> = ds
        .partners
        .iter()
        .filter_map(|l| l.record.as_ref())
        .collect();
    let programs = programs_in_force(&ds, today);
    let opts = links::Options {
        partners: args.partner.clone(),
        programs: args.program.clone(),
        concurrency: args.concurrency.into(),
        limits: links::Limits {
            timeout: Duration::from_secs(args.timeout.into()),
            allow_loopback: args.allow_loopback,
            ..links::Limits::default()
        },
        site_url: args.site_url.clone(),
        today: Some(today),
    };
    let results = links::check(&partners, &programs, &opts);
    if let Some(path) = &args.record {
        let old = links::evidence::read(path).map_err(super::user_error)?;
        let new = links::evidence::update(old, &results, today);
        links::evidence::write(path, &new).map_err(super::user_error)?;
    }
    let text = match args.format {
        LinksFormat::Table => table(&results, false),
        LinksFormat::Markdown => table(&results, true),
        LinksFormat::Json => serde_json::to_string_pretty(&results)? + "\n",
    };
    super::emit(text.as_bytes())?;
    let all_met = results.iter().all(|r| r.finding.is_met());
    Ok(ExitCode::from(if all_met {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }))
}

/// Per program id, the version in force on `today` (else the earliest scheduled one).
fn programs_in_force(ds: &Dataset, today: Date) -> Vec<&Program> {
    let mut by_id: std::collections::BTreeMap<&str, &Program> = Default::default();
    for p in ds.programs.iter().filter_map(|l| l.record.as_ref()) {
        let better = match by_id.get(p.id.as_str()) {
            None => true,
            Some(q) if p.effective_from <= today => {
                q.effective_from > today || p.effective_from > q.effective_from
            }
            Some(q) => q.effective_from > today && p.effective_from < q.effective_from,
        };
        if better {
            by_id.insert(p.id.as_str(), p);
        }
    }
    by_id.into_values().collect()
}

/// The results as a table; every cell escaped for where it is shown (the detail column holds
/// text from the partner's website or server).
fn table(results: &[LinkResult], markdown: bool) -> String {
    let esc = |s: &str| {
        if markdown {
            markdown::escape(s)
        } else {
            terminal::escape(s).into_owned()
        }
    };
    let mut b = Builder::default();
    b.push_record(["partner", "program", "obligation", "status", "detail"]);
    for r in results {
        let detail = match (&r.finding, markdown) {
            // A URL from the partner's page stays out of an issue comment (no autolinks there).
            (Finding::Found { .. } | Finding::FoundNofollow { .. }, true) => String::new(),
            (f, _) => detail(f),
        };
        b.push_record([
            esc(&r.partner),
            esc(&r.program),
            esc(&r.obligation),
            r.finding.kind().to_owned(),
            esc(&detail),
        ]);
    }
    let mut t = b.build();
    let mut out = if markdown {
        t.with(Style::markdown()).to_string()
    } else {
        t.with(Style::rounded()).to_string()
    };
    out.push('\n');
    out
}

/// The detail column: what was found, or why the page could not be checked.
pub fn detail(f: &Finding) -> String {
    match f {
        Finding::Found { url } | Finding::FoundNofollow { url } => url.clone(),
        Finding::Missing => String::new(),
        Finding::Unreachable { problem } => match problem {
            FetchProblem::HttpStatus { http_status } => format!("HTTP {http_status}"),
            FetchProblem::Timeout => "timed out".into(),
            FetchProblem::TooLarge { limit } => format!("page larger than {limit} bytes"),
            FetchProblem::NotHtml { content_type } => format!("not HTML ({content_type})"),
            FetchProblem::Refused { address, class } => {
                let class = serde_json::to_value(class).unwrap_or_default();
                format!(
                    "refused: {address} is a {} address",
                    class.as_str().unwrap_or("non-public")
                )
            }
            FetchProblem::TooManyRedirects => "too many redirects".into(),
            FetchProblem::TooComplex => "page too complex to parse in time".into(),
            FetchProblem::BadUrl { detail } => format!("bad website URL: {detail}"),
            FetchProblem::Error { detail } => detail.clone(),
        },
    }
}
