use leptos::prelude::*;
use meeting::Organizer;

use crate::text::{self, text, use_lang, Key};

/// The people picked so far, each with a button that takes them off again. Absent while
/// nobody is picked, so screen readers do not announce an empty list.
#[component]
pub fn Chips(
    selected: RwSignal<Vec<Organizer>>,
    /// Called with the key of the person removed.
    on_remove: Callback<String>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        let chosen = selected.get();
        (!chosen.is_empty()).then(|| {
            view! {
                <ul class="chips" aria-label=text(lang, Key::CoorganizersChosen)>
                    {chosen
                        .into_iter()
                        .map(|person| {
                            let key = person.key;
                            view! {
                                <li class="chip">
                                    <span>{person.name.clone()}</span>
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=text::remove_person(lang, &person.name)
                                        title=text::remove_person(lang, &person.name)
                                        on:click=move |_| on_remove.run(key.clone())
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
