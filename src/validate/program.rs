//! A program's own terms: ids, currencies, measures, levels, holders and grants, and the
//! versions of a program side by side.

use std::collections::{BTreeSet, HashMap};

use super::requirements::{check_requirement_shape, check_requirements};
use super::Ctx;
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::load::{self, Loaded};
use crate::model::program::{EntitlementKind, GrantValue, Grants, Measure, Program};
use crate::model::scalar::{Id, Percent};

/// Every rule on one program file, step by step.
pub(super) fn check_program(f: &Loaded<Program>, p: &Program) -> Vec<Diagnostic> {
    let mut c = Ctx::new(f);
    check_identity(&mut c, f.stem(), p);
    check_measures(&mut c, p);
    check_requirements(&mut c, p);
    check_requirement_shape(&mut c, p);
    check_badge_colours(&mut c, p);
    check_obligation_verify(&mut c, p);
    check_levels(&mut c, p);
    check_unreachable_tiers(&mut c, p);
    check_holders(&mut c, p);
    check_entitlements(&mut c, p);
    c.out
}

/// What an obligation's `verify` table declares must be checkable (issue #16): a real URL or
/// host, and something to look for. The schema has already rejected unknown keys.
fn check_obligation_verify(c: &mut Ctx, p: &Program) {
    for (id, o) in &p.obligations {
        let Some(v) = o.verify() else { continue };
        let at = DocPath::root()
            .key("obligations")
            .key(id.as_str())
            .key("verify");
        for (key, message) in v.problems() {
            let path = if key == "verify" {
                at.clone()
            } else {
                at.key(key)
            };
            c.error(Code::InvalidVerify, path, message);
        }
    }
}

/// Badge colours (issue #16): the published badge falls back to the defaults, `check` says why.
fn check_badge_colours(c: &mut Ctx, p: &Program) {
    for (path, message) in crate::badge::contrast_problems(p) {
        c.warning(Code::BadgeContrast, path, message);
    }
}

/// The file name matches the id; there is a currency; no id is defined twice in a list.
fn check_identity(c: &mut Ctx, stem: &str, p: &Program) {
    let root = DocPath::root();
    let versioned = format!("{}@{}", p.id, p.effective_from);
    if stem != p.id.as_str() && stem != versioned {
        let d = c.error(
            Code::IdMismatch,
            root.key("id"),
            format!(
                "program id `{}` does not match the file name `{stem}.toml`",
                p.id
            ),
        );
        Ctx::hint(
            d,
            format!(
                "name the file `{}.toml` (or `{versioned}.toml` for a scheduled version)",
                p.id
            ),
        );
    }
    if p.currencies.is_empty() {
        c.error(
            Code::NoCurrency,
            root.key("currencies"),
            "a program must measure at least one currency".into(),
        );
    }
    for (list, name) in [
        (p.tiers.iter().map(|t| &t.id).collect::<Vec<_>>(), "tiers"),
        (p.tracks.iter().map(|t| &t.id).collect(), "tracks"),
        (
            p.partner_types.iter().map(|t| &t.id).collect(),
            "partner_types",
        ),
        (p.statuses.iter().map(|t| &t.id).collect(), "statuses"),
    ] {
        let mut seen = BTreeSet::new();
        for (i, id) in list.iter().enumerate() {
            if !seen.insert(id.as_str().to_ascii_lowercase()) {
                c.error(
                    Code::DuplicateId,
                    root.key(name).index(i).key("id"),
                    format!("`{id}` is defined twice in {name}"),
                );
            }
        }
    }
}

/// Measures name product lines and training or certification kinds the program defines.
fn check_measures(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    for (id, m) in &p.measures {
        let mp = root.key("measures").key(id.as_str());
        type KindTable<'a> = Option<(&'a str, Vec<&'a str>)>;
        let (lines, kinds, kind_table): (&[Id], &[Id], KindTable) = match m {
            Measure::Sum { product_lines, .. } | Measure::Recurring { product_lines, .. } => {
                (product_lines, &[], None)
            }
            Measure::Trainings { kinds, .. } => (
                &[],
                kinds,
                Some(("trainings", p.trainings.keys().map(Id::as_str).collect())),
            ),
            Measure::CertifiedPeople { kinds, .. } => (
                &[],
                kinds,
                Some((
                    "certifications",
                    p.certifications.keys().map(Id::as_str).collect(),
                )),
            ),
            _ => (&[], &[], None),
        };
        for (i, l) in lines.iter().enumerate() {
            if !p.product_lines.contains_key(l.as_str()) {
                let d = c.error(
                    Code::UnknownProductLine,
                    mp.key("product_lines").index(i),
                    format!("unknown product line `{l}`"),
                );
                Ctx::hint_unknown(d, l.as_str(), p.product_lines.keys());
            }
        }
        if let Some((table, ids)) = kind_table {
            for (i, k) in kinds.iter().enumerate() {
                if !ids.contains(&k.as_str()) {
                    let d = c.error(
                        Code::UnknownReference,
                        mp.key("kinds").index(i),
                        format!("unknown {table} kind `{k}`"),
                    );
                    Ctx::hint_unknown(d, k.as_str(), ids.iter());
                }
            }
        }
    }
}

/// Requirements named by a `requires` list exist.
fn check_requires(c: &mut Ctx, p: &Program, list: &[Id], at: DocPath) {
    for (i, r) in list.iter().enumerate() {
        if !p.requirements.contains_key(r.as_str()) {
            let d = c.error(
                Code::UnknownRequirement,
                at.index(i),
                format!("unknown requirement `{r}`"),
            );
            Ctx::hint_unknown(d, r.as_str(), p.requirements.keys());
        }
    }
}

/// Levels name defined tiers and tracks, and no tier has two levels for the same track; the
/// membership and each level require defined requirements and grant defined entitlements.
fn check_levels(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    let tiers: BTreeSet<&str> = p.tiers.iter().map(|t| t.id.as_str()).collect();
    let tracks: BTreeSet<&str> = p.tracks.iter().map(|t| t.id.as_str()).collect();
    check_requires(
        c,
        p,
        &p.membership.requires,
        root.key("membership").key("requires"),
    );
    check_grants(
        c,
        p,
        &p.membership.grants,
        root.key("membership").key("grants"),
    );
    let mut level_keys: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    // The first track-specific level of each tier (a level for every track overlaps it).
    let mut first_specific: HashMap<&str, usize> = HashMap::new();
    for (i, l) in p.levels.iter().enumerate() {
        let lp = root.key("levels").index(i);
        if !tiers.contains(l.tier.as_str()) {
            let d = c.error(
                Code::UnknownTier,
                lp.key("tier"),
                format!("unknown tier `{}`", l.tier),
            );
            Ctx::hint_unknown(d, l.tier.as_str(), tiers.iter());
        }
        match &l.track {
            Some(t) if !tracks.contains(t.as_str()) => {
                let d = c.error(
                    Code::UnknownTrack,
                    lp.key("track"),
                    format!("unknown track `{t}`"),
                );
                Ctx::hint_unknown(d, t.as_str(), tracks.iter());
            }
            None if !tracks.is_empty() => {}
            _ => {}
        }
        let key = (l.track.as_ref().map(Id::as_str), l.tier.as_str());
        let overlaps = level_keys.get(&key).copied().or_else(|| match key.0 {
            // A level for every track overlaps any track-specific level of the same tier.
            None => first_specific.get(l.tier.as_str()).copied(),
            Some(_) => level_keys.get(&(None, l.tier.as_str())).copied(),
        });
        if let Some(prev) = overlaps {
            let d = c.error(
                Code::OverlappingLevels,
                lp.key("tier"),
                format!(
                    "tier `{}` is defined again for the same track (first at levels[{prev}])",
                    l.tier
                ),
            );
            Ctx::hint(d, "each tier may have one level per track");
        } else {
            level_keys.insert(key, i);
            if key.0.is_some() {
                first_specific.entry(l.tier.as_str()).or_insert(i);
            }
        }
        check_requires(c, p, &l.requires, lp.key("requires"));
        check_grants(c, p, &l.grants, lp.key("grants"));
    }
}

/// Every tier has a level in every track, or no partner can reach it.
fn check_unreachable_tiers(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    let track_ids: Vec<Option<&str>> = if p.tracks.is_empty() {
        vec![None]
    } else {
        p.tracks.iter().map(|t| Some(t.id.as_str())).collect()
    };
    let levels: BTreeSet<(&str, Option<&str>)> = p
        .levels
        .iter()
        .map(|l| (l.tier.as_str(), l.track.as_ref().map(Id::as_str)))
        .collect();
    for (i, t) in p.tiers.iter().enumerate() {
        for tr in &track_ids {
            let tier = t.id.as_str();
            let defined = levels.contains(&(tier, None)) || levels.contains(&(tier, *tr));
            if !defined {
                let what = tr.map_or(String::new(), |tr| format!(" in track `{tr}`"));
                let d = c.error(
                    Code::UnreachableTier,
                    root.key("tiers").index(i).key("id"),
                    format!(
                        "tier `{}` has no level{what}, so no partner can reach it",
                        t.id
                    ),
                );
                Ctx::hint(d, "add a [[levels]] entry for it");
            }
        }
    }
}

/// Partner types and statuses require defined requirements and grant defined entitlements.
fn check_holders(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    let tiers: BTreeSet<&str> = p.tiers.iter().map(|t| t.id.as_str()).collect();
    for (i, t) in p.partner_types.iter().enumerate() {
        check_requires(
            c,
            p,
            &t.requires,
            root.key("partner_types").index(i).key("requires"),
        );
        check_grants(
            c,
            p,
            &t.grants,
            root.key("partner_types").index(i).key("grants"),
        );
    }
    for (i, s) in p.statuses.iter().enumerate() {
        let sp = root.key("statuses").index(i);
        check_requires(c, p, &s.requires, sp.key("requires"));
        check_grants(c, p, &s.grants, sp.key("grants"));
        if let Some(b) = &s.benefits_of {
            for (j, t) in b.tiers.iter().enumerate() {
                if !tiers.contains(t.as_str()) {
                    c.error(
                        Code::UnknownTier,
                        sp.key("benefits_of").key("tiers").index(j),
                        format!("unknown tier `{t}`"),
                    );
                }
            }
            check_requires(c, p, &b.by, sp.key("benefits_of").key("by"));
        }
    }
}

/// Entitlements name product lines the program defines.
fn check_entitlements(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    for (id, e) in &p.entitlements {
        for (i, l) in e.product_lines.iter().enumerate() {
            if !p.product_lines.contains_key(l.as_str()) {
                let d = c.error(
                    Code::UnknownProductLine,
                    root.key("entitlements")
                        .key(id.as_str())
                        .key("product_lines")
                        .index(i),
                    format!("unknown product line `{l}`"),
                );
                Ctx::hint_unknown(d, l.as_str(), p.product_lines.keys());
            }
        }
    }
}

/// Grants name defined entitlements, with values of the shape their kind needs.
fn check_grants(c: &mut Ctx, p: &Program, grants: &Grants, at: DocPath) {
    for (id, value) in grants {
        let gp = at.key(id.as_str());
        let Some(def) = p.entitlements.get(id.as_str()) else {
            let d = c.error(
                Code::UnknownEntitlement,
                gp,
                format!("unknown entitlement `{id}`"),
            );
            Ctx::hint_unknown(d, id.as_str(), p.entitlements.keys());
            continue;
        };
        if let Err(msg) = grant_shape(def.kind, value) {
            let d = c.error(
                Code::GrantType,
                gp,
                format!("entitlement `{id}` is a {:?}: {msg}", def.kind).to_lowercase(),
            );
            Ctx::hint(d, grant_example(def.kind));
        } else if let GrantValue::Amounts(m) = value {
            for cur in m.keys() {
                if !p.currencies.contains(cur) {
                    c.error(
                        Code::UnmeasuredCurrency,
                        gp.key(cur.as_str()),
                        format!("currency {cur} is not among the program's currencies"),
                    );
                }
            }
        }
    }
}

/// Whether a granted value has the shape its entitlement kind needs.
pub(crate) fn grant_shape(kind: EntitlementKind, v: &GrantValue) -> Result<(), String> {
    use EntitlementKind as K;
    use GrantValue as V;
    match (kind, v) {
        (K::Discount, V::Text(s)) => Percent::parse(s).map(|_| ()),
        (K::Budget | K::Fee, V::Amounts(m)) if !m.is_empty() => Ok(()),
        (K::Seats | K::Allowance, V::Count(_)) => Ok(()),
        (K::Flag, V::Flag(_)) => Ok(()),
        (K::Listing, V::Text(s)) if s == "listed" || s == "listed-with-logo" => Ok(()),
        (K::Listing, V::Text(s)) => Err(format!("{s:?} is not a listing level")),
        (K::RevenueShare, V::Share(s))
            if crate::model::program::share_total(s) == rust_decimal::Decimal::ONE_HUNDRED =>
        {
            Ok(())
        }
        (K::RevenueShare, V::Share(_)) => {
            Err("partner and vendor shares must add up to 100".into())
        }
        (K::PriceList, V::Prices(items)) if !items.is_empty() => Ok(()),
        (K::AccessModel, V::Choices(c)) if !c.is_empty() => Ok(()),
        (K::Text, V::Text(_)) => Ok(()),
        _ => Err("the granted value has the wrong shape".into()),
    }
}

/// How to write a value of `kind`, for the hint of a wrongly shaped grant.
fn grant_example(kind: EntitlementKind) -> &'static str {
    use EntitlementKind as K;
    match kind {
        K::Discount => "write a percentage string, e.g. \"25\"",
        K::Budget | K::Fee => "write amounts per currency, e.g. { EUR = \"1000.00\" }",
        K::Seats | K::Allowance => "write a whole number, e.g. 50",
        K::Flag => "write true or false",
        K::Listing => "write \"listed\" or \"listed-with-logo\"",
        K::RevenueShare => "write { partner = \"70\", vendor = \"30\", basis = \"…\" }",
        K::PriceList => "write [{ label = \"…\", units = 10, price = { EUR = \"99.00\" } }]",
        K::AccessModel => "write a list of ids, e.g. [\"restricted\", \"full\"]",
        K::Text => "write a string",
    }
}

/// Two files of one program may not take effect on the same day.
pub(super) fn check_program_versions(programs: &mut [Loaded<Program>]) {
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    for f in programs.iter_mut() {
        let Some(p) = &f.record else { continue };
        let key = (
            p.id.as_str().to_ascii_lowercase(),
            p.effective_from.to_string(),
        );
        if let Some(first) = seen.get(&key) {
            let path = DocPath::root().key("effective_from");
            let d = Diagnostic::error(
                Code::DuplicateId,
                &f.path,
                format!(
                    "program `{}` effective {} is also defined in {first}",
                    p.id, p.effective_from
                ),
            )
            .with_path(&path)
            .with_hint("give a scheduled version a later `effective_from`");
            let d = load::locate(d, f.text.as_deref().unwrap_or(""), &path, false);
            f.diagnostics.push(d);
        } else {
            seen.insert(key, f.path.clone());
        }
    }
}
