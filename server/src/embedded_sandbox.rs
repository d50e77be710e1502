//! The default upstream when no GoTo client is configured: the sandbox, mounted in this
//! process under a prefix no app route uses, with two registered clients whose secrets are
//! made up on the first start. The backend talks to it over real HTTP, exactly as to GoTo.
//!
//! Its tokens, meetings and client secrets are kept in `<MEETINGS_DATA_DIR>/sandbox-state.jsonl`
//! (`goto_sandbox::SandboxConfig::state_file`): the person's session survives a restart in the
//! store, so the tokens it holds and the meetings they name must survive in the sandbox too,
//! or a restart would log everyone out and lose yesterday's meetings.

use crate::config::{Config, GoToEndpoints, OAuthClientConfig};
use crate::crypto::random_id;
use crate::goto::identity::{self, Who};
use crate::organizer_sync;
use crate::state::AppState;
use axum::response::IntoResponse;
use goto_sandbox::{RegisteredClient, Sandbox, SandboxConfig};

pub const PREFIX: &str = "/_sandbox";
/// The service-action client the embedded sandbox registers.
pub const USER_CLIENT_ID: &str = "sandbox-service-action";
/// In `MEETINGS_DATA_DIR`, beside the SQLite store; one JSON record per line.
pub const STATE_FILE: &str = "sandbox-state.jsonl";

pub struct EmbeddedSandbox {
    pub sandbox: Sandbox,
    pub endpoints: GoToEndpoints,
    pub user_client: OAuthClientConfig,
    pub admin_client: OAuthClientConfig,
    pub account_key: String,
}

/// Hides the sandbox's `/_admin` switches (faults, token revocation, the journal) when the
/// app is served on a public address.
pub async fn no_admin_switches(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if request.uri().path().starts_with("/_admin") {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// How the backend reaches itself: the bound port on loopback.
fn internal_base(config: &Config) -> String {
    format!("http://127.0.0.1:{}{PREFIX}", config.addr.port())
}

impl EmbeddedSandbox {
    pub fn new(config: &Config) -> EmbeddedSandbox {
        let state_file = config.data_dir.join(STATE_FILE);
        // The secrets of the previous start: the token call checks them, so refreshing a token
        // stored before a restart needs the same ones.
        let saved = goto_sandbox::stored_client_secrets(&state_file);
        // A new secret has characters that RFC 6749's form-encoding changes, so every local
        // run exercises GoTo's raw Basic encoding.
        let secret = |client_id: &str| {
            saved
                .get(client_id)
                .cloned()
                .unwrap_or_else(|| format!("{}+/=", random_id()))
        };
        let user_client = OAuthClientConfig {
            client_id: USER_CLIENT_ID.into(),
            client_secret: secret(USER_CLIENT_ID),
        };
        let admin_client = OAuthClientConfig {
            client_id: "sandbox-service".into(),
            client_secret: secret("sandbox-service"),
        };
        let sandbox = Sandbox::new(SandboxConfig {
            // Granted every scope, as a GoTo admin would for this integration.
            clients: vec![
                RegisteredClient::new(
                    user_client.client_id.clone(),
                    user_client.client_secret.clone(),
                    [config.user_redirect_uri()],
                ),
                RegisteredClient::new(
                    admin_client.client_id.clone(),
                    admin_client.client_secret.clone(),
                    [config.admin_redirect_uri()],
                ),
            ],
            state_file: Some(state_file),
            ..SandboxConfig::default()
        });
        let internal = internal_base(config);
        // The sandbox serves both hosts' OAuth paths; the configured host decides which.
        let (authorize_path, token_path) = config.goto_host.oauth_paths();
        EmbeddedSandbox {
            account_key: sandbox.account_key().to_owned(),
            sandbox,
            endpoints: GoToEndpoints {
                // Browsers go to the public origin; the backend calls itself on loopback.
                authorize_url: format!("{}{PREFIX}{authorize_path}", config.public_url),
                token_url: format!("{internal}{token_path}"),
                api_root: internal.clone(),
            },
            user_client,
            admin_client,
        }
    }
}

/// Connects the sandbox's admin as the service account, as an operator would through
/// `/admin/api/gwsc/auth/connect`, using the sandbox's documented auto-approve switch, then
/// syncs the organizers. The whole OAuth exchange runs for real.
pub async fn connect_service_account(state: &AppState) -> Result<(), String> {
    let sandbox = state.sandbox.as_ref().ok_or("no sandbox mounted")?;
    let admin = sandbox
        .organizers()
        .into_iter()
        .find(|o| o.admin)
        .ok_or("the sandbox has no admin")?;
    let oauth = state.admin_oauth.as_ref().ok_or("no admin client")?;
    let authorization = oauth.authorize();
    let public_prefix = format!("{}{PREFIX}", state.config.public_url);
    let url = format!(
        "{}&sandbox_approve={}",
        authorization
            .url
            .replacen(&public_prefix, &internal_base(&state.config), 1),
        url::form_urlencoded::byte_serialize(admin.email.as_bytes()).collect::<String>()
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let response = http.get(&url).send().await.map_err(|e| e.to_string())?;
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("sandbox did not redirect (status {})", response.status()))?;
    let back = url::Url::parse(location).map_err(|e| e.to_string())?;
    let param = |name: &str| {
        back.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("state").as_deref() != Some(authorization.state.as_str()) {
        return Err("sandbox echoed a different state".into());
    }
    let code = param("code").ok_or("sandbox sent no code")?;
    let granted = oauth
        .exchange_code(code, authorization.pkce_verifier)
        .await
        .map_err(|e| e.to_string())?;
    let tokens = identity::complete(
        &state.api,
        granted,
        Who::ServiceAccount,
        state.account_key.as_deref(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let offered = organizer_sync::connect_admin(state, tokens)
        .await
        .map_err(|e| format!("{e:?}"))?;
    tracing::info!(offered, "sandbox service account connected");
    Ok(())
}
