//! Where the data comes from: the working tree, or any git revision read straight from git objects.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};

mod asset;
mod objects;
mod worktree;

use worktree::{StatIndex, Unchanged};

/// Files larger than this are rejected without being parsed.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The bytes of a file the user names on the command line (a CSV to import, a column map, a
/// program to start from), at most `max` of them: a larger file is refused before it is read,
/// and reading stops after `max + 1` bytes, so a device or FIFO given by mistake (`/dev/zero`)
/// cannot make the command hang or fill the memory.
pub fn read_named_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let too_large = |len: u64| format!("{shown}: {len} bytes; at most {max} bytes are read");
    let len = file.metadata().map_err(|e| format!("{shown}: {e}"))?.len();
    if len > max {
        return Err(too_large(len));
    }
    let mut bytes = Vec::new();
    (file.take(max + 1).read_to_end(&mut bytes)).map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{shown}: more than {max} bytes; at most {max} bytes are read"
        ));
    }
    Ok(bytes)
}

/// The directories holding data files.
pub const DATA_DIRS: [&str; 2] = ["programs", "partners"];

/// One data file's bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators (`partners/acme.toml`).
    pub path: String,
    /// Raw content; for files of a lazy snapshot, empty until [`Repo::fill`] reads it.
    pub bytes: Vec<u8>,
    /// Git blob id of the content, the key for caching work per file; `None` for working-tree
    /// files read by [`Repo::snapshot_unhashed`] (and content whose hash git would refuse).
    pub blob_id: Option<gix::ObjectId>,
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
    /// Working-tree files that [`Repo::snapshot_lazy`] listed without reading, by path: where
    /// [`Repo::fill`] reads them from.
    unchanged: std::sync::Mutex<HashMap<String, Unchanged>>,
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
                    unchanged: Default::default(),
                })
            }
            Err(_) => Ok(Repo {
                root: dir,
                git: None,
                unchanged: Default::default(),
            }),
        }
    }

    /// Fail unless `side` has a `partners/` or `programs/` directory: anywhere else, "no files,
    /// all valid" would be a wrong answer to a wrong directory (or a bare repository, which has
    /// no working tree to read).
    pub fn require_data_dirs(&self, side: &Side) -> Result<(), SourceError> {
        let found = match side {
            Side::WorkTree => {
                if self.git.as_ref().is_some_and(|g| g.workdir().is_none()) {
                    return Err(SourceError(format!(
                        "{} is a bare git repository: it has no working tree to read; name a revision with --rev",
                        self.root.display()
                    )));
                }
                DATA_DIRS
                    .iter()
                    .any(|d| std::fs::symlink_metadata(self.root.join(d)).is_ok())
            }
            Side::Rev(rev) => {
                let git = self.git()?;
                let tree = git
                    .find_commit(self.resolve(rev)?)
                    .and_then(|c| c.tree())
                    .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))?;
                let mut found = false;
                for d in DATA_DIRS {
                    let entry = tree
                        .lookup_entry_by_path(d)
                        .map_err(|e| SourceError(format!("reading {rev:?}: {e}")))?;
                    found |= entry.is_some();
                }
                found
            }
        };
        if found {
            return Ok(());
        }
        let at = match side {
            Side::WorkTree => String::new(),
            Side::Rev(rev) => format!(" at revision {rev:?}"),
        };
        Err(SourceError(format!(
            "not a partner repository: no partners/ or programs/ in {}{at} (use --repo DIR, or start one with `partnerctl init`)",
            self.root.display()
        )))
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
        self.read_all(side, true)
    }

    /// Like [`Repo::snapshot`], but working-tree files are not hashed: their `blob_id` is `None`.
    /// For commands that look at one side only and never compare file versions (hashing 10,000
    /// files costs more than listing them).
    pub fn snapshot_unhashed(&self, side: &Side) -> Result<Snapshot, SourceError> {
        self.read_all(side, false)
    }

    /// Every data file of `side` with its bytes, sorted by path; `hash` says whether working-tree
    /// files get their blob ids (revision files always have them).
    fn read_all(&self, side: &Side, hash: bool) -> Result<Snapshot, SourceError> {
        let mut snap = match side {
            Side::WorkTree => self.read_worktree(hash)?,
            Side::Rev(rev) => self.read_revision(rev, true)?,
        };
        snap.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(snap)
    }

    /// List the data files of `side` with their blob ids. Files of a revision come without their
    /// bytes (empty) until [`Repo::fill`] reads them. So do working-tree files that the git index
    /// shows unchanged, as `git status` finds them: their stat data matches the index entry, which
    /// is not racily clean; their blob id is the entry's. Every other working-tree file is read and
    /// hashed, as is every file that git converts on the way into the index (attributes `text`,
    /// `eol`, `filter`, … as gix evaluates them). Without a readable index, or when
    /// `core.autocrlf` may convert any text file, every working-tree file is read and hashed.
    pub fn snapshot_lazy(&self, side: &Side) -> Result<Snapshot, SourceError> {
        let mut snap = match side {
            Side::WorkTree => {
                let index = self.git.as_ref().and_then(StatIndex::load);
                self.read_worktree_with(true, index.as_ref())?
            }
            Side::Rev(rev) => self.read_revision(rev, false)?,
        };
        snap.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(snap)
    }

    /// Read the bytes of the files of a lazy snapshot that `wanted` selects: from the working tree
    /// where [`Repo::snapshot_lazy`] found a file with the same path and blob id unchanged and it
    /// still is, else from the git object database.
    pub fn fill(
        &self,
        snap: &mut Snapshot,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(), SourceError> {
        let todo: Vec<&mut SourceFile> = snap
            .files
            .iter_mut()
            .filter(|f| !is_complete(f) && wanted(&f.path))
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let jobs: Vec<(&str, Option<gix::ObjectId>)> =
            todo.iter().map(|f| (f.path.as_str(), f.blob_id)).collect();
        let bytes = self.read_each(&jobs, |_, bytes| bytes)?;
        // Lazy listings did not check sizes: an oversized file becomes a problem, as it would
        // have been when read eagerly.
        let mut big: HashMap<String, u64> = HashMap::new();
        for (f, bytes) in todo.into_iter().zip(bytes) {
            match bytes {
                Ok(bytes) if bytes.len() as u64 <= MAX_FILE_BYTES => f.bytes = bytes,
                Ok(bytes) => drop(big.insert(f.path.clone(), bytes.len() as u64)),
                Err(size) => drop(big.insert(f.path.clone(), size)),
            }
        }
        if !big.is_empty() {
            snap.files.retain(|f| !big.contains_key(&f.path));
            let mut big: Vec<(String, u64)> = big.into_iter().collect();
            big.sort();
            snap.problems
                .extend(big.iter().map(|(path, len)| too_large(path, *len)));
        }
        Ok(())
    }

    /// The paths of the files of a lazy snapshot that `wanted` selects whose bytes `matches`
    /// accepts. Read like [`Repo::fill`] reads them, but nothing is kept: scanning 10,000 files
    /// this way needs no more memory than one file per thread.
    pub fn select(
        &self,
        snap: &Snapshot,
        wanted: impl Fn(&SourceFile) -> bool,
        matches: impl Fn(&str, &[u8]) -> bool + Sync,
    ) -> Result<Vec<String>, SourceError> {
        let (filled, lazy): (Vec<&SourceFile>, Vec<&SourceFile>) = snap
            .files
            .iter()
            .filter(|f| wanted(f))
            .partition(|f| is_complete(f));
        let mut hits: Vec<String> = filled
            .iter()
            .filter(|f| matches(&f.path, &f.bytes))
            .map(|f| f.path.clone())
            .collect();
        let jobs: Vec<(&str, Option<gix::ObjectId>)> =
            lazy.iter().map(|f| (f.path.as_str(), f.blob_id)).collect();
        let found = self.read_each(&jobs, |path, bytes| matches(path, &bytes))?;
        hits.extend(
            jobs.iter()
                .zip(found)
                // An oversized file is not data: `fill` reports it.
                .filter(|(_, hit)| *hit == Ok(true))
                .map(|((path, _), _)| (*path).to_owned()),
        );
        hits.sort();
        Ok(hits)
    }

    /// Read each `(path, blob id)` and map its bytes with `f`, in parallel, keeping the order;
    /// `Err(size)` for a blob larger than [`MAX_FILE_BYTES`], whose size is taken from the object
    /// header so that it is never inflated. Unchanged working-tree files are plain reads, cheaper
    /// than inflating (and undeltifying) git objects; any doubt sends a file to the object database
    /// instead. On failure the first failing file in order is reported, as a serial loop would.
    fn read_each<O: Send>(
        &self,
        jobs: &[(&str, Option<gix::ObjectId>)],
        f: impl Fn(&str, Vec<u8>) -> O + Sync,
    ) -> Result<Vec<Result<O, u64>>, SourceError> {
        let from_disk: Vec<Option<O>> = {
            let unchanged = self
                .unchanged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if unchanged.is_empty() {
                jobs.iter().map(|_| None).collect()
            } else {
                let unchanged: &HashMap<String, Unchanged> = &unchanged;
                jobs.par_iter()
                    .map(|(path, blob_id)| {
                        let u = unchanged.get(*path)?;
                        let bytes = (Some(u.id) == *blob_id).then(|| u.read())??;
                        Some(f(path, bytes))
                    })
                    .collect()
            }
        };
        let from_git: Vec<(&str, Option<gix::ObjectId>)> = jobs
            .iter()
            .zip(&from_disk)
            .filter(|(_, disk)| disk.is_none())
            .map(|(job, _)| *job)
            .collect();
        let read = self.par_map_git(from_git, None, |git, (path, blob_id)| {
            // `fill` and `select` ask only for files with an id (see `is_complete`).
            let id = blob_id.ok_or_else(|| SourceError(format!("{path}: no blob id")))?;
            let fail = |e: &dyn std::fmt::Display| SourceError(format!("reading {path}: {e}"));
            let size = git.find_header(id).map_err(|e| fail(&e))?.size();
            if size > MAX_FILE_BYTES {
                return Ok(Err(size));
            }
            let mut blob = git.find_blob(id).map_err(|e| fail(&e))?;
            Ok(Ok(f(path, exact(blob.take_data()))))
        })?;
        let mut read = read.into_iter();
        from_disk
            .into_iter()
            .map(|disk| match disk {
                Some(out) => Ok(Ok(out)),
                None => read.next().expect("one result per object read"),
            })
            .collect()
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
}

/// `bytes` without spare capacity: gix's buffers are sized for delta resolution, several times
/// the object, and a snapshot keeps every file's bytes.
fn exact(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.shrink_to_fit();
    bytes
}

/// Whether `f` holds its bytes. An empty file is complete: the empty blob need not be in the
/// object database (an untracked empty file never was). A file without a blob id was read, not
/// listed: only reading gives a file no id.
fn is_complete(f: &SourceFile) -> bool {
    !f.bytes.is_empty() || f.blob_id.is_none_or(|id| id.is_empty_blob())
}

/// The git blob id of `bytes`, as git would compute it; `None` for content that SHA-1 collision
/// detection flags, which git would refuse too.
pub fn blob_id(bytes: &[u8]) -> Option<gix::ObjectId> {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).ok()
}

fn symlink_problem(path: &str) -> Diagnostic {
    Diagnostic::error(Code::Symlink, path, "symbolic links are not followed")
        .with_hint("replace the link with the file itself; data files must be regular files")
}

fn too_large(path: &str, len: u64) -> Diagnostic {
    Diagnostic::error(
        Code::FileTooLarge,
        path,
        format!("file is {len} bytes; data files may be at most {MAX_FILE_BYTES} bytes"),
    )
    .with_hint("a partner or program record this large is almost certainly a mistake")
}
