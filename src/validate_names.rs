//! `stale-requirement-name`: a requirement id or name that embeds a number its threshold no
//! longer has ("revenue-20000" requiring 25,000 EUR). Ids are what approvals, tiers and reviewers
//! refer to, and a stale one misleads every trace and diff that names it.

use crate::diagnostic::{Diagnostic, DocPath};
use crate::evaluate::names::{stale_number, thresholds};
use crate::load::{Loaded, Locator};
use crate::model::program::{Program, Requirement};

/// Warn, located at the id or the name, for every requirement of every program whose id or
/// name embeds numbers none of which is its threshold.
pub fn check_requirement_names(programs: &mut [Loaded<Program>]) {
    for f in programs.iter_mut() {
        let Some(p) = &f.record else { continue };
        let found = stale_names(&f.path, p);
        if found.is_empty() {
            continue;
        }
        let locator = Locator::new(f.text.as_deref().unwrap_or(""));
        for (d, path, at_key) in found {
            f.diagnostics.push(locator.locate(d, &path, at_key));
        }
    }
}

/// The warnings of one program, each with the path it points at and whether at the key.
fn stale_names(file: &str, p: &Program) -> Vec<(Diagnostic, DocPath, bool)> {
    let mut out = Vec::new();
    for (id, r) in &p.requirements {
        let now = thresholds(r);
        let at = DocPath::root().key("requirements").key(id.as_str());
        let required = threshold_text(r);
        if let Some(n) = stale_number(id.as_str(), &now) {
            let message = format!("requirement id `{id}` says {n}, but it requires {required}");
            let hint = "rename the id (and the approvals and tiers that name it), or name it without the number";
            out.push((warning(file, message, hint, &at), at.clone(), true));
        }
        if let Some(n) = r.name().and_then(|name| stale_number(name, &now)) {
            let message =
                format!("the name of requirement `{id}` says {n}, but it requires {required}");
            let at = at.key("name");
            let hint = "write the threshold the terms set, or leave the number out of the name";
            out.push((warning(file, message, hint, &at), at, false));
        }
    }
    out
}

fn warning(file: &str, message: String, hint: &str, at: &DocPath) -> Diagnostic {
    Diagnostic::warning(crate::diagnostic::Code::StaleRequirementName, file, message)
        .with_path(at)
        .with_hint(hint)
}

/// The threshold as the terms set it: "at least 25,000.00 EUR", "within 60 days".
fn threshold_text(r: &Requirement) -> String {
    match r {
        Requirement::Count { at_least, .. } => format!("at least {at_least}"),
        Requirement::Amount { at_least, .. } => {
            let parts: Vec<String> = at_least.iter().map(|(c, m)| format!("{m} {c}")).collect();
            format!("at least {}", parts.join(" or "))
        }
        Requirement::Deadline { within_days, .. } => format!("within {within_days} days"),
        Requirement::Points { at_least, .. } => format!("at least {at_least} points"),
        _ => String::new(),
    }
}
