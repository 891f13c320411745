//! Renderers: pure functions from results to text.

pub mod diagnostics;
pub mod diff;
pub mod directory;
pub mod eval;
pub mod explain;
pub mod markdown;
pub mod table;
pub mod terminal;
