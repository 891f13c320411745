//! The one clock: "today", the default of every `--as-of`.
//!
//! The date is taken in the time zone set by `--tz`, else by the `TZ` environment variable
//! (an IANA name such as `Europe/Berlin`, or any value the system's `TZ` handling accepts), else
//! in UTC. Without either, a run at 00:30 in Berlin judges the previous day, as CI does.

use std::sync::OnceLock;

use jiff::tz::TimeZone;

use crate::model::scalar::Date;

/// The zone set by `--tz` for this process; read once, at the first [`today`].
static ZONE: OnceLock<TimeZone> = OnceLock::new();

/// Parse `--tz` (an IANA time zone name); clap reports a bad name as a usage error.
pub fn parse_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|e| format!("unknown time zone {name:?}: {e}"))
}

/// Use `zone` for [`today`] from now on (the binary calls this once, for `--tz`).
pub fn set_zone(zone: TimeZone) {
    // A second call (tests in one process) keeps the first zone: `today` must not change.
    let _ = ZONE.set(zone);
}

/// The zone of `TZ` when it is set and understood, else UTC.
fn zone_from_env() -> TimeZone {
    match std::env::var_os("TZ") {
        Some(v) if !v.is_empty() => TimeZone::try_system().unwrap_or(TimeZone::UTC),
        _ => TimeZone::UTC,
    }
}

/// Today's date in the zone described in the module documentation.
pub fn today() -> Date {
    date_in(jiff::Timestamp::now(), ZONE.get_or_init(zone_from_env))
}

/// The calendar date of instant `at` in `zone`.
fn date_in(at: jiff::Timestamp, zone: &TimeZone) -> Date {
    let d = at.to_zoned(zone.clone()).date();
    Date::from_ymd(i32::from(d.year()), d.month() as u32, d.day() as u32)
        .unwrap_or_else(|| Date(chrono::Utc::now().date_naive()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_parse_and_nonsense_is_refused() {
        assert!(parse_zone("Europe/Berlin").is_ok());
        let err = parse_zone("Mars/Olympus").unwrap_err();
        assert!(
            err.starts_with("unknown time zone \"Mars/Olympus\""),
            "{err}"
        );
    }

    #[test]
    fn the_date_is_the_one_in_the_zone() {
        // 23:30 UTC on 29 November is 00:30 on 30 November in Berlin (UTC+1 in winter).
        let at: jiff::Timestamp = "2026-11-29T23:30:00Z".parse().unwrap();
        let berlin = parse_zone("Europe/Berlin").unwrap();
        assert_eq!(
            date_in(at, &TimeZone::UTC),
            Date::from_ymd(2026, 11, 29).unwrap()
        );
        assert_eq!(date_in(at, &berlin), Date::from_ymd(2026, 11, 30).unwrap());
    }
}
