//! What the person typed survives a reload, a failed request and the sign-in round trip.
//!
//! Each form has its own slot: the new meeting's, and one per meeting being changed. A draft
//! lives in `localStorage`; it holds no secret (the meeting password is only a yes/no: GoTo
//! asks the organizer for the password itself). The idempotency key of the last unanswered
//! submission lives in `sessionStorage`, so sending the same thing again after a reload still
//! makes one meeting (or one change), not two.

use meeting::local_time::meeting_times;
use meeting::{CreateMeeting, Meeting, Organizer};
use serde::{Deserialize, Serialize};
use web_sys::Storage;

use crate::browser_time;

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

/// Which form a draft belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The create page's form.
    New,
    /// The change form of the meeting with this id.
    Change(String),
}

impl Slot {
    fn draft_key(&self) -> String {
        match self {
            Slot::New => DRAFT_KEY.to_owned(),
            Slot::Change(id) => format!("{DRAFT_KEY}.change.{id}"),
        }
    }

    fn attempt_key(&self) -> String {
        match self {
            Slot::New => ATTEMPT_KEY.to_owned(),
            Slot::Change(id) => format!("{ATTEMPT_KEY}.change.{id}"),
        }
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

    /// The meeting as it is, in the change form's terms.
    fn of(meeting: &Meeting) -> Draft {
        let (date, start, end) = browser_time::slot_of(meeting.starts_at, meeting.ends_at);
        Draft {
            subject: meeting.subject.clone(),
            date,
            start,
            end,
            password_required: meeting.password_required,
            coorganizers: meeting.coorganizers.clone(),
        }
    }

    /// The saved draft of the new meeting, or an empty form at the next half hour. A draft
    /// whose meeting would already have started gets the default times again and keeps the rest.
    pub fn load() -> Draft {
        remove(session(), OLD_PASSWORD_KEY);
        let Some(mut draft) = Draft::read(&Slot::New) else {
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

    /// The unsaved change of `meeting` typed earlier, or the meeting as it is.
    pub fn load_change(meeting: &Meeting) -> Draft {
        Draft::read(&Slot::Change(meeting.id.clone())).unwrap_or_else(|| Draft::of(meeting))
    }

    fn read(slot: &Slot) -> Option<Draft> {
        read(local(), &slot.draft_key()).and_then(|json| crate::json::from_str::<Draft>(&json))
    }

    pub fn save(&self, slot: &Slot) {
        if let Some(json) = crate::json::to_string(self) {
            write(local(), &slot.draft_key(), &json);
        }
    }

    /// After the meeting was made or changed.
    pub fn clear(slot: &Slot) {
        remove(local(), &slot.draft_key());
        remove(session(), &slot.attempt_key());
    }

    /// When the person signs out: every form's draft goes with the session.
    pub fn clear_all() {
        Draft::clear(&Slot::New);
        let Some(storage) = local() else { return };
        let prefix = format!("{DRAFT_KEY}.change.");
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with(&prefix))
            .collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }
}

/// The idempotency key for sending `meeting` from `slot`'s form: the previous one if this very
/// request was sent before without a definite answer, a new one otherwise.
pub fn idempotency_key_for(slot: &Slot, meeting: &CreateMeeting) -> String {
    // Stored as `key` + newline + the request's JSON: comparing the JSON needs no parser.
    let request = crate::json::to_string(meeting).unwrap_or_default();
    let attempt_key = slot.attempt_key();
    let previous = read(session(), &attempt_key).and_then(|attempt| {
        let (key, sent) = attempt.split_once('\n')?;
        (sent == request).then(|| key.to_owned())
    });
    if let Some(key) = previous {
        return key;
    }
    let key = crate::random_key::new_key();
    write(session(), &attempt_key, &format!("{key}\n{request}"));
    key
}
