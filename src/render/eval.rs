//! Renderers for evaluations: a terminal table, the requirement trace (`--explain`), JSON and
//! Markdown.

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Style, Width};

use crate::evaluate::{Evaluation, TierBasis};
pub use crate::render::explain::explain_one;
use crate::render::markdown::escape;
use crate::render::terminal;

/// The cells of one table row (for [`table_of_rows`] and [`markdown_of_rows`]).
pub fn row(ev: &Evaluation) -> Vec<String> {
    let tier = match (&ev.tier, &ev.tier_basis) {
        (None, _) if ev.ended.is_some() => "— (ended)".to_owned(),
        (None, _) => "—".to_owned(),
        (Some(_), Some(TierBasis::Override { .. })) => {
            format!("{} (override)", ev.tier_name().unwrap_or_default())
        }
        (Some(_), Some(TierBasis::Grace { until })) => format!(
            "{} (grace until {until})",
            ev.tier_name().unwrap_or_default()
        ),
        (Some(_), _) => ev.tier_name().unwrap_or_default().to_owned(),
    };
    let also: Vec<String> = ev.types.iter().chain(&ev.statuses).cloned().collect();
    let gaps = crate::render::explain::gap_sentences(ev);
    let next = if gaps.is_empty() {
        "—".to_owned()
    } else {
        gaps.join("; ")
    };
    let cells = vec![
        ev.partner.clone(),
        ev.program.clone(),
        ev.track.clone().unwrap_or_else(|| "—".into()),
        tier,
        if also.is_empty() {
            "—".into()
        } else {
            also.join(", ")
        },
        next,
        ev.warnings.len().to_string(),
    ];
    // Names and gap sentences come from the data: no control characters into either table.
    cells
        .into_iter()
        .map(|c| match terminal::escape(&c) {
            std::borrow::Cow::Borrowed(_) => c,
            std::borrow::Cow::Owned(e) => e,
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "partner",
    "program",
    "track",
    "tier",
    "types / statuses",
    "next step",
    "warnings",
];

/// A terminal table of rows made by [`row`], its long columns wrapped to fit `width` columns
/// (`None`: the layout for files and pipes, [`WRAPPED_COLUMNS`]; [`TableWidth::Wide`]: no
/// wrapping).
pub fn table_of_rows(rows: Vec<Vec<String>>, width: Option<TableWidth>) -> String {
    let wraps = match width {
        None => WRAPPED_COLUMNS,
        Some(TableWidth::Wide) => [(5, usize::MAX), (4, usize::MAX)],
        Some(TableWidth::Columns(total)) => fitted_wraps(&rows, total),
    };
    table_in_chunks(rows, TABLE_CHUNK_ROWS, wraps)
}

/// How wide the eval table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableWidth {
    /// At most this many terminal columns (`COLUMNS` or the terminal's width).
    Columns(usize),
    /// As wide as the content (`--wide`).
    Wide,
}

/// Wrap widths for the two long columns so that the table fits `total` columns: what the other
/// columns and the borders leave, 7 parts to the "next step" and 3 to the types, never wider
/// than [`WRAPPED_COLUMNS`] and never narrower than 16 and 8 (a terminal narrower than the fixed
/// columns gets a table that overflows rather than one cell per letter).
fn fitted_wraps(rows: &[Vec<String>], total: usize) -> [(usize, usize); 2] {
    use tabled::grid::util::string::get_text_width;
    let natural = |c: usize| {
        let cells = rows.iter().flat_map(|r| r[c].lines().map(get_text_width));
        cells.max().unwrap_or(0).max(get_text_width(HEADER[c]))
    };
    // Each column has a space on either side and a border after it; one border opens the row.
    let fixed: usize = [0, 1, 2, 3, 6]
        .iter()
        .map(|&c| natural(c) + 3)
        .sum::<usize>()
        + 1
        + 6;
    let left = total.saturating_sub(fixed);
    let next = (left * 7 / 10).clamp(16, WRAPPED_COLUMNS[0].1);
    let types = left.saturating_sub(next).clamp(8, WRAPPED_COLUMNS[1].1);
    [(5, next), (4, types)]
}

/// Rows per piece when a long table is laid out in parallel.
const TABLE_CHUNK_ROWS: usize = 2048;

/// The table of `rows`, laid out `chunk` rows at a time in parallel: the long cells are wrapped
/// first (in parallel, exactly as tabled wraps them), then each piece is laid out as a whole
/// table (same header, every column as wide as the widest cell in any piece), and the pieces
/// are joined by dropping the inner borders and repeated headers. The rounded style draws no
/// line between body rows, so the result is the table laid out at once, byte for byte.
fn table_in_chunks(mut rows: Vec<Vec<String>>, chunk: usize, wraps: Wraps) -> String {
    use rayon::prelude::*;
    use tabled::grid::util::string::get_text_width;
    rows.par_iter_mut().for_each(|r| wrap_long_cells(r, wraps));
    if rows.len() <= chunk {
        return table(rows.iter(), None, wraps);
    }
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|c| {
            rows.par_iter()
                .map(|r| r[c].lines().map(get_text_width).max().unwrap_or(0))
                .max()
                .unwrap_or(0)
                .max(get_text_width(HEADER[c]))
        })
        .collect();
    let pieces: Vec<String> = rows
        .par_chunks(chunk)
        .map(|rows| table(rows.iter(), Some(&widths), wraps))
        .collect();
    let last = pieces.len() - 1;
    let mut out = String::with_capacity(pieces.iter().map(String::len).sum());
    for (i, piece) in pieces.iter().enumerate() {
        // A piece is: top border, header, header line, its rows, bottom border, each ending
        // in a newline.
        let lines: Vec<&str> = piece.split_inclusive('\n').collect();
        let from = if i == 0 { 0 } else { 3 };
        let to = if i == last {
            lines.len()
        } else {
            lines.len() - 1
        };
        out.extend(lines[from..to].iter().copied());
    }
    out
}

/// One table of `rows` under the header, with each column at least `widths` wide.
fn table<'r>(
    rows: impl Iterator<Item = &'r Vec<String>>,
    widths: Option<&[usize]>,
    wraps: Wraps,
) -> String {
    let mut b = Builder::with_capacity(rows.size_hint().0 + 1, HEADER.len());
    b.push_record(HEADER);
    for r in rows {
        b.push_record(r.iter().map(String::as_str));
    }
    let mut t = b.build();
    t.with(Style::rounded());
    for (column, width) in wraps {
        t.modify(Columns::one(column), Width::wrap(width).keep_words(true));
    }
    for (column, width) in widths.unwrap_or_default().iter().enumerate() {
        t.modify(Columns::one(column), Width::increase(*width));
    }
    format!("{t}\n")
}

/// Wrap widths of the long columns: (column, width).
type Wraps = [(usize, usize); 2];

/// The gap sentences and type lists are long; without a terminal width to fit they are wrapped
/// to these widths (column, width).
const WRAPPED_COLUMNS: Wraps = [(5, 56), (4, 24)];

/// Wrap the cells of `wraps` as the table would; a wrapped cell stays as it is.
fn wrap_long_cells(cells: &mut [String], wraps: Wraps) {
    for (column, width) in wraps {
        let cell = &mut cells[column];
        if tabled::grid::util::string::get_text_width(cell) > width {
            *cell = tabled::settings::width::Wrap::wrap(cell, width, true);
        }
    }
}

/// A Markdown table of rows made by [`row`], every cell escaped.
pub fn markdown_of_rows(rows: Vec<Vec<String>>) -> String {
    let mut b = Builder::with_capacity(rows.len() + 1, HEADER.len());
    b.push_record(HEADER);
    for r in rows {
        b.push_record(r.iter().map(|c| escape(c)));
    }
    let mut t = b.build();
    t.with(Style::markdown());
    format!("{t}\n")
}

/// The JSON document of `eval --format json`.
#[derive(Serialize)]
pub struct EvalReport<'a> {
    /// Format version of this document.
    pub version: u32,
    /// The as-of date.
    pub as_of: crate::model::scalar::Date,
    /// One result per partner and program.
    pub results: &'a [Evaluation],
    /// Files not evaluated because they are invalid.
    pub skipped: &'a [Skipped],
}

/// A partner file that was not evaluated.
pub use crate::skipped::Skipped;

/// How much of each evaluation `eval --format json` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JsonDetail {
    /// The standing: tier, types, statuses, gaps, entitlements, fees, warnings, goals; no
    /// requirement traces.
    Summary,
    /// Everything, with every requirement's trace.
    Full,
}

/// The standing of one evaluation without its requirement traces (`--detail summary`).
#[derive(Serialize)]
struct Summary<'a> {
    partner: &'a str,
    partner_name: &'a str,
    program: &'a str,
    program_name: &'a str,
    terms_effective_from: crate::model::scalar::Date,
    as_of: crate::model::scalar::Date,
    review: &'a crate::evaluate::time::ReviewPeriod,
    judged_on: crate::model::scalar::Date,
    track: &'a Option<String>,
    tier: &'a Option<String>,
    tier_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier_basis: &'a Option<TierBasis>,
    types: &'a [String],
    statuses: &'a [String],
    next_tier: &'a Option<crate::evaluate::Gap>,
    type_gaps: &'a [crate::evaluate::Gap],
    entitlements: &'a [crate::evaluate::Entitlement],
    fees: &'a [crate::evaluate::Entitlement],
    warnings: &'a [crate::evaluate::Warning],
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: &'a Option<crate::evaluate::Ended>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    goals: &'a [crate::evaluate::goals::GoalResult],
}

impl<'a> Summary<'a> {
    fn of(ev: &'a Evaluation) -> Self {
        Summary {
            partner: &ev.partner,
            partner_name: &ev.partner_name,
            program: &ev.program,
            program_name: &ev.program_name,
            terms_effective_from: ev.terms_effective_from,
            as_of: ev.as_of,
            review: &ev.review,
            judged_on: ev.judged_on,
            track: &ev.track,
            tier: &ev.tier,
            tier_name: ev.tier_name(),
            tier_basis: &ev.tier_basis,
            types: &ev.types,
            statuses: &ev.statuses,
            next_tier: &ev.next_tier,
            type_gaps: &ev.type_gaps,
            entitlements: &ev.entitlements,
            fees: &ev.fees,
            warnings: &ev.warnings,
            ended: &ev.ended,
            goals: &ev.goals,
        }
    }
}

/// How `eval --format json` is written: which detail, and pretty (indented) or compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    /// Traces or not.
    pub detail: JsonDetail,
    /// Indented for people, or one line for programs.
    pub pretty: bool,
}

fn to_json<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let s = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    s.expect("evaluations serialize")
}

/// Render the JSON report (pretty, with full traces: the document as `--detail full --pretty`
/// writes it).
pub fn json(report: &EvalReport<'_>) -> String {
    let mut s = to_json(report, true);
    s.push('\n');
    s
}

/// One result of the JSON report in `style`; pretty results are indented to their depth in the
/// document (for [`json_of_results`], which lets results be serialized in parallel).
pub fn json_result(ev: &Evaluation, style: JsonStyle) -> String {
    let flat = match style.detail {
        JsonDetail::Full => to_json(ev, style.pretty),
        JsonDetail::Summary => to_json(&Summary::of(ev), style.pretty),
    };
    if !style.pretty {
        return flat;
    }
    let mut out = String::with_capacity(flat.len() + flat.len() / 8);
    for (i, line) in flat.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// The JSON report assembled from results made by [`json_result`] in the same `pretty` style,
/// as pieces to write one after the other (the results can be hundreds of megabytes); pretty,
/// their concatenation is byte-identical to [`json`].
pub fn json_of_results<'r>(
    as_of: crate::model::scalar::Date,
    results: &'r [String],
    skipped: &[Skipped],
    pretty: bool,
) -> (String, Vec<&'r str>, String) {
    let empty: [Evaluation; 0] = [];
    // Render the envelope with no results, then splice the results into its empty array.
    let report = EvalReport {
        version: 1,
        as_of,
        results: &empty,
        skipped,
    };
    let mut envelope = to_json(&report, pretty);
    envelope.push('\n');
    if results.is_empty() {
        return (envelope, Vec::new(), String::new());
    }
    let marker = if pretty {
        "\"results\": []"
    } else {
        "\"results\":[]"
    };
    let at = envelope.find(marker).expect("results key") + marker.len() - 1;
    let (first, next) = if pretty { ("\n", ",\n") } else { ("", ",") };
    let mut middle = Vec::with_capacity(2 * results.len());
    for (i, r) in results.iter().enumerate() {
        middle.push(if i == 0 { first } else { next });
        middle.push(r.as_str());
    }
    if pretty {
        middle.push("\n  ");
    }
    (envelope[..at].to_owned(), middle, envelope[at..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_laid_out_in_chunks_is_the_table_laid_out_at_once() {
        // Rows of varied widths, some cells wrapped over several lines, the widest cell of
        // each column in a different chunk than the header.
        let rows: Vec<Vec<String>> = (0..23)
            .map(|i| {
                (0..HEADER.len())
                    .map(|c| match (i * 7 + c) % 5 {
                        0 => "x".repeat(i + c),
                        1 => format!("{i} ünïcode — {}", "w ".repeat(i % 9)),
                        2 => "one two three four five six seven eight nine ten eleven twelve \
                              thirteen fourteen fifteen sixteen seventeen eighteen"
                            .to_owned(),
                        3 => String::new(),
                        _ => format!("line {i}\nsecond line of {c}"),
                    })
                    .collect()
            })
            .collect();
        let whole = table(rows.iter(), None, WRAPPED_COLUMNS);
        assert!(whole.lines().count() > 30, "some cells span lines");
        for chunk in [1, 2, 5, 22, 23, 100] {
            let pieces = table_in_chunks(rows.clone(), chunk, WRAPPED_COLUMNS);
            assert_eq!(pieces, whole, "chunk {chunk}");
        }
    }

    #[test]
    fn the_bundled_results_lay_out_the_same_in_pieces_as_at_once() {
        let repo = crate::source::Repo::discover(std::path::Path::new(".")).unwrap();
        let snap = repo.snapshot(&crate::source::Side::WorkTree).unwrap();
        let ds = crate::dataset::Dataset::from_snapshot(&snap);
        let evals = crate::evaluate::evaluate_all(
            ds.partners.iter().filter_map(|f| f.record.as_ref()),
            &ds.catalog(),
            "2026-11-23".parse().unwrap(),
        );
        let rows: Vec<Vec<String>> = evals.iter().map(row).collect();
        // Some cells really need wrapping, or this would prove little.
        assert!(rows.iter().any(|r| r[5].chars().count() > 56));
        let whole = table(rows.iter(), None, WRAPPED_COLUMNS);
        for chunk in [1, 7, rows.len()] {
            let pieces = table_in_chunks(rows.clone(), chunk, WRAPPED_COLUMNS);
            assert_eq!(pieces, whole, "chunk {chunk}");
        }
        // Fitted to 120 columns, no line is wider where the fixed columns leave room.
        let fitted = table_of_rows(rows.clone(), Some(TableWidth::Columns(120)));
        let widest = fitted.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let fixed = table_of_rows(rows.clone(), None);
        let fixed_widest = fixed.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest < fixed_widest, "{widest} vs {fixed_widest}");
        // --wide: the longest line of a "next step" stands unbroken, as the fixed layout does not.
        let longest = (rows.iter().flat_map(|r| r[5].lines()))
            .max_by_key(|l| l.chars().count())
            .unwrap()
            .to_owned();
        assert!(!fixed.contains(&longest));
        assert!(table_of_rows(rows, Some(TableWidth::Wide)).contains(&longest));
    }
}
