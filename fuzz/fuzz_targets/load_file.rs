//! Any bytes, loaded and checked as a partner or a program file, give a record or diagnostics:
//! never a panic, and every diagnostic's location lies inside the file.
//! `tests/proptest_toml.rs` checks the same property within the normal test budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerctl::dataset::Dataset;
use partnerctl::diagnostic::{Diagnostic, LineCol};
use partnerctl::source::{blob_id, Snapshot, SourceFile};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind of file, so one corpus covers both.
    let Some((kind, bytes)) = data.split_first() else {
        return;
    };
    let path = if kind % 2 == 0 {
        "partners/f.toml"
    } else {
        "programs/f.toml"
    };
    let snapshot = Snapshot {
        label: "fuzz".into(),
        files: vec![SourceFile {
            path: path.into(),
            blob_id: blob_id(bytes),
            bytes: bytes.to_vec(),
        }],
        problems: Vec::new(),
    };
    let text = String::from_utf8_lossy(bytes);
    for d in Dataset::from_snapshot(&snapshot).diagnostics() {
        if d.file == path {
            assert_inside(&d, &text);
        } else {
            assert!(
                d.start.is_none(),
                "located in a file that does not exist: {d:?}"
            );
        }
    }
});

fn assert_inside(d: &Diagnostic, text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    let fits = |at: LineCol| {
        at.line >= 1
            && at.column >= 1
            && lines
                .get(at.line - 1)
                .is_some_and(|l| at.column <= l.chars().count() + 1)
    };
    if let Some(span) = &d.span {
        assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
    }
    for at in [d.start, d.end].into_iter().flatten() {
        assert!(fits(at), "{d:?} lies outside the {} lines", lines.len());
    }
}
