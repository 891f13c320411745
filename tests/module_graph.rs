//! The crate's modules depend on each other without cycles, so that each can be read (and
//! changed) knowing only the modules below it. An edge is any `crate::m` path in a module's
//! code (`use` lines and inline paths, not comments or `#[cfg(test)]` parts), at the level of the
//! top modules (`src/m.rs` or `src/m/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Cycles not broken yet, as (module, module it uses) edges left out of the check: `completions`
/// generates its scripts from the clap definition in `cli`, which dispatches to `commands`.
const KNOWN: [(&str, &str); 1] = [("commands", "cli")];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a file without comments and without what follows `#[cfg(test)]`.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top modules named after each `crate::` in `code`, including those in `crate::{a, b}`.
fn used(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for rest in code.split("crate::").skip(1) {
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            out.extend(group.split(',').map(ident));
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

fn graph(src: &Path) -> Graph {
    let mut g = Graph::new();
    let mut files = vec![src.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let rel = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if !rel.ends_with(".rs") || top == "lib" || top == "main" {
            continue;
        }
        let deps = used(&code(&std::fs::read_to_string(&path).unwrap()));
        let edges = g.entry(top.clone()).or_default();
        edges.extend(deps.into_iter().filter(|d| *d != top));
    }
    for (from, to) in KNOWN {
        g.get_mut(from).map(|e| e.remove(to));
    }
    g
}

/// A cycle of `g` as its modules in order, if there is one (depth-first search).
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(g: &Graph, m: &str, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> bool {
        if let Some(i) = path.iter().position(|p| p == m) {
            path.drain(..i);
            path.push(m.to_owned());
            return true;
        }
        if done.contains(m) {
            return false;
        }
        path.push(m.to_owned());
        for next in g.get(m).into_iter().flatten() {
            if visit(g, next, path, done) {
                return true;
            }
        }
        path.pop();
        done.insert(m.to_owned());
        false
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        let mut path = Vec::new();
        if visit(g, m, &mut path, &mut done) {
            return Some(path);
        }
    }
    None
}

#[test]
fn the_module_graph_has_no_cycles() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(g.contains_key("dataset") && g["dataset"].contains("validate"));
    assert!(g.contains_key("load") && g["load"].contains("schema"));
    assert_eq!(cycle(&g), None);
}

#[test]
fn the_check_finds_a_cycle_through_inline_paths_and_groups() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().extend(used(&code(
        "use crate::{b::X, c};\n// crate::d\nfn f() { crate::e::g() }",
    )));
    assert_eq!(g["a"], ["b", "c", "e"].map(String::from).into());
    g.entry("e".into()).or_default().insert("a".into());
    assert_eq!(cycle(&g), Some(["a", "e", "a"].map(String::from).to_vec()));
}
