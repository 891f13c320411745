//! Measures (named ways of computing a number from a partner's facts) and the requirements
//! that tiers, partner types and statuses refer to by id.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::model::partner::{AccessLevel, RegistrationKind};
use crate::model::scalar::{Currency, Id, Money};

/// Which facts a sum adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyFacts {
    /// `revenue` entries.
    Revenue,
    /// `managed_volume` entries.
    ManagedVolume,
}

/// How a sum counts an entry booked for a period (`period = "2025"`) that lies only partly inside
/// the measure's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Partial {
    /// Not counted at all (with a `partial-period` warning).
    #[default]
    Exclude,
    /// Counted in full.
    Include,
    /// Counted in proportion to its days inside the window: amount × days inside / days of the
    /// period, rounded to the cent (half away from zero) per entry.
    ProRata,
}

/// How monthly recurring revenue over a window becomes one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// The last month of the window.
    #[default]
    LastMonth,
    /// The average over the months of the window.
    Average,
    /// The lowest month of the window.
    Minimum,
}

/// A named way of computing a number from a partner's facts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// Sum of money entries per currency.
    Sum {
        /// Label, e.g. "revenue (new licences, maintenance, services)".
        name: String,
        /// Which facts.
        facts: MoneyFacts,
        /// Product lines counted; empty counts all.
        #[serde(default)]
        product_lines: Vec<Id>,
        /// Time window.
        window: Window,
        /// How an entry booked for a period that lies only partly inside the window counts.
        #[serde(default)]
        partial: Partial,
    },
    /// Monthly recurring revenue per currency.
    Recurring {
        /// Label.
        name: String,
        /// Product lines counted; empty counts all.
        #[serde(default)]
        product_lines: Vec<Id>,
        /// Time window.
        window: Window,
        /// How the months of the window become one figure.
        #[serde(default)]
        aggregate: Aggregate,
    },
    /// Number of realized projects.
    Projects {
        /// Label.
        name: String,
        /// Time window.
        window: Window,
    },
    /// Number of trainings attended.
    Trainings {
        /// Label.
        name: String,
        /// Training kinds counted.
        kinds: Vec<Id>,
        /// Time window.
        window: Window,
        /// Count people, not attendances.
        #[serde(default)]
        distinct_people: bool,
    },
    /// Number of people holding a valid certification on the review date.
    CertifiedPeople {
        /// Label.
        name: String,
        /// Certification kinds counted.
        kinds: Vec<Id>,
    },
    /// Length of the contract in whole months (open-ended contracts count as unlimited).
    ContractMonths {
        /// Label.
        name: String,
    },
    /// Number of distinct customers who granted access.
    Customers {
        /// Label.
        name: String,
        /// Only grants of this level.
        access: Option<AccessLevel>,
    },
}

impl Measure {
    /// The measure's label.
    pub fn name(&self) -> &str {
        match self {
            Measure::Sum { name, .. }
            | Measure::Recurring { name, .. }
            | Measure::Projects { name, .. }
            | Measure::Trainings { name, .. }
            | Measure::CertifiedPeople { name, .. }
            | Measure::ContractMonths { name }
            | Measure::Customers { name, .. } => name,
        }
    }
    /// Whether the measure yields money (per currency) rather than a count.
    pub fn is_money(&self) -> bool {
        matches!(self, Measure::Sum { .. } | Measure::Recurring { .. })
    }
    /// The measure's window, if it has one.
    pub fn window(&self) -> Option<Window> {
        match self {
            Measure::Sum { window, .. }
            | Measure::Recurring { window, .. }
            | Measure::Projects { window, .. }
            | Measure::Trainings { window, .. } => Some(*window),
            _ => None,
        }
    }
}

/// A time window, relative to the review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    /// The period the program's review looks at (see [`Cadence`]).
    Review,
    /// The calendar year of the review date, up to that date.
    CalendarYear,
    /// The calendar year before the review date's.
    PreviousCalendarYear,
    /// The quarter of the review date, up to that date.
    Quarter,
    /// The quarter before the review date's.
    PreviousQuarter,
    /// The last N months up to the review date.
    TrailingMonths(u32),
    /// Everything up to the review date.
    AllTime,
}

impl FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "review" => Window::Review,
            "calendar-year" => Window::CalendarYear,
            "previous-calendar-year" => Window::PreviousCalendarYear,
            "quarter" => Window::Quarter,
            "previous-quarter" => Window::PreviousQuarter,
            "all-time" => Window::AllTime,
            _ => {
                let n = s
                    .strip_prefix("trailing-")
                    .and_then(|r| r.strip_suffix("-months"))
                    .and_then(|n| n.parse::<u32>().ok())
                    .filter(|n| (1..=120).contains(n))
                    .ok_or_else(|| format!("{s:?} is not a window"))?;
                Window::TrailingMonths(n)
            }
        })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Review => f.write_str("review"),
            Window::CalendarYear => f.write_str("calendar-year"),
            Window::PreviousCalendarYear => f.write_str("previous-calendar-year"),
            Window::Quarter => f.write_str("quarter"),
            Window::PreviousQuarter => f.write_str("previous-quarter"),
            Window::TrailingMonths(n) => write!(f, "trailing-{n}-months"),
            Window::AllTime => f.write_str("all-time"),
        }
    }
}

impl Serialize for Window {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for Window {
    fn schema_name() -> Cow<'static, str> {
        "Window".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(review|calendar-year|previous-calendar-year|quarter|previous-quarter|all-time|trailing-[1-9][0-9]{0,2}-months)$",
            "description": "Time window relative to the review date: review, calendar-year, previous-calendar-year, quarter, previous-quarter, trailing-N-months or all-time."
        })
    }
}

/// A points component: partial credit for a measure, up to `max` points.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsComponent {
    /// Component id.
    pub id: Id,
    /// Measure the points are computed from.
    pub measure: Id,
    /// Maximum points of this component.
    pub max: u32,
    /// Measured value that earns the maximum; less earns a proportional share.
    pub full_at: Money,
    /// Currency, when the measure is money.
    pub currency: Option<Currency>,
}

/// A named requirement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// A counting measure must reach `at_least`.
    Count {
        /// Description for traces.
        name: Option<String>,
        /// The measure.
        measure: Id,
        /// Inclusive threshold.
        at_least: u64,
    },
    /// A money measure must reach `at_least` in one of the listed currencies (alternatives, never converted).
    Amount {
        /// Description for traces.
        name: Option<String>,
        /// The measure.
        measure: Id,
        /// Inclusive thresholds, currency → amount; meeting any one suffices.
        at_least: BTreeMap<Currency, Money>,
    },
    /// The partner fulfils an obligation of the program (recorded in its membership).
    Obligation {
        /// Description for traces.
        name: Option<String>,
        /// The obligation.
        obligation: Id,
    },
    /// The partner contract is signed (membership has a `contract_start` on or before the review date).
    ContractSigned {
        /// Description for traces.
        name: Option<String>,
    },
    /// The partner is a company in a register the program accepts.
    RegisteredCompany {
        /// Description for traces.
        name: Option<String>,
        /// The registration kinds that count, any one sufficing. None is implied: an empty list
        /// is met by nobody (and `check` warns).
        #[serde(default)]
        accepts: Vec<RegistrationKind>,
    },
    /// A training of `training` kind attended within `within_days` of the contract start.
    Deadline {
        /// Description for traces.
        name: Option<String>,
        /// Training kind.
        training: Id,
        /// Days after the contract start.
        within_days: u32,
        /// What missing the deadline means.
        #[serde(default)]
        overdue: Overdue,
    },
    /// The partner qualifies for another tier in the same track (a prerequisite).
    HoldsTier {
        /// Description for traces.
        name: Option<String>,
        /// The tier.
        tier: Id,
    },
    /// An active approval of this status by the vendor.
    Approval {
        /// Description for traces.
        name: Option<String>,
        /// The status approved.
        status: Id,
    },
    /// All listed requirements.
    AllOf {
        /// Description for traces.
        name: Option<String>,
        /// Requirement ids.
        of: Vec<Id>,
    },
    /// At least one listed requirement.
    AnyOf {
        /// Description for traces.
        name: Option<String>,
        /// Requirement ids.
        of: Vec<Id>,
    },
    /// A weighted score with partial credit.
    Points {
        /// Description for traces.
        name: Option<String>,
        /// Components.
        components: Vec<PointsComponent>,
        /// Inclusive minimum total.
        at_least: u32,
        /// Every component must score more than this.
        each_more_than: Option<u32>,
    },
}

impl Requirement {
    /// The optional description.
    pub fn name(&self) -> Option<&str> {
        match self {
            Requirement::Count { name, .. }
            | Requirement::Amount { name, .. }
            | Requirement::Obligation { name, .. }
            | Requirement::ContractSigned { name }
            | Requirement::RegisteredCompany { name, .. }
            | Requirement::Deadline { name, .. }
            | Requirement::HoldsTier { name, .. }
            | Requirement::Approval { name, .. }
            | Requirement::AllOf { name, .. }
            | Requirement::AnyOf { name, .. }
            | Requirement::Points { name, .. } => name.as_deref(),
        }
    }
}

/// What missing a deadline means. Before the deadline the requirement is met (with a reminder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Overdue {
    /// A reminder only: still met (with a `training-overdue` warning) until done; done late is done.
    Warn,
    /// Not met while overdue; met again from the day it is done.
    UnmetUntilDone,
    /// Never met once missed, even if done late (the default).
    #[default]
    Permanent,
}
