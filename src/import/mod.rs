//! Bulk facts from spreadsheets and ERP exports into partner files (`partnerctl import`), and
//! back out (`partnerctl export`).
//!
//! Every row is checked before anything is written: its partner must exist, its program, product
//! line, currency and kind must be the program's own, amounts must be exact. Rows carry a stable
//! key (see [`kind::Field::key`]), so importing the same file twice changes nothing.

pub mod apply;
pub mod export;
pub mod kind;
pub mod value;
mod write;

pub use write::{reserve_descriptors, write_all};
// `fmt` writes files the same way: in place, never through a symbolic link.
pub(crate) use write::{open_regular, overwrite};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::dataset::Catalog;
use crate::model::Program;

use kind::{Kind, Ty};

/// One checked row of the CSV.
#[derive(Debug, Clone)]
pub struct Row {
    /// Partner id.
    pub partner: String,
    /// The stable key: the key columns' values joined.
    pub key: String,
    /// Every non-empty column, in the partner file's key order.
    pub values: Vec<(&'static str, toml_edit::Value)>,
}

/// A problem with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the CSV file.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// How to read the CSV.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Amounts like `1.234,56`.
    pub decimal_comma: bool,
    /// CSV header for each column name (`partner`, `amount`, …) that is not spelled as such.
    pub columns: BTreeMap<String, String>,
    /// Field separator.
    pub delimiter: u8,
}

/// Read and check every row of `csv`. `partners` are the known partner ids.
pub fn read(
    csv: &[u8],
    kind: Kind,
    opts: &Options,
    catalog: &Catalog<'_>,
    partners: &BTreeSet<String>,
) -> (Vec<Row>, Vec<RowError>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(opts.delimiter)
        .from_reader(csv);
    let mut errors = Vec::new();
    let columns = match column_indexes(&mut reader, kind, opts) {
        Ok(c) => c,
        Err(message) => return (Vec::new(), vec![RowError { line: 1, message }]),
    };
    // Reading the CSV is serial; checking a row depends on nothing but the row, so the checks run
    // in parallel (they were most of the time `import` spent on 10,000 rows before merging).
    let mut records = Vec::new();
    let mut lines = Lines::new(csv);
    for record in reader.records() {
        match record {
            Ok(r) if r.iter().all(|c| c.trim().is_empty()) => {
                // Spreadsheets write rows of empty cells (`,,,,`) below the data: no fact, no error.
            }
            Ok(r) => {
                let line = r.position().map_or(0, |p| lines.at(p.byte()));
                records.push((line, Ok(r)));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                records.push((line, Err(e.to_string())));
            }
        }
    }
    use rayon::prelude::*;
    let checked: Vec<(u64, Result<Row, String>)> = records
        .into_par_iter()
        .map(|(line, record)| {
            let checked = record.and_then(|record| {
                let cell = |i: usize| export::restore(record.get(i).unwrap_or("").trim());
                row(kind, opts, &columns, &cell, catalog, partners)
            });
            (line, checked)
        })
        .collect();
    let mut rows = Vec::with_capacity(checked.len());
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (line, checked) in checked {
        match checked {
            Ok(r) => match seen.insert((r.partner.clone(), r.key.clone()), line) {
                Some(first) => errors.push(RowError {
                    line,
                    message: format!("same partner and key as line {first}"),
                }),
                None => rows.push(r),
            },
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    (rows, errors)
}

/// Line numbers of records, counted from their byte offsets. Why not the csv crate's own
/// `Position::line`: it is one short for every record after a CRLF line end (what spreadsheets on
/// Windows write; BurntSushi/rust-csv#395) and for the first record after a blank line (#208).
/// A record's offset can point at the line end before it, so line-end bytes there are skipped.
struct Lines<'a> {
    csv: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(csv: &'a [u8]) -> Self {
        Lines {
            csv,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record at byte `at`; counting goes on from the previous call, so
    /// reading a whole file stays linear.
    fn at(&mut self, at: u64) -> u64 {
        let mut start = usize::try_from(at).map_or(self.csv.len(), |a| a.min(self.csv.len()));
        while matches!(self.csv.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        self.line += memchr::memchr_iter(b'\n', &self.csv[self.offset..start]).count() as u64;
        self.offset = start;
        self.line
    }
}

/// Column index of `partner` and of each field; `None` for optional fields the CSV lacks.
type Columns = (usize, Vec<Option<usize>>);

fn column_indexes<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    kind: Kind,
    opts: &Options,
) -> Result<Columns, String> {
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let find = |name: &str| {
        let header = opts.columns.get(name).map_or(name, String::as_str);
        // Spreadsheets often save UTF-8 with a byte-order mark before the first header.
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == header)
    };
    let required = |name: &str| {
        find(name).ok_or_else(|| {
            let header = opts.columns.get(name).map_or(name, String::as_str);
            let known: Vec<&str> = headers.iter().collect();
            crate::suggest::unknown("column", header, known).replacen("unknown", "missing", 1)
        })
    };
    let partner = required("partner")?;
    let fields = kind
        .fields()
        .iter()
        .map(|f| {
            if f.optional {
                Ok(find(f.name))
            } else {
                required(f.name).map(Some)
            }
        })
        .collect::<Result<_, _>>()?;
    Ok((partner, fields))
}

fn row<'r>(
    kind: Kind,
    opts: &Options,
    (partner_col, cols): &Columns,
    cell: &dyn Fn(usize) -> &'r str,
    catalog: &Catalog<'_>,
    partners: &BTreeSet<String>,
) -> Result<Row, String> {
    let partner = cell(*partner_col);
    if !partners.contains(partner) {
        let hint = crate::suggest::unknown("partner", partner, partners.iter().map(String::as_str));
        return Err(format!("{hint} (no partners/{partner}.toml)"));
    }
    let mut values = Vec::new();
    let mut key = Vec::new();
    let mut program: Option<&Program> = None;
    for (field, col) in kind.fields().iter().zip(cols) {
        let text = col.map_or("", cell);
        if text.is_empty() {
            if !field.optional {
                return Err(format!("{} is empty", field.name));
            }
            if field.key {
                key.push(String::new());
            }
            continue;
        }
        let v = value::parse(field.ty, text, opts.decimal_comma)
            .map_err(|e| format!("{}: {e}", field.name))?;
        if field.name == "program" {
            program = Some(find_program(catalog, text)?);
        }
        if let Some(p) = program {
            check_against_program(p, kind, field.name, field.ty, text)?;
        }
        if field.key {
            key.push(apply::text_of(&v));
        }
        values.push((field.name, v));
    }
    check_date_or_period(kind, &values)?;
    Ok(Row {
        partner: partner.to_string(),
        key: key.join("\u{1f}"),
        values,
    })
}

fn find_program<'a>(catalog: &Catalog<'a>, id: &str) -> Result<&'a Program, String> {
    catalog
        .all_versions(id)
        .last()
        .copied()
        .ok_or_else(|| crate::suggest::unknown("program", id, catalog.versions.keys().copied()))
}

/// Product lines, currencies, training and certification kinds must be the program's own.
fn check_against_program(
    p: &Program,
    kind: Kind,
    name: &str,
    ty: Ty,
    text: &str,
) -> Result<(), String> {
    let (what, known): (&str, Vec<&str>) = match (name, ty, kind) {
        ("product_line", _, _) => (
            "product line",
            p.product_lines.keys().map(|k| k.as_str()).collect(),
        ),
        (_, Ty::Currency, _) => (
            "currency",
            p.currencies.iter().map(|c| c.as_str()).collect(),
        ),
        ("kind", _, Kind::Trainings) => (
            "training kind",
            p.trainings.keys().map(|k| k.as_str()).collect(),
        ),
        ("kind", _, Kind::Certifications) => (
            "certification kind",
            p.certifications.keys().map(|k| k.as_str()).collect(),
        ),
        _ => return Ok(()),
    };
    if known.contains(&text) {
        return Ok(());
    }
    let msg = crate::suggest::unknown(what, text, known);
    Err(format!("{msg} in program {}", p.id))
}

/// Revenue and managed volume need exactly one of `date` and `period`.
fn check_date_or_period(kind: Kind, values: &[(&str, toml_edit::Value)]) -> Result<(), String> {
    if !matches!(kind, Kind::Revenue | Kind::ManagedVolume) {
        return Ok(());
    }
    let has = |n: &str| values.iter().any(|(k, _)| *k == n);
    match (has("date"), has("period")) {
        (true, false) | (false, true) => Ok(()),
        _ => Err("give exactly one of date and period".into()),
    }
}

/// One partner file the import changes.
#[derive(Debug, Clone)]
pub struct Change {
    /// Repository-relative path.
    pub path: String,
    /// The new text.
    pub text: String,
}

/// Merge `rows` into the partner files (`path → text`); the files whose text changes, sorted by
/// path, plus the counts over all files. Files are merged in parallel (each parse and re-print with
/// toml_edit is independent), and the result does not depend on the order of the work.
pub fn plan(
    files: &BTreeMap<&str, &str>,
    kind: Kind,
    rows: &[Row],
) -> Result<(Vec<Change>, apply::Effect), Vec<String>> {
    use rayon::prelude::*;
    let mut by_partner: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by_partner.entry(&r.partner).or_default().push(r);
    }
    let groups: Vec<(&str, Vec<&Row>)> = by_partner.into_iter().collect();
    let merged: Vec<Result<(Option<Change>, apply::Effect), String>> = groups
        .par_iter()
        .map(|(partner, rows)| merge_file(files, partner, kind, rows))
        .collect();
    let mut changes = Vec::new();
    let mut total = apply::Effect::default();
    let mut errors = Vec::new();
    for m in merged {
        match m {
            Ok((change, effect)) => {
                total.added += effect.added;
                total.updated += effect.updated;
                total.unchanged += effect.unchanged;
                changes.extend(change);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((changes, total))
    } else {
        Err(errors)
    }
}

fn merge_file(
    files: &BTreeMap<&str, &str>,
    partner: &str,
    kind: Kind,
    rows: &[&Row],
) -> Result<(Option<Change>, apply::Effect), String> {
    let path = format!("partners/{partner}.toml");
    let Some(text) = files.get(path.as_str()) else {
        return Err(format!("{path}: not readable as text"));
    };
    let (new, effect) = apply::merge(text, kind, rows).map_err(|e| format!("{path}: {e}"))?;
    let change = new.filter(|n| n != text).map(|text| Change { path, text });
    Ok((change, effect))
}
