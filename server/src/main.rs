//! `meetings-server`: reads the configuration from the environment (and `.env`), says which
//! GoTo it talks to, and serves the app and the API on one port.

use meetings_server::config::{Config, Upstream};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,meetings_server=info,goto_sandbox=info".into()),
        )
        .init();
    // A `.env` beside the process sets variables not already in the environment.
    let dotenv = dotenvy::dotenv().ok();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Some(path) = dotenv {
        tracing::info!(path = %path.display(), "read configuration from .env");
    }
    match &config.upstream {
        Upstream::EmbeddedSandbox => tracing::warn!(
            "no GoTo client configured (GOTO_CLIENT_ID): running against the built-in GoTo sandbox at {}/_sandbox; nothing reaches GoTo",
            config.public_url
        ),
        Upstream::GoTo { endpoints, .. } => {
            tracing::info!(authorize = %endpoints.authorize_url, api = %endpoints.api_root, token = %endpoints.token_url, "using GoTo")
        }
    }
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(dist = %config.dist_dir.display(), "the built app is missing: run `cargo xtask run`, which builds it first");
    }
    let running = match meetings_server::start(config).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("cannot start: {e}");
            std::process::exit(1);
        }
    };
    tracing::info!("open http://{} in a browser", running.addr);
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("stopping");
}
