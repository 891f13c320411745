//! History as a table, Markdown, JSON or CSV. Everything shown is public (tiers, types,
//! statuses, entitlement ids, commit metadata); untrusted text is escaped per format.

use std::fmt::Write;

use super::{Event, EventKind, Report, Standing, State};
use crate::render::{markdown, table};

/// One line: "no tier", "tier gold (track msp); types hosting; statuses —".
pub fn summary(s: &Standing) -> String {
    match s.state {
        State::Invalid => return "unknown (file invalid)".into(),
        State::Ended => return "ended".into(),
        State::Member => {}
    }
    let mut out = match &s.tier {
        Some(t) => format!("tier {t}"),
        None => "no tier".into(),
    };
    if let Some(track) = &s.track {
        let _ = write!(out, " (track {track})");
    }
    if !s.types.is_empty() {
        let _ = write!(out, "; types {}", s.types.join(", "));
    }
    if !s.statuses.is_empty() {
        let _ = write!(out, "; statuses {}", s.statuses.join(", "));
    }
    out
}

fn set_change(what: &str, before: &[String], after: &[String], out: &mut Vec<String>) {
    let gained: Vec<&str> = (after.iter())
        .filter(|x| !before.contains(x))
        .map(String::as_str)
        .collect();
    let lost: Vec<&str> = (before.iter())
        .filter(|x| !after.contains(x))
        .map(String::as_str)
        .collect();
    if !gained.is_empty() {
        out.push(format!("{what} +{}", gained.join(", +")));
    }
    if !lost.is_empty() {
        out.push(format!("{what} -{}", lost.join(", -")));
    }
}

/// What changed: "tier silver → gold; types +hosting"; entitlements by id when `full`, else
/// counted.
pub fn change(e: &Event, full: bool) -> String {
    let (b, a) = match (&e.before, &e.after) {
        (None, None) => return "no change".into(),
        (None, Some(a)) => return format!("joined: {}", summary(a)),
        (Some(b), None) => return format!("left (was {})", summary(b)),
        (Some(b), Some(a)) => (b, a),
    };
    if b.state != a.state || a.state != State::Member {
        return format!("{} → {}", summary(b), summary(a));
    }
    let mut parts = Vec::new();
    if b.tier != a.tier || b.track != a.track {
        let t = |s: &Standing| s.tier.clone().unwrap_or_else(|| "none".into());
        parts.push(format!("tier {} → {}", t(b), t(a)));
    }
    set_change("types", &b.types, &a.types, &mut parts);
    set_change("statuses", &b.statuses, &a.statuses, &mut parts);
    if full {
        set_change("entitlements", &b.entitlements, &a.entitlements, &mut parts);
    } else {
        let gained = (a.entitlements.iter())
            .filter(|x| !b.entitlements.contains(x))
            .count();
        let lost = (b.entitlements.iter())
            .filter(|x| !a.entitlements.contains(x))
            .count();
        match (gained, lost) {
            (0, 0) => {}
            (g, 0) => parts.push(format!("{g} entitlement(s) gained")),
            (0, l) => parts.push(format!("{l} entitlement(s) lost")),
            (g, l) => parts.push(format!("{g} entitlement(s) gained, {l} lost")),
        }
    }
    parts.join("; ")
}

fn kind(k: EventKind) -> &'static str {
    match k {
        EventKind::Commit => "commit",
        EventKind::Calendar => "calendar",
    }
}

fn commit_cell(e: &Event) -> String {
    match e.kind {
        EventKind::Commit => format!(
            "{} {} ({}, {})",
            &e.commit.id[..7.min(e.commit.id.len())],
            e.commit.subject,
            e.commit.author,
            e.commit.date
        ),
        EventKind::Calendar => format!("data as of {}", &e.commit.id[..7.min(e.commit.id.len())]),
    }
}

/// Rows of cells: date, kind, partner, program, change, cause, commit.
fn rows(r: &Report) -> Vec<[String; 7]> {
    // Entitlement lists run long: tables count them, JSON and CSV name them.
    (r.partners.iter())
        .flat_map(|p| &p.events)
        .map(|e| {
            [
                e.date.to_string(),
                kind(e.kind).into(),
                e.partner.clone(),
                e.program.clone(),
                change(e, false),
                e.cause.clone(),
                commit_cell(e),
            ]
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "DATE", "KIND", "PARTNER", "PROGRAM", "CHANGE", "CAUSE", "COMMIT",
];

fn cut_note(r: &Report) -> Option<String> {
    r.history_cut_at.as_ref().map(|c| {
        format!(
            "History is cut at commit {} ({}): this is a shallow clone, earlier changes are unknown; fetch the full history with `git fetch --unshallow`.",
            &c.id[..7.min(c.id.len())],
            c.date
        )
    })
}

/// A plain-text table; control characters from the data are shown escaped.
pub fn table(r: &Report) -> String {
    let rows = rows(r);
    let mut out = table::aligned(&HEADER, &rows);
    if rows.is_empty() {
        out.push_str("no changes\n");
    }
    if let Some(n) = cut_note(r) {
        let _ = writeln!(out, "\n{n}");
    }
    out
}

/// A Markdown table.
pub fn markdown(r: &Report) -> String {
    let mut out = String::from("| Date | Kind | Partner | Program | Change | Cause | Commit |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for row in rows(r) {
        let cells: Vec<String> = row.iter().map(|c| markdown::escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if let Some(n) = cut_note(r) {
        let _ = writeln!(out, "\n> {}", markdown::escape(&n));
    }
    out
}

/// The JSON document described in the README.
pub fn json(r: &Report) -> Result<String, serde_json::Error> {
    crate::render::json_document(r)
}

/// CSV, one row per event.
pub fn csv(r: &Report) -> Result<String, csv::Error> {
    let header = [
        "date",
        "kind",
        "partner",
        "program",
        "change",
        "cause",
        "commit",
        "author",
        "commit_date",
        "subject",
    ];
    let rows: Vec<Vec<String>> = (r.partners.iter())
        .flat_map(|p| &p.events)
        .map(|e| {
            vec![
                e.date.to_string(),
                kind(e.kind).into(),
                e.partner.clone(),
                e.program.clone(),
                change(e, true),
                e.cause.clone(),
                e.commit.id.clone(),
                e.commit.author.clone(),
                e.commit.date.to_string(),
                e.commit.subject.clone(),
            ]
        })
        .collect();
    crate::import::export::to_csv(&header, &rows)
}
