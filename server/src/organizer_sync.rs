//! "All organizers", synced with the admin service account's token into the store: at start,
//! on a schedule and on demand. The cached copy serves the co-organizer search even while
//! GoTo is down.

use chrono::Utc;

use crate::error::AppError;
use crate::goto::tokens::upstream_to_app;
use crate::state::AppState;
use crate::store::{CachedOrganizer, GoToTokens};

/// Keeps the admin tokens if they belong to the configured account (and, when a list of
/// allowed admins is configured, to one of them).
pub async fn accept_admin_tokens(state: &AppState, tokens: GoToTokens) -> Result<(), String> {
    let allowed = &state.config.allowed_admin_emails;
    if !allowed.is_empty()
        && !allowed
            .iter()
            .any(|e| e.eq_ignore_ascii_case(&tokens.email))
    {
        return Err(format!(
            "{} is not one of the service accounts allowed to connect (GOTO_ADMIN_EMAILS).",
            tokens.email
        ));
    }
    if let Some(expected) = &state.account_key {
        if tokens.account_key.as_deref() != Some(expected.as_str()) {
            return Err(format!(
                "This GoTo user belongs to account {}, but this installation is configured for account {expected} (GOTO_ACCOUNT_KEY). Sign in with the service account of that account.",
                tokens.account_key.as_deref().unwrap_or("(unknown)")
            ));
        }
    }
    state
        .store
        .put_admin_tokens(&tokens)
        .await
        .map_err(|e| e.to_string())
}

/// Fetches the organizers and replaces the cache. Returns how many can be co-organizers.
pub async fn sync(state: &AppState) -> Result<usize, AppError> {
    let mut tokens = state.store.admin_tokens().await?.ok_or(AppError::Upstream(
        "the service account is not connected".into(),
    ))?;
    if tokens.expires_at <= Utc::now() + chrono::Duration::seconds(30) {
        tokens = refresh_admin(state, &tokens).await?;
    }
    let organizers = match state.api.organizers(&tokens.access_token).await {
        Err(crate::goto::rest::UpstreamError::InvalidToken) => {
            tokens = refresh_admin(state, &tokens).await?;
            state.api.organizers(&tokens.access_token).await
        }
        other => other,
    }
    .map_err(upstream_to_app)?;
    let cached: Vec<CachedOrganizer> = organizers
        .into_iter()
        .filter_map(|o| {
            Some(CachedOrganizer {
                key: o.key()?,
                active: o.status.eq_ignore_ascii_case("active"),
                has_g2m: o.products.iter().any(|p| p == "G2M"),
                first_name: o.first_name,
                last_name: o.last_name,
                email: o.email,
            })
        })
        .collect();
    state.store.put_organizers(&cached).await?;
    let offered = cached.iter().filter(|o| o.active && o.has_g2m).count();
    *state.last_sync.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now());
    tracing::info!(total = cached.len(), offered, "organizers synced");
    Ok(offered)
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

/// Syncs now unless a sync finished less than `min_gap` ago (then the cached copy stands).
/// Returns whether a sync ran.
pub async fn sync_on_demand(
    state: &AppState,
    min_gap: std::time::Duration,
) -> Result<bool, AppError> {
    let recent = {
        let last = state.last_sync.lock().unwrap_or_else(|p| p.into_inner());
        last.is_some_and(|at| at.elapsed() < min_gap)
    };
    if recent {
        return Ok(false);
    }
    sync(state).await?;
    Ok(true)
}

/// Runs [`sync`] forever at the configured interval, logging failures.
pub async fn run_schedule(state: AppState) {
    let mut every = tokio::time::interval(state.config.organizer_sync_every);
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

pub fn matches_query(organizer: &CachedOrganizer, query: &str) -> bool {
    meeting::search::matches(
        query,
        &[
            &organizer.first_name,
            &organizer.last_name,
            &organizer.email,
        ],
    )
}
