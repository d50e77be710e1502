//! "Loading…", as the static shell shows it before the wasm starts.

use leptos::prelude::*;

use crate::language::use_lang;
use crate::text::{text, Key};

/// The placeholder that also stands in `index.html` until the wasm has started.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status">
            {text(use_lang(), Key::Loading)}
        </p>
    }
}
