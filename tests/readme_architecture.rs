//! The README's architecture section gives every top module of the library a row, so that a
//! newcomer finds each one described (issue #11).

#[test]
fn every_module_of_lib_rs_has_a_row_in_the_readme_architecture_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let architecture = readme
        .split("\n## Architecture\n")
        .nth(1)
        .expect("README has an Architecture section");
    let architecture = architecture.split("\n## ").next().unwrap_or_default();
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_suffix(';'))
        .filter_map(|l| l.split("mod ").nth(1).filter(|_| l.starts_with("pub")))
        .collect();
    assert!(modules.len() > 20, "{modules:?}");
    let missing: Vec<&&str> = modules
        .iter()
        .filter(|m| !architecture.contains(&format!("\n| `{m}` |")))
        .collect();
    assert!(missing.is_empty(), "modules without a row: {missing:?}");
}
