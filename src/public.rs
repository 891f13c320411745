//! What the public directory shows of each partner — the listing, the public profile, each
//! program's tier, types and public statuses, the badge — computed once from public data and the
//! evaluations. The site (`render::directory`) renders it; `diff` compares it before and after a
//! change so that reviewers see what visitors will see. Kept apart from both so that neither
//! depends on the other.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::badge::{self, Pair, Variant};
use crate::evaluate::Evaluation;
use crate::model::catalog::Catalog;
use crate::model::partner::PublicProfile;
use crate::model::program::{EntitlementKind, GrantValue, Program};
use crate::model::scalar::Date;

/// Version of the `partners.json` document shape.
pub const FEED_VERSION: u32 = 1;

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
    /// Partner types, in the order of the terms.
    #[serde(skip)]
    pub types: Vec<PublicName>,
    /// Statuses the program marks public, in the order of the terms.
    #[serde(skip)]
    pub public_statuses: Vec<PublicName>,
    /// The program label on its badges.
    #[serde(skip)]
    pub badge_label: String,
    /// Colours of the standing part of its badges, light and dark.
    #[serde(skip)]
    pub badge_colours: [Pair; 2],
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
            types: p
                .partner_types
                .iter()
                .map(|t| PublicName {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                })
                .collect(),
            public_statuses: p
                .statuses
                .iter()
                .filter(|s| s.public)
                .map(|s| PublicName {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                })
                .collect(),
            badge_label: badge::label(p).to_owned(),
            badge_colours: Variant::ALL.map(|v| badge::standing_colours(p, v)),
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
    /// Statuses held that the program marks public, sorted by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<PublicName>,
    /// How the program lists the partner.
    pub listing: Listing,
    /// The partner's badge for the program, relative to the site root; the dark variant is the
    /// same path ending in `-dark.svg`.
    pub badge: String,
}

impl PublicMembership {
    /// The standing a visitor reads: the tier's name, else the partner types and public statuses
    /// held, else "Listed partner".
    pub fn standing(&self) -> String {
        if let Some(t) = &self.tier_name {
            return t.clone();
        }
        let names: Vec<&str> = self
            .types
            .iter()
            .chain(&self.statuses)
            .map(|n| n.name.as_str())
            .collect();
        if names.is_empty() {
            "Listed partner".into()
        } else {
            names.join(", ")
        }
    }
}

/// Site path of the badge of `partner` in `program`, light or dark.
pub fn badge_path(program: &str, partner: &str, v: Variant) -> String {
    format!("badges/{program}/{partner}{}.svg", v.suffix())
}

fn public_statuses(ev: &Evaluation, terms: Option<&Program>) -> Vec<PublicName> {
    let mut out: Vec<PublicName> = ev
        .statuses
        .iter()
        .filter_map(|id| {
            let s = terms?.statuses.iter().find(|s| s.id.as_str() == id)?;
            s.public.then(|| PublicName {
                id: id.clone(),
                name: s.name.clone(),
            })
        })
        .collect();
    out.sort();
    out
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
                    statuses: public_statuses(ev, terms),
                    listing,
                    badge: badge_path(&ev.program, id, Variant::Light),
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
    /// Memberships with no current standing: their badges are neutral. Sorted.
    #[serde(skip)]
    pub neutral: Vec<NeutralBadge>,
    /// Absolute address of the site (ending in `/`) for embed snippets; empty: site-relative.
    #[serde(skip)]
    pub base_url: String,
}

/// A membership (partner file and program) that shows no current standing, so the partner's badge
/// URL there serves the neutral "no current partnership" image.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NeutralBadge {
    /// Partner id (safe as a file name).
    pub partner: String,
    /// Program id.
    pub program: String,
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
            neutral: Vec::new(),
            base_url: String::new(),
        }
    }

    /// Add the neutral badges (sorted and deduplicated here; unsafe ids dropped) and the site's
    /// address for embed snippets.
    pub fn with_badges(mut self, mut neutral: Vec<NeutralBadge>, base_url: &str) -> Directory {
        neutral.retain(|n| is_safe_id(&n.partner) && is_safe_id(&n.program));
        neutral.sort();
        neutral.dedup();
        self.neutral = neutral;
        self.base_url = base_url.to_owned();
        self
    }
}
