//! Merging imported rows into one partner file, keeping its comments and layout.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::kind::Kind;
use super::Row;

/// What merging did to one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effect {
    /// Entries appended.
    pub added: usize,
    /// Existing entries (same key) whose other values changed.
    pub updated: usize,
    /// Rows already present exactly.
    pub unchanged: usize,
}

/// `text` with `rows` merged into the section of `kind` (`None` when no row changes anything): a
/// row whose key matches an entry updates that entry's other values, any other row is appended.
pub fn merge(text: &str, kind: Kind, rows: &[&Row]) -> Result<(Option<String>, Effect), String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("not valid TOML: {}", e.message()))?;
    let section = doc
        .entry(kind.section())
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(entries) = section.as_array_of_tables_mut() else {
        return Err(format!("`{}` is not an array of tables", kind.section()));
    };
    // Keys of the existing entries, indexed once: a file with many entries and many rows stays
    // linear.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, t) in entries.iter().enumerate() {
        index.entry(key_of(t, kind)).or_insert(i);
    }
    let mut effect = Effect::default();
    for row in rows {
        match index.get(&row.key).and_then(|&i| entries.get_mut(i)) {
            Some(t) => {
                if update(t, row) {
                    effect.updated += 1;
                } else {
                    effect.unchanged += 1;
                }
            }
            None => {
                index.insert(row.key.clone(), entries.len());
                entries.push(new_entry(row));
                effect.added += 1;
            }
        }
    }
    // Re-importing a file already recorded changes nothing: skip printing the document.
    let changed = effect.added + effect.updated > 0;
    Ok((changed.then(|| doc.to_string()), effect))
}

/// The stable key of an entry in the file, spelled like [`Row::key`].
pub fn key_of(t: &Table, kind: Kind) -> String {
    let parts: Vec<String> = kind
        .fields()
        .iter()
        .filter(|f| f.key)
        .map(|f| {
            t.get(f.name)
                .and_then(Item::as_value)
                .map_or_else(String::new, text_of)
        })
        .collect();
    parts.join("\u{1f}")
}

/// A value's text for comparison: strings unquoted, everything else as written.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        other => {
            let mut bare = other.clone();
            bare.decor_mut().clear();
            bare.to_string()
        }
    }
}

/// Set the row's non-key values on `t`; whether anything changed.
fn update(t: &mut Table, row: &Row) -> bool {
    let mut changed = false;
    for (name, value) in &row.values {
        let current = t.get(name).and_then(Item::as_value).map(text_of);
        if current.as_deref() == Some(text_of(value).as_str()) {
            continue;
        }
        match t.get_mut(name).and_then(Item::as_value_mut) {
            Some(old) => {
                let decor = old.decor().clone();
                *old = value.clone();
                *old.decor_mut() = decor;
            }
            None => {
                t.insert(name, Item::Value(value.clone()));
            }
        }
        changed = true;
    }
    changed
}

fn new_entry(row: &Row) -> Table {
    let mut t = Table::new();
    for (name, value) in &row.values {
        t.insert(name, Item::Value(value.clone()));
    }
    t
}
