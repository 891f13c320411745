//! Semantic rules: what the schema cannot say. References across files, consistent program terms,
//! ordered dates and the cross-record rules of the programs (e.g. one full-access partner per
//! customer). Every problem is located via its document path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::dataset::Dataset;
use crate::diagnostic::{Diagnostic, DocPath};
use crate::evaluate::{MAX_REQUIREMENT_CHECKS, MAX_REQUIREMENT_DEPTH};
use crate::load::{self, Loaded};
use crate::model::partner::{AccessLevel, Partner};
use crate::model::program::{EntitlementKind, GrantValue, Grants, Measure, Program, Requirement};
use crate::model::scalar::{Date, Id, Percent};

/// Run every semantic rule over a loaded dataset, adding diagnostics to the files concerned; the
/// cross-record rules as of today (see [`validate_as_of`]).
pub fn validate(ds: &mut Dataset) {
    validate_as_of(ds, Date::today());
}

/// Run every semantic rule; a program's cross-record rules are those of its version in force on
/// `as_of` and of every version scheduled after it. A partner manager checks the data as it
/// stands against the terms that apply now and those already announced, so a grant that a
/// scheduled version forbids is flagged before that day; a rule only an earlier version had is
/// history.
pub fn validate_as_of(ds: &mut Dataset, as_of: Date) {
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
    check_access_grants(&mut ds.partners, &programs, as_of);
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
    fn error(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::error(code, self.path, message).with_path(&path);
        self.push(d, &path)
    }
    fn warning(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, self.path, message).with_path(&path);
        self.push(d, &path)
    }
    fn hint(d: &mut Diagnostic, hint: impl Into<String>) {
        d.hint = Some(did_you_mean(&d.message, hint.into()));
    }
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
            c.error("invalid-verify", path, message);
        }
    }
}

/// A hint listing the defined ids (`defined: a, b`) led by "did you mean `a`?" when the id the
/// message quotes (its first `…`) is a plausible typo of one of them. The quoted id is read back
/// from the message so that every unknown-id check gets the suggestion without passing it twice.
fn did_you_mean(message: &str, hint: String) -> String {
    let Some(list) = hint.strip_prefix("defined: ") else {
        return hint;
    };
    let given = message.split('`').nth(1).unwrap_or_default();
    match crate::suggest::closest(given, list.split(", ")) {
        Some(c) if !given.is_empty() => format!("did you mean `{c}`? {hint}"),
        _ => hint,
    }
}

/// `ended` and `reason` go together, and a membership cannot end before its contract starts.
fn membership_end(c: &mut Ctx, mp: &DocPath, m: &crate::model::partner::Membership) {
    if m.reason.is_some() && m.ended.is_none() {
        let d = c.error(
            "membership-end",
            mp.key("reason"),
            "a reason without `ended`".into(),
        );
        Ctx::hint(
            d,
            "add `ended = <the first day without membership>` or remove the reason",
        );
    }
    if let (Some(s), Some(e)) = (m.contract_start, m.ended) {
        if e < s {
            let d = c.error(
                "date-order",
                mp.key("ended"),
                "the membership ends before its contract starts".into(),
            );
            Ctx::hint(d, "contract_start must be on or before ended");
        }
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
                let max: u64 = components.iter().map(|c| u64::from(c.max)).sum();
                if u64::from(*at_least) > max {
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
    check_requirement_shape(&mut c, p);
    check_obligation_verify(&mut c, p);

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
    // The first track-specific level of each tier (a level for every track overlaps it).
    let mut first_specific: HashMap<&str, usize> = HashMap::new();
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
        let overlaps = level_keys.get(&key).copied().or_else(|| match key.0 {
            // A level for every track overlaps any track-specific level of the same tier.
            None => first_specific.get(l.tier.as_str()).copied(),
            Some(_) => level_keys.get(&(None, l.tier.as_str())).copied(),
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
            if key.0.is_some() {
                first_specific.entry(l.tier.as_str()).or_insert(i);
            }
        }
        check_requires(&mut c, &l.requires, lp.key("requires"));
        check_grants(&mut c, p, &l.grants, lp.key("grants"));
    }
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

/// What the walk over the requirement graph found: a cycle, or else each requirement's nesting
/// depth and the highest-ranked tier it (transitively) requires holding.
enum Shape<'p> {
    Cycle(Vec<String>),
    Acyclic(HashMap<&'p str, Reach>),
}

/// One requirement's reach: how many levels of combinations it nests (a leaf is 1), how many
/// results its evaluation builds (shared parts count each time they are used, as the trace
/// repeats them), and the rank of the highest tier a `holds_tier` below it names.
#[derive(Clone, Copy, Default)]
struct Reach {
    depth: usize,
    size: u64,
    held: Option<usize>,
}

impl Reach {
    fn add_child(&mut self, child: &Reach) {
        self.depth = self.depth.max(child.depth + 1);
        self.size = self.size.saturating_add(child.size);
        self.held = self.held.max(child.held);
    }
}

/// Walk the requirement graph depth-first with an explicit stack (data decides the depth, so the
/// call stack must not), in the order the recursive walk used: requirement ids sorted, children in
/// order. Linear in requirements and references.
fn requirement_shape(p: &Program) -> Shape<'_> {
    fn children(r: Option<&Requirement>) -> &[Id] {
        match r {
            Some(Requirement::AllOf { of, .. } | Requirement::AnyOf { of, .. }) => of,
            _ => &[],
        }
    }
    let ranks: HashMap<&str, usize> = p
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .rev()
        .collect();
    let own = |id: &str| match p.requirements.get(id) {
        Some(Requirement::HoldsTier { tier, .. }) => Reach {
            depth: 1,
            size: 1,
            held: ranks.get(tier.as_str()).copied(),
        },
        _ => Reach {
            depth: 1,
            size: 1,
            held: None,
        },
    };
    let mut done: HashMap<&str, Reach> = HashMap::new();
    let mut on_stack: HashMap<&str, usize> = HashMap::new();
    for root in p.requirements.keys() {
        let root = root.as_str();
        if done.contains_key(root) {
            continue;
        }
        // (requirement, index of the next child to visit, reach so far)
        let mut stack: Vec<(&str, usize, Reach)> = vec![(root, 0, own(root))];
        on_stack.insert(root, 0);
        while let Some((id, next, reach)) = stack.last_mut() {
            let kids = children(p.requirements.get(*id));
            let Some(child) = kids.get(*next).map(Id::as_str) else {
                let (id, reach) = (*id, *reach);
                stack.pop();
                on_stack.remove(id);
                done.insert(id, reach);
                if let Some((_, _, parent)) = stack.last_mut() {
                    parent.add_child(&reach);
                }
                continue;
            };
            *next += 1;
            if let Some(pos) = on_stack.get(child) {
                let mut cyc: Vec<String> = stack[*pos..].iter().map(|s| s.0.to_owned()).collect();
                cyc.push(child.to_owned());
                return Shape::Cycle(cyc);
            }
            if let Some(r) = done.get(child) {
                reach.add_child(r);
            } else if p.requirements.contains_key(child) {
                on_stack.insert(child, stack.len());
                stack.push((child, 0, own(child)));
            }
        }
    }
    Shape::Acyclic(done)
}

/// Requirements nested deeper than [`MAX_REQUIREMENT_DEPTH`], and tiers that require holding a
/// tier that is not lower (so that evaluating tiers lowest first always finds the prerequisite
/// decided). A cycle is reported instead when there is one.
fn check_requirement_shape(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    let reach = match requirement_shape(p) {
        Shape::Cycle(cycle) => {
            let d = c.error(
                "requirement-cycle",
                root.key("requirements").key(cycle[0].as_str()),
                format!(
                    "requirements refer to each other in a cycle: {}",
                    cycle.join(" → ")
                ),
            );
            Ctx::hint(d, "a requirement cannot depend on itself");
            return;
        }
        Shape::Acyclic(reach) => reach,
    };
    // The deepest first (ties: the first id), one error for the whole structure.
    let deepest = p
        .requirements
        .keys()
        .filter_map(|id| reach.get(id.as_str()).map(|r| (id, r.depth)))
        .fold(None, |best: Option<(&Id, usize)>, (id, d)| match best {
            Some((_, bd)) if bd >= d => best,
            _ => Some((id, d)),
        });
    let too_deep = deepest.filter(|(_, d)| *d > MAX_REQUIREMENT_DEPTH);
    if let Some((id, depth)) = too_deep {
        let d = c.error(
            "requirement-too-deep",
            root.key("requirements").key(id.as_str()),
            format!(
                "requirement `{id}` nests requirements {depth} levels deep; at most {MAX_REQUIREMENT_DEPTH} levels are allowed"
            ),
        );
        Ctx::hint(d, "flatten the all_of/any_of chain");
    }
    let largest = p
        .requirements
        .keys()
        .filter_map(|id| reach.get(id.as_str()).map(|r| (id, r.size)))
        .fold(None, |best: Option<(&Id, u64)>, (id, n)| match best {
            Some((_, bn)) if bn >= n => best,
            _ => Some((id, n)),
        });
    // A chain too deep is also large; one error says it.
    if let Some((id, n)) =
        largest.filter(|(_, n)| too_deep.is_none() && *n > MAX_REQUIREMENT_CHECKS)
    {
        let d = c.error(
            "requirement-too-large",
            root.key("requirements").key(id.as_str()),
            format!(
                "requirement `{id}` expands to {n} checks (combinations repeat what they share); at most {MAX_REQUIREMENT_CHECKS} are allowed"
            ),
        );
        Ctx::hint(
            d,
            "combine fewer requirements, or share them at fewer levels",
        );
    }
    let held = |list: &[Id]| {
        list.iter()
            .filter_map(|r| reach.get(r.as_str()).and_then(|x| x.held))
            .max()
    };
    for (i, l) in p.levels.iter().enumerate() {
        let (Some(own), Some(h)) = (p.tier_rank(l.tier.as_str()), held(&l.requires)) else {
            continue;
        };
        if h >= own {
            let d = c.error(
                "tier-order",
                root.key("levels").index(i).key("requires"),
                format!(
                    "tier `{}` requires holding tier `{}`, which is not lower",
                    l.tier, p.tiers[h].id
                ),
            );
            Ctx::hint(
                d,
                "a tier can require holding only a tier listed before it in `tiers`",
            );
        }
    }
    if let Some(h) = held(&p.membership.requires) {
        let d = c.error(
            "tier-order",
            root.key("membership").key("requires"),
            format!(
                "membership requires holding tier `{}`, but holding a tier includes the membership requirements",
                p.tiers[h].id
            ),
        );
        Ctx::hint(
            d,
            "require the tier in the levels, partner types or statuses instead",
        );
    }
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
        membership_end(&mut c, &mp, m);
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

    // A membership in an unknown program is already an error; its facts most likely name the
    // program the membership meant, so "not a member" would only repeat that error.
    let membership_unknown = p.memberships.iter().any(|m| latest(&m.program).is_none());
    // Facts: each names a program, and the program's product lines, kinds and currencies.
    let fact = |c: &mut Ctx, path: DocPath, program: &Id| -> Option<&Program> {
        let prog = latest(program);
        if prog.is_none() {
            unknown_program(c, path.key("program"), program);
        } else if !member_of.contains(program.as_str()) && !membership_unknown {
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
    for (i, g) in p.goals.iter().enumerate() {
        let gp = root.key("goals").index(i);
        let Some(prog) = fact(&mut c, gp.clone(), &g.program) else {
            continue;
        };
        let Some(every) = prog.review.goals_every_months.filter(|m| *m > 0) else {
            let d = c.warning(
                "no-goal-reviews",
                gp.key("program"),
                format!("program `{}` does not review goals", prog.id),
            );
            Ctx::hint(d, "the program's [review] sets goals_every_months");
            continue;
        };
        for (j, r) in g.reviews.iter().enumerate() {
            if !crate::evaluate::goals::is_review_date(g, every, r.date) {
                let d = c.error(
                    "goal-review-date",
                    gp.key("reviews").index(j).key("date"),
                    format!("not a review date of this goal (every {every} months from the day it was set)"),
                );
                Ctx::hint(d, "record a review under the date it was due on");
            }
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
                "duplicate-id",
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

/// The codes of the rules that judge a partner file by other partner files (its id, its
/// customers' access grants): such a finding can appear or go while the file stays the same.
pub const CROSS_FILE_CODES: [&str; 3] = [
    "duplicate-id",
    "full-access-conflict",
    "restricted-access-overlap",
];

/// One partner's access grant for a customer, for the cross-record rules.
struct Grant<'a> {
    file: usize,
    index: usize,
    partner: &'a str,
    access: AccessLevel,
    products: &'a [Id],
}

/// A located finding of a cross-record rule: file index, path, code, message, hint.
type Finding = (usize, DocPath, &'static str, String, String);

/// Partners named in full in a message; the rest are counted, so that a thousand partners
/// sharing an id or a customer make a thousand messages of bounded length, not a million names.
const NAMED_PARTNERS: usize = 5;

/// The `total` items of which `items` yields at least the first [`NAMED_PARTNERS`] + 1: "a, b,
/// c" — or "a, b, c, d, e and 7 more" when there are more than that.
fn named_list<'s>(items: impl Iterator<Item = &'s str>, total: usize) -> String {
    if total <= NAMED_PARTNERS + 1 {
        return items.take(total).collect::<Vec<_>>().join(", ");
    }
    let named: Vec<&str> = items.take(NAMED_PARTNERS).collect();
    format!("{} and {} more", named.join(", "), total - NAMED_PARTNERS)
}

/// Restricted grants of one customer that share a product with another partner's: one finding
/// per grant, product and other partner, for up to [`NAMED_PARTNERS`] + 1 other partners, else
/// the first [`NAMED_PARTNERS`] and one counting the rest. Grouped by product, so the work is
/// linear in the grants rather than in their pairs.
fn restricted_overlaps(customer: &str, grants: &[Grant<'_>]) -> Vec<Finding> {
    let mut by_product: BTreeMap<&Id, Vec<&Grant>> = BTreeMap::new();
    for g in grants
        .iter()
        .filter(|g| g.access == AccessLevel::Restricted)
    {
        for prod in g.products {
            let holders = by_product.entry(prod).or_default();
            // A product listed twice in one grant counts once.
            if !holders.last().is_some_and(|h| std::ptr::eq(*h, g)) {
                holders.push(g);
            }
        }
    }
    let mut found = Vec::new();
    let hint = "several restricted partners of one customer must manage different products";
    for (prod, holders) in by_product {
        // Distinct partners in grant order; every holder's partner is among them.
        let mut seen = BTreeSet::new();
        let partners: Vec<&str> = holders
            .iter()
            .map(|h| h.partner)
            .filter(|p| seen.insert(*p))
            .collect();
        let total = partners.len() - 1;
        if total == 0 {
            continue;
        }
        let counted = total > NAMED_PARTNERS + 1;
        let shown = if counted { NAMED_PARTNERS } else { total };
        for g in &holders {
            let j = g.products.iter().position(|x| x == prod).unwrap_or(0);
            let at = DocPath::root()
                .key("access_grants")
                .index(g.index)
                .key("products")
                .index(j);
            let others = partners.iter().filter(|p| **p != g.partner).take(shown);
            for other in others {
                found.push((
                    g.file,
                    at.clone(),
                    "restricted-access-overlap",
                    format!("customer `{customer}` also gives `{other}` restricted access to product `{prod}`"),
                    hint.into(),
                ));
            }
            if counted {
                found.push((
                    g.file,
                    at,
                    "restricted-access-overlap",
                    format!("customer `{customer}` also gives {} more partners restricted access to product `{prod}`", total - NAMED_PARTNERS),
                    hint.into(),
                ));
            }
        }
    }
    found
}

/// The cross-record rules of customer access: at most one partner with full access per customer;
/// restricted partners of one customer manage different products.
fn check_access_grants(
    partners: &mut [Loaded<Partner>],
    programs: &BTreeMap<String, Vec<Program>>,
    as_of: Date,
) {
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
    let mut found: Vec<Finding> = Vec::new();
    for ((program, customer), grants) in &by_customer {
        let versions = programs.get(*program).map_or(&[][..], Vec::as_slice);
        let mut seen = BTreeSet::new();
        for (terms, scheduled) in versions_from(versions, as_of) {
            let Some(rules) = &terms.access else { continue };
            let mut here = access_findings(customer, grants, rules);
            // A finding the terms in force already make is not repeated for a later version.
            here.retain(|f| seen.insert((f.0, f.1.to_string(), f.2, f.3.clone())));
            if scheduled {
                for f in &mut here {
                    f.3 = format!("{} under the terms effective {}", f.3, terms.effective_from);
                }
            }
            found.extend(here);
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

/// The versions of a program whose rules apply to data as it stands on `as_of`: the one in force
/// then (if any) and every later one, each marked whether it is only scheduled.
fn versions_from(versions: &[Program], as_of: Date) -> Vec<(&Program, bool)> {
    let in_force = versions
        .iter()
        .filter(|p| p.effective_from <= as_of)
        .max_by_key(|p| p.effective_from);
    let mut out: Vec<(&Program, bool)> = in_force.into_iter().map(|p| (p, false)).collect();
    let mut later: Vec<&Program> = versions
        .iter()
        .filter(|p| p.effective_from > as_of)
        .collect();
    later.sort_by_key(|p| p.effective_from);
    out.extend(later.into_iter().map(|p| (p, true)));
    out
}

/// The findings of one customer's grants under one version's access rules.
fn access_findings(
    customer: &str,
    grants: &[Grant<'_>],
    rules: &crate::model::program::AccessRules,
) -> Vec<Finding> {
    let mut found = Vec::new();
    if rules.full_access_exclusive {
        let full: Vec<&Grant> = grants
            .iter()
            .filter(|g| g.access == AccessLevel::Full)
            .collect();
        // The rule limits partners, not grants: one partner may hold several full-access
        // grants of one customer (say, before and after the means of payment changed).
        let partners: BTreeSet<&str> = full.iter().map(|g| g.partner).collect();
        if partners.len() > 1 {
            let names = named_list(partners.iter().copied(), partners.len());
            for g in &full {
                found.push((
                    g.file,
                    DocPath::root().key("access_grants").index(g.index).key("access"),
                    "full-access-conflict",
                    format!("customer `{customer}` grants full access to {} partners ({names}); only one is allowed", partners.len()),
                    "a customer can give full access to one partner only; make the others restricted".into(),
                ));
            }
        }
    }
    if rules.restricted_distinct_products {
        found.extend(restricted_overlaps(customer, grants));
    }
    found
}
