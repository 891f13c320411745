//! The access rules of a program's terms across partners: at most one partner with full access
//! per customer; restricted partners of one customer manage different products.

use std::collections::{BTreeMap, BTreeSet};

use super::{named_list, CrossFileRule, Key, Programs, CUSTOMER, NAMED_PARTNERS};
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::load::{self, Loaded};
use crate::model::partner::{AccessLevel, Partner};
use crate::model::program::Program;
use crate::model::scalar::{Date, Id};

/// `full-access-conflict` and `restricted-access-overlap`: grants of one customer in one
/// program, judged by the program's access rules.
pub struct AccessGrants;

impl CrossFileRule for AccessGrants {
    fn codes(&self) -> &'static [Code] {
        &[Code::FullAccessConflict, Code::RestrictedAccessOverlap]
    }
    fn reads(&self) -> &'static [Key] {
        &[CUSTOMER]
    }
    fn check(&self, partners: &mut [Loaded<Partner>], programs: &Programs, as_of: Date) {
        check_access_grants(partners, programs, as_of);
    }
}

/// One partner's access grant for a customer, for the cross-record rules.
struct Grant<'a> {
    file: usize,
    index: usize,
    partner: &'a str,
    access: AccessLevel,
    products: &'a [Id],
}

/// A located finding of a cross-record rule: file index, path, code, message, hint.
type Finding = (usize, DocPath, Code, String, String);

/// Restricted grants of one customer that share a product with another partner's: one finding
/// per grant, product and other partner, for up to [`NAMED_PARTNERS`] + 1 other partners, else
/// the first [`NAMED_PARTNERS`] and one counting the rest. Grouped by product, so the work is
/// linear in the grants rather than in their pairs.
fn restricted_overlaps(customer: &str, grants: &[Grant<'_>]) -> Vec<Finding> {
    let mut by_product: BTreeMap<&Id, Vec<&Grant>> = BTreeMap::new();
    for g in grants
        .iter()
        .filter(|g| g.access == AccessLevel::Restricted)
    {
        for prod in g.products {
            let holders = by_product.entry(prod).or_default();
            // A product listed twice in one grant counts once.
            if !holders.last().is_some_and(|h| std::ptr::eq(*h, g)) {
                holders.push(g);
            }
        }
    }
    let mut found = Vec::new();
    let hint = "several restricted partners of one customer must manage different products";
    for (prod, holders) in by_product {
        // Distinct partners in grant order; every holder's partner is among them.
        let mut seen = BTreeSet::new();
        let partners: Vec<&str> = holders
            .iter()
            .map(|h| h.partner)
            .filter(|p| seen.insert(*p))
            .collect();
        let total = partners.len() - 1;
        if total == 0 {
            continue;
        }
        let counted = total > NAMED_PARTNERS + 1;
        let shown = if counted { NAMED_PARTNERS } else { total };
        for g in &holders {
            let j = g.products.iter().position(|x| x == prod).unwrap_or(0);
            let at = DocPath::root()
                .key("access_grants")
                .index(g.index)
                .key("products")
                .index(j);
            let others = partners.iter().filter(|p| **p != g.partner).take(shown);
            for other in others {
                found.push((
                    g.file,
                    at.clone(),
                    Code::RestrictedAccessOverlap,
                    format!("customer `{customer}` also gives `{other}` restricted access to product `{prod}`"),
                    hint.into(),
                ));
            }
            if counted {
                found.push((
                    g.file,
                    at,
                    Code::RestrictedAccessOverlap,
                    format!("customer `{customer}` also gives {} more partners restricted access to product `{prod}`", total - NAMED_PARTNERS),
                    hint.into(),
                ));
            }
        }
    }
    found
}

/// The cross-record rules of customer access: at most one partner with full access per customer;
/// restricted partners of one customer manage different products.
fn check_access_grants(
    partners: &mut [Loaded<Partner>],
    programs: &BTreeMap<String, Vec<Program>>,
    as_of: Date,
) {
    let mut by_customer: BTreeMap<(&str, &str), Vec<Grant<'_>>> = BTreeMap::new();
    for (fi, f) in partners.iter().enumerate() {
        let Some(p) = &f.record else { continue };
        for (gi, g) in p.access_grants.iter().enumerate() {
            by_customer
                .entry((g.program.as_str(), g.customer.as_str()))
                .or_default()
                .push(Grant {
                    file: fi,
                    index: gi,
                    partner: p.id.as_str(),
                    access: g.access,
                    products: &g.products,
                });
        }
    }
    let mut found: Vec<Finding> = Vec::new();
    for ((program, customer), grants) in &by_customer {
        let versions = programs.get(*program).map_or(&[][..], Vec::as_slice);
        let mut seen = BTreeSet::new();
        for (terms, scheduled) in versions_from(versions, as_of) {
            let Some(rules) = &terms.access else { continue };
            let mut here = access_findings(customer, grants, rules);
            // A finding the terms in force already make is not repeated for a later version.
            here.retain(|f| seen.insert((f.0, f.1.to_string(), f.2, f.3.clone())));
            if scheduled {
                for f in &mut here {
                    f.3 = format!("{} under the terms effective {}", f.3, terms.effective_from);
                }
            }
            found.extend(here);
        }
    }
    for (file, path, code, message, hint) in found {
        let f = &mut partners[file];
        let d = Diagnostic::error(code, &f.path, message)
            .with_path(&path)
            .with_hint(hint);
        let d = load::locate(d, f.text.as_deref().unwrap_or(""), &path, false);
        f.diagnostics.push(d);
    }
}

/// The versions of a program whose rules apply to data as it stands on `as_of`: the one in force
/// then (if any) and every later one, each marked whether it is only scheduled.
fn versions_from(versions: &[Program], as_of: Date) -> Vec<(&Program, bool)> {
    let in_force = versions
        .iter()
        .filter(|p| p.effective_from <= as_of)
        .max_by_key(|p| p.effective_from);
    let mut out: Vec<(&Program, bool)> = in_force.into_iter().map(|p| (p, false)).collect();
    let mut later: Vec<&Program> = versions
        .iter()
        .filter(|p| p.effective_from > as_of)
        .collect();
    later.sort_by_key(|p| p.effective_from);
    out.extend(later.into_iter().map(|p| (p, true)));
    out
}

/// The findings of one customer's grants under one version's access rules.
fn access_findings(
    customer: &str,
    grants: &[Grant<'_>],
    rules: &crate::model::program::AccessRules,
) -> Vec<Finding> {
    let mut found = Vec::new();
    if rules.full_access_exclusive {
        let full: Vec<&Grant> = grants
            .iter()
            .filter(|g| g.access == AccessLevel::Full)
            .collect();
        // The rule limits partners, not grants: one partner may hold several full-access
        // grants of one customer (say, before and after the means of payment changed).
        let partners: BTreeSet<&str> = full.iter().map(|g| g.partner).collect();
        if partners.len() > 1 {
            let names = named_list(partners.iter().copied(), partners.len());
            for g in &full {
                found.push((
                    g.file,
                    DocPath::root().key("access_grants").index(g.index).key("access"),
                    Code::FullAccessConflict,
                    format!("customer `{customer}` grants full access to {} partners ({names}); only one is allowed", partners.len()),
                    "a customer can give full access to one partner only; make the others restricted".into(),
                ));
            }
        }
    }
    if rules.restricted_distinct_products {
        found.extend(restricted_overlaps(customer, grants));
    }
    found
}
