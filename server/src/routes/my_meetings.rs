//! "My meetings": `GET /api/meetings` (the signed-in person's upcoming meetings), and
//! `PUT` (change), `DELETE` (cancel) and `POST …/start` on `/api/meetings/{id}`.
//!
//! Who may do what is GoTo's rule, judged here before GoTo is asked so the answer can say why:
//! the organizer changes, cancels and starts; a co-organizer only starts; anyone else (an
//! account admin reading it) only looks. GoTo checks again either way.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use meeting::{CreateMeeting, Meeting, MeetingId, MeetingRole, StartMeeting, UpcomingMeeting};

use crate::error::AppError;
use crate::goto::rest::{parse_goto_time, value_string, UpstreamError};
use crate::goto::tokens::{meeting_refused, upstream_to_app};
use crate::goto::wire::{default_join_url, goto_body, meeting_from};
use crate::json_body::JsonBody;
use crate::routes::coorganizers::{check_coorganizers_offered, named, organizer};
use crate::routes::idempotency::{claim_or_replay, fingerprint, idempotency_key};
use crate::routes::meeting_access::{live, only_the_organizer, read_at_goto, record_or_role};
use crate::session::CurrentSession;
use crate::state::AppState;
use crate::store::MeetingExtras;
use meeting::validation::unescape_subject_from_goto;

/// `GET /api/meetings`: one call to GoTo's `upcomingMeetings` and one batched read of what the
/// store keeps of them, however many there are; soonest first.
///
/// GoTo's list names no co-organizers: they come from the store's record of each meeting made
/// (or changed, or opened) through this app, and are `null` for one it has no record of.
pub async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<Json<Vec<UpcomingMeeting>>, AppError> {
    let outcome = state
        .keeper
        .with_user_token_raw(&session, |token| {
            let api = state.api.clone();
            async move { api.upcoming_meetings(&token).await }
        })
        .await?;
    let upcoming = match outcome {
        Ok(upcoming) => upcoming,
        // Not "not found", as for one meeting: GoTo refuses the person (licence or scope).
        Err(UpstreamError::Forbidden) => return Err(meeting_refused(&session.record.tokens)),
        Err(UpstreamError::NotFound) => {
            return Err(AppError::Upstream(
                "GoTo has no upcoming-meetings list".into(),
            ))
        }
        Err(other) => return Err(upstream_to_app(other)),
    };
    // A row whose id or times cannot be read is left out (and logged), not the whole list
    // failed: the others are still worth showing, and opening that one would fail clearly.
    let rows: Vec<_> = upcoming
        .into_iter()
        .filter_map(|m| {
            let readable = m
                .id()
                .zip(parse_goto_time(&m.start_time))
                .zip(parse_goto_time(&m.end_time));
            if readable.is_none() {
                tracing::warn!(meeting = ?value_string(&m.meeting_id), "an upcoming meeting GoTo listed has an unreadable id or time; left out");
            }
            readable.map(|((id, starts_at), ends_at)| (id, starts_at, ends_at, m))
        })
        .collect();
    let organizer_key = &session.record.tokens.organizer_key;
    let ids: Vec<String> = rows.iter().map(|(id, ..)| id.as_str().to_owned()).collect();
    let mut records = state.store.meeting_extras_many(&ids, organizer_key).await?;
    let organizers = state.store.organizers().await?;
    let mut list: Vec<UpcomingMeeting> = rows
        .into_iter()
        .map(|(id, starts_at, ends_at, m)| {
            let record = live(records.remove(id.as_str()));
            let coorganizers = record.as_ref().and_then(|r| {
                r.coorganizer_keys.as_ref().map(|keys| {
                    keys.iter()
                        .map(|key| organizer(key, organizers.get(key)))
                        .collect()
                })
            });
            UpcomingMeeting {
                subject: unescape_subject_from_goto(&m.subject),
                starts_at,
                ends_at,
                join_url: record
                    .map(|r| r.join_url)
                    .unwrap_or_else(|| default_join_url(&id)),
                password_required: m.password_required,
                coorganizers,
                id: id.as_str().to_owned(),
            }
        })
        .collect();
    list.sort_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)));
    Ok(Json(list))
}

/// `PUT /api/meetings/{id}`: the whole meeting again, judged by the create's rules, under an
/// `Idempotency-Key` exactly like a create, so a double tap changes it once.
pub async fn change(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    JsonBody(form): JsonBody<CreateMeeting>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let id = MeetingId::parse(&raw_id).ok_or(AppError::NotFound)?;
    meeting::validate(&form, Utc::now()).map_err(AppError::Validation)?;
    let user = session.record.tokens.organizer_key.clone();
    // Stored apart from the creates' keys, and from the same key on another meeting: `:` is
    // never in a key the app sends (`idempotency_key`), so no create key can look like this.
    let key = format!("change:{}:{key}", id.as_str());
    if let Some(replayed) = claim_or_replay(&state, &user, &key, &fingerprint(&form)?).await? {
        return Ok(replayed);
    }
    let form = meeting::normalize(form);
    match change_at_goto(&state, &session, &id, &form).await {
        Ok(meeting) => {
            let body = serde_json::to_string(&meeting).map_err(AppError::internal)?;
            state
                .store
                .finish_idempotent(&user, &key, 200, &body)
                .await?;
            Ok((StatusCode::OK, Json(meeting)).into_response())
        }
        // Every failure frees the key, a timeout too: unlike a create, a change sent again
        // sets the very same values, so the retry may simply send it once more.
        Err(e) => {
            state.store.release_idempotent(&user, &key).await?;
            Err(e)
        }
    }
}

async fn change_at_goto(
    state: &AppState,
    session: &CurrentSession,
    id: &MeetingId,
    form: &CreateMeeting,
) -> Result<Meeting, AppError> {
    let organizer_key = &session.record.tokens.organizer_key;
    let organizers = state.store.organizers().await?;
    check_coorganizers_offered(&form.coorganizer_keys, &organizers, organizer_key)?;
    let (record, role) = record_or_role(state, session, id).await?;
    only_the_organizer(role)?;
    let body = goto_body(form);
    let outcome = state
        .keeper
        .with_user_token_raw(session, |token| {
            let api = state.api.clone();
            let (id, body) = (id.clone(), body.clone());
            async move { api.update_meeting(&token, &id, &body).await }
        })
        .await?;
    match outcome {
        Ok(()) => {}
        // As for a create: no licence, or a token without the meetings scope.
        Err(UpstreamError::Forbidden) => return Err(meeting_refused(&session.record.tokens)),
        Err(other) => return Err(upstream_to_app(other)),
    }
    // Read back, so the answer is the meeting as GoTo now keeps it (its dial-in text too). If
    // this read fails, the change is made but the key is freed: a retry sends the same change
    // again, harmlessly, and reads it then.
    let info = read_at_goto(state, session, id).await?;
    let join_url = record
        .map(|r| r.join_url)
        .unwrap_or_else(|| default_join_url(id));
    let kept = MeetingExtras {
        join_url: join_url.clone(),
        coorganizer_keys: Some(info.coorganizer_keys()),
        cancelled: false,
    };
    state
        .store
        .put_meeting_extras(id.as_str(), organizer_key, &kept)
        .await?;
    let coorganizers = named(&info.coorganizer_keys(), &organizers);
    meeting_from(id, &info, join_url, MeetingRole::Organizer, coorganizers)
}

/// `DELETE /api/meetings/{id}` → 204. Cancelling twice is harmless: GoTo's 404 for a meeting
/// this person had made here (or cancelled here) is "already cancelled", not an error.
pub async fn cancel(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(raw_id): Path<String>,
) -> Result<StatusCode, AppError> {
    let id = MeetingId::parse(&raw_id).ok_or(AppError::NotFound)?;
    let organizer_key = &session.record.tokens.organizer_key;
    // The record, cancelled or not, says the meeting is theirs: no GoTo read is needed.
    let ours = state
        .store
        .meeting_extras(id.as_str(), organizer_key)
        .await?
        .is_some();
    if !ours {
        let (_, role) = record_or_role(&state, &session, &id).await?;
        only_the_organizer(role)?;
    }
    let outcome = state
        .keeper
        .with_user_token_raw(&session, |token| {
            let api = state.api.clone();
            let id = id.clone();
            async move { api.delete_meeting(&token, &id).await }
        })
        .await?;
    match outcome {
        Ok(()) => {}
        Err(UpstreamError::NotFound) if ours => {}
        Err(UpstreamError::Forbidden) => return Err(meeting_refused(&session.record.tokens)),
        Err(other) => return Err(upstream_to_app(other)),
    }
    // The join link and co-organizers go; the emptied record remembers it was theirs.
    state
        .store
        .put_meeting_extras(id.as_str(), organizer_key, &MeetingExtras::cancelled())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/meetings/{id}/start` → GoTo's host address, for the organizer and co-organizers.
/// A POST because it starts the meeting at GoTo, and so the address never sits in a GET's
/// cache or history; `no-store` besides. The address is a credential: it is answered once and
/// never kept or logged (`HostUrl`).
pub async fn start(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(raw_id): Path<String>,
) -> Result<Response, AppError> {
    let id = MeetingId::parse(&raw_id).ok_or(AppError::NotFound)?;
    let (_, role) = record_or_role(&state, &session, &id).await?;
    if !role.may_start() {
        return Err(AppError::MayNotStart);
    }
    let outcome = state
        .keeper
        .with_user_token_raw(&session, |token| {
            let api = state.api.clone();
            let id = id.clone();
            async move { api.start_meeting(&token, &id).await }
        })
        .await?;
    let host_url = match outcome {
        Ok(url) => url.into_string(),
        Err(UpstreamError::Forbidden) => return Err(meeting_refused(&session.record.tokens)),
        Err(other) => return Err(upstream_to_app(other)),
    };
    let mut response = Json(StartMeeting { host_url }).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
