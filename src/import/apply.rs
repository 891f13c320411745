//! Merging imported rows into one partner file, keeping its comments and layout.
//!
//! Three ways, one result. [`merge_document`] parses the whole file with toml_edit, merges and
//! prints it again. [`merge`] first tries [`section_region`]: when the file is plain TOML and its
//! entries of the kind are one run of plain `[[section]]` tables, only that run is parsed, merged
//! and printed, and spliced back between the untouched text before and after it; and when every
//! row is new, [`append_new`] does not even parse the run, it puts the new entries' text where
//! toml_edit would. Why: parsing and printing the whole file was most of `import`'s CPU time
//! (issue #15: 10,000 files within 2× one `check`), the run is about a fifth of a partner file, and
//! a year's figures are mostly new entries. The fast ways decline anything they cannot vouch for;
//! `tests/import_region.rs` and the fuzz target `import_merge_differential` hold them to giving
//! byte for byte what [`merge_document`] gives.

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
    if let Some(region) = section_region(text, kind.section()) {
        // The region alone says nothing about the rest of the file, which must be valid TOML: the
        // whole-document path would refuse it otherwise. The plain reader vouches for that and
        // gives the entries' keys in one pass.
        if let Some(entries) = crate::fast_toml::tables_of(text, kind.section()) {
            if let Some(appended) = append_new(text, region.clone(), kind, rows, &entries) {
                let effect = Effect {
                    added: rows.len(),
                    ..Effect::default()
                };
                return Ok((Some(appended), effect));
            }
            if let Ok((merged, effect)) = merge_document(&text[region.clone()], kind, rows) {
                let spliced =
                    merged.map(|m| [&text[..region.start], &m, &text[region.end..]].concat());
                return Ok((spliced, effect));
            }
        }
    }
    merge_document(text, kind, rows)
}

/// Entries of a plain document, as [`crate::fast_toml::tables_of`] gives them.
pub type PlainEntries<'i> = [Vec<(&'i str, crate::fast_toml::Scalar<'i>)>];

/// [`merge`] when every row is new: the rows printed as toml_edit prints appended entries, put
/// where it puts them — after the region's last key/value (or header) line, before the blank and
/// comment lines that end it (toml_edit keeps those as the document's trailing text). Why a third
/// way: even the region's parse and print was a quarter of `import`'s time on 10,000 files, and
/// a year's figures are mostly new entries. `None` when it cannot vouch for the result: no rows,
/// two rows with one key, a row whose key an entry has, an entry's key value not a string or date.
pub fn append_new(
    text: &str,
    region: std::ops::Range<usize>,
    kind: Kind,
    rows: &[&Row],
    entries: &PlainEntries<'_>,
) -> Option<String> {
    let mut keys = std::collections::HashSet::with_capacity(entries.len() + rows.len());
    for entry in entries {
        keys.insert(plain_key(entry, kind)?);
    }
    if rows.is_empty() || !rows.iter().all(|r| keys.insert(r.key.clone())) {
        return None;
    }
    let mut new = DocumentMut::new();
    let mut tables = ArrayOfTables::new();
    rows.iter().for_each(|r| tables.push(new_entry(r)));
    new.insert(kind.section(), Item::ArrayOfTables(tables));
    let body_end = region.start + content_end(&text[region.clone()]);
    Some([&text[..body_end], "\n", &new.to_string(), &text[body_end..]].concat())
}

/// The stable key of a plain entry, spelled like [`key_of`]; `None` when a key value is neither
/// a string nor a date.
fn plain_key(entry: &[(&str, crate::fast_toml::Scalar<'_>)], kind: Kind) -> Option<String> {
    use crate::fast_toml::Scalar;
    let mut parts = Vec::new();
    for field in kind.fields().iter().filter(|f| f.key) {
        let value = entry
            .iter()
            .find(|(k, _)| *k == field.name)
            .map(|(_, v)| *v);
        parts.push(match value {
            None => String::new(),
            Some(Scalar::Text(s)) => s.to_string(),
            Some(Scalar::Date(d)) => d.to_string(),
            Some(Scalar::Other) => return None,
        });
    }
    Some(parts.join("\u{1f}"))
}

/// The end of `region`'s last line that is neither blank nor only a comment.
fn content_end(region: &str) -> usize {
    let mut end = region.len();
    for line in region.split_inclusive('\n').rev() {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if !(trimmed.starts_with('#') || trimmed.trim_end_matches('\n').is_empty()) {
            break;
        }
        end -= line.len();
    }
    end
}

/// The byte range of the `[[section]]` entries of `text`, when it is safe to merge them on their
/// own: from the first `[[section]]` line to the next header. Only for a `text` that
/// [`crate::fast_toml::tables_of`] accepts, as [`merge`] makes sure: that rules out what no line
/// scan can see — dotted and quoted keys (`revenue.x = 1` would extend the section from
/// elsewhere), literal strings, an inline array where the tables should be. Declined (`None`) when
/// the section is absent (where a new one goes depends on the whole document), when `text` has
/// multi-line strings (a line inside one could look like a header), carriage returns or no final
/// newline (printing the whole document turns CRLF into LF and ends the last line; the region alone
/// could not), when any line that starts with `[` is not a plain header (spaces, quotes, comments,
/// indentation — or a line inside a multi-line array), when a header other than `[[section]]`
/// names the section (`[section.sub]` belongs to the entry before it), or when the entries are not
/// one run. The section's name may appear anywhere else, in comments (the commented examples of
/// `new partner`), strings or other tables' keys: none of them changes the merge.
pub fn section_region(text: &str, section: &str) -> Option<std::ops::Range<usize>> {
    // memchr's searchers, not `str::contains`: these scans run over every file of an import,
    // and the standard two-way search of a short needle was a few percent of its time.
    let has = |needle: &str| memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some();
    if has("\"\"\"")
        || has("'''")
        || memchr::memchr(b'\r', text.as_bytes()).is_some()
        || !text.ends_with('\n')
    {
        return None;
    }
    let header = format!("[[{section}]]");
    let (mut start, mut end, mut offset) = (None, None, 0);
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        if !line.trim_start().starts_with('[') {
            continue;
        }
        // toml_edit prints every header of an array of tables with the key spelling of its first,
        // so one unusual header anywhere can change text outside the region.
        if !plain_header(line) {
            return None;
        }
        if line.trim_end() == header {
            if end.is_some() {
                return None;
            }
            start.get_or_insert(at);
        } else if first_key(line) == section {
            return None;
        } else if start.is_some() {
            end.get_or_insert(at);
        }
    }
    Some(start?..end.unwrap_or(text.len()))
}

/// The first key of a plain header: `a` of `[a.b]` and of `[[a]]`.
fn first_key(line: &str) -> &str {
    let keys = line.trim_start_matches('[');
    keys.split(['.', ']']).next().unwrap_or_default()
}

/// `[a.b]` or `[[a.b]]` with bare keys, alone on its line and not indented.
fn plain_header(line: &str) -> bool {
    let line = line.trim_end_matches(['\n', ' ', '\t']);
    let inner = match line.strip_prefix("[[") {
        Some(rest) => rest.strip_suffix("]]"),
        None => line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']')),
    };
    inner.is_some_and(|keys| {
        keys.split('.').all(|k| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    })
}

/// [`merge`] on the whole document: parse, merge, print.
pub fn merge_document(
    text: &str,
    kind: Kind,
    rows: &[&Row],
) -> Result<(Option<String>, Effect), String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("not valid TOML: {}", e.message()))?;
    let absent = !doc.contains_key(kind.section());
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
    if absent {
        after_commented_example(&mut doc, kind.section());
    }
    // Re-importing a file already recorded changes nothing: skip printing the document.
    let changed = effect.added + effect.updated > 0;
    Ok((changed.then(|| doc.to_string()), effect))
}

/// Files from `partnerctl new partner` end with commented examples (`# [[revenue]]`, …), which
/// toml_edit keeps as the document's trailing text and prints after every table: the first
/// entries of a section would land above all the examples, under the last table. When the
/// trailing text has the commented example of `section`, its new entries go right after that
/// example's run of comment lines instead, and the examples of other sections stay below them.
fn after_commented_example(doc: &mut DocumentMut, section: &str) {
    let Some(trailing) = doc.trailing().as_str().map(str::to_owned) else {
        return;
    };
    let example = format!("# [[{section}]]");
    let (mut offset, mut found, mut end) = (0, false, None);
    for line in trailing.split_inclusive('\n') {
        let text = line.trim();
        if found && !text.starts_with('#') {
            end = Some(offset);
            break;
        }
        found |= text == example;
        offset += line.len();
    }
    let Some(first) = (doc.get_mut(section))
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|entries| entries.get_mut(0))
        .filter(|_| found)
    else {
        return;
    };
    let (before, after) = trailing.split_at(end.unwrap_or(trailing.len()));
    let gap = if before.ends_with('\n') { "\n" } else { "\n\n" };
    first.decor_mut().set_prefix(format!("{before}{gap}"));
    doc.set_trailing(after);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn training(person: &str) -> Row {
        let values = vec![
            ("program", Value::from("p")),
            ("person", Value::from(person)),
        ];
        let mut t = Table::new();
        values
            .iter()
            .for_each(|(k, v)| drop(t.insert(k, Item::Value(v.clone()))));
        Row {
            partner: "x".into(),
            key: key_of(&t, Kind::Trainings),
            values,
        }
    }

    const EXAMPLES: &str = "id = \"x\"\n\n# Revenue:\n# [[revenue]]\n# amount = \"1.00\"\n\n\
                            # Trainings:\n# [[trainings]]\n# person = \"Jane Doe\"";

    #[test]
    fn first_entries_follow_the_commented_example_of_their_section() {
        let rows = [training("A"), training("B")];
        let refs: Vec<&Row> = rows.iter().collect();
        // The trainings example is the last block, without a final newline.
        let (text, _) = merge_document(EXAMPLES, Kind::Trainings, &refs).unwrap();
        let expected = format!(
            "{EXAMPLES}\n\n[[trainings]]\nprogram = \"p\"\nperson = \"A\"\n\n\
             [[trainings]]\nprogram = \"p\"\nperson = \"B\"\n"
        );
        assert_eq!(text.unwrap(), expected);
        // With the trainings example first, the revenue example stays below the new entries.
        let trainings_first =
            "id = \"x\"\n\n# Trainings:\n# [[trainings]]\n# person = \"Jane Doe\"\n\n\
                               # Revenue:\n# [[revenue]]\n# amount = \"1.00\"\n";
        let (text, _) = merge_document(trainings_first, Kind::Trainings, &refs[..1]).unwrap();
        let expected = "id = \"x\"\n\n# Trainings:\n# [[trainings]]\n# person = \"Jane Doe\"\n\n\
                        [[trainings]]\nprogram = \"p\"\nperson = \"A\"\n\n\
                        # Revenue:\n# [[revenue]]\n# amount = \"1.00\"\n";
        assert_eq!(text.unwrap(), expected);
    }

    #[test]
    fn without_a_commented_example_new_entries_go_before_the_closing_comments() {
        let text = "id = \"x\"\n\n# closing words\n";
        let (merged, _) = merge_document(text, Kind::Trainings, &[&training("A")]).unwrap();
        let expected =
            "id = \"x\"\n\n[[trainings]]\nprogram = \"p\"\nperson = \"A\"\n\n# closing words\n";
        assert_eq!(merged.unwrap(), expected);
    }
}
