//! Facts of one kind as CSV, in the columns `import` reads (`partnerctl export`).

use toml_edit::{DocumentMut, Item};

use super::apply::text_of;
use super::kind::Kind;

/// The header row: `partner` and the kind's columns.
pub fn header(kind: Kind) -> Vec<&'static str> {
    std::iter::once("partner")
        .chain(kind.fields().iter().map(|f| f.name))
        .collect()
}

/// The rows of one partner file (`id`, its text), in file order.
pub fn rows(id: &str, text: &str, kind: Kind) -> Result<Vec<Vec<String>>, String> {
    let doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("not valid TOML: {}", e.message()))?;
    let Some(entries) = doc.get(kind.section()).and_then(Item::as_array_of_tables) else {
        return Ok(Vec::new());
    };
    Ok(entries
        .iter()
        .map(|t| {
            std::iter::once(id.to_string())
                .chain(kind.fields().iter().map(|f| {
                    t.get(f.name)
                        .and_then(Item::as_value)
                        .map_or_else(String::new, text_of)
                }))
                .collect()
        })
        .collect())
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`, which spreadsheets hide and `import` removes again.
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The inverse of [`defuse`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Columns of `eval --format csv`: one row per partner × program.
pub const EVAL_HEADER: [&str; 11] = [
    "partner",
    "program",
    "track",
    "tier",
    "tier_name",
    "tier_basis",
    "types",
    "statuses",
    "entitlements",
    "next_step",
    "warnings",
];

/// One `eval --format csv` row. Lists are joined with "; " so each stays one cell.
pub fn eval_row(ev: &crate::evaluate::Evaluation) -> Vec<String> {
    use crate::evaluate::TierBasis;
    let basis = match &ev.tier_basis {
        None => "",
        Some(TierBasis::Requirements) => "requirements",
        Some(TierBasis::Override { .. }) => "override",
        Some(TierBasis::Grace { .. }) => "grace",
    };
    let entitlements: Vec<String> = ev
        .entitlements
        .iter()
        .map(|e| format!("{}: {}", e.name, e.display))
        .collect();
    let gaps = crate::render::explain::gap_sentences(ev);
    vec![
        ev.partner.clone(),
        ev.program.clone(),
        ev.track.clone().unwrap_or_default(),
        ev.tier.clone().unwrap_or_default(),
        ev.tier_name().unwrap_or_default().to_string(),
        basis.to_string(),
        ev.types.join("; "),
        ev.statuses.join("; "),
        entitlements.join("; "),
        gaps.join("; "),
        ev.warnings.len().to_string(),
    ]
}

/// RFC 4180 CSV of `header` and `rows`, every cell defused (see [`defuse`]).
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header)?;
    for r in rows {
        out.write_record(r.iter().map(|c| defuse(c)))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    // Every cell is a `String`, so the bytes are UTF-8; lossy only to avoid a panic path.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
