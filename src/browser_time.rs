//! The browser's clock and time zone.
//!
//! The app ships no time-zone database: the browser already knows the person's zone, so it is
//! the oracle `meeting::local_time` asks for offsets, and `Intl` formats instants for people.
//! `chrono::Utc::now()` would panic on `wasm32-unknown-unknown`, hence `Date.now()`.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use js_sys::{Array, Date, Intl, Reflect};
use meeting::local_time::format_offset;
use meeting::Lang;
use wasm_bindgen::JsValue;

use crate::text;

fn js_date(at: DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(at.timestamp_millis() as f64))
}

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// The zone's offset at `at`, in minutes east of UTC (`getTimezoneOffset` counts west).
pub fn offset_minutes_at(at: DateTime<Utc>) -> i32 {
    -(js_date(at).get_timezone_offset() as i32)
}

/// The IANA name of the browser's zone, e.g. `Europe/Madrid`.
///
/// `Temporal.Now.timeZoneId()` where the browser has it: the first `Intl.DateTimeFormat` a
/// page builds loads the locale data, which took about 40 ms of the create form's start-up at
/// 4× CPU slowdown. Browsers without Temporal take the `Intl` path.
pub fn zone_name() -> Option<String> {
    let temporal = crate::js_method::call(&js_sys::global(), &["Temporal", "Now"], "timeZoneId");
    temporal.and_then(|zone| zone.as_string()).or_else(|| {
        let options =
            Intl::DateTimeFormat::new(&Array::new(), &js_sys::Object::new()).resolved_options();
        Reflect::get(&options, &JsValue::from_str("timeZone"))
            .ok()?
            .as_string()
    })
}

/// `Europe/Madrid, UTC+01:00`, with the offset in force at `at`.
pub fn zone_label(lang: Lang, at: DateTime<Utc>) -> String {
    text::zone_label(
        lang,
        zone_name().as_deref(),
        &format_offset(offset_minutes_at(at)),
    )
}

fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + Duration::minutes(offset_minutes_at(at).into())
}

/// Whether two instants fall on the same calendar day here.
pub fn same_local_day(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    local(a).date() == local(b).date()
}

/// The wall-clock time here and now, to the minute.
pub fn local_now() -> NaiveDateTime {
    let local = local(now());
    local
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(local)
}

/// The form's default slot: today (or tomorrow, late at night), from the next half hour,
/// thirty minutes long. Returns the values of the date, start and end inputs.
pub fn default_slot() -> (String, String, String) {
    let now = local_now();
    let past_half_hour = i64::from(now.minute() % 30);
    let start = now + Duration::minutes(30 - past_half_hour);
    let end = start + Duration::minutes(30);
    (date_input(start.date()), time_input(start), time_input(end))
}

/// The date, start and end inputs' values for a meeting's instants, in the person's zone.
pub fn slot_of(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> (String, String, String) {
    let (start, end) = (local(starts_at), local(ends_at));
    (date_input(start.date()), time_input(start), time_input(end))
}

/// The value format of `<input type=date>`.
pub fn date_input(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// The value format of `<input type=time>`.
pub fn time_input(at: NaiveDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

fn format_with(lang: Lang, at: DateTime<Utc>, options: &Intl::DateTimeFormatOptions) -> String {
    // The browser's own variant of the app's language: dates read the way the person reads
    // them everywhere else (24-hour or 12-hour clock, day-month order), in the words shown.
    let locales = Array::of1(&JsValue::from_str(&crate::language::locale(lang)));
    let formatter = Intl::DateTimeFormat::new(&locales, options);
    formatter
        .format()
        .call1(&JsValue::UNDEFINED, &js_date(at))
        .ok()
        .and_then(|formatted| formatted.as_string())
        .unwrap_or_default()
}

/// `Tuesday, 2 December 2025` in the person's zone and locale.
pub fn format_date(lang: Lang, at: DateTime<Utc>) -> String {
    let options = Intl::DateTimeFormatOptions::new();
    options.set_date_style(Intl::DateTimeStyle::Full);
    format_with(lang, at, &options)
}

/// `10:30` (or `10:30 AM`) in the person's zone and locale.
pub fn format_time(lang: Lang, at: DateTime<Utc>) -> String {
    let options = Intl::DateTimeFormatOptions::new();
    options.set_time_style(Intl::DateTimeStyle::Short);
    format_with(lang, at, &options)
}
