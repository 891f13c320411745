//! A hardened fetch of one partner-controlled URL: bounded time, size and redirects, a clear
//! User-Agent, no proxy, and a resolver that drops every non-public address before ureq connects,
//! so the address checked is the address connected to, on the first request and on every
//! redirect (no second lookup an attacker's DNS could answer differently).

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::{Agent, ResponseExt};

use super::addr::{classify, AddrClass};

/// The User-Agent of every request: says who is asking and why.
pub const USER_AGENT: &str = concat!(
    "partnerctl-links/",
    env!("CARGO_PKG_VERSION"),
    " (partner program link check; one request per partner website)"
);

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Whole fetch, redirects included.
    pub timeout: Duration,
    /// Largest body read (after decompression).
    pub max_bytes: u64,
    /// Redirects followed at most.
    pub max_redirects: u32,
    /// Also connect to loopback addresses (127.0.0.0/8, ::1): for tests against a local server
    /// only. Private, link-local, metadata and the other ranges stay refused even then.
    pub allow_loopback: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(15),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            allow_loopback: false,
        }
    }
}

/// Why a page could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum FetchProblem {
    /// The server answered with a non-success status.
    HttpStatus { http_status: u16 },
    /// No complete answer within the time limit.
    Timeout,
    /// The body exceeds the size limit.
    TooLarge { limit: u64 },
    /// The page is not HTML.
    NotHtml { content_type: String },
    /// A name resolved only to addresses the checker must not connect to.
    Refused { address: String, class: AddrClass },
    /// More redirects than allowed.
    TooManyRedirects,
    /// The page did not parse within the time limit (a hostile or pathological page).
    TooComplex,
    /// The website URL is not an http(s) URL.
    BadUrl { detail: String },
    /// Any other network or protocol error.
    Error { detail: String },
}

/// A fetched HTML page.
#[derive(Debug)]
pub struct Page {
    /// The URL after redirects, for resolving relative links.
    pub url: url::Url,
    /// The body, decoded as UTF-8 (invalid bytes replaced).
    pub html: String,
}

/// The refusal carried through ureq's error as the source of an `io::Error`.
#[derive(Debug)]
struct Refusal(SocketAddr, AddrClass);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused to connect to {} ({:?})", self.0.ip(), self.1)
    }
}
impl std::error::Error for Refusal {}

/// Resolves with the system resolver, then keeps only public addresses.
#[derive(Debug)]
struct GuardedResolver {
    allow_loopback: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let all = DefaultResolver::default().resolve(uri, config, timeout)?;
        let mut kept = self.empty();
        let mut refused = None;
        for a in all.iter() {
            match classify(a.ip()) {
                AddrClass::Public => kept.push(*a),
                AddrClass::Loopback if self.allow_loopback => kept.push(*a),
                class => refused = refused.or(Some(Refusal(*a, class))),
            }
        }
        match refused {
            Some(r) if kept.is_empty() => Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                r,
            ))),
            _ => Ok(kept),
        }
    }
}

/// An agent with the limits, the guarded resolver and no proxy (a proxy would resolve the
/// target itself, out of the guard's sight).
pub fn agent(limits: &Limits) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(USER_AGENT)
        .build();
    let resolver = GuardedResolver {
        allow_loopback: limits.allow_loopback,
    };
    Agent::with_parts(config, DefaultConnector::default(), resolver)
}

/// Fetch a website, trying `https://` first when it is given as `http://`, and falling back to
/// the given URL only when the secure attempt failed on the connection (not on an answer).
pub fn fetch_website(agent: &Agent, website: &str, limits: &Limits) -> Result<Page, FetchProblem> {
    let given = url::Url::parse(website).map_err(|e| FetchProblem::BadUrl {
        detail: e.to_string(),
    })?;
    if !matches!(given.scheme(), "http" | "https") || given.host_str().is_none() {
        return Err(FetchProblem::BadUrl {
            detail: "not an http(s) URL with a host".into(),
        });
    }
    if given.scheme() == "http" {
        let mut secure = given.clone();
        let _ = secure.set_scheme("https");
        match fetch(agent, &secure, limits) {
            Err(FetchProblem::Error { .. } | FetchProblem::Timeout) => {}
            other => return other,
        }
    }
    fetch(agent, &given, limits)
}

/// One GET with redirects; the page when it is HTML and within the limits.
pub fn fetch(agent: &Agent, url: &url::Url, limits: &Limits) -> Result<Page, FetchProblem> {
    let mut resp = agent
        .get(url.as_str())
        .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
        .call()
        .map_err(|e| problem(e, limits))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(FetchProblem::HttpStatus {
            http_status: status,
        });
    }
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !matches!(mime, "text/html" | "application/xhtml+xml") {
        return Err(FetchProblem::NotHtml {
            content_type: super::printable(mime, 80),
        });
    }
    let final_url = url::Url::parse(&resp.get_uri().to_string()).unwrap_or_else(|_| url.clone());
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| problem(e, limits))?;
    Ok(Page {
        url: final_url,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Map ureq's error to what the report says.
fn problem(e: ureq::Error, limits: &Limits) -> FetchProblem {
    match e {
        ureq::Error::Timeout(_) => FetchProblem::Timeout,
        ureq::Error::BodyExceedsLimit(_) => FetchProblem::TooLarge {
            limit: limits.max_bytes,
        },
        ureq::Error::TooManyRedirects => FetchProblem::TooManyRedirects,
        ureq::Error::Io(io) => match io.get_ref().and_then(|r| r.downcast_ref::<Refusal>()) {
            Some(Refusal(a, class)) => FetchProblem::Refused {
                address: a.ip().to_string(),
                class: *class,
            },
            None if io.kind() == io::ErrorKind::TimedOut => FetchProblem::Timeout,
            None => FetchProblem::Error {
                detail: super::printable(&io.to_string(), 200),
            },
        },
        other => FetchProblem::Error {
            detail: super::printable(&other.to_string(), 200),
        },
    }
}
