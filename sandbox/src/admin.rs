//! The sandbox's own control surface under `/_admin` (JSON), for tests in other processes and
//! languages: fault switches, the time format of answers, token expiry and revocation, the
//! journal, and read-only views of the seed, the clients and the meetings. Not part of GoTo;
//! never journaled.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::SandboxError;
use crate::faults::{FaultSettings, FaultTarget};
use crate::journal::{JournalEntry, TokenCalls};
use crate::meeting_store::SandboxMeeting;
use crate::seed::SeedOrganizer;
use crate::time_format::TimeFormat;
use crate::Sandbox;

pub(crate) fn router() -> Router<Sandbox> {
    Router::new()
        .route("/", get(index))
        .route("/faults", get(faults).delete(clear_faults))
        .route("/faults/latency", post(set_latency))
        .route("/faults/fail", post(fail_next))
        .route("/faults/hang", post(hang_next))
        .route("/faults/late-answer", post(late_answer_next))
        .route("/faults/force-429", post(force_429))
        .route("/faults/drop", post(drop_next))
        .route("/time-format", get(time_format).post(set_time_format))
        .route("/tokens/expire", post(expire_access_tokens))
        .route("/tokens/revoke", post(revoke_refresh_tokens))
        .route("/journal", get(journal).delete(clear_journal))
        .route("/token-calls", get(token_calls))
        .route("/meetings", get(meetings))
        .route("/organizers", get(organizers))
        .route("/clients", get(clients))
}

async fn index() -> Json<Value> {
    Json(json!({
        "endpoints": [
            "GET /_admin/faults", "DELETE /_admin/faults",
            "POST /_admin/faults/latency {\"ms\", \"target\"?}",
            "POST /_admin/faults/fail {\"count\", \"status\", \"after\"?, \"target\"?}",
            "POST /_admin/faults/hang {\"ms\", \"target\"?}",
            "POST /_admin/faults/late-answer {\"ms\", \"target\"?}",
            "POST /_admin/faults/force-429 {\"count\", \"target\"?}",
            "POST /_admin/faults/drop {\"count\", \"target\"?}",
            "GET /_admin/time-format", "POST /_admin/time-format {\"format\"}",
            "POST /_admin/tokens/expire",
            "POST /_admin/tokens/revoke {\"organizer_key\"}",
            "GET /_admin/journal", "DELETE /_admin/journal", "GET /_admin/token-calls",
            "GET /_admin/meetings", "GET /_admin/organizers", "GET /_admin/clients",
        ],
        "targets": ["api", "token", "both"],
        "time_formats": TimeFormat::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetTimeFormat {
    format: String,
}

fn time_format_body(format: TimeFormat) -> Json<Value> {
    Json(json!({ "format": format.as_str(), "example": format.example() }))
}

/// `{"format": "bare-dot", "example": "2026-03-10T15:00:00.+0000"}`
async fn time_format(State(sandbox): State<Sandbox>) -> Json<Value> {
    time_format_body(sandbox.time_format())
}

async fn set_time_format(
    State(sandbox): State<Sandbox>,
    Json(body): Json<SetTimeFormat>,
) -> Result<Json<Value>, SandboxError> {
    let format: TimeFormat = body.format.parse().map_err(SandboxError::Admin)?;
    sandbox.set_time_format(format);
    Ok(time_format_body(format))
}

async fn faults(State(sandbox): State<Sandbox>) -> Json<FaultSettings> {
    Json(sandbox.faults().settings())
}

async fn clear_faults(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.faults().clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Millis {
    ms: u64,
    #[serde(default)]
    target: FaultTarget,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Count {
    count: u32,
    #[serde(default)]
    target: FaultTarget,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fail {
    count: u32,
    status: u16,
    /// Calls to let through first.
    #[serde(default)]
    after: u32,
    #[serde(default)]
    target: FaultTarget,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Revoke {
    organizer_key: String,
}

async fn set_latency(
    State(sandbox): State<Sandbox>,
    Json(body): Json<Millis>,
) -> Json<FaultSettings> {
    sandbox
        .faults()
        .set_latency_on(body.target, Duration::from_millis(body.ms));
    Json(sandbox.faults().settings())
}

async fn fail_next(
    State(sandbox): State<Sandbox>,
    Json(body): Json<Fail>,
) -> Result<Json<FaultSettings>, SandboxError> {
    if !(400..=599).contains(&body.status) {
        return Err(SandboxError::Admin(
            "status must be an HTTP error status (400-599), e.g. 500, 502 or 503".into(),
        ));
    }
    sandbox
        .faults()
        .fail_next_after_on(body.target, body.after, body.count, body.status);
    Ok(Json(sandbox.faults().settings()))
}

async fn hang_next(
    State(sandbox): State<Sandbox>,
    Json(body): Json<Millis>,
) -> Json<FaultSettings> {
    sandbox
        .faults()
        .hang_next_on(body.target, Duration::from_millis(body.ms));
    Json(sandbox.faults().settings())
}

async fn late_answer_next(
    State(sandbox): State<Sandbox>,
    Json(body): Json<Millis>,
) -> Json<FaultSettings> {
    sandbox
        .faults()
        .late_answer_next_on(body.target, Duration::from_millis(body.ms));
    Json(sandbox.faults().settings())
}

async fn force_429(State(sandbox): State<Sandbox>, Json(body): Json<Count>) -> Json<FaultSettings> {
    sandbox.faults().force_429_on(body.target, body.count);
    Json(sandbox.faults().settings())
}

async fn drop_next(State(sandbox): State<Sandbox>, Json(body): Json<Count>) -> Json<FaultSettings> {
    sandbox.faults().drop_next_on(body.target, body.count);
    Json(sandbox.faults().settings())
}

async fn expire_access_tokens(State(sandbox): State<Sandbox>) -> Json<Value> {
    Json(json!({ "expired": sandbox.expire_access_tokens() }))
}

async fn revoke_refresh_tokens(
    State(sandbox): State<Sandbox>,
    Json(body): Json<Revoke>,
) -> Json<Value> {
    Json(json!({ "revoked": sandbox.revoke_refresh_tokens(&body.organizer_key) }))
}

async fn journal(State(sandbox): State<Sandbox>) -> Json<Vec<JournalEntry>> {
    Json(sandbox.journal())
}

async fn clear_journal(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.clear_journal();
    StatusCode::NO_CONTENT
}

async fn token_calls(State(sandbox): State<Sandbox>) -> Json<TokenCalls> {
    Json(sandbox.token_calls())
}

async fn meetings(State(sandbox): State<Sandbox>) -> Json<Vec<SandboxMeeting>> {
    Json(sandbox.meetings())
}

async fn organizers(State(sandbox): State<Sandbox>) -> Json<Vec<SeedOrganizer>> {
    Json(sandbox.organizers())
}

/// Ids, redirect URIs and granted scopes only: secrets never leave through HTTP.
async fn clients(State(sandbox): State<Sandbox>) -> Json<Value> {
    let list: Vec<Value> = sandbox
        .inner
        .config
        .clients
        .iter()
        .map(|c| {
            json!({ "client_id": c.client_id, "redirect_uris": c.redirect_uris, "scopes": c.scopes })
        })
        .collect();
    Json(Value::Array(list))
}
