//! Field-level changes of a data file, confidential values masked, and text diffs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::FieldChange;

/// Fields that may be shown without `--show-confidential`, by
/// [`crate::model::partner::is_confidential`] of the keys of a [`flatten`]ed path.
pub(super) fn is_public_field(path: &str) -> bool {
    !crate::model::partner::is_confidential(flat_keys(path))
}

/// The table keys of a [`flatten`]ed path (`memberships[nsp].types[0]` → memberships, types):
/// a bracketed entry name is skipped up to the first `]`. Entry names come from the data; one
/// holding brackets or dots only adds keys before the real last one, which makes the path
/// confidential, never public.
fn flat_keys(path: &str) -> impl Iterator<Item = &str> {
    let mut in_name = false;
    path.split(move |c: char| {
        match c {
            '[' if !in_name => in_name = true,
            ']' if in_name => in_name = false,
            _ => return in_name || c == '.',
        }
        true
    })
    .filter(|k| !k.is_empty())
}

/// Fields that name an array entry, in order. All of them may be shown with
/// `--show-confidential`; without it only [`PUBLIC_KEY_FIELDS`] (ids defined by the program).
pub(super) const KEY_FIELDS: [&str; 13] = [
    "program",
    "product_line",
    "kind",
    "person",
    "name",
    "customer",
    "status",
    "tier",
    "requirement",
    "period",
    "date",
    "month",
    "completed",
];
/// Key fields that reveal nothing confidential.
pub(super) const PUBLIC_KEY_FIELDS: [&str; 6] = [
    "program",
    "product_line",
    "kind",
    "status",
    "tier",
    "requirement",
];

/// Flatten a document into `path → value` with array entries named by their natural key, built
/// from `key_fields` (entries with equal keys get `#2`, `#3`, …).
pub fn flatten(v: &Json, prefix: &str, key_fields: &[&str], out: &mut BTreeMap<String, String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(x, &p, key_fields, out);
            }
        }
        Json::Array(items) => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, x) in items.iter().enumerate() {
                let natural = match x {
                    Json::Object(m) => key_fields
                        .iter()
                        .filter_map(|k| m.get(*k).and_then(Json::as_str))
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => String::new(),
                };
                let key = if natural.is_empty() {
                    i.to_string()
                } else {
                    let n = seen.entry(natural.clone()).or_insert(0);
                    *n += 1;
                    if *n > 1 {
                        format!("{natural} #{n}")
                    } else {
                        natural
                    }
                };
                flatten(x, &format!("{prefix}[{key}]"), key_fields, out);
            }
            if items.is_empty() {
                out.insert(prefix.to_owned(), "[]".into());
            }
        }
        Json::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

pub(super) fn file_json(
    text: Option<&str>,
    path: &str,
    key_fields: &[&str],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(t) = text {
        if let (Some(j), _) = crate::load::parse_to_json(path, t) {
            flatten(&j, "", key_fields, &mut out);
        }
    }
    out
}

/// Field changes of one file. With `mask`, confidential values are replaced, and for a file that
/// was added or removed as a whole only public fields are listed, plus a count of the others.
pub(super) fn field_changes(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
    mask: bool,
) -> Vec<FieldChange> {
    let whole_file = a.is_empty() || b.is_empty();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut hidden = 0;
    let mut out: Vec<FieldChange> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .filter_map(|k| {
            let masked = mask && !is_public_field(k);
            if masked && whole_file {
                hidden += 1;
                return None;
            }
            let shown = |v: Option<&String>| {
                v.map(|v| {
                    if masked {
                        "(confidential)".to_owned()
                    } else {
                        v.clone()
                    }
                })
            };
            Some(FieldChange {
                path: k.clone(),
                from: shown(a.get(k)),
                to: shown(b.get(k)),
            })
        })
        .collect();
    if hidden > 0 {
        let n = Some(format!("{hidden} fields"));
        let (from, to) = if a.is_empty() { (None, n) } else { (n, None) };
        out.push(FieldChange {
            path: "(confidential fields)".into(),
            from,
            to,
        });
    }
    out
}

pub(super) fn text_diff(a: &str, b: &str, from: &str, to: &str) -> String {
    similar::TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{from}"), &format!("b/{to}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_names_entries_by_natural_key() {
        let j: Json = serde_json::json!({
            "id": "a",
            "revenue": [
                {"program": "nsp", "product_line": "x", "period": "2025", "amount": "18000.00"},
                {"program": "nsp", "product_line": "x", "period": "2025", "amount": "5.00"}
            ],
            "profile": {"languages": ["de", "en"]}
        });
        let mut out = BTreeMap::new();
        flatten(&j, "", &KEY_FIELDS, &mut out);
        assert_eq!(
            out.get("revenue[nsp x 2025].amount").map(String::as_str),
            Some("18000.00")
        );
        assert_eq!(
            out.get("revenue[nsp x 2025 #2].amount").map(String::as_str),
            Some("5.00")
        );
        assert_eq!(
            out.get("profile.languages[1]").map(String::as_str),
            Some("en")
        );
    }

    #[test]
    fn confidential_fields_are_recognised() {
        assert!(is_public_field("profile.display_name"));
        assert!(is_public_field("id"));
        assert!(is_public_field("memberships[nospamproxy].track"));
        assert!(!is_public_field("memberships[nospamproxy].contract_start"));
        assert!(!is_public_field("revenue[nsp x 2025].amount"));
        assert!(!is_public_field("contacts[Jane].email"));
        assert!(!is_public_field("legal_name"));
        assert!(is_public_field("memberships[nospamproxy].types[0]"));
        // An entry name from the data cannot make a confidential field look public.
        assert!(!is_public_field("memberships[a.types[b].contract_start"));
        assert!(!is_public_field("memberships[x].track[].contract_start"));
        assert!(!is_public_field("memberships[x].track].contract_start"));
        assert!(!is_public_field(
            "memberships[nospamproxy].obligations.partner-day"
        ));
    }
}
