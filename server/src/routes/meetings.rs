//! `POST /api/meetings` (make a meeting, once per `Idempotency-Key`, found again after a
//! timeout), `GET /api/meetings/{id}` and its calendar file. GoTo's wire format is
//! `goto::wire`'s; what the meeting routes share is in `idempotency`, `coorganizers` and
//! `meeting_access`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use meeting::{CreateMeeting, Meeting, MeetingId, MeetingRole};

use crate::error::AppError;
use crate::goto::rest::{
    parse_goto_time, value_string, CreateMeetingBody, CreatedMeeting, UpstreamError,
};
use crate::goto::tokens::{meeting_refused, upstream_to_app};
use crate::goto::wire::{default_join_url, goto_body, join_url, meeting_from, whole_seconds};
use crate::json_body::JsonBody;
use crate::routes::coorganizers::{check_coorganizers_offered, named};
use crate::routes::idempotency::{claim_or_replay, fingerprint, idempotency_key};
use crate::routes::meeting_access::{live, read_at_goto, role_of};
use crate::session::CurrentSession;
use crate::state::AppState;
use crate::store::MeetingExtras;

/// A double tap, a retry after a timeout, or two replicas receiving the same request make
/// one meeting: the first request with a key does the work, the others wait for its answer.
pub async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
    JsonBody(form): JsonBody<CreateMeeting>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    meeting::validate(&form, Utc::now()).map_err(AppError::Validation)?;
    let user = session.record.tokens.organizer_key.clone();
    // The fingerprint of the request as sent: a retry sends exactly the same bytes.
    let fingerprint = fingerprint(&form)?;
    let form = meeting::normalize(form);
    if let Some(replayed) = claim_or_replay(&state, &user, &key, &fingerprint).await? {
        return Ok(replayed);
    }
    match create_at_goto(&state, &session, form).await {
        Ok(meeting) => {
            let body = serde_json::to_string(&meeting).map_err(AppError::internal)?;
            state
                .store
                .finish_idempotent(&user, &key, 201, &body)
                .await?;
            Ok((StatusCode::CREATED, Json(meeting)).into_response())
        }
        Err(e) => {
            state.store.release_idempotent(&user, &key).await?;
            Err(e)
        }
    }
}

async fn create_at_goto(
    state: &AppState,
    session: &CurrentSession,
    form: CreateMeeting,
) -> Result<Meeting, AppError> {
    let organizers = state.store.organizers().await?;
    check_coorganizers_offered(
        &form.coorganizer_keys,
        &organizers,
        &session.record.tokens.organizer_key,
    )?;
    let body = goto_body(&form);
    let outcome = state
        .keeper
        .with_user_token_raw(session, |token| {
            let api = state.api.clone();
            let body = body.clone();
            async move { api.create_meeting(&token, &body).await }
        })
        .await?;
    let created = match outcome {
        Ok(created) => created,
        // The request went out but no answer came back: GoTo may have made the meeting.
        // Look for it before anyone retries, so a meeting is never made twice.
        Err(UpstreamError::Timeout | UpstreamError::Unavailable(_)) => {
            reconcile(state, session, &body).await?
        }
        // GoTo refuses a person without a GoToMeeting licence (or a token without its scope).
        Err(UpstreamError::Forbidden) => return Err(meeting_refused(&session.record.tokens)),
        Err(other) => return Err(upstream_to_app(other)),
    };
    let id = created
        .id()
        .ok_or_else(|| AppError::Upstream("GoTo returned a meeting without a usable id".into()))?;
    let organizer_key = &session.record.tokens.organizer_key;
    state
        .store
        .put_meeting_extras(
            id.as_str(),
            organizer_key,
            &MeetingExtras {
                join_url: created.join_url.clone(),
                coorganizer_keys: Some(form.coorganizer_keys.clone()),
                cancelled: false,
            },
        )
        .await?;
    Ok(Meeting {
        id: id.as_str().to_owned(),
        subject: form.subject.clone(),
        // GoTo keeps whole seconds; answer with what it will give back when read.
        starts_at: whole_seconds(form.starts_at),
        ends_at: whole_seconds(form.ends_at),
        join_url: created.join_url,
        conference_call_info: created.conference_call_info,
        password_required: form.password_required,
        coorganizers: named(&form.coorganizer_keys, &organizers),
        role: MeetingRole::Organizer,
    })
}

/// Finds the meeting a create with an unknown outcome may have made, among the organizer's
/// upcoming meetings (same subject, start and end). Not found: the create did not happen, and
/// the answer says GoTo did not respond, so the person may retry.
async fn reconcile(
    state: &AppState,
    session: &CurrentSession,
    body: &CreateMeetingBody,
) -> Result<CreatedMeeting, AppError> {
    let upcoming = state
        .keeper
        .with_user_token(session, |token| {
            let api = state.api.clone();
            async move { api.upcoming_meetings(&token).await }
        })
        .await?;
    let same_time = |raw: &str, sent: &str| {
        parse_goto_time(raw).is_some() && parse_goto_time(raw) == parse_goto_time(sent)
    };
    let found = upcoming.into_iter().find(|m| {
        m.subject == body.subject
            && same_time(&m.start_time, &body.starttime)
            && same_time(&m.end_time, &body.endtime)
    });
    match found.and_then(|m| value_string(&m.meeting_id).map(|id| (id, m))) {
        Some((id, m)) => {
            tracing::info!(meeting = %id, "create timed out but the meeting exists; using it");
            Ok(CreatedMeeting {
                join_url: join_url(&id),
                meetingid: serde_json::Value::String(id),
                conference_call_info: m.conference_call_info,
            })
        }
        None => Err(AppError::UpstreamTimeout),
    }
}

/// Meetings of another person or account are "not found", exactly like unknown ones.
pub async fn get(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(raw_id): Path<String>,
) -> Result<Json<Meeting>, AppError> {
    load(&state, &session, &raw_id, Purpose::Show)
        .await
        .map(Json)
}

/// `GET /api/meetings/{id}/invite.ics`: the meeting for any calendar app.
pub async fn invite(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let meeting = load(&state, &session, &raw_id, Purpose::Calendar).await?;
    let host = url::Url::parse(&state.config.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".into());
    let body = crate::calendar::invite(&meeting, &host, Utc::now());
    let disposition = format!("attachment; filename=\"meeting-{}.ics\"", meeting.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Why a meeting is read: to show it (with what the person may do with it), or for a calendar
/// file, which has no use for that and so spends no GoTo call finding it out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Show,
    Calendar,
}

async fn load(
    state: &AppState,
    session: &CurrentSession,
    raw_id: &str,
    purpose: Purpose,
) -> Result<Meeting, AppError> {
    let id = MeetingId::parse(raw_id).ok_or(AppError::NotFound)?;
    let organizer_key = &session.record.tokens.organizer_key;
    // What we keep of the meeting does not depend on GoTo's answer, so it is read while GoTo
    // answers rather than after (one store read off the request's path); GoTo's failure still
    // comes first.
    let (info, extras) = tokio::join!(
        read_at_goto(state, session, &id),
        state.store.meeting_extras(id.as_str(), organizer_key),
    );
    let info = info?;
    let mut record = live(extras?);
    let role = match purpose {
        Purpose::Show => role_of(state, session, &id, &info, &mut record).await?,
        Purpose::Calendar => MeetingRole::Viewer,
    };
    // GoTo's word on the co-organizers (someone may have changed them in GoTo itself) is kept
    // for "My meetings", which cannot ask GoTo about each meeting.
    if let Some(kept) = &record {
        let keys = info.coorganizer_keys();
        if kept.coorganizer_keys.as_ref() != Some(&keys) {
            let refreshed = MeetingExtras {
                coorganizer_keys: Some(keys),
                ..kept.clone()
            };
            state
                .store
                .put_meeting_extras(id.as_str(), organizer_key, &refreshed)
                .await?;
        }
    }
    let organizers = state.store.organizers().await?;
    let join_url = record
        .map(|r| r.join_url)
        .unwrap_or_else(|| default_join_url(&id));
    let coorganizers = named(&info.coorganizer_keys(), &organizers);
    meeting_from(&id, &info, join_url, role, coorganizers)
}
