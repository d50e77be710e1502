//! The date, start and end inputs, read in the person's own time zone.

use leptos::prelude::*;
use meeting::Field;

use crate::components::field::{FieldErrors, InputField};
use crate::language::use_lang;
use crate::text::{text, Key};

/// Date, start and end as the person's wall-clock, with the zone they are read in and a word
/// when the end falls on the next day.
#[component]
pub fn TimeRange(
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    errors: FieldErrors,
    /// `Times are in Europe/Madrid, UTC+01:00.`
    #[prop(into)]
    zone: Signal<String>,
    /// `Ends the next day at 00:30.`, when it does.
    #[prop(into)]
    ends_next_day: Signal<Option<String>>,
    /// Said when a time falls in the hour that happens twice as clocks go back.
    #[prop(into)]
    repeated_hour: Signal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="time-range">
            <legend>{text(lang, Key::When)}</legend>
            <InputField field=Field::Date label=text(lang, Key::Date) kind="date" value=date errors required=true/>
            <div class="times">
                <InputField field=Field::Start label=text(lang, Key::Start) kind="time" value=start errors required=true/>
                <InputField field=Field::End label=text(lang, Key::End) kind="time" value=end errors required=true/>
            </div>
            <p id="time-zone" class="hint">{zone}</p>
            <p id="ends-next-day" class="hint" aria-live="polite">{ends_next_day}</p>
            <p id="repeated-hour" class="hint" aria-live="polite">{repeated_hour}</p>
        </fieldset>
    }
}
