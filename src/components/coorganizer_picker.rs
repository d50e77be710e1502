//! The co-organizer field: a combobox with a listbox popup (WAI-ARIA APG pattern) over the
//! backend's organizer search, and the people picked shown as removable chips.

use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use meeting::validation::COORGANIZERS_MAX;
use meeting::{Field, Organizer};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::field::{error_id, FieldErrors, FieldMessage};
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
    // What the input holds now, and what the backend was last asked (after a pause).
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);

    // Each answer with the search it answers, to tell a fresh answer from a stale one. A new
    // search cancels the one before it (its task and, through api.rs, its request) and the
    // last answer stays until the new one arrives. A signal and a task rather than a
    // LocalResource: its machinery cost about 1.5 KB of the first load.
    let found =
        RwSignal::new(None::<Result<(String, Vec<Organizer>), crate::api_failure::ApiFailure>>);
    // "Try again" after a failed search asks the same question once more.
    let retries = RwSignal::new(0u32);
    Effect::new(move |_| {
        retries.track();
        let asked = query.get();
        // Untracked: the task runs outside this effect's dependencies (only the query and the
        // retry count start a search), but under its owner, whose cleanup cancels it.
        untrack(|| {
            leptos::task::spawn_local_scoped_with_cancellation(async move {
                let answer = api::organizers(asked.clone()).await;
                if let Err(failure) = &answer {
                    session.note(failure);
                }
                found.try_set(Some(answer.map(|people| (asked, people))));
            })
        });
    });

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
    // A new list keeps the active person active if they are still in it (the fresh answer to
    // what was typed often replaces a narrowed stale one with the same people: an ArrowDown
    // made just before must not be undone under the person's Enter); otherwise nothing is.
    Effect::new(move |before: Option<Vec<String>>| {
        let keys: Vec<String> = options.with(|o| o.iter().map(|p| p.key.clone()).collect());
        let kept = before.and_then(|before| {
            let key = before.get(active.get_untracked()?)?;
            keys.iter().position(|k| k == key)
        });
        active.set(kept);
        keys
    });
    // Keeps the active option in view inside the scrolling listbox, without scrolling the page.
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

    let focus_input = move || {
        if let Some(input) = element::<web_sys::HtmlElement>(INPUT_ID) {
            let _ = input.focus();
        }
    };
    let clear_text = move || {
        typed.set(String::new());
        query.set(String::new());
    };
    let pick = move |person: Organizer| {
        selected.update(|chosen| {
            if chosen.len() < COORGANIZERS_MAX && !chosen.iter().any(|c| c.key == person.key) {
                chosen.push(person);
            }
        });
        errors.clear(Field::Coorganizers);
        open.set(false);
        clear_text();
        focus_input();
    };
    let remove = move |key: &str| {
        selected.update(|chosen| chosen.retain(|c| c.key != key));
        errors.clear(Field::Coorganizers);
        // The chip's button is gone: keep focus in the field rather than losing it to the page.
        focus_input();
    };

    // Letters arrive as `input` events, which on-screen keyboards (and IME composition) send
    // reliably; keydown handles only the navigation keys.
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        open.set(true);
        set_timeout(
            move || {
                if typed.try_get_untracked().as_ref() == Some(&value) {
                    query.try_set(value);
                }
            },
            SEARCH_PAUSE,
        );
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let count = options.with_untracked(Vec::len);
        let step = |forward: bool| {
            let next = match (open.get_untracked(), active.get_untracked()) {
                _ if count == 0 => None,
                (true, Some(i)) if forward => Some((i + 1) % count),
                (true, Some(i)) => Some((i + count - 1) % count),
                _ if forward => Some(0),
                _ => Some(count - 1),
            };
            open.set(true);
            active.set(next);
        };
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                step(true);
            }
            "ArrowUp" => {
                ev.prevent_default();
                step(false);
            }
            // Enter picks; it never submits the form from this field.
            "Enter" => {
                ev.prevent_default();
                if open.get_untracked() {
                    let chosen = active
                        .get_untracked()
                        .and_then(|i| options.with_untracked(|o| o.get(i).cloned()));
                    if let Some(person) = chosen {
                        pick(person);
                    }
                }
            }
            "Escape" => {
                if open.get_untracked() && count > 0 {
                    ev.prevent_default();
                    open.set(false);
                    active.set(None);
                } else if !typed.with_untracked(String::is_empty) {
                    ev.prevent_default();
                    open.set(false);
                    clear_text();
                }
            }
            "Backspace" if typed.with_untracked(String::is_empty) => {
                let last = selected.with_untracked(|c| c.last().map(|o| o.key.clone()));
                if let Some(key) = last {
                    remove(&key);
                }
            }
            _ => {}
        }
    };

    let failed = move || matches!(found.get(), Some(Err(_)));
    let status = move || {
        if at_limit.get() {
            return Some(text::coorganizers_at_limit(lang, COORGANIZERS_MAX));
        }
        let key = match found.get() {
            Some(Err(_)) => Key::CoorganizersFailed,
            // Only while the person is using the field, so the page is not noisy.
            _ if !open.get() => return None,
            None => Key::CoorganizersLoading,
            Some(Ok((asked, all))) => match options.with(Vec::len) {
                0 if all.is_empty() && asked.trim().is_empty() => Key::CoorganizersNone,
                0 => Key::CoorganizersNoMatch,
                n => return Some(text::people_found(lang, n)),
            },
        };
        Some(text(lang, key).to_owned())
    };

    view! {
        <fieldset class="coorganizers">
            <legend>{text(lang, Key::CoorganizersLegend)}</legend>
            // The people picked, each with a button that takes them off again. Absent while
            // nobody is picked, so screen readers do not announce an empty list.
            {move || {
                let chosen = selected.get();
                (!chosen.is_empty())
                    .then(|| {
                        view! {
                            <ul class="chips" aria-label=text(lang, Key::CoorganizersChosen)>
                                {chosen
                                    .into_iter()
                                    .map(|person| {
                                        let label = text::remove_person(lang, &person.name);
                                        view! {
                                            <li class="chip">
                                                <span>{person.name}</span>
                                                <button
                                                    type="button"
                                                    class="chip-remove"
                                                    aria-label=label.clone()
                                                    title=label
                                                    on:click=move |_| remove(&person.key)
                                                >
                                                    <span aria-hidden="true">"×"</span>
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
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
                        on:input=on_input
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
                        {move || {
                            options
                                .get()
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
                        }}
                    </ul>
                </div>
            </div>
            <p id="coorganizer-status" class="hint combo-status" aria-live="polite">
                {status}
                {move || {
                    failed()
                        .then(|| {
                            view! {
                                " "
                                <button type="button" class="link" on:click=move |_| {
                                        // Back to the field, with the list open for the answer.
                                        retries.update(|n| *n += 1);
                                        open.set(true);
                                        focus_input();
                                    }>
                                    {text(lang, Key::TryAgain)}
                                </button>
                            }
                        })
                }}
            </p>
            <FieldMessage id=Field::Coorganizers.name() field=Field::Coorganizers errors/>
        </fieldset>
    }
}
