//! `partnerctl new partner`

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use super::{user_error, CmdResult, CommandError, SourceArgs, EXIT_OK};
use crate::dataset::Dataset;
use crate::model::scalar::{Date, Id};
use crate::model::Program;
use crate::scaffold::partner::{self, NewPartner};
use crate::suggest;

/// Create a new record from a program's terms.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    #[command(subcommand)]
    what: NewWhat,
}

#[derive(Debug, clap::Subcommand)]
enum NewWhat {
    Partner(NewPartnerArgs),
}

/// Write `partners/ID.toml` for a member of a program.
///
/// The membership with the program's
/// obligations (each commented with its description), its product lines, training and
/// certification kinds, and "TODO: …" placeholders that `check` reports until they are filled.
#[derive(Debug, clap::Args)]
pub struct NewPartnerArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The partner id: lowercase letters, digits and dashes; also the file name.
    id: String,
    /// The program the partner joins.
    #[arg(long, value_name = "ID")]
    program: String,
    /// The track, for programs with tracks.
    #[arg(long, value_name = "ID")]
    track: Option<String>,
    /// A partner type, for programs with partner types (repeatable).
    #[arg(long = "type", value_name = "ID")]
    types: Vec<String>,
    /// On a terminal, ask for the legal name, display name, country and contract start.
    #[arg(long)]
    interactive: bool,
}

/// Run `new`.
pub fn run(args: &NewArgs) -> CmdResult {
    let NewWhat::Partner(args) = &args.what;
    let repo = args.source.open()?;
    args.id
        .parse::<Id>()
        .map_err(|e| user_error(format!("partner id: {e} (use letters, digits, - and _)")))?;
    let rel = format!("partners/{}.toml", args.id);
    let path = repo.root.join(&rel);
    if path.exists() {
        return Err(user_error(format!("{rel} already exists")));
    }
    let snap = repo.snapshot_unhashed(&args.source.side())?;
    let ds = Dataset::from_snapshot(&snap);
    let program = find_program(&ds, &args.program)?;
    let mut new = NewPartner {
        id: args.id.clone(),
        track: args.track.clone(),
        types: args.types.clone(),
        ..NewPartner::default()
    };
    check_choices(program, &new)?;
    if args.interactive && std::io::stdin().is_terminal() {
        ask(&mut new, program, &mut std::io::stdin().lock())?;
    }
    std::fs::create_dir_all(path.parent().expect("partners/ has a parent"))?;
    std::fs::write(&path, partner::render(program, &new))?;
    println!("wrote {rel}; fill in its \"TODO: …\" values, then run `partnerctl check`");
    Ok(ExitCode::from(EXIT_OK))
}

/// The newest valid version of program `id`, or an error suggesting the closest id.
pub fn find_program<'a>(ds: &'a Dataset, id: &str) -> Result<&'a Program, CommandError> {
    let catalog = ds.catalog();
    if let Some(p) = catalog.all_versions(id).last() {
        return Ok(p);
    }
    let known: Vec<&str> = ds.programs.iter().map(|f| f.stem()).collect();
    let mut msg = suggest::unknown("program", id, known.iter().copied());
    if known.contains(&id) {
        msg = format!("program {id:?} has errors; run `partnerctl check` first");
    }
    Err(user_error(msg))
}

/// The track and types must be the program's own.
fn check_choices(program: &Program, new: &NewPartner) -> Result<(), CommandError> {
    let tracks: Vec<&str> = program.tracks.iter().map(|t| t.id.as_str()).collect();
    if let Some(t) = &new.track {
        if !tracks.contains(&t.as_str()) {
            return Err(user_error(suggest::unknown("track", t, tracks)));
        }
    }
    let types: Vec<&str> = program
        .partner_types
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    for t in &new.types {
        if !types.contains(&t.as_str()) {
            return Err(user_error(suggest::unknown(
                "partner type",
                t,
                types.iter().copied(),
            )));
        }
    }
    Ok(())
}

/// Prompt (on stderr) for the required fields, reading answers from `input`; an empty answer
/// keeps the placeholder, a malformed date is asked again.
fn ask(
    new: &mut NewPartner,
    program: &Program,
    input: &mut dyn BufRead,
) -> Result<(), CommandError> {
    let mut line = |prompt: &str| -> std::io::Result<Option<String>> {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
        let mut s = String::new();
        input.read_line(&mut s)?;
        let s = s.trim().to_string();
        Ok((!s.is_empty()).then_some(s))
    };
    new.legal_name = line("Registered legal name")?;
    new.display_name = line("Public display name")?;
    new.country = line("Country (two letters, e.g. DE)")?.map(|c| c.to_uppercase());
    while let Some(d) = line("Contract start (YYYY-MM-DD)")? {
        if d.parse::<Date>().is_ok() {
            new.contract_start = Some(d);
            break;
        }
        eprintln!("write dates as 2025-11-30");
    }
    if new.track.is_none() && !program.tracks.is_empty() {
        let ids: Vec<&str> = program.tracks.iter().map(|t| t.id.as_str()).collect();
        new.track = line(&format!("Track ({})", ids.join(", ")))?;
        check_choices(program, new)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_fill_the_fields_and_a_german_date_is_asked_again() {
        let program: Program =
            toml::from_str(include_str!("../../programs/nospamproxy.toml")).unwrap();
        let mut new = NewPartner::default();
        let mut input: &[u8] = b"Acme GmbH\n\nde\n30.11.2025\n2025-11-30\ncloud-only\n";
        ask(&mut new, &program, &mut input).unwrap();
        assert_eq!(new.legal_name.as_deref(), Some("Acme GmbH"));
        assert_eq!(new.display_name, None, "empty answer keeps the placeholder");
        assert_eq!(new.country.as_deref(), Some("DE"));
        assert_eq!(new.contract_start.as_deref(), Some("2025-11-30"));
        assert_eq!(new.track.as_deref(), Some("cloud-only"));
        let mut typo: &[u8] = b"\n\n\n\ncloud-onli\n";
        let err = ask(&mut NewPartner::default(), &program, &mut typo).unwrap_err();
        assert!(
            err.to_string().contains("did you mean \"cloud-only\""),
            "{err}"
        );
    }
}
