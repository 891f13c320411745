//! What a command that works on valid records only (`eval`, `directory`, `upcoming`) left out,
//! and how it says so on stderr: one rule and one wording, so the commands count alike.

use std::io::{self, Write};

use serde::Serialize;

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Loaded;
use crate::model::Partner;

/// A partner file that was left out because it has errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Repository-relative path.
    pub file: String,
    /// Its error count.
    pub errors: usize,
}

/// The partner files left out and the errors in program files or the data layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkippedReport {
    /// Invalid partner files, sorted by path.
    pub files: Vec<Skipped>,
    /// Errors in program files or the data layout.
    pub program_errors: usize,
}

/// The number of errors among `diagnostics`.
pub fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// Whether a partner file is usable: it has a record and no errors.
pub fn is_valid(f: &Loaded<Partner>) -> bool {
    f.record.is_some() && error_count(&f.diagnostics) == 0
}

impl SkippedReport {
    /// The partner files of `ds` that `selected` keeps and that are not valid (see
    /// [`is_valid`]), and the errors of its program files and layout. A file without a record
    /// always has an error from loading; should one not, it still counts one, so that no file
    /// is left out unsaid.
    pub fn of(ds: &Dataset, selected: impl Fn(&Loaded<Partner>) -> bool) -> Self {
        let files = ds
            .partners
            .iter()
            .filter(|f| selected(f) && !is_valid(f))
            .map(|f| Skipped {
                file: f.path.clone(),
                errors: error_count(&f.diagnostics).max(1),
            })
            .collect();
        let program_errors = ds
            .programs
            .iter()
            .map(|f| error_count(&f.diagnostics))
            .sum::<usize>()
            + error_count(&ds.problems);
        SkippedReport {
            files,
            program_errors,
        }
    }

    /// Whether nothing was left out and no program file has errors.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.program_errors == 0
    }

    /// The stderr lines: one per skipped file, then one for the program errors.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        for s in &self.files {
            writeln!(
                w,
                "skipped {}: {} error(s); run `partnerctl check`",
                s.file, s.errors
            )?;
        }
        if self.program_errors > 0 {
            writeln!(
                w,
                "{} error(s) in program files or the data layout; run `partnerctl check`",
                self.program_errors
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_name_each_file_then_the_program_errors() {
        let report = SkippedReport {
            files: vec![Skipped {
                file: "partners/a.toml".into(),
                errors: 2,
            }],
            program_errors: 3,
        };
        let mut out = Vec::new();
        report.write_to(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "skipped partners/a.toml: 2 error(s); run `partnerctl check`\n\
             3 error(s) in program files or the data layout; run `partnerctl check`\n"
        );
        assert!(!report.is_empty());
        assert!(SkippedReport::default().is_empty());
    }
}
