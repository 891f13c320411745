//! What a diff reports: the effects, one type each, and the summary sentence.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::scalar::Date;

/// Options of a diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Evaluate both sides as of this date.
    pub as_of: Date,
    /// Show confidential values (revenue, contacts, …) in field changes and text diffs.
    pub show_confidential: bool,
    /// How far ahead to look for review dates and scheduled terms.
    pub horizon_months: u32,
}

/// Direction of a tier change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMove {
    /// To a higher tier.
    Up,
    /// To a lower tier.
    Down,
    /// From no tier to a tier.
    Gained,
    /// From a tier to none.
    Lost,
}

impl TierMove {
    /// Whether the partner is better off.
    pub fn is_up(self) -> bool {
        matches!(self, TierMove::Up | TierMove::Gained)
    }
}

/// What caused an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The partner's own file changed (alone, or it gives the new tier under the old terms while
    /// the new terms do not with the old file).
    PartnerFile,
    /// The program's terms changed: alone (the blast radius of a terms change), or they give the
    /// new tier with the old file while the new file does not under the old terms.
    ProgramTerms,
    /// Both, and neither alone gives the new tier (or either does).
    Both,
    /// Neither the file nor the program: another partner file changed, and a rule across files
    /// (a duplicate id, a customer's access grants) now judges this partner's file differently.
    /// (Where another program's new terms make the file invalid, the cause is `ProgramTerms`.)
    OtherPartnerFile,
}

/// A partner's tier in a program changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TierChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// Track, if any.
    pub track: Option<String>,
    /// Tier before (id), if any.
    pub from: Option<String>,
    /// Tier after (id), if any.
    pub to: Option<String>,
    /// Tier names for display.
    pub from_name: Option<String>,
    /// Tier names for display.
    pub to_name: Option<String>,
    /// Direction.
    pub direction: TierMove,
    /// Cause.
    pub cause: Cause,
    /// Requirements whose outcome flipped and explain the move ("revenue-20000 no longer met").
    pub because: Vec<String>,
}

/// A partner type or status gained or lost.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct QualificationChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// `type` or `status`.
    pub what: &'static str,
    /// Type or status id.
    pub id: String,
    /// Gained (true) or lost (false).
    pub gained: bool,
}

/// A membership that ends (on or before the as-of date) with this change: the partner leaves the
/// program, holding nothing there any more.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MembershipEnded {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
}

/// An entitlement or fee changed value, appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ValueChange {
    /// Partner id.
    pub partner: String,
    /// Program id.
    pub program: String,
    /// Entitlement id.
    pub id: String,
    /// Entitlement name.
    pub name: String,
    /// Value before, rendered.
    pub from: Option<String>,
    /// Value after, rendered.
    pub to: Option<String>,
}

/// A file's validity changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationChange {
    /// The file.
    pub file: String,
    /// Whether it is now invalid (true) or now valid (false).
    pub became_invalid: bool,
    /// Its errors after the change.
    pub diagnostics: Vec<Diagnostic>,
}

/// A partner added, removed or renamed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum PartnerEvent {
    /// A new partner file.
    Added {
        /// Partner id.
        partner: String,
    },
    /// A partner file removed.
    Removed {
        /// Partner id.
        partner: String,
    },
    /// A partner file renamed (similar content under a new id).
    Renamed {
        /// Old id.
        from: String,
        /// New id.
        to: String,
    },
}

/// A changed program file and the partners whose outcome changes only because of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramChange {
    /// Program file.
    pub file: String,
    /// Program id.
    pub program: String,
    /// Partners (with unchanged files) whose tier, types, statuses, entitlements or fees change,
    /// today or on a coming date while this file is in force.
    pub blast_radius: Vec<String>,
    /// When the file's terms take effect, when that is after the as-of date (scheduled terms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub takes_effect: Option<Date>,
}

/// A warning about how a change is made (not about its effect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewWarning {
    /// The file concerned.
    pub file: String,
    /// What to know.
    pub message: String,
}

/// A public directory entry that changes: what visitors of the site will see differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingChange {
    /// Partner id (after the change; before, for a partner no longer listed).
    pub partner: String,
    /// `listed` (newly), `unlisted` or `changed`.
    pub change: &'static str,
    /// The public fields that change, as `partners.json` names them.
    pub fields: Vec<FieldChange>,
}

/// Changes the pull request causes at a future review date (or a scheduled terms change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FutureEffect {
    /// The date.
    pub date: Date,
    /// Programs reviewing (or changing terms) that day.
    pub programs: Vec<String>,
    /// Tier changes the change causes on that date, where they differ from today's.
    pub tier_changes: Vec<TierChange>,
    /// Programs whose new terms take effect that day (the rest review).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_terms: Vec<String>,
}

/// One field of a data file changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Field path, with array entries named by their natural key: `revenue[nospamproxy server-new-licences 2025].amount`.
    pub path: String,
    /// Value before (absent when added); `(confidential)` when masked.
    pub from: Option<String>,
    /// Value after (absent when removed); `(confidential)` when masked.
    pub to: Option<String>,
}

/// A touched data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Path after the change (before, for removed files).
    pub path: String,
    /// Path before, when renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// For a new version of program terms (`programs/ID@DATE.toml`): the version it replaces,
    /// which its field changes and text diff are taken against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    /// `added`, `removed`, `modified` or `renamed`.
    pub status: &'static str,
    /// Field-level changes.
    pub fields: Vec<FieldChange>,
    /// Unified text diff; `None` when hidden because the file is confidential.
    pub text_diff: Option<String>,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Partners with at least one tier change.
    pub partners_changing_tier: usize,
    /// Tier changes up (or gained).
    pub up: usize,
    /// Tier changes down (or lost).
    pub down: usize,
    /// Files that became invalid.
    pub became_invalid: usize,
    /// Files that became valid.
    pub became_valid: usize,
    /// Entitlement changes.
    pub entitlement_changes: usize,
    /// Fee changes.
    pub fee_changes: usize,
    /// Partners added, removed or renamed.
    pub partner_events: usize,
    /// Tier changes at future review dates.
    pub future_tier_changes: usize,
}

impl Summary {
    pub(super) fn of(
        tier_changes: &[TierChange],
        outcomes: &super::standing::OutcomeChanges,
        validation: &[ValidationChange],
        partners: &[PartnerEvent],
        future: &[FutureEffect],
    ) -> Summary {
        Summary {
            partners_changing_tier: tier_changes
                .iter()
                .map(|c| &c.partner)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            up: tier_changes.iter().filter(|c| c.direction.is_up()).count(),
            down: tier_changes.iter().filter(|c| !c.direction.is_up()).count(),
            became_invalid: validation.iter().filter(|v| v.became_invalid).count(),
            became_valid: validation.iter().filter(|v| !v.became_invalid).count(),
            entitlement_changes: outcomes.entitlements.len(),
            fee_changes: outcomes.fees.len(),
            partner_events: partners.len(),
            future_tier_changes: future.iter().map(|f| f.tier_changes.len()).sum(),
        }
    }
}

/// The effect of a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// Format version of this report.
    pub version: u32,
    /// The base side: a commit id, or the label it was given.
    pub base: String,
    /// How the base was chosen, when by default ("merge base of HEAD and origin/main").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_note: Option<String>,
    /// The head side.
    pub head: String,
    /// Evaluation date of both sides.
    pub as_of: Date,
    /// Counts.
    pub summary: Summary,
    /// Partners added, removed, renamed.
    pub partners: Vec<PartnerEvent>,
    /// Tier changes as of the as-of date.
    pub tier_changes: Vec<TierChange>,
    /// Partner types and statuses gained or lost.
    pub qualification_changes: Vec<QualificationChange>,
    /// Memberships ended by the change (left out when none, as before the field existed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub memberships_ended: Vec<MembershipEnded>,
    /// Entitlement changes.
    pub entitlement_changes: Vec<ValueChange>,
    /// Fee changes.
    pub fee_changes: Vec<ValueChange>,
    /// Files whose validity changed.
    pub validation: Vec<ValidationChange>,
    /// Changed program files with their blast radius.
    pub programs: Vec<ProgramChange>,
    /// How the change is made, where that misleads (an in-place edit of terms in force).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ReviewWarning>,
    /// Effects at coming review dates.
    pub future: Vec<FutureEffect>,
    /// Public directory entries that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listing: Vec<ListingChange>,
    /// Touched files with field-level changes and text diffs.
    pub files: Vec<FileChange>,
    /// Partner files evaluated (the rest were unchanged and skipped).
    pub evaluated_partner_files: usize,
}

impl DiffReport {
    /// One sentence for the top of a PR comment.
    pub fn sentence(&self) -> String {
        let s = &self.summary;
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if s.partners_changing_tier > 0 {
            parts.push(format!(
                "{} tier: {} up, {} down",
                plural(
                    s.partners_changing_tier,
                    "partner changes",
                    "partners change"
                ),
                s.up,
                s.down
            ));
        }
        if !self.memberships_ended.is_empty() {
            parts.push(plural(
                self.memberships_ended.len(),
                "membership ended",
                "memberships ended",
            ));
        }
        if s.entitlement_changes > 0 {
            parts.push(plural(
                s.entitlement_changes,
                "entitlement change",
                "entitlement changes",
            ));
        }
        if s.fee_changes > 0 {
            parts.push(plural(s.fee_changes, "fee change", "fee changes"));
        }
        if s.became_invalid > 0 {
            parts.push(format!(
                "{} invalid",
                plural(s.became_invalid, "file", "files")
            ));
        }
        if s.became_valid > 0 {
            parts.push(format!("{} fixed", plural(s.became_valid, "file", "files")));
        }
        if s.partner_events > 0 {
            parts.push(plural(
                s.partner_events,
                "partner added, removed or renamed",
                "partners added, removed or renamed",
            ));
        }
        if s.future_tier_changes > 0 {
            parts.push(format!(
                "{} at coming reviews",
                plural(s.future_tier_changes, "tier change", "tier changes")
            ));
        }
        if !self.listing.is_empty() {
            parts.push(plural(
                self.listing.len(),
                "directory entry changes",
                "directory entries change",
            ));
        }
        if parts.is_empty() {
            if self.files.is_empty() {
                "No changes to partner or program files.".into()
            } else {
                "No effect on tiers, entitlements, fees or validity.".into()
            }
        } else {
            let mut s = parts.join("; ");
            s.push('.');
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or(s)
        }
    }
}
