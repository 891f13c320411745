//! The public partner directory: a static site (`index.html`, `partners/<id>.html`,
//! `partners.json`) rendered from public data only.
//!
//! Privacy by construction: the only input is [`PublicPartner`], an explicit allowlist built from
//! a partner's [`PublicProfile`] and the program, tier and partner-type names of its evaluations.
//! No [`Partner`](crate::model::Partner) or [`Evaluation`] is ever serialized.
//!
//! Safety by construction: every page is a minijinja template with HTML auto-escaping; websites
//! are linked only when they are plain `http(s)` URLs; file names come only from validated ids;
//! scripts and styles are constant and pinned by hash in a Content-Security-Policy.
//!
//! Deterministic: the same inputs give byte-identical output; nothing reads the clock.

pub mod names;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::badge::{self, BadgeText, Variant};

/// Title of the site.
pub const SITE_TITLE: &str = "Partner directory";
/// Characters of the description shown on the index page.
const EXCERPT_CHARS: usize = 160;

const BASE: &str = include_str!("templates/base.html");
const INDEX: &str = include_str!("templates/index.html");
const PARTNER: &str = include_str!("templates/partner.html");
const STYLE: &str = include_str!("templates/style.css");
const INDEX_STYLE: &str = include_str!("templates/index.css");
const PARTNER_STYLE: &str = include_str!("templates/partner.css");
const SCRIPT: &str = include_str!("templates/filter.js");
const UNLISTED: &str = include_str!("templates/unlisted.html");
pub use crate::public::*;

/// One output file: a path relative to the site root (only `/`-separated safe names) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Relative path.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// `partners.json`: the [`Directory`] as pretty JSON with a final newline.
pub fn feed_json(dir: &Directory) -> String {
    let mut s = serde_json::to_string_pretty(dir).expect("the directory serializes");
    s.push('\n');
    s
}

/// Render the whole site (without logo files, which `site::build` adds rebuilt): `index.html`,
/// `partners/<id>.html` and `partners.json`, sorted by path.
pub fn render(dir: &Directory) -> Result<Vec<SiteFile>, minijinja::Error> {
    let env = env();
    let common = Common::new(dir);
    // The index (one big page) renders alongside the partner pages.
    let ((index, json), pages) = rayon::join(
        || (render_index(env, dir, &common), feed_json(dir)),
        || {
            dir.partners
                .par_iter()
                .map(|p| {
                    Ok(SiteFile {
                        path: p.page.clone(),
                        bytes: render_partner(env, dir, p, &common)?.into_bytes(),
                    })
                })
                .collect::<Result<Vec<SiteFile>, minijinja::Error>>()
        },
    );
    let mut files = vec![
        SiteFile {
            path: "index.html".into(),
            bytes: index?.into_bytes(),
        },
        SiteFile {
            path: "partners.json".into(),
            bytes: json.into_bytes(),
        },
    ];
    files.extend(pages?);
    files.extend(badge_files(dir));
    files.extend(unlisted_pages(env, dir, &common)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Every badge: the standing of each listed membership, and the neutral image for each
/// membership without one (unless that pair is listed, which wins).
fn badge_files(dir: &Directory) -> Vec<SiteFile> {
    let programs: BTreeMap<&str, &PublicProgram> =
        dir.programs.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut out = Vec::new();
    let mut add = |program: &str, partner: &str, standing: Option<&str>| {
        let prog = programs.get(program);
        let text = BadgeText {
            label: prog.map_or(program, |p| p.badge_label.as_str()),
            standing,
        };
        for v in Variant::ALL {
            let i = badge::index(v);
            let colours = prog.map_or(badge::DEFAULT_STANDING[i], |p| p.badge_colours[i]);
            out.push(SiteFile {
                path: badge_path(program, partner, v),
                bytes: badge::svg(&text, colours, v).into_bytes(),
            });
        }
    };
    let mut listed = BTreeSet::new();
    for p in &dir.partners {
        for m in &p.programs {
            listed.insert((p.id.as_str(), m.program.as_str()));
            add(&m.program, &p.id, Some(&m.standing()));
        }
    }
    for n in &dir.neutral {
        if !listed.contains(&(n.partner.as_str(), n.program.as_str())) {
            add(&n.program, &n.partner, None);
        }
    }
    out
}

fn program_name<'a>(dir: &'a Directory, id: &'a str) -> &'a str {
    dir.programs
        .iter()
        .find(|p| p.id == id)
        .map_or(id, |p| p.name.as_str())
}

/// Programs (by name) in which `partner` has a membership but no current standing.
fn no_standing<'a>(dir: &'a Directory, partner: &str) -> Vec<&'a str> {
    dir.neutral
        .iter()
        .filter(|n| n.partner == partner)
        .map(|n| program_name(dir, &n.program))
        .collect()
}

/// The page a neutral badge links to when the partner is not listed at all: it verifies that
/// there is no current partnership, without the partner's name (nothing unlisted is published
/// beyond the id its badge URL already carries).
fn unlisted_pages(
    env: &Environment<'static>,
    dir: &Directory,
    common: &Common,
) -> Result<Vec<SiteFile>, minijinja::Error> {
    let listed: BTreeSet<&str> = dir.partners.iter().map(|p| p.id.as_str()).collect();
    let ids: BTreeSet<&str> = dir
        .neutral
        .iter()
        .map(|n| n.partner.as_str())
        .filter(|id| !listed.contains(id))
        .collect();
    ids.into_iter()
        .map(|id| {
            let badges: Vec<String> = dir
                .neutral
                .iter()
                .filter(|n| n.partner == id)
                .map(|n| format!("../{}", badge_path(&n.program, id, Variant::Light)))
                .collect();
            let html = env.get_template("unlisted.html")?.render(context! {
                site_title => SITE_TITLE,
                root => "../",
                csp => &common.partner.csp,
                style => common.partner.style.clone(),
                as_of => &common.as_of,
                build_date => &common.build_date,
                programs => Serde(no_standing(dir, id)),
                badges => badges,
            })?;
            Ok(SiteFile {
                path: format!("partners/{id}.html"),
                bytes: html.into_bytes(),
            })
        })
        .collect()
}

/// Render the page of one partner.
pub fn render_partner_page(dir: &Directory, p: &PublicPartner) -> Result<String, minijinja::Error> {
    render_partner(env(), dir, p, &Common::new(dir))
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Auto-escaping follows the template name: every template here ends in `.html`.
        for (name, src) in [
            ("base.html", BASE),
            ("index.html", INDEX),
            ("partner.html", PARTNER),
            ("unlisted.html", UNLISTED),
        ] {
            env.add_template(name, src)
                .expect("the embedded templates are valid");
        }
        env
    })
}

/// The constant stylesheet of a page kind, and its Content-Security-Policy.
struct PageStyle {
    style: Value,
    csp: String,
}

impl PageStyle {
    /// Nothing loads but the site's own images, the constant stylesheet and (on the index) the
    /// constant script, each pinned by hash.
    fn new(extra_css: &str, script: Option<&str>) -> PageStyle {
        let style = format!("{STYLE}{extra_css}");
        let script_src =
            script.map_or_else(|| "'none'".to_owned(), |s| format!("'{}'", csp_hash(s)));
        PageStyle {
            csp: format!(
                "default-src 'none'; img-src 'self'; style-src '{}'; script-src {script_src}; base-uri 'none'; form-action 'none'",
                csp_hash(&style)
            ),
            style: Value::from_safe_string(style),
        }
    }
}

/// Values every page shares.
struct Common {
    as_of: String,
    build_date: String,
    index: PageStyle,
    partner: PageStyle,
}

impl Common {
    fn new(dir: &Directory) -> Common {
        Common {
            as_of: dir.as_of.to_string(),
            build_date: dir.build_date.to_string(),
            index: PageStyle::new(INDEX_STYLE, Some(SCRIPT)),
            partner: PageStyle::new(PARTNER_STYLE, None),
        }
    }
}

/// `sha256-<base64>` of `text`, as a CSP source expression expects.
pub fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(A[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One label of a partner's standing in a program: its tier, a partner type or a public status.
#[derive(Serialize)]
struct Chip<'a> {
    label: &'a str,
    class: String,
}

/// A partner's standing in one program as templates show it.
#[derive(Serialize)]
struct BadgeView<'a> {
    program_name: &'a str,
    chips: Vec<Chip<'a>>,
}

fn chips(m: &PublicMembership) -> Vec<Chip<'_>> {
    let mut out: Vec<Chip<'_>> = m
        .tier_name
        .iter()
        .map(|t| Chip {
            label: t,
            class: format!("rank-{}", m.tier_rank.map_or(0, |r| r.min(3))),
        })
        .collect();
    out.extend(m.types.iter().map(|t| Chip {
        label: &t.name,
        class: "type".into(),
    }));
    out.extend(m.statuses.iter().map(|t| Chip {
        label: &t.name,
        class: "status".into(),
    }));
    if out.is_empty() {
        out.push(Chip {
            label: "Listed partner",
            class: "rank-0".into(),
        });
    }
    out
}

fn badges(p: &PublicPartner) -> Vec<BadgeView<'_>> {
    p.programs
        .iter()
        .map(|m| BadgeView {
            program_name: &m.program_name,
            chips: chips(m),
        })
        .collect()
}

#[derive(Serialize)]
struct CardView<'a> {
    id: &'a str,
    name: &'a str,
    page: &'a str,
    logo: Option<&'a str>,
    programs: Vec<BadgeView<'a>>,
    meta: String,
    excerpt: Option<String>,
    facets: String,
    search: String,
}

#[derive(Serialize)]
struct ListView {
    label: &'static str,
    values: Vec<String>,
}

#[derive(Serialize)]
struct PageView<'a> {
    name: &'a str,
    logo: Option<String>,
    programs: Vec<BadgeView<'a>>,
    no_standing: Vec<&'a str>,
    embeds: Vec<EmbedView>,
    paragraphs: Vec<&'a str>,
    country: String,
    lists: Vec<ListView>,
    website: Option<&'a str>,
}

/// A badge on the partner's page with the snippets that embed it elsewhere.
#[derive(Serialize)]
struct EmbedView {
    program_name: String,
    light: String,
    dark: String,
    width: u32,
    height: u32,
    alt: String,
    html: String,
    markdown: String,
}

/// An attribute value of an embed snippet; control characters become spaces.
fn html_attr(s: &str) -> String {
    crate::markup::escape(s, Some(' '))
}

/// Text for Markdown image alt text: the characters Markdown or HTML could read as syntax
/// backslash-escaped (CommonMark allows that for any ASCII punctuation), line breaks and controls
/// as spaces.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[](){}<>!&#|~\"'".contains(c) {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn embeds(dir: &Directory, p: &PublicPartner) -> Vec<EmbedView> {
    let page = format!("{}{}", dir.base_url, p.page);
    p.programs
        .iter()
        .map(|m| {
            let standing = m.standing();
            let label = dir
                .programs
                .iter()
                .find(|q| q.id == m.program)
                .map_or(m.program.as_str(), |q| q.badge_label.as_str());
            let width = BadgeText {
                label,
                standing: Some(&standing),
            }
            .width();
            let light = badge_path(&m.program, &p.id, Variant::Light);
            let dark = badge_path(&m.program, &p.id, Variant::Dark);
            let alt = format!("{}: {standing}, {}", p.name, m.program_name);
            let (abs_light, abs_dark) = (
                format!("{}{light}", dir.base_url),
                format!("{}{dark}", dir.base_url),
            );
            EmbedView {
                program_name: m.program_name.clone(),
                html: format!(
                    "<a href=\"{page}\"><picture><source srcset=\"{abs_dark}\" media=\"(prefers-color-scheme: dark)\"><img src=\"{abs_light}\" alt=\"{}\" width=\"{width}\" height=\"{}\"></picture></a>",
                    html_attr(&alt),
                    badge::HEIGHT
                ),
                markdown: format!("[![{}]({abs_light})]({page})", markdown_text(&alt)),
                light: format!("../{light}"),
                dark: format!("../{dark}"),
                width,
                height: badge::HEIGHT,
                alt,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct FilterGroup {
    label: Option<String>,
    options: Vec<FilterOption>,
}

#[derive(Serialize)]
struct FilterView {
    id: String,
    name: &'static str,
    label: &'static str,
    groups: Vec<FilterGroup>,
}

#[derive(Serialize)]
struct BarView {
    label: String,
    count: usize,
    label_y: u32,
    bar_y: u32,
    bar_width: u32,
    count_x: u32,
    count_y: u32,
}

#[derive(Serialize)]
struct ChartView {
    id: String,
    title: String,
    name: String,
    desc: String,
    width: u32,
    height: u32,
    bar_height: u32,
    bars: Vec<BarView>,
}

/// Facet values of a partner, keyed by the filter's `name`.
fn facets(p: &PublicPartner) -> BTreeMap<&'static str, Vec<String>> {
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

fn search_text(p: &PublicPartner) -> String {
    let country = names::country(&p.country);
    let languages: Vec<String> = p.languages.iter().map(|l| names::language(l)).collect();
    let mut parts: Vec<&str> = vec![&p.name, &p.country, &country];
    parts.extend(languages.iter().map(String::as_str));
    parts.extend(p.description.as_deref());
    parts.extend(p.regions.iter().map(String::as_str));
    parts.extend(p.languages.iter().map(String::as_str));
    parts.extend(p.services.iter().map(String::as_str));
    for m in &p.programs {
        parts.push(&m.program_name);
        parts.extend(m.tier_name.as_deref());
        parts.extend(m.types.iter().map(|t| t.name.as_str()));
        parts.extend(m.statuses.iter().map(|t| t.name.as_str()));
    }
    parts
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > EXCERPT_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

fn card(p: &PublicPartner) -> CardView<'_> {
    let mut meta = vec![names::country(&p.country)];
    if !p.languages.is_empty() {
        let langs: Vec<String> = p.languages.iter().map(|l| names::language(l)).collect();
        meta.push(langs.join(", "));
    }
    if !p.services.is_empty() {
        meta.push(p.services.join(", "));
    }
    CardView {
        id: &p.id,
        name: &p.name,
        page: &p.page,
        logo: p.logo.as_deref(),
        programs: badges(p),
        meta: meta.join(" · "),
        excerpt: p.description.as_deref().map(excerpt),
        facets: serde_json::to_string(&facets(p)).expect("facets serialize"),
        search: search_text(p),
    }
}

fn filters(dir: &Directory) -> Vec<FilterView> {
    let program_name: BTreeMap<&str, &str> = dir
        .programs
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let mut programs: BTreeMap<(String, String), ()> = BTreeMap::new();
    // program id → (rank or MAX, tier id) → name
    // (a tier may go by a different name in each track)
    let mut tiers: BTreeMap<&str, BTreeMap<(usize, &str), BTreeSet<&str>>> = BTreeMap::new();
    let mut types: BTreeMap<&str, BTreeMap<(&str, &str), ()>> = BTreeMap::new();
    let mut simple: [BTreeSet<&str>; 4] = Default::default();
    for p in &dir.partners {
        for m in &p.programs {
            programs.insert((m.program_name.clone(), m.program.clone()), ());
            if let (Some(t), Some(n)) = (&m.tier, &m.tier_name) {
                tiers
                    .entry(&m.program)
                    .or_default()
                    .entry((m.tier_rank.unwrap_or(usize::MAX), t))
                    .or_default()
                    .insert(n);
            }
            for t in &m.types {
                types
                    .entry(&m.program)
                    .or_default()
                    .insert((&t.name, &t.id), ());
            }
        }
        simple[0].insert(&p.country);
        simple[1].extend(p.regions.iter().map(String::as_str));
        simple[2].extend(p.languages.iter().map(String::as_str));
        simple[3].extend(p.services.iter().map(String::as_str));
    }
    let several = programs.len() > 1;
    let name_of = |id: &str| program_name.get(id).copied().unwrap_or(id).to_owned();
    // Groups sorted by program name, then id.
    let grouped = |by: Vec<(String, String, Vec<FilterOption>)>| -> Vec<FilterGroup> {
        let mut by = by;
        by.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        by.into_iter()
            .map(|(name, _, options)| FilterGroup {
                label: several.then_some(name),
                options,
            })
            .collect()
    };
    let tier_groups = grouped(
        tiers
            .iter()
            .map(|(prog, ts)| {
                (
                    name_of(prog),
                    (*prog).to_owned(),
                    ts.iter()
                        .map(|((_, id), names)| FilterOption {
                            value: format!("{prog}/{id}"),
                            label: names.iter().copied().collect::<Vec<_>>().join(" / "),
                        })
                        .collect(),
                )
            })
            .collect(),
    );
    let type_groups = grouped(
        types
            .iter()
            .map(|(prog, ts)| {
                (
                    name_of(prog),
                    (*prog).to_owned(),
                    ts.keys()
                        .map(|(name, id)| FilterOption {
                            value: format!("{prog}/{id}"),
                            label: (*name).to_owned(),
                        })
                        .collect(),
                )
            })
            .collect(),
    );
    // Codes stay the values (and so the URL); visitors read names, sorted by name.
    let flat = |values: &BTreeSet<&str>, name: fn(&str) -> String| {
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
    };
    let mut out = vec![
        FilterView {
            id: "f-program".into(),
            name: "program",
            label: "Program",
            groups: vec![FilterGroup {
                label: None,
                options: programs
                    .keys()
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
    ];
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
            groups: flat(&simple[i], words),
        });
    }
    // A filter without options is noise.
    out.retain(|f| f.groups.iter().any(|g| !g.options.is_empty()));
    out
}

/// Listed partners of `prog` per tier (highest first), then per partner type and public status
/// (a partner holding several counts in each), then those with none of these.
fn standing_counts(dir: &Directory, prog: &PublicProgram) -> Vec<(String, usize)> {
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
fn charts(dir: &Directory, programs: &[&PublicProgram]) -> Vec<ChartView> {
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

fn render_index(
    env: &Environment<'static>,
    dir: &Directory,
    common: &Common,
) -> Result<String, minijinja::Error> {
    let mut partners: Vec<&PublicPartner> = dir.partners.iter().collect();
    partners.sort_by_cached_key(|p| (p.name.to_lowercase(), p.name.clone(), p.id.clone()));
    let cards: Vec<CardView<'_>> = partners.par_iter().map(|p| card(p)).collect();
    let listed_programs: BTreeSet<&str> = dir
        .partners
        .iter()
        .flat_map(|p| p.programs.iter().map(|m| m.program.as_str()))
        .collect();
    let programs: Vec<&PublicProgram> = dir
        .programs
        .iter()
        .filter(|p| listed_programs.contains(p.id.as_str()))
        .collect();
    env.get_template("index.html")?.render(context! {
        site_title => SITE_TITLE,
        root => "",
        csp => &common.index.csp,
        style => common.index.style.clone(),
        script => Value::from_safe_string(SCRIPT.to_owned()),
        as_of => &common.as_of,
        build_date => &common.build_date,
        total => dir.partners.len(),
        programs => Serde(&programs),
        charts => Serde(charts(dir, &programs)),
        filters => Serde(filters(dir)),
        partners => Serde(&cards),
    })
}

fn render_partner(
    env: &Environment<'static>,
    dir: &Directory,
    p: &PublicPartner,
    common: &Common,
) -> Result<String, minijinja::Error> {
    let lists: Vec<ListView> = [
        ("Regions", p.regions.clone()),
        (
            "Languages",
            p.languages.iter().map(|l| names::language(l)).collect(),
        ),
        ("Services", p.services.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(label, values)| ListView { label, values })
    .collect();
    let view = PageView {
        name: &p.name,
        logo: p.logo.as_ref().map(|l| format!("../{l}")),
        programs: badges(p),
        no_standing: no_standing(dir, &p.id),
        embeds: embeds(dir, p),
        paragraphs: p
            .description
            .as_deref()
            .map(|d| {
                // Paragraphs are separated by blank lines (LF or CRLF).
                d.split("\n\n")
                    .flat_map(|s| s.split("\r\n\r\n"))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        country: names::country(&p.country),
        lists,
        website: p.website.as_deref(),
    };
    env.get_template("partner.html")?.render(context! {
        site_title => SITE_TITLE,
        root => "../",
        csp => &common.partner.csp,
        style => common.partner.style.clone(),
        as_of => &common.as_of,
        build_date => &common.build_date,
        p => Serde(&view),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            csp_hash("alert(1)"),
            "sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="
        );
    }

    #[test]
    fn only_http_urls_are_linked() {
        assert!(safe_url("https://example.com/a?b#c").is_some());
        assert!(safe_url("HTTP://example.com").is_some());
        assert!(safe_url("javascript:alert(1)").is_none());
        assert!(safe_url("https://").is_none());
        assert!(safe_url("https:///path").is_none());
        assert!(safe_url("data:text/html,<x>").is_none());
        assert!(safe_url("https://a.example/ b").is_none());
        assert!(safe_url("//evil.example").is_none());
    }

    #[test]
    fn ids_are_file_names() {
        assert!(is_safe_id("acme-gmbh_2"));
        assert!(!is_safe_id("../x"));
        assert!(!is_safe_id(".hidden"));
        assert!(!is_safe_id("a/b"));
        assert!(!is_safe_id(""));
    }

    #[test]
    fn excerpts_cut_on_words() {
        assert_eq!(excerpt("short  text\n"), "short text");
        let long = "word ".repeat(60);
        let e = excerpt(&long);
        assert!(e.ends_with('…') && e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
