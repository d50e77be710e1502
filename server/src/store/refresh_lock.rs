//! "One refresh at a time per session" across replicas (oauth2-proxy's approach): GoTo's
//! refresh tokens are single-use, so two replicas refreshing the same session at once would
//! leave one of them with a refused token and log the person out.
//!
//! `SET meetings:lock:refresh:<session hash> <random> NX PX 10000`, retried every 25 ms; the
//! holder then reloads the session (another replica may have refreshed it meanwhile),
//! refreshes if still needed, stores, and deletes the lock only if it still holds it
//! (compare-and-delete), so a lock that expired and was taken by another replica is left
//! alone. The TTL frees the lock if its holder dies; while the holder lives, a watchdog
//! renews it, since a refresh may wait for the GoTo budget and for a slow GoTo longer than
//! the TTL, and a lock lapsing mid-refresh would let a second replica spend the same token.

use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use redis::{cmd, Script};

use super::redis::{redis_error, KEY_PREFIX};
use crate::error::AppError;

/// How long a lock lives if its holder never releases it.
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How often a waiting replica tries again.
const RETRY_EVERY: Duration = Duration::from_millis(25);
/// How long to wait for the lock: a little longer than its TTL, so a waiter outlives a
/// holder that died. A holder still refreshing after that (GoTo very slow) sends the waiters
/// back with 429 and `Retry-After` rather than holding their requests open.
const WAIT_AT_MOST: Duration = Duration::from_millis(11_000);

const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Renews the TTL only if the lock is still ours.
const COMPARE_AND_RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Held while refreshing. In-process (SQLite) it holds nothing; with Redis it holds the key
/// and its random value. Release with [`RefreshLock::release`]; dropping it without (an
/// error or a cancelled request) releases it in the background.
pub struct RefreshLock {
    held: Option<Held>,
}

struct Held {
    conn: ConnectionManager,
    key: String,
    token: String,
    watchdog: tokio::task::JoinHandle<()>,
}

impl Held {
    async fn release(mut self) -> Result<(), AppError> {
        self.watchdog.abort();
        Script::new(COMPARE_AND_DELETE)
            .key(&self.key)
            .arg(&self.token)
            .invoke_async::<()>(&mut self.conn)
            .await
            .map_err(redis_error)
    }
}

impl RefreshLock {
    /// For one process: the caller's own mutex is the whole lock.
    pub fn in_process() -> RefreshLock {
        RefreshLock { held: None }
    }

    pub async fn acquire(
        conn: ConnectionManager,
        session_hash: &str,
    ) -> Result<RefreshLock, AppError> {
        RefreshLock::acquire_with_ttl(conn, session_hash, LOCK_TTL).await
    }

    /// [`RefreshLock::acquire`] with another TTL (tests use a short one).
    pub async fn acquire_with_ttl(
        mut conn: ConnectionManager,
        session_hash: &str,
        ttl: Duration,
    ) -> Result<RefreshLock, AppError> {
        let key = format!("{KEY_PREFIX}lock:refresh:{session_hash}");
        let token = crate::crypto::random_id();
        let deadline = Instant::now() + WAIT_AT_MOST;
        loop {
            let taken: Option<String> = cmd("SET")
                .arg(&key)
                .arg(&token)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis() as u64)
                .query_async(&mut conn)
                .await
                .map_err(redis_error)?;
            if taken.is_some() {
                let watchdog = tokio::spawn(renew(conn.clone(), key.clone(), token.clone(), ttl));
                return Ok(RefreshLock {
                    held: Some(Held {
                        conn,
                        key,
                        token,
                        watchdog,
                    }),
                });
            }
            if Instant::now() + RETRY_EVERY > deadline {
                tracing::warn!("waited too long for another replica's token refresh");
                return Err(AppError::TooManyRequests {
                    retry_after_seconds: 1,
                });
            }
            tokio::time::sleep(RETRY_EVERY).await;
        }
    }

    pub async fn release(mut self) -> Result<(), AppError> {
        match self.held.take() {
            Some(held) => held.release().await,
            None => Ok(()),
        }
    }
}

/// Keeps the lock alive while its holder works: renews it at a third of its TTL, and stops
/// when it is no longer ours (or when the holder releases it and aborts this task).
async fn renew(mut conn: ConnectionManager, key: String, token: String, ttl: Duration) {
    let script = Script::new(COMPARE_AND_RENEW);
    loop {
        tokio::time::sleep(ttl / 3).await;
        let renewed: Result<i64, _> = script
            .key(&key)
            .arg(&token)
            .arg(ttl.as_millis() as u64)
            .invoke_async(&mut conn)
            .await;
        // Not ours any more: stop. A Redis error: try again at the next turn.
        if matches!(renewed, Ok(0)) {
            return;
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        if let Some(held) = self.held.take() {
            held.watchdog.abort();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(e) = held.release().await {
                        tracing::warn!(error = %e, "could not release a refresh lock; it expires by itself");
                    }
                });
            }
        }
    }
}
