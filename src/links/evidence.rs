//! The evidence file `links check --record FILE` writes: per partner, program and obligation the
//! last status seen, the day it was first seen (`since`) and the day of the last check. Only
//! public data: ids, statuses and dates. Meant to be committed to the data repository, so that
//! `upcoming` and reviewers can say "link missing since …".

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::LinkResult;
use crate::model::scalar::Date;

/// Format version of the evidence file.
pub const VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub version: u32,
    /// Sorted by partner, program, obligation.
    pub entries: Vec<Entry>,
}

/// One obligation of one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub partner: String,
    pub program: String,
    pub obligation: String,
    /// `found`, `found-nofollow`, `missing` or `unreachable`.
    pub status: String,
    /// The first check that saw this status (kept while the status stays the same).
    #[serde(with = "iso_date")]
    pub since: Date,
    /// The last check.
    #[serde(with = "iso_date")]
    pub checked: Date,
}

/// Evidence files larger than this are refused unread (about 200,000 entries).
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Read an evidence file; a missing file is an empty record.
pub fn read(path: &Path) -> Result<Evidence, String> {
    if let Ok(m) = std::fs::metadata(path) {
        if m.len() > MAX_BYTES {
            let (len, max) = (m.len(), MAX_BYTES);
            return Err(format!(
                "{}: {len} bytes; evidence files may be at most {max}",
                path.display()
            ));
        }
    }
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a links evidence file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Evidence {
            version: VERSION,
            entries: vec![],
        }),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Merge today's results into the record: a changed status starts a new `since`; entries not
/// checked today (filtered out) stay as they were.
pub fn update(old: Evidence, results: &[LinkResult], today: Date) -> Evidence {
    let key = |p: &str, g: &str, o: &str| (p.to_owned(), g.to_owned(), o.to_owned());
    let mut map: BTreeMap<_, Entry> = old
        .entries
        .into_iter()
        .map(|e| (key(&e.partner, &e.program, &e.obligation), e))
        .collect();
    for r in results {
        let status = r.finding.kind().to_owned();
        let k = key(&r.partner, &r.program, &r.obligation);
        let since = match map.get(&k) {
            Some(e) if e.status == status => e.since,
            _ => today,
        };
        map.insert(
            k,
            Entry {
                partner: r.partner.clone(),
                program: r.program.clone(),
                obligation: r.obligation.clone(),
                status,
                since,
                checked: today,
            },
        );
    }
    Evidence {
        version: VERSION,
        entries: map.into_values().collect(),
    }
}

/// Write the record as pretty JSON with a final newline.
pub fn write(path: &Path, ev: &Evidence) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(ev).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Dates as JSON strings `"YYYY-MM-DD"` (the model's `Date` reads TOML dates).
mod iso_date {
    use serde::{de, Deserialize, Deserializer, Serializer};

    use crate::model::scalar::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|_| de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
    }
}
