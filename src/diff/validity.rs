//! Files whose validity changed, with their errors (confidential values left out).

use std::collections::BTreeMap;

use super::ValidationChange;
use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, Severity};

fn errors(d: &[Diagnostic]) -> Vec<Diagnostic> {
    d.iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect()
}

/// Each data file's errors; on the head side also the problems of files that did not load.
fn file_errors(ds: &Dataset, with_problems: bool) -> BTreeMap<&str, Vec<Diagnostic>> {
    let programs = ds
        .programs
        .iter()
        .map(|f| (f.path.as_str(), errors(&f.diagnostics)));
    let partners = ds
        .partners
        .iter()
        .map(|f| (f.path.as_str(), errors(&f.diagnostics)));
    let problems = ds
        .problems
        .iter()
        .filter(|_| with_problems)
        .map(|d| (d.file.as_str(), vec![d.clone()]));
    programs.chain(partners).chain(problems).collect()
}

pub(super) fn changes(
    base: &Dataset,
    head: &Dataset,
    show_confidential: bool,
) -> Vec<ValidationChange> {
    let mut validation = Vec::new();
    let (base_files, head_files) = (file_errors(base, false), file_errors(head, true));
    for (file, diags) in &head_files {
        let before = base_files.get(file).map(|d| !d.is_empty()).unwrap_or(false)
            || base
                .problems
                .iter()
                .any(|d| d.file == *file && d.severity == Severity::Error);
        if !diags.is_empty() && !before {
            validation.push(ValidationChange {
                file: (*file).to_owned(),
                became_invalid: true,
                diagnostics: shown_diagnostics(diags, show_confidential),
            });
        }
    }
    for (file, diags) in &base_files {
        if !diags.is_empty() && head_files.get(file).is_some_and(|d| d.is_empty()) {
            validation.push(ValidationChange {
                file: (*file).to_owned(),
                became_invalid: false,
                diagnostics: Vec::new(),
            });
        }
    }
    validation.sort_by(|a, b| a.file.cmp(&b.file));
    validation
}

/// Diagnostics as the report shows them: every output of `diff` may be public (PR comment, job
/// summary), so confidential values are left out unless asked for.
fn shown_diagnostics(diags: &[Diagnostic], show_confidential: bool) -> Vec<Diagnostic> {
    let mut shown = diags.to_vec();
    crate::diagnostic::cap_per_file(&mut shown);
    if !show_confidential {
        shown = shown.into_iter().map(Diagnostic::redacted).collect();
    }
    shown
}
