//! The co-organizer field: a combobox with a listbox popup (WAI-ARIA APG pattern) over the
//! backend's organizer search, and the people picked shown as removable chips.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use meeting::validation::COORGANIZERS_MAX;
use meeting::{Field, Lang, Organizer};
use wasm_bindgen::JsCast;

use crate::api;
use crate::api_failure::ApiFailure;
use crate::components::chips::Chips;
use crate::components::combobox_keys::{on_key, Action, Combo};
use crate::components::field::{error_id, FieldErrors, FieldMessage};
use crate::components::loader::follow;
use crate::components::organizer_filter::roughly_matches;
use crate::language::use_lang;
use crate::session::SessionState;
use crate::text::{self, text, Key};

/// How long typing must pause before the backend is asked.
const SEARCH_PAUSE: Duration = Duration::from_millis(250);

const INPUT_ID: &str = "coorganizer-search";
const LISTBOX_ID: &str = "coorganizer-listbox";

fn option_id(index: usize) -> String {
    format!("coorganizer-option-{index}")
}

fn element<T: JsCast>(id: &str) -> Option<T> {
    document().get_element_by_id(id)?.dyn_into().ok()
}

#[component]
pub fn CoorganizerPicker(selected: RwSignal<Vec<Organizer>>, errors: FieldErrors) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let combo = Combobox::new();
    let Combobox {
        typed,
        query,
        open,
        active,
    } = combo;

    let retries = RwSignal::new(0u32);
    let found = search(query, retries, session);

    let at_limit = Memo::new(move |_| selected.with(Vec::len) >= COORGANIZERS_MAX);
    // The backend's answer without the people already picked (and nobody at the limit).
    // While the answer to what is typed now is on its way, the previous one stays on screen
    // (no flicker) but narrowed to what still matches the text, so the option someone
    // highlights and picks is never one the text has ruled out.
    let options = Memo::new(move |_| {
        if at_limit.get() {
            return Vec::new();
        }
        let Some(Ok((asked, people))) = found.get() else {
            return Vec::new();
        };
        let typed = typed.get();
        let stale = asked.trim() != typed.trim();
        selected.with(|chosen| {
            people
                .into_iter()
                .filter(|o| !chosen.iter().any(|c| c.key == o.key))
                .filter(|o| !stale || roughly_matches(&typed, o))
                .collect::<Vec<_>>()
        })
    });
    let expanded = move || open.get() && options.with(|o| !o.is_empty());
    keep_active_person(options, active);
    keep_active_in_view(active);

    let focus_input = move || {
        if let Some(input) = element::<web_sys::HtmlElement>(INPUT_ID) {
            let _ = input.focus();
        }
    };
    let pick = move |person: Organizer| {
        selected.update(|chosen| {
            if chosen.len() < COORGANIZERS_MAX && !chosen.iter().any(|c| c.key == person.key) {
                chosen.push(person);
            }
        });
        errors.clear(Field::Coorganizers);
        open.set(false);
        combo.clear_text();
        focus_input();
    };
    let remove = move |key: &str| {
        selected.update(|chosen| chosen.retain(|c| c.key != key));
        errors.clear(Field::Coorganizers);
        // The chip's button is gone: keep focus in the field rather than losing it to the page.
        focus_input();
    };

    let on_keydown = keydown(combo, options, selected, pick, remove);
    // "Try again" after a failed search asks the same question once more, back in the field
    // with the list open for the answer.
    let retry = move || {
        retries.update(|n| *n += 1);
        open.set(true);
        focus_input();
    };

    let failed = move || matches!(found.get(), Some(Err(_)));
    let status = move || status(lang, at_limit.get(), open.get(), found, options);

    view! {
        <fieldset class="coorganizers">
            <legend>{text(lang, Key::CoorganizersLegend)}</legend>
            <Chips selected on_remove=Callback::new(move |key: String| remove(&key))/>
            <div class="field">
                <label for=INPUT_ID>{text(lang, Key::CoorganizerSearch)}</label>
                // The listbox lies over what follows instead of pushing it down, so the
                // Schedule button does not move under a finger about to tap it.
                <div class="combo">
                    <input
                        id=INPUT_ID
                        type="text"
                        role="combobox"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        enterkeyhint="search"
                        aria-autocomplete="list"
                        aria-controls=LISTBOX_ID
                        aria-expanded=move || expanded().to_string()
                        aria-activedescendant=move || active.get().map(option_id)
                        aria-describedby=error_id(Field::Coorganizers.name())
                        aria-invalid=move || {
                            if errors.message(Field::Coorganizers).is_some() { "true" } else { "false" }
                        }
                        prop:value=move || typed.get()
                        on:input=move |ev| combo.on_input(ev)
                        on:keydown=on_keydown
                        on:click=move |_| open.update(|o| *o = !*o)
                        on:blur=move |_| {
                            open.set(false);
                            active.set(None);
                        }
                    />
                    <ul
                        id=LISTBOX_ID
                        role="listbox"
                        class="listbox"
                        aria-label=text(lang, Key::CoorganizerResults)
                        hidden=move || !expanded()
                        // Keeps focus in the input while an option is clicked or tapped.
                        on:mousedown=|ev| ev.prevent_default()
                    >
                        {move || option_items(lang, options.get(), active, pick)}
                    </ul>
                </div>
            </div>
            <p id="coorganizer-status" class="hint combo-status" aria-live="polite">
                {status}
                {move || failed().then(|| retry_button(lang, retry))}
            </p>
            <FieldMessage id=Field::Coorganizers.name() field=Field::Coorganizers errors/>
        </fieldset>
    }
}

type Found = RwSignal<Option<Result<(String, Vec<Organizer>), ApiFailure>>>;

/// The backend's answers, each with the search it answers, to tell a fresh answer from a
/// stale one. A new search cancels the one before it (see `loader::follow`).
fn search(query: RwSignal<String>, retries: RwSignal<u32>, session: SessionState) -> Found {
    follow(
        move || {
            retries.track();
            query.get()
        },
        move |asked: String| async move {
            let answer = api::organizers(asked.clone()).await;
            if let Err(failure) = &answer {
                session.note(failure);
            }
            answer.map(|people| (asked, people))
        },
    )
}

/// A new list keeps the active person active if they are still in it (the fresh answer to
/// what was typed often replaces a narrowed stale one with the same people: an ArrowDown
/// made just before must not be undone under the person's Enter); otherwise nothing is.
fn keep_active_person(options: Memo<Vec<Organizer>>, active: RwSignal<Option<usize>>) {
    Effect::new(move |before: Option<Vec<String>>| {
        let keys: Vec<String> = options.with(|o| o.iter().map(|p| p.key.clone()).collect());
        let kept = before.and_then(|before| {
            let key = before.get(active.get_untracked()?)?;
            keys.iter().position(|k| k == key)
        });
        active.set(kept);
        keys
    });
}

/// Keeps the active option in view inside the scrolling listbox, without scrolling the page.
fn keep_active_in_view(active: RwSignal<Option<usize>>) {
    Effect::new(move |_| {
        let Some(index) = active.get() else { return };
        let (Some(list), Some(item)) = (
            element::<web_sys::HtmlElement>(LISTBOX_ID),
            element::<web_sys::HtmlElement>(&option_id(index)),
        ) else {
            return;
        };
        let (top, bottom) = (item.offset_top(), item.offset_top() + item.offset_height());
        if top < list.scroll_top() {
            list.set_scroll_top(top);
        } else if bottom > list.scroll_top() + list.client_height() {
            list.set_scroll_top(bottom - list.client_height());
        }
    });
}

/// Keys on the field: the combobox's model (`combobox_keys`) decides, the picker picks and
/// removes people.
fn keydown(
    combo: Combobox,
    options: Memo<Vec<Organizer>>,
    selected: RwSignal<Vec<Organizer>>,
    pick: impl Fn(Organizer) + 'static,
    remove: impl Fn(&str) + 'static,
) -> impl Fn(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| {
        let key = ev.key();
        let action = on_key(&key, combo.state(options, selected));
        if action.prevents_default(&key) {
            ev.prevent_default();
        }
        match action {
            Action::Pick(index) => {
                if let Some(person) = options.with_untracked(|o| o.get(index).cloned()) {
                    pick(person);
                }
            }
            Action::RemoveLast => {
                let last = selected.with_untracked(|c| c.last().map(|o| o.key.clone()));
                if let Some(key) = last {
                    remove(&key);
                }
            }
            other => combo.apply(other),
        }
    }
}

fn retry_button(lang: Lang, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        " "
        <button type="button" class="link" on:click=move |_| retry()>
            {text(lang, Key::TryAgain)}
        </button>
    }
}

/// What the live status line says: the limit, a failure, or how many people match (only
/// while the person is using the field, so the page is not noisy).
fn status(
    lang: Lang,
    at_limit: bool,
    open: bool,
    found: Found,
    options: Memo<Vec<Organizer>>,
) -> Option<String> {
    if at_limit {
        return Some(text::coorganizers_at_limit(lang, COORGANIZERS_MAX));
    }
    let key = match found.get() {
        Some(Err(_)) => Key::CoorganizersFailed,
        _ if !open => return None,
        None => Key::CoorganizersLoading,
        Some(Ok((asked, all))) => match options.with(Vec::len) {
            0 if all.is_empty() && asked.trim().is_empty() => Key::CoorganizersNone,
            0 => Key::CoorganizersNoMatch,
            n => return Some(text::people_found(lang, n)),
        },
    };
    Some(text(lang, key).to_owned())
}

/// The listbox's options, the active one marked.
fn option_items(
    lang: Lang,
    options: Vec<Organizer>,
    active: RwSignal<Option<usize>>,
    pick: impl Fn(Organizer) + Copy + 'static,
) -> impl IntoView {
    options
        .into_iter()
        .enumerate()
        .map(|(index, person)| {
            let label = text::organizer_label(lang, &person.name, &person.email);
            view! {
                <li
                    id=option_id(index)
                    role="option"
                    aria-selected=move || (active.get() == Some(index)).to_string()
                    on:click=move |_| pick(person.clone())
                >
                    {label}
                </li>
            }
        })
        .collect_view()
}

/// The combobox's own state: what the input holds now, what the backend was last asked
/// (after a pause), whether the list is open and which option is active.
#[derive(Clone, Copy)]
struct Combobox {
    typed: RwSignal<String>,
    query: RwSignal<String>,
    open: RwSignal<bool>,
    active: RwSignal<Option<usize>>,
}

impl Combobox {
    fn new() -> Combobox {
        Combobox {
            typed: RwSignal::new(String::new()),
            query: RwSignal::new(String::new()),
            open: RwSignal::new(false),
            active: RwSignal::new(None),
        }
    }

    /// As a key finds it.
    fn state(self, options: Memo<Vec<Organizer>>, selected: RwSignal<Vec<Organizer>>) -> Combo {
        Combo {
            open: self.open.get_untracked(),
            active: self.active.get_untracked(),
            count: options.with_untracked(Vec::len),
            text_empty: self.typed.with_untracked(String::is_empty),
            anyone_picked: selected.with_untracked(|c| !c.is_empty()),
        }
    }

    /// The keys' actions on the combobox itself (picking and removing are the picker's).
    fn apply(self, action: Action) {
        match action {
            Action::Activate(index) => {
                self.open.set(true);
                self.active.set(index);
            }
            Action::Close => {
                self.open.set(false);
                self.active.set(None);
            }
            Action::ClearText => {
                self.open.set(false);
                self.clear_text();
            }
            Action::Pick(_) | Action::RemoveLast | Action::Nothing => {}
        }
    }

    fn clear_text(self) {
        self.typed.set(String::new());
        self.query.set(String::new());
    }

    /// Letters arrive as `input` events, which on-screen keyboards (and IME composition) send
    /// reliably; keydown handles only the navigation keys. The backend is asked once typing
    /// pauses.
    fn on_input(self, ev: leptos::ev::Event) {
        let value = event_target_value(&ev);
        self.typed.set(value.clone());
        self.open.set(true);
        let (typed, query) = (self.typed, self.query);
        set_timeout(
            move || {
                if typed.try_get_untracked().as_ref() == Some(&value) {
                    query.try_set(value);
                }
            },
            SEARCH_PAUSE,
        );
    }
}
