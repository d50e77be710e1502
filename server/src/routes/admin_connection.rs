//! The admin ("service") connection: an operator connects the service account once; its
//! token is used only to sync "All organizers".

use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use meeting::Lang;
use serde::Deserialize;

use super::sign_in_pages::{escape_html, failure_page, page, SignInFailure};
use super::user_auth::{start_login, take_checked_login};
use crate::error::{AppError, RequestContext};
use crate::goto::identity::{self, IdentityError, Who};
use crate::organizer_sync::{self, AdminRefusal};

use crate::state::AppState;

pub async fn connect(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    start_login(&state, jar, "/".into(), true, false, None).await
}

#[derive(Deserialize)]
pub struct ServerContextQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The brief's redirect path for the service client. Every outcome is a page in the
/// operator's language; a failure offers to start again.
pub async fn server_context(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    jar: CookieJar,
    Query(query): Query<ServerContextQuery>,
) -> Response {
    let login = take_checked_login(&state, &jar, query.state.as_deref(), true).await;
    let jar = if login.is_ok() {
        jar.remove(state.cookies.login_removal())
    } else {
        jar
    };
    let outcome = match (login, query.error, query.code) {
        (Err(AppError::BadRequest(_)), _, _) => Err(SignInFailure::Expired),
        (Err(other), _, _) => Err(other.into()),
        (Ok(_), Some(error), _) if error == "invalid_scope" => Err(SignInFailure::MissingScope(
            state
                .admin_oauth
                .as_ref()
                .map(|o| o.scopes().joined())
                .unwrap_or_default(),
        )),
        (Ok(_), Some(_), _) => Err(SignInFailure::Denied),
        (Ok(_), None, None) => Err(SignInFailure::CodeRefused),
        (Ok(login), None, Some(code)) => connect_with_code(&state, code, login.pkce_verifier).await,
    };
    let response = match outcome {
        Ok(count) => {
            let minutes = state.config.organizer_sync_every.as_secs() / 60;
            let (title, text) = match ctx.lang {
                Lang::Es => (
                    "Cuenta de servicio conectada".to_owned(),
                    format!("{count} organizadores pueden ser coorganizadores. La lista se actualiza cada {minutes} minutos."),
                ),
                Lang::En => (
                    "Service account connected".to_owned(),
                    format!("{count} organizers are available as co-organizers. They are refreshed every {minutes} minutes."),
                ),
            };
            let open = match ctx.lang {
                Lang::Es => "Abrir la aplicación",
                Lang::En => "Open the app",
            };
            page(
                ctx.lang,
                &title,
                &format!(
                    "<h1>{}</h1><p>{}</p><p><a href=\"/\">{open}</a></p>",
                    escape_html(&title),
                    escape_html(&text)
                ),
                None,
            )
        }
        Err(failure) => failure_page(ctx.lang, &failure, CONNECT_PATH),
    };
    (jar, response).into_response()
}

const CONNECT_PATH: &str = "/admin/api/gwsc/auth/connect";

async fn connect_with_code(
    state: &AppState,
    code: String,
    verifier: String,
) -> Result<usize, SignInFailure> {
    let oauth = state.admin_oauth.as_ref().ok_or(SignInFailure::Internal)?;
    let granted = oauth.exchange_code(code, verifier).await?;
    // The answer's e-mail (`principal`) already tells a service account that is not allowed,
    // before any call is spent on it.
    if let Some(email) = &granted.identity.email {
        if !organizer_sync::admin_email_allowed(state, email) {
            return Err(SignInFailure::AdminNotAllowed(email.clone()));
        }
    }
    let wrong_account = || SignInFailure::WrongAccount(state.account_key.clone());
    let tokens = identity::complete(
        &state.api,
        granted,
        Who::ServiceAccount,
        state.account_key.as_deref(),
    )
    .await
    .map_err(|e| match e {
        IdentityError::NotAdmin => wrong_account(),
        other => other.into(),
    })?;
    organizer_sync::connect_admin(state, tokens)
        .await
        .map_err(|refusal| match refusal {
            AdminRefusal::NotAllowed(email) => SignInFailure::AdminNotAllowed(email),
            AdminRefusal::WrongAccount => wrong_account(),
            AdminRefusal::SyncFailed(AppError::TooManyRequests {
                retry_after_seconds,
            }) => SignInFailure::Busy {
                retry_after_seconds,
            },
            AdminRefusal::SyncFailed(e) => {
                tracing::warn!(error = %e, "service account refused: the first sync failed");
                SignInFailure::SyncFailed
            }
        })
}
