//! A partner record against the programs it names: its id, memberships and facts.

use std::collections::{BTreeMap, BTreeSet};

use super::{known, Ctx};
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::load::Loaded;
use crate::model::partner::{AccessLevel, Partner};
use crate::model::program::Program;
use crate::model::scalar::Id;

/// What a partner's records are checked against: the programs, and the partner's memberships.
struct Refs<'a> {
    programs: &'a BTreeMap<String, Vec<Program>>,
    member_of: BTreeSet<&'a str>,
    /// A membership in an unknown program is already an error; its facts most likely name the
    /// program the membership meant, so "not a member" would only repeat that error.
    membership_unknown: bool,
}

impl<'a> Refs<'a> {
    /// The latest version of program `id`: it defines what may be referenced.
    fn latest(&self, id: &Id) -> Option<&'a Program> {
        self.programs
            .get(id.as_str())
            .and_then(|v| v.iter().max_by_key(|p| p.effective_from))
    }
    fn unknown_program(&self, c: &mut Ctx, path: DocPath, id: &Id) {
        let d = c.error(
            Code::UnknownProgram,
            path,
            format!("unknown program `{id}`"),
        );
        Ctx::hint_unknown(d, id.as_str(), self.programs.keys());
    }
    /// The program a fact names, if defined; a warning when the partner is not a member.
    fn fact(&self, c: &mut Ctx, path: DocPath, program: &Id) -> Option<&'a Program> {
        let prog = self.latest(program);
        if prog.is_none() {
            self.unknown_program(c, path.key("program"), program);
        } else if !self.member_of.contains(program.as_str()) && !self.membership_unknown {
            let d = c.warning(
                Code::NotAMember,
                path.key("program"),
                format!("fact for program `{program}`, but the partner has no membership in it"),
            );
            Ctx::hint(d, "add a [[memberships]] entry or remove the fact");
        }
        prog
    }
}

/// Every rule on one partner file, step by step.
pub(super) fn check_partner(
    f: &Loaded<Partner>,
    p: &Partner,
    programs: &BTreeMap<String, Vec<Program>>,
) -> Vec<Diagnostic> {
    let mut c = Ctx::new(f);
    check_id(&mut c, f.stem(), p);
    let mut r = Refs {
        programs,
        member_of: BTreeSet::new(),
        membership_unknown: false,
    };
    check_memberships(&mut c, &mut r, p);
    r.membership_unknown = p.memberships.iter().any(|m| r.latest(&m.program).is_none());
    check_amounts(&mut c, &r, p);
    check_kinds(&mut c, &r, p);
    check_access_grants(&mut c, &r, p);
    check_goals(&mut c, &r, p);
    check_approvals(&mut c, &r, p);
    c.out
}

/// The id matches the file name.
fn check_id(c: &mut Ctx, stem: &str, p: &Partner) {
    let root = DocPath::root();
    if stem != p.id.as_str() {
        let d = c.error(
            Code::IdMismatch,
            root.key("id"),
            format!(
                "partner id `{}` does not match the file name `{}.toml`",
                p.id, stem
            ),
        );
        Ctx::hint(
            d,
            format!(
                "rename the file to `{}.toml` or set `id = \"{}\"`",
                p.id, stem
            ),
        );
    }
}

/// Each membership once, with ordered dates, in a defined program's tracks and types.
fn check_memberships<'a>(c: &mut Ctx, r: &mut Refs<'a>, p: &'a Partner) {
    let root = DocPath::root();
    for (i, m) in p.memberships.iter().enumerate() {
        let mp = root.key("memberships").index(i);
        if !r.member_of.insert(m.program.as_str()) {
            c.error(
                Code::DuplicateMembership,
                mp.key("program"),
                format!("membership in `{}` is listed twice", m.program),
            );
        }
        if let (Some(s), Some(e)) = (m.contract_start, m.contract_end) {
            if s > e {
                let d = c.error(
                    Code::DateOrder,
                    mp.key("contract_end"),
                    format!("contract ends ({e}) before it starts ({s})"),
                );
                Ctx::hint(d, "contract_start must be on or before contract_end");
            }
        }
        if m.contract_end.is_some() && m.contract_start.is_none() {
            c.error(
                Code::MissingKey,
                mp.clone(),
                "a contract with an end needs a `contract_start`".into(),
            );
        }
        let Some(prog) = r.latest(&m.program) else {
            r.unknown_program(c, mp.key("program"), &m.program);
            continue;
        };
        check_membership_terms(c, prog, &mp, m);
    }
}

/// A membership's track, types, end and obligations are the program's own.
fn check_membership_terms(
    c: &mut Ctx,
    prog: &Program,
    mp: &DocPath,
    m: &crate::model::partner::Membership,
) {
    match (&m.track, prog.tracks.is_empty()) {
        (None, false) => {
            let d = c.error(
                Code::MissingKey,
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
                Code::UnknownTrack,
                mp.key("track"),
                format!("program `{}` has no tracks", prog.id),
            );
        }
        (Some(t), false) if !prog.tracks.iter().any(|x| x.id == *t) => {
            let d = c.error(
                Code::UnknownTrack,
                mp.key("track"),
                format!("program `{}` has no track `{t}`", prog.id),
            );
            Ctx::hint_unknown(d, t.as_str(), prog.tracks.iter().map(|t| &t.id));
        }
        _ => {}
    }
    for (j, t) in m.types.iter().enumerate() {
        if !prog.partner_types.iter().any(|x| x.id == *t) {
            let d = c.error(
                Code::UnknownPartnerType,
                mp.key("types").index(j),
                format!("program `{}` has no partner type `{t}`", prog.id),
            );
            Ctx::hint_unknown(d, t.as_str(), prog.partner_types.iter().map(|t| &t.id));
        }
    }
    membership_end(c, mp, m);
    for k in m.obligations.keys() {
        if !prog.obligations.contains_key(k.as_str()) {
            let d = c.error(
                Code::UnknownReference,
                mp.key("obligations").key(k.as_str()),
                format!("program `{}` has no obligation `{k}`", prog.id),
            );
            Ctx::hint_unknown(d, k.as_str(), prog.obligations.keys());
        }
    }
}

/// `ended` and `reason` go together, and a membership cannot end before its contract starts.
fn membership_end(c: &mut Ctx, mp: &DocPath, m: &crate::model::partner::Membership) {
    if m.reason.is_some() && m.ended.is_none() {
        let d = c.error(
            Code::MembershipEnd,
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
                Code::DateOrder,
                mp.key("ended"),
                "the membership ends before its contract starts".into(),
            );
            Ctx::hint(d, "contract_start must be on or before ended");
        }
    }
}

/// A fact's product line is one of its program's.
fn product_line(c: &mut Ctx, prog: &Program, path: DocPath, line: &Id) {
    if !prog.product_lines.contains_key(line.as_str()) {
        let d = c.error(
            Code::UnknownProductLine,
            path,
            format!("program `{}` has no product line `{line}`", prog.id),
        );
        Ctx::hint_unknown(d, line.as_str(), prog.product_lines.keys());
    }
}

/// A fact's currency is one its program measures (a warning: it is just never counted).
fn currency(c: &mut Ctx, prog: &Program, path: DocPath, cur: &crate::model::scalar::Currency) {
    if !prog.currencies.contains(cur) {
        let d = c.warning(
            Code::UnmeasuredCurrency,
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
}

/// Revenue and volume: a date or a period, in a program's product lines and currencies.
fn check_amounts(c: &mut Ctx, r: &Refs<'_>, p: &Partner) {
    let root = DocPath::root();
    for (name, entries) in [
        ("revenue", &p.revenue),
        ("managed_volume", &p.managed_volume),
    ] {
        for (i, e) in entries.iter().enumerate() {
            let ep = root.key(name).index(i);
            if e.date.is_some() == e.period.is_some() {
                let d = c.error(
                    Code::DateOrPeriod,
                    ep.clone(),
                    "give exactly one of `date` or `period`".into(),
                );
                Ctx::hint(d, "date = 2025-03-14 for a booking, period = \"2025\" / \"2025-Q1\" / \"2025-03\" for a total");
            }
            if let Some(prog) = r.fact(c, ep.clone(), &e.program) {
                product_line(c, prog, ep.key("product_line"), &e.product_line);
                currency(c, prog, ep.key("currency"), &e.currency);
            }
        }
    }
    for (i, e) in p.recurring_revenue.iter().enumerate() {
        let ep = root.key("recurring_revenue").index(i);
        if let Some(prog) = r.fact(c, ep.clone(), &e.program) {
            product_line(c, prog, ep.key("product_line"), &e.product_line);
            currency(c, prog, ep.key("currency"), &e.currency);
        }
    }
    for (i, e) in p.projects.iter().enumerate() {
        r.fact(c, root.key("projects").index(i), &e.program);
    }
}

/// Trainings and certifications of kinds their program defines.
fn check_kinds(c: &mut Ctx, r: &Refs<'_>, p: &Partner) {
    let root = DocPath::root();
    for (i, t) in p.trainings.iter().enumerate() {
        let tp = root.key("trainings").index(i);
        if let Some(prog) = r.fact(c, tp.clone(), &t.program) {
            if !prog.trainings.contains_key(t.kind.as_str()) {
                let d = c.error(
                    Code::UnknownReference,
                    tp.key("kind"),
                    format!("program `{}` has no training kind `{}`", prog.id, t.kind),
                );
                Ctx::hint_unknown(d, t.kind.as_str(), prog.trainings.keys());
            }
        }
    }
    for (i, t) in p.certifications.iter().enumerate() {
        let tp = root.key("certifications").index(i);
        if let Some(prog) = r.fact(c, tp.clone(), &t.program) {
            if !prog.certifications.contains_key(t.kind.as_str()) {
                let d = c.error(
                    Code::UnknownReference,
                    tp.key("kind"),
                    format!(
                        "program `{}` has no certification kind `{}`",
                        prog.id, t.kind
                    ),
                );
                Ctx::hint_unknown(d, t.kind.as_str(), prog.certifications.keys());
            }
        }
    }
}

/// Customer access grants fit their program's access model.
fn check_access_grants(c: &mut Ctx, r: &Refs<'_>, p: &Partner) {
    let root = DocPath::root();
    for (i, g) in p.access_grants.iter().enumerate() {
        let gp = root.key("access_grants").index(i);
        let Some(prog) = r.fact(c, gp.clone(), &g.program) else {
            continue;
        };
        let Some(rules) = &prog.access else {
            c.error(
                Code::UnknownReference,
                gp.key("program"),
                format!("program `{}` has no customer access model", prog.id),
            );
            continue;
        };
        if !rules.levels.contains(&g.access) {
            c.error(
                Code::BadEnum,
                gp.key("access"),
                format!("program `{}` does not offer {:?} access", prog.id, g.access)
                    .to_lowercase(),
            );
        }
        match (g.access, g.payment) {
            (AccessLevel::Restricted, Some(_)) => {
                let d = c.error(
                    Code::PaymentNeedsFullAccess,
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
                    Code::BadEnum,
                    gp.key("payment"),
                    format!("program `{}` does not offer payment by {pm:?}", prog.id)
                        .to_lowercase(),
                );
            }
            (AccessLevel::Restricted, None) if g.products.is_empty() => {
                let d = c.error(
                    Code::MissingKey,
                    gp.clone(),
                    "restricted access must name the `products` the partner manages".into(),
                );
                Ctx::hint(d, known(prog.product_lines.keys()));
            }
            _ => {}
        }
        for (j, l) in g.products.iter().enumerate() {
            product_line(c, prog, gp.key("products").index(j), l);
        }
    }
}

/// Goal reviews only where the program reviews goals, on the dates it reviews them.
fn check_goals(c: &mut Ctx, r: &Refs<'_>, p: &Partner) {
    let root = DocPath::root();
    for (i, g) in p.goals.iter().enumerate() {
        let gp = root.key("goals").index(i);
        let Some(prog) = r.fact(c, gp.clone(), &g.program) else {
            continue;
        };
        let Some(every) = prog.review.goals_every_months.filter(|m| *m > 0) else {
            let d = c.warning(
                Code::NoGoalReviews,
                gp.key("program"),
                format!("program `{}` does not review goals", prog.id),
            );
            Ctx::hint(d, "the program's [review] sets goals_every_months");
            continue;
        };
        for (j, r) in g.reviews.iter().enumerate() {
            if !crate::evaluate::goals::is_review_date(g, every, r.date) {
                let d = c.error(
                    Code::GoalReviewDate,
                    gp.key("reviews").index(j).key("date"),
                    format!("not a review date of this goal (every {every} months from the day it was set)"),
                );
                Ctx::hint(d, "record a review under the date it was due on");
            }
        }
    }
}

/// An approval names one target the program defines, and expires after it is given.
fn check_approvals(c: &mut Ctx, r: &Refs<'_>, p: &Partner) {
    let root = DocPath::root();
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
                Code::ApprovalTarget,
                ap.clone(),
                "an approval names exactly one of `status`, `tier` or `requirement`".into(),
            );
            Ctx::hint(d, "split it into several [[approvals]] entries");
        }
        if let Some(e) = a.expires {
            if e <= a.date {
                c.error(
                    Code::DateOrder,
                    ap.key("expires"),
                    format!(
                        "approval expires ({e}) on or before it was given ({})",
                        a.date
                    ),
                );
            }
        }
        let Some(prog) = r.fact(c, ap.clone(), &a.program) else {
            continue;
        };
        if let Some(s) = &a.status {
            if !prog.statuses.iter().any(|x| x.id == *s) {
                let d = c.error(
                    Code::UnknownReference,
                    ap.key("status"),
                    format!("program `{}` has no status `{s}`", prog.id),
                );
                Ctx::hint_unknown(d, s.as_str(), prog.statuses.iter().map(|s| &s.id));
            }
        }
        if let Some(t) = &a.tier {
            if prog.tier_rank(t.as_str()).is_none() {
                let d = c.error(
                    Code::UnknownTier,
                    ap.key("tier"),
                    format!("program `{}` has no tier `{t}`", prog.id),
                );
                Ctx::hint_unknown(d, t.as_str(), prog.tiers.iter().map(|t| &t.id));
            }
        }
        if let Some(r) = &a.requirement {
            if !prog.requirements.contains_key(r.as_str()) {
                let d = c.error(
                    Code::UnknownRequirement,
                    ap.key("requirement"),
                    format!("program `{}` has no requirement `{r}`", prog.id),
                );
                Ctx::hint_unknown(d, r.as_str(), prog.requirements.keys());
            }
        }
    }
}
