//! Who is calling an API: the bearer token, checked, its scopes checked against what the API
//! needs, and the call counted against the per-token rate limit.
//!
//! Order (**assumed**, GoTo documents none): token, then scope, then rate limit, so a refused
//! call never uses up the caller's allowance.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::SandboxError;
use crate::scope::Api;
use crate::seed::SeedOrganizer;
use crate::Sandbox;

/// The raw token of an `Authorization: Bearer …` header.
pub(crate) fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The organizer behind the call's token, for `api`. A bad, missing or expired token is 403
/// `InvalidToken` on G2M (**sure** second-hand) and 401 `AUTHN_INVALID_TOKEN` on identity and
/// admin (**assumed**); a token without the API's scope is 403; past the limit, 429.
fn authenticate(parts: &Parts, sandbox: &Sandbox, api: Api) -> Result<SeedOrganizer, SandboxError> {
    let invalid = || {
        if api.is_g2m() {
            SandboxError::InvalidToken
        } else {
            SandboxError::PlatformInvalidToken
        }
    };
    let token = token(&parts.headers).ok_or_else(invalid)?;
    let grant = sandbox
        .tokens()
        .live_access(token)
        .cloned()
        .ok_or_else(invalid)?;
    let organizer = sandbox
        .inner
        .seed
        .organizer(&grant.organizer_key)
        .cloned()
        .ok_or_else(invalid)?;
    if let Some(scope) = api.missing_scope(&grant.scopes) {
        return Err(SandboxError::InsufficientScope { api, scope });
    }
    sandbox.inner.rate_limiter.check(token)?;
    Ok(organizer)
}

/// A G2M REST caller (`collab:`).
pub(crate) struct Caller(pub SeedOrganizer);

/// A caller of G2M's deprecated `/organizers` (`collab:` and `identity:`).
pub(crate) struct OrganizersCaller(pub SeedOrganizer);

/// A SCIM `/identity/v1/Users/me` caller (`identity:scim.me` or `identity:`).
pub(crate) struct ScimCaller(pub SeedOrganizer);

/// An Admin API caller (`identity:`). Whether they are an admin is the handler's question.
pub(crate) struct AdminApiCaller(pub SeedOrganizer);

macro_rules! caller_for {
    ($name:ident, $api:expr) => {
        impl FromRequestParts<Sandbox> for $name {
            type Rejection = SandboxError;

            async fn from_request_parts(
                parts: &mut Parts,
                sandbox: &Sandbox,
            ) -> Result<Self, Self::Rejection> {
                authenticate(parts, sandbox, $api).map($name)
            }
        }
    };
}

caller_for!(Caller, Api::G2m);
caller_for!(OrganizersCaller, Api::G2mOrganizers);
caller_for!(ScimCaller, Api::Scim);
caller_for!(AdminApiCaller, Api::Admin);
