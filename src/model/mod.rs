//! The data model: partner records and program terms. These Rust types are the single source of
//! truth for `schemas/*.json`.

pub mod catalog;
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

/// Which schema a file is checked against, decided by its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `partners/*.toml`
    Partner,
    /// `programs/*.toml`
    Program,
}

impl FileKind {
    /// The kind of a repository path, if it is a data file.
    pub fn of_path(path: &str) -> Option<FileKind> {
        let (dir, name) = path.split_once('/')?;
        if name.contains('/') || !name.ends_with(".toml") {
            return None;
        }
        match dir {
            "partners" => Some(FileKind::Partner),
            "programs" => Some(FileKind::Program),
            _ => None,
        }
    }
}
