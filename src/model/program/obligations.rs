//! Obligations of partners, and what `links check` verifies of them on a partner's website.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An obligation: its description alone, or a table that also says how to verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Obligation {
    /// The description.
    Text(String),
    /// The description and what to verify on the partner's public website.
    Checked(CheckedObligation),
}

impl Obligation {
    /// The human description.
    pub fn description(&self) -> &str {
        match self {
            Obligation::Text(s) => s,
            Obligation::Checked(c) => &c.description,
        }
    }
    /// What `links check` verifies, if anything.
    pub fn verify(&self) -> Option<&Verify> {
        match self {
            Obligation::Text(_) => None,
            Obligation::Checked(c) => c.verify.as_ref(),
        }
    }
}

/// An obligation with a description and, optionally, a website check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckedObligation {
    /// Human description.
    pub description: String,
    /// What `partnerctl links check` looks for on the partner's public website (its
    /// `profile.website` page). The obligation is found when any of the named things is there.
    pub verify: Option<Verify>,
}

/// What to look for on a partner's website. At least one of `link_to`, `link_host`, `badge`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// A link to this http(s) URL or a page below it (scheme and query aside), e.g.
    /// `"https://www.nospamproxy.de/"`.
    #[schemars(regex(pattern = r"^https?://"))]
    pub link_to: Option<String>,
    /// A link to any page on this host or its subdomains, e.g. `"pimenta.chat"`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9.-]+$"))]
    pub link_host: Option<String>,
    /// The link must be a follow link: no `rel="nofollow"`, `ugc` or `sponsored`, and no
    /// `<meta name="robots" content="nofollow">` on the page.
    #[serde(default)]
    pub follow: bool,
    /// The program's badge from the partner directory (`badges/<program>/<partner>.svg`,
    /// `-dark.svg`, `.png`), linking to the partner's directory page `partners/<partner>.html`.
    #[serde(default)]
    pub badge: bool,
}

impl Verify {
    /// Problems with the declaration, each with the key it concerns. Empty when it is usable.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(u) = &self.link_to {
            match url::Url::parse(u) {
                Ok(p) if matches!(p.scheme(), "http" | "https") && p.host_str().is_some() => {}
                Ok(_) => out.push((
                    "link_to",
                    format!("`{u}` is not an http(s) URL with a host"),
                )),
                Err(e) => out.push(("link_to", format!("`{u}` is not a valid URL: {e}"))),
            }
        }
        if let Some(h) = &self.link_host {
            if url::Host::parse(h).is_err() || h.starts_with('.') || h.ends_with('.') {
                out.push(("link_host", format!("`{h}` is not a valid host name")));
            }
        }
        let links = self.link_to.is_some() || self.link_host.is_some();
        if !links && !self.badge {
            out.push((
                "verify",
                "nothing to verify: set `link_to`, `link_host` or `badge = true`".into(),
            ));
        }
        if self.follow && !links {
            out.push(("follow", "`follow` needs `link_to` or `link_host`".into()));
        }
        out
    }
}
