//! `partnerctl fmt` over the data files of a working tree.
//!
//! `fmt --check` runs in CI on the files of a pull request, so it reads them as every other
//! command does — through the snapshot reader: no symbolic link followed, the size checked before
//! reading, each problem reported for its file while the other files are still formatted — and
//! [`write`] never follows a link either.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostic::{line_col, LineCol};
use crate::load::FileKind;
use crate::source::Snapshot;

/// What formatting one file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Already canonical.
    Canonical,
    /// The canonical text, which differs from the file's from line `first_changed_line` on.
    Changes {
        first_changed_line: usize,
        text: String,
    },
    /// Not formatted, and why; where in the file, when the problem has a place.
    NotFormatted {
        at: Option<LineCol>,
        message: String,
    },
}

/// Each data file of `snap` (or only those in `only`), by path: its outcome. Files the snapshot
/// could not read as data (symbolic links, oversized files) are [`Outcome::NotFormatted`].
pub fn outcomes(snap: &Snapshot, only: Option<&BTreeSet<String>>) -> Vec<(String, Outcome)> {
    let wanted = |path: &str| only.is_none_or(|o| o.contains(path));
    let problems = (snap.problems.iter()).filter(|p| wanted(&p.file)).map(|p| {
        let message = p.message.clone();
        (p.file.clone(), Outcome::NotFormatted { at: None, message })
    });
    let files = (snap.files.iter())
        .filter(|f| wanted(&f.path))
        .filter_map(|f| {
            Some((
                f.path.clone(),
                outcome(&f.path, FileKind::of_path(&f.path)?, &f.bytes),
            ))
        });
    let mut all: Vec<(String, Outcome)> = problems.chain(files).collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn outcome(path: &str, kind: FileKind, bytes: &[u8]) -> Outcome {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            return Outcome::NotFormatted {
                at: Some(line_col(valid, valid.len())),
                message: "not valid UTF-8".into(),
            };
        }
    };
    match super::canonical(path, kind, text) {
        Err(e) => Outcome::NotFormatted {
            at: Some(e.at),
            message: e.message,
        },
        Ok(out) if out == text => Outcome::Canonical,
        Ok(out) => Outcome::Changes {
            first_changed_line: first_difference(text, &out),
            text: out,
        },
    }
}

/// The line (from 1) of the first line of `a` that differs in `b`.
fn first_difference(a: &str, b: &str) -> usize {
    let same = a
        .split_inclusive('\n')
        .zip(b.split_inclusive('\n'))
        .take_while(|(x, y)| x == y)
        .count();
    same + 1
}

/// Write `text` over the data file `path` of the working tree at `root`, never through a symbolic
/// link (the file may have been replaced by one since it was read).
pub fn write(root: &Path, path: &str, text: &str) -> Result<(), String> {
    let mut file = crate::import::open_regular(root, path)?;
    crate::import::overwrite(&mut file, text.as_bytes(), true).map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_link_since_reading_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("partners")).unwrap();
        let outside = dir.path().join("outside.toml");
        std::fs::write(&outside, "outside\n").unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join("partners/a.toml")).unwrap();
        // Other files may already be formatted: the message must not claim nothing changed.
        let err = super::write(dir.path(), "partners/a.toml", "new\n").unwrap_err();
        assert_eq!(err, "partners/a.toml: not a regular file");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside\n");
    }
}
