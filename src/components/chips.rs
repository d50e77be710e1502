//! The people picked as co-organizers, each a chip with a button that takes them off again.

use leptos::prelude::*;
use meeting::Organizer;

use crate::language::use_lang;
use crate::text::{self, text, Key};

/// Absent while nobody is picked, so screen readers do not announce an empty list.
#[component]
pub fn Chips(selected: RwSignal<Vec<Organizer>>, on_remove: Callback<String>) -> impl IntoView {
    let lang = use_lang();
    move || {
        let chosen = selected.get();
        (!chosen.is_empty()).then(|| {
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
                                        on:click=move |_| on_remove.run(person.key.clone())
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
    }
}
