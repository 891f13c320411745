//! Partner badges and the words visitors read (issues #16 and #13): badge SVGs (snapshots, the
//! standing by its display name, the neutral image once a standing is lost, nothing of the
//! partner inside, contrast), embed snippets with escaped alt text, names instead of codes, partner
//! types and public statuses as badges.

#[path = "browser/fixture.rs"]
mod fixture;

use std::collections::BTreeMap;
use std::path::Path;

use fixture::{build_site, premium, write_fixture};
use partnerctl::badge::{self, contrast, Rgb, Variant};
use partnerctl::model::program::Program;

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixture site, built with `extra` arguments after `edit` changed the repository.
fn site(edit: impl FnOnce(&Path), extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write_fixture(&repo);
    edit(&repo);
    let out = dir.path().join("site");
    let (code, stderr) = build_site(&repo, &out, extra);
    assert_eq!(code, 0, "{stderr}");
    (dir, out)
}

#[test]
fn badge_svgs_snapshot() {
    let (_d, out) = site(|_| {}, &[]);
    for path in [
        "badges/nospamproxy/acme.svg",
        "badges/nospamproxy/acme-dark.svg",
        "badges/cloudhost/acme.svg",
        "badges/nospamproxy/dormant.svg",
        "badges/nospamproxy/dormant-dark.svg",
    ] {
        let name = path.trim_start_matches("badges/").replace('/', "__");
        insta::assert_snapshot!(name, read(&out, path));
    }
}

#[test]
fn badges_show_the_standing_by_its_display_name() {
    let (_d, out) = site(|_| {}, &[]);
    // ACME: 60,000 EUR server revenue, 5 projects, 2 certified people → Premium (server track).
    let acme = read(&out, "badges/nospamproxy/acme.svg");
    assert!(
        acme.contains("<title>NoSpamProxy: Premium Partner</title>"),
        "{acme}"
    );
    assert!(acme.contains("role=\"img\""));
    // Bolt: cloud-only track, 200 EUR MRR, 1 project, cloud training → Authorized, cloud name.
    let bolt = read(&out, "badges/nospamproxy/bolt.svg");
    assert!(bolt.contains(">Authorized Cloud Partner</text>"), "{bolt}");
    // Cirrus: 25,000 EUR, 3 projects, 1 certified person → Business.
    let cirrus = read(&out, "badges/nospamproxy/cirrus.svg");
    assert!(cirrus.contains(">Business Partner</text>"), "{cirrus}");
    // The program's colours from its [badge] table: white on #9a3412, dark text on #fdba74.
    assert!(acme.contains("fill=\"#9a3412\""));
    let dark = read(&out, "badges/nospamproxy/acme-dark.svg");
    assert!(dark.contains("fill=\"#fdba74\"") && dark.contains("fill=\"#1c1917\""));
    // Dormant holds nothing: the neutral badge, no tier.
    let dormant = read(&out, "badges/nospamproxy/dormant.svg");
    assert!(dormant.contains("<title>NoSpamProxy: no current partnership</title>"));
    assert!(!dormant.contains("Authorized"));
    // Deterministic: the width is the table's, so a second build is byte-identical.
    let (_d2, again) = site(|_| {}, &[]);
    assert_eq!(acme, read(&again, "badges/nospamproxy/acme.svg"));
}

#[test]
fn badges_carry_nothing_of_the_partner() {
    let (_d, out) = site(
        |repo| {
            let evil = premium(
                "evil",
                "display_name = \"EVILNAME <script>alert(1)</script>\"\ncountry = \"DE\"",
            );
            std::fs::write(repo.join("partners/evil.toml"), evil).unwrap();
        },
        &[],
    );
    let mut n = 0;
    for program in ["nospamproxy", "cloudhost"] {
        for e in std::fs::read_dir(out.join("badges").join(program)).unwrap() {
            let svg = std::fs::read_to_string(e.unwrap().path()).unwrap();
            for partner_text in ["EVILNAME", "ACME", "Bolt", "Cirrus", "Dormant", "script"] {
                assert!(!svg.contains(partner_text), "{partner_text} in a badge");
            }
            n += 1;
        }
    }
    // evil, acme, bolt, cirrus, dormant in NoSpamProxy, acme in CloudHost; light and dark each.
    assert_eq!(n, 2 * 6);
}

#[test]
fn a_lost_standing_serves_the_neutral_badge_at_the_same_url() {
    let (_d, before) = site(|_| {}, &[]);
    assert!(read(&before, "badges/nospamproxy/cirrus.svg").contains(">Business Partner<"));
    // Cirrus's revenue drops to 100 EUR: below Authorized's 2,000 EUR, so no tier, not listed.
    let (_d2, after) = site(
        |repo| {
            let path = repo.join("partners/cirrus.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("amount = \"25000.00\"", "amount = \"100.00\"");
            std::fs::write(path, text).unwrap();
        },
        &[],
    );
    let badge = read(&after, "badges/nospamproxy/cirrus.svg");
    assert!(badge.contains("no current partnership"), "{badge}");
    assert!(!badge.contains("Partner</text>"));
    let dark = read(&after, "badges/nospamproxy/cirrus-dark.svg");
    assert!(dark.contains("no current partnership"));
    // The link target still exists and says so, without the partner's name.
    let page = read(&after, "partners/cirrus.html");
    assert!(page.contains("<h1>No current partnership</h1>"));
    assert!(page.contains("in NoSpamProxy Partner Program"));
    assert!(!page.contains("Cirrus"));
    let feed: serde_json::Value = serde_json::from_str(&read(&after, "partners.json")).unwrap();
    assert!(!feed["partners"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "cirrus"));
}

/// Undo minijinja's HTML escaping of text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The texts of the `<pre><code>` blocks of a page, unescaped.
fn snippets(page: &str) -> Vec<String> {
    page.split("<pre><code>")
        .skip(1)
        .map(|s| unescape(&s[..s.find("</code></pre>").unwrap()]))
        .collect()
}

#[test]
fn embed_snippets_escape_the_alt_text() {
    let name = r#"Evil "Q" & <b>[x](javascript:y)</b>"#;
    let (_d, out) = site(
        |repo| {
            let profile = format!("display_name = '{name}'\ncountry = \"DE\"");
            std::fs::write(repo.join("partners/evil.toml"), premium("evil", &profile)).unwrap();
        },
        &["--base-url", "https://partners.example.org"],
    );
    let page = read(&out, "partners/evil.html");
    let s = snippets(&page);
    assert_eq!(s.len(), 2, "{s:?}");
    let base = "https://partners.example.org/";
    let html = &s[0];
    assert!(
        html.starts_with(&format!(
            "<a href=\"{base}partners/evil.html\"><picture><source srcset=\"{base}badges/nospamproxy/evil-dark.svg\" media=\"(prefers-color-scheme: dark)\"><img src=\"{base}badges/nospamproxy/evil.svg\" "
        )),
        "{html}"
    );
    assert!(
        html.contains(r#" alt="Evil &quot;Q&quot; &amp; &lt;b&gt;[x](javascript:y)&lt;/b&gt;: Premium Partner, NoSpamProxy Partner Program" "#),
        "{html}"
    );
    assert_eq!(
        html.matches('<').count(),
        6,
        "only the snippet's own tags: {html}"
    );
    assert_eq!(
        s[1],
        format!(
            r#"[![Evil \"Q\" \& \<b\>\[x\]\(javascript:y\)\</b\>: Premium Partner, NoSpamProxy Partner Program]({base}badges/nospamproxy/evil.svg)]({base}partners/evil.html)"#
        )
    );
    // The preview on the page itself: the alt attribute escaped once.
    assert!(page.contains(
        "alt=\"Evil &quot;Q&quot; &amp; &lt;b&gt;[x](javascript:y)&lt;&#x2f;b&gt;: Premium Partner, NoSpamProxy Partner Program\""
    ));
}

#[test]
fn base_url_must_be_a_plain_http_address() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write_fixture(&repo);
    for bad in [
        "javascript:alert(1)",
        "https://x.example/\"><script>",
        "https://x.example/a b",
        "ftp://x.example/",
    ] {
        let (code, stderr) = build_site(&repo, &dir.path().join("site"), &["--base-url", bad]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("--base-url"), "{stderr}");
        assert!(!dir.path().join("site").exists());
    }
}

#[test]
fn visitors_read_names_and_the_feed_keeps_codes() {
    let (_d, out) = site(|_| {}, &[]);
    let index = read(&out, "index.html");
    // ACME in DE speaking de/en, Bolt in FR speaking fr, Cirrus in AT speaking de.
    assert!(index.contains("Germany · German, English"), "card meta");
    assert!(index.contains("France · French"));
    for option in [
        "<option value=\"AT\">Austria</option>",
        "<option value=\"FR\">France</option>",
        "<option value=\"DE\">Germany</option>",
        "<option value=\"en\">English</option>",
        "<option value=\"fr\">French</option>",
        "<option value=\"de\">German</option>",
    ] {
        assert!(index.contains(option), "{option}");
    }
    // Options sorted by the name a visitor reads: Austria, France, Germany.
    let at = index.find(">Austria<").unwrap();
    assert!(
        at < index.find(">France<").unwrap()
            && index.find(">France<").unwrap() < index.find(">Germany<").unwrap()
    );
    let feed: serde_json::Value = serde_json::from_str(&read(&out, "partners.json")).unwrap();
    let acme = &feed["partners"][0];
    assert_eq!(acme["id"], "acme");
    assert_eq!(acme["country"], "DE");
    assert_eq!(acme["languages"], serde_json::json!(["de", "en"]));
    let page = read(&out, "partners/bolt.html");
    assert!(page.contains("<dt>Country</dt><dd>France</dd>"));
}

#[test]
fn partner_types_and_public_statuses_are_badges() {
    let (_d, out) = site(|_| {}, &[]);
    let index = read(&out, "index.html");
    assert!(index.contains("<span class=\"badge type\">Hosting Partner</span>"));
    assert!(index.contains("<span class=\"badge type\">Reseller</span>"));
    // NoSpamProxy marks Managed Service Partner public; ACME holds it by approval.
    assert!(index.contains("<span class=\"badge status\">Managed Service Partner</span>"));
    assert!(!index.contains(">Listed<"));
    // Without `public = true` the status stays off the site (and out of the feed).
    let (_d2, private) = site(
        |repo| {
            let path = repo.join("programs/nospamproxy.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("\npublic = true\n"));
            std::fs::write(path, text.replace("\npublic = true\n", "\n")).unwrap();
        },
        &[],
    );
    for file in ["index.html", "partners/acme.html", "partners.json"] {
        assert!(!read(&private, file).contains("Managed Service"), "{file}");
    }
}

#[test]
fn every_shipped_colour_pair_has_enough_contrast() {
    let mut pairs: BTreeMap<String, (Rgb, Rgb)> = BTreeMap::new();
    for (name, set) in [
        ("label", badge::LABEL),
        ("default", badge::DEFAULT_STANDING),
        ("neutral", badge::NEUTRAL_STANDING),
    ] {
        for v in Variant::ALL {
            let p = set[badge::index(v)];
            pairs.insert(format!("{name}{}", v.suffix()), (p.fg, p.bg));
        }
    }
    // The bundled programs' own colours, used as written (no fallback to the defaults).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let program: Program = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let style = program
            .badge
            .clone()
            .expect("every bundled program sets its badge");
        assert!(
            badge::contrast_problems(&program).is_empty(),
            "{}",
            path.display()
        );
        for v in Variant::ALL {
            let (bg, fg) = match v {
                Variant::Light => (style.background.clone(), style.foreground.clone()),
                Variant::Dark => (style.dark_background.clone(), style.dark_foreground.clone()),
            };
            let written = (
                Rgb::parse(&fg.unwrap()).unwrap(),
                Rgb::parse(&bg.unwrap()).unwrap(),
            );
            let used = badge::standing_colours(&program, v);
            assert_eq!((used.fg, used.bg), written, "{}", path.display());
            pairs.insert(format!("{}{}", program.id, v.suffix()), written);
        }
    }
    // The site's own chip colours (style.css), white text.
    let white = Rgb(255, 255, 255);
    for (name, hex) in [
        ("type", "#1b6e74"),
        ("status", "#9a3412"),
        ("neutral-chip", "#57606a"),
    ] {
        pairs.insert(name.into(), (white, Rgb::parse(hex).unwrap()));
    }
    for (name, (fg, bg)) in &pairs {
        let ratio = contrast(*fg, *bg);
        assert!(
            ratio >= badge::MIN_CONTRAST,
            "{name}: {fg} on {bg} is {ratio:.2}:1"
        );
    }
    assert_eq!(pairs.len(), 6 + 6 + 3);
}

#[test]
fn program_text_in_a_badge_is_escaped_and_every_badge_is_well_formed_svg() {
    let (_d, out) = site(
        |repo| {
            let path = repo.join("programs/cloudhost.toml");
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str("\n[badge]\nlabel = \"</text><script>alert(1)</script>&\"\n");
            std::fs::write(path, text).unwrap();
        },
        &[],
    );
    let svg = read(&out, "badges/cloudhost/acme.svg");
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains(">&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;</text>"));
    for program in ["nospamproxy", "cloudhost"] {
        for e in std::fs::read_dir(out.join("badges").join(program)).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("height"), Some("20"));
            let title = root
                .children()
                .find(|n| n.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap();
            assert_eq!(root.attribute("aria-label"), Some(title));
            // Only drawing: no script, link, image or foreign content.
            for n in doc.descendants().filter(|n| n.is_element()) {
                assert!(
                    ["svg", "title", "clipPath", "rect", "g", "text"]
                        .contains(&n.tag_name().name()),
                    "{} in {}",
                    n.tag_name().name(),
                    path.display()
                );
            }
        }
    }
}
