//! The data model: partner records and program terms. These Rust types are the single source of
//! truth for `schemas/*.json`.

pub mod checked;
pub mod partner;
pub mod program;
pub mod scalar;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use partner::Partner;
pub use program::Program;

/// File format version of partner and program files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// Version 1.
    #[serde(rename = "partnerctl/v1")]
    V1,
}
