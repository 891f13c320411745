//! `partnerctl check`

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::diagnostic::Diagnostic;
use crate::render::diagnostics;

/// Validate partner and program files: TOML syntax, the JSON schemas, and the rules across files.
///
/// Every problem is reported with a code, file, line and column, the field path, a message and a
/// hint. Exit status: 0 when all files are valid (warnings allowed), 1 when any error was found,
/// 2 on usage or internal errors.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Judge the cross-record rules (customer access) by the program terms in force on this date
    /// (YYYY-MM-DD) and every version scheduled after it; default today.
    #[arg(long)]
    as_of: Option<crate::model::scalar::Date>,
    #[command(flatten)]
    logos: crate::site::logo::LogoArgs,
    /// Quote values of confidential fields in `json` and `github` messages too (they are public
    /// outputs: annotations on a pull request, machine-readable reports).
    #[arg(long)]
    show_confidential: bool,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Source snippets with carets, like rustc (colors only on a terminal; NO_COLOR respected).
    Human,
    /// A stable JSON report (see README); never quotes confidential values.
    Json,
    /// GitHub Actions workflow commands, so problems land on their lines in a pull request; never
    /// quotes confidential values.
    Github,
}

/// Run `check`.
pub fn run(args: &CheckArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let as_of = args.as_of.unwrap_or_else(crate::clock::today);
    let ds = Dataset::from_snapshot_as_of(&snap, as_of);
    let mut diags = ds.diagnostics();
    // Logos are files of their own, checked after the records that name them.
    let logo_diags =
        crate::site::logo::logo_diagnostics(&repo, &args.source.side(), &ds, &args.logos)?;
    let logo_errors = !logo_diags.is_empty();
    diags.extend(logo_diags);
    crate::diagnostic::sort(&mut diags);
    let mut diags = crate::diagnostic::cap_each_file(diags);
    if args.format != CheckFormat::Human && !args.show_confidential {
        diags = diags.into_iter().map(Diagnostic::redacted).collect();
    }
    let checked = ds.programs.len() + ds.partners.len() + snap.problems.len();
    let mut buf = super::stdout_buffer();
    match args.format {
        CheckFormat::Human => {
            // Only files with diagnostics need their text (for snippets).
            let wanted: std::collections::BTreeSet<&str> =
                diags.iter().map(|d| d.file.as_str()).collect();
            let sources: BTreeMap<String, String> = ds
                .programs
                .iter()
                .map(|f| (&f.path, &f.text))
                .chain(ds.partners.iter().map(|f| (&f.path, &f.text)))
                .filter(|(p, _)| wanted.contains(p.as_str()))
                .filter_map(|(p, t)| t.clone().map(|t| (p.clone(), t)))
                .collect();
            diagnostics::human(&mut buf, &diags, &sources)?;
            writeln!(buf, "{}", diagnostics::summary(&diags, checked))?;
        }
        CheckFormat::Json => diagnostics::json(&mut buf, &diags, checked)?,
        CheckFormat::Github => diagnostics::github(&mut buf, &diags)?,
    }
    super::emit(buf.as_slice())?;
    Ok(ExitCode::from(if ds.has_errors() || logo_errors {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}
