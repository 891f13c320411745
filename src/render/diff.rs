//! Renderers for the effect diff: terminal tables, the Markdown PR comment and JSON.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Style, Width};

use crate::diff::{Cause, DiffReport, PartnerEvent, TierChange, TierMove, ValueChange};
use crate::render::markdown::{code_block, escape};
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

fn table(header: &[&str], rows: Vec<Vec<String>>, markdown: bool) -> String {
    let mut b = Builder::default();
    b.push_record(header.iter().map(|h| h.to_string()));
    for r in rows {
        // Cells come from the data: no control characters into a terminal or a comment.
        let r = r.iter().map(|c| terminal::escape(c));
        b.push_record(if markdown {
            r.map(|c| escape(&c)).collect::<Vec<_>>()
        } else {
            r.map(|c| c.into_owned()).collect()
        });
    }
    let mut t = b.build();
    if markdown {
        t.with(Style::markdown());
    } else {
        t.with(Style::rounded());
        // Long names and values wrap so the table fits a terminal.
        t.modify(Columns::new(..), Width::wrap(40).keep_words(true));
    }
    format!("{t}\n")
}

fn event_line(e: &PartnerEvent) -> (String, String) {
    match e {
        PartnerEvent::Added { partner } => ("added".into(), partner.clone()),
        PartnerEvent::Removed { partner } => ("removed".into(), partner.clone()),
        PartnerEvent::Renamed { from, to } => ("renamed".into(), format!("{from} → {to}")),
    }
}

/// The terminal rendering.
pub fn terminal(r: &DiffReport) -> String {
    let e = terminal::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {} (as of {}): {}",
        e(&r.base),
        e(&r.head),
        r.as_of,
        e(&r.sentence())
    );
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
    if !r.tier_changes.is_empty() {
        let _ = writeln!(out, "\nTier changes");
        out.push_str(&table(&TIER_HEADER, tier_rows(&r.tier_changes), false));
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
    if !r.entitlement_changes.is_empty() {
        let _ = writeln!(out, "\nEntitlement changes");
        out.push_str(&table(
            &VALUE_HEADER,
            value_rows(&r.entitlement_changes),
            false,
        ));
    }
    if !r.fee_changes.is_empty() {
        let _ = writeln!(out, "\nFee changes");
        out.push_str(&table(&VALUE_HEADER, value_rows(&r.fee_changes), false));
    }
    if !r.validation.is_empty() {
        let _ = writeln!(out, "\nValidation");
        for v in &r.validation {
            if v.became_invalid {
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
            } else {
                let _ = writeln!(out, "  ✓ {} became valid", e(&v.file));
            }
        }
    }
    for p in &r.programs {
        let _ = writeln!(
            out,
            "\nProgram terms changed: {} ({}); blast radius: {} partner(s){}",
            e(&p.file),
            e(&p.program),
            p.blast_radius.len(),
            if p.blast_radius.is_empty() {
                String::new()
            } else {
                format!(": {}", e(&p.blast_radius.join(", ")))
            }
        );
    }
    for f in &r.future {
        let _ = writeln!(
            out,
            "\nAt the review on {} ({})",
            f.date,
            e(&f.programs.join(", "))
        );
        out.push_str(&table(&TIER_HEADER, tier_rows(&f.tier_changes), false));
    }
    for f in &r.files {
        let _ = writeln!(out, "\n{} ({})", e(&f.path), f.status);
        for c in &f.fields {
            let _ = writeln!(
                out,
                "  {}: {} → {}",
                e(&c.path),
                e(c.from.as_deref().unwrap_or("∅")),
                e(c.to.as_deref().unwrap_or("∅"))
            );
        }
    }
    out
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

fn markdown_at(r: &DiffReport, level: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{STICKY_MARKER}");
    let _ = writeln!(out, "**partnerctl:** {}\n", escape(&r.sentence()));
    let _ = writeln!(
        out,
        "<sub>`{}` → `{}`, evaluated as of {}</sub>\n",
        escape(&r.base).replace('`', ""),
        escape(&r.head).replace('`', ""),
        r.as_of
    );
    let cap = match level {
        Detail::Truncated(n) => Some(n),
        _ => None,
    };
    let mut omitted: Vec<String> = Vec::new();
    let mut rows = |name: &str, mut v: Vec<Vec<String>>| {
        if let Some(n) = cap {
            if v.len() > n {
                omitted.push(format!("{} more {name} rows", v.len() - n));
                v.truncate(n);
            }
        }
        v
    };
    if !r.memberships_ended.is_empty() {
        let _ = writeln!(out, "### Memberships ended\n");
        let v = r
            .memberships_ended
            .iter()
            .map(|m| vec![m.partner.clone(), m.program.clone(), "left".into()])
            .collect();
        out.push_str(&table(
            &["partner", "program", "change"],
            rows("membership", v),
            true,
        ));
        out.push('\n');
    }
    if !r.tier_changes.is_empty() {
        let _ = writeln!(out, "### Tier changes\n");
        out.push_str(&table(
            &TIER_HEADER,
            rows("tier change", tier_rows(&r.tier_changes)),
            true,
        ));
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
        out.push_str(&table(
            &["partner", "program", "what", "id", "change"],
            rows("type/status", v),
            true,
        ));
        out.push('\n');
    }
    for (title, what, changes) in [
        ("Entitlement changes", "entitlement", &r.entitlement_changes),
        ("Fee changes", "fee", &r.fee_changes),
    ] {
        if !changes.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            out.push_str(&table(&VALUE_HEADER, rows(what, value_rows(changes)), true));
            out.push('\n');
        }
    }
    if !r.validation.is_empty() {
        let _ = writeln!(out, "### Validation\n");
        for v in &r.validation {
            if v.became_invalid {
                let _ = writeln!(out, "- ❌ {} became invalid", escape(&v.file));
                for d in &v.diagnostics {
                    let loc = d
                        .start
                        .map_or(String::new(), |s| format!(":{}:{}", s.line, s.column));
                    let _ = writeln!(
                        out,
                        "  - {}{loc} {}: {}",
                        escape(&d.file),
                        escape(d.code.as_str()),
                        escape(&d.message)
                    );
                }
            } else {
                let _ = writeln!(out, "- ✅ {} became valid", escape(&v.file));
            }
        }
        out.push('\n');
    }
    if !r.partners.is_empty() {
        let _ = writeln!(out, "### Partners\n");
        for ev in &r.partners {
            let (what, who) = event_line(ev);
            let _ = writeln!(out, "- {what}: {}", escape(&who));
        }
        out.push('\n');
    }
    if !r.programs.is_empty() {
        let _ = writeln!(out, "### Program terms\n");
        for p in &r.programs {
            let radius = if p.blast_radius.is_empty() {
                "no partner outcome changes".to_owned()
            } else {
                format!(
                    "{} affected without touching their files: {}",
                    if p.blast_radius.len() == 1 {
                        "1 partner".to_owned()
                    } else {
                        format!("{} partners", p.blast_radius.len())
                    },
                    escape(&p.blast_radius.join(", "))
                )
            };
            let _ = writeln!(
                out,
                "- {} (`{}`): {radius}",
                escape(&p.file),
                escape(&p.program).replace('`', "")
            );
        }
        out.push('\n');
    }
    if !r.future.is_empty() {
        let _ = writeln!(out, "### Coming reviews\n");
        for f in &r.future {
            let down = f
                .tier_changes
                .iter()
                .filter(|c| !c.direction.is_up())
                .count();
            let _ = writeln!(
                out,
                "On {} ({}): {} tier change(s), {} down.\n",
                f.date,
                escape(&f.programs.join(", ")),
                f.tier_changes.len(),
                down
            );
            out.push_str(&table(
                &TIER_HEADER,
                rows("future tier change", tier_rows(&f.tier_changes)),
                true,
            ));
            out.push('\n');
        }
    }
    let with_fields = level < Detail::NoFieldChanges;
    let with_text = level < Detail::NoTextDiffs;
    if !r.files.is_empty() {
        if with_fields {
            let n: usize = r.files.iter().map(|f| f.fields.len()).sum();
            let _ = writeln!(
                out,
                "<details><summary>Field changes ({n} in {} files)</summary>\n",
                r.files.len()
            );
            for f in &r.files {
                let _ = writeln!(out, "**{}** ({})\n", escape(&f.path), f.status);
                let v = f
                    .fields
                    .iter()
                    .map(|c| {
                        vec![
                            c.path.clone(),
                            c.from.clone().unwrap_or_else(|| "∅".into()),
                            c.to.clone().unwrap_or_else(|| "∅".into()),
                        ]
                    })
                    .collect();
                out.push_str(&table(&["field", "before", "after"], v, true));
                out.push('\n');
            }
            let _ = writeln!(out, "</details>\n");
        } else {
            omitted.push("field changes".into());
        }
        if with_text {
            let diffs: Vec<_> = r
                .files
                .iter()
                .filter_map(|f| f.text_diff.as_ref().map(|d| (f, d)))
                .collect();
            if !diffs.is_empty() {
                let _ = writeln!(
                    out,
                    "<details><summary>Text diffs ({} files)</summary>\n",
                    diffs.len()
                );
                for (_, d) in diffs {
                    out.push_str(&code_block("diff", d));
                    out.push('\n');
                }
                let _ = writeln!(out, "</details>\n");
            }
            let hidden = r.files.iter().filter(|f| f.text_diff.is_none()).count();
            if hidden > 0 {
                let _ = writeln!(out, "_Text diffs of {hidden} partner file(s) are hidden because they hold confidential data._\n");
            }
        } else {
            omitted.push("text diffs".into());
        }
    }
    if !omitted.is_empty() {
        omitted.reverse();
        let _ = writeln!(out, "_Left out to stay under GitHub's comment limit: {}. The full report is in the job summary._", omitted.join(", "));
    }
    out
}

/// The JSON report.
pub fn json(r: &DiffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("diff serializes");
    s.push('\n');
    s
}
