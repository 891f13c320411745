//! `partnerctl directory`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{CmdResult, SourceArgs, EXIT_FINDINGS, EXIT_OK};
use crate::model::scalar::Date;
use crate::site::{self, logo::LogoArgs};

/// Build the public partner directory: a static site with `index.html` (every partner a program
/// lists publicly, filters and search kept in the URL, a chart of tiers and partner types per
/// program), one page per partner under `partners/`, a `partners.json` feed, the logos under
/// `logos/`, the partner badges under `badges/` and a manifest (`.partnerctl-site.json`).
///
/// Every membership of a valid partner file gets a badge, `badges/<program>/<partner>.svg` and
/// `-dark.svg`, showing the program and the current standing; it links to
/// `partners/<partner>.html`, whose embed snippets use `--base-url`. A membership with no listed
/// standing gets the neutral "no current partnership" badge at the same URL (and, if the partner
/// is listed nowhere, a page saying so, without its name). A partner file that is deleted, or
/// skipped as invalid, has no badge or page in the new site: its URLs then answer 404.
///
/// A partner appears when its evaluation as of the as-of date grants an entitlement of kind
/// `listing` in at least one program; its logo is shown when any program grants
/// `listed-with-logo`. Only the public profile and program, tier and type names are published.
/// The output is deterministic: the same data and dates give a byte-identical site. DIR is
/// replaced as a whole; it must be empty, missing, or hold a complete earlier output of this
/// command (its manifest); anything else is refused with exit status 2.
///
/// Logos come only from the logo folder (default `assets/logos/`) and are rebuilt, never
/// copied: SVG from an allowlist of drawing elements, PNG and JPEG decoded and re-encoded as PNG.
/// Logo problems are warnings here (the partner is shown without logo); `check` reports them as
/// errors. Invalid partner files are skipped and listed on stderr; the exit status is then 1.
#[derive(Debug, clap::Args)]
pub struct DirectoryArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Write the site into this directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Evaluate tiers as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// The date shown on the site (YYYY-MM-DD); default the as-of date.
    #[arg(long, value_name = "DATE")]
    build_date: Option<Date>,
    #[command(flatten)]
    logos: LogoArgs,
    /// The site's public address (e.g. https://partners.example.org/), used in the badge embed
    /// snippets on partner pages; without it the snippets use paths relative to the site root.
    #[arg(long, value_name = "URL", env = "PARTNERCTL_BASE_URL")]
    base_url: Option<String>,
}

/// Run `directory`.
pub fn run(args: &DirectoryArgs) -> CmdResult {
    let repo = args.source.open()?;
    let as_of = args.as_of.unwrap_or_else(crate::clock::today);
    let build_date = args.build_date.unwrap_or(as_of);
    let base_url = match &args.base_url {
        Some(u) => site::base_url(u).map_err(super::user_error)?,
        None => String::new(),
    };
    let built = site::build(
        &repo,
        &args.source.side(),
        as_of,
        build_date,
        &args.logos,
        &base_url,
    )?;
    site::write::write_site(&args.out, &built.files)?;
    let mut err = std::io::stderr().lock();
    for w in &built.warnings {
        writeln!(err, "{w}")?;
    }
    built.skipped.write_to(&mut err)?;
    writeln!(
        err,
        "wrote {} partner(s), {} file(s) to {}",
        built.directory.partners.len(),
        built.files.len(),
        args.out.display()
    )?;
    if !built.skipped.is_empty() {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    Ok(ExitCode::from(EXIT_OK))
}
