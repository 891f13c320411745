//! From data commits to per-partner segments: which file (blob) and which program files applied
//! to a partner from which day on, following renames.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::cache::DiffCache;
use super::walk::{self, Change, CommitInfo, Listing, Walked};
use super::IdSince;
use crate::dataset::Catalog;
use crate::diagnostic::Severity;
use crate::load;
use crate::model::scalar::Date;
use crate::model::{Partner, Program};
use crate::source::{SourceError, SourceFile};

/// The valid program versions of one state of `programs/`.
#[derive(Debug, Default)]
pub struct ProgramSet {
    /// Valid programs, any order.
    pub programs: Vec<Program>,
    /// The blobs of each program's valid versions, sorted: equal lists mean equal terms.
    pub versions: HashMap<String, Vec<gix::ObjectId>>,
}

impl ProgramSet {
    /// The catalog of these versions.
    pub fn catalog(&self) -> Catalog<'_> {
        let mut versions: std::collections::BTreeMap<&str, Vec<&Program>> = Default::default();
        for p in &self.programs {
            versions.entry(p.id.as_str()).or_default().push(p);
        }
        for v in versions.values_mut() {
            v.sort_by_key(|p| p.effective_from);
        }
        Catalog { versions }
    }
}

/// A span over which one partner's file and the program files stay the same.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The first day.
    pub start: Date,
    /// Index of the commit that began it.
    pub commit: usize,
    /// The partner file's blob; none once the file is removed.
    pub blob: Option<gix::ObjectId>,
    /// Index of the program set.
    pub programs: usize,
    /// Why it began.
    pub cause: String,
}

/// One partner across renames.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// Its ids, oldest first.
    pub ids: Vec<IdSince>,
    /// Its segments, oldest first.
    pub segments: Vec<Segment>,
}

/// A change of `programs/`: the standing of every partner whose file exists may change with it.
#[derive(Debug, Clone)]
pub struct ProgramChange {
    /// Index of the commit.
    pub commit: usize,
    /// Its day.
    pub date: Date,
    /// Index of the program set from then on.
    pub programs: usize,
}

/// Everything `history` evaluates.
pub struct Timeline {
    /// Data commits, oldest first.
    pub commits: Vec<CommitInfo>,
    /// Where a shallow clone cuts the history.
    pub cut: Option<CommitInfo>,
    /// Program sets, by index.
    pub program_sets: Vec<ProgramSet>,
    /// Parsed partner files by blob; `None` for a file that is not a valid record.
    pub partners: HashMap<gix::ObjectId, Option<Partner>>,
    /// Every partner that ever had a file.
    pub identities: Vec<Identity>,
    /// The commits that changed `programs/`, oldest first.
    pub program_changes: Vec<ProgramChange>,
}

impl Timeline {
    /// The segments of `ident`, plus one for each change of the program terms while its file
    /// exists. Those are added here rather than in the walk, so that only the partners asked
    /// for pay for them (a change of terms would otherwise add a segment to every partner).
    pub fn segments_of(&self, ident: &Identity) -> Vec<Segment> {
        let mut out = Vec::with_capacity(ident.segments.len());
        for (k, seg) in ident.segments.iter().enumerate() {
            out.push(seg.clone());
            let Some(blob) = seg.blob else { continue };
            let next = ident.segments.get(k + 1).map_or(usize::MAX, |n| n.commit);
            let changes = &self.program_changes;
            let from = changes.partition_point(|c| c.commit <= seg.commit);
            let to = changes.partition_point(|c| c.commit < next);
            out.extend(changes[from..to.max(from)].iter().map(|c| Segment {
                start: c.date,
                commit: c.commit,
                blob: Some(blob),
                programs: c.programs,
                cause: "program terms".into(),
            }));
        }
        out
    }
}

fn stem(name: &str) -> String {
    name.strip_suffix(".toml").unwrap_or(name).to_owned()
}

/// Walk the history from `tip` and cut it into segments; the partner files of the identities
/// that `wanted` accepts (by their ids) are parsed.
pub fn build(
    git: &gix::Repository,
    tip: gix::ObjectId,
    cache: &mut DiffCache,
    wanted: impl Fn(&[IdSince]) -> bool,
) -> Result<Timeline, SourceError> {
    let Walked { commits, cut } = walk::walk(git, tip, cache)?;
    let mut b = Builder::default();
    let mut program_blobs: HashMap<gix::ObjectId, Option<Program>> = HashMap::new();
    let mut last = Date::from_ymd(1, 1, 1).expect("valid date");
    for (ci, c) in commits.iter().enumerate() {
        // A rebased branch can have commit dates out of order: time never runs backwards here.
        last = last.max(c.info.date);
        let programs_changed = c.programs.is_some();
        if let Some(listing) = &c.programs {
            b.program_sets
                .push(program_set(git, listing, &mut program_blobs));
            b.program_changes.push(ProgramChange {
                commit: ci,
                date: last,
                programs: b.program_sets.len() - 1,
            });
        }
        let step = Step {
            commit: ci,
            date: last,
            programs: b.program_sets.len().saturating_sub(1),
            programs_changed,
        };
        b.apply(git, &step, c.partners.as_ref());
    }
    let blobs: Vec<gix::ObjectId> = b
        .identities
        .iter()
        .filter(|i| wanted(&i.ids))
        .flat_map(|i| i.segments.iter().filter_map(|s| s.blob))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let partners = parse_partners(git, &blobs);
    Ok(Timeline {
        commits: commits.into_iter().map(|c| c.info).collect(),
        cut,
        program_sets: b.program_sets,
        partners,
        identities: b.identities,
        program_changes: b.program_changes,
    })
}

fn program_set(
    git: &gix::Repository,
    listing: &Listing,
    cache: &mut HashMap<gix::ObjectId, Option<Program>>,
) -> ProgramSet {
    let mut set = ProgramSet::default();
    for (name, id) in listing {
        let program = cache.entry(*id).or_insert_with(|| {
            let file = source_file(git, &format!("programs/{name}"), *id)?;
            valid(load::load_program(&file))
        });
        if let Some(program) = program {
            let versions = set.versions.entry(program.id.to_string()).or_default();
            versions.push(*id);
            versions.sort();
            set.programs.push(program.clone());
        }
    }
    set
}

fn source_file(git: &gix::Repository, path: &str, id: gix::ObjectId) -> Option<SourceFile> {
    Some(SourceFile {
        path: path.to_owned(),
        bytes: walk::read_blob(git, id)?,
        blob_id: Some(id),
    })
}

fn valid<T>(l: load::Loaded<T>) -> Option<T> {
    let bad = l.diagnostics.iter().any(|d| d.severity == Severity::Error);
    l.record.filter(|_| !bad)
}

/// Read each partner blob once (gix is built without its thread-safe handles, so reading is
/// serial) and parse them in parallel.
fn parse_partners(
    git: &gix::Repository,
    blobs: &[gix::ObjectId],
) -> HashMap<gix::ObjectId, Option<Partner>> {
    // The path only names the file in diagnostics, which history does not show; the
    // id-equals-file-name rule is checked by `check`.
    let files: Vec<(gix::ObjectId, Option<SourceFile>)> = (blobs.iter())
        .map(|id| (*id, source_file(git, "partners/history.toml", *id)))
        .collect();
    files
        .into_par_iter()
        .map(|(id, f)| (id, f.and_then(|f| valid(load::load_partner(&f)))))
        .collect()
}

struct Step {
    commit: usize,
    date: Date,
    programs: usize,
    programs_changed: bool,
}

#[derive(Default)]
struct Builder {
    program_sets: Vec<ProgramSet>,
    program_changes: Vec<ProgramChange>,
    identities: Vec<Identity>,
    /// File name → identity, for files present now.
    live: HashMap<String, usize>,
    /// File name → identity, for files removed (re-adding the name continues the partner).
    gone: HashMap<String, usize>,
    current: Listing,
}

impl Builder {
    fn push(&mut self, ident: usize, step: &Step, blob: Option<gix::ObjectId>, cause: String) {
        self.identities[ident].segments.push(Segment {
            start: step.date,
            commit: step.commit,
            blob,
            programs: step.programs,
            cause,
        });
    }

    fn apply(&mut self, git: &gix::Repository, step: &Step, partners: Option<&Vec<Change>>) {
        if let Some(changes) = partners {
            let old = self.current.clone_subset(changes);
            for c in changes {
                match c.new {
                    Some(id) => drop(self.current.insert(c.name.clone(), id)),
                    None => drop(self.current.remove(&c.name)),
                }
            }
            let removed: Vec<String> = (changes.iter())
                .filter(|c| c.new.is_none())
                .map(|c| c.name.clone())
                .collect();
            let mut added: Vec<String> = (changes.iter())
                .filter(|c| c.old.is_none())
                .map(|c| c.name.clone())
                .collect();
            let also = if step.programs_changed {
                " and program terms"
            } else {
                ""
            };
            for c in changes.iter().filter(|c| c.old.is_some()) {
                if let (Some(id), Some(&ident)) = (c.new, self.live.get(&c.name)) {
                    self.push(ident, step, Some(id), format!("partner file{also}"));
                }
            }
            let new = &self.current;
            for (from, to) in renames(git, &old, new, &removed, &added) {
                let ident = self.live.remove(&from).expect("a live file");
                let blob = self.current[&to];
                self.identities[ident].ids.push(IdSince {
                    id: stem(&to),
                    since: step.date,
                });
                self.push(
                    ident,
                    step,
                    Some(blob),
                    format!("renamed from {}", stem(&from)),
                );
                self.live.insert(to.clone(), ident);
                added.retain(|a| *a != to);
            }
            for name in &removed {
                let Some(ident) = self.live.remove(name) else {
                    continue;
                };
                self.push(ident, step, None, "partner file removed".into());
                self.gone.insert(name.clone(), ident);
            }
            for name in added {
                let ident = self.gone.remove(&name).unwrap_or_else(|| {
                    self.identities.push(Identity {
                        ids: vec![IdSince {
                            id: stem(&name),
                            since: step.date,
                        }],
                        segments: Vec::new(),
                    });
                    self.identities.len() - 1
                });
                let blob = self.current[&name];
                self.push(ident, step, Some(blob), "partner file added".into());
                self.live.insert(name, ident);
            }
        }
    }
}

/// The listing's entries for the removed files of `changes` (their old blobs).
trait CloneSubset {
    fn clone_subset(&self, changes: &[Change]) -> Listing;
}

impl CloneSubset for Listing {
    fn clone_subset(&self, changes: &[Change]) -> Listing {
        (changes.iter())
            .filter_map(|c| Some((c.name.clone(), c.old?)))
            .collect()
    }
}

/// Pairs (removed, added) of one commit that are the same partner under a new name: the same
/// blob, or at least half of the lines in common. Only small sets of candidates are compared, so
/// a commit replacing thousands of files costs no quadratic work.
fn renames(
    git: &gix::Repository,
    old: &Listing,
    new: &Listing,
    removed: &[String],
    added: &[String],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if removed.is_empty() || added.is_empty() || removed.len() * added.len() > 400 {
        return out;
    }
    let lines = |id: gix::ObjectId| -> BTreeSet<String> {
        walk::read_blob(git, id)
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut free: Vec<&String> = added.iter().collect();
    for r in removed {
        let before = lines(old[r]);
        let best = free
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let after = lines(new[*a]);
                let common = before.intersection(&after).count();
                (
                    common * 2 >= before.len().max(after.len()).max(1),
                    common,
                    k,
                )
            })
            .filter(|(similar, _, _)| *similar)
            .max_by_key(|(_, common, _)| *common);
        if let Some((_, _, k)) = best {
            out.push((r.clone(), free.remove(k).clone()));
        }
    }
    out
}
