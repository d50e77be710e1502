//! The brief's optional 24-hour support log: one JSON line per call to GoTo (method, path,
//! status, latency, request id, organizer key), in hourly files, the oldest deleted once more
//! than 24 hours of files exist. Off unless `MEETINGS_SUPPORT_LOG_DIR` is set.
//!
//! What a line can hold is fixed by [`CallRecord`]: no header, body, query, token, code,
//! secret, password or cookie can reach this file.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

use crate::request_id::RequestId;

/// The request a GoTo call is made for, so a support line can name it. Set per request by
/// `middleware::Edge` while the log is on; the session extractor fills in the organizer
/// ([`note_organizer`]).
#[derive(Debug)]
pub struct RequestScope {
    pub request_id: RequestId,
    pub organizer_key: Mutex<Option<String>>,
}

impl RequestScope {
    pub fn new(request_id: RequestId) -> RequestScope {
        RequestScope {
            request_id,
            organizer_key: Mutex::new(None),
        }
    }
}

tokio::task_local! {
    pub static SCOPE: RequestScope;
}

/// Names the person the current request is for, if it is handling one.
pub fn note_organizer(organizer_key: &str) {
    let _ = SCOPE.try_with(|scope| {
        if let Ok(mut key) = scope.organizer_key.lock() {
            *key = Some(organizer_key.to_owned());
        }
    });
}

#[derive(Debug, Serialize)]
pub struct CallRecord<'a> {
    pub at: DateTime<Utc>,
    pub method: &'a str,
    /// GoTo's path only (our calls carry no query string); meeting ids are not secrets.
    pub path: &'a str,
    /// 0 when no answer came (timeout, connection dropped).
    pub status: u16,
    pub latency_ms: u64,
    pub request_id: Option<&'a str>,
    pub user: Option<String>,
}

pub struct SupportLog {
    writer: Mutex<RollingFileAppender>,
}

impl SupportLog {
    pub fn open(dir: &Path) -> Result<SupportLog, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let writer = RollingFileAppender::builder()
            .rotation(Rotation::HOURLY)
            .filename_prefix("goto-calls")
            .filename_suffix("jsonl")
            // The current hour plus the 24 before it.
            .max_log_files(25)
            .build(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(SupportLog {
            writer: Mutex::new(writer),
        })
    }

    pub fn record(&self, method: &str, path: &str, status: u16, started: std::time::Instant) {
        let (request_id, user) = SCOPE
            .try_with(|s| {
                let user = s.organizer_key.lock().ok().and_then(|k| k.clone());
                (Some(s.request_id), user)
            })
            .unwrap_or_default();
        let line = CallRecord {
            at: Utc::now(),
            method,
            path,
            status,
            latency_ms: started.elapsed().as_millis() as u64,
            request_id: request_id.as_ref().map(RequestId::as_str),
            user,
        };
        let Ok(mut json) = serde_json::to_vec(&line) else {
            return;
        };
        json.push(b'\n');
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = writer.write_all(&json) {
            tracing::warn!(error = %e, "support log write failed");
        }
    }
}

/// The path part of a URL, for the log: never its query.
pub fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_carry_a_query() {
        assert_eq!(
            path_of("https://api.getgo.com/oauth/v2/token?code=secret"),
            "/oauth/v2/token"
        );
    }

    #[tokio::test]
    async fn a_line_names_the_request_and_the_organizer() {
        let dir = std::env::temp_dir().join(format!("support-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = SupportLog::open(&dir).unwrap();
        let request_id = RequestId::random();
        SCOPE
            .scope(RequestScope::new(request_id), async {
                note_organizer("42");
                log.record("POST", "/G2M/rest/meetings", 201, std::time::Instant::now())
            })
            .await;
        drop(log);
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(file).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["request_id"], request_id.as_str());
        assert_eq!(request_id.as_str().len(), 16);
        assert_eq!(line["user"], "42");
        assert_eq!(line["status"], 201);
        assert_eq!(line["path"], "/G2M/rest/meetings");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
