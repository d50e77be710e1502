//! Keeps each person's GoTo access token usable: refreshes only when it has expired or GoTo
//! refuses it, one refresh at a time per session (GoTo's refresh tokens are single-use, so
//! two refreshes racing would log the person out), and ends the session on `invalid_grant`.
//!
//! "One at a time" has two layers: an in-process mutex per session, so one replica's
//! requests queue without touching Redis, and the store's refresh lock, which with Redis makes
//! the other replicas wait too (with SQLite there is only one process, and it is a no-op).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::Utc;

use super::oauth::{OAuthClient, TokenError};
use super::rest::UpstreamError;
use crate::error::AppError;
use crate::store::{GoToTokens, SessionRecord, Store};

/// Refresh a little before the stated expiry so a token does not lapse in flight.
const EXPIRY_MARGIN_SECONDS: i64 = 30;

pub struct TokenKeeper {
    store: Arc<Store>,
    oauth: OAuthClient,
    refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl TokenKeeper {
    pub fn new(store: Arc<Store>, oauth: OAuthClient) -> TokenKeeper {
        TokenKeeper {
            store,
            oauth,
            refresh_locks: Mutex::new(HashMap::new()),
        }
    }

    pub async fn session(&self, session_id: &str) -> Result<Option<SessionRecord>, AppError> {
        self.store.get_session(session_id).await
    }

    /// Runs `call` with a valid access token of this session's person.
    pub async fn with_user_token<T, F, Fut>(&self, session_id: &str, call: F) -> Result<T, AppError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        self.with_user_token_raw(session_id, call)
            .await?
            .map_err(upstream_to_app)
    }

    /// Like [`TokenKeeper::with_user_token`], but hands back GoTo's own failure (other than a
    /// refused token) for the caller to judge, e.g. a create whose outcome is unknown.
    pub async fn with_user_token_raw<T, F, Fut>(
        &self,
        session_id: &str,
        call: F,
    ) -> Result<Result<T, UpstreamError>, AppError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        let record = self
            .session(session_id)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        let mut tokens = record.tokens;
        if tokens.expires_at - chrono::Duration::seconds(EXPIRY_MARGIN_SECONDS) <= Utc::now() {
            tokens = self.refresh(session_id, &tokens.access_token).await?;
        }
        match call(tokens.access_token.clone()).await {
            Err(UpstreamError::InvalidToken) => {
                let fresh = self.refresh(session_id, &tokens.access_token).await?;
                match call(fresh.access_token).await {
                    Err(UpstreamError::InvalidToken) => Err(AppError::Reconnect),
                    other => Ok(other),
                }
            }
            other => Ok(other),
        }
    }

    /// Refreshes unless another request already did while this one waited for the lock.
    async fn refresh(
        &self,
        session_id: &str,
        used_access_token: &str,
    ) -> Result<GoToTokens, AppError> {
        let lock = {
            let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
            locks
                .entry(crate::store::hash_id(session_id))
                .or_default()
                .clone()
        };
        let _guard = lock.lock().await;
        let replicas_lock = self.store.refresh_lock(session_id).await?;
        let outcome = self
            .refresh_holding_lock(session_id, used_access_token)
            .await;
        if let Err(e) = replicas_lock.release().await {
            // The refresh itself is done; the lock's TTL frees it for the others.
            tracing::warn!(error = %e, "could not release the refresh lock");
        }
        outcome
    }

    /// Reloads the session (another request, maybe on another replica, may have refreshed it
    /// while this one waited for the lock) and refreshes only if still needed.
    async fn refresh_holding_lock(
        &self,
        session_id: &str,
        used_access_token: &str,
    ) -> Result<GoToTokens, AppError> {
        let record = self
            .session(session_id)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        let current = &record.tokens;
        let still_fresh =
            current.expires_at - chrono::Duration::seconds(EXPIRY_MARGIN_SECONDS) > Utc::now();
        if current.access_token != used_access_token && still_fresh {
            return Ok(record.tokens);
        }
        match self.oauth.refresh(current).await {
            Ok(tokens) => {
                self.store
                    .put_session(
                        session_id,
                        &SessionRecord {
                            tokens: tokens.clone(),
                            created_at: record.created_at,
                        },
                    )
                    .await?;
                Ok(tokens)
            }
            Err(TokenError::InvalidGrant) => {
                tracing::info!(organizer = %current.organizer_key, "refresh token refused; ending the session");
                self.store.delete_session(session_id).await?;
                Err(AppError::Reconnect)
            }
            Err(TokenError::OverBudget(wait)) => Err(AppError::TooManyRequests {
                retry_after_seconds: wait.as_secs_f64().ceil() as u64,
            }),
            Err(TokenError::Refused(detail)) => Err(AppError::Upstream(format!(
                "token refresh refused: {detail}"
            ))),
            Err(TokenError::Unavailable(detail)) => Err(AppError::Upstream(format!(
                "token refresh failed: {detail}"
            ))),
        }
    }
}

pub fn upstream_to_app(e: UpstreamError) -> AppError {
    match e {
        UpstreamError::InvalidToken => AppError::Reconnect,
        UpstreamError::NotFound | UpstreamError::Forbidden => AppError::NotFound,
        UpstreamError::RateLimited => AppError::TooManyRequests {
            retry_after_seconds: 5,
        },
        UpstreamError::OverBudget(wait) => AppError::TooManyRequests {
            retry_after_seconds: wait.as_secs_f64().ceil() as u64,
        },
        UpstreamError::Timeout => AppError::UpstreamTimeout,
        UpstreamError::Unavailable(detail) => AppError::Upstream(detail),
        UpstreamError::ServerError(status) => AppError::Upstream(format!("GoTo answered {status}")),
        UpstreamError::Rejected { status, body } => {
            AppError::Upstream(format!("GoTo answered {status}: {body}"))
        }
    }
}
