//! Server-side state: sessions, login transactions, the admin connection, the organizer
//! cache, idempotency records and each meeting's join link and co-organizers.
//!
//! Two places it can live, chosen by `MEETINGS_STORE`: one SQLite file (the default, one
//! replica) or a Redis server shared by several replicas. Both keep the same things the same
//! way: session ids and login ids only as SHA-256 hashes, so a copy of the data holds no
//! usable cookie; tokens, join links and replayed answers sealed (AES-GCM) with what they
//! belong to as associated data, so a value moved to another key does not open.

mod directory;
mod redis;
mod refresh_lock;
mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::Sealer;
use crate::error::AppError;

pub use self::redis::{connect_redis, RedisStore, KEY_PREFIX};
pub use directory::Directory;
pub use refresh_lock::RefreshLock;
pub use sqlite::{SqliteStore, DEFAULT_SESSION_CACHE};

/// What GoTo gave us for one person or for the admin service account. Only ever stored
/// sealed, never serialised into a response or a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct GoToTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    pub organizer_key: String,
    pub account_key: Option<String>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// What the token answer said it grants (empty when it did not say, as the legacy host
    /// does not): a 403 from GoTo then tells a missing scope from a missing licence.
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for GoToTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoToTokens")
            .field("organizer_key", &self.organizer_key)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl GoToTokens {
    pub fn display_name(&self) -> String {
        // Written into one string of the right size: every session check answers it.
        let (first, last) = (self.first_name.trim_start(), self.last_name.trim_end());
        let mut name = String::with_capacity(first.len() + 1 + last.len());
        name.push_str(first);
        name.push(' ');
        name.push_str(last);
        let trimmed = name.trim();
        if trimmed.is_empty() {
            self.email.clone()
        } else if trimmed.len() == name.len() {
            name
        } else {
            trimmed.to_owned()
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    pub tokens: GoToTokens,
    pub created_at: DateTime<Utc>,
}

/// A login in progress: bound to the short-lived login cookie, used once.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginTransaction {
    pub state: String,
    pub pkce_verifier: String,
    pub return_to: String,
    pub popup: bool,
    pub admin: bool,
    pub created_at: DateTime<Utc>,
    /// SHA-256 (hex) of the nonce the framed app put on a popup sign-in's address.
    #[serde(default)]
    pub nonce_hash: Option<String>,
}

/// A signed-in session handed from the sign-in popup to the app inside a portal's cross-site
/// iframe. The browser keeps that frame's cookies apart from the popup's (they are partitioned
/// by top-level site), so the popup's cookie never reaches it; the popup passes this one-time
/// code instead, and the frame redeems it for a cookie of its own (`POST /api/session/handoff`).
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionHandoff {
    pub session_id: String,
    pub created_at: DateTime<Utc>,
    /// The login's nonce hash: redeeming the code needs the nonce itself.
    #[serde(default)]
    pub nonce_hash: Option<String>,
}

/// A handoff code is good for this long: the popup posts it the moment sign-in ends.
pub const HANDOFF_SECONDS: i64 = 60;

/// What is kept of a meeting its organizer made (or was found to organize) through this app,
/// sealed: GoTo does not return the join link when a meeting is read back, and its
/// `upcomingMeetings` names no co-organizers. The record also says who organizes the meeting:
/// only that person's record opens (`meeting_context`).
///
/// No password: GoTo never takes one from us (the organizer sets it in GoTo when starting the
/// meeting). Records written before that held a `password` too; they still open, as serde
/// skips the unknown field, and it is never read again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingExtras {
    pub join_url: String,
    /// The co-organizers as last set through this app (create, change) or read from GoTo
    /// (`GET /api/meetings/{id}`), so "My meetings" can name them without a GoTo call per
    /// meeting. `None` in records written before they were kept: unknown, not "none".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coorganizer_keys: Option<Vec<String>>,
    /// Cancelled through this app. The record stays, emptied, until it is purged with the
    /// others, so that cancelling again still knows the meeting was this person's and answers
    /// 204 rather than "not found".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

impl MeetingExtras {
    /// What replaces a cancelled meeting's record: no join link, no co-organizers.
    pub fn cancelled() -> MeetingExtras {
        MeetingExtras {
            cancelled: true,
            ..MeetingExtras::default()
        }
    }
}

pub const IDEMPOTENCY_SECONDS: i64 = 24 * 3600;

/// A login transaction is good for this long (the login cookie's lifetime too).
pub const LOGIN_SECONDS: i64 = 600;

/// A meeting's join link is kept this long after the meeting was made. The store is not told
/// when a meeting ends, but a meeting starts at most a year after it is made and lasts at most
/// a day (`meeting::validation`); a month more lets it be opened afterwards.
pub const MEETING_RECORD_SECONDS: i64 =
    (meeting::validation::FURTHEST_AHEAD_DAYS + 1 + 31) * 24 * 3600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    Claimed,
    InProgress,
    Done {
        status: u16,
        body: String,
    },
    /// The key was used for a different request.
    Mismatch,
}

/// One organizer of the account as synced with the admin connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedOrganizer {
    pub key: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub active: bool,
    pub has_g2m: bool,
}

/// How long a session lasts: it ends after `idle` unused, and at the latest `max` after
/// sign-in.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    pub idle: chrono::Duration,
    pub max: chrono::Duration,
}

impl SessionLimits {
    pub fn from_std(idle: std::time::Duration, max: std::time::Duration) -> SessionLimits {
        SessionLimits {
            idle: chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::hours(8)),
            max: chrono::Duration::from_std(max).unwrap_or(chrono::Duration::days(30)),
        }
    }
}

pub fn hash_id(id: &str) -> String {
    hex_id(&digest_id(id))
}

/// The SHA-256 of a secret id: what the stores key it by (as hex in files and Redis).
pub(crate) fn digest_id(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

pub(crate) fn hex_id(digest: &[u8; 32]) -> String {
    hex::encode(digest)
}

// The associated data each sealed value is bound to: the same in both stores.
fn session_context(id_hash: &str) -> String {
    format!("session:{id_hash}")
}

fn login_context(id_hash: &str) -> String {
    format!("login:{id_hash}")
}

fn handoff_context(id_hash: &str) -> String {
    format!("handoff:{id_hash}")
}

const ADMIN_CONTEXT: &str = "admin";

fn meeting_context(meeting_id: &str, organizer_key: &str) -> String {
    format!("meeting:{meeting_id}:{organizer_key}")
}

/// How a record already held for an idempotency key answers a new claim; the same in every
/// store. A finished record replays its sealed answer.
fn judge_held_claim(
    sealer: &Sealer,
    (user_key, key): (&str, &str),
    fingerprint_matches: bool,
    status: Option<u16>,
    sealed_body: Option<Vec<u8>>,
) -> Result<Claim, AppError> {
    if !fingerprint_matches {
        return Ok(Claim::Mismatch);
    }
    Ok(match (status, sealed_body) {
        (Some(status), Some(sealed)) => Claim::Done {
            status,
            body: open_sealed(sealer, &sealed, &idempotency_context(user_key, key))
                .ok_or_else(|| AppError::Internal("unreadable idempotency record".into()))?,
        },
        _ => Claim::InProgress,
    })
}

fn idempotency_context(user_key: &str, key: &str) -> String {
    format!("idempotency:{user_key}:{key}")
}

fn seal<T: Serialize>(sealer: &Sealer, value: &T, context: &str) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("store values serialise");
    sealer.seal(&json, context)
}

fn open_sealed<T: DeserializeOwned>(sealer: &Sealer, sealed: &[u8], context: &str) -> Option<T> {
    let plain = sealer.open(sealed, context)?;
    serde_json::from_slice(&plain).ok()
}

/// The store the handlers use. Every SQLite call runs on tokio's blocking threads
/// (`off_thread`): a call waiting for the database's lock or a slow statement must not hold an
/// async thread, where every other request is served. Only two in-memory reads answer inline,
/// and only when they need neither the file nor a lock someone holds (`try_lock`): the
/// session check's opened session and the cached organizer list, for which a hop to another
/// thread would cost more than the read itself. The Redis calls are awaited.
#[derive(Debug)]
pub enum Store {
    Sqlite(Arc<SqliteStore>),
    // Boxed: its connection manager is large beside the SQLite variant's pointer.
    Redis(Box<RedisStore>),
}

/// Runs a SQLite call on a blocking thread, with owned arguments.
async fn off_thread<T: Send + 'static>(
    store: &Arc<SqliteStore>,
    call: impl FnOnce(&SqliteStore) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || call(&store))
        .await
        .map_err(AppError::internal)?
}

impl Store {
    /// Whether the store answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => off_thread(s, |s| s.ping()).await,
            Store::Redis(r) => r.ping().await,
        }
    }

    pub async fn put_session(&self, id: &str, record: &SessionRecord) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (id, record) = (id.to_owned(), record.clone());
                off_thread(s, move |s| s.put_session(&id, &record)).await
            }
            Store::Redis(r) => r.put_session(id, record).await,
        }
    }

    /// The session, if it exists and is neither idle too long nor too old. Touches it.
    pub async fn get_session(&self, id: &str) -> Result<Option<SessionRecord>, AppError> {
        Ok(self.get_session_shared(id).await?.map(Arc::unwrap_or_clone))
    }

    /// [`Store::get_session`] without copying the record: with SQLite, the opened session
    /// itself, shared (every request's session check takes this path).
    pub async fn get_session_shared(
        &self,
        id: &str,
    ) -> Result<Option<Arc<SessionRecord>>, AppError> {
        match self {
            Store::Sqlite(s) => match s.open_session_at_once(id) {
                Some(record) => Ok(Some(record)),
                None => {
                    let id = id.to_owned();
                    off_thread(s, move |s| s.get_session(&id)).await
                }
            },
            Store::Redis(r) => Ok(r.get_session(id).await?.map(Arc::new)),
        }
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let id = id.to_owned();
                off_thread(s, move |s| s.delete_session(&id)).await
            }
            Store::Redis(r) => r.delete_session(id).await,
        }
    }

    pub async fn put_login(&self, id: &str, login: &LoginTransaction) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (id, login) = (id.to_owned(), login.clone());
                off_thread(s, move |s| s.put_login(&id, &login)).await
            }
            Store::Redis(r) => r.put_login(id, login).await,
        }
    }

    /// The login in progress, left in place, if it is younger than `LOGIN_SECONDS`.
    pub async fn peek_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let login = match self {
            Store::Sqlite(s) => {
                let id = id.to_owned();
                off_thread(s, move |s| s.peek_login(&id)).await?
            }
            Store::Redis(r) => r.peek_login(id).await?,
        };
        Ok(login.filter(|l| (Utc::now() - l.created_at).num_seconds() < LOGIN_SECONDS))
    }

    /// Replaces a session's record only if the session still exists; returns whether it did.
    pub async fn update_session(&self, id: &str, record: &SessionRecord) -> Result<bool, AppError> {
        match self {
            Store::Sqlite(s) => {
                let (id, record) = (id.to_owned(), record.clone());
                off_thread(s, move |s| s.update_session(&id, &record)).await
            }
            Store::Redis(r) => r.update_session(id, record).await,
        }
    }

    /// Deletes what has expired (SQLite; Redis keys carry TTLs and expire by themselves).
    /// Returns how many sessions went.
    pub async fn purge_expired(&self) -> Result<usize, AppError> {
        match self {
            Store::Sqlite(s) => off_thread(s, |s| s.purge_expired()).await,
            Store::Redis(_) => Ok(0),
        }
    }

    /// Removes and returns the login: a state can be used once only.
    pub async fn take_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        match self {
            Store::Sqlite(s) => {
                let id = id.to_owned();
                off_thread(s, move |s| s.take_login(&id)).await
            }
            Store::Redis(r) => r.take_login(id).await,
        }
    }

    pub async fn put_handoff(&self, code: &str, handoff: &SessionHandoff) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (code, handoff) = (code.to_owned(), handoff.clone());
                off_thread(s, move |s| s.put_handoff(&code, &handoff)).await
            }
            Store::Redis(r) => r.put_handoff(code, handoff).await,
        }
    }

    /// Removes and returns the handoff if it is still fresh: a code works once, for a minute.
    pub async fn take_handoff(&self, code: &str) -> Result<Option<SessionHandoff>, AppError> {
        let handoff = match self {
            Store::Sqlite(s) => {
                let code = code.to_owned();
                off_thread(s, move |s| s.take_handoff(&code)).await?
            }
            Store::Redis(r) => r.take_handoff(code).await?,
        };
        Ok(handoff.filter(|h| (Utc::now() - h.created_at).num_seconds() < HANDOFF_SECONDS))
    }

    pub async fn put_admin_tokens(&self, tokens: &GoToTokens) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let tokens = tokens.clone();
                off_thread(s, move |s| s.put_admin_tokens(&tokens)).await
            }
            Store::Redis(r) => r.put_admin_tokens(tokens).await,
        }
    }

    pub async fn admin_tokens(&self) -> Result<Option<GoToTokens>, AppError> {
        match self {
            Store::Sqlite(s) => off_thread(s, |s| s.admin_tokens()).await,
            Store::Redis(r) => r.admin_tokens().await,
        }
    }

    pub async fn put_organizers(&self, organizers: &[CachedOrganizer]) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let organizers = organizers.to_vec();
                off_thread(s, move |s| s.put_organizers(&organizers)).await
            }
            Store::Redis(r) => r.put_organizers(organizers).await,
        }
    }

    /// The synced list, shared rather than copied: every meeting fetch and organizer search
    /// reads it whole.
    pub async fn organizers(&self) -> Result<Arc<Directory>, AppError> {
        match self {
            Store::Sqlite(s) => match s.organizers_at_once() {
                Some(list) => Ok(list),
                None => off_thread(s, |s| s.organizers()).await,
            },
            Store::Redis(r) => r.organizers().await,
        }
    }

    /// Claims `key` for this user's request. `Claimed` means go ahead (and call
    /// [`Store::finish_idempotent`] or [`Store::release_idempotent`]); otherwise another
    /// request holds or held it. Records live 24 hours.
    pub async fn claim_idempotent(
        &self,
        user_key: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Claim, AppError> {
        match self {
            Store::Sqlite(s) => {
                let (user_key, key, fingerprint) =
                    (user_key.to_owned(), key.to_owned(), fingerprint.to_owned());
                off_thread(s, move |s| {
                    s.claim_idempotent(&user_key, &key, &fingerprint)
                })
                .await
            }
            Store::Redis(r) => r.claim_idempotent(user_key, key, fingerprint).await,
        }
    }

    pub async fn finish_idempotent(
        &self,
        user_key: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (user_key, key, body) = (user_key.to_owned(), key.to_owned(), body.to_owned());
                off_thread(s, move |s| {
                    s.finish_idempotent(&user_key, &key, status, &body)
                })
                .await
            }
            Store::Redis(r) => r.finish_idempotent(user_key, key, status, body).await,
        }
    }

    /// Frees the key after a failure that certainly made no meeting, so a retry may proceed.
    pub async fn release_idempotent(&self, user_key: &str, key: &str) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (user_key, key) = (user_key.to_owned(), key.to_owned());
                off_thread(s, move |s| s.release_idempotent(&user_key, &key)).await
            }
            Store::Redis(r) => r.release_idempotent(user_key, key).await,
        }
    }

    pub async fn put_meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
        extras: &MeetingExtras,
    ) -> Result<(), AppError> {
        match self {
            Store::Sqlite(s) => {
                let (meeting_id, organizer_key, extras) = (
                    meeting_id.to_owned(),
                    organizer_key.to_owned(),
                    extras.clone(),
                );
                off_thread(s, move |s| {
                    s.put_meeting_extras(&meeting_id, &organizer_key, &extras)
                })
                .await
            }
            Store::Redis(r) => {
                r.put_meeting_extras(meeting_id, organizer_key, extras)
                    .await
            }
        }
    }

    /// What we keep of a meeting, only for the organizer who created it.
    pub async fn meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
    ) -> Result<Option<MeetingExtras>, AppError> {
        match self {
            Store::Sqlite(s) => match s.meeting_extras_at_once(meeting_id, organizer_key) {
                Some(found) => Ok(found),
                None => {
                    let (meeting_id, organizer_key) =
                        (meeting_id.to_owned(), organizer_key.to_owned());
                    off_thread(s, move |s| s.meeting_extras(&meeting_id, &organizer_key)).await
                }
            },
            Store::Redis(r) => r.meeting_extras(meeting_id, organizer_key).await,
        }
    }

    /// What we keep of each of these meetings that this organizer made, by meeting id: one
    /// query (SQLite) or one pipelined round trip (Redis) for a whole list, never one per
    /// meeting.
    pub async fn meeting_extras_many(
        &self,
        meeting_ids: &[String],
        organizer_key: &str,
    ) -> Result<HashMap<String, MeetingExtras>, AppError> {
        if meeting_ids.is_empty() {
            return Ok(HashMap::new());
        }
        match self {
            Store::Sqlite(s) => {
                let (meeting_ids, organizer_key) = (meeting_ids.to_vec(), organizer_key.to_owned());
                off_thread(s, move |s| {
                    s.meeting_extras_many(&meeting_ids, &organizer_key)
                })
                .await
            }
            Store::Redis(r) => r.meeting_extras_many(meeting_ids, organizer_key).await,
        }
    }

    /// The cross-replica half of "one refresh at a time per session": with Redis, a lock
    /// every replica sees; with SQLite (one process) nothing, the in-process mutex suffices.
    pub async fn refresh_lock(&self, session_id: &str) -> Result<RefreshLock, AppError> {
        match self {
            Store::Sqlite(_) => Ok(RefreshLock::in_process()),
            Store::Redis(r) => RefreshLock::acquire(r.connection(), &hash_id(session_id)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_name_is_first_and_last_trimmed_or_else_the_email() {
        let named = |first: &str, last: &str| GoToTokens {
            access_token: String::new(),
            refresh_token: String::new(),
            expires_at: Utc::now(),
            organizer_key: "1".into(),
            account_key: None,
            email: "ana@example.com".into(),
            first_name: first.into(),
            last_name: last.into(),
            scopes: vec![],
        };
        let cases = [
            ("Ana", "Ruiz", "Ana Ruiz"),
            (" Ana ", " Ruiz ", "Ana   Ruiz"),
            ("Ana", "", "Ana"),
            ("", "Ruiz", "Ruiz"),
            ("  ", " ", "ana@example.com"),
            ("", "", "ana@example.com"),
        ];
        for (first, last, shown) in cases {
            assert_eq!(
                named(first, last).display_name(),
                shown,
                "{first:?} {last:?}"
            );
        }
    }
}
