//! The date, start and end inputs, read in the person's own time zone.

use leptos::prelude::*;
use meeting::local_time::{format_offset, meeting_times};
use meeting::Field;

use crate::browser_time;
use crate::components::field::{FieldErrors, InputField};
use crate::language::use_lang;
use crate::text::{self, text, Key};

/// Date, start and end as the person's wall-clock, with the zone they are read in, a word
/// when the end falls on the next day, and one when a time falls in the hour that happens
/// twice as clocks go back: all derived here from the three inputs.
#[component]
pub fn TimeRange(
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    errors: FieldErrors,
) -> impl IntoView {
    let lang = use_lang();
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
