//! The create/update body of `POST /meetings` and `PUT /meetings/{id}`, and every rule GoTo
//! applies to it (the table in reference §2, **sure** unless marked).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::error::SandboxError;
use crate::seed::{Seed, SeedOrganizer};

pub(crate) const SUBJECT_MAX: usize = 100;
pub(crate) const CONFERENCE_CALL_INFO_MAX: usize = 255;
pub(crate) const MEETING_TYPES: [&str; 3] = ["immediate", "scheduled", "recurring"];

/// Keys GoTo requires; `coorganizerKeys` is the only optional one. Note the lower-case spelling,
/// unlike the camelCase of the GET answer.
const REQUIRED_KEYS: [&str; 7] = [
    "subject",
    "starttime",
    "endtime",
    "passwordrequired",
    "conferencecallinfo",
    "timezonekey",
    "meetingtype",
];

/// A body that passed every rule.
#[derive(Clone, Debug)]
pub(crate) struct MeetingInput {
    pub subject: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub password_required: bool,
    pub conference_call_info: String,
    pub meeting_type: String,
    pub coorganizer_keys: Vec<String>,
}

fn bad(msg: impl Into<String>) -> SandboxError {
    SandboxError::BadRequest(msg.into())
}

pub(crate) fn parse_meeting(
    body: &[u8],
    organizer: &SeedOrganizer,
    seed: &Seed,
) -> Result<MeetingInput, SandboxError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("Malformed JSON body: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(bad("The request body must be a JSON object"));
    };
    for key in REQUIRED_KEYS {
        if !fields.contains_key(key) {
            return Err(bad(format!("Missing required parameter: {key}")));
        }
    }
    let subject = string(&fields, "subject")?;
    check_subject(subject)?;
    let start_time = utc_time(&fields, "starttime")?;
    let end_time = utc_time(&fields, "endtime")?;
    if end_time <= start_time {
        // Not in GoTo's table; a meeting that ends before it starts is refused (**assumed**).
        return Err(bad("endtime must be after starttime"));
    }
    let password_required = fields
        .get("passwordrequired")
        .and_then(Value::as_bool)
        .ok_or_else(|| bad("passwordrequired must be true or false"))?;
    let conference_call_info = string(&fields, "conferencecallinfo")?;
    if conference_call_info.trim().is_empty() {
        return Err(bad("conferencecallinfo must not be empty"));
    }
    if conference_call_info.chars().count() > CONFERENCE_CALL_INFO_MAX {
        return Err(bad(format!(
            "conferencecallinfo must be at most {CONFERENCE_CALL_INFO_MAX} characters"
        )));
    }
    // Deprecated but still required, and it must be "" (reference §2).
    if !string(&fields, "timezonekey")?.is_empty() {
        return Err(bad("timezonekey is deprecated and must be an empty string"));
    }
    let meeting_type = string(&fields, "meetingtype")?;
    if !MEETING_TYPES.contains(&meeting_type) {
        return Err(bad(format!(
            "meetingtype must be one of {}",
            MEETING_TYPES.join(", ")
        )));
    }
    let coorganizer_keys = coorganizer_keys(&fields, organizer, seed)?;
    Ok(MeetingInput {
        subject: subject.to_owned(),
        start_time,
        end_time,
        password_required,
        conference_call_info: conference_call_info.to_owned(),
        meeting_type: meeting_type.to_owned(),
        coorganizer_keys,
    })
}

fn string<'a>(fields: &'a Map<String, Value>, key: &str) -> Result<&'a str, SandboxError> {
    fields
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{key} must be a string")))
}

/// At most 100 characters, where `<` and `>` must already be sent as `&lt;` and `&gt;`: the
/// limit counts the escaped form, and raw angle brackets are refused.
fn check_subject(subject: &str) -> Result<(), SandboxError> {
    if subject.trim().is_empty() {
        return Err(bad("subject must not be empty"));
    }
    if subject.contains(['<', '>']) {
        return Err(bad(
            "subject must not contain < or >; send them as &lt; and &gt;",
        ));
    }
    if subject.chars().count() > SUBJECT_MAX {
        return Err(bad(format!(
            "subject must be at most {SUBJECT_MAX} characters"
        )));
    }
    Ok(())
}

/// ISO 8601 in UTC (`2026-03-10T15:00:00Z`, milliseconds accepted). An offset other than zero
/// is refused: GoTo's times are UTC.
fn utc_time(fields: &Map<String, Value>, key: &str) -> Result<DateTime<Utc>, SandboxError> {
    let text = string(fields, key)?;
    let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
        bad(format!(
            "{key} must be an ISO 8601 time in UTC, like 2026-03-10T15:00:00Z"
        ))
    })?;
    if parsed.offset().local_minus_utc() != 0 {
        return Err(bad(format!("{key} must be in UTC (end with Z)")));
    }
    Ok(parsed.with_timezone(&Utc))
}

/// Each key must name an active organizer holding G2M in the caller's own account (**sure**).
/// Keys are strings in GoTo's table; bare numbers are accepted too (**assumed**, organizer keys
/// are int64 elsewhere).
fn coorganizer_keys(
    fields: &Map<String, Value>,
    organizer: &SeedOrganizer,
    seed: &Seed,
) -> Result<Vec<String>, SandboxError> {
    let list = match fields.get("coorganizerKeys") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(bad("coorganizerKeys must be an array of organizer keys")),
    };
    let mut keys = Vec::with_capacity(list.len());
    for item in list {
        let key = match item {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) if n.is_u64() => n.to_string(),
            _ => return Err(bad("coorganizerKeys must be an array of organizer keys")),
        };
        let Some(co) = seed.organizer(&key) else {
            return Err(bad(format!("Unknown co-organizer key: {key}")));
        };
        if co.account_key != organizer.account_key {
            return Err(bad(format!(
                "Co-organizer {key} does not belong to the organizer's account"
            )));
        }
        if !co.is_active_g2m() {
            return Err(bad(format!(
                "Co-organizer {key} is not an active GoToMeeting organizer"
            )));
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(overrides: Value) -> Vec<u8> {
        let mut base = json!({
            "subject": "Weekly sync",
            "starttime": "2030-03-10T15:00:00Z",
            "endtime": "2030-03-10T16:00:00.000Z",
            "passwordrequired": false,
            "conferencecallinfo": "Hybrid",
            "timezonekey": "",
            "meetingtype": "scheduled",
        });
        for (k, v) in overrides.as_object().unwrap() {
            if v.is_null() {
                base.as_object_mut().unwrap().remove(k);
            } else {
                base[k] = v.clone();
            }
        }
        serde_json::to_vec(&base).unwrap()
    }

    fn check(overrides: Value) -> Result<MeetingInput, SandboxError> {
        let seed = Seed::build();
        parse_meeting(&body(overrides), &seed.organizers[1], &seed)
    }

    #[test]
    fn a_complete_body_passes() {
        let input = check(json!({})).unwrap();
        assert_eq!(input.subject, "Weekly sync");
        assert_eq!((input.end_time - input.start_time).num_minutes(), 60);
    }

    #[test]
    fn the_subject_limit_counts_escaped_brackets() {
        assert!(check(json!({ "subject": "a".repeat(100) })).is_ok());
        assert!(check(json!({ "subject": "é".repeat(100) })).is_ok());
        assert!(check(json!({ "subject": "a".repeat(101) })).is_err());
        assert!(check(json!({ "subject": format!("{}&lt;", "a".repeat(96)) })).is_ok());
        assert!(check(json!({ "subject": format!("{}&lt;", "a".repeat(97)) })).is_err());
        assert!(check(json!({ "subject": "a < b" })).is_err());
        assert!(check(json!({ "subject": "a > b" })).is_err());
    }

    #[test]
    fn times_must_be_utc() {
        assert!(check(json!({ "starttime": "2030-03-10T15:00:00+01:00" })).is_err());
        assert!(check(json!({ "starttime": "2030-03-10 15:00" })).is_err());
        assert!(check(json!({ "endtime": "2030-03-10T14:00:00Z" })).is_err());
    }

    #[test]
    fn every_required_key_is_required() {
        for key in REQUIRED_KEYS {
            let mut overrides = Map::new();
            overrides.insert(key.to_owned(), Value::Null);
            assert!(check(Value::Object(overrides)).is_err(), "{key}");
        }
        assert!(check(json!({ "timezonekey": "Europe/Madrid" })).is_err());
        assert!(check(json!({ "meetingtype": "Scheduled" })).is_err());
        assert!(check(json!({ "passwordrequired": "yes" })).is_err());
        assert!(check(json!({ "conferencecallinfo": "x".repeat(256) })).is_err());
        assert!(check(json!({ "conferencecallinfo": "x".repeat(255) })).is_ok());
    }
}
