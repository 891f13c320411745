//! `partnerctl completions` and `partnerctl man`
//!
//! Completion goes through clap_complete's dynamic engine (`CompleteEnv`): the script a shell
//! sources only forwards the words on the line to `partnerctl` itself, which answers from the same
//! `clap::Command` that parses them. Why this and not the static scripts clap_complete also
//! writes: those cannot ask the repository for ids, and adding that by hand meant shell code per
//! shell (bash and fish had it; zsh and PowerShell did not). The engine is behind clap_complete's
//! `unstable-dynamic` feature, so Cargo.toml pins clap_complete exactly and a test runs the
//! protocol of every shell against a temporary repository.

use std::ffi::OsStr;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use super::{user_error, CmdResult, EXIT_OK};
use crate::cli::Cli;

/// The environment variable that turns a run of `partnerctl` into a completion request. Not
/// clap's default `COMPLETE`: that generic name may be set for other reasons, and any value but a
/// shell's name would make every command fail.
pub const COMPLETE_VAR: &str = "PARTNERCTL_COMPLETE";

/// Print the shell hook that completes `partnerctl` command lines.
///
/// For example `partnerctl completions bash > ~/.local/share/bash-completion/completions/partnerctl`,
/// or re-generated at each shell start (recommended after upgrades): `source <(partnerctl
/// completions zsh)` in `~/.zshrc`, `partnerctl completions powershell | Out-String |
/// Invoke-Expression` in `$PROFILE`. On each TAB the hook asks `partnerctl` for the candidates:
/// subcommands, options, enumerated values, paths, and for `--program` and `--partner` the ids of
/// the repository around the current directory.
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

/// The command line with its id completers: every `--program` and `--partner` of every
/// subcommand completes with the ids of `programs/` and `partners/`.
pub fn command() -> clap::Command {
    with_id_completers(Cli::command())
}

fn with_id_completers(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| match arg.get_long() {
        Some("program") => arg.add(ArgValueCandidates::new(|| ids("programs"))),
        Some("partner") => arg.add(ArgValueCandidates::new(|| ids("partners"))),
        _ => arg,
    })
    .mut_subcommands(with_id_completers)
}

/// Answer a completion request (when [`COMPLETE_VAR`] is set) and exit; otherwise return.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .complete();
}

/// The ids of the `.toml` files directly in `dir` of the repository around the current
/// directory, sorted; none outside a repository. Only the directory is listed (no file is read),
/// so a TAB stays fast in a repository of 10,000 partners.
fn ids(dir: &str) -> Vec<CompletionCandidate> {
    let Ok(repo) = crate::source::Repo::discover(Path::new(".")) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(repo.root.join(dir)) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = entries
        .filter_map(|e| {
            let name = e.ok()?.file_name();
            let id = Path::new(&name).file_stem()?.to_str()?;
            (Path::new(&name).extension() == Some(OsStr::new("toml"))).then(|| id.to_string())
        })
        .collect();
    ids.sort_unstable();
    ids.into_iter().map(CompletionCandidate::new).collect()
}

/// Run `completions`: the registration script of clap_complete's dynamic completion for `shell`,
/// calling back into the binary by the name it was started with (as `CompleteEnv` does).
pub fn completions(args: &CompletionsArgs) -> CmdResult {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let shell = shells
        .completer(&name)
        .ok_or_else(|| user_error(format!("no dynamic completion for {name}")))?;
    let mut out = Vec::new();
    shell.write_registration(
        COMPLETE_VAR,
        "partnerctl",
        "partnerctl",
        &completer(),
        &mut out,
    )?;
    super::emit(&out)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// How the hook calls partnerctl: the name it was started with, made absolute when it is a
/// relative path (`./target/release/partnerctl`), so the hook works from any directory.
fn completer() -> String {
    let argv0 = std::env::args_os()
        .next()
        .unwrap_or_else(|| "partnerctl".into());
    let path = std::path::PathBuf::from(argv0);
    let path = if path.components().count() > 1 {
        std::path::absolute(&path).unwrap_or(path)
    } else {
        path
    };
    path.to_string_lossy().into_owned()
}

/// Run `man`.
pub fn man(_: &ManArgs) -> CmdResult {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    super::emit(&out)?;
    Ok(ExitCode::from(EXIT_OK))
}
