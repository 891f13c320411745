//! The public partner directory as a library: build the site from a repository side (pages,
//! feed, rebuilt logos) and write it safely. `partnerctl directory` is a thin wrapper.

pub mod logo;
pub mod raster;
pub mod svg;
pub mod write;

use std::collections::BTreeMap;

use crate::dataset::Dataset;
use crate::evaluate::{self, Evaluation};
use crate::model::scalar::Date;
use crate::render::directory::{
    self as render, Directory, NeutralBadge, PublicPartner, PublicProgram, SiteFile,
};
use crate::skipped::{is_valid, SkippedReport};
use crate::source::{Repo, Side};
use logo::{LogoArgs, LogoReader};

/// Why a site could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The repository, a revision or a logo could not be read.
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    /// A page template failed.
    #[error(transparent)]
    Template(#[from] minijinja::Error),
}

/// A partner file left out of the directory because it has errors.
pub use crate::skipped::Skipped;

/// A built site, not yet written.
#[derive(Debug, Clone)]
pub struct Build {
    /// The public data the site shows.
    pub directory: Directory,
    /// Every output file (pages, feed, logos), sorted by path.
    pub files: Vec<SiteFile>,
    /// Warnings (logo problems), one line each, sorted by partner file.
    pub warnings: Vec<String>,
    /// Invalid partner files that were skipped, and the errors in program files or the data
    /// layout.
    pub skipped: SkippedReport,
}

/// Build the site from `side` of `repo`: evaluate as of `as_of`, show `build_date`, take
/// logos under `policy`; embed snippets point at `base_url` (see [`base_url`]; empty: paths
/// relative to the site root).
pub fn build(
    repo: &Repo,
    side: &Side,
    as_of: Date,
    build_date: Date,
    policy: &LogoArgs,
    base_url: &str,
) -> Result<Build, SiteError> {
    let snap = repo.snapshot_unhashed(side)?;
    let ds = Dataset::from_snapshot_as_of(&snap, as_of);
    let catalog = ds.catalog();
    let skipped = SkippedReport::of(&ds, |_| true);
    let valid: Vec<(&str, &crate::model::Partner)> = ds
        .partners
        .iter()
        .filter(|f| is_valid(f))
        .filter_map(|f| f.record.as_ref().map(|r| (f.path.as_str(), r)))
        .collect();
    let evals = evaluate::evaluate_all(valid.iter().map(|(_, p)| *p), &catalog, as_of);
    let mut by_partner: BTreeMap<&str, Vec<&Evaluation>> = BTreeMap::new();
    for ev in &evals {
        by_partner.entry(ev.partner.as_str()).or_default().push(ev);
    }

    let reader = LogoReader::new(repo, side, policy)?;
    let logos = rebuilt_logos(&reader, &valid, &by_partner)?;

    let partners: Vec<PublicPartner> = valid
        .iter()
        .filter_map(|(_, p)| {
            let evs = by_partner.get(p.id.as_str())?;
            PublicPartner::new(
                p.id.as_str(),
                &p.profile,
                evs,
                &catalog,
                as_of,
                logos.site_path.get(p.id.as_str()).cloned(),
            )
        })
        .collect();
    let programs: Vec<PublicProgram> = catalog
        .versions
        .keys()
        .filter_map(|id| catalog.terms(id, as_of))
        .map(PublicProgram::new)
        .collect();
    let neutral = neutral_badges(&valid, &by_partner, &partners);
    let directory =
        Directory::new(as_of, build_date, programs, partners).with_badges(neutral, base_url);
    let mut files = render::render(&directory)?;
    files.extend(
        logos
            .files
            .into_iter()
            .map(|(path, bytes)| SiteFile { path, bytes }),
    );
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Build {
        directory,
        files,
        warnings: logos.warnings,
        skipped,
    })
}

/// Every membership of a valid partner file that no program lists: its badge URL serves the
/// neutral image, never a stale tier.
fn neutral_badges(
    valid: &[(&str, &crate::model::Partner)],
    by_partner: &BTreeMap<&str, Vec<&Evaluation>>,
    listed: &[PublicPartner],
) -> Vec<NeutralBadge> {
    let listed: BTreeMap<&str, &PublicPartner> =
        listed.iter().map(|p| (p.id.as_str(), p)).collect();
    valid
        .iter()
        .filter_map(|(_, p)| Some((p.id.as_str(), by_partner.get(p.id.as_str())?)))
        .flat_map(|(id, evs)| evs.iter().map(move |ev| (id, ev.program.as_str())))
        .filter(|(id, program)| {
            !listed
                .get(id)
                .is_some_and(|p| p.programs.iter().any(|m| m.program == *program))
        })
        .map(|(id, program)| NeutralBadge {
            partner: id.to_owned(),
            program: program.to_owned(),
        })
        .collect()
}

/// The site's public address for embed snippets, normalised to end in `/`: `http(s)://` and
/// only characters that need no escaping in an HTML attribute or a Markdown link.
pub fn base_url(url: &str) -> Result<String, String> {
    let ok = render::safe_url(url).is_some()
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/%".contains(c));
    if !ok {
        return Err(format!(
            "--base-url {url:?}: expected an http(s) address of letters, digits and -._~:/% only, \
             e.g. https://partners.example.org/"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

/// The logos a site publishes.
struct Logos<'a> {
    /// Partner id → site path of its rebuilt logo.
    site_path: BTreeMap<&'a str, String>,
    /// Site path → rebuilt bytes; partners sharing a logo share the file.
    files: BTreeMap<String, Vec<u8>>,
    /// One line per logo left out, in partner-file order.
    warnings: Vec<String>,
}

/// Rebuild the logos of the partners some program lists with logo, each distinct file once.
fn rebuilt_logos<'a>(
    reader: &LogoReader<'_>,
    valid: &[(&'a str, &'a crate::model::Partner)],
    by_partner: &BTreeMap<&str, Vec<&Evaluation>>,
) -> Result<Logos<'a>, crate::source::SourceError> {
    let wanted: Vec<(&str, &str, &str)> = valid
        .iter()
        .filter_map(|(path, p)| {
            let evs = by_partner.get(p.id.as_str())?;
            let logo = p.profile.logo.as_deref()?;
            PublicPartner::logo_allowed(evs).then_some((*path, p.id.as_str(), logo))
        })
        .collect();
    let loaded = reader.load_all(wanted.iter().map(|(_, _, l)| *l))?;
    let mut logos = Logos {
        site_path: BTreeMap::new(),
        files: BTreeMap::new(),
        warnings: Vec::new(),
    };
    for (file, id, logo) in wanted {
        match loaded.get(logo) {
            Some(Ok(l)) => {
                logos.site_path.insert(id, l.site_path.clone());
                logos
                    .files
                    .entry(l.site_path.clone())
                    .or_insert_with(|| l.bytes.clone());
            }
            Some(Err(e)) => logos.warnings.push(format!(
                "warning: {file}: logo {logo:?}: {e}; the partner is shown without logo"
            )),
            None => {}
        }
    }
    Ok(logos)
}
