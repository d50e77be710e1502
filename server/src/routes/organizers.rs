//! `GET /api/organizers?q=&limit=`: co-organizer search over the synced copy, so it works
//! even while GoTo is down. Only active organizers holding GoToMeeting are offered, and never
//! the person asking.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use meeting::Organizer;
use serde::Deserialize;

use crate::error::AppError;
use crate::session::CurrentSession;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn search(
    State(state): State<AppState>,
    session: CurrentSession,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Vec<Organizer>>, AppError> {
    // axum's own rejection is plain text; the API answers every error in its JSON shape.
    let Query(query) = query.map_err(|_| AppError::BadRequest("malformed query string"))?;
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let q = query.q.unwrap_or_default();
    // Refused rather than cut: no name or e-mail is this long, so a longer text is no search
    // a person typed, and a cut one would answer with matches for a text nobody asked for.
    // Counted without reading past the limit.
    if q.chars().nth(meeting::search::MAX_QUERY_CHARS).is_some() {
        return Err(AppError::BadRequest("the search text is too long"));
    }
    // Folded once here, not once per person of the list.
    let q = meeting::search::Query::new(&q);
    let me = &session.record.tokens.organizer_key;
    let found = state
        .store
        .organizers()
        .await?
        .people()
        .iter()
        .filter(|o| o.active && o.has_g2m && &o.key != me)
        .filter(|o| q.matches(&[&o.first_name, &o.last_name, &o.email]))
        .take(limit)
        .map(|o| Organizer {
            name: format!("{} {}", o.first_name, o.last_name)
                .trim()
                .to_owned(),
            key: o.key.clone(),
            email: o.email.clone(),
        })
        .collect();
    Ok(Json(found))
}

/// `POST /api/organizers/sync`: someone is missing from the list, so fetch it again now, at
/// most once a minute for the whole deployment (the list is GoTo's: one Admin API call per
/// hundred people).
pub async fn sync_now(
    State(state): State<AppState>,
    _session: CurrentSession,
) -> Result<axum::http::StatusCode, AppError> {
    crate::organizer_sync::sync_on_demand(&state, std::time::Duration::from_secs(60)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
