//! "Meeting details": everything about one meeting, and what the person may do with it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use meeting::{Lang, Meeting, MeetingId, MeetingRole, Organizer};

use crate::between_pages::Flash;
use crate::browser_time;
use crate::components::cancel_meeting::CancelMeeting;
use crate::components::copy_button::CopyButton;
use crate::components::meeting_loader::MeetingLoader;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::start_meeting::StartMeeting;
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::text::{self, text, Key};
use leptos_router::components::A;

#[component]
pub fn MeetingDetailsPage() -> impl IntoView {
    view! { <MeetingLoader show=|meeting| view! { <Details meeting/> }.into_any()/> }
}

#[component]
fn Details(meeting: Meeting) -> impl IntoView {
    let lang = use_lang();
    set_title(&meeting.subject);
    let Meeting {
        id,
        subject,
        starts_at,
        ends_at,
        join_url,
        conference_call_info,
        password_required,
        coorganizers,
        role,
    } = meeting;
    let saved = Flash::take();
    let meeting_id = MeetingId::parse(&id);
    let ics = format!("/api/meetings/{id}/invite.ics");
    let grouped_id = meeting_id
        .as_ref()
        .map(MeetingId::display_grouped)
        .unwrap_or_else(|| id.clone());
    let controls = meeting_id.map(|id| {
        view! { <MeetingControls id role subject=subject.clone() starts_at/> }
    });
    let ends = ends_text(lang, starts_at, ends_at);
    let duration = text::duration(lang, (ends_at - starts_at).num_minutes());
    let coorganizers = coorganizer_list(lang, coorganizers);
    let row = |label: Key, id: &'static str, value: String| {
        view! {
            <dt>{text(lang, label)}</dt>
            <dd id=id>{value}</dd>
        }
    };
    view! {
        {saved
            .map(|message| {
                view! {
                    <Notice kind=NoticeKind::Info id="saved-note">
                        {message}
                    </Notice>
                }
            })}
        <section class="card details">
            <p class="label">{text(lang, Key::DetailsTitle)}</p>
            <h1 id="meeting-subject">{subject.clone()}</h1>
            {controls}
            <dl>
                {row(Key::DateLabel, "meeting-date", browser_time::format_date(lang, starts_at))}
                {row(Key::StartsLabel, "meeting-start", browser_time::format_time(lang, starts_at))}
                {row(Key::EndsLabel, "meeting-end", ends)}
                {row(Key::TimeZoneLabel, "meeting-zone", browser_time::zone_label(lang, starts_at))}
                {row(Key::DurationLabel, "meeting-duration", duration)}
                {row(Key::MeetingIdLabel, "meeting-id", grouped_id)}
                <dt>{text(lang, Key::JoinLink)}</dt>
                <dd>
                    <p class="join">
                        <a id="join-url" href=join_url.clone() target="_blank" rel="noopener external">
                            {join_url.clone()}
                        </a>
                    </p>
                    <CopyButton id="copy-join-url" value=join_url/>
                </dd>
                <dt>{text(lang, Key::DialInLabel)}</dt>
                <dd id="dial-in" class="dial-in">{conference_call_info}</dd>
                // GoTo never has the password from us: it asks the organizer when the meeting
                // starts, and the organizer shares it. Say so where the answer is "yes".
                <dt>{text(lang, Key::PasswordRequiredLabel)}</dt>
                <dd>
                    <span id="password-required">
                        {text(lang, if password_required { Key::Yes } else { Key::No })}
                    </span>
                    {password_required
                        .then(|| {
                            view! {
                                <p class="hint" id="password-required-note">
                                    {text(lang, Key::PasswordRequiredNote)}
                                </p>
                            }
                        })}
                </dd>
                <dt>{text(lang, Key::CoorganizersLabel)}</dt>
                <dd id="meeting-coorganizers">{coorganizers}</dd>
            </dl>
            <div class="actions">
                // rel=external: the backend serves the .ics file, not the app's router.
                <a id="add-to-calendar" class="button secondary" rel="external" download href=ics>
                    {text(lang, Key::AddToCalendar)}
                </a>
                <A href="/" exact=true {..} id="schedule-another" class="button">
                    {text(lang, Key::ScheduleAnother)}
                </A>
                <A href="/meetings" exact=true {..} id="to-my-meetings" class="button secondary">
                    {text(lang, Key::MyMeetings)}
                </A>
            </div>
        </section>
    }
}

/// What the person may do: the organizer everything, a co-organizer start (and is told why
/// not the rest), anyone else only look.
#[component]
fn MeetingControls(
    id: MeetingId,
    role: MeetingRole,
    subject: String,
    starts_at: DateTime<Utc>,
) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let flash = Flash::get();
    let cancelled_subject = subject.clone();
    let cancelled: std::rc::Rc<dyn Fn()> = std::rc::Rc::new(move || {
        flash.say(text::cancelled(lang, &cancelled_subject));
        navigate("/meetings", Default::default());
    });
    let note = match role {
        MeetingRole::Organizer => None,
        MeetingRole::Coorganizer => Some(Key::CoorganizerNote),
        MeetingRole::Viewer => Some(Key::ViewerNote),
    };
    view! {
        {note
            .map(|key| {
                view! {
                    <Notice kind=NoticeKind::Info id="role-note">
                        {text(lang, key)}
                    </Notice>
                }
            })}
        <div class="actions">
            {role.may_start().then(|| view! { <StartMeeting id=id.clone()/> })}
            {role
                .may_change()
                .then(|| {
                    view! {
                        <A href=format!("/meetings/{id}/edit") exact=true {..} id="change-meeting" class="button secondary">
                            {text(lang, Key::ChangeMeeting)}
                        </A>
                        <CancelMeeting id=id.clone() subject starts_at cancelled/>
                    }
                })}
        </div>
    }
}

/// The end: its time alone on the day the meeting starts, with its date on another.
fn ends_text(lang: Lang, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    if browser_time::same_local_day(starts_at, ends_at) {
        browser_time::format_time(lang, ends_at)
    } else {
        text::time_on_date(
            lang,
            &browser_time::format_time(lang, ends_at),
            &browser_time::format_date(lang, ends_at),
        )
    }
}

fn coorganizer_list(lang: Lang, coorganizers: Vec<Organizer>) -> AnyView {
    if coorganizers.is_empty() {
        return view! { <p>{text(lang, Key::NoCoorganizers)}</p> }.into_any();
    }
    view! {
        <ul class="plain">
            {coorganizers
                .into_iter()
                .map(|o| view! { <li title=o.email>{o.name}</li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}
