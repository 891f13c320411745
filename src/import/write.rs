//! Writing the merged partner files: all of them or none.
//!
//! Why in place and not "temporary file, then rename over the target": on ext4, each rename over
//! an existing file frees the old inode and each temporary file allocates a new one, and with many
//! recently deleted inodes the allocator's search (`recently_deleted`) dominated: 10,000 files took
//! 6–16 s of kernel time on the benchmark machine, against 0.2 s for writing the same bytes in place
//! (BENCHMARKS.md). What the renames bought — all files or none — is kept another way: every file is
//! opened for writing before any is written (permissions, read-only files and vanished files fail
//! first, with nothing changed), and if a write fails midway (a full disk), the files already
//! written get their old text back, which needs no new space because it is never longer than the
//! new one. Only a crash of the machine mid-import can leave a mix; the files are in git.
//!
//! Holding every file open needs as many descriptors as files: the soft limit (1,024 on many
//! Linux desktops, 256 on macOS) is raised towards the hard one first, and when even that is too
//! low, the import stops before opening anything.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use super::Change;

/// Descriptors beyond the files: standard streams, the CSV, the allocator, the thread pool.
const SPARE_DESCRIPTORS: u64 = 64;

/// Write every change, in place; `old` holds the current text of each changed path.
pub fn write_all(
    root: &Path,
    changes: &[Change],
    old: &BTreeMap<&str, &str>,
) -> Result<(), String> {
    use rayon::prelude::*;
    room_to_open(changes.len())?;
    // Opened in parallel (10,000 opens are a good part of the kernel's share), but all of them
    // before the first write.
    let opened: Vec<Result<File, String>> = changes
        .par_iter()
        .map(|c| open_regular(root, &c.path))
        .collect();
    let mut opened = (opened.into_iter().collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{e}; nothing was changed"))?;
    let written = write_opened(changes, &mut opened, old);
    // Closed in parallel too: 10,000 `close` calls one after the other took 7 ms.
    opened.into_par_iter().for_each(drop);
    written
}

/// Prepare for holding up to `files` files open at once; call it before the first thread starts
/// (anything parallel, such as reading the repository), with an upper bound such as the CSV's
/// line count. Nothing here is needed for correctness — [`write_all`] checks the limit again with
/// the exact count — only for speed.
///
/// Why: the kernel grows a process's descriptor table by doubling, and when the process has
/// other threads (rayon's), every growth waits for an RCU grace period (`expand_fdtable` calls
/// `synchronize_rcu`): opening 10,000 files took 85 ms instead of 25 ms, most of it asleep
/// (BENCHMARKS.md). Asking for one descriptor above the highest one needed grows the table once,
/// and without other threads, without waiting.
#[cfg(unix)]
pub fn reserve_descriptors(files: usize) {
    // A CSV of millions of lines names far fewer files; past this, growing by doubling is cheap.
    const MOST: u64 = 1 << 20;
    let wanted = (files as u64).saturating_add(SPARE_DESCRIPTORS).min(MOST);
    let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(0);
    let Ok(highest) = rustix::fd::RawFd::try_from(wanted.min(limit).saturating_sub(1)) else {
        return;
    };
    // `F_DUPFD` takes the lowest free descriptor at or above `highest` (it never replaces an open
    // one, as `dup2` would); a closed stderr just means no reservation.
    if let Ok(fd) = rustix::io::fcntl_dupfd_cloexec(std::io::stderr(), highest) {
        drop(fd);
    }
}

#[cfg(not(unix))]
pub fn reserve_descriptors(_files: usize) {}

/// Make sure `files` descriptors can be open at once, raising the soft limit if need be.
#[cfg(unix)]
fn room_to_open(files: usize) -> Result<(), String> {
    let wanted = files as u64 + SPARE_DESCRIPTORS;
    // An error reading or setting the limit leaves it as it was; the opens then say whether it
    // suffices.
    let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(wanted);
    if limit >= wanted {
        return Ok(());
    }
    Err(format!(
        "the import changes {files} files, which are all kept open until all are written, but \
         this process may open only {limit} files (`ulimit -n`); raise the limit or split the \
         CSV; nothing was changed"
    ))
}

#[cfg(not(unix))]
fn room_to_open(_files: usize) -> Result<(), String> {
    Ok(())
}

/// `root/path` opened for writing, when it is a regular file (like the snapshot reader, never
/// follow a symlink out of the repository). On Unix one `open` without following symlinks and
/// without waiting for a reader (a FIFO) plus `fstat` on the descriptor: no second walk of the
/// path, and no window between the check and the open.
pub(crate) fn open_regular(root: &Path, path: &str) -> Result<File, String> {
    let full = root.join(path);
    let not_regular = || format!("{path}: not a regular file");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if !std::fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_file()) {
        return Err(not_regular());
    }
    let file = opts.open(&full).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return not_regular();
        }
        if e.kind() == std::io::ErrorKind::NotFound {
            return not_regular();
        }
        format!("{path}: {e}")
    })?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(not_regular()),
        Err(e) => Err(format!("{path}: {e}")),
    }
}

/// Write each change into its opened file; on any failure, every file gets its old text back.
fn write_opened(
    changes: &[Change],
    opened: &mut [File],
    old: &BTreeMap<&str, &str>,
) -> Result<(), String> {
    use rayon::prelude::*;
    let failed = (changes.par_iter().zip(opened.par_iter_mut()))
        .map(|(c, file)| {
            // A file only grows when entries are added: most writes need no truncation (one
            // syscall of six per file). Without the old text, cut to be sure.
            let truncate = old
                .get(c.path.as_str())
                .is_none_or(|t| c.text.len() < t.len());
            overwrite(file, c.text.as_bytes(), truncate).map_err(|e| format!("{}: {e}", c.path))
        })
        .filter_map(Result::err)
        .min();
    match failed {
        None => Ok(()),
        // Files not reached yet get their own text again: harmless, and simpler than tracking.
        Some(e) => Err(format!("{e}; {}", restore(changes, opened, old))),
    }
}

/// `bytes` from the start of `file`; `truncate` cuts what the old text had beyond them.
pub(crate) fn overwrite(file: &mut File, bytes: &[u8], truncate: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    std::os::unix::fs::FileExt::write_all_at(file, bytes, 0)?;
    #[cfg(not(unix))]
    {
        use std::io::{Seek, Write};
        file.seek(std::io::SeekFrom::Start(0))?;
        file.write_all(bytes)?;
    }
    if truncate {
        file.set_len(bytes.len() as u64)?;
    }
    Ok(())
}

/// Put the old text back into the files already written; what happened, for the error message.
fn restore(changes: &[Change], files: &mut [File], old: &BTreeMap<&str, &str>) -> String {
    let mut failed = Vec::new();
    for (c, f) in changes.iter().zip(files) {
        let text = old.get(c.path.as_str()).copied().unwrap_or_default();
        // How much of the new text a failed write left is unknown: always cut to the old length.
        if overwrite(f, text.as_bytes(), true).is_err() {
            failed.push(c.path.as_str());
        }
    }
    if failed.is_empty() {
        "nothing was changed (the files already written were restored)".into()
    } else {
        format!(
            "could not restore {} (`git checkout -- FILE` or your editor's history has the old text)",
            failed.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, text: &str) -> Change {
        Change {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_failed_write_puts_the_old_text_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
        std::fs::write(&a, "old a\n").unwrap();
        std::fs::write(&b, "old b\n").unwrap();
        let old = BTreeMap::from([("a.toml", "old a\n"), ("b.toml", "old b\n")]);
        let changes = [
            change("a.toml", "new a, longer\n"),
            change("b.toml", "new b\n"),
        ];
        // b opened read-only: its write fails after a's may have succeeded.
        let mut opened = [
            std::fs::OpenOptions::new().write(true).open(&a).unwrap(),
            std::fs::File::open(&b).unwrap(),
        ];
        let err = write_opened(&changes, &mut opened, &old).unwrap_err();
        assert!(err.starts_with("b.toml: "), "{err}");
        assert!(err.contains("could not restore b.toml"), "{err}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b\n");
    }

    #[test]
    fn nothing_is_written_when_a_target_is_missing_or_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("partners")).unwrap();
        let a = dir.path().join("partners/a.toml");
        std::fs::write(&a, "old a\n").unwrap();
        let old = BTreeMap::new();
        let missing = [
            change("partners/a.toml", "new a\n"),
            change("partners/gone.toml", "x"),
        ];
        let err = write_all(dir.path(), &missing, &old).unwrap_err();
        assert_eq!(
            err,
            "partners/gone.toml: not a regular file; nothing was changed"
        );
        #[cfg(unix)]
        {
            let outside = dir.path().join("outside.toml");
            std::fs::write(&outside, "outside\n").unwrap();
            std::os::unix::fs::symlink(&outside, dir.path().join("partners/b.toml")).unwrap();
            let linked = [
                change("partners/a.toml", "new a\n"),
                change("partners/b.toml", "x"),
            ];
            let err = write_all(dir.path(), &linked, &old).unwrap_err();
            assert_eq!(
                err,
                "partners/b.toml: not a regular file; nothing was changed"
            );
            assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside\n");
        }
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reserving_descriptors_grows_the_table_and_leaves_no_descriptor_open() {
        // The size of the descriptor table, as the kernel reports it.
        let table_size = || {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = status.lines().find(|l| l.starts_with("FDSize:")).unwrap();
            line["FDSize:".len()..].trim().parse::<u64>().unwrap()
        };
        let file = tempfile::tempfile().unwrap();
        let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        let wanted = (3000 + SPARE_DESCRIPTORS).min(hard);
        assert!(
            table_size() < wanted,
            "the test process opened thousands of files"
        );
        reserve_descriptors(3000);
        let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        assert!(soft >= wanted, "{soft} of {hard}");
        assert!(table_size() >= wanted, "{}", table_size());
        let highest = 3000 + SPARE_DESCRIPTORS - 1;
        assert!(!std::path::Path::new(&format!("/proc/self/fd/{highest}")).exists());
        // The descriptors open before are untouched.
        assert!(file.metadata().is_ok());
    }

    #[test]
    fn a_shorter_text_leaves_no_tail_of_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("partners")).unwrap();
        let a = dir.path().join("partners/a.toml");
        std::fs::write(&a, "a long old text\n").unwrap();
        let old = BTreeMap::from([("partners/a.toml", "a long old text\n")]);
        write_all(dir.path(), &[change("partners/a.toml", "short\n")], &old).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "short\n");
        // Longer: written over without a cut, nothing of the old text is left either.
        let old = BTreeMap::from([("partners/a.toml", "short\n")]);
        let longer = "a text longer than before\n";
        write_all(dir.path(), &[change("partners/a.toml", longer)], &old).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), longer);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_a_partner_file_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("partners")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("partners/pipe.toml"))
            .status()
            .unwrap();
        assert!(made.success());
        let err = write_all(
            dir.path(),
            &[change("partners/pipe.toml", "x\n")],
            &BTreeMap::new(),
        )
        .unwrap_err();
        // No reader: opening without O_NONBLOCK would wait for one forever.
        assert!(err.starts_with("partners/pipe.toml: "), "{err}");
        assert!(err.ends_with("; nothing was changed"), "{err}");
    }
}
