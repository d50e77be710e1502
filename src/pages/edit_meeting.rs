//! "Change meeting": the create form, filled in with the meeting as it is (or the change typed
//! earlier), with the same rules. Only the organizer gets the form; anyone else is told why.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use meeting::{Meeting, MeetingId};

use crate::api;
use crate::between_pages::Flash;
use crate::between_pages::JustCreated;
use crate::components::meeting_form::MeetingForm;
use crate::components::meeting_loader::MeetingLoader;
use crate::components::notice::{Notice, NoticeKind};
use crate::draft::{Draft, Slot};
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::text::{text, Key};

#[component]
pub fn EditMeetingPage() -> impl IntoView {
    view! { <MeetingLoader show=|meeting| view! { <Edit meeting/> }.into_any()/> }
}

#[component]
fn Edit(meeting: Meeting) -> impl IntoView {
    let lang = use_lang();
    let back = format!("/meetings/{}", meeting.id);
    let Some(id) = MeetingId::parse(&meeting.id).filter(|_| meeting.role.may_change()) else {
        set_title(text(lang, Key::NotOrganizerTitle));
        return view! {
            <section class="card" id="not-organizer">
                <h1>{text(lang, Key::NotOrganizerTitle)}</h1>
                <Notice kind=NoticeKind::Info id="role-note">
                    {text(
                        lang,
                        if meeting.role.may_start() { Key::CoorganizerNote } else { Key::ViewerNote },
                    )}
                </Notice>
                <A href=back exact=true {..} id="back-to-meeting" class="button">
                    {text(lang, Key::BackToMeeting)}
                </A>
            </section>
        }
        .into_any();
    };
    set_title(text(lang, Key::ChangeTitle));
    let JustCreated(just_saved) = expect_context::<JustCreated>();
    let navigate = use_navigate();
    let flash = Flash::get();
    let draft = Draft::load_change(&meeting);
    let saved = Box::new(move |meeting: Meeting| {
        let path = format!("/meetings/{}", meeting.id);
        just_saved.set(Some(meeting));
        flash.say(text(lang, Key::ChangesSaved).to_owned());
        navigate(&path, Default::default());
    });
    let send =
        Box::new(move |request, key| Box::pin(api::change_meeting(id.clone(), request, key)) as _);
    view! {
        <h1>{text(lang, Key::ChangeTitle)}</h1>
        <MeetingForm
            id="change-meeting-form"
            kept_in=Slot::Change(meeting.id.clone())
            draft
            send
            saved
            submit_label=Key::SaveChanges
            pending_label=Key::Saving
            submit_id="save-changes"
        />
        <div class="actions">
            <A href=back exact=true {..} id="back-to-meeting" class="button secondary">
                {text(lang, Key::BackToMeeting)}
            </A>
        </div>
    }
    .into_any()
}
