//! Partner ids are unique, compared case-insensitively.

use std::collections::HashMap;

use super::{named_list, CrossFileRule, Key, Programs, PARTNER_ID};
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::load::{self, Loaded};
use crate::model::partner::Partner;
use crate::model::scalar::Date;

/// `duplicate-id`: two partner files with the same id.
pub struct DuplicateId;

impl CrossFileRule for DuplicateId {
    fn codes(&self) -> &'static [Code] {
        &[Code::DuplicateId]
    }
    fn reads(&self) -> &'static [Key] {
        &[PARTNER_ID]
    }
    fn check(&self, partners: &mut [Loaded<Partner>], _: &Programs, _: Date) {
        check_partner_ids(partners);
    }
}

/// Partner ids are unique case-insensitively. Every file of a clash gets the error, naming the
/// others, so the new file in a pull request is flagged as well as the old one.
fn check_partner_ids(partners: &mut [Loaded<Partner>]) {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in partners.iter().enumerate() {
        if let Some(p) = &f.record {
            groups
                .entry(p.id.as_str().to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        for &i in members {
            let others = named_list(
                members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| partners[j].path.as_str()),
                members.len() - 1,
            );
            let f = &mut partners[i];
            let id = f
                .record
                .as_ref()
                .map(|p| p.id.to_string())
                .unwrap_or_default();
            let path = DocPath::root().key("id");
            let d = Diagnostic::error(
                Code::DuplicateId,
                &f.path,
                format!("partner id `{id}` is also used by {others}"),
            )
            .with_path(&path)
            .with_hint("ids are compared case-insensitively; choose another id");
            let d = load::locate(d, f.text.as_deref().unwrap_or(""), &path, false);
            f.diagnostics.push(d);
        }
    }
}
