//! Property tests of the contract (issue 6): no input makes a rule panic, wall-clock → UTC
//! round-trips through synthetic time-zone rules (DST gaps and overlaps included), and every
//! limit is exact. Case counts are kept low enough that `cargo test -p meeting` stays a few
//! seconds, since these run in `cargo xtask test` in CI. Host only (proptest does not build
//! for wasm32-unknown-unknown).

#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use meeting::local_time::{self, resolve, LocalResolution};
use meeting::search;
use meeting::validation::{self, check_subject, Field, FieldError, Problem};
use meeting::{CreateMeeting, Lang, MeetingId};
use proptest::prelude::*;

const CASES: u32 = 1024;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// Any instant chrono can represent, with a bias towards the present.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let min = DateTime::<Utc>::MIN_UTC.timestamp();
    let max = DateTime::<Utc>::MAX_UTC.timestamp();
    prop_oneof![
        (min..=max, 0u32..1_000_000_000)
            .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap()),
        (-400i64 * 86_400..=400 * 86_400).prop_map(|s| now() + Duration::seconds(s)),
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
    ]
}

/// Any string, and strings made of the characters the rules care about.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Zñé<>&\t\n\u{0}\u{7f}\u{a0}\u{3000}0-9]{0,140}",
    ]
}

fn coorganizer_keys() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof!["[0-9]{1,4}", "[0-9a-z/.]{0,4}"], 0..14)
}

fn any_meeting() -> impl Strategy<Value = CreateMeeting> {
    (
        any_text(),
        any_instant(),
        any_instant(),
        any::<bool>(),
        coorganizer_keys(),
    )
        .prop_map(
            |(subject, starts_at, ends_at, password_required, coorganizer_keys)| CreateMeeting {
                subject,
                starts_at,
                ends_at,
                password_required,
                coorganizer_keys,
            },
        )
}

/// Date-like strings, including years at and beyond the ends of chrono's range.
fn date_like() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        1900i32..2200,
        -300_000i32..300_000,
        262_140i32..=262_143,
        -262_144i32..=-262_140,
    ];
    prop_oneof![
        (year, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (262_142i32..=262_143, 12u32..=12, 28u32..=31)
            .prop_map(|(y, m, d)| format!("+{y}-{m:02}-{d:02}")),
        any::<String>(),
    ]
}

fn time_like() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..=25, 0u32..=61).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        (0u32..=24, 0u32..=60, 0u32..=61).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
        any::<String>(),
    ]
}

// ---------------------------------------------------------------------------------------
// Synthetic time-zone rules (the app passes the browser's offsets; these stand in for them)
// ---------------------------------------------------------------------------------------

/// A zone with one daylight-saving period a year, switching at 01:00 UTC like the EU.
/// Northern: from the last Sunday of March to the last Sunday of October (Europe/Madrid is
/// `std: 60, delta: 60, southern: false`). Southern: from the last Sunday of September to
/// the first Sunday of April, across the new year.
#[derive(Clone, Copy, Debug)]
struct Zone {
    std: i32,
    delta: i32,
    southern: bool,
}

const MADRID: Zone = Zone {
    std: 60,
    delta: 60,
    southern: false,
};

fn sunday_on_or_before(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_sunday().into())
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap();
    sunday_on_or_before(first_of_next - Duration::days(1))
}

fn first_sunday(year: i32, month: u32) -> NaiveDate {
    sunday_on_or_before(NaiveDate::from_ymd_opt(year, month, 7).unwrap())
}

fn at_one_utc(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(1, 0, 0).unwrap().and_utc()
}

impl Zone {
    /// (clocks go forward, clocks go back) in `year`, as instants.
    fn transitions(self, year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
        if self.southern {
            (
                at_one_utc(last_sunday(year, 9)),
                at_one_utc(first_sunday(year, 4)),
            )
        } else {
            (
                at_one_utc(last_sunday(year, 3)),
                at_one_utc(last_sunday(year, 10)),
            )
        }
    }

    fn offset_at(self, at: DateTime<Utc>) -> i32 {
        let (forward, back) = self.transitions(at.year());
        let summer = if self.southern {
            at >= forward || at < back
        } else {
            at >= forward && at < back
        };
        self.std + if summer { self.delta } else { 0 }
    }

    fn wall(at: DateTime<Utc>, offset: i32) -> NaiveDateTime {
        (at + Duration::minutes(offset.into())).naive_utc()
    }

    /// The skipped wall-clock hour of `year`: `[from, to)`.
    fn gap(self, year: i32) -> (NaiveDateTime, NaiveDateTime) {
        let (forward, _) = self.transitions(year);
        (
            Zone::wall(forward, self.std),
            Zone::wall(forward, self.std + self.delta),
        )
    }

    /// The repeated wall-clock hour of `year`: `[from, to)`.
    fn overlap(self, year: i32) -> (NaiveDateTime, NaiveDateTime) {
        let (_, back) = self.transitions(year);
        (
            Zone::wall(back, self.std),
            Zone::wall(back, self.std + self.delta),
        )
    }
}

fn any_zone() -> impl Strategy<Value = Zone> {
    prop_oneof![
        Just(MADRID),
        (
            (-48i32..=56).prop_map(|q| q * 15),
            prop::sample::select(vec![30, 60, 120]),
            any::<bool>()
        )
            .prop_map(|(std, delta, southern)| Zone {
                std,
                delta,
                southern
            }),
    ]
}

fn wall_clock(year: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = NaiveDateTime> {
    (year, 0u32..366 * 86_400).prop_map(|(y, s)| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_time(NaiveTime::MIN)
            + Duration::seconds(s.into())
    })
}

// ---------------------------------------------------------------------------------------
// No panics
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn validate_never_panics_and_agrees_with_the_single_checks(meeting in any_meeting()) {
        let result = validation::validate(&meeting, now());
        let subject = check_subject(&meeting.subject);
        let coorganizers = validation::check_coorganizers(&meeting.coorganizer_keys);
        let times = validation::check_times(meeting.starts_at, meeting.ends_at, now());
        let all_pass = subject.is_none() && coorganizers.is_none() && times.is_empty();
        prop_assert_eq!(result.is_ok(), all_pass);
        if let Err(errors) = result {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                prop_assert!(!e.problem.message(Lang::En).is_empty());
                prop_assert!(!e.problem.message(Lang::Es).is_empty());
            }
        } else {
            // What the backend sends GoTo for an accepted meeting.
            let escaped = validation::escape_subject_for_goto(&meeting.subject);
            prop_assert!(escaped.chars().count() <= validation::SUBJECT_MAX);
            prop_assert!(!escaped.contains(['<', '>']));
        }
    }

    #[test]
    fn validate_never_panics_for_any_realistic_clock(
        meeting in any_meeting(),
        // Any clock a server or browser could show: years 1 to 9999.
        now_s in -62_135_596_800i64..=253_402_300_799,
    ) {
        let now = DateTime::from_timestamp(now_s, 0).unwrap();
        let _ = validation::validate(&meeting, now);
    }

    #[test]
    fn create_meeting_json_round_trips(meeting in any_meeting()) {
        let json = serde_json::to_string(&meeting).unwrap();
        let back: CreateMeeting = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, meeting);
    }

    /// An app from before GoTo's yes/no password sent the password itself. Its body still
    /// creates a meeting, and the text, which GoTo would never receive, asks for nothing.
    #[test]
    fn an_old_apps_password_is_ignored(password in prop::option::of(any_text())) {
        let body = serde_json::json!({
            "subject": "Weekly sync",
            "starts_at": "2026-03-10T13:00:00Z",
            "ends_at": "2026-03-10T14:00:00Z",
            "password": password,
        });
        let meeting: CreateMeeting = serde_json::from_value(body).unwrap();
        prop_assert!(!meeting.password_required);
        prop_assert!(!serde_json::to_string(&meeting).unwrap().contains("\"password\""));
        prop_assert_eq!(validation::validate(&meeting, now()), Ok(()));
    }

    #[test]
    fn wire_time_writes_what_chrono_writes_and_reads_it_back(at in any_instant()) {
        let ours = meeting::wire_time::format(&at);
        prop_assert_eq!(serde_json::to_value(at).unwrap(), serde_json::Value::String(ours.clone()));
        prop_assert_eq!(meeting::wire_time::parse(&ours), Some(at));
    }

    #[test]
    fn wire_time_reads_any_offset_and_fraction(
        at in any_instant().prop_filter("four-digit years", |t| (1..=9998).contains(&t.year())),
        offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
        separator in prop_oneof![Just("T"), Just("t"), Just(" ")],
    ) {
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let written = at
            .with_timezone(&offset)
            .to_rfc3339_opts(chrono::SecondsFormat::Nanos, false)
            .replacen('T', separator, 1);
        prop_assert_eq!(meeting::wire_time::parse(&written), Some(at));
        // chrono, reading the same text, agrees.
        prop_assert_eq!(DateTime::parse_from_rfc3339(&written).unwrap().to_utc(), at);
    }

    #[test]
    fn wire_time_parse_never_panics(s in any::<String>(), d in date_like(), t in time_like()) {
        let _ = meeting::wire_time::parse(&s);
        let _ = meeting::wire_time::parse(&format!("{d}T{t}Z"));
        let _ = meeting::wire_time::parse(&format!("{d}T{t}.123456789123+23:59"));
    }

    #[test]
    fn subject_checks_never_panic(s in any_text()) {
        let _ = check_subject(&s);
        let _ = validation::escape_subject_for_goto(&s);
    }

    #[test]
    fn meeting_times_never_panics(
        date in date_like(),
        start in time_like(),
        end in time_like(),
        zone in any_zone(),
        fixed in -18 * 60i32..=18 * 60,
    ) {
        let _ = local_time::meeting_times(&date, &start, &end, &|at| zone.offset_at(at));
        let _ = local_time::meeting_times(&date, &start, &end, &|_| fixed);
    }

    #[test]
    fn parse_date_and_time_never_panic(s in any::<String>(), d in date_like(), t in time_like()) {
        let _ = local_time::parse_date(&s);
        let _ = local_time::parse_time(&s);
        let _ = local_time::parse_date(&d);
        let _ = local_time::parse_time(&t);
    }

    #[test]
    fn fold_and_matches_never_panic(query in any::<String>(), fields in prop::collection::vec(any::<String>(), 0..4)) {
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        let _ = search::matches(&query, &refs);
        let folded = search::fold(&query);
        prop_assert_eq!(search::fold(&folded), folded.clone(), "folding twice changes nothing");
        prop_assert!(search::matches(&query, &[query.as_str()]), "a text finds itself");
    }

    #[test]
    fn meeting_id_parse_and_display_never_panic(s in prop_oneof![any::<String>(), "[0-9]{0,22}", "-?[0-9 /.]{0,6}"]) {
        // Digits only, and within int64 (GoTo's id type).
        let expected = (1..=19).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<i64>().is_ok();
        match MeetingId::parse(&s) {
            Some(id) => {
                prop_assert!(expected);
                prop_assert_eq!(id.as_str(), s.as_str());
                prop_assert_eq!(id.to_string(), s.clone());
                let grouped = id.display_grouped();
                prop_assert_eq!(grouped.replace('-', ""), s.clone());
                let groups: Vec<&str> = grouped.split('-').collect();
                let (last, full) = groups.split_last().unwrap();
                prop_assert!(full.iter().all(|g| g.len() == 3));
                prop_assert!((1..=3).contains(&last.len()));
            }
            None => prop_assert!(!expected),
        }
    }

    #[test]
    fn negotiate_never_panics(header in any::<String>()) {
        let _ = Lang::negotiate(&header);
    }

    /// The best quality among `es`/`en` tags wins, the first on a tie; nothing usable: English.
    #[test]
    fn negotiate_honours_quality_values(
        entries in prop::collection::vec(
            (
                prop::sample::select(vec!["es", "es-ES", "ES-mx", "es_AR", "en", "en-US", "EN_gb", "fr", "de-DE", "*", "eo", "esperanto"]),
                prop::option::of(0u32..=1000),
                prop::sample::select(vec!["", " ", "  "]),
            ),
            0..6,
        ),
    ) {
        let header = entries
            .iter()
            .map(|(tag, q, pad)| match q {
                Some(q) => format!("{pad}{tag};q={}.{:03}", q / 1000, q % 1000),
                None => format!("{pad}{tag}"),
            })
            .collect::<Vec<_>>()
            .join(",");
        let mut best: Option<(u32, Lang)> = None;
        for (tag, q, _) in &entries {
            let q = q.unwrap_or(1000);
            let lang = match tag.to_ascii_lowercase().split(['-', '_']).next().unwrap() {
                "es" => Lang::Es,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        prop_assert_eq!(Lang::negotiate(&header), best.map(|(_, l)| l).unwrap_or(Lang::En), "{}", header);
    }
}

// ---------------------------------------------------------------------------------------
// Wall clock → UTC
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// With a fixed offset every wall time is a single instant, and converting back gives it.
    #[test]
    fn fixed_offset_round_trip(local in wall_clock(1..=9998), offset in -18 * 60i32..=18 * 60) {
        let expected = local.and_utc() - Duration::minutes(offset.into());
        prop_assert_eq!(
            resolve(local, &|_| offset),
            LocalResolution::Single { utc: expected, offset_minutes: offset }
        );
        prop_assert_eq!(Zone::wall(expected, offset), local);
    }

    /// Resolving a wall time and converting back with the offset used gives the same wall
    /// clock; gaps (and only gaps) are `Nonexistent`, overlaps (and only overlaps) ambiguous.
    #[test]
    fn dst_zone_round_trip(
        zone in any_zone(),
        local in prop_oneof![
            wall_clock(1971..=2099),
            // Near the changes, where it matters.
            (1971i32..=2099, any::<bool>(), -3 * 3600i64..=3 * 3600).prop_map(|(y, forward, s)| {
                let (f, b) = MADRID.transitions(y);
                Zone::wall(if forward { f } else { b }, 60) + Duration::seconds(s)
            }),
        ],
    ) {
        let offset_at = |at| zone.offset_at(at);
        let (gap_from, gap_to) = zone.gap(local.year());
        let (overlap_from, overlap_to) = zone.overlap(local.year());
        let in_gap = gap_from <= local && local < gap_to;
        let in_overlap = overlap_from <= local && local < overlap_to;
        match resolve(local, &offset_at) {
            LocalResolution::Single { utc, offset_minutes } => {
                prop_assert!(!in_gap && !in_overlap);
                prop_assert_eq!(offset_at(utc), offset_minutes);
                prop_assert_eq!(Zone::wall(utc, offset_minutes), local);
            }
            LocalResolution::Ambiguous { earlier, earlier_offset_minutes, later, later_offset_minutes } => {
                prop_assert!(in_overlap);
                prop_assert!(earlier < later);
                prop_assert_eq!(later - earlier, Duration::minutes(zone.delta.into()));
                prop_assert_eq!(earlier_offset_minutes, zone.std + zone.delta);
                prop_assert_eq!(later_offset_minutes, zone.std);
                prop_assert_eq!(offset_at(earlier), earlier_offset_minutes);
                prop_assert_eq!(offset_at(later), later_offset_minutes);
                prop_assert_eq!(Zone::wall(earlier, earlier_offset_minutes), local);
                prop_assert_eq!(Zone::wall(later, later_offset_minutes), local);
            }
            LocalResolution::Nonexistent => prop_assert!(in_gap),
        }
    }

    /// From the other side: the wall clock of any instant resolves back to that instant.
    #[test]
    fn every_instant_is_found_from_its_wall_clock(
        zone in any_zone(),
        at in (1971i32..=2099, 0i64..366 * 86_400).prop_map(|(y, s)| {
            Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(s)
        }),
    ) {
        let offset_at = |at| zone.offset_at(at);
        let local = Zone::wall(at, offset_at(at));
        match resolve(local, &offset_at) {
            LocalResolution::Single { utc, .. } => prop_assert_eq!(utc, at),
            LocalResolution::Ambiguous { earlier, later, .. } => prop_assert!(at == earlier || at == later),
            LocalResolution::Nonexistent => prop_assert!(false, "{local} is the wall clock of {at}"),
        }
    }

    /// Every wall time skipped when the clocks go forward is `Nonexistent`, and the form
    /// reports it at the start field.
    #[test]
    fn every_time_in_a_gap_is_nonexistent(zone in any_zone(), year in 1971i32..=2099, into in 0i64..3600 * 2) {
        let (from, to) = zone.gap(year);
        let local = from + Duration::seconds(into % (to - from).num_seconds());
        prop_assert_eq!(resolve(local, &|at| zone.offset_at(at)), LocalResolution::Nonexistent);
        let errors = local_time::meeting_times(
            &local.date().format("%Y-%m-%d").to_string(),
            &local.time().format("%H:%M:%S").to_string(),
            &(to + Duration::hours(1)).time().format("%H:%M:%S").to_string(),
            &|at| zone.offset_at(at),
        )
        .unwrap_err();
        let nonexistent = FieldError {
            field: Field::Start,
            problem: Problem::NonexistentLocalTime,
        };
        prop_assert!(errors.contains(&nonexistent), "{:?}", errors);
    }

    /// Every wall time repeated when the clocks go back is ambiguous, the two readings
    /// `delta` apart (60 minutes in Madrid), and the form takes the first.
    #[test]
    fn every_time_in_an_overlap_is_ambiguous(zone in any_zone(), year in 1971i32..=2099, into in 0i64..3600 * 2) {
        let (from, to) = zone.overlap(year);
        let local = from + Duration::seconds(into % (to - from).num_seconds());
        let resolution = resolve(local, &|at| zone.offset_at(at));
        let LocalResolution::Ambiguous { earlier, earlier_offset_minutes, later, .. } = resolution else {
            return Err(TestCaseError::fail(format!("{local}: {resolution:?}")));
        };
        prop_assert!(earlier < later);
        prop_assert_eq!(later - earlier, Duration::minutes(zone.delta.into()));
        let times = local_time::meeting_times(
            &local.date().format("%Y-%m-%d").to_string(),
            &local.time().format("%H:%M:%S").to_string(),
            &(to + Duration::hours(1)).time().format("%H:%M:%S").to_string(),
            &|at| zone.offset_at(at),
        )
        .unwrap();
        prop_assert_eq!(times.starts_at, earlier);
        prop_assert_eq!(times.start_ambiguous_offset, Some(earlier_offset_minutes));
    }

    #[test]
    fn dates_and_times_round_trip_through_their_inputs(
        day in 0i32..3_652_059, h in 0u32..24, m in 0u32..60, s in 0u32..60, pad in "[ \t]{0,2}",
    ) {
        let date = NaiveDate::from_num_days_from_ce_opt(day + 1).unwrap();
        prop_assert_eq!(local_time::parse_date(&format!("{pad}{}{pad}", date.format("%Y-%m-%d"))), Some(date));
        let hm = NaiveTime::from_hms_opt(h, m, 0).unwrap();
        prop_assert_eq!(local_time::parse_time(&format!("{pad}{h:02}:{m:02}{pad}")), Some(hm));
        let hms = NaiveTime::from_hms_opt(h, m, s).unwrap();
        prop_assert_eq!(local_time::parse_time(&format!("{h:02}:{m:02}:{s:02}")), Some(hms));
    }
}

// ---------------------------------------------------------------------------------------
// Limits, exactly
// ---------------------------------------------------------------------------------------

/// Letters a subject may hold; no `l`, `t`, `g` so `&lt;`/`&gt;` can only come from escaping.
fn subject_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec!['a', 'Z', 'ñ', 'É', 'ü', '0', '&', ';', '-', ' ', '\u{a0}', '😀']),
        1 => prop::sample::select(vec!['<', '>']),
    ]
}

fn control_char() -> impl Strategy<Value = char> {
    prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
    ]
}

/// Offsets in nanoseconds from a boundary: right at it, a nanosecond either side, or around.
fn around(boundary_s: i64) -> impl Strategy<Value = i64> {
    let b = boundary_s * 1_000_000_000;
    prop_oneof![
        Just(b),
        Just(b - 1),
        Just(b + 1),
        (b - 120_000_000_000)..=(b + 120_000_000_000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// A subject is valid iff, trimmed, it is not empty and its length as GoTo counts it
    /// (`<`/`>` are 4 each, once escaped) is at most 100. The escaped text is that long.
    #[test]
    fn subject_limit_is_exact(chars in prop::collection::vec(subject_char(), 0..=130)) {
        let subject: String = chars.into_iter().collect();
        let trimmed = subject.trim();
        let n = trimmed.chars().count();
        let brackets = trimmed.chars().filter(|c| *c == '<' || *c == '>').count();
        let goto_len = n + 3 * brackets;
        let expected = if n == 0 {
            Some(Problem::Required)
        } else if goto_len > 100 {
            Some(Problem::TooLong { max: 100, count: goto_len })
        } else {
            None
        };
        prop_assert_eq!(check_subject(&subject), expected);
        prop_assert_eq!(validation::goto_subject_len(trimmed), goto_len);
        let escaped = validation::escape_subject_for_goto(&subject);
        prop_assert_eq!(escaped.chars().count(), goto_len);
        prop_assert!(!escaped.contains(['<', '>']));
        prop_assert_eq!(escaped.replace("&lt;", "<").replace("&gt;", ">"), trimmed);
        // Surrounding whitespace never changes the verdict.
        prop_assert_eq!(check_subject(&format!(" \t{subject}\n\u{3000}")), check_subject(&subject));
    }

    #[test]
    fn a_control_character_inside_a_subject_is_refused(
        before in "[a-zA-Z<]{1,20}", c in control_char(), after in "[a-zA-Z>]{1,20}",
    ) {
        prop_assert_eq!(check_subject(&format!("{before}{c}{after}")), Some(Problem::ControlCharacters));
    }

    /// Start from now − 5 min to now + 365 days; end after start, at most 24 h later.
    #[test]
    fn time_limits_are_exact(
        start_ns in prop_oneof![around(-5 * 60), around(365 * 86_400), around(0), -400i64 * 86_400_000_000_000..=400 * 86_400_000_000_000],
        length_ns in prop_oneof![around(0), around(24 * 3600), -86_400_000_000_000i64..=3 * 86_400_000_000_000],
    ) {
        let starts_at = now() + Duration::nanoseconds(start_ns);
        let ends_at = starts_at + Duration::nanoseconds(length_ns);
        let meeting = CreateMeeting {
            subject: "Weekly sync".into(),
            starts_at,
            ends_at,
            password_required: false,
            coorganizer_keys: vec![],
        };
        let mut expected = Vec::new();
        if start_ns < -5 * 60 * 1_000_000_000 {
            expected.push((Field::Start, Problem::StartInPast));
        } else if start_ns > 365 * 86_400 * 1_000_000_000 {
            expected.push((Field::Date, Problem::TooFarAhead));
        }
        if length_ns <= 0 {
            expected.push((Field::End, Problem::EndNotAfterStart));
        } else if length_ns > 24 * 3600 * 1_000_000_000 {
            expected.push((Field::End, Problem::LongerThanADay));
        }
        let got = match validation::validate(&meeting, now()) {
            Ok(()) => vec![],
            Err(errors) => errors.into_iter().map(|e| (e.field, e.problem)).collect(),
        };
        prop_assert_eq!(got, expected);
    }
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

fn spanish_name() -> impl Strategy<Value = String> {
    "[a-zA-ZáéíóúüñÁÉÍÓÚÜÑ]{1,10}( [a-zA-ZáéíóúüñÁÉÍÓÚÜÑ]{1,10}){0,2}"
}

fn plain(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            other => other,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// "nunez" finds "Núñez", "NÚÑEZ" finds "Nunez": accents and case never matter.
    #[test]
    fn accents_and_case_never_matter(name in spanish_name(), email in "[a-z]{1,8}@example\\.com") {
        let fields = [name.as_str(), email.as_str()];
        prop_assert!(search::matches(&plain(&name), &fields));
        prop_assert!(search::matches(&name.to_uppercase(), &fields));
        prop_assert!(search::matches(&plain(&name).to_lowercase(), &[&name.to_uppercase()]));
        prop_assert!(search::matches(&email, &fields));
        prop_assert_eq!(search::fold(&name), search::fold(&plain(&name)).to_lowercase());
    }

    /// A word found nowhere in the fields means no match.
    #[test]
    fn a_missing_word_never_matches(name in "[a-pA-P ]{0,20}", query in "[a-z ]{0,10}") {
        let query = format!("{query} zq");
        prop_assert!(!search::matches(&query, &[&name]));
    }
}
