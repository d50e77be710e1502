//! OAuth 2.0 authorization-code grant on both of GoTo's hosts' paths (reference §1):
//! `/oauth/v2/authorize` + `/oauth/v2/token` (legacy `api.getgo.com`, token body with
//! `organizer_key`, `account_key`, names, `version`) and `/oauth/authorize` + `/oauth/token`
//! (current `authentication.logmeininc.com`, token body with `scope` and `principal`, and the
//! minimal `{access_token, expires_in, scope, principal}` for a refresh that issues no new
//! refresh token).
//!
//! The rules are RFC 6749's, as GoTo follows them: registered redirect URIs compared exactly,
//! HTTP Basic client authentication, single-use short-lived codes, the token call's
//! `redirect_uri` equal to the authorize one, RFC 6749 error bodies, `invalid_scope` for a scope
//! the client was not granted. PKCE (RFC 7636) is verified whenever a challenge was sent.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::client_auth;
use crate::consent_page::{consent_page, Consent};
use crate::error::SandboxError;
use crate::journal::JournalNote;
use crate::scope;
use crate::seed::{OrganizerStatus, SeedOrganizer};
use crate::tokens::{CodeGrant, Issued, Pkce};
use crate::Sandbox;

/// Which of GoTo's two hosts' token paths was called: it decides the token body's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Host {
    Legacy,
    Current,
}

type Params = Vec<(String, String)>;

fn params(raw: &[u8]) -> Params {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

/// One parameter's value; `Err(name)` when it is repeated (RFC 6749 §3.1: "MUST NOT be
/// included more than once"). An empty value counts as absent.
fn single<'a>(params: &'a Params, name: &'static str) -> Result<Option<&'a str>, &'static str> {
    let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
    let first = values.next();
    if values.next().is_some() {
        return Err(name);
    }
    Ok(first.map(String::as_str).filter(|v| !v.is_empty()))
}

// ---------------------------------------------------------------------------------------------
// Authorize

/// The part of an authorize request that makes it safe to redirect back: a registered client
/// and one of its exact redirect URIs.
struct Trusted {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
}

struct AuthorizeRequest {
    trusted: Trusted,
    scopes: Vec<String>,
    pkce: Option<Pkce>,
    approve: Option<String>,
}

/// Unknown client or unregistered redirect URI: an error page, never a redirect (RFC 6749
/// §4.1.2.1), so the sandbox cannot be used as an open redirector.
fn trusted(sandbox: &Sandbox, params: &Params) -> Result<Trusted, SandboxError> {
    let page = |msg: String| SandboxError::AuthorizePage(msg);
    let client_id = single(params, "client_id")
        .map_err(|_| page("client_id is repeated".into()))?
        .ok_or_else(|| page("client_id is missing".into()))?;
    let client = sandbox
        .inner
        .config
        .clients
        .iter()
        .find(|c| c.client_id == client_id)
        .ok_or_else(|| page(format!("Unknown client_id {client_id:?}")))?;
    let redirect_uri = single(params, "redirect_uri")
        .map_err(|_| page("redirect_uri is repeated".into()))?
        .ok_or_else(|| page("redirect_uri is missing".into()))?;
    if !client.redirect_uris.iter().any(|uri| uri == redirect_uri) {
        return Err(page(format!(
            "redirect_uri {redirect_uri:?} is not registered for client {client_id:?}"
        )));
    }
    Ok(Trusted {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        // A repeated state is reported below; echo the first one meanwhile.
        state: params
            .iter()
            .find(|(k, v)| k == "state" && !v.is_empty())
            .map(|(_, v)| v.clone()),
    })
}

/// Why an authorize request is refused: an error page when the redirect URI cannot be trusted,
/// else a redirect back to the client with the error (RFC 6749 §4.1.2.1).
enum Refusal {
    Page(SandboxError),
    Redirect {
        trusted: Trusted,
        error: &'static str,
        description: &'static str,
    },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Page(page) => page.into_response(),
            Refusal::Redirect {
                trusted,
                error,
                description,
            } => error_redirect(&trusted, error, description),
        }
    }
}

/// The whole authorize request, checked.
fn checked(sandbox: &Sandbox, params: &Params) -> Result<AuthorizeRequest, Refusal> {
    let trusted = trusted(sandbox, params).map_err(Refusal::Page)?;
    let (requested, pkce, approve) = match details(params) {
        Ok(details) => details,
        Err((error, description)) => {
            return Err(Refusal::Redirect {
                trusted,
                error,
                description,
            })
        }
    };
    // What the client was granted in the developer center; `trusted` found it, so it is there.
    let granted = sandbox
        .inner
        .config
        .clients
        .iter()
        .find(|c| c.client_id == trusted.client_id)
        .map_or(&[][..], |c| c.scopes.as_slice());
    // RFC 6749 §4.1.2.1: a scope the client may not have is `invalid_scope`, sent back.
    match scope::resolve(requested.as_deref(), granted) {
        Ok(scopes) => Ok(AuthorizeRequest {
            trusted,
            scopes,
            pkce,
            approve,
        }),
        Err(_) => Err(Refusal::Redirect {
            trusted,
            error: "invalid_scope",
            description: "a requested scope is not granted to this client",
        }),
    }
}

type Details = (Option<String>, Option<Pkce>, Option<String>);

/// Everything but the client and its redirect URI: scope, PKCE, `sandbox_approve`.
fn details(params: &Params) -> Result<Details, (&'static str, &'static str)> {
    let read = |name| single(params, name);
    let (response_type, scope, challenge, method, approve) = match (
        read("response_type"),
        read("scope"),
        read("code_challenge"),
        read("code_challenge_method"),
        read("sandbox_approve"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
        _ => return Err(("invalid_request", "a parameter is repeated")),
    };
    if read("state").is_err() {
        return Err(("invalid_request", "state is repeated"));
    }
    match response_type {
        Some("code") => {}
        None => return Err(("invalid_request", "response_type is missing")),
        Some(_) => {
            return Err((
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    let pkce = match (challenge, method) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err((
                "invalid_request",
                "code_challenge_method without code_challenge",
            ))
        }
        (Some(c), Some("S256")) => Some(Pkce::S256(c.to_owned())),
        (Some(c), None | Some("plain")) => Some(Pkce::Plain(c.to_owned())),
        (Some(_), Some(_)) => {
            return Err((
                "invalid_request",
                "code_challenge_method must be S256 or plain",
            ))
        }
    };
    Ok((scope.map(str::to_owned), pkce, approve.map(str::to_owned)))
}

fn redirect(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let mut url = url::Url::parse(redirect_uri).expect("registered redirect URIs are validated");
    url.query_pairs_mut().extend_pairs(pairs);
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, url.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

fn error_redirect(trusted: &Trusted, error: &str, description: &str) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = &trusted.state {
        pairs.push(("state", state));
    }
    redirect(&trusted.redirect_uri, &pairs)
}

/// Issues a code for `organizer` and sends the browser back with it and the state (state echo
/// **assumed**, standard).
fn approve(sandbox: &Sandbox, request: AuthorizeRequest, organizer: &SeedOrganizer) -> Response {
    let code = sandbox.tokens().issue_code(CodeGrant {
        client_id: request.trusted.client_id.clone(),
        redirect_uri: request.trusted.redirect_uri.clone(),
        organizer_key: organizer.organizer_key.clone(),
        scopes: request.scopes,
        pkce: request.pkce,
        expires: std::time::Instant::now() + sandbox.inner.config.code_ttl,
    });
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &request.trusted.state {
        pairs.push(("state", state));
    }
    let mut response = redirect(&request.trusted.redirect_uri, &pairs);
    response.extensions_mut().insert(JournalNote {
        user: Some(organizer.organizer_key.clone()),
        grant_type: None,
    });
    response
}

/// Finds the person to sign in as: a seeded user by email (or organizer key), not suspended.
fn person<'a>(sandbox: &'a Sandbox, who: &str) -> Result<&'a SeedOrganizer, String> {
    let seed = &sandbox.inner.seed;
    let organizer = seed
        .by_email(who)
        .or_else(|| seed.organizer(who.trim()))
        .ok_or_else(|| format!("No GoTo user {who:?} in the sandbox"))?;
    if organizer.status == OrganizerStatus::Suspended {
        return Err(format!(
            "The GoTo user {} is suspended and cannot sign in",
            organizer.email
        ));
    }
    Ok(organizer)
}

fn render(
    sandbox: &Sandbox,
    request: &AuthorizeRequest,
    status: StatusCode,
    selected: Option<&str>,
    problem: Option<&str>,
) -> Response {
    let scope = request.scopes.join(" ");
    let html = consent_page(&Consent {
        client_id: &request.trusted.client_id,
        redirect_uri: &request.trusted.redirect_uri,
        scope: &scope,
        seed: &sandbox.inner.seed,
        selected,
        problem,
    });
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // A consent page must not be framed (clickjacking). No form-action: Chrome would then block
    // the redirect to the client's origin that follows the POST.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `GET /oauth/v2/authorize` and `GET /oauth/authorize`: the consent page, or, with the
/// sandbox-only `sandbox_approve=<email>`, straight back to the client with a code.
pub(crate) async fn authorize_page(
    State(sandbox): State<Sandbox>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = params(query.unwrap_or_default().as_bytes());
    let request = match checked(&sandbox, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    match request.approve.clone() {
        Some(who) => match person(&sandbox, &who) {
            Ok(organizer) => approve(&sandbox, request, organizer),
            Err(msg) => {
                SandboxError::AuthorizePage(format!("sandbox_approve: {msg}")).into_response()
            }
        },
        None => render(&sandbox, &request, StatusCode::OK, None, None),
    }
}

/// `POST` of the consent form, back to the same URL (`action=""`), so the query still carries
/// the authorize request.
pub(crate) async fn authorize_decision(
    State(sandbox): State<Sandbox>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let params = params(query.unwrap_or_default().as_bytes());
    let request = match checked(&sandbox, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let form = self::params(&body);
    let user = form
        .iter()
        .find(|(k, _)| k == "user")
        .map(|(_, v)| v.as_str());
    match form
        .iter()
        .find(|(k, _)| k == "decision")
        .map(|(_, v)| v.as_str())
    {
        Some("deny") => error_redirect(
            &request.trusted,
            "access_denied",
            "The user denied the request",
        ),
        Some("allow") => match user.map(|who| person(&sandbox, who)) {
            Some(Ok(organizer)) => approve(&sandbox, request, organizer),
            Some(Err(problem)) => render(
                &sandbox,
                &request,
                StatusCode::BAD_REQUEST,
                user,
                Some(&problem),
            ),
            None => render(
                &sandbox,
                &request,
                StatusCode::BAD_REQUEST,
                None,
                Some("Pick the person to sign in as."),
            ),
        },
        _ => render(
            &sandbox,
            &request,
            StatusCode::BAD_REQUEST,
            user,
            Some("Choose Allow or Deny."),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Token

pub(crate) async fn token_legacy(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&sandbox, Host::Legacy, &headers, &body)
}

pub(crate) async fn token_current(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    token(&sandbox, Host::Current, &headers, &body)
}

fn token(sandbox: &Sandbox, host: Host, headers: &HeaderMap, body: &[u8]) -> Response {
    let form = params(body);
    let grant_type = form
        .iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.clone());
    let mut note = JournalNote {
        user: None,
        grant_type,
    };
    let mut response = match exchange(sandbox, host, headers, &form) {
        Ok((body, organizer_key)) => {
            note.user = Some(organizer_key);
            (
                StatusCode::OK,
                [
                    (header::CACHE_CONTROL, "no-store"),
                    (header::PRAGMA, "no-cache"),
                ],
                Json(body),
            )
                .into_response()
        }
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(note);
    response
}

fn exchange(
    sandbox: &Sandbox,
    host: Host,
    headers: &HeaderMap,
    form: &Params,
) -> Result<(Value, String), SandboxError> {
    let config = &sandbox.inner.config;
    let client = client_auth::authenticate(&config.clients, headers)?;
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(SandboxError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let mut fields = HashMap::new();
    for name in [
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
    ] {
        let value = single(form, name)
            .map_err(|name| SandboxError::invalid_request(format!("{name} is repeated")))?;
        fields.insert(name, value);
    }
    let required = |name: &'static str| {
        fields[name].ok_or_else(|| SandboxError::invalid_request(format!("{name} is missing")))
    };
    let issued = match required("grant_type")? {
        "authorization_code" => {
            let code = required("code")?;
            let redirect_uri = required("redirect_uri")?;
            sandbox.tokens().redeem_code(
                code,
                &client.client_id,
                redirect_uri,
                fields["code_verifier"],
                config.access_token_ttl,
            )?
        }
        "refresh_token" => {
            let refresh_token = required("refresh_token")?;
            sandbox.tokens().refresh(
                refresh_token,
                &client.client_id,
                config.rotate_refresh_tokens,
                config.access_token_ttl,
            )?
        }
        other => {
            return Err(SandboxError::unsupported_grant_type(format!(
                "grant_type {other:?} is not supported"
            )))
        }
    };
    // Saved before the answer, so a client never holds a token a restart would forget. The
    // presented refresh token is saved too: a rotation retired it.
    let mut changed = vec![issued.access_token.as_str()];
    changed.extend(issued.refresh_token.as_deref());
    changed.extend(fields["refresh_token"]);
    sandbox.save_tokens(&changed);
    let body = token_body(sandbox, host, &issued)?;
    Ok((body, issued.organizer_key))
}

/// The token response of either host (reference §1, **sure**).
///
/// Legacy: `access_token, token_type, refresh_token (unless a refresh keeps the old one),
/// expires_in` and the user's keys and names. Current: `access_token, token_type, refresh_token,
/// expires_in, scope, principal` when a refresh token is issued; otherwise GoTo's documented
/// minimal refresh answer `{access_token, expires_in, scope, principal}` with neither
/// `token_type` nor `refresh_token` (**sure**: developer.goto.com/guides/Authentication/
/// 05_HOW_refreshToken, "there is no refresh_token field in the response body").
fn token_body(sandbox: &Sandbox, host: Host, issued: &Issued) -> Result<Value, SandboxError> {
    let seed = &sandbox.inner.seed;
    let organizer = seed
        .organizer(&issued.organizer_key)
        .ok_or_else(|| SandboxError::invalid_grant("the user no longer exists"))?;
    let ttl = sandbox.inner.config.access_token_ttl;
    // Whole seconds, rounded up so a sub-second test TTL does not read as "already expired".
    let expires_in = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    let mut body = Map::new();
    body.insert("access_token".into(), json!(issued.access_token));
    let minimal = host == Host::Current && issued.refresh_token.is_none();
    if !minimal {
        body.insert("token_type".into(), json!("Bearer"));
    }
    if let Some(refresh) = &issued.refresh_token {
        body.insert("refresh_token".into(), json!(refresh));
    }
    body.insert("expires_in".into(), json!(expires_in));
    match host {
        Host::Legacy => {
            let account_type = seed
                .account(&organizer.account_key)
                .map_or("corporate", |a| a.account_type.as_str());
            body.insert("organizer_key".into(), json!(organizer.organizer_key));
            body.insert("account_key".into(), json!(organizer.account_key));
            body.insert("account_type".into(), json!(account_type));
            body.insert("firstName".into(), json!(organizer.first_name));
            body.insert("lastName".into(), json!(organizer.last_name));
            body.insert("email".into(), json!(organizer.email));
            body.insert("version".into(), json!("3"));
        }
        Host::Current => {
            // The token's scopes, space-separated (RFC 6749 §5.1).
            body.insert("scope".into(), json!(issued.scopes.join(" ")));
            body.insert("principal".into(), json!(organizer.email));
        }
    }
    Ok(Value::Object(body))
}
