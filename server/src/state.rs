//! The state every handler receives explicitly.

use std::sync::Arc;

use crate::config::Config;
use crate::goto::oauth::OAuthClient;
use crate::goto::rest::GoToApi;
use crate::goto::tokens::TokenKeeper;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: Config,
    /// The cookies' names and attributes, from the public URL (see `session::Cookies`).
    pub cookies: crate::session::Cookies,
    pub store: Arc<Store>,
    pub user_oauth: OAuthClient,
    pub admin_oauth: Option<OAuthClient>,
    /// The account whose organizers are synced; the admin token must belong to it.
    pub account_key: Option<String>,
    /// When the organizers were last synced, so on-demand syncs cannot hammer GoTo.
    pub last_sync: std::sync::Mutex<Option<std::time::Instant>>,
    pub api: GoToApi,
    pub keeper: TokenKeeper,
    /// Sign-in callbacks per client address (each may cost a GoTo token call).
    pub sign_in_limiter: crate::sign_in_limit::SignInLimiter,
    /// Set when the built-in sandbox is mounted (no GoTo client configured).
    pub sandbox: Option<goto_sandbox::Sandbox>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
