//! What a page links to, read with a real HTML parser (html5ever via scraper): every `<a>`/
//! `<area>` with its resolved target and whether it is a follow link, and every image inside a
//! link, for the badge.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::model::program::Verify;

/// One link on the page.
#[derive(Debug, Clone)]
pub struct Link {
    /// Resolved against the page URL (and `<base href>`).
    pub href: Url,
    /// No `nofollow`, `ugc` or `sponsored` in `rel` and no page-wide robots `nofollow`.
    pub follow: bool,
    /// Sources of the images inside the link, resolved.
    pub images: Vec<Url>,
}

/// The links of a page, or `None` when parsing takes longer than `budget`. html5ever's tree
/// builder is quadratic on some hostile pages (hundreds of thousands of nested elements), so the
/// parse runs on its own thread and is abandoned (left to finish unobserved) after the budget.
pub fn links_within(html: String, page: &Url, budget: std::time::Duration) -> Option<Vec<Link>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let page = page.clone();
    std::thread::spawn(move || {
        let _ = tx.send(links(&html, &page));
    });
    rx.recv_timeout(budget).ok()
}

/// The links of a page.
pub fn links(html: &str, page: &Url) -> Vec<Link> {
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).expect("static selector");
    let base = doc
        .select(&sel("base[href]"))
        .next()
        .and_then(|b| page.join(b.value().attr("href")?).ok())
        .unwrap_or_else(|| page.clone());
    let robots_nofollow = doc.select(&sel("meta[name]")).any(|m| {
        m.value()
            .attr("name")
            .is_some_and(|n| n.eq_ignore_ascii_case("robots"))
            && m.value()
                .attr("content")
                .is_some_and(|c| c.to_ascii_lowercase().contains("nofollow"))
    });
    let img = sel("img[src]");
    doc.select(&sel("a[href], area[href]"))
        .filter_map(|a| {
            let href = base.join(a.value().attr("href")?.trim()).ok()?;
            let follow = !robots_nofollow && !has_nofollow_rel(a);
            let images = a
                .select(&img)
                .filter_map(|i| base.join(i.value().attr("src")?.trim()).ok())
                .collect();
            Some(Link {
                href,
                follow,
                images,
            })
        })
        .collect()
}

fn has_nofollow_rel(a: ElementRef<'_>) -> bool {
    a.value().attr("rel").is_some_and(|rel| {
        rel.split_ascii_whitespace().any(|t| {
            ["nofollow", "ugc", "sponsored"]
                .iter()
                .any(|n| t.eq_ignore_ascii_case(n))
        })
    })
}

/// How a page meets a `verify` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// A matching link (follow, when required) or the badge, at this URL.
    Found(Url),
    /// Only links without follow, where `follow = true` is required.
    Nofollow(Url),
    /// Nothing matching.
    Missing,
}

/// Where the directory serves badges and partner pages: `site` (scheme and host, optional) and
/// the ids, for the badge check.
pub struct BadgeTarget<'a> {
    pub site: Option<&'a Url>,
    pub program: &'a str,
    pub partner: &'a str,
}

/// Judge the links of a page against `verify`.
pub fn judge(links: &[Link], verify: &Verify, badge: &BadgeTarget<'_>) -> Match {
    let mut nofollow = None;
    for l in links {
        if is_target(&l.href, verify) {
            if l.follow || !verify.follow {
                return Match::Found(l.href.clone());
            }
            nofollow.get_or_insert_with(|| l.href.clone());
        }
    }
    if verify.badge {
        if let Some(l) = links.iter().find(|l| is_badge(l, badge)) {
            return Match::Found(l.href.clone());
        }
    }
    nofollow.map_or(Match::Missing, Match::Nofollow)
}

/// A link to `link_to` (same host, path below its path, http or https) or to `link_host` or a
/// subdomain of it.
fn is_target(href: &Url, verify: &Verify) -> bool {
    if !matches!(href.scheme(), "http" | "https") {
        return false;
    }
    let host = href.host_str().unwrap_or("").trim_end_matches('.');
    let to = verify.link_to.as_deref().and_then(|u| Url::parse(u).ok());
    let to_matches = to.is_some_and(|t| {
        t.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host))
            && href.path().starts_with(t.path())
    });
    let host_matches = verify.link_host.as_deref().is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        host == h || host.ends_with(&format!(".{h}"))
    });
    to_matches || host_matches
}

/// A link to the partner's directory page with the program's badge image inside.
fn is_badge(l: &Link, t: &BadgeTarget<'_>) -> bool {
    let on_site = |u: &Url| {
        t.site.is_none_or(|s| {
            u.host_str() == s.host_str() && u.port_or_known_default() == s.port_or_known_default()
        })
    };
    let page = format!("/partners/{}.html", t.partner);
    let stem = format!("/badges/{}/{}", t.program, t.partner);
    let badge_file = |u: &Url| {
        ["", "-dark"].iter().any(|v| {
            [".svg", ".png"]
                .iter()
                .any(|ext| u.path().ends_with(&format!("{stem}{v}{ext}")))
        })
    };
    on_site(&l.href)
        && l.href.path().ends_with(&page)
        && l.images.iter().any(|i| on_site(i) && badge_file(i))
}
