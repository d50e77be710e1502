//! The session cookie, and the signed-in person it stands for (`CurrentSession`, which
//! `extract.rs` finds for each request).
//!
//! The cookie holds only a random id (256 bits); everything else stays server-side.
//! `__Host-` pins it to this origin (Secure, Path=/, no Domain) wherever the app is served
//! over https. A local run on a plain-http loopback address (`cargo xtask run`,
//! `http://127.0.0.1:8080`) is the one exception: WebKit (every browser on an iPhone, Safari
//! on a Mac) stores no Secure cookie over http, loopback included, so there the cookies are
//! neither Secure nor `__Host-` (which demands Secure). Chromium and Firefox accept either.

use axum_extra::extract::cookie::{Cookie, SameSite};
use cookie::time::Duration as CookieDuration;

use crate::store::SessionRecord;

/// The session cookie's name on https (and on a cross-site loopback portal, see `Cookies`).
pub const SESSION_COOKIE: &str = "__Host-meetings-session";
/// The login transaction cookie's name on https.
pub const LOGIN_COOKIE: &str = "__Host-meetings-login";
/// The session cookie's name on a plain-http loopback address.
pub const LOCAL_SESSION_COOKIE: &str = "meetings-session";
/// The login transaction cookie's name on a plain-http loopback address.
pub const LOCAL_LOGIN_COOKIE: &str = "meetings-login";

/// The cookies this deployment sets, decided once from its public URL and its portal setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cookies {
    /// Secure and `__Host-`: everywhere but a same-site local run over plain http.
    secure: bool,
    /// `SameSite=None; Partitioned` (a portal on another site) rather than Lax.
    cross_site: bool,
}

impl Cookies {
    /// A cross-site portal keeps Secure even on loopback http: browsers refuse
    /// `SameSite=None` without it. WebKit, which stores no Secure cookie over http, needs such
    /// a portal served over https.
    pub fn for_deployment(public_url: &str, cross_site: bool) -> Cookies {
        let local_http = url::Url::parse(public_url)
            .is_ok_and(|u| u.scheme() == "http" && crate::config::is_loopback_url(&u));
        Cookies {
            secure: cross_site || !local_http,
            cross_site,
        }
    }

    pub fn session_name(self) -> &'static str {
        if self.secure {
            SESSION_COOKIE
        } else {
            LOCAL_SESSION_COOKIE
        }
    }

    pub fn login_name(self) -> &'static str {
        if self.secure {
            LOGIN_COOKIE
        } else {
            LOCAL_LOGIN_COOKIE
        }
    }

    /// Lax when the portal is the same site as the app; `None; Partitioned` (CHIPS) when the
    /// portal is another site, where a Lax cookie would not be sent inside its iframe.
    pub fn session(self, id: String, max_age: std::time::Duration) -> Cookie<'static> {
        let builder = Cookie::build((self.session_name(), id))
            .path("/")
            .secure(self.secure)
            .http_only(true)
            .max_age(cookie_duration(max_age));
        if self.cross_site {
            builder.same_site(SameSite::None).partitioned(true).build()
        } else {
            builder.same_site(SameSite::Lax).build()
        }
    }

    /// The login transaction cookie must be SameSite=Lax: the callback is a top-level
    /// navigation coming from GoTo's site, and a Strict cookie would not be sent on it.
    pub fn login(self, id: String) -> Cookie<'static> {
        Cookie::build((self.login_name(), id))
            .path("/")
            .secure(self.secure)
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::minutes(10))
            .build()
    }

    /// Deletes the session cookie. A partitioned cookie is only deleted by a partitioned
    /// removal, so the flag follows the deployment's setting.
    pub fn session_removal(self) -> Cookie<'static> {
        self.removal(self.session_name(), self.cross_site)
    }

    pub fn login_removal(self) -> Cookie<'static> {
        self.removal(self.login_name(), false)
    }

    fn removal(self, name: &'static str, partitioned: bool) -> Cookie<'static> {
        let mut cookie = Cookie::build((name, ""))
            .path("/")
            .secure(self.secure)
            .http_only(true)
            .partitioned(partitioned)
            .build();
        cookie.make_removal();
        cookie
    }
}

fn cookie_duration(d: std::time::Duration) -> CookieDuration {
    CookieDuration::seconds(d.as_secs() as i64)
}

/// The value of the cookie `name` in the request's `Cookie` headers, read in place.
///
/// Every API call finds its session this way: `CookieJar::from_headers` parses, decodes and
/// copies every cookie of the request into a jar first, for the one value wanted. A session
/// id is base64url, so there is nothing to decode; an id sent encoded simply matches none.
pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().trim_matches('"'))
        })
}

/// The signed-in person of this request (`extract.rs` finds it). Rejects with 401 JSON
/// (never a redirect).
pub struct CurrentSession {
    pub id: String,
    pub record: std::sync::Arc<SessionRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kinds pinned: https keeps `__Host-` and Secure; a local http run drops both,
    /// except for a cross-site portal, whose `SameSite=None` needs Secure.
    #[test]
    fn cookie_attributes_follow_the_public_origin() {
        let cases = [
            ("https://meetings.example.com", false, true),
            ("https://127.0.0.1:8443", false, true),
            ("http://127.0.0.1:8080", false, false),
            ("http://localhost:8080", false, false),
            ("http://[::1]:8080", false, false),
            ("http://127.0.0.1:8080", true, true),
            // Not loopback: plain http elsewhere is a misconfiguration, never made laxer.
            ("http://meetings.example.com", false, true),
            ("http://localhost.example.com", false, true),
        ];
        for (url, cross_site, secure) in cases {
            let cookies = Cookies::for_deployment(url, cross_site);
            let session = cookies
                .session("id".into(), std::time::Duration::from_secs(60))
                .to_string();
            let login = cookies.login("id".into()).to_string();
            for cookie in [&session, &login] {
                assert_eq!(cookie.contains("; Secure"), secure, "{url}: {cookie}");
                assert_eq!(cookie.starts_with("__Host-"), secure, "{url}: {cookie}");
                assert!(
                    cookie.contains("HttpOnly") && cookie.contains("Path=/"),
                    "{cookie}"
                );
            }
            let removal = cookies.session_removal().to_string();
            assert!(removal.starts_with(cookies.session_name()), "{removal}");
            assert_eq!(removal.contains("; Secure"), secure, "{removal}");
        }
    }
}
