//! The co-organizer combobox operated by keyboard only, at phone size in Spanish and at
//! desktop size in English: search without accents, arrows, Enter, Escape, Backspace, Tab,
//! with the ARIA state checked at every step, and the people picked reaching the meeting.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::key::Key;
use support::{date_in, open_browser, start_backend, start_driver, Browser, DESKTOP, PHONE};

const INPUT: &str = "#coorganizer-search";
const LISTBOX: &str = "#coorganizer-listbox";
const STATUS: &str = "#coorganizer-status";

/// The words the test expects in one language.
struct Words {
    lang: &'static str,
    one_found: &'static str,
    no_match: &'static str,
    remove: &'static str,
}

const ENGLISH: Words = Words {
    lang: "en-US",
    one_found: "1 person found",
    no_match: "No organizer matches",
    remove: "Remove ",
};

const SPANISH: Words = Words {
    lang: "es-ES",
    one_found: "1 persona encontrada",
    no_match: "Ningún organizador coincide",
    remove: "Quitar a ",
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_combobox_works_by_keyboard_on_a_phone_in_spanish() {
    keyboard_only(PHONE, &SPANISH, "phone-es").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_combobox_works_by_keyboard_on_a_desktop_in_english() {
    keyboard_only(DESKTOP, &ENGLISH, "desktop-en").await;
}

async fn expanded(browser: &Browser) -> String {
    browser
        .attribute(INPUT, "aria-expanded")
        .await
        .unwrap_or_default()
}

async fn chips(browser: &Browser) -> Vec<String> {
    let list = browser
        .client
        .execute(
            "return [...document.querySelectorAll('ul.chips > li.chip')].map(li => li.textContent)",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(list).unwrap()
}

async fn top_of(browser: &Browser, css: &str) -> f64 {
    browser
        .client
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY",
            vec![css.into()],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

async fn keyboard_only(size: (u32, u32), words: &Words, tag: &str) {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, size, words.lang).await;
    let people = backend.sandbox().organizers();
    let find = |last: &str| {
        people
            .iter()
            .find(|o| o.last_name == last)
            .unwrap_or_else(|| panic!("the sandbox has {last}"))
            .clone()
    };
    let nunez = find("Núñez Ibáñez");
    let inigo = find("Urrutia Goikoetxea");
    browser.sign_in(&backend).await;

    browser
        .set_value("#subject", "Revisión de presupuesto")
        .await;
    browser.set_value("#date", &date_in(3)).await;
    browser.set_value("#start", "09:00").await;
    browser.set_value("#end", "09:30").await;
    let schedule_top = top_of(&browser, "#create").await;

    // Tab from the password checkbox lands in the combobox, closed and with nothing active.
    browser
        .client
        .execute(
            "document.getElementById('password-required').focus()",
            vec![],
        )
        .await
        .unwrap();
    browser.send_to_focused(&Key::Tab).await;
    assert_eq!(browser.focused_id().await, "coorganizer-search");
    assert_eq!(
        browser.attribute(INPUT, "role").await.as_deref(),
        Some("combobox")
    );
    assert_eq!(expanded(&browser).await, "false");
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", None)
        .await;

    // Part of the name, without its accents: the list opens with the one match.
    browser.send_to_focused("nunez").await;
    browser.wait_for_text(LISTBOX, &nunez.full_name()).await;
    browser.wait_for_text(LISTBOX, &nunez.email).await;
    browser.wait_for_text(STATUS, words.one_found).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("true"))
        .await;
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", None)
        .await;
    // The list lies over the page: the Schedule button has not moved.
    let moved = top_of(&browser, "#create").await - schedule_top;
    assert!(moved.abs() < 1.0, "the Schedule button moved {moved}px");
    browser.screenshot(&format!("combobox-open-{tag}")).await;

    // ArrowDown makes the option active; Enter picks it and does not submit the form.
    browser.send_to_focused(&Key::Down).await;
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", Some("coorganizer-option-0"))
        .await;
    assert_eq!(
        browser
            .attribute("#coorganizer-option-0", "aria-selected")
            .await
            .as_deref(),
        Some("true")
    );
    browser.send_to_focused(&Key::Enter).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("false"))
        .await;
    assert_eq!(chips(&browser).await.len(), 1);
    assert!(chips(&browser).await[0].contains(&nunez.full_name()));
    assert_eq!(browser.value(INPUT).await, "");
    assert_eq!(browser.focused_id().await, "coorganizer-search");
    assert_eq!(
        browser.attribute("button.chip-remove", "aria-label").await,
        Some(format!("{}{}", words.remove, nunez.full_name()))
    );
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(
        backend.sandbox().meetings().is_empty(),
        "Enter submitted the form"
    );
    assert!(browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with('/'));

    // Someone picked is no longer offered.
    browser.send_to_focused("nunez").await;
    browser.wait_for_text(STATUS, words.no_match).await;
    assert_eq!(expanded(&browser).await, "false");
    browser.send_to_focused(&Key::Escape).await;
    assert_eq!(browser.value(INPUT).await, "");

    // Escape closes the list and keeps the text; a second Escape clears it.
    browser.send_to_focused("inigo").await;
    browser.wait_for_text(LISTBOX, &inigo.full_name()).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("true"))
        .await;
    browser.send_to_focused(&Key::Escape).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("false"))
        .await;
    assert_eq!(
        browser.attribute(LISTBOX, "hidden").await.as_deref(),
        Some("")
    );
    assert_eq!(browser.value(INPUT).await, "inigo");
    browser.send_to_focused(&Key::Escape).await;
    assert_eq!(browser.value(INPUT).await, "");

    // ArrowDown on an empty field opens the whole list at its first option; ArrowUp wraps
    // round to the last one.
    browser.send_to_focused(&Key::Down).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("true"))
        .await;
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", Some("coorganizer-option-0"))
        .await;
    let last = browser
        .client
        .execute(
            "return document.querySelectorAll('#coorganizer-listbox [role=option]').length - 1",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    assert!(last > 0, "the empty search offers several people");
    browser.send_to_focused(&Key::Up).await;
    let last_id = format!("coorganizer-option-{last}");
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", Some(&last_id))
        .await;
    assert_eq!(
        browser
            .attribute(&format!("#{last_id}"), "aria-selected")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        browser
            .attribute("#coorganizer-option-0", "aria-selected")
            .await
            .as_deref(),
        Some("false")
    );
    browser.send_to_focused(&Key::Escape).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("false"))
        .await;

    // A second person, then Backspace in the empty field takes them off again.
    browser.send_to_focused("inigo").await;
    browser.wait_for_text(LISTBOX, &inigo.full_name()).await;
    browser.send_to_focused(&Key::Down).await;
    browser
        .wait_for_attribute(INPUT, "aria-activedescendant", Some("coorganizer-option-0"))
        .await;
    browser.send_to_focused(&Key::Enter).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("false"))
        .await;
    let both = chips(&browser).await;
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both[1].contains(&inigo.full_name()), "{both:?}");
    browser.screenshot(&format!("combobox-chips-{tag}")).await;
    browser.send_to_focused(&Key::Backspace).await;
    let left = chips(&browser).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains(&nunez.full_name()));

    // Tab leaves the field for the Schedule button; Enter there schedules.
    browser.send_to_focused(&Key::Tab).await;
    assert_eq!(browser.focused_id().await, "create");
    browser.send_to_focused(&Key::Enter).await;
    browser.wait_for("#view-details").await;
    browser.click("#view-details").await;
    browser
        .wait_for_text("#meeting-coorganizers", &nunez.full_name())
        .await;

    let meetings = backend.sandbox().meetings();
    assert_eq!(meetings.len(), 1);
    assert_eq!(
        meetings[0].coorganizer_keys,
        vec![nunez.organizer_key.clone()]
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_ten_people_the_field_says_so_and_offers_nobody() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, DESKTOP, "en-US").await;
    browser.sign_in(&backend).await;
    browser
        .client
        .execute(
            "document.getElementById('password-required').focus()",
            vec![],
        )
        .await
        .unwrap();
    browser.send_to_focused(&Key::Tab).await;
    for picked in 1..=10 {
        browser.send_to_focused(&Key::Down).await;
        browser
            .wait_for_attribute(INPUT, "aria-activedescendant", Some("coorganizer-option-0"))
            .await;
        browser.send_to_focused(&Key::Enter).await;
        let now = chips(&browser).await.len();
        assert_eq!(now, picked);
    }
    browser
        .wait_for_text(STATUS, "10 co-organizers chosen")
        .await;
    browser.send_to_focused(&Key::Down).await;
    browser.send_to_focused("a").await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(expanded(&browser).await, "false");
    let offered = browser
        .client
        .execute(
            "return document.querySelectorAll('#coorganizer-listbox [role=option]').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(offered, serde_json::json!(0));
    browser.screenshot("combobox-limit-desktop-en").await;

    // One off, and the field offers people again.
    browser.send_to_focused(&Key::Escape).await;
    browser.send_to_focused(&Key::Escape).await;
    browser.send_to_focused(&Key::Backspace).await;
    assert_eq!(chips(&browser).await.len(), 9);
    browser
        .wait_until_gone_text(STATUS, "10 co-organizers")
        .await;
    browser.send_to_focused(&Key::Down).await;
    browser
        .wait_for_attribute(INPUT, "aria-expanded", Some("true"))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_dark_mode_the_list_and_chips_use_the_dark_theme() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    for (size, tag) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let browser =
            support::open_browser_with(&driver, size, "es-ES", &["--force-dark-mode"]).await;
        browser.sign_in(&backend).await;
        browser.click(INPUT).await;
        browser.send_to_focused("a").await;
        browser.send_to_focused(&Key::Down).await;
        browser
            .wait_for_attribute(INPUT, "aria-activedescendant", Some("coorganizer-option-0"))
            .await;
        let colours = browser
            .client
            .execute(
                "const bg = el => getComputedStyle(document.querySelector(el)).backgroundColor;
                 return [bg('body'), bg('#coorganizer-listbox'), bg('#coorganizer-option-0')];",
                vec![],
            )
            .await
            .unwrap();
        // --bg, --surface and --accent-soft of the dark theme in style/main.css.
        assert_eq!(
            colours,
            serde_json::json!(["rgb(17, 20, 24)", "rgb(27, 32, 39)", "rgb(30, 42, 68)"]),
            "{tag}"
        );
        browser.screenshot(&format!("combobox-dark-{tag}-es")).await;
        browser.close().await;
    }
}
