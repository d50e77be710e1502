//! GoTo's OAuth 2.0 authorization-code flow as a confidential client.
//!
//! The `oauth2` crate builds the authorize URL, the state and the PKCE pair and parses the
//! token answers. GoTo documents the client credentials as Base64 of the *raw*
//! `client_id:client_secret`, while RFC 6749 (and the crate) form-urlencode both parts first;
//! the two differ when a secret holds `+ / = …`. So the token call goes through
//! [`raw_basic_http`], which sends the header the way GoTo documents it.

use base64::Engine;
use chrono::{Duration, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AccessToken, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::config::{GoToEndpoints, OAuthClientConfig, Scopes};
use crate::store::GoToTokens;
use crate::support_log::SupportLog;
use crate::throttle::Throttle;

/// A token answer, read leniently. GoTo's current host documents a refresh answer with only
/// `access_token, expires_in, scope, principal`: no `token_type` (oauth2's standard response
/// type refuses that) and usually no `refresh_token` (the old one stays valid; a new one
/// appears, with `token_type`, only near its end). The legacy host adds the organizer's keys
/// and names. Keys may come as strings or numbers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "RawTokenAnswer")]
pub struct GoToTokenResponse {
    access_token: AccessToken,
    token_type: BasicTokenType,
    expires_in: Option<u64>,
    refresh_token: Option<RefreshToken>,
    scopes: Option<Vec<Scope>>,
    extra: GoToExtraFields,
}

/// What the legacy host's answer says about the person (the current host's says none of it).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GoToExtraFields {
    #[serde(default)]
    pub organizer_key: Option<serde_json::Value>,
    #[serde(default)]
    pub account_key: Option<serde_json::Value>,
    #[serde(default, rename = "firstName")]
    pub first_name: Option<String>,
    #[serde(default, rename = "lastName")]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub principal: Option<String>,
}

#[derive(Deserialize)]
struct RawTokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(flatten)]
    extra: GoToExtraFields,
}

impl TryFrom<RawTokenAnswer> for GoToTokenResponse {
    type Error = String;
    fn try_from(raw: RawTokenAnswer) -> Result<Self, String> {
        if raw.access_token.is_empty() {
            return Err("empty access_token".into());
        }
        let token_type = match raw.token_type.as_deref() {
            // Missing means Bearer: the only kind GoTo issues.
            None => BasicTokenType::Bearer,
            Some(t) if t.eq_ignore_ascii_case("bearer") => BasicTokenType::Bearer,
            Some(other) => return Err(format!("token_type {other:?} is not Bearer")),
        };
        let expires_in = match raw.expires_in {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        Ok(GoToTokenResponse {
            access_token: AccessToken::new(raw.access_token),
            token_type,
            expires_in,
            refresh_token: raw
                .refresh_token
                .filter(|t| !t.is_empty())
                .map(RefreshToken::new),
            scopes: raw.scope.map(|s| {
                s.split_whitespace()
                    .map(|p| Scope::new(p.to_owned()))
                    .collect()
            }),
            extra: raw.extra,
        })
    }
}

impl TokenResponse for GoToTokenResponse {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

type Client = oauth2::Client<
    BasicErrorResponse,
    GoToTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Why a token request did not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum TokenHttpError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("over the GoTo request budget")]
    OverBudget(std::time::Duration),
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("over the GoTo request budget")]
    OverBudget(std::time::Duration),
    /// The code or refresh token was refused (`invalid_grant`): a new sign-in is needed.
    #[error("GoTo refused the grant")]
    InvalidGrant,
    /// Any other OAuth error answer (wrong client credentials, bad request…).
    #[error("GoTo refused the token request: {0}")]
    Refused(String),
    #[error("GoTo token endpoint unreachable: {0}")]
    Unavailable(String),
}

/// A started authorization: the URL to send the browser to and what to check on return.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
}

#[derive(Clone)]
pub struct OAuthClient {
    client: Client,
    credentials: OAuthClientConfig,
    scopes: Scopes,
    http: reqwest::Client,
    throttle: std::sync::Arc<Throttle>,
    support_log: Option<std::sync::Arc<SupportLog>>,
}

fn key_string(value: &Option<serde_json::Value>) -> Option<String> {
    match value {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

impl OAuthClient {
    pub fn new(
        credentials: &OAuthClientConfig,
        endpoints: &GoToEndpoints,
        scopes: Scopes,
        redirect_uri: String,
        http: reqwest::Client,
        throttle: std::sync::Arc<Throttle>,
        support_log: Option<std::sync::Arc<SupportLog>>,
    ) -> Result<OAuthClient, String> {
        let client = oauth2::Client::new(ClientId::new(credentials.client_id.clone()))
            .set_client_secret(ClientSecret::new(credentials.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(endpoints.authorize_url.clone()).map_err(|e| e.to_string())?)
            .set_token_uri(TokenUrl::new(endpoints.token_url.clone()).map_err(|e| e.to_string())?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri).map_err(|e| e.to_string())?);
        Ok(OAuthClient {
            client,
            credentials: credentials.clone(),
            scopes,
            http,
            throttle,
            support_log,
        })
    }

    /// A fresh state (one-time, 128+ bits) and PKCE S256 pair. GoTo does not document PKCE,
    /// but an authorization server must ignore parameters it does not know, and it protects
    /// us if GoTo honours it.
    pub fn authorize(&self) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.0.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    /// One token request, as an owned future (the spawned sync task needs it `Send` for
    /// every lifetime, which a future borrowing `self` is not).
    fn token_call(
        &self,
        request: HttpRequest,
    ) -> impl std::future::Future<Output = Result<HttpResponse, TokenHttpError>> + Send + 'static
    {
        let (http, throttle, credentials, log) = (
            self.http.clone(),
            self.throttle.clone(),
            self.credentials.clone(),
            self.support_log.clone(),
        );
        async move {
            let path = request.uri().path().to_owned();
            let started = std::time::Instant::now();
            let answer = raw_basic_http(&http, &throttle, &credentials, request).await;
            if let Some(log) = log {
                let status = answer.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
                log.record("POST", &path, status, started);
            }
            answer
        }
    }

    /// The scopes this client asks for.
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }

    /// Redeems a sign-in code. The answer may or may not say who signed in (see
    /// [`Granted::identity`]); `goto::identity` completes it.
    pub async fn exchange_code(
        &self,
        code: String,
        pkce_verifier: String,
    ) -> Result<Granted, TokenError> {
        let http = |request: HttpRequest| self.token_call(request);
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&http)
            .await
            .map_err(token_error)?;
        let granted = Granted::from(&response);
        if granted.refresh_token.is_none() {
            return Err(TokenError::Refused(
                "no refresh token in the code answer".into(),
            ));
        }
        Ok(granted)
    }

    /// Refreshes `previous`. GoTo may rotate the refresh token or leave it out; when it is
    /// left out the old one stays valid and is kept. Who the tokens belong to never changes.
    pub async fn refresh(&self, previous: &GoToTokens) -> Result<GoToTokens, TokenError> {
        let http = |request: HttpRequest| self.token_call(request);
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(previous.refresh_token.clone()))
            .request_async(&http)
            .await
            .map_err(token_error)?;
        let granted = Granted::from(&response);
        Ok(GoToTokens {
            access_token: granted.access_token,
            refresh_token: granted
                .refresh_token
                .unwrap_or_else(|| previous.refresh_token.clone()),
            expires_at: granted.expires_at,
            scopes: granted.scopes.unwrap_or_else(|| previous.scopes.clone()),
            ..previous.clone()
        })
    }
}

/// Who a token answer says it belongs to: the legacy host's answer names the person, the
/// current host's only gives `principal` (the e-mail).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerIdentity {
    pub organizer_key: Option<String>,
    pub account_key: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A token answer, read.
pub struct Granted {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: chrono::DateTime<Utc>,
    /// `None` when the answer does not say (the legacy host's does not).
    pub scopes: Option<Vec<String>>,
    pub identity: AnswerIdentity,
}

impl std::fmt::Debug for Granted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Granted")
            .field("scopes", &self.scopes)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl From<&GoToTokenResponse> for Granted {
    fn from(response: &GoToTokenResponse) -> Granted {
        let extra = &response.extra;
        let expires_in = response
            .expires_in()
            .map(|d| Duration::seconds(d.as_secs() as i64))
            .unwrap_or_else(|| Duration::seconds(3600));
        Granted {
            access_token: response.access_token().secret().clone(),
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            expires_at: Utc::now() + expires_in,
            scopes: response
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect()),
            identity: AnswerIdentity {
                organizer_key: key_string(&extra.organizer_key),
                account_key: key_string(&extra.account_key),
                email: extra
                    .email
                    .clone()
                    .or_else(|| extra.principal.clone())
                    .filter(|e| !e.is_empty()),
                first_name: extra.first_name.clone(),
                last_name: extra.last_name.clone(),
            },
        }
    }
}

fn token_error(e: RequestTokenError<TokenHttpError, BasicErrorResponse>) -> TokenError {
    match e {
        RequestTokenError::ServerResponse(body) => match body.error() {
            BasicErrorResponseType::InvalidGrant => TokenError::InvalidGrant,
            other => TokenError::Refused(other.to_string()),
        },
        RequestTokenError::Request(TokenHttpError::OverBudget(wait)) => {
            TokenError::OverBudget(wait)
        }
        RequestTokenError::Request(e) => TokenError::Unavailable(e.to_string()),
        RequestTokenError::Parse(e, _) => TokenError::Refused(format!("unreadable answer: {e}")),
        RequestTokenError::Other(e) => TokenError::Refused(e),
    }
}

/// Sends a token request with `Authorization: Basic base64(client_id:client_secret)` exactly
/// as GoTo documents it, with redirects off (a token endpoint never redirects; following one
/// could leak the code).
async fn raw_basic_http(
    http: &reqwest::Client,
    throttle: &Throttle,
    credentials: &OAuthClientConfig,
    request: HttpRequest,
) -> Result<HttpResponse, TokenHttpError> {
    // Token calls count against the deployment's GoTo budget like any other call.
    throttle
        .acquire()
        .await
        .map_err(|o| TokenHttpError::OverBudget(o.retry_after))?;
    let (parts, body) = request.into_parts();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        credentials.client_id, credentials.client_secret
    ));
    let mut headers = parts.headers;
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Basic {basic}")
            .parse()
            .expect("base64 is a valid header value"),
    );
    let response = http
        .request(parts.method, parts.uri.to_string())
        .headers(headers)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    let mut out = HttpResponse::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<Granted, String> {
        serde_json::from_str::<GoToTokenResponse>(body)
            .map(|r| Granted::from(&r))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_documented_minimal_refresh_answer_is_read() {
        // developer.goto.com, "How to use refresh tokens": no token_type, no refresh_token.
        let g = read(r#"{"access_token":"eyJ","expires_in":3600,"scope":"collab: identity:scim.me","principal":"ana@example.com"}"#).unwrap();
        assert_eq!(g.access_token, "eyJ");
        assert_eq!(g.refresh_token, None);
        assert_eq!(
            g.scopes,
            Some(vec!["collab:".to_owned(), "identity:scim.me".to_owned()])
        );
        assert_eq!(g.identity.email.as_deref(), Some("ana@example.com"));
        assert_eq!(g.identity.organizer_key, None);
        let left = g.expires_at - Utc::now();
        assert!(left > Duration::seconds(3590) && left <= Duration::seconds(3600));
    }

    #[test]
    fn the_legacy_answer_names_the_person_with_keys_as_numbers_or_strings() {
        let g = read(r#"{"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":"3600","organizer_key":8439885694023999999,"account_key":"9999982253621659654","firstName":"Ana","lastName":"Gil","email":"ana@example.com","version":"3"}"#).unwrap();
        assert_eq!(g.refresh_token.as_deref(), Some("r"));
        assert_eq!(g.scopes, None);
        assert_eq!(
            g.identity.organizer_key.as_deref(),
            Some("8439885694023999999")
        );
        assert_eq!(
            g.identity.account_key.as_deref(),
            Some("9999982253621659654")
        );
        assert_eq!(g.identity.first_name.as_deref(), Some("Ana"));
    }

    #[test]
    fn other_token_types_and_empty_tokens_are_refused() {
        assert!(read(r#"{"access_token":"a","token_type":"mac"}"#).is_err());
        assert!(read(r#"{"access_token":""}"#).is_err());
        assert!(read(r#"{"token_type":"Bearer"}"#).is_err());
    }
}
