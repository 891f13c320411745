//! A new partner-data repository (`partnerctl init`).

use std::path::{Path, PathBuf};

use crate::load;
use crate::model::Program;
use crate::scaffold::partner::{self, NewPartner};
use crate::source::{blob_id, SourceFile};

const STARTER_PROGRAM: &str = include_str!("init/starter-program.toml");
const EXAMPLE_PARTNER: &str = include_str!("init/example-partner.toml");
const README: &str = include_str!("init/README.md");
const TAPLO: &str = include_str!("init/taplo.toml");
const GITATTRIBUTES: &str = include_str!("init/gitattributes");
const EDITORCONFIG: &str = include_str!("init/editorconfig");
const REVIEW: &str = include_str!("init/review.yml");
const UPCOMING: &str = include_str!("init/upcoming.yml");
// The comment poster must live in the repository that receives comments; it is this project's
// own, copied verbatim so that both stay one file.
const COMMENT: &str = include_str!("../../.github/workflows/partnerctl-comment.yml");

/// Placeholders left in the review workflow when no release is given.
pub const REPOSITORY_TODO: &str = "OWNER/partnerctl";
/// See [`REPOSITORY_TODO`].
pub const VERSION_TODO: &str = "vX.Y.Z";
/// See [`REPOSITORY_TODO`]: a syntactically full commit id, so that the placeholder workflow
/// already passes actionlint and zizmor, and obviously not a real one.
pub const COMMIT_TODO: &str = "0000000000000000000000000000000000000000";
/// See [`REPOSITORY_TODO`].
pub const SHA256_TODO: &str = "SHA256-OF-partnerctl-x86_64-unknown-linux-gnu.tar.gz";

/// Which partnerctl release the new repository's workflows download.
#[derive(Debug, Clone, Default)]
pub struct Pin {
    /// `owner/name` of the partnerctl repository.
    pub repository: Option<String>,
    /// Release tag, `vX.Y.Z`.
    pub version: Option<String>,
    /// SHA-256 of the Linux x86_64 archive of that release.
    pub sha256: Option<String>,
    /// Full commit id of the release tag, which the reusable workflow is pinned to.
    pub commit: Option<String>,
}

impl Pin {
    /// Reject values that could break out of the workflow's YAML.
    pub fn validate(&self) -> Result<(), String> {
        let ok = |v: &Option<String>, f: &dyn Fn(&str) -> bool, what: &str| match v {
            Some(s) if !f(s) => Err(format!("{what} {s:?} is not valid")),
            _ => Ok(()),
        };
        let name = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        ok(
            &self.repository,
            &|s: &str| s.split_once('/').is_some_and(|(o, n)| name(o) && name(n)),
            "--partnerctl-repository (owner/name)",
        )?;
        ok(
            &self.version,
            &|s: &str| {
                s.strip_prefix('v')
                    .is_some_and(|r| name(r) && r.starts_with(|c: char| c.is_ascii_digit()))
            },
            "--partnerctl-version (vX.Y.Z)",
        )?;
        ok(
            &self.sha256,
            &|s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()),
            "--sha256 (64 hex digits)",
        )?;
        ok(
            &self.commit,
            &|s: &str| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()),
            "--partnerctl-commit (the tag's full commit id, 40 hex digits)",
        )
    }

    /// Whether anything is still a placeholder.
    pub fn incomplete(&self) -> bool {
        self.repository.is_none()
            || self.version.is_none()
            || self.sha256.is_none()
            || self.commit.is_none()
    }
}

/// Every file of a new repository, by relative path. `from` is the text of a program file to
/// start from instead of the starter program.
pub fn files(from: Option<&str>, pin: &Pin) -> Result<Vec<(PathBuf, String)>, String> {
    let (program_id, program_text, example) = match from {
        None => (
            "example-program".to_string(),
            STARTER_PROGRAM.to_string(),
            EXAMPLE_PARTNER.to_string(),
        ),
        Some(text) => {
            let program = parse_program(text)?;
            let example = example_for(&program);
            (program.id.to_string(), text.to_string(), example)
        }
    };
    let repository = pin.repository.as_deref().unwrap_or(REPOSITORY_TODO);
    let pinned = |template: &str| {
        template
            .replace("PARTNERCTL_REPOSITORY", repository)
            .replace(
                "PARTNERCTL_VERSION",
                pin.version.as_deref().unwrap_or(VERSION_TODO),
            )
            .replace(
                "PARTNERCTL_COMMIT",
                pin.commit.as_deref().unwrap_or(COMMIT_TODO),
            )
            .replace(
                "PARTNERCTL_SHA256",
                pin.sha256.as_deref().unwrap_or(SHA256_TODO),
            )
    };
    let upcoming = pinned(UPCOMING);
    let review = pinned(REVIEW);
    let readme = README.replace(
        "PARTNERCTL_URL",
        &format!("https://github.com/{repository}"),
    );
    let schema = |s| crate::schema::render(&s);
    Ok(vec![
        (format!("programs/{program_id}.toml").into(), program_text),
        ("partners/example-partner.toml".into(), example),
        (
            crate::schema::PARTNER_SCHEMA_PATH.into(),
            schema(crate::schema::partner_schema()),
        ),
        (
            crate::schema::PROGRAM_SCHEMA_PATH.into(),
            schema(crate::schema::program_schema()),
        ),
        (".taplo.toml".into(), TAPLO.to_string()),
        (".gitattributes".into(), GITATTRIBUTES.to_string()),
        (".editorconfig".into(), EDITORCONFIG.to_string()),
        ("README.md".into(), readme),
        (".github/workflows/pr-review.yml".into(), review),
        (".github/workflows/upcoming.yml".into(), upcoming),
        (
            ".github/workflows/partnerctl-comment.yml".into(),
            COMMENT.to_string(),
        ),
    ])
}

/// A program file given with `--from`, which must be valid on its own.
fn parse_program(text: &str) -> Result<Program, String> {
    let file = SourceFile {
        path: "programs/from.toml".into(),
        blob_id: blob_id(text.as_bytes()),
        bytes: text.as_bytes().to_vec(),
    };
    let loaded = load::load_program(&file);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| match d.start {
            Some(at) => format!("{}:{}: {}", at.line, at.column, d.message),
            None => d.message.clone(),
        })
        .collect();
    match loaded.record {
        Some(p) if errors.is_empty() => Ok(p),
        _ => Err(format!(
            "--from: not a valid program file:\n  {}",
            errors.join("\n  ")
        )),
    }
}

/// A filled-in example member of `program` (no placeholders, so `check` is green).
fn example_for(program: &Program) -> String {
    let new = NewPartner {
        id: "example-partner".into(),
        track: program.tracks.first().map(|t| t.id.to_string()),
        types: Vec::new(),
        legal_name: Some("Example Systemhaus GmbH".into()),
        display_name: Some("Example Systemhaus".into()),
        country: Some("DE".into()),
        contract_start: Some(program.effective_from.to_string()),
    };
    partner::render(program, &new)
}

/// Write `files` under `dir`, refusing to overwrite anything; then `git init` unless `dir` is
/// already inside a repository.
pub fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<bool, String> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| rel.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "would overwrite {}; nothing written",
            existing.join(", ")
        ));
    }
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    if gix::discover(dir).is_ok() {
        return Ok(false);
    }
    gix::init(dir).map_err(|e| format!("git init {}: {e}", dir.display()))?;
    Ok(true)
}
