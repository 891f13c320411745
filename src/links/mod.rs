//! `links check`: does each partner's public website carry the links its programs' obligations
//! declare (`[obligations] x = { description, verify = { … } }`)? The results are public data
//! only (partner ids, public websites, program terms); they never change `check`'s verdict.
//!
//! Library interface: [`check`] returns typed [`LinkResult`]s; [`evidence`] records them with
//! the date each status was first seen, which `upcoming` can read ("link missing since …").

pub mod addr;
pub mod evidence;
pub mod fetch;
pub mod html;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::model::scalar::Date;
use crate::model::{Partner, Program};

pub use fetch::{FetchProblem, Limits};

/// What was found for one partner and obligation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Finding {
    /// A matching link (a follow link where one is required) or the badge.
    Found { url: String },
    /// Matching links exist, but none is a follow link, and the obligation requires one.
    FoundNofollow { url: String },
    /// The page has no matching link.
    Missing,
    /// The page could not be checked.
    Unreachable {
        #[serde(flatten)]
        problem: FetchProblem,
    },
}

impl Finding {
    /// A short, stable word for tables and the evidence file.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::Found { .. } => "found",
            Finding::FoundNofollow { .. } => "found-nofollow",
            Finding::Missing => "missing",
            Finding::Unreachable { .. } => "unreachable",
        }
    }
    /// Whether the obligation is met as far as the website shows.
    pub fn is_met(&self) -> bool {
        matches!(self, Finding::Found { .. })
    }
}

/// The result for one partner, program and checkable obligation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LinkResult {
    pub partner: String,
    pub program: String,
    pub obligation: String,
    /// The partner's public website (`profile.website`) that was fetched.
    pub website: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Which partners and programs to check, and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these partners (all when empty).
    pub partners: Vec<String>,
    /// Only these programs (all when empty).
    pub programs: Vec<String>,
    /// Parallel fetches (at least 1).
    pub concurrency: usize,
    pub limits: Limits,
    /// Where the directory is published (scheme and host), to match badges by host too.
    pub site_url: Option<url::Url>,
    /// Memberships ended on or before this day are skipped.
    pub today: Option<Date>,
}

/// One partner's website and the obligations to look for on it.
struct Job<'a> {
    partner: &'a Partner,
    website: &'a str,
    checks: Vec<(&'a Program, &'a str, &'a crate::model::program::Verify)>,
}

/// Check every relevant partner's website, one fetch per partner, `concurrency` at a time.
/// Results are sorted by partner, program and obligation.
pub fn check(partners: &[&Partner], programs: &[&Program], opts: &Options) -> Vec<LinkResult> {
    let jobs: Vec<Job> = partners
        .iter()
        .filter_map(|p| job(p, programs, opts))
        .collect();
    let agent = fetch::agent(&opts.limits);
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.clamp(1, 64).min(jobs.len().max(1)) {
            s.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let results = run_job(&agent, job, opts);
                    out.lock().expect("no panics while held").extend(results);
                }
            });
        }
    });
    let mut out = out.into_inner().expect("threads joined");
    out.sort_by(|a, b| {
        (&a.partner, &a.program, &a.obligation).cmp(&(&b.partner, &b.program, &b.obligation))
    });
    out
}

fn job<'a>(p: &'a Partner, programs: &[&'a Program], opts: &Options) -> Option<Job<'a>> {
    if !opts.partners.is_empty() && !opts.partners.iter().any(|x| x == p.id.as_str()) {
        return None;
    }
    let website = p.profile.website.as_deref()?;
    let mut checks = Vec::new();
    for m in &p.memberships {
        let ended = match (m.ended.as_ref(), opts.today.as_ref()) {
            (Some(e), Some(t)) => e <= t,
            _ => false,
        };
        let wanted =
            opts.programs.is_empty() || opts.programs.iter().any(|x| x == m.program.as_str());
        let Some(prog) = programs.iter().find(|g| g.id == m.program) else {
            continue;
        };
        if ended || !wanted {
            continue;
        }
        for (id, o) in &prog.obligations {
            if let Some(v) = o.verify() {
                checks.push((*prog, id.as_str(), v));
            }
        }
    }
    (!checks.is_empty()).then_some(Job {
        partner: p,
        website,
        checks,
    })
}

fn run_job(agent: &ureq::Agent, job: &Job<'_>, opts: &Options) -> Vec<LinkResult> {
    let page = fetch::fetch_website(agent, job.website, &opts.limits);
    let links = page.and_then(|p| {
        html::links_within(p.html, &p.url, opts.limits.timeout).ok_or(FetchProblem::TooComplex)
    });
    job.checks
        .iter()
        .map(|(prog, obligation, verify)| {
            let finding = match &links {
                Err(problem) => Finding::Unreachable {
                    problem: problem.clone(),
                },
                Ok(links) => {
                    let target = html::BadgeTarget {
                        site: opts.site_url.as_ref(),
                        program: prog.id.as_str(),
                        partner: job.partner.id.as_str(),
                    };
                    match html::judge(links, verify, &target) {
                        html::Match::Found(u) => Finding::Found {
                            url: printable(u.as_str(), 300),
                        },
                        html::Match::Nofollow(u) => Finding::FoundNofollow {
                            url: printable(u.as_str(), 300),
                        },
                        html::Match::Missing => Finding::Missing,
                    }
                }
            };
            LinkResult {
                partner: job.partner.id.to_string(),
                program: prog.id.to_string(),
                obligation: obligation.to_string(),
                website: job.website.to_string(),
                finding,
            }
        })
        .collect()
}

/// Text from the network made safe to keep: control characters replaced, length bounded.
pub fn printable(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .map(|c| {
            if crate::render::terminal::is_unsafe(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}
