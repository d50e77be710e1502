//! The admin ("service") connection: an operator connects the service account once; its
//! token is used only to sync "All organizers".

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::user_auth::{no_referrer, start_login, take_checked_login};
use crate::error::AppError;
use crate::goto::oauth::TokenError;
use crate::organizer_sync;
use crate::session::{self, LOGIN_COOKIE};
use crate::state::AppState;

pub async fn connect(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    start_login(&state, jar, "/".into(), true, false).await
}

#[derive(Deserialize)]
pub struct ServerContextQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The brief's redirect path for the service client.
pub async fn server_context(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<ServerContextQuery>,
) -> Result<Response, AppError> {
    let login = take_checked_login(&state, &jar, query.state.as_deref(), true).await?;
    let jar = jar.remove(session::removal(LOGIN_COOKIE, false));
    let outcome = match (query.error, query.code) {
        (Some(error), _) => Err(format!("GoTo did not grant access ({error}).")),
        (None, None) => Err("GoTo sent no authorization code.".to_owned()),
        (None, Some(code)) => connect_with_code(&state, code, login.pkce_verifier).await,
    };
    let page = match outcome {
        Ok(count) => admin_page(
            "Service account connected",
            &format!("{count} organizers are available as co-organizers. They are refreshed every {} minutes.",
                state.config.organizer_sync_every.as_secs() / 60),
        ),
        Err(message) => admin_page("Service account not connected", &message),
    };
    Ok(no_referrer((jar, Html(page)).into_response()))
}

async fn connect_with_code(
    state: &AppState,
    code: String,
    verifier: String,
) -> Result<usize, String> {
    let oauth = state
        .admin_oauth
        .as_ref()
        .ok_or("No service client is configured.")?;
    let tokens = oauth
        .exchange_code(code, verifier)
        .await
        .map_err(|e| match e {
            TokenError::InvalidGrant => {
                "The authorization code was refused; start again.".to_owned()
            }
            other => format!("GoTo refused the connection: {other}"),
        })?;
    organizer_sync::accept_admin_tokens(state, tokens)
        .await
        .map_err(|e| e.to_string())?;
    organizer_sync::sync(state)
        .await
        .map_err(|e| format!("Connected, but the first sync failed: {e}"))
}

fn admin_page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><body style=\"font-family:system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem\">\
         <h1>{title}</h1><p>{message}</p><p><a href=\"/\">Open the app</a></p></body></html>",
        title = escape_html(title),
        message = escape_html(message)
    )
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
