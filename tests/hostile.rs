//! The hostile-input corpus: every folder of `tests/hostile/` is one case (format in
//! `tests/hostile/README.md`). Each is committed into a fresh git repository, `partnerctl` runs
//! there, and its exit code and output are held to the case's `expect.toml`. All cases run and
//! all failures are reported together, each under its case's name.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Deserialize;

const CORPUS: &str = "tests/hostile";

/// A run that takes longer than this is a hang, reported as a failure rather than waited out.
/// (Not a speed test: a healthy case takes well under a second.)
const HANG: Duration = Duration::from_secs(120);

/// One case's `expect.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stdout_contains: Vec<String>,
    #[serde(default)]
    stdout_not_contains: Vec<String>,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    stderr_not_contains: Vec<String>,
}

/// What one run of the binary did.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Every case folder, sorted by name.
fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("tests/hostile exists")
        .map(|e| e.expect("read tests/hostile").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name(case: &Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_case_has_an_expectation_and_a_repo() {
    let cases = cases();
    assert!(!cases.is_empty(), "no cases found in {CORPUS}");
    let mut problems = Vec::new();
    for case in &cases {
        for (entry, is_dir) in [("expect.toml", false), ("repo", true)] {
            let path = case.join(entry);
            if path.is_dir() != is_dir || !path.exists() {
                problems.push(format!("{}: has no {entry}", name(case)));
            }
        }
        if let Err(e) = read_expect(case) {
            problems.push(format!("{}: {e}", name(case)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_case_meets_its_expectation() {
    let cases = cases();
    assert!(!cases.is_empty(), "no cases found in {CORPUS}");
    // In parallel: each case is a git repository and a process, mostly waiting on the disk.
    let failures: Vec<String> = cases
        .par_iter()
        .flat_map_iter(|case| {
            let name = name(case);
            match run_case(case) {
                Ok(problems) => problems,
                Err(e) => vec![e],
            }
            .into_iter()
            .map(move |p| format!("{name}: {p}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn read_expect(case: &Path) -> Result<Expect, String> {
    let text = std::fs::read_to_string(case.join("expect.toml"))
        .map_err(|e| format!("cannot read expect.toml: {e}"))?;
    toml::from_str(&text).map_err(|e| format!("invalid expect.toml: {e}"))
}

/// Set the case up, run it, and list every way it missed its expectation.
fn run_case(case: &Path) -> Result<Vec<String>, String> {
    let expect = read_expect(case)?;
    let tmp = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).map_err(|e| format!("mkdir: {e}"))?;
    git(&repo, &["init", "-q", "-b", "main"])?;
    if case.join("base").is_dir() {
        commit_tree(&case.join("base"), &repo, "base")?;
    }
    commit_tree(&case.join("repo"), &repo, "head")?;
    let outcome = run(&repo, &expect.args, tmp.path())?;
    Ok(judge(&expect, &outcome))
}

fn judge(expect: &Expect, out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let code = out.status.code();
    if code != Some(expect.exit) {
        problems.push(format!(
            "exit {code:?}, expected {}\n  stdout: {}\n  stderr: {}",
            expect.exit, out.stdout, out.stderr
        ));
    }
    // Whatever a case expects, a crash is never an acceptable answer.
    if matches!(code, None | Some(101) | Some(134)) {
        problems.push(format!("crashed: {:?}", out.status));
    }
    for word in ["internal error", "panicked"] {
        if out.stderr.contains(word) {
            problems.push(format!("stderr contains {word:?}: {}", out.stderr));
        }
    }
    let streams = [
        ("stdout", &out.stdout, &expect.stdout_contains, true),
        ("stdout", &out.stdout, &expect.stdout_not_contains, false),
        ("stderr", &out.stderr, &expect.stderr_contains, true),
        ("stderr", &out.stderr, &expect.stderr_not_contains, false),
    ];
    for (stream, text, needles, wanted) in streams {
        for needle in needles {
            if text.contains(needle.as_str()) != wanted {
                let verb = if wanted { "lacks" } else { "contains" };
                problems.push(format!("{stream} {verb} {needle:?}:\n{text}"));
            }
        }
    }
    problems
}

/// Make the working tree of `repo` exactly `tree` and commit it.
fn commit_tree(tree: &Path, repo: &Path, message: &str) -> Result<(), String> {
    for entry in std::fs::read_dir(repo).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.file_name() != Some(".git".as_ref()) {
            remove(&path)?;
        }
    }
    copy_tree(tree, repo)?;
    git(repo, &["add", "-A"])?;
    git(repo, &["commit", "-q", "--allow-empty", "-m", message])
}

fn remove(path: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
    .map_err(|e| format!("remove {}: {e}", path.display()))
}

/// Copy a directory tree, keeping symbolic links as links (a case may commit one).
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src).map_err(|e| e.to_string())?;
            symlink(&target, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| format!("copy {}: {e}", src.display()))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn symlink(_: &Path, link: &Path) -> Result<(), String> {
    Err(format!("cannot create symlink {} here", link.display()))
}

/// A command isolated from the user's git configuration, with fixed identities and dates so
/// that commit ids are the same on every run.
fn isolated(program: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS");
    for who in ["AUTHOR", "COMMITTER"] {
        cmd.env(format!("GIT_{who}_NAME"), "Hostile Corpus")
            .env(format!("GIT_{who}_EMAIL"), "hostile@example.com")
            .env(format!("GIT_{who}_DATE"), "2026-01-01T00:00:00Z");
    }
    cmd
}

fn git(repo: &Path, args: &[&str]) -> Result<(), String> {
    let out = isolated("git", repo)
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(["-c", "core.symlinks=true", "-c", "gc.auto=0"])
        .args(args)
        .output()
        .map_err(|e| format!("run git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!("git {args:?} failed: {err}"))
    }
}

/// Run the binary in `repo`; output goes to files in `scratch` so a large output cannot block
/// it, and a run that does not end is killed and reported.
fn run(repo: &Path, args: &[String], scratch: &Path) -> Result<Outcome, String> {
    let (out_path, err_path) = (scratch.join("stdout"), scratch.join("stderr"));
    let create = |p: &Path| File::create(p).map_err(|e| format!("create {}: {e}", p.display()));
    let mut child = isolated(env!("CARGO_BIN_EXE_partnerctl"), repo)
        .args(args)
        .stdin(Stdio::null())
        .stdout(create(&out_path)?)
        .stderr(create(&err_path)?)
        .spawn()
        .map_err(|e| format!("run partnerctl: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {HANG:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |p: &Path| -> Result<String, String> {
        let bytes = std::fs::read(p).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| format!("{} is not UTF-8: {e}", p.display()))
    };
    Ok(Outcome {
        status,
        stdout: read(&out_path)?,
        stderr: read(&err_path)?,
    })
}
