//! `GET /api/session`: who is signed in. Anonymous callers get `{"user": null}`, not 401,
//! since asking is how the app learns it must offer "Connect GoToMeeting".

use axum::extract::Request;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use meeting::{SessionHandoff, SessionInfo, User};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::json_body::JsonBody;
use crate::session;
use crate::state::AppState;

pub async fn get_session(
    State(state): State<AppState>,
    // The request itself rather than a `HeaderMap` or `CookieJar` extractor: both copy the
    // headers, which every session check paid for one cookie's value.
    request: Request,
) -> Result<Json<SessionInfo>, AppError> {
    let Some(id) = session::cookie_value(request.headers(), state.cookies.session_name()) else {
        return Ok(Json(SessionInfo::default()));
    };
    let Some(record) = state.keeper.session(id).await? else {
        return Ok(Json(SessionInfo::default()));
    };
    let licensed = licensed(&state, &record.tokens.organizer_key).await?;
    Ok(Json(SessionInfo {
        user: Some(User {
            name: record.tokens.display_name(),
            email: record.tokens.email.clone(),
            organizer_key: record.tokens.organizer_key.clone(),
            licensed,
        }),
    }))
}

/// Whether the account's directory ("All organizers", synced from GoTo's Admin API) lists the
/// person with GoToMeeting. Someone it does not list (not synced yet, or just added) is given
/// the benefit of the doubt: GoTo refuses the create then, and the app says why.
async fn licensed(state: &AppState, organizer_key: &str) -> Result<bool, AppError> {
    let directory = state.store.organizers().await?;
    Ok(directory.get(organizer_key).is_none_or(|o| o.has_g2m))
}

/// `POST /api/session/handoff`: the app inside a portal's cross-site iframe redeems the code the
/// sign-in popup posted to it, with the nonce it put on the popup's address, and gets a
/// session cookie of its own on this answer, in the frame's own (partitioned) cookie jar: a
/// fresh session id holding the same sign-in, so the popup's cookie and the frame's are never
/// the same secret. A code works once, for a minute, and only with its nonce; anything else
/// is a 401, as being signed out is.
pub async fn redeem_handoff(
    State(state): State<AppState>,
    jar: CookieJar,
    JsonBody(body): JsonBody<SessionHandoff>,
) -> Result<(CookieJar, StatusCode), AppError> {
    let handoff = state
        .store
        .take_handoff(&body.code)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let presented = hex::encode(Sha256::digest(body.nonce.as_bytes()));
    let bound = handoff
        .nonce_hash
        .as_deref()
        .is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(presented.as_bytes())));
    if !bound || body.nonce.is_empty() {
        return Err(AppError::NotSignedIn);
    }
    let record = state
        .keeper
        .session(&handoff.session_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let session_id = crate::crypto::random_id();
    state.store.put_session(&session_id, &record).await?;
    let jar = jar.add(state.cookies.session(session_id, state.config.session_max));
    Ok((jar, StatusCode::NO_CONTENT))
}
