//! What the person typed survives a reload, a failed request and the sign-in round trip.
//!
//! The draft lives in `localStorage`; it holds no secret (the meeting password is only a
//! yes/no: GoTo asks the organizer for the password itself). The idempotency key of the last
//! unanswered submission lives in `sessionStorage`, so sending the same meeting again after a
//! reload still makes one meeting, not two.

use meeting::local_time::meeting_times;
use meeting::{CreateMeeting, Organizer};
use serde::{Deserialize, Serialize};
use web_sys::Storage;

use crate::{api, browser_time};

const DRAFT_KEY: &str = "meetings.draft.v1";
/// Where the app kept a typed password before GoTo's yes/no was honoured: removed on sight.
const OLD_PASSWORD_KEY: &str = "meetings.draft.v1.password";
const ATTEMPT_KEY: &str = "meetings.attempt.v1";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

// Storage can be full or switched off (private windows): the form then works without a draft.
fn write(storage: Option<Storage>, key: &str, value: &str) {
    if let Some(storage) = storage {
        let _ = storage.set_item(key, value);
    }
}

fn read(storage: Option<Storage>, key: &str) -> Option<String> {
    storage?.get_item(key).ok().flatten()
}

fn remove(storage: Option<Storage>, key: &str) {
    if let Some(storage) = storage {
        let _ = storage.remove_item(key);
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub subject: String,
    pub date: String,
    pub start: String,
    pub end: String,
    /// Drafts saved before this field existed read as "no password".
    #[serde(default)]
    pub password_required: bool,
    pub coorganizers: Vec<Organizer>,
}

impl Draft {
    fn fresh() -> Draft {
        let (date, start, end) = browser_time::default_slot();
        Draft {
            subject: String::new(),
            date,
            start,
            end,
            password_required: false,
            coorganizers: Vec::new(),
        }
    }

    /// The saved draft, or an empty form at the next half hour. A draft whose meeting would
    /// already have started gets the default times again and keeps the rest.
    pub fn load() -> Draft {
        remove(session(), OLD_PASSWORD_KEY);
        let Some(mut draft) =
            read(local(), DRAFT_KEY).and_then(|json| crate::json::from_str::<Draft>(&json))
        else {
            return Draft::fresh();
        };
        let started = meeting_times(
            &draft.date,
            &draft.start,
            &draft.end,
            &browser_time::offset_minutes_at,
        )
        .is_ok_and(|times| times.starts_at < browser_time::now());
        if started {
            let Draft {
                date, start, end, ..
            } = Draft::fresh();
            (draft.date, draft.start, draft.end) = (date, start, end);
        }
        draft
    }

    pub fn save(&self) {
        // The demo's broken form is shown, never kept: the other scenarios start clean.
        #[cfg(debug_assertions)]
        if crate::demo::broken_draft().is_some() {
            return;
        }
        if let Some(json) = crate::json::to_string(self) {
            write(local(), DRAFT_KEY, &json);
        }
    }

    /// After the meeting was made, or when the person signs out.
    pub fn clear() {
        remove(local(), DRAFT_KEY);
        remove(session(), ATTEMPT_KEY);
    }
}

/// The idempotency key for sending `meeting`: the previous one if this very meeting was sent
/// before without a definite answer, a new one otherwise.
pub fn idempotency_key_for(meeting: &CreateMeeting) -> String {
    // Stored as `key` + newline + the request's JSON: comparing the JSON needs no parser.
    let request = crate::json::to_string(meeting).unwrap_or_default();
    let previous = read(session(), ATTEMPT_KEY).and_then(|attempt| {
        let (key, sent) = attempt.split_once('\n')?;
        (sent == request).then(|| key.to_owned())
    });
    if let Some(key) = previous {
        return key;
    }
    let key = api::new_idempotency_key();
    write(session(), ATTEMPT_KEY, &format!("{key}\n{request}"));
    key
}
