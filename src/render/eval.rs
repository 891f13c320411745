//! Renderers for evaluations: a terminal table, the requirement trace (`--explain`), JSON and
//! Markdown.

use std::fmt::Write as _;

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Style, Width};

use crate::evaluate::{Evaluation, RequirementResult, TierBasis};
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
    let gaps = ev.gap_sentences();
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

/// A terminal table of rows made by [`row`].
pub fn table_of_rows(rows: Vec<Vec<String>>) -> String {
    table_in_chunks(rows, TABLE_CHUNK_ROWS)
}

/// Rows per piece when a long table is laid out in parallel.
const TABLE_CHUNK_ROWS: usize = 2048;

/// The table of `rows`, laid out `chunk` rows at a time in parallel: the long cells are wrapped
/// first (in parallel, exactly as tabled wraps them), then each piece is laid out as a whole
/// table (same header, every column as wide as the widest cell in any piece), and the pieces
/// are joined by dropping the inner borders and repeated headers. The rounded style draws no
/// line between body rows, so the result is the table laid out at once, byte for byte.
fn table_in_chunks(mut rows: Vec<Vec<String>>, chunk: usize) -> String {
    use rayon::prelude::*;
    use tabled::grid::util::string::get_text_width;
    rows.par_iter_mut().for_each(|r| wrap_long_cells(r));
    if rows.len() <= chunk {
        return table(rows.iter(), None);
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
        .map(|rows| table(rows.iter(), Some(&widths)))
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
fn table<'r>(rows: impl Iterator<Item = &'r Vec<String>>, widths: Option<&[usize]>) -> String {
    let mut b = Builder::with_capacity(rows.size_hint().0 + 1, HEADER.len());
    b.push_record(HEADER);
    for r in rows {
        b.push_record(r.iter().map(String::as_str));
    }
    let mut t = b.build();
    t.with(Style::rounded());
    for (column, width) in WRAPPED_COLUMNS {
        t.modify(Columns::one(column), Width::wrap(width).keep_words(true));
    }
    for (column, width) in widths.unwrap_or_default().iter().enumerate() {
        t.modify(Columns::one(column), Width::increase(*width));
    }
    format!("{t}\n")
}

/// The gap sentences and type lists are long; they are wrapped to these widths (column, width)
/// so the table fits a terminal.
const WRAPPED_COLUMNS: [(usize, usize); 2] = [(5, 56), (4, 24)];

/// Wrap the cells of [`WRAPPED_COLUMNS`] as the table would; a wrapped cell stays as it is.
fn wrap_long_cells(cells: &mut [String]) {
    for (column, width) in WRAPPED_COLUMNS {
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

fn mark(met: bool) -> &'static str {
    if met {
        "✓"
    } else {
        "✗"
    }
}

fn trace(out: &mut String, r: &RequirementResult, indent: usize) {
    let e = terminal::escape;
    let pad = " ".repeat(indent);
    let _ = write!(
        out,
        "{pad}{} {}: {}",
        mark(r.met),
        e(&r.id),
        e(&r.description)
    );
    if !r.children.is_empty() {
        let _ = writeln!(out);
        for c in &r.children {
            trace(out, c, indent + 4);
        }
        return;
    }
    let _ = write!(
        out,
        " — actual {}, required {}",
        e(&r.actual.display()),
        e(&r.required.display())
    );
    if let Some(by) = &r.waived_by {
        let _ = write!(out, " (waived by {})", e(by));
    }
    if let Some(s) = &r.shortfall {
        let _ = write!(out, " — needs {}", e(s));
    }
    let _ = writeln!(out);
    for w in &r.workings {
        let _ = writeln!(out, "{pad}    = {w}");
    }
}

/// Each goal with its reviews: met, unmet, and how many due ones were missed.
fn goal_lines(out: &mut String, ev: &Evaluation) {
    let e = terminal::escape;
    for g in &ev.goals {
        let reviews: Vec<String> = g
            .reviews
            .iter()
            .map(|r| format!("{} {}", r.date, if r.met { "met" } else { "unmet" }))
            .collect();
        let _ = writeln!(
            out,
            "  goal set {} (reviewed every {} months): {}",
            g.set,
            g.every_months,
            e(&g.description)
        );
        let held = if reviews.is_empty() {
            "none recorded".to_owned()
        } else {
            reviews.join(", ")
        };
        let missed = g.last_missed.map_or(String::new(), |last| {
            format!("; {} missed, latest {last}", g.missed)
        });
        let _ = writeln!(out, "    reviews: {held}{missed}; next {}", g.next);
    }
}

/// The requirement trace of one evaluation, ending with a blank line.
pub fn explain_one(ev: &Evaluation) -> String {
    let e = terminal::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (terms effective {})",
        e(&ev.partner),
        e(&ev.program_name),
        ev.terms_effective_from
    );
    let next = ev
        .review
        .next
        .map_or(String::new(), |n| format!("; next review {n}"));
    let _ = writeln!(
        out,
        "  as of {}: review of {} on business {}{next}",
        ev.as_of, ev.review.date, ev.review.window
    );
    let _ = if ev.judged_on == ev.as_of {
        writeln!(
            out,
            "  requirements judged on {}, the as-of date",
            ev.judged_on
        )
    } else {
        writeln!(
            out,
            "  requirements judged on {}, the review date (approvals on the as-of date)",
            ev.judged_on
        )
    };
    if let Some(t) = &ev.track {
        let _ = writeln!(out, "  track: {}", e(t));
    }
    if let Some(end) = &ev.ended {
        let why = end
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(": {}", e(r)));
        let _ = writeln!(
            out,
            "  membership ended on {}{why}; nothing is held in this program from that day",
            end.on
        );
    }
    let basis = match &ev.tier_basis {
        Some(TierBasis::Override {
            approved_by,
            expires,
        }) => {
            format!(
                " (override by {}{})",
                e(approved_by),
                expires.map_or(String::new(), |x| format!(", until {x}"))
            )
        }
        Some(TierBasis::Grace { until }) => format!(" (grace period until {until})"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  tier: {}{basis}",
        e(ev.tier_name().unwrap_or("none"))
    );
    if !ev.membership_requirements.is_empty() {
        let _ = writeln!(out, "  membership requirements:");
        for r in &ev.membership_requirements {
            trace(&mut out, r, 4);
        }
    }
    for (title, quals) in [
        ("tier", &ev.tiers),
        ("partner type", &ev.partner_types),
        ("status", &ev.status_results),
    ] {
        for q in quals {
            let _ = writeln!(out, "  {title} {} {}:", mark(q.qualified), e(&q.name));
            for r in &q.requirements {
                trace(&mut out, r, 4);
            }
        }
    }
    if let Some(g) = &ev.next_tier {
        let _ = writeln!(out, "  next tier: {}", e(&g.sentence()));
    }
    for g in &ev.type_gaps {
        let _ = writeln!(out, "  partner type not held: {}", e(&g.sentence()));
    }
    goal_lines(&mut out, ev);
    for (title, list) in [("entitlements", &ev.entitlements), ("fees", &ev.fees)] {
        if !list.is_empty() {
            let _ = writeln!(out, "  {title}:");
        }
        for x in list.iter() {
            let _ = writeln!(
                out,
                "    {}: {} — {} [{}]",
                e(&x.id),
                e(&x.name),
                e(&x.display),
                e(&x.source)
            );
        }
    }
    if !ev.warnings.is_empty() {
        let _ = writeln!(out, "  warnings:");
        for w in &ev.warnings {
            let _ = writeln!(out, "    [{}] {}", w.code, e(&w.message));
        }
    }
    let _ = writeln!(out);
    out
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
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// Its error count.
    pub errors: usize,
}

/// Render the JSON report.
pub fn json(report: &EvalReport<'_>) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("evaluations serialize");
    s.push('\n');
    s
}

/// One result of the JSON report, pretty-printed at its depth in the document (for
/// [`json_of_results`], which lets results be serialized in parallel).
pub fn json_result(ev: &Evaluation) -> String {
    let flat = serde_json::to_string_pretty(ev).expect("evaluations serialize");
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

/// The JSON report assembled from results made by [`json_result`], as pieces to write one after
/// the other (the results can be hundreds of megabytes); their concatenation is byte-identical
/// to [`json`].
pub fn json_of_results<'r>(
    as_of: crate::model::scalar::Date,
    results: &'r [String],
    skipped: &[Skipped],
) -> (String, Vec<&'r str>, String) {
    let empty: [Evaluation; 0] = [];
    // Render the envelope with no results, then splice the results into its empty array.
    let envelope = json(&EvalReport {
        version: 1,
        as_of,
        results: &empty,
        skipped,
    });
    if results.is_empty() {
        return (envelope, Vec::new(), String::new());
    }
    let marker = "\"results\": []";
    let at = envelope.find(marker).expect("results key") + marker.len() - 1;
    let mut middle = Vec::with_capacity(2 * results.len());
    for (i, r) in results.iter().enumerate() {
        middle.push(if i == 0 { "\n" } else { ",\n" });
        middle.push(r.as_str());
    }
    middle.push("\n  ");
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
        let whole = table(rows.iter(), None);
        assert!(whole.lines().count() > 30, "some cells span lines");
        for chunk in [1, 2, 5, 22, 23, 100] {
            assert_eq!(table_in_chunks(rows.clone(), chunk), whole, "chunk {chunk}");
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
        let whole = table(rows.iter(), None);
        for chunk in [1, 7, rows.len()] {
            assert_eq!(table_in_chunks(rows.clone(), chunk), whole, "chunk {chunk}");
        }
    }
}
