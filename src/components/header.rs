//! The app's header: the product name, the link to the list, the person and "Sign out", and
//! the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::language::LanguageSwitch;
use crate::session::{Session, SessionState};
use crate::text::{text, Key};

/// The same header the static shell in `index.html` paints before the wasm arrives (the
/// product name and the link to the list), plus the person's name and the sign-out button
/// once the session is known, and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let user = move || match session.get() {
        Session::SignedIn(user) => Some(user),
        _ => None,
    };
    view! {
        <header class="bar">
            <A href="/" exact=true {..} class="brand">
                {text(lang, Key::ProductName)}
            </A>
            // Always here, signed in or not (the list asks a stranger to connect first): the
            // shell paints it too, so on a phone, where it opens the header's second row, that
            // row is there from the first paint and nothing below it moves when the app starts.
            <A href="/meetings" exact=true {..} id="my-meetings-link" class="nav">
                {text(lang, Key::MyMeetings)}
            </A>
            // The language switch comes last, at the right edge, so the name and "Sign out"
            // appearing once the session check answers do not move it (a layout shift
            // Lighthouse measured when it came first).
            {move || {
                user()
                    .map(|user| {
                        view! {
                            <span class="who" title=user.email.clone()>
                                {user.name.clone()}
                            </span>
                            <button
                                id="sign-out"
                                type="button"
                                class="quiet"
                                on:click=move |_| session.sign_out()
                                disabled=move || session.signing_out()
                            >
                                {move || {
                                    text(
                                        lang,
                                        if session.signing_out() { Key::SigningOut } else { Key::SignOut },
                                    )
                                }}
                            </button>
                        }
                    })
            }}
            <LanguageSwitch/>
        </header>
        <Show when=move || session.sign_out_failed()>
            <Notice kind=NoticeKind::Error id="sign-out-error">
                {text(lang, Key::SignOutFailed)}
            </Notice>
        </Show>
    }
}
