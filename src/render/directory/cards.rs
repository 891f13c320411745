//! What the templates show of one partner: its card on the index page, its standing chips
//! and, on its own page, the badges with the snippets that embed them.

use serde::Serialize;

use crate::badge::{self, BadgeText, Variant};

use super::filters::facets;
use super::names;
use crate::public::{badge_path, Directory, PublicMembership, PublicPartner};

/// Characters of the description shown on the index page.
const EXCERPT_CHARS: usize = 160;

/// One label of a partner's standing in a program: its tier, a partner type or a public status.
#[derive(Serialize)]
pub(super) struct Chip<'a> {
    label: &'a str,
    class: String,
}

/// A partner's standing in one program as templates show it.
#[derive(Serialize)]
pub(super) struct BadgeView<'a> {
    program_name: &'a str,
    chips: Vec<Chip<'a>>,
}

pub(super) fn chips(m: &PublicMembership) -> Vec<Chip<'_>> {
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

pub(super) fn badges(p: &PublicPartner) -> Vec<BadgeView<'_>> {
    p.programs
        .iter()
        .map(|m| BadgeView {
            program_name: &m.program_name,
            chips: chips(m),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct CardView<'a> {
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
pub(super) struct ListView {
    pub(super) label: &'static str,
    pub(super) values: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) name: &'a str,
    pub(super) logo: Option<String>,
    pub(super) programs: Vec<BadgeView<'a>>,
    pub(super) no_standing: Vec<&'a str>,
    pub(super) embeds: Vec<EmbedView>,
    pub(super) paragraphs: Vec<&'a str>,
    pub(super) country: String,
    pub(super) lists: Vec<ListView>,
    pub(super) website: Option<&'a str>,
}

/// A badge on the partner's page with the snippets that embed it elsewhere.
#[derive(Serialize)]
pub(super) struct EmbedView {
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
pub(super) fn html_attr(s: &str) -> String {
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

pub(super) fn embeds(dir: &Directory, p: &PublicPartner) -> Vec<EmbedView> {
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

pub(super) fn search_text(p: &PublicPartner) -> String {
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

pub(super) fn excerpt(text: &str) -> String {
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

pub(super) fn card(p: &PublicPartner) -> CardView<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_on_words() {
        assert_eq!(excerpt("short  text\n"), "short text");
        let long = "word ".repeat(60);
        let e = excerpt(&long);
        assert!(e.ends_with('…') && e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
