//! Semantic rules: what the schema cannot say. References across files, consistent program terms,
//! ordered dates and the cross-record rules of the programs (e.g. one full-access partner per
//! customer). Every problem is located via its document path.

//!
//! One file per kind of record: `program` (a program's own terms), `requirements` (each
//! requirement and the shape of the requirement graph), `partner` (a partner record against the
//! programs it names). The rules that judge a partner file by other partner files are `crate::rules`.

mod partner;
mod program;
mod requirements;

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::load::{self, Loaded};
use crate::model::partner::Partner;
use crate::model::program::Program;
use crate::model::scalar::Date;

use partner::check_partner;
use program::{check_program, check_program_versions};

/// Run every semantic rule over the loaded files, adding diagnostics to the files concerned; a
/// program's cross-record rules are those of its version in force on `as_of` and of every
/// version scheduled after it. A partner manager checks the data as it stands against the terms
/// that apply now and those already announced, so a grant that a scheduled version forbids is
/// flagged before that day; a rule only an earlier version had is history. The cross-file rules
/// are `rules` (see [`crate::rules`]).
pub fn validate_as_of(
    program_files: &mut [Loaded<Program>],
    partners: &mut [Loaded<Partner>],
    as_of: Date,
    rules: &crate::rules::Rules,
) {
    for f in program_files.iter_mut() {
        let diags = f
            .record
            .as_ref()
            .map(|p| check_program(f, p))
            .unwrap_or_default();
        f.diagnostics.extend(diags);
    }
    check_program_versions(program_files);
    crate::validate_names::check_requirement_names(program_files);
    let programs: BTreeMap<String, Vec<Program>> = {
        let mut m: BTreeMap<String, Vec<Program>> = BTreeMap::new();
        for f in program_files.iter() {
            if let Some(p) = &f.record {
                m.entry(p.id.to_string()).or_default().push(p.clone());
            }
        }
        m
    };
    {
        use rayon::prelude::*;
        partners.par_iter_mut().for_each(|f| {
            let diags = f
                .record
                .as_ref()
                .map(|p| check_partner(f, p, &programs))
                .unwrap_or_default();
            f.diagnostics.extend(diags);
        });
    }
    crate::rules::check(rules, partners, &programs, as_of);
}

/// Builds located diagnostics for one file.
struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    /// Parsed on the first diagnostic only (most files have none), then shared by all of them.
    loc: std::cell::OnceCell<load::Locator<'a>>,
    out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new<T>(f: &'a Loaded<T>) -> Self {
        Ctx {
            path: &f.path,
            text: f.text.as_deref().unwrap_or(""),
            loc: std::cell::OnceCell::new(),
            out: Vec::new(),
        }
    }
    fn push(&mut self, d: Diagnostic, path: &DocPath) -> &mut Diagnostic {
        let loc = self.loc.get_or_init(|| load::Locator::new(self.text));
        self.out.push(loc.locate(d, path, false));
        self.out.last_mut().expect("just pushed")
    }
    fn error(&mut self, code: Code, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::error(code, self.path, message).with_path(&path);
        self.push(d, &path)
    }
    fn warning(&mut self, code: Code, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, self.path, message).with_path(&path);
        self.push(d, &path)
    }
    fn hint(d: &mut Diagnostic, hint: impl Into<String>) {
        d.hint = Some(hint.into());
    }
    /// The hint of an unknown id `given`: the defined `keys` (see [`known`]), led by "did you
    /// mean `a`?" when `given` is a plausible typo of one of them.
    fn hint_unknown<'k, K: std::borrow::Borrow<str> + 'k>(
        d: &mut Diagnostic,
        given: &str,
        keys: impl IntoIterator<Item = &'k K>,
    ) {
        let keys: Vec<&str> = keys.into_iter().map(|k| k.borrow()).collect();
        let list = known(keys.iter());
        d.hint = Some(match crate::suggest::closest(given, keys) {
            Some(c) if !given.is_empty() => format!("did you mean `{c}`? {list}"),
            _ => list,
        });
    }
}

/// The hint listing the defined ids, or saying none are.
fn known<'k, K: std::borrow::Borrow<str> + 'k>(keys: impl IntoIterator<Item = &'k K>) -> String {
    let v: Vec<&str> = keys.into_iter().map(|k| k.borrow()).collect();
    if v.is_empty() {
        "none are defined".into()
    } else {
        format!("defined: {}", v.join(", "))
    }
}
