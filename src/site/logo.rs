//! The logo pipeline: where logos may come from (one configured folder, no `..`, no symbolic
//! links), what they may be (PNG, JPEG or SVG by content), and how they are published (rebuilt:
//! SVG from an allowlist, raster images decoded and re-encoded as PNG; never copied).

use std::collections::BTreeMap;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::dataset::Dataset;
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::source::{Repo, Side, SourceError};

/// Logo files larger than this are refused without being decoded.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

/// The folder logos come from unless configured otherwise.
pub const DEFAULT_LOGO_DIR: &str = "assets/logos";

/// Where logos may come from.
#[derive(Debug, Clone, clap::Args)]
pub struct LogoArgs {
    /// Logos may only come from this folder of the repository (relative, `/`-separated).
    #[arg(long, value_name = "DIR", env = "PARTNERCTL_LOGO_DIR", default_value = DEFAULT_LOGO_DIR)]
    pub logo_dir: String,
}

impl Default for LogoArgs {
    fn default() -> Self {
        LogoArgs {
            logo_dir: DEFAULT_LOGO_DIR.into(),
        }
    }
}

impl LogoArgs {
    /// The folder as checked components, or why it is unusable (a usage error).
    pub fn folder(&self) -> Result<Vec<&str>, SourceError> {
        path_components(self.logo_dir.trim_end_matches('/'))
            .map_err(|e| SourceError(format!("--logo-dir {:?}: {e}", self.logo_dir)))
    }
}

/// A rebuilt logo, ready to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Where it goes in the site: `logos/<sha256 of the rebuilt bytes>.<png|svg>`.
    pub site_path: String,
    /// The rebuilt bytes.
    pub bytes: Vec<u8>,
}

/// Why a logo is not published. `Missing` and `Refused` become the `check` codes `logo-missing`
/// and `logo-refused`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoProblem {
    /// No such file.
    Missing(String),
    /// The path or the content is not allowed.
    Refused(String),
}

impl std::fmt::Display for LogoProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogoProblem::Missing(s) | LogoProblem::Refused(s) => f.write_str(s),
        }
    }
}

/// Split a repository path into components: relative, `/` separators, no `.`/`..`/empty
/// components, nothing under `.git`.
pub fn path_components(rel: &str) -> Result<Vec<&str>, String> {
    if rel.is_empty() {
        return Err("the path is empty".into());
    }
    if rel.chars().any(|c| c.is_control()) {
        return Err("the path contains control characters".into());
    }
    if rel.starts_with('/') || rel.starts_with('\\') || rel.contains(':') {
        return Err("absolute paths and URLs are not allowed; give a path inside the repository, e.g. \"assets/logos/acme.svg\"".into());
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

/// Check a logo path against the policy: a file inside `folder`.
pub fn logo_components<'p>(rel: &'p str, folder: &[&str]) -> Result<Vec<&'p str>, String> {
    let parts = path_components(rel)?;
    if parts.len() <= folder.len() || parts[..folder.len()] != *folder {
        return Err(format!(
            "logos must be files in {}/ (see --logo-dir)",
            folder.join("/")
        ));
    }
    Ok(parts)
}

/// Rebuild a logo from its bytes, typed by content (never by name).
pub fn rebuild_logo(bytes: &[u8]) -> Result<Logo, String> {
    if bytes.len() as u64 > MAX_LOGO_BYTES {
        return Err(format!(
            "the file is {} bytes; logos may be at most {MAX_LOGO_BYTES} bytes",
            bytes.len()
        ));
    }
    let (ext, rebuilt) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("png", super::raster::rebuild_png(bytes)?)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("png", super::raster::rebuild_jpeg(bytes)?)
    } else {
        let text =
            std::str::from_utf8(bytes).map_err(|_| "not a PNG, JPEG or SVG image".to_owned())?;
        ("svg", super::svg::sanitize_svg(text)?.into_bytes())
    };
    let hex: String = Sha256::digest(&rebuilt)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Logo {
        site_path: format!("logos/{hex}.{ext}"),
        bytes: rebuilt,
    })
}

/// Reads and rebuilds logos of one side of a repository under a [`LogoArgs`] policy.
pub struct LogoReader<'a> {
    repo: &'a Repo,
    tree: Option<gix::ObjectId>,
    folder: Vec<&'a str>,
}

impl<'a> LogoReader<'a> {
    /// A reader for `side` of `repo`; fails (exit 2) on an unusable folder or revision.
    pub fn new(repo: &'a Repo, side: &Side, policy: &'a LogoArgs) -> Result<Self, SourceError> {
        let tree = match side {
            Side::WorkTree => None,
            Side::Rev(rev) => Some(repo.tree_of(rev)?),
        };
        let folder = policy.folder()?;
        Ok(LogoReader { repo, tree, folder })
    }

    /// Read one logo's bytes under the policy.
    fn read(&self, rel: &str) -> Result<Result<Vec<u8>, LogoProblem>, SourceError> {
        let parts = match logo_components(rel, &self.folder) {
            Ok(p) => p,
            Err(e) => return Ok(Err(LogoProblem::Refused(e))),
        };
        Ok(
            match self.repo.read_asset(self.tree, &parts, MAX_LOGO_BYTES)? {
                Err(e) if e.starts_with("no such file") => Err(LogoProblem::Missing(e)),
                Err(e) => Err(LogoProblem::Refused(e)),
                Ok(bytes) => Ok(bytes),
            },
        )
    }

    /// Read and rebuild every distinct path once: path → logo or the reason it is not published.
    /// Reading is serial (the git handle is not shared across threads), rebuilding parallel.
    pub fn load_all<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<BTreeMap<&'p str, Result<Logo, LogoProblem>>, SourceError> {
        let mut distinct: Vec<&str> = paths.into_iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let read = distinct
            .into_iter()
            .map(|p| Ok((p, self.read(p)?)))
            .collect::<Result<Vec<_>, SourceError>>()?;
        Ok(read
            .into_par_iter()
            .map(|(p, bytes)| {
                let logo = bytes.and_then(|b| rebuild_logo(&b).map_err(LogoProblem::Refused));
                (p, logo)
            })
            .collect())
    }
}

/// `check`'s logo rule: every partner file's `profile.logo` must name a logo that would be
/// published, else an error located on the `logo` value (`logo-missing` / `logo-refused`), so
/// a pull request cannot pass with a logo that would silently disappear from the directory.
pub fn logo_diagnostics(
    repo: &Repo,
    side: &Side,
    ds: &Dataset,
    policy: &LogoArgs,
) -> Result<Vec<Diagnostic>, SourceError> {
    let with_logo: Vec<(&crate::load::Loaded<crate::model::Partner>, &str)> = ds
        .partners
        .iter()
        .filter_map(|f| Some((f, f.record.as_ref()?.profile.logo.as_deref()?)))
        .collect();
    if with_logo.is_empty() {
        return Ok(Vec::new());
    }
    let reader = LogoReader::new(repo, side, policy)?;
    let loaded = reader.load_all(with_logo.iter().map(|(_, l)| *l))?;
    let at = DocPath::root().key("profile").key("logo");
    Ok(with_logo
        .iter()
        .filter_map(|(f, logo)| {
            let (code, why) = match loaded.get(logo)?.as_ref().err()? {
                LogoProblem::Missing(w) => (Code::LogoMissing, w),
                LogoProblem::Refused(w) => (Code::LogoRefused, w),
            };
            let d = Diagnostic::error(code, &f.path, format!("logo {logo:?}: {why}"))
                .with_path(&at)
                .with_hint(format!(
                    "logos are PNG, JPEG or SVG files in {}/, at most {MAX_LOGO_BYTES} bytes and {}×{} pixels; SVG logos are rebuilt from plain drawing elements",
                    policy.logo_dir.trim_end_matches('/'),
                    super::raster::MAX_SIDE,
                    super::raster::MAX_SIDE
                ));
            Some(match &f.text {
                Some(text) => crate::load::locate(d, text, &at, false),
                None => d,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logo_paths_stay_inside_the_folder() {
        let folder = ["assets", "logos"];
        assert_eq!(
            logo_components("assets/logos/acme.svg", &folder).unwrap(),
            ["assets", "logos", "acme.svg"]
        );
        for (bad, why) in [
            ("../x.png", "`..`"),
            ("assets/logos/../../x.png", "`..`"),
            ("/etc/passwd", "absolute"),
            ("C:/x.png", "absolute"),
            ("https://x.example/a.png", "absolute"),
            ("assets/logos//a.png", "empty"),
            ("./a.png", "empty"),
            ("a\\b.png", "`/`"),
            (".git/config", ".git"),
            ("", "empty"),
            ("logos/acme.svg", "must be files in assets/logos/"),
            ("assets/logos", "must be files in assets/logos/"),
            ("assets/logosx/a.png", "must be files in assets/logos/"),
            ("partners/acme.toml", "must be files in assets/logos/"),
        ] {
            let err = logo_components(bad, &folder).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn logos_are_typed_by_content_and_rebuilt() {
        let svg = rebuild_logo(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"/></svg>").unwrap();
        assert!(svg.site_path.ends_with(".svg"));
        assert_eq!(
            svg.bytes,
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"></rect></svg>\n"
        );
        assert_eq!(svg.site_path.len(), "logos/".len() + 64 + ".svg".len());
        assert!(rebuild_logo(b"GIF89a")
            .unwrap_err()
            .contains("not a PNG, JPEG or SVG"));
        assert!(rebuild_logo(b"\x89PNG\r\n\x1a\nrest")
            .unwrap_err()
            .contains("not a readable PNG"));
        let big = vec![b' '; MAX_LOGO_BYTES as usize + 1];
        assert!(rebuild_logo(&big)
            .unwrap_err()
            .contains("at most 524288 bytes"));
    }
}
