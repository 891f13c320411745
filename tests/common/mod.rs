//! Shared helpers for the `check` tests: the real NoSpamProxy program, partner records, snapshots
//! built in memory, temporary git repositories and running the built binary.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::Diagnostic;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

/// The repository's real NoSpamProxy program terms.
pub const NSP: &str = include_str!("../../programs/nospamproxy.toml");

/// A valid NoSpamProxy partner record for `id`. Line numbers matter to the tests:
///
/// ```text
///  1 api_version      11 program          16 program
///  2 kind             12 track            17 product_line
///  3 id               13 contract_start   18 date
///  4 legal_name       14 (blank)          19 currency
///  6 [profile]        15 [[revenue]]      20 amount
///  7 display_name
///  8 country
/// 10 [[memberships]]
/// ```
pub fn partner(id: &str) -> String {
    format!(
        r#"api_version = "partnerctl/v1"
kind = "Partner"
id = "{id}"
legal_name = "Acme GmbH"

[profile]
display_name = "Acme"
country = "DE"

[[memberships]]
program = "nospamproxy"
track = "server-cloud"
contract_start = 2023-01-01

[[revenue]]
program = "nospamproxy"
product_line = "server-new-licences"
date = 2024-03-01
currency = "EUR"
amount = "2000.00"
"#
    )
}

/// `text` with `from` replaced by `to`, which must occur exactly once (so a typo in a test cannot
/// silently leave the fixture unchanged).
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once in the fixture"
    );
    text.replacen(from, to, 1)
}

/// A source file with its git blob id.
pub fn file(path: &str, bytes: impl AsRef<[u8]>) -> SourceFile {
    let bytes = bytes.as_ref().to_vec();
    SourceFile {
        path: path.into(),
        blob_id: blob_id(&bytes),
        bytes,
    }
}

/// A snapshot of `files`, sorted by path like [`partnerctl::source::Repo::snapshot`] sorts them.
pub fn snapshot(mut files: Vec<SourceFile>) -> Snapshot {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Snapshot {
        label: "test".into(),
        files,
        problems: Vec::new(),
    }
}

/// Load and validate `files` plus `programs/nospamproxy.toml`; return every diagnostic, sorted.
pub fn check_with_nsp(files: Vec<SourceFile>) -> Vec<Diagnostic> {
    let mut files = files;
    files.push(file("programs/nospamproxy.toml", NSP));
    Dataset::from_snapshot(&snapshot(files)).diagnostics()
}

/// Every diagnostic for one program file `programs/demo.toml` holding `text`, as
/// (code, line, column, path, message); each must be located.
pub fn program_diagnostics(text: &str) -> Vec<(String, usize, usize, String, String)> {
    let snap = snapshot(vec![file("programs/demo.toml", text)]);
    Dataset::from_snapshot(&snap)
        .diagnostics()
        .into_iter()
        .map(|d| {
            let s = d.start.expect("located");
            let path = d.path.unwrap_or_default();
            (
                d.code.as_str().to_owned(),
                s.line,
                s.column,
                path,
                d.message,
            )
        })
        .collect()
}

/// The exit code and output of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A temporary git repository with `programs/` and `partners/`, isolated from the user's git
/// configuration.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    /// An empty repository (no commits) on branch `main`.
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = TestRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        for (k, v) in [
            ("user.name", "Test"),
            ("user.email", "test@example.com"),
            ("gc.auto", "0"),
            ("commit.gpgsign", "false"),
            ("core.symlinks", "true"),
        ] {
            repo.git(&["config", k, v]);
        }
        repo
    }

    /// A repository whose working tree holds the NoSpamProxy program (not committed).
    pub fn with_nsp() -> TestRepo {
        let repo = TestRepo::new();
        repo.write("programs/nospamproxy.toml", NSP);
        repo
    }

    /// The repository root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Absolute path of `rel`.
    pub fn abs(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    /// Write a file, creating its directory.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.abs(rel);
        std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write file");
    }

    /// Create a symbolic link at `rel` pointing to `target` (relative to the link's directory).
    #[cfg(unix)]
    pub fn symlink(&self, target: &str, rel: &str) {
        let path = self.abs(rel);
        std::fs::create_dir_all(path.parent().expect("link has a parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, &path).expect("symlink");
    }

    /// Run git in the repository; panics when it fails. Returns its stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Stage everything and commit.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Run `partnerctl` with `args` in the repository root, without colors.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Run `partnerctl` with `args` in `dir`, without colors and isolated from git configuration.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_partnerctl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run partnerctl");
    Run {
        code: out.status.code().expect("partnerctl exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}
