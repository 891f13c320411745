//! Semantic rules: what the schema cannot say. References across files, consistent program terms,
//! ordered dates and the cross-record rules of the programs (e.g. one full-access partner per
//! customer). Every problem is located via its document path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, DocPath};
use crate::load::{self, Loaded};
use crate::model::partner::{AccessLevel, Partner};
use crate::model::program::{EntitlementKind, GrantValue, Grants, Measure, Program, Requirement};
use crate::model::scalar::{Id, Percent};

/// Run every semantic rule over a loaded dataset, adding diagnostics to the files concerned.
pub fn validate(ds: &mut Dataset) {
    for f in &mut ds.programs {
        let diags = f
            .record
            .as_ref()
            .map(|p| check_program(f, p))
            .unwrap_or_default();
        f.diagnostics.extend(diags);
    }
    check_program_versions(&mut ds.programs);
    let programs: BTreeMap<String, Vec<Program>> = {
        let mut m: BTreeMap<String, Vec<Program>> = BTreeMap::new();
        for f in &ds.programs {
            if let Some(p) = &f.record {
                m.entry(p.id.to_string()).or_default().push(p.clone());
            }
        }
        m
    };
    {
        use rayon::prelude::*;
        ds.partners.par_iter_mut().for_each(|f| {
            let diags = f
                .record
                .as_ref()
                .map(|p| check_partner(f, p, &programs))
                .unwrap_or_default();
            f.diagnostics.extend(diags);
        });
    }
    check_partner_ids(&mut ds.partners);
    check_access_grants(&mut ds.partners, &programs);
}

/// Builds located diagnostics for one file.
struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new<T>(f: &'a Loaded<T>) -> Self {
        Ctx {
            path: &f.path,
            text: f.text.as_deref().unwrap_or(""),
            out: Vec::new(),
        }
    }
    fn error(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::error(code, self.path, message).with_path(&path);
        self.out.push(load::locate(d, self.text, &path, false));
        self.out.last_mut().expect("just pushed")
    }
    fn warning(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, self.path, message).with_path(&path);
        self.out.push(load::locate(d, self.text, &path, false));
        self.out.last_mut().expect("just pushed")
    }
    fn hint(d: &mut Diagnostic, hint: impl Into<String>) {
        d.hint = Some(hint.into());
    }
}

fn known<'k, K: std::borrow::Borrow<str> + 'k>(keys: impl IntoIterator<Item = &'k K>) -> String {
    let v: Vec<&str> = keys.into_iter().map(|k| k.borrow()).collect();
    if v.is_empty() {
        "none are defined".into()
    } else {
        format!("defined: {}", v.join(", "))
    }
}

fn check_program(f: &Loaded<Program>, p: &Program) -> Vec<Diagnostic> {
    let mut c = Ctx::new(f);
    let root = DocPath::root();
    let stem = f.stem();
    let versioned = format!("{}@{}", p.id, p.effective_from);
    if stem != p.id.as_str() && stem != versioned {
        let d = c.error(
            "id-mismatch",
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
            "no-currency",
            root.key("currencies"),
            "a program must measure at least one currency".into(),
        );
    }
    let tiers: BTreeSet<&str> = p.tiers.iter().map(|t| t.id.as_str()).collect();
    let tracks: BTreeSet<&str> = p.tracks.iter().map(|t| t.id.as_str()).collect();
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
                    "duplicate-id",
                    root.key(name).index(i).key("id"),
                    format!("`{id}` is defined twice in {name}"),
                );
            }
        }
    }

    // Measures.
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
                    "unknown-product-line",
                    mp.key("product_lines").index(i),
                    format!("unknown product line `{l}`"),
                );
                Ctx::hint(d, known(p.product_lines.keys()));
            }
        }
        if let Some((table, ids)) = kind_table {
            for (i, k) in kinds.iter().enumerate() {
                if !ids.contains(&k.as_str()) {
                    let d = c.error(
                        "unknown-reference",
                        mp.key("kinds").index(i),
                        format!("unknown {table} kind `{k}`"),
                    );
                    Ctx::hint(d, known(ids.iter()));
                }
            }
        }
    }

    // Requirements.
    for (id, r) in &p.requirements {
        let rp = root.key("requirements").key(id.as_str());
        match r {
            Requirement::Count { measure, .. } | Requirement::Amount { measure, .. } => {
                match p.measures.get(measure.as_str()) {
                    None => {
                        let d = c.error(
                            "unknown-measure",
                            rp.key("measure"),
                            format!("unknown measure `{measure}`"),
                        );
                        Ctx::hint(d, known(p.measures.keys()));
                    }
                    Some(m) if m.is_money() && matches!(r, Requirement::Count { .. }) => {
                        let d = c.error("measure-type", rp.key("measure"), format!("measure `{measure}` is money; a `count` requirement needs a counting measure"));
                        Ctx::hint(
                            d,
                            "use `type = \"amount\"` with `at_least = { EUR = \"…\" }`",
                        );
                    }
                    Some(m) if !m.is_money() && matches!(r, Requirement::Amount { .. }) => {
                        let d = c.error("measure-type", rp.key("measure"), format!("measure `{measure}` counts; an `amount` requirement needs a money measure"));
                        Ctx::hint(d, "use `type = \"count\"` with an integer `at_least`");
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        if let Requirement::Amount { at_least, .. } = r {
            if at_least.is_empty() {
                c.error(
                    "empty-threshold",
                    rp.key("at_least"),
                    "an amount requirement needs at least one currency".into(),
                );
            }
            for cur in at_least.keys() {
                if !p.currencies.contains(cur) {
                    let d = c.error(
                        "unmeasured-currency",
                        rp.key("at_least").key(cur.as_str()),
                        format!("currency {cur} is not among the program's currencies"),
                    );
                    Ctx::hint(
                        d,
                        format!(
                            "add it to `currencies` ({})",
                            p.currencies
                                .iter()
                                .map(|c| c.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        match r {
            Requirement::Obligation { obligation, .. }
                if !p.obligations.contains_key(obligation.as_str()) =>
            {
                let d = c.error(
                    "unknown-reference",
                    rp.key("obligation"),
                    format!("unknown obligation `{obligation}`"),
                );
                Ctx::hint(d, known(p.obligations.keys()));
            }
            Requirement::RegisteredCompany { accepts, .. } if accepts.is_empty() => {
                let d = c.warning(
                    "registration-kinds",
                    rp.clone(),
                    format!("requirement `{id}` accepts no registration kind; nobody meets it"),
                );
                Ctx::hint(
                    d,
                    "list the kinds that count, e.g. accepts = [\"commercial_register\", \"siret\"]",
                );
            }
            Requirement::Deadline { training, .. }
                if !p.trainings.contains_key(training.as_str()) =>
            {
                let d = c.error(
                    "unknown-reference",
                    rp.key("training"),
                    format!("unknown training kind `{training}`"),
                );
                Ctx::hint(d, known(p.trainings.keys()));
            }
            Requirement::HoldsTier { tier, .. } if !tiers.contains(tier.as_str()) => {
                let d = c.error(
                    "unknown-tier",
                    rp.key("tier"),
                    format!("unknown tier `{tier}`"),
                );
                Ctx::hint(d, known(tiers.iter()));
            }
            Requirement::Approval { status, .. } if !p.statuses.iter().any(|s| s.id == *status) => {
                let d = c.error(
                    "unknown-reference",
                    rp.key("status"),
                    format!("unknown status `{status}`"),
                );
                Ctx::hint(d, known(p.statuses.iter().map(|s| &s.id)));
            }
            Requirement::AllOf { of, .. } | Requirement::AnyOf { of, .. } => {
                if of.is_empty() {
                    c.error(
                        "empty-combination",
                        rp.key("of"),
                        "a combination needs at least one requirement".into(),
                    );
                }
                for (i, r) in of.iter().enumerate() {
                    if !p.requirements.contains_key(r.as_str()) {
                        let d = c.error(
                            "unknown-requirement",
                            rp.key("of").index(i),
                            format!("unknown requirement `{r}`"),
                        );
                        Ctx::hint(d, known(p.requirements.keys()));
                    }
                }
            }
            Requirement::Points {
                components,
                at_least,
                ..
            } => {
                let max: u32 = components.iter().map(|c| c.max).sum();
                if *at_least > max {
                    c.error(
                        "unreachable-threshold",
                        rp.key("at_least"),
                        format!("needs {at_least} points but the components give at most {max}"),
                    );
                }
                for (i, comp) in components.iter().enumerate() {
                    let cp = rp.key("components").index(i);
                    match p.measures.get(comp.measure.as_str()) {
                        None => {
                            let d = c.error(
                                "unknown-measure",
                                cp.key("measure"),
                                format!("unknown measure `{}`", comp.measure),
                            );
                            Ctx::hint(d, known(p.measures.keys()));
                        }
                        Some(m) if m.is_money() && comp.currency.is_none() => {
                            c.error(
                                "missing-key",
                                cp.clone(),
                                format!(
                                    "component `{}` measures money and needs a `currency`",
                                    comp.id
                                ),
                            );
                        }
                        _ => {}
                    }
                    if comp.full_at.0.is_zero() {
                        c.error(
                            "bad-value",
                            cp.key("full_at"),
                            "`full_at` must be greater than zero".into(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(cycle) = requirement_cycle(p) {
        let d = c.error(
            "requirement-cycle",
            root.key("requirements").key(cycle[0].as_str()),
            format!(
                "requirements refer to each other in a cycle: {}",
                cycle.join(" → ")
            ),
        );
        Ctx::hint(d, "a requirement cannot depend on itself");
    }

    // Holders: levels, types, statuses, membership.
    let check_requires = |c: &mut Ctx, list: &[Id], at: DocPath| {
        for (i, r) in list.iter().enumerate() {
            if !p.requirements.contains_key(r.as_str()) {
                let d = c.error(
                    "unknown-requirement",
                    at.index(i),
                    format!("unknown requirement `{r}`"),
                );
                Ctx::hint(d, known(p.requirements.keys()));
            }
        }
    };
    check_requires(
        &mut c,
        &p.membership.requires,
        root.key("membership").key("requires"),
    );
    check_grants(
        &mut c,
        p,
        &p.membership.grants,
        root.key("membership").key("grants"),
    );
    let mut level_keys: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (i, l) in p.levels.iter().enumerate() {
        let lp = root.key("levels").index(i);
        if !tiers.contains(l.tier.as_str()) {
            let d = c.error(
                "unknown-tier",
                lp.key("tier"),
                format!("unknown tier `{}`", l.tier),
            );
            Ctx::hint(d, known(tiers.iter()));
        }
        match &l.track {
            Some(t) if !tracks.contains(t.as_str()) => {
                let d = c.error(
                    "unknown-track",
                    lp.key("track"),
                    format!("unknown track `{t}`"),
                );
                Ctx::hint(d, known(tracks.iter()));
            }
            None if !tracks.is_empty() => {}
            _ => {}
        }
        let key = (l.track.as_ref().map(Id::as_str), l.tier.as_str());
        let overlaps = level_keys.get(&key).copied().or_else(|| {
            // A level for every track overlaps any track-specific level of the same tier.
            level_keys
                .iter()
                .find(|((tr, ti), _)| *ti == l.tier.as_str() && (tr.is_none() != key.0.is_none()))
                .map(|(_, i)| *i)
        });
        if let Some(prev) = overlaps {
            let d = c.error(
                "overlapping-levels",
                lp.key("tier"),
                format!(
                    "tier `{}` is defined again for the same track (first at levels[{prev}])",
                    l.tier
                ),
            );
            Ctx::hint(d, "each tier may have one level per track");
        } else {
            level_keys.insert(key, i);
        }
        check_requires(&mut c, &l.requires, lp.key("requires"));
        check_grants(&mut c, p, &l.grants, lp.key("grants"));
    }
    let track_ids: Vec<Option<&str>> = if p.tracks.is_empty() {
        vec![None]
    } else {
        p.tracks.iter().map(|t| Some(t.id.as_str())).collect()
    };
    for (i, t) in p.tiers.iter().enumerate() {
        for tr in &track_ids {
            let defined = p.levels.iter().any(|l| {
                l.tier == t.id && (l.track.is_none() || l.track.as_ref().map(Id::as_str) == *tr)
            });
            if !defined {
                let what = tr.map_or(String::new(), |tr| format!(" in track `{tr}`"));
                let d = c.error(
                    "unreachable-tier",
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
    for (i, t) in p.partner_types.iter().enumerate() {
        check_requires(
            &mut c,
            &t.requires,
            root.key("partner_types").index(i).key("requires"),
        );
        check_grants(
            &mut c,
            p,
            &t.grants,
            root.key("partner_types").index(i).key("grants"),
        );
    }
    for (i, s) in p.statuses.iter().enumerate() {
        let sp = root.key("statuses").index(i);
        check_requires(&mut c, &s.requires, sp.key("requires"));
        check_grants(&mut c, p, &s.grants, sp.key("grants"));
        if let Some(b) = &s.benefits_of {
            for (j, t) in b.tiers.iter().enumerate() {
                if !tiers.contains(t.as_str()) {
                    c.error(
                        "unknown-tier",
                        sp.key("benefits_of").key("tiers").index(j),
                        format!("unknown tier `{t}`"),
                    );
                }
            }
            check_requires(&mut c, &b.by, sp.key("benefits_of").key("by"));
        }
    }
    for (id, e) in &p.entitlements {
        for (i, l) in e.product_lines.iter().enumerate() {
            if !p.product_lines.contains_key(l.as_str()) {
                let d = c.error(
                    "unknown-product-line",
                    root.key("entitlements")
                        .key(id.as_str())
                        .key("product_lines")
                        .index(i),
                    format!("unknown product line `{l}`"),
                );
                Ctx::hint(d, known(p.product_lines.keys()));
            }
        }
    }
    c.out
}

fn requirement_cycle(p: &Program) -> Option<Vec<String>> {
    fn children(r: &Requirement) -> &[Id] {
        match r {
            Requirement::AllOf { of, .. } | Requirement::AnyOf { of, .. } => of,
            _ => &[],
        }
    }
    fn visit<'a>(
        p: &'a Program,
        id: &'a str,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = stack.iter().position(|s| *s == id) {
            let mut cyc: Vec<String> = stack[pos..].iter().map(|s| s.to_string()).collect();
            cyc.push(id.to_owned());
            return Some(cyc);
        }
        if !done.insert(id) {
            return None;
        }
        stack.push(id);
        if let Some(r) = p.requirements.get(id) {
            for ch in children(r) {
                if let Some(c) = visit(p, ch.as_str(), stack, done) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    p.requirements
        .keys()
        .find_map(|id| visit(p, id.as_str(), &mut Vec::new(), &mut done))
}

fn check_grants(c: &mut Ctx, p: &Program, grants: &Grants, at: DocPath) {
    for (id, value) in grants {
        let gp = at.key(id.as_str());
        let Some(def) = p.entitlements.get(id.as_str()) else {
            let d = c.error(
                "unknown-entitlement",
                gp,
                format!("unknown entitlement `{id}`"),
            );
            Ctx::hint(d, known(p.entitlements.keys()));
            continue;
        };
        if let Err(msg) = grant_shape(def.kind, value) {
            let d = c.error(
                "grant-type",
                gp,
                format!("entitlement `{id}` is a {:?}: {msg}", def.kind).to_lowercase(),
            );
            Ctx::hint(d, grant_example(def.kind));
        } else if let GrantValue::Amounts(m) = value {
            for cur in m.keys() {
                if !p.currencies.contains(cur) {
                    c.error(
                        "unmeasured-currency",
                        gp.key(cur.as_str()),
                        format!("currency {cur} is not among the program's currencies"),
                    );
                }
            }
        }
    }
}

/// Whether a granted value has the shape its entitlement kind needs.
pub fn grant_shape(kind: EntitlementKind, v: &GrantValue) -> Result<(), String> {
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

fn check_program_versions(programs: &mut [Loaded<Program>]) {
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
                "duplicate-id",
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

fn check_partner(
    f: &Loaded<Partner>,
    p: &Partner,
    programs: &BTreeMap<String, Vec<Program>>,
) -> Vec<Diagnostic> {
    let mut c = Ctx::new(f);
    let root = DocPath::root();
    if f.stem() != p.id.as_str() {
        let d = c.error(
            "id-mismatch",
            root.key("id"),
            format!(
                "partner id `{}` does not match the file name `{}.toml`",
                p.id,
                f.stem()
            ),
        );
        Ctx::hint(
            d,
            format!(
                "rename the file to `{}.toml` or set `id = \"{}\"`",
                p.id,
                f.stem()
            ),
        );
    }
    // The latest version of each program defines what may be referenced.
    let latest = |id: &Id| {
        programs
            .get(id.as_str())
            .and_then(|v| v.iter().max_by_key(|p| p.effective_from))
    };
    let unknown_program = |c: &mut Ctx, path: DocPath, id: &Id| {
        let d = c.error("unknown-program", path, format!("unknown program `{id}`"));
        Ctx::hint(d, known(programs.keys()));
    };
    let mut member_of = BTreeSet::new();
    for (i, m) in p.memberships.iter().enumerate() {
        let mp = root.key("memberships").index(i);
        if !member_of.insert(m.program.as_str()) {
            c.error(
                "duplicate-membership",
                mp.key("program"),
                format!("membership in `{}` is listed twice", m.program),
            );
        }
        if let (Some(s), Some(e)) = (m.contract_start, m.contract_end) {
            if s > e {
                let d = c.error(
                    "date-order",
                    mp.key("contract_end"),
                    format!("contract ends ({e}) before it starts ({s})"),
                );
                Ctx::hint(d, "contract_start must be on or before contract_end");
            }
        }
        if m.contract_end.is_some() && m.contract_start.is_none() {
            c.error(
                "missing-key",
                mp.clone(),
                "a contract with an end needs a `contract_start`".into(),
            );
        }
        let Some(prog) = latest(&m.program) else {
            unknown_program(&mut c, mp.key("program"), &m.program);
            continue;
        };
        match (&m.track, prog.tracks.is_empty()) {
            (None, false) => {
                let d = c.error(
                    "missing-key",
                    mp.clone(),
                    format!(
                        "program `{}` has tracks; the membership needs a `track`",
                        prog.id
                    ),
                );
                Ctx::hint(d, known(prog.tracks.iter().map(|t| &t.id)));
            }
            (Some(_), true) => {
                c.error(
                    "unknown-track",
                    mp.key("track"),
                    format!("program `{}` has no tracks", prog.id),
                );
            }
            (Some(t), false) if !prog.tracks.iter().any(|x| x.id == *t) => {
                let d = c.error(
                    "unknown-track",
                    mp.key("track"),
                    format!("program `{}` has no track `{t}`", prog.id),
                );
                Ctx::hint(d, known(prog.tracks.iter().map(|t| &t.id)));
            }
            _ => {}
        }
        for (j, t) in m.types.iter().enumerate() {
            if !prog.partner_types.iter().any(|x| x.id == *t) {
                let d = c.error(
                    "unknown-partner-type",
                    mp.key("types").index(j),
                    format!("program `{}` has no partner type `{t}`", prog.id),
                );
                Ctx::hint(d, known(prog.partner_types.iter().map(|t| &t.id)));
            }
        }
        for k in m.obligations.keys() {
            if !prog.obligations.contains_key(k.as_str()) {
                let d = c.error(
                    "unknown-reference",
                    mp.key("obligations").key(k.as_str()),
                    format!("program `{}` has no obligation `{k}`", prog.id),
                );
                Ctx::hint(d, known(prog.obligations.keys()));
            }
        }
    }

    // Facts: each names a program, and the program's product lines, kinds and currencies.
    let fact = |c: &mut Ctx, path: DocPath, program: &Id| -> Option<&Program> {
        let prog = latest(program);
        if prog.is_none() {
            unknown_program(c, path.key("program"), program);
        } else if !member_of.contains(program.as_str()) {
            let d = c.warning(
                "not-a-member",
                path.key("program"),
                format!("fact for program `{program}`, but the partner has no membership in it"),
            );
            Ctx::hint(d, "add a [[memberships]] entry or remove the fact");
        }
        prog
    };
    let product_line = |c: &mut Ctx, prog: &Program, path: DocPath, line: &Id| {
        if !prog.product_lines.contains_key(line.as_str()) {
            let d = c.error(
                "unknown-product-line",
                path,
                format!("program `{}` has no product line `{line}`", prog.id),
            );
            Ctx::hint(d, known(prog.product_lines.keys()));
        }
    };
    let currency =
        |c: &mut Ctx, prog: &Program, path: DocPath, cur: &crate::model::scalar::Currency| {
            if !prog.currencies.contains(cur) {
                let d = c.warning(
                    "unmeasured-currency",
                    path,
                    format!(
                        "program `{}` does not measure {cur}; this amount is never counted",
                        prog.id
                    ),
                );
                Ctx::hint(
                    d,
                    format!(
                        "the program measures {}; amounts are never converted",
                        prog.currencies
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        };
    for (name, entries) in [
        ("revenue", &p.revenue),
        ("managed_volume", &p.managed_volume),
    ] {
        for (i, e) in entries.iter().enumerate() {
            let ep = root.key(name).index(i);
            if e.date.is_some() == e.period.is_some() {
                let d = c.error(
                    "date-or-period",
                    ep.clone(),
                    "give exactly one of `date` or `period`".into(),
                );
                Ctx::hint(d, "date = 2025-03-14 for a booking, period = \"2025\" / \"2025-Q1\" / \"2025-03\" for a total");
            }
            if let Some(prog) = fact(&mut c, ep.clone(), &e.program) {
                product_line(&mut c, prog, ep.key("product_line"), &e.product_line);
                currency(&mut c, prog, ep.key("currency"), &e.currency);
            }
        }
    }
    for (i, e) in p.recurring_revenue.iter().enumerate() {
        let ep = root.key("recurring_revenue").index(i);
        if let Some(prog) = fact(&mut c, ep.clone(), &e.program) {
            product_line(&mut c, prog, ep.key("product_line"), &e.product_line);
            currency(&mut c, prog, ep.key("currency"), &e.currency);
        }
    }
    for (i, e) in p.projects.iter().enumerate() {
        fact(&mut c, root.key("projects").index(i), &e.program);
    }
    for (i, t) in p.trainings.iter().enumerate() {
        let tp = root.key("trainings").index(i);
        if let Some(prog) = fact(&mut c, tp.clone(), &t.program) {
            if !prog.trainings.contains_key(t.kind.as_str()) {
                let d = c.error(
                    "unknown-reference",
                    tp.key("kind"),
                    format!("program `{}` has no training kind `{}`", prog.id, t.kind),
                );
                Ctx::hint(d, known(prog.trainings.keys()));
            }
        }
    }
    for (i, t) in p.certifications.iter().enumerate() {
        let tp = root.key("certifications").index(i);
        if let Some(prog) = fact(&mut c, tp.clone(), &t.program) {
            if !prog.certifications.contains_key(t.kind.as_str()) {
                let d = c.error(
                    "unknown-reference",
                    tp.key("kind"),
                    format!(
                        "program `{}` has no certification kind `{}`",
                        prog.id, t.kind
                    ),
                );
                Ctx::hint(d, known(prog.certifications.keys()));
            }
        }
    }
    for (i, g) in p.access_grants.iter().enumerate() {
        let gp = root.key("access_grants").index(i);
        let Some(prog) = fact(&mut c, gp.clone(), &g.program) else {
            continue;
        };
        let Some(rules) = &prog.access else {
            c.error(
                "unknown-reference",
                gp.key("program"),
                format!("program `{}` has no customer access model", prog.id),
            );
            continue;
        };
        if !rules.levels.contains(&g.access) {
            c.error(
                "bad-enum",
                gp.key("access"),
                format!("program `{}` does not offer {:?} access", prog.id, g.access)
                    .to_lowercase(),
            );
        }
        match (g.access, g.payment) {
            (AccessLevel::Restricted, Some(_)) => {
                let d = c.error(
                    "payment-needs-full-access",
                    gp.key("payment"),
                    "a means of payment applies only to full access".into(),
                );
                Ctx::hint(
                    d,
                    "with restricted access the partner cannot order or renew; remove `payment`",
                );
            }
            (AccessLevel::Full, Some(pm)) if !rules.payment_means.contains(&pm) => {
                c.error(
                    "bad-enum",
                    gp.key("payment"),
                    format!("program `{}` does not offer payment by {pm:?}", prog.id)
                        .to_lowercase(),
                );
            }
            (AccessLevel::Restricted, None) if g.products.is_empty() => {
                let d = c.error(
                    "missing-key",
                    gp.clone(),
                    "restricted access must name the `products` the partner manages".into(),
                );
                Ctx::hint(d, known(prog.product_lines.keys()));
            }
            _ => {}
        }
        for (j, l) in g.products.iter().enumerate() {
            product_line(&mut c, prog, gp.key("products").index(j), l);
        }
    }
    for (i, a) in p.approvals.iter().enumerate() {
        let ap = root.key("approvals").index(i);
        let what = [
            a.status.is_some(),
            a.tier.is_some(),
            a.requirement.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if what != 1 {
            let d = c.error(
                "approval-target",
                ap.clone(),
                "an approval names exactly one of `status`, `tier` or `requirement`".into(),
            );
            Ctx::hint(d, "split it into several [[approvals]] entries");
        }
        if let Some(e) = a.expires {
            if e <= a.date {
                c.error(
                    "date-order",
                    ap.key("expires"),
                    format!(
                        "approval expires ({e}) on or before it was given ({})",
                        a.date
                    ),
                );
            }
        }
        let Some(prog) = fact(&mut c, ap.clone(), &a.program) else {
            continue;
        };
        if let Some(s) = &a.status {
            if !prog.statuses.iter().any(|x| x.id == *s) {
                let d = c.error(
                    "unknown-reference",
                    ap.key("status"),
                    format!("program `{}` has no status `{s}`", prog.id),
                );
                Ctx::hint(d, known(prog.statuses.iter().map(|s| &s.id)));
            }
        }
        if let Some(t) = &a.tier {
            if prog.tier_rank(t.as_str()).is_none() {
                let d = c.error(
                    "unknown-tier",
                    ap.key("tier"),
                    format!("program `{}` has no tier `{t}`", prog.id),
                );
                Ctx::hint(d, known(prog.tiers.iter().map(|t| &t.id)));
            }
        }
        if let Some(r) = &a.requirement {
            if !prog.requirements.contains_key(r.as_str()) {
                let d = c.error(
                    "unknown-requirement",
                    ap.key("requirement"),
                    format!("program `{}` has no requirement `{r}`", prog.id),
                );
                Ctx::hint(d, known(prog.requirements.keys()));
            }
        }
    }
    c.out
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
            let others: Vec<String> = members
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| partners[j].path.clone())
                .collect();
            let f = &mut partners[i];
            let id = f
                .record
                .as_ref()
                .map(|p| p.id.to_string())
                .unwrap_or_default();
            let path = DocPath::root().key("id");
            let d = Diagnostic::error(
                "duplicate-id",
                &f.path,
                format!("partner id `{id}` is also used by {}", others.join(", ")),
            )
            .with_path(&path)
            .with_hint("ids are compared case-insensitively; choose another id");
            let d = load::locate(d, f.text.as_deref().unwrap_or(""), &path, false);
            f.diagnostics.push(d);
        }
    }
}

/// The codes of the rules that judge a partner file by other partner files (its id, its
/// customers' access grants): such a finding can appear or go while the file stays the same.
pub const CROSS_FILE_CODES: [&str; 3] = [
    "duplicate-id",
    "full-access-conflict",
    "restricted-access-overlap",
];

/// The cross-record rules of customer access: at most one partner with full access per customer;
/// restricted partners of one customer manage different products.
fn check_access_grants(
    partners: &mut [Loaded<Partner>],
    programs: &BTreeMap<String, Vec<Program>>,
) {
    struct Grant<'a> {
        file: usize,
        index: usize,
        partner: &'a str,
        access: AccessLevel,
        products: &'a [Id],
    }
    let mut by_customer: BTreeMap<(&str, &str), Vec<Grant<'_>>> = BTreeMap::new();
    for (fi, f) in partners.iter().enumerate() {
        let Some(p) = &f.record else { continue };
        for (gi, g) in p.access_grants.iter().enumerate() {
            by_customer
                .entry((g.program.as_str(), g.customer.as_str()))
                .or_default()
                .push(Grant {
                    file: fi,
                    index: gi,
                    partner: p.id.as_str(),
                    access: g.access,
                    products: &g.products,
                });
        }
    }
    let mut found: Vec<(usize, DocPath, &'static str, String, String)> = Vec::new();
    for ((program, customer), grants) in &by_customer {
        let Some(rules) = programs
            .get(*program)
            .and_then(|v| v.iter().max_by_key(|p| p.effective_from))
            .and_then(|p| p.access.as_ref())
        else {
            continue;
        };
        if rules.full_access_exclusive {
            let full: Vec<&Grant> = grants
                .iter()
                .filter(|g| g.access == AccessLevel::Full)
                .collect();
            // The rule limits partners, not grants: one partner may hold several full-access
            // grants of one customer (say, before and after the means of payment changed).
            let names: BTreeSet<&str> = full.iter().map(|g| g.partner).collect();
            if names.len() > 1 {
                let names: Vec<&str> = names.into_iter().collect();
                for g in &full {
                    found.push((
                        g.file,
                        DocPath::root().key("access_grants").index(g.index).key("access"),
                        "full-access-conflict",
                        format!("customer `{customer}` grants full access to {} partners ({}); only one is allowed", names.len(), names.join(", ")),
                        "a customer can give full access to one partner only; make the others restricted".into(),
                    ));
                }
            }
        }
        if rules.restricted_distinct_products {
            let restricted: Vec<&Grant> = grants
                .iter()
                .filter(|g| g.access == AccessLevel::Restricted)
                .collect();
            for (i, a) in restricted.iter().enumerate() {
                for b in restricted
                    .iter()
                    .skip(i + 1)
                    .filter(|b| b.partner != a.partner)
                {
                    for prod in a.products.iter().filter(|x| b.products.contains(x)) {
                        for (g, other) in [(a, b), (b, a)] {
                            let j = g.products.iter().position(|x| x == prod).unwrap_or(0);
                            found.push((
                                g.file,
                                DocPath::root().key("access_grants").index(g.index).key("products").index(j),
                                "restricted-access-overlap",
                                format!("customer `{customer}` also gives `{}` restricted access to product `{prod}`", other.partner),
                                "several restricted partners of one customer must manage different products".into(),
                            ));
                        }
                    }
                }
            }
        }
    }
    for (file, path, code, message, hint) in found {
        let f = &mut partners[file];
        let d = Diagnostic::error(code, &f.path, message)
            .with_path(&path)
            .with_hint(hint);
        let d = load::locate(d, f.text.as_deref().unwrap_or(""), &path, false);
        f.diagnostics.push(d);
    }
}
