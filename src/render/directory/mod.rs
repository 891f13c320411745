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

mod cards;
mod charts;
mod filters;
pub mod names;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::badge::{self, BadgeText, Variant};

/// Title of the site.
pub const SITE_TITLE: &str = "Partner directory";

const BASE: &str = include_str!("templates/base.html");
const INDEX: &str = include_str!("templates/index.html");
const PARTNER: &str = include_str!("templates/partner.html");
const STYLE: &str = include_str!("templates/style.css");
const INDEX_STYLE: &str = include_str!("templates/index.css");
const PARTNER_STYLE: &str = include_str!("templates/partner.css");
const SCRIPT: &str = include_str!("templates/filter.js");
const UNLISTED: &str = include_str!("templates/unlisted.html");
pub use crate::public::*;
pub use cards::markdown_text;

use cards::{badges, card, embeds, CardView, ListView, PageView};
use charts::charts;
use filters::filters;

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
                programs => Serde(no_standing(dir, id)),
                badges => badges,
                ..common.partner_page()
            })?;
            Ok(SiteFile {
                path: format!("partners/{id}.html"),
                bytes: html.into_bytes(),
            })
        })
        .collect()
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

    /// What every page under `partners/` (a partner's page, an unlisted partner's) shows.
    fn partner_page(&self) -> Value {
        context! {
            site_title => SITE_TITLE,
            root => "../",
            csp => &self.partner.csp,
            style => self.partner.style.clone(),
            as_of => &self.as_of,
            build_date => &self.build_date,
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
        p => Serde(&view),
        ..common.partner_page()
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
}
