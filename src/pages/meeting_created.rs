use leptos::prelude::*;
use leptos::Params;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;
use meeting::Meeting;

use crate::app::set_title;
use crate::browser_time;
use crate::components::copy_button::CopyButton;
use crate::components::meeting_loader::MeetingLoader;
use crate::text::{self, text, use_lang, Key};

#[derive(Params, Clone, Debug, PartialEq)]
pub struct MeetingParams {
    pub id: Option<String>,
}

/// The id in the address, or an empty string (which no meeting has).
pub fn use_meeting_id() -> Memo<String> {
    let params = use_params::<MeetingParams>();
    Memo::new(move |_| {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|params| params.id.clone())
            .unwrap_or_default()
    })
}

/// "New meeting": it worked, here is the link to share.
#[component]
pub fn MeetingCreatedPage() -> impl IntoView {
    let id = use_meeting_id();
    move || view! { <MeetingLoader id=id.get() show=|meeting| view! { <Created meeting/> }/> }
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
                <A href=format!("/meetings/{}", meeting.id) attr:id="view-details" attr:class="button">
                    {text(lang, Key::ViewDetails)}
                </A>
                <A href="/" attr:id="schedule-another" attr:class="button secondary">
                    {text(lang, Key::ScheduleAnother)}
                </A>
            </div>
        </section>
    }
}
