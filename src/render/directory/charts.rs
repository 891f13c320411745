//! The index page's bar charts: listed partners per tier, partner type and public status of
//! each program.

use serde::Serialize;

use crate::badge;
use crate::public::{Directory, PublicName, PublicProgram};

#[derive(Serialize)]
pub(super) struct BarView {
    label: String,
    count: usize,
    label_y: u32,
    bar_y: u32,
    bar_width: u32,
    count_x: u32,
    count_y: u32,
}

#[derive(Serialize)]
pub(super) struct ChartView {
    id: String,
    title: String,
    name: String,
    desc: String,
    width: u32,
    height: u32,
    bar_height: u32,
    bars: Vec<BarView>,
}

/// Listed partners of `prog` per tier (highest first), then per partner type and public status
/// (a partner holding several counts in each), then those with none of these.
pub(super) fn standing_counts(dir: &Directory, prog: &PublicProgram) -> Vec<(String, usize)> {
    let mut tiers = vec![0; prog.tiers.len()];
    let mut types = vec![0; prog.types.len()];
    let mut statuses = vec![0; prog.public_statuses.len()];
    let mut other = 0;
    let count = |slots: &mut Vec<usize>, all: &[PublicName], held: &[PublicName]| {
        let mut any = false;
        for h in held {
            if let Some(i) = all.iter().position(|x| x.id == h.id) {
                slots[i] += 1;
                any = true;
            }
        }
        any
    };
    for m in dir
        .partners
        .iter()
        .flat_map(|p| &p.programs)
        .filter(|m| m.program == prog.id)
    {
        let tier = m
            .tier
            .as_deref()
            .and_then(|t| prog.tiers.iter().position(|x| x.id == t));
        if let Some(r) = tier {
            tiers[r] += 1;
        }
        let typed = count(&mut types, &prog.types, &m.types);
        let with_status = count(&mut statuses, &prog.public_statuses, &m.statuses);
        if tier.is_none() && !typed && !with_status {
            other += 1;
        }
    }
    let names = |all: &[PublicName]| all.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let mut rows: Vec<(String, usize)> = names(&prog.tiers).into_iter().zip(tiers).rev().collect();
    rows.extend(names(&prog.types).into_iter().zip(types));
    rows.extend(names(&prog.public_statuses).into_iter().zip(statuses));
    if other > 0 {
        rows.push(("Listed partner".into(), other));
    }
    rows
}

/// A bar chart of listed partners per tier, type and public status for each program that lists
/// anyone.
pub(super) fn charts(dir: &Directory, programs: &[&PublicProgram]) -> Vec<ChartView> {
    const WIDTH: u32 = 240;
    const BAR_MAX: u32 = 200;
    const ROW: u32 = 36;
    const BAR_H: u32 = 12;
    let mut charts: Vec<ChartView> = programs
        .iter()
        .enumerate()
        .map(|(i, prog)| {
            let counts = standing_counts(dir, prog);
            let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
            let bars: Vec<BarView> = counts
                .iter()
                .enumerate()
                .map(|(row, (label, count))| {
                    let top = row as u32 * ROW;
                    let w = if *count == 0 {
                        0
                    } else {
                        ((*count as u64 * u64::from(BAR_MAX)) / max as u64).max(2) as u32
                    };
                    BarView {
                        label: label.clone(),
                        count: *count,
                        label_y: top + 13,
                        bar_y: top + 18,
                        bar_width: w,
                        count_x: w + 4,
                        count_y: top + 29,
                    }
                })
                .collect();
            let desc = counts
                .iter()
                .map(|(l, c)| format!("{l}: {c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let what = match (prog.tiers.is_empty(), prog.types.is_empty()) {
                (false, true) => "Tier distribution",
                (true, false) => "Partner types",
                _ => "Tiers and partner types",
            };
            ChartView {
                id: format!("chart-{i}"),
                title: format!("{what} in {}", prog.name),
                name: prog.name.clone(),
                desc,
                // Wide enough for the longest label (13 px text, measured like badge text), so
                // long tier names scale down with the chart instead of being cut off.
                width: counts
                    .iter()
                    .map(|(l, _)| badge::text_width(l, false) * 13 / 11 + 8)
                    .max()
                    .unwrap_or(0)
                    .max(WIDTH),
                height: (counts.len() as u32 * ROW).max(ROW),
                bar_height: BAR_H,
                bars,
            }
        })
        .collect();
    // One width for all, so that every chart's text shows at the same size.
    let width = charts.iter().map(|c| c.width).max().unwrap_or(WIDTH);
    for c in &mut charts {
        c.width = width;
    }
    charts
}
