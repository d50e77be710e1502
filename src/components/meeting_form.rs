//! The meeting form, shared by "Create meeting" and "Change meeting": one set of fields, one
//! validation (the contract's), one draft type.

use std::future::Future;
use std::pin::Pin;

use chrono::Duration;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use meeting::local_time::meeting_times;
use meeting::{validate, CreateMeeting, Field, FieldError, Lang, Meeting};
use wasm_bindgen::JsCast;

use crate::api_failure::ApiFailure;
use crate::browser_time;
use crate::components::coorganizer_picker::CoorganizerPicker;
use crate::components::field::{CheckField, FieldErrors, InputField};
use crate::components::notice::{Notice, NoticeKind};
use crate::components::time_range::TimeRange;
use crate::draft::{self, Draft, Slot};
use crate::language::use_lang;
use crate::session::SessionState;
use crate::text::{self, text, Key};

/// How the form's request is sent (a create or a change), with its idempotency key. Boxed, not
/// generic: one copy of the form in the wasm serves both pages.
pub type Send = Box<dyn Fn(CreateMeeting, String) -> Pin<Box<dyn Future<Output = Answer>>>>;
/// What happens with the meeting the backend answered.
pub type Saved = Box<dyn Fn(Meeting)>;
type Answer = Result<Meeting, ApiFailure>;

/// A meeting's form: topic, times, password, co-organizers. Checked with the contract's rules
/// before anything is sent, saved as a draft in `kept_in` at every keystroke, and sent through
/// `send` with an idempotency key that stays the same while the same request is retried.
/// `saved` gets the meeting as the backend answered; the draft is gone by then. What the
/// backend refuses, and any failure, is shown here with every value kept.
#[component]
pub fn MeetingForm(
    id: &'static str,
    kept_in: Slot,
    draft: Draft,
    send: Send,
    saved: Saved,
    submit_label: Key,
    pending_label: Key,
    submit_id: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let subject = RwSignal::new(draft.subject);
    let date = RwSignal::new(draft.date);
    let start = RwSignal::new(draft.start);
    let end = RwSignal::new(draft.end);
    let password_required = RwSignal::new(draft.password_required);
    let coorganizers = RwSignal::new(draft.coorganizers);
    let form = move || Draft {
        subject: subject.get(),
        date: date.get(),
        start: start.get(),
        end: end.get(),
        password_required: password_required.get(),
        coorganizers: coorganizers.get(),
    };
    // Every keystroke is saved, so nothing typed is lost to a reload or a sign-in trip.
    // Stored, so the closures below that name it stay `Copy`.
    let slot = StoredValue::new(kept_in);
    // The demo's broken form is shown, never kept: the other scenarios start clean.
    #[cfg(debug_assertions)]
    let keep = crate::demo::broken_draft().is_none();
    #[cfg(not(debug_assertions))]
    let keep = true;
    Effect::new(move |_| {
        let draft = form();
        if keep {
            slot.with_value(|slot| draft.save(slot));
        }
    });

    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<String>);
    // A task and a flag rather than an `Action`, whose machinery costs first-load bytes for
    // what this needs: one request at a time, and its answer handled once.
    let pending = RwSignal::new(false);
    let (send, saved) = (StoredValue::new_local(send), StoredValue::new_local(saved));
    let answered = move |outcome: Result<Meeting, ApiFailure>| match outcome {
        Ok(meeting) => {
            slot.with_value(Draft::clear);
            saved.with_value(|saved| saved(meeting));
        }
        Err(ApiFailure::Rejected(rejection)) if !rejection.fields.is_empty() => {
            errors.set(
                rejection
                    .fields
                    .into_iter()
                    .map(|field| (field.field, field.message))
                    .collect(),
            );
            form_error.set(Some(text(lang, Key::CheckFields).to_owned()));
            focus_first_error(errors);
        }
        Err(failure) => {
            form_error.set(Some(text::failure(lang, &failure)));
            // A 401 shows the connect page, a missing licence its notice, in the form's place.
            session.note(&failure);
        }
    };

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        form_error.set(None);
        match untrack(form).to_request(lang) {
            Ok(meeting) => {
                errors.set(Vec::new());
                let key = slot.with_value(|slot| draft::idempotency_key_for(slot, &meeting));
                pending.set(true);
                let request = send.with_value(|send| send(meeting, key));
                leptos::task::spawn_local(async move {
                    let outcome = request.await;
                    // The form may be gone (signed out meanwhile): then nothing is left to tell.
                    if pending.try_set(false).is_none() {
                        answered(outcome);
                    }
                });
            }
            Err(problems) => {
                errors.set(problems);
                form_error.set(Some(text(lang, Key::CheckFields).to_owned()));
                focus_first_error(errors);
            }
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    // The demo of a form with errors sends it as soon as it is on screen.
    #[cfg(debug_assertions)]
    if crate::demo::broken_draft().is_some() {
        request_animation_frame(submit);
    }

    view! {
        <form id=id novalidate on:submit=on_submit>
            <InputField
                field=Field::Subject
                label=text(lang, Key::Topic)
                kind="text"
                value=subject
                errors
                hint=text(lang, Key::TopicHint)
                autocomplete="off"
                required=true
            />
            <TimeRange date start end errors/>
            <CheckField
                id="password-required"
                label=text(lang, Key::RequirePassword)
                hint=text(lang, Key::RequirePasswordHint)
                checked=password_required
            />
            <CoorganizerPicker selected=coorganizers errors/>
            {move || {
                form_error
                    .get()
                    .map(|message| {
                        view! {
                            <Notice kind=NoticeKind::Error id="form-error">
                                {message}
                            </Notice>
                        }
                    })
            }}
            <button id=submit_id type="submit" class="primary" disabled=move || pending.get()>
                {move || text(lang, if pending.get() { pending_label } else { submit_label })}
            </button>
        </form>
    }
}

/// The form's values as typed are a `Draft`, the very thing kept for later.
impl Draft {
    /// The request to send, or every problem at its field, judged by the contract's rules.
    fn to_request(&self, lang: Lang) -> Result<CreateMeeting, Vec<(Field, String)>> {
        let now = browser_time::now();
        let times = meeting_times(
            &self.date,
            &self.start,
            &self.end,
            &browser_time::offset_minutes_at,
        );
        // Without usable times, the other fields are still checked (against times that pass).
        let (starts_at, ends_at, mut problems) = match times {
            Ok(times) => (times.starts_at, times.ends_at, Vec::new()),
            Err(problems) => (now + Duration::hours(1), now + Duration::hours(2), problems),
        };
        let meeting = meeting::normalize(CreateMeeting {
            subject: self.subject.clone(),
            starts_at,
            ends_at,
            password_required: self.password_required,
            coorganizer_keys: self.coorganizers.iter().map(|o| o.key.clone()).collect(),
        });
        if let Err(more) = validate(&meeting, now) {
            problems.extend(more);
        }
        if problems.is_empty() {
            return Ok(meeting);
        }
        Err(problems
            .into_iter()
            .map(|FieldError { field, problem }| (field, problem.message(lang)))
            .collect())
    }
}

/// Moves focus to the first field with a message, so keyboard and screen-reader users land
/// where the fix is needed.
fn focus_first_error(errors: FieldErrors) {
    let order = [
        (Field::Subject, "subject"),
        (Field::Date, "date"),
        (Field::Start, "start"),
        (Field::End, "end"),
        (Field::Coorganizers, "coorganizer-search"),
    ];
    let first = order
        .into_iter()
        .find(|(field, _)| errors.message_untracked(*field).is_some());
    if let Some((_, id)) = first {
        if let Some(input) = document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    }
}
