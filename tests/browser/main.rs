//! End to end in a real browser: build the fixture directory, load `index.html` in headless
//! Chromium under the site's own Content-Security-Policy, apply filters and a search through DOM
//! events, and count the partners actually visible.
//!
//! Opens each published logo on its own, as a visitor following its URL would, and checks that no
//! script ran.
//!
//! Needs Debian's `chromium` (`/usr/bin/chromium`, or the path in `PARTNERCTL_CHROMIUM`). The
//! tests are `#[ignore]`d so that a machine without it reports them as ignored, never as passed;
//! `.ci/run` installs chromium and runs them with `--include-ignored`, where a missing browser
//! fails them.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use partnerctl::render::directory::csp_hash;

/// Each step sets the filters (select name → value; `q` is the search box), then records the
/// `#count` text and the number of list items the browser actually renders.
const STEPS: &str = r#"[
  {"name": "initial", "set": {}},
  {"name": "program", "set": {"program": "nospamproxy"}},
  {"name": "program+tier", "set": {"program": "nospamproxy", "tier": "nospamproxy/business"}},
  {"name": "country", "set": {"country": "DE"}},
  {"name": "search", "set": {"q": "cloud"}},
  {"name": "search+language", "set": {"q": "CLOUD  e-mail", "language": "fr"}},
  {"name": "type", "set": {"type": "cloudhost/hosting-partner"}},
  {"name": "region", "set": {"region": "Île-de-France"}},
  {"name": "service", "set": {"service": "consulting", "q": "wien"}},
  {"name": "nothing", "set": {"q": "no such partner"}},
  {"name": "cleared", "set": {}}
]"#;

/// (step, expected count, expected visible partner ids, expected query string). The query string
/// keeps the filters (in form order, then the search) so the view can be shared and bookmarked.
type Expected = (&'static str, usize, &'static [&'static str], &'static str);
const EXPECTED: &[Expected] = &[
    ("initial", 3, &["acme", "bolt", "cirrus"], ""),
    (
        "program",
        3,
        &["acme", "bolt", "cirrus"],
        "?program=nospamproxy",
    ),
    (
        "program+tier",
        1,
        &["cirrus"],
        "?program=nospamproxy&tier=nospamproxy%2Fbusiness",
    ),
    ("country", 1, &["acme"], "?country=DE"),
    ("search", 2, &["acme", "bolt"], "?q=cloud"),
    (
        "search+language",
        1,
        &["bolt"],
        "?language=fr&q=CLOUD++e-mail",
    ),
    ("type", 1, &["acme"], "?type=cloudhost%2Fhosting-partner"),
    ("region", 1, &["bolt"], "?region=%C3%8Ele-de-France"),
    ("service", 1, &["cirrus"], "?service=consulting&q=wien"),
    ("nothing", 0, &[], "?q=no+such+partner"),
    ("cleared", 3, &["acme", "bolt", "cirrus"], ""),
];

fn driver_script() -> String {
    format!(
        r##"(function () {{
  var out = {{ formVisible: !document.getElementById("filters").hidden, steps: [] }};
  var steps = {STEPS};
  var form = document.getElementById("filters");
  steps.forEach(function (step) {{
    var controls = form.querySelectorAll("select, input");
    for (var i = 0; i < controls.length; i++) {{
      var c = controls[i];
      var v = Object.prototype.hasOwnProperty.call(step.set, c.name) ? step.set[c.name] : "";
      c.value = v;
      c.dispatchEvent(new Event(c.tagName === "SELECT" ? "change" : "input", {{ bubbles: true }}));
    }}
    var visible = [];
    var items = document.querySelectorAll("#partners > li");
    for (var j = 0; j < items.length; j++) {{
      if (items[j].offsetParent !== null) visible.push(items[j].getAttribute("data-id"));
    }}
    out.steps.push({{
      name: step.name,
      count: document.getElementById("count").textContent,
      visible: visible,
      search: window.location.search,
      emptyShown: document.getElementById("empty").offsetParent !== null
    }});
  }});
  var pre = document.createElement("pre");
  pre.id = "browser-test-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}})();"##
    )
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PARTNERCTL_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Run headless Chromium on `page` and return the serialized DOM.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let url = format!("file://{}", page.display());
    run_chromium(browser, &url, profile, &["--dump-dom".into()])
}

/// Run headless Chromium on `url` with `mode` (`--dump-dom`, `--screenshot=…`) and return what it
/// printed.
fn run_chromium(browser: &Path, url: &str, profile: &Path, mode: &[String]) -> String {
    let dumps = mode.iter().any(|m| m == "--dump-dom");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut { stdout }, &mut s).unwrap();
        s
    });
    let stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut s);
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within 120 s\n{}",
                err_reader.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().unwrap();
    assert!(
        !dumps || !dom.is_empty(),
        "chromium printed no DOM:\n{}",
        err_reader.join().unwrap()
    );
    dom
}

/// Undo the HTML escaping of text content.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The browser, or a failure saying how to get it. Never a silent pass: these tests are
/// `#[ignore]`d, so a plain `cargo test` lists them as ignored, and whoever asks for them
/// (`--include-ignored`, as `.ci/run` does) gets them run or failed.
fn require_chromium() -> PathBuf {
    chromium().unwrap_or_else(|| {
        panic!(
            "the browser tests need Debian's chromium at /usr/bin/chromium (or PARTNERCTL_CHROMIUM): \
             apt-get install -y --no-install-recommends chromium; without it, run `cargo test` \
             without --include-ignored and they are reported as ignored"
        )
    })
}

#[test]
#[ignore = "needs chromium; .ci/run runs it with --include-ignored"]
fn filters_and_search_in_headless_chromium() {
    let browser = require_chromium();

    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fixture::write_fixture(&repo);
    let out = dir.path().join("site");
    let (code, stderr) = fixture::build_site(&repo, &out, &[]);
    assert_eq!(code, 0, "{stderr}");

    // A copy of the index next to it (so logos resolve) with the driver appended; the site's own
    // CSP stays in force, extended only by the driver's hash, so the real script must pass it.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let driver = driver_script();
    let marker = "script-src &#x27;sha256-";
    assert!(
        index.contains(marker),
        "index.html has no script hash in its CSP"
    );
    let with_csp = index.replacen(
        marker,
        &format!("script-src &#x27;{}&#x27; &#x27;sha256-", csp_hash(&driver)),
        1,
    );
    let test_page = with_csp.replacen("</body>", &format!("<script>{driver}</script>\n</body>"), 1);
    let page = out.join("index.browser-test.html");
    std::fs::write(&page, test_page).unwrap();

    let profile = dir.path().join("chromium-profile");
    let dom = dump_dom(&browser, &page, &profile);
    let start = dom
        .find("<pre id=\"browser-test-result\">")
        .unwrap_or_else(|| panic!("the driver script did not run; DOM:\n{dom}"));
    let rest = &dom[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</pre>").unwrap()];
    let result: serde_json::Value = serde_json::from_str(&unescape(json)).unwrap();
    assert_eq!(
        result["formVisible"], true,
        "the site's script did not run (blocked by its CSP?)"
    );
    let steps = result["steps"].as_array().unwrap();
    assert_eq!(steps.len(), EXPECTED.len());
    for (got, (name, count, visible, query)) in steps.iter().zip(EXPECTED) {
        assert_eq!(got["name"], *name);
        assert_eq!(
            got["count"].as_str().unwrap(),
            count.to_string(),
            "#count after step {name}: {got}"
        );
        let ids: Vec<&str> = got["visible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(ids, *visible, "visible partners after step {name}");
        assert_eq!(got["emptyShown"], *count == 0, "empty message after {name}");
        assert_eq!(got["search"], *query, "query string after {name}");
    }
    eprintln!("browser test passed in {}", browser.display());
}

/// A logo whose script runs when the file is opened directly: SVG `<script>` executes even
/// inside `<metadata>`, which the sanitiser drops without refusing the logo.
const SCRIPTED_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><metadata><script>document.documentElement.setAttribute("data-pwned", "script-ran")</script></metadata><rect width="10" height="10" fill="#0550ae"/></svg>"##;

#[test]
#[ignore = "needs chromium; .ci/run runs it with --include-ignored"]
fn published_logos_run_no_script_when_opened_directly() {
    let browser = require_chromium();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fixture::write_fixture(&repo);
    std::fs::write(repo.join("assets/logos/acme.svg"), SCRIPTED_LOGO).unwrap();
    let out = dir.path().join("site");
    let (code, stderr) = fixture::build_site(&repo, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let profile = dir.path().join("chromium-profile");
    let ran = |dom: &str| dom.contains("data-pwned=\"script-ran\"");

    // The probe works: the uploaded file runs its script in this browser.
    let raw = dump_dom(&browser, &repo.join("assets/logos/acme.svg"), &profile);
    assert!(
        ran(&raw),
        "the uploaded logo's script did not run; the probe proves nothing:\n{raw}"
    );

    let logos: Vec<PathBuf> = std::fs::read_dir(out.join("logos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    assert_eq!(
        logos.len(),
        1,
        "acme's logo is the site's only SVG: {logos:?}"
    );
    for logo in &logos {
        let dom = dump_dom(&browser, logo, &profile);
        assert!(
            dom.contains("<rect"),
            "{} did not render as SVG:\n{dom}",
            logo.display()
        );
        assert!(!ran(&dom), "script ran in {}:\n{dom}", logo.display());
    }
}

/// The fixture's index with `driver` appended after the site's own script; the site's CSP stays in
/// force, extended only by the driver's hash, so the real script must pass it.
fn page_with_driver(out: &Path, driver: &str, name: &str) -> PathBuf {
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let marker = "script-src &#x27;sha256-";
    assert!(
        index.contains(marker),
        "index.html has no script hash in its CSP"
    );
    let with_csp = index.replacen(
        marker,
        &format!("script-src &#x27;{}&#x27; &#x27;sha256-", csp_hash(driver)),
        1,
    );
    let page = out.join(name);
    let test_page = with_csp.replacen("</body>", &format!("<script>{driver}</script>\n</body>"), 1);
    std::fs::write(&page, test_page).unwrap();
    page
}

/// What a visitor opening a shared link sees: the filters of the query string applied on load.
#[test]
#[ignore = "needs chromium; .ci/run runs it with --include-ignored"]
fn a_shared_filtered_link_opens_filtered() {
    let browser = require_chromium();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fixture::write_fixture(&repo);
    let out = dir.path().join("site");
    let (code, stderr) = fixture::build_site(&repo, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let driver = r##"(function () {
  var visible = [];
  var items = document.querySelectorAll("#partners > li");
  for (var j = 0; j < items.length; j++) {
    if (items[j].offsetParent !== null) visible.push(items[j].getAttribute("data-id"));
  }
  var pre = document.createElement("pre");
  pre.id = "browser-test-result";
  pre.textContent = JSON.stringify({
    count: document.getElementById("count").textContent,
    country: document.getElementById("f-country").value,
    q: document.getElementById("q").value,
    visible: visible
  });
  document.body.appendChild(pre);
})();"##;
    let page = page_with_driver(&out, driver, "index.shared-link-test.html");
    // Austria, and a search for "wien" (Cirrus is in Vienna): one partner.
    let url = format!("file://{}?country=AT&q=wien", page.display());
    let dom = run_chromium(
        &browser,
        &url,
        &dir.path().join("profile"),
        &["--dump-dom".into()],
    );
    let start = dom
        .find("<pre id=\"browser-test-result\">")
        .unwrap_or_else(|| panic!("the driver did not run:\n{dom}"));
    let rest = &dom[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</pre>").unwrap()];
    let got: serde_json::Value = serde_json::from_str(&unescape(json)).unwrap();
    assert_eq!(got["country"], "AT");
    assert_eq!(got["q"], "wien");
    assert_eq!(got["count"], "1");
    assert_eq!(got["visible"], serde_json::json!(["cirrus"]));
}

/// Screenshots of the bundled data's directory for the README: index and a partner page with
/// badges, desktop and mobile. Written to `PARTNERCTL_SCREENSHOTS` (the README's are made with
/// `PARTNERCTL_SCREENSHOTS=docs/screenshots`), else into a temporary directory; either way each
/// must be a PNG of the requested width.
#[test]
#[ignore = "needs chromium; .ci/run runs it with --include-ignored"]
fn screenshots_of_index_and_a_partner_page_with_badges() {
    let browser = require_chromium();
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("site");
    let o = Command::new(fixture::partnerctl())
        .args(["directory", "--repo"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .args([
            "--as-of",
            "2026-11-23",
            "--base-url",
            "https://partners.example.org/",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = "partners/mailschutz-muenster.html";
    let partner = std::fs::read_to_string(out.join(page)).unwrap();
    assert!(partner.contains("<h2 id=\"badges-heading\">Partner badges</h2>"));
    let target = std::env::var_os("PARTNERCTL_SCREENSHOTS")
        .map(|d| root.join(d))
        .unwrap_or_else(|| dir.path().join("shots"));
    std::fs::create_dir_all(&target).unwrap();
    for (name, file, (w, h)) in [
        ("index-desktop", "index.html", (1200, 1000)),
        ("index-mobile", "index.html", (390, 844)),
        ("partner-desktop", page, (1200, 1000)),
        ("partner-mobile", page, (390, 844)),
    ] {
        let png = target.join(format!("{name}.png"));
        let url = format!("file://{}", out.join(file).display());
        run_chromium(
            &browser,
            &url,
            &dir.path().join("profile"),
            &[
                "--hide-scrollbars".into(),
                format!("--window-size={w},{h}"),
                format!("--screenshot={}", png.display()),
            ],
        );
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (w, h), "{name}");
    }
}
