//! The JSON body of `POST /api/meetings`, as the backend reads it: any bytes are parsed as a
//! `CreateMeeting`; whatever parses is validated (against a fixed clock) and its subject
//! escaped for GoTo. Invariants: nothing panics, and an accepted meeting's subject, as sent
//! to GoTo, is at most 100 characters with no raw `<` or `>`.

#![no_main]

use chrono::{DateTime, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use meeting::validation::{self, SUBJECT_MAX};
use meeting::{CreateMeeting, Lang};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<CreateMeeting>(data) else {
        return;
    };
    let verdict = meeting::validate(&request, now());
    let escaped = validation::escape_subject_for_goto(&request.subject);
    match verdict {
        Ok(()) => {
            let len = escaped.chars().count();
            assert!(
                len <= SUBJECT_MAX,
                "accepted subject is {len} characters for GoTo"
            );
            assert!(
                !escaped.contains(['<', '>']),
                "raw angle bracket in {escaped:?}"
            );
            assert!(!escaped.is_empty(), "accepted an empty subject");
            assert!(request.ends_at > request.starts_at);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in errors {
                // Every refusal can be told to the person, in both languages.
                assert!(!error.problem.message(Lang::En).is_empty());
                assert!(!error.problem.message(Lang::Es).is_empty());
            }
        }
    }
});
