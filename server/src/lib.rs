//! The thin backend: the only part of the product that ever holds a GoTo token.
//! See ARCHITECTURE.md for the map; `app` assembles the routes.

pub mod calendar;
pub mod config;
pub mod crypto;
pub mod embedded_sandbox;
pub mod error;
pub mod goto;
pub mod json_body;
pub mod middleware;
pub mod organizer_sync;
pub mod routes;
pub mod session;
pub mod state;
pub mod static_files;
pub mod store;
pub mod throttle;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use config::{Config, OAuthClientConfig, Upstream};
use error::AppError;
use goto::oauth::OAuthClient;
use goto::rest::GoToApi;
use goto::tokens::TokenKeeper;
use state::{AppState, Inner};
use store::Store;

/// Request bodies larger than this are refused (413): a meeting form is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Every route of the backend.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/session", get(routes::session::get_session))
        .route("/api/openapi.json", get(routes::health::openapi))
        .route("/api/logout", post(routes::user_auth::logout))
        .route("/api/organizers", get(routes::organizers::search))
        .route("/api/meetings", post(routes::meetings::create))
        .route("/api/meetings/{id}", get(routes::meetings::get))
        .route(
            "/api/meetings/{id}/invite.ics",
            get(routes::meetings::invite),
        )
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::require_csrf,
        ))
        .layer(axum::middleware::from_fn(middleware::no_store));
    let auth = Router::new()
        .route(
            "/app/api/auth/serviceAction/login",
            get(routes::user_auth::login),
        )
        .route(
            "/app/api/auth/serviceAction/callback",
            get(routes::user_auth::callback),
        )
        .route(
            "/admin/api/gwsc/auth/connect",
            get(routes::admin_connection::connect),
        )
        .route(
            "/admin/api/gwsc/auth/serverContext",
            get(routes::admin_connection::server_context),
        )
        .layer(axum::middleware::from_fn(middleware::no_store));
    let mut app = Router::new()
        .merge(api)
        .merge(auth)
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz));
    if let Some(sandbox) = &state.sandbox {
        app = app.nest_service(embedded_sandbox::PREFIX, sandbox.router());
    }
    app.with_state(state.clone())
        .merge(static_files::router(
            &state.config.dist_dir,
            static_files::content_security_policy(
                &state.config.dist_dir,
                &state.config.frame_ancestors,
            ),
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::request_context))
}

async fn api_not_found() -> AppError {
    AppError::NotFound
}

/// Builds the state: opens the store, sets up the GoTo clients, and mounts the sandbox when
/// no GoTo client is configured.
pub fn build_state(config: Config) -> Result<AppState, String> {
    let key_path = config.data_dir.join("secret.key");
    let (sealer, created) = crypto::Sealer::from_key_file(&key_path)
        .map_err(|e| format!("{}: {e}", key_path.display()))?;
    if created {
        tracing::warn!(path = %key_path.display(), "generated a new encryption key for tokens at rest; keep this file private and backed up");
    }
    let store = Arc::new(
        Store::open(&config.data_dir.join("meetings.db"), sealer).map_err(|e| e.to_string())?,
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.upstream_timeout)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let (endpoints, user_client, admin_client, account_key, sandbox) = match &config.upstream {
        Upstream::GoTo {
            endpoints,
            user_client,
            admin_client,
            account_key,
        } => (
            endpoints.clone(),
            user_client.clone(),
            admin_client.clone(),
            account_key.clone(),
            None,
        ),
        Upstream::EmbeddedSandbox => {
            let embedded = embedded_sandbox::EmbeddedSandbox::new(&config);
            (
                embedded.endpoints.clone(),
                embedded.user_client.clone(),
                Some(embedded.admin_client.clone()),
                Some(embedded.account_key.clone()),
                Some(embedded.sandbox),
            )
        }
    };
    let throttle = Arc::new(throttle::Throttle::goto_default(
        config.goto_requests_per_minute,
        config.throttle_max_wait,
    ));
    let user_oauth = OAuthClient::new(
        &user_client,
        &endpoints,
        config.user_redirect_uri(),
        http.clone(),
        throttle.clone(),
    )?;
    let admin_oauth = admin_client
        .as_ref()
        .map(|c: &OAuthClientConfig| {
            OAuthClient::new(
                c,
                &endpoints,
                config.admin_redirect_uri(),
                http.clone(),
                throttle.clone(),
            )
        })
        .transpose()?;
    let keeper = TokenKeeper::new(
        store.clone(),
        user_oauth.clone(),
        chrono::Duration::from_std(config.session_idle).unwrap_or(chrono::Duration::hours(8)),
        chrono::Duration::from_std(config.session_max).unwrap_or(chrono::Duration::days(30)),
    );
    let api = GoToApi::new(endpoints.api_base.clone(), http, throttle);
    Ok(AppState(Arc::new(Inner {
        config,
        store,
        user_oauth,
        admin_oauth,
        account_key,
        api,
        keeper,
        sandbox,
    })))
}

/// A started server: where it listens, and its state (tests reach the sandbox through it).
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    pub task: tokio::task::JoinHandle<()>,
}

/// Binds, serves, and starts the background work (organizer sync; in sandbox mode, the
/// service-account connection the operator would otherwise make by hand).
pub async fn start(mut config: Config) -> Result<Running, String> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // Port 0 (tests) picks a free port; a public URL derived from the address follows it.
    if config.public_url == format!("http://{}", config.addr) {
        config.public_url = format!("http://{addr}");
    }
    config.addr = addr;
    let state = build_state(config)?;
    let router = app(state.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    if state.sandbox.is_some() {
        embedded_sandbox::connect_service_account(&state).await?;
    } else if state.store.admin_tokens().ok().flatten().is_some() {
        if let Err(e) = organizer_sync::sync(&state).await {
            tracing::warn!(error = %e, "first organizer sync failed; serving the cached copy");
        }
    }
    tokio::spawn(organizer_sync::run_schedule(state.clone()));
    Ok(Running { addr, state, task })
}
