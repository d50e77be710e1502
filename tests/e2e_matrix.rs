//! The app in English and Spanish, at phone (390×844) and desktop (1280×800) size: the whole
//! journey with an axe-core audit (WCAG 2.2 A/AA, light and dark schemes) at every page and
//! state, each validation message at its field, accessible names and announced errors, a
//! screenshot of every state in `target/screenshots/`, and the journey by keyboard alone.
//!
//! Combinations run one after another in one chromedriver, and the tests of this file one at
//! a time, so two cores are not shared by several Chromiums.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::key::Key;
use fantoccini::Locator;
use goto_sandbox::SeedOrganizer;
use support::{
    a_colleague, date_in, open_browser, start_backend, start_driver, start_engine, Backend,
    Browser, Driver, Engine, DESKTOP, PHONE,
};

/// The tests of this file take turns (see the module comment). An async mutex: the turn is
/// held across awaits, and a failed test (no poisoning) does not block the others.
async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    TURN.lock().await
}

/// What the app says in each language, as far as these tests look.
struct Words {
    /// `<html lang>`.
    code: &'static str,
    /// The language Chromium is started with (`--lang` and `intl.accept_languages`).
    browser: &'static str,
    connect: &'static str,
    create_title: &'static str,
    required: &'static str,
    too_long: &'static str,
    next_day: &'static str,
    in_past: &'static str,
    no_such_time: &'static str,
    scheduled: &'static str,
    copied: &'static str,
    details: &'static str,
    not_found: &'static str,
}

const ENGLISH: Words = Words {
    code: "en",
    browser: "en-US",
    connect: "Connect GoToMeeting",
    create_title: "Schedule a meeting",
    required: "This field is required.",
    too_long: "Use at most 100 characters (now 101",
    next_day: "Ends the next day at",
    in_past: "This start time has already passed.",
    no_such_time: "This time does not exist here",
    scheduled: "is scheduled",
    copied: "Copied",
    details: "Meeting details",
    not_found: "Not found",
};

const SPANISH: Words = Words {
    code: "es",
    browser: "es-ES",
    connect: "Conectar GoToMeeting",
    create_title: "Programar una reunión",
    required: "Este campo es obligatorio.",
    too_long: "Usa como máximo 100 caracteres (ahora 101",
    next_day: "Termina al día siguiente a las",
    in_past: "Esta hora de inicio ya ha pasado.",
    no_such_time: "Esta hora no existe aquí",
    scheduled: "está programada",
    copied: "Copiado",
    details: "Detalles de la reunión",
    not_found: "No encontrado",
};

struct Case {
    words: &'static Words,
    size: (u32, u32),
    size_name: &'static str,
}

const CASES: [Case; 4] = [
    Case {
        words: &ENGLISH,
        size: PHONE,
        size_name: "phone",
    },
    Case {
        words: &ENGLISH,
        size: DESKTOP,
        size_name: "desktop",
    },
    Case {
        words: &SPANISH,
        size: PHONE,
        size_name: "phone",
    },
    Case {
        words: &SPANISH,
        size: DESKTOP,
        size_name: "desktop",
    },
];

impl Case {
    fn name(&self) -> String {
        format!("{}-{}", self.words.code, self.size_name)
    }

    async fn open(&self, driver: &Driver) -> Browser {
        open_browser(driver, self.size, self.words.browser).await
    }
}

/// Each state of each combination: a screenshot to look at, and the audit's findings kept
/// so that one run lists every violation rather than the first.
struct Findings(Vec<String>);

impl Findings {
    async fn state(&mut self, browser: &Browser, case: &Case, state: &str) {
        browser
            .screenshot(&format!("matrix-{}-{state}", case.name()))
            .await;
        let found = browser.audit(&format!("{} {state}", case.name())).await;
        self.0.extend(found);
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "axe-core found {} WCAG 2.2 A/AA violation(s):\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

/// The page speaks the case's language: the root's `lang`, and a string in the element's
/// text as written (`textContent`, so CSS capitals do not matter).
async fn assert_language(browser: &Browser, words: &Words, css: &str, expected: &str) {
    browser.wait_for(css).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let text = browser
            .client
            .execute(
                "const el = document.querySelector(arguments[0]); return el ? el.textContent : ''",
                vec![css.into()],
            )
            .await
            .unwrap();
        let text = text.as_str().unwrap_or_default();
        if text.contains(expected) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} says {text:?}, not {expected:?} ({})",
            words.code
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(browser.html_lang().await, words.code, "html lang");
}

// ---- the co-organizer step ----
//
// The ARIA combobox (`input#coorganizer-search[role=combobox]` controlling
// `ul#coorganizer-listbox[role=listbox]` of `li[role=option]`): type, ArrowDown, Enter picks the
// active option into `ul.chips > li.chip`. Operated by keyboard alone.

/// With focus in the co-organizer search, types `query` and waits until `colleague` is
/// offered in the open listbox.
async fn search_coorganizer(browser: &Browser, colleague: &SeedOrganizer, query: &str) {
    assert!(
        browser.focused().await.contains("#coorganizer-search"),
        "focus is in the search, not on {}",
        browser.focused().await
    );
    browser.type_text(query).await;
    browser
        .wait_for("input#coorganizer-search[role=combobox]")
        .await;
    browser
        .wait_for_text("ul#coorganizer-listbox[role=listbox]", &colleague.last_name)
        .await;
    browser
        .wait_for("input#coorganizer-search[aria-expanded=true][aria-controls=coorganizer-listbox]")
        .await;
}

/// Picks `colleague` among the offered people by keyboard, and checks they are chosen.
async fn pick_coorganizer(browser: &Browser, colleague: &SeedOrganizer) {
    let mut active_text = String::new();
    for _ in 0..10 {
        browser.press(Key::Down).await;
        let active = browser
            .client
            .execute(
                "const input = document.getElementById('coorganizer-search');
                     const id = input.getAttribute('aria-activedescendant');
                     const option = id && document.getElementById(id);
                     return option ? [option.id, option.getAttribute('role'),
                       option.getAttribute('aria-selected'), option.textContent] : null",
                vec![],
            )
            .await
            .unwrap();
        let Some(active) = active.as_array() else {
            continue;
        };
        assert!(active[0]
            .as_str()
            .unwrap_or("")
            .starts_with("coorganizer-option-"));
        assert_eq!(active[1], "option");
        assert_eq!(active[2], "true", "the active option is aria-selected");
        active_text = active[3].as_str().unwrap_or("").to_owned();
        if active_text.contains(&colleague.last_name) {
            break;
        }
    }
    assert!(
        active_text.contains(&colleague.last_name),
        "ArrowDown never reached {}; last active option {active_text:?}",
        colleague.last_name
    );
    browser.press(Key::Enter).await;
    browser
        .wait_for_text("ul.chips", &colleague.last_name)
        .await;
    browser
        .wait_for("ul.chips > li.chip button.chip-remove")
        .await;
}

// ---- the journey ----

async fn journey(backend: &Backend, driver: &Driver, case: &Case, findings: &mut Findings) {
    let words = case.words;
    let browser = case.open(driver).await;
    let colleague = a_colleague(backend);
    let meetings_before = backend.sandbox().meetings().len();

    browser
        .client
        .goto(&format!("{}/", backend.base))
        .await
        .unwrap();
    assert_language(&browser, words, "a#connect", words.connect).await;
    assert_eq!(
        browser.viewport().await,
        (case.size.0 as u64, case.size.1 as u64)
    );
    findings.state(&browser, case, "signed-out").await;
    browser.click("a#connect").await;
    browser.click("#allow").await;

    browser.wait_for("form#create-meeting").await;
    assert_language(&browser, words, "main h1", words.create_title).await;
    findings.state(&browser, case, "create-empty").await;

    // Sent empty: the topic is required.
    browser.click("#create").await;
    browser
        .wait_for_text("#subject-error", words.required)
        .await;
    findings.state(&browser, case, "create-errors").await;

    let subject = format!("Matrix {} · planificación", case.name());
    browser.set_value("#subject", &subject).await;
    browser.set_value("#date", &date_in(2)).await;
    browser.set_value("#start", "10:00").await;
    browser.set_value("#end", "10:45").await;
    // Ticked, so the details page's note on who sets and shares the password is audited too.
    browser.click("#password-required").await;
    browser.click("#coorganizer-search").await;
    search_coorganizer(&browser, &colleague, &colleague.last_name).await;
    findings
        .state(&browser, case, "create-coorganizers-open")
        .await;
    pick_coorganizer(&browser, &colleague).await;
    browser.click("#create").await;

    browser
        .wait_for_text("#created-title", words.scheduled)
        .await;
    browser.wait_for_text("#created-title", &subject).await;
    findings.state(&browser, case, "new-meeting").await;
    browser.click("#copy-join-url").await;
    browser.wait_for_text("#copy-join-url", words.copied).await;
    browser
        .screenshot(&format!("matrix-{}-new-meeting-copied", case.name()))
        .await;

    browser.click("#view-details").await;
    browser.wait_for_text("#meeting-subject", &subject).await;
    assert_language(&browser, words, ".details .label", words.details).await;
    browser
        .wait_for_text("#meeting-coorganizers", &colleague.last_name)
        .await;
    browser.wait_for("#password-required-note").await;
    findings.state(&browser, case, "details").await;

    browser.click("#schedule-another").await;
    browser.wait_for("form#create-meeting").await;
    assert_eq!(
        browser.value("#subject").await,
        "",
        "a fresh form after success"
    );

    browser
        .client
        .goto(&format!("{}/meetings/999999999", backend.base))
        .await
        .unwrap();
    browser.wait_for("#not-found").await;
    assert_language(&browser, words, "#not-found h1", words.not_found).await;
    findings.state(&browser, case, "not-found").await;
    browser.close().await;

    let meetings = backend.sandbox().meetings();
    assert_eq!(
        meetings.len(),
        meetings_before + 1,
        "one meeting for {}",
        case.name()
    );
    let made = meetings
        .iter()
        .find(|m| m.subject == subject)
        .expect("the meeting reached GoTo");
    assert_eq!(made.coorganizer_keys, vec![colleague.organizer_key.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_passes_axe_in_each_language_and_size() {
    let _turn = one_at_a_time().await;
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let mut findings = Findings(Vec::new());
    for case in &CASES {
        journey(&backend, &driver, case, &mut findings).await;
    }
    findings.assert_none();
}

// ---- the form's rules ----

/// Every message on screen is tied to its field and announced: each non-empty `.field-error`
/// is named by exactly one control's `aria-describedby`, and sits in a polite live region.
/// Returns how many messages were checked.
async fn assert_errors_linked(browser: &Browser) -> usize {
    let report = browser
        .client
        .execute(
            "const problems = [];
             const shown = [...document.querySelectorAll('.field-error')]
               .filter(el => el.textContent.trim() !== '');
             for (const message of shown) {
               const owners = [...document.querySelectorAll('[aria-describedby]')].filter(c =>
                 c.getAttribute('aria-describedby').split(/\\s+/).includes(message.id));
               if (!message.id || owners.length !== 1) {
                 problems.push(`#${message.id} is described-by of ${owners.length} controls`);
               } else if (owners[0].getAttribute('aria-invalid') !== 'true') {
                 problems.push(`#${owners[0].id} has a message but is not aria-invalid`);
               }
               const live = message.closest('[aria-live], [role=status], [role=alert]');
               const politeness = live && (live.getAttribute('aria-live')
                 || (live.getAttribute('role') === 'status' ? 'polite' : 'assertive'));
               if (politeness !== 'polite') {
                 problems.push(`#${message.id} is not in a polite live region (${politeness})`);
               }
             }
             return { count: shown.length, problems };",
            vec![],
        )
        .await
        .unwrap();
    let problems: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        problems.is_empty(),
        "messages not announced at their fields: {problems:?}"
    );
    report["count"].as_u64().unwrap() as usize
}

/// Every control on the page has an accessible name, as the browser computes it.
async fn assert_controls_named(browser: &Browser) {
    let controls = browser
        .client
        .find_all(Locator::Css("input, select, textarea, button"))
        .await
        .unwrap();
    assert!(!controls.is_empty());
    for control in controls {
        let name = browser.accessible_name(&control).await;
        if name.is_empty() {
            let html = control.html(false).await.unwrap_or_default();
            panic!("a control without an accessible name: {html}");
        }
    }
}

/// Types into a field, leaves it, and sends the form, as a person would after fixing it.
async fn submit_with(browser: &Browser, values: &[(&str, &str)]) {
    for (css, value) in values {
        browser.set_value(css, value).await;
    }
    browser.click("#create").await;
}

async fn each_rule(backend: &Backend, driver: &Driver, case: &Case, findings: &mut Findings) {
    let words = case.words;
    let browser = case.open(driver).await;
    browser.sign_in(backend).await;
    assert_language(&browser, words, "main h1", words.create_title).await;
    assert_controls_named(&browser).await;

    submit_with(&browser, &[("#subject", "   ")]).await;
    browser
        .wait_for_text("#subject-error", words.required)
        .await;
    assert!(assert_errors_linked(&browser).await >= 1);
    browser
        .screenshot(&format!("matrix-{}-topic-required", case.name()))
        .await;

    submit_with(&browser, &[("#subject", &"a".repeat(101))]).await;
    browser
        .wait_for_text("#subject-error", words.too_long)
        .await;
    assert_errors_linked(&browser).await;
    browser
        .screenshot(&format!("matrix-{}-topic-too-long", case.name()))
        .await;

    // An end at or before the start is the next day: said as the times are picked, before
    // any submit (the meeting is valid, so nothing is sent).
    for (css, value) in [
        ("#subject", "Revisión tardía"),
        ("#date", &date_in(2)),
        ("#start", "23:30"),
    ] {
        browser.set_value(css, value).await;
    }
    browser.set_value("#end", "00:30").await;
    browser
        .wait_for_text("#ends-next-day", words.next_day)
        .await;
    assert_eq!(browser.value("#end").await, "00:30");
    browser
        .screenshot(&format!("matrix-{}-ends-next-day", case.name()))
        .await;

    submit_with(
        &browser,
        &[
            ("#date", &date_in(-1)),
            ("#start", "10:00"),
            ("#end", "11:00"),
        ],
    )
    .await;
    browser.wait_for_text("#start-error", words.in_past).await;
    assert_errors_linked(&browser).await;
    browser
        .screenshot(&format!("matrix-{}-start-passed", case.name()))
        .await;

    // 02:30 on 28 March 2027 does not exist in Madrid (the browser's zone): the clocks go
    // from 02:00 to 03:00.
    submit_with(
        &browser,
        &[
            ("#date", "2027-03-28"),
            ("#start", "02:30"),
            ("#end", "04:00"),
        ],
    )
    .await;
    browser
        .wait_for_text("#start-error", words.no_such_time)
        .await;
    assert_errors_linked(&browser).await;
    assert_controls_named(&browser).await;
    findings.state(&browser, case, "create-no-such-time").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_speaks_at_its_field_in_each_language_and_size() {
    let _turn = one_at_a_time().await;
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let mut findings = Findings(Vec::new());
    for case in &CASES {
        each_rule(&backend, &driver, case, &mut findings).await;
    }
    assert!(
        backend.sandbox().meetings().is_empty(),
        "nothing reached GoTo"
    );
    findings.assert_none();
}

/// The same rules on WebKit (every iPhone browser, Safari) and Firefox, in each language and
/// size: WebKit speaks the language its driver was started in, so each language has its own.
async fn each_rule_on(engine: Engine) {
    let _turn = one_at_a_time().await;
    let backend = start_backend().await;
    let mut findings = Findings(Vec::new());
    for language in [&ENGLISH, &SPANISH] {
        let driver = start_engine(engine, "Europe/Madrid", language.browser).await;
        for case in CASES.iter().filter(|c| std::ptr::eq(c.words, language)) {
            each_rule(&backend, &driver, case, &mut findings).await;
        }
    }
    assert!(
        backend.sandbox().meetings().is_empty(),
        "nothing reached GoTo"
    );
    findings.assert_none();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_speaks_at_its_field_on_webkit() {
    each_rule_on(Engine::WebKit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_speaks_at_its_field_on_firefox() {
    each_rule_on(Engine::Firefox).await;
}

// ---- by keyboard alone ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_by_keyboard_alone() {
    let _turn = one_at_a_time().await;
    let case = &CASES[3];
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = case.open(&driver).await;
    let colleague = a_colleague(&backend);

    browser
        .client
        .goto(&format!("{}/", backend.base))
        .await
        .unwrap();
    browser.wait_for("a#connect").await;
    browser.tab_to("a#connect").await;
    browser.press(Key::Enter).await;
    browser.wait_for("#allow").await;
    browser.tab_to("#allow").await;
    browser.press(Key::Enter).await;

    // The form's defaults (today, the next half hour, 30 minutes) are kept: typing into date
    // and time inputs depends on the browser's locale, and the rules have their own test.
    browser.wait_for("form#create-meeting").await;
    browser.tab_to("#subject").await;
    let subject = "Revisión con teclado";
    browser.type_text(subject).await;
    // Back and forth: Shift+Tab returns to the topic, whose text is intact.
    browser.press(Key::Tab).await;
    browser.tab_to_direction("#subject", true).await;
    assert_eq!(browser.value("#subject").await, subject);
    browser.tab_to("#coorganizer-search").await;
    search_coorganizer(&browser, &colleague, &colleague.last_name).await;
    pick_coorganizer(&browser, &colleague).await;
    browser.tab_to("#create").await;
    browser.press(Key::Enter).await;

    browser.wait_for_text("#created-title", subject).await;
    browser.tab_to("#copy-join-url").await;
    browser.press(Key::Space).await;
    browser
        .wait_for_text("#copy-join-url", case.words.copied)
        .await;
    browser.tab_to("#view-details").await;
    browser.press(Key::Enter).await;

    browser.wait_for_text("#meeting-subject", subject).await;
    browser.tab_to("#schedule-another").await;
    browser.press(Key::Enter).await;
    browser.wait_for("form#create-meeting").await;
    assert_eq!(browser.value("#subject").await, "");
    browser.close().await;

    let meetings = backend.sandbox().meetings();
    assert_eq!(meetings.len(), 1, "one meeting");
    assert_eq!(meetings[0].subject, subject);
    assert_eq!(meetings[0].coorganizer_keys, vec![colleague.organizer_key]);
}

// ---- the audit itself ----

/// The audit can fail: a nameless button is reported in the light scheme, and text that is
/// readable in the light scheme but not in the dark one is reported in the dark pass only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_reports_what_it_finds() {
    let _turn = one_at_a_time().await;
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = CASES[0].open(&driver).await;
    browser
        .client
        .goto(&format!("{}/", backend.base))
        .await
        .unwrap();
    browser.wait_for("a#connect").await;
    assert!(
        browser.audit("clean").await.is_empty(),
        "the page starts clean"
    );

    // Through the CSSOM, which the app's Content-Security-Policy leaves alone.
    browser
        .client
        .execute(
            "const sheet = document.styleSheets[0];
             sheet.insertRule('@media (prefers-color-scheme: dark) { #dark-only { color: #333 !important; background: #111 !important } }', sheet.cssRules.length);
             const main = document.querySelector('main');
             const p = document.createElement('p');
             p.id = 'dark-only';
             p.textContent = 'Readable only in the light';
             main.append(p);
             const b = document.createElement('button');
             b.id = 'nameless';
             main.append(b);",
            vec![],
        )
        .await
        .unwrap();
    let found = browser.audit("planted").await;
    let light: Vec<&String> = found.iter().filter(|f| f.contains(", light]")).collect();
    let dark: Vec<&String> = found.iter().filter(|f| f.contains(", dark]")).collect();
    assert!(
        light
            .iter()
            .any(|f| f.contains("button-name") && f.contains("#nameless")),
        "{found:#?}"
    );
    assert!(
        !light.iter().any(|f| f.contains("#dark-only")),
        "{found:#?}"
    );
    assert!(
        dark.iter()
            .any(|f| f.contains("color-contrast") && f.contains("#dark-only")),
        "{found:#?}"
    );
    browser.close().await;
}
