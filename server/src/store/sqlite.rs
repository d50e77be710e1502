//! The embedded default store: one SQLite file in the data directory, for one replica.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use hashlink::LruCache;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

use super::{
    digest_id, handoff_context, hash_id, hex_id, idempotency_context, login_context,
    meeting_context, session_context, CachedOrganizer, Claim, Directory, GoToTokens,
    LoginTransaction, MeetingExtras, SessionHandoff, SessionLimits, SessionRecord, ADMIN_CONTEXT,
    HANDOFF_SECONDS, IDEMPOTENCY_SECONDS, LOGIN_SECONDS, MEETING_RECORD_SECONDS,
};
use crate::crypto::Sealer;
use crate::error::AppError;

pub struct SqliteStore {
    conn: Mutex<Connection>,
    sealer: Sealer,
    limits: SessionLimits,
    /// The organizer list as last written, parsed: every search and meeting fetch reads it,
    /// and only this process writes it (SQLite means one replica), so parsing the stored JSON
    /// again on each read bought nothing. Filled on first read, replaced on write; readers
    /// share it (an `Arc` clone) rather than copy it.
    organizers: Mutex<Option<Arc<Directory>>>,
    /// Sessions as last read or written, opened: a session check is then a map lookup rather
    /// than a query, a decryption and a JSON parse (measured as a fifth of the time of
    /// `GET /api/session` under load). This process is the only writer of the SQLite file, and
    /// every session write goes through here, so the map cannot go stale. Tokens so stay
    /// decrypted in this process's memory, as they are anyway while a request uses them; the
    /// file on disk stays sealed.
    ///
    /// Bounded (`MEETINGS_SESSION_CACHE`, least recently used out first): kept forever, 100 000
    /// sign-ins took the process to 271 MB (2.6 KB a session). The file stays the truth, so an
    /// evicted session is only read and opened again on its next request, still signed in.
    sessions: Mutex<OpenSessions>,
    /// Meeting records as last read or written, opened, by meeting id (`None`: no record):
    /// every meeting fetch reads one while GoTo answers, and a read here costs no trip to a
    /// blocking thread, no query and no decryption. Kept true the way `sessions` is: every
    /// write of the table goes through this process and updates the map under the
    /// connection's lock, and a purge that deletes any record lets the whole map go (it is
    /// not told which). Bounded like `sessions`, at [`MEETING_CACHE`].
    meetings: Mutex<LruCache<String, Option<KeptMeeting>>>,
}

/// One row of `meeting_secrets`, opened (`extras` is `None` when it no longer opens).
struct KeptMeeting {
    organizer_key: String,
    extras: Option<MeetingExtras>,
}

impl KeptMeeting {
    /// The row as the lookup by meeting and organizer sees it.
    fn for_organizer(kept: &Option<KeptMeeting>, organizer_key: &str) -> Option<MeetingExtras> {
        kept.as_ref()
            .filter(|k| k.organizer_key == organizer_key)
            .and_then(|k| k.extras.clone())
    }
}

/// Meeting records kept opened: a few hundred bytes each, so about 3 MB.
const MEETING_CACHE: usize = 10_000;

/// A session with the times its expiry is judged by (Unix seconds).
struct OpenSession {
    /// Shared with the requests that read it: a check clones an `Arc`, not the tokens' strings.
    record: Arc<SessionRecord>,
    created_at: i64,
    last_seen: i64,
}

/// Keyed by the SHA-256 of the session id as bytes: the hex form the file keys by costs a
/// formatted string per lookup.
struct OpenSessions {
    by_hash: LruCache<[u8; 32], OpenSession>,
}

/// Opened sessions kept by default: 10 000 people active within a session's idle time, about
/// 10 MB; a bigger deployment sets `MEETINGS_SESSION_CACHE`, or pays one indexed read and one
/// decryption on the next request of a session that fell out.
pub const DEFAULT_SESSION_CACHE: usize = 10_000;

/// Rows one purge statement deletes at most: the connection's lock is let go between
/// batches, so purging a flood never keeps the requests' store calls waiting for long.
const PURGE_BATCH: usize = 1000;

/// A session's `last_seen` is written at most this often (or a tenth of the idle limit, if
/// that is shorter): rewriting it on every request made each session check a disk write.
/// A session may so expire up to this much earlier than its idle limit says.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(sqlite)")
    }
}

/// Files written before the app stopped keeping meeting passwords still hold them, sealed
/// and never read: re-seal each meeting's record once without it (`user_version` 1 marks it
/// done), so no password outlives the change.
fn forget_old_passwords(conn: &Connection, sealer: &Sealer) -> Result<(), AppError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    if version >= 1 {
        return Ok(());
    }
    let rows: Vec<(String, String, Vec<u8>)> = conn
        .prepare("SELECT meeting_id, organizer_key, sealed FROM meeting_secrets")
        .and_then(|mut q| {
            q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(db)?;
    for (meeting_id, organizer_key, sealed) in rows {
        let context = meeting_context(&meeting_id, &organizer_key);
        // A record this key cannot open (sealed with another one) is left as it is.
        if let Some(extras) = super::open_sealed::<MeetingExtras>(sealer, &sealed, &context) {
            conn.execute(
                "UPDATE meeting_secrets SET sealed = ?2 WHERE meeting_id = ?1",
                params![meeting_id, super::seal(sealer, &extras, &context)],
            )
            .map_err(db)?;
        }
    }
    conn.execute_batch("PRAGMA user_version = 1").map_err(db)?;
    Ok(())
}

/// Files from before meeting records were dated lack `created_at`: add it, dating the rows
/// they hold to today (their meetings may be up to a year ahead), so the purge neither keeps
/// them forever nor drops a link still needed (`user_version` 2 marks it done).
fn date_meeting_records(conn: &Connection) -> Result<(), AppError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    if version >= 2 {
        return Ok(());
    }
    let has_column = conn
        .prepare("SELECT created_at FROM meeting_secrets LIMIT 0")
        .is_ok();
    if !has_column {
        conn.execute_batch(
            "ALTER TABLE meeting_secrets ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0",
        )
        .map_err(db)?;
    }
    conn.execute(
        "UPDATE meeting_secrets SET created_at = ?1 WHERE created_at = 0",
        params![Utc::now().timestamp()],
    )
    .map_err(db)?;
    conn.execute_batch("PRAGMA user_version = 2").map_err(db)?;
    Ok(())
}

/// Sets `mode` on a file or directory of the store (Unix; elsewhere the OS's ACLs rule).
fn private(path: &Path, mode: u32) -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates `path` empty with mode 0600 if it does not exist yet.
fn create_private(path: &Path) -> Result<(), AppError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(AppError::Internal(format!("{}: {e}", path.display()))),
    }
}

fn db(e: rusqlite::Error) -> AppError {
    AppError::Internal(format!("store: {e}"))
}

fn purge_statement(table: &str, column: &str) -> String {
    format!(
        "DELETE FROM {table} WHERE rowid IN \
         (SELECT rowid FROM {table} WHERE {column} < ?1 LIMIT {PURGE_BATCH})"
    )
}

impl SqliteStore {
    pub fn open(
        path: &Path,
        sealer: Sealer,
        limits: SessionLimits,
    ) -> Result<SqliteStore, AppError> {
        // Sessions hold sealed refresh tokens: only this user may read the files, whatever
        // the umask, and files left readable by an older version are fixed at start.
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).map_err(AppError::internal)?;
            private(dir, 0o700)?;
        }
        // Created empty (a valid empty database) before SQLite opens it, so it is never
        // readable by others, not even between its creation and the fix below. SQLite gives
        // the WAL and shared-memory files it creates the database file's mode.
        create_private(path)?;
        let conn = Connection::open(path).map_err(db)?;
        let store = SqliteStore::init(conn, sealer, limits)?;
        let mut files = vec![
            path.to_owned(),
            path.with_extension("db-wal"),
            path.with_extension("db-shm"),
        ];
        // The key that opens them, beside them (`crypto` writes it 0600; an older copy may not be).
        files.extend(dir.map(|d| d.join("secret.key")));
        for file in files {
            if file.exists() {
                private(&file, 0o600)?;
            }
        }
        Ok(store)
    }

    pub fn in_memory(sealer: Sealer, limits: SessionLimits) -> Result<SqliteStore, AppError> {
        SqliteStore::init(Connection::open_in_memory().map_err(db)?, sealer, limits)
    }

    fn init(
        conn: Connection,
        sealer: Sealer,
        limits: SessionLimits,
    ) -> Result<SqliteStore, AppError> {
        // synchronous = NORMAL is the documented pairing with WAL: still consistent after a
        // crash of the process or the machine, but a commit no longer waits for an fsync; only
        // the last transactions before a power cut can be lost (sessions, caches, idempotency
        // records, all of which the app recovers from).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS sessions (
                 id_hash TEXT PRIMARY KEY, user_key TEXT NOT NULL,
                 created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, sealed BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS logins (
                 id_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL, sealed BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS handoffs (
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
                 meeting_id TEXT PRIMARY KEY, organizer_key TEXT NOT NULL, sealed BLOB NOT NULL,
                 created_at INTEGER NOT NULL DEFAULT 0);",
        )
        .map_err(db)?;
        forget_old_passwords(&conn, &sealer)?;
        date_meeting_records(&conn)?;
        // Every purge reads by age: without these each one scans its whole table.
        conn.execute_batch(
            "CREATE INDEX IF NOT EXISTS logins_by_age ON logins (created_at);
             CREATE INDEX IF NOT EXISTS handoffs_by_age ON handoffs (created_at);
             CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
             CREATE INDEX IF NOT EXISTS sessions_by_use ON sessions (last_seen);
             CREATE INDEX IF NOT EXISTS sessions_by_age ON sessions (created_at);
             CREATE INDEX IF NOT EXISTS meeting_secrets_by_age ON meeting_secrets (created_at);",
        )
        .map_err(db)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            sealer,
            limits,
            organizers: Mutex::new(None),
            sessions: Mutex::new(OpenSessions {
                by_hash: LruCache::new(DEFAULT_SESSION_CACHE),
            }),
            meetings: Mutex::new(LruCache::new(MEETING_CACHE)),
        })
    }

    /// Keeps at most `capacity` sessions opened in memory (at least one).
    pub fn with_session_cache(self, capacity: usize) -> SqliteStore {
        self.open_sessions().by_hash.set_capacity(capacity.max(1));
        self
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement or transaction), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn kept_meetings(&self) -> std::sync::MutexGuard<'_, LruCache<String, Option<KeptMeeting>>> {
        self.meetings.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open_sessions(&self) -> std::sync::MutexGuard<'_, OpenSessions> {
        // Each change to the map is a single insert or removal: a poisoned lock is consistent.
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn expired(&self, created_at: i64, last_seen: i64, now: i64) -> bool {
        now - last_seen > self.limits.idle.num_seconds()
            || now - created_at > self.limits.max.num_seconds()
    }

    /// Past the capacity, the least recently used session leaves the map (not the file).
    fn remember(&self, open: &mut OpenSessions, digest: [u8; 32], session: OpenSession) {
        open.by_hash.insert(digest, session);
    }

    fn seal<T: Serialize>(&self, value: &T, context: &str) -> Vec<u8> {
        super::seal(&self.sealer, value, context)
    }

    fn open_sealed<T: DeserializeOwned>(&self, sealed: &[u8], context: &str) -> Option<T> {
        super::open_sealed(&self.sealer, sealed, context)
    }

    pub fn ping(&self) -> Result<(), AppError> {
        self.conn()
            .query_row("SELECT 1", [], |_| Ok(()))
            .map_err(db)
    }

    // ---- sessions -------------------------------------------------------------------

    pub fn put_session(&self, id: &str, record: &SessionRecord) -> Result<(), AppError> {
        let digest = digest_id(id);
        let id_hash = hex_id(&digest);
        let sealed = self.seal(record, &session_context(&id_hash));
        let now = Utc::now().timestamp();
        // The map's lock is taken before the database's, here and in every session method, so
        // a read that misses the map cannot put back an older record than this write's.
        let mut open = self.open_sessions();
        self.conn()
            .execute(
                "INSERT INTO sessions (id_hash, user_key, created_at, last_seen, sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id_hash) DO UPDATE SET sealed = excluded.sealed, last_seen = excluded.last_seen",
                params![id_hash, record.tokens.organizer_key, record.created_at.timestamp(), now, sealed],
            )
            .map_err(db)?;
        let session = OpenSession {
            record: Arc::new(record.clone()),
            created_at: record.created_at.timestamp(),
            last_seen: now,
        };
        self.remember(&mut open, digest, session);
        Ok(())
    }

    /// Replaces a session's record only if the session still exists (a refresh finishing after
    /// a sign-out must not bring the session back). Returns whether it did.
    pub fn update_session(&self, id: &str, record: &SessionRecord) -> Result<bool, AppError> {
        let digest = digest_id(id);
        let id_hash = hex_id(&digest);
        let sealed = self.seal(record, &session_context(&id_hash));
        let now = Utc::now().timestamp();
        let mut open = self.open_sessions();
        let updated = self
            .conn()
            .execute(
                "UPDATE sessions SET sealed = ?2, last_seen = ?3 WHERE id_hash = ?1",
                params![id_hash, sealed, now],
            )
            .map_err(db)?;
        if updated == 0 {
            open.by_hash.remove(&digest);
            return Ok(false);
        }
        let session = OpenSession {
            record: Arc::new(record.clone()),
            created_at: record.created_at.timestamp(),
            last_seen: now,
        };
        self.remember(&mut open, digest, session);
        Ok(true)
    }

    /// The session from the opened map when that answers at once: found, not expired, no
    /// touch due, and the map not locked by a writer. `None` means "ask `get_session`" (on a
    /// blocking thread): the async threads never wait for a lock or the file.
    pub fn open_session_at_once(&self, id: &str) -> Option<Arc<SessionRecord>> {
        let digest = digest_id(id);
        let mut open = match self.sessions.try_lock() {
            Ok(open) => open,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        // `get` marks it recently used, so an active session stays opened.
        let session = open.by_hash.get(&digest)?;
        let now = Utc::now().timestamp();
        let touch_every = TOUCH_INTERVAL_SECONDS.min(self.limits.idle.num_seconds() / 10);
        let fresh = !self.expired(session.created_at, session.last_seen, now)
            && now - session.last_seen < touch_every;
        fresh.then(|| session.record.clone())
    }

    pub fn get_session(&self, id: &str) -> Result<Option<Arc<SessionRecord>>, AppError> {
        let digest = digest_id(id);
        let id_hash = hex_id(&digest);
        let now = Utc::now().timestamp();
        let touch_every = TOUCH_INTERVAL_SECONDS.min(self.limits.idle.num_seconds() / 10);
        let mut open = self.open_sessions();
        if let Some(session) = open.by_hash.get_mut(&digest) {
            if self.expired(session.created_at, session.last_seen, now) {
                open.by_hash.remove(&digest);
                self.conn()
                    .execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
                    .map_err(db)?;
                return Ok(None);
            }
            if now - session.last_seen >= touch_every {
                self.touch(&id_hash, now)?;
                session.last_seen = now;
            }
            return Ok(Some(session.record.clone()));
        }
        // Not opened since this process started, or let go for room: read it from the file.
        let conn = self.conn();
        // A cached statement: this runs for every session once per process.
        let row: Option<(i64, i64, Vec<u8>)> = conn
            .prepare_cached("SELECT created_at, last_seen, sealed FROM sessions WHERE id_hash = ?1")
            .and_then(|mut select| {
                select
                    .query_row(params![id_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(db)?;
        let Some((created_at, mut last_seen, sealed)) = row else {
            return Ok(None);
        };
        if self.expired(created_at, last_seen, now) {
            conn.execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
                .map_err(db)?;
            return Ok(None);
        }
        drop(conn);
        if now - last_seen >= touch_every {
            self.touch(&id_hash, now)?;
            last_seen = now;
        }
        let Some(record) = self.open_sealed::<SessionRecord>(&sealed, &session_context(&id_hash))
        else {
            return Ok(None);
        };
        let record = Arc::new(record);
        let session = OpenSession {
            record: record.clone(),
            created_at,
            last_seen,
        };
        self.remember(&mut open, digest, session);
        Ok(Some(record))
    }

    fn touch(&self, id_hash: &str, now: i64) -> Result<(), AppError> {
        self.conn()
            .prepare_cached("UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1")
            .and_then(|mut update| update.execute(params![id_hash, now]))
            .map_err(db)?;
        Ok(())
    }

    pub fn delete_session(&self, id: &str) -> Result<(), AppError> {
        let digest = digest_id(id);
        let id_hash = hex_id(&digest);
        let mut open = self.open_sessions();
        self.conn()
            .execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])
            .map_err(db)?;
        open.by_hash.remove(&digest);
        Ok(())
    }

    // ---- single-use records: login transactions and session handoffs ---------------------

    pub fn put_login(&self, id: &str, login: &LoginTransaction) -> Result<(), AppError> {
        let id_hash = hash_id(id);
        let sealed = self.seal(login, &login_context(&id_hash));
        self.put_single_use("logins", &id_hash, login.created_at, sealed)
    }

    /// The login, left in place (a callback whose state does not match must not cancel it).
    pub fn peek_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let id_hash = hash_id(id);
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT sealed FROM logins WHERE id_hash = ?1",
                params![id_hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &login_context(&id_hash))))
    }

    /// Deletes sessions past their idle or maximum age (with the refresh tokens sealed in
    /// them), and old logins, handoffs, idempotency records and meeting records. Run on a
    /// schedule, off the requests' path; every statement reads an index on its age column.
    /// Returns how many sessions went.
    pub fn purge_expired(&self) -> Result<usize, AppError> {
        let now = Utc::now().timestamp();
        let idle = self.limits.idle.num_seconds();
        let max = self.limits.max.num_seconds();
        let sessions = self.purge_older("sessions", "last_seen", now - idle)?
            + self.purge_older("sessions", "created_at", now - max)?;
        let mut open = self.open_sessions();
        let gone: Vec<[u8; 32]> = open
            .by_hash
            .iter()
            .filter(|(_, s)| self.expired(s.created_at, s.last_seen, now))
            .map(|(digest, _)| *digest)
            .collect();
        for digest in gone {
            open.by_hash.remove(&digest);
        }
        drop(open);
        for (table, age) in [
            ("logins", LOGIN_SECONDS),
            ("handoffs", HANDOFF_SECONDS),
            ("idempotency", IDEMPOTENCY_SECONDS),
            ("meeting_secrets", MEETING_RECORD_SECONDS),
        ] {
            self.purge_older(table, "created_at", now - age)?;
        }
        Ok(sessions)
    }

    /// Deletes the rows of `table` whose `column` is before `before`, a batch at a time
    /// (`table` and `column` are this file's own names, never input).
    fn purge_older(&self, table: &str, column: &str, before: i64) -> Result<usize, AppError> {
        let sql = purge_statement(table, column);
        let mut total = 0;
        loop {
            let conn = self.conn();
            let deleted = conn.execute(&sql, params![before]).map_err(db)?;
            if table == "meeting_secrets" && deleted > 0 {
                // Under the connection's lock, like every write of the table. Which rows went
                // is not told, so every kept copy goes and is read again (rare: a record
                // lives for over a year).
                self.kept_meetings().clear();
            }
            drop(conn);
            total += deleted;
            if deleted < PURGE_BATCH {
                return Ok(total);
            }
        }
    }

    pub fn take_login(&self, id: &str) -> Result<Option<LoginTransaction>, AppError> {
        let id_hash = hash_id(id);
        let sealed = self.take_single_use("logins", &id_hash)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &login_context(&id_hash))))
    }

    pub fn put_handoff(&self, code: &str, handoff: &SessionHandoff) -> Result<(), AppError> {
        let id_hash = hash_id(code);
        let sealed = self.seal(handoff, &handoff_context(&id_hash));
        self.put_single_use("handoffs", &id_hash, handoff.created_at, sealed)
    }

    pub fn take_handoff(&self, code: &str) -> Result<Option<SessionHandoff>, AppError> {
        let id_hash = hash_id(code);
        let sealed = self.take_single_use("handoffs", &id_hash)?;
        Ok(sealed.and_then(|s| self.open_sealed(&s, &handoff_context(&id_hash))))
    }

    /// Stores a sealed record in `table` (one of this file's own tables, never input). Old
    /// ones are left to `purge_expired`: sweeping here made every sign-in pay for the flood
    /// before it, and the readers judge a record's age themselves.
    fn put_single_use(
        &self,
        table: &str,
        id_hash: &str,
        created_at: DateTime<Utc>,
        sealed: Vec<u8>,
    ) -> Result<(), AppError> {
        self.conn()
            .execute(
                &format!("INSERT INTO {table} (id_hash, created_at, sealed) VALUES (?1, ?2, ?3)"),
                params![id_hash, created_at.timestamp(), sealed],
            )
            .map_err(db)?;
        Ok(())
    }

    /// Removes and returns the sealed record: of two takers, only one gets it.
    fn take_single_use(&self, table: &str, id_hash: &str) -> Result<Option<Vec<u8>>, AppError> {
        self.conn()
            .query_row(
                &format!("DELETE FROM {table} WHERE id_hash = ?1 RETURNING sealed"),
                params![id_hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    // ---- admin connection and organizer cache --------------------------------------------

    pub fn put_admin_tokens(&self, tokens: &GoToTokens) -> Result<(), AppError> {
        let sealed = self.seal(tokens, ADMIN_CONTEXT);
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
        Ok(sealed.and_then(|s| self.open_sealed(&s, ADMIN_CONTEXT)))
    }

    pub fn put_organizers(&self, organizers: &[CachedOrganizer]) -> Result<(), AppError> {
        let json = serde_json::to_string(organizers).map_err(AppError::internal)?;
        // Held across the write so a concurrent first read cannot cache the older list.
        let mut cached = self.organizers.lock().unwrap_or_else(|p| p.into_inner());
        self.conn()
            .execute(
                "INSERT INTO organizer_cache (id, synced_at, json) VALUES (1, ?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET synced_at = excluded.synced_at, json = excluded.json",
                params![Utc::now().timestamp(), json],
            )
            .map_err(db)?;
        *cached = Some(Arc::new(Directory::new(organizers.to_vec())));
        Ok(())
    }

    /// The cached list if it is there and not being replaced right now; else `None` (ask
    /// `organizers` on a blocking thread).
    pub fn organizers_at_once(&self) -> Option<Arc<Directory>> {
        match self.organizers.try_lock() {
            Ok(cached) => cached.clone(),
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    pub fn organizers(&self) -> Result<Arc<Directory>, AppError> {
        let mut cached = self.organizers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = cached.as_ref() {
            return Ok(Arc::clone(list));
        }
        let json: Option<String> = self
            .conn()
            .query_row("SELECT json FROM organizer_cache WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        let Some(json) = json else {
            // Nothing synced yet: the first sync's write fills the cache.
            return Ok(Arc::default());
        };
        let list: Vec<CachedOrganizer> = serde_json::from_str(&json).unwrap_or_default();
        let list = Arc::new(Directory::new(list));
        *cached = Some(Arc::clone(&list));
        Ok(list)
    }

    // ---- idempotency -----------------------------------------------------------------------

    pub fn claim_idempotent(
        &self,
        user_key: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Claim, AppError> {
        let now = Utc::now().timestamp();
        let conn = self.conn();
        // A record past its 24 hours that the purge has not reached yet counts as gone: the
        // claim takes its place.
        let inserted = conn
            .execute(
                "INSERT INTO idempotency (user_key, key, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_key, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                     created_at = excluded.created_at, status = NULL, body = NULL
                 WHERE idempotency.created_at < ?5",
                params![user_key, key, fingerprint, now, now - IDEMPOTENCY_SECONDS],
            )
            .map_err(db)?;
        if inserted == 1 {
            return Ok(Claim::Claimed);
        }
        let (stored_fingerprint, status, body): (String, Option<u16>, Option<Vec<u8>>) = conn
            .query_row(
                "SELECT fingerprint, status, body FROM idempotency WHERE user_key = ?1 AND key = ?2",
                params![user_key, key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(db)?;
        super::judge_held_claim(
            &self.sealer,
            (user_key, key),
            stored_fingerprint == fingerprint,
            status,
            body,
        )
    }

    pub fn finish_idempotent(
        &self,
        user_key: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AppError> {
        // The answer names the meeting and its join link: sealed like everything kept per person.
        let sealed = self.seal(&body, &idempotency_context(user_key, key));
        self.conn()
            .execute(
                "UPDATE idempotency SET status = ?3, body = ?4 WHERE user_key = ?1 AND key = ?2",
                params![user_key, key, status, sealed],
            )
            .map_err(db)?;
        Ok(())
    }

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
    // `meeting_secrets` keeps its name (and old rows their sealed password, unread) so files
    // written before passwords stopped being kept open without a migration.

    pub fn put_meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
        extras: &MeetingExtras,
    ) -> Result<(), AppError> {
        let sealed = self.seal(extras, &meeting_context(meeting_id, organizer_key));
        let conn = self.conn();
        conn.execute(
            "INSERT INTO meeting_secrets (meeting_id, organizer_key, sealed, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(meeting_id) DO UPDATE SET organizer_key = excluded.organizer_key,
                 sealed = excluded.sealed, created_at = excluded.created_at",
            params![meeting_id, organizer_key, sealed, Utc::now().timestamp()],
        )
        .map_err(db)?;
        // Under the connection's lock, so a read that raced this write cannot put back what
        // it read before.
        self.kept_meetings().insert(
            meeting_id.to_owned(),
            Some(KeptMeeting {
                organizer_key: organizer_key.to_owned(),
                extras: Some(extras.clone()),
            }),
        );
        drop(conn);
        Ok(())
    }

    pub fn meeting_extras(
        &self,
        meeting_id: &str,
        organizer_key: &str,
    ) -> Result<Option<MeetingExtras>, AppError> {
        let conn = self.conn();
        if let Some(kept) = self.kept_meetings().get(meeting_id) {
            return Ok(KeptMeeting::for_organizer(kept, organizer_key));
        }
        // A cached statement: parsing the SQL each time was most of a read's cost.
        let row: Option<(String, Vec<u8>)> = conn
            .prepare_cached(
                "SELECT organizer_key, sealed FROM meeting_secrets
                 WHERE meeting_id = ?1",
            )
            .and_then(|mut select| {
                select
                    .query_row(params![meeting_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(db)?;
        let kept = row.map(|(key, sealed)| KeptMeeting {
            extras: self.open_sealed(&sealed, &meeting_context(meeting_id, &key)),
            organizer_key: key,
        });
        let found = KeptMeeting::for_organizer(&kept, organizer_key);
        self.kept_meetings().insert(meeting_id.to_owned(), kept);
        drop(conn);
        Ok(found)
    }

    /// The meeting's record from memory, if it is there and the map is not locked right now
    /// (`Some(None)`: known to have none); `None` means "ask `meeting_extras`" (on a blocking
    /// thread). A write whose statement is still running is not seen yet: its caller has not
    /// been answered either.
    pub fn meeting_extras_at_once(
        &self,
        meeting_id: &str,
        organizer_key: &str,
    ) -> Option<Option<MeetingExtras>> {
        let mut kept = match self.meetings.try_lock() {
            Ok(kept) => kept,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        kept.get(meeting_id)
            .map(|k| KeptMeeting::for_organizer(k, organizer_key))
    }

    /// One query for a whole list: the ids go in as one JSON array (`json_each`), so the
    /// statement is the same whatever their number, and each id is a primary-key lookup.
    pub fn meeting_extras_many(
        &self,
        meeting_ids: &[String],
        organizer_key: &str,
    ) -> Result<HashMap<String, MeetingExtras>, AppError> {
        let ids = serde_json::to_string(meeting_ids).map_err(AppError::internal)?;
        let rows: Vec<(String, Vec<u8>)> = self
            .conn()
            .prepare_cached(
                "SELECT meeting_id, sealed FROM meeting_secrets
                 WHERE meeting_id IN (SELECT value FROM json_each(?1)) AND organizer_key = ?2",
            )
            .and_then(|mut select| {
                select
                    .query_map(params![ids, organizer_key], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .map_err(db)?;
        // Opened after the connection's lock is let go: 200 decryptions need no database.
        Ok(rows
            .into_iter()
            .filter_map(|(id, sealed)| {
                let extras = self.open_sealed(&sealed, &meeting_context(&id, organizer_key))?;
                Some((id, extras))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> SqliteStore {
        let limits = SessionLimits {
            idle: chrono::Duration::hours(1),
            max: chrono::Duration::hours(24),
        };
        SqliteStore::in_memory(Sealer::new(&[1; 32]), limits).unwrap()
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
            scopes: vec!["collab:".into()],
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
            nonce_hash: None,
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
        assert!(s.get_session("sid").unwrap().is_some());
        // Two hours pass, for the file and for the opened copy alike.
        s.conn()
            .execute("UPDATE sessions SET last_seen = last_seen - 7200", [])
            .unwrap();
        for open in s.open_sessions().by_hash.iter_mut().map(|(_, s)| s) {
            open.last_seen -= 7200;
        }
        assert!(s.get_session("sid").unwrap().is_none());
        assert!(s.open_sessions().by_hash.is_empty());
    }

    #[test]
    fn sessions_read_back_from_the_file_expire_too() {
        let s = store();
        let record = SessionRecord {
            tokens: tokens(),
            created_at: Utc::now(),
        };
        s.put_session("sid", &record).unwrap();
        // As after a restart: nothing opened yet, the file says it has been idle for too long.
        s.open_sessions().by_hash.clear();
        s.conn()
            .execute("UPDATE sessions SET last_seen = last_seen - 7200", [])
            .unwrap();
        assert!(s.get_session("sid").unwrap().is_none());
        let left: i64 = s
            .conn()
            .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_session_is_read_from_the_file_once_then_kept_current() {
        let s = store();
        let record = SessionRecord {
            tokens: tokens(),
            created_at: Utc::now(),
        };
        s.put_session("sid", &record).unwrap();
        s.open_sessions().by_hash.clear();
        let read = s.get_session("sid").unwrap().unwrap();
        assert_eq!(read.tokens.access_token, record.tokens.access_token);
        assert_eq!(s.open_sessions().by_hash.len(), 1);
        // A refresh replaces the tokens: the next check sees the new ones.
        let mut refreshed = record.clone();
        refreshed.tokens.access_token = "rotated".into();
        s.put_session("sid", &refreshed).unwrap();
        assert_eq!(
            s.get_session("sid").unwrap().unwrap().tokens.access_token,
            "rotated"
        );
        // Signing out ends it for the file and the map.
        s.delete_session("sid").unwrap();
        assert!(s.get_session("sid").unwrap().is_none());
        s.open_sessions().by_hash.clear();
        assert!(s.get_session("sid").unwrap().is_none());
    }

    #[test]
    fn more_sessions_than_the_cache_holds_all_stay_signed_in() {
        let s = store().with_session_cache(8);
        let ids: Vec<String> = (0..50).map(|i| format!("sid-{i}")).collect();
        for id in &ids {
            let mut record = SessionRecord {
                tokens: tokens(),
                created_at: Utc::now(),
            };
            record.tokens.access_token = format!("token-of-{id}");
            s.put_session(id, &record).unwrap();
        }
        assert_eq!(s.open_sessions().by_hash.len(), 8, "bounded");
        // Twice round, so every one is let go and read back from the file at least once.
        for _ in 0..2 {
            for id in &ids {
                let record = s.get_session(id).unwrap().expect("still signed in");
                assert_eq!(record.tokens.access_token, format!("token-of-{id}"));
            }
        }
        assert_eq!(s.open_sessions().by_hash.len(), 8);
        // The most recently used answer at once, without the file.
        assert!(s.open_session_at_once("sid-49").is_some());
        assert!(s.open_session_at_once("sid-0").is_none());
        // A session let go and signed out stays signed out.
        s.delete_session("sid-0").unwrap();
        assert!(s.get_session("sid-0").unwrap().is_none());
    }

    #[test]
    fn sessions_end_at_their_maximum_age_even_when_used() {
        let s = store();
        let record = SessionRecord {
            tokens: tokens(),
            created_at: Utc::now() - chrono::Duration::hours(25),
        };
        s.put_session("sid", &record).unwrap();
        assert!(s.get_session("sid").unwrap().is_none());
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
    fn a_replayed_answer_is_not_stored_in_clear() {
        let s = store();
        s.claim_idempotent("u", "k", "f").unwrap();
        s.finish_idempotent(
            "u",
            "k",
            201,
            r#"{"join_url":"https://example.com/join/hunter22"}"#,
        )
        .unwrap();
        let body: Vec<u8> = s
            .conn()
            .query_row("SELECT body FROM idempotency", [], |r| r.get(0))
            .unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("hunter22"));
    }

    #[test]
    fn a_released_key_can_be_claimed_again() {
        let s = store();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
        s.release_idempotent("u", "k").unwrap();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
    }

    #[test]
    fn a_meeting_join_link_is_only_for_its_organizer() {
        let s = store();
        let extras = MeetingExtras {
            join_url: "https://example.com/join/123".into(),
            ..MeetingExtras::default()
        };
        s.put_meeting_extras("123", "42", &extras).unwrap();
        assert_eq!(s.meeting_extras("123", "42").unwrap(), Some(extras));
        assert_eq!(s.meeting_extras("123", "43").unwrap(), None);
    }

    #[test]
    fn a_list_of_meeting_records_is_read_at_once_and_only_the_organizers() {
        let s = store();
        let record = |n: u32| MeetingExtras {
            join_url: format!("https://example.com/join/{n}"),
            coorganizer_keys: Some(vec![format!("c{n}")]),
            ..MeetingExtras::default()
        };
        for n in 1..=300 {
            s.put_meeting_extras(&n.to_string(), "42", &record(n))
                .unwrap();
        }
        s.put_meeting_extras("999", "43", &record(999)).unwrap();
        let ids: Vec<String> = (1..=250)
            .map(|n| n.to_string())
            .chain(["999".into(), "1000".into()])
            .collect();
        let found = s.meeting_extras_many(&ids, "42").unwrap();
        assert_eq!(
            found.len(),
            250,
            "another organizer's record and unknown ids are left out"
        );
        assert_eq!(found["7"], record(7));
        assert!(s.meeting_extras_many(&[], "42").unwrap().is_empty());
    }

    fn login_aged(minutes: i64) -> LoginTransaction {
        LoginTransaction {
            state: "st".into(),
            pkce_verifier: "v".into(),
            return_to: "/".into(),
            popup: false,
            admin: false,
            created_at: Utc::now() - chrono::Duration::minutes(minutes),
            nonce_hash: None,
        }
    }

    fn rows(s: &SqliteStore, table: &str) -> i64 {
        s.conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// M2: a purge reads an index on its age column, never the whole table.
    #[test]
    fn every_purge_reads_an_index() {
        let s = store();
        for (table, column) in [
            ("sessions", "last_seen"),
            ("sessions", "created_at"),
            ("logins", "created_at"),
            ("handoffs", "created_at"),
            ("idempotency", "created_at"),
            ("meeting_secrets", "created_at"),
        ] {
            let plan: Vec<String> = s
                .conn()
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN {}",
                    purge_statement(table, column)
                ))
                .unwrap()
                .query_map(params![0], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(
                plan.iter().all(|step| !step.contains("SCAN")),
                "{table}.{column}: {plan:?}"
            );
        }
    }

    /// M2: adding a login costs the same after a flood: old ones wait for the purge.
    #[test]
    fn a_new_login_leaves_the_old_ones_to_the_purge() {
        let s = store();
        s.put_login("old", &login_aged(11)).unwrap();
        s.put_login("new", &login_aged(0)).unwrap();
        assert_eq!(rows(&s, "logins"), 2);
        s.purge_expired().unwrap();
        assert_eq!(rows(&s, "logins"), 1);
        assert!(s.take_login("new").unwrap().is_some());
    }

    /// M2: an idempotency record past its 24 hours that the purge has not reached yet no
    /// longer holds its key.
    #[test]
    fn a_stale_idempotency_record_gives_way_to_a_new_claim() {
        let s = store();
        assert_eq!(s.claim_idempotent("u", "k", "f").unwrap(), Claim::Claimed);
        s.finish_idempotent("u", "k", 201, "{}").unwrap();
        s.conn()
            .execute("UPDATE idempotency SET created_at = created_at - 90000", [])
            .unwrap();
        assert_eq!(s.claim_idempotent("u", "k", "g").unwrap(), Claim::Claimed);
        assert_eq!(
            s.claim_idempotent("u", "k", "g").unwrap(),
            Claim::InProgress
        );
    }

    /// The opened copy answers as the file would after every kind of write: a new record, a
    /// changed one, another organizer asking, a meeting with none.
    #[test]
    fn the_kept_meeting_records_answer_as_the_file_does() {
        let s = store();
        let first = MeetingExtras {
            join_url: "https://example.com/join/1".into(),
            ..MeetingExtras::default()
        };
        assert_eq!(
            s.meeting_extras_at_once("1", "42"),
            None,
            "nothing read yet"
        );
        assert_eq!(s.meeting_extras("1", "42").unwrap(), None);
        assert_eq!(
            s.meeting_extras_at_once("1", "42"),
            Some(None),
            "known to have none"
        );
        s.put_meeting_extras("1", "42", &first).unwrap();
        assert_eq!(
            s.meeting_extras_at_once("1", "42"),
            Some(Some(first.clone()))
        );
        assert_eq!(
            s.meeting_extras_at_once("1", "43"),
            Some(None),
            "not their record"
        );
        s.put_meeting_extras("1", "42", &MeetingExtras::cancelled())
            .unwrap();
        assert_eq!(
            s.meeting_extras_at_once("1", "42"),
            Some(Some(MeetingExtras::cancelled()))
        );
        // With the copies gone, the file answers what they said.
        s.kept_meetings().clear();
        assert_eq!(s.meeting_extras_at_once("1", "42"), None);
        assert_eq!(
            s.meeting_extras("1", "42").unwrap(),
            Some(MeetingExtras::cancelled())
        );
        assert_eq!(s.meeting_extras("1", "43").unwrap(), None);
        // Another organizer's record over it (a meeting id is GoTo's, so this does not happen
        // in use, but the file would answer so).
        s.put_meeting_extras("1", "43", &first).unwrap();
        assert_eq!(s.meeting_extras_at_once("1", "42"), Some(None));
        assert_eq!(s.meeting_extras_at_once("1", "43"), Some(Some(first)));
    }

    /// M4: the join link of a meeting long past goes; a recent one stays.
    #[test]
    fn meeting_records_are_purged_once_their_meeting_is_long_past() {
        let s = store();
        let extras = MeetingExtras {
            join_url: "https://example.com/join/1".into(),
            ..MeetingExtras::default()
        };
        s.put_meeting_extras("1", "42", &extras).unwrap();
        s.put_meeting_extras("2", "42", &extras).unwrap();
        // A purge that deletes no record keeps the copies.
        s.purge_expired().unwrap();
        assert_eq!(
            s.meeting_extras_at_once("1", "42"),
            Some(Some(extras.clone()))
        );
        s.conn()
            .execute(
                "UPDATE meeting_secrets SET created_at = created_at - ?1 WHERE meeting_id = '1'",
                params![MEETING_RECORD_SECONDS + 1],
            )
            .unwrap();
        s.purge_expired().unwrap();
        // The opened copies go with the rows: neither answers from memory what the file lost.
        assert_eq!(s.meeting_extras_at_once("1", "42"), None);
        assert_eq!(s.meeting_extras("1", "42").unwrap(), None);
        assert_eq!(s.meeting_extras("2", "42").unwrap(), Some(extras));
    }

    /// M4: the purge takes sessions past either limit, logins and handoffs, and old
    /// idempotency records, and leaves what is current.
    #[test]
    fn the_purge_takes_only_what_has_expired() {
        let s = store();
        let record = SessionRecord {
            tokens: tokens(),
            created_at: Utc::now(),
        };
        s.put_session("live", &record).unwrap();
        s.put_session("idle", &record).unwrap();
        let old = SessionRecord {
            created_at: Utc::now() - chrono::Duration::hours(25),
            ..record
        };
        s.put_session("old", &old).unwrap();
        s.conn()
            .execute(
                "UPDATE sessions SET last_seen = last_seen - 7200 WHERE id_hash = ?1",
                params![hash_id("idle")],
            )
            .unwrap();
        s.claim_idempotent("u", "old", "f").unwrap();
        s.conn()
            .execute("UPDATE idempotency SET created_at = created_at - 90000", [])
            .unwrap();
        s.claim_idempotent("u", "new", "f").unwrap();
        let handoff = SessionHandoff {
            session_id: "live".into(),
            created_at: Utc::now() - chrono::Duration::minutes(2),
            nonce_hash: None,
        };
        s.put_handoff("code", &handoff).unwrap();
        assert_eq!(s.purge_expired().unwrap(), 2);
        assert_eq!(rows(&s, "sessions"), 1);
        assert!(s.get_session("live").unwrap().is_some());
        assert_eq!(rows(&s, "idempotency"), 1);
        assert_eq!(rows(&s, "handoffs"), 0);
    }

    /// M4: a file from before meeting records were dated opens, its links dated to today.
    #[test]
    fn undated_meeting_records_are_dated_when_the_file_opens() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE meeting_secrets (
                 meeting_id TEXT PRIMARY KEY, organizer_key TEXT NOT NULL, sealed BLOB NOT NULL);
             INSERT INTO meeting_secrets VALUES ('1', '42', x'00');
             PRAGMA user_version = 1;",
        )
        .unwrap();
        let limits = SessionLimits::from_std(
            std::time::Duration::from_secs(3600),
            std::time::Duration::from_secs(86400),
        );
        let s = SqliteStore::init(conn, Sealer::new(&[1; 32]), limits).unwrap();
        let dated: i64 = s
            .conn()
            .query_row("SELECT created_at FROM meeting_secrets", [], |r| r.get(0))
            .unwrap();
        assert!((Utc::now().timestamp() - dated).abs() < 60);
        s.purge_expired().unwrap();
        assert_eq!(rows(&s, "meeting_secrets"), 1);
    }

    /// M2: a store call waiting for the database (here, for its lock) leaves the async
    /// thread to the other requests.
    #[tokio::test(flavor = "current_thread")]
    async fn a_store_call_waiting_for_the_file_leaves_the_async_thread_free() {
        let s = Arc::new(store());
        let (locked, is_locked) = std::sync::mpsc::channel();
        let holder = {
            let s = s.clone();
            std::thread::spawn(move || {
                let _conn = s.conn();
                locked.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(400));
            })
        };
        is_locked.recv().unwrap();
        let store = super::super::Store::Sqlite(s.clone());
        let started = std::time::Instant::now();
        let other_request = async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            started.elapsed()
        };
        let (_, _, _, served_after) = tokio::join!(
            store.meeting_extras("1", "42"),
            store.admin_tokens(),
            store.get_session("unknown"),
            other_request
        );
        assert!(
            served_after < std::time::Duration::from_millis(200),
            "the other request waited {served_after:?}"
        );
        holder.join().unwrap();
    }

    /// Before GoTo's yes/no password was honoured, the record held the password too: such a
    /// file keeps working, its link still read and the password never.
    #[test]
    fn a_record_from_when_passwords_were_kept_still_opens() {
        let s = store();
        let old = serde_json::json!({
            "join_url": "https://example.com/join/123",
            "password": "hunter22",
        });
        let sealed = s.seal(&old, &meeting_context("123", "42"));
        s.conn()
            .execute(
                "INSERT INTO meeting_secrets (meeting_id, organizer_key, sealed) VALUES ('123', '42', ?1)",
                params![sealed],
            )
            .unwrap();
        assert_eq!(
            s.meeting_extras("123", "42").unwrap(),
            Some(MeetingExtras {
                join_url: "https://example.com/join/123".into(),
                ..MeetingExtras::default()
            })
        );
        // Opened again as an old file: the password is sealed in it no more.
        {
            let conn = s.conn();
            conn.execute_batch("PRAGMA user_version = 0").unwrap();
            forget_old_passwords(&conn, &s.sealer).unwrap();
        }
        let resealed: Vec<u8> = s
            .conn()
            .query_row(
                "SELECT sealed FROM meeting_secrets WHERE meeting_id = '123'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let now: serde_json::Value = s
            .open_sealed(&resealed, &meeting_context("123", "42"))
            .unwrap();
        assert_eq!(
            now,
            serde_json::json!({ "join_url": "https://example.com/join/123" })
        );
    }
}
