//! Signing a person in with GoTo ("service action" client) and out again.

use axum::extract::{Extension, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use chrono::Utc;
use meeting::Lang;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::sign_in_pages::{failure_page, person_sign_in_link, SignInFailure};
use crate::error::{AppError, RequestContext};
use crate::goto::identity::{self, Who};
use crate::state::AppState;
use crate::store::{LoginTransaction, SessionHandoff, SessionRecord};

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    /// Set by the app inside a portal's iframe, which signs in through a popup because GoTo's
    /// sign-in page refuses to be framed. The callback then tells the opener and closes.
    #[serde(default)]
    popup: Option<String>,
    /// The framed app's random value for a popup sign-in (see `SessionHandoff`).
    #[serde(default)]
    nonce: Option<String>,
}

/// Only a path on this origin: `/x`, never `//host`, `/\host` or `scheme:`. Anything else
/// becomes `/`, so the login can never be used as an open redirect.
pub fn local_path(raw: Option<&str>) -> String {
    let Some(raw) = raw else {
        return "/".into();
    };
    let safe = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control() || c == '\\')
        && raw.len() <= 2048;
    if safe {
        raw.to_owned()
    } else {
        "/".into()
    }
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let popup = query.popup.as_deref() == Some("1");
    let nonce_hash = query
        .nonce
        .filter(|_| popup)
        .filter(|n| {
            (16..=128).contains(&n.len())
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(|n| hex::encode(Sha256::digest(n.as_bytes())));
    start_login(
        &state,
        jar,
        local_path(query.return_to.as_deref()),
        false,
        popup,
        nonce_hash,
    )
    .await
}

pub async fn start_login(
    state: &AppState,
    jar: CookieJar,
    return_to: String,
    admin: bool,
    popup: bool,
    nonce_hash: Option<String>,
) -> Result<Response, AppError> {
    let oauth = if admin {
        state.admin_oauth.as_ref().ok_or(AppError::NotFound)?
    } else {
        &state.user_oauth
    };
    let authorization = oauth.authorize();
    let login_id = crate::crypto::random_id();
    state
        .store
        .put_login(
            &login_id,
            &LoginTransaction {
                state: authorization.state,
                pkce_verifier: authorization.pkce_verifier,
                return_to,
                popup,
                admin,
                created_at: Utc::now(),
                nonce_hash,
            },
        )
        .await?;
    let jar = jar.add(state.cookies.login(login_id));
    Ok((jar, Redirect::to(&authorization.url)).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The login transaction this callback belongs to, checked, then consumed. A callback whose
/// state does not match leaves the sign-in in progress alone (a stray or forged callback
/// must not cancel it); a login older than ten minutes counts as gone.
pub async fn take_checked_login(
    state: &AppState,
    jar: &CookieJar,
    returned_state: Option<&str>,
    admin: bool,
) -> Result<LoginTransaction, AppError> {
    let login_id = jar
        .get(state.cookies.login_name())
        .map(|c| c.value().to_owned())
        .ok_or(AppError::BadRequest("no login in progress"))?;
    let login = state
        .store
        .peek_login(&login_id)
        .await?
        .ok_or(AppError::BadRequest("login expired or already used"))?;
    let returned = returned_state.unwrap_or("");
    let matches: bool = login.state.as_bytes().ct_eq(returned.as_bytes()).into();
    if !matches || login.admin != admin {
        return Err(AppError::BadRequest("state does not match"));
    }
    // Of two callbacks with the right state, only one takes it.
    state
        .store
        .take_login(&login_id)
        .await?
        .ok_or(AppError::BadRequest("login expired or already used"))
}

/// The service-action client's redirect. Every way it can fail ends on a page in the person's
/// language with "Try again" (see `sign_in_pages`), in the popup too.
pub async fn callback(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let login = take_checked_login(&state, &jar, query.state.as_deref(), false).await;
    // The login cookie goes with the login it names; a callback that did not match leaves
    // both for the real one.
    let jar = if login.is_ok() {
        jar.remove(state.cookies.login_removal())
    } else {
        jar
    };
    let login = match login {
        Ok(login) => login,
        Err(AppError::BadRequest(why)) => {
            tracing::info!(why, "sign-in callback without a matching sign-in");
            return fail(jar, ctx.lang, SignInFailure::Expired, "/");
        }
        Err(other) => return fail(jar, ctx.lang, other.into(), "/"),
    };
    match query.error.as_deref() {
        // The person said no: back to the app, still signed out, as they chose.
        Some("access_denied") => {
            tracing::info!("sign-in not allowed by the person");
            return no_referrer(finish(&state, jar, &login, Outcome::NotSignedIn, ctx.lang));
        }
        Some("invalid_scope") => {
            let scopes = state.user_oauth.scopes().joined();
            return fail(
                jar,
                ctx.lang,
                SignInFailure::MissingScope(scopes),
                &login.return_to,
            );
        }
        Some(error) => {
            tracing::info!(%error, "GoTo ended the sign-in with an error");
            return fail(jar, ctx.lang, SignInFailure::Denied, &login.return_to);
        }
        None => {}
    }
    let Some(code) = query.code else {
        return fail(jar, ctx.lang, SignInFailure::CodeRefused, &login.return_to);
    };
    match sign_in(&state, &jar, &login, code).await {
        Ok((jar, handoff)) => no_referrer(finish(
            &state,
            jar,
            &login,
            Outcome::SignedIn { handoff },
            ctx.lang,
        )),
        Err(failure) => fail(jar, ctx.lang, failure, &login.return_to),
    }
}

fn fail(jar: CookieJar, lang: Lang, failure: SignInFailure, return_to: &str) -> Response {
    (
        jar,
        failure_page(lang, &failure, &person_sign_in_link(return_to)),
    )
        .into_response()
}

/// Redeems the code, learns who signed in, and opens a session.
async fn sign_in(
    state: &AppState,
    jar: &CookieJar,
    login: &LoginTransaction,
    code: String,
) -> Result<(CookieJar, Option<String>), SignInFailure> {
    let granted = state
        .user_oauth
        .exchange_code(code, login.pkce_verifier.clone())
        .await?;
    let tokens = identity::complete(
        &state.api,
        granted,
        Who::Person,
        state.account_key.as_deref(),
    )
    .await?;
    // Only the company's account: a user of any other GoTo account would otherwise read its
    // directory (names and e-mails) through the co-organizer search.
    if let Some(expected) = &state.account_key {
        if tokens.account_key.as_deref() != Some(expected.as_str()) {
            tracing::info!(account = ?tokens.account_key, "sign-in of another GoTo account refused");
            return Err(SignInFailure::OtherAccount);
        }
    }
    // A fresh id at every sign-in: an id planted before login is worth nothing after it.
    if let Some(old) = jar.get(state.cookies.session_name()) {
        state.store.delete_session(old.value()).await?;
    }
    let session_id = crate::crypto::random_id();
    state
        .store
        .put_session(
            &session_id,
            &SessionRecord {
                tokens,
                created_at: Utc::now(),
            },
        )
        .await?;
    // In the popup variant the app sits in a portal's iframe, which (on another site) cannot
    // see this cookie: it gets a one-time code to redeem for its own.
    let handoff = if login.popup {
        let code = crate::crypto::random_id();
        state
            .store
            .put_handoff(
                &code,
                &SessionHandoff {
                    session_id: session_id.clone(),
                    created_at: Utc::now(),
                    nonce_hash: login.nonce_hash.clone(),
                },
            )
            .await?;
        Some(code)
    } else {
        None
    };
    let jar = jar
        .clone()
        .add(state.cookies.session(session_id, state.config.session_max));
    Ok((jar, handoff))
}

/// How a sign-in ended, for the page that tells the app.
enum Outcome {
    SignedIn { handoff: Option<String> },
    NotSignedIn,
}

/// Back to the app: a redirect to the local return path, or in the popup variant a page that
/// tells the opener (by `postMessage` to our exact origin, never `*`) and closes itself.
fn finish(
    state: &AppState,
    jar: CookieJar,
    login: &LoginTransaction,
    outcome: Outcome,
    lang: Lang,
) -> Response {
    if !login.popup {
        return (jar, Redirect::to(&login.return_to)).into_response();
    }
    let origin = serde_json::to_string(&state.config.public_url).expect("a string serialises");
    let (signed_in, handoff) = match outcome {
        Outcome::SignedIn { handoff } => (true, handoff),
        Outcome::NotSignedIn => (false, None),
    };
    // The code goes only to a window of our exact origin; JSON-encoded, so it is a JS literal.
    let handoff = serde_json::to_string(&handoff).expect("a string serialises");
    let message_type = meeting::names::SIGN_IN_MESSAGE;
    let script = format!(
        "if (window.opener) {{ window.opener.postMessage({{ type: \"{message_type}\", signedIn: {signed_in}, handoff: {handoff} }}, {origin}); window.close(); }} else {{ window.location.replace(\"/\"); }}"
    );
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    let mut response = (jar, Html(popup_page(lang, signed_in, &script))).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&format!(
            "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        ))
        .expect("ASCII policy"),
    );
    // The words follow the browser's languages, so a shared cache must keep them apart.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

/// The page the sign-in popup lands on, in the person's language. It is usually seen only
/// for a moment (it closes itself), but stays if the browser refuses to close it.
fn popup_page(lang: Lang, signed_in: bool, script: &str) -> String {
    let (title, text) = match (lang, signed_in) {
        (Lang::En, true) => (
            "Connected",
            "GoToMeeting is connected. You can close this window.",
        ),
        (Lang::En, false) => (
            "Not connected",
            "GoToMeeting was not connected. You can close this window.",
        ),
        (Lang::Es, true) => (
            "Conectado",
            "GoToMeeting está conectado. Puedes cerrar esta ventana.",
        ),
        (Lang::Es, false) => (
            "No conectado",
            "GoToMeeting no se conectó. Puedes cerrar esta ventana.",
        ),
    };
    let code = lang.code();
    format!(
        "<!doctype html><html lang=\"{code}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><title>{title}</title><body style=\"font-family:system-ui;margin:2rem\"><p>{text}</p><script>{script}</script></body></html>"
    )
}

/// The callback URL carries the code: make sure it never leaks through a Referer.
pub fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if let Some(id) = jar.get(state.cookies.session_name()) {
        state.store.delete_session(id.value()).await?;
    }
    let jar = jar.remove(state.cookies.session_removal());
    Ok((jar, StatusCode::NO_CONTENT).into_response())
}

#[cfg(test)]
mod tests {
    use super::{local_path, popup_page};
    use meeting::Lang;

    #[test]
    fn the_popup_page_speaks_the_persons_language() {
        let es = popup_page(Lang::Es, true, "x()");
        assert!(es.contains("<html lang=\"es\">"), "{es}");
        assert!(es.contains("<title>Conectado</title>"), "{es}");
        assert!(es.contains("GoToMeeting está conectado. Puedes cerrar esta ventana."));
        assert!(!es.contains("You can close"));
        let es = popup_page(Lang::Es, false, "x()");
        assert!(es.contains("GoToMeeting no se conectó."), "{es}");
        let en = popup_page(Lang::En, true, "x()");
        assert!(en.contains("<html lang=\"en\">"), "{en}");
        assert!(en.contains("GoToMeeting is connected. You can close this window."));
        assert!(en.contains("<script>x()</script>"));
        let en = popup_page(Lang::En, false, "x()");
        assert!(en.contains("<title>Not connected</title>"), "{en}");
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path(Some("/meetings/1?x=2")), "/meetings/1?x=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "javascript:alert(1)",
            "/a\\b",
            "/\n",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
