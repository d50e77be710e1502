//! The "Copy link" button and what it says after.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::language::use_lang;
use crate::text::{text, Key};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CopyState {
    Ready,
    Done,
    Unavailable,
}

/// Copies `value` to the clipboard and says so for a moment.
#[component]
pub fn CopyButton(id: &'static str, value: String) -> impl IntoView {
    let lang = use_lang();
    let state = RwSignal::new(CopyState::Ready);
    let copy = move |_| {
        let navigator = window().navigator();
        // `navigator.clipboard` is missing outside secure contexts and in some webviews.
        let clipboard = navigator.clipboard();
        if JsValue::from(clipboard.clone()).is_undefined() {
            state.set(CopyState::Unavailable);
            return;
        }
        // One callback for both outcomes, so that whichever runs frees it: `writeText`
        // resolves with `undefined` and rejects with an error.
        let settled = Closure::once_into_js(move |outcome: JsValue| {
            if !outcome.is_undefined() {
                state.try_set(CopyState::Unavailable);
                return;
            }
            state.try_set(CopyState::Done);
            set_timeout(
                move || {
                    state.try_set(CopyState::Ready);
                },
                Duration::from_secs(2),
            );
        });
        let promise = JsValue::from(clipboard.write_text(&value));
        if let Ok(then) = js_sys::Reflect::get(&promise, &JsValue::from_str("then")) {
            let _ = then
                .unchecked_ref::<js_sys::Function>()
                .call2(&promise, &settled, &settled);
        }
    };
    view! {
        <button id=id type="button" class="secondary" on:click=copy>
            {move || text(lang, if state.get() == CopyState::Done { Key::Copied } else { Key::CopyLink })}
        </button>
        <p class="hint" aria-live="polite">
            {move || (state.get() == CopyState::Unavailable).then(|| text(lang, Key::CopyFailed))}
        </p>
    }
}
