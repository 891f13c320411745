//! The touched files: added, removed, renamed, modified, each with its field changes.

use std::collections::{BTreeMap, HashSet};

use super::fields::{field_changes, file_json, text_diff, KEY_FIELDS, PUBLIC_KEY_FIELDS};
use super::renames::detect_renames;
use super::{FileChange, PartnerEvent};
use crate::dataset::Dataset;

/// A file of one side: its blob, its text, and whether it is a partner file.
struct F<'a> {
    blob: Option<gix::ObjectId>,
    text: Option<&'a str>,
    partner: bool,
}

type Files<'d> = BTreeMap<&'d str, (Option<gix::ObjectId>, Option<&'d str>, bool)>;

fn collect(ds: &Dataset) -> Files<'_> {
    let programs =
        (ds.programs.iter()).map(|f| (f.path.as_str(), (f.blob_id, f.text.as_deref(), false)));
    let partners =
        (ds.partners.iter()).map(|f| (f.path.as_str(), (f.blob_id, f.text.as_deref(), true)));
    programs.chain(partners).collect()
}

fn view<'m>(m: &Files<'m>, p: &str) -> Option<F<'m>> {
    m.get(p).map(|(b, t, partner)| F {
        blob: *b,
        text: *t,
        partner: *partner,
    })
}

fn stem(p: &str) -> String {
    p.rsplit('/')
        .next()
        .unwrap_or(p)
        .trim_end_matches(".toml")
        .to_owned()
}

pub(super) fn file_changes(
    base: &Dataset,
    head: &Dataset,
    show: bool,
) -> (Vec<PartnerEvent>, Vec<FileChange>) {
    let (bmap, hmap) = (collect(base), collect(head));
    let mut removed: Vec<&str> = (bmap.keys().copied())
        .filter(|p| !hmap.contains_key(p))
        .collect();
    let mut added: Vec<&str> = (hmap.keys().copied())
        .filter(|p| !bmap.contains_key(p))
        .collect();
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
    let change =
        |before: &Files<'_>, from, to, status| file_change(before, &hmap, from, to, status, show);
    let mut files = Vec::new();
    for p in &removed {
        files.push(change(&bmap, Some(p), None, "removed"));
    }
    for p in &added {
        files.push(change(&hmap, replaced_version(head, p), Some(p), "added"));
    }
    for (r, a) in &renames {
        files.push(change(&bmap, Some(r), Some(a), "renamed"));
    }
    for p in bmap.keys().copied().filter(|p| hmap.contains_key(p)) {
        if view(&bmap, p).map(|f| f.blob) != view(&hmap, p).map(|f| f.blob) {
            files.push(change(&bmap, Some(p), Some(p), "modified"));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (partner_events(&removed, &added, &renames), files)
}

/// One touched file. `before` is the base's file at `from`, or for new scheduled terms the
/// head's version that they replace.
fn file_change(
    before: &Files<'_>,
    hmap: &Files<'_>,
    from: Option<&str>,
    to: Option<&str>,
    status: &'static str,
    show: bool,
) -> FileChange {
    let (b, h) = (
        from.and_then(|p| view(before, p)),
        to.and_then(|p| view(hmap, p)),
    );
    let partner = b.as_ref().or(h.as_ref()).is_some_and(|f| f.partner);
    let path = to.or(from).unwrap_or_default();
    let mask = partner && !show;
    let keys: &[&str] = if mask {
        &PUBLIC_KEY_FIELDS
    } else {
        &KEY_FIELDS
    };
    let (btext, htext) = (b.and_then(|f| f.text), h.and_then(|f| f.text));
    let fields = field_changes(
        &file_json(btext, path, keys),
        &file_json(htext, path, keys),
        mask,
    );
    let text_diff = (!partner || show).then(|| {
        text_diff(
            btext.unwrap_or(""),
            htext.unwrap_or(""),
            from.unwrap_or(path),
            to.unwrap_or(path),
        )
    });
    FileChange {
        path: path.to_owned(),
        renamed_from: (status == "renamed")
            .then(|| from.map(str::to_owned))
            .flatten(),
        compared_with: (status == "added")
            .then(|| from.map(str::to_owned))
            .flatten(),
        status,
        fields,
        text_diff,
    }
}

/// Partners added, removed and renamed, sorted.
fn partner_events(removed: &[&str], added: &[&str], renames: &[(&str, &str)]) -> Vec<PartnerEvent> {
    let partner = |p: &&&str| p.starts_with("partners/");
    let mut events: Vec<PartnerEvent> = (removed.iter().filter(partner))
        .map(|p| PartnerEvent::Removed { partner: stem(p) })
        .chain(
            added
                .iter()
                .filter(partner)
                .map(|p| PartnerEvent::Added { partner: stem(p) }),
        )
        .collect();
    for (r, a) in renames.iter().filter(|(r, _)| r.starts_with("partners/")) {
        events.push(PartnerEvent::Renamed {
            from: stem(r),
            to: stem(a),
        });
    }
    events.sort();
    events
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
