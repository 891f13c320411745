//! The partner record: `partners/<id>.toml`.
//!
//! Only [`PublicProfile`] may ever be published; everything else (registration, contacts,
//! revenue, projects, trainings, certifications, access grants, approvals) is confidential.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::checked::{
    CountryCode, Description, DisplayName, LegalName, LogoPath, Siret, VatId, Website,
};
use super::scalar::{Currency, Date, Id, Money, Month, Period};
use super::ApiVersion;

/// The `kind` of a partner record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PartnerKind {
    /// A partner record.
    Partner,
}

/// A partner: who they are, which programs they belong to, and the facts their tiers are judged on.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "partnerctl partner record")]
pub struct Partner {
    /// File format version.
    pub api_version: ApiVersion,
    /// Always `"Partner"`.
    pub kind: PartnerKind,
    /// Stable identifier; must equal the file name without `.toml`.
    pub id: Id,
    /// The registered legal name (confidential: the directory shows `profile.display_name`).
    pub legal_name: LegalName,
    /// Company registration numbers (confidential).
    #[serde(default)]
    pub registration: Registration,
    /// The public profile: the only part of a record that may be published.
    pub profile: PublicProfile,
    /// People to contact at the partner (confidential).
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Program memberships.
    #[serde(default)]
    pub memberships: Vec<Membership>,
    /// Booked revenue with the vendor (confidential).
    #[serde(default)]
    pub revenue: Vec<MoneyEntry>,
    /// Monthly recurring revenue per month (confidential).
    #[serde(default)]
    pub recurring_revenue: Vec<RecurringEntry>,
    /// Volume of the vendor's products the partner manages for customers (confidential).
    #[serde(default)]
    pub managed_volume: Vec<MoneyEntry>,
    /// Realized customer projects (confidential).
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Trainings attended, per person (confidential).
    #[serde(default)]
    pub trainings: Vec<Training>,
    /// Certifications held, per person (confidential).
    #[serde(default)]
    pub certifications: Vec<Certification>,
    /// Access that customers have granted the partner (confidential).
    #[serde(default)]
    pub access_grants: Vec<AccessGrant>,
    /// Manual approvals and overrides by the vendor (confidential).
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Goals agreed with a vendor and their reviews (confidential).
    #[serde(default)]
    pub goals: Vec<Goal>,
}

/// A goal agreed with the vendor, reviewed on the program's goal cadence
/// (`review.goals_every_months`) counted from the day it was set.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// The program.
    pub program: Id,
    /// What the goal is.
    pub description: String,
    /// The day the goal was set; its reviews fall every `goals_every_months` after it.
    pub set: Date,
    /// The reviews held, each recorded under the review date it was due on.
    #[serde(default)]
    pub reviews: Vec<GoalReview>,
}

/// One review of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalReview {
    /// The review date it was due on (the day the goal was set plus a multiple of the cadence).
    pub date: Date,
    /// Whether the goal was met at this review.
    pub met: bool,
}

/// Top-level fields of a partner record that are public as a whole.
pub const PUBLIC_FIELDS: [&str; 4] = ["api_version", "kind", "id", "profile"];
/// Fields of a membership that are public (which programs, tracks and types a partner holds);
/// contract dates and obligations are not.
pub const PUBLIC_MEMBERSHIP_FIELDS: [&str; 3] = ["program", "track", "types"];

/// Whether the value at a path of a partner record (its table keys, array indices left out) is
/// confidential. Everything is, except [`PUBLIC_FIELDS`], the `memberships` list itself and
/// [`PUBLIC_MEMBERSHIP_FIELDS`]: a field added to the model, or an unknown key in a file, is
/// confidential until it is listed here. The single definition every public output consults.
pub fn is_confidential<'k>(keys: impl IntoIterator<Item = &'k str>) -> bool {
    let mut keys = keys.into_iter();
    let Some(top) = keys.next() else {
        return false;
    };
    if PUBLIC_FIELDS.contains(&top) {
        return false;
    }
    if top != "memberships" {
        return true;
    }
    match (keys.next(), keys.next()) {
        (None, _) => false,
        (Some(field), None) => !PUBLIC_MEMBERSHIP_FIELDS.contains(&field),
        (Some(_), Some(_)) => true,
    }
}

/// Company registration; a partner counts as a registered company when any number is present.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Commercial register entry, e.g. "HRB 12345, Amtsgericht Münster" or a Swiss UID.
    pub commercial_register: Option<String>,
    /// French SIRET number (14 digits).
    pub siret: Option<Siret>,
    /// VAT identification number, e.g. "DE123456789".
    pub vat_id: Option<VatId>,
    /// Another equivalent register, described.
    pub other_register: Option<String>,
}

/// A kind of registration a partner can show: one field of [`Registration`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// `commercial_register`.
    CommercialRegister,
    /// `siret`.
    Siret,
    /// `vat_id`: a tax registration, not an entry in a register of companies.
    VatId,
    /// `other_register`.
    OtherRegister,
}

impl RegistrationKind {
    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            RegistrationKind::CommercialRegister => "a commercial register entry",
            RegistrationKind::Siret => "a SIRET number",
            RegistrationKind::VatId => "a VAT id",
            RegistrationKind::OtherRegister => "an entry in an equivalent register",
        }
    }
}

impl Registration {
    /// Whether the registration of `kind` is present.
    pub fn has(&self, kind: RegistrationKind) -> bool {
        let v = match kind {
            RegistrationKind::CommercialRegister => self.commercial_register.as_deref(),
            RegistrationKind::Siret => self.siret.as_deref(),
            RegistrationKind::VatId => self.vat_id.as_deref(),
            RegistrationKind::OtherRegister => self.other_register.as_deref(),
        };
        v.is_some_and(|s| !s.trim().is_empty())
    }

    /// Whether any registration number is present.
    pub fn is_registered(&self) -> bool {
        [
            self.commercial_register.as_deref(),
            self.siret.as_deref(),
            self.vat_id.as_deref(),
            self.other_register.as_deref(),
        ]
        .iter()
        .any(|v| v.is_some_and(|s| !s.trim().is_empty()))
    }
}

/// The public profile. Every field here may appear in the public directory.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicProfile {
    /// Name shown publicly.
    pub display_name: DisplayName,
    /// Public website (http or https).
    pub website: Option<Website>,
    /// Logo file (PNG, JPEG or SVG) in the logo folder, relative to the repository root, e.g.
    /// `assets/logos/acme.svg`; it is published rebuilt, never copied.
    pub logo: Option<LogoPath>,
    /// Short public description.
    pub description: Option<Description>,
    /// Country of the head office, ISO 3166-1 alpha-2 ("DE").
    pub country: CountryCode,
    /// Regions served, free text ("NRW", "Romandie").
    #[serde(default)]
    pub regions: Vec<String>,
    /// Languages spoken, ISO 639-1 ("de", "en").
    #[serde(default)]
    pub languages: Vec<LanguageCode>,
    /// Services offered ("consulting", "hosting", …).
    #[serde(default)]
    pub services: Vec<String>,
}

/// An ISO 639-1 language code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct LanguageCode(#[schemars(regex(pattern = r"^[a-z]{2}$"))] pub String);

/// The schema's pattern, enforced when deserializing (the load fast path relies on it).
impl<'de> Deserialize<'de> for LanguageCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase()) {
            true => Ok(LanguageCode(s)),
            false => Err(serde::de::Error::custom("expected two lower-case letters")),
        }
    }
}

/// A contact person (confidential).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Role, e.g. "Partner manager".
    pub role: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// Membership in one program.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The program id (a file under `programs/`).
    pub program: Id,
    /// The track the partner is judged in, for programs with tracks.
    pub track: Option<Id>,
    /// Partner types the partner holds, for programs with partner types (several allowed).
    #[serde(default)]
    pub types: Vec<Id>,
    /// Date the partner contract was signed and started.
    pub contract_start: Option<Date>,
    /// Date the contract ends; absent for open-ended contracts.
    pub contract_end: Option<Date>,
    /// The day the partner left the program or was removed from it: from this day on it holds
    /// nothing there (no tier, type, status, entitlement or fee).
    pub ended: Option<Date>,
    /// Why the membership ended (confidential).
    pub reason: Option<String>,
    /// Obligations of the program and whether the partner fulfils them.
    #[serde(default)]
    pub obligations: BTreeMap<Id, bool>,
}

/// An amount booked with a product line, on a date or for a period (revenue or managed volume).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyEntry {
    /// The program whose product line this is.
    pub program: Id,
    /// Product line, as defined by the program.
    pub product_line: Id,
    /// Booking date (give either `date` or `period`).
    pub date: Option<Date>,
    /// Booking period (give either `date` or `period`).
    pub period: Option<Period>,
    /// Currency of `amount`; never converted.
    pub currency: Currency,
    /// The amount.
    pub amount: Money,
    /// Free-text note.
    pub note: Option<String>,
}

impl MoneyEntry {
    /// The days the entry covers: its date, or its period.
    pub fn span(&self) -> Option<(Date, Date)> {
        match (self.date, self.period) {
            (Some(d), None) => Some((d, d)),
            (None, Some(p)) => Some((p.start, p.end)),
            _ => None,
        }
    }
}

/// Monthly recurring revenue of a product line in one month.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringEntry {
    /// The program whose product line this is.
    pub program: Id,
    /// Product line, as defined by the program.
    pub product_line: Id,
    /// The month.
    pub month: Month,
    /// Currency of `amount`; never converted.
    pub currency: Currency,
    /// Recurring revenue in that month.
    pub amount: Money,
}

/// A realized customer project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The program the project counts for.
    pub program: Id,
    /// Project name.
    pub name: String,
    /// Customer name.
    pub customer: Option<String>,
    /// Date the project was completed.
    pub completed: Date,
}

/// A training a person attended.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The program offering the training.
    pub program: Id,
    /// Person who attended (name or pseudonym).
    pub person: String,
    /// Training kind, as defined by the program.
    pub kind: Id,
    /// Date attended.
    pub date: Date,
}

/// A certification a person holds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// The program issuing the certification.
    pub program: Id,
    /// Person certified (name or pseudonym).
    pub person: String,
    /// Certification kind, as defined by the program.
    pub kind: Id,
    /// Date obtained; validity runs from here.
    pub date: Date,
}

/// How much of a customer's account the customer lets the partner manage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AccessLevel {
    /// Chosen products only; cannot order or renew.
    Restricted,
    /// All products; may order and renew.
    Full,
}

/// Whose means of payment settle orders under full access.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentMeans {
    /// The customer pays; the partner earns cashback.
    Customer,
    /// The partner pays and gets reseller discounts directly.
    Partner,
}

/// Access a customer has granted the partner.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessGrant {
    /// The program (vendor) the customer account lives with.
    pub program: Id,
    /// The customer's account identifier at the vendor.
    pub customer: String,
    /// Restricted or full access.
    pub access: AccessLevel,
    /// Product lines managed (restricted access).
    #[serde(default)]
    pub products: Vec<Id>,
    /// Means of payment (full access only).
    pub payment: Option<PaymentMeans>,
    /// Date access was granted.
    pub since: Option<Date>,
}

/// A manual decision by the vendor: grant a status, override the tier, or waive a requirement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The program.
    pub program: Id,
    /// Status granted (e.g. "managed-service-partner").
    pub status: Option<Id>,
    /// Tier the partner is set to regardless of requirements.
    pub tier: Option<Id>,
    /// Requirement waived.
    pub requirement: Option<Id>,
    /// Who approved.
    pub approved_by: String,
    /// When.
    pub date: Date,
    /// Why.
    pub reason: String,
    /// The approval no longer counts from this date on.
    pub expires: Option<Date>,
}

impl Approval {
    /// Whether the approval counts on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.date <= date && self.expires.is_none_or(|e| date < e)
    }
}
