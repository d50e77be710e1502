use std::time::Duration;

use leptos::prelude::*;
use meeting::{Field, Organizer};

use crate::api;
use crate::app::SessionState;
use crate::components::field::{error_id, FieldErrors, FieldMessage};
use crate::text::{self, text, use_lang, Key};

/// How long typing must pause before the backend is asked.
const SEARCH_PAUSE: Duration = Duration::from_millis(250);

/// The account's organizers as a searchable list of checkboxes. Whoever is chosen stays in the
/// list whatever the search says, so a choice never disappears from view.
#[component]
pub fn CoorganizerPicker(selected: RwSignal<Vec<Organizer>>, errors: FieldErrors) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        set_timeout(
            move || {
                if typed.try_get_untracked().as_ref() == Some(&value) {
                    query.try_set(value);
                }
            },
            SEARCH_PAUSE,
        );
    };
    let found = LocalResource::new(move || api::organizers(query.get()));
    Effect::new(move |_| {
        if let Some(Err(failure)) = found.get() {
            session.note(&failure);
        }
    });

    let toggle = move |organizer: Organizer, checked: bool| {
        selected.update(|chosen| {
            chosen.retain(|o| o.key != organizer.key);
            if checked {
                chosen.push(organizer);
            }
        });
        errors.clear(Field::Coorganizers);
    };
    // The search's results in the backend's order, after whoever is chosen but not among
    // them. Ticking a box never moves it, so keyboard focus stays where it is.
    let shown = move || {
        let found = match found.get() {
            Some(Ok(found)) => found,
            _ => Vec::new(),
        };
        let mut list: Vec<Organizer> = selected.with(|chosen| {
            chosen
                .iter()
                .filter(|c| !found.iter().any(|o| o.key == c.key))
                .cloned()
                .collect()
        });
        list.extend(found);
        list
    };
    let status = move || match found.get() {
        None => Some(text(lang, Key::CoorganizersLoading).into_any()),
        Some(Err(_)) => Some(
            view! {
                {text(lang, Key::CoorganizersFailed)}
                " "
                <button type="button" class="link" on:click=move |_| found.refetch()>
                    {text(lang, Key::TryAgain)}
                </button>
            }
            .into_any(),
        ),
        Some(Ok(list)) if list.is_empty() => Some(
            text(
                lang,
                if query.with(|q| q.trim().is_empty()) {
                    Key::CoorganizersNone
                } else {
                    Key::CoorganizersNoMatch
                },
            )
            .into_any(),
        ),
        Some(Ok(_)) => None,
    };

    view! {
        <fieldset class="coorganizers">
            <legend>{text(lang, Key::CoorganizersLegend)}</legend>
            <div class="field">
                <label for="coorganizer-search">{text(lang, Key::CoorganizerSearch)}</label>
                <input
                    id="coorganizer-search"
                    type="search"
                    autocomplete="off"
                    on:input=on_search
                    aria-controls="coorganizers"
                    aria-describedby=error_id(Field::Coorganizers.name())
                    aria-invalid=move || {
                        if errors.message(Field::Coorganizers).is_some() { "true" } else { "false" }
                    }
                />
            </div>
            // A box of fixed height: search results come and go inside it, so nothing below
            // (the Schedule button) moves under a finger that is about to tap it.
            <div class="choices-box">
            <ul id="coorganizers" class="choices">
                <For each=shown key=|organizer| organizer.key.clone() let:organizer>
                    {
                        let key = organizer.key.clone();
                        let is_chosen = move || selected.with(|c| c.iter().any(|o| o.key == key));
                        let label = text::organizer_label(lang, &organizer.name, &organizer.email);
                        let value = organizer.key.clone();
                        view! {
                            <li>
                                <label class="choice">
                                    <input
                                        type="checkbox"
                                        name="coorganizer"
                                        value=value
                                        prop:checked=is_chosen
                                        on:change:target=move |ev| {
                                            toggle(organizer.clone(), ev.target().checked())
                                        }
                                    />
                                    <span>{label}</span>
                                </label>
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="hint" aria-live="polite">{status}</p>
            </div>
            <FieldMessage id=Field::Coorganizers.name() field=Field::Coorganizers errors/>
        </fieldset>
    }
}
