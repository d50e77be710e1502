//! "My meetings": the person's upcoming meetings, grouped by day in their own time zone, each
//! with its time, topic, co-organizers and join link, to open, change or cancel.

use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use meeting::{MeetingId, UpcomingMeeting};

use crate::api;
use crate::api_failure::ApiFailure;
use crate::between_pages::Flash;
use crate::browser_time;
use crate::components::cancel_meeting::CancelMeeting;
use crate::components::loader::load;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::session::SessionState;
use crate::text::{self, text, Key};

#[component]
pub fn MyMeetingsPage() -> impl IntoView {
    let lang = use_lang();
    set_title(text(lang, Key::MyMeetings));
    let session = expect_context::<SessionState>();
    // Asked for each time the page opens: GoTo's list is the truth, and a meeting changed or
    // cancelled elsewhere shows as it is now.
    let (meetings, reload) = load(move || async move {
        let answer = api::upcoming_meetings().await;
        if let Err(failure) = &answer {
            session.note(failure);
        }
        answer
    });
    // What was just done here ("… is cancelled."), read out politely.
    let status = RwSignal::new(Flash::take());
    let heading = NodeRef::<html::H1>::new();
    let cancelled = move |id: String, subject: String| {
        status.set(Some(text::cancelled(lang, &subject)));
        // Gone from the list at once; the next visit asks GoTo again.
        meetings.update(|answer| {
            if let Some(Ok(list)) = answer {
                list.retain(|m| m.id != id);
            }
        });
        // The button that had focus is gone with its meeting: the page's heading takes it.
        if let Some(heading) = heading.get_untracked() {
            let _ = heading.focus();
        }
    };
    view! {
        <h1 tabindex="-1" node_ref=heading>{text(lang, Key::MyMeetingsTitle)}</h1>
        <p class="lead">{text(lang, Key::MyMeetingsLead)}</p>
        {move || {
            status
                .get()
                .map(|message| {
                    view! {
                        <Notice kind=NoticeKind::Info id="list-status">
                            {message}
                        </Notice>
                    }
                })
        }}
        {move || match meetings.get() {
            None | Some(Err(ApiFailure::SignedOut)) => view! { <Loading/> }.into_any(),
            Some(Err(failure)) => {
                view! {
                    <Notice kind=NoticeKind::Error id="meetings-error">
                        <p>{text(lang, Key::MeetingsLoadFailed)} " " {text::reference(lang, &failure)}</p>
                        <button type="button" id="meetings-retry" on:click=move |_| reload()>
                            {text(lang, Key::TryAgain)}
                        </button>
                    </Notice>
                }
                    .into_any()
            }
            Some(Ok(list)) if list.is_empty() => {
                view! {
                    <section class="card" id="no-meetings">
                        <p>{text(lang, Key::NoMeetings)}</p>
                        <A href="/" exact=true {..} class="button">
                            {text(lang, Key::BackHome)}
                        </A>
                    </section>
                }
                    .into_any()
            }
            Some(Ok(list)) => view! { <Days list cancelled/> }.into_any(),
        }}
    }
}

/// The meetings under one heading per local day, soonest first.
#[component]
fn Days<F>(list: Vec<UpcomingMeeting>, cancelled: F) -> impl IntoView
where
    F: Fn(String, String) + Clone + 'static,
{
    let lang = use_lang();
    let mut days: Vec<(String, Vec<UpcomingMeeting>)> = Vec::new();
    for meeting in list {
        let day = browser_time::format_date(lang, meeting.starts_at);
        match days.last_mut() {
            Some((last, meetings)) if *last == day => meetings.push(meeting),
            _ => days.push((day, vec![meeting])),
        }
    }
    view! {
        <div id="meeting-list">
            {days
                .into_iter()
                .map(|(day, meetings)| {
                    let cancelled = cancelled.clone();
                    view! {
                        <section class="day">
                            <h2>{day}</h2>
                            <ul class="plain meetings">
                                {meetings
                                    .into_iter()
                                    .map(|meeting| view! { <Item meeting cancelled=cancelled.clone()/> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Item<F>(meeting: UpcomingMeeting, cancelled: F) -> impl IntoView
where
    F: Fn(String, String) + Clone + 'static,
{
    let lang = use_lang();
    let UpcomingMeeting {
        id,
        subject,
        starts_at,
        ends_at,
        join_url,
        coorganizers,
        ..
    } = meeting;
    let ends = browser_time::format_time(lang, ends_at);
    let ends = if browser_time::same_local_day(starts_at, ends_at) {
        ends
    } else {
        text::time_on_date(lang, &ends, &browser_time::format_date(lang, ends_at))
    };
    let when = format!("{} – {ends}", browser_time::format_time(lang, starts_at));
    let people = match coorganizers {
        None => Some(text(lang, Key::CoorganizersUnknown).to_owned()),
        Some(people) if people.is_empty() => None,
        Some(people) => Some(text::with_people(
            lang,
            &people.into_iter().map(|o| o.name).collect::<Vec<_>>(),
        )),
    };
    let title_id = format!("title-{id}");
    let actions = MeetingId::parse(&id).map(|meeting_id| {
        let gone = id.clone();
        let gone_subject = subject.clone();
        view! {
            <div class="actions">
                <A href=format!("/meetings/{id}/edit") exact=true {..} id=format!("change-{id}") class="button secondary" aria-describedby=title_id.clone()>
                    {text(lang, Key::ChangeMeeting)}
                </A>
                <CancelMeeting
                    id=meeting_id
                    subject=subject.clone()
                    starts_at
                    cancelled=std::rc::Rc::new(move || cancelled(gone.clone(), gone_subject.clone()))
                />
            </div>
        }
    });
    view! {
        <li class="card meeting-item" id=format!("meeting-{id}")>
            <p class="when">{when}</p>
            <h3 id=title_id.clone()>
                <A href=format!("/meetings/{id}") exact=true>
                    {subject.clone()}
                </A>
            </h3>
            {people.map(|people| view! { <p class="with">{people}</p> })}
            <p class="join">
                <a href=join_url.clone() target="_blank" rel="noopener external">
                    {join_url.clone()}
                </a>
            </p>
            {actions}
        </li>
    }
}
