//! `Idempotency-Key` for the routes that make or change a meeting: a double tap, a retry
//! after a timeout, or two replicas receiving the same request do the work once, and the
//! others get the first answer replayed.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use meeting::CreateMeeting;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;
use crate::store::Claim;

/// How long a request waits for another one holding the same idempotency key.
const IDEMPOTENCY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// `Idempotency-Key`: 1 to 128 characters from `[A-Za-z0-9_-]` (a UUID fits).
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
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

/// The same form gives the same fingerprint: a key reused for another form is refused.
pub fn fingerprint(form: &CreateMeeting) -> Result<String, AppError> {
    Ok(hex::encode(Sha256::digest(
        serde_json::to_vec(form).map_err(AppError::internal)?,
    )))
}

/// Claims `key` (as stored: see the change's namespacing) for this person's request, waiting
/// while another request holds it. `None`: go ahead, then finish or release the key;
/// `Some`: the first request's answer, replayed.
pub async fn claim_or_replay(
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
