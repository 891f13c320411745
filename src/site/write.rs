//! Writing a site to disk: into a fresh sibling directory, then swapped in, so no stale file
//! survives and a failure leaves the old site intact. A directory is only ever replaced when it
//! is empty or holds a manifest this module wrote: a complete earlier site.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::directory::SiteFile;

/// The manifest's file name in the site root.
pub const MANIFEST: &str = ".partnerctl-site.json";
/// The manifest's format marker.
pub const MANIFEST_FORMAT: &str = "partnerctl-site/1";

/// Why a site was not written.
#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: String,
    files: Vec<String>,
}

/// The manifest of `files`, sorted and deterministic.
fn manifest(files: &[SiteFile]) -> Vec<u8> {
    let mut names: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    names.sort();
    let m = Manifest {
        format: MANIFEST_FORMAT.into(),
        files: names,
    };
    let mut out = serde_json::to_vec_pretty(&m).expect("a list of strings serializes");
    out.push(b'\n');
    out
}

/// Whether every component of a site path is a plain file name.
pub fn safe_site_path(path: &str) -> bool {
    path.split('/').all(|c| {
        !c.is_empty()
            && !c.starts_with('.')
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
    })
}

/// Whether `dir` holds a complete earlier site: a manifest with our format marker whose every
/// listed file is present.
fn holds_our_site(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join(MANIFEST)) else {
        return false;
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
        return false;
    };
    m.format == MANIFEST_FORMAT
        && m.files.iter().all(|f| {
            safe_site_path(f)
                && std::fs::symlink_metadata(dir.join(f)).is_ok_and(|m| m.file_type().is_file())
        })
}

/// Whether `out` exists (and may be replaced), or the reason it must not be touched.
fn may_replace(out: &Path) -> Result<bool, WriteError> {
    let refuse = |why: &str| Err(WriteError(format!("{}: {why}", out.display())));
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => refuse("is a symbolic link; give a directory"),
        Ok(m) if !m.is_dir() => refuse("exists and is not a directory"),
        Ok(_) => {
            let empty = std::fs::read_dir(out)
                .map_err(|e| WriteError(format!("{}: {e}", out.display())))?
                .next()
                .is_none();
            if empty || holds_our_site(out) {
                Ok(true)
            } else {
                refuse(&format!(
                    "is not empty and holds no complete earlier site ({MANIFEST}); refusing to replace it. Give a new or empty directory"
                ))
            }
        }
        Err(_) => Ok(false),
    }
}

/// Replace `out` with exactly `files` plus the manifest. `out` must be missing, empty, or hold a
/// complete earlier site.
pub fn write_site(out: &Path, files: &[SiteFile]) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError(format!("{}: {e}", out.display()));
    let out = std::path::absolute(out).map_err(io)?;
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| WriteError(format!("{}: not a usable directory name", out.display())))?
        .to_owned();
    let exists = may_replace(&out)?;
    if let Some(f) = files.iter().find(|f| !safe_site_path(&f.path)) {
        return Err(WriteError(format!(
            "internal error: unsafe output path {:?}",
            f.path
        )));
    }
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(io)?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.partnerctl-new-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io)?;
    }
    let result = fill(&tmp, files).and_then(|()| swap(&tmp, &out, &parent, &name, exists));
    if result.is_err() && tmp.exists() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result.map_err(|e| WriteError(format!("{}: {e}", out.display())))
}

/// Write `files` and the manifest (last, so a partial directory never looks complete).
fn fill(tmp: &Path, files: &[SiteFile]) -> std::io::Result<()> {
    std::fs::create_dir(tmp)?;
    let dirs: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for d in dirs {
        std::fs::create_dir_all(tmp.join(d))?;
    }
    files
        .par_iter()
        .try_for_each(|f| std::fs::write(tmp.join(&f.path), &f.bytes))?;
    std::fs::write(tmp.join(MANIFEST), manifest(files))
}

fn swap(tmp: &Path, out: &Path, parent: &Path, name: &str, exists: bool) -> std::io::Result<()> {
    if !exists {
        return std::fs::rename(tmp, out);
    }
    let old: PathBuf = parent.join(format!(".{name}.partnerctl-old-{}", std::process::id()));
    std::fs::rename(out, &old)?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> SiteFile {
        SiteFile {
            path: path.into(),
            bytes: b"x".to_vec(),
        }
    }

    #[test]
    fn site_paths_are_plain() {
        assert!(safe_site_path("partners/acme.html"));
        assert!(!safe_site_path("../x"));
        assert!(!safe_site_path("partners/.x"));
        assert!(!safe_site_path("/abs"));
    }

    #[test]
    fn only_empty_or_complete_earlier_sites_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(&out, &[file("index.html"), file("partners/a.html")]).unwrap();
        assert!(holds_our_site(&out));
        write_site(&out, &[file("index.html")]).unwrap();
        assert!(!out.join("partners/a.html").exists(), "stale file survived");

        // A look-alike index.html is not a site; an incomplete site is not either.
        let look = dir.path().join("look");
        std::fs::create_dir(&look).unwrap();
        std::fs::write(
            look.join("index.html"),
            r#"<meta name="generator" content="partnerctl directory">"#,
        )
        .unwrap();
        let err = write_site(&look, &[file("index.html")]).unwrap_err();
        assert!(
            err.0
                .ends_with("refusing to replace it. Give a new or empty directory"),
            "{err}"
        );
        std::fs::remove_file(out.join("index.html")).unwrap();
        assert!(write_site(&out, &[file("index.html")]).is_err());
        assert!(out.join(MANIFEST).exists(), "the refused site is untouched");
    }
}
