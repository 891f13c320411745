//! Reading the working tree: listing the data files, reading and hashing them, and the git index
//! that vouches for files unchanged since git recorded them.

use std::path::PathBuf;

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
            .map(|Listed { rel, abs }| {
                // `lstat`, as git records files in the index.
                let meta = gix::index::fs::Metadata::from_path_no_follow(&abs).map(|m| {
                    let stat = gix::index::entry::Stat::from_fs(&m).ok();
                    (m.is_file(), m.len(), stat)
                });
                let (is_file, len, stat) = match meta {
                    Ok(meta) => meta,
                    Err(e) => return Job::Read(Err(SourceError(format!("{rel}: {e}"))), None),
                };
                // The listing judged the file by its directory entry; a file replaced since then
                // (by a symlink, say) is not read.
                if !is_file {
                    let e = "changed while being listed; run again";
                    return Job::Read(Err(SourceError(format!("{rel}: {e}"))), None);
                }
                if len > MAX_FILE_BYTES {
                    return Job::TooLarge(rel, len);
                }
                let unchanged = index
                    .zip(stat)
                    .and_then(|(index, stat)| index.unchanged(&rel, stat));
                if let Some((id, stat)) = unchanged {
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
}

/// The git index, for finding working-tree files unchanged since git last recorded them without
/// reading them, as `git status` does.
pub(super) struct StatIndex {
    index: gix::index::File,
    /// Data files that git converts on the way into the index (attributes `text`, `eol`, …):
    /// the index holds the id of the converted content, not of the file's bytes.
    converting: std::collections::HashSet<String>,
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
    /// none, it or the attributes cannot be read, this platform's stat data is not git's, or
    /// `core.autocrlf` may convert any text file.
    pub(super) fn load(git: &gix::Repository) -> Option<StatIndex> {
        if !cfg!(unix) || autocrlf(git) {
            return None;
        }
        let index = git.open_index().ok()?;
        let converting = converting_paths(git, &index)?;
        Some(StatIndex { index, converting })
    }

    /// The blob id of the working-tree file `rel` with stat data `stat` when git's index shows it
    /// unchanged, with that stat data. `None` means it must be read: git converts it (see
    /// [`converting_paths`]), not in the index at stage 0 (untracked, conflicted), added with
    /// `--intent-to-add` (no blob yet), marked skip-worktree (git no longer looks at it), not a
    /// regular file in the index, stat data differing, or racily clean — modified no earlier than
    /// the index was written, so that a change within the timestamp's resolution would not show in
    /// the stat data.
    fn unchanged(
        &self,
        rel: &str,
        stat: gix::index::entry::Stat,
    ) -> Option<(gix::ObjectId, gix::index::entry::Stat)> {
        use gix::index::entry::{Flags, Mode, Stage};
        if self.converting.contains(rel) {
            return None;
        }
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
        let meta = gix::index::fs::Metadata::from_file(&file).ok()?;
        let stat = gix::index::entry::Stat::from_fs(&meta).ok()?;
        (meta.is_file() && meta.len() == bytes.len() as u64 && stat == self.stat).then_some(bytes)
    }
}

/// Whether `core.autocrlf` may convert line endings (anything but unset or false).
fn autocrlf(git: &gix::Repository) -> bool {
    let config = git.config_snapshot();
    match config.boolean("core.autocrlf") {
        Some(on) => on,
        None => config.string("core.autocrlf").is_some(),
    }
}

/// The attributes that make git store a file converted (or may: a `filter` whose driver is not
/// configured does nothing, but counts).
const CONVERTING_ATTRIBUTES: [&str; 6] = [
    "text",
    "eol",
    "crlf",
    "filter",
    "ident",
    "working-tree-encoding",
];

/// The data files in `index` (the files the index can vouch for) to which git's attributes assign
/// a conversion, as gix evaluates them (working-tree `.gitattributes` files, then the index's,
/// `info/attributes`, `core.attributesFile`, the system file). `None` when they cannot be read.
fn converting_paths(
    git: &gix::Repository,
    index: &gix::index::File,
) -> Option<std::collections::HashSet<String>> {
    use gix::attrs::StateRef;
    let mut stack = git
        .attributes_only(
            index,
            gix::worktree::stack::state::attributes::Source::WorktreeThenIdMapping,
        )
        .ok()?;
    let mut outcome = stack.selected_attribute_matches(CONVERTING_ATTRIBUTES);
    let mut converting = std::collections::HashSet::new();
    for entry in index.entries() {
        let path = entry.path(index);
        let Ok(rel) = std::str::from_utf8(path) else {
            continue;
        };
        if !DATA_DIRS
            .iter()
            .any(|d| rel.strip_prefix(d).is_some_and(|r| r.starts_with('/')))
        {
            continue;
        }
        outcome.reset();
        let platform = stack.at_entry(path, Some(entry.mode)).ok()?;
        platform.matching_attributes(&mut outcome);
        if outcome
            .iter_selected()
            .any(|m| matches!(m.assignment.state, StateRef::Set | StateRef::Value(_)))
        {
            converting.insert(rel.to_owned());
        }
    }
    Some(converting)
}
