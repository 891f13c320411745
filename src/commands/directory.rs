//! `partnerctl directory`

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::diagnostic::Severity;
use crate::evaluate::{self, Evaluation};
use crate::model::scalar::Date;
use crate::render::directory::{self as render, Directory, PublicPartner, PublicProgram, SiteFile};
use crate::source::{Repo, Side, SourceError};

/// Build the public partner directory: a static site with `index.html` (every partner a program
/// lists publicly, filters, search and a tier chart per program), one page per partner under
/// `partners/`, a `partners.json` feed and the logos under `logos/`.
///
/// A partner appears when its evaluation as of the as-of date grants an entitlement of kind
/// `listing` in at least one program; its logo is shown when any program grants
/// `listed-with-logo`. Only the public profile and program, tier and type names are published.
/// The output is deterministic: the same data and dates give a byte-identical site. DIR is
/// replaced as a whole; it must be empty, missing, or an earlier output of this command.
///
/// Logo problems are warnings (the partner is shown without logo). Invalid partner files are
/// skipped and listed on stderr; the exit status is then 1.
#[derive(Debug, clap::Args)]
pub struct DirectoryArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Write the site into this directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Evaluate tiers as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// The date shown on the site (YYYY-MM-DD); default the as-of date.
    #[arg(long, value_name = "DATE")]
    build_date: Option<Date>,
}

/// Logos larger than this are not published.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

/// A partner file left out of the directory because it has errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Repository-relative path.
    pub file: String,
    /// Number of errors.
    pub errors: usize,
}

/// A built site, not yet written.
#[derive(Debug, Clone)]
pub struct Build {
    /// The public data the site shows.
    pub directory: Directory,
    /// Every output file (pages, feed, logos), sorted by path.
    pub files: Vec<SiteFile>,
    /// Warnings (logo problems), one line each, sorted by partner file.
    pub warnings: Vec<String>,
    /// Invalid partner files that were skipped.
    pub skipped: Vec<Skipped>,
    /// Errors in program files or the data layout.
    pub program_errors: usize,
}

/// Build the site from `side` of `repo`: evaluate as of `as_of`, show `build_date`.
pub fn build(
    repo: &Repo,
    side: &Side,
    as_of: Date,
    build_date: Date,
) -> Result<Build, Box<dyn std::error::Error>> {
    let snap = repo.snapshot_unhashed(side)?;
    let ds = Dataset::from_snapshot(&snap);
    let catalog = ds.catalog();
    let errors = |d: &[crate::diagnostic::Diagnostic]| {
        d.iter().filter(|d| d.severity == Severity::Error).count()
    };
    let skipped: Vec<Skipped> = ds
        .partners
        .iter()
        .filter(|f| errors(&f.diagnostics) > 0 || f.record.is_none())
        .map(|f| Skipped {
            file: f.path.clone(),
            errors: errors(&f.diagnostics).max(1),
        })
        .collect();
    let valid: Vec<(&str, &crate::model::Partner)> = ds
        .partners
        .iter()
        .filter(|f| errors(&f.diagnostics) == 0)
        .filter_map(|f| f.record.as_ref().map(|r| (f.path.as_str(), r)))
        .collect();
    let evals = evaluate::evaluate_all(valid.iter().map(|(_, p)| *p), &catalog, as_of);
    let mut by_partner: BTreeMap<&str, Vec<&Evaluation>> = BTreeMap::new();
    for ev in &evals {
        by_partner.entry(ev.partner.as_str()).or_default().push(ev);
    }

    // Logos: only for partners some program lists with logo, each read and checked once.
    let reader = LogoReader::new(repo, side)?;
    let wanted: Vec<(&str, &str, &str)> = valid
        .iter()
        .filter_map(|(path, p)| {
            let evs = by_partner.get(p.id.as_str())?;
            let logo = p.profile.logo.as_deref()?;
            PublicPartner::logo_allowed(evs).then_some((*path, p.id.as_str(), logo))
        })
        .collect();
    let loaded = reader.load_all(wanted.iter().map(|(_, _, l)| *l))?;
    let mut warnings = Vec::new();
    let mut logo_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut logo_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (file, id, logo) in &wanted {
        match loaded.get(*logo) {
            Some(Ok(l)) => {
                logo_of.insert(id, l.site_path.clone());
                logo_files
                    .entry(l.site_path.clone())
                    .or_insert_with(|| l.bytes.clone());
            }
            Some(Err(e)) => warnings.push(format!(
                "warning: {file}: logo {logo:?}: {e}; the partner is shown without logo"
            )),
            None => {}
        }
    }

    let partners: Vec<PublicPartner> = valid
        .iter()
        .filter_map(|(_, p)| {
            let evs = by_partner.get(p.id.as_str())?;
            PublicPartner::new(
                p.id.as_str(),
                &p.profile,
                evs,
                &catalog,
                as_of,
                logo_of.get(p.id.as_str()).cloned(),
            )
        })
        .collect();
    let programs: Vec<PublicProgram> = catalog
        .versions
        .keys()
        .filter_map(|id| catalog.terms(id, as_of))
        .map(PublicProgram::new)
        .collect();
    let directory = Directory::new(as_of, build_date, programs, partners);
    let mut files = render::render(&directory)?;
    files.extend(
        logo_files
            .into_iter()
            .map(|(path, bytes)| SiteFile { path, bytes }),
    );
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let program_errors = ds
        .programs
        .iter()
        .map(|f| errors(&f.diagnostics))
        .sum::<usize>()
        + errors(&ds.problems);
    Ok(Build {
        directory,
        files,
        warnings,
        skipped,
        program_errors,
    })
}

/// Run `directory`.
pub fn run(args: &DirectoryArgs) -> CmdResult {
    let repo = args.source.open()?;
    let as_of = args.as_of.unwrap_or_else(super::eval::today);
    let build_date = args.build_date.unwrap_or(as_of);
    let built = build(&repo, &args.source.side(), as_of, build_date)?;
    write_site(&args.out, &built.files)?;
    let mut err = std::io::stderr().lock();
    for w in &built.warnings {
        writeln!(err, "{w}")?;
    }
    for s in &built.skipped {
        writeln!(
            err,
            "skipped {}: {} error(s); run `partnerctl check`",
            s.file, s.errors
        )?;
    }
    if built.program_errors > 0 {
        writeln!(
            err,
            "{} error(s) in program files or the data layout; run `partnerctl check`",
            built.program_errors
        )?;
    }
    writeln!(
        err,
        "wrote {} partner(s), {} file(s) to {}",
        built.directory.partners.len(),
        built.files.len(),
        args.out.display()
    )?;
    if !built.skipped.is_empty() || built.program_errors > 0 {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_OK))
}

// ------------------------------------------------------------------------------------------------
// Logos

/// Image formats a logo may have, decided by content, never by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    /// PNG (magic bytes).
    Png,
    /// JPEG (magic bytes).
    Jpeg,
    /// SVG (parsed as XML with an `<svg>` root and no active content).
    Svg,
}

impl LogoKind {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            LogoKind::Png => "png",
            LogoKind::Jpeg => "jpg",
            LogoKind::Svg => "svg",
        }
    }
}

/// A checked logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Where it goes in the site: `logos/<sha256>.<ext>`.
    pub site_path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Check a logo path from a partner profile and split it into components: relative, `/`
/// separators, no `.`/`..`/empty components, nothing under `.git`.
pub fn logo_path_components(rel: &str) -> Result<Vec<&str>, String> {
    if rel.is_empty() {
        return Err("the path is empty".into());
    }
    if rel.chars().any(|c| c.is_control()) {
        return Err("the path contains control characters".into());
    }
    if rel.starts_with('/') || rel.starts_with('\\') || rel.contains(':') {
        return Err("absolute paths and URLs are not allowed; give a path inside the repository, e.g. \"logos/acme.svg\"".into());
    }
    if rel.contains('\\') {
        return Err("use `/` to separate directories".into());
    }
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.contains(&"..") {
        return Err("the path leaves the repository (`..`)".into());
    }
    if parts.iter().any(|p| p.is_empty() || *p == ".") {
        return Err("the path has empty or `.` components".into());
    }
    if parts[0].eq_ignore_ascii_case(".git") {
        return Err("files under .git are not published".into());
    }
    Ok(parts)
}

/// Decide a logo's format from its content.
pub fn sniff_logo(bytes: &[u8]) -> Result<LogoKind, String> {
    if bytes.len() as u64 > MAX_LOGO_BYTES {
        return Err(format!(
            "the file is {} bytes; logos may be at most {MAX_LOGO_BYTES} bytes",
            bytes.len()
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(LogoKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(LogoKind::Jpeg);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "not a PNG, JPEG or SVG image".to_owned())?;
    check_svg(text)?;
    Ok(LogoKind::Svg)
}

/// An SVG logo must parse as XML with an `svg` root and carry no active content (scripts, event
/// handlers, foreign objects, animations, links other than to itself or embedded images), so
/// that it is harmless even when opened on its own.
pub fn check_svg(text: &str) -> Result<(), String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: 200_000,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text.trim_start_matches('\u{feff}'), opts)
        .map_err(|e| format!("not a PNG, JPEG or SVG image (SVG parse error: {e})"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(format!(
            "not a PNG, JPEG or SVG image (the XML root is <{}>, not <svg>)",
            root.tag_name().name()
        ));
    }
    const ACTIVE: [&str; 12] = [
        "script",
        "foreignObject",
        "iframe",
        "embed",
        "object",
        "handler",
        "listener",
        "set",
        "animate",
        "animateMotion",
        "animateTransform",
        "animateColor",
    ];
    for node in root.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if ACTIVE.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            return Err(format!("the SVG contains active content (<{name}>)"));
        }
        for a in node.attributes() {
            let an = a.name();
            if an.len() > 2 && an[..2].eq_ignore_ascii_case("on") {
                return Err(format!("the SVG contains an event handler ({an}=…)"));
            }
            if an == "href" {
                let v = a.value().trim();
                let embedded = ["data:image/png;", "data:image/jpeg;", "data:image/gif;"]
                    .iter()
                    .any(|p| v.len() >= p.len() && v[..p.len()].eq_ignore_ascii_case(p));
                if !v.starts_with('#') && !embedded {
                    return Err(format!(
                        "the SVG links to {v:?}; only internal references (#id) and embedded PNG, JPEG or GIF images are allowed"
                    ));
                }
            }
            if external_css(a.value()) {
                return Err("the SVG loads external resources from CSS".into());
            }
        }
        if name == "style" && node.text().is_some_and(external_css) {
            return Err("the SVG loads external resources from CSS".into());
        }
    }
    Ok(())
}

/// Whether CSS text may load something from elsewhere: `@import`, or `url(` not followed by `#`.
fn external_css(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return true;
    }
    lower.match_indices("url(").any(|(i, _)| {
        !lower[i + 4..]
            .trim_start_matches([' ', '"', '\''])
            .starts_with('#')
    })
}

/// Check a logo's bytes and name it by content.
pub fn check_logo(bytes: Vec<u8>) -> Result<Logo, String> {
    let kind = sniff_logo(&bytes)?;
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    Ok(Logo {
        site_path: format!("logos/{hex}.{}", kind.ext()),
        bytes,
    })
}

/// Reads logo files from the working tree or a revision, strictly inside the repository.
pub struct LogoReader<'a> {
    repo: &'a Repo,
    tree: Option<gix::ObjectId>,
}

impl<'a> LogoReader<'a> {
    /// A reader for `side` of `repo`.
    pub fn new(repo: &'a Repo, side: &Side) -> Result<LogoReader<'a>, SourceError> {
        let tree = match side {
            Side::WorkTree => None,
            Side::Rev(rev) => {
                let id = repo.resolve(rev)?;
                let tree = repo
                    .git()?
                    .find_commit(id)
                    .and_then(|c| c.tree_id().map(|t| t.detach()))
                    .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))?;
                Some(tree)
            }
        };
        Ok(LogoReader { repo, tree })
    }

    /// Read and check every distinct path: path → logo or the reason it was rejected.
    pub fn load_all<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<BTreeMap<&'p str, Result<Logo, String>>, SourceError> {
        let mut distinct: Vec<&str> = paths.into_iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        match self.tree {
            None => {
                let root = self.repo.root.as_path();
                Ok(distinct
                    .par_iter()
                    .map(|p| (*p, read_worktree(root, p).and_then(check_logo)))
                    .collect())
            }
            Some(tree) => {
                let mut out = BTreeMap::new();
                for p in distinct {
                    out.insert(p, self.read_rev(tree, p)?.and_then(check_logo));
                }
                Ok(out)
            }
        }
    }

    fn read_rev(
        &self,
        tree: gix::ObjectId,
        rel: &str,
    ) -> Result<Result<Vec<u8>, String>, SourceError> {
        let parts = match logo_path_components(rel) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let git = self.repo.git()?;
        let fail = |e: &dyn std::fmt::Display| SourceError(format!("reading logo {rel:?}: {e}"));
        let tree = git.find_tree(tree).map_err(|e| fail(&e))?;
        // Walk component by component so that a symlink anywhere on the way is named.
        let mut current = tree;
        for (i, part) in parts.iter().enumerate() {
            let Some(entry) = current.find_entry(*part) else {
                return Ok(Err("no such file in the revision".into()));
            };
            let mode = entry.mode();
            let last = i + 1 == parts.len();
            if mode.is_link() {
                return Ok(Err("symbolic links are not followed".into()));
            }
            if mode.is_commit() {
                return Ok(Err("submodules are not read".into()));
            }
            let oid = entry.object_id();
            if last {
                if !mode.is_blob() {
                    return Ok(Err("not a regular file".into()));
                }
                let size = git.find_header(oid).map_err(|e| fail(&e))?.size();
                if size > MAX_LOGO_BYTES {
                    return Ok(Err(format!(
                        "the file is {size} bytes; logos may be at most {MAX_LOGO_BYTES} bytes"
                    )));
                }
                let blob = git.find_blob(oid).map_err(|e| fail(&e))?;
                return Ok(Ok(blob.data.clone()));
            }
            if !mode.is_tree() {
                return Ok(Err("no such file in the revision".into()));
            }
            current = git.find_tree(oid).map_err(|e| fail(&e))?;
        }
        Ok(Err("no such file in the revision".into()))
    }
}

/// Read `rel` below `root` without following symlinks, refusing anything outside the root.
pub fn read_worktree(root: &Path, rel: &str) -> Result<Vec<u8>, String> {
    let parts = logo_path_components(rel)?;
    let mut path = root.to_path_buf();
    for part in &parts {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file in the repository".to_owned(),
            _ => format!("cannot read it: {e}"),
        })?;
        if meta.file_type().is_symlink() {
            return Err("symbolic links are not followed".into());
        }
    }
    let meta = std::fs::symlink_metadata(&path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "the file is {} bytes; logos may be at most {MAX_LOGO_BYTES} bytes",
            meta.len()
        ));
    }
    let canonical_root = root.canonicalize().map_err(|e| e.to_string())?;
    let canonical = path
        .canonicalize()
        .map_err(|e| format!("cannot read it: {e}"))?;
    if !canonical.starts_with(&canonical_root) {
        return Err("the path leaves the repository".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&canonical)
        .and_then(|f| f.take(MAX_LOGO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    Ok(bytes)
}

// ------------------------------------------------------------------------------------------------
// Output

const GENERATOR_MARK: &str = r#"<meta name="generator" content="partnerctl directory">"#;

/// Whether every component of a site path is a plain file name.
fn safe_site_path(path: &str) -> bool {
    path.split('/').all(|c| {
        !c.is_empty()
            && !c.starts_with('.')
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
    })
}

/// Replace `out` with exactly `files`: written to a fresh sibling directory first, then swapped
/// in, so no stale file survives and a failure leaves the old site intact. `out` must be
/// missing, empty, or an earlier output of this command.
pub fn write_site(out: &Path, files: &[SiteFile]) -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::absolute(out)?;
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{}: not a usable directory name", out.display()))?
        .to_owned();
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    let exists = match std::fs::symlink_metadata(&out) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!("{}: is a symbolic link; give a directory", out.display()).into())
        }
        Ok(m) if !m.is_dir() => {
            return Err(format!("{}: exists and is not a directory", out.display()).into())
        }
        Ok(_) => {
            let empty = std::fs::read_dir(&out)?.next().is_none();
            let ours = std::fs::read_to_string(out.join("index.html"))
                .is_ok_and(|s| s.contains(GENERATOR_MARK));
            if !empty && !ours {
                return Err(format!(
                    "{}: is not empty and not an earlier `partnerctl directory` output; refusing to replace it",
                    out.display()
                )
                .into());
            }
            true
        }
        Err(_) => false,
    };
    for f in files {
        if !safe_site_path(&f.path) {
            return Err(format!("internal error: unsafe output path {:?}", f.path).into());
        }
    }
    std::fs::create_dir_all(&parent)?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.partnerctl-new-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        std::fs::create_dir(&tmp)?;
        let dirs: std::collections::BTreeSet<&str> = files
            .iter()
            .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
            .collect();
        for d in dirs {
            std::fs::create_dir_all(tmp.join(d))?;
        }
        files
            .par_iter()
            .try_for_each(|f| std::fs::write(tmp.join(&f.path), &f.bytes))
            .map_err(|e| format!("writing {}: {e}", tmp.display()))?;
        if exists {
            let old = parent.join(format!(".{name}.partnerctl-old-{pid}"));
            std::fs::rename(&out, &old)?;
            if let Err(e) = std::fs::rename(&tmp, &out) {
                let _ = std::fs::rename(&old, &out);
                return Err(e.into());
            }
            std::fs::remove_dir_all(&old)?;
        } else {
            std::fs::rename(&tmp, &out)?;
        }
        Ok(())
    })();
    if result.is_err() && tmp.exists() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result.map_err(|e| format!("{}: {e}", out.display()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logo_paths_stay_inside() {
        assert_eq!(
            logo_path_components("logos/acme.svg").unwrap(),
            vec!["logos", "acme.svg"]
        );
        for bad in [
            "../x.png",
            "logos/../../x.png",
            "/etc/passwd",
            "C:/x.png",
            "https://x.example/a.png",
            "logos//a.png",
            "./a.png",
            "a\\b.png",
            ".git/config",
            "",
        ] {
            assert!(logo_path_components(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn logos_are_typed_by_content() {
        assert_eq!(sniff_logo(b"\x89PNG\r\n\x1a\nrest").unwrap(), LogoKind::Png);
        assert_eq!(
            sniff_logo(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(),
            LogoKind::Jpeg
        );
        assert_eq!(
            sniff_logo(b"<?xml version=\"1.0\"?>\n<!-- c -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><rect width=\"1\" height=\"1\"/></svg>").unwrap(),
            LogoKind::Svg
        );
        assert!(sniff_logo(b"<html><svg></svg></html>").is_err());
        assert!(sniff_logo(b"GIF89a").is_err());
        assert!(sniff_logo(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
        )
        .is_err());
        assert!(
            sniff_logo(b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>").is_err()
        );
        assert!(sniff_logo(b"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:x=\"http://www.w3.org/1999/xlink\"><a x:href=\"javascript:alert(1)\"><rect/></a></svg>").is_err());
        assert!(sniff_logo(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@import url(https://x.example/a.css);</style></svg>").is_err());
        assert!(sniff_logo(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect style=\"fill:url(#g)\"/></svg>"
        )
        .is_ok());
        let big = vec![b' '; MAX_LOGO_BYTES as usize + 1];
        assert!(sniff_logo(&big).unwrap_err().contains("at most"));
    }

    #[test]
    fn site_paths_are_plain() {
        assert!(safe_site_path("partners/acme.html"));
        assert!(!safe_site_path("../x"));
        assert!(!safe_site_path("partners/.x"));
        assert!(!safe_site_path("/abs"));
    }
}
