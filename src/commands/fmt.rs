//! `partnerctl fmt`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::collections::BTreeSet;

use super::{user_error, CmdResult, CommandError, EXIT_FINDINGS, EXIT_OK};
use crate::format::files::{self, Outcome};
use crate::load::FileKind;
use crate::source::{Repo, Side};

/// Rewrite partner and program files in canonical form, keeping comments.
///
/// The `#:schema` line first, keys in the order of the record's fields, arrays of tables grouped, money as quoted
/// decimals with two places ("2000.00"), dates as TOML dates (2025-11-30).
///
/// Exit status: 0 when done (with `--check`: when every file is canonical), 1 with `--check` when
/// a file would change or a file is not valid TOML, 2 on usage errors.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// The partner-data repository (default: discovered from the current directory).
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
    /// Do not write; report each file that would change and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// Only these files (default: every `partners/*.toml` and `programs/*.toml`).
    #[arg(value_name = "FILES")]
    files: Vec<PathBuf>,
}

/// Run `fmt`.
pub fn run(args: &FmtArgs) -> CmdResult {
    let repo = Repo::discover(args.repo.as_deref().unwrap_or(Path::new(".")))?;
    let only = if args.files.is_empty() {
        None
    } else {
        Some(wanted_files(&repo.root, &args.files)?)
    };
    let snap = repo.snapshot_unhashed(&Side::WorkTree)?;
    let outcomes = files::outcomes(&snap, only.as_ref());
    if let Some(only) = &only {
        let found: BTreeSet<&str> = outcomes.iter().map(|(p, _)| p.as_str()).collect();
        if let Some(missing) = only.iter().find(|p| !found.contains(p.as_str())) {
            return Err(user_error(format!("{missing}: no such file")));
        }
    }
    let mut findings = false;
    for (path, outcome) in outcomes {
        match outcome {
            Outcome::Canonical => {}
            Outcome::NotFormatted { at, message } => {
                match at {
                    Some(at) => eprintln!(
                        "{path}:{}:{}: {message} (not formatted)",
                        at.line, at.column
                    ),
                    None => eprintln!("{path}: {message} (not formatted)"),
                }
                findings = true;
            }
            Outcome::Changes {
                first_changed_line, ..
            } if args.check => {
                println!(
                    "{path}:{first_changed_line}:1: not canonical; run `partnerctl fmt {path}`"
                );
                findings = true;
            }
            Outcome::Changes { text, .. } => {
                files::write(&repo.root, &path, &text).map_err(user_error)?;
                println!("formatted {path}");
            }
        }
    }
    Ok(ExitCode::from(if findings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}

/// The repository paths of `files`, each a partner or program file.
fn wanted_files(root: &Path, files: &[PathBuf]) -> Result<BTreeSet<String>, CommandError> {
    let mut wanted = BTreeSet::new();
    for file in files {
        let rel = relative(root, file)?;
        if FileKind::of_path(&rel).is_none() {
            return Err(user_error(format!(
                "{rel}: not a partner or program file (partners/*.toml, programs/*.toml)"
            )));
        }
        wanted.insert(rel);
    }
    Ok(wanted)
}

/// `file` relative to the repository root with `/` separators.
fn relative(root: &Path, file: &Path) -> Result<String, CommandError> {
    let abs = std::path::absolute(file)?;
    let rel = abs.strip_prefix(root).map_err(|_| {
        user_error(format!(
            "{} is outside the repository {}",
            file.display(),
            root.display()
        ))
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}
