//! `partnerctl import` and `partnerctl export`

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use super::{user_error, CmdResult, CommandError, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::import::{self, kind::Kind, Options};
use crate::load::FileKind;
use crate::source::{blob_id, read_named_file, Side, Snapshot, MAX_FILE_BYTES};

/// Record facts from a spreadsheet or ERP export (CSV) in the partner files.
///
/// Columns: `partner` plus those of the kind (`export --kind K` writes a template with them);
/// `--map` renames them. Every row is checked first: unknown partners, programs, product lines,
/// currencies and kinds, inexact or ambiguous amounts and malformed dates are reported with their
/// line, and then nothing is written. A row whose key (program, product line, date or period,
/// currency for money; the month for recurring revenue; program and name for projects; every
/// column for trainings and certifications) matches an existing entry updates it, so importing
/// the same file twice changes nothing. Comments and layout are kept. Exit status: 0 when
/// imported, 1 when rows were rejected, 2 on usage errors.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The CSV file (with a header row).
    #[arg(value_name = "FACTS.csv")]
    file: PathBuf,
    /// What the rows are.
    #[arg(long, value_enum)]
    kind: Kind,
    /// A TOML file naming the CSV's headers: `[columns]` with e.g. `partner = "Kundennummer"`,
    /// `amount = "Umsatz"`.
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
    /// Show the effect (tier changes included) like `partnerctl diff`, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Amounts use a decimal comma and optional thousands points: 1.234,56.
    #[arg(long)]
    decimal_comma: bool,
    /// Field separator (a single character; `;` is common in German spreadsheets).
    #[arg(long, default_value = ",", value_name = "CHAR")]
    delimiter: char,
    /// Evaluation date for `--dry-run` (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<crate::model::scalar::Date>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    columns: BTreeMap<String, String>,
}

/// The largest CSV `import` reads: about 3.5 million rows of revenue; split larger exports.
const MAX_CSV_BYTES: u64 = 256 * 1024 * 1024;

/// Run `import`.
pub fn run(args: &ImportArgs) -> CmdResult {
    let opts = options(args)?;
    let csv = read_named_file(&args.file, MAX_CSV_BYTES).map_err(user_error)?;
    // A row per line at most, so at most that many partner files to hold open while writing.
    import::reserve_descriptors(memchr::memchr_iter(b'\n', &csv).count() + 1);
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&Side::WorkTree)?;
    // Only the programs are loaded and checked: rows are checked against the terms, and the
    // partner files a row names are parsed by the merge itself, so validating all partner files
    // (what `check` does) would only cost time.
    let programs = programs_only(&snap);
    let ds = Dataset::from_snapshot(&programs);
    let partners: BTreeSet<String> = snap
        .files
        .iter()
        .filter_map(|f| partner_id(&f.path))
        .collect();
    let (rows, errors) = import::read(&csv, args.kind, &opts, &ds.catalog(), &partners);
    let name = args.file.display();
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("{name}:{}: {}", e.line, e.message);
        }
        eprintln!("{} rows rejected; nothing was written", errors.len());
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    let texts: BTreeMap<&str, &str> = snap
        .files
        .iter()
        .filter_map(|f| Some((f.path.as_str(), std::str::from_utf8(&f.bytes).ok()?)))
        .collect();
    let (changes, total) = match import::plan(&texts, args.kind, &rows) {
        Ok(p) => p,
        Err(errors) => {
            errors.iter().for_each(|e| eprintln!("{e}"));
            eprintln!("nothing was written");
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
    };
    let summary = format!(
        "{} rows: {} added, {} updated, {} unchanged; {} files changed",
        rows.len(),
        total.added,
        total.updated,
        total.unchanged,
        changes.len()
    );
    if args.dry_run {
        dry_run(&snap, &changes, args)?;
        println!("{summary} (dry run: nothing written)");
    } else {
        import::write_all(&repo.root, &changes, &texts).map_err(user_error)?;
        println!("{summary}");
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// The id of a partner file, as the dataset names it.
fn partner_id(path: &str) -> Option<String> {
    let id = path.strip_prefix("partners/")?.strip_suffix(".toml")?;
    (FileKind::of_path(path) == Some(FileKind::Partner)).then(|| id.to_string())
}

/// `snap` without its partner files.
fn programs_only(snap: &Snapshot) -> Snapshot {
    Snapshot {
        label: snap.label.clone(),
        files: (snap.files.iter())
            .filter(|f| FileKind::of_path(&f.path) != Some(FileKind::Partner))
            .cloned()
            .collect(),
        problems: Vec::new(),
    }
}

fn options(args: &ImportArgs) -> Result<Options, CommandError> {
    let columns = match &args.map {
        None => BTreeMap::new(),
        Some(p) => {
            let bytes = read_named_file(p, MAX_FILE_BYTES).map_err(user_error)?;
            let text = String::from_utf8(bytes)
                .map_err(|e| user_error(format!("{}: {e}", p.display())))?;
            let map: MapFile =
                toml::from_str(&text).map_err(|e| user_error(format!("{}: {e}", p.display())))?;
            map.columns
        }
    };
    let delimiter = u8::try_from(args.delimiter)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| user_error("--delimiter must be one ASCII character"))?;
    Ok(Options {
        decimal_comma: args.decimal_comma,
        columns,
        delimiter,
    })
}

/// Print the effect as `partnerctl diff` would, comparing the working tree with the working tree
/// plus the import (in memory). Confidential values stay hidden, as in `diff`.
fn dry_run(
    snap: &Snapshot,
    changes: &[import::Change],
    args: &ImportArgs,
) -> Result<(), CommandError> {
    let mut head = snap.clone();
    head.label = "after import".into();
    let new: BTreeMap<&str, &import::Change> =
        changes.iter().map(|c| (c.path.as_str(), c)).collect();
    for f in &mut head.files {
        if let Some(c) = new.get(f.path.as_str()) {
            f.bytes = c.text.clone().into_bytes();
            f.blob_id = blob_id(&f.bytes);
        }
    }
    let (base, head_ds) = Dataset::pair(snap, &head);
    let opts = crate::diff::DiffOptions {
        as_of: args.as_of.unwrap_or_else(crate::clock::today),
        show_confidential: false,
        horizon_months: 12,
    };
    let report = crate::diff::diff(&base, &head_ds, &snap.label, &head.label, &opts);
    super::emit(crate::render::diff::terminal(&report).as_bytes())?;
    Ok(())
}

/// Write facts of one kind as CSV, in the columns `import` reads (so a spreadsheet round-trips).
///
/// Cells that a spreadsheet would run as a formula get a leading `'` (import removes it). Invalid
/// partner files are skipped and listed on stderr; the exit status is then 1.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// What to export.
    #[arg(long, value_enum)]
    kind: Kind,
}

/// Run `export`.
pub fn export(args: &ExportArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let ds = Dataset::from_snapshot(&snap);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(import::export::header(args.kind))?;
    let mut skipped = false;
    for f in &ds.partners {
        let rows = match &f.text {
            Some(text)
                if !f
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == crate::diagnostic::Severity::Error) =>
            {
                import::export::rows(f.stem(), text, args.kind).map_err(user_error)?
            }
            _ => {
                eprintln!("skipped {}: invalid (see `partnerctl check`)", f.path);
                skipped = true;
                continue;
            }
        };
        for r in rows {
            out.write_record(r.iter().map(|c| import::export::defuse(c)))?;
        }
    }
    super::emit(&out.into_inner().map_err(|e| e.into_error())?)?;
    Ok(ExitCode::from(if skipped {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}
