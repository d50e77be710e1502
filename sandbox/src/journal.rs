//! The request journal: what reached the sandbox and what it answered, for tests to read.
//!
//! It names users by organizer key and token calls by client id and grant type. It never holds
//! a token, a code, a secret or a `state`: query values other than a few harmless ones are
//! replaced by `<redacted>`, and bodies and headers are not kept at all.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{bearer, client_auth, Sandbox};

/// Oldest entries are dropped past this, so a long-running sandbox stays small.
const CAPACITY: usize = 10_000;

/// Status recorded when the client went away before the sandbox answered (e.g. it timed out
/// during a `hang_next` fault); nginx's convention.
pub const CLIENT_CLOSED_REQUEST: u16 = 499;

/// Query parameters whose values are safe to keep.
const SAFE_QUERY_KEYS: [&str; 6] = [
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "code_challenge_method",
    "sandbox_approve",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub method: String,
    /// The path as the sandbox sees it (without a mount prefix), with secret query values
    /// redacted.
    pub path: String,
    pub at: DateTime<Utc>,
    pub status: u16,
    /// The organizer key of the bearer token's user (G2M, identity and Admin API calls), or of
    /// the user a code or token was issued for (OAuth calls).
    pub user: Option<String>,
    /// The client id of a token call (from HTTP Basic) or of an authorize call.
    pub client_id: Option<String>,
    /// `authorization_code`, `refresh_token`, … for token calls.
    pub grant_type: Option<String>,
    /// The fault switch that shaped this answer, if any (`fail 503`, `force 429`, `drop`,
    /// `hang 1500ms`, `latency 200ms`).
    pub fault: Option<String>,
}

/// Token-endpoint calls by grant type, counted from the journal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCalls {
    pub authorization_code: usize,
    pub refresh_token: usize,
    /// Missing or unsupported grant types.
    pub other: usize,
}

#[derive(Default)]
pub(crate) struct Journal {
    entries: Mutex<VecDeque<JournalEntry>>,
}

impl Journal {
    fn push(&self, entry: JournalEntry) {
        let mut entries = self.entries.lock().expect("journal lock");
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub fn entries(&self) -> Vec<JournalEntry> {
        self.entries
            .lock()
            .expect("journal lock")
            .iter()
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.entries.lock().expect("journal lock").clear();
    }

    pub fn token_calls(&self) -> TokenCalls {
        let mut calls = TokenCalls::default();
        for entry in self.entries.lock().expect("journal lock").iter() {
            if !is_token_path(&entry.path) {
                continue;
            }
            match entry.grant_type.as_deref() {
                Some("authorization_code") => calls.authorization_code += 1,
                Some("refresh_token") => calls.refresh_token += 1,
                _ => calls.other += 1,
            }
        }
        calls
    }
}

fn is_token_path(path: &str) -> bool {
    path == "/oauth/v2/token" || path == "/oauth/token"
}

/// What a handler or a fault layer tells the journal about a call, as a response extension.
#[derive(Clone, Debug, Default)]
pub(crate) struct JournalNote {
    pub user: Option<String>,
    pub grant_type: Option<String>,
}

/// Where the fault layer writes which switches shaped a call. A request extension rather than
/// a response one, so a call the client gave up on during a hang still names the hang.
#[derive(Clone, Debug, Default)]
pub(crate) struct FaultSlot(Arc<Mutex<Option<String>>>);

impl FaultSlot {
    pub fn set(&self, note: String) {
        *self.0.lock().expect("fault slot lock") = Some(note);
    }

    fn get(&self) -> Option<String> {
        self.0.lock().expect("fault slot lock").clone()
    }
}

fn redacted_path(uri: &Uri) -> String {
    let path = uri.path().to_owned();
    let Some(query) = uri.query() else {
        return path;
    };
    let pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if SAFE_QUERY_KEYS.contains(&key) {
                format!("{key}={value}")
            } else {
                format!("{key}=<redacted>")
            }
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

fn query_client_id(uri: &Uri) -> Option<String> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.into_owned())
}

/// Writes the entry even when the response future is dropped (the client hung up).
struct Pending {
    sandbox: Sandbox,
    entry: Option<JournalEntry>,
    faults: FaultSlot,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.fault = self.faults.get();
            self.sandbox.inner.journal.push(entry);
        }
    }
}

/// Middleware around the whole sandbox, except its own `/_admin` endpoints.
pub(crate) async fn record(
    State(sandbox): State<Sandbox>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path == "/_admin" || path.starts_with("/_admin/") {
        return next.run(req).await;
    }
    let bearer_api = ["/G2M/rest/", "/identity/", "/admin/rest/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let user = if bearer_api {
        bearer::token(req.headers())
            .and_then(|token| sandbox.tokens().owner_of_access(token).map(str::to_owned))
    } else {
        None
    };
    let client_id =
        client_auth::claimed_client_id(req.headers()).or_else(|| query_client_id(req.uri()));
    let faults = FaultSlot::default();
    req.extensions_mut().insert(faults.clone());
    let mut pending = Pending {
        sandbox: sandbox.clone(),
        faults,
        entry: Some(JournalEntry {
            method: req.method().to_string(),
            path: redacted_path(req.uri()),
            at: Utc::now(),
            status: CLIENT_CLOSED_REQUEST,
            user,
            client_id,
            grant_type: None,
            fault: None,
        }),
    };
    let response = next.run(req).await;
    if let Some(entry) = pending.entry.as_mut() {
        entry.status = response.status().as_u16();
        if let Some(note) = response.extensions().get::<JournalNote>() {
            entry.user = note.user.clone().or(entry.user.take());
            entry.grant_type.clone_from(&note.grant_type);
        }
    }
    drop(pending);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted() {
        let uri: Uri = "/oauth/v2/authorize?client_id=app&state=s3cr3t&code_challenge=abc&redirect_uri=http%3A%2F%2Fx%2Fcb&sandbox_approve=a%40b.example"
            .parse()
            .unwrap();
        let path = redacted_path(&uri);
        assert_eq!(
            path,
            "/oauth/v2/authorize?client_id=app&state=<redacted>&code_challenge=<redacted>&redirect_uri=http%3A%2F%2Fx%2Fcb&sandbox_approve=a%40b.example"
        );
        let plain: Uri = "/G2M/rest/meetings".parse().unwrap();
        assert_eq!(redacted_path(&plain), "/G2M/rest/meetings");
    }
}
