//! Entitlements: what a tier, type or status grants, and the shapes of granted values.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::scalar::{Currency, Id, Money};

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
    pub partner: crate::model::scalar::Percent,
    /// Vendor's share in percent.
    pub vendor: crate::model::scalar::Percent,
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
/// Sum of percentages, for validating revenue shares.
pub fn share_total(s: &RevenueShare) -> Decimal {
    s.partner.0 + s.vendor.0
}
