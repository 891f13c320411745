//! The touched files: added, removed, renamed, modified, each with its field changes.

use std::collections::{BTreeMap, HashSet};

use super::fields::{field_changes, file_json, text_diff, KEY_FIELDS, PUBLIC_KEY_FIELDS};
use super::renames::detect_renames;
use super::{FileChange, PartnerEvent};
use crate::dataset::Dataset;

pub(super) fn file_changes(
    base: &Dataset,
    head: &Dataset,
    show: bool,
) -> (Vec<PartnerEvent>, Vec<FileChange>) {
    struct F<'a> {
        blob: Option<gix::ObjectId>,
        text: Option<&'a str>,
        partner: bool,
    }
    type Files<'d> = BTreeMap<&'d str, (Option<gix::ObjectId>, Option<&'d str>, bool)>;
    fn collect(ds: &Dataset) -> Files<'_> {
        ds.programs
            .iter()
            .map(|f| (f.path.as_str(), (f.blob_id, f.text.as_deref(), false)))
            .chain(
                ds.partners
                    .iter()
                    .map(|f| (f.path.as_str(), (f.blob_id, f.text.as_deref(), true))),
            )
            .collect()
    }
    let (bmap, hmap) = (collect(base), collect(head));
    fn view<'m>(m: &Files<'m>, p: &str) -> Option<F<'m>> {
        m.get(p).map(|(b, t, partner)| F {
            blob: *b,
            text: *t,
            partner: *partner,
        })
    }
    let mut removed: Vec<&str> = bmap
        .keys()
        .copied()
        .filter(|p| !hmap.contains_key(p))
        .collect();
    let mut added: Vec<&str> = hmap
        .keys()
        .copied()
        .filter(|p| !bmap.contains_key(p))
        .collect();
    let mut events = Vec::new();
    let mut files = Vec::new();
    let stem = |p: &str| {
        p.rsplit('/')
            .next()
            .unwrap_or(p)
            .trim_end_matches(".toml")
            .to_owned()
    };

    // Renames: a removed and an added file in the same directory with similar content.
    let renames = detect_renames(
        &removed,
        &added,
        |p| view(&bmap, p).map_or((None, ""), |f| (f.blob, f.text.unwrap_or(""))),
        |p| view(&hmap, p).map_or((None, ""), |f| (f.blob, f.text.unwrap_or(""))),
    );
    let renamed: HashSet<&str> = renames.iter().flat_map(|(r, a)| [*r, *a]).collect();
    removed.retain(|r| !renamed.contains(r));
    added.retain(|a| !renamed.contains(a));

    // `before` is the base's file at `from`, or for new scheduled terms the head's version that
    // they replace.
    let mut emit =
        |before: &Files<'_>, from: Option<&str>, to: Option<&str>, status: &'static str| {
            let (b, h) = (
                from.and_then(|p| view(before, p)),
                to.and_then(|p| view(&hmap, p)),
            );
            let partner = b.as_ref().or(h.as_ref()).is_some_and(|f| f.partner);
            let path = to.or(from).unwrap_or_default();
            let mask = partner && !show;
            let keys: &[&str] = if mask {
                &PUBLIC_KEY_FIELDS
            } else {
                &KEY_FIELDS
            };
            let fields = field_changes(
                &file_json(b.as_ref().and_then(|f| f.text), path, keys),
                &file_json(h.as_ref().and_then(|f| f.text), path, keys),
                mask,
            );
            let text_diff = (!partner || show).then(|| {
                text_diff(
                    b.as_ref().and_then(|f| f.text).unwrap_or(""),
                    h.as_ref().and_then(|f| f.text).unwrap_or(""),
                    from.unwrap_or(path),
                    to.unwrap_or(path),
                )
            });
            files.push(FileChange {
                path: path.to_owned(),
                renamed_from: if status == "renamed" {
                    from.map(str::to_owned)
                } else {
                    None
                },
                compared_with: (status == "added")
                    .then(|| from.map(str::to_owned))
                    .flatten(),
                status,
                fields,
                text_diff,
            });
        };
    for p in &removed {
        emit(&bmap, Some(p), None, "removed");
    }
    for p in &added {
        emit(&hmap, replaced_version(head, p), Some(p), "added");
    }
    for (r, a) in &renames {
        emit(&bmap, Some(r), Some(a), "renamed");
    }
    for p in bmap.keys().copied().filter(|p| hmap.contains_key(p)) {
        if view(&bmap, p).map(|f| f.blob) != view(&hmap, p).map(|f| f.blob) {
            emit(&bmap, Some(p), Some(p), "modified");
        }
    }
    for p in removed.iter().filter(|p| p.starts_with("partners/")) {
        events.push(PartnerEvent::Removed { partner: stem(p) });
    }
    for p in added.iter().filter(|p| p.starts_with("partners/")) {
        events.push(PartnerEvent::Added { partner: stem(p) });
    }
    for (r, a) in renames.iter().filter(|(r, _)| r.starts_with("partners/")) {
        events.push(PartnerEvent::Renamed {
            from: stem(r),
            to: stem(a),
        });
    }
    events.sort();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (events, files)
}

/// For a program file of `head`: the version of the same program in force just before it takes
/// effect, which it replaces from its date on.
fn replaced_version<'d>(head: &'d Dataset, path: &str) -> Option<&'d str> {
    let new = head
        .programs
        .iter()
        .find(|f| f.path == path)?
        .record
        .as_ref()?;
    head.programs
        .iter()
        .filter_map(|f| f.record.as_ref().map(|p| (f.path.as_str(), p)))
        .filter(|(_, p)| p.id == new.id && p.effective_from < new.effective_from)
        .max_by_key(|(_, p)| p.effective_from)
        .map(|(path, _)| path)
}
