//! The pages a sign-in ends on when it cannot finish: the person's callback
//! (`/app/api/auth/serviceAction/callback`, often inside the sign-in popup) and the service
//! account's (`/admin/api/gwsc/auth/serverContext`). Both are browser navigations, so a
//! failure is a page in the person's language with a way to try again, never raw JSON.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use meeting::Lang;
use sha2::{Digest, Sha256};

use crate::goto::identity::IdentityError;
use crate::goto::oauth::TokenError;

/// Why a sign-in did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInFailure {
    /// No sign-in in progress in this browser, or it was already used, or the state differs.
    Expired,
    /// The person said no on GoTo's page (or GoTo sent an error back).
    Denied,
    /// GoTo would not redeem the code.
    CodeRefused,
    /// The GoTo budget is spent for now.
    Busy { retry_after_seconds: u64 },
    /// GoTo could not be reached or failed.
    Unavailable,
    /// The OAuth client lacks a scope; GoTo's admin must grant it.
    MissingScope(String),
    /// GoTo did not say who signed in.
    NoIdentity,
    /// The person's GoTo account is not the one this installation serves (`GOTO_ACCOUNT_KEY`).
    OtherAccount,
    /// The service account is not one of `GOTO_ADMIN_EMAILS`.
    AdminNotAllowed(String),
    /// The service account is not an admin of `GOTO_ACCOUNT_KEY` (given here, when set).
    WrongAccount(Option<String>),
    /// Connected, but the first "All organizers" sync failed (the tokens were not kept).
    SyncFailed,
    /// Our own fault (the store failed…).
    Internal,
}

impl From<TokenError> for SignInFailure {
    fn from(e: TokenError) -> SignInFailure {
        match e {
            TokenError::InvalidGrant => SignInFailure::CodeRefused,
            TokenError::OverBudget(wait) => SignInFailure::Busy {
                retry_after_seconds: wait.as_secs_f64().ceil().max(1.0) as u64,
            },
            TokenError::Refused(detail) | TokenError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "sign-in: token call failed");
                SignInFailure::Unavailable
            }
        }
    }
}

impl From<IdentityError> for SignInFailure {
    fn from(e: IdentityError) -> SignInFailure {
        tracing::warn!(error = %e, "sign-in: identity not established");
        match e {
            IdentityError::MissingScope(scope) => SignInFailure::MissingScope(scope.to_owned()),
            IdentityError::NoIdentity(_) => SignInFailure::NoIdentity,
            IdentityError::NotAdmin => SignInFailure::WrongAccount(None),
            IdentityError::Busy(wait) => SignInFailure::Busy {
                retry_after_seconds: wait.as_secs_f64().ceil().max(1.0) as u64,
            },
            IdentityError::Unavailable(_) => SignInFailure::Unavailable,
        }
    }
}

impl From<crate::error::AppError> for SignInFailure {
    fn from(e: crate::error::AppError) -> SignInFailure {
        tracing::error!(error = %e, "sign-in failed on our side");
        SignInFailure::Internal
    }
}

impl SignInFailure {
    fn status(&self) -> StatusCode {
        match self {
            SignInFailure::Expired | SignInFailure::CodeRefused => StatusCode::BAD_REQUEST,
            SignInFailure::Denied => StatusCode::OK,
            SignInFailure::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            SignInFailure::Unavailable | SignInFailure::SyncFailed => StatusCode::BAD_GATEWAY,
            SignInFailure::MissingScope(_)
            | SignInFailure::NoIdentity
            | SignInFailure::OtherAccount
            | SignInFailure::AdminNotAllowed(_)
            | SignInFailure::WrongAccount(_) => StatusCode::FORBIDDEN,
            SignInFailure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Title and explanation, in the person's language.
    fn words(&self, lang: Lang) -> (String, String) {
        let es = lang == Lang::Es;
        let pick = |en: &str, es_text: &str| {
            if es {
                es_text.to_owned()
            } else {
                en.to_owned()
            }
        };
        match self {
            SignInFailure::Expired => (
                pick("This sign-in has expired", "Este inicio de sesión ha caducado"),
                pick(
                    "The sign-in took too long, was already used, or was started in another window. Start it again.",
                    "El inicio de sesión tardó demasiado, ya se usó o empezó en otra ventana. Vuelve a empezar.",
                ),
            ),
            SignInFailure::Denied => (
                pick("GoToMeeting was not connected", "GoToMeeting no se conectó"),
                pick(
                    "Access was not allowed on GoTo's page. You can try again whenever you like.",
                    "No se permitió el acceso en la página de GoTo. Puedes volver a intentarlo cuando quieras.",
                ),
            ),
            SignInFailure::CodeRefused => (
                pick("GoTo refused the sign-in", "GoTo rechazó el inicio de sesión"),
                pick(
                    "GoTo did not accept this sign-in. Start it again.",
                    "GoTo no aceptó este inicio de sesión. Vuelve a empezar.",
                ),
            ),
            SignInFailure::Busy { retry_after_seconds } => (
                pick("GoToMeeting is busy", "GoToMeeting está ocupado"),
                if es {
                    format!("Hay muchas solicitudes a GoToMeeting en este momento. Espera unos {retry_after_seconds} segundos y vuelve a intentarlo.")
                } else {
                    format!("Many requests are going to GoToMeeting right now. Wait about {retry_after_seconds} seconds and try again.")
                },
            ),
            SignInFailure::Unavailable => (
                pick("GoToMeeting did not answer", "GoToMeeting no respondió"),
                pick(
                    "GoTo could not be reached to finish signing you in. Try again in a moment.",
                    "No se pudo contactar con GoTo para terminar de iniciar sesión. Inténtalo de nuevo en un momento.",
                ),
            ),
            SignInFailure::MissingScope(scope) => (
                pick("This app lacks a GoTo permission", "A esta aplicación le falta un permiso de GoTo"),
                if es {
                    format!("GoTo no ha concedido a esta aplicación el permiso «{scope}». Pide a tu administrador de GoTo que añada ese ámbito (scope) al cliente OAuth de la aplicación en el centro de desarrolladores de GoTo, y vuelve a intentarlo.")
                } else {
                    format!("GoTo has not granted this app the permission “{scope}”. Ask your GoTo administrator to add that scope to the app's OAuth client in GoTo's developer center, then try again.")
                },
            ),
            SignInFailure::NoIdentity => (
                pick("GoTo did not say who you are", "GoTo no indicó quién eres"),
                pick(
                    "GoTo finished the sign-in but did not tell us your GoTo user and account, so nothing can be scheduled as you. Try again; if it keeps happening, ask your GoTo administrator.",
                    "GoTo terminó el inicio de sesión pero no nos indicó tu usuario ni tu cuenta de GoTo, así que no se puede programar nada en tu nombre. Vuelve a intentarlo; si se repite, consulta a tu administrador de GoTo.",
                ),
            ),
            SignInFailure::OtherAccount => (
                pick("This GoTo account is not your company's", "Esta cuenta de GoTo no es la de tu empresa"),
                pick(
                    "You signed in with a GoTo user of another GoTo account. This app schedules meetings only for your company's account: sign in with your work GoTo user.",
                    "Has iniciado sesión con un usuario de otra cuenta de GoTo. Esta aplicación solo programa reuniones de la cuenta de tu empresa: inicia sesión con tu usuario de GoTo del trabajo.",
                ),
            ),
            SignInFailure::AdminNotAllowed(email) => (
                pick("Service account not connected", "Cuenta de servicio no conectada"),
                if es {
                    format!("{email} no es una de las cuentas de servicio autorizadas (GOTO_ADMIN_EMAILS). Inicia sesión con la cuenta de servicio de la empresa.")
                } else {
                    format!("{email} is not one of the service accounts allowed to connect (GOTO_ADMIN_EMAILS). Sign in with the company's service account.")
                },
            ),
            SignInFailure::WrongAccount(account) => {
                let account = account.as_deref().unwrap_or("GOTO_ACCOUNT_KEY");
                (
                    pick("Service account not connected", "Cuenta de servicio no conectada"),
                    if es {
                        format!("Este usuario de GoTo no es administrador de la cuenta {account}, para la que está configurada esta instalación. Inicia sesión con la cuenta de servicio de esa cuenta.")
                    } else {
                        format!("This GoTo user is not an administrator of account {account}, which this installation is set up for. Sign in with the service account of that account.")
                    },
                )
            }
            SignInFailure::SyncFailed => (
                pick("Service account not connected", "Cuenta de servicio no conectada"),
                pick(
                    "GoTo accepted the sign-in, but the list of organizers could not be read with it, so the connection was not kept. Check that the account has the Admin Center scope (identity:) and full admin rights, then try again.",
                    "GoTo aceptó el inicio de sesión, pero con él no se pudo leer la lista de organizadores, así que la conexión no se guardó. Comprueba que la cuenta tiene el ámbito de Admin Center (identity:) y permisos de administrador completos, y vuelve a intentarlo.",
                ),
            ),
            SignInFailure::Internal => (
                pick("Something went wrong", "Algo ha fallado"),
                pick(
                    "Something went wrong on our side. Try again; if it keeps happening, contact support.",
                    "Algo ha fallado por nuestra parte. Vuelve a intentarlo; si se repite, contacta con soporte.",
                ),
            ),
        }
    }
}

/// In the sign-in popup, "Try again" must sign in in the popup again (so the app in the
/// portal's frame hears of it): the link gains `popup=1` when the page has an opener.
const POPUP_SCRIPT: &str = "var a=document.getElementById(\"try-again\");if(a&&window.opener){a.href+=(a.href.indexOf(\"?\")<0?\"?\":\"&\")+\"popup=1\";}";

/// The failure page. `try_again` is a local URL that starts the sign-in over.
pub fn failure_page(lang: Lang, failure: &SignInFailure, try_again: &str) -> Response {
    let (title, message) = failure.words(lang);
    let (again, back) = match lang {
        Lang::Es => ("Volver a intentarlo", "Ir a la aplicación"),
        Lang::En => ("Try again", "Open the app"),
    };
    let body = format!(
        "<h1>{title}</h1><p id=\"problem\">{message}</p><p><a id=\"try-again\" href=\"{href}\">{again}</a> · <a href=\"/\">{back}</a></p>",
        title = escape_html(&title),
        message = escape_html(&message),
        href = escape_html(try_again),
    );
    let mut response = page(lang, &title, &body, Some(POPUP_SCRIPT));
    *response.status_mut() = failure.status();
    if let SignInFailure::Busy {
        retry_after_seconds,
    } = failure
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
    }
    response
}

/// A page of this flow: small, self-contained, not frameable, in the person's language.
pub fn page(lang: Lang, title: &str, body: &str, script: Option<&str>) -> Response {
    let code = lang.code();
    let (script_tag, script_src) = match script {
        Some(script) => {
            let hash =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
            (
                format!("<script>{script}</script>"),
                format!("'sha256-{hash}'"),
            )
        }
        None => (String::new(), "'none'".to_owned()),
    };
    let html = format!(
        "<!doctype html><html lang=\"{code}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><title>{title}</title><body style=\"font-family:system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5\"><main>{body}</main>{script_tag}</body></html>",
        title = escape_html(title),
    );
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&format!(
            "default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
        ))
        .expect("ASCII policy"),
    );
    // The words follow the browser's languages, so a shared cache must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-language"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The local URL that starts a person's sign-in over, back to `return_to` afterwards.
pub fn person_sign_in_link(return_to: &str) -> String {
    format!(
        "{}?return_to={}",
        meeting::names::LOGIN_PATH,
        url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
    )
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn busy_reads_as_busy_with_a_wait_in_the_persons_language() {
        let busy = SignInFailure::Busy {
            retry_after_seconds: 12,
        };
        let response = failure_page(Lang::Es, &busy, "/app/api/auth/serviceAction/login");
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "12");
        let html = text(response).await;
        assert!(html.contains("<html lang=\"es\">"), "{html}");
        assert!(html.contains("GoToMeeting está ocupado"), "{html}");
        assert!(html.contains("unos 12 segundos"), "{html}");
        assert!(html.contains("Volver a intentarlo"), "{html}");
        assert!(!html.contains("no está disponible"), "{html}");
    }

    #[tokio::test]
    async fn a_missing_scope_is_named_and_markup_is_escaped() {
        let response = failure_page(
            Lang::En,
            &SignInFailure::MissingScope("collab:".into()),
            "/login?return_to=%2F&x=\"<",
        );
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let html = text(response).await;
        assert!(html.contains("“collab:”"), "{html}");
        assert!(
            html.contains("href=\"/login?return_to=%2F&amp;x=&quot;&lt;\""),
            "{html}"
        );
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(POPUP_SCRIPT.as_bytes()));
        assert!(csp.contains(&hash), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
