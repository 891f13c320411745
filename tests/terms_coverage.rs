//! The README's coverage table (issue #12, point 9) and the program files stay in step: every
//! TOML path the table names exists in the program it names, every row says how the statement is
//! encoded, and every program has rows.

use std::collections::BTreeMap;

const README: &str = include_str!("../README.md");

fn programs() -> BTreeMap<&'static str, toml::Value> {
    [
        ("infomaniak", include_str!("../programs/infomaniak.toml")),
        ("nospamproxy", include_str!("../programs/nospamproxy.toml")),
        ("pimentachat", include_str!("../programs/pimentachat.toml")),
    ]
    .into_iter()
    .map(|(id, text)| {
        let doc: toml::Table = toml::from_str(text).expect("program parses");
        (id, toml::Value::Table(doc))
    })
    .collect()
}

/// The table rows: (program, statement, encoded-at cell, status cell).
fn rows() -> Vec<[String; 4]> {
    let start = README
        .find("### Coverage of the source texts")
        .expect("the README has the coverage section");
    README[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| program |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect();
            assert_eq!(cells.len(), 4, "row with four cells: {l}");
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ]
        })
        .collect()
}

/// The backticked paths of a cell.
fn paths(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// Follow `a.b[key=value,key=value].c` through a TOML document.
fn resolve<'v>(mut v: &'v toml::Value, path: &str) -> Option<&'v toml::Value> {
    for seg in path.split('.') {
        let (key, select) = match seg.split_once('[') {
            Some((k, rest)) => (k, Some(rest.strip_suffix(']')?)),
            None => (seg, None),
        };
        v = v.get(key)?;
        if let Some(select) = select {
            let wanted: Vec<(&str, &str)> = select
                .split(',')
                .map(|kv| kv.split_once('=').expect("key=value"))
                .collect();
            v = v.as_array()?.iter().find(|entry| {
                wanted
                    .iter()
                    .all(|(k, val)| entry.get(*k).and_then(|x| x.as_str()) == Some(*val))
            })?;
        }
    }
    Some(v)
}

#[test]
fn every_path_in_the_coverage_table_exists() {
    let programs = programs();
    let rows = rows();
    let mut missing = Vec::new();
    for [program, statement, at, _] in &rows {
        let doc = programs
            .get(program.as_str())
            .unwrap_or_else(|| panic!("unknown program {program}"));
        for p in paths(at) {
            if resolve(doc, p).is_none() {
                missing.push(format!("{program}: {p} ({statement})"));
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn every_row_says_how_and_every_program_is_covered() {
    let rows = rows();
    for [program, statement, at, status] in &rows {
        let encoded = !paths(at).is_empty();
        let ok = if encoded {
            status.starts_with("enforced") || status.starts_with("recorded")
        } else {
            at == "—" && status.starts_with("not encoded: ")
        };
        assert!(ok, "{program}: {statement}: `{at}` / `{status}`");
    }
    // Nothing is left for later: a statement is encoded, or not encoded for a stated reason.
    let deferred: Vec<&String> = rows
        .iter()
        .map(|r| &r[3])
        .filter(|status| status.contains("issue #"))
        .collect();
    assert_eq!(deferred, Vec::<&String>::new());
    for program in programs().keys() {
        assert!(
            rows.iter().filter(|r| r[0] == *program).count() >= 10,
            "{program} has too few rows"
        );
    }
}

#[test]
fn the_resolver_rejects_what_is_not_there() {
    let p = programs();
    let nsp = &p["nospamproxy"];
    assert!(resolve(nsp, "levels[tier=business,track=cloud-only].grants.leads").is_some());
    assert!(resolve(nsp, "levels[tier=business,track=cloud-only].grants.nope").is_none());
    assert!(resolve(nsp, "levels[tier=gold].grants").is_none());
    assert!(resolve(nsp, "requirements.revenue-2001").is_none());
}
