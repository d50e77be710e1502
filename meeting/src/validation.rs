//! The rules a meeting must satisfy, written once for the form and the backend.
//!
//! Limits come from GoTo (`subject` at most 100 characters once `<` and `>` are escaped)
//! and from what makes sense for a one-time meeting scheduled from a phone.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{CreateMeeting, Lang};

pub const SUBJECT_MAX: usize = 100;
pub const COORGANIZERS_MAX: usize = 10;
/// A start this far in the past is still accepted: the person may have taken a while to type.
pub const PAST_GRACE_MINUTES: i64 = 5;
pub const LONGEST_MEETING_HOURS: i64 = 24;
pub const FURTHEST_AHEAD_DAYS: i64 = 365;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Subject,
    Date,
    Start,
    End,
    Coorganizers,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Subject => "subject",
            Field::Date => "date",
            Field::Start => "start",
            Field::End => "end",
            Field::Coorganizers => "coorganizers",
        }
    }
}

/// What is wrong with a value. Messages for people come from [`Problem::message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    /// `count` as GoTo counts it (escaped `<` and `>` are four characters each).
    TooLong {
        max: usize,
        count: usize,
    },
    ControlCharacters,
    EndNotAfterStart,
    LongerThanADay,
    StartInPast,
    TooFarAhead,
    /// The wall-clock time is skipped by a daylight-saving change in the person's zone.
    NonexistentLocalTime,
    TooManyCoorganizers {
        max: usize,
    },
    DuplicateCoorganizer,
    UnknownOrganizer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        match (lang, self) {
            (Lang::En, Required) => "This field is required.".into(),
            (Lang::Es, Required) => "Este campo es obligatorio.".into(),
            (Lang::En, TooLong { max, count }) => {
                format!("Use at most {max} characters (now {count}; < and > count as 4).")
            }
            (Lang::Es, TooLong { max, count }) => {
                format!("Usa como máximo {max} caracteres (ahora {count}; < y > cuentan como 4).")
            }
            (Lang::En, ControlCharacters) => "Remove the invisible control characters.".into(),
            (Lang::Es, ControlCharacters) => "Quita los caracteres de control invisibles.".into(),
            (Lang::En, EndNotAfterStart) => "The end must be after the start.".into(),
            (Lang::Es, EndNotAfterStart) => "El final debe ser posterior al inicio.".into(),
            (Lang::En, LongerThanADay) => "A meeting can last at most 24 hours.".into(),
            (Lang::Es, LongerThanADay) => "Una reunión puede durar como máximo 24 horas.".into(),
            (Lang::En, StartInPast) => "This start time has already passed.".into(),
            (Lang::Es, StartInPast) => "Esta hora de inicio ya ha pasado.".into(),
            (Lang::En, TooFarAhead) => "Schedule at most one year ahead.".into(),
            (Lang::Es, TooFarAhead) => "Programa como máximo con un año de antelación.".into(),
            (Lang::En, NonexistentLocalTime) => {
                "This time does not exist here: the clocks change that night. Pick another time."
                    .into()
            }
            (Lang::Es, NonexistentLocalTime) => {
                "Esta hora no existe aquí: esa noche cambia la hora. Elige otra.".into()
            }
            (Lang::En, TooManyCoorganizers { max }) => {
                format!("Choose at most {max} co-organizers.")
            }
            (Lang::Es, TooManyCoorganizers { max }) => {
                format!("Elige como máximo {max} coorganizadores.")
            }
            (Lang::En, DuplicateCoorganizer) => "A co-organizer is listed twice.".into(),
            (Lang::Es, DuplicateCoorganizer) => "Un coorganizador aparece dos veces.".into(),
            (Lang::En, UnknownOrganizer) => {
                "One co-organizer cannot be chosen (not an active GoToMeeting organizer).".into()
            }
            (Lang::Es, UnknownOrganizer) => {
                "Un coorganizador no se puede elegir (no es organizador activo de GoToMeeting)."
                    .into()
            }
        }
    }
}

/// Length of a subject as GoTo counts it, after `<` and `>` become `&lt;` and `&gt;`.
pub fn goto_subject_len(subject: &str) -> usize {
    subject
        .chars()
        .map(|c| if c == '<' || c == '>' { 4 } else { 1 })
        .sum()
}

/// The subject as it is judged, kept and sent: without the spaces around it. The one place
/// that says so; everything below and both sides of the wire go through it.
pub fn normalize_subject(subject: &str) -> &str {
    subject.trim()
}

/// A create or change request as the app sends it and the backend keeps it: its subject
/// normalised. The app normalises before it judges and sends; the backend again on receipt,
/// since anything may call it.
pub fn normalize(mut meeting: CreateMeeting) -> CreateMeeting {
    let subject = normalize_subject(&meeting.subject);
    if subject.len() != meeting.subject.len() {
        meeting.subject = subject.to_owned();
    }
    meeting
}

/// The subject as GoTo wants it: normalised, with `<` and `>` escaped (GoTo rejects them raw).
pub fn escape_subject_for_goto(subject: &str) -> String {
    normalize_subject(subject)
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A subject as GoTo gives it back: as it was sent, `&lt;` and `&gt;` turned back into `<`
/// and `>`.
pub fn unescape_subject_from_goto(subject: &str) -> String {
    subject.replace("&lt;", "<").replace("&gt;", ">")
}

pub fn check_subject(subject: &str) -> Option<Problem> {
    let trimmed = normalize_subject(subject);
    if trimmed.is_empty() {
        return Some(Problem::Required);
    }
    if trimmed.chars().any(char::is_control) {
        return Some(Problem::ControlCharacters);
    }
    let count = goto_subject_len(trimmed);
    (count > SUBJECT_MAX).then_some(Problem::TooLong {
        max: SUBJECT_MAX,
        count,
    })
}

/// Problems with the start and end instants, judged against `now`.
pub fn check_times(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if starts_at < now - Duration::minutes(PAST_GRACE_MINUTES) {
        errors.push(FieldError {
            field: Field::Start,
            problem: Problem::StartInPast,
        });
    } else if starts_at > now + Duration::days(FURTHEST_AHEAD_DAYS) {
        errors.push(FieldError {
            field: Field::Date,
            problem: Problem::TooFarAhead,
        });
    }
    if ends_at <= starts_at {
        errors.push(FieldError {
            field: Field::End,
            problem: Problem::EndNotAfterStart,
        });
    } else if ends_at - starts_at > Duration::hours(LONGEST_MEETING_HOURS) {
        errors.push(FieldError {
            field: Field::End,
            problem: Problem::LongerThanADay,
        });
    }
    errors
}

pub fn check_coorganizers(keys: &[String]) -> Option<Problem> {
    if keys.len() > COORGANIZERS_MAX {
        return Some(Problem::TooManyCoorganizers {
            max: COORGANIZERS_MAX,
        });
    }
    if keys
        .iter()
        .any(|k| k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(Problem::UnknownOrganizer);
    }
    let mut seen = std::collections::HashSet::new();
    if keys.iter().any(|k| !seen.insert(k)) {
        return Some(Problem::DuplicateCoorganizer);
    }
    None
}

/// Every rule at once. The backend answers 422 with these; the form shows them at the fields.
pub fn validate(meeting: &CreateMeeting, now: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(problem) = check_subject(&meeting.subject) {
        errors.push(FieldError {
            field: Field::Subject,
            problem,
        });
    }
    errors.extend(check_times(meeting.starts_at, meeting.ends_at, now));
    if let Some(problem) = check_coorganizers(&meeting.coorganizer_keys) {
        errors.push(FieldError {
            field: Field::Coorganizers,
            problem,
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
    }

    fn meeting() -> CreateMeeting {
        CreateMeeting {
            subject: "Weekly sync".into(),
            starts_at: now() + Duration::hours(1),
            ends_at: now() + Duration::hours(2),
            password_required: false,
            coorganizer_keys: vec![],
        }
    }

    fn problems(m: &CreateMeeting) -> Vec<(Field, Problem)> {
        match validate(m, now()) {
            Ok(()) => vec![],
            Err(errors) => errors.into_iter().map(|e| (e.field, e.problem)).collect(),
        }
    }

    #[test]
    fn a_plain_meeting_is_valid() {
        assert_eq!(problems(&meeting()), vec![]);
    }

    #[test]
    fn blank_subject_is_required() {
        let m = CreateMeeting {
            subject: "   ".into(),
            ..meeting()
        };
        assert_eq!(problems(&m), vec![(Field::Subject, Problem::Required)]);
    }

    #[test]
    fn subject_limit_is_exact_at_100() {
        let ok = CreateMeeting {
            subject: "a".repeat(100),
            ..meeting()
        };
        assert_eq!(problems(&ok), vec![]);
        let long = CreateMeeting {
            subject: "a".repeat(101),
            ..meeting()
        };
        assert_eq!(
            problems(&long),
            vec![(
                Field::Subject,
                Problem::TooLong {
                    max: 100,
                    count: 101
                }
            )]
        );
    }

    #[test]
    fn angle_brackets_count_as_their_escapes() {
        assert_eq!(goto_subject_len("a<b>"), 10);
        let m = CreateMeeting {
            subject: format!("{}<", "a".repeat(97)),
            ..meeting()
        };
        assert_eq!(
            problems(&m),
            vec![(
                Field::Subject,
                Problem::TooLong {
                    max: 100,
                    count: 101
                }
            )]
        );
        assert_eq!(escape_subject_for_goto(" a<b> "), "a&lt;b&gt;");
        assert_eq!(unescape_subject_from_goto("a&lt;b&gt;"), "a<b>");
        let request = |subject: &str| CreateMeeting {
            subject: subject.to_owned(),
            starts_at: now(),
            ends_at: now(),
            password_required: false,
            coorganizer_keys: vec![],
        };
        assert_eq!(normalize(request(" \t Plan\n")).subject, "Plan");
        assert_eq!(normalize(request("Plan")), request("Plan"));
    }

    #[test]
    fn accents_count_as_one_character() {
        assert_eq!(goto_subject_len("Reunión con Núñez"), 17);
    }

    #[test]
    fn control_characters_are_refused() {
        let m = CreateMeeting {
            subject: "Sync\u{7}".into(),
            ..meeting()
        };
        assert_eq!(
            problems(&m),
            vec![(Field::Subject, Problem::ControlCharacters)]
        );
    }

    #[test]
    fn end_at_start_is_refused() {
        let m = CreateMeeting {
            ends_at: meeting().starts_at,
            ..meeting()
        };
        assert_eq!(problems(&m), vec![(Field::End, Problem::EndNotAfterStart)]);
    }

    #[test]
    fn twenty_four_hours_is_the_longest() {
        let start = meeting().starts_at;
        let ok = CreateMeeting {
            ends_at: start + Duration::hours(24),
            ..meeting()
        };
        assert_eq!(problems(&ok), vec![]);
        let long = CreateMeeting {
            ends_at: start + Duration::hours(24) + Duration::minutes(1),
            ..meeting()
        };
        assert_eq!(problems(&long), vec![(Field::End, Problem::LongerThanADay)]);
    }

    #[test]
    fn five_minutes_of_grace_for_the_past() {
        let ok = CreateMeeting {
            starts_at: now() - Duration::minutes(5),
            ends_at: now() + Duration::minutes(25),
            ..meeting()
        };
        assert_eq!(problems(&ok), vec![]);
        let past = CreateMeeting {
            starts_at: now() - Duration::minutes(6),
            ends_at: now() + Duration::minutes(25),
            ..meeting()
        };
        assert_eq!(problems(&past), vec![(Field::Start, Problem::StartInPast)]);
    }

    #[test]
    fn at_most_a_year_ahead() {
        let start = now() + Duration::days(366);
        let m = CreateMeeting {
            starts_at: start,
            ends_at: start + Duration::hours(1),
            ..meeting()
        };
        assert_eq!(problems(&m), vec![(Field::Date, Problem::TooFarAhead)]);
    }

    #[test]
    fn coorganizer_rules() {
        let keys = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(check_coorganizers(&keys(10)), None);
        assert_eq!(
            check_coorganizers(&keys(11)),
            Some(Problem::TooManyCoorganizers { max: 10 })
        );
        assert_eq!(
            check_coorganizers(&["1".into(), "1".into()]),
            Some(Problem::DuplicateCoorganizer)
        );
        assert_eq!(
            check_coorganizers(&["1/../2".into()]),
            Some(Problem::UnknownOrganizer)
        );
    }

    #[test]
    fn every_problem_speaks_both_languages() {
        let all = [
            Problem::Required,
            Problem::TooLong { max: 1, count: 2 },
            Problem::ControlCharacters,
            Problem::EndNotAfterStart,
            Problem::LongerThanADay,
            Problem::StartInPast,
            Problem::TooFarAhead,
            Problem::NonexistentLocalTime,
            Problem::TooManyCoorganizers { max: 10 },
            Problem::DuplicateCoorganizer,
            Problem::UnknownOrganizer,
        ];
        for p in all {
            assert_ne!(p.message(Lang::En), p.message(Lang::Es), "{p:?}");
        }
    }
}
