//! The state file (`SandboxConfig::state_file`): what a restarted sandbox must still know so
//! that a client's stored tokens keep working and its meetings are still there, as they would
//! be at GoTo. Kept: live access tokens and unexpired refresh tokens (with their scopes and
//! wall-clock expiry), meetings, and the registered clients' ids and secrets. Not kept:
//! authorization codes (they live a minute), faults, the journal, the time-format switch.
//!
//! The file is JSON Lines, one record per line (`{"access": …}`, `{"refresh": …}`,
//! `{"meeting": …}`, `{"meeting_removed": …}`, `{"client": …}`); a later record of the same
//! token or meeting replaces an earlier one. A change is appended as one `write` before the
//! call that made it is answered, so a `kill -9` right after the answer loses nothing (the
//! kernel holds the bytes; only a power cut could). Rewriting the whole file on each change
//! would cost its full size per sign-in: 10 000 sign-ins (`cargo xtask bench`) would write
//! gigabytes. Instead the file is compacted, written to a temporary file (mode 0600: it holds
//! tokens and client secrets) and renamed over the old one, at start and whenever the appended
//! lines outgrow twice the compacted size.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::meeting_store::SandboxMeeting;
use crate::tokens::{SavedAccess, SavedRefresh};
use crate::Sandbox;

/// Appends below this many bytes never trigger a compaction, so a small file is not rewritten
/// every few calls.
const MIN_COMPACT_BYTES: u64 = 1 << 20;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    Client {
        client_id: String,
        client_secret: String,
    },
    Access(SavedAccess),
    Refresh(SavedRefresh),
    Meeting(SandboxMeeting),
    MeetingRemoved {
        meeting_id: u64,
    },
}

pub(crate) struct StateFile {
    path: PathBuf,
    /// Held while a change is read out of the stores and written, so the last line written
    /// for a token or meeting is always its latest state, whatever order calls finish in.
    writer: Mutex<Writer>,
}

#[derive(Default)]
struct Writer {
    /// Opened for appending after the first compaction.
    file: Option<File>,
    compacted_bytes: u64,
    appended_bytes: u64,
}

impl StateFile {
    pub fn new(path: PathBuf) -> StateFile {
        StateFile {
            path,
            writer: Mutex::new(Writer::default()),
        }
    }
}

/// Reads every record; a line that does not parse is skipped with a warning (the last one may
/// be cut short by a crash mid-write). A missing file is an empty state.
fn read_records(path: &Path) -> Vec<Record> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            tracing::warn!(path = %path.display(), "sandbox state file unreadable, starting empty: {e}");
            return Vec::new();
        }
    };
    let mut records = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(e) => tracing::warn!(
                path = %path.display(),
                line = number + 1,
                "sandbox state file: line skipped: {e}"
            ),
        }
    }
    records
}

/// The client secrets a state file remembers, by client id. A caller that makes up its
/// clients' secrets (the backend's embedded sandbox) reuses them, so tokens it stored before a
/// restart can still be refreshed: the token call authenticates the client.
pub fn stored_client_secrets(path: &Path) -> HashMap<String, String> {
    read_records(path)
        .into_iter()
        .filter_map(|record| match record {
            Record::Client {
                client_id,
                client_secret,
            } => Some((client_id, client_secret)),
            _ => None,
        })
        .collect()
}

fn line(record: &Record) -> String {
    let mut text = serde_json::to_string(record).expect("state records serialize");
    text.push('\n');
    text
}

impl Sandbox {
    fn state_file(&self) -> Option<&StateFile> {
        self.inner.state_file.as_ref()
    }

    /// Loads the state file into the stores, then compacts it. Called once, by `Sandbox::new`.
    pub(crate) fn load_state(&self) {
        let Some(state) = self.state_file() else {
            return;
        };
        let records = read_records(&state.path);
        let loaded = records.len();
        {
            let mut tokens = self.tokens();
            let mut meetings = self.meeting_store();
            for record in records {
                match record {
                    Record::Client { .. } => {}
                    Record::Access(saved) => tokens.restore_access(saved),
                    Record::Refresh(saved) => tokens.restore_refresh(saved),
                    Record::Meeting(meeting) => meetings.restore(meeting),
                    Record::MeetingRemoved { meeting_id } => meetings.remove(meeting_id),
                }
            }
        }
        tracing::info!(path = %state.path.display(), records = loaded, "sandbox state loaded");
        self.save_all();
    }

    /// Writes these tokens' current records (access or refresh; an unknown one is skipped).
    pub(crate) fn save_tokens(&self, tokens: &[&str]) {
        self.append(|sandbox| {
            let store = sandbox.tokens();
            tokens
                .iter()
                .flat_map(|t| {
                    [
                        store.saved_access(t).map(Record::Access),
                        store.saved_refresh(t).map(Record::Refresh),
                    ]
                })
                .flatten()
                .collect()
        });
    }

    /// Writes the meeting as it is now, or its removal.
    pub(crate) fn save_meeting(&self, meeting_id: u64) {
        self.append(|sandbox| {
            vec![match sandbox.meeting_store().get(meeting_id) {
                Some(meeting) => Record::Meeting(meeting.clone()),
                None => Record::MeetingRemoved { meeting_id },
            }]
        });
    }

    fn append(&self, records: impl FnOnce(&Sandbox) -> Vec<Record>) {
        let Some(state) = self.state_file() else {
            return;
        };
        let mut writer = state.writer.lock().expect("state file lock");
        let text: String = records(self).iter().map(line).collect();
        if text.is_empty() {
            return;
        }
        let written = match writer.file.as_mut() {
            // One write of whole lines: a crash cuts at most the last line, which loading skips.
            Some(file) => file.write_all(text.as_bytes()),
            None => Err(std::io::Error::other("not open")),
        };
        match written {
            Ok(()) => {
                writer.appended_bytes = writer.appended_bytes.saturating_add(text.len() as u64);
            }
            Err(e) => {
                // The change still holds in memory; only a restart would lose it. Compacting
                // rewrites everything, and reopens the file if it went away.
                tracing::error!(path = %state.path.display(), "sandbox state not appended: {e}");
                writer.appended_bytes = u64::MAX;
            }
        }
        if writer.appended_bytes > MIN_COMPACT_BYTES.max(2 * writer.compacted_bytes) {
            self.compact(&state.path, &mut writer);
        }
    }

    /// Rewrites the whole state at once (after a change of many tokens, and at start).
    pub(crate) fn save_all(&self) {
        if let Some(state) = self.state_file() {
            let mut writer = state.writer.lock().expect("state file lock");
            self.compact(&state.path, &mut writer);
        }
    }

    fn compact(&self, path: &Path, writer: &mut Writer) {
        let mut records: Vec<Record> = self
            .inner
            .config
            .clients
            .iter()
            .map(|c| Record::Client {
                client_id: c.client_id.clone(),
                client_secret: c.client_secret.clone(),
            })
            .collect();
        let (access, refresh) = self.tokens().saved_all();
        records.extend(refresh.into_iter().map(Record::Refresh));
        records.extend(access.into_iter().map(Record::Access));
        records.extend(self.meetings().into_iter().map(Record::Meeting));
        let text: String = records.iter().map(line).collect();
        match write_atomically(path, text.as_bytes()) {
            Ok(file) => {
                *writer = Writer {
                    file: Some(file),
                    compacted_bytes: text.len() as u64,
                    appended_bytes: 0,
                };
            }
            Err(e) => {
                tracing::error!(path = %path.display(), "sandbox state not saved: {e}");
                writer.file = None;
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `path` (0600, synced), renames it over `path`,
/// and returns `path` opened for appending.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut temp_name = path.as_os_str().to_owned();
    temp_name.push(".tmp");
    let temp = PathBuf::from(temp_name);
    // A leftover from a crash would keep its old mode through the truncating open.
    let _ = std::fs::remove_file(&temp);
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temp)?;
    file.write_all(bytes)?;
    // Synced before the rename, so a power cut leaves the old file or the new one, not an
    // empty one. Appends are not synced: a process crash cannot lose them.
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temp, path)?;
    OpenOptions::new().append(true).open(path)
}
