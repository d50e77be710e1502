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
pub mod json;
pub mod language;
pub mod pages;
pub mod router;
pub mod text;

use leptos::prelude::*;

use crate::app::{Header, JustCreated, SessionState, SignedIn};
use crate::language::Language;
use crate::pages::create_meeting::{CreateIntro, CreateMeetingPage};
use crate::pages::meeting_created::MeetingCreatedPage;
use crate::pages::meeting_details::MeetingDetailsPage;
use crate::pages::not_found::NotFoundPage;
use crate::router::{Location, Page};

#[component]
pub fn App() -> impl IntoView {
    #[cfg(debug_assertions)]
    demo::enter();
    let language = Language::provide();
    SessionState::provide();
    JustCreated::provide();
    Location::provide();
    // A change of language rebuilds the frame and the page in the new one. The session, the
    // address and the meeting just made live above, and the draft in storage, so nothing is
    // asked for again.
    move || {
        language.get();
        view! { <Frame/> }
    }
}

#[component]
fn Frame() -> impl IntoView {
    let page = crate::router::use_location().page();
    view! {
            <Header/>
            {
                #[cfg(debug_assertions)]
                view! { <demo::DemoBanner/> }
            }
            <main class="page">
                {move || match page.get() {
                    Page::Create => {
                        view! {
                            <CreateIntro/>
                            <SignedIn under_heading=true>
                                <CreateMeetingPage/>
                            </SignedIn>
                        }
                            .into_any()
                    }
                    Page::Created(id) => {
                        view! {
                            <SignedIn alongside_check=true>
                                <MeetingCreatedPage id=id.clone()/>
                            </SignedIn>
                        }
                            .into_any()
                    }
                    Page::Details(id) => {
                        view! {
                            <SignedIn alongside_check=true>
                                <MeetingDetailsPage id=id.clone()/>
                            </SignedIn>
                        }
                            .into_any()
                    }
                    Page::NotFound => view! { <NotFoundPage/> }.into_any(),
                }}
            </main>
    }
}
