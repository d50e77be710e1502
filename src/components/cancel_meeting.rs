//! "Cancel meeting", with the question that names the meeting and its time before anything
//! is sent. Used by the details page and by each meeting of the list.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use leptos::html;
use leptos::prelude::*;
use meeting::MeetingId;

use crate::api;
use crate::browser_time;
use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::session::SessionState;
use crate::text::{self, text, Key};

/// The button, then the question. `cancelled` runs once GoTo no longer has the meeting (also
/// when it was already gone: cancelling twice is harmless). The controls' ids end in the
/// meeting's id, so several can share a page: `cancel-…`, `confirm-cancel-…`, `keep-…`.
#[component]
pub fn CancelMeeting(
    id: MeetingId,
    subject: String,
    starts_at: DateTime<Utc>,
    cancelled: Rc<dyn Fn()>,
) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let asking = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let open_button = NodeRef::<html::Button>::new();
    let confirm_button = NodeRef::<html::Button>::new();
    // Focus follows the question: onto "Yes" when it opens, back to the button when kept.
    let ask = move |open: bool| {
        asking.set(open);
        failure.set(None);
        request_animation_frame(move || {
            let button = if open { confirm_button } else { open_button };
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let meeting_id = id.clone();
    let confirm = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let (id, cancelled) = (meeting_id.clone(), cancelled.clone());
        leptos::task::spawn_local(async move {
            match api::cancel_meeting(id).await {
                Ok(()) => cancelled(),
                Err(error) => {
                    session.note(&error);
                    failure.try_set(Some(text::failure(lang, &error)));
                }
            }
            pending.try_set(false);
        });
    };
    let question = text::cancel_question(
        lang,
        &subject,
        &browser_time::format_date(lang, starts_at),
        &browser_time::format_time(lang, starts_at),
    );
    let id = id.as_str().to_owned();
    let question_id = format!("cancel-question-{id}");
    let labelled_by = question_id.clone();
    // Both parts stay in the page and are hidden in turn, so the focus has somewhere to go.
    view! {
        <div class="cancel">
            <button
                id=format!("cancel-{id}")
                type="button"
                class="secondary danger"
                node_ref=open_button
                aria-expanded=move || asking.get().to_string()
                hidden=move || asking.get()
                on:click=move |_| ask(true)
            >
                {text(lang, Key::CancelMeeting)}
            </button>
            <div class="confirm" role="group" aria-labelledby=labelled_by hidden=move || !asking.get()>
                <p id=question_id>{question}</p>
                {move || {
                    failure
                        .get()
                        .map(|message| view! { <Notice kind=NoticeKind::Error>{message}</Notice> })
                }}
                <div class="actions">
                    <button
                        id=format!("confirm-cancel-{id}")
                        type="button"
                        class="danger"
                        node_ref=confirm_button
                        disabled=move || pending.get()
                        on:click=confirm
                    >
                        {move || text(lang, if pending.get() { Key::Cancelling } else { Key::ConfirmCancel })}
                    </button>
                    <button
                        id=format!("keep-{id}")
                        type="button"
                        class="secondary"
                        disabled=move || pending.get()
                        on:click=move |_| ask(false)
                    >
                        {text(lang, Key::KeepMeeting)}
                    </button>
                </div>
            </div>
        </div>
    }
}
