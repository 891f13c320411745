//! What an evaluation returns: structured data only. The sentences a reader sees (shortfalls,
//! labels, workings, gap sentences) are written by `render::explain`, which also gives these
//! types their `Display` and JSON form.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::goals;
use super::time::{ReviewPeriod, Span};
use crate::model::partner::RegistrationKind;
use crate::model::program::{EntitlementKind, GrantValue};
use crate::model::scalar::{Currency, Date, Money};

/// A measured or required value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Quantity {
    /// A count.
    Count(u64),
    /// No upper limit (an open-ended contract).
    Unlimited,
    /// Money per currency (serialized with exactly two decimals).
    Money(#[serde(serialize_with = "two_decimals")] BTreeMap<Currency, Decimal>),
    /// Alternative amounts, one per currency, any one of which suffices (a threshold such as
    /// "CHF 2000 oder € 1800"; serialized with exactly two decimals).
    MoneyAnyOf(#[serde(serialize_with = "two_decimals")] BTreeMap<Currency, Decimal>),
    /// A yes/no fact.
    Flag(bool),
    /// A points score (serialized with exactly two decimals).
    Points(#[serde(serialize_with = "two_decimals_one")] Decimal),
    /// Nothing to measure (combinations).
    None,
}

fn two_decimals<S: serde::Serializer>(
    m: &BTreeMap<Currency, Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    for (c, v) in m {
        map.serialize_entry(c, &format!("{:.2}", v.round_dp(2)))?;
    }
    map.end()
}

fn two_decimals_one<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{:.2}", v.round_dp(2)))
}

impl Quantity {
    /// Human rendering (see `render::explain`): `3`, `1,999.99 EUR`, `yes`.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

/// What a measure counts: its name in the terms and the window it was taken over (none for
/// all-time measures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The measure's name.
    pub name: String,
    /// The window, unless the measure counts all time.
    pub span: Option<Span>,
}

/// What a requirement result describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Description {
    /// A requirement: its name in the terms, or its id when it has none.
    Named(String),
    /// One component of a points requirement.
    Component {
        /// What the component measures.
        of: Label,
        /// Its maximum points.
        max: u32,
        /// The value that earns them.
        full_at: Money,
    },
}

/// What is missing for an unmet requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortfall {
    /// The id names no requirement.
    Unknown(String),
    /// Combinations nested beyond the evaluation guard.
    TooDeep,
    /// `missing` more of a counted measure.
    Count {
        /// How many more.
        missing: u64,
        /// Of what.
        of: Label,
    },
    /// More money in any one of the currencies (alternatives, in currency order).
    Amount {
        /// How much more, per currency.
        missing: Vec<(Currency, Decimal)>,
        /// Of what.
        of: Label,
    },
    /// An obligation not fulfilled: the requirement's name.
    Obligation(String),
    /// No signed partner contract.
    ContractUnsigned,
    /// The contract ended on this day.
    ContractEnded(Date),
    /// No registration of an accepted kind.
    Registration(Vec<RegistrationKind>),
    /// A deadline without a contract start to count from.
    NoContractStart,
    /// A training deadline missed: the requirement's name and the due date.
    TrainingOverdue {
        /// The requirement's name.
        name: String,
        /// The last day it was due.
        due: Date,
    },
    /// A prerequisite tier not held (its name).
    TierFirst(String),
    /// No active approval as the status (its name).
    Approval(String),
    /// Alternatives of an `any_of`, each with the shortfalls of its unmet leaves.
    Either(Vec<Vec<Shortfall>>),
    /// A points component at or below the floor every component must exceed.
    PointsEach {
        /// The floor.
        more_than: u32,
        /// The component id.
        component: String,
    },
    /// Points missing from the total.
    Points(Decimal),
}

/// How a booking only partly inside a window was counted, for the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    /// The partner file's list (`revenue`, `managed_volume`).
    pub list: &'static str,
    /// The entry's index in it.
    pub index: usize,
    /// Its amount.
    pub amount: Money,
    /// Its currency.
    pub currency: Currency,
    /// First day booked.
    pub from: Date,
    /// Last day booked.
    pub to: Date,
    /// How much of it counted.
    pub counted: Counted,
}

/// How much of a partly covered booking counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// All of it (`partial = "include"`).
    InFull,
    /// The share of its days inside the window.
    ProRata {
        /// Days inside the window.
        inside: i64,
        /// Days booked.
        days: i64,
        /// The amount counted.
        share: Decimal,
    },
}

/// The result of one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementResult {
    /// Requirement id.
    pub id: String,
    /// What it asks for.
    pub description: Description,
    /// Whether it is met (or waived).
    pub met: bool,
    /// Measured value.
    pub actual: Quantity,
    /// Required value.
    pub required: Quantity,
    /// What is missing, when not met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Shortfall>,
    /// Approver, when an approval waived the requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<String>,
    /// Results of the parts of a combination.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RequirementResult>,
    /// How the measured value was arrived at where that is not a plain sum: the pro-rata share of
    /// a booking period only partly inside the window, say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workings: Vec<Working>,
}

impl RequirementResult {
    /// The shortfalls of the unmet leaves below this result.
    pub fn shortfalls(&self) -> Vec<Shortfall> {
        if self.met {
            return Vec::new();
        }
        if let Some(s) = &self.shortfall {
            return vec![s.clone()];
        }
        self.children
            .iter()
            .flat_map(RequirementResult::shortfalls)
            .collect()
    }
}

/// Whether a tier, type or status is held, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qualification {
    /// Id of the tier, type or status.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Whether all its requirements (and the membership requirements) are met.
    pub qualified: bool,
    /// Its own requirements.
    pub requirements: Vec<RequirementResult>,
}

/// How the tier was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum TierBasis {
    /// The partner meets the tier's requirements.
    Requirements,
    /// A manual override in the partner file.
    Override {
        /// Who approved it.
        approved_by: String,
        /// When it stops counting.
        #[serde(skip_serializing_if = "Option::is_none")]
        expires: Option<Date>,
    },
    /// Kept during the program's grace period after no longer qualifying.
    Grace {
        /// Last day of the grace period.
        until: Date,
    },
}

/// The distance to the next tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The next tier.
    pub tier: String,
    /// Its name.
    pub name: String,
    /// What is missing, one item per unmet requirement.
    pub missing: Vec<Shortfall>,
}

/// An entitlement the partner holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entitlement {
    /// Entitlement id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Kind; decides the shape of `value`.
    pub kind: EntitlementKind,
    /// The granted value, as written in the program terms.
    pub value: GrantValue,
    /// Human rendering of the value: "25%", "50 users", "1,000.00 EUR per year".
    pub display: String,
    /// What grants it: "membership", "tier business", "type hosting-partner", "status …".
    pub source: String,
}

/// A warning about a partner's standing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// Stable code.
    pub code: &'static str,
    /// Message.
    pub message: String,
}

/// The evaluation of one partner in one program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Partner id.
    pub partner: String,
    /// Partner display name.
    pub partner_name: String,
    /// Program id.
    pub program: String,
    /// Program name.
    pub program_name: String,
    /// Effective date of the terms used.
    pub terms_effective_from: Date,
    /// The as-of date.
    pub as_of: Date,
    /// The review in force on the as-of date.
    pub review: ReviewPeriod,
    /// The date every requirement was judged on (the program's `review.judge_on`); approvals
    /// are judged on the as-of date.
    pub judged_on: Date,
    /// Track, for programs with tracks.
    pub track: Option<String>,
    /// Qualifying tier id, or none.
    pub tier: Option<String>,
    /// How the tier was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_basis: Option<TierBasis>,
    /// Partner types held.
    pub types: Vec<String>,
    /// Statuses held.
    pub statuses: Vec<String>,
    /// Requirements every member must meet.
    pub membership_requirements: Vec<RequirementResult>,
    /// Every tier of the partner's track with its requirement trace, lowest first.
    pub tiers: Vec<Qualification>,
    /// Declared partner types with their traces.
    pub partner_types: Vec<Qualification>,
    /// Statuses with their traces.
    pub status_results: Vec<Qualification>,
    /// What the partner lacks for the next tier up.
    pub next_tier: Option<Gap>,
    /// What the partner lacks for each declared partner type it does not hold.
    pub type_gaps: Vec<Gap>,
    /// Entitlements held, sorted by id (shared: partners holding the same tiers, types and
    /// statuses hold the very same list).
    pub entitlements: Arc<Vec<Entitlement>>,
    /// Fees due, sorted by id (shared like `entitlements`).
    pub fees: Arc<Vec<Entitlement>>,
    /// Warnings, sorted.
    pub warnings: Vec<Warning>,
    /// Set when the membership ended on or before the as-of date: then nothing is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
    /// The partner's goals in this program with their reviews, for programs that review goals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<goals::GoalResult>,
}

impl Evaluation {
    /// Human name of the tier, if any.
    pub fn tier_name(&self) -> Option<&str> {
        let t = self.tier.as_deref()?;
        self.tiers
            .iter()
            .find(|q| q.id == t)
            .map(|q| q.name.as_str())
    }
}

/// When and why a membership ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ended {
    /// The first day the partner holds nothing in the program.
    pub on: Date,
    /// Why (confidential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
