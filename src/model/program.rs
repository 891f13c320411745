//! Program terms: `programs/<id>.toml` (or `programs/<id>@<effective date>.toml` for a scheduled
//! change). No program is hard-coded: tiers, tracks, partner types, statuses, requirements and
//! entitlements are all data.
//!
//! Requirements and measures are named tables (`[requirements.projects-3]`) that tiers, partner
//! types and statuses refer to by id, so traces and diffs name them stably.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::partner::{AccessLevel, PaymentMeans, RegistrationKind};
use super::scalar::{Currency, Date, Id, Money};
use super::ApiVersion;

/// The `kind` of a program file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProgramKind {
    /// Program terms.
    Program,
}

/// The terms of one partner program, in effect from `effective_from`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "partnerctl program terms")]
pub struct Program {
    /// File format version.
    pub api_version: ApiVersion,
    /// Always `"Program"`.
    pub kind: ProgramKind,
    /// Program id; the file is `programs/<id>.toml` or `programs/<id>@<effective_from>.toml`.
    pub id: Id,
    /// Human name of the program.
    pub name: String,
    /// The vendor running the program.
    pub vendor: String,
    /// Where the terms come from (document, URL).
    pub source: Option<String>,
    /// These terms apply to evaluations as of this date or later (until a later version takes over).
    pub effective_from: Date,
    /// Currencies the program measures money in. Amounts in other currencies are never converted.
    pub currencies: Vec<Currency>,
    /// When the program reviews its partners.
    pub review: Review,
    /// Product lines, id → name.
    #[serde(default)]
    pub product_lines: BTreeMap<Id, String>,
    /// Training kinds, id → name.
    #[serde(default)]
    pub trainings: BTreeMap<Id, String>,
    /// Certification kinds.
    #[serde(default)]
    pub certifications: BTreeMap<Id, CertificationKind>,
    /// Obligations a partner may have to fulfil, id → description, or a table with the
    /// description and what `partnerctl links check` verifies on the partner's website.
    #[serde(default)]
    pub obligations: BTreeMap<Id, Obligation>,
    /// Rules for customer access grants (resellers).
    pub access: Option<AccessRules>,
    /// Ranked tiers, lowest first. Tracks share these names.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Tracks that share the tiers but measure differently. Empty: one implicit track.
    #[serde(default)]
    pub tracks: Vec<Track>,
    /// Requirements of every member, and benefits of the members `grants_to` names.
    #[serde(default)]
    pub membership: MembershipTerms,
    /// What each tier requires and grants, per track.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Partner types a partner may hold together, each with its own requirements and benefits.
    #[serde(default)]
    pub partner_types: Vec<PartnerType>,
    /// Statuses outside the tier ladder, e.g. granted only by approval.
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// Named measures: how a number is computed from a partner's facts.
    #[serde(default)]
    pub measures: BTreeMap<Id, Measure>,
    /// Named requirements: a measure against a threshold, a check, or a combination.
    #[serde(default)]
    pub requirements: BTreeMap<Id, Requirement>,
    /// Entitlement definitions; their values are granted by levels, types, statuses and membership.
    #[serde(default)]
    pub entitlements: BTreeMap<Id, EntitlementDef>,
    /// The partner badge the directory publishes (`badges/<program>/<partner>.svg`): its label
    /// and colours. Absent: the program name and the default colours.
    pub badge: Option<BadgeStyle>,
}

/// Label and colours of a program's partner badge, light and dark variant. A colour pair whose
/// contrast is below 4.5:1 (WCAG AA) is warned about by `check` and replaced by the default pair
/// in the published badge.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeStyle {
    /// Short program label on the badge's left part, e.g. "NoSpamProxy"; default the program name.
    #[schemars(length(min = 1, max = 40))]
    pub label: Option<String>,
    /// A colour as `#rrggbb` (six hex digits): background of the standing part, light variant.
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub background: Option<String>,
    /// A colour as `#rrggbb` (six hex digits): text of the standing part, light variant.
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub foreground: Option<String>,
    /// A colour as `#rrggbb` (six hex digits): background of the standing part, dark variant.
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub dark_background: Option<String>,
    /// A colour as `#rrggbb` (six hex digits): text of the standing part, dark variant.
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub dark_foreground: Option<String>,
}

/// How often the program reviews partners, which sets the review date and the "review" window.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Review cadence.
    pub cadence: Cadence,
    /// Month in which yearly reviews happen (1 = January). Default 1.
    pub month: Option<u32>,
    /// Months a partner keeps a tier after no longer qualifying for it.
    pub grace_months: Option<u32>,
    /// Human description of the review, quoted from the terms.
    pub description: Option<String>,
    /// The one date every requirement of an evaluation is judged on.
    #[serde(default)]
    pub judge_on: JudgeOn,
    /// Months between the reviews of a partner's goals, counted from the day each goal was set;
    /// a review date that passed without a recorded review is warned about.
    #[schemars(range(min = 1, max = 120))]
    pub goals_every_months: Option<u32>,
}

/// The date an evaluation judges every requirement on: whether a contract is signed and in
/// force, a certification valid, a deadline met; facts dated later do not count, and windows that
/// run "up to" a date (`calendar-year`, `quarter`, `trailing-N-months`, `all-time`) end on it.
/// Fixed periods (`review`, `previous-*`) stay those of the review in force. Approvals are
/// decisions, not facts: they take effect on their own dates, judged on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JudgeOn {
    /// The date of the review in force (the default): standings change only at reviews.
    #[default]
    ReviewDate,
    /// The as-of date: standings follow the facts as they stand.
    AsOf,
}

/// Review cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cadence {
    /// Once a year, on the first day of `review.month`; the review window is the previous year.
    Yearly,
    /// On the first day of each quarter; the review window is the previous quarter.
    Quarterly,
    /// On the first day of each month; the review window is the previous month.
    Monthly,
    /// Continuously: the review date is the as-of date; the review window is the trailing 12 months.
    Continuous,
}

/// A certification kind and how long it stays valid.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationKind {
    /// Name.
    pub name: String,
    /// Months a certification stays valid from its date; absent means it never expires.
    pub valid_months: Option<u32>,
}

/// Rules for customer access grants, checked across all partner files.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRules {
    /// Access levels a customer can grant.
    pub levels: Vec<AccessLevel>,
    /// Means of payment allowed with full access.
    #[serde(default)]
    pub payment_means: Vec<PaymentMeans>,
    /// A customer grants full access to at most one partner.
    #[serde(default)]
    pub full_access_exclusive: bool,
    /// Several partners with restricted access to one customer must manage different products.
    #[serde(default)]
    pub restricted_distinct_products: bool,
}

/// A rank in the tier ladder.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Tier id.
    pub id: Id,
    /// Human name.
    pub name: String,
}

/// A track: the same tiers, measured differently.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Track id.
    pub id: Id,
    /// Human name.
    pub name: String,
    /// Who the track is for.
    pub description: Option<String>,
    /// Names of the tiers in this track, tier id → name, where they differ from the tier's own
    /// name ("Business Cloud Partner"); used wherever the tier of a member of the track is shown.
    #[serde(default)]
    pub tier_names: BTreeMap<Id, String>,
}

/// Requirements and benefits that apply to every member.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipTerms {
    /// Requirements every tier, type and status needs in addition to its own.
    #[serde(default)]
    pub requires: Vec<Id>,
    /// Entitlements of the members `grants_to` names.
    #[serde(default)]
    pub grants: Grants,
    /// Who gets the membership grants.
    #[serde(default)]
    pub grants_to: GrantsTo,
}

/// Who gets the `[membership]` grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GrantsTo {
    /// Members holding a tier, partner type or status (the default).
    #[default]
    Holders,
    /// Every member meeting the membership requirements, with or without a tier, type or status.
    Members,
}

/// One tier in one track (or in all tracks when `track` is absent).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The tier.
    pub tier: Id,
    /// The track; absent means every track.
    pub track: Option<Id>,
    /// Requirements, all of which must be met.
    #[serde(default)]
    pub requires: Vec<Id>,
    /// Entitlements granted.
    #[serde(default)]
    pub grants: Grants,
}

/// A partner type that a member declares and qualifies for separately.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerType {
    /// Type id.
    pub id: Id,
    /// Human name.
    pub name: String,
    /// What the type does.
    pub description: Option<String>,
    /// Requirements, all of which must be met.
    #[serde(default)]
    pub requires: Vec<Id>,
    /// Entitlements granted.
    #[serde(default)]
    pub grants: Grants,
}

/// A status outside the tier ladder.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// Status id.
    pub id: Id,
    /// Human name.
    pub name: String,
    /// What the status means.
    pub description: Option<String>,
    /// Requirements, all of which must be met (use an `approval` requirement for approval-only statuses).
    #[serde(default)]
    pub requires: Vec<Id>,
    /// Entitlements granted.
    #[serde(default)]
    pub grants: Grants,
    /// Holders also get the benefits of the highest of these tiers whose `by` requirements they meet.
    pub benefits_of: Option<BenefitsOf>,
    /// Shown in the public directory (on the partner's card, page and badge) when held.
    #[serde(default)]
    pub public: bool,
}

/// "Depending on revenue, the same benefits as Business or Premium partners."
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BenefitsOf {
    /// Candidate tiers.
    pub tiers: Vec<Id>,
    /// Requirements of those tiers that decide which one applies.
    pub by: Vec<Id>,
}

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

/// What kind of benefit an entitlement is; decides the shape of its granted value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EntitlementKind {
    /// A percentage discount on product lines; value `"25"`.
    Discount,
    /// Money per period, e.g. a marketing budget; value `{ EUR = "1000.00" }`.
    Budget,
    /// Licence seats; value an integer.
    Seats,
    /// A counted allowance per period (support calls); value an integer.
    Allowance,
    /// A yes/no benefit; value `true`.
    Flag,
    /// Directory listing; value `"listed"` or `"listed-with-logo"`.
    Listing,
    /// A split of revenue; value `{ partner = "70", vendor = "30", basis = "…" }`.
    RevenueShare,
    /// A fee the partner pays per period; value `{ EUR = "3000.00" }`.
    Fee,
    /// Prices the partner may buy at; value `[{ label, units, price = { EUR = "99.00" } }]`.
    PriceList,
    /// Access or payment models available; value a list of ids.
    AccessModel,
    /// A described benefit; value a string.
    Text,
}

/// An entitlement definition.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementDef {
    /// Human name, e.g. "Discount on new licences".
    pub name: String,
    /// Kind.
    pub kind: EntitlementKind,
    /// Product lines a discount applies to.
    #[serde(default)]
    pub product_lines: Vec<Id>,
    /// Period a budget, allowance, fee or price applies per.
    pub per: Option<Per>,
    /// Unit of seats or allowances ("users", "calls").
    pub unit: Option<String>,
    /// The granted value is a maximum ("up to 35%"), not a fixed amount.
    #[serde(default)]
    pub up_to: bool,
    /// Which deals, products or contracts the entitlement applies to, when not all: completes
    /// "only …", e.g. "on deals whose final offer includes the premium offering". Shown with the
    /// value in every output.
    pub condition: Option<String>,
    /// Further wording from the terms.
    pub description: Option<String>,
}

/// A period entitlements are counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    /// Per year.
    Year,
    /// Per quarter.
    Quarter,
    /// Per month.
    Month,
}

impl fmt::Display for Per {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Per::Year => "year",
            Per::Quarter => "quarter",
            Per::Month => "month",
        })
    }
}

/// Entitlement id → granted value.
pub type Grants = BTreeMap<Id, GrantValue>;

/// A granted value; its shape must match the entitlement's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum GrantValue {
    /// Flag.
    Flag(bool),
    /// Seats or allowance.
    Count(u64),
    /// Discount percent, listing level or text.
    Text(String),
    /// Revenue share.
    Share(RevenueShare),
    /// Budget or fee: currency → amount.
    Amounts(BTreeMap<Currency, Money>),
    /// Price list.
    Prices(Vec<PriceItem>),
    /// Access model ids.
    Choices(Vec<Id>),
}

/// A revenue split in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevenueShare {
    /// Partner's share in percent.
    pub partner: super::scalar::Percent,
    /// Vendor's share in percent.
    pub vendor: super::scalar::Percent,
    /// What revenue the split applies to.
    pub basis: String,
}

/// One line of a price list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceItem {
    /// Label, e.g. "Own-use licence, 10 users".
    pub label: String,
    /// Units (users) included.
    pub units: u64,
    /// Price per the entitlement's period, per currency.
    pub price: BTreeMap<Currency, Money>,
}

impl Program {
    /// Rank of a tier (0 = lowest), if defined.
    pub fn tier_rank(&self, tier: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t.id.as_str() == tier)
    }
    /// Human name of a tier in a track: the track's own name for it, else the tier's name.
    pub fn tier_name_in<'a>(&'a self, track: Option<&Id>, tier: &'a str) -> &'a str {
        self.tracks
            .iter()
            .find(|t| Some(&t.id) == track)
            .and_then(|t| t.tier_names.get(tier))
            .map_or_else(|| self.tier_name(tier), String::as_str)
    }
    /// Every name a tier goes by across the tracks, the tier's own name first: "Business Partner /
    /// Business Cloud Partner".
    pub fn tier_names_all(&self, tier: &str) -> String {
        let mut names = vec![self.tier_name(tier)];
        for t in &self.tracks {
            if let Some(n) = t.tier_names.get(tier) {
                if !names.contains(&n.as_str()) {
                    names.push(n);
                }
            }
        }
        names.join(" / ")
    }
    /// Human name of a tier.
    pub fn tier_name<'a>(&'a self, tier: &'a str) -> &'a str {
        self.tiers
            .iter()
            .find(|t| t.id.as_str() == tier)
            .map_or(tier, |t| t.name.as_str())
    }
}

/// Sum of percentages, for validating revenue shares.
pub fn share_total(s: &RevenueShare) -> Decimal {
    s.partner.0 + s.vendor.0
}

/// An obligation: its description alone, or a table that also says how to verify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Obligation {
    /// The description.
    Text(String),
    /// The description and what to verify on the partner's public website.
    Checked(CheckedObligation),
}

impl Obligation {
    /// The human description.
    pub fn description(&self) -> &str {
        match self {
            Obligation::Text(s) => s,
            Obligation::Checked(c) => &c.description,
        }
    }
    /// What `links check` verifies, if anything.
    pub fn verify(&self) -> Option<&Verify> {
        match self {
            Obligation::Text(_) => None,
            Obligation::Checked(c) => c.verify.as_ref(),
        }
    }
}

/// An obligation with a description and, optionally, a website check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckedObligation {
    /// Human description.
    pub description: String,
    /// What `partnerctl links check` looks for on the partner's public website (its
    /// `profile.website` page). The obligation is found when any of the named things is there.
    pub verify: Option<Verify>,
}

/// What to look for on a partner's website. At least one of `link_to`, `link_host`, `badge`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// A link to this http(s) URL or a page below it (scheme and query aside), e.g.
    /// `"https://www.nospamproxy.de/"`.
    #[schemars(regex(pattern = r"^https?://"))]
    pub link_to: Option<String>,
    /// A link to any page on this host or its subdomains, e.g. `"pimenta.chat"`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9.-]+$"))]
    pub link_host: Option<String>,
    /// The link must be a follow link: no `rel="nofollow"`, `ugc` or `sponsored`, and no
    /// `<meta name="robots" content="nofollow">` on the page.
    #[serde(default)]
    pub follow: bool,
    /// The program's badge from the partner directory (`badges/<program>/<partner>.svg`,
    /// `-dark.svg`, `.png`), linking to the partner's directory page `partners/<partner>.html`.
    #[serde(default)]
    pub badge: bool,
}

impl Verify {
    /// Problems with the declaration, each with the key it concerns. Empty when it is usable.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(u) = &self.link_to {
            match url::Url::parse(u) {
                Ok(p) if matches!(p.scheme(), "http" | "https") && p.host_str().is_some() => {}
                Ok(_) => out.push((
                    "link_to",
                    format!("`{u}` is not an http(s) URL with a host"),
                )),
                Err(e) => out.push(("link_to", format!("`{u}` is not a valid URL: {e}"))),
            }
        }
        if let Some(h) = &self.link_host {
            if url::Host::parse(h).is_err() || h.starts_with('.') || h.ends_with('.') {
                out.push(("link_host", format!("`{h}` is not a valid host name")));
            }
        }
        let links = self.link_to.is_some() || self.link_host.is_some();
        if !links && !self.badge {
            out.push((
                "verify",
                "nothing to verify: set `link_to`, `link_host` or `badge = true`".into(),
            ));
        }
        if self.follow && !links {
            out.push(("follow", "`follow` needs `link_to` or `link_host`".into()));
        }
        out
    }
}
