//! Cross-file rules: findings on a partner file that depend on other partner files, so that they
//! can appear or go while the file itself stays the same. Each rule is declared once, here, with
//! the keys by which it relates files. Validation runs the rules ([`check`]); the incremental
//! diff loads every untouched file that may share a key value with a touched one ([`Related`]);
//! the diff tells their findings apart by code ([`is_cross_file`]).
//!
//! The contract that makes skipping files sound: a rule relates files only through the keys it
//! declares in [`CrossFileRule::reads`] — two partner files that share no value of those keys
//! never change each other's findings. A rule that reads a new kind of value declares a new
//! [`Key`]; nothing else needs to know about it.

mod access;
mod duplicate_id;

use std::collections::{BTreeMap, BTreeSet};

pub use access::AccessGrants;
pub use duplicate_id::DuplicateId;

use crate::diagnostic::Code;
use crate::load::Loaded;
use crate::model::partner::Partner;
use crate::model::scalar::Date;
use crate::model::Program;

/// Every version of each program, by program id.
pub type Programs = BTreeMap<String, Vec<Program>>;

/// A value of a partner record by which a cross-file rule relates files.
#[derive(Clone, Copy)]
pub struct Key {
    /// What the value is, for messages and debugging.
    pub name: &'static str,
    /// The record's values of this key, as the rule compares them (lowercase when
    /// `fold_case`). Each must be a TOML string of the file: the search for untouched files that
    /// may hold one looks for it in their text.
    pub values: fn(&Partner) -> Vec<String>,
    /// Whether the rule compares the values ASCII case-insensitively.
    pub fold_case: bool,
}

/// The partner id, compared case-insensitively.
pub const PARTNER_ID: Key = Key {
    name: "partner id",
    values: |p| vec![p.id.as_str().to_ascii_lowercase()],
    fold_case: true,
};

/// The customers of the partner's access grants.
pub const CUSTOMER: Key = Key {
    name: "customer",
    values: |p| p.access_grants.iter().map(|g| g.customer.clone()).collect(),
    fold_case: false,
};

/// A rule that judges a partner file by other partner files.
pub trait CrossFileRule: Sync {
    /// The diagnostic codes of its findings.
    fn codes(&self) -> &'static [Code];
    /// The keys by which it relates files; see the module documentation.
    fn reads(&self) -> &'static [Key];
    /// Add its findings to the files concerned.
    fn check(&self, partners: &mut [Loaded<Partner>], programs: &Programs, as_of: Date);
}

/// A set of rules.
pub type Rules = [&'static dyn CrossFileRule];

/// The rules of partnerctl, in the order their findings are added.
pub const ALL: &Rules = &[&DuplicateId, &AccessGrants];

/// Run `rules` over all partner files.
pub fn check(rules: &Rules, partners: &mut [Loaded<Partner>], programs: &Programs, as_of: Date) {
    for rule in rules {
        rule.check(partners, programs, as_of);
    }
}

/// Whether `code` is the code of a finding of one of [`ALL`] rules.
pub fn is_cross_file(code: Code) -> bool {
    ALL.iter().any(|r| r.codes().contains(&code))
}

/// The values of the rules' keys that some partner records hold: the files the incremental diff
/// touched. Untouched files that may hold one of them must be loaded too.
pub struct Related {
    keys: Vec<(Key, BTreeSet<String>)>,
}

impl Related {
    /// No values yet, for the keys of `rules`.
    pub fn new(rules: &Rules) -> Related {
        let mut keys: Vec<(Key, BTreeSet<String>)> = Vec::new();
        for key in rules.iter().flat_map(|r| r.reads()) {
            if !keys.iter().any(|(k, _)| k.name == key.name) {
                keys.push((*key, BTreeSet::new()));
            }
        }
        Related { keys }
    }

    /// Add the values of `record`.
    pub fn add(&mut self, record: &Partner) {
        for (key, values) in &mut self.keys {
            values.extend((key.values)(record).into_iter().filter(|v| !v.is_empty()));
        }
    }

    /// A search of file texts for the values added so far; `None` when there are none.
    pub fn matcher(&self) -> Option<Matcher<'_>> {
        let finders = |fold: bool| -> Vec<memchr::memmem::Finder<'_>> {
            self.keys
                .iter()
                .filter(|(k, _)| k.fold_case == fold)
                .flat_map(|(_, values)| values)
                .map(|v| memchr::memmem::Finder::new(v.as_bytes()))
                .collect()
        };
        let m = Matcher {
            exact: finders(false),
            folded: finders(true),
        };
        (!m.exact.is_empty() || !m.folded.is_empty()).then_some(m)
    }
}

/// A conservative test whether a file's text may hold one of a [`Related`]'s values.
pub struct Matcher<'a> {
    exact: Vec<memchr::memmem::Finder<'a>>,
    folded: Vec<memchr::memmem::Finder<'a>>,
}

impl Matcher<'_> {
    /// Whether `bytes` may hold a value: it contains one, or it may spell a string other than
    /// by its bytes — through an escape (`"\u0061cme"`), a line-ending backslash in a multi-line
    /// string, or a carriage return that the parser turns into a newline. A false "yes" costs one
    /// parse; a false "no" would hide a finding, so any doubt says yes.
    pub fn may_hold(&self, bytes: &[u8]) -> bool {
        if memchr::memchr2(b'\\', b'\r', bytes).is_some() {
            return true;
        }
        if self.exact.iter().any(|m| m.find(bytes).is_some()) {
            return true;
        }
        if self.folded.is_empty() {
            return false;
        }
        let lower = bytes.to_ascii_lowercase();
        self.folded.iter().any(|m| m.find(&lower).is_some())
    }
}

/// Partners named in full in a message; the rest are counted, so that a thousand partners
/// sharing an id or a customer make a thousand messages of bounded length, not a million names.
const NAMED_PARTNERS: usize = 5;

/// The `total` items of which `items` yields at least the first [`NAMED_PARTNERS`] + 1: "a, b,
/// c" — or "a, b, c, d, e and 7 more" when there are more than that.
fn named_list<'s>(items: impl Iterator<Item = &'s str>, total: usize) -> String {
    if total <= NAMED_PARTNERS + 1 {
        return items.take(total).collect::<Vec<_>>().join(", ");
    }
    let named: Vec<&str> = items.take(NAMED_PARTNERS).collect();
    format!("{} and {} more", named.join(", "), total - NAMED_PARTNERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn related(values: &[(Key, &str)]) -> Related {
        let mut r = Related::new(&[]);
        for (key, value) in values {
            r.keys.push((*key, [value.to_string()].into()));
        }
        r
    }

    #[test]
    fn matcher_finds_values_and_doubts_escapes_and_carriage_returns() {
        let r = related(&[(CUSTOMER, "acme"), (PARTNER_ID, "beta")]);
        let m = r.matcher().expect("values");
        assert!(m.may_hold(b"customer = \"acme\""));
        assert!(!m.may_hold(b"customer = \"ACME\""));
        assert!(m.may_hold(b"id = \"BeTa\""));
        assert!(m.may_hold(b"customer = \"\\u0061cme\""));
        assert!(m.may_hold(b"customer = \"\"\"ac\\\n  me\"\"\""));
        assert!(m.may_hold(b"x = 1\r\n"));
        assert!(!m.may_hold(b"customer = \"other\"\nid = \"gamma\"\n"));
        assert!(related(&[]).matcher().is_none());
    }
}
