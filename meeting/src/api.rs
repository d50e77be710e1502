//! The JSON the app and the backend exchange (`/api/*`). GoTo's own wire format is not here:
//! it belongs to the backend's GoTo client, which maps to and from these types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /api/session`: who is signed in, if anyone. Never carries a token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<User>,
}

/// `POST /api/session/handoff`: the one-time code the sign-in popup posts to the app in a
/// portal's cross-site iframe, redeemed there for the frame's own session cookie.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionHandoff {
    pub code: String,
    /// The random value the frame put on the popup's sign-in address: only the frame that
    /// started this sign-in knows it, so the code is worth nothing to anyone else.
    #[serde(default)]
    pub nonce: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub organizer_key: String,
    pub name: String,
    pub email: String,
    /// Whether the person holds a GoToMeeting licence, as the account's directory (GoTo's
    /// Admin API, synced by the service account) says. `true` when the directory does not
    /// know: GoTo then has the last word when a meeting is created (403 → `no_licence`).
    #[serde(default = "licensed_unless_known_otherwise")]
    pub licensed: bool,
}

fn licensed_unless_known_otherwise() -> bool {
    true
}

/// One person of the account who can be a co-organizer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organizer {
    pub key: String,
    pub name: String,
    pub email: String,
}

/// `POST /api/meetings`, and `PUT /api/meetings/{id}` to change one (the whole meeting again,
/// as GoTo's own `PUT` takes it). Times are instants: the app turns the person's wall-clock into UTC
/// with the browser's own time-zone rules (see `local_time`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateMeeting {
    pub subject: String,
    #[serde(with = "crate::wire_time")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "crate::wire_time")]
    pub ends_at: DateTime<Utc>,
    /// Whether attendees need a password to join. GoTo takes only this yes/no
    /// (`passwordrequired`), never the password itself: the organizer sets it in GoTo when
    /// starting the meeting and shares it. A `password` sent by an older app is ignored.
    #[serde(default)]
    pub password_required: bool,
    #[serde(default)]
    pub coorganizer_keys: Vec<String>,
}

/// A meeting as the app shows it (`POST /api/meetings` answer and `GET /api/meetings/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Digits only, as GoTo numbers meetings.
    pub id: String,
    pub subject: String,
    #[serde(with = "crate::wire_time")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "crate::wire_time")]
    pub ends_at: DateTime<Utc>,
    pub join_url: String,
    /// Dial-in text exactly as GoTo returns it (line breaks kept).
    pub conference_call_info: String,
    /// Attendees need a password the organizer sets in GoTo when starting the meeting.
    pub password_required: bool,
    pub coorganizers: Vec<Organizer>,
    /// What the signed-in person is to this meeting, and so what they may do with it.
    #[serde(default)]
    pub role: MeetingRole,
}

/// Who the signed-in person is to a meeting. GoTo lets only the organizer change or cancel a
/// meeting; the organizer and its co-organizers may start it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingRole {
    /// Scheduled it: may change, cancel and start it.
    #[default]
    Organizer,
    /// Named as a co-organizer: may start it, not change or cancel it.
    Coorganizer,
    /// Neither (an account admin reading it): may only look.
    Viewer,
}

impl MeetingRole {
    pub fn may_change(self) -> bool {
        self == MeetingRole::Organizer
    }

    pub fn may_start(self) -> bool {
        matches!(self, MeetingRole::Organizer | MeetingRole::Coorganizer)
    }
}

/// One of the signed-in person's upcoming meetings (`GET /api/meetings`), soonest first.
/// GoTo's list names no co-organizers and no join link: the join link is GoTo's usual one or
/// the one kept when the meeting was made here, and the co-organizers are those last set
/// through this app (`None` for a meeting made elsewhere: its details page reads them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpcomingMeeting {
    pub id: String,
    pub subject: String,
    #[serde(with = "crate::wire_time")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "crate::wire_time")]
    pub ends_at: DateTime<Utc>,
    pub join_url: String,
    pub password_required: bool,
    #[serde(default)]
    pub coorganizers: Option<Vec<Organizer>>,
}

/// `POST /api/meetings/{id}/start`: GoTo's short-lived address that starts the meeting as its
/// host. Asked for at the moment of the tap, opened at once, never kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartMeeting {
    pub host_url: String,
}

/// Every error the backend answers with. `message` is already in the person's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `validation`, `not_signed_in`, `upstream_unavailable`.
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: crate::Field,
    pub message: String,
}
