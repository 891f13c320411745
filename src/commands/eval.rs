//! `partnerctl eval`

use std::process::ExitCode;

use super::{CmdResult, CommandError, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::evaluate;
use crate::model::scalar::Date;
use crate::render::eval::{self as render, JsonDetail, Skipped};
use crate::skipped::{is_valid, SkippedReport};

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
    /// How much of each result `--format json` writes: `summary` (tier, types, statuses, gaps,
    /// entitlements, fees, warnings; no requirement traces) or `full` (with every requirement's
    /// trace). Default: `full` with `--explain`, else `summary`.
    #[arg(long, value_enum, value_name = "DETAIL")]
    detail: Option<JsonDetail>,
    /// Indent `--format json` for reading. Default: indented on a terminal, one line otherwise.
    #[arg(long)]
    pretty: bool,
    /// Do not wrap the table to the terminal's width (`COLUMNS`, else the terminal's size; output
    /// to a file or pipe without `COLUMNS` keeps a fixed layout).
    #[arg(long)]
    wide: bool,
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
    /// CSV for spreadsheets: one row per partner and program with tier, types, statuses,
    /// entitlements and the next step (`--explain` is ignored).
    Csv,
}

/// The JSON style `args` ask for: traces with `--explain` or `--detail full`, indented with
/// `--pretty` or on a terminal.
fn json_style(args: &EvalArgs) -> render::JsonStyle {
    use std::io::IsTerminal;
    let explained = if args.explain {
        JsonDetail::Full
    } else {
        JsonDetail::Summary
    };
    render::JsonStyle {
        detail: args.detail.unwrap_or(explained),
        pretty: args.pretty || std::io::stdout().is_terminal(),
    }
}

/// `--wide`, else `COLUMNS`, else the terminal's width; `None` for files and pipes, which keep
/// the fixed layout.
fn table_width(wide: bool) -> Option<render::TableWidth> {
    use std::io::IsTerminal;
    if wide {
        return Some(render::TableWidth::Wide);
    }
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    let terminal = || {
        let out = std::io::stdout();
        out.is_terminal()
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten()
    };
    columns.or_else(terminal).map(render::TableWidth::Columns)
}

/// Run `eval`.
pub fn run(args: &EvalArgs) -> CmdResult {
    let repo = args.source.open()?;
    // The snapshot and dataset live until the process exits; freeing 10,000 parsed records
    // one by one would only delay the exit.
    let snap = std::mem::ManuallyDrop::new(repo.snapshot_unhashed(&args.source.side())?);
    let as_of = args.as_of.unwrap_or_else(crate::clock::today);
    let ds = std::mem::ManuallyDrop::new(Dataset::from_snapshot_as_of(&snap, as_of));
    for id in args.partner.iter().chain(&args.program) {
        if id.is_empty() {
            return Err(super::user_error("empty id"));
        }
    }
    let unknown_partner = args
        .partner
        .iter()
        .find(|id| !ds.partners.iter().any(|f| f.stem() == id.as_str()));
    if let Some(id) = unknown_partner {
        return Err(super::user_error(format!(
            "no partner file partners/{id}.toml"
        )));
    }
    let catalog = ds.catalog();
    if let Some(id) = args
        .program
        .iter()
        .find(|id| !catalog.versions.contains_key(id.as_str()))
    {
        return Err(super::user_error(format!("no valid program `{id}`")));
    }
    let skipped = SkippedReport::of(&ds, |f| {
        args.partner.is_empty() || args.partner.iter().any(|p| p == f.stem())
    });
    let partners = ds
        .partners
        .iter()
        .filter(|f| is_valid(f))
        .filter_map(|f| f.record.as_ref())
        .filter(|p| args.partner.is_empty() || args.partner.iter().any(|id| id == p.id.as_str()));
    let catalog = if args.program.is_empty() {
        catalog
    } else {
        catalog.restricted_to(&args.program.iter().cloned().collect())
    };
    let text = render_results(args, partners, &catalog, as_of, &skipped.files)?;
    if !text.is_empty() {
        super::emit(text.as_bytes())?;
    }
    if !skipped.is_empty() {
        skipped.write_to(&mut std::io::stderr().lock())?;
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// Evaluate `partners` and render the results in the format `args` ask for. JSON is written to
/// stdout piece by piece (and nothing returned); the other formats are returned whole.
fn render_results<'a>(
    args: &EvalArgs,
    partners: impl IntoIterator<Item = &'a crate::model::partner::Partner>,
    catalog: &crate::dataset::Catalog<'_>,
    as_of: Date,
    skipped: &[Skipped],
) -> Result<String, CommandError> {
    // Each evaluation is rendered where it is made and then dropped: 30,000 full traces held
    // at once would take hundreds of megabytes.
    let text = match args.format {
        EvalFormat::Json => {
            let style = json_style(args);
            let results = evaluate::evaluate_each(partners, catalog, as_of, |ev| {
                render::json_result(&ev, style)
            });
            let (head, middle, tail) =
                render::json_of_results(as_of, &results, skipped, style.pretty);
            let mut parts: Vec<&[u8]> = vec![head.as_bytes()];
            parts.extend(middle.iter().map(|m| m.as_bytes()));
            parts.push(tail.as_bytes());
            super::emit_all(&parts)?;
            String::new()
        }
        EvalFormat::Csv => {
            let rows = evaluate::evaluate_each(partners, catalog, as_of, |ev| {
                crate::import::export::eval_row(&ev)
            });
            crate::import::export::to_csv(&crate::import::export::EVAL_HEADER, &rows)?
        }
        EvalFormat::Table | EvalFormat::Markdown => {
            let explain = args.explain;
            let (rows, traces): (Vec<_>, Vec<_>) =
                evaluate::evaluate_each(partners, catalog, as_of, |ev| {
                    (
                        render::row(&ev),
                        if explain {
                            render::explain_one(&ev)
                        } else {
                            String::new()
                        },
                    )
                })
                .into_iter()
                .unzip();
            let traces = traces.concat();
            if args.format == EvalFormat::Table {
                let mut s = render::table_of_rows(rows, table_width(args.wide));
                if explain {
                    s.push('\n');
                    s.push_str(&traces);
                }
                s
            } else {
                let mut s = render::markdown_of_rows(rows);
                if explain {
                    s.push('\n');
                    s.push_str(&crate::render::markdown::code_block("text", &traces));
                }
                s
            }
        }
    };
    Ok(text)
}
