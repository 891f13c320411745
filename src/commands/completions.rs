//! `partnerctl completions` and `partnerctl man`

use std::process::ExitCode;

use clap::CommandFactory;

use super::{CmdResult, EXIT_OK};
use crate::cli::Cli;

/// Print a shell completion script.
///
/// For example `partnerctl completions bash > ~/.local/share/bash-completion/completions/partnerctl`.
/// The script completes subcommands, options and enumerated values; for bash and fish it also
/// completes the values of `--program` and `--partner` with the ids of the repository in the
/// current directory, by calling the hidden `partnerctl __complete-ids` (clap's own dynamic
/// completion is still behind an unstable feature).
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

/// List the partner or program ids of the repository, one per line (for completion scripts).
#[derive(Debug, clap::Args)]
pub struct CompleteIdsArgs {
    /// Which ids.
    #[arg(value_enum)]
    kind: IdKind,
    #[command(flatten)]
    source: super::SourceArgs,
}

/// The kinds of ids `__complete-ids` lists.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum IdKind {
    Partners,
    Programs,
}

/// Bash: complete `--program`/`--partner` values from the repository, everything else as clap's
/// generated `_partnerctl` does.
const BASH_IDS: &str = r#"
_partnerctl_with_ids() {
    local prev="${COMP_WORDS[COMP_CWORD-1]}" kind=""
    case "$prev" in
        --program) kind=programs ;;
        --partner) kind=partners ;;
    esac
    if [[ -n "$kind" ]]; then
        COMPREPLY=($(compgen -W "$(partnerctl __complete-ids "$kind" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        return 0
    fi
    _partnerctl "$@"
}
complete -F _partnerctl_with_ids -o nosort -o bashdefault -o default partnerctl
"#;

/// Fish: extra value sources for the same options.
const FISH_IDS: &str = r#"
complete -c partnerctl -l program -f -a '(partnerctl __complete-ids programs 2>/dev/null)'
complete -c partnerctl -l partner -f -a '(partnerctl __complete-ids partners 2>/dev/null)'
"#;

/// Run `completions`.
pub fn completions(args: &CompletionsArgs) -> CmdResult {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "partnerctl", &mut out);
    match args.shell {
        clap_complete::Shell::Bash => out.extend_from_slice(BASH_IDS.as_bytes()),
        clap_complete::Shell::Fish => out.extend_from_slice(FISH_IDS.as_bytes()),
        _ => {}
    }
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

/// Run `__complete-ids`: the ids of the files in `partners/` or `programs/`, sorted.
pub fn complete_ids(args: &CompleteIdsArgs) -> CmdResult {
    let repo = args.source.open()?;
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let dir = match args.kind {
        IdKind::Partners => "partners/",
        IdKind::Programs => "programs/",
    };
    let mut ids: Vec<&str> = snap
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix(dir)?.strip_suffix(".toml"))
        .filter(|id| !id.contains('/'))
        .collect();
    ids.sort_unstable();
    let mut out = String::new();
    for id in ids {
        out.push_str(id);
        out.push('\n');
    }
    super::emit(out.as_bytes())?;
    Ok(ExitCode::from(EXIT_OK))
}
