//! `partnerctl completions` and `partnerctl man`

use std::process::ExitCode;

use clap::CommandFactory;

use super::{CmdResult, EXIT_OK};
use crate::cli::Cli;

/// Print a shell completion script.
///
/// For example `partnerctl completions bash > ~/.local/share/bash-completion/completions/partnerctl`.
/// The script is static: it completes subcommands, options and enumerated values, not partner or
/// program ids (clap's dynamic completion is still unstable).
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Print the man page (roff).
///
/// For example `partnerctl man > partnerctl.1; man ./partnerctl.1`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

/// Run `completions`.
pub fn completions(args: &CompletionsArgs) -> CmdResult {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "partnerctl", &mut out);
    super::emit(&out)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// Run `man`.
pub fn man(_: &ManArgs) -> CmdResult {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    super::emit(&out)?;
    Ok(ExitCode::from(EXIT_OK))
}
