//! The connect page: why to connect, and the link that does it (in a frame, through the
//! popup of `sign_in_popup`).

use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api;
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::pages::sign_in_popup::{self, in_frame, Popup};
use crate::session::SessionState;
use crate::session::SignedOutWhy;
use crate::text::{text, Key};

/// What a person who is not signed in sees: why to connect, and the link that does it. The
/// link comes back to the page they were on, where their draft is waiting. Inside a frame the
/// sign-in runs in a popup instead, and this page picks up once the popup reports back.
/// `under_heading`: below the page's own heading (the create page's), so its title is an
/// `h2`, and a first visit's says what to do rather than repeat the page's heading.
#[component]
pub fn SignedOutPage(why: SignedOutWhy, #[prop(optional)] under_heading: bool) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let location = use_location();
    let href = move || {
        let (path, search) = (location.pathname.get(), location.search.get());
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        api::login_href(&here)
    };
    // A random value only this frame knows, carried by the popup's sign-in address: the
    // backend hands the session code over only with it (a UUID is URL-safe as it is).
    let nonce = StoredValue::new(crate::random_key::new_key());
    let popup_href = move || format!("{}&popup=1&nonce={}", href(), nonce.get_value());
    let framed = in_frame();
    let popup = RwSignal::new(Popup::Closed);
    let popup_window = sign_in_popup::listen(popup, nonce, framed, session);
    let connect = move |event: ev::MouseEvent| {
        if framed {
            event.prevent_default();
            sign_in_popup::open(popup, &popup_window, &popup_href());
        }
    };

    let (title, lead) = match why {
        SignedOutWhy::NotConnected => (Key::ConnectTitle, Key::ConnectLead),
        SignedOutWhy::SignedOut => (Key::SignedOutTitle, Key::SignedOutLead),
        SignedOutWhy::Expired => (Key::ExpiredTitle, Key::ExpiredLead),
    };
    set_title(text(lang, title));
    // Under the create page's heading and lead, a first visit's card says only what is left to
    // know, briefly: kept shorter than that lead, which stays the page's largest paint.
    let lead = if under_heading && why == SignedOutWhy::NotConnected {
        Key::ConnectFirstLead
    } else {
        lead
    };
    let heading = if under_heading {
        let title = if why == SignedOutWhy::NotConnected {
            Key::ConnectFirst
        } else {
            title
        };
        view! { <h2>{text(lang, title)}</h2> }.into_any()
    } else {
        view! { <h1>{text(lang, title)}</h1> }.into_any()
    };
    view! {
        <section id="signed-out" class="card">
            {heading}
            <p>{text(lang, lead)}</p>
            // rel=external: the backend answers this address, not the app's router.
            <a id="connect" class="button" rel="external" href=href on:click=connect>
                {text(lang, Key::ConnectButton)}
            </a>
            {sign_in_popup::notice(lang, popup, popup_href, session)}
        </section>
    }
}
