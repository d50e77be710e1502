use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api;
use crate::app::{set_title, SignedOutWhy};
use crate::text::{text, use_lang, Key};

/// What a person who is not signed in sees: why to connect, and the link that does it. The
/// link comes back to the page they were on, where their draft is waiting.
#[component]
pub fn SignedOutPage(why: SignedOutWhy) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let href = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let return_to = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        api::login_href(&return_to)
    };
    let (title, lead) = match why {
        SignedOutWhy::NotConnected => (Key::ConnectTitle, Key::ConnectLead),
        SignedOutWhy::SignedOut => (Key::SignedOutTitle, Key::SignedOutLead),
        SignedOutWhy::Expired => (Key::ExpiredTitle, Key::ExpiredLead),
    };
    set_title(text(lang, title));
    view! {
        <section id="signed-out" class="card">
            <h1>{text(lang, title)}</h1>
            <p>{text(lang, lead)}</p>
            // rel=external: the backend answers this address, not the app's router.
            <a id="connect" class="button" rel="external" href=href>
                {text(lang, Key::ConnectButton)}
            </a>
        </section>
    }
}
