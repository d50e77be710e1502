//! The store for several replicas: one Redis server they all share (`MEETINGS_STORE=redis://…`).
//!
//! Keys (all under `meetings:`, so the database may hold other things):
//! - `session:<id hash>`: the sealed record; its TTL is the idle limit, renewed on each use and
//!   never past the absolute maximum, which is also checked from the record's `created_at`.
//! - `login:<id hash>`: sealed, 10 minutes, taken with GETDEL so only one callback gets it.
//! - `idempotency:<user>:<key>`: a hash (fingerprint, status, sealed body), 24 hours.
//! - `handoff:<id hash>`: sealed, 1 minute, taken with GETDEL.
//! - `meeting:<id>`: a hash (organizer, sealed extras: join link, co-organizers), kept as long as SQLite keeps it
//!   (`MEETING_RECORD_SECONDS`: the meeting can still be opened until then).
//! - `admin` (sealed) and `organizers` (JSON): no TTL, replaced by an operator or a sync.
//!
//! The throttle's log (`meetings:throttle:…`) and the refresh lock
//! (`meetings:lock:refresh:…`) live beside them; see `throttle/redis.rs` and
//! `refresh_lock.rs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{cmd, Script};
use serde::{de::DeserializeOwned, Serialize};

use super::{
    handoff_context, hash_id, idempotency_context, login_context, meeting_context, session_context,
    CachedOrganizer, Claim, Directory, GoToTokens, LoginTransaction, MeetingExtras, SessionHandoff,
    SessionLimits, SessionRecord, ADMIN_CONTEXT, HANDOFF_SECONDS, IDEMPOTENCY_SECONDS,
    LOGIN_SECONDS, MEETING_RECORD_SECONDS,
};
use crate::crypto::Sealer;
use crate::error::AppError;

/// Every key this app writes starts with this.
pub const KEY_PREFIX: &str = "meetings:";

pub(crate) fn redis_error(e: redis::RedisError) -> AppError {
    AppError::Internal(format!("redis: {e}"))
}

/// Connects (retrying briefly, so replicas may start before Redis) and returns a connection
/// that reconnects by itself and is shared by the store, the throttle and the refresh lock.
/// Commands time out instead of hanging a request when Redis stops answering.
/// Fails with the reason only (start-up reports it with the variable's name).
pub async fn connect_redis(url: &str) -> Result<ConnectionManager, String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Duration::from_secs(2))
        .set_response_timeout(Duration::from_secs(3))
        .set_number_of_retries(4)
        .set_max_delay(1000);
    ConnectionManager::new_with_config(client, config)
        .await
        .map_err(|e| e.to_string())
}

/// Claims an idempotency key atomically: sets the fingerprint and the 24-hour TTL if the key
/// is new (nil answer), else answers what is there.
const CLAIM: &str = r"
if redis.call('HSETNX', KEYS[1], 'fingerprint', ARGV[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return false
end
return redis.call('HMGET', KEYS[1], 'fingerprint', 'status', 'body')
";

/// Records the answer, unless the claim is gone (released or expired): a record without a
/// fingerprint or TTL must never appear.
const FINISH: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'body', ARGV[2])
end
return 0
";

/// Deletes the claim only if no answer was recorded: a finished key keeps replaying.
const RELEASE: &str = r"
if redis.call('HEXISTS', KEYS[1], 'status') == 0 then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// What an existing idempotency record holds: fingerprint, status and sealed body.
type HeldClaim = (Option<String>, Option<u16>, Option<Vec<u8>>);

pub struct RedisStore {
    conn: ConnectionManager,
    sealer: Sealer,
    limits: SessionLimits,
    claim: Script,
    finish: Script,
    release: Script,
    /// The organizer directory as this replica last read it, with the version it was read at.
    /// The list is big (a company's people) and read on every session check; a version
    /// number beside it in Redis, bumped by every sync, says when to read it again.
    directory: std::sync::Mutex<Option<(u64, Arc<Directory>)>>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(redis)")
    }
}

fn key(parts: &[&str]) -> String {
    format!("{KEY_PREFIX}{}", parts.join(":"))
}

impl RedisStore {
    pub fn new(conn: ConnectionManager, sealer: Sealer, limits: SessionLimits) -> RedisStore {
        RedisStore {
            conn,
            sealer,
            limits,
            claim: Script::new(CLAIM),
            finish: Script::new(FINISH),
            release: Script::new(RELEASE),
            directory: std::sync::Mutex::new(None),
        }
    }

    /// The shared connection (cheap to clone: one multiplexed connection underneath).
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    fn seal<T: Serialize>(&self, value: &T, context: &str) -> Vec<u8> {
        super::seal(&self.sealer, value, context)
    }

    fn open_sealed<T: DeserializeOwned>(&self, sealed: &[u8], context: &str) -> Option<T> {
        super::open_sealed(&self.sealer, sealed, context)
    }

    pub async fn ping(&self) -> Result<(), AppError> {
        let pong: String = cmd("PING")
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(AppError::Internal(format!(
                "redis answered PING with {pong}"
            )))
        }
    }

    // ---- sessions -------------------------------------------------------------------

    /// Seconds the session key may live from now: the idle limit, cut at the absolute
    /// maximum. Zero or less: the session is over.
    fn session_ttl(&self, record: &SessionRecord) -> i64 {
        let left = record.created_at + self.limits.max - Utc::now();
        self.limits.idle.min(left).num_seconds()
    }

    pub async fn put_session(&self, id: &str, record: &SessionRecord) -> Result<(), AppError> {
        let id_hash = hash_id(id);
        let key = key(&["session", &id_hash]);
        let ttl = self.session_ttl(record);
        if ttl <= 0 {
            return self.delete_session(id).await;
        }
        let sealed = self.seal(record, &session_context(&id_hash));
        cmd("SET")
            .arg(&key)
            .arg(sealed)
            .arg("EX")
            .arg(ttl)
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    /// Replaces the record only if the session still exists (`SET … XX`).
    pub async fn update_session(&self, id: &str, record: &SessionRecord) -> Result<bool, AppError> {
        let id_hash = hash_id(id);
        let key = key(&["session", &id_hash]);
        let ttl = self.session_ttl(record);
        if ttl <= 0 {
            self.delete_session(id).await?;
            return Ok(false);
        }
        let sealed = self.seal(record, &session_context(&id_hash));
        let set: Option<String> = cmd("SET")
            .arg(&key)
            .arg(sealed)
            .arg("EX")
            .arg(ttl)
            .arg("XX")
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        Ok(set.is_some())
    }

    pub async fn get_session(&self, id: &str) -> Result<Option<SessionRecord>, AppError> {
        let id_hash = hash_id(id);
        let key = key(&["session", &id_hash]);
        let mut conn = self.connection();
        let sealed: Option<Vec<u8>> = cmd("GET")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .map_err(redis_error)?;
        let Some(record) =
            sealed.and_then(|s| self.open_sealed::<SessionRecord>(&s, &session_context(&id_hash)))
        else {
            return Ok(None);
        };
        let ttl = self.session_ttl(&record);
        if ttl <= 0 {
            cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut conn)
                .await
                .map_err(redis_error)?;
            return Ok(None);
        }
        // Touch: the idle limit counts from now. A session deleted meanwhile (logout on
        // another replica) stays deleted, since EXPIRE does not create keys.
        cmd("EXPIRE")
            .arg(&key)
            .arg(ttl)
            .query_async::<()>(&mut conn)
            .await
            .map_err(redis_error)?;
        Ok(Some(record))
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), AppError> {
        cmd("DEL")
            .arg(key(&["session", &hash_id(id)]))
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    // ---- single-use records: login transactions and session handoffs ---------------------

    pub async fn put_login(&self, id: &str, login: &LoginTransaction) -> Result<(), AppError> {
        let id_hash = hash_id(id);
        let sealed = self.seal(login, &login_context(&id_hash));
        self.put_single_use("login", LOGIN_SECONDS, &id_hash, sealed)
            .await
    }

    pub async fn peek_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let id_hash = hash_id(id);
        let sealed: Option<Vec<u8>> = cmd("GET")
            .arg(key(&["login", &id_hash]))
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &login_context(&id_hash))))
    }

    pub async fn take_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let id_hash = hash_id(id);
        let sealed = self.take_single_use("login", &id_hash).await?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &login_context(&id_hash))))
    }

    pub async fn put_handoff(&self, code: &str, handoff: &SessionHandoff) -> Result<(), AppError> {
        let id_hash = hash_id(code);
        let sealed = self.seal(handoff, &handoff_context(&id_hash));
        self.put_single_use("handoff", HANDOFF_SECONDS, &id_hash, sealed)
            .await
    }

    pub async fn take_handoff(&self, code: &str) -> Result<Option<SessionHandoff>, AppError> {
        let id_hash = hash_id(code);
        let sealed = self.take_single_use("handoff", &id_hash).await?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &handoff_context(&id_hash))))
    }

    /// `<kind>:<id hash>`, expiring by itself after `seconds`.
    async fn put_single_use(
        &self,
        kind: &str,
        seconds: i64,
        id_hash: &str,
        sealed: Vec<u8>,
    ) -> Result<(), AppError> {
        cmd("SET")
            .arg(key(&[kind, id_hash]))
            .arg(sealed)
            .arg("EX")
            .arg(seconds)
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    /// GETDEL is atomic: of two takers racing with one id, only one gets the record.
    async fn take_single_use(
        &self,
        kind: &str,
        id_hash: &str,
    ) -> Result<Option<Vec<u8>>, AppError> {
        cmd("GETDEL")
            .arg(key(&[kind, id_hash]))
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    // ---- admin connection and organizer cache --------------------------------------------

    pub async fn put_admin_tokens(&self, tokens: &GoToTokens) -> Result<(), AppError> {
        cmd("SET")
            .arg(key(&["admin"]))
            .arg(self.seal(tokens, ADMIN_CONTEXT))
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    pub async fn admin_tokens(&self) -> Result<Option<GoToTokens>, AppError> {
        let sealed: Option<Vec<u8>> = cmd("GET")
            .arg(key(&["admin"]))
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, ADMIN_CONTEXT)))
    }

    pub async fn put_organizers(&self, organizers: &[CachedOrganizer]) -> Result<(), AppError> {
        let json = serde_json::to_string(organizers).map_err(AppError::internal)?;
        // Together, so no replica sees the new version with the old list.
        redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(key(&["organizers"]))
            .arg(json)
            .ignore()
            .cmd("INCR")
            .arg(key(&["organizers", "version"]))
            .ignore()
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    /// The directory: from this replica's copy while the version in Redis is the one it was
    /// read at (one small GET), otherwise read whole again. No version yet is version 0.
    pub async fn organizers(&self) -> Result<Arc<Directory>, AppError> {
        let version: Option<u64> = cmd("GET")
            .arg(key(&["organizers", "version"]))
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        let version = version.unwrap_or(0);
        let kept = self
            .directory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some((read_at, directory)) = kept {
            if read_at == version {
                return Ok(directory);
            }
        }
        let json: Option<String> = cmd("GET")
            .arg(key(&["organizers"]))
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        let list: Vec<CachedOrganizer> = json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        let directory = Arc::new(Directory::new(list));
        // Labelled with the version read before it: should a sync land in between, the next
        // read sees a newer version and reads again.
        *self.directory.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((version, Arc::clone(&directory)));
        Ok(directory)
    }

    // ---- idempotency -----------------------------------------------------------------------

    pub async fn claim_idempotent(
        &self,
        user_key: &str,
        idempotency_key: &str,
        fingerprint: &str,
    ) -> Result<Claim, AppError> {
        let held: Option<HeldClaim> = self
            .claim
            .key(key(&["idempotency", user_key, idempotency_key]))
            .arg(fingerprint)
            .arg(IDEMPOTENCY_SECONDS)
            .invoke_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        let Some((stored_fingerprint, status, body)) = held else {
            return Ok(Claim::Claimed);
        };
        super::judge_held_claim(
            &self.sealer,
            (user_key, idempotency_key),
            stored_fingerprint.as_deref() == Some(fingerprint),
            status,
            body,
        )
    }

    pub async fn finish_idempotent(
        &self,
        user_key: &str,
        idempotency_key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AppError> {
        // The answer names the meeting and its join link: sealed like everything kept per person.
        let sealed = self.seal(&body, &idempotency_context(user_key, idempotency_key));
        self.finish
            .key(key(&["idempotency", user_key, idempotency_key]))
            .arg(status)
            .arg(sealed)
            .invoke_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    pub async fn release_idempotent(
        &self,
        user_key: &str,
        idempotency_key: &str,
    ) -> Result<(), AppError> {
        self.release
            .key(key(&["idempotency", user_key, idempotency_key]))
            .invoke_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    // ---- what we keep per meeting ---------------------------------------------------------

    pub async fn put_meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
        extras: &MeetingExtras,
    ) -> Result<(), AppError> {
        let sealed = self.seal(extras, &meeting_context(meeting_id, organizer_key));
        let key = key(&["meeting", meeting_id]);
        // One transaction: a record is never left without its TTL.
        redis::pipe()
            .atomic()
            .cmd("HSET")
            .arg(&key)
            .arg("organizer")
            .arg(organizer_key)
            .arg("sealed")
            .arg(sealed)
            .ignore()
            .cmd("EXPIRE")
            .arg(&key)
            .arg(MEETING_RECORD_SECONDS)
            .ignore()
            .query_async::<()>(&mut self.connection())
            .await
            .map_err(redis_error)
    }

    pub async fn meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
    ) -> Result<Option<MeetingExtras>, AppError> {
        let (organizer, sealed): (Option<String>, Option<Vec<u8>>) = cmd("HMGET")
            .arg(key(&["meeting", meeting_id]))
            .arg("organizer")
            .arg("sealed")
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        if organizer.as_deref() != Some(organizer_key) {
            return Ok(None);
        }
        Ok(sealed.and_then(|s| self.open_sealed(&s, &meeting_context(meeting_id, organizer_key))))
    }

    /// One pipelined round trip of `HMGET`s for a whole list.
    pub async fn meeting_extras_many(
        &self,
        meeting_ids: &[String],
        organizer_key: &str,
    ) -> Result<HashMap<String, MeetingExtras>, AppError> {
        let mut pipe = redis::pipe();
        for id in meeting_ids {
            pipe.cmd("HMGET")
                .arg(key(&["meeting", id]))
                .arg("organizer")
                .arg("sealed");
        }
        let rows: Vec<(Option<String>, Option<Vec<u8>>)> = pipe
            .query_async(&mut self.connection())
            .await
            .map_err(redis_error)?;
        Ok(meeting_ids
            .iter()
            .zip(rows)
            .filter(|(_, (organizer, _))| organizer.as_deref() == Some(organizer_key))
            .filter_map(|(id, (_, sealed))| {
                let extras = self.open_sealed(&sealed?, &meeting_context(id, organizer_key))?;
                Some((id.clone(), extras))
            })
            .collect())
    }
}
