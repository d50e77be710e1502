//! The meeting scheduler's single-page app: Leptos, rendered in the browser, talking to the
//! backend in `server/` through `api`. The rules and types it shares with that backend come
//! from the contract crate `meeting`.

pub mod api;
pub mod api_failure;
pub mod between_pages;
pub mod browser_time;
pub mod components;
#[cfg(debug_assertions)]
pub mod demo;
pub mod draft;
pub mod early_fetch;
pub mod js_method;
pub mod json;
pub mod language;
pub mod page_title;
pub mod pages;
pub mod random_key;
pub mod session;
pub mod storage_access;
pub mod text;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use crate::between_pages::{Flash, JustCreated};
use crate::components::header::Header;
use crate::components::signed_in::SignedIn;
use crate::language::Language;
use crate::pages::create_meeting::{CreateIntro, CreateMeetingPage};
use crate::pages::edit_meeting::EditMeetingPage;
use crate::pages::meeting_created::MeetingCreatedPage;
use crate::pages::meeting_details::MeetingDetailsPage;
use crate::pages::my_meetings::MyMeetingsPage;
use crate::pages::not_found::NotFoundPage;
use crate::session::SessionState;

#[component]
pub fn App() -> impl IntoView {
    #[cfg(debug_assertions)]
    demo::enter();
    let language = Language::provide();
    SessionState::provide();
    JustCreated::provide();
    Flash::provide();
    // A change of language rebuilds the frame and the page in the new one. The session, the
    // address (the router) and the meeting just made live above, and the drafts in storage,
    // so nothing is asked for again.
    view! {
        <Router>
            {move || {
                language.get();
                view! { <Frame/> }
            }}
        </Router>
    }
}

#[component]
fn Frame() -> impl IntoView {
    view! {
        <Header/>
        {
            #[cfg(debug_assertions)]
            view! { <demo::DemoBanner/> }
        }
        <main class="page">
            <FlatRoutes fallback=NotFoundPage>
                <Route path=path!("/") view=CreateRoute/>
                <Route path=path!("/meetings") view=MyMeetingsRoute/>
                <Route path=path!("/meetings/:id") view=DetailsRoute/>
                <Route path=path!("/meetings/:id/created") view=CreatedRoute/>
                <Route path=path!("/meetings/:id/edit") view=EditRoute/>
            </FlatRoutes>
        </main>
    }
}

#[component]
fn CreateRoute() -> impl IntoView {
    view! {
        <CreateIntro/>
        <SignedIn under_heading=true>
            <CreateMeetingPage/>
        </SignedIn>
    }
}

#[component]
fn MyMeetingsRoute() -> impl IntoView {
    view! {
        <SignedIn alongside_check=true>
            <MyMeetingsPage/>
        </SignedIn>
    }
}

// A meeting's pages start alongside the session check and show their own loading state. Each
// reads the `:id` of the address itself (`MeetingLoader`), so one meeting's details linking
// to another's loads the other.

#[component]
fn DetailsRoute() -> impl IntoView {
    view! {
        <SignedIn alongside_check=true>
            <MeetingDetailsPage/>
        </SignedIn>
    }
}

#[component]
fn CreatedRoute() -> impl IntoView {
    view! {
        <SignedIn alongside_check=true>
            <MeetingCreatedPage/>
        </SignedIn>
    }
}

#[component]
fn EditRoute() -> impl IntoView {
    view! {
        <SignedIn alongside_check=true>
            <EditMeetingPage/>
        </SignedIn>
    }
}
