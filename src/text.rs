//! Every word the app shows, in one place and keyed, so a second language is one more
//! function away. Validation messages are not here: they come from the contract crate
//! (`Problem::message`), so the form says exactly what the backend would answer.

use meeting::Lang;

use crate::api::ApiFailure;

/// The language the app speaks, provided as context by `App`.
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    ProductName,
    Loading,
    SignOut,
    SigningOut,
    SignOutFailed,
    ConnectTitle,
    ConnectLead,
    ConnectButton,
    SignedOutTitle,
    SignedOutLead,
    ExpiredTitle,
    ExpiredLead,
    ServiceUnreachable,
    TryAgain,
    CreateTitle,
    Topic,
    TopicHint,
    When,
    Date,
    Start,
    End,
    Password,
    PasswordHint,
    CoorganizersLegend,
    CoorganizerSearch,
    CoorganizersLoading,
    CoorganizersFailed,
    CoorganizersNone,
    CoorganizersNoMatch,
    Schedule,
    Scheduling,
    CheckFields,
    CreatedHeading,
    JoinLink,
    CopyLink,
    Copied,
    CopyFailed,
    ViewDetails,
    ScheduleAnother,
    AddToCalendar,
    DetailsTitle,
    DateLabel,
    StartsLabel,
    EndsLabel,
    TimeZoneLabel,
    DurationLabel,
    MeetingIdLabel,
    DialInLabel,
    PasswordRequiredLabel,
    PasswordLabel,
    ShowPassword,
    HidePassword,
    Yes,
    No,
    CoorganizersLabel,
    NoCoorganizers,
    NotFoundTitle,
    NotFoundPage,
    NotFoundMeeting,
    BackHome,
    MeetingLoadFailed,
}

pub fn text(lang: Lang, key: Key) -> &'static str {
    match lang {
        // Spanish arrives with the i18n work (issue 5); until then every language reads English.
        Lang::En | Lang::Es => english(key),
    }
}

fn english(key: Key) -> &'static str {
    use Key::*;
    match key {
        ProductName => "Meeting scheduler",
        Loading => "Loading…",
        SignOut => "Sign out",
        SigningOut => "Signing out…",
        SignOutFailed => "Signing out did not work. Check your connection and try again.",
        ConnectTitle => "Schedule GoToMeetings",
        ConnectLead => "Connect your GoToMeeting account to schedule meetings, invite co-organizers and share the join link. You sign in on GoTo's own page; this app never sees your GoTo password.",
        ConnectButton => "Connect GoToMeeting",
        SignedOutTitle => "You are signed out",
        SignedOutLead => "Your GoToMeeting account is no longer connected in this browser. Connect again to schedule more meetings.",
        ExpiredTitle => "Connect again to continue",
        ExpiredLead => "Your GoToMeeting connection has ended. Connect again: everything you typed is kept and will be back here.",
        ServiceUnreachable => "The meeting service cannot be reached right now. Check your connection, then try again.",
        TryAgain => "Try again",
        CreateTitle => "Schedule a meeting",
        Topic => "Topic",
        TopicHint => "Up to 100 characters.",
        When => "When",
        Date => "Date",
        Start => "Starts",
        End => "Ends",
        Password => "Meeting password (optional)",
        PasswordHint => "Leave empty for no password, or use 6 to 32 characters.",
        CoorganizersLegend => "Co-organizers (optional)",
        CoorganizerSearch => "Find people by name or email",
        CoorganizersLoading => "Looking for organizers…",
        CoorganizersFailed => "The list of organizers could not be loaded.",
        CoorganizersNone => "No other GoToMeeting organizers in this account.",
        CoorganizersNoMatch => "No organizer matches this search.",
        Schedule => "Schedule meeting",
        Scheduling => "Scheduling…",
        CheckFields => "Some details need a fix: see the messages next to the fields.",
        CreatedHeading => "Meeting scheduled",
        JoinLink => "Join link",
        CopyLink => "Copy link",
        Copied => "Copied",
        CopyFailed => "Copying is not available here: press and hold the link to copy it.",
        ViewDetails => "View details",
        ScheduleAnother => "Schedule another meeting",
        AddToCalendar => "Add to calendar",
        DetailsTitle => "Meeting details",
        DateLabel => "Date",
        StartsLabel => "Starts",
        EndsLabel => "Ends",
        TimeZoneLabel => "Time zone",
        DurationLabel => "Duration",
        MeetingIdLabel => "Meeting ID",
        DialInLabel => "Dial in",
        PasswordRequiredLabel => "Password required",
        PasswordLabel => "Password",
        ShowPassword => "Show",
        HidePassword => "Hide",
        Yes => "Yes",
        No => "No",
        CoorganizersLabel => "Co-organizers",
        NoCoorganizers => "None",
        NotFoundTitle => "Not found",
        NotFoundPage => "There is no page at this address.",
        NotFoundMeeting => "There is no meeting with this ID in your account. Check the link, or schedule a new meeting.",
        BackHome => "Schedule a meeting",
        MeetingLoadFailed => "The meeting could not be loaded.",
    }
}

/// "Weekly sync" is scheduled.
pub fn created_title(_lang: Lang, subject: &str) -> String {
    format!("“{subject}” is scheduled")
}

/// When a meeting starts, as one sentence.
pub fn starts_on(_lang: Lang, date: &str, time: &str, zone: &str) -> String {
    format!("Starts {date} at {time} ({zone}).")
}

pub fn ends_next_day(_lang: Lang, time: &str) -> String {
    format!("Ends the next day at {time}.")
}

/// `00:30, Wednesday, 3 December 2025`: a time on another day than the start.
pub fn time_on_date(_lang: Lang, time: &str, date: &str) -> String {
    format!("{time}, {date}")
}

/// For a time in the hour that happens twice when the clocks go back.
pub fn repeated_hour(_lang: Lang, offset: &str) -> String {
    format!("The clocks go back that night, so this time happens twice: the first one ({offset}) is used.")
}

pub fn times_in_zone(_lang: Lang, zone: &str) -> String {
    format!("Times are in {zone}.")
}

/// `Europe/Madrid, UTC+01:00`.
pub fn zone_label(_lang: Lang, name: Option<&str>, offset: &str) -> String {
    match name {
        Some(name) => format!("{name}, {offset}"),
        None => offset.to_owned(),
    }
}

pub fn duration(_lang: Lang, minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (hours, minutes) {
        (0, m) => unit(m, "minute", "minutes"),
        (h, 0) => unit(h, "hour", "hours"),
        (h, m) => format!(
            "{} {}",
            unit(h, "hour", "hours"),
            unit(m, "minute", "minutes")
        ),
    }
}

pub fn organizer_label(_lang: Lang, name: &str, email: &str) -> String {
    format!("{name} — {email}")
}

/// What to tell the person when a request failed, and what to do about it.
pub fn failure(lang: Lang, failure: &ApiFailure) -> String {
    let kept = "Everything you typed is kept.";
    let mut message = match failure {
        ApiFailure::Unreachable => {
            format!("The meeting service could not be reached. Check your connection and try again. {kept}")
        }
        ApiFailure::SignedOut => text(lang, Key::ExpiredLead).to_owned(),
        ApiFailure::NotFound => text(lang, Key::NotFoundPage).to_owned(),
        ApiFailure::Rejected(error) => error.message.clone(),
        ApiFailure::Failed { status: 429, .. } => {
            format!("Too many meetings are being scheduled right now. Wait a minute, then try again. {kept}")
        }
        ApiFailure::Failed {
            error: Some(error), ..
        } => format!("{} Try again in a moment. {kept}", error.message),
        ApiFailure::Failed { status, .. } => {
            format!(
                "The meeting service had a problem (error {status}). Try again in a moment. {kept}"
            )
        }
    };
    if let Some(reference) = reference(lang, failure) {
        message.push(' ');
        message.push_str(&reference);
    }
    message
}

/// The backend's request id, for whoever the person asks for help.
pub fn reference(_lang: Lang, failure: &ApiFailure) -> Option<String> {
    failure.request_id().map(|id| format!("Reference: {id}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Lang::En, 30), "30 minutes");
        assert_eq!(duration(Lang::En, 60), "1 hour");
        assert_eq!(duration(Lang::En, 90), "1 hour 30 minutes");
        assert_eq!(duration(Lang::En, 1441), "24 hours 1 minute");
    }
}
