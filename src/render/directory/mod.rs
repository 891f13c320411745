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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::dataset::Catalog;
use crate::evaluate::Evaluation;
use crate::model::partner::PublicProfile;
use crate::model::program::{EntitlementKind, GrantValue, Program};
use crate::model::scalar::Date;

/// Version of the `partners.json` document shape.
pub const FEED_VERSION: u32 = 1;
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

/// How a program lists a partner publicly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Listing {
    /// Listed by name.
    Listed,
    /// Listed with the partner's logo.
    ListedWithLogo,
}

/// The best listing an evaluation grants: the highest `listing` entitlement, if any.
pub fn listing(ev: &Evaluation) -> Option<Listing> {
    ev.entitlements
        .iter()
        .filter(|e| e.kind == EntitlementKind::Listing)
        .filter_map(|e| match &e.value {
            GrantValue::Text(s) if s == "listed" => Some(Listing::Listed),
            GrantValue::Text(s) if s == "listed-with-logo" => Some(Listing::ListedWithLogo),
            _ => None,
        })
        .max()
}

/// An id and a human name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PublicName {
    /// Id.
    pub id: String,
    /// Human name.
    pub name: String,
}

/// A program as published: its name, vendor and tier ladder (lowest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicProgram {
    /// Program id.
    pub id: String,
    /// Program name.
    pub name: String,
    /// Vendor running it.
    pub vendor: String,
    /// Tiers, lowest first.
    pub tiers: Vec<PublicName>,
}

impl PublicProgram {
    /// The public part of program terms.
    pub fn new(p: &Program) -> PublicProgram {
        PublicProgram {
            id: p.id.to_string(),
            name: p.name.clone(),
            vendor: p.vendor.clone(),
            tiers: p
                .tiers
                .iter()
                .map(|t| PublicName {
                    id: t.id.to_string(),
                    // A tier named differently per track goes by all its names here.
                    name: p.tier_names_all(t.id.as_str()),
                })
                .collect(),
        }
    }
}

/// A partner's standing in one program that lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicMembership {
    /// Program id.
    pub program: String,
    /// Program name.
    pub program_name: String,
    /// The partner's track, for programs with tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<PublicName>,
    /// Tier id, from the evaluation (none when listed through a type or status alone).
    pub tier: Option<String>,
    /// Tier name.
    pub tier_name: Option<String>,
    /// Rank of the tier in the program's ladder, 0 = lowest.
    pub tier_rank: Option<usize>,
    /// Partner types held, sorted by name.
    pub types: Vec<PublicName>,
    /// How the program lists the partner.
    pub listing: Listing,
}

/// Everything the directory publishes about a partner. Built field by field from the public
/// profile and evaluation results; nothing else reaches the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicPartner {
    /// Partner id (validated: letters, digits, `-`, `_`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The partner's page, relative to the site root.
    pub page: String,
    /// Website, only when it is a plain http(s) URL.
    pub website: Option<String>,
    /// Logo file relative to the site root (`logos/<sha256>.<ext>`), only when a program lists
    /// the partner with its logo and the logo was rebuilt (see `site::logo`).
    pub logo: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Country code.
    pub country: String,
    /// Regions served, sorted.
    pub regions: Vec<String>,
    /// Language codes, sorted.
    pub languages: Vec<String>,
    /// Services, sorted.
    pub services: Vec<String>,
    /// Programs that list the partner, sorted by program name.
    pub programs: Vec<PublicMembership>,
}

/// Whether `id` is safe as a file name: the identifier syntax, nothing else.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The URL if it may be linked: `http://` or `https://` (any case), a host, no whitespace or
/// control characters. Anything else is not linked.
pub fn safe_url(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let ok = !rest[..host_end].is_empty()
        && url.len() <= 2000
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    ok.then(|| url.to_owned())
}

fn clean_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl PublicPartner {
    /// Build the public record of partner `id` from its profile and its evaluations as of
    /// `as_of`. Only programs that list the partner appear; `None` when no program does, or the
    /// id is not safe as a file name. `logo` is the site path of the already rebuilt logo, used
    /// only when some program lists the partner with its logo.
    pub fn new(
        id: &str,
        profile: &PublicProfile,
        evals: &[&Evaluation],
        catalog: &Catalog<'_>,
        as_of: Date,
        logo: Option<String>,
    ) -> Option<PublicPartner> {
        if !is_safe_id(id) {
            return None;
        }
        let mut programs: Vec<PublicMembership> = evals
            .iter()
            .filter(|ev| ev.partner == id)
            .filter_map(|ev| {
                let listing = listing(ev)?;
                let terms = catalog.terms(&ev.program, as_of);
                let tier_rank = ev
                    .tier
                    .as_deref()
                    .and_then(|t| terms.and_then(|p| p.tier_rank(t)));
                let mut types: Vec<PublicName> = ev
                    .types
                    .iter()
                    .map(|t| PublicName {
                        id: t.clone(),
                        name: ev
                            .partner_types
                            .iter()
                            .find(|q| q.id == *t)
                            .map_or_else(|| t.clone(), |q| q.name.clone()),
                    })
                    .collect();
                types.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
                let track = ev.track.as_ref().map(|id| PublicName {
                    id: id.clone(),
                    name: terms
                        .and_then(|p| p.tracks.iter().find(|t| t.id.as_str() == id))
                        .map_or_else(|| id.clone(), |t| t.name.clone()),
                });
                Some(PublicMembership {
                    program: ev.program.clone(),
                    program_name: ev.program_name.clone(),
                    track,
                    tier: ev.tier.clone(),
                    tier_name: ev.tier_name().map(str::to_owned),
                    tier_rank,
                    types,
                    listing,
                })
            })
            .collect();
        if programs.is_empty() {
            return None;
        }
        programs.sort_by(|a, b| (&a.program_name, &a.program).cmp(&(&b.program_name, &b.program)));
        let with_logo = programs
            .iter()
            .any(|m| m.listing == Listing::ListedWithLogo);
        Some(PublicPartner {
            id: id.to_owned(),
            name: profile.display_name.trim().to_owned(),
            page: format!("partners/{id}.html"),
            website: profile.website.as_deref().and_then(safe_url),
            logo: logo.filter(|_| with_logo),
            description: profile
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            country: profile.country.to_string(),
            regions: clean_list(profile.regions.iter().map(String::as_str)),
            languages: clean_list(profile.languages.iter().map(|l| l.0.as_str())),
            services: clean_list(profile.services.iter().map(String::as_str)),
            programs,
        })
    }

    /// Whether some program lists the partner with its logo.
    pub fn logo_allowed(evals: &[&Evaluation]) -> bool {
        evals
            .iter()
            .any(|ev| listing(ev) == Some(Listing::ListedWithLogo))
    }
}

/// Everything a site is rendered from.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    /// Shape version of `partners.json`.
    pub version: u32,
    /// The date tiers were evaluated on.
    pub as_of: Date,
    /// The date shown as the build date.
    pub build_date: Date,
    /// Programs in effect on `as_of`, sorted by name.
    pub programs: Vec<PublicProgram>,
    /// Listed partners, sorted by id.
    pub partners: Vec<PublicPartner>,
}

impl Directory {
    /// Assemble a directory; sorts programs by name and partners by id.
    pub fn new(
        as_of: Date,
        build_date: Date,
        mut programs: Vec<PublicProgram>,
        mut partners: Vec<PublicPartner>,
    ) -> Directory {
        programs.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        partners.sort_by(|a, b| a.id.cmp(&b.id));
        Directory {
            version: FEED_VERSION,
            as_of,
            build_date,
            programs,
            partners,
        }
    }
}

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
                        bytes: render_partner(env, p, &common)?.into_bytes(),
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
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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

/// A program badge as templates show it.
#[derive(Serialize)]
struct BadgeView<'a> {
    program_name: &'a str,
    tier_label: &'a str,
    rank_class: String,
    types: Vec<&'a str>,
}

fn badges(p: &PublicPartner) -> Vec<BadgeView<'_>> {
    p.programs
        .iter()
        .map(|m| BadgeView {
            program_name: &m.program_name,
            tier_label: m.tier_name.as_deref().unwrap_or("Listed"),
            rank_class: match m.tier_rank {
                None => "none".into(),
                Some(r) => r.min(3).to_string(),
            },
            types: m.types.iter().map(|t| t.name.as_str()).collect(),
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
struct ListView<'a> {
    label: &'static str,
    values: &'a [String],
}

#[derive(Serialize)]
struct PageView<'a> {
    name: &'a str,
    logo: Option<String>,
    programs: Vec<BadgeView<'a>>,
    paragraphs: Vec<&'a str>,
    country: &'a str,
    lists: Vec<ListView<'a>>,
    website: Option<&'a str>,
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
    let mut parts: Vec<&str> = vec![&p.name, &p.country];
    parts.extend(p.description.as_deref());
    parts.extend(p.regions.iter().map(String::as_str));
    parts.extend(p.languages.iter().map(String::as_str));
    parts.extend(p.services.iter().map(String::as_str));
    for m in &p.programs {
        parts.push(&m.program_name);
        parts.extend(m.tier_name.as_deref());
        parts.extend(m.types.iter().map(|t| t.name.as_str()));
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
    let mut meta = vec![p.country.clone()];
    if !p.languages.is_empty() {
        meta.push(p.languages.join(", "));
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
    let flat = |values: &BTreeSet<&str>| {
        vec![FilterGroup {
            label: None,
            options: values
                .iter()
                .map(|v| FilterOption {
                    value: (*v).to_owned(),
                    label: (*v).to_owned(),
                })
                .collect(),
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
    for (i, (name, label)) in [
        ("country", "Country"),
        ("region", "Region"),
        ("language", "Language"),
        ("service", "Service"),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(FilterView {
            id: format!("f-{name}"),
            name,
            label,
            groups: flat(&simple[i]),
        });
    }
    // A filter without options is noise.
    out.retain(|f| f.groups.iter().any(|g| !g.options.is_empty()));
    out
}

/// A bar chart of listed partners per tier for each program that lists anyone.
fn charts(dir: &Directory, programs: &[&PublicProgram]) -> Vec<ChartView> {
    const WIDTH: u32 = 240;
    const BAR_MAX: u32 = 200;
    const ROW: u32 = 36;
    const BAR_H: u32 = 12;
    programs
        .iter()
        .enumerate()
        .map(|(i, prog)| {
            let mut counts: Vec<(String, usize)> =
                prog.tiers.iter().map(|t| (t.name.clone(), 0)).collect();
            let mut untiered = 0;
            for m in dir
                .partners
                .iter()
                .flat_map(|p| &p.programs)
                .filter(|m| m.program == prog.id)
            {
                match m
                    .tier
                    .as_deref()
                    .and_then(|t| prog.tiers.iter().position(|x| x.id == t))
                {
                    Some(r) => counts[r].1 += 1,
                    None => untiered += 1,
                }
            }
            // Highest tier on top.
            counts.reverse();
            if untiered > 0 {
                counts.push(("No tier".into(), untiered));
            }
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
            ChartView {
                id: format!("chart-{i}"),
                name: prog.name.clone(),
                desc,
                width: WIDTH,
                height: (counts.len() as u32 * ROW).max(ROW),
                bar_height: BAR_H,
                bars,
            }
        })
        .collect()
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
    p: &PublicPartner,
    common: &Common,
) -> Result<String, minijinja::Error> {
    let lists: Vec<ListView<'_>> = [
        ("Regions", &p.regions),
        ("Languages", &p.languages),
        ("Services", &p.services),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(label, values)| ListView { label, values })
    .collect();
    let view = PageView {
        name: &p.name,
        logo: p.logo.as_ref().map(|l| format!("../{l}")),
        programs: badges(p),
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
        country: &p.country,
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
