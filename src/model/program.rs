//! Program terms: `programs/<id>.toml` (or `programs/<id>@<effective date>.toml` for a scheduled
//! change). No program is hard-coded: tiers, tracks, partner types, statuses, requirements and
//! entitlements are all data.
//!
//! Requirements and measures are named tables (`[requirements.projects-3]`) that tiers, partner
//! types and statuses refer to by id, so traces and diffs name them stably.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::partner::{AccessLevel, PaymentMeans};
use super::scalar::{Currency, Date, Id};
use super::ApiVersion;

mod entitlements;
mod obligations;
mod requirements;

pub use entitlements::{
    share_total, EntitlementDef, EntitlementKind, GrantValue, Grants, Per, PriceItem, RevenueShare,
};
pub use obligations::{CheckedObligation, Obligation, Verify};
pub use requirements::{
    Aggregate, Measure, MoneyFacts, Overdue, Partial, PointsComponent, Requirement, Window,
};

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

// Its fields repeat those of `Status` on purpose: a flattened shared struct would lose
// `deny_unknown_fields` (serde does not support both) and change the generated schema. (Not a
// doc comment: doc comments are the schema's descriptions.)
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
