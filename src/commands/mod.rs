//! One module per subcommand; each has a clap `Args` struct whose doc comment is its help text.

pub mod check;
pub mod completions;
pub mod diff;
pub mod directory;
pub mod error;
pub mod eval;
pub mod fmt;
pub mod history;
pub mod import;
pub mod init;
pub mod links;
pub mod new;
pub mod schema;
pub mod upcoming;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use codespan_reporting::term::termcolor;

use crate::source::{Repo, Side, SourceError};
#[allow(unused_imports)]
pub use error::user_error_with_hint;
pub use error::{user_error, CommandError};

/// Exit status: everything fine.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings (invalid data, a failed gate).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage or internal error.
pub const EXIT_ERROR: u8 = 2;

/// Where to read the data from.
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// The partner-data repository (default: discovered from the current directory).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Read the files at this git revision (HEAD~3, a branch, origin/main, a commit id) instead of
    /// the working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

impl SourceArgs {
    /// Open the repository; fail unless the side to read has partner data directories.
    pub fn open(&self) -> Result<Repo, SourceError> {
        let dir = self.repo.clone().unwrap_or_else(|| PathBuf::from("."));
        let repo = Repo::discover(&dir)?;
        repo.require_data_dirs(&self.side())?;
        Ok(repo)
    }
    /// Which side to read.
    pub fn side(&self) -> Side {
        self.rev.clone().map_or(Side::WorkTree, Side::Rev)
    }
}

/// Whether stdout gets colors: only on a terminal, and never with `NO_COLOR` set.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A buffer for a command's standard output, colored when appropriate.
pub fn stdout_buffer() -> termcolor::Buffer {
    if use_color() {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    }
}

/// Write a finished output to stdout. A closed pipe (`partnerctl eval | head`) is not an error.
pub fn emit(bytes: &[u8]) -> std::io::Result<()> {
    emit_all(&[bytes])
}

/// Write `parts` to stdout one after the other, like [`emit`] of their concatenation.
pub fn emit_all(parts: &[&[u8]]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let written = parts
        .iter()
        .try_for_each(|p| out.write_all(p))
        .and_then(|_| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Result of a command: its exit status ([`EXIT_OK`] or [`EXIT_FINDINGS`]), or an error, whose
/// kind decides the exit status ([`CommandError::exit_code`]).
pub type CmdResult = Result<ExitCode, CommandError>;
