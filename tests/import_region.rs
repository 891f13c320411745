//! `import` merges rows into the run of `[[section]]` entries alone when it can
//! (`apply::section_region`), and into the whole document otherwise. Both paths must give the
//! same bytes: these tests compare them on partner files (fixtures copied from the bundled data)
//! and on variants written to reach every reason the region path declines.

use partnerctl::import::apply::{append_new, key_of, merge, merge_document, section_region};
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

fn fixtures() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import_region");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 3);
    files
}

fn row(kind: Kind, values: Vec<(&'static str, Value)>) -> Row {
    let mut t = Table::new();
    for (k, v) in &values {
        t.insert(k, Item::Value(v.clone()));
    }
    Row {
        partner: "p".into(),
        key: key_of(&t, kind),
        values,
    }
}

/// Rows for `kind` built from the file's first entry: one with the same key and a changed value
/// (an update), one with a new key (an append); a fresh entry when the file has none.
fn rows_for(text: &str, kind: Kind) -> Vec<Row> {
    let doc: Option<DocumentMut> = text.parse().ok();
    let first = doc.as_ref().and_then(|d| {
        d.get(kind.section())
            .and_then(Item::as_array_of_tables)
            .and_then(|a| a.get(0).cloned())
    });
    let fields = kind.fields();
    let value_of = |t: &Table, name: &str| t.get(name).and_then(Item::as_value).cloned();
    let Some(first) = first else {
        let values = fields
            .iter()
            .map(|f| (f.name, Value::from("fresh")))
            .collect();
        return vec![row(kind, values)];
    };
    let mut update: Vec<(&'static str, Value)> = Vec::new();
    let mut append: Vec<(&'static str, Value)> = Vec::new();
    let mut appended_key = false;
    for f in fields {
        let current = value_of(&first, f.name);
        match (f.key, current) {
            (true, Some(v)) => {
                update.push((f.name, v.clone()));
                let new = if appended_key {
                    v
                } else {
                    Value::from("zz-new-key")
                };
                appended_key = true;
                append.push((f.name, new));
            }
            (false, _) => {
                update.push((f.name, Value::from("changed")));
                append.push((f.name, Value::from("new")));
            }
            (true, None) => {}
        }
    }
    vec![row(kind, update), row(kind, append)]
}

/// Which of the three ways merged rows into a file.
#[derive(Debug, Default, PartialEq, Eq)]
struct Paths {
    /// Kinds whose rows (an update and an append) were merged into the region alone.
    region: Vec<Kind>,
    /// Kinds whose new rows alone were appended as text (`apply::append_new`).
    appended: Vec<Kind>,
}

/// All paths agree on `text` for every kind, with an update and an append, and with new rows
/// only; which paths ran.
fn agree(text: &str) -> Paths {
    let mut paths = Paths::default();
    for kind in KINDS {
        let rows = rows_for(text, kind);
        let refs: Vec<&Row> = rows.iter().collect();
        let fast = merge(text, kind, &refs);
        let whole = merge_document(text, kind, &refs);
        assert_eq!(fast, whole, "{kind:?} on:\n{text}");
        let region = section_region(text, kind.section());
        let region_parses = region
            .clone()
            .is_some_and(|r| text[r].parse::<DocumentMut>().is_ok());
        if region_parses {
            paths.region.push(kind);
        }
        let new_only = new_rows(kind, &rows);
        let refs: Vec<&Row> = new_only.iter().collect();
        let fast = merge(text, kind, &refs);
        assert_eq!(
            fast,
            merge_document(text, kind, &refs),
            "{kind:?} new rows on:\n{text}"
        );
        let entries = partnerctl::fast_toml::tables_of(text, kind.section());
        let appended = region
            .zip(entries)
            .and_then(|(r, e)| append_new(text, r, kind, &refs, &e));
        if let Some(appended) = appended {
            assert_eq!(fast.unwrap().0.as_deref(), Some(appended.as_str()));
            paths.appended.push(kind);
        }
    }
    paths
}

/// The appended row of [`rows_for`] (the last) and one more with another program.
fn new_rows(kind: Kind, rows: &[Row]) -> Vec<Row> {
    let appended = rows.last().unwrap().clone();
    let mut values = appended.values.clone();
    for (name, value) in &mut values {
        if *name == "program" {
            *value = Value::from("zz-another");
        }
    }
    vec![appended, row(kind, values)]
}

#[test]
fn the_region_path_gives_what_the_whole_document_gives_on_partner_files() {
    let paths: Vec<(String, Paths)> = fixtures()
        .into_iter()
        .map(|(path, text)| (path.rsplit('/').next().unwrap().to_string(), agree(&text)))
        .collect();
    // The fast paths must actually run where the files allow it: for every kind a file has (a
    // kind it lacks goes into the whole document, where toml_edit decides the place).
    // alpenblick-edv's opening comment says "revenue" and "3 projects", which does not matter.
    // Every entry's key values are strings or dates, so new rows are appended as text wherever
    // the region is used.
    use Kind::*;
    let both = |kinds: Vec<Kind>| Paths {
        region: kinds.clone(),
        appended: kinds,
    };
    let expected = [
        (
            "alpenblick-edv.toml",
            both(vec![
                Revenue,
                ManagedVolume,
                Projects,
                Trainings,
                Certifications,
            ]),
        ),
        ("atelier-numerique-rhone.toml", both(vec![ManagedVolume])),
        ("hafenkante-chatops.toml", both(vec![Certifications])),
    ]
    .map(|(f, k)| (f.to_string(), k));
    assert_eq!(paths, expected);
}

#[test]
fn new_entries_go_after_the_last_value_and_before_the_closing_comments() {
    let text = "id = \"p\"\n\n[[trainings]]\nprogram = \"a\" # first\nperson = \"A\"\n\n  \n# later ones below\n\n[profile]\nname = \"P\"\n";
    let values = vec![
        ("program", Value::from("b")),
        ("person", Value::from("B")),
        ("kind", Value::from("admin")),
        ("date", "2025-11-30".parse::<Value>().unwrap()),
    ];
    let new = row(Kind::Trainings, values);
    let (merged, effect) = merge(text, Kind::Trainings, &[&new]).unwrap();
    let expected = "id = \"p\"\n\n[[trainings]]\nprogram = \"a\" # first\nperson = \"A\"\n\n\
        [[trainings]]\nprogram = \"b\"\nperson = \"B\"\nkind = \"admin\"\ndate = 2025-11-30\n\n  \n\
        # later ones below\n\n[profile]\nname = \"P\"\n";
    assert_eq!(merged.as_deref(), Some(expected));
    assert_eq!(effect.added, 1);
    let region = section_region(text, "trainings").unwrap();
    let entries = partnerctl::fast_toml::tables_of(text, "trainings").unwrap();
    assert_eq!(
        append_new(text, region.clone(), Kind::Trainings, &[&new], &entries).as_deref(),
        Some(expected)
    );
    // A row with the key of an entry is an update, which only toml_edit does.
    let same = row(
        Kind::Trainings,
        vec![("program", Value::from("a")), ("person", Value::from("A"))],
    );
    assert_eq!(
        append_new(text, region.clone(), Kind::Trainings, &[&same], &entries),
        None
    );
    assert_eq!(
        append_new(text, region, Kind::Trainings, &[&new, &new], &entries),
        None,
        "one key twice"
    );
}

fn variants(text: &str) -> Vec<String> {
    let mut out = vec![
        text.replace('\n', "\r\n"),
        text.replace("[[trainings]]", "# a comment before\n\n[[trainings]]"),
        text.replace("[[trainings]]", "[[trainings]] # trailing comment"),
        text.replace("\n[", "\n# closing comment\n  \n\t# indented\n\n["),
        text.replace("\n[", " # after the value\n["),
        text.replace("[[certifications]]", "[[certifications]]\n# only a comment"),
        text.replace("[[projects]]", "[[ projects ]]"),
        text.replace("[[certifications]]", "[[\"certifications\"]]"),
        text.replace("[[managed_volume]]", "[[managed_volume]]\n\n"),
        format!("{text}\n[extra]\nnote = \"managed_volume and trainings\"\n"),
        format!("{text}\n[[trainings]]\nprogram = \"x\"\nperson = \"late\"\n"),
        text.replacen("[[trainings]]", "[[trainings]]\nlist = [\n  [\"a\"],\n]", 1),
        text.replacen(
            "[[trainings]]",
            "[[trainings]]\nnote = \"\"\"\n[x]\n\"\"\"",
            1,
        ),
        text.replacen(
            "[[projects]]",
            "[[projects]]\n[projects.meta]\nx = \"y\"\n[[projects]]",
            1,
        ),
        text.trim_end().to_string(),
        format!("{text}[trainings.broken"),
    ];
    // Move the entries of one kind to the end of the file, in one run.
    let lines: Vec<&str> = text.lines().collect();
    if let Some(at) = lines.iter().position(|l| *l == "[[certifications]]") {
        let end = (at + 1..lines.len())
            .find(|&i| lines[i].starts_with('['))
            .unwrap_or(lines.len());
        let mut moved: Vec<&str> = lines[..at].to_vec();
        moved.extend(&lines[end..]);
        moved.push("");
        moved.extend(&lines[at..end]);
        out.push(moved.join("\n"));
    }
    out
}

#[test]
fn the_region_path_gives_what_the_whole_document_gives_on_every_declined_shape() {
    for (_, text) in fixtures() {
        for v in variants(&text) {
            agree(&v);
        }
    }
}

#[test]
fn the_region_is_the_run_of_entries_and_declines_what_it_cannot_vouch_for() {
    let text = "id = \"p\"\n\n[[trainings]]\nperson = \"a\"\n\n[[trainings]]\nperson = \"b\"\n\n# next\n[profile]\nname = \"P\"\n";
    let start = text.find("[[trainings]]").unwrap();
    let end = text.find("[profile]").unwrap();
    assert_eq!(section_region(text, "trainings"), Some(start..end));
    assert_eq!(section_region(text, "projects"), None, "absent section");
    // The name in a comment, a string or another table's key changes nothing.
    let elsewhere = text
        .replace("# next", "# trainings follow\n# [[trainings]]")
        .replace("name = \"P\"", "trainings = \"[[trainings]]\"");
    let profile = elsewhere.find("[profile]").unwrap();
    assert_eq!(
        section_region(&elsewhere, "trainings"),
        Some(start..profile)
    );
    let sub = text.replace("# next", "[trainings.sub]\nx = \"y\"");
    assert_eq!(section_region(&sub, "trainings"), None, "sub-table");
    let sub_first = format!("[trainings.sub]\nx = \"y\"\n{text}");
    assert_eq!(section_region(&sub_first, "trainings"), None, "sub-table");
    let split = format!("{text}[[trainings]]\nperson = \"c\"\n");
    assert_eq!(section_region(&split, "trainings"), None, "two runs");
    let multi = text.replace("\"b\"", "\"\"\"b\"\"\"");
    assert_eq!(
        section_region(&multi, "trainings"),
        None,
        "multi-line string"
    );
    // Another key that contains the name is another key.
    let longer = text.replace("# next", "# next\n[[more_trainings]]\nx = \"y\"");
    let longer_end = longer.find("[[more_trainings]]").unwrap();
    assert_eq!(
        section_region(&longer, "trainings"),
        Some(start..longer_end)
    );
    // A dotted key extends the section from outside its run: the plain reader refuses the text,
    // and `merge` uses the region only when it accepts it.
    let dotted = text.replace("# next", "trainings.x = 1");
    assert_eq!(partnerctl::fast_toml::tables_of(&dotted, "trainings"), None);
    let at_end = &text[..end];
    assert_eq!(section_region(at_end, "trainings"), Some(start..end));
}

/// Lines that steer `section_region` one way or the other, inserted anywhere.
const SNIPPETS: [&str; 31] = [
    "# [[revenue]]",
    "note = \"[[trainings]] in a string\"",
    "[[revenue.items]]",
    "[x.trainings]",
    "revenue = \"text\"",
    "  # indented comment",
    "\t",
    "amount = \"1.00\" # c",
    "a.b = 1",
    "x = { y = 1, z = [1, 2] }",
    "  [[trainings]]",
    "[[trainings]]   ",
    "[a.\"b c\"]",
    "[[memberships]]\nprogram = \"p\"",
    "[[trainings]]",
    "[[revenue]]",
    "[[certifications]]\nprogram = \"x\"",
    "# trainings and revenue",
    "[x]",
    "[trainings.sub]",
    "list = [\n  [\"a\"],\n]",
    "note = \"\"\"\n[[revenue]]\n\"\"\"",
    "",
    "[[ projects ]]",
    "revenue = 1",
    "\r",
    "[[managed_volume]] # c",
    "[profile]",
    "[[more_trainings]]\nx = \"y\"",
    "[[recurring_revenue]]\nprogram = \"p\"",
    "trainings.x = 1",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn both_paths_agree_on_mutated_partner_files(
        file in 0usize..3,
        inserts in proptest::collection::vec((0usize..200, 0usize..SNIPPETS.len()), 0..5),
    ) {
        let (_, text) = &fixtures()[file];
        let mut lines: Vec<&str> = text.split('\n').collect();
        for (at, snippet) in inserts {
            lines.insert(at % (lines.len() + 1), SNIPPETS[snippet]);
        }
        agree(&lines.join("\n"));
    }
}
