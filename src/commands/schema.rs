//! `partnerctl schema`

use std::process::ExitCode;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::schema;

/// Write the JSON Schemas of partner and program files (draft-07, generated from the Rust types)
/// to `schemas/`, or with `--check` verify that the committed ones are current.
///
/// Exit status with `--check`: 0 when current, 1 when stale or missing.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Do not write; exit 1 when the committed schema files differ from the generated ones.
    #[arg(long)]
    check: bool,
}

/// Run `schema`.
pub fn run(args: &SchemaArgs) -> CmdResult {
    let repo = args.source.open()?;
    let files = [
        (
            schema::PARTNER_SCHEMA_PATH,
            schema::render(&schema::partner_schema()),
        ),
        (
            schema::PROGRAM_SCHEMA_PATH,
            schema::render(&schema::program_schema()),
        ),
    ];
    let mut stale = Vec::new();
    for (rel, text) in &files {
        let path = repo.root.join(rel);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if args.check {
            stale.push(*rel);
        } else {
            std::fs::create_dir_all(path.parent().expect("schema path has a directory"))?;
            std::fs::write(&path, text)?;
            println!("wrote {rel}");
        }
    }
    if args.check {
        if stale.is_empty() {
            println!("schemas are up to date");
        } else {
            for rel in &stale {
                eprintln!(
                    "{rel} is stale or missing; run `partnerctl schema` and commit the result"
                );
            }
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
