//! The public directory entries a change alters, computed by the very function the site is built
//! from ([`PublicPartner::new`]), so reviewers see what visitors will see.
//!
//! Logos are not rebuilt here: a change of logo file is not previewed, a change of listing with
//! logo is (as the membership's `listing`).

use std::collections::{BTreeMap, BTreeSet};

use super::fields::{field_changes, flatten};
use super::standing::Standings;
use super::{ListingChange, Scope};
use crate::dataset::Catalog;
use crate::evaluate::{self, Evaluation};
use crate::model::scalar::Date;
use crate::model::Partner;
use crate::public::PublicPartner;

/// Entries of `partners.json` arrays are named by these fields.
const ENTRY_KEYS: [&str; 2] = ["program", "id"];

/// Partners (head ids) whose entry may change: touched files, and partners whose tier, types,
/// statuses, entitlements or fees changed somewhere.
fn candidates(scope: &Scope<'_>, be: &Standings, he: &Standings) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = scope
        .hsel
        .touched
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    ids.extend(
        scope
            .bsel
            .touched
            .iter()
            .map(|p| scope.head_id(p.id.as_str()).to_owned()),
    );
    let keys: BTreeSet<&(String, String)> = be.keys().chain(he.keys()).collect();
    for k in keys {
        let same = match (be.get(k), he.get(k)) {
            (Some(b), Some(h)) => b.tier == h.tier && b.same_outcome(h),
            _ => false,
        };
        if !same {
            ids.insert(k.0.clone());
        }
    }
    ids
}

/// The public entries of `partners` on one side, as the site would build them on `as_of`.
fn entries(
    partners: &[&Partner],
    cat: &Catalog<'_>,
    as_of: Date,
) -> BTreeMap<String, PublicPartner> {
    let evals = evaluate::evaluate_each(partners.iter().copied(), cat, as_of, |e| e);
    let mut by_partner: BTreeMap<&str, Vec<&Evaluation>> = BTreeMap::new();
    for ev in &evals {
        by_partner.entry(ev.partner.as_str()).or_default().push(ev);
    }
    partners
        .iter()
        .filter_map(|p| {
            let evs = by_partner.get(p.id.as_str())?;
            PublicPartner::new(p.id.as_str(), &p.profile, evs, cat, as_of, None)
                .map(|e| (p.id.to_string(), e))
        })
        .collect()
}

/// The entry's fields as visitors read them: ids that only sort or link (`id`, tier and
/// program ids, the tier's rank) left out, `page` (the address) kept; for an entry that appears
/// or disappears as a whole, empty fields too.
fn flat(entry: Option<&PublicPartner>, whole: bool) -> BTreeMap<String, String> {
    const INTERNAL: [&str; 5] = [".tier", ".tier_rank", ".program", ".track.id", ".id"];
    let mut out = BTreeMap::new();
    if let Some(e) = entry {
        let json = serde_json::to_value(e).unwrap_or_default();
        flatten(&json, "", &ENTRY_KEYS, &mut out);
    }
    out.retain(|path, value| {
        let internal = path == "id" || INTERNAL.iter().any(|s| path.ends_with(s));
        !internal && !(whole && (value == "null" || value == "[]"))
    });
    out
}

pub(super) fn changes(
    scope: &Scope<'_>,
    be: &Standings,
    he: &Standings,
    as_of: Date,
) -> Vec<ListingChange> {
    let ids = candidates(scope, be, he);
    let head: Vec<&Partner> = ids.iter().filter_map(|id| scope.hsel.record(id)).collect();
    let base: Vec<&Partner> = ids.iter().filter_map(|id| scope.base_record(id)).collect();
    let (after, before) = (
        entries(&head, &scope.hcat, as_of),
        entries(&base, &scope.bcat, as_of),
    );
    let mut out = Vec::new();
    for id in &ids {
        let base_id = scope.renamed_from.get(id).unwrap_or(id);
        let (b, h) = (before.get(base_id), after.get(id));
        let change = match (b, h) {
            (None, None) => continue,
            (None, Some(_)) => "listed",
            (Some(_), None) => "unlisted",
            (Some(b), Some(h)) if b == h => continue,
            _ => "changed",
        };
        out.push(ListingChange {
            partner: if h.is_some() {
                id.clone()
            } else {
                base_id.clone()
            },
            change,
            fields: field_changes(&flat(b, h.is_none()), &flat(h, b.is_none()), false),
        });
    }
    out
}
