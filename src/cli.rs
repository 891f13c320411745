//! The command line: argument parsing and dispatch.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;

/// Exit status of a usage or internal error, and of a panic (see `main.rs`).
pub const EXIT_ERROR: u8 = commands::EXIT_ERROR;

/// Partner programs as configuration-as-code: validate partner records and program terms,
/// evaluate tiers and entitlements, review the effect of changes, publish the directory.
#[derive(Debug, Parser)]
#[command(name = "partnerctl", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The time zone of "today", the default of every `--as-of` (an IANA name such as
    /// Europe/Berlin); default: the `TZ` environment variable, else UTC.
    #[arg(long, global = true, value_name = "ZONE", value_parser = crate::clock::parse_zone)]
    tz: Option<jiff::tz::TimeZone>,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(commands::check::CheckArgs),
    Completions(commands::completions::CompletionsArgs),
    Diff(commands::diff::DiffArgs),
    Directory(commands::directory::DirectoryArgs),
    Eval(commands::eval::EvalArgs),
    Export(commands::import::ExportArgs),
    Fmt(commands::fmt::FmtArgs),
    History(commands::history::HistoryArgs),
    Import(commands::import::ImportArgs),
    Init(commands::init::InitArgs),
    Links(commands::links::LinksArgs),
    Man(commands::completions::ManArgs),
    New(commands::new::NewArgs),
    Schema(commands::schema::SchemaArgs),
    Upcoming(commands::upcoming::UpcomingArgs),
}

/// Parse the arguments, run the command and map failures to exit status 2.
pub fn main() -> ExitCode {
    // A shell's completion hook runs partnerctl with PARTNERCTL_COMPLETE set: answer and exit.
    commands::completions::complete_if_asked();
    let cli = Cli::parse();
    if let Some(zone) = cli.tz.clone() {
        crate::clock::set_zone(zone);
    }
    let result = match &cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Completions(a) => commands::completions::completions(a),
        Command::Diff(a) => commands::diff::run(a),
        Command::Directory(a) => commands::directory::run(a),
        Command::Eval(a) => commands::eval::run(a),
        Command::Export(a) => commands::import::export(a),
        Command::Fmt(a) => commands::fmt::run(a),
        Command::History(a) => commands::history::run(a),
        Command::Import(a) => commands::import::run(a),
        Command::Init(a) => commands::init::run(a),
        Command::Links(a) => commands::links::run(a),
        Command::Man(a) => commands::completions::man(a),
        Command::New(a) => commands::new::run(a),
        Command::Schema(a) => commands::schema::run(a),
        Command::Upcoming(a) => commands::upcoming::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            e.exit_code()
        }
    }
}
