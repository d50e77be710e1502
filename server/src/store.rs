//! Server-side state: sessions, login transactions, the admin connection, the organizer
//! cache and meeting passwords. The embedded default is one SQLite file.
//!
//! Session ids and login ids are stored only as SHA-256 hashes, so a copy of the database
//! holds no usable cookie; tokens and passwords are sealed (AES-GCM) with the row they
//! belong to as associated data.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::Sealer;
use crate::error::AppError;

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
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if name.is_empty() {
            self.email.clone()
        } else {
            name.to_owned()
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
}

pub fn hash_id(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

pub struct Store {
    conn: Mutex<Connection>,
    sealer: Sealer,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(sqlite)")
    }
}

fn db(e: rusqlite::Error) -> AppError {
    AppError::Internal(format!("store: {e}"))
}

impl Store {
    pub fn open(path: &Path, sealer: Sealer) -> Result<Store, AppError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(AppError::internal)?;
        }
        let conn = Connection::open(path).map_err(db)?;
        Store::init(conn, sealer)
    }

    pub fn in_memory(sealer: Sealer) -> Result<Store, AppError> {
        Store::init(Connection::open_in_memory().map_err(db)?, sealer)
    }

    fn init(conn: Connection, sealer: Sealer) -> Result<Store, AppError> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS sessions (
                 id_hash TEXT PRIMARY KEY, user_key TEXT NOT NULL,
                 created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, sealed BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS logins (
                 id_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL, sealed BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS admin_connection (
                 id INTEGER PRIMARY KEY CHECK (id = 1), sealed BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS organizer_cache (
                 id INTEGER PRIMARY KEY CHECK (id = 1), synced_at INTEGER NOT NULL, json TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS idempotency (
                 user_key TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
                 created_at INTEGER NOT NULL, status INTEGER, body TEXT,
                 PRIMARY KEY (user_key, key));
             CREATE TABLE IF NOT EXISTS meeting_secrets (
                 meeting_id TEXT PRIMARY KEY, organizer_key TEXT NOT NULL, sealed BLOB NOT NULL);",
        )
        .map_err(db)?;
        Ok(Store {
            conn: Mutex::new(conn),
            sealer,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement or transaction), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn seal<T: Serialize>(&self, value: &T, context: &str) -> Vec<u8> {
        let json = serde_json::to_vec(value).expect("store values serialise");
        self.sealer.seal(&json, context)
    }

    fn open_sealed<T: DeserializeOwned>(&self, sealed: &[u8], context: &str) -> Option<T> {
        let plain = self.sealer.open(sealed, context)?;
        serde_json::from_slice(&plain).ok()
    }

    pub fn ping(&self) -> Result<(), AppError> {
        self.conn()
            .query_row("SELECT 1", [], |_| Ok(()))
            .map_err(db)
    }

    // ---- sessions -------------------------------------------------------------------

    pub fn put_session(&self, id: &str, record: &SessionRecord) -> Result<(), AppError> {
        let id_hash = hash_id(id);
        let sealed = self.seal(record, &format!("session:{id_hash}"));
        let now = Utc::now().timestamp();
        self.conn()
            .execute(
                "INSERT INTO sessions (id_hash, user_key, created_at, last_seen, sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id_hash) DO UPDATE SET sealed = excluded.sealed, last_seen = excluded.last_seen",
                params![id_hash, record.tokens.organizer_key, record.created_at.timestamp(), now, sealed],
            )
            .map_err(db)?;
        Ok(())
    }

    /// The session, if it exists and is neither idle too long nor too old. Touches it.
    pub fn get_session(
        &self,
        id: &str,
        idle_limit: chrono::Duration,
        max_age: chrono::Duration,
    ) -> Result<Option<SessionRecord>, AppError> {
        let id_hash = hash_id(id);
        let now = Utc::now();
        let conn = self.conn();
        let row: Option<(i64, i64, Vec<u8>)> = conn
            .query_row(
                "SELECT created_at, last_seen, sealed FROM sessions WHERE id_hash = ?1",
                params![id_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)?;
        let Some((created_at, last_seen, sealed)) = row else {
            return Ok(None);
        };
        let expired = now.timestamp() - last_seen > idle_limit.num_seconds()
            || now.timestamp() - created_at > max_age.num_seconds();
        if expired {
            conn.execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
                .map_err(db)?;
            return Ok(None);
        }
        conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1",
            params![id_hash, now.timestamp()],
        )
        .map_err(db)?;
        Ok(self.open_sealed(&sealed, &format!("session:{id_hash}")))
    }

    pub fn delete_session(&self, id: &str) -> Result<(), AppError> {
        self.conn()
            .execute(
                "DELETE FROM sessions WHERE id_hash = ?1",
                params![hash_id(id)],
            )
            .map_err(db)?;
        Ok(())
    }

    // ---- login transactions -----------------------------------------------------------

    pub fn put_login(&self, id: &str, login: &LoginTransaction) -> Result<(), AppError> {
        let id_hash = hash_id(id);
        let sealed = self.seal(login, &format!("login:{id_hash}"));
        let conn = self.conn();
        // Abandoned logins are short-lived; sweep them whenever a new one starts.
        conn.execute(
            "DELETE FROM logins WHERE created_at < ?1",
            params![Utc::now().timestamp() - 600],
        )
        .map_err(db)?;
        conn.execute(
            "INSERT INTO logins (id_hash, created_at, sealed) VALUES (?1, ?2, ?3)",
            params![id_hash, login.created_at.timestamp(), sealed],
        )
        .map_err(db)?;
        Ok(())
    }

    /// Removes and returns the login: a state can be used once only.
    pub fn take_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let id_hash = hash_id(id);
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "DELETE FROM logins WHERE id_hash = ?1 RETURNING sealed",
                params![id_hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &format!("login:{id_hash}"))))
    }

    // ---- admin connection and organizer cache --------------------------------------------

    pub fn put_admin_tokens(&self, tokens: &GoToTokens) -> Result<(), AppError> {
        let sealed = self.seal(tokens, "admin");
        self.conn()
            .execute(
                "INSERT INTO admin_connection (id, sealed) VALUES (1, ?1)
                 ON CONFLICT(id) DO UPDATE SET sealed = excluded.sealed",
                params![sealed],
            )
            .map_err(db)?;
        Ok(())
    }

    pub fn admin_tokens(&self) -> Result<Option<GoToTokens>, AppError> {
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT sealed FROM admin_connection WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, "admin")))
    }

    pub fn put_organizers(&self, organizers: &[CachedOrganizer]) -> Result<(), AppError> {
        let json = serde_json::to_string(organizers).map_err(AppError::internal)?;
        self.conn()
            .execute(
                "INSERT INTO organizer_cache (id, synced_at, json) VALUES (1, ?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET synced_at = excluded.synced_at, json = excluded.json",
                params![Utc::now().timestamp(), json],
            )
            .map_err(db)?;
        Ok(())
    }

    pub fn organizers(&self) -> Result<Vec<CachedOrganizer>, AppError> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT json FROM organizer_cache WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    // ---- idempotency -----------------------------------------------------------------------

    /// Claims `key` for this user's request. `Claimed` means go ahead (and call
    /// [`Store::finish_idempotent`] or [`Store::release_idempotent`]); otherwise another
    /// request holds or held it. Records live 24 hours.
    pub fn claim_idempotent(
        &self,
        user_key: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Claim, AppError> {
        let now = Utc::now().timestamp();
        let conn = self.conn();
        conn.execute(
            "DELETE FROM idempotency WHERE created_at < ?1",
            params![now - IDEMPOTENCY_SECONDS],
        )
        .map_err(db)?;
        let inserted = conn
            .execute(
                "INSERT INTO idempotency (user_key, key, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
                params![user_key, key, fingerprint, now],
            )
            .map_err(db)?;
        if inserted == 1 {
            return Ok(Claim::Claimed);
        }
        let (stored_fingerprint, status, body): (String, Option<u16>, Option<String>) = conn
            .query_row(
                "SELECT fingerprint, status, body FROM idempotency WHERE user_key = ?1 AND key = ?2",
                params![user_key, key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(db)?;
        if stored_fingerprint != fingerprint {
            return Ok(Claim::Mismatch);
        }
        Ok(match (status, body) {
            (Some(status), Some(body)) => Claim::Done { status, body },
            _ => Claim::InProgress,
        })
    }

    pub fn finish_idempotent(
        &self,
        user_key: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AppError> {
        self.conn()
            .execute(
                "UPDATE idempotency SET status = ?3, body = ?4 WHERE user_key = ?1 AND key = ?2",
                params![user_key, key, status, body],
            )
            .map_err(db)?;
        Ok(())
    }

    /// Frees the key after a failure that certainly made no meeting, so a retry may proceed.
    pub fn release_idempotent(&self, user_key: &str, key: &str) -> Result<(), AppError> {
        self.conn()
            .execute(
                "DELETE FROM idempotency WHERE user_key = ?1 AND key = ?2 AND status IS NULL",
                params![user_key, key],
            )
            .map_err(db)?;
        Ok(())
    }

    // ---- what we keep per meeting ---------------------------------------------------------

    pub fn put_meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
        extras: &MeetingExtras,
    ) -> Result<(), AppError> {
        let sealed = self.seal(extras, &format!("meeting:{meeting_id}:{organizer_key}"));
        self.conn()
            .execute(
                "INSERT INTO meeting_secrets (meeting_id, organizer_key, sealed) VALUES (?1, ?2, ?3)
                 ON CONFLICT(meeting_id) DO UPDATE SET organizer_key = excluded.organizer_key, sealed = excluded.sealed",
                params![meeting_id, organizer_key, sealed],
            )
            .map_err(db)?;
        Ok(())
    }

    /// What we keep of a meeting, only for the organizer who created it.
    pub fn meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
    ) -> Result<Option<MeetingExtras>, AppError> {
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT sealed FROM meeting_secrets WHERE meeting_id = ?1 AND organizer_key = ?2",
                params![meeting_id, organizer_key],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(sealed
            .and_then(|s| self.open_sealed(&s, &format!("meeting:{meeting_id}:{organizer_key}"))))
    }
}

/// GoTo has no field for a meeting's password (it asks the organizer at start) and does not
/// return the join link when a meeting is read back, so both are kept here, sealed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingExtras {
    pub join_url: String,
    pub password: Option<String>,
}

pub const IDEMPOTENCY_SECONDS: i64 = 24 * 3600;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::in_memory(Sealer::new(&[1; 32])).unwrap()
    }

    fn tokens() -> GoToTokens {
        GoToTokens {
            access_token: "at-secret".into(),
            refresh_token: "rt-secret".into(),
            expires_at: Utc::now(),
            organizer_key: "42".into(),
            account_key: Some("7".into()),
            email: "a@example.com".into(),
            first_name: "Ana".into(),
            last_name: "Núñez".into(),
        }
    }

    #[test]
    fn a_login_can_be_taken_once() {
        let s = store();
        let login = LoginTransaction {
            state: "st".into(),
            pkce_verifier: "v".into(),
            return_to: "/".into(),
            popup: false,
            admin: false,
            created_at: Utc::now(),
        };
        s.put_login("login-id", &login).unwrap();
        assert_eq!(s.take_login("login-id").unwrap().unwrap().state, "st");
        assert!(s.take_login("login-id").unwrap().is_none());
    }

    #[test]
    fn sessions_expire_when_idle() {
        let s = store();
        let record = SessionRecord {
            tokens: tokens(),
            created_at: Utc::now(),
        };
        s.put_session("sid", &record).unwrap();
        let hour = chrono::Duration::hours(1);
        assert!(s.get_session("sid", hour, hour).unwrap().is_some());
        s.conn()
            .execute("UPDATE sessions SET last_seen = last_seen - 7200", [])
            .unwrap();
        assert!(s.get_session("sid", hour, hour * 24).unwrap().is_none());
    }

    #[test]
    fn tokens_are_not_stored_in_clear() {
        let s = store();
        s.put_session(
            "sid",
            &SessionRecord {
                tokens: tokens(),
                created_at: Utc::now(),
            },
        )
        .unwrap();
        let (id_hash, sealed): (String, Vec<u8>) = s
            .conn()
            .query_row("SELECT id_hash, sealed FROM sessions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_ne!(id_hash, "sid");
        assert!(!String::from_utf8_lossy(&sealed).contains("rt-secret"));
    }

    #[test]
    fn an_idempotency_key_is_claimed_once_and_replays_its_result() {
        let s = store();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
        assert_eq!(
            s.claim_idempotent("u", "k", "f").unwrap(),
            Claim::InProgress
        );
        assert_eq!(
            s.claim_idempotent("other", "k", "f").unwrap(),
            Claim::Claimed
        );
        assert_eq!(s.claim_idempotent("u", "k", "g").unwrap(), Claim::Mismatch);
        s.finish_idempotent("u", "k", 201, "{}").unwrap();
        assert_eq!(
            s.claim_idempotent("u", "k", "f").unwrap(),
            Claim::Done {
                status: 201,
                body: "{}".into()
            }
        );
        s.release_idempotent("u", "k").unwrap();
        assert!(matches!(
            s.claim_idempotent("u", "k", "f").unwrap(),
            Claim::Done { .. }
        ));
    }

    #[test]
    fn a_released_key_can_be_claimed_again() {
        let s = store();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
        s.release_idempotent("u", "k").unwrap();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
    }

    #[test]
    fn a_meeting_password_is_only_for_its_organizer() {
        let s = store();
        let extras = MeetingExtras {
            join_url: "https://example.com/join/123".into(),
            password: Some("hunter22".into()),
        };
        s.put_meeting_extras("123", "42", &extras).unwrap();
        assert_eq!(s.meeting_extras("123", "42").unwrap(), Some(extras));
        assert_eq!(s.meeting_extras("123", "43").unwrap(), None);
    }
}
