use leptos::prelude::*;
use meeting::{Meeting, MeetingId};

use crate::api::{self, ApiFailure};
use crate::app::{JustCreated, Loading, Session, SessionState};
use crate::components::notice::{Notice, NoticeKind};
use crate::pages::not_found::NotFound;
use crate::text::{self, text, use_lang, Key};

/// Shows the meeting `id` through `show`: the one just made if it is that one, otherwise
/// fetched. An id that cannot exist, or one the backend does not know, is "not found".
#[component]
pub fn MeetingLoader<S, V>(id: String, show: S) -> impl IntoView
where
    S: Fn(Meeting) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let Some(id) = MeetingId::parse(&id) else {
        return view! { <NotFound message=text(lang, Key::NotFoundMeeting)/> }.into_any();
    };
    if let Some(meeting) = JustCreated::matching(id.as_str()) {
        return show(meeting).into_any();
    }
    let session = expect_context::<SessionState>();
    // A signal filled by a task rather than a LocalResource: the id never changes here, and
    // the resource's machinery cost about 2 KB of the first load for this one use. Every load
    // runs untracked under this component's owner, so leaving the page aborts the request
    // (api.rs), also for the load "Try again" starts from a view that the load replaces.
    let meeting = RwSignal::new(None::<Result<Meeting, ApiFailure>>);
    let owner = Owner::current();
    let load = move || {
        meeting.set(None);
        let id = id.clone();
        let task = async move {
            let answer = api::meeting(id).await;
            if let Err(failure) = &answer {
                session.note(failure);
            }
            meeting.try_set(Some(answer));
        };
        let start = move || untrack(|| leptos::task::spawn_local_scoped(task));
        match &owner {
            Some(owner) => owner.with(start),
            None => start(),
        }
    };
    load();
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
        Some(Err(failure)) => {
            let load = load.clone();
            view! {
                <Notice kind=NoticeKind::Error id="meeting-error">
                    <p>{text(lang, Key::MeetingLoadFailed)} " " {text::reference(lang, &failure)}</p>
                    <button type="button" on:click=move |_| load()>
                        {text(lang, Key::TryAgain)}
                    </button>
                </Notice>
            }
            .into_any()
        }
    })
    .into_any()
}
