//! Key order: the record's field order (as declared in `crate::model`), unknown keys last in their
//! original order, and tables emitted depth-first so every array of tables is grouped.

use toml_edit::{Item, Table};

use crate::load::FileKind;

/// Top-level fields of a partner record, in declaration order.
pub const PARTNER: &[&str] = &[
    "api_version",
    "kind",
    "id",
    "legal_name",
    "registration",
    "profile",
    "contacts",
    "memberships",
    "revenue",
    "recurring_revenue",
    "managed_volume",
    "projects",
    "trainings",
    "certifications",
    "access_grants",
    "approvals",
    "goals",
];

/// Top-level fields of a program, in declaration order.
pub const PROGRAM: &[&str] = &[
    "api_version",
    "kind",
    "id",
    "name",
    "vendor",
    "source",
    "effective_from",
    "currencies",
    "review",
    "product_lines",
    "trainings",
    "certifications",
    "obligations",
    "access",
    "tiers",
    "tracks",
    "membership",
    "levels",
    "partner_types",
    "statuses",
    "measures",
    "requirements",
    "entitlements",
    "badge",
];

/// Fields of each partner section (table or array of tables), in declaration order.
pub const PARTNER_SECTIONS: &[(&str, &[&str])] = &[
    (
        "registration",
        &["commercial_register", "siret", "vat_id", "other_register"],
    ),
    (
        "profile",
        &[
            "display_name",
            "website",
            "logo",
            "description",
            "country",
            "regions",
            "languages",
            "services",
        ],
    ),
    ("contacts", &["name", "role", "email", "phone"]),
    (
        "memberships",
        &[
            "program",
            "track",
            "types",
            "contract_start",
            "contract_end",
            "ended",
            "reason",
            "obligations",
        ],
    ),
    ("revenue", MONEY_ENTRY),
    (
        "recurring_revenue",
        &["program", "product_line", "month", "currency", "amount"],
    ),
    ("managed_volume", MONEY_ENTRY),
    ("projects", &["program", "name", "customer", "completed"]),
    ("trainings", &["program", "person", "kind", "date"]),
    ("certifications", &["program", "person", "kind", "date"]),
    (
        "access_grants",
        &[
            "program", "customer", "access", "products", "payment", "since",
        ],
    ),
    (
        "approvals",
        &[
            "program",
            "status",
            "tier",
            "requirement",
            "approved_by",
            "date",
            "reason",
            "expires",
        ],
    ),
    ("goals", &["program", "description", "set", "reviews"]),
];

const MONEY_ENTRY: &[&str] = &[
    "program",
    "product_line",
    "date",
    "period",
    "currency",
    "amount",
    "note",
];

/// Sort the keys of the root table and, in partner files, the sections and the keys of each.
pub fn sort_keys(root: &mut Table, kind: FileKind) {
    let top = match kind {
        FileKind::Partner => PARTNER,
        FileKind::Program => PROGRAM,
    };
    if kind == FileKind::Program {
        // Program files are written in the order one reads the terms (a level next to the tier
        // it grants), so their sections keep the author's order; only the header keys are sorted.
        let rank = |k: &str, v: &Item| match v {
            Item::Table(_) | Item::ArrayOfTables(_) => top.len() + 1,
            _ => top.iter().position(|f| *f == k).unwrap_or(top.len()),
        };
        sort_keeping_head_comment(root, rank);
        return;
    }
    sort_by_fields(root, top);
    for (name, fields) in PARTNER_SECTIONS {
        match root.get_mut(name) {
            Some(Item::Table(t)) => sort_by_fields(t, fields),
            Some(Item::ArrayOfTables(a)) => a.iter_mut().for_each(|t| sort_by_fields(t, fields)),
            _ => {}
        }
    }
}

/// Stable sort: known fields in `fields` order, unknown ones after them as they were.
fn sort_by_fields(table: &mut Table, fields: &[&str]) {
    let rank = |k: &str| fields.iter().position(|f| *f == k).unwrap_or(fields.len());
    sort_keeping_head_comment(table, |k, _| rank(k));
}

/// Sort the values of `table` by `rank`. The comment above the first key belongs to the table
/// (a file header, a section's explanation), so it stays on whichever key comes first.
pub fn sort_keeping_head_comment(table: &mut Table, rank: impl Fn(&str, &Item) -> usize) {
    let first_value = |t: &Table| {
        t.iter()
            .find(|(_, v)| v.is_value())
            .map(|(k, _)| k.to_string())
    };
    let before = first_value(table);
    table.sort_values_by(|k1, v1, k2, v2| rank(k1.get(), v1).cmp(&rank(k2.get(), v2)));
    let (Some(old), Some(new)) = (before, first_value(table)) else {
        return;
    };
    if old == new {
        return;
    }
    let prefix = |t: &mut Table, k: &str| {
        t.key_mut(k)
            .and_then(|mut key| key.leaf_decor_mut().prefix().cloned())
    };
    let (old_prefix, new_prefix) = (prefix(table, &old), prefix(table, &new));
    if let Some(mut key) = table.key_mut(&new) {
        match old_prefix {
            Some(p) => key.leaf_decor_mut().set_prefix(p),
            None => key.leaf_decor_mut().clear(),
        }
    }
    if let Some(mut key) = table.key_mut(&old) {
        match new_prefix {
            Some(p) => key.leaf_decor_mut().set_prefix(p),
            None => key.leaf_decor_mut().clear(),
        }
    }
}

/// Number every (non-dotted) table in depth-first key order, which is the order the encoder then
/// writes them in: sections follow the key order and each array's tables stay together.
pub fn renumber(root: &mut Table) {
    let mut next = 0isize;
    visit(root, &mut next);
}

fn visit(table: &mut Table, next: &mut isize) {
    if !table.is_dotted() {
        table.set_position(Some(*next));
        *next += 1;
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => visit(t, next),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(|t| visit(t, next)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field lists must name exactly the schema's properties, so a new field cannot be
    /// forgotten here.
    #[test]
    fn field_lists_match_the_schemas() {
        let props = |schema: &serde_json::Value, def: Option<&str>| {
            let node = match def {
                Some(d) => &schema["definitions"][d],
                None => schema,
            };
            let mut keys: Vec<String> = node["properties"]
                .as_object()
                .expect("properties")
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        };
        let sorted = |l: &[&str]| {
            let mut v: Vec<String> = l.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        let partner = crate::schema::partner_schema();
        let program = crate::schema::program_schema();
        assert_eq!(props(&partner, None), sorted(PARTNER));
        assert_eq!(props(&program, None), sorted(PROGRAM));
        let defs = [
            ("registration", "Registration"),
            ("profile", "PublicProfile"),
            ("contacts", "Contact"),
            ("memberships", "Membership"),
            ("revenue", "MoneyEntry"),
            ("recurring_revenue", "RecurringEntry"),
            ("managed_volume", "MoneyEntry"),
            ("projects", "Project"),
            ("trainings", "Training"),
            ("certifications", "Certification"),
            ("access_grants", "AccessGrant"),
            ("approvals", "Approval"),
            ("goals", "Goal"),
        ];
        for (section, def) in defs {
            let fields = PARTNER_SECTIONS
                .iter()
                .find(|(s, _)| *s == section)
                .unwrap()
                .1;
            assert_eq!(props(&partner, Some(def)), sorted(fields), "{section}");
        }
    }
}
