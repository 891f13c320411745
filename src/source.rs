//! Where the data comes from: the working tree, or any git revision read straight from git objects.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Files larger than this are rejected without being parsed.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The directories holding data files.
pub const DATA_DIRS: [&str; 2] = ["programs", "partners"];

/// One data file's bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators (`partners/acme.toml`).
    pub path: String,
    /// Raw content.
    pub bytes: Vec<u8>,
    /// Git blob id of the content (hex), the key for caching work per file.
    pub blob_id: String,
}

/// All data files of one side (working tree or revision), plus problems found while listing them.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// What this snapshot is ("working tree" or the revision as given).
    pub label: String,
    /// Data files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files that could not be read as data (symlinks, submodules, oversized files).
    pub problems: Vec<Diagnostic>,
}

/// Where to read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// The files on disk, including uncommitted and untracked ones.
    WorkTree,
    /// A revision (`HEAD~3`, a branch, `origin/main`, a commit id).
    Rev(String),
}

/// Errors that stop reading altogether (exit code 2).
#[derive(Debug)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// A partner-data repository: its root, and its git repository when it has one.
pub struct Repo {
    /// Absolute root directory.
    pub root: PathBuf,
    git: Option<gix::Repository>,
}

impl Repo {
    /// Find the repository containing `dir`. A directory outside git still works for the working
    /// tree; revisions then fail with a clear message.
    pub fn discover(dir: &Path) -> Result<Repo, SourceError> {
        let dir =
            std::path::absolute(dir).map_err(|e| SourceError(format!("{}: {e}", dir.display())))?;
        if !dir.is_dir() {
            return Err(SourceError(format!("{} is not a directory", dir.display())));
        }
        match gix::discover(&dir) {
            Ok(repo) => {
                let root = repo
                    .workdir()
                    .map(|w| {
                        if w.is_absolute() {
                            w.to_path_buf()
                        } else {
                            dir.join(w)
                        }
                    })
                    .unwrap_or_else(|| dir.clone());
                let root = root.canonicalize().unwrap_or(root);
                Ok(Repo {
                    root,
                    git: Some(repo),
                })
            }
            Err(_) => Ok(Repo {
                root: dir,
                git: None,
            }),
        }
    }

    /// The git repository, or an error saying there is none.
    pub fn git(&self) -> Result<&gix::Repository, SourceError> {
        self.git.as_ref().ok_or_else(|| {
            SourceError(format!(
                "{} is not inside a git repository",
                self.root.display()
            ))
        })
    }

    /// Read every data file of `side`.
    pub fn snapshot(&self, side: &Side) -> Result<Snapshot, SourceError> {
        let mut snap = match side {
            Side::WorkTree => self.read_worktree()?,
            Side::Rev(rev) => self.read_revision(rev, true)?,
        };
        snap.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(snap)
    }

    /// List the data files of `side` with their blob ids. Files of a revision come without their
    /// bytes (empty) until [`Repo::fill`] reads them; working-tree files are read anyway, since
    /// hashing them is how changes are found.
    pub fn snapshot_lazy(&self, side: &Side) -> Result<Snapshot, SourceError> {
        let mut snap = match side {
            Side::WorkTree => self.read_worktree()?,
            Side::Rev(rev) => self.read_revision(rev, false)?,
        };
        snap.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(snap)
    }

    /// Read the bytes of the files of a lazy snapshot that `wanted` selects.
    pub fn fill(
        &self,
        snap: &mut Snapshot,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(), SourceError> {
        for f in snap
            .files
            .iter_mut()
            .filter(|f| f.bytes.is_empty() && wanted(&f.path))
        {
            let git = self.git()?;
            let id = gix::ObjectId::from_hex(f.blob_id.as_bytes())
                .map_err(|e| SourceError(format!("{}: {e}", f.path)))?;
            let blob = git
                .find_blob(id)
                .map_err(|e| SourceError(format!("reading {}: {e}", f.path)))?;
            f.bytes = blob.data.clone();
        }
        Ok(())
    }

    /// Resolve a revision to its full commit id.
    pub fn resolve(&self, rev: &str) -> Result<gix::ObjectId, SourceError> {
        let git = self.git()?;
        let id = git
            .rev_parse_single(rev)
            .map_err(|e| SourceError(format!("unknown revision {rev:?}: {e}")))?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| SourceError(format!("revision {rev:?} is not a commit: {e}")))?;
        Ok(commit.id)
    }

    fn read_worktree(&self) -> Result<Snapshot, SourceError> {
        let mut snap = Snapshot {
            label: "working tree".into(),
            ..Snapshot::default()
        };
        for dir in DATA_DIRS {
            let abs = self.root.join(dir);
            match std::fs::symlink_metadata(&abs) {
                Err(_) => continue,
                Ok(m) if m.file_type().is_symlink() => {
                    snap.problems.push(symlink_problem(dir));
                    continue;
                }
                Ok(_) => {}
            }
            let entries = std::fs::read_dir(&abs)
                .map_err(|e| SourceError(format!("{}: {e}", abs.display())))?;
            for entry in entries {
                let entry = entry.map_err(|e| SourceError(format!("{}: {e}", abs.display())))?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else {
                    snap.problems.push(Diagnostic::error(
                        "invalid-file-name",
                        format!("{dir}/{}", name.to_string_lossy()),
                        "file name is not valid UTF-8",
                    ));
                    continue;
                };
                let rel = format!("{dir}/{name}");
                let meta = entry
                    .metadata()
                    .map_err(|e| SourceError(format!("{rel}: {e}")))?;
                let ft = meta.file_type();
                if ft.is_symlink() {
                    snap.problems.push(symlink_problem(&rel));
                } else if ft.is_file() && name.ends_with(".toml") {
                    if meta.len() > MAX_FILE_BYTES {
                        snap.problems.push(too_large(&rel, meta.len()));
                        continue;
                    }
                    let bytes = std::fs::read(entry.path())
                        .map_err(|e| SourceError(format!("{rel}: {e}")))?;
                    let blob_id = blob_id(&bytes);
                    snap.files.push(SourceFile {
                        path: rel,
                        bytes,
                        blob_id,
                    });
                }
            }
        }
        Ok(snap)
    }

    fn read_revision(&self, rev: &str, with_bytes: bool) -> Result<Snapshot, SourceError> {
        let git = self.git()?;
        let commit_id = self.resolve(rev)?;
        let tree = git
            .find_commit(commit_id)
            .and_then(|c| c.tree())
            .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))?;
        let mut snap = Snapshot {
            label: rev.to_owned(),
            ..Snapshot::default()
        };
        let fail = |e: &dyn std::fmt::Display| SourceError(format!("reading {rev:?}: {e}"));
        for dir in DATA_DIRS {
            let Some(entry) = tree.lookup_entry_by_path(dir).map_err(|e| fail(&e))? else {
                continue;
            };
            let mode = entry.mode();
            if mode.is_link() || mode.is_commit() {
                snap.problems.push(symlink_problem(dir));
                continue;
            }
            if !mode.is_tree() {
                continue;
            }
            let sub = git.find_tree(entry.object_id()).map_err(|e| fail(&e))?;
            for item in sub.iter() {
                let item = item.map_err(|e| fail(&e))?;
                let Ok(name) = std::str::from_utf8(item.filename()) else {
                    snap.problems.push(Diagnostic::error(
                        "invalid-file-name",
                        format!("{dir}/{}", String::from_utf8_lossy(item.filename())),
                        "file name is not valid UTF-8",
                    ));
                    continue;
                };
                let rel = format!("{dir}/{name}");
                let mode = item.mode();
                if mode.is_link() {
                    snap.problems.push(symlink_problem(&rel));
                } else if mode.is_commit() {
                    snap.problems.push(
                        Diagnostic::error("submodule", &rel, "submodules are not read as data")
                            .with_hint(
                            "partner and program files must be regular files in this repository",
                        ),
                    );
                } else if mode.is_blob() && name.ends_with(".toml") {
                    let header = git.find_header(item.object_id()).map_err(|e| fail(&e))?;
                    if header.size() > MAX_FILE_BYTES {
                        snap.problems.push(too_large(&rel, header.size()));
                        continue;
                    }
                    let bytes = if with_bytes {
                        git.find_blob(item.object_id())
                            .map_err(|e| fail(&e))?
                            .data
                            .clone()
                    } else {
                        Vec::new()
                    };
                    snap.files.push(SourceFile {
                        path: rel,
                        blob_id: item.object_id().to_string(),
                        bytes,
                    });
                }
            }
        }
        Ok(snap)
    }
}

/// The git blob id of `bytes`, as git would compute it.
pub fn blob_id(bytes: &[u8]) -> String {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
        .map(|id| id.to_string())
        .unwrap_or_default()
}

fn symlink_problem(path: &str) -> Diagnostic {
    Diagnostic::error("symlink", path, "symbolic links are not followed")
        .with_hint("replace the link with the file itself; data files must be regular files")
}

fn too_large(path: &str, len: u64) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        path,
        format!("file is {len} bytes; data files may be at most {MAX_FILE_BYTES} bytes"),
    )
    .with_hint("a partner or program record this large is almost certainly a mistake")
}
