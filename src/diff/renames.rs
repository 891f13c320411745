//! Renamed files: a removed and an added file of one directory with similar content.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Candidates compared in full with a removed file once a directory has more added files than
/// this; below it every added file is compared, as always.
const RENAME_CANDIDATES: usize = 16;

/// A line shared by more added files than this says nothing about which one a removed file
/// became (`[profile]`, `country = "DE"`), so it does not propose candidates.
const RARE_LINE_FILES: usize = 8;

/// Pair removed with added files of the same directory whose content is at least 60 % similar
/// (by lines), taking the removed files in order, each the most similar added file still free
/// (ties: the first path). An added file with the very same blob is the most similar and is found
/// by lookup. In a directory with more than [`RENAME_CANDIDATES`] added files, only the added
/// files sharing the most rare lines with the removed one are compared, so that thousands of
/// renames cost thousands of comparisons, not millions.
pub(super) fn detect_renames<'p, 't>(
    removed: &[&'p str],
    added: &[&'p str],
    base: impl Fn(&str) -> (Option<gix::ObjectId>, &'t str),
    head: impl Fn(&str) -> (Option<gix::ObjectId>, &'t str),
) -> Vec<(&'p str, &'p str)> {
    fn dir(p: &str) -> Option<&str> {
        p.rsplit_once('/').map(|x| x.0)
    }
    let mut by_dir: BTreeMap<Option<&str>, Vec<&'p str>> = BTreeMap::new();
    for a in added {
        by_dir.entry(dir(a)).or_default().push(a);
    }
    let mut pools: BTreeMap<Option<&str>, RenamePool<'p, 't>> = by_dir
        .into_iter()
        .map(|(d, paths)| (d, RenamePool::new(paths, &head)))
        .collect();
    let mut renames = Vec::new();
    for r in removed {
        let Some(pool) = pools.get_mut(&dir(r)) else {
            continue;
        };
        let (blob, text) = base(r);
        if let Some(a) = pool.best_match(blob, text) {
            renames.push((*r, a));
        }
    }
    renames
}

/// How similar two texts are by lines, 0 to 1: twice the lines the line diff keeps over all
/// lines. The lines both texts hold (as multisets) bound it from above and cost one pass, so
/// clearly different texts skip the diff.
fn similarity(a: &str, b: &str) -> f32 {
    let mut counts: HashMap<&str, isize> = HashMap::new();
    for l in a.lines() {
        *counts.entry(l).or_default() += 1;
    }
    let mut common = 0_usize;
    let mut lines_b = 0_usize;
    for l in b.lines() {
        lines_b += 1;
        if let Some(c) = counts.get_mut(l).filter(|c| **c > 0) {
            *c -= 1;
            common += 1;
        }
    }
    let total = a.lines().count() + lines_b;
    let bound = if total == 0 {
        1.0
    } else {
        2.0 * common as f32 / total as f32
    };
    if bound < 0.6 {
        return bound;
    }
    similar::TextDiff::from_lines(a, b).ratio()
}

/// The added files of one directory that removed files may have become.
struct RenamePool<'p, 't> {
    paths: Vec<&'p str>,
    texts: Vec<&'t str>,
    taken: Vec<bool>,
    /// Free files by blob id, in path order.
    by_blob: HashMap<gix::ObjectId, Vec<usize>>,
    /// Files by the lines few of them share (only for large pools).
    by_line: HashMap<&'t str, Vec<usize>>,
}

impl<'p, 't> RenamePool<'p, 't> {
    fn new(paths: Vec<&'p str>, read: impl Fn(&str) -> (Option<gix::ObjectId>, &'t str)) -> Self {
        let (blobs, texts): (Vec<Option<gix::ObjectId>>, Vec<&str>) =
            paths.iter().map(|p| read(p)).unzip();
        let mut by_blob: HashMap<gix::ObjectId, Vec<usize>> = HashMap::new();
        for (i, b) in blobs.iter().enumerate() {
            if let Some(b) = b {
                by_blob.entry(*b).or_default().push(i);
            }
        }
        let mut by_line: HashMap<&str, Vec<usize>> = HashMap::new();
        if paths.len() > RENAME_CANDIDATES {
            for (i, t) in texts.iter().enumerate() {
                for line in t.lines().collect::<HashSet<_>>() {
                    by_line.entry(line).or_default().push(i);
                }
            }
            by_line.retain(|_, files| files.len() <= RARE_LINE_FILES);
        }
        let taken = vec![false; paths.len()];
        RenamePool {
            paths,
            texts,
            taken,
            by_blob,
            by_line,
        }
    }

    /// The free file most similar to `text` (at least 60 %), now taken.
    fn best_match(&mut self, blob: Option<gix::ObjectId>, text: &str) -> Option<&'p str> {
        let same = blob
            .and_then(|b| self.by_blob.get(&b))
            .and_then(|ids| ids.iter().copied().find(|i| !self.taken[*i]));
        let best = same.or_else(|| {
            self.candidates(text)
                .into_iter()
                .map(|i| (similarity(text, self.texts[i]), i))
                .filter(|(ratio, _)| *ratio >= 0.6)
                .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.1.cmp(&x.1)))
                .map(|(_, i)| i)
        })?;
        self.taken[best] = true;
        Some(self.paths[best])
    }

    /// The free files worth comparing with `text`: all of a small pool; of a large one, those
    /// sharing the most rare lines with it.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let free = |i: &usize| !self.taken[*i];
        if self.paths.len() <= RENAME_CANDIDATES {
            return (0..self.paths.len()).filter(free).collect();
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for line in text.lines().collect::<HashSet<_>>() {
            for i in self
                .by_line
                .get(line)
                .into_iter()
                .flatten()
                .filter(|i| free(i))
            {
                *shared.entry(*i).or_default() += 1;
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        ranked.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let mut top: Vec<usize> = ranked
            .into_iter()
            .take(RENAME_CANDIDATES)
            .map(|(i, _)| i)
            .collect();
        top.sort_unstable();
        top
    }
}
