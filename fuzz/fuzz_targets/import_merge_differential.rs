//! `import` merges rows into the run of `[[section]]` entries alone when
//! `apply::section_region` vouches for it; whatever the text, that must give exactly what merging
//! into the whole document gives (`apply::merge_document`), and never panic; so must appending
//! new rows as text (`apply::append_new`).
//! `tests/import_region.rs` checks the same property on partner files and their variants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerctl::import::apply::{key_of, merge, merge_document};
use partnerctl::import::kind::Kind;
use partnerctl::import::Row;
use toml_edit::{DocumentMut, Item, Table, Value};

const KINDS: [Kind; 6] = [
    Kind::Revenue,
    Kind::Recurring,
    Kind::ManagedVolume,
    Kind::Projects,
    Kind::Trainings,
    Kind::Certifications,
];

/// A row with the key of the file's first entry of `kind` (an update) or, without one, a new key.
fn row(text: &str, kind: Kind) -> Row {
    let doc: Option<DocumentMut> = text.parse().ok();
    let first = doc.as_ref().and_then(|d| {
        d.get(kind.section())
            .and_then(Item::as_array_of_tables)
            .and_then(|a| a.get(0).cloned())
    });
    let values: Vec<(&'static str, Value)> = kind
        .fields()
        .iter()
        .map(|f| {
            let old = first.as_ref().and_then(|t| t.get(f.name)?.as_value().cloned());
            (f.name, old.filter(|_| f.key).unwrap_or_else(|| Value::from("fuzz")))
        })
        .collect();
    let mut t = Table::new();
    values.iter().for_each(|(k, v)| drop(t.insert(k, Item::Value(v.clone()))));
    Row { partner: "p".into(), key: key_of(&t, kind), values }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in KINDS {
        let rows = [row(text, kind), row("", kind)];
        let refs: Vec<&Row> = rows.iter().collect();
        assert_eq!(merge(text, kind, &refs), merge_document(text, kind, &refs), "{kind:?}");
        // A new row alone: appended as text (`apply::append_new`) when the file allows it.
        let refs = [&rows[1]];
        assert_eq!(merge(text, kind, &refs), merge_document(text, kind, &refs), "{kind:?} new");
    }
});
