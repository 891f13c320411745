//! Gaps: what a partner lacks for a tier or partner type it does not hold.

use super::result::{Gap, Qualification, RequirementResult};

/// What is missing for a tier or type: the shortfalls of its own and the membership requirements.
pub(super) fn gap(q: &Qualification, membership: &[RequirementResult]) -> Gap {
    Gap {
        tier: q.id.clone(),
        name: q.name.clone(),
        missing: membership
            .iter()
            .chain(&q.requirements)
            .flat_map(RequirementResult::shortfalls)
            .collect(),
    }
}
