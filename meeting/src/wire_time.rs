//! Instants on the wire (RFC 3339, as chrono writes them) and the form's date and time inputs,
//! read and written by hand.
//!
//! Why not chrono's own parsers and formatters: they are generic over strftime-like format items
//! and, in the app's wasm, cost about 25 KB of code before compression, for the three shapes this
//! crate ever reads. The output is byte for byte what chrono's `Serialize` writes (the property
//! tests hold it to that), so the backend and the app agree with each other and with chrono.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use serde::{de, Deserializer, Serializer};

/// `2026-03-29T01:30:00Z`, with a fraction only when there is one (3, 6 or 9 digits), like
/// chrono's `to_rfc3339_opts(SecondsFormat::AutoSi, true)`.
pub fn format(at: &DateTime<Utc>) -> String {
    let date = at.date_naive();
    let time = at.time();
    let year = date.year();
    let mut out = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+05}")
    };
    // A leap second is kept by chrono as nanoseconds past 10⁹ in the 59th second.
    let (second, nanos) = match time.nanosecond() {
        n if n >= 1_000_000_000 => (60, n - 1_000_000_000),
        n => (time.second(), n),
    };
    out.push_str(&format!(
        "-{:02}-{:02}T{:02}:{:02}:{second:02}",
        date.month(),
        date.day(),
        time.hour(),
        time.minute()
    ));
    if nanos != 0 {
        let fraction = if nanos % 1_000_000 == 0 {
            format!(".{:03}", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            format!(".{:06}", nanos / 1_000)
        } else {
            format!(".{nanos:09}")
        };
        out.push_str(&fraction);
    }
    out.push('Z');
    out
}

/// An RFC 3339 instant with any offset (`Z`, `z` or `±HH:MM`), `T`, `t` or a space between date
/// and time, and any number of fraction digits (beyond nine they are dropped). Years may carry
/// a sign, as chrono writes those outside 0000–9999.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let mut s = Cursor(raw.as_bytes());
    let date = s.date()?;
    if !matches!(s.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute) = (s.digits(2, 2)?, s.after(b':')?.digits(2, 2)?);
    let second = s.after(b':')?.digits(2, 2)?;
    let mut nanos = 0;
    if s.peek() == Some(b'.') {
        s.next();
        let digits = s.take_while(|b| b.is_ascii_digit());
        if digits.is_empty() {
            return None;
        }
        for position in 0..9 {
            nanos = nanos * 10 + digits.get(position).map_or(0, |d| u32::from(d - b'0'));
        }
    }
    let offset_minutes: i64 = match s.next()? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let hours = i64::from(s.digits(2, 2)?);
            let minutes = i64::from(s.after(b':')?.digits(2, 2)?);
            if minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    if !s.0.is_empty() {
        return None;
    }
    let time = match second {
        60 => NaiveTime::from_hms_nano_opt(hour, minute, 59, nanos + 1_000_000_000),
        _ => NaiveTime::from_hms_nano_opt(hour, minute, second, nanos),
    }?;
    let local = date.and_time(time);
    let utc = local.checked_sub_signed(chrono::Duration::minutes(offset_minutes))?;
    Some(utc.and_utc())
}

/// A native date input's value: `YYYY-MM-DD` (a signed year is accepted, as chrono writes
/// years outside 0000–9999), with surrounding white space ignored.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let mut s = Cursor(raw.trim().as_bytes());
    let date = s.date()?;
    s.0.is_empty().then_some(date)
}

/// A native time input's value: `HH:MM`, or `HH:MM:SS` as some browsers give it.
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    let mut s = Cursor(raw.trim().as_bytes());
    let hour = s.digits(1, 2)?;
    let minute = s.after(b':')?.digits(1, 2)?;
    let second = match s.peek() {
        None => 0,
        Some(b':') => s.after(b':')?.digits(1, 2)?,
        Some(_) => return None,
    };
    if !s.0.is_empty() {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// Serde `with` module for `DateTime<Utc>` fields of the contract.
pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(InstantVisitor)
}

struct InstantVisitor;

impl de::Visitor<'_> for InstantVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse(value).ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

/// A tiny reader over ASCII bytes.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn next(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let end = self
            .0
            .iter()
            .position(|b| !keep(*b))
            .unwrap_or(self.0.len());
        let (taken, rest) = self.0.split_at(end);
        self.0 = rest;
        taken
    }

    /// Consumes `expected` or fails.
    fn after(&mut self, expected: u8) -> Option<&mut Self> {
        (self.next()? == expected).then_some(self)
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let digits = self.take_while(|b| b.is_ascii_digit());
        if digits.len() < min || digits.len() > max {
            return None;
        }
        Some(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    /// `[±]YYYY-MM-DD`; a year has at least four digits and at most six (chrono's range).
    fn date(&mut self) -> Option<NaiveDate> {
        let negative = match self.peek()? {
            b'+' => {
                self.next();
                false
            }
            b'-' => {
                self.next();
                true
            }
            _ => false,
        };
        let year = i32::try_from(self.digits(4, 6)?).ok()?;
        let year = if negative { -year } else { year };
        let month = self.after(b'-')?.digits(2, 2)?;
        let day = self.after(b'-')?.digits(2, 2)?;
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_goto_and_browsers_write() {
        let at = |s| parse(s).map(|t| format(&t));
        assert_eq!(
            at("2026-03-29T01:30:00Z").as_deref(),
            Some("2026-03-29T01:30:00Z")
        );
        assert_eq!(
            at("2026-03-29t03:30:00+02:00").as_deref(),
            Some("2026-03-29T01:30:00Z")
        );
        assert_eq!(
            at("2026-03-29 01:30:00.5z").as_deref(),
            Some("2026-03-29T01:30:00.500Z")
        );
        assert_eq!(
            at("2026-03-28T20:00:00-05:30").as_deref(),
            Some("2026-03-29T01:30:00Z")
        );
        for bad in [
            "",
            "2026-03-29",
            "2026-03-29T01:30Z",
            "2026-03-29T01:30:00",
            "2026-3-29T01:30:00Z",
            "2026-02-30T01:30:00Z",
            "2026-03-29T24:00:00Z",
            "2026-03-29T01:30:00.Z",
            "2026-03-29T01:30:00+01:60",
            "2026-03-29T01:30:00Z ",
        ] {
            assert_eq!(parse(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn reads_the_form_inputs() {
        assert_eq!(
            parse_date(" 2027-03-28 "),
            NaiveDate::from_ymd_opt(2027, 3, 28)
        );
        assert_eq!(
            parse_date("+10000-01-01"),
            NaiveDate::from_ymd_opt(10000, 1, 1)
        );
        assert_eq!(
            parse_date("-0001-12-31"),
            NaiveDate::from_ymd_opt(-1, 12, 31)
        );
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("27-03-28"), None);
        assert_eq!(parse_time("02:30"), NaiveTime::from_hms_opt(2, 30, 0));
        assert_eq!(parse_time("9:05:07"), NaiveTime::from_hms_opt(9, 5, 7));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("12:30:"), None);
        assert_eq!(parse_time("12h30"), None);
    }
}
