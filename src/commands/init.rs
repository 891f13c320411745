//! `partnerctl init`

use std::path::PathBuf;
use std::process::ExitCode;

use super::{user_error, CmdResult, EXIT_OK};
use crate::scaffold::init::{self, Pin};

/// Create a partner-data repository in which `partnerctl check` passes at once.
///
/// A commented starter program (or `--from` your own), an
/// example partner, the JSON schemas, editor settings, a README for partner managers and the
/// pull-request review workflows, pinned to a partnerctl release. Runs `git init` unless the
/// directory is already inside a repository. `partnerctl check` passes in the result.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create the repository (default: the current directory).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Start from this program file instead of the starter program.
    #[arg(long, value_name = "PROGRAM.toml")]
    from: Option<PathBuf>,
    /// owner/name of the partnerctl repository the workflows download releases from.
    #[arg(long, value_name = "OWNER/NAME")]
    partnerctl_repository: Option<String>,
    /// The partnerctl release the workflows use (vX.Y.Z).
    #[arg(long, value_name = "TAG")]
    partnerctl_version: Option<String>,
    /// SHA-256 of that release's partnerctl-x86_64-unknown-linux-gnu.tar.gz.
    #[arg(long, value_name = "HEX")]
    sha256: Option<String>,
    /// The full commit id of that release's tag: the reusable review workflow is pinned to it
    /// (`git ls-remote https://github.com/OWNER/NAME refs/tags/vX.Y.Z^{}`).
    #[arg(long, value_name = "SHA")]
    partnerctl_commit: Option<String>,
}

/// Run `init`.
pub fn run(args: &InitArgs) -> CmdResult {
    let pin = Pin {
        repository: args.partnerctl_repository.clone(),
        version: args.partnerctl_version.clone(),
        sha256: args.sha256.clone(),
        commit: args.partnerctl_commit.clone(),
    };
    pin.validate().map_err(user_error)?;
    let from = match &args.from {
        // A program file is a data file: the same size limit as `check` applies.
        Some(p) => {
            let bytes = crate::source::read_named_file(p, crate::source::MAX_FILE_BYTES)
                .map_err(user_error)?;
            let text = String::from_utf8(bytes)
                .map_err(|e| user_error(format!("{}: {e}", p.display())))?;
            Some(text)
        }
        None => None,
    };
    let files = init::files(from.as_deref(), &pin).map_err(user_error)?;
    let created_git = init::write(&args.dir, &files).map_err(user_error)?;
    for (rel, _) in &files {
        println!("wrote {}", rel.display());
    }
    if created_git {
        println!("initialized a git repository in {}", args.dir.display());
    }
    if pin.incomplete() {
        println!(
            "set the partnerctl release in .github/workflows/pr-review.yml and upcoming.yml (replace {}, {}, {} and \
             {}), or rerun with --partnerctl-repository, --partnerctl-version, \
             --partnerctl-commit and --sha256",
            init::REPOSITORY_TODO,
            init::VERSION_TODO,
            init::COMMIT_TODO,
            init::SHA256_TODO
        );
    }
    println!("next: partnerctl new partner ID --program PROGRAM, then partnerctl check");
    Ok(ExitCode::from(EXIT_OK))
}
