//! "Create meeting": the brief's first page.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::between_pages::JustCreated;
use crate::components::meeting_form::MeetingForm;
use crate::draft::{Draft, Slot};
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::pages::no_licence::NoLicenceNotice;
use crate::session::Session;
use crate::session::SessionState;
use crate::text::{text, Key};

/// The create page's heading and lead, above the sign-in gate: the same for everyone. The
/// static shell (`index.html`) paints these two elements with the same words before the wasm
/// arrives, so the page's largest text is on screen at first paint and the app's copies take
/// their place without moving (the form below is smaller than the lead, on purpose: keep the
/// lead the largest block, or the page's largest paint waits for the wasm again).
#[component]
pub fn CreateIntro() -> impl IntoView {
    let lang = use_lang();
    view! {
        <h1>{text(lang, Key::CreateTitle)}</h1>
        <p class="lead">{text(lang, Key::CreateLead)}</p>
    }
}

/// "Create meeting": the form, or, for a person GoTo gives no GoToMeeting licence, why they
/// cannot schedule here, shown as soon as they are signed in rather than after they typed.
#[component]
pub fn CreateMeetingPage() -> impl IntoView {
    let session = expect_context::<SessionState>();
    // A memo, so the form (and what is typed in it) is rebuilt only if the licence changes.
    let unlicensed = Memo::new(move |_| match session.get() {
        Session::SignedIn(user) if !user.licensed => Some(user.email),
        _ => None,
    });
    move || match unlicensed.get() {
        Some(email) => view! { <NoLicenceNotice email/> }.into_any(),
        None => view! { <CreateForm/> }.into_any(),
    }
}

/// The new meeting's form: sent as a create, and on success the "New meeting" page.
#[component]
fn CreateForm() -> impl IntoView {
    set_title(text(use_lang(), Key::CreateTitle));
    let JustCreated(just_created) = expect_context::<JustCreated>();
    let navigate = use_navigate();
    let draft = Draft::load();
    #[cfg(debug_assertions)]
    let draft = crate::demo::broken_draft().unwrap_or(draft);
    let saved = Box::new(move |meeting: meeting::Meeting| {
        let path = format!("/meetings/{}/created", meeting.id);
        just_created.set(Some(meeting));
        navigate(&path, Default::default());
    });
    view! {
        <MeetingForm
            id="create-meeting"
            kept_in=Slot::New
            draft
            send=Box::new(|meeting, key| Box::pin(api::create_meeting(meeting, key)))
            saved
            submit_label=Key::Schedule
            pending_label=Key::Scheduling
            submit_id="create"
        />
    }
}
