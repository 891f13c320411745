//! The index page's filters: the facet values each partner card carries and the options of
//! each filter, grouped by program.

use std::collections::{BTreeMap, BTreeSet};

use super::names;
use crate::public::{Directory, PublicPartner};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct FilterOption {
    value: String,
    label: String,
}

#[derive(Serialize)]
pub(super) struct FilterGroup {
    label: Option<String>,
    options: Vec<FilterOption>,
}

#[derive(Serialize)]
pub(super) struct FilterView {
    id: String,
    name: &'static str,
    label: &'static str,
    groups: Vec<FilterGroup>,
}

/// Facet values of a partner, keyed by the filter's `name`.
pub(super) fn facets(p: &PublicPartner) -> BTreeMap<&'static str, Vec<String>> {
    let mut f: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for m in &p.programs {
        f.entry("program").or_default().push(m.program.clone());
        if let Some(t) = &m.tier {
            f.entry("tier")
                .or_default()
                .push(format!("{}/{t}", m.program));
        }
        for t in &m.types {
            f.entry("type")
                .or_default()
                .push(format!("{}/{}", m.program, t.id));
        }
    }
    f.insert("country", vec![p.country.clone()]);
    f.insert("region", p.regions.clone());
    f.insert("language", p.languages.clone());
    f.insert("service", p.services.clone());
    f.retain(|_, v| !v.is_empty());
    f
}

/// The values the listed partners hold, per filter.
#[derive(Default)]
struct Held<'a> {
    /// (program name, program id).
    programs: BTreeSet<(String, String)>,
    /// program id → (rank or MAX, tier id) → names (a tier may go by a different name in each
    /// track).
    tiers: BTreeMap<&'a str, BTreeMap<(usize, &'a str), BTreeSet<&'a str>>>,
    /// program id → (type name, type id).
    types: BTreeMap<&'a str, BTreeSet<(&'a str, &'a str)>>,
    /// Countries, regions, languages and services.
    simple: [BTreeSet<&'a str>; 4],
}

fn held(dir: &Directory) -> Held<'_> {
    let mut h = Held::default();
    for p in &dir.partners {
        for m in &p.programs {
            h.programs
                .insert((m.program_name.clone(), m.program.clone()));
            if let (Some(t), Some(n)) = (&m.tier, &m.tier_name) {
                h.tiers
                    .entry(&m.program)
                    .or_default()
                    .entry((m.tier_rank.unwrap_or(usize::MAX), t))
                    .or_default()
                    .insert(n);
            }
            for t in &m.types {
                h.types
                    .entry(&m.program)
                    .or_default()
                    .insert((&t.name, &t.id));
            }
        }
        h.simple[0].insert(&p.country);
        h.simple[1].extend(p.regions.iter().map(String::as_str));
        h.simple[2].extend(p.languages.iter().map(String::as_str));
        h.simple[3].extend(p.services.iter().map(String::as_str));
    }
    h
}

/// Option groups, one per program (labelled with the program's name only when there are
/// `several`), sorted by program name, then id. `by` gives each program id with its options.
fn grouped<'p>(
    several: bool,
    program_name: &BTreeMap<&str, &str>,
    by: impl Iterator<Item = (&'p str, Vec<FilterOption>)>,
) -> Vec<FilterGroup> {
    let mut by: Vec<(String, &str, Vec<FilterOption>)> = by
        .map(|(prog, options)| {
            let name = program_name.get(prog).copied().unwrap_or(prog);
            (name.to_owned(), prog, options)
        })
        .collect();
    by.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    by.into_iter()
        .map(|(name, _, options)| FilterGroup {
            label: several.then_some(name),
            options,
        })
        .collect()
}

/// One unlabelled group of `values`. Codes stay the values (and so the URL); visitors read
/// names, sorted by name.
fn flat(values: &BTreeSet<&str>, name: fn(&str) -> String) -> Vec<FilterGroup> {
    let mut options: Vec<FilterOption> = values
        .iter()
        .map(|v| FilterOption {
            value: (*v).to_owned(),
            label: name(v),
        })
        .collect();
    options.sort_by(|a, b| (&a.label, &a.value).cmp(&(&b.label, &b.value)));
    vec![FilterGroup {
        label: None,
        options,
    }]
}

/// The program, tier and partner-type filters.
fn program_filters(dir: &Directory, h: &Held<'_>) -> Vec<FilterView> {
    let program_name: BTreeMap<&str, &str> = dir
        .programs
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let several = h.programs.len() > 1;
    let option = |prog: &str, id: &str, label: String| FilterOption {
        value: format!("{prog}/{id}"),
        label,
    };
    let tiers = h.tiers.iter().map(|(prog, ts)| {
        let names = |n: &BTreeSet<&str>| n.iter().copied().collect::<Vec<_>>().join(" / ");
        let options = ts.iter().map(|((_, id), n)| option(prog, id, names(n)));
        (*prog, options.collect())
    });
    let tier_groups = grouped(several, &program_name, tiers);
    let types = h.types.iter().map(|(prog, ts)| {
        let options = ts
            .iter()
            .map(|(name, id)| option(prog, id, (*name).to_owned()));
        (*prog, options.collect())
    });
    let type_groups = grouped(several, &program_name, types);
    vec![
        FilterView {
            id: "f-program".into(),
            name: "program",
            label: "Program",
            groups: vec![FilterGroup {
                label: None,
                options: h
                    .programs
                    .iter()
                    .map(|(name, id)| FilterOption {
                        value: id.clone(),
                        label: name.clone(),
                    })
                    .collect(),
            }],
        },
        FilterView {
            id: "f-tier".into(),
            name: "tier",
            label: "Tier",
            groups: tier_groups,
        },
        FilterView {
            id: "f-type".into(),
            name: "type",
            label: "Partner type",
            groups: type_groups,
        },
    ]
}

pub(super) fn filters(dir: &Directory) -> Vec<FilterView> {
    let h = held(dir);
    let mut out = program_filters(dir, &h);
    let verbatim: fn(&str) -> String = str::to_owned;
    for (i, (name, label, words)) in [
        ("country", "Country", names::country as fn(&str) -> String),
        ("region", "Region", verbatim),
        ("language", "Language", names::language),
        ("service", "Service", verbatim),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(FilterView {
            id: format!("f-{name}"),
            name,
            label,
            groups: flat(&h.simple[i], words),
        });
    }
    // A filter without options is noise.
    out.retain(|f| f.groups.iter().any(|g| !g.options.is_empty()));
    out
}
