//! GoTo's wire mapping for meetings, in one place: the body a create or a change sends, the
//! subject escaped on the way out and unescaped on the way back (both the contract's, whose
//! length rule counts as GoTo does), GoTo's join links, its whole-second times, and a GoTo
//! meeting read back as the app's `Meeting`. The routes keep HTTP, idempotency and who may
//! do what.

use chrono::Utc;
use meeting::validation::{escape_subject_for_goto, unescape_subject_from_goto};
use meeting::{CreateMeeting, Meeting, MeetingId, MeetingRole, Organizer};

use crate::error::AppError;
use crate::goto::rest::{format_goto_time, CreateMeetingBody, MeetingInfo};

/// GoTo's own join-link shape, for meetings we did not create ourselves (GoTo's read-back
/// answer carries no join link).
pub fn default_join_url(id: &MeetingId) -> String {
    join_url(id.as_str())
}

/// The join link of the meeting GoTo numbers `id`.
pub fn join_url(id: &str) -> String {
    format!("https://global.gotomeeting.com/join/{id}")
}

/// GoTo's body for a create and for a change (`PUT` takes the whole meeting again).
pub fn goto_body(form: &CreateMeeting) -> CreateMeetingBody {
    CreateMeetingBody {
        subject: escape_subject_for_goto(&form.subject),
        starttime: format_goto_time(form.starts_at),
        endtime: format_goto_time(form.ends_at),
        // GoTo takes only the yes/no: the organizer sets the password itself when starting.
        passwordrequired: form.password_required,
        // Phone and computer audio: what GoTo's own scheduler offers by default.
        conferencecallinfo: "Hybrid".into(),
        timezonekey: String::new(),
        meetingtype: "scheduled".into(),
        coorganizer_keys: form.coorganizer_keys.clone(),
    }
}

/// GoTo keeps whole seconds: a time as it will come back when read.
pub fn whole_seconds(t: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    t - chrono::Duration::nanoseconds(t.timestamp_subsec_nanos().into())
}

/// The meeting as GoTo's `GET /meetings/{id}` describes it.
pub fn meeting_from(
    id: &MeetingId,
    info: &MeetingInfo,
    join_url: String,
    role: MeetingRole,
    coorganizers: Vec<Organizer>,
) -> Result<Meeting, AppError> {
    let (starts_at, ends_at) = info
        .starts_at()
        .zip(info.ends_at())
        .ok_or_else(|| AppError::Upstream("GoTo returned unreadable meeting times".into()))?;
    Ok(Meeting {
        id: id.as_str().to_owned(),
        subject: unescape_subject_from_goto(&info.subject),
        starts_at,
        ends_at,
        join_url,
        conference_call_info: info.conference_call_info.clone(),
        password_required: info.password_required,
        coorganizers,
        role,
    })
}
