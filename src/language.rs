//! Which language the app speaks: the person's choice if they made one (kept in
//! `localStorage`), otherwise the first of `navigator.languages` the product speaks.
//!
//! The choice is also kept outside the reactive graph (`current`), because the API client
//! sends it as `Accept-Language` and the date formatter needs it wherever it is called from.

use std::cell::Cell;

use leptos::prelude::*;
use meeting::Lang;

use crate::text::{text, Key};

const LANG_KEY: &str = "meetings.lang";

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language in use right now.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// The language the app speaks now, for a view being built. `App` rebuilds the pages when
/// it changes, so reading it once while building a view is enough.
pub fn use_lang() -> Lang {
    current()
}

fn navigator_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect()
}

fn stored() -> Option<Lang> {
    let storage = web_sys::window()?.local_storage().ok().flatten()?;
    Lang::from_code(&storage.get_item(LANG_KEY).ok().flatten()?)
}

fn store(lang: Lang) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
    // Also a cookie, so the backend serves the static shell (painted before the wasm starts)
    // in the chosen language rather than the browser's, and nothing changes under the eye
    // when the app takes over. A preference, not a secret: readable, a year long.
    let _ = js_sys::Reflect::set(
        &document(),
        &"cookie".into(),
        &format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            meeting::names::LANG_COOKIE,
            lang.code()
        )
        .into(),
    );
}

fn primary_is(tag: &str, lang: Lang) -> bool {
    tag.split(['-', '_'])
        .next()
        .is_some_and(|primary| primary.eq_ignore_ascii_case(lang.code()))
}

/// The person's earlier choice, else the first language of the browser's list the product
/// speaks. (`navigator.languages` is already in order of preference and has no quality
/// values, so `Lang::negotiate`, whose float parsing would cost the download ~10 KB, is not
/// needed here.)
pub fn initial() -> Lang {
    stored().unwrap_or_else(|| {
        navigator_languages()
            .iter()
            .find_map(|tag| {
                [Lang::Es, Lang::En]
                    .into_iter()
                    .find(|lang| primary_is(tag, *lang))
            })
            .unwrap_or_default()
    })
}

/// The BCP 47 locale `Intl` formats with: the browser's own variant of the language when it
/// has one (`es-MX` reads dates the Mexican way), else Spain's Spanish or US English.
pub fn locale(lang: Lang) -> String {
    navigator_languages()
        .into_iter()
        .find(|tag| primary_is(tag, lang))
        .unwrap_or_else(|| {
            match lang {
                Lang::Es => "es-ES",
                Lang::En => "en-US",
            }
            .to_owned()
        })
}

fn apply(lang: Lang) {
    CURRENT.with(|current| current.set(lang));
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// The language as shared state: `App` tracks it and rebuilds the pages when it changes.
#[derive(Clone, Copy)]
pub struct Language(RwSignal<Lang>);

impl Language {
    pub fn provide() -> Language {
        let lang = initial();
        apply(lang);
        let language = Language(RwSignal::new(lang));
        provide_context(language);
        language
    }

    pub fn get(self) -> Lang {
        self.0.get()
    }

    pub fn set(self, lang: Lang) {
        store(lang);
        apply(lang);
        self.0.set(lang);
    }
}

/// The two buttons in the header that switch the language; each is labelled in its own language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let language = expect_context::<Language>();
    let lang = current();
    let choose = move |choice: Lang| {
        move |_| {
            if choice == current() {
                return;
            }
            language.set(choice);
            // The header is rebuilt in the new language: keep keyboard focus on the switch.
            request_animation_frame(move || {
                if let Some(button) = document()
                    .get_element_by_id(&format!("lang-{}", choice.code()))
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = button.focus();
                }
            });
        }
    };
    // Short codes keep the phone header on one line. The name read out starts with the code
    // that is shown, then the language's full name: voice-control users say what they see
    // (WCAG 2.5.3 Label in Name, axe's label-content-name-mismatch).
    let button = move |choice: Lang, [code, label, name]: [&'static str; 3]| {
        view! {
            <button
                id=format!("lang-{}", choice.code())
                type="button"
                class="lang"
                lang=choice.code()
                aria-pressed=(choice == lang).to_string()
                aria-label=name
                title=label
                on:click=choose(choice)
            >
                {code}
            </button>
        }
    };
    view! {
        <div class="language" role="group" aria-label=text(lang, Key::LanguageLabel)>
            {button(Lang::Es, ["ES", "Español", "ES Español"])}
            {button(Lang::En, ["EN", "English", "EN English"])}
        </div>
    }
}
