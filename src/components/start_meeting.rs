//! "Start meeting": GoTo's host address, asked for at the moment of the tap (it is short-lived)
//! and opened at once; never kept anywhere.

use leptos::prelude::*;
use meeting::MeetingId;

use crate::api;
use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::session::SessionState;
use crate::text::{self, text, Key};

#[component]
pub fn StartMeeting(id: MeetingId) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let starting = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    // A blocked window leaves the address for a link the person taps (a fresh gesture).
    let blocked = RwSignal::new(None::<String>);
    let start = move |_| {
        if starting.get_untracked() {
            return;
        }
        // The window opens now, within the tap: a window opened after the request answers
        // would no longer count as the person's doing, and browsers would block it.
        let opened = window()
            .open_with_url_and_target("about:blank", "_blank")
            .ok()
            .flatten();
        starting.set(true);
        failure.set(None);
        blocked.set(None);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match api::start_meeting(id).await {
                Ok(host_url) => match opened {
                    Some(opened) => {
                        // GoTo's page gets no handle back on this one.
                        let _ = opened.set_opener(&wasm_bindgen::JsValue::NULL);
                        let _ = opened.location().set_href(&host_url);
                    }
                    None => {
                        blocked.try_set(Some(host_url));
                    }
                },
                Err(error) => {
                    if let Some(opened) = opened {
                        let _ = opened.close();
                    }
                    session.note(&error);
                    failure.try_set(Some(text::failure(lang, &error)));
                }
            }
            starting.try_set(false);
        });
    };
    view! {
        <button
            id="start-meeting"
            type="button"
            class="primary"
            disabled=move || starting.get()
            on:click=start
        >
            {move || text(lang, if starting.get() { Key::Starting } else { Key::StartMeeting })}
        </button>
        {move || {
            blocked
                .get()
                .map(|host_url| {
                    view! {
                        <Notice kind=NoticeKind::Info id="start-blocked">
                            <p>{text(lang, Key::StartBlocked)}</p>
                            <a href=host_url target="_blank" rel="noopener noreferrer external">
                                {text(lang, Key::OpenInGoTo)}
                            </a>
                        </Notice>
                    }
                })
        }}
        {move || {
            failure
                .get()
                .map(|message| {
                    view! {
                        <Notice kind=NoticeKind::Error id="start-error">
                            {message}
                        </Notice>
                    }
                })
        }}
    }
}
