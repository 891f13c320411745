//! The program catalog: every valid version of each program, to find the terms in force on a date.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::scalar::Date;
use crate::model::Program;

/// Valid program versions by program id.
#[derive(Debug, Clone, Default)]
pub struct Catalog<'a> {
    /// Versions of each program, oldest first.
    pub versions: BTreeMap<&'a str, Vec<&'a Program>>,
}

impl<'a> Catalog<'a> {
    /// The terms of `id` in effect on `date`: the latest version effective on or before it.
    pub fn terms(&self, id: &str, date: Date) -> Option<&'a Program> {
        self.versions
            .get(id)?
            .iter()
            .rev()
            .find(|p| p.effective_from <= date)
            .copied()
    }
    /// The same catalog with only the programs in `ids`.
    pub fn restricted_to(&self, ids: &BTreeSet<String>) -> Catalog<'a> {
        let mut versions = self.versions.clone();
        versions.retain(|id, _| ids.contains(*id));
        Catalog { versions }
    }
    /// Every version of `id`.
    pub fn all_versions(&self, id: &str) -> &[&'a Program] {
        self.versions.get(id).map_or(&[], Vec::as_slice)
    }
}
