//! `partnerctl eval`

use std::io::Write;
use std::process::ExitCode;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::diagnostic::Severity;
use crate::evaluate;
use crate::model::scalar::Date;
use crate::render::eval::{self as render, EvalReport, Skipped};

/// Evaluate each partner against the program terms: qualifying tier per track, partner types and
/// statuses, every requirement with actual vs required values, the gap to the next tier,
/// entitlements, fees and warnings.
///
/// Programs are judged as of their review in force on the as-of date (e.g. a yearly review on 1
/// January judges the previous calendar year). Invalid partner files are skipped and listed on
/// stderr; the exit status is then 1.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Evaluate as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Only this partner (repeatable).
    #[arg(long, value_name = "ID")]
    partner: Vec<String>,
    /// Only this program (repeatable).
    #[arg(long, value_name = "ID")]
    program: Vec<String>,
    /// Show the requirement trace, entitlements, fees and warnings of each result.
    #[arg(long)]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
}

/// Output formats of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    /// A terminal table (with `--explain`, followed by the traces).
    Table,
    /// The stable JSON document described in the README.
    Json,
    /// A Markdown table (with `--explain`, followed by the traces in a code block).
    Markdown,
}

/// Today's date in UTC.
pub fn today() -> Date {
    Date(chrono::Utc::now().date_naive())
}

/// Run `eval`.
pub fn run(args: &EvalArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot(&args.source.side())?;
    let ds = Dataset::from_snapshot(&snap);
    let as_of = args.as_of.unwrap_or_else(today);
    for id in args.partner.iter().chain(&args.program) {
        if id.is_empty() {
            return Err("empty id".into());
        }
    }
    let unknown_partner = args
        .partner
        .iter()
        .find(|id| !ds.partners.iter().any(|f| f.stem() == id.as_str()));
    if let Some(id) = unknown_partner {
        return Err(format!("no partner file partners/{id}.toml").into());
    }
    let catalog = ds.catalog();
    if let Some(id) = args
        .program
        .iter()
        .find(|id| !catalog.versions.contains_key(id.as_str()))
    {
        return Err(format!("no valid program `{id}`").into());
    }
    let errors = |d: &[crate::diagnostic::Diagnostic]| {
        d.iter().filter(|d| d.severity == Severity::Error).count()
    };
    let skipped: Vec<Skipped> = ds
        .partners
        .iter()
        .filter(|f| args.partner.is_empty() || args.partner.iter().any(|p| p == f.stem()))
        .filter(|f| errors(&f.diagnostics) > 0)
        .map(|f| Skipped {
            file: f.path.clone(),
            errors: errors(&f.diagnostics),
        })
        .collect();
    let partners = ds
        .partners
        .iter()
        .filter(|f| errors(&f.diagnostics) == 0)
        .filter_map(|f| f.record.as_ref())
        .filter(|p| args.partner.is_empty() || args.partner.iter().any(|id| id == p.id.as_str()));
    let mut evals = evaluate::evaluate_all(partners, &catalog, as_of);
    evals.retain(|e| args.program.is_empty() || args.program.contains(&e.program));

    let text = match args.format {
        EvalFormat::Json => render::json(&EvalReport {
            version: 1,
            as_of,
            results: &evals,
            skipped: &skipped,
        }),
        EvalFormat::Table => {
            let mut s = render::table(&evals);
            if args.explain {
                s.push('\n');
                s.push_str(&render::explain(&evals));
            }
            s
        }
        EvalFormat::Markdown => {
            let mut s = render::markdown(&evals);
            if args.explain {
                s.push('\n');
                s.push_str(&crate::render::markdown::code_block(
                    "text",
                    &render::explain(&evals),
                ));
            }
            s
        }
    };
    super::emit(text.as_bytes())?;
    let program_errors: usize = ds
        .programs
        .iter()
        .map(|f| errors(&f.diagnostics))
        .sum::<usize>()
        + errors(&ds.problems);
    if !skipped.is_empty() || program_errors > 0 {
        let mut err = std::io::stderr().lock();
        for s in &skipped {
            writeln!(
                err,
                "skipped {}: {} error(s); run `partnerctl check`",
                s.file, s.errors
            )?;
        }
        if program_errors > 0 {
            writeln!(err, "{program_errors} error(s) in program files or the data layout; run `partnerctl check`")?;
        }
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_OK))
}
