//! "All organizers", synced with the admin service account's token into the store: at start,
//! on a schedule and on demand. The cached copy serves the co-organizer search even while
//! GoTo is down.

use chrono::Utc;

use crate::error::AppError;
use crate::goto::rest::{AccountKey, UpstreamError};
use crate::goto::tokens::upstream_to_app;
use crate::state::AppState;
use crate::store::{CachedOrganizer, GoToTokens};

/// Why the service account's tokens were not taken.
#[derive(Debug)]
pub enum AdminRefusal {
    /// Not one of `GOTO_ADMIN_EMAILS`.
    NotAllowed(String),
    /// Not an admin of `GOTO_ACCOUNT_KEY`.
    WrongAccount,
    /// The first sync with them failed, so they were not kept.
    SyncFailed(AppError),
}

/// Takes the service account's tokens if they are of an allowed admin of the configured
/// account, and only once a full sync with them has worked: a token that cannot read "All
/// organizers" must not replace one that can. Returns how many people can co-organize.
pub async fn connect_admin(state: &AppState, tokens: GoToTokens) -> Result<usize, AdminRefusal> {
    if !admin_email_allowed(state, &tokens.email) {
        return Err(AdminRefusal::NotAllowed(tokens.email));
    }
    if let Some(expected) = &state.account_key {
        if tokens.account_key.as_deref() != Some(expected.as_str()) {
            tracing::warn!(found = ?tokens.account_key, %expected, "service account of another account");
            return Err(AdminRefusal::WrongAccount);
        }
    }
    let account = account_of(state, &tokens).map_err(AdminRefusal::SyncFailed)?;
    let cached = fetch_all(state, &tokens.access_token, &account)
        .await
        .map_err(|e| AdminRefusal::SyncFailed(upstream_to_app(e)))?;
    state
        .store
        .put_admin_tokens(&tokens)
        .await
        .map_err(AdminRefusal::SyncFailed)?;
    store_synced(state, &cached)
        .await
        .map_err(AdminRefusal::SyncFailed)
}

/// Whether `GOTO_ADMIN_EMAILS` (when set) lists this service account.
pub fn admin_email_allowed(state: &AppState, email: &str) -> bool {
    let allowed = &state.config.allowed_admin_emails;
    allowed.is_empty() || allowed.iter().any(|e| e.eq_ignore_ascii_case(email))
}

/// The account whose users are "All organizers": the configured one (the brief's account
/// ID), else the service account's own.
fn account_of(state: &AppState, tokens: &GoToTokens) -> Result<AccountKey, AppError> {
    state
        .account_key
        .as_deref()
        .or(tokens.account_key.as_deref())
        .and_then(AccountKey::parse)
        .ok_or(AppError::Upstream(
            "no usable account key for the organizer sync".into(),
        ))
}

/// Every user of the account, page after page until `total`. Any page failing fails the
/// whole sync, so the cache only ever holds a complete list.
async fn fetch_all(
    state: &AppState,
    access_token: &str,
    account: &AccountKey,
) -> Result<Vec<CachedOrganizer>, UpstreamError> {
    // Far above any real account (100 000 people); stops a GoTo that never ends its pages.
    const MAX_PAGES: u64 = 1000;
    let mut cached = Vec::new();
    let mut offset = 0;
    for _ in 0..MAX_PAGES {
        let page = state
            .api
            .account_users_page(access_token, account, offset)
            .await?;
        let rows = page.results.len() as u64;
        cached.extend(page.results.into_iter().filter_map(|u| {
            Some(CachedOrganizer {
                key: u.key()?,
                active: u.is_active(),
                has_g2m: u.has_g2m(),
                first_name: u.first_name,
                last_name: u.last_name,
                email: u.email,
            })
        }));
        offset += rows;
        if rows == 0 || offset >= page.total {
            return Ok(cached);
        }
    }
    Err(UpstreamError::Unavailable(
        "the Admin API kept answering pages".into(),
    ))
}

async fn store_synced(state: &AppState, cached: &[CachedOrganizer]) -> Result<usize, AppError> {
    state.store.put_organizers(cached).await?;
    let offered = cached.iter().filter(|o| o.active && o.has_g2m).count();
    *state.last_sync.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now());
    tracing::info!(total = cached.len(), offered, "organizers synced");
    Ok(offered)
}

/// Fetches the organizers with the stored service-account token and replaces the cache.
/// Returns how many can be co-organizers.
pub async fn sync(state: &AppState) -> Result<usize, AppError> {
    let mut tokens = state.store.admin_tokens().await?.ok_or(AppError::Upstream(
        "the service account is not connected".into(),
    ))?;
    if tokens.expires_at <= Utc::now() + chrono::Duration::seconds(30) {
        tokens = refresh_admin(state, &tokens).await?;
    }
    let account = account_of(state, &tokens)?;
    let cached = match fetch_all(state, &tokens.access_token, &account).await {
        Err(UpstreamError::InvalidToken) => {
            tokens = refresh_admin(state, &tokens).await?;
            fetch_all(state, &tokens.access_token, &account).await
        }
        other => other,
    }
    .map_err(upstream_to_app)?;
    store_synced(state, &cached).await
}

/// The refresh lock's name for the service account (the lock hashes it like a session id).
/// Every replica syncs on its own schedule, so two may find the admin token expired at once.
const ADMIN_REFRESH_LOCK: &str = "admin-connection";

/// Refreshes the service account's token, one replica at a time; a replica that waited uses
/// the token the other one just got instead of spending the single-use refresh token again.
async fn refresh_admin(state: &AppState, used: &GoToTokens) -> Result<GoToTokens, AppError> {
    let oauth = state
        .admin_oauth
        .as_ref()
        .ok_or(AppError::Upstream("no service client configured".into()))?;
    let lock = state.store.refresh_lock(ADMIN_REFRESH_LOCK).await?;
    let outcome = async {
        let current = state.store.admin_tokens().await?.ok_or(AppError::Upstream(
            "the service account is not connected".into(),
        ))?;
        let still_fresh = current.expires_at > Utc::now() + chrono::Duration::seconds(30);
        if current.access_token != used.access_token && still_fresh {
            return Ok(current);
        }
        let fresh = oauth
            .refresh(&current)
            .await
            .map_err(|e| AppError::Upstream(format!("service account refresh: {e}")))?;
        state.store.put_admin_tokens(&fresh).await?;
        Ok(fresh)
    }
    .await;
    if let Err(e) = lock.release().await {
        tracing::warn!(error = %e, "could not release the service account's refresh lock");
    }
    outcome
}

/// Syncs now unless a sync started less than `min_gap` ago (then the cached copy stands).
/// Returns whether a sync ran. The claim is taken before the sync, under the lock, so
/// parallel requests make one sync, and a failing one is not retried at once by everyone.
pub async fn sync_on_demand(
    state: &AppState,
    min_gap: std::time::Duration,
) -> Result<bool, AppError> {
    {
        let mut last = state.last_sync.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|at| at.elapsed() < min_gap) {
            return Ok(false);
        }
        *last = Some(std::time::Instant::now());
    }
    sync(state).await?;
    Ok(true)
}

/// Runs [`sync`] forever at the configured interval, logging failures.
pub async fn run_schedule(state: AppState) {
    // The first sync is the start's own (or the connection's): the schedule begins one period
    // later, so it never runs alongside it.
    let period = state.config.organizer_sync_every;
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if state.store.admin_tokens().await.ok().flatten().is_none() {
            continue;
        }
        if let Err(e) = sync(&state).await {
            tracing::warn!(error = %e, "organizer sync failed; keeping the cached copy");
        }
    }
}
