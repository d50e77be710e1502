//! Every way the sandbox says no, and the GoTo-shaped response for each. Handlers return
//! `Result<_, SandboxError>`; the wire shapes live here and nowhere else.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::consent_page;
use crate::scope::Api;

#[derive(Debug)]
pub(crate) enum SandboxError {
    /// RFC 6749 §5.2 error at the token endpoint: `{"error", "error_description"}`.
    OAuth {
        status: StatusCode,
        error: &'static str,
        description: String,
    },
    /// The authorize endpoint cannot trust the redirect URI (unknown client, unregistered
    /// URI): RFC 6749 §4.1.2.1 says show the error to the person, never redirect.
    AuthorizePage(String),
    /// Bad, missing or expired bearer token on the REST API: 403 with GoTo's body (**sure**
    /// second-hand).
    InvalidToken,
    /// Bad, missing or expired bearer token on the identity (SCIM) or Admin API: 401 with the
    /// GoTo platform's `errorCode`/`message` body (**assumed** from GoTo Connect's observed one).
    PlatformInvalidToken,
    /// The token lacks the scope `api` needs: 403, G2M-shaped for G2M (**assumed**), platform-
    /// shaped `AUTHZ_INSUFFICIENT_SCOPE` for identity and admin (observed on GoTo Connect).
    InsufficientScope {
        api: Api,
        scope: &'static str,
    },
    /// An Admin API call by someone who is not an admin of the account: 403 `AUTHZ_FORBIDDEN`
    /// (**assumed**).
    PlatformForbidden(String),
    /// A bad query parameter on the Admin API: 400 `INVALID_PARAMETER` (**assumed**).
    InvalidParameter(String),
    /// The token is fine but its user may not do this (e.g. `/organizers` without admin rights).
    /// The body's shape is **assumed** (GoTo documents none).
    Forbidden(String),
    /// Unknown meeting, or one of another account. Body **assumed**.
    NotFound(String),
    /// A request the REST API refuses (validation). Body **assumed**: GoTo's 400s are
    /// undocumented, so it mirrors the `int_err_code`/`msg` shape of the 403.
    BadRequest(String),
    UnsupportedMediaType,
    /// More than the per-second limit, or a forced 429: no rate-limit headers (**sure**).
    TooManyRequests,
    /// A failure injected by a fault switch.
    Injected(StatusCode),
    /// A malformed call to the sandbox's own `/_admin` endpoints.
    Admin(String),
}

impl SandboxError {
    pub fn invalid_request(description: impl Into<String>) -> SandboxError {
        SandboxError::oauth(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn invalid_client(description: impl Into<String>) -> SandboxError {
        SandboxError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> SandboxError {
        SandboxError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn unsupported_grant_type(description: impl Into<String>) -> SandboxError {
        SandboxError::oauth(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    fn oauth(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        SandboxError::OAuth {
            status,
            error,
            description: description.into(),
        }
    }
}

fn g2m_error(status: StatusCode, code: &str, msg: &str) -> Response {
    (status, Json(json!({ "int_err_code": code, "msg": msg }))).into_response()
}

/// The body GoTo's newer platform APIs (identity, Admin, GoTo Connect) answer errors with.
fn platform_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "errorCode": code, "message": message })),
    )
        .into_response()
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        match self {
            SandboxError::OAuth {
                status,
                error,
                description,
            } => {
                let mut response = (
                    status,
                    Json(json!({ "error": error, "error_description": description })),
                )
                    .into_response();
                let headers = response.headers_mut();
                // RFC 6749 §5.1/5.2: token responses must not be cached.
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
                if status == StatusCode::UNAUTHORIZED {
                    // RFC 6749 §5.2: a 401 invalid_client names the scheme the client must use.
                    headers.insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"GoTo sandbox\""),
                    );
                }
                response
            }
            SandboxError::AuthorizePage(message) => (
                StatusCode::BAD_REQUEST,
                [(header::CACHE_CONTROL, "no-store")],
                Html(consent_page::error_page(&message)),
            )
                .into_response(),
            SandboxError::InvalidToken => g2m_error(
                StatusCode::FORBIDDEN,
                "InvalidToken",
                "Invalid token passed",
            ),
            SandboxError::PlatformInvalidToken => platform_error(
                StatusCode::UNAUTHORIZED,
                "AUTHN_INVALID_TOKEN",
                "Invalid token passed",
            ),
            SandboxError::InsufficientScope { api, scope } => {
                let message = format!("This call needs the scope {scope}");
                if api.is_g2m() {
                    g2m_error(StatusCode::FORBIDDEN, "InsufficientScope", &message)
                } else {
                    platform_error(StatusCode::FORBIDDEN, "AUTHZ_INSUFFICIENT_SCOPE", &message)
                }
            }
            SandboxError::PlatformForbidden(message) => {
                platform_error(StatusCode::FORBIDDEN, "AUTHZ_FORBIDDEN", &message)
            }
            SandboxError::InvalidParameter(message) => {
                platform_error(StatusCode::BAD_REQUEST, "INVALID_PARAMETER", &message)
            }
            SandboxError::Forbidden(msg) => g2m_error(StatusCode::FORBIDDEN, "AccessDenied", &msg),
            SandboxError::NotFound(msg) => g2m_error(StatusCode::NOT_FOUND, "NotFound", &msg),
            SandboxError::BadRequest(msg) => {
                g2m_error(StatusCode::BAD_REQUEST, "InvalidRequest", &msg)
            }
            SandboxError::UnsupportedMediaType => g2m_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaType",
                "Content-Type must be application/json",
            ),
            SandboxError::TooManyRequests => g2m_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Rate limit exceeded",
            ),
            SandboxError::Injected(status) => injected(status),
            SandboxError::Admin(msg) => {
                (StatusCode::BAD_REQUEST, Json(json!({ "error": msg }))).into_response()
            }
        }
    }
}

/// What an injected failure looks like: a 500 from the application (JSON), a 502/503 from the
/// load balancer in front of it (a short HTML page, as gateways send). Clients must treat both
/// as opaque (**assumed**: GoTo documents neither).
fn injected(status: StatusCode) -> Response {
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        return g2m_error(status, "InternalError", "Internal server error");
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1></body></html>\n",
        code = status.as_u16()
    );
    (status, Html(body)).into_response()
}
