//! Keeps each person's GoTo access token usable: refreshes only when it has expired or GoTo
//! refuses it, one refresh at a time per session (GoTo's refresh tokens are single-use, so
//! two refreshes racing would log the person out), and ends the session on `invalid_grant`.
//!
//! "One at a time" has two layers: an in-process mutex per session, so one replica's
//! requests queue without touching Redis, and the store's refresh lock, which with Redis makes
//! the other replicas wait too (with SQLite there is only one process, and it is a no-op).
//!
//! A refresh runs as a task of its own: once GoTo has been sent the single-use refresh token,
//! the new pair must be stored even if the request that asked for it is cancelled (the browser
//! navigated away or closed the tab); otherwise the session would keep a spent token and the
//! person's next request would end it.

use std::future::Future;
use std::sync::Arc;

use chrono::Utc;
use tracing::Instrument;

use super::oauth::{OAuthClient, TokenError};
use super::rest::UpstreamError;
use super::session_locks::SessionLocks;
use crate::error::AppError;
use crate::session::CurrentSession;
use crate::store::{GoToTokens, SessionRecord, Store};

/// Refresh a little before the stated expiry so a token does not lapse in flight.
const EXPIRY_MARGIN_SECONDS: i64 = 30;

/// Cheap to clone: each refresh task takes its own copy.
#[derive(Clone)]
pub struct TokenKeeper {
    store: Arc<Store>,
    oauth: OAuthClient,
    refresh_locks: SessionLocks,
}

impl TokenKeeper {
    pub fn new(store: Arc<Store>, oauth: OAuthClient) -> TokenKeeper {
        TokenKeeper {
            store,
            oauth,
            refresh_locks: SessionLocks::default(),
        }
    }

    /// How many sessions hold an in-process refresh lock now (for tests: none once idle).
    pub fn refresh_locks_held(&self) -> usize {
        self.refresh_locks.len()
    }

    pub async fn session(&self, session_id: &str) -> Result<Option<Arc<SessionRecord>>, AppError> {
        self.store.get_session_shared(session_id).await
    }

    /// Runs `call` with a valid access token of this session's person.
    ///
    /// Starts from the tokens the request's [`CurrentSession`] already read rather than reading
    /// the session again (with Redis, a round trip and a decryption per GoTo call). Should
    /// another request have refreshed them meanwhile, nothing changes: the old token is
    /// either still accepted, or refused and then the refresh finds the newer pair under the
    /// lock and uses it without refreshing again.
    pub async fn with_user_token<T, F, Fut>(
        &self,
        session: &CurrentSession,
        call: F,
    ) -> Result<T, AppError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        self.with_user_token_raw(session, call)
            .await?
            .map_err(upstream_to_app)
    }

    /// Like [`TokenKeeper::with_user_token`], but hands back GoTo's own failure (other than a
    /// refused token) for the caller to judge, e.g. a create whose outcome is unknown.
    pub async fn with_user_token_raw<T, F, Fut>(
        &self,
        session: &CurrentSession,
        call: F,
    ) -> Result<Result<T, UpstreamError>, AppError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, UpstreamError>>,
    {
        let session_id = session.id.as_str();
        let tokens = &session.record.tokens;
        let access_token =
            if tokens.expires_at - chrono::Duration::seconds(EXPIRY_MARGIN_SECONDS) <= Utc::now() {
                self.refresh(session_id, &tokens.access_token)
                    .await?
                    .access_token
            } else {
                tokens.access_token.clone()
            };
        match call(access_token.clone()).await {
            Err(UpstreamError::InvalidToken) => {
                let fresh = self.refresh(session_id, &access_token).await?;
                match call(fresh.access_token).await {
                    Err(UpstreamError::InvalidToken) => Err(AppError::Reconnect),
                    other => Ok(other),
                }
            }
            other => Ok(other),
        }
    }

    /// Refreshes unless another request already did while this one waited for the lock, in a
    /// task that finishes even if this request is dropped (see the module's note).
    async fn refresh(
        &self,
        session_id: &str,
        used_access_token: &str,
    ) -> Result<GoToTokens, AppError> {
        let keeper = self.clone();
        let (session_id, used_access_token) = (session_id.to_owned(), used_access_token.to_owned());
        let task = async move {
            keeper
                .refresh_in_turn(&session_id, &used_access_token)
                .await
        };
        tokio::spawn(task.instrument(tracing::Span::current()))
            .await
            .map_err(AppError::internal)?
    }

    /// Waits for this session's turn (in this process, then across replicas) and refreshes.
    async fn refresh_in_turn(
        &self,
        session_id: &str,
        used_access_token: &str,
    ) -> Result<GoToTokens, AppError> {
        let held = self
            .refresh_locks
            .acquire(&crate::store::hash_id(session_id));
        let _guard = held.lock().lock().await;
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
            return Ok(record.tokens.clone());
        }
        match self.oauth.refresh(current).await {
            Ok(tokens) => {
                // Only a session that still exists: one signed out while GoTo answered stays
                // signed out.
                let kept = self
                    .store
                    .update_session(
                        session_id,
                        &SessionRecord {
                            tokens: tokens.clone(),
                            created_at: record.created_at,
                        },
                    )
                    .await?;
                if !kept {
                    return Err(AppError::NotSignedIn);
                }
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

/// GoTo's 403 on a meeting call whose token it did not call invalid: the token lacks G2M's
/// scope (when its answer listed scopes without `collab:`), or else the person's account has
/// no GoToMeeting licence. Never "not found": the person would look for a mistake of theirs.
pub fn meeting_refused(tokens: &GoToTokens) -> AppError {
    let scope = super::identity::MEETINGS_SCOPE;
    if !tokens.scopes.is_empty() && !tokens.scopes.iter().any(|s| s == scope) {
        AppError::MissingScope(scope.to_owned())
    } else {
        AppError::NoLicence
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
