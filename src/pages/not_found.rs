//! "Not found", for an address or a meeting that does not exist.

use leptos::prelude::*;

use crate::language::use_lang;
use crate::page_title::set_title;
use crate::text::{text, Key};
use leptos_router::components::A;

/// A clear "not found" with a way on; `message` says what was not found.
#[component]
pub fn NotFound(message: &'static str) -> impl IntoView {
    let lang = use_lang();
    set_title(text(lang, Key::NotFoundTitle));
    view! {
        <section id="not-found" class="card">
            <h1>{text(lang, Key::NotFoundTitle)}</h1>
            <p>{message}</p>
            <A href="/" exact=true {..} class="button">
                {text(lang, Key::BackHome)}
            </A>
        </section>
    }
}

/// Any address the app has no page for.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <NotFound message=text(use_lang(), Key::NotFoundPage)/> }
}
