//! A form's labelled input with its hint and its message, tied together for screen readers.

use leptos::prelude::*;
use meeting::Field;

/// The messages shown at the form's fields: the contract crate's or the backend's.
#[derive(Clone, Copy)]
pub struct FieldErrors(RwSignal<Vec<(Field, String)>>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors(RwSignal::new(Vec::new()))
    }

    pub fn set(self, errors: Vec<(Field, String)>) {
        self.0.set(errors);
    }

    /// The first message for `field`, if any.
    pub fn message(self, field: Field) -> Option<String> {
        self.0.with(|errors| first(errors, field))
    }

    pub fn message_untracked(self, field: Field) -> Option<String> {
        self.0.with_untracked(|errors| first(errors, field))
    }

    /// Once the person changes a field, its old message no longer applies.
    pub fn clear(self, field: Field) {
        if self
            .0
            .with_untracked(|errors| errors.iter().any(|(f, _)| *f == field))
        {
            self.0.update(|errors| errors.retain(|(f, _)| *f != field));
        }
    }
}

impl Default for FieldErrors {
    fn default() -> Self {
        FieldErrors::new()
    }
}

fn first(errors: &[(Field, String)], field: Field) -> Option<String> {
    errors
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, message)| message.clone())
}

/// The id of the element that holds a field's message (`aria-describedby` points at it).
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// The message slot under a field. Always present (empty when all is well) so screen readers
/// hear a message as soon as it appears.
#[component]
pub fn FieldMessage(id: &'static str, field: Field, errors: FieldErrors) -> impl IntoView {
    view! {
        <p id=error_id(id) class="field-error" aria-live="polite">
            {move || errors.message(field)}
        </p>
    }
}

/// A labelled input bound to `value`, with its hint and its message. The input's id is the
/// contract's field name (`subject`, `date`, …), so messages and focus find it.
#[component]
pub fn InputField(
    field: Field,
    label: &'static str,
    /// The input's `type`.
    kind: &'static str,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = field.name();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described_by = match &hint_id {
        Some(hint_id) => format!("{hint_id} {}", error_id(id)),
        None => error_id(id),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=required
                // Written once, then owned by the input: re-setting the value of a date or
                // time input while someone types in it would wipe their half-typed entry.
                prop:value=value.get_untracked()
                on:input:target=move |ev| {
                    value.set(ev.target().value());
                    errors.clear(field);
                }
                aria-describedby=described_by
                aria-invalid=move || if errors.message(field).is_some() { "true" } else { "false" }
            />
            <FieldMessage id field errors/>
        </div>
    }
}

/// A checkbox with its label beside it and a hint under the label, bound to `checked`.
#[component]
pub fn CheckField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: RwSignal<bool>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field check">
            <input
                id=id
                name=id
                type="checkbox"
                prop:checked=move || checked.get()
                on:change:target=move |ev| checked.set(ev.target().checked())
                aria-describedby=hint_id.clone()
            />
            <label for=id>{label}</label>
            <p class="hint" id=hint_id>{hint}</p>
        </div>
    }
}
