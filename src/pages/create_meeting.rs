use crate::router::use_location;
use chrono::Duration;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use meeting::local_time::{format_offset, meeting_times};
use meeting::{validate, CreateMeeting, Field, FieldError, Lang, Organizer};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiFailure};
use crate::app::{set_title, JustCreated, Session, SessionState};
use crate::browser_time;
use crate::components::coorganizer_picker::CoorganizerPicker;
use crate::components::field::{CheckField, FieldErrors, InputField};
use crate::components::notice::{Notice, NoticeKind};
use crate::components::time_range::TimeRange;
use crate::draft::{self, Draft};
use crate::pages::no_licence::NoLicenceNotice;
use crate::text::{self, text, use_lang, Key};

/// The create page's heading and lead, above the sign-in gate: the same for everyone. The
/// static shell (`index.html`) paints these two elements with the same words before the wasm
/// arrives, so the page's largest text is on screen at first paint and the app's copies take
/// their place without moving (the form below is smaller than the lead, on purpose: keep the
/// lead the largest block, or the page's largest paint waits for the wasm again).
#[component]
pub fn CreateIntro() -> impl IntoView {
    let lang = use_lang();
    view! {
        <h1>{text(lang, Key::CreateTitle)}</h1>
        <p class="lead">{text(lang, Key::CreateLead)}</p>
    }
}

/// "Create meeting": the form, or, for a person GoTo gives no GoToMeeting licence, why they
/// cannot schedule here, shown as soon as they are signed in rather than after they typed.
#[component]
pub fn CreateMeetingPage() -> impl IntoView {
    let session = expect_context::<SessionState>();
    // A memo, so the form (and what is typed in it) is rebuilt only if the licence changes.
    let unlicensed = Memo::new(move |_| match session.get() {
        Session::SignedIn(user) if !user.licensed => Some(user.email),
        _ => None,
    });
    move || match unlicensed.get() {
        Some(email) => view! { <NoLicenceNotice email/> }.into_any(),
        None => view! { <CreateForm/> }.into_any(),
    }
}

/// The form, checked with the contract's rules before anything is sent.
#[component]
fn CreateForm() -> impl IntoView {
    let lang = use_lang();
    set_title(text(lang, Key::CreateTitle));
    let session = expect_context::<SessionState>();
    let JustCreated(just_created) = expect_context::<JustCreated>();
    let location = use_location();

    let draft = Draft::load();
    #[cfg(debug_assertions)]
    let draft = crate::demo::broken_draft().unwrap_or(draft);
    let subject = RwSignal::new(draft.subject);
    let date = RwSignal::new(draft.date);
    let start = RwSignal::new(draft.start);
    let end = RwSignal::new(draft.end);
    let password_required = RwSignal::new(draft.password_required);
    let coorganizers = RwSignal::new(draft.coorganizers);
    let form = move || Form {
        subject: subject.get(),
        date: date.get(),
        start: start.get(),
        end: end.get(),
        password_required: password_required.get(),
        coorganizers: coorganizers.get(),
    };
    // Every keystroke is saved, so nothing typed is lost to a reload or a sign-in trip.
    Effect::new(move |_| form().to_draft().save());

    let times = Memo::new(move |_| {
        meeting_times(
            &date.get(),
            &start.get(),
            &end.get(),
            &browser_time::offset_minutes_at,
        )
        .ok()
    });
    let zone = Signal::derive(move || {
        let at = times
            .get()
            .map_or_else(browser_time::now, |times| times.starts_at);
        text::times_in_zone(lang, &browser_time::zone_label(lang, at))
    });
    let ends_next_day = Signal::derive(move || {
        times
            .get()
            .filter(|times| times.ends_next_day)
            .map(|times| text::ends_next_day(lang, &browser_time::format_time(lang, times.ends_at)))
    });
    let repeated_hour = Signal::derive(move || {
        let times = times.get()?;
        let offset = times
            .start_ambiguous_offset
            .or(times.end_ambiguous_offset)?;
        Some(text::repeated_hour(lang, &format_offset(offset)))
    });

    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<String>);
    let create = Action::new_local(|(meeting, key): &(CreateMeeting, String)| {
        api::create_meeting(meeting.clone(), key.clone())
    });
    let pending = create.pending();

    Effect::new(move |_| {
        let Some(outcome) = create.value().get() else {
            return;
        };
        match outcome {
            Ok(meeting) => {
                Draft::clear();
                let path = format!("/meetings/{}/created", meeting.id);
                just_created.set(Some(meeting));
                location.navigate(&path);
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
        }
    });

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        form_error.set(None);
        match untrack(form).to_request(lang) {
            Ok(meeting) => {
                errors.set(Vec::new());
                let key = draft::idempotency_key_for(&meeting);
                create.dispatch((meeting, key));
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
        <form id="create-meeting" novalidate on:submit=on_submit>
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
            <TimeRange date start end errors zone ends_next_day repeated_hour/>
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
            <button id="create" type="submit" class="primary" disabled=move || pending.get()>
                {move || text(lang, if pending.get() { Key::Scheduling } else { Key::Schedule })}
            </button>
        </form>
    }
}

/// The form's values as typed.
#[derive(Clone, Debug, PartialEq)]
struct Form {
    subject: String,
    date: String,
    start: String,
    end: String,
    password_required: bool,
    coorganizers: Vec<Organizer>,
}

impl Form {
    fn to_draft(&self) -> Draft {
        Draft {
            subject: self.subject.clone(),
            date: self.date.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            password_required: self.password_required,
            coorganizers: self.coorganizers.clone(),
        }
    }

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
        let meeting = CreateMeeting {
            subject: self.subject.trim().to_owned(),
            starts_at,
            ends_at,
            password_required: self.password_required,
            coorganizer_keys: self.coorganizers.iter().map(|o| o.key.clone()).collect(),
        };
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
