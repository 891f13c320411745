//! What can go wrong in a command, as types: each kind decides the exit status, and a user error
//! can carry a hint (after jj's `CommandError` and its `user_error_with_hint`).
//!
//! Findings about the data are not errors: a command reports them and returns
//! [`super::EXIT_FINDINGS`]. An error stops the command with exit status 2.

use std::process::ExitCode;

use crate::source::SourceError;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The command cannot do what was asked (an unknown id, a bad option value, a refused
    /// file): the user can fix it.
    #[error("{message}")]
    User {
        /// What is wrong, one line.
        message: String,
        /// How to fix it, when we can say.
        hint: Option<String>,
    },
    /// The repository or a revision could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Reading or writing a file, or standard output, failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Rendering a report failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Writing CSV failed.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// Building the directory site failed.
    #[error(transparent)]
    Site(#[from] crate::site::SiteError),
    /// The directory site was not written.
    #[error(transparent)]
    SiteWrite(#[from] crate::site::write::WriteError),
}

impl CommandError {
    /// The exit status this error ends the process with: usage and internal errors alike are 2.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(super::EXIT_ERROR)
    }
    /// The hint to print under the message, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            CommandError::User { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }
}

/// A user error without a hint.
pub fn user_error(message: impl Into<String>) -> CommandError {
    CommandError::User {
        message: message.into(),
        hint: None,
    }
}

/// A user error with a hint on how to fix it.
// No message has a hint yet (outputs stayed byte-identical when errors became typed); new
// messages use this rather than appending the hint to the message.
#[allow(dead_code)]
pub fn user_error_with_hint(message: impl Into<String>, hint: impl Into<String>) -> CommandError {
    CommandError::User {
        message: message.into(),
        hint: Some(hint.into()),
    }
}

impl From<std::fmt::Error> for CommandError {
    fn from(_: std::fmt::Error) -> Self {
        std::io::Error::other("formatting failed").into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_exits_2_and_only_user_errors_carry_hints() {
        let hinted =
            user_error_with_hint("no partner file partners/x.toml", "run `partnerctl new`");
        assert_eq!(hinted.to_string(), "no partner file partners/x.toml");
        assert_eq!(hinted.hint(), Some("run `partnerctl new`"));
        assert_eq!(hinted.exit_code(), ExitCode::from(2));
        let io: CommandError = std::io::Error::other("disk full").into();
        assert_eq!((io.to_string().as_str(), io.hint()), ("disk full", None));
        assert_eq!(io.exit_code(), ExitCode::from(2));
    }
}
