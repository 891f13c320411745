//! The upcoming report as a table, Markdown (grouped by date), JSON or CSV.

use std::fmt::Write;

use super::{Item, Kind, Report};
use crate::render::{markdown, table};

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Downgrade => "downgrade",
        Kind::Upgrade => "upgrade",
        Kind::Expiry => "expiry",
        Kind::Due => "due",
        Kind::Overdue => "overdue",
        Kind::Terms => "terms",
        Kind::Link => "link",
    }
}

fn cells(i: &Item) -> [String; 6] {
    [
        i.date.to_string(),
        kind(i.kind).into(),
        if i.partner.is_empty() {
            "—".into()
        } else {
            i.partner.clone()
        },
        i.program.clone(),
        i.what.clone(),
        i.prevent.clone(),
    ]
}

const HEADER: [&str; 6] = [
    "DATE",
    "KIND",
    "PARTNER",
    "PROGRAM",
    "WHAT HAPPENS",
    "PREVENTED BY",
];

/// A plain-text table; control characters from the data are shown escaped.
pub fn table(r: &Report) -> String {
    let mut out = format!("Upcoming from {} to {}\n\n", r.as_of, r.until);
    if r.items.is_empty() {
        out.push_str("nothing needs attention\n");
        return out;
    }
    let rows: Vec<[String; 6]> = r.items.iter().map(cells).collect();
    out + &table::aligned(&HEADER, &rows)
}

/// Markdown for an issue: one section per date, a table in each.
pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "## Partner programs: what needs attention from {} to {}\n\n",
        r.as_of, r.until
    );
    if r.items.is_empty() {
        out.push_str("Nothing needs attention.\n");
        return out;
    }
    let _ = writeln!(out, "{} item(s).", r.items.len());
    let mut date = None;
    for i in &r.items {
        if date != Some(i.date) {
            date = Some(i.date);
            let when = if i.date < r.as_of { " (overdue)" } else { "" };
            let _ = writeln!(out, "\n### {}{when}\n", i.date);
            out.push_str("| Kind | Partner | Program | What happens | Prevented by |\n");
            out.push_str("|---|---|---|---|---|\n");
        }
        let c = cells(i);
        let row: Vec<String> = c[1..].iter().map(|c| markdown::escape(c)).collect();
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
}

/// The JSON document described in the README.
pub fn json(r: &Report) -> Result<String, serde_json::Error> {
    crate::render::json_document(r)
}

/// CSV, one row per item.
pub fn csv(r: &Report) -> Result<String, csv::Error> {
    let header = ["date", "kind", "partner", "program", "what", "prevented_by"];
    let rows: Vec<Vec<String>> = r.items.iter().map(|i| cells(i).to_vec()).collect();
    crate::import::export::to_csv(&header, &rows)
}
