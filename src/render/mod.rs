//! Renderers: pure functions from results to text.

pub mod diagnostics;
pub mod diff;
pub mod directory;
pub mod eval;
pub mod explain;
pub mod markdown;
pub mod table;
pub mod terminal;

/// A report as `--format json` writes it: pretty-printed, ending in a newline.
pub fn json_document<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}
