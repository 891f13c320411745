//! Reading the working tree: listing the data files, reading and hashing them, and the git index
//! that vouches for files unchanged since git recorded them.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{blob_id, symlink_problem, too_large, Repo, Snapshot, SourceError, SourceFile};
use super::{DATA_DIRS, MAX_FILE_BYTES};
use crate::diagnostic::{Code, Diagnostic};

impl Repo {
    pub(super) fn read_worktree(&self, hash: bool) -> Result<Snapshot, SourceError> {
        self.read_worktree_with(hash, None)
    }

    /// [`Repo::read_worktree`], taking the blob id of files that `index` shows unchanged from the
    /// index instead of reading them.
    pub(super) fn read_worktree_with(
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
                        blob_id: Some(id),
                    };
                    return Job::Read(Ok(file), Some(Unchanged { id, abs, stat }));
                }
                let file = std::fs::read(&abs)
                    .map(|bytes| SourceFile {
                        blob_id: if hash { blob_id(&bytes) } else { None },
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
pub(super) struct StatIndex {
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
    pub(super) fn load(git: &gix::Repository, root: &Path) -> Option<StatIndex> {
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
pub(super) struct Unchanged {
    /// The index entry's blob id.
    pub(super) id: gix::ObjectId,
    abs: PathBuf,
    /// The file's stat data then, which matched the index entry.
    stat: gix::index::entry::Stat,
}

impl Unchanged {
    /// The file's bytes if it is still unchanged: its stat data taken after reading (so that a
    /// write during the read shows) is still the one that matched the index entry.
    pub(super) fn read(&self) -> Option<Vec<u8>> {
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
