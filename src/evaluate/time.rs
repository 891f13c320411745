//! Review dates and windows: when a program judges its partners, and on which period's business.

use serde::Serialize;

use crate::model::program::{Cadence, Review, Window};
use crate::model::scalar::Date;

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

impl Span {
    /// Whether `d` lies inside.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
    /// Whether `[s, e]` lies entirely inside.
    pub fn covers(&self, s: Date, e: Date) -> bool {
        self.start <= s && e <= self.end
    }
    /// Whether `[s, e]` overlaps.
    pub fn overlaps(&self, s: Date, e: Date) -> bool {
        s <= self.end && self.start <= e
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} to {}", self.start, self.end)
    }
}

fn first_of_month(y: i32, m: u32) -> Date {
    Date::from_ymd(y, m, 1).expect("valid month")
}

fn quarter_start(d: Date) -> Date {
    first_of_month(d.year(), (d.month() - 1) / 3 * 3 + 1)
}

/// The review in force on `as_of`: the latest review date on or before it, the window of business
/// it judged, and the next review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewPeriod {
    /// Date of the review in force.
    pub date: Date,
    /// Business the review looks at.
    pub window: Span,
    /// Date of the next review, if the program reviews on a cadence.
    pub next: Option<Date>,
}

/// Compute the review in force on `as_of`.
pub fn review_period(review: &Review, as_of: Date) -> ReviewPeriod {
    match review.cadence {
        Cadence::Yearly => {
            let m = review.month.unwrap_or(1).clamp(1, 12);
            let this_year = first_of_month(as_of.year(), m);
            let date = if this_year <= as_of {
                this_year
            } else {
                first_of_month(as_of.year() - 1, m)
            };
            ReviewPeriod {
                date,
                window: Span {
                    start: date.add_months(-12),
                    end: date.add_days(-1),
                },
                next: Some(date.add_months(12)),
            }
        }
        Cadence::Quarterly => {
            let date = quarter_start(as_of);
            ReviewPeriod {
                date,
                window: Span {
                    start: date.add_months(-3),
                    end: date.add_days(-1),
                },
                next: Some(date.add_months(3)),
            }
        }
        Cadence::Monthly => {
            let date = first_of_month(as_of.year(), as_of.month());
            ReviewPeriod {
                date,
                window: Span {
                    start: date.add_months(-1),
                    end: date.add_days(-1),
                },
                next: Some(date.add_months(1)),
            }
        }
        Cadence::Continuous => ReviewPeriod {
            date: as_of,
            window: Span {
                start: as_of.add_months(-12).add_days(1),
                end: as_of,
            },
            next: None,
        },
    }
}

/// Review dates after `from` up to and including `until`.
pub fn reviews_between(review: &Review, from: Date, until: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut next = review_period(review, from).next;
    // Bounded by steps, not by dates found: at the end of the calendar a date stops advancing.
    let mut steps = 0;
    while let Some(d) = next {
        steps += 1;
        if d > until || steps > 400 {
            break;
        }
        if d > from {
            out.push(d);
        }
        next = review_period(review, d).next;
    }
    out
}

/// The days a measure's window covers for a review.
pub fn window_span(window: Window, review: &ReviewPeriod) -> Span {
    let d = review.date;
    match window {
        Window::Review => review.window,
        Window::CalendarYear => Span {
            start: first_of_month(d.year(), 1),
            end: d,
        },
        Window::PreviousCalendarYear => {
            let start = first_of_month(d.year() - 1, 1);
            Span {
                start,
                end: first_of_month(d.year(), 1).add_days(-1),
            }
        }
        Window::Quarter => Span {
            start: quarter_start(d),
            end: d,
        },
        Window::PreviousQuarter => {
            let start = quarter_start(d).add_months(-3);
            Span {
                start,
                end: quarter_start(d).add_days(-1),
            }
        }
        Window::TrailingMonths(n) => Span {
            start: d.add_months(-(n as i32)).add_days(1),
            end: d,
        },
        Window::AllTime => Span {
            start: first_of_month(1, 1),
            end: d,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn review(c: Cadence) -> Review {
        Review {
            cadence: c,
            month: None,
            grace_months: None,
            description: None,
            judge_on: Default::default(),
            goals_every_months: None,
        }
    }

    #[test]
    fn yearly_review_judges_the_previous_year() {
        let r = review_period(&review(Cadence::Yearly), d("2026-11-23"));
        assert_eq!(r.date, d("2026-01-01"));
        assert_eq!(
            r.window,
            Span {
                start: d("2025-01-01"),
                end: d("2025-12-31")
            }
        );
        assert_eq!(r.next, Some(d("2027-01-01")));
        // On the review day itself the new review is in force.
        assert_eq!(
            review_period(&review(Cadence::Yearly), d("2027-01-01"))
                .window
                .start,
            d("2026-01-01")
        );
    }

    #[test]
    fn quarterly_and_continuous_reviews() {
        let q = review_period(&review(Cadence::Quarterly), d("2026-11-23"));
        assert_eq!(
            (q.date, q.window.start, q.window.end),
            (d("2026-10-01"), d("2026-07-01"), d("2026-09-30"))
        );
        let c = review_period(&review(Cadence::Continuous), d("2026-11-23"));
        assert_eq!(
            (c.window.start, c.window.end, c.next),
            (d("2025-11-24"), d("2026-11-23"), None)
        );
    }

    #[test]
    fn reviews_in_the_coming_year() {
        let v = reviews_between(
            &review(Cadence::Quarterly),
            d("2026-11-23"),
            d("2027-11-23"),
        );
        assert_eq!(
            v,
            vec![
                d("2027-01-01"),
                d("2027-04-01"),
                d("2027-07-01"),
                d("2027-10-01")
            ]
        );
    }

    #[test]
    fn windows_relative_to_the_review() {
        let r = review_period(&review(Cadence::Continuous), d("2026-03-31"));
        assert_eq!(
            window_span(Window::TrailingMonths(3), &r),
            Span {
                start: d("2026-01-01"),
                end: d("2026-03-31")
            }
        );
        assert_eq!(
            window_span(Window::PreviousQuarter, &r),
            Span {
                start: d("2025-10-01"),
                end: d("2025-12-31")
            }
        );
        assert_eq!(window_span(Window::CalendarYear, &r).start, d("2026-01-01"));
    }
}
