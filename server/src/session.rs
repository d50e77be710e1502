//! The session cookie and the extractor that turns it into the signed-in person.
//!
//! The cookie holds only a random id (256 bits); everything else stays server-side.
//! `__Host-` pins it to this origin (Secure, Path=/, no Domain). Browsers accept Secure
//! cookies on http://127.0.0.1 and http://localhost, so local runs keep the same attributes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use cookie::time::Duration as CookieDuration;
use rand::RngCore;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::SessionRecord;

pub const SESSION_COOKIE: &str = "__Host-meetings-session";
pub const LOGIN_COOKIE: &str = "__Host-meetings-login";

pub fn random_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Lax when the portal is the same site as the app; `None; Partitioned` (CHIPS) when the
/// portal is another site, where a Lax cookie would not be sent inside its iframe.
pub fn session_cookie(
    id: String,
    max_age: std::time::Duration,
    cross_site: bool,
) -> Cookie<'static> {
    let builder = Cookie::build((SESSION_COOKIE, id))
        .path("/")
        .secure(true)
        .http_only(true)
        .max_age(cookie_duration(max_age));
    if cross_site {
        builder.same_site(SameSite::None).partitioned(true).build()
    } else {
        builder.same_site(SameSite::Lax).build()
    }
}

/// The login transaction cookie must be SameSite=Lax: the callback is a top-level
/// navigation coming from GoTo's site, and a Strict cookie would not be sent on it.
pub fn login_cookie(id: String) -> Cookie<'static> {
    Cookie::build((LOGIN_COOKIE, id))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(10))
        .build()
}

/// A cookie that deletes `name`. A partitioned cookie is only deleted by a partitioned
/// removal, so the flag follows the deployment's setting.
pub fn removal(name: &'static str, partitioned: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, ""))
        .path("/")
        .secure(true)
        .http_only(true)
        .partitioned(partitioned)
        .build();
    cookie.make_removal();
    cookie
}

fn cookie_duration(d: std::time::Duration) -> CookieDuration {
    CookieDuration::seconds(d.as_secs() as i64)
}

/// The signed-in person of this request. Rejects with 401 JSON (never a redirect).
pub struct CurrentSession {
    pub id: String,
    pub record: SessionRecord,
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let id = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .ok_or(AppError::NotSignedIn)?;
        let record = state
            .keeper
            .session(&id)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        // The support log names whose request a GoTo call was made for.
        if let Some(scope) = crate::support_log::current() {
            if let Ok(mut key) = scope.organizer_key.lock() {
                *key = Some(record.tokens.organizer_key.clone());
            }
        }
        Ok(CurrentSession { id, record })
    }
}
