//! The thin backend: the only part of the product that ever holds a GoTo token.
//! See ARCHITECTURE.md for the map; `app` assembles the routes.

pub mod built_files;
pub mod calendar;
pub mod config;
pub mod crypto;
pub mod embedded_sandbox;
pub mod error;
pub mod extract;
pub mod goto;
pub mod json_body;
pub mod middleware;
pub mod organizer_sync;
pub mod request_id;
pub mod routes;
pub mod session;
pub mod shell;
pub mod sign_in_limit;
pub mod state;
pub mod static_files;
pub mod store;
pub mod support_log;
pub mod throttle;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use tower_http::compression::CompressionLayer;

use config::{Config, OAuthClientConfig, StoreSetting, Upstream};
use error::AppError;
use goto::oauth::OAuthClient;
use goto::rest::GoToApi;
use goto::tokens::TokenKeeper;
use state::{AppState, Inner};
use store::Store;

/// Request bodies larger than this are refused (413): a meeting form is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Every route of the backend, behind `middleware::Edge` (request ids, CSRF, the body limit,
/// security headers), which every request passes.
pub fn app(state: AppState) -> middleware::Edge<Router> {
    let api = Router::new()
        .route("/api/session", get(routes::session::get_session))
        .route(
            "/api/session/handoff",
            post(routes::session::redeem_handoff),
        )
        .route("/api/openapi.json", get(routes::health::openapi))
        .route("/api/logout", post(routes::user_auth::logout))
        // The one API answer big enough to gain from compression (a page of names and
        // e-mails, ~2.4 KB). Only this one: it echoes nothing from the request and carries no
        // token, so a compression side channel (BREACH) has nothing to guess against.
        .route(
            "/api/organizers",
            get(routes::organizers::search).layer(CompressionLayer::new()),
        )
        .route("/api/organizers/sync", post(routes::organizers::sync_now))
        .route(
            "/api/meetings",
            get(routes::my_meetings::list).post(routes::meetings::create),
        )
        .route(
            "/api/meetings/{id}",
            get(routes::meetings::get)
                .put(routes::my_meetings::change)
                .delete(routes::my_meetings::cancel),
        )
        .route("/api/meetings/{id}/start", post(routes::my_meetings::start))
        .route(
            "/api/meetings/{id}/invite.ics",
            get(routes::meetings::invite),
        )
        // CSRF and `no-store` for all of `/api/*`: `middleware::Edge`.
        .route("/api/{*rest}", axum::routing::any(api_not_found));
    let auth = Router::new()
        .route(meeting::names::LOGIN_PATH, get(routes::user_auth::login))
        .route(
            "/app/api/auth/serviceAction/callback",
            get(routes::user_auth::callback).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::limit_callbacks,
            )),
        )
        .route(
            "/admin/api/gwsc/auth/connect",
            get(routes::admin_connection::connect),
        )
        .route(
            "/admin/api/gwsc/auth/serverContext",
            get(routes::admin_connection::server_context).layer(
                axum::middleware::from_fn_with_state(state.clone(), middleware::limit_callbacks),
            ),
        )
        .layer(axum::middleware::from_fn(middleware::no_store));
    let mut app = Router::new()
        .merge(api)
        .merge(auth)
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz));
    if let Some(sandbox) = &state.sandbox {
        let mut routes = sandbox.router();
        // Its fault, revoke and journal switches are for local runs and tests only.
        if !state.config.is_loopback() {
            routes = routes.layer(axum::middleware::from_fn(
                embedded_sandbox::no_admin_switches,
            ));
        }
        app = app.nest_service(embedded_sandbox::PREFIX, routes);
    }
    // Resolved once here (`with_state`): a `Router` still holding its state builds each
    // route's service again for every request.
    let router = app
        .with_state(state.clone())
        .merge(static_files::router(
            &state.config.dist_dir,
            shell::content_security_policy(&state.config.dist_dir, &state.config.frame_ancestors),
        ))
        .with_state(());
    middleware::Edge::new(state, router)
}

async fn api_not_found() -> AppError {
    AppError::NotFound
}

/// Builds the state: opens the store, sets up the GoTo clients, and mounts the sandbox when
/// no GoTo client is configured.
pub async fn build_state(config: Config) -> Result<AppState, String> {
    let sealer = open_sealer(&config)?;
    let limits = store::SessionLimits::from_std(config.session_idle, config.session_max);
    let windows = throttle::Throttle::goto_windows_at(
        config.goto_requests_per_minute,
        config.goto_requests_per_second,
    );
    // A tenth of each minute is kept for sign-ins and token refreshes.
    let reserved = config.goto_requests_per_minute / 10;
    let per_address = config.sign_ins_per_ip_per_minute;
    let (store, throttle, sign_in_limiter) = match &config.store {
        StoreSetting::Sqlite => (
            Store::Sqlite(Arc::new(
                store::SqliteStore::open(&config.data_dir.join("meetings.db"), sealer, limits)
                    .map_err(|e| e.to_string())?
                    .with_session_cache(config.session_cache),
            )),
            throttle::Throttle::new(windows, config.throttle_max_wait)
                .with_shares(config.goto_calls_per_person_per_minute, reserved),
            sign_in_limit::SignInLimiter::per_minute(per_address),
        ),
        StoreSetting::Redis(url) => {
            let conn = store::connect_redis(url)
                .await
                .map_err(|e| format!("MEETINGS_STORE: cannot reach {:?}: {e}", config.store))?;
            tracing::info!(store = ?config.store, "sessions, tokens, idempotency, the GoTo budget and the refresh lock are shared through Redis");
            (
                Store::Redis(Box::new(store::RedisStore::new(
                    conn.clone(),
                    sealer,
                    limits,
                ))),
                throttle::Throttle::shared(windows, config.throttle_max_wait, conn.clone())
                    .with_shares(config.goto_calls_per_person_per_minute, reserved),
                sign_in_limit::SignInLimiter::shared(per_address, conn),
            )
        }
    };
    let store = Arc::new(store);
    let throttle = Arc::new(throttle);
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
    let support_log = match &config.support_log_dir {
        None => None,
        Some(dir) => {
            tracing::info!(dir = %dir.display(), "support log on: one line per GoTo call, kept 24 hours");
            Some(Arc::new(support_log::SupportLog::open(dir)?))
        }
    };
    let user_oauth = OAuthClient::new(
        &user_client,
        &endpoints,
        config.user_scopes.clone(),
        config.user_redirect_uri(),
        http.clone(),
        throttle.clone(),
        support_log.clone(),
    )?;
    let admin_oauth = admin_client
        .as_ref()
        .map(|c: &OAuthClientConfig| {
            OAuthClient::new(
                c,
                &endpoints,
                config.admin_scopes.clone(),
                config.admin_redirect_uri(),
                http.clone(),
                throttle.clone(),
                support_log.clone(),
            )
        })
        .transpose()?;
    let keeper = TokenKeeper::new(store.clone(), user_oauth.clone());
    let api = GoToApi::new(&endpoints.api_root, http, throttle, support_log);
    Ok(AppState(Arc::new(Inner {
        cookies: session::Cookies::for_deployment(&config.public_url, config.cross_site_cookies),
        config,
        store,
        user_oauth,
        admin_oauth,
        account_key,
        last_sync: std::sync::Mutex::new(None),
        sign_in_limiter,
        api,
        keeper,
        sandbox,
    })))
}

/// The key that seals tokens and stored answers: `MEETINGS_ENCRYPTION_KEY` when set (always with
/// Redis, where every replica needs the same one), else the key file in the data directory,
/// created on first run.
fn open_sealer(config: &Config) -> Result<crypto::Sealer, String> {
    let key_path = config.data_dir.join("secret.key");
    if let Some(key) = &config.encryption_key {
        let file_key = std::fs::read_to_string(&key_path)
            .ok()
            .and_then(|text| hex::decode(text.trim()).ok());
        if config.store == StoreSetting::Sqlite && file_key.is_some_and(|k| k != key.0) {
            tracing::warn!(path = %key_path.display(), "MEETINGS_ENCRYPTION_KEY differs from the key file, which is now ignored: what was sealed with it no longer opens (people sign in again; reconnect the service account)");
        }
        return Ok(crypto::Sealer::new(&key.0));
    }
    let (sealer, created) = crypto::Sealer::from_key_file(&key_path)
        .map_err(|e| format!("{}: {e}", key_path.display()))?;
    if created {
        tracing::warn!(path = %key_path.display(), "generated a new encryption key for tokens at rest; keep this file private and backed up");
    }
    Ok(sealer)
}

/// Deletes expired sessions (and the refresh tokens sealed in them), logins, handoffs and
/// idempotency records every five minutes, off the requests' path.
async fn purge_expired_forever(state: AppState) {
    let every = Duration::from_secs(300);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tick.tick().await;
        match state.store.purge_expired().await {
            Ok(0) => {}
            Ok(sessions) => tracing::info!(sessions, "expired sessions purged"),
            Err(e) => tracing::warn!(error = %e, "purge of expired records failed"),
        }
    }
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
    let state = build_state(config).await?;
    // Served as a finished service: `axum::serve` handed a plain `Router` rebuilds it for every
    // new connection (`with_state(())` clones each route's services: about 60 µs of a meeting
    // fetch on a fresh connection, measured), whereas `app` resolves it once and a connection
    // costs an `Arc` clone.
    // With the peer address, for the per-address limit on sign-in callbacks.
    let router = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(app(state.clone()));
    // TCP_NODELAY on every accepted connection: without it a response written in two parts
    // (headers, then body, as tower-http's ServeDir wrote files) waits for the client's delayed
    // ACK before its second part leaves (Nagle). Measured with wrk before: one keep-alive
    // connection fetching the 309-byte favicon, p50 42.9 ms (40 requests a second); 16
    // connections, 478 a second.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    if state.sandbox.is_some() {
        embedded_sandbox::connect_service_account(&state).await?;
    } else if state.store.admin_tokens().await.ok().flatten().is_some() {
        if let Err(e) = organizer_sync::sync(&state).await {
            tracing::warn!(error = %e, "first organizer sync failed; serving the cached copy");
        }
    }
    tokio::spawn(organizer_sync::run_schedule(state.clone()));
    tokio::spawn(purge_expired_forever(state.clone()));
    Ok(Running { addr, state, task })
}
