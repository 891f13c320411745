//! `--fail-on` gates.

use super::{DiffReport, PartnerEvent, Summary, TierChange};

/// Effect kinds a gate can fail on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// A tier goes down or is lost (today or at a coming review).
    Downgrade,
    /// A tier, partner type, status or entitlement is lost or reduced.
    Loss,
    /// A file becomes invalid.
    Invalid,
    /// A partner file is removed.
    Removal,
    /// A fee changes.
    Fee,
    /// Program terms change the outcome of partners whose files did not change.
    BlastRadius,
    /// Any effect at all.
    Any,
}

/// The gates that the report trips.
pub fn tripped(report: &DiffReport, gates: &[Gate]) -> Vec<Gate> {
    let down = |c: &TierChange| !c.direction.is_up();
    gates
        .iter()
        .copied()
        .filter(|g| match g {
            Gate::Downgrade => {
                report.tier_changes.iter().any(down)
                    || report.future.iter().flat_map(|f| &f.tier_changes).any(down)
            }
            Gate::Loss => {
                report.tier_changes.iter().any(down)
                    || report.future.iter().flat_map(|f| &f.tier_changes).any(down)
                    || report.qualification_changes.iter().any(|q| !q.gained)
                    || report.entitlement_changes.iter().any(|e| e.to.is_none())
            }
            Gate::Invalid => report.summary.became_invalid > 0,
            Gate::Removal => report
                .partners
                .iter()
                .any(|p| matches!(p, PartnerEvent::Removed { .. })),
            Gate::Fee => !report.fee_changes.is_empty(),
            Gate::BlastRadius => report.programs.iter().any(|p| !p.blast_radius.is_empty()),
            // A rename alone is no effect: the partner holds what it held.
            Gate::Any => {
                let renames = report
                    .partners
                    .iter()
                    .filter(|p| matches!(p, PartnerEvent::Renamed { .. }))
                    .count();
                let summary = Summary {
                    partner_events: report.summary.partner_events - renames,
                    ..report.summary.clone()
                };
                summary != Summary::default() || !report.qualification_changes.is_empty()
            }
        })
        .collect()
}

impl Gate {
    /// The name as written on the command line (`blast-radius`).
    pub fn name(self) -> String {
        use clap::ValueEnum as _;
        self.to_possible_value()
            .map_or_else(|| format!("{self:?}"), |v| v.get_name().to_owned())
    }
}
