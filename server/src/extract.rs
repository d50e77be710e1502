//! How a request finds its signed-in person in the app's state: the session cookie's id,
//! opened by the token keeper. Kept apart from `session` (what a session is) so that the state,
//! which holds the keeper, and the session do not lean on each other.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::session::{cookie_value, CurrentSession};
use crate::state::AppState;

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let id = cookie_value(&parts.headers, state.cookies.session_name())
            .ok_or(AppError::NotSignedIn)?
            .to_owned();
        let record = state
            .keeper
            .session(&id)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        // The support log names whose request a GoTo call was made for.
        crate::support_log::note_organizer(&record.tokens.organizer_key);
        Ok(CurrentSession { id, record })
    }
}
