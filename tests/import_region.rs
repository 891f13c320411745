//! `import` merges rows into the run of `[[section]]` entries alone when it can
//! (`apply::section_region`), and into the whole document otherwise. Both paths must give the
//! same bytes: these tests compare them on partner files (fixtures copied from the bundled data)
//! and on variants written to reach every reason the region path declines.

use partnerctl::import::apply::{key_of, merge, merge_document, section_region};
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

/// Both paths agree on `text` for every kind; the kinds that took the region path.
fn agree(text: &str) -> Vec<Kind> {
    let mut regions = Vec::new();
    for kind in KINDS {
        let rows = rows_for(text, kind);
        let refs: Vec<&Row> = rows.iter().collect();
        let fast = merge(text, kind, &refs);
        let whole = merge_document(text, kind, &refs);
        assert_eq!(fast, whole, "{kind:?} on:\n{text}");
        let region = section_region(text, kind.section());
        let region_parses = region.is_some_and(|r| text[r].parse::<DocumentMut>().is_ok());
        if region_parses {
            regions.push(kind);
        }
    }
    regions
}

#[test]
fn the_region_path_gives_what_the_whole_document_gives_on_partner_files() {
    let regions: Vec<(String, Vec<Kind>)> = fixtures()
        .into_iter()
        .map(|(path, text)| (path.rsplit('/').next().unwrap().to_string(), agree(&text)))
        .collect();
    // The fast path must actually run where the files allow it. alpenblick-edv's revenue and
    // projects decline: its opening comment says "revenue" and "3 projects".
    use Kind::*;
    let expected = [
        (
            "alpenblick-edv.toml",
            vec![ManagedVolume, Trainings, Certifications],
        ),
        ("atelier-numerique-rhone.toml", vec![ManagedVolume]),
        ("hafenkante-chatops.toml", vec![Certifications]),
    ]
    .map(|(f, k)| (f.to_string(), k));
    assert_eq!(regions, expected);
}

fn variants(text: &str) -> Vec<String> {
    let mut out = vec![
        text.replace('\n', "\r\n"),
        text.replace("[[trainings]]", "# a comment before\n\n[[trainings]]"),
        text.replace("[[trainings]]", "[[trainings]] # trailing comment"),
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
    let commented = text.replace("# next", "# trainings follow");
    assert_eq!(
        section_region(&commented, "trainings"),
        None,
        "name elsewhere"
    );
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
    let dotted = text.replace("# next", "trainings.x = 1");
    assert_eq!(section_region(&dotted, "trainings"), None, "dotted key");
    let at_end = &text[..end];
    assert_eq!(section_region(at_end, "trainings"), Some(start..end));
}

/// Lines that steer `section_region` one way or the other, inserted anywhere.
const SNIPPETS: [&str; 23] = [
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
