//! Where the data comes from: the working tree, or any git revision read straight from git objects.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};

/// Files larger than this are rejected without being parsed.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The directories holding data files.
pub const DATA_DIRS: [&str; 2] = ["programs", "partners"];

/// One data file's bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators (`partners/acme.toml`).
    pub path: String,
    /// Raw content; for files of a lazy snapshot, empty until [`Repo::fill`] reads it.
    pub bytes: Vec<u8>,
    /// Git blob id of the content (hex), the key for caching work per file; empty for working-tree
    /// files read by [`Repo::snapshot_unhashed`].
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

    /// Like [`Repo::snapshot`], but working-tree files are not hashed: their `blob_id` is empty.
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
    /// hashed. Without a readable index, or when git may convert files on the way into the index
    /// (line endings, filters), every working-tree file is read and hashed.
    pub fn snapshot_lazy(&self, side: &Side) -> Result<Snapshot, SourceError> {
        let mut snap = match side {
            Side::WorkTree => {
                let index = self
                    .git
                    .as_ref()
                    .and_then(|git| StatIndex::load(git, &self.root));
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
            // An empty file is already complete: the empty blob need not be in the object
            // database (an untracked empty file never was).
            .filter(|f| f.bytes.is_empty() && f.blob_id != EMPTY_BLOB_ID && wanted(&f.path))
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let jobs: Vec<(&str, &str)> = todo
            .iter()
            .map(|f| (f.path.as_str(), f.blob_id.as_str()))
            .collect();
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
            .partition(|f| !f.bytes.is_empty() || f.blob_id == EMPTY_BLOB_ID);
        let mut hits: Vec<String> = filled
            .iter()
            .filter(|f| matches(&f.path, &f.bytes))
            .map(|f| f.path.clone())
            .collect();
        let jobs: Vec<(&str, &str)> = lazy
            .iter()
            .map(|f| (f.path.as_str(), f.blob_id.as_str()))
            .collect();
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
        jobs: &[(&str, &str)],
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
                        let id = gix::ObjectId::from_hex(blob_id.as_bytes()).ok()?;
                        let bytes = (u.id == id).then(|| u.read())??;
                        Some(f(path, bytes))
                    })
                    .collect()
            }
        };
        let from_git: Vec<(&str, &str)> = jobs
            .iter()
            .zip(&from_disk)
            .filter(|(_, disk)| disk.is_none())
            .map(|(job, _)| *job)
            .collect();
        let read = self.par_map_git(from_git, None, |git, (path, blob_id)| {
            let id = gix::ObjectId::from_hex(blob_id.as_bytes())
                .map_err(|e| SourceError(format!("{path}: {e}")))?;
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

    fn read_worktree(&self, hash: bool) -> Result<Snapshot, SourceError> {
        self.read_worktree_with(hash, None)
    }

    /// [`Repo::read_worktree`], taking the blob id of files that `index` shows unchanged from the
    /// index instead of reading them.
    fn read_worktree_with(
        &self,
        hash: bool,
        index: Option<&StatIndex>,
    ) -> Result<Snapshot, SourceError> {
        let mut snap = Snapshot {
            label: "working tree".into(),
            ..Snapshot::default()
        };
        // Listing is serial and cheap (file types come with the directory entries); taking each
        // file's stat data, reading and hashing are done in parallel afterwards. A listing error
        // stops the listing; errors are then reported exactly as the serial loop did: the first
        // read error among the files listed before it, else it.
        let mut jobs: Vec<Listed> = Vec::new();
        let listed = self.list_worktree(&mut snap, &mut jobs);
        enum Job {
            Read(Result<SourceFile, SourceError>, Option<Unchanged>),
            TooLarge(String, u64),
        }
        let read: Vec<Job> = jobs
            .into_par_iter()
            .map(|Listed { rel, abs, entry }| {
                let meta = match entry.metadata() {
                    Ok(meta) => meta,
                    Err(e) => return Job::Read(Err(SourceError(format!("{rel}: {e}"))), None),
                };
                // The listing judged the file by its directory entry; a file replaced since then
                // (by a symlink, say) is not read.
                if !meta.file_type().is_file() {
                    let e = "changed while being listed; run again";
                    return Job::Read(Err(SourceError(format!("{rel}: {e}"))), None);
                }
                if meta.len() > MAX_FILE_BYTES {
                    return Job::TooLarge(rel, meta.len());
                }
                if let Some((id, stat)) = index.and_then(|index| index.unchanged(&rel, &meta)) {
                    let file = SourceFile {
                        path: rel,
                        bytes: Vec::new(),
                        blob_id: id.to_string(),
                    };
                    return Job::Read(Ok(file), Some(Unchanged { id, abs, stat }));
                }
                let file = std::fs::read(&abs)
                    .map(|bytes| SourceFile {
                        blob_id: if hash { blob_id(&bytes) } else { String::new() },
                        path: rel.clone(),
                        bytes,
                    })
                    .map_err(|e| SourceError(format!("{rel}: {e}")));
                Job::Read(file, None)
            })
            .collect();
        snap.files.reserve(read.len());
        let mut unchanged = self
            .unchanged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if index.is_some() {
            unchanged.reserve(read.len());
        }
        for job in read {
            let (file, clean) = match job {
                Job::Read(file, clean) => (file, clean),
                Job::TooLarge(rel, len) => {
                    snap.problems.push(too_large(&rel, len));
                    continue;
                }
            };
            let file = file?;
            if let Some(clean) = clean {
                unchanged.insert(file.path.clone(), clean);
            }
            snap.files.push(file);
        }
        listed?;
        Ok(snap)
    }

    /// The listing half of [`Repo::read_worktree`]: problems go to `snap`, data files to `jobs`.
    fn list_worktree(
        &self,
        snap: &mut Snapshot,
        jobs: &mut Vec<Listed>,
    ) -> Result<(), SourceError> {
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
                        Code::InvalidFileName,
                        format!("{dir}/{}", name.to_string_lossy()),
                        "file name is not valid UTF-8",
                    ));
                    continue;
                };
                let rel = format!("{dir}/{name}");
                let ft = entry
                    .file_type()
                    .map_err(|e| SourceError(format!("{rel}: {e}")))?;
                if ft.is_symlink() {
                    snap.problems.push(symlink_problem(&rel));
                } else if ft.is_file() && name.ends_with(".toml") {
                    jobs.push(Listed {
                        rel,
                        abs: entry.path(),
                        entry,
                    });
                }
            }
        }
        Ok(())
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
        let mut listed: Result<(), SourceError> = Ok(());
        let fail = |e: &dyn std::fmt::Display| SourceError(format!("reading {rev:?}: {e}"));
        // In listing order: a problem found while listing, or the next blob of `blobs` to look up.
        // Blobs are then looked up and read in parallel, and the results merged back in
        // this order, so problems keep their order and the first error is the serial loop's.
        enum Slot {
            Problem(Diagnostic),
            Blob,
        }
        let mut slots: Vec<Slot> = Vec::new();
        let mut blobs: Vec<(String, gix::ObjectId)> = Vec::new();
        for dir in DATA_DIRS {
            let entry = match tree.lookup_entry_by_path(dir) {
                Ok(Some(entry)) => entry,
                Ok(None) => continue,
                Err(e) => {
                    listed = Err(fail(&e));
                    break;
                }
            };
            let mode = entry.mode();
            if mode.is_link() || mode.is_commit() {
                slots.push(Slot::Problem(symlink_problem(dir)));
                continue;
            }
            if !mode.is_tree() {
                continue;
            }
            let sub = match git.find_tree(entry.object_id()) {
                Ok(sub) => sub,
                Err(e) => {
                    listed = Err(fail(&e));
                    break;
                }
            };
            for item in sub.iter() {
                let item = match item {
                    Ok(item) => item,
                    Err(e) => {
                        listed = Err(fail(&e));
                        break;
                    }
                };
                let Ok(name) = std::str::from_utf8(item.filename()) else {
                    slots.push(Slot::Problem(Diagnostic::error(
                        Code::InvalidFileName,
                        format!("{dir}/{}", String::from_utf8_lossy(item.filename())),
                        "file name is not valid UTF-8",
                    )));
                    continue;
                };
                let rel = format!("{dir}/{name}");
                let mode = item.mode();
                if mode.is_link() {
                    slots.push(Slot::Problem(symlink_problem(&rel)));
                } else if mode.is_commit() {
                    slots.push(Slot::Problem(
                        Diagnostic::error(Code::Submodule, &rel, "submodules are not read as data")
                            .with_hint(
                            "partner and program files must be regular files in this repository",
                        ),
                    ));
                } else if mode.is_blob() && name.ends_with(".toml") {
                    slots.push(Slot::Blob);
                    blobs.push((rel, item.object_id()));
                }
            }
            if listed.is_err() {
                break;
            }
        }
        // Per blob: the file, or the problem of an oversized one. Read in pack order, so that the
        // pack cache holds the bases of most deltas; the results go back to listing order.
        let objects_dir = git.objects.store_ref().path().to_path_buf();
        let order = if with_bytes && blobs.len() >= PARALLEL_FROM {
            pack_order(&objects_dir, git.object_hash(), &blobs)
        } else {
            None
        };
        let read = self.par_map_git(blobs, order, |git, (rel, id)| {
            // A lazy listing needs only ids; the size limit is applied when `fill` reads the blob.
            if !with_bytes {
                return Ok(Ok(SourceFile {
                    path: rel,
                    blob_id: id.to_string(),
                    bytes: Vec::new(),
                }));
            }
            if with_bytes {
                if let Some(bytes) = read_loose_blob(&objects_dir, &id) {
                    return Ok(Ok(SourceFile {
                        path: rel,
                        blob_id: id.to_string(),
                        bytes,
                    }));
                }
            }
            let header = git.find_header(id).map_err(|e| fail(&e))?;
            if header.size() > MAX_FILE_BYTES {
                return Ok(Err(too_large(&rel, header.size())));
            }
            let bytes = if with_bytes {
                exact(git.find_blob(id).map_err(|e| fail(&e))?.take_data())
            } else {
                Vec::new()
            };
            Ok(Ok(SourceFile {
                path: rel,
                blob_id: id.to_string(),
                bytes,
            }))
        })?;
        snap.files.reserve(read.len());
        let mut read = read.into_iter();
        for slot in slots {
            match slot {
                Slot::Problem(d) => snap.problems.push(d),
                Slot::Blob => match read.next().expect("one result per blob")? {
                    Ok(file) => snap.files.push(file),
                    Err(problem) => snap.problems.push(problem),
                },
            }
        }
        listed?;
        Ok(snap)
    }

    /// Apply `f` to every job with a handle on the git repository, in parallel, processing the jobs
    /// in `order` (indices into `jobs`) when given, returning the results in the order of `jobs`.
    /// gix is built without its `parallel` feature, so a `gix::Repository` cannot
    /// be shared across threads: each worker thread opens its own handle once per call (cheap next
    /// to reading thousands of objects), with a pack cache so that delta chains are not resolved
    /// from their base again for every object. Few jobs run on this thread with the existing
    /// handle.
    fn par_map_git<J: Send, O: Send>(
        &self,
        jobs: Vec<J>,
        order: Option<Vec<usize>>,
        f: impl Fn(&gix::Repository, J) -> Result<O, SourceError> + Sync,
    ) -> Result<Vec<Result<O, SourceError>>, SourceError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        thread_local! {
            /// This worker's handle, and the call it was opened for.
            static WORKER: std::cell::RefCell<Option<(u64, gix::Repository)>> =
                const { std::cell::RefCell::new(None) };
        }
        static CALLS: AtomicU64 = AtomicU64::new(0);

        let git = self.git()?;
        let threads = rayon::current_num_threads();
        if jobs.len() < PARALLEL_FROM || threads < 2 {
            return Ok(jobs.into_iter().map(|j| f(git, j)).collect());
        }
        let call = CALLS.fetch_add(1, Ordering::Relaxed);
        let git_dir = git.git_dir().to_path_buf();
        let options = git.open_options().clone();
        let open = || -> Result<gix::Repository, SourceError> {
            let mut repo = gix::open_opts(git_dir.clone(), options.clone())
                .map_err(|e| SourceError(format!("{}: {e}", git_dir.display())))?;
            repo.objects
                .set_pack_cache(|| Box::new(PackCache::new(PACK_CACHE_BYTES)));
            Ok(repo)
        };
        let count = jobs.len();
        let min_len = count.div_ceil(threads * 8);
        let mut jobs: Vec<(usize, J)> = jobs.into_iter().enumerate().collect();
        if let Some(order) = order.filter(|o| o.len() == count) {
            let mut taken: Vec<Option<(usize, J)>> = jobs.into_iter().map(Some).collect();
            jobs = order
                .into_iter()
                .filter_map(|i| taken.get_mut(i)?.take())
                .collect();
            jobs.extend(taken.into_iter().flatten());
        }
        let done: Vec<(usize, Result<O, SourceError>)> = jobs
            .into_par_iter()
            .with_min_len(min_len)
            .map(|(i, job)| {
                let result = WORKER.with(|worker| {
                    let mut worker = worker.borrow_mut();
                    if !matches!(&*worker, Some((c, _)) if *c == call) {
                        *worker = None;
                        *worker = Some((call, open()?));
                    }
                    let (_, repo) = worker.as_ref().expect("just opened");
                    f(repo, job)
                });
                (i, result)
            })
            .collect();
        // Release the handles and their caches.
        rayon::broadcast(|_| WORKER.with(|w| drop(w.borrow_mut().take())));
        let mut out: Vec<Option<Result<O, SourceError>>> = (0..count).map(|_| None).collect();
        for (i, result) in done {
            out[i] = Some(result);
        }
        Ok(out
            .into_iter()
            .map(|r| r.expect("one result per job"))
            .collect())
    }
}

/// A working-tree data file found by [`Repo::list_worktree`], not read yet.
struct Listed {
    /// Path relative to the repository root, with `/` separators.
    rel: String,
    abs: PathBuf,
    /// For the stat data, not following symlinks (`lstat`), as git records files in the index.
    entry: std::fs::DirEntry,
}

/// The git index, for finding working-tree files unchanged since git last recorded them without
/// reading them, as `git status` does.
struct StatIndex {
    index: gix::index::File,
}

impl StatIndex {
    /// The comparison of stat data: git's defaults plus nanoseconds and the device, which are
    /// stricter. A false mismatch costs one read; a false match would hide a change, such as a
    /// file rewritten within the second in which git recorded it.
    const STAT: gix::index::entry::stat::Options = gix::index::entry::stat::Options {
        trust_ctime: true,
        check_stat: true,
        use_nsec: true,
        use_stdev: true,
    };

    /// The repository's index, or `None` when it cannot vouch for the bytes of files: there is
    /// none, it cannot be read, this platform's stat data is not git's, or git may store files
    /// converted.
    fn load(git: &gix::Repository, root: &Path) -> Option<StatIndex> {
        if !cfg!(unix) || may_convert(git, root) {
            return None;
        }
        let index = git.open_index().ok()?;
        Some(StatIndex { index })
    }

    /// The blob id of the working-tree file `rel` with metadata `meta` when git's index shows it
    /// unchanged, with the stat data that showed it. `None` means it must be read: not in the
    /// index at stage 0 (untracked, conflicted), added with `--intent-to-add` (no blob yet),
    /// marked skip-worktree (git no longer looks at it), not a regular file in the index, stat
    /// data differing, or racily clean — modified no earlier than the index was written, so that
    /// a change within the timestamp's resolution would not show in the stat data.
    fn unchanged(
        &self,
        rel: &str,
        meta: &std::fs::Metadata,
    ) -> Option<(gix::ObjectId, gix::index::entry::Stat)> {
        use gix::index::entry::{Flags, Mode, Stage};
        let stat = index_stat(meta)?;
        let entry = self
            .index
            .entry_by_path_and_stage(rel.into(), Stage::Unconflicted)?;
        let usable = !entry
            .flags
            .intersects(Flags::INTENT_TO_ADD | Flags::SKIP_WORKTREE)
            && (entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE)
            && !entry.id.is_null()
            && entry.stat.matches(&stat, Self::STAT)
            && !stat.is_racy(self.index.timestamp(), Self::STAT);
        usable.then_some((entry.id, stat))
    }
}

/// A working-tree file that the index showed unchanged.
struct Unchanged {
    /// The index entry's blob id.
    id: gix::ObjectId,
    abs: PathBuf,
    /// The file's stat data then, which matched the index entry.
    stat: gix::index::entry::Stat,
}

impl Unchanged {
    /// The file's bytes if it is still unchanged: its stat data taken after reading (so that a
    /// write during the read shows) is still the one that matched the index entry.
    fn read(&self) -> Option<Vec<u8>> {
        use std::io::Read;
        let mut file = std::fs::File::open(&self.abs).ok()?;
        // No read to find the end: a file that grew has a newer mtime.
        let mut bytes = vec![0; usize::try_from(self.stat.size).ok()?];
        file.read_exact(&mut bytes).ok()?;
        let meta = file.metadata().ok()?;
        (meta.is_file() && meta.len() == bytes.len() as u64 && index_stat(&meta)? == self.stat)
            .then_some(bytes)
    }
}

/// `meta` as git records it in the index (`lstat` data, truncated to 32 bits as git does).
#[cfg(unix)]
fn index_stat(meta: &std::fs::Metadata) -> Option<gix::index::entry::Stat> {
    use gix::index::entry::stat::Time;
    use std::os::unix::fs::MetadataExt;
    let time = |secs: i64, nsecs: i64| Time {
        secs: secs as u32,
        nsecs: nsecs as u32,
    };
    Some(gix::index::entry::Stat {
        mtime: time(meta.mtime(), meta.mtime_nsec()),
        ctime: time(meta.ctime(), meta.ctime_nsec()),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.size() as u32,
    })
}

/// Elsewhere std's metadata lacks git's inode change time (and more).
#[cfg(not(unix))]
fn index_stat(_meta: &std::fs::Metadata) -> Option<gix::index::entry::Stat> {
    None
}

/// Whether git may store data files differently from their bytes on disk: line-ending conversion
/// (`core.autocrlf`, `text`, `eol`), `ident`, clean filters such as Git LFS, or a
/// `working-tree-encoding`. The index then holds ids of the converted content, not of the files'
/// bytes. Rather than evaluating attributes, any attributes file that may apply and mentions such
/// an attribute counts, as does any unreadable one.
fn may_convert(git: &gix::Repository, root: &Path) -> bool {
    let config = git.config_snapshot();
    let autocrlf_off = match config.boolean("core.autocrlf") {
        Some(on) => !on,
        None => config.string("core.autocrlf").is_none(),
    };
    if !autocrlf_off {
        return true;
    }
    let mut sources = vec![root.join(".gitattributes")];
    sources.extend(
        DATA_DIRS
            .iter()
            .map(|d| root.join(d).join(".gitattributes")),
    );
    sources.push(git.common_dir().join("info").join("attributes"));
    match config.trusted_path("core.attributesFile") {
        Ok(Some(path)) => sources.push(path),
        // Set, but from a file gix does not trust: unknown.
        Ok(None) if config.string("core.attributesFile").is_some() => return true,
        Ok(None) => sources.extend(gix::path::env::xdg_config(
            "attributes",
            &mut gix::path::env::var,
        )),
        Err(_) => return true,
    }
    sources.push(PathBuf::from("/etc/gitattributes"));
    const CONVERTING: [&[u8]; 6] = [b"text", b"eol", b"crlf", b"filter", b"ident", b"encoding"];
    sources.iter().any(|path| match std::fs::read(path) {
        Ok(text) => CONVERTING.iter().any(|word| {
            text.windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word))
        }),
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        ),
    })
}

/// `bytes` without spare capacity: gix's buffers are sized for delta resolution, several times
/// the object, and a snapshot keeps every file's bytes.
fn exact(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.shrink_to_fit();
    bytes
}

/// Fewer git objects than this are read on the calling thread.
const PARALLEL_FROM: usize = 256;

/// Bytes of resolved objects each worker keeps for delta resolution.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// A pack cache for one worker: objects resolved from delta chains, by pack and offset, so that
/// later chains through them stop there. Bounded; emptied when full.
struct PackCache {
    entries: std::collections::HashMap<(u32, u64), (gix::objs::Kind, usize, Vec<u8>)>,
    bytes: usize,
    limit: usize,
}

impl PackCache {
    fn new(limit: usize) -> Self {
        PackCache {
            entries: std::collections::HashMap::new(),
            bytes: 0,
            limit,
        }
    }
}

impl gix::odb::pack::cache::DecodeEntry for PackCache {
    fn put(
        &mut self,
        pack_id: u32,
        offset: u64,
        data: &[u8],
        kind: gix::objs::Kind,
        compressed_size: usize,
    ) {
        if data.len() > self.limit / 16 {
            return;
        }
        if self.bytes + data.len() > self.limit {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += data.len();
        if let Some((_, _, old)) = self
            .entries
            .insert((pack_id, offset), (kind, compressed_size, data.to_vec()))
        {
            self.bytes -= old.len();
        }
    }

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix::objs::Kind, usize)> {
        let (kind, compressed_size, data) = self.entries.get(&(pack_id, offset))?;
        out.clear();
        out.extend_from_slice(data);
        Some((*kind, *compressed_size))
    }
}

/// The order in which to read `blobs` for the pack cache to work: the objects of one delta tree
/// together, bases before the deltas built on them (by pack, chain root, depth, offset); objects
/// in no pack last. Found from the pack index and the entry headers only, without inflating
/// anything. Only an optimisation: `None` when there is nothing to sort by.
fn pack_order(
    objects_dir: &Path,
    hash: gix::hash::Kind,
    blobs: &[(String, gix::ObjectId)],
) -> Option<Vec<usize>> {
    use gix::odb::pack::data::entry::Header;
    use std::collections::HashMap;
    let mut idx_paths: Vec<PathBuf> = std::fs::read_dir(objects_dir.join("pack"))
        .ok()?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    idx_paths.sort();
    let packs: Vec<(
        gix::odb::pack::index::File,
        Option<gix::odb::pack::data::File>,
    )> = idx_paths
        .iter()
        .filter_map(|p| {
            let index = gix::odb::pack::index::File::at(p, hash).ok()?;
            let data = gix::odb::pack::data::File::at(p.with_extension("pack"), hash).ok();
            Some((index, data))
        })
        .collect();
    if packs.is_empty() {
        return None;
    }
    // (pack, offset) → (chain root offset, depth)
    let mut roots: HashMap<(usize, u64), (u64, u32)> = HashMap::new();
    let mut root_of = |k: usize, offset: u64| -> (u64, u32) {
        let (index, Some(data)) = &packs[k] else {
            return (offset, 0);
        };
        let mut chain = vec![offset];
        let (root, mut depth) = loop {
            let at = *chain.last().expect("not empty");
            if let Some(&known) = roots.get(&(k, at)) {
                chain.pop();
                break known;
            }
            let base = data.entry(at).ok().and_then(|e| match e.header {
                Header::OfsDelta { base_distance } => e.checked_base_pack_offset(base_distance),
                Header::RefDelta { base_id } => {
                    index.lookup(base_id).map(|i| index.pack_offset_at_index(i))
                }
                _ => None,
            });
            match base {
                Some(b) if chain.len() < 10_000 && !chain.contains(&b) => chain.push(b),
                _ => {
                    chain.pop();
                    roots.insert((k, at), (at, 0));
                    break (at, 0);
                }
            }
        };
        for at in chain.into_iter().rev() {
            depth += 1;
            roots.insert((k, at), (root, depth));
        }
        roots[&(k, offset)]
    };
    let mut keys: Vec<(usize, u64, u32, u64, usize)> = blobs
        .iter()
        .enumerate()
        .map(|(i, (_, id))| {
            let found = packs.iter().enumerate().find_map(|(k, (index, _))| {
                let entry = index.lookup(id)?;
                Some((k, index.pack_offset_at_index(entry)))
            });
            match found {
                Some((k, offset)) => {
                    let (root, depth) = root_of(k, offset);
                    (k, root, depth, offset, i)
                }
                None => (usize::MAX, 0, 0, 0, i),
            }
        })
        .collect();
    keys.sort_unstable();
    Some(keys.into_iter().map(|(.., i)| i).collect())
}

/// Read a loose blob of at most [`MAX_FILE_BYTES`] straight from its file: one read and one
/// inflate, where gix maps the file twice (header, then object). `None` in every other case (not
/// loose here, not a blob, too large, anything unexpected): the caller then asks gix, which
/// answers and fails exactly as it always did.
fn read_loose_blob(objects_dir: &Path, id: &gix::oid) -> Option<Vec<u8>> {
    let hex = id.to_hex().to_string();
    let compressed = std::fs::read(objects_dir.join(&hex[..2]).join(&hex[2..])).ok()?;
    let mut inflate = gix::zlib::Inflate::default();
    let mut header = [0_u8; 64];
    let (status, consumed_in, consumed_out) = inflate.prefix(&compressed, &mut header).ok()?;
    if status == gix::zlib::Status::BufError {
        return None;
    }
    let (kind, size, header_size) =
        gix::objs::decode::loose_header(&header[..consumed_out]).ok()?;
    if kind != gix::objs::Kind::Blob || size > MAX_FILE_BYTES {
        return None;
    }
    let size = usize::try_from(size).ok()?;
    if consumed_out.checked_sub(header_size)? > size {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    if status == gix::zlib::Status::StreamEnd {
        out.extend_from_slice(&header[header_size..consumed_out]);
    } else {
        inflate
            .rest(
                &compressed[consumed_in..],
                &header[..consumed_out],
                header_size,
                &mut out,
                size,
            )
            .ok()?;
    }
    (out.len() == size).then_some(out)
}

/// The blob id of empty content.
pub const EMPTY_BLOB_ID: &str = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

/// The git blob id of `bytes`, as git would compute it.
pub fn blob_id(bytes: &[u8]) -> String {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
        .map(|id| id.to_string())
        .unwrap_or_default()
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

/// Reading single asset files (logos) by path, with the same rules as data files: no symbolic
/// links anywhere on the way, size checked before reading.
impl Repo {
    /// The root tree of a revision.
    pub fn tree_of(&self, rev: &str) -> Result<gix::ObjectId, SourceError> {
        let id = self.resolve(rev)?;
        self.git()?
            .find_commit(id)
            .and_then(|c| c.tree_id().map(|t| t.detach()))
            .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))
    }

    /// Read the regular file at `parts` (checked components: no `..`, `.` or empty ones) from the
    /// working tree, or from `tree` when given. `Ok(Err(reason))` when it is missing, a symbolic
    /// link (anywhere on the way), a submodule, not a file, or larger than `max` bytes.
    pub fn read_asset(
        &self,
        tree: Option<gix::ObjectId>,
        parts: &[&str],
        max: u64,
    ) -> Result<Result<Vec<u8>, String>, SourceError> {
        match tree {
            None => Ok(read_asset_on_disk(&self.root, parts, max)),
            Some(tree) => self.read_asset_in_tree(tree, parts, max),
        }
    }

    fn read_asset_in_tree(
        &self,
        tree: gix::ObjectId,
        parts: &[&str],
        max: u64,
    ) -> Result<Result<Vec<u8>, String>, SourceError> {
        let git = self.git()?;
        let fail =
            |e: &dyn std::fmt::Display| SourceError(format!("reading {}: {e}", parts.join("/")));
        let mut current = git.find_tree(tree).map_err(|e| fail(&e))?;
        for (i, part) in parts.iter().enumerate() {
            let Some(entry) = current.find_entry(*part) else {
                return Ok(Err("no such file in the revision".into()));
            };
            let (mode, oid) = (entry.mode(), entry.object_id());
            if mode.is_link() {
                return Ok(Err("symbolic links are not followed".into()));
            } else if mode.is_commit() {
                return Ok(Err("submodules are not read".into()));
            } else if i + 1 < parts.len() {
                if !mode.is_tree() {
                    return Ok(Err("no such file in the revision".into()));
                }
                current = git.find_tree(oid).map_err(|e| fail(&e))?;
            } else if !mode.is_blob() {
                return Ok(Err("not a regular file".into()));
            } else {
                let size = git.find_header(oid).map_err(|e| fail(&e))?.size();
                if size > max {
                    return Ok(Err(too_big(size, max)));
                }
                return Ok(Ok(git.find_blob(oid).map_err(|e| fail(&e))?.take_data()));
            }
        }
        Ok(Err("no such file in the revision".into()))
    }
}

fn too_big(size: u64, max: u64) -> String {
    format!("the file is {size} bytes; at most {max} bytes are allowed")
}

/// [`Repo::read_asset`] from the working tree below `root`.
fn read_asset_on_disk(root: &Path, parts: &[&str], max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut path = root.to_path_buf();
    let mut meta = None;
    for part in parts {
        path.push(part);
        let m = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file in the repository".to_owned(),
            _ => format!("cannot read it: {e}"),
        })?;
        if m.file_type().is_symlink() {
            return Err("symbolic links are not followed".into());
        }
        meta = Some(m);
    }
    let meta = meta.filter(|m| m.is_file()).ok_or("not a regular file")?;
    if meta.len() > max {
        return Err(too_big(meta.len(), max));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64, max));
    }
    Ok(bytes)
}
