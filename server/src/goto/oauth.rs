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
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::config::{GoToEndpoints, OAuthClientConfig};
use crate::store::GoToTokens;
use crate::support_log::SupportLog;
use crate::throttle::Throttle;

/// The fields GoTo adds to a token response. The legacy host sends the organizer's keys and
/// names; the current host sends `principal` (the e-mail) instead. Keys may come as strings
/// or numbers (assumed), so both are accepted.
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

impl ExtraTokenFields for GoToExtraFields {}

type GoToTokenResponse = StandardTokenResponse<GoToExtraFields, BasicTokenType>;

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

    pub async fn exchange_code(
        &self,
        code: String,
        pkce_verifier: String,
    ) -> Result<GoToTokens, TokenError> {
        let http = |request: HttpRequest| self.token_call(request);
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&http)
            .await
            .map_err(token_error)?;
        tokens_from(&response, None)
    }

    /// Refreshes `previous`. GoTo may rotate the refresh token or leave it out; when it is
    /// left out the old one stays valid and is kept.
    pub async fn refresh(&self, previous: &GoToTokens) -> Result<GoToTokens, TokenError> {
        let http = |request: HttpRequest| self.token_call(request);
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(previous.refresh_token.clone()))
            .request_async(&http)
            .await
            .map_err(token_error)?;
        tokens_from(&response, Some(previous))
    }
}

fn tokens_from(
    response: &GoToTokenResponse,
    previous: Option<&GoToTokens>,
) -> Result<GoToTokens, TokenError> {
    let extra = response.extra_fields();
    let expires_in = response
        .expires_in()
        .map(|d| Duration::seconds(d.as_secs() as i64))
        .unwrap_or_else(|| Duration::seconds(3600));
    let refresh_token = response
        .refresh_token()
        .map(|t| t.secret().clone())
        .or_else(|| previous.map(|p| p.refresh_token.clone()))
        .ok_or_else(|| TokenError::Refused("no refresh token in the answer".into()))?;
    let email = extra
        .email
        .clone()
        .or_else(|| extra.principal.clone())
        .or_else(|| previous.map(|p| p.email.clone()))
        .unwrap_or_default();
    let organizer_key = key_string(&extra.organizer_key)
        .or_else(|| previous.map(|p| p.organizer_key.clone()))
        .unwrap_or_else(|| email.clone());
    Ok(GoToTokens {
        access_token: response.access_token().secret().clone(),
        refresh_token,
        expires_at: Utc::now() + expires_in,
        organizer_key,
        account_key: key_string(&extra.account_key)
            .or_else(|| previous.and_then(|p| p.account_key.clone())),
        first_name: extra
            .first_name
            .clone()
            .or_else(|| previous.map(|p| p.first_name.clone()))
            .unwrap_or_default(),
        last_name: extra
            .last_name
            .clone()
            .or_else(|| previous.map(|p| p.last_name.clone()))
            .unwrap_or_default(),
        email,
    })
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
