//! Renderers for the effect diff: terminal tables, the Markdown PR comment and JSON.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::Style;

use crate::diff::{
    Cause, DiffReport, FieldChange, FutureEffect, ListingChange, PartnerEvent, ProgramChange,
    TierChange, TierMove, ValueChange,
};
use crate::render::markdown::{code_block, code_span, escape};
use crate::render::table::{self, Fit};
use crate::render::terminal;

/// Hidden marker that makes the PR comment sticky: the bot finds and updates the comment holding it.
pub const STICKY_MARKER: &str = "<!-- partnerctl:diff -->";

/// GitHub's limit on a comment body.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

fn tier_label(name: &Option<String>, id: &Option<String>) -> String {
    name.clone()
        .or_else(|| id.clone())
        .unwrap_or_else(|| "—".into())
}

fn arrow(d: TierMove) -> &'static str {
    match d {
        TierMove::Up => "↑ up",
        TierMove::Down => "↓ down",
        TierMove::Gained => "↑ gained",
        TierMove::Lost => "↓ lost",
    }
}

fn cause(c: Cause) -> &'static str {
    match c {
        Cause::PartnerFile => "partner file",
        Cause::ProgramTerms => "program terms",
        Cause::Both => "partner file and program terms",
        Cause::OtherPartnerFile => "another partner file",
    }
}

fn tier_rows(changes: &[TierChange]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.partner.clone(),
                c.program.clone(),
                c.track.clone().unwrap_or_else(|| "—".into()),
                tier_label(&c.from_name, &c.from),
                tier_label(&c.to_name, &c.to),
                arrow(c.direction).into(),
                cause(c.cause).into(),
                if c.because.is_empty() {
                    "—".into()
                } else {
                    c.because.join(", ")
                },
            ]
        })
        .collect()
}

const TIER_HEADER: [&str; 8] = [
    "partner", "program", "track", "before", "after", "change", "cause", "because",
];
const VALUE_HEADER: [&str; 5] = ["partner", "program", "entitlement", "before", "after"];

fn value_rows(changes: &[ValueChange]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.partner.clone(),
                c.program.clone(),
                c.name.clone(),
                c.from.clone().unwrap_or_else(|| "—".into()),
                c.to.clone().unwrap_or_else(|| "—".into()),
            ]
        })
        .collect()
}

/// `n` and the noun, singular or plural.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A terminal table of untrusted cells, fitted to `fit`.
fn terminal_table(header: &[&str], rows: Vec<Vec<String>>, fit: Fit, empty: &str) -> String {
    // Cells come from the data: no control characters into a terminal.
    let rows = rows
        .iter()
        .map(|r| r.iter().map(|c| terminal::escape(c).into_owned()).collect())
        .collect();
    table::table(header, rows, fit, empty)
}

/// A Markdown table of untrusted cells (escaped here); `empty` in italics when there are none.
fn markdown_table(header: &[&str], rows: Vec<Vec<String>>, empty: &str) -> String {
    markdown_table_cells(
        header,
        rows.iter()
            .map(|r| r.iter().map(|c| escape(&terminal::escape(c))).collect())
            .collect(),
        empty,
    )
}

/// A Markdown table of cells already in Markdown.
fn markdown_table_cells(header: &[&str], rows: Vec<Vec<String>>, empty: &str) -> String {
    if rows.is_empty() {
        return format!("_{}_\n", escape(empty));
    }
    let mut b = Builder::default();
    b.push_record(header.iter().map(|h| h.to_string()));
    for r in rows {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::markdown());
    format!("{t}\n")
}

/// The base as the reader knows it: how it was named or chosen, and its commit.
fn base_label(r: &DiffReport) -> String {
    let is_id = r.base.len() >= 40 && r.base.chars().all(|c| c.is_ascii_hexdigit());
    match &r.base_note {
        Some(note) if is_id => format!("{note} ({})", &r.base[..12]),
        Some(note) => format!("{note} ({})", r.base),
        None => r.base.clone(),
    }
}

fn event_line(e: &PartnerEvent) -> (String, String) {
    match e {
        PartnerEvent::Added { partner } => ("added".into(), partner.clone()),
        PartnerEvent::Removed { partner } => ("removed".into(), partner.clone()),
        PartnerEvent::Renamed { from, to } => ("renamed".into(), format!("{from} → {to}")),
    }
}

/// The terminal rendering, tables at most [`table::DEFAULT_WIDTH`] wide.
pub fn terminal(r: &DiffReport) -> String {
    terminal_fit(r, Fit::Columns(table::DEFAULT_WIDTH))
}

/// The terminal rendering with tables fitted to `fit`.
pub fn terminal_fit(r: &DiffReport, fit: Fit) -> String {
    let e = terminal::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {} (as of {}): {}",
        e(&base_label(r)),
        e(&r.head),
        r.as_of,
        e(&r.sentence())
    );
    for w in &r.warnings {
        let _ = writeln!(out, "\n⚠ {}: {}", e(&w.file), e(&w.message));
    }
    terminal_partners(r, &mut out);
    if !r.tier_changes.is_empty() {
        let _ = writeln!(out, "\nTier changes");
        out.push_str(&terminal_table(
            &TIER_HEADER,
            tier_rows(&r.tier_changes),
            fit,
            "",
        ));
    }
    for q in &r.qualification_changes {
        let _ = writeln!(
            out,
            "  {} {} {}: {} {}",
            e(&q.partner),
            e(&q.program),
            q.what,
            e(&q.id),
            if q.gained { "gained" } else { "lost" }
        );
    }
    for (title, changes) in [
        ("Entitlement changes", &r.entitlement_changes),
        ("Fee changes", &r.fee_changes),
    ] {
        if !changes.is_empty() {
            let _ = writeln!(out, "\n{title}");
            out.push_str(&terminal_table(&VALUE_HEADER, value_rows(changes), fit, ""));
        }
    }
    terminal_validation(r, &mut out);
    for p in &r.programs {
        let _ = writeln!(out, "\n{}", e(&program_line(p, false)));
    }
    for f in &r.future {
        let _ = writeln!(out, "\n{}", e(&future_heading(f)));
        out.push_str(&terminal_table(
            &TIER_HEADER,
            tier_rows(&f.tier_changes),
            fit,
            "",
        ));
    }
    terminal_listing(r, &mut out);
    terminal_files(r, &mut out);
    out
}

fn terminal_partners(r: &DiffReport, out: &mut String) {
    let e = terminal::escape;
    if !r.partners.is_empty() {
        let _ = writeln!(out, "\nPartners");
        for ev in &r.partners {
            let (what, who) = event_line(ev);
            let _ = writeln!(out, "  {what}: {}", e(&who));
        }
    }
    if !r.memberships_ended.is_empty() {
        let _ = writeln!(
            out,
            "\nMemberships ended (the partner holds nothing in the program)"
        );
        for m in &r.memberships_ended {
            let _ = writeln!(out, "  {}: left {}", e(&m.partner), e(&m.program));
        }
    }
}

fn terminal_validation(r: &DiffReport, out: &mut String) {
    let e = terminal::escape;
    if r.validation.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nValidation");
    for v in &r.validation {
        if !v.became_invalid {
            let _ = writeln!(out, "  ✓ {} became valid", e(&v.file));
            continue;
        }
        let _ = writeln!(out, "  ✗ {} became invalid", e(&v.file));
        for d in &v.diagnostics {
            let loc = d
                .start
                .map_or(String::new(), |s| format!(":{}:{}", s.line, s.column));
            let _ = writeln!(
                out,
                "    {}{loc} [{}] {}",
                e(&d.file),
                d.code,
                e(&d.message)
            );
        }
    }
}

fn terminal_listing(r: &DiffReport, out: &mut String) {
    let e = terminal::escape;
    if r.listing.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nPublic directory");
    for l in &r.listing {
        let _ = writeln!(out, "  {}: {}", e(&l.partner), listing_word(l));
        for c in &l.fields {
            let _ = writeln!(out, "    {}", e(&field_line(c)));
        }
    }
}

fn terminal_files(r: &DiffReport, out: &mut String) {
    let e = terminal::escape;
    for f in &r.files {
        let against = f
            .compared_with
            .as_ref()
            .map_or(String::new(), |c| format!(", compared with {c}"));
        let _ = writeln!(out, "\n{} ({}{})", e(&f.path), f.status, e(&against));
        for c in &f.fields {
            let _ = writeln!(out, "  {}", e(&field_line(c)));
        }
        if f.fields.is_empty() {
            let _ = writeln!(out, "  {NO_FIELD_CHANGES}");
        }
    }
}

const NO_FIELD_CHANGES: &str = "No field changes: only formatting or comments differ.";

fn field_line(c: &FieldChange) -> String {
    format!(
        "{}: {} → {}",
        c.path,
        c.from.as_deref().unwrap_or("∅"),
        c.to.as_deref().unwrap_or("∅")
    )
}

fn listing_word(l: &ListingChange) -> &'static str {
    match l.change {
        "listed" => "newly listed",
        "unlisted" => "no longer listed",
        _ => "entry changes",
    }
}

/// One line on a changed program file: when it takes effect and whom it affects.
fn program_line(p: &ProgramChange, markdown: bool) -> String {
    let file = if markdown {
        code_span(&p.file, false)
    } else {
        p.file.clone()
    };
    let program = if markdown {
        code_span(&p.program, false)
    } else {
        p.program.clone()
    };
    let when = p
        .takes_effect
        .map_or(String::new(), |d| format!(", taking effect on {d}"));
    let n = p.blast_radius.len();
    let who = if n == 0 {
        String::new()
    } else if markdown {
        format!(": {}", escape(&p.blast_radius.join(", ")))
    } else {
        format!(": {}", p.blast_radius.join(", "))
    };
    let radius = count(n, "partner", "partners");
    format!("Program terms changed: {file} ({program}){when}; blast radius: {radius}{who}")
}

fn future_heading(f: &FutureEffect) -> String {
    let programs = f.programs.join(", ");
    if f.new_terms.is_empty() {
        format!("At the review on {} ({programs})", f.date)
    } else {
        format!(
            "On {}, when new terms of {} take effect ({programs})",
            f.date,
            f.new_terms.join(", ")
        )
    }
}

/// How much detail a Markdown rendering keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    Full,
    NoTextDiffs,
    NoFieldChanges,
    Truncated(usize),
}

/// The PR comment: summary sentence, tier table, entitlement and fee changes, validation problems,
/// then collapsed details. Detail is dropped (text diffs, then field changes, then table rows)
/// until the comment fits in `max_chars`; what was left out is said. `max_chars = 0` means no limit.
pub fn markdown(r: &DiffReport, max_chars: usize) -> String {
    let mut levels = vec![Detail::Full, Detail::NoTextDiffs, Detail::NoFieldChanges];
    levels.extend([200, 50, 10, 0].map(Detail::Truncated));
    let mut last = String::new();
    for level in levels {
        last = markdown_at(r, level);
        if max_chars == 0 || last.len() <= max_chars {
            return last;
        }
    }
    // Even the summary alone is too long (a pathological sentence): cut on a char boundary.
    let mut cut = max_chars.saturating_sub(100);
    while !last.is_char_boundary(cut) {
        cut -= 1;
    }
    last.truncate(cut);
    last.push_str("\n\n_Comment truncated to fit GitHub's limit; see the job summary._\n");
    last
}

/// Table rows, capped at a detail level; what was cut is noted in `omitted`.
struct Rows {
    cap: Option<usize>,
    omitted: Vec<String>,
}

impl Rows {
    fn take(&mut self, name: &str, mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
        if let Some(n) = self.cap {
            if v.len() > n {
                self.omitted
                    .push(format!("{} more {name} rows", v.len() - n));
                v.truncate(n);
            }
        }
        v
    }
}

fn markdown_at(r: &DiffReport, level: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{STICKY_MARKER}");
    let _ = writeln!(out, "**partnerctl:** {}\n", escape(&r.sentence()));
    let _ = writeln!(
        out,
        "<sub>{} → {}, evaluated as of {}</sub>\n",
        code_span(&base_label(r), false),
        code_span(&r.head, false),
        r.as_of
    );
    let mut rows = Rows {
        cap: match level {
            Detail::Truncated(n) => Some(n),
            _ => None,
        },
        omitted: Vec::new(),
    };
    markdown_warnings(r, &mut out);
    markdown_standings(r, &mut rows, &mut out);
    markdown_validation(r, &mut out);
    markdown_partners(r, &mut out);
    markdown_programs(r, &mut rows, &mut out);
    markdown_listing(r, &mut rows, &mut out);
    markdown_files(r, level, &mut rows.omitted, &mut out);
    if !rows.omitted.is_empty() {
        rows.omitted.reverse();
        let _ = writeln!(out, "_Left out to stay under GitHub's comment limit: {}. The full report is in the job summary._", rows.omitted.join(", "));
    }
    out
}

fn markdown_warnings(r: &DiffReport, out: &mut String) {
    for w in &r.warnings {
        // The message quotes a file name pattern in a code span of its own.
        let (text, code) = w
            .message
            .split_once('`')
            .map_or((w.message.as_str(), ""), |(t, c)| {
                (t, c.trim_end_matches('`'))
            });
        let code = if code.is_empty() {
            String::new()
        } else {
            code_span(code, false)
        };
        let _ = writeln!(
            out,
            "> [!WARNING]\n> {}: {}{code}\n",
            code_span(&w.file, false),
            escape(text)
        );
    }
}

fn markdown_standings(r: &DiffReport, rows: &mut Rows, out: &mut String) {
    if !r.memberships_ended.is_empty() {
        let _ = writeln!(out, "### Memberships ended\n");
        let v = r
            .memberships_ended
            .iter()
            .map(|m| vec![m.partner.clone(), m.program.clone(), "left".into()])
            .collect();
        out.push_str(&markdown_table(
            &["partner", "program", "change"],
            rows.take("membership", v),
            "",
        ));
        out.push('\n');
    }
    if !r.tier_changes.is_empty() {
        let _ = writeln!(out, "### Tier changes\n");
        let v = rows.take("tier change", tier_rows(&r.tier_changes));
        out.push_str(&markdown_table(&TIER_HEADER, v, ""));
        out.push('\n');
    }
    if !r.qualification_changes.is_empty() {
        let _ = writeln!(out, "### Partner types and statuses\n");
        let v = r
            .qualification_changes
            .iter()
            .map(|q| {
                vec![
                    q.partner.clone(),
                    q.program.clone(),
                    q.what.to_owned(),
                    q.id.clone(),
                    if q.gained { "gained" } else { "lost" }.into(),
                ]
            })
            .collect();
        let header = ["partner", "program", "what", "id", "change"];
        out.push_str(&markdown_table(&header, rows.take("type/status", v), ""));
        out.push('\n');
    }
    for (title, what, changes) in [
        ("Entitlement changes", "entitlement", &r.entitlement_changes),
        ("Fee changes", "fee", &r.fee_changes),
    ] {
        if !changes.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            out.push_str(&markdown_table(
                &VALUE_HEADER,
                rows.take(what, value_rows(changes)),
                "",
            ));
            out.push('\n');
        }
    }
}

fn markdown_validation(r: &DiffReport, out: &mut String) {
    if r.validation.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Validation\n");
    for v in &r.validation {
        if !v.became_invalid {
            let _ = writeln!(out, "- ✅ {} became valid", code_span(&v.file, false));
            continue;
        }
        let _ = writeln!(out, "- ❌ {} became invalid", code_span(&v.file, false));
        for d in &v.diagnostics {
            let loc = d
                .start
                .map_or(String::new(), |s| format!(":{}:{}", s.line, s.column));
            let _ = writeln!(
                out,
                "  - {} {}: {}",
                code_span(&format!("{}{loc}", d.file), false),
                escape(d.code.as_str()),
                escape(&d.message)
            );
        }
    }
    out.push('\n');
}

fn markdown_partners(r: &DiffReport, out: &mut String) {
    if r.partners.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Partners\n");
    for ev in &r.partners {
        let (what, who) = event_line(ev);
        let _ = writeln!(out, "- {what}: {}", escape(&who));
    }
    out.push('\n');
}

fn markdown_programs(r: &DiffReport, rows: &mut Rows, out: &mut String) {
    if !r.programs.is_empty() {
        let _ = writeln!(out, "### Program terms\n");
        for p in &r.programs {
            let line = program_line(p, true);
            let line = line
                .strip_prefix("Program terms changed: ")
                .unwrap_or(&line);
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if r.future.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Coming reviews and new terms\n");
    for f in &r.future {
        let down = f
            .tier_changes
            .iter()
            .filter(|c| !c.direction.is_up())
            .count();
        let _ = writeln!(
            out,
            "{}: {}, {down} down.\n",
            escape(&future_heading(f)),
            count(f.tier_changes.len(), "tier change", "tier changes"),
        );
        let v = rows.take("future tier change", tier_rows(&f.tier_changes));
        out.push_str(&markdown_table(&TIER_HEADER, v, ""));
        out.push('\n');
    }
}

/// The public directory entries that change, as visitors will see them after the merge.
fn markdown_listing(r: &DiffReport, rows: &mut Rows, out: &mut String) {
    if r.listing.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Public directory\n");
    let v = r
        .listing
        .iter()
        .flat_map(|l| {
            let head = [l.partner.clone(), listing_word(l).into()];
            let fields: Vec<&FieldChange> = l.fields.iter().collect();
            fields.into_iter().map(move |c| {
                let mut row = head.to_vec();
                row.extend([
                    c.path.clone(),
                    c.from.clone().unwrap_or_else(|| "∅".into()),
                    c.to.clone().unwrap_or_else(|| "∅".into()),
                ]);
                row
            })
        })
        .collect();
    let header = ["partner", "change", "field", "before", "after"];
    out.push_str(&markdown_table(&header, rows.take("directory", v), ""));
    out.push('\n');
}

fn markdown_files(r: &DiffReport, level: Detail, omitted: &mut Vec<String>, out: &mut String) {
    if r.files.is_empty() {
        return;
    }
    if level < Detail::NoFieldChanges {
        markdown_fields(r, out);
    } else {
        omitted.push("field changes".into());
    }
    if level >= Detail::NoTextDiffs {
        omitted.push("text diffs".into());
        return;
    }
    let diffs: Vec<&String> = r
        .files
        .iter()
        .filter_map(|f| f.text_diff.as_ref())
        .collect();
    if !diffs.is_empty() {
        let files = count(diffs.len(), "file", "files");
        let _ = writeln!(out, "<details><summary>Text diffs ({files})</summary>\n");
        for d in diffs {
            out.push_str(&code_block("diff", d));
            out.push('\n');
        }
        let _ = writeln!(out, "</details>\n");
    }
    let hidden = r.files.iter().filter(|f| f.text_diff.is_none()).count();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "_Text diffs of {} are hidden because they hold confidential data._\n",
            count(hidden, "partner file", "partner files")
        );
    }
}

fn markdown_fields(r: &DiffReport, out: &mut String) {
    let n: usize = r.files.iter().map(|f| f.fields.len()).sum();
    let _ = writeln!(
        out,
        "<details><summary>Field changes ({n} in {})</summary>\n",
        count(r.files.len(), "file", "files")
    );
    for f in &r.files {
        let against = f.compared_with.as_ref().map_or(String::new(), |c| {
            format!(", compared with {}", code_span(c, false))
        });
        let _ = writeln!(
            out,
            "**{}** ({}{against})\n",
            code_span(&f.path, false),
            f.status
        );
        let v = f
            .fields
            .iter()
            .map(|c| {
                let cell =
                    |v: &Option<String>| escape(&terminal::escape(v.as_deref().unwrap_or("∅")));
                vec![code_span(&c.path, true), cell(&c.from), cell(&c.to)]
            })
            .collect();
        let empty = "No field changes: only formatting or comments differ.";
        out.push_str(&markdown_table_cells(
            &["field", "before", "after"],
            v,
            empty,
        ));
        out.push('\n');
    }
    let _ = writeln!(out, "</details>\n");
}

/// The JSON report.
pub fn json(r: &DiffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("diff serializes");
    s.push('\n');
    s
}
