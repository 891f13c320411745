//! Entitlements and fees: what the tiers, types, statuses and the membership grant, the best
//! grant of each entitlement when several sources grant it, and its human rendering.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::result::Entitlement;
use crate::model::program::{EntitlementKind, GrantValue, Grants, Program};
use crate::model::scalar::{Currency, Id};

/// The entitlement lists already built during one batch of evaluations, by program and grant
/// sources. Entitlements depend only on the terms and on what grants them, so partners holding
/// the same tiers, types and statuses share one list instead of building equal ones.
///
/// Keys hold the address of the terms, so the memo borrows the terms (`'t`) for as long as it
/// lives: an address cannot be reused by other terms while the memo can still answer for it.
#[derive(Default)]
pub struct EntitlementMemo<'t> {
    #[allow(clippy::type_complexity)]
    lists: Mutex<HashMap<MemoKey, (Arc<Vec<Entitlement>>, Arc<Vec<Entitlement>>)>>,
    terms: std::marker::PhantomData<&'t Program>,
}

/// The terms (by address, stable while one batch borrows them) and each grant source with the
/// address of its grants.
type MemoKey = (usize, Vec<(String, usize)>);

impl<'t> EntitlementMemo<'t> {
    pub(super) fn get(
        &self,
        terms: &'t Program,
        grants: &[(String, &Grants)],
    ) -> (Arc<Vec<Entitlement>>, Arc<Vec<Entitlement>>) {
        let key: MemoKey = (
            std::ptr::from_ref(terms) as usize,
            grants
                .iter()
                .map(|(s, g)| (s.clone(), std::ptr::from_ref(*g) as usize))
                .collect(),
        );
        let lock = || self.lists.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(&key) {
            return hit.clone();
        }
        let (ent, fees) = collect_entitlements(terms, grants);
        let built = (Arc::new(ent), Arc::new(fees));
        lock().insert(key, built.clone());
        built
    }
}

fn collect_entitlements(
    terms: &Program,
    grants: &[(String, &Grants)],
) -> (Vec<Entitlement>, Vec<Entitlement>) {
    let mut best: BTreeMap<&str, Entitlement> = BTreeMap::new();
    for (source, g) in grants {
        for (id, value) in g.iter() {
            let Some(def) = terms.entitlements.get(id.as_str()) else {
                continue;
            };
            let candidate = Entitlement {
                id: id.to_string(),
                name: def.name.clone(),
                kind: def.kind,
                value: value.clone(),
                display: display_grant(def, value),
                source: source.clone(),
            };
            match best.get(id.as_str()) {
                Some(cur) if !better(&candidate.value, &cur.value) => {}
                _ => {
                    best.insert(id.as_str(), candidate);
                }
            }
        }
    }
    best.into_values()
        .partition(|e| e.kind != EntitlementKind::Fee)
}

/// Whether `a` is a better grant than `b` of the same entitlement (several sources may grant it).
fn better(a: &GrantValue, b: &GrantValue) -> bool {
    use GrantValue as V;
    match (a, b) {
        (V::Count(x), V::Count(y)) => x > y,
        (V::Flag(x), V::Flag(y)) => *x && !*y,
        (V::Text(x), V::Text(y)) => match (
            rust_decimal::Decimal::from_str_exact(x),
            rust_decimal::Decimal::from_str_exact(y),
        ) {
            (Ok(x), Ok(y)) => x > y,
            _ => x == "listed-with-logo" && y == "listed",
        },
        (V::Amounts(x), V::Amounts(y)) => {
            x.iter().any(|(c, v)| y.get(c).is_none_or(|w| v > w))
                && !y.iter().any(|(c, w)| x.get(c).is_some_and(|v| v < w))
        }
        _ => false,
    }
}

/// Human rendering of a granted value.
pub fn display_grant(def: &crate::model::program::EntitlementDef, v: &GrantValue) -> String {
    let per = def.per.map(|p| format!(" per {p}")).unwrap_or_default();
    let shown = display_value(def, v, &per);
    let shown = if def.up_to {
        format!("up to {shown}")
    } else {
        shown
    };
    match &def.condition {
        Some(c) => format!("{shown}, only {c}"),
        None => shown,
    }
}

fn display_value(def: &crate::model::program::EntitlementDef, v: &GrantValue, per: &str) -> String {
    use GrantValue as V;
    let amounts = |m: &BTreeMap<Currency, crate::model::scalar::Money>| {
        m.iter()
            .map(|(c, a)| format!("{a} {c}"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    match v {
        V::Flag(b) => if *b { "yes" } else { "no" }.into(),
        V::Count(n) => match &def.unit {
            Some(u) => format!("{n} {u}{per}"),
            None => format!("{n}{per}"),
        },
        V::Text(s) if def.kind == EntitlementKind::Discount => format!("{s}%"),
        V::Text(s) if def.kind == EntitlementKind::Listing => s.replace('-', " "),
        V::Text(s) => s.clone(),
        V::Share(s) => format!("partner {} / vendor {} of {}", s.partner, s.vendor, s.basis),
        V::Amounts(m) => format!("{}{per}", amounts(m)),
        V::Prices(items) => format!(
            "{}{per}",
            items
                .iter()
                .map(|i| format!("{} units {}", i.units, amounts(&i.price)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Choices(c) => c.iter().map(Id::as_str).collect::<Vec<_>>().join(", "),
    }
}
