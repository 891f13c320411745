//! A loaded snapshot: every program and partner file, parsed in parallel, plus the problems found.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::load::{self, FileKind, Loaded};
use crate::model::scalar::Date;
use crate::model::{Partner, Program};
use crate::rules::{self, Related, Rules};
// Defined with the model, which `evaluate` also reads: `evaluate` need not depend on `dataset`.
pub use crate::model::catalog::Catalog;
use crate::source::{Repo, Snapshot, SourceError, SourceFile};
use crate::validate;

/// Everything read from one side.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Program files, sorted by path.
    pub programs: Vec<Loaded<Program>>,
    /// Partner files, sorted by path.
    pub partners: Vec<Loaded<Partner>>,
    /// Problems not tied to a loaded file (symlinks, oversized files).
    pub problems: Vec<Diagnostic>,
}

impl Dataset {
    /// Load and validate every file of a snapshot, with the cross-record rules of the terms in
    /// force today or scheduled (see [`Dataset::from_snapshot_as_of`]).
    pub fn from_snapshot(snap: &Snapshot) -> Dataset {
        Dataset::from_snapshot_as_of(snap, crate::clock::today())
    }

    /// Load and validate every file of a snapshot; the cross-record rules of a program are those
    /// of its version in force on `as_of` and of every version scheduled after it.
    pub fn from_snapshot_as_of(snap: &Snapshot, as_of: Date) -> Dataset {
        let (programs, partners): (Vec<_>, Vec<_>) = snap
            .files
            .iter()
            .filter_map(|f| FileKind::of_path(&f.path).map(|k| (k, f)))
            .partition(|(k, _)| *k == FileKind::Program);
        let programs: Vec<Loaded<Program>> = programs
            .par_iter()
            .map(|(_, f)| load::load_program(f))
            .collect();
        let partners: Vec<Loaded<Partner>> = partners
            .par_iter()
            .map(|(_, f)| load::load_partner(f))
            .collect();
        let mut ds = Dataset {
            programs,
            partners,
            problems: snap.problems.clone(),
        };
        ds.validate(as_of, rules::ALL);
        ds
    }

    /// Run the semantic rules, with `rules` as the cross-file rules, and flag placeholders.
    fn validate(&mut self, as_of: Date, rules: &Rules) {
        validate::validate_as_of(&mut self.programs, &mut self.partners, as_of, rules);
        crate::scaffold::placeholder::flag(&mut self.programs, &mut self.partners);
    }

    /// Load two snapshots (the sides of a diff), parsing each distinct file content only once:
    /// files with the same path and blob id on both sides share their parse.
    pub fn pair(base: &Snapshot, head: &Snapshot) -> (Dataset, Dataset) {
        Dataset::pair_as_of(base, head, crate::clock::today())
    }

    /// [`Dataset::pair`], with the cross-record rules of the terms in force on `as_of` and later.
    pub fn pair_as_of(base: &Snapshot, head: &Snapshot, as_of: Date) -> (Dataset, Dataset) {
        Dataset::pair_as_of_with(base, head, as_of, rules::ALL)
    }

    /// [`Dataset::pair_as_of`] with `rules` as the cross-file rules.
    pub fn pair_as_of_with(
        base: &Snapshot,
        head: &Snapshot,
        as_of: Date,
        rules: &Rules,
    ) -> (Dataset, Dataset) {
        let mut unique: BTreeMap<(&str, Option<gix::ObjectId>), &SourceFile> = BTreeMap::new();
        for f in base.files.iter().chain(&head.files) {
            unique.entry((f.path.as_str(), f.blob_id)).or_insert(f);
        }
        let files: Vec<&SourceFile> = unique.into_values().collect();
        let mut programs: BTreeMap<(String, Option<gix::ObjectId>), Loaded<Program>> = files
            .par_iter()
            .filter(|f| FileKind::of_path(&f.path) == Some(FileKind::Program))
            .map(|f| ((f.path.clone(), f.blob_id), load::load_program(f)))
            .collect();
        let mut partners: BTreeMap<(String, Option<gix::ObjectId>), Loaded<Partner>> = files
            .par_iter()
            .filter(|f| FileKind::of_path(&f.path) == Some(FileKind::Partner))
            .map(|f| ((f.path.clone(), f.blob_id), load::load_partner(f)))
            .collect();
        let key = |f: &SourceFile| (f.path.clone(), f.blob_id);
        // The base side copies what it shares with the head side; the head side then takes the
        // parses themselves.
        let base_ds = Dataset {
            programs: base
                .files
                .iter()
                .filter_map(|f| programs.get(&key(f)).cloned())
                .collect(),
            partners: base
                .files
                .par_iter()
                .filter_map(|f| partners.get(&key(f)).cloned())
                .collect(),
            problems: base.problems.clone(),
        };
        let head_ds = Dataset {
            programs: head
                .files
                .iter()
                .filter_map(|f| programs.remove(&key(f)))
                .collect(),
            partners: head
                .files
                .iter()
                .filter_map(|f| partners.remove(&key(f)))
                .collect(),
            problems: head.problems.clone(),
        };
        let mut sides = [base_ds, head_ds];
        sides
            .par_iter_mut()
            .for_each(|ds| ds.validate(as_of, rules));
        let [base_ds, head_ds] = sides;
        (base_ds, head_ds)
    }

    /// Load the two sides of a diff, doing only the work that can matter. When the program files
    /// are identical on both sides, unchanged partner files cannot change effect, so only the
    /// touched partner files are read and parsed — plus the untouched ones that the cross-file
    /// rules relate to them: those that may share a value of a key the rules read (an id, a
    /// customer; see [`crate::rules`]). Otherwise everything is loaded.
    ///
    /// The snapshots are filled (and trimmed to the files needed) in place; the caller owns them,
    /// so it decides when (or whether) to free them.
    pub fn pair_incremental(
        repo: &Repo,
        base: &mut Snapshot,
        head: &mut Snapshot,
        as_of: Date,
    ) -> Result<(Dataset, Dataset), SourceError> {
        Dataset::pair_incremental_with(repo, base, head, as_of, rules::ALL)
    }

    /// [`Dataset::pair_incremental`] with `rules` as the cross-file rules.
    pub fn pair_incremental_with(
        repo: &Repo,
        base: &mut Snapshot,
        head: &mut Snapshot,
        as_of: Date,
        rules: &Rules,
    ) -> Result<(Dataset, Dataset), SourceError> {
        let changed = changed_paths(base, head);
        if changed.iter().any(|p| is_program(p)) {
            fill_both(repo, base, head)?;
            return Ok(Dataset::pair_as_of_with(base, head, as_of, rules));
        }
        let touched = changed;
        repo.fill(base, |p| is_program(p) || touched.contains(p))?;
        repo.fill(head, |p| is_program(p) || touched.contains(p))?;
        let related = related_untouched(repo, base, head, &touched, rules)?;
        let keep = |f: &SourceFile| {
            is_program(&f.path) || touched.contains(&f.path) || related.contains(&f.path)
        };
        base.files.retain(keep);
        head.files.retain(keep);
        repo.fill(base, |_| true)?;
        repo.fill(head, |_| true)?;
        Ok(Dataset::pair_as_of_with(base, head, as_of, rules))
    }

    /// All diagnostics, sorted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.problems.clone();
        all.extend(
            self.programs
                .iter()
                .flat_map(|f| f.diagnostics.iter().cloned()),
        );
        all.extend(
            self.partners
                .iter()
                .flat_map(|f| f.diagnostics.iter().cloned()),
        );
        diagnostic::sort(&mut all);
        all
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        let err = |d: &Diagnostic| d.severity == Severity::Error;
        self.problems.iter().any(err)
            || self.programs.iter().any(|f| f.diagnostics.iter().any(err))
            || self.partners.iter().any(|f| f.diagnostics.iter().any(err))
    }

    /// The program catalog: every valid program version by id.
    pub fn catalog(&self) -> Catalog<'_> {
        let mut versions: BTreeMap<&str, Vec<&Program>> = BTreeMap::new();
        for f in &self.programs {
            if let (Some(p), false) = (
                &f.record,
                f.diagnostics.iter().any(|d| d.severity == Severity::Error),
            ) {
                versions.entry(p.id.as_str()).or_default().push(p);
            }
        }
        for v in versions.values_mut() {
            v.sort_by_key(|p| p.effective_from);
        }
        Catalog { versions }
    }
}

fn is_program(path: &str) -> bool {
    FileKind::of_path(path) == Some(FileKind::Program)
}

/// Read every file of both sides. Most files are the same on both sides: the base side takes
/// their bytes from the head side instead of reading (and inflating) the same blobs again.
fn fill_both(repo: &Repo, base: &mut Snapshot, head: &mut Snapshot) -> Result<(), SourceError> {
    repo.fill(head, |_| true)?;
    let known: BTreeMap<gix::ObjectId, &Vec<u8>> = head
        .files
        .iter()
        .filter(|f| !f.bytes.is_empty())
        .filter_map(|f| Some((f.blob_id?, &f.bytes)))
        .collect();
    for f in base.files.iter_mut().filter(|f| f.bytes.is_empty()) {
        if let Some(bytes) = f.blob_id.and_then(|id| known.get(&id)) {
            f.bytes = (*bytes).clone();
        }
    }
    repo.fill(base, |_| true)
}

/// The untouched partner files that `rules` may relate to the `touched` ones (read on both
/// sides): those whose text may hold a key value of a touched record. Untouched files are
/// identical on both sides, so the head side is searched, by a byte search (SIMD, in parallel)
/// of files read and dropped one by one; the hits are parsed later, and a hit that shares no
/// value only costs that parse.
fn related_untouched(
    repo: &Repo,
    base: &Snapshot,
    head: &Snapshot,
    touched: &BTreeSet<String>,
    rules: &Rules,
) -> Result<BTreeSet<String>, SourceError> {
    let mut related = Related::new(rules);
    for f in base
        .files
        .iter()
        .chain(&head.files)
        .filter(|f| touched.contains(&f.path))
    {
        if let Some(record) = &load::load_partner(f).record {
            related.add(record);
        }
    }
    let Some(matcher) = related.matcher() else {
        return Ok(BTreeSet::new());
    };
    let untouched = |f: &SourceFile| !is_program(&f.path) && !touched.contains(&f.path);
    let hits = repo.select(head, untouched, |_, bytes| matcher.may_hold(bytes))?;
    Ok(hits.into_iter().collect())
}

/// The paths whose blob differs between the sides, or that only one side has: one merge walk
/// over the two listings, which are sorted by path.
fn changed_paths(base: &Snapshot, head: &Snapshot) -> BTreeSet<String> {
    use std::cmp::Ordering;
    let mut changed = BTreeSet::new();
    let (mut b, mut h) = (base.files.iter().peekable(), head.files.iter().peekable());
    loop {
        let order = match (b.peek(), h.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => x.path.cmp(&y.path),
        };
        match order {
            Ordering::Less => changed.extend(b.next().map(|f| f.path.clone())),
            Ordering::Greater => changed.extend(h.next().map(|f| f.path.clone())),
            Ordering::Equal => {
                let (x, y) = (b.next(), h.next());
                if let (Some(x), Some(y)) = (x, y) {
                    if x.blob_id != y.blob_id {
                        changed.insert(x.path.clone());
                    }
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paths_are_the_added_removed_and_modified_ones() {
        let side = |files: &[(&str, &str)]| Snapshot {
            files: files
                .iter()
                .map(|(path, blob)| SourceFile {
                    path: (*path).into(),
                    bytes: Vec::new(),
                    blob_id: crate::source::blob_id(blob.as_bytes()),
                })
                .collect(),
            ..Snapshot::default()
        };
        let base = side(&[
            ("partners/a.toml", "1"),
            ("partners/b.toml", "2"),
            ("partners/d.toml", "4"),
        ]);
        let head = side(&[
            ("partners/b.toml", "2"),
            ("partners/c.toml", "3"),
            ("partners/d.toml", "5"),
        ]);
        let changed: Vec<String> = changed_paths(&base, &head).into_iter().collect();
        assert_eq!(
            changed,
            ["partners/a.toml", "partners/c.toml", "partners/d.toml"]
        );
        assert!(changed_paths(&head, &head).is_empty());
        assert_eq!(changed_paths(&side(&[]), &head).len(), 3);
    }
}
