//! "New meeting": the meeting just made and its link to share.

use leptos::prelude::*;
use meeting::Meeting;

use crate::browser_time;
use crate::components::copy_button::CopyButton;
use crate::components::meeting_loader::MeetingLoader;
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::text::{self, text, Key};
use leptos_router::components::A;

/// "New meeting": it worked, here is the link to share.
#[component]
pub fn MeetingCreatedPage() -> impl IntoView {
    view! { <MeetingLoader show=|meeting| view! { <Created meeting/> }.into_any()/> }
}

#[component]
fn Created(meeting: Meeting) -> impl IntoView {
    let lang = use_lang();
    set_title(text(lang, Key::CreatedHeading));
    let starts = text::starts_on(
        lang,
        &browser_time::format_date(lang, meeting.starts_at),
        &browser_time::format_time(lang, meeting.starts_at),
        &browser_time::zone_label(lang, meeting.starts_at),
    );
    view! {
        <section class="card created">
            <h1 id="created-title">{text::created_title(lang, &meeting.subject)}</h1>
            <p id="created-when">{starts}</p>
            <p class="label">{text(lang, Key::JoinLink)}</p>
            <p class="join">
                <a id="join-url" href=meeting.join_url.clone() target="_blank" rel="noopener external">
                    {meeting.join_url.clone()}
                </a>
            </p>
            <CopyButton id="copy-join-url" value=meeting.join_url.clone()/>
            <div class="actions">
                <A href=format!("/meetings/{}", meeting.id) exact=true {..} id="view-details" class="button">
                    {text(lang, Key::ViewDetails)}
                </A>
                <A href="/" exact=true {..} id="schedule-another" class="button secondary">
                    {text(lang, Key::ScheduleAnother)}
                </A>
                <A href="/meetings" exact=true {..} id="to-my-meetings" class="button secondary">
                    {text(lang, Key::MyMeetings)}
                </A>
            </div>
        </section>
    }
}
