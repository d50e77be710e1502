//! Turning the person's wall-clock (a date and two times from native inputs) into instants.
//!
//! The app bundles no time-zone database: it asks the browser for the zone's UTC offset at a
//! given instant (`Date.prototype.getTimezoneOffset`) and this module does the rest. The
//! backend and the tests pass their own offset rules, so the same code is judged everywhere.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::validation::{Field, FieldError, Problem};

/// How one wall-clock time maps to instants in a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalResolution {
    Single {
        utc: DateTime<Utc>,
        offset_minutes: i32,
    },
    /// The hour repeated when clocks go back: both readings exist.
    Ambiguous {
        earlier: DateTime<Utc>,
        earlier_offset_minutes: i32,
        later: DateTime<Utc>,
        later_offset_minutes: i32,
    },
    /// Skipped when clocks go forward.
    Nonexistent,
}

/// Resolves `local` given the zone's offset (minutes east of UTC) at any instant.
/// Offsets are assumed to change at most once within a day either side, which holds for
/// every zone in use. A wall time whose instant chrono cannot represent (the very ends of
/// its range, e.g. a typed year 262142) is `Nonexistent` rather than a panic.
pub fn resolve(local: NaiveDateTime, offset_at: &impl Fn(DateTime<Utc>) -> i32) -> LocalResolution {
    let as_if_utc = local.and_utc();
    // The distinct offsets, largest first, so that the instants below come out earliest
    // first. Placed by hand: for at most three numbers the standard library's sorts would add
    // about 4.6 KB of generic code to the app's wasm.
    let mut offsets: Vec<i32> = Vec::with_capacity(3);
    for offset in [-1, 0, 1]
        .into_iter()
        .filter_map(|days| as_if_utc.checked_add_signed(Duration::days(days)))
        .map(offset_at)
    {
        if !offsets.contains(&offset) {
            let at = offsets
                .iter()
                .position(|&o| o < offset)
                .unwrap_or(offsets.len());
            offsets.insert(at, offset);
        }
    }
    // Distinct offsets give distinct instants, in the same (descending offset) order.
    let valid: Vec<(DateTime<Utc>, i32)> = offsets
        .into_iter()
        .filter_map(|offset| {
            let instant = as_if_utc.checked_sub_signed(Duration::minutes(offset.into()))?;
            Some((instant, offset))
        })
        .filter(|(instant, offset)| offset_at(*instant) == *offset)
        .collect();
    match valid.as_slice() {
        [] => LocalResolution::Nonexistent,
        [(utc, offset)] => LocalResolution::Single {
            utc: *utc,
            offset_minutes: *offset,
        },
        [(earlier, eo), .., (later, lo)] => LocalResolution::Ambiguous {
            earlier: *earlier,
            earlier_offset_minutes: *eo,
            later: *later,
            later_offset_minutes: *lo,
        },
    }
}

/// The meeting's times as the form understood them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeetingTimes {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The end time was at or before the start time, so it is read as the next day.
    pub ends_next_day: bool,
    /// Set when the start fell in a repeated hour: the offset that was taken (the first
    /// occurrence, as browsers do), so the form can say so.
    pub start_ambiguous_offset: Option<i32>,
    pub end_ambiguous_offset: Option<i32>,
}

pub use crate::wire_time::{parse_date, parse_time};

fn pick(resolution: LocalResolution) -> Option<(DateTime<Utc>, Option<i32>)> {
    match resolution {
        LocalResolution::Single { utc, .. } => Some((utc, None)),
        LocalResolution::Ambiguous {
            earlier,
            earlier_offset_minutes,
            ..
        } => Some((earlier, Some(earlier_offset_minutes))),
        LocalResolution::Nonexistent => None,
    }
}

/// Reads the form's date, start and end (wall-clock) into instants. An end at or before the
/// start means the next day. Errors name the field to show them at.
pub fn meeting_times(
    date: &str,
    start: &str,
    end: &str,
    offset_at: &impl Fn(DateTime<Utc>) -> i32,
) -> Result<MeetingTimes, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = parse_date(date);
    let start = parse_time(start);
    let end = parse_time(end);
    for (value_missing, field) in [
        (date.is_none(), Field::Date),
        (start.is_none(), Field::Start),
        (end.is_none(), Field::End),
    ] {
        if value_missing {
            errors.push(FieldError {
                field,
                problem: Problem::Required,
            });
        }
    }
    let (Some(date), Some(start), Some(end)) = (date, start, end) else {
        return Err(errors);
    };
    let ends_next_day = end <= start;
    let end_date = if ends_next_day {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let start_at = pick(resolve(date.and_time(start), offset_at));
    let end_at = pick(resolve(end_date.and_time(end), offset_at));
    for (resolved, field) in [(start_at, Field::Start), (end_at, Field::End)] {
        if resolved.is_none() {
            errors.push(FieldError {
                field,
                problem: Problem::NonexistentLocalTime,
            });
        }
    }
    match (start_at, end_at) {
        (Some((starts_at, start_ambiguous_offset)), Some((ends_at, end_ambiguous_offset))) => {
            Ok(MeetingTimes {
                starts_at,
                ends_at,
                ends_next_day,
                start_ambiguous_offset,
                end_ambiguous_offset,
            })
        }
        _ => Err(errors),
    }
}

/// `UTC+01:00`, `UTC-03:30`, `UTC+00:00`.
pub fn format_offset(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 60, abs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone};

    /// Europe/Madrid in 2026: CET (+60) but CEST (+120) from 29 March 01:00 UTC
    /// to 25 October 01:00 UTC.
    fn madrid(at: DateTime<Utc>) -> i32 {
        let spring = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        if at >= spring && at < autumn {
            120
        } else {
            60
        }
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn an_ordinary_winter_time() {
        assert_eq!(
            resolve(local(2026, 1, 15, 10, 0), &madrid),
            LocalResolution::Single {
                utc: Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
                offset_minutes: 60
            }
        );
    }

    #[test]
    fn spring_forward_gap_does_not_exist() {
        assert_eq!(
            resolve(local(2026, 3, 29, 2, 30), &madrid),
            LocalResolution::Nonexistent
        );
        assert!(matches!(
            resolve(local(2026, 3, 29, 3, 0), &madrid),
            LocalResolution::Single {
                offset_minutes: 120,
                ..
            }
        ));
    }

    #[test]
    fn fall_back_hour_is_ambiguous_and_the_first_is_taken() {
        let r = resolve(local(2026, 10, 25, 2, 30), &madrid);
        assert_eq!(
            r,
            LocalResolution::Ambiguous {
                earlier: Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap(),
                earlier_offset_minutes: 120,
                later: Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap(),
                later_offset_minutes: 60,
            }
        );
        let times = meeting_times("2026-10-25", "02:30", "03:30", &madrid).unwrap();
        assert_eq!(times.start_ambiguous_offset, Some(120));
        assert_eq!(times.ends_at - times.starts_at, Duration::hours(2));
    }

    #[test]
    fn end_before_start_means_next_day() {
        let t = meeting_times("2026-01-15", "23:30", "00:30", &madrid).unwrap();
        assert!(t.ends_next_day);
        assert_eq!(t.ends_at - t.starts_at, Duration::hours(1));
        let same = meeting_times("2026-01-15", "10:00", "10:00", &madrid).unwrap();
        assert!(same.ends_next_day);
        assert_eq!(same.ends_at - same.starts_at, Duration::hours(24));
    }

    #[test]
    fn nonexistent_start_is_reported_at_the_start_field() {
        let errors = meeting_times("2026-03-29", "02:15", "04:00", &madrid).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError {
                field: Field::Start,
                problem: Problem::NonexistentLocalTime
            }]
        );
    }

    #[test]
    fn missing_parts_are_required() {
        let errors = meeting_times("", "10:00", "nope", &madrid).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![Field::Date, Field::End]);
    }

    #[test]
    fn offsets_read_like_people_write_them() {
        assert_eq!(format_offset(60), "UTC+01:00");
        assert_eq!(format_offset(-210), "UTC-03:30");
        assert_eq!(format_offset(0), "UTC+00:00");
    }

    /// Found by the property tests: a date at the end of chrono's range used to panic.
    #[test]
    fn dates_at_the_ends_of_the_range_do_not_panic() {
        let times = meeting_times("+262142-12-30", "02:12", "00:00", &madrid).unwrap();
        assert!(times.ends_next_day);
        let max = NaiveDate::MAX.and_hms_opt(23, 59, 0).unwrap();
        assert_eq!(resolve(max, &|_| -60), LocalResolution::Nonexistent);
        let min = NaiveDate::MIN.and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(resolve(min, &|_| 60), LocalResolution::Nonexistent);
        assert!(matches!(
            resolve(min, &|_| 0),
            LocalResolution::Single {
                offset_minutes: 0,
                ..
            }
        ));
    }

    #[test]
    fn seconds_from_some_browsers_are_accepted() {
        assert_eq!(parse_time("09:05:00"), NaiveTime::from_hms_opt(9, 5, 0));
    }
}
