//! A meeting as the signed-in person may reach it: read at GoTo ("not found" when GoTo will
//! not show it to them), this app's live record of it, and their role in it.

use meeting::{MeetingId, MeetingRole};

use crate::error::AppError;
use crate::goto::rest::MeetingInfo;
use crate::goto::wire::default_join_url;
use crate::session::CurrentSession;
use crate::state::AppState;
use crate::store::MeetingExtras;

/// `GET /meetings/{id}` at GoTo: 404 (or 403) there is "not found" here.
pub async fn read_at_goto(
    state: &AppState,
    session: &CurrentSession,
    id: &MeetingId,
) -> Result<MeetingInfo, AppError> {
    state
        .keeper
        .with_user_token(session, |token| {
            let api = state.api.clone();
            let id = id.clone();
            async move { api.get_meeting(&token, &id).await }
        })
        .await
}

/// A cancelled meeting's emptied record counts as none (see `MeetingExtras::cancelled`).
pub fn live(record: Option<MeetingExtras>) -> Option<MeetingExtras> {
    record.filter(|r| !r.cancelled)
}

/// What the signed-in person is to a meeting GoTo has just shown them (`info`), given this
/// app's record of it (`record`, the person's own, live):
/// - a record: they made it here (or were found to organize it before): organizer;
/// - their key among GoTo's `coorganizerKeys`: co-organizer;
/// - else, one more GoTo call, only for meetings this app has no record of: if it is among
///   their `upcomingMeetings` they organize it (made in GoTo itself), and a record is kept so
///   the next read costs nothing; otherwise viewer. (A meeting made elsewhere that has already
///   ended is not in that list: its organizer then only views it here.)
pub async fn role_of(
    state: &AppState,
    session: &CurrentSession,
    id: &MeetingId,
    info: &MeetingInfo,
    record: &mut Option<MeetingExtras>,
) -> Result<MeetingRole, AppError> {
    if record.is_some() {
        return Ok(MeetingRole::Organizer);
    }
    let organizer_key = &session.record.tokens.organizer_key;
    if info.coorganizer_keys().contains(organizer_key) {
        return Ok(MeetingRole::Coorganizer);
    }
    let upcoming = state
        .keeper
        .with_user_token(session, |token| {
            let api = state.api.clone();
            async move { api.upcoming_meetings(&token).await }
        })
        .await?;
    if !upcoming.iter().any(|m| m.id().as_ref() == Some(id)) {
        return Ok(MeetingRole::Viewer);
    }
    let remembered = MeetingExtras {
        join_url: default_join_url(id),
        coorganizer_keys: Some(info.coorganizer_keys()),
        cancelled: false,
    };
    state
        .store
        .put_meeting_extras(id.as_str(), organizer_key, &remembered)
        .await?;
    *record = Some(remembered);
    Ok(MeetingRole::Organizer)
}

/// The person's live record of the meeting and, when there is none, their role as GoTo shows
/// it (one or two GoTo calls; "not found" when GoTo will not show it to them at all).
pub async fn record_or_role(
    state: &AppState,
    session: &CurrentSession,
    id: &MeetingId,
) -> Result<(Option<MeetingExtras>, MeetingRole), AppError> {
    let organizer_key = &session.record.tokens.organizer_key;
    let mut record = live(
        state
            .store
            .meeting_extras(id.as_str(), organizer_key)
            .await?,
    );
    if record.is_some() {
        return Ok((record, MeetingRole::Organizer));
    }
    let info = read_at_goto(state, session, id).await?;
    let role = role_of(state, session, id, &info, &mut record).await?;
    Ok((record, role))
}

pub fn only_the_organizer(role: MeetingRole) -> Result<(), AppError> {
    if role.may_change() {
        Ok(())
    } else {
        Err(AppError::NotOrganizer {
            coorganizer: role == MeetingRole::Coorganizer,
        })
    }
}
