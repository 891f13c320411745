//! Reading the history from git objects: the first-parent chain of commits, and for each commit
//! that touched `partners/` or `programs/` the entries of those two trees (names and blob ids,
//! never the blobs of unchanged files).

use std::collections::BTreeMap;

use serde::Serialize;

use super::cache::{DiffCache, DiffKey};
use crate::model::scalar::Date;
use crate::source::SourceError;

/// The commit behind a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Abbreviated commit id (12 hex digits).
    pub id: String,
    /// Author name.
    pub author: String,
    /// Committer date (UTC): the day the change took effect on the branch.
    pub date: Date,
    /// First line of the message.
    pub subject: String,
}

/// Blob ids of the `.toml` files of one data directory, by file name.
pub type Listing = BTreeMap<String, gix::ObjectId>;

/// A file of `partners/` that a commit added (`old` none), removed (`new` none) or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// File name.
    pub name: String,
    /// Blob before.
    pub old: Option<gix::ObjectId>,
    /// Blob after.
    pub new: Option<gix::ObjectId>,
}

/// One commit that changed the data, with what it changed.
pub struct DataCommit {
    /// Who, when, what.
    pub info: CommitInfo,
    /// The full id.
    pub id: gix::ObjectId,
    /// The changed files of `partners/`, when that tree changed.
    pub partners: Option<Vec<Change>>,
    /// `programs/` after the commit, when it changed.
    pub programs: Option<Listing>,
}

/// The data commits of a branch, oldest first, and where the history is cut in a shallow clone.
pub struct Walked {
    /// Commits that changed `partners/` or `programs/` (the first commit always counts).
    pub commits: Vec<DataCommit>,
    /// The oldest commit reached, when its parent is missing (a shallow clone).
    pub cut: Option<CommitInfo>,
}

fn err(what: &str, e: impl std::fmt::Display) -> SourceError {
    SourceError(format!("{what}: {e}"))
}

/// Walk the first-parent chain from `tip` back to the root (or to where a shallow clone ends).
/// Only the subtree ids of each commit are compared; listings are read for changed ones, and
/// diffs of `partners/` come from `cache` when it knows them (the others are computed first,
/// in parallel).
pub fn walk(
    git: &gix::Repository,
    tip: gix::ObjectId,
    cache: &mut DiffCache,
) -> Result<Walked, SourceError> {
    let (chain, cut) = first_parent_chain(git, tip)?;
    let steps = data_steps(git, chain)?;
    fill_cache(git, cache, steps.iter().filter_map(|s| s.partners))?;
    let mut commits = Vec::with_capacity(steps.len());
    for step in steps {
        let commit = git
            .find_commit(step.id)
            .map_err(|e| err("reading a commit", e))?;
        // fill_cache put every diff there: a missing one is a bug, not "nothing changed".
        let changes = (step.partners)
            .map(|key| cache.get(&key).map(<[Change]>::to_vec))
            .map(|known| known.ok_or_else(|| err("a tree diff", "missing after computing it")))
            .transpose()?;
        commits.push(DataCommit {
            info: info(&commit)?,
            id: step.id,
            partners: changes,
            programs: step.programs.map(|t| listing(git, t)).transpose()?,
        });
    }
    Ok(Walked { commits, cut })
}

/// A commit that changed the data: the two versions of `partners/` when that changed, and the
/// new `programs/` tree when that changed.
struct Step {
    id: gix::ObjectId,
    partners: Option<DiffKey>,
    programs: Option<Option<gix::ObjectId>>,
}

/// The commits of `chain` that change `partners/` or `programs/` (the first always does).
fn data_steps(
    git: &gix::Repository,
    chain: Vec<(gix::ObjectId, gix::ObjectId)>,
) -> Result<Vec<Step>, SourceError> {
    let mut steps = Vec::new();
    let (mut last_partners, mut last_programs) = (None, None);
    for (i, (id, tree)) in chain.into_iter().enumerate() {
        let (partners, programs) = subtrees(git, tree)?;
        let changed_partners = i == 0 || partners != last_partners;
        let changed_programs = i == 0 || programs != last_programs;
        if changed_partners || changed_programs {
            steps.push(Step {
                id,
                partners: changed_partners.then_some((last_partners, partners)),
                programs: changed_programs.then_some(programs),
            });
        }
        (last_partners, last_programs) = (partners, programs);
    }
    Ok(steps)
}

/// Compute the diffs of `keys` the cache lacks. Consecutive diffs share a tree (the new tree of
/// one is the old tree of the next), so the work is cut into one run of consecutive diffs per
/// thread, each keeping its last tree decoded; inflating the trees is most of the cost.
fn fill_cache(
    git: &gix::Repository,
    cache: &mut DiffCache,
    keys: impl Iterator<Item = DiffKey>,
) -> Result<(), SourceError> {
    use rayon::prelude::*;
    let missing: Vec<DiffKey> = keys.filter(|k| cache.get(k).is_none()).collect();
    let threads = rayon::current_num_threads();
    let done = if missing.len() < 64 || threads < 2 {
        vec![diff_run(git, &missing)]
    } else {
        let sync = git.clone().into_sync();
        (missing.par_chunks(missing.len().div_ceil(threads)))
            .map(|run| diff_run(&sync.to_thread_local(), run))
            .collect()
    };
    for run in done {
        for (key, changes) in run? {
            cache.insert(key, changes);
        }
    }
    Ok(())
}

/// The diffs of a run of keys, decoding each tree once where one key's new tree is the next
/// key's old tree.
fn diff_run(
    git: &gix::Repository,
    keys: &[DiffKey],
) -> Result<Vec<(DiffKey, Vec<Change>)>, SourceError> {
    let mut last: Option<Decoded> = None;
    let mut out = Vec::with_capacity(keys.len());
    for &key in keys {
        let old = match (last.take(), key.0) {
            (Some(d), Some(id)) if d.id == id => Some(d),
            (_, old) => old.map(|id| Decoded::read(git, id)).transpose()?,
        };
        let new = key.1.map(|id| Decoded::read(git, id)).transpose()?;
        out.push((key, tree_diff(old.as_ref(), new.as_ref())));
        last = new;
    }
    Ok(out)
}

/// Commit and tree ids, oldest first, and the commit whose parent a shallow clone lacks.
type Chain = (Vec<(gix::ObjectId, gix::ObjectId)>, Option<CommitInfo>);

/// The first-parent chain from `tip`, oldest first, with each commit's tree, and the commit
/// whose parent is missing in a shallow clone.
fn first_parent_chain(git: &gix::Repository, tip: gix::ObjectId) -> Result<Chain, SourceError> {
    let mut chain = Vec::new();
    let mut cut = None;
    let mut next = Some(tip);
    while let Some(id) = next {
        let commit = git
            .find_commit(id)
            .map_err(|e| err("reading a commit", e))?;
        let tree = commit
            .tree_id()
            .map_err(|e| err("reading a commit", e))?
            .detach();
        let parent = commit.parent_ids().next().map(|p| p.detach());
        next = match parent {
            Some(p) if git.has_object(p) => Some(p),
            Some(_) => {
                cut = Some(info(&commit)?);
                None
            }
            None => None,
        };
        chain.push((id, tree));
    }
    chain.reverse();
    Ok((chain, cut))
}

fn info(commit: &gix::Commit<'_>) -> Result<CommitInfo, SourceError> {
    let seconds = commit
        .time()
        .map_err(|e| err("reading a commit", e))?
        .seconds;
    let date = chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| Date(t.date_naive()))
        .ok_or_else(|| SourceError(format!("commit {} has an impossible date", commit.id)))?;
    let author = commit
        .author()
        .map(|a| a.name.to_string())
        .unwrap_or_default();
    let message = commit.message_raw_sloppy().to_string();
    let subject = message.lines().next().unwrap_or_default().trim().to_owned();
    let hex = commit.id.to_hex().to_string();
    Ok(CommitInfo {
        id: hex[..12.min(hex.len())].to_owned(),
        author,
        date,
        subject,
    })
}

/// The ids of the trees `partners` and `programs` directly under `tree`.
type Subtrees = (Option<gix::ObjectId>, Option<gix::ObjectId>);

fn subtrees(git: &gix::Repository, tree: gix::ObjectId) -> Result<Subtrees, SourceError> {
    let tree = git.find_tree(tree).map_err(|e| err("reading a tree", e))?;
    let decoded = tree.decode().map_err(|e| err("reading a tree", e))?;
    let find = |name: &str| {
        (decoded.entries.iter())
            .find(|e| e.filename == name.as_bytes() && e.mode.is_tree())
            .map(|e| e.oid.to_owned())
    };
    Ok((find("partners"), find("programs")))
}

/// The `.toml` blobs directly in `tree` (symlinks, submodules and subdirectories are not data).
fn listing(git: &gix::Repository, tree: Option<gix::ObjectId>) -> Result<Listing, SourceError> {
    let Some(tree) = tree else {
        return Ok(Listing::new());
    };
    let tree = git.find_tree(tree).map_err(|e| err("reading a tree", e))?;
    let decoded = tree.decode().map_err(|e| err("reading a tree", e))?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_blob() && e.filename.ends_with(b".toml"))
        .filter_map(|e| {
            let name = std::str::from_utf8(e.filename).ok()?;
            Some((name.to_owned(), e.oid.to_owned()))
        })
        .collect())
}

/// A tree's `.toml` blob entries, decoded once: names as ranges of the tree's bytes.
struct Decoded {
    id: gix::ObjectId,
    data: Vec<u8>,
    entries: Vec<(std::ops::Range<usize>, gix::ObjectId)>,
}

impl Decoded {
    fn read(git: &gix::Repository, id: gix::ObjectId) -> Result<Decoded, SourceError> {
        let data = git
            .find_tree(id)
            .map_err(|e| err("reading a tree", e))?
            .take_data();
        let base = data.as_ptr() as usize;
        let mut entries = Vec::new();
        for entry in gix::objs::TreeRefIter::from_bytes(&data, id.kind()) {
            let e = entry.map_err(|e| err("reading a tree", e))?;
            if e.mode.is_blob() && e.filename.ends_with(b".toml") {
                let start = e.filename.as_ptr() as usize - base;
                entries.push((start..start + e.filename.len(), e.oid.to_owned()));
            }
        }
        Ok(Decoded { id, data, entries })
    }

    fn entries(&self) -> impl Iterator<Item = (&[u8], gix::ObjectId)> {
        (self.entries.iter()).map(|(name, id)| (&self.data[name.clone()], *id))
    }
}

fn listing_of(d: Option<&Decoded>) -> Vec<(&[u8], gix::ObjectId)> {
    d.map(|d| d.entries().collect()).unwrap_or_default()
}

/// The files that differ between two versions of a tree: one merge walk over both listings.
/// Git sorts a directory as its name plus `/`; among the files left once directories are
/// dropped, that is plain byte order.
fn tree_diff(old: Option<&Decoded>, new: Option<&Decoded>) -> Vec<Change> {
    use std::cmp::Ordering;
    let (a, b) = (listing_of(old), listing_of(new));
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(y.0),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        let (n, o, w) = match order {
            Ordering::Less => (a[i].0, Some(a[i].1), None),
            Ordering::Greater => (b[j].0, None, Some(b[j].1)),
            Ordering::Equal => (a[i].0, Some(a[i].1), Some(b[j].1)),
        };
        i += usize::from(order != Ordering::Greater);
        j += usize::from(order != Ordering::Less);
        // A file name that is not UTF-8 cannot be a partner id: not data.
        if let (true, Ok(n)) = (o != w, std::str::from_utf8(n)) {
            out.push(Change {
                name: n.to_owned(),
                old: o,
                new: w,
            });
        }
    }
    out
}

/// The bytes of a blob, unless it is larger than [`crate::source::MAX_FILE_BYTES`].
pub fn read_blob(git: &gix::Repository, id: gix::ObjectId) -> Option<Vec<u8>> {
    let header = git.find_header(id).ok()?;
    if header.size() > crate::source::MAX_FILE_BYTES {
        return None;
    }
    git.find_blob(id).ok().map(|mut b| b.take_data())
}
