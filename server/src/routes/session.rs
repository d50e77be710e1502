//! `GET /api/session`: who is signed in. Anonymous callers get `{"user": null}`, not 401,
//! since asking is how the app learns it must offer "Connect GoToMeeting".

use axum::extract::State;
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use meeting::{SessionInfo, User};

use crate::error::AppError;
use crate::session::SESSION_COOKIE;
use crate::state::AppState;

pub async fn get_session(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Json<SessionInfo>, AppError> {
    let Some(id) = jar.get(SESSION_COOKIE) else {
        return Ok(Json(SessionInfo::default()));
    };
    let user = state.keeper.session(id.value()).await?.map(|record| User {
        name: record.tokens.display_name(),
        email: record.tokens.email.clone(),
        organizer_key: record.tokens.organizer_key.clone(),
    });
    Ok(Json(SessionInfo { user }))
}
