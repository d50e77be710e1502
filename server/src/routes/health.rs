//! Liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;

use crate::error::AppError;
use crate::state::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the store answers (SQLite, or Redis with PING).
pub async fn readyz(State(state): State<AppState>) -> Result<(StatusCode, &'static str), AppError> {
    state.store.ping().await?;
    Ok((StatusCode::OK, "ready"))
}

/// The API description, for clients and for schemathesis.
pub async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
}
