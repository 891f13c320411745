//! Requirements: each one names what the program defines, and the graph they form has no cycle,
//! bounded depth and size, and tiers that only require lower tiers.

use std::collections::{BTreeSet, HashMap};

use super::Ctx;
use crate::diagnostic::{Code, DocPath};
use crate::evaluate::{MAX_REQUIREMENT_CHECKS, MAX_REQUIREMENT_DEPTH};
use crate::model::program::{Program, Requirement};
use crate::model::scalar::Id;

/// Every requirement of `p`, step by step.
pub(super) fn check_requirements(c: &mut Ctx, p: &Program) {
    let tiers: BTreeSet<&str> = p.tiers.iter().map(|t| t.id.as_str()).collect();
    for (id, r) in &p.requirements {
        let rp = &DocPath::root().key("requirements").key(id.as_str());
        check_measure_kind(c, p, r, rp);
        check_amount_threshold(c, p, r, rp);
        check_references(c, p, &tiers, (id, r), rp);
        check_combination(c, p, r, rp);
        check_points(c, p, r, rp);
    }
}

/// A count or amount requirement names a defined measure of its kind (money or count).
fn check_measure_kind(c: &mut Ctx, p: &Program, r: &Requirement, rp: &DocPath) {
    match r {
        Requirement::Count { measure, .. } | Requirement::Amount { measure, .. } => {
            match p.measures.get(measure.as_str()) {
                None => {
                    let d = c.error(
                        Code::UnknownMeasure,
                        rp.key("measure"),
                        format!("unknown measure `{measure}`"),
                    );
                    Ctx::hint_unknown(d, measure.as_str(), p.measures.keys());
                }
                Some(m) if m.is_money() && matches!(r, Requirement::Count { .. }) => {
                    let d = c.error(Code::MeasureType, rp.key("measure"), format!("measure `{measure}` is money; a `count` requirement needs a counting measure"));
                    Ctx::hint(
                        d,
                        "use `type = \"amount\"` with `at_least = { EUR = \"…\" }`",
                    );
                }
                Some(m) if !m.is_money() && matches!(r, Requirement::Amount { .. }) => {
                    let d = c.error(Code::MeasureType, rp.key("measure"), format!("measure `{measure}` counts; an `amount` requirement needs a money measure"));
                    Ctx::hint(d, "use `type = \"count\"` with an integer `at_least`");
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// An amount requirement has thresholds, in the program's currencies.
fn check_amount_threshold(c: &mut Ctx, p: &Program, r: &Requirement, rp: &DocPath) {
    if let Requirement::Amount { at_least, .. } = r {
        if at_least.is_empty() {
            c.error(
                Code::EmptyThreshold,
                rp.key("at_least"),
                "an amount requirement needs at least one currency".into(),
            );
        }
        for cur in at_least.keys() {
            if !p.currencies.contains(cur) {
                let d = c.error(
                    Code::UnmeasuredCurrency,
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
}

/// Obligations, trainings, tiers and statuses a requirement names are defined; a registration
/// requirement accepts some kind.
fn check_references(
    c: &mut Ctx,
    p: &Program,
    tiers: &BTreeSet<&str>,
    (id, r): (&Id, &Requirement),
    rp: &DocPath,
) {
    match r {
        Requirement::Obligation { obligation, .. }
            if !p.obligations.contains_key(obligation.as_str()) =>
        {
            let d = c.error(
                Code::UnknownReference,
                rp.key("obligation"),
                format!("unknown obligation `{obligation}`"),
            );
            Ctx::hint_unknown(d, obligation.as_str(), p.obligations.keys());
        }
        Requirement::RegisteredCompany { accepts, .. } if accepts.is_empty() => {
            let d = c.warning(
                Code::RegistrationKinds,
                rp.clone(),
                format!("requirement `{id}` accepts no registration kind; nobody meets it"),
            );
            Ctx::hint(
                d,
                "list the kinds that count, e.g. accepts = [\"commercial_register\", \"siret\"]",
            );
        }
        Requirement::Deadline { training, .. } if !p.trainings.contains_key(training.as_str()) => {
            let d = c.error(
                Code::UnknownReference,
                rp.key("training"),
                format!("unknown training kind `{training}`"),
            );
            Ctx::hint_unknown(d, training.as_str(), p.trainings.keys());
        }
        Requirement::HoldsTier { tier, .. } if !tiers.contains(tier.as_str()) => {
            let d = c.error(
                Code::UnknownTier,
                rp.key("tier"),
                format!("unknown tier `{tier}`"),
            );
            Ctx::hint_unknown(d, tier.as_str(), tiers.iter());
        }
        Requirement::Approval { status, .. } if !p.statuses.iter().any(|s| s.id == *status) => {
            let d = c.error(
                Code::UnknownReference,
                rp.key("status"),
                format!("unknown status `{status}`"),
            );
            Ctx::hint_unknown(d, status.as_str(), p.statuses.iter().map(|s| &s.id));
        }
        _ => {}
    }
}

/// A combination names at least one requirement, each defined.
fn check_combination(c: &mut Ctx, p: &Program, r: &Requirement, rp: &DocPath) {
    if let Requirement::AllOf { of, .. } | Requirement::AnyOf { of, .. } = r {
        if of.is_empty() {
            c.error(
                Code::EmptyCombination,
                rp.key("of"),
                "a combination needs at least one requirement".into(),
            );
        }
        for (i, r) in of.iter().enumerate() {
            if !p.requirements.contains_key(r.as_str()) {
                let d = c.error(
                    Code::UnknownRequirement,
                    rp.key("of").index(i),
                    format!("unknown requirement `{r}`"),
                );
                Ctx::hint_unknown(d, r.as_str(), p.requirements.keys());
            }
        }
    }
}

/// A points requirement can reach its threshold, with components on defined measures.
fn check_points(c: &mut Ctx, p: &Program, r: &Requirement, rp: &DocPath) {
    if let Requirement::Points {
        components,
        at_least,
        ..
    } = r
    {
        let max: u64 = components.iter().map(|c| u64::from(c.max)).sum();
        if u64::from(*at_least) > max {
            c.error(
                Code::UnreachableThreshold,
                rp.key("at_least"),
                format!("needs {at_least} points but the components give at most {max}"),
            );
        }
        for (i, comp) in components.iter().enumerate() {
            let cp = rp.key("components").index(i);
            match p.measures.get(comp.measure.as_str()) {
                None => {
                    let d = c.error(
                        Code::UnknownMeasure,
                        cp.key("measure"),
                        format!("unknown measure `{}`", comp.measure),
                    );
                    Ctx::hint_unknown(d, comp.measure.as_str(), p.measures.keys());
                }
                Some(m) if m.is_money() && comp.currency.is_none() => {
                    c.error(
                        Code::MissingKey,
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
                    Code::BadValue,
                    cp.key("full_at"),
                    "`full_at` must be greater than zero".into(),
                );
            }
        }
    }
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
pub(super) fn check_requirement_shape(c: &mut Ctx, p: &Program) {
    let root = DocPath::root();
    let reach = match requirement_shape(p) {
        Shape::Cycle(cycle) => {
            let d = c.error(
                Code::RequirementCycle,
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
            Code::RequirementTooDeep,
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
            Code::RequirementTooLarge,
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
                Code::TierOrder,
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
            Code::TierOrder,
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
