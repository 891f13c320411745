//! `links check` against a local HTTP server on 127.0.0.1 (issue #16 item 5). The server is
//! reachable only with the hidden `--allow-loopback` test override; every other non-public
//! address stays refused even then.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use common::{edit, partner, TestRepo};

const PIMENTA: &str = include_str!("../programs/pimentachat.toml");

/// Answer one connection: the route's response, or nothing for a TLS hello (the https attempt
/// that `links check` makes first) or for `/slow` until long after the client's timeout.
fn serve(mut s: TcpStream) {
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap_or(0);
    if n == 0 || buf[0] == 0x16 {
        return;
    }
    let req = String::from_utf8_lossy(&buf[..n]);
    let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let html = |body: &str| ("200 OK", "text/html; charset=utf-8", body.to_owned(), "");
    let (status, ctype, body, location) = match path.as_str() {
        "/follow" => {
            html(r#"<p>Partner of <a href="https://www.nospamproxy.de/de/">NoSpamProxy</a></p>"#)
        }
        "/nofollow" => {
            html(r#"<a rel="external NoFollow" href="https://www.nospamproxy.de/">NoSpamProxy</a>"#)
        }
        "/robots-nofollow" => html(
            r#"<meta name="robots" content="index, nofollow"><a href="https://www.nospamproxy.de/">x</a>"#,
        ),
        "/other-host" => html(
            r#"<a href="https://nospamproxy.de.evil.example/">x</a> <a href="https://www.nospamproxy.de.evil.example/">y</a>"#,
        ),
        "/redirect" => ("302 Found", "text/html", String::new(), "/follow"),
        "/to-metadata" => (
            "302 Found",
            "text/html",
            String::new(),
            "http://169.254.169.254/latest/meta-data/",
        ),
        "/to-private" => (
            "301 Moved Permanently",
            "text/html",
            String::new(),
            "http://10.0.0.1/",
        ),
        "/badge" => html(
            r#"<a href="https://dir.example/partners/acme.html"><img alt="Premium" src="https://dir.example/badges/pimentachat/acme-dark.svg"></a>"#,
        ),
        "/badge-unlinked" => html(r#"<img src="https://dir.example/badges/pimentachat/acme.svg">"#),
        "/pdf" => ("200 OK", "application/pdf", "%PDF-1.7".into(), ""),
        "/big" => html(&format!("<p>{}</p>", "x".repeat(3 * 1024 * 1024))),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            return;
        }
        _ => ("404 Not Found", "text/html", "<h1>not here</h1>".into(), ""),
    };
    let loc = if location.is_empty() {
        String::new()
    } else {
        format!("Location: {location}\r\n")
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{loc}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body.as_bytes());
}

/// A server on an ephemeral port of 127.0.0.1; returns its base URL.
fn server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || serve(s));
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// A repository with partner `acme` (NoSpamProxy, and pimentaCHAT when `pimenta`) whose website
/// is `website`.
fn repo(website: &str, pimenta: bool) -> TestRepo {
    let repo = TestRepo::with_nsp();
    let mut p = edit(
        &partner("acme"),
        "display_name = \"Acme\"\n",
        &format!("display_name = \"Acme\"\nwebsite = \"{website}\"\n"),
    );
    if pimenta {
        repo.write("programs/pimentachat.toml", PIMENTA);
        p = edit(&p, "[[revenue]]", "[[memberships]]\nprogram = \"pimentachat\"\ntypes = [\"hosting-partner\"]\n\n[[revenue]]");
    }
    repo.write("partners/acme.toml", p);
    repo
}

/// `links check --format json` for a website path on the local server, with the loopback
/// override and a 2 s timeout; (exit code, results).
fn check_path(path: &str, pimenta: bool) -> (i32, serde_json::Value) {
    let r = repo(&format!("{}{path}", server()), pimenta);
    let run = r.run(&[
        "links",
        "check",
        "--format",
        "json",
        "--allow-loopback",
        "--timeout",
        "2",
        "--as-of",
        "2026-11-01",
    ]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    (run.code, serde_json::from_str(&run.stdout).expect("json"))
}

/// The single NoSpamProxy result.
fn nsp(path: &str) -> (i32, serde_json::Value) {
    let (code, v) = check_path(path, false);
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 1, "{v}");
    assert_eq!(arr[0]["obligation"], "vendor-named-with-follow-link");
    (code, arr[0].clone())
}

#[test]
fn a_follow_link_below_the_declared_url_is_found() {
    let (code, r) = nsp("/follow");
    assert_eq!(r["status"], "found");
    assert_eq!(r["url"], "https://www.nospamproxy.de/de/");
    assert_eq!(code, 0);
}

#[test]
fn a_nofollow_link_is_reported_as_such() {
    let (code, r) = nsp("/nofollow");
    assert_eq!(r["status"], "found-nofollow");
    assert_eq!(code, 1);
}

#[test]
fn a_page_wide_robots_nofollow_counts_too() {
    assert_eq!(nsp("/robots-nofollow").1["status"], "found-nofollow");
}

#[test]
fn look_alike_hosts_do_not_count() {
    assert_eq!(nsp("/other-host").1["status"], "missing");
}

#[test]
fn the_link_on_the_redirect_target_page_is_found() {
    assert_eq!(nsp("/redirect").1["status"], "found");
}

#[test]
fn http_404_is_unreachable_with_its_status() {
    let (code, r) = nsp("/missing-page");
    assert_eq!(
        (r["status"].as_str(), r["problem"].as_str()),
        (Some("unreachable"), Some("http-status"))
    );
    assert_eq!(r["http_status"], 404);
    assert_eq!(code, 1);
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let r = nsp("/slow").1;
    assert_eq!(
        (r["status"].as_str(), r["problem"].as_str()),
        (Some("unreachable"), Some("timeout"))
    );
}

#[test]
fn an_oversized_page_is_not_read() {
    let r = nsp("/big").1;
    assert_eq!(r["problem"], "too-large");
    assert_eq!(r["limit"], 2 * 1024 * 1024);
}

#[test]
fn a_non_html_response_is_reported_as_such() {
    let r = nsp("/pdf").1;
    assert_eq!(r["problem"], "not-html");
    assert_eq!(r["content_type"], "application/pdf");
}

#[test]
fn a_redirect_to_the_metadata_address_is_refused_even_with_the_override() {
    let r = nsp("/to-metadata").1;
    assert_eq!(r["problem"], "refused");
    assert_eq!(r["address"], "169.254.169.254");
    assert_eq!(r["class"], "metadata");
}

#[test]
fn a_redirect_to_a_private_address_is_refused_even_with_the_override() {
    let r = nsp("/to-private").1;
    assert_eq!(
        (
            r["problem"].as_str(),
            r["address"].as_str(),
            r["class"].as_str()
        ),
        (Some("refused"), Some("10.0.0.1"), Some("private"))
    );
}

#[test]
fn without_the_override_the_first_request_to_127_0_0_1_is_refused() {
    let r = repo(&format!("{}/follow", server()), false);
    let run = r.run(&["links", "check", "--format", "json", "--timeout", "2"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v[0]["problem"], "refused");
    assert_eq!(v[0]["address"], "127.0.0.1");
    assert_eq!(v[0]["class"], "loopback");
    assert_eq!(run.code, 1);
}

/// The results for pimentaCHAT's obligations (its logo/badge link) in a `links check` report.
fn pimentachat_results(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    let all = v.as_array().expect("a list of results");
    all.iter()
        .filter(|r| r["program"] == "pimentachat")
        .collect()
}

#[test]
fn the_badge_linking_to_the_directory_page_is_found() {
    let (_, v) = check_path("/badge", true);
    let pim = pimentachat_results(&v);
    assert_eq!(pim.len(), 1, "{v}");
    assert_eq!(pim[0]["obligation"], "vendor-on-partner-website");
    assert_eq!(pim[0]["status"], "found");
    assert_eq!(pim[0]["url"], "https://dir.example/partners/acme.html");
}

#[test]
fn a_badge_image_without_the_link_to_the_directory_page_is_missing() {
    let (_, v) = check_path("/badge-unlinked", true);
    let pim = pimentachat_results(&v);
    assert_eq!(pim[0]["status"], "missing");
}

#[test]
fn the_table_and_markdown_formats_name_each_status() {
    let base = server();
    let r = repo(&format!("{base}/nofollow"), false);
    let md = r.run(&[
        "links",
        "check",
        "--format",
        "markdown",
        "--allow-loopback",
        "--timeout",
        "2",
    ]);
    assert_eq!(md.code, 1);
    let cells: Vec<Vec<&str>> = md
        .stdout
        .lines()
        .map(|l| l.split('|').map(str::trim).collect())
        .collect();
    assert_eq!(cells.len(), 3, "{}", md.stdout);
    let row = [
        "",
        "acme",
        "nospamproxy",
        "vendor-named-with-follow-link",
        "found-nofollow",
        "",
        "",
    ];
    assert_eq!(cells[2], row);
    let r = repo(&format!("{base}/pdf"), false);
    let t = r.run(&["links", "check", "--allow-loopback", "--timeout", "2"]);
    assert!(
        t.stdout.contains("not HTML (application/pdf)"),
        "{}",
        t.stdout
    );
}

#[test]
fn record_keeps_the_first_day_a_status_was_seen() {
    let base = server();
    let r = repo(&format!("{base}/nofollow"), false);
    let ev = r.abs("links-evidence.json");
    let ev = ev.to_str().unwrap();
    for day in ["2026-10-01", "2026-11-01"] {
        let run = r.run(&[
            "links",
            "check",
            "--allow-loopback",
            "--timeout",
            "2",
            "--record",
            ev,
            "--as-of",
            day,
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ev).unwrap()).unwrap();
    let e = &v["entries"][0];
    assert_eq!(
        (
            e["status"].as_str(),
            e["since"].as_str(),
            e["checked"].as_str()
        ),
        (
            Some("found-nofollow"),
            Some("2026-10-01"),
            Some("2026-11-01")
        )
    );
    // The link becomes a follow link: a new status, seen since that day.
    r.write(
        "partners/acme.toml",
        partner("acme").replace(
            "display_name = \"Acme\"\n",
            &format!("display_name = \"Acme\"\nwebsite = \"{base}/follow\"\n"),
        ),
    );
    let run = r.run(&[
        "links",
        "check",
        "--allow-loopback",
        "--timeout",
        "2",
        "--record",
        ev,
        "--as-of",
        "2026-12-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ev).unwrap()).unwrap();
    assert_eq!(v["entries"][0]["status"], "found");
    assert_eq!(v["entries"][0]["since"], "2026-12-01");
}
