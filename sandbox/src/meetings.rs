//! The meeting calls of the G2M REST API (reference §2): create, read, change, delete, start,
//! and the caller's upcoming meetings.
//!
//! Who sees what (**assumed**, GoTo documents only "404 when unknown"): a meeting of another
//! account is 404, as if unknown. In the same account the organizer, its co-organizers and the
//! admin may read and start it; only the organizer and the admin may change or delete it; anyone
//! else gets 404 too.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use crate::bearer::Caller;
use crate::error::SandboxError;
use crate::meeting_rules::{parse_meeting, MeetingInput};
use crate::meeting_store::SandboxMeeting;
use crate::seed::SeedOrganizer;
use crate::tokens::random_string;
use crate::Sandbox;

fn may_read(meeting: &SandboxMeeting, caller: &SeedOrganizer) -> bool {
    meeting.account_key == caller.account_key
        && (meeting.organizer_key == caller.organizer_key
            || caller.admin
            || meeting.coorganizer_keys.contains(&caller.organizer_key))
}

fn may_change(meeting: &SandboxMeeting, caller: &SeedOrganizer) -> bool {
    meeting.account_key == caller.account_key
        && (meeting.organizer_key == caller.organizer_key || caller.admin)
}

fn not_found() -> SandboxError {
    SandboxError::NotFound("Meeting not found".to_owned())
}

fn meeting_id(raw: &str) -> Result<u64, SandboxError> {
    raw.parse().map_err(|_| not_found())
}

/// The body must be JSON (reference §2 headers); checked after the token, as a gateway would.
fn require_json(headers: &HeaderMap) -> Result<(), SandboxError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if is_json {
        Ok(())
    } else {
        Err(SandboxError::UnsupportedMediaType)
    }
}

/// Only active organizers holding G2M may create or change meetings (**assumed** 403 body).
fn require_g2m(caller: &SeedOrganizer) -> Result<(), SandboxError> {
    if caller.is_active_g2m() {
        Ok(())
    } else {
        Err(SandboxError::Forbidden(
            "The user is not an active GoToMeeting organizer".to_owned(),
        ))
    }
}

fn input(
    sandbox: &Sandbox,
    caller: &SeedOrganizer,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<MeetingInput, SandboxError> {
    require_json(headers)?;
    require_g2m(caller)?;
    parse_meeting(body, caller, &sandbox.inner.seed)
}

/// `POST /meetings` → 201 with a one-element array; note `meetingid` in lower case (**sure**).
pub(crate) async fn create(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let input = input(&sandbox, &caller, &headers, &body)?;
    let meeting = sandbox
        .meeting_store()
        .create(&caller.organizer_key, &caller.account_key, input);
    // Saved before the 201, so a crash right after it cannot lose the meeting.
    sandbox.save_meeting(meeting.meeting_id);
    Ok((
        StatusCode::CREATED,
        Json(json!([{
            "joinURL": meeting.join_url(),
            "meetingid": meeting.meeting_id,
            "maxParticipants": caller.max_attendees,
            "uniqueMeetingId": meeting.unique_meeting_id,
            "conferenceCallInfo": meeting.conference_call_text(),
        }])),
    ))
}

/// `GET /meetings/{id}` → a one-element array in camelCase, `createTime` always "" (**sure**).
/// Times are written in the sandbox's current `TimeFormat`.
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
    Path(raw_id): Path<String>,
) -> Result<Json<Value>, SandboxError> {
    let id = meeting_id(&raw_id)?;
    let meeting = sandbox
        .meeting_store()
        .get(id)
        .filter(|m| may_read(m, &caller))
        .cloned()
        .ok_or_else(not_found)?;
    let time = |t| sandbox.time_format().format(t);
    let max_participants = sandbox
        .inner
        .seed
        .organizer(&meeting.organizer_key)
        .map_or(250, |o| o.max_attendees);
    Ok(Json(json!([{
        "subject": meeting.subject,
        "startTime": time(meeting.start_time),
        "endTime": time(meeting.end_time),
        "status": if meeting.started { "ACTIVE" } else { "INACTIVE" },
        "passwordRequired": meeting.password_required,
        "conferenceCallInfo": meeting.conference_call_text(),
        "duration": meeting.duration_minutes(),
        "maxParticipants": max_participants,
        "meetingId": meeting.meeting_id,
        "meetingKey": meeting.meeting_key,
        "uniqueMeetingId": meeting.unique_meeting_id,
        "meetingType": meeting.meeting_type,
        "createTime": "",
        "coorganizerKeys": meeting.coorganizer_keys,
    }])))
}

/// `PUT /meetings/{id}` with the create body → 204 (**sure**).
pub(crate) async fn update(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, SandboxError> {
    let id = meeting_id(&raw_id)?;
    if !sandbox
        .meeting_store()
        .get(id)
        .is_some_and(|m| may_change(m, &caller))
    {
        return Err(not_found());
    }
    let input = input(&sandbox, &caller, &headers, &body)?;
    sandbox.meeting_store().update(id, input);
    sandbox.save_meeting(id);
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /meetings/{id}` → 204 (**sure**).
pub(crate) async fn delete(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
    Path(raw_id): Path<String>,
) -> Result<StatusCode, SandboxError> {
    let id = meeting_id(&raw_id)?;
    {
        let mut store = sandbox.meeting_store();
        if !store.get(id).is_some_and(|m| may_change(m, &caller)) {
            return Err(not_found());
        }
        store.remove(id);
    }
    sandbox.save_meeting(id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /meetings/{id}/start` → `{"hostURL": …}` (**sure**).
pub(crate) async fn start(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
    Path(raw_id): Path<String>,
) -> Result<Json<Value>, SandboxError> {
    let id = meeting_id(&raw_id)?;
    {
        let mut store = sandbox.meeting_store();
        let meeting = store
            .get_mut(id)
            .filter(|m| may_read(m, &caller))
            .ok_or_else(not_found)?;
        meeting.started = true;
    }
    sandbox.save_meeting(id);
    Ok(Json(json!({
        "hostURL": format!(
            "https://global.gotomeeting.com/start/{id}?hostToken={}",
            random_string(24)
        ),
    })))
}

/// `GET /upcomingMeetings` → the caller's own meetings that have not ended, soonest first, with
/// string `meetingId`, `organizerKey`, `accountKey` and the organizer's details (**sure**).
/// Exactly the fields of GoTo's OpenAPI `UpcomingMeeting` schema: no `meetingKey`,
/// `uniqueMeetingId`, `maxParticipants` (those are the single read's) and no
/// `coorganizerKeys`, so a client cannot come to rely on what GoTo's list does not give.
/// Times are written in the sandbox's current `TimeFormat`.
pub(crate) async fn upcoming(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
) -> Json<Value> {
    let now = Utc::now();
    let mut mine: Vec<SandboxMeeting> = sandbox
        .meeting_store()
        .all()
        .into_iter()
        .filter(|m| m.organizer_key == caller.organizer_key && m.end_time > now)
        .collect();
    mine.sort_by_key(|m| m.start_time);
    let time = |t| sandbox.time_format().format(t);
    let list: Vec<Value> = mine
        .iter()
        .map(|m| {
            json!({
                "meetingId": m.meeting_id.to_string(),
                "subject": m.subject,
                "startTime": time(m.start_time),
                "endTime": time(m.end_time),
                "meetingType": m.meeting_type,
                "passwordRequired": m.password_required,
                "conferenceCallInfo": m.conference_call_text(),
                "status": if m.started { "ACTIVE" } else { "INACTIVE" },
                "organizerKey": caller.organizer_key,
                "accountKey": caller.account_key,
                "email": caller.email,
                "firstName": caller.first_name,
                "lastName": caller.last_name,
                "locale": caller.locale,
            })
        })
        .collect();
    Json(Value::Array(list))
}
