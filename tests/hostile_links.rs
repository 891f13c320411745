//! Hostile pages for the link extractor, generated here because they are large: the size limit
//! of `links check` (2 MiB) filled with deep nesting or misnested formatting elements must not
//! overflow the stack, and must either find the link at the end or give up within the budget
//! (html5ever's tree builder is quadratic on deep nesting: minutes for 2 MiB of `<div>`).

use std::time::Duration;

use partnerctl::links::html::{links, links_within};

const LIMIT: usize = 2 * 1024 * 1024;

fn page_with(filler: &str) -> String {
    let link = r#"<a href="https://www.nospamproxy.de/">x</a>"#;
    let n = (LIMIT - link.len()) / filler.len();
    let mut s = filler.repeat(n);
    s.push_str(link);
    s
}

fn hrefs(html: &str) -> Vec<String> {
    let base = url::Url::parse("https://partner.example/").unwrap();
    links(html, &base)
        .into_iter()
        .map(|l| l.href.to_string())
        .collect()
}

#[test]
fn hostile_deeply_nested_divs_give_up_within_the_budget_or_keep_the_link() {
    let base = url::Url::parse("https://partner.example/").unwrap();
    let got = links_within(page_with("<div>"), &base, Duration::from_secs(2));
    if let Some(links) = got {
        let hrefs: Vec<String> = links.into_iter().map(|l| l.href.to_string()).collect();
        assert_eq!(hrefs, ["https://www.nospamproxy.de/"]);
    }
}

#[test]
fn hostile_a_small_page_parses_within_the_budget() {
    let base = url::Url::parse("https://partner.example/").unwrap();
    let page = r#"<a rel="nofollow" href="/x">x</a>"#.to_string();
    let got = links_within(page, &base, Duration::from_secs(30)).expect("parsed in time");
    assert_eq!(
        (got[0].href.as_str(), got[0].follow),
        ("https://partner.example/x", false)
    );
}

#[test]
fn hostile_misnested_formatting_elements_parse_and_keep_the_link() {
    assert_eq!(
        hrefs(&page_with("<b><i><p>")),
        ["https://www.nospamproxy.de/"]
    );
}

#[test]
fn hostile_links_nested_in_links_each_count_once() {
    let h = hrefs(&page_with(r#"<a href="/p">"#));
    assert_eq!(
        h.last().map(String::as_str),
        Some("https://www.nospamproxy.de/")
    );
}
