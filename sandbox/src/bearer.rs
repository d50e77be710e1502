//! Who is calling the REST API: the bearer token, checked, and counted against the per-token
//! rate limit.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::SandboxError;
use crate::seed::SeedOrganizer;
use crate::Sandbox;

/// The raw token of an `Authorization: Bearer …` header.
pub(crate) fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The organizer a live access token belongs to. Extracting it answers 403 `InvalidToken` for a
/// bad, missing or expired token (**sure** second-hand), then 429 past the per-second limit.
pub(crate) struct Caller(pub SeedOrganizer);

impl FromRequestParts<Sandbox> for Caller {
    type Rejection = SandboxError;

    async fn from_request_parts(
        parts: &mut Parts,
        sandbox: &Sandbox,
    ) -> Result<Self, Self::Rejection> {
        let token = token(&parts.headers).ok_or(SandboxError::InvalidToken)?;
        let organizer_key = sandbox
            .tokens()
            .live_access(token)
            .map(str::to_owned)
            .ok_or(SandboxError::InvalidToken)?;
        let organizer = sandbox
            .inner
            .seed
            .organizer(&organizer_key)
            .cloned()
            .ok_or(SandboxError::InvalidToken)?;
        sandbox.inner.rate_limiter.check(token)?;
        Ok(Caller(organizer))
    }
}
