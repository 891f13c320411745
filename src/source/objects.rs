//! Reading git objects: the data files of a revision, in parallel, in pack order, with gix's pack
//! cache per worker.

use std::path::{Path, PathBuf};

use gix::odb::pack::cache::lru::MemoryCappedHashmap;
use rayon::prelude::*;

use super::{exact, symlink_problem, too_large, Repo, Snapshot, SourceError, SourceFile};
use super::{DATA_DIRS, MAX_FILE_BYTES};
use crate::diagnostic::{Code, Diagnostic};

/// In listing order: a problem found while listing, or the next blob of [`Listed::blobs`].
/// Blobs are looked up and read in parallel and the results merged back in this order, so
/// problems keep their order and the first error is the one a serial loop would meet.
enum Slot {
    Problem(Diagnostic),
    Blob,
}

/// The data files of a revision's tree, as listed.
#[derive(Default)]
struct Listed {
    slots: Vec<Slot>,
    blobs: Vec<(String, gix::ObjectId)>,
    /// What stopped the listing early.
    error: Option<SourceError>,
}

type Fail<'f> = &'f dyn Fn(&dyn std::fmt::Display) -> SourceError;

impl Repo {
    pub(super) fn read_revision(
        &self,
        rev: &str,
        with_bytes: bool,
    ) -> Result<Snapshot, SourceError> {
        let git = self.git()?;
        let commit_id = self.resolve(rev)?;
        let tree = git
            .find_commit(commit_id)
            .and_then(|c| c.tree())
            .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))?;
        let fail = |e: &dyn std::fmt::Display| SourceError(format!("reading {rev:?}: {e}"));
        let mut listed = Listed::default();
        for dir in DATA_DIRS {
            if let Err(e) = list_dir(git, &tree, dir, &mut listed, &fail) {
                listed.error = Some(e);
                break;
            }
        }
        // Per blob: the file, or the problem of an oversized one. Read in pack order, so that the
        // pack cache holds the bases of most deltas; the results go back to listing order.
        let objects_dir = git.objects.store_ref().path().to_path_buf();
        let order = if with_bytes && listed.blobs.len() >= PARALLEL_FROM {
            pack_order(&objects_dir, git.object_hash(), &listed.blobs)
        } else {
            None
        };
        let blobs = std::mem::take(&mut listed.blobs);
        let read = self.par_map_git(blobs, order, |git, (rel, id)| {
            read_one(git, &objects_dir, with_bytes, rel, id, &fail)
        })?;
        let mut snap = Snapshot {
            label: rev.to_owned(),
            ..Snapshot::default()
        };
        snap.files.reserve(read.len());
        let mut read = read.into_iter();
        for slot in listed.slots {
            match slot {
                Slot::Problem(d) => snap.problems.push(d),
                Slot::Blob => match read.next().expect("one result per blob")? {
                    Ok(file) => snap.files.push(file),
                    Err(problem) => snap.problems.push(problem),
                },
            }
        }
        listed.error.map_or(Ok(snap), Err)
    }

    /// Apply `f` to every job with a handle on the git repository, in parallel, processing the jobs
    /// in `order` (indices into `jobs`) when given, returning the results in the order of `jobs`.
    /// A `gix::Repository` is not `Sync`: each rayon work split takes a thread-local handle of
    /// gix's `ThreadSafeRepository`, with gix's LRU pack cache so that delta chains are not
    /// resolved from their base again for every object (the splits are runs of `order`, which
    /// keeps delta trees together). Few jobs run on this thread with the existing handle.
    pub(super) fn par_map_git<J: Send, O: Send>(
        &self,
        jobs: Vec<J>,
        order: Option<Vec<usize>>,
        f: impl Fn(&gix::Repository, J) -> Result<O, SourceError> + Sync,
    ) -> Result<Vec<Result<O, SourceError>>, SourceError> {
        let git = self.git()?;
        let threads = rayon::current_num_threads();
        if jobs.len() < PARALLEL_FROM || threads < 2 {
            return Ok(jobs.into_iter().map(|j| f(git, j)).collect());
        }
        let sync = git.clone().into_sync();
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
            .map_init(
                || {
                    let mut repo = sync.to_thread_local();
                    repo.objects
                        .set_pack_cache(|| Box::new(MemoryCappedHashmap::new(PACK_CACHE_BYTES)));
                    repo
                },
                |repo, (i, job)| (i, f(repo, job)),
            )
            .collect();
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

/// Fewer git objects than this are read on the calling thread.
const PARALLEL_FROM: usize = 256;

/// Bytes of resolved objects each worker's pack cache keeps for delta resolution.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

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
///
/// Kept by hand because gix's `find_header` + `find_blob` are measured slower: `check --rev HEAD`
/// on the 10,000-partner loose repository takes 1.19 s ± 0.25 (CPU 0.57 s) through gix and
/// 0.68 s ± 0.13 (CPU 0.30 s) through this reader (BENCHMARKS.md, "Issue #11 item 5: gix
/// features vs hand-written source code").
fn read_loose_blob(objects_dir: &Path, id: &gix::oid) -> Option<Vec<u8>> {
    use std::io::Read;
    let hex = id.to_hex().to_string();
    let mut file = std::fs::File::open(objects_dir.join(&hex[..2]).join(&hex[2..])).ok()?;
    // zlib never grows data by half: a larger file holds a larger blob, which gix then measures
    // from its header without reading the rest.
    let len = file.metadata().ok()?.len();
    if len > MAX_FILE_BYTES + MAX_FILE_BYTES / 2 {
        return None;
    }
    let mut compressed = Vec::with_capacity(usize::try_from(len).ok()?);
    file.read_to_end(&mut compressed).ok()?;
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

/// List the data files of `dir` in `tree` into `out`.
fn list_dir(
    git: &gix::Repository,
    tree: &gix::Tree<'_>,
    dir: &str,
    out: &mut Listed,
    fail: Fail<'_>,
) -> Result<(), SourceError> {
    let Some(entry) = tree.lookup_entry_by_path(dir).map_err(|e| fail(&e))? else {
        return Ok(());
    };
    let mode = entry.mode();
    if mode.is_link() || mode.is_commit() {
        out.slots.push(Slot::Problem(symlink_problem(dir)));
        return Ok(());
    }
    if !mode.is_tree() {
        return Ok(());
    }
    let sub = git.find_tree(entry.object_id()).map_err(|e| fail(&e))?;
    for item in sub.iter() {
        let item = item.map_err(|e| fail(&e))?;
        let Ok(name) = std::str::from_utf8(item.filename()) else {
            out.slots.push(Slot::Problem(Diagnostic::error(
                Code::InvalidFileName,
                format!("{dir}/{}", String::from_utf8_lossy(item.filename())),
                "file name is not valid UTF-8",
            )));
            continue;
        };
        let rel = format!("{dir}/{name}");
        let mode = item.mode();
        if mode.is_link() {
            out.slots.push(Slot::Problem(symlink_problem(&rel)));
        } else if mode.is_commit() {
            out.slots.push(Slot::Problem(
                Diagnostic::error(Code::Submodule, &rel, "submodules are not read as data")
                    .with_hint(
                        "partner and program files must be regular files in this repository",
                    ),
            ));
        } else if mode.is_blob() && name.ends_with(".toml") {
            out.slots.push(Slot::Blob);
            out.blobs.push((rel, item.object_id()));
        }
    }
    Ok(())
}

/// One listed blob: the file (without bytes for a lazy listing, whose `fill` applies the size
/// limit), or the problem of an oversized one.
fn read_one(
    git: &gix::Repository,
    objects_dir: &Path,
    with_bytes: bool,
    rel: String,
    id: gix::ObjectId,
    fail: Fail<'_>,
) -> Result<Result<SourceFile, Diagnostic>, SourceError> {
    let file = |bytes| SourceFile {
        path: rel.clone(),
        blob_id: Some(id),
        bytes,
    };
    if !with_bytes {
        return Ok(Ok(file(Vec::new())));
    }
    if let Some(bytes) = read_loose_blob(objects_dir, &id) {
        return Ok(Ok(file(bytes)));
    }
    let header = git.find_header(id).map_err(|e| fail(&e))?;
    if header.size() > MAX_FILE_BYTES {
        return Ok(Err(too_large(&rel, header.size())));
    }
    let bytes = exact(git.find_blob(id).map_err(|e| fail(&e))?.take_data());
    Ok(Ok(file(bytes)))
}
