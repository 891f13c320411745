//! Tree diffs of `partners/` kept between runs of `history`, in the repository's git directory.
//!
//! Why: a partners tree of 10,000 files is about 470 KB; a history of 1,000 commits inflates and
//! decodes one such tree per commit, which costs several times a whole `check` (BENCHMARKS.md,
//! "history"). The diff between two trees is a fact about two object ids and never changes, so it
//! is computed once and reused, the way git keeps its commit-graph. The cache cannot change a
//! result: it is keyed by both tree ids, and a file that does not parse is ignored as a whole.
//!
//! Format (text, one record per line): a header line, then for each diff a line
//! `D <old> <new> <count>` followed by `count` lines `<old blob> <new blob> <file name>`, where a
//! missing tree or blob is `-`. File names containing a line break are never cached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::walk::Change;

const HEADER: &str = "partnerctl history tree-diff cache v1";
/// A cache larger than this is not read (and not written): it would no longer be cheap.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The two tree ids of a diff; `None` for "no `partners/` directory".
pub type DiffKey = (Option<gix::ObjectId>, Option<gix::ObjectId>);

/// Diffs read from the cache file and computed in this run.
#[derive(Debug, Default)]
pub struct DiffCache {
    /// Where the cache lives; `None` for a cache that is neither read nor written.
    path: Option<PathBuf>,
    diffs: HashMap<DiffKey, Vec<Change>>,
    added: bool,
}

impl DiffCache {
    /// A cache that only lives for this run.
    pub fn in_memory() -> DiffCache {
        DiffCache::default()
    }

    /// The cache of the repository whose git directory is `git_dir` (shared by its worktrees);
    /// empty when the file is missing, too large or not a cache.
    pub fn open(git_dir: &Path) -> DiffCache {
        let path = git_dir.join("partnerctl").join("history-tree-diffs-v1");
        let diffs = read_bounded(&path)
            .and_then(|b| parse(&b))
            .unwrap_or_default();
        DiffCache {
            path: Some(path),
            diffs,
            added: false,
        }
    }

    /// The diff between two trees, if known.
    pub fn get(&self, key: &DiffKey) -> Option<&[Change]> {
        self.diffs.get(key).map(Vec::as_slice)
    }

    /// Remember a diff computed in this run.
    pub fn insert(&mut self, key: DiffKey, changes: Vec<Change>) {
        self.added = true;
        self.diffs.insert(key, changes);
    }

    /// Write the cache back when this run added to it. Failing to write (a read-only
    /// repository, a full disk) only costs the next run the time saved: it is not an error.
    pub fn save(&self) {
        let Some(path) = self.path.as_ref().filter(|_| self.added) else {
            return;
        };
        let text = serialize(&self.diffs);
        if text.len() as u64 > MAX_BYTES {
            return;
        }
        let _ = write_atomically(path, text.as_bytes());
    }
}

fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_BYTES).then_some(bytes)
}

/// Another run may write the same file at the same time: each writes a file of its own and
/// renames it over the cache, so a reader sees one whole version or the other.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".history-tree-diffs.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn id_text(id: Option<gix::ObjectId>) -> String {
    id.map_or_else(|| "-".to_owned(), |id| id.to_string())
}

/// The cache file's text; records sorted so that the same diffs give the same bytes.
pub fn serialize(diffs: &HashMap<DiffKey, Vec<Change>>) -> String {
    let mut keys: Vec<&DiffKey> = (diffs.iter())
        .filter(|(_, changes)| changes.iter().all(|c| !c.name.contains(['\n', '\r'])))
        .map(|(k, _)| k)
        .collect();
    keys.sort();
    let mut out = format!("{HEADER}\n");
    for key in keys {
        let changes = &diffs[key];
        let (old, new) = (id_text(key.0), id_text(key.1));
        out.push_str(&format!("D {old} {new} {}\n", changes.len()));
        for c in changes {
            let (old, new) = (id_text(c.old), id_text(c.new));
            out.push_str(&format!("{old} {new} {}\n", c.name));
        }
    }
    out
}

fn parse_id(s: &str) -> Option<Option<gix::ObjectId>> {
    match s {
        "-" => Some(None),
        hex => gix::ObjectId::from_hex(hex.as_bytes()).ok().map(Some),
    }
}

/// Read a cache file; `None` for anything that is not exactly what [`serialize`] writes.
pub fn parse(bytes: &[u8]) -> Option<HashMap<DiffKey, Vec<Change>>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.strip_suffix('\n')?.split('\n');
    if lines.next()? != HEADER {
        return None;
    }
    let mut diffs = HashMap::new();
    while let Some(line) = lines.next() {
        let mut head = line.strip_prefix("D ")?.split(' ');
        let key = (parse_id(head.next()?)?, parse_id(head.next()?)?);
        let count: usize = head.next()?.parse().ok()?;
        if head.next().is_some() {
            return None;
        }
        // Every change takes a line: a count beyond the lines left is a lie, not an allocation.
        let mut changes = Vec::with_capacity(count.min(text.len() / 4));
        for _ in 0..count {
            let mut parts = lines.next()?.splitn(3, ' ');
            let (old, new) = (parse_id(parts.next()?)?, parse_id(parts.next()?)?);
            let name = parts.next().filter(|n| !n.contains('\r'))?.to_owned();
            changes.push(Change { name, old, new });
        }
        diffs.insert(key, changes);
    }
    Some(diffs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> gix::ObjectId {
        gix::ObjectId::from_bytes_or_panic(&[byte; 20])
    }

    fn sample() -> HashMap<DiffKey, Vec<Change>> {
        let mut diffs = HashMap::new();
        let changes = vec![
            Change {
                name: "acme gmbh.toml".into(),
                old: None,
                new: Some(id(2)),
            },
            Change {
                name: "zeta.toml".into(),
                old: Some(id(3)),
                new: None,
            },
        ];
        diffs.insert((None, Some(id(1))), changes);
        diffs.insert((Some(id(1)), Some(id(4))), Vec::new());
        diffs
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let text = serialize(&sample());
        assert_eq!(parse(text.as_bytes()), Some(sample()));
        assert!(text.starts_with("partnerctl history tree-diff cache v1\nD - 0101"));
        assert!(text.contains("\n- 0202020202020202020202020202020202020202 acme gmbh.toml\n"));
    }

    #[test]
    fn a_name_with_a_line_break_is_not_cached() {
        let mut diffs = sample();
        let odd = vec![Change {
            name: "a\nD - - 0.toml".into(),
            old: None,
            new: Some(id(9)),
        }];
        diffs.insert((Some(id(7)), Some(id(8))), odd);
        assert_eq!(parse(serialize(&diffs).as_bytes()), Some(sample()));
    }

    #[test]
    fn anything_else_is_not_a_cache() {
        let good = serialize(&sample());
        let truncated = &good[..good.len() - 10];
        let wrong_count = good.replace(" 2\n", " 3\n");
        let wrong_header = good.replace("v1", "v2");
        let bad_id = good.replace("0101010101", "01010101zz");
        for bad in [truncated, &wrong_count, &wrong_header, &bad_id, "", "\n"] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse(&[0xff, 0xfe]), None);
    }

    #[test]
    fn a_huge_count_allocates_nothing_up_front() {
        let text = format!("{HEADER}\nD - - 18446744073709551615\n");
        assert_eq!(parse(text.as_bytes()), None);
    }

    proptest::proptest! {
        /// The fuzz target's property (fuzz/fuzz_targets/history_cache.rs) within the test budget,
        /// on text shaped like a cache so that most cases get past the header.
        #[test]
        fn any_text_is_refused_or_reads_back(
            body in "(D (-|[0-9a-f]{40}) (-|[0-9a-f]{40}) [0-3]\n|(-|[0-9a-f]{40}) (-|[0-9a-f]{40}) [^\n]{0,8}\n){0,6}"
        ) {
            let text = format!("{HEADER}\n{body}");
            if let Some(diffs) = parse(text.as_bytes()) {
                proptest::prop_assert_eq!(parse(serialize(&diffs).as_bytes()), Some(diffs));
            }
        }
    }
}
