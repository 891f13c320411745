//! Renderers: pure functions from results to text.

pub mod diagnostics;
