//! `partnerctl fmt`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{user_error, CmdResult, CommandError, EXIT_FINDINGS, EXIT_OK};
use crate::format;
use crate::load::FileKind;
use crate::source::Repo;

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
    let files = if args.files.is_empty() {
        data_files(&repo.root)?
    } else {
        args.files
            .iter()
            .map(|f| relative(&repo.root, f))
            .collect::<Result<_, _>>()?
    };
    let mut findings = false;
    for rel in &files {
        let kind = FileKind::of_path(rel).ok_or_else(|| {
            user_error(format!(
                "{rel}: not a partner or program file (partners/*.toml, programs/*.toml)"
            ))
        })?;
        let path = repo.root.join(rel);
        let text = std::fs::read_to_string(&path).map_err(|e| user_error(format!("{rel}: {e}")))?;
        match format::canonical(rel, kind, &text) {
            Err(e) => {
                eprintln!("{rel}:{e} (not formatted)");
                findings = true;
            }
            Ok(out) if out == text => {}
            Ok(out) if args.check => {
                let at = first_difference(&text, &out);
                println!(
                    "{rel}:{}:{}: not canonical; run `partnerctl fmt {rel}`",
                    at.0, at.1
                );
                findings = true;
            }
            Ok(out) => {
                std::fs::write(&path, out).map_err(|e| user_error(format!("{rel}: {e}")))?;
                println!("formatted {rel}");
            }
        }
    }
    Ok(ExitCode::from(if findings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}

/// Every data file of the working tree, sorted.
fn data_files(root: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for dir in ["partners", "programs"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries {
            let name = e?.file_name().to_string_lossy().into_owned();
            let rel = format!("{dir}/{name}");
            if FileKind::of_path(&rel).is_some() && root.join(&rel).is_file() {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
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

/// Line (from 1) and column 1 of the first line of `a` that the formatter changes.
fn first_difference(a: &str, b: &str) -> (usize, usize) {
    let same = a
        .split_inclusive('\n')
        .zip(b.split_inclusive('\n'))
        .take_while(|(x, y)| x == y)
        .count();
    (same + 1, 1)
}
