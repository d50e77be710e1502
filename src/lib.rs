//! The meeting scheduler's single-page app: Leptos, rendered in the browser, talking to the
//! backend in `server/` through `api`. The rules and types it shares with that backend come
//! from the contract crate `meeting`.

pub mod api;
pub mod app;
pub mod browser_time;
pub mod components;
pub mod draft;
pub mod pages;
pub mod text;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use meeting::Lang;

use crate::app::{Header, JustCreated, SessionState, SignedIn};
use crate::pages::create_meeting::CreateMeetingPage;
use crate::pages::meeting_created::MeetingCreatedPage;
use crate::pages::meeting_details::MeetingDetailsPage;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn App() -> impl IntoView {
    provide_context(Lang::En);
    SessionState::provide();
    JustCreated::provide();
    view! {
        <Router>
            <Header/>
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
        </Router>
    }
}
