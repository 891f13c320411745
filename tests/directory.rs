//! `partnerctl directory`: nothing confidential is published (canary), hostile data renders inert,
//! logos stay inside the repository, the output is deterministic, snapshots of a fixed fixture.

#[path = "browser/fixture.rs"]
mod fixture;

use partnerctl::model::checked::Website;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixture::{build_site, premium, write_fixture, AS_OF, PNG};
use partnerctl::dataset::Dataset;
use partnerctl::evaluate;
use partnerctl::render::directory::PublicPartner;
use partnerctl::site::raster::png_pixels;
use partnerctl::site::svg::sanitize_svg;
use partnerctl::source::{Repo, Side};

/// Every file below `dir`: relative path → bytes.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

/// HTML-escape the way the templates do, to look for names in pages.
fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

fn feed(files: &BTreeMap<String, Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(&files["partners.json"]).unwrap()
}

fn listed_ids(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    feed(files)["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Canary: every confidential field gets a unique marker; no marker may reach the site.

/// Replaces confidential values with unique markers; equal values get equal markers so that the
/// evaluation (distinct people, customers) is unchanged.
#[derive(Default)]
struct Canary {
    markers: BTreeMap<(String, String), String>,
}

impl Canary {
    fn marker(&mut self, field: &str, original: &str) -> String {
        let n = self.markers.len() + 1;
        self.markers
            .entry((field.to_owned(), original.to_owned()))
            .or_insert_with(|| match field {
                "siret" => format!("99{n:012}"),
                "vat_id" => format!("XXCANARY{n:04}"),
                _ => format!("CANARY-{field}-{n:04}-MARK"),
            })
            .clone()
    }

    fn set(&mut self, table: &mut toml::Table, key: &str) {
        if let Some(toml::Value::String(s)) = table.get(key) {
            let m = self.marker(key, &s.clone());
            table.insert(key.to_owned(), toml::Value::String(m));
        }
    }

    fn each(&mut self, doc: &mut toml::Table, array: &str, keys: &[&str]) {
        if let Some(toml::Value::Array(items)) = doc.get_mut(array) {
            for item in items {
                if let toml::Value::Table(t) = item {
                    for k in keys {
                        self.set(t, k);
                    }
                }
            }
        }
    }

    /// Rewrite one partner file.
    fn rewrite(&mut self, source: &str) -> String {
        let mut doc: toml::Table = source.parse().expect("partner file is TOML");
        self.set(&mut doc, "legal_name");
        if let Some(toml::Value::Table(reg)) = doc.get_mut("registration") {
            let mut reg = reg.clone();
            for k in ["commercial_register", "siret", "vat_id", "other_register"] {
                self.set(&mut reg, k);
            }
            doc.insert("registration".into(), toml::Value::Table(reg));
        }
        self.each(&mut doc, "contacts", &["name", "role", "email", "phone"]);
        self.each(&mut doc, "revenue", &["note"]);
        self.each(&mut doc, "managed_volume", &["note"]);
        self.each(&mut doc, "projects", &["name", "customer"]);
        self.each(&mut doc, "trainings", &["person"]);
        self.each(&mut doc, "certifications", &["person"]);
        self.each(&mut doc, "access_grants", &["customer"]);
        self.each(&mut doc, "approvals", &["approved_by", "reason"]);
        toml::to_string(&doc).unwrap()
    }
}

/// Copy `from` into `to`, leaving out build output and git metadata.
fn copy_repo(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if [".git", "target", "site"].contains(&name.as_ref()) {
            continue;
        }
        let ft = e.file_type().unwrap();
        let dest = to.join(&*name);
        if ft.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_repo(&e.path(), &dest);
        } else if ft.is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Build `repo` as is, then with every confidential field replaced by a marker; the listed
/// partners must be the same, their names present, and no marker anywhere in the output.
fn canary(repo: &Path) -> (usize, usize) {
    let before = repo.join("site-before");
    let (code_before, err_before) = build_site(repo, &before, &[]);
    assert!(code_before <= 1, "{err_before}");
    let before = read_tree(&before);

    let mut canary = Canary::default();
    let partners_dir = repo.join("partners");
    let mut names = Vec::new();
    if partners_dir.is_dir() {
        for e in std::fs::read_dir(&partners_dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let src = std::fs::read_to_string(&p).unwrap();
                let Ok(doc) = src.parse::<toml::Table>() else {
                    continue;
                };
                if let Some(name) = doc
                    .get("profile")
                    .and_then(|p| p.get("display_name"))
                    .and_then(|n| n.as_str())
                {
                    names.push((doc["id"].as_str().unwrap_or("").to_owned(), name.to_owned()));
                }
                std::fs::write(&p, canary.rewrite(&src)).unwrap();
            }
        }
    }
    let out = repo.join("site-after");
    let (code, stderr) = build_site(repo, &out, &[]);
    assert_eq!(code, code_before, "{stderr}");
    let files = read_tree(&out);
    let listed = listed_ids(&files);
    assert_eq!(
        listed,
        listed_ids(&before),
        "the markers must not change who is listed (invalid marker?)\n{stderr}"
    );
    for ((field, original), marker) in &canary.markers {
        for (path, bytes) in &files {
            let s = String::from_utf8_lossy(bytes);
            assert!(
                !s.contains(marker.as_str()),
                "{field} ({original:?}) leaked into {path} as {marker}"
            );
        }
    }
    let index = text(&files, "index.html");
    let json = text(&files, "partners.json");
    for (id, name) in names.iter().filter(|(id, _)| listed.contains(id)) {
        assert!(
            index.contains(&html_escaped(name.trim())),
            "{name} missing in index.html"
        );
        assert!(json.contains(&serde_json::to_string(name.trim()).unwrap()));
        let page = text(&files, &format!("partners/{id}.html"));
        assert!(page.contains(&html_escaped(name.trim())));
    }
    // The feed has exactly the allowlisted fields.
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let f = feed(&files);
    assert_eq!(
        keys(&f),
        ["as_of", "build_date", "partners", "programs", "version"]
    );
    for p in f["partners"].as_array().unwrap() {
        assert_eq!(
            keys(p),
            [
                "country",
                "description",
                "id",
                "languages",
                "logo",
                "name",
                "page",
                "programs",
                "regions",
                "services",
                "website"
            ]
        );
        for m in p["programs"].as_array().unwrap() {
            // The track (its id and public name) is published for programs with tracks, the
            // statuses a program marks public when held.
            let mut k = keys(m);
            k.retain(|k| k != "track" && k != "statuses");
            assert_eq!(
                k,
                [
                    "badge",
                    "listing",
                    "program",
                    "program_name",
                    "tier",
                    "tier_name",
                    "tier_rank",
                    "types"
                ]
            );
        }
    }
    (listed.len(), canary.markers.len())
}

#[test]
fn canary_nothing_confidential_in_the_fixture_site() {
    let repo = tempfile::tempdir().unwrap();
    write_fixture(repo.path());
    let (listed, markers) = canary(repo.path());
    assert_eq!(listed, 3);
    assert!(markers >= 30, "only {markers} markers planted");
}

#[test]
fn canary_nothing_confidential_in_the_sample_partners() {
    let repo = tempfile::tempdir().unwrap();
    copy_repo(Path::new(env!("CARGO_MANIFEST_DIR")), repo.path());
    let expected = listable_by_evaluation(repo.path());
    let (listed, markers) = canary(repo.path());
    eprintln!("sample partners: {listed} listed, {markers} confidential values checked");
    // The bound comes from evaluating the data, not from the site: every partner some program
    // grants a listing must be on it (and with it its names and the canary's checks).
    assert!(
        listed >= expected.len() && expected.len() >= SAMPLE_LISTED_AT_LEAST,
        "{listed} listed; evaluation grants a listing to {expected:?}"
    );
    assert!(markers >= 100, "only {markers} markers planted");
}

/// Bundled sample partners that must be listed, counted by hand from the partner files' header
/// comments: the 16 the NoSpamProxy review of 2026-01-01 gives a tier (alpenblick, bodensee,
/// elbtal, frankenwald, havelland, himmelblau, isarkanal, kleinwalser, lechtal, mailschutz,
/// nordlicht, rheinblick, saar, spreeufer, taunus, wolkenwerk); every NoSpamProxy tier grants
/// `directory-listing`. Infomaniak and pimentaCHAT listings come on top.
const SAMPLE_LISTED_AT_LEAST: usize = 16;

/// Ids of the valid partners whose evaluation grants a `listing` entitlement as of [`AS_OF`].
fn listable_by_evaluation(repo: &Path) -> Vec<String> {
    let repo = Repo::discover(repo).unwrap();
    let ds = Dataset::from_snapshot(&repo.snapshot(&Side::WorkTree).unwrap());
    let catalog = ds.catalog();
    let valid: Vec<_> = ds
        .partners
        .iter()
        .filter(|f| f.diagnostics.is_empty())
        .filter_map(|f| f.record.as_ref())
        .collect();
    let evals = evaluate::evaluate_all(valid.iter().copied(), &catalog, AS_OF.parse().unwrap());
    let mut ids: Vec<String> = evals
        .iter()
        .filter(|ev| partnerctl::render::directory::listing(ev).is_some())
        .map(|ev| ev.partner.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

// ------------------------------------------------------------------------------------------------
// Injection

const HOSTILE_PROFILE: &str = r#"display_name = "<b>Bold</b> \"Quoted\" & 'single' </title><script>alert(0)</script>"
website = "https://x.example/\"><script>alert(2)</script>"
description = "<script>alert(1)</script> and <img src=x onerror=alert(3)>\n\n\"quotes\" & 'apostrophes'"
country = "DE"
regions = ["<img src=x onerror=alert(4)>"]
languages = ["de"]
services = ["\"><svg onload=alert(5)>", "</textarea><iframe src=javascript:alert(6)>"]
logo = "../outside.png""#;

#[test]
fn injection_renders_inert() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write_fixture(&repo);
    std::fs::write(dir.path().join("outside.png"), PNG).unwrap();
    std::fs::write(
        repo.join("partners/evil.toml"),
        premium("evil", HOSTILE_PROFILE),
    )
    .unwrap();
    let out = dir.path().join("site");
    let (code, stderr) = build_site(&repo, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(r#"warning: partners/evil.toml: logo "../outside.png": the path leaves the repository (`..`)"#),
        "{stderr}"
    );
    let files = read_tree(&out);
    assert!(listed_ids(&files).contains(&"evil".to_owned()));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let s = String::from_utf8_lossy(bytes);
        for raw in [
            "<script>alert",
            "<b>Bold",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "\"><script",
            "</title><script",
            "onerror=alert(3)>",
        ] {
            assert!(!s.contains(raw), "{raw:?} unescaped in {path}");
        }
        // The only script is the site's own, on the index page.
        let scripts = s.matches("<script").count();
        assert_eq!(scripts, usize::from(path == "index.html"), "{path}");
    }
    let page = text(&files, "partners/evil.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(page.contains("&quot;quotes&quot; &amp; &#x27;apostrophes&#x27;"));
    assert!(page.contains(
        r#"<a href="https:&#x2f;&#x2f;x.example&#x2f;&quot;&gt;&lt;script&gt;alert(2)&lt;&#x2f;script&gt;" rel="noopener external">"#
    ));
    assert!(
        !page.contains("<img class=\"logo"),
        "no logo: the path left the repository"
    );
    // The feed carries the same text as data; JSON parsing gives it back unchanged.
    let f = feed(&files);
    let evil = f["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "evil")
        .unwrap();
    assert_eq!(evil["logo"], serde_json::Value::Null);
    assert!(evil["description"]
        .as_str()
        .unwrap()
        .starts_with("<script>alert(1)"));
}

#[test]
fn javascript_urls_are_never_linked() {
    // The schema already rejects them: the file is skipped, listed on stderr, exit 1.
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let profile = "display_name = \"JS Corp\"\nwebsite = \"javascript:alert(1)\"\ncountry = \"DE\"";
    std::fs::write(dir.path().join("partners/js.toml"), premium("js", profile)).unwrap();
    let out = dir.path().join("site");
    let (code, stderr) = build_site(dir.path(), &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("skipped partners/js.toml"), "{stderr}");
    let files = read_tree(&out);
    assert!(!listed_ids(&files).contains(&"js".to_owned()));
    assert!(files
        .values()
        .all(|b| !String::from_utf8_lossy(b).contains("javascript:")));

    // Past the schema (a record built in memory), the allowlist still drops the link.
    std::fs::remove_file(dir.path().join("partners/js.toml")).unwrap();
    let repo = Repo::discover(dir.path()).unwrap();
    let ds = Dataset::from_snapshot(&repo.snapshot(&Side::WorkTree).unwrap());
    let catalog = ds.catalog();
    let mut acme = ds
        .partners
        .iter()
        .find_map(|f| f.record.clone().filter(|p| p.id.as_str() == "acme"))
        .unwrap();
    // The model refuses a script URL outright; the renderer still refuses what the model lets
    // through but a browser must not get (a control character).
    assert!(Website::try_from("javascript:alert(1)".to_string()).is_err());
    acme.profile.website =
        Some(Website::try_from("https://acme.example/\u{7}".to_string()).unwrap());
    let as_of = AS_OF.parse().unwrap();
    let evals = evaluate::evaluate_all([&acme], &catalog, as_of);
    let refs: Vec<_> = evals.iter().collect();
    let public = PublicPartner::new("acme", &acme.profile, &refs, &catalog, as_of, None).unwrap();
    assert_eq!(public.website, None);
    acme.profile.website = Some(Website::try_from("https://acme.example/".to_string()).unwrap());
    let public = PublicPartner::new("acme", &acme.profile, &refs, &catalog, as_of, None).unwrap();
    assert_eq!(public.website.as_deref(), Some("https://acme.example/"));
}

#[test]
fn logos_are_checked_and_named_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write_fixture(&repo);
    std::fs::write(dir.path().join("secret.png"), PNG).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.png"),
        repo.join("assets/logos/link.png"),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), repo.join("assets/logos/linkdir")).unwrap();
    std::fs::write(repo.join("outside.png"), PNG).unwrap();
    std::fs::write(
        repo.join("assets/logos/fake.png"),
        "<html><script>alert(1)</script></html>",
    )
    .unwrap();
    std::fs::write(
        repo.join("assets/logos/active.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    )
    .unwrap();
    let mut big = PNG.to_vec();
    big.resize(512 * 1024 + 1, 0);
    std::fs::write(repo.join("assets/logos/big.png"), big).unwrap();
    let cases = [
        (
            "abs",
            "/etc/passwd",
            "absolute paths and URLs are not allowed",
        ),
        (
            "up",
            "assets/logos/../../secret.png",
            "the path leaves the repository (`..`)",
        ),
        (
            "link",
            "assets/logos/link.png",
            "symbolic links are not followed",
        ),
        (
            "linkdir",
            "assets/logos/linkdir/secret.png",
            "symbolic links are not followed",
        ),
        (
            "fake",
            "assets/logos/fake.png",
            "not a PNG, JPEG or SVG image",
        ),
        (
            "active",
            "assets/logos/active.svg",
            "the SVG contains <\"script\">",
        ),
        ("big", "assets/logos/big.png", "at most 524288 bytes"),
        (
            "missing",
            "assets/logos/nope.png",
            "no such file in the repository",
        ),
        (
            "outside",
            "outside.png",
            "logos must be files in assets/logos/",
        ),
        (
            "gitdir",
            ".git/config",
            "files under .git are not published",
        ),
    ];
    for (id, logo, _) in cases {
        let profile = format!("display_name = \"Logo {id}\"\ncountry = \"DE\"\nlogo = \"{logo}\"");
        std::fs::write(
            repo.join(format!("partners/logo-{id}.toml")),
            premium(&format!("logo-{id}"), &profile),
        )
        .unwrap();
    }
    let out = dir.path().join("site");
    let (code, stderr) = build_site(&repo, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    for (id, logo, why) in cases {
        let line = format!("warning: partners/logo-{id}.toml: logo {logo:?}: ");
        let found = stderr.lines().find(|l| l.starts_with(&line));
        let found = found.unwrap_or_else(|| panic!("no warning for {id}:\n{stderr}"));
        assert!(found.contains(why), "{found}");
        assert!(
            found.ends_with("the partner is shown without logo"),
            "{found}"
        );
    }
    let files = read_tree(&out);
    let logos: Vec<&String> = files.keys().filter(|p| p.starts_with("logos/")).collect();
    // acme's SVG, and one PNG shared by content (cirrus); bolt is listed without logo.
    assert_eq!(logos.len(), 2, "{logos:?}");
    assert!(logos.iter().all(|p| {
        let name = p.trim_start_matches("logos/");
        let (hash, ext) = name.split_once('.').unwrap();
        hash.len() == 64
            && hash.chars().all(|c| c.is_ascii_hexdigit())
            && ["png", "svg"].contains(&ext)
    }));
    let f = feed(&files);
    let logo_of = |id: &str| {
        f["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["logo"]
            .clone()
    };
    assert_eq!(
        logo_of("bolt"),
        serde_json::Value::Null,
        "bolt is only `listed`"
    );
    assert!(logo_of("cirrus").as_str().unwrap().ends_with(".png"));
    assert!(logo_of("acme").as_str().unwrap().ends_with(".svg"));
    // Rebuilt, not copied: the same pixels in a freshly encoded PNG.
    let published = &files[logo_of("cirrus").as_str().unwrap()];
    assert_eq!(png_pixels(published).unwrap(), png_pixels(PNG).unwrap());
    assert_eq!(
        png_pixels(PNG).unwrap().0,
        2,
        "the fixture PNG is 2 pixels wide"
    );
    assert_eq!(
        files[logo_of("acme").as_str().unwrap()],
        sanitize_svg(fixture::SVG).unwrap().as_bytes()
    );
    for (id, _, _) in cases {
        assert_eq!(logo_of(&format!("logo-{id}")), serde_json::Value::Null);
    }
    let acme = text(&files, "partners/acme.html");
    assert!(acme.contains(&format!(
        r#"<img class="logo logo-lg" src="{}" alt="ACME Systemhaus &amp; Söhne logo""#,
        format!("../{}", logo_of("acme").as_str().unwrap()).replace('/', "&#x2f;")
    )));
}

// ------------------------------------------------------------------------------------------------
// Git revisions

fn git(repo: &Path, args: &[&str]) {
    let st = Command::new("git")
        .current_dir(repo)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

#[test]
fn rev_reads_data_and_logos_from_git() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    write_fixture(repo);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("acme.svg", repo.join("assets/logos/alias.svg")).unwrap();
        let p = repo.join("partners/cirrus.toml");
        let s = std::fs::read_to_string(&p)
            .unwrap()
            .replace("assets/logos/cirrus.png", "assets/logos/alias.svg");
        std::fs::write(&p, s).unwrap();
    }
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "fixture"]);
    // The working tree changes afterwards; --rev HEAD must not see it.
    std::fs::remove_file(repo.join("assets/logos/acme.svg")).unwrap();
    let p = repo.join("partners/acme.toml");
    let s = std::fs::read_to_string(&p)
        .unwrap()
        .replace("ACME Systemhaus & Söhne", "Renamed");
    std::fs::write(&p, s).unwrap();

    let out = repo.join("site");
    let (code, stderr) = build_site(repo, &out, &["--rev", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    #[cfg(unix)]
    assert!(
        stderr.contains(r#"warning: partners/cirrus.toml: logo "assets/logos/alias.svg": symbolic links are not followed"#),
        "{stderr}"
    );
    let files = read_tree(&out);
    let f = feed(&files);
    let acme = f["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "acme")
        .unwrap();
    assert_eq!(acme["name"], "ACME Systemhaus & Söhne");
    let logo = acme["logo"].as_str().unwrap();
    assert_eq!(files[logo], sanitize_svg(fixture::SVG).unwrap().as_bytes());

    let out2 = repo.join("site2");
    let (code, stderr) = build_site(repo, &out2, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(r#"logo "assets/logos/acme.svg": no such file in the repository"#),
        "{stderr}"
    );
    assert!(text(&read_tree(&out2), "partners.json").contains("\"Renamed\""));
}

// ------------------------------------------------------------------------------------------------
// Determinism, output directory, exit codes

#[test]
fn same_inputs_give_a_byte_identical_site() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert_eq!(build_site(dir.path(), &a, &[]).0, 0);
    assert_eq!(build_site(dir.path(), &b, &[]).0, 0);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    assert!(ta == tb, "the two builds differ");
    // Dates shown come from the arguments, never the clock.
    let index = text(&ta, "index.html");
    assert!(index.contains(r#"Updated <time datetime="2026-01-20">2026-01-20</time>"#));
    assert!(index.contains("(tiers as of <time datetime=\"2026-01-15\">"));
    // Partners are sorted by name on the index, by id in the feed.
    let pos = |s: &str| index.find(s).unwrap();
    assert!(
        pos("ACME Systemhaus") < pos("Bolt Informatique")
            && pos("Bolt Informatique") < pos("Cirrus IT")
    );
    assert_eq!(listed_ids(&ta), ["acme", "bolt", "cirrus"]);
}

#[test]
fn the_output_directory_is_replaced_whole_and_only_when_ours() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = dir.path().join("site");
    assert_eq!(build_site(dir.path(), &out, &[]).0, 0);
    std::fs::write(out.join("partners/stale.html"), "old").unwrap();
    assert_eq!(build_site(dir.path(), &out, &[]).0, 0);
    assert!(
        !out.join("partners/stale.html").exists(),
        "stale files survive"
    );

    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    let (code, stderr) = build_site(dir.path(), &foreign, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("refusing to replace it"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "keep me"
    );

    // A directory that merely holds a similar index.html is not an earlier site.
    let lookalike = dir.path().join("lookalike");
    std::fs::create_dir(&lookalike).unwrap();
    let index = std::fs::read(out.join("index.html")).unwrap();
    std::fs::write(lookalike.join("index.html"), &index).unwrap();
    std::fs::write(lookalike.join("notes.txt"), "keep me").unwrap();
    let (code, stderr) = build_site(dir.path(), &lookalike, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("holds no complete earlier site (.partnerctl-site.json)"),
        "{stderr}"
    );
    assert!(lookalike.join("notes.txt").exists());

    // The manifest lists exactly the site's files.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(".partnerctl-site.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "partnerctl-site/1");
    let mut on_disk: Vec<String> = read_tree(&out).into_keys().collect();
    on_disk.retain(|p| p != ".partnerctl-site.json");
    assert_eq!(manifest["files"], serde_json::json!(on_disk));
}

#[test]
fn invalid_partner_files_are_skipped_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    std::fs::write(
        dir.path().join("partners/broken.toml"),
        "id = \"broken\"\nnot toml [",
    )
    .unwrap();
    let out = dir.path().join("site");
    let (code, stderr) = build_site(dir.path(), &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("skipped partners/broken.toml:"), "{stderr}");
    assert_eq!(listed_ids(&read_tree(&out)), ["acme", "bolt", "cirrus"]);
}

#[test]
fn a_missing_repository_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = build_site(&dir.path().join("nope"), &dir.path().join("site"), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

// ------------------------------------------------------------------------------------------------
// Page structure and snapshots

#[test]
fn pages_are_accessible_and_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = dir.path().join("site");
    assert_eq!(build_site(dir.path(), &out, &[]).0, 0);
    let files = read_tree(&out);
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let s = String::from_utf8_lossy(bytes);
        for needle in [
            "<html lang=\"en\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<header class=\"site\">",
            "<main id=\"main\">",
            "<nav aria-label=",
            "<h1>",
            "Content-Security-Policy",
        ] {
            assert!(s.contains(needle), "{needle} missing in {path}");
        }
        for external in ["http://", "https://", "//cdn", "<link "] {
            let allowed = |s: &str| {
                s.replace("http://www.w3.org/2000/svg", "")
                    .replace("https://acme.example/", "")
                    .replace("http://bolt.example/fr/", "")
                    .replace("https://cirrus.example", "")
            };
            let s = allowed(&s);
            assert!(!s.contains(external), "{external} in {path}");
        }
        assert_eq!(
            s.matches("<img").count(),
            s.matches(" alt=\"").count(),
            "{path}"
        );
    }
    let index = text(&files, "index.html");
    // Every filter control has a label.
    let ids: Vec<&str> = index
        .match_indices("<select id=\"")
        .chain(index.match_indices("<input id=\""))
        .map(|(i, m)| {
            let rest = &index[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
    for id in ids {
        assert!(
            index.contains(&format!("<label for=\"{id}\">")),
            "no label for {id}"
        );
    }
    assert!(index.contains("<span id=\"count\">3</span> of 3 partners shown"));
    // Without JavaScript: a plain list of every partner, and the filter form stays hidden.
    assert_eq!(index.matches("<li data-id=").count(), 3);
    assert!(index.contains("<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Filter partners\" hidden>"));
    // A chart per program, with a text alternative.
    // NoSpamProxy's tiers go by their cloud-only names too; the chart counts both tracks (`/` is
    // escaped in HTML).
    // ACME's approval as Managed Service Partner, a status NoSpamProxy marks public, is counted too.
    assert!(index.contains("<desc id=\"chart-1-desc\">Premium Partner &#x2f; Premium Cloud Partner: 1, Business Partner &#x2f; Business Cloud Partner: 1, Authorized Partner &#x2f; Authorized Cloud Partner: 1, Managed Service Partner: 1</desc>"));
    // CloudHost: ACME's three customers make it Gold and qualify both partner types.
    assert!(index.contains(
        "<desc id=\"chart-0-desc\">Gold: 1, Silver: 0, Hosting Partner: 1, Reseller: 1</desc>"
    ));
    // Dormant qualifies for nothing: not listed anywhere; its badge URL has a page that says so,
    // without its name.
    assert!(!index.contains("Dormant"));
    let dormant = text(&files, "partners/dormant.html");
    assert!(dormant.contains("<h1>No current partnership</h1>"));
    assert!(!dormant.contains("Dormant"));
}

/// The stylesheet and its hash change with every design tweak; the snapshot is about content.
fn redact_style(page: &str) -> String {
    let (head, rest) = page.split_once("<style>").unwrap();
    let (_, tail) = rest.split_once("</style>").unwrap();
    let head = match head.find("style-src &#x27;sha256-") {
        Some(i) => {
            let end = i + head[i..].find("=&#x27;").unwrap();
            format!(
                "{}style-src &#x27;sha256-[style hash]{}",
                &head[..i],
                &head[end + 1..]
            )
        }
        None => head.to_owned(),
    };
    format!("{head}<style>/* style.css */</style>{tail}")
}

fn fixture_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let out = dir.path().join("site");
    let (code, stderr) = build_site(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    (dir, out)
}

#[test]
fn snapshot_partner_page() {
    let (_dir, out) = fixture_site();
    let page = std::fs::read_to_string(out.join("partners/acme.html")).unwrap();
    insta::assert_snapshot!("partner_page_acme", redact_style(&page));
}

#[test]
fn snapshot_partners_json() {
    let (_dir, out) = fixture_site();
    let json = std::fs::read_to_string(out.join("partners.json")).unwrap();
    insta::assert_snapshot!("partners_json", json);
}
