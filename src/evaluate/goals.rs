//! Goals reviewed on a cadence (pimentaCHAT: "Ziele für die nächsten 3 Monate und Jahr, die alle
//! 3 Monate ausgewertet werden"): which reviews were due by the as-of date, which were held and
//! met, and which were missed. Counted arithmetically, so a goal set centuries ago costs no more
//! than its recorded reviews.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::partner::{Goal, GoalReview};
use crate::model::scalar::Date;

/// A goal as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalResult {
    /// What the goal is (confidential, like the partner file).
    pub description: String,
    /// The day it was set.
    pub set: Date,
    /// Months between reviews.
    pub every_months: u32,
    /// Reviews due up to the as-of date.
    pub due: u64,
    /// The recorded reviews of due review dates, oldest first.
    pub reviews: Vec<GoalReview>,
    /// Review dates before the as-of date without a recorded review.
    pub missed: u64,
    /// The latest of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_missed: Option<Date>,
    /// The next review date after the as-of date.
    pub next: Date,
}

/// The `k`-th review date of a goal set on `set`.
fn review_date(set: Date, every: u32, k: u64) -> Date {
    let months = (k * u64::from(every)).min(i32::MAX as u64) as i32;
    set.add_months(months)
}

/// Which review `date` is, if it is one: `k` with `review_date(set, every, k) == date`, k ≥ 1.
fn review_index(set: Date, every: u32, date: Date) -> Option<u64> {
    let k = months_between(set, date)? / u64::from(every);
    (k >= 1 && review_date(set, every, k) == date).then_some(k)
}

/// Whole calendar months from `a` to `b` (by month number), if `b` is not earlier.
fn months_between(a: Date, b: Date) -> Option<u64> {
    use chrono::Datelike;
    let m = |d: Date| i64::from(d.0.year()) * 12 + i64::from(d.0.month0());
    u64::try_from(m(b) - m(a)).ok()
}

/// How many reviews of a goal set on `set` fall on or before `as_of`.
fn due_count(set: Date, every: u32, as_of: Date) -> u64 {
    let Some(months) = months_between(set, as_of) else {
        return 0;
    };
    let mut k = months / u64::from(every);
    // The review in the as-of month may still lie ahead (a later day of the month).
    while k > 0 && review_date(set, every, k) > as_of {
        k -= 1;
    }
    k
}

/// The state of `goal` on `as_of`, reviewed every `every` months.
pub fn judge(goal: &Goal, every: u32, as_of: Date) -> GoalResult {
    let due = due_count(goal.set, every, as_of);
    let mut reviews: Vec<GoalReview> = goal
        .reviews
        .iter()
        .filter(|r| r.date <= as_of)
        .filter(|r| review_index(goal.set, every, r.date).is_some())
        .copied()
        .collect();
    reviews.sort_by_key(|r| r.date);
    reviews.dedup_by_key(|r| r.date);
    // A review is missed once its day has passed without a record: on the day itself it may
    // still be held.
    let past = due_count(goal.set, every, as_of.add_days(-1));
    let held: BTreeSet<Date> = reviews
        .iter()
        .map(|r| r.date)
        .filter(|d| *d < as_of)
        .collect();
    let missed = past - held.len() as u64;
    // The latest missing one lies within the last `held + 1` past review dates.
    let last_missed = (1..=past)
        .rev()
        .map(|k| review_date(goal.set, every, k))
        .take(held.len() + 1)
        .find(|d| !held.contains(d));
    GoalResult {
        description: goal.description.clone(),
        set: goal.set,
        every_months: every,
        due,
        reviews,
        missed,
        last_missed,
        next: review_date(goal.set, every, due + 1),
    }
}

/// Whether `date` is a review date of `goal` (for `check`).
pub fn is_review_date(goal: &Goal, every: u32, date: Date) -> bool {
    review_index(goal.set, every, date).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn review_dates_clamp_to_the_month_end_and_are_found_again() {
        let set = d("2025-11-30");
        assert_eq!(review_date(set, 3, 1), d("2026-02-28"));
        assert_eq!(review_index(set, 3, d("2026-02-28")), Some(1));
        assert_eq!(review_index(set, 3, d("2026-02-27")), None);
        assert_eq!(due_count(set, 3, d("2026-02-27")), 0);
        assert_eq!(due_count(set, 3, d("2026-02-28")), 1);
    }

    #[test]
    fn a_goal_set_long_ago_is_counted_without_walking_every_review() {
        let g = Goal {
            program: "p".parse().unwrap(),
            description: "x".into(),
            set: d("0001-01-01"),
            reviews: vec![],
        };
        let r = judge(&g, 1, d("9999-12-31"));
        assert_eq!(r.due, 9998 * 12 + 11);
        assert_eq!(r.missed, r.due);
        assert_eq!(r.last_missed, Some(d("9999-12-01")));
        // On a review day that review is due but not yet missed.
        let r = judge(&g, 1, d("9999-12-01"));
        assert_eq!((r.due, r.missed), (9998 * 12 + 11, 9998 * 12 + 10));
    }
}
