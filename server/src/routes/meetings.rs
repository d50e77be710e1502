//! `POST /api/meetings` and `GET /api/meetings/{id}`, and what the other meeting routes
//! (`my_meetings.rs`: the list, change, cancel, start) share with them.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use meeting::validation::{escape_subject_for_goto, Field, FieldError, Problem};
use meeting::{CreateMeeting, Meeting, MeetingId, MeetingRole, Organizer};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::goto::rest::{
    format_goto_time, parse_goto_time, value_string, CreateMeetingBody, CreatedMeeting,
    MeetingInfo, UpstreamError,
};
use crate::goto::tokens::{meeting_refused, upstream_to_app};
use crate::json_body::JsonBody;
use crate::routes::my_meetings::role_of;
use crate::session::CurrentSession;
use crate::state::AppState;
use crate::store::{CachedOrganizer, Claim, MeetingExtras};

/// GoTo's own join-link shape, for meetings we did not create ourselves (GoTo's read-back
/// answer carries no join link).
pub(crate) fn default_join_url(id: &MeetingId) -> String {
    format!("https://global.gotomeeting.com/join/{}", id.as_str())
}

/// How long a request waits for another one holding the same idempotency key.
const IDEMPOTENCY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// `Idempotency-Key`: 1 to 128 characters from `[A-Za-z0-9_-]` (a UUID fits).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::BadRequest(
            "the Idempotency-Key header is required",
        ))?;
    let ok = !key.is_empty()
        && key.len() <= 128
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| key.to_owned()).ok_or(AppError::BadRequest(
        "the Idempotency-Key header is malformed",
    ))
}

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
    let fingerprint = fingerprint(&form)?;
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

/// The same form gives the same fingerprint: a key reused for another form is refused.
pub(crate) fn fingerprint(form: &CreateMeeting) -> Result<String, AppError> {
    Ok(hex::encode(Sha256::digest(
        serde_json::to_vec(form).map_err(AppError::internal)?,
    )))
}

/// Claims `key` (as stored: see the change's namespacing) for this person's request, waiting
/// while another request holds it. `None`: go ahead, then finish or release the key;
/// `Some`: the first request's answer, replayed.
pub(crate) async fn claim_or_replay(
    state: &AppState,
    user: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Response>, AppError> {
    let started = std::time::Instant::now();
    loop {
        match state.store.claim_idempotent(user, key, fingerprint).await? {
            Claim::Claimed => return Ok(None),
            Claim::Done { status, body } => return Ok(Some(replay(status, body))),
            Claim::Mismatch => {
                return Err(AppError::BadRequest(
                    "this Idempotency-Key was already used for a different request",
                ))
            }
            Claim::InProgress if started.elapsed() > IDEMPOTENCY_WAIT => {
                return Err(AppError::TooManyRequests {
                    retry_after_seconds: 2,
                })
            }
            Claim::InProgress => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
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
        subject: form.subject.trim().to_owned(),
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

/// GoTo's body for a create and for a change (`PUT` takes the whole meeting again).
pub(crate) fn goto_body(form: &CreateMeeting) -> CreateMeetingBody {
    CreateMeetingBody {
        subject: escape_subject_for_goto(&form.subject),
        starttime: format_goto_time(form.starts_at),
        endtime: format_goto_time(form.ends_at),
        // GoTo takes only the yes/no: the organizer sets the password itself when starting.
        passwordrequired: form.password_required,
        // Phone and computer audio: what GoTo's own scheduler offers by default.
        conferencecallinfo: "Hybrid".into(),
        timezonekey: String::new(),
        meetingtype: "scheduled".into(),
        coorganizer_keys: form.coorganizer_keys.clone(),
    }
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
                join_url: format!("https://global.gotomeeting.com/join/{id}"),
                meetingid: serde_json::Value::String(id),
                conference_call_info: m.conference_call_info,
            })
        }
        None => Err(AppError::UpstreamTimeout),
    }
}

fn whole_seconds(t: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    t - chrono::Duration::nanoseconds(t.timestamp_subsec_nanos().into())
}

/// Co-organizers must be active GoToMeeting organizers of the account, and not oneself.
/// Checked against the synced copy when there is one; GoTo checks again either way.
pub(crate) fn check_coorganizers_offered(
    keys: &[String],
    organizers: &[CachedOrganizer],
    me: &str,
) -> Result<(), AppError> {
    if organizers.is_empty() {
        return Ok(());
    }
    let offered = |key: &String| {
        key != me
            && organizers
                .iter()
                .any(|o| &o.key == key && o.active && o.has_g2m)
    };
    if keys.iter().all(offered) {
        Ok(())
    } else {
        Err(AppError::Validation(vec![FieldError {
            field: Field::Coorganizers,
            problem: Problem::UnknownOrganizer,
        }]))
    }
}

pub(crate) fn named(keys: &[String], organizers: &[CachedOrganizer]) -> Vec<Organizer> {
    keys.iter()
        .map(|key| organizer(key, organizers.iter().find(|o| &o.key == key)))
        .collect()
}

/// One co-organizer as the app shows them: as synced, else by key alone.
pub(crate) fn organizer(key: &str, synced: Option<&CachedOrganizer>) -> Organizer {
    match synced {
        Some(o) => Organizer {
            key: key.to_owned(),
            name: format!("{} {}", o.first_name, o.last_name)
                .trim()
                .to_owned(),
            email: o.email.clone(),
        },
        None => Organizer {
            key: key.to_owned(),
            name: key.to_owned(),
            email: String::new(),
        },
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
    let info = read_at_goto(state, session, &id).await?;
    let organizer_key = &session.record.tokens.organizer_key;
    let mut record = live(
        state
            .store
            .meeting_extras(id.as_str(), organizer_key)
            .await?,
    );
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
    meeting_from(&id, &info, join_url, role, &organizers)
}

/// `GET /meetings/{id}` at GoTo: 404 (or 403) there is "not found" here.
pub(crate) async fn read_at_goto(
    state: &AppState,
    session: &CurrentSession,
    id: &MeetingId,
) -> Result<MeetingInfo, AppError> {
    state
        .keeper
        .with_user_token(session, |token| {
            let api = state.api.clone();
            let id = id.clone();
            async move { api.get_meeting(&token, &id).await }
        })
        .await
}

/// A cancelled meeting's emptied record counts as none (see `MeetingExtras::cancelled`).
pub(crate) fn live(record: Option<MeetingExtras>) -> Option<MeetingExtras> {
    record.filter(|r| !r.cancelled)
}

/// The meeting as GoTo's `GET /meetings/{id}` describes it.
pub(crate) fn meeting_from(
    id: &MeetingId,
    info: &MeetingInfo,
    join_url: String,
    role: MeetingRole,
    organizers: &[CachedOrganizer],
) -> Result<Meeting, AppError> {
    let (starts_at, ends_at) = info
        .starts_at()
        .zip(info.ends_at())
        .ok_or_else(|| AppError::Upstream("GoTo returned unreadable meeting times".into()))?;
    Ok(Meeting {
        id: id.as_str().to_owned(),
        subject: unescape_subject(&info.subject),
        starts_at,
        ends_at,
        join_url,
        conference_call_info: info.conference_call_info.clone(),
        password_required: info.password_required,
        coorganizers: named(&info.coorganizer_keys(), organizers),
        role,
    })
}

/// Subjects come back as they were sent, with `<` and `>` escaped.
pub(crate) fn unescape_subject(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">")
}
