//! The meeting scheduler's single-page app: Leptos, rendered in the browser, talking to the
//! backend in `server/` through `api`. The rules and types it shares with that backend come
//! from the contract crate `meeting`.

pub mod api;
pub mod app;
pub mod browser_time;
pub mod components;
#[cfg(debug_assertions)]
pub mod demo;
pub mod draft;
pub mod language;
pub mod pages;
pub mod text;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::app::{Header, JustCreated, SessionState, SignedIn};
use crate::language::Language;
use crate::pages::create_meeting::CreateMeetingPage;
use crate::pages::meeting_created::MeetingCreatedPage;
use crate::pages::meeting_details::MeetingDetailsPage;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn App() -> impl IntoView {
    #[cfg(debug_assertions)]
    demo::enter();
    let language = Language::provide();
    SessionState::provide();
    JustCreated::provide();
    // A change of language rebuilds the frame and the page in the new one. The session and the
    // meeting just made live above, and the draft in storage, so nothing is asked for again.
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
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route
                        path=path!("/")
                        view=|| view! { <SignedIn><CreateMeetingPage/></SignedIn> }
                    />
                    <Route
                        path=path!("/meetings/:id/created")
                        view=|| view! { <SignedIn><MeetingCreatedPage/></SignedIn> }
                    />
                    <Route
                        path=path!("/meetings/:id")
                        view=|| view! { <SignedIn><MeetingDetailsPage/></SignedIn> }
                    />
                </Routes>
            </main>
    }
}
