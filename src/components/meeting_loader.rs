//! Loads the meeting a page shows: the one just made, or fetched by its id.

use leptos::prelude::*;
use meeting::{Meeting, MeetingId};

use crate::api;
use crate::api_failure::ApiFailure;
use crate::between_pages::JustCreated;
use crate::components::loader::load;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::pages::not_found::NotFound;
use crate::session::Session;
use crate::session::SessionState;
use crate::text::{self, text, Key};

/// Shows the meeting `id` through `show`: the one just made if it is that one, otherwise
/// fetched. An id that cannot exist, or one the backend does not know, is "not found".
/// `show` is a plain function, not a generic: one copy of the loader serves every page.
#[component]
pub fn MeetingLoader(show: fn(Meeting) -> AnyView) -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    // Built again for another id: a link from one meeting to another reuses the route.
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    move || load_meeting(id.get(), show)
}

fn load_meeting(id: String, show: fn(Meeting) -> AnyView) -> AnyView {
    let lang = use_lang();
    let Some(id) = MeetingId::parse(&id) else {
        return view! { <NotFound message=text(lang, Key::NotFoundMeeting)/> }.into_any();
    };
    if let Some(meeting) = JustCreated::matching(id.as_str()) {
        return show(meeting).into_any();
    }
    let session = expect_context::<SessionState>();
    let (meeting, load) = load(move || {
        let id = id.clone();
        async move {
            let answer = api::meeting(id).await;
            if let Err(failure) = &answer {
                session.note(failure);
            }
            answer
        }
    });
    // A 401 that came while the session was still being checked was not noted (see
    // `SessionState::note`). Should the check then say "signed in" (the session ended in
    // between, or GoTo refused its token even after a refresh), note it now: the gate shows
    // the connect page rather than this page loading for ever.
    Effect::new(move |_| {
        let refused = matches!(meeting.get(), Some(Err(ApiFailure::SignedOut)));
        if refused && matches!(session.get(), Session::SignedIn(_)) {
            session.note(&ApiFailure::SignedOut);
        }
    });
    (move || match meeting.get() {
        // Signed out: the sign-in gate around this page shows the connect page instead, as soon
        // as the session check (or the note of this 401) tells it.
        None | Some(Err(ApiFailure::SignedOut)) => view! { <Loading/> }.into_any(),
        Some(Ok(meeting)) => show(meeting).into_any(),
        Some(Err(ApiFailure::NotFound)) => {
            view! { <NotFound message=text(lang, Key::NotFoundMeeting)/> }.into_any()
        }
        Some(Err(failure)) => view! {
            <Notice kind=NoticeKind::Error id="meeting-error">
                <p>{text(lang, Key::MeetingLoadFailed)} " " {text::reference(lang, &failure)}</p>
                <button type="button" on:click=move |_| load()>
                    {text(lang, Key::TryAgain)}
                </button>
            </Notice>
        }
        .into_any(),
    })
    .into_any()
}
