//! Issue 14, "My meetings": the upcoming list (`/meetings`), a meeting's details, changing it
//! (`/meetings/{id}/edit`), cancelling it and starting it, against the real backend, its
//! embedded sandbox and the release build.
//!
//! - The journey twice, Spanish at phone size in Madrid and English at desktop size in New
//!   York: two meetings, the list in local time under local day headings, a change across a
//!   daylight-saving change (and a second co-organizer), a cancel from the list, a start in a
//!   new window, then Back and Forward through every page visited with no reload. The change
//!   and the cancel by keyboard alone; axe-core at every new page and state.
//! - A co-organizer may start a meeting but not change or cancel it: the pages say so, and the
//!   backend refuses their PUT and DELETE with 403 `not_organizer`.
//! - A change GoTo refuses, then one that times out: the form keeps every value; the next save
//!   changes the meeting exactly once.
//!
//! The tests take turns (one Chromium at a time on two cores), as in `e2e_matrix.rs`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use fantoccini::key::Key;
use fantoccini::Locator;
use goto_sandbox::SeedOrganizer;
use support::{
    open_browser, start_backend, start_backend_with, start_driver, start_engine, Backend, Browser,
    Engine, PHONE,
};

/// Desktop size for this issue: 1280×900.
const DESKTOP_TALL: (u32, u32) = (1280, 900);

async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    TURN.lock().await
}

// ---- words ----

/// What the app says in each language, as far as these tests look.
struct Words {
    /// The language Chromium is started with; also the locale `Intl` formats with.
    browser: &'static str,
    code: &'static str,
    list_title: &'static str,
    /// How `p.with` starts.
    with: &'static str,
    /// In `#list-status` after a cancel, with the topic.
    is_cancelled: &'static str,
    saved: &'static str,
    required: &'static str,
    save: &'static str,
    saving: &'static str,
    /// Fragments of the co-organizer's `#role-note`: they may start it, not change or cancel.
    may_start: &'static str,
    may_not: &'static str,
}

const ENGLISH: Words = Words {
    browser: "en-US",
    code: "en",
    list_title: "Your upcoming meetings",
    with: "With ",
    is_cancelled: "is cancelled",
    saved: "Changes saved.",
    required: "This field is required.",
    save: "Save changes",
    saving: "Saving…",
    may_start: "start",
    may_not: "change or cancel",
};

const SPANISH: Words = Words {
    browser: "es-ES",
    code: "es",
    list_title: "Tus próximas reuniones",
    with: "Con ",
    is_cancelled: "está cancelada",
    saved: "Cambios guardados.",
    required: "Este campo es obligatorio.",
    save: "Guardar cambios",
    saving: "Guardando…",
    may_start: "iniciar",
    may_not: "cancelar",
};

// ---- time zones and their daylight-saving changes ----

fn nth_sunday(year: i32, month: u32, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n).unwrap()
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, 5)
        .unwrap_or_else(|| nth_sunday(year, month, 4))
}

fn eu_spring(year: i32) -> NaiveDate {
    last_sunday(year, 3)
}
fn eu_autumn(year: i32) -> NaiveDate {
    last_sunday(year, 10)
}
fn us_spring(year: i32) -> NaiveDate {
    nth_sunday(year, 3, 2)
}
fn us_autumn(year: i32) -> NaiveDate {
    nth_sunday(year, 11, 1)
}

/// A zone's rules as the tests know them, independently of the browser and the app.
struct Zone {
    name: &'static str,
    spring: fn(i32) -> NaiveDate,
    autumn: fn(i32) -> NaiveDate,
    /// Minutes east of UTC.
    standard: i32,
    summer: i32,
}

const MADRID: Zone = Zone {
    name: "Europe/Madrid",
    spring: eu_spring,
    autumn: eu_autumn,
    standard: 60,
    summer: 120,
};

const NEW_YORK: Zone = Zone {
    name: "America/New_York",
    spring: us_spring,
    autumn: us_autumn,
    standard: -300,
    summer: -240,
};

/// A Thursday before the zone's next daylight-saving change and the Tuesday after it, with
/// the offsets in force on each.
struct AcrossDst {
    old_date: NaiveDate,
    old_offset: i32,
    new_date: NaiveDate,
    new_offset: i32,
}

fn across_dst(zone: &Zone) -> AcrossDst {
    let today = Utc::now().date_naive();
    let mut changes = Vec::new();
    for year in today.year()..=today.year() + 1 {
        changes.push(((zone.spring)(year), zone.standard, zone.summer));
        changes.push(((zone.autumn)(year), zone.summer, zone.standard));
    }
    changes.sort_by_key(|c| c.0);
    let (day, before, after) = changes
        .into_iter()
        .find(|(day, ..)| *day >= today + chrono::Duration::days(6))
        .expect("a daylight-saving change within a year");
    AcrossDst {
        old_date: day - chrono::Duration::days(3),
        old_offset: before,
        new_date: day + chrono::Duration::days(2),
        new_offset: after,
    }
}

/// A wall-clock time on `date` at `offset` minutes east of UTC, as an instant.
fn instant(date: NaiveDate, time: &str, offset: i32) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    (date.and_time(time) - chrono::Duration::minutes(offset.into())).and_utc()
}

fn days_ahead(days: i64) -> NaiveDate {
    Utc::now().date_naive() + chrono::Duration::days(days)
}

// ---- small page helpers ----

/// Whitespace runs (including `Intl`'s narrow no-break spaces) as one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An element's `textContent` (as written, not as CSS capitalises it), squashed.
async fn text_of(browser: &Browser, css: &str) -> Option<String> {
    browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null",
            vec![css.into()],
        )
        .await
        .unwrap()
        .as_str()
        .map(squash)
}

async fn present(browser: &Browser, css: &str) -> bool {
    browser.client.find(Locator::Css(css)).await.is_ok()
}

/// Waits until the element's text passes `check`; fails naming what was expected and seen.
async fn wait_text(
    browser: &Browser,
    css: &str,
    expected: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let seen = text_of(browser, css).await;
        if let Some(text) = seen.as_deref().filter(|t| check(t)) {
            return text.to_owned();
        }
        if Instant::now() > deadline {
            let url = browser.client.current_url().await.map(|u| u.to_string());
            browser
                .screenshot(&format!(
                    "my-meetings-failed-{}",
                    css.replace(['#', ' ', '.'], "_")
                ))
                .await;
            let page = text_of(browser, "body").await.unwrap_or_default();
            panic!("{css}: expected {expected}, seen {seen:?} (at {url:?})\npage text: {page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_text_eq(browser: &Browser, css: &str, expected: &str) -> String {
    let expected = squash(expected);
    wait_text(browser, css, &format!("{expected:?}"), |t| t == expected).await
}

async fn wait_text_has(browser: &Browser, css: &str, needles: &[&str]) -> String {
    let needles: Vec<String> = needles.iter().map(|n| squash(n)).collect();
    wait_text(browser, css, &format!("text containing {needles:?}"), |t| {
        needles.iter().all(|n| t.contains(n.as_str()))
    })
    .await
}

/// Whether the element is there and shown (not `hidden`, not `display: none`).
async fn shown(browser: &Browser, css: &str) -> bool {
    browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]);
             return !!el && el.checkVisibility()",
            vec![css.into()],
        )
        .await
        .unwrap()
        == serde_json::json!(true)
}

async fn wait_shown(browser: &Browser, css: &str, expected: bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while shown(browser, css).await != expected {
        assert!(
            Instant::now() < deadline,
            "{css} is {}shown",
            if expected { "never " } else { "still " }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_gone(browser: &Browser, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while present(browser, css).await {
        assert!(Instant::now() < deadline, "{css} is still on the page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn path(browser: &Browser) -> String {
    browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned()
}

async fn wait_path(browser: &Browser, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = path(browser).await;
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the address is {now}, never {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_focus(browser: &Browser, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if browser.focused_id().await == id {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "focus is on {}, never on #{id}",
            browser.focused().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The date and the short time `locale` writes for a wall-clock time in the browser's zone:
/// the browser's own `Intl`, as the page is meant to use it.
async fn local_words(
    browser: &Browser,
    locale: &str,
    date: NaiveDate,
    time: &str,
) -> (String, String) {
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    let words = browser
        .client
        .execute(
            "const [y, m, d, h, mi, locale] = arguments;
             const at = new Date(y, m - 1, d, h, mi);
             return [new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(at),
                     new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at)];",
            vec![
                date.year().into(),
                date.month().into(),
                date.day().into(),
                chrono::Timelike::hour(&time).into(),
                chrono::Timelike::minute(&time).into(),
                locale.into(),
            ],
        )
        .await
        .unwrap();
    (
        squash(words[0].as_str().unwrap()),
        squash(words[1].as_str().unwrap()),
    )
}

/// Screenshots and axe-core findings of every state; the findings are printed as they come
/// and asserted at the end, so one run lists them all.
struct Audit {
    tag: String,
    found: Vec<String>,
    problems: Vec<String>,
}

impl Audit {
    fn new(tag: &str) -> Audit {
        Audit {
            tag: tag.to_owned(),
            found: Vec::new(),
            problems: Vec::new(),
        }
    }

    async fn state(&mut self, browser: &Browser, state: &str) {
        browser
            .screenshot(&format!("my-meetings-{}-{state}", self.tag))
            .await;
        let found = browser.audit(&format!("{} {state}", self.tag)).await;
        for line in &found {
            eprintln!("axe: {line}");
        }
        self.found.extend(found);
    }

    /// A check of what a page says that the rest of the test does not depend on: waited for
    /// as usual, but a miss is reported at the end with everything else found, not at once.
    async fn text_eq(&mut self, browser: &Browser, css: &str, expected: &str) {
        let expected = squash(expected);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let seen = text_of(browser, css).await;
            if seen.as_deref() == Some(expected.as_str()) {
                return;
            }
            if Instant::now() > deadline {
                let url = path(browser).await;
                let problem = format!("{css} at {url}: expected {expected:?}, seen {seen:?}");
                eprintln!("problem: {problem}");
                self.problems.push(problem);
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn assert_none(self) {
        assert!(
            self.found.is_empty() && self.problems.is_empty(),
            "{} problem(s):\n  {}\naxe-core found {} WCAG 2.2 A/AA violation(s):\n  {}",
            self.problems.len(),
            self.problems.join("\n  "),
            self.found.len(),
            self.found.join("\n  ")
        );
    }
}

/// Two people the signed-in organizer (the sandbox's first) may invite, as `a_colleague`
/// chooses them.
fn colleagues(backend: &Backend) -> (SeedOrganizer, SeedOrganizer) {
    let sandbox = backend.sandbox();
    let mut them = sandbox
        .organizers()
        .into_iter()
        .filter(|o| !o.admin && o.account_key == sandbox.account_key() && o.is_active_g2m())
        .skip(1);
    (
        them.next().expect("a colleague"),
        them.next().expect("a second colleague"),
    )
}

// ---- the keyboard ----

/// How this browser lays out `<input type=date>` (it follows the machine's locale, not the
/// page's language), so dates can be typed as a person would.
#[derive(Clone, Copy, Debug)]
enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}

/// How a person types a date and a time here. Chromium and Firefox move to a date's or a
/// time's next part by themselves once its digits are typed; WebKit, as Safari, stays in the
/// part (more digits replace it) until Tab moves on, so there each part ends with a Tab.
#[derive(Clone, Copy, Debug)]
struct Typing {
    order: DateOrder,
    tab_between_parts: bool,
    /// Only where parts take a Tab: whether the time has an AM/PM part (Chromium takes
    /// 13–23 as PM by itself).
    twelve_hour: bool,
}

const TAB: char = '\u{e004}';

/// Finds the layout on a scratch page, before the app is opened.
async fn typing(browser: &Browser) -> Typing {
    for tab_between_parts in [false, true] {
        let sep = if tab_between_parts {
            TAB.to_string()
        } else {
            String::new()
        };
        for (parts, order) in [
            (["01", "02", "2003"], None),
            (["2003", "01", "02"], Some(DateOrder::Ymd)),
        ] {
            browser
                .client
                .goto("data:text/html,<input id=a><input type=date id=d><input type=time id=t>")
                .await
                .unwrap();
            browser
                .client
                .execute("document.getElementById('a').focus()", vec![])
                .await
                .unwrap();
            browser.press(Key::Tab).await;
            browser.type_text(&parts.join(&sep)).await;
            let order = match (order, browser.value("#d").await.as_str()) {
                (None, "2003-01-02") => DateOrder::Mdy,
                (None, "2003-02-01") => DateOrder::Dmy,
                (Some(order), "2003-01-02") => order,
                _ => continue,
            };
            let mut twelve_hour = false;
            if tab_between_parts {
                browser.press(Key::Tab).await;
                browser.type_text(&format!("16{TAB}30")).await;
                twelve_hour = browser.value("#t").await != "16:30";
            }
            return Typing {
                order,
                tab_between_parts,
                twelve_hour,
            };
        }
    }
    panic!("cannot tell how this browser lays out a date input");
}

/// With focus on a date input's first part, types `date`.
async fn type_date(browser: &Browser, typing: Typing, date: NaiveDate) {
    let parts = match typing.order {
        DateOrder::Mdy => ["%m", "%d", "%Y"],
        DateOrder::Dmy => ["%d", "%m", "%Y"],
        DateOrder::Ymd => ["%Y", "%m", "%d"],
    }
    .map(|part| date.format(part).to_string());
    let sep = if typing.tab_between_parts {
        TAB.to_string()
    } else {
        String::new()
    };
    browser.type_text(&parts.join(&sep)).await;
}

/// With focus on a time input's first part, types `HH:MM`: the hours as on a 24-hour clock
/// (Chromium's 12-hour layout takes 13–23 as PM), then A or P for a 12-hour layout's period
/// (a 24-hour layout ignores it); where parts take a Tab, the hours on the layout's clock.
async fn type_time(browser: &Browser, typing: Typing, time: &str) {
    let (hours, minutes) = time.split_once(':').unwrap();
    let hour: u32 = hours.parse().unwrap();
    let period = if hour >= 12 { 'P' } else { 'A' };
    let typed = if !typing.tab_between_parts {
        format!("{hours}{minutes}{period}")
    } else if typing.twelve_hour {
        let twelve = match hour % 12 {
            0 => 12,
            h => h,
        };
        format!("{twelve:02}{TAB}{minutes}{TAB}{period}")
    } else {
        format!("{hours}{TAB}{minutes}")
    };
    browser.type_text(&typed).await;
}

/// Ctrl+A, Backspace: empties the focused text field.
async fn clear_focused(browser: &Browser) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let (control, backspace): (char, char) = (Key::Control.into(), Key::Backspace.into());
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: control })
        .then(KeyAction::Down { value: 'a' })
        .then(KeyAction::Up { value: 'a' })
        .then(KeyAction::Up { value: control })
        .then(KeyAction::Down { value: backspace })
        .then(KeyAction::Up { value: backspace });
    browser
        .client
        .perform_actions(actions)
        .await
        .expect("keyboard actions");
}

/// With focus in the co-organizer search: types the colleague's last name, moves down the
/// offered people to them, Enter; a chip names them.
async fn pick_by_keyboard(browser: &Browser, colleague: &SeedOrganizer) {
    assert!(
        browser.focused().await.contains("#coorganizer-search"),
        "focus is in the search, not on {}",
        browser.focused().await
    );
    browser.type_text(&colleague.last_name).await;
    browser
        .wait_for_text("ul#coorganizer-listbox", &colleague.email)
        .await;
    let mut active = String::new();
    for _ in 0..10 {
        browser.press(Key::Down).await;
        active = browser
            .client
            .execute(
                "const input = document.getElementById('coorganizer-search');
                 const id = input.getAttribute('aria-activedescendant');
                 const option = id && document.getElementById(id);
                 return option ? option.textContent : ''",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if active.contains(&colleague.email) {
            break;
        }
    }
    assert!(
        active.contains(&colleague.email),
        "ArrowDown never reached {}; last active option {active:?}",
        colleague.email
    );
    browser.press(Key::Enter).await;
    browser
        .wait_for_text("ul.chips", &colleague.full_name())
        .await;
}

// ---- making a meeting (not under test here: clicks and set_value, as e2e_journey.rs) ----

/// Fills the create form and sends it; returns the new meeting's id, from the address of
/// its "created" page.
async fn create(
    browser: &Browser,
    subject: &str,
    date: NaiveDate,
    start: &str,
    end: &str,
    coorganizer: Option<&SeedOrganizer>,
) -> String {
    browser.wait_for("form#create-meeting").await;
    browser.set_value("#subject", subject).await;
    browser
        .set_value("#date", &date.format("%Y-%m-%d").to_string())
        .await;
    browser.set_value("#start", start).await;
    browser.set_value("#end", end).await;
    if let Some(colleague) = coorganizer {
        browser.click("#coorganizer-search").await;
        browser.send_to_focused(&colleague.last_name).await;
        browser
            .wait_for_text("#coorganizer-listbox", &colleague.email)
            .await;
        browser
            .client
            .find(Locator::XPath(&format!(
                "//li[@role='option'][contains(., '{}')]",
                colleague.email
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser
            .wait_for_text("ul.chips", &colleague.full_name())
            .await;
    }
    browser.click("#create").await;
    browser.wait_for_text("#created-title", subject).await;
    let path = path(browser).await;
    let id = path
        .strip_prefix("/meetings/")
        .and_then(|p| p.strip_suffix("/created"))
        .unwrap_or_else(|| panic!("a created page at /meetings/{{id}}/created, not {path}"))
        .to_owned();
    assert!(id.chars().all(|c| c.is_ascii_digit()), "{id}");
    id
}

fn sandbox_meeting(backend: &Backend, id: &str) -> Option<goto_sandbox::SandboxMeeting> {
    let id: u64 = id.parse().unwrap();
    backend
        .sandbox()
        .meetings()
        .into_iter()
        .find(|m| m.meeting_id == id)
}

/// GoTo calls to `path` with `method`: (all, those handled without any fault switch).
fn goto_calls(backend: &Backend, method: &str, path: &str) -> Vec<goto_sandbox::JournalEntry> {
    backend
        .sandbox()
        .journal()
        .into_iter()
        .filter(|e| e.method == method && e.path == path)
        .collect()
}

// ---- the history ----

/// The entries of the tab's history since the mark, as the app pushed (or replaced) them.
struct History {
    base: u64,
    stack: Vec<String>,
}

async fn history_now(browser: &Browser) -> (u64, String) {
    let now = browser
        .client
        .execute("return [history.length, location.pathname]", vec![])
        .await
        .unwrap();
    (
        now[0].as_u64().unwrap(),
        now[1].as_str().unwrap().to_owned(),
    )
}

impl History {
    async fn start(browser: &Browser) -> History {
        let (base, path) = history_now(browser).await;
        History {
            base,
            stack: vec![path],
        }
    }

    /// After each move to another page: one more entry, or the last one replaced.
    async fn note(&mut self, browser: &Browser) {
        let (length, path) = history_now(browser).await;
        let depth = (length - self.base + 1) as usize;
        if depth == self.stack.len() + 1 {
            self.stack.push(path);
        } else if depth == self.stack.len() {
            *self.stack.last_mut().unwrap() = path;
        } else {
            panic!(
                "history went from {} entries to {depth} ({path}); pages so far {:?}",
                self.stack.len(),
                self.stack
            );
        }
    }
}

async fn assert_no_reload(browser: &Browser) {
    assert_eq!(
        browser
            .client
            .execute("return window.__marker === 1", vec![])
            .await
            .unwrap(),
        serde_json::json!(true),
        "the page was reloaded (window.__marker is gone)"
    );
}

// ---- the journey ----

struct Case {
    name: &'static str,
    words: &'static Words,
    size: (u32, u32),
    zone: &'static Zone,
    topics: [&'static str; 3],
}

const SPANISH_PHONE: Case = Case {
    name: "es-phone",
    words: &SPANISH,
    size: PHONE,
    zone: &MADRID,
    topics: [
        "Planificación del trimestre",
        "Revisión de presupuesto · Q1",
        "Planificación del trimestre (nueva hora)",
    ],
};

const ENGLISH_DESKTOP: Case = Case {
    name: "en-desktop",
    words: &ENGLISH,
    size: DESKTOP_TALL,
    zone: &NEW_YORK,
    topics: [
        "Quarter planning",
        "Budget review · Q1",
        "Quarter planning (new time)",
    ],
};

/// One meeting on the list: its times, topic, day heading, co-organizers and controls.
async fn assert_listed(
    browser: &Browser,
    case: &Case,
    id: &str,
    subject: &str,
    (date, start, end): (NaiveDate, &str, &str),
    with: &[&SeedOrganizer],
) {
    let words = case.words;
    let item = format!("li.meeting-item#meeting-{id}");
    browser.wait_for(&item).await;
    let (day, from) = local_words(browser, words.browser, date, start).await;
    let (_, to) = local_words(browser, words.browser, date, end).await;
    let when = format!("{from} – {to}");
    if words.code == "es" {
        assert_eq!(when, format!("{start} – {end}"), "the oracle itself");
    }
    wait_text_eq(browser, &format!("{item} p.when"), &when).await;
    wait_text_eq(browser, &format!("{item} h3 a"), subject).await;
    assert_eq!(
        browser
            .attribute(&format!("{item} h3 a"), "href")
            .await
            .as_deref(),
        Some(format!("/meetings/{id}").as_str()),
        "the topic links to the details"
    );
    let heading = browser
        .client
        .execute(
            "const item = document.querySelector(arguments[0]);
             const day = item && item.closest('#meeting-list section.day');
             const h2 = day && day.querySelector('h2');
             return h2 ? h2.textContent : null",
            vec![item.clone().into()],
        )
        .await
        .unwrap();
    assert_eq!(
        heading.as_str().map(squash),
        Some(day.clone()),
        "{subject} under the heading of its local day"
    );
    if !with.is_empty() {
        let names: Vec<String> = with.iter().map(|o| o.full_name()).collect();
        let mut needles = vec![words.with];
        needles.extend(names.iter().map(String::as_str));
        let said = wait_text_has(browser, &format!("{item} p.with"), &needles).await;
        assert!(said.starts_with(words.with.trim()), "{said:?}");
    }
    let join = browser
        .attribute(&format!("{item} p.join a"), "href")
        .await
        .unwrap_or_default();
    assert!(
        join.starts_with("https://") && join.contains(id),
        "the join link of {id}: {join:?}"
    );
    assert_eq!(
        browser
            .attribute(&format!("#change-{id}"), "href")
            .await
            .as_deref(),
        Some(format!("/meetings/{id}/edit").as_str())
    );
    assert!(present(browser, &format!("button#cancel-{id}")).await);
}

/// What each page visited shows when History comes back to it.
async fn assert_page(browser: &Browser, case: &Case, path: &str, first: &str, subject: &str) {
    if path == "/meetings" {
        wait_text_eq(browser, "main h1", case.words.list_title).await;
        browser
            .wait_for_attribute("#my-meetings-link", "aria-current", Some("page"))
            .await;
        return;
    }
    if path == "/" {
        browser.wait_for("form#create-meeting").await;
    } else if path == format!("/meetings/{first}") {
        wait_text_eq(browser, "#meeting-subject", subject).await;
    } else if path == format!("/meetings/{first}/edit") {
        browser.wait_for("form#change-meeting-form").await;
    } else if path == format!("/meetings/{first}/created") {
        wait_text_has(browser, "#created-title", &[subject]).await;
    } else if path.ends_with("/created") {
        // The cancelled meeting's page: it is gone at GoTo.
        browser.wait_for("#created-title, #not-found").await;
    } else {
        panic!("visited an unexpected page {path}");
    }
    browser
        .wait_for_attribute("#my-meetings-link", "aria-current", None)
        .await;
}

async fn journey(case: &Case, engine: Engine) {
    let words = case.words;
    let [topic, other_topic, new_topic] = case.topics;
    let backend = start_backend().await;
    let driver = start_engine(engine, case.zone.name, words.browser).await;
    let browser = open_browser(&driver, case.size, words.browser).await;
    let typing = typing(&browser).await;
    let (ana, ben) = colleagues(&backend);
    let dst = across_dst(case.zone);
    let other_date = days_ahead(2);
    let mut audit = Audit::new(case.name);

    browser.sign_in(&backend).await;
    browser
        .client
        .execute("window.__marker = 1;", vec![])
        .await
        .unwrap();
    let mut history = History::start(&browser).await;

    // Nothing yet: the list through the header's link, empty.
    browser.click("#my-meetings-link").await;
    browser.wait_for("#no-meetings").await;
    wait_text_eq(&browser, "main h1", words.list_title).await;
    browser
        .wait_for_attribute("#my-meetings-link", "aria-current", Some("page"))
        .await;
    history.note(&browser).await;
    audit.state(&browser, "list-empty").await;

    // Two meetings: one with a co-organizer before the daylight-saving change, one sooner.
    browser.click("a.brand").await;
    browser.wait_for("form#create-meeting").await;
    history.note(&browser).await;
    let first = create(&browser, topic, dst.old_date, "10:00", "11:00", Some(&ana)).await;
    history.note(&browser).await;
    let made = sandbox_meeting(&backend, &first).expect("the first meeting reached GoTo");
    assert_eq!(
        made.start_time,
        instant(dst.old_date, "10:00", dst.old_offset),
        "10:00 in {} before the change",
        case.zone.name
    );
    browser.click("a.brand").await;
    browser.wait_for("form#create-meeting").await;
    history.note(&browser).await;
    let second = create(&browser, other_topic, other_date, "15:00", "15:45", None).await;
    history.note(&browser).await;

    // Both on the list, in local time, under their local days, soonest first.
    browser.click("#my-meetings-link").await;
    browser.wait_for("#meeting-list").await;
    history.note(&browser).await;
    browser
        .wait_for_attribute("#my-meetings-link", "aria-current", Some("page"))
        .await;
    wait_text_eq(&browser, "main h1", words.list_title).await;
    assert_listed(
        &browser,
        case,
        &first,
        topic,
        (dst.old_date, "10:00", "11:00"),
        &[&ana],
    )
    .await;
    assert_listed(
        &browser,
        case,
        &second,
        other_topic,
        (other_date, "15:00", "15:45"),
        &[],
    )
    .await;
    let headings = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#meeting-list section.day > h2')].map(h => h.textContent)",
            vec![],
        )
        .await
        .unwrap();
    let headings: Vec<String> = headings
        .as_array()
        .unwrap()
        .iter()
        .map(|h| squash(h.as_str().unwrap_or_default()))
        .collect();
    let (other_day, _) = local_words(&browser, words.browser, other_date, "15:00").await;
    let (old_day, _) = local_words(&browser, words.browser, dst.old_date, "10:00").await;
    assert_eq!(
        headings,
        vec![other_day, old_day],
        "one heading a day, soonest first"
    );
    audit.state(&browser, "list").await;

    // ---- the change, by keyboard alone ----
    browser.tab_to(&format!("#change-{first}")).await;
    browser.press(Key::Enter).await;
    browser.wait_for("form#change-meeting-form").await;
    wait_path(&browser, &format!("/meetings/{first}/edit")).await;
    history.note(&browser).await;
    let old_date = dst.old_date.format("%Y-%m-%d").to_string();
    let new_date = dst.new_date.format("%Y-%m-%d").to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while browser.value("#subject").await != topic && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser.value("#subject").await,
        topic,
        "the form holds the meeting"
    );
    assert_eq!(browser.value("#date").await, old_date);
    assert_eq!(browser.value("#start").await, "10:00");
    assert_eq!(browser.value("#end").await, "11:00");
    browser.wait_for_text("ul.chips", &ana.full_name()).await;
    wait_text_eq(&browser, "#save-changes", words.save).await;
    audit.state(&browser, "change-form").await;

    // Sent without a topic: the create's rule, at its field.
    browser.tab_to("#subject").await;
    clear_focused(&browser).await;
    browser.tab_to("#save-changes").await;
    browser.press(Key::Enter).await;
    wait_text_has(&browser, "#subject-error", &[words.required]).await;
    assert_eq!(path(&browser).await, format!("/meetings/{first}/edit"));
    audit.state(&browser, "change-form-error").await;

    browser.tab_to_direction("#subject", true).await;
    browser.type_text(new_topic).await;
    browser.tab_to("#date").await;
    type_date(&browser, typing, dst.new_date).await;
    browser.tab_to("#start").await;
    type_time(&browser, typing, "16:30").await;
    browser.tab_to("#end").await;
    type_time(&browser, typing, "17:15").await;
    assert_eq!(browser.value("#subject").await, new_topic);
    assert_eq!(
        browser.value("#date").await,
        new_date,
        "typed as {typing:?}"
    );
    assert_eq!(browser.value("#start").await, "16:30");
    assert_eq!(browser.value("#end").await, "17:15");
    browser.tab_to("#coorganizer-search").await;
    pick_by_keyboard(&browser, &ben).await;
    wait_text_has(&browser, "ul.chips", &[&ana.full_name(), &ben.full_name()]).await;
    browser.tab_to("#save-changes").await;
    browser.press(Key::Enter).await;
    // The details: the new local time across the change, both co-organizers, "saved".
    wait_path(&browser, &format!("/meetings/{first}")).await;
    history.note(&browser).await;
    let (new_day, new_start) = local_words(&browser, words.browser, dst.new_date, "16:30").await;
    let (_, new_end) = local_words(&browser, words.browser, dst.new_date, "17:15").await;
    wait_text_eq(&browser, "#meeting-subject", new_topic).await;
    wait_text_eq(&browser, "#meeting-date", &new_day).await;
    wait_text_eq(&browser, "#meeting-start", &new_start).await;
    wait_text_eq(&browser, "#meeting-end", &new_end).await;
    wait_text_has(
        &browser,
        "#meeting-coorganizers",
        &[&ana.full_name(), &ben.full_name()],
    )
    .await;
    let changed = sandbox_meeting(&backend, &first).expect("still at GoTo");
    assert_eq!(changed.subject, new_topic);
    assert_eq!(
        (changed.start_time, changed.end_time),
        (
            instant(dst.new_date, "16:30", dst.new_offset),
            instant(dst.new_date, "17:15", dst.new_offset),
        ),
        "16:30–17:15 in {} after the change (offset {} → {} minutes)",
        case.zone.name,
        dst.old_offset,
        dst.new_offset
    );
    let mut keys = changed.coorganizer_keys.clone();
    keys.sort();
    let mut expected_keys = vec![ana.organizer_key.clone(), ben.organizer_key.clone()];
    expected_keys.sort();
    assert_eq!(keys, expected_keys, "both co-organizers at GoTo");
    audit.text_eq(&browser, "#saved-note", words.saved).await;
    audit.state(&browser, "details-changed").await;

    // ---- the cancel, from the list, by keyboard alone ----
    browser.tab_to_direction("#my-meetings-link", true).await;
    browser.press(Key::Enter).await;
    browser.wait_for(&format!("#meeting-{second}")).await;
    wait_path(&browser, "/meetings").await;
    history.note(&browser).await;
    // The changed meeting under its new day, at its new local time.
    assert_listed(
        &browser,
        case,
        &first,
        new_topic,
        (dst.new_date, "16:30", "17:15"),
        &[&ana, &ben],
    )
    .await;

    let cancel = format!("cancel-{second}");
    let confirm = format!("confirm-cancel-{second}");
    let keep = format!("keep-{second}");
    let question = format!("#cancel-question-{second}");
    let (other_day, other_start) = local_words(&browser, words.browser, other_date, "15:00").await;
    assert!(
        !shown(&browser, &question).await,
        "no question before the tap"
    );
    browser.tab_to(&format!("#{cancel}")).await;
    browser.press(Key::Enter).await;
    wait_shown(&browser, &question, true).await;
    wait_text_has(
        &browser,
        &question,
        &[other_topic, &other_day, &other_start],
    )
    .await;
    wait_focus(&browser, &confirm).await;
    audit.state(&browser, "cancel-question").await;
    // "No, keep it": the question closes, focus goes back to the button.
    browser.tab_to(&format!("#{keep}")).await;
    browser.press(Key::Enter).await;
    wait_shown(&browser, &question, false).await;
    wait_focus(&browser, &cancel).await;
    assert!(sandbox_meeting(&backend, &second).is_some(), "kept");
    // Again, and yes.
    browser.press(Key::Enter).await;
    wait_shown(&browser, &question, true).await;
    wait_focus(&browser, &confirm).await;
    browser.press(Key::Enter).await;
    wait_gone(&browser, &format!("#meeting-{second}")).await;
    wait_text_has(&browser, "#list-status", &[other_topic, words.is_cancelled]).await;
    assert!(
        present(&browser, &format!("#meeting-{first}")).await,
        "the other meeting stays"
    );
    assert!(sandbox_meeting(&backend, &second).is_none(), "gone at GoTo");
    let deletes = goto_calls(&backend, "DELETE", &format!("/G2M/rest/meetings/{second}"));
    assert_eq!(deletes.len(), 1, "one DELETE at GoTo: {deletes:?}");
    assert_eq!(path(&browser).await, "/meetings");
    audit.state(&browser, "list-after-cancel").await;

    // ---- start: a window opens at once, then goes to GoTo's host address ----
    browser.click(&format!("#meeting-{first} h3 a")).await;
    wait_text_eq(&browser, "#meeting-subject", new_topic).await;
    history.note(&browser).await;
    let original = browser.client.window().await.unwrap();
    let before = browser.client.windows().await.unwrap();
    browser.click("#start-meeting").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let opened = loop {
        let now = browser.client.windows().await.unwrap();
        if let Some(new) = now.into_iter().find(|w| !before.contains(w)) {
            break new;
        }
        assert!(
            Instant::now() < deadline,
            "no window opened; page says {:?}",
            text_of(&browser, "#start-error").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    browser.client.switch_to_window(opened).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let host_url = loop {
        let url = browser.client.current_url().await.unwrap().to_string();
        if url != "about:blank" {
            break url;
        }
        assert!(
            Instant::now() < deadline,
            "the new window stayed at about:blank"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("the start window went to {host_url}");
    let prefix = format!("https://global.gotomeeting.com/start/{first}?hostToken=");
    assert!(
        host_url.starts_with(&prefix) && host_url.len() > prefix.len(),
        "the new window went to {host_url:?}, not GoTo's host address {prefix}…"
    );
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(original).await.unwrap();
    let starts = goto_calls(
        &backend,
        "GET",
        &format!("/G2M/rest/meetings/{first}/start"),
    );
    assert_eq!(starts.len(), 1, "asked GoTo once, at the tap: {starts:?}");
    assert!(sandbox_meeting(&backend, &first).unwrap().started);
    assert!(!present(&browser, "#start-error").await);

    // ---- Back through every page visited, then Forward again, with no reload ----
    let stack = history.stack.clone();
    assert!(stack.len() >= 8, "pages visited: {stack:?}");
    for index in (0..stack.len() - 1).rev() {
        browser.client.back().await.unwrap();
        wait_path(&browser, &stack[index]).await;
        assert_page(&browser, case, &stack[index], &first, new_topic).await;
    }
    for page in &stack[1..] {
        browser.client.forward().await.unwrap();
        wait_path(&browser, page).await;
        assert_page(&browser, case, page, &first, new_topic).await;
    }
    assert_no_reload(&browser).await;

    browser.close().await;
    audit.assert_none();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_spanish_on_a_phone_in_madrid() {
    let _turn = one_at_a_time().await;
    journey(&SPANISH_PHONE, Engine::Chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_english_on_a_desktop_in_new_york() {
    let _turn = one_at_a_time().await;
    journey(&ENGLISH_DESKTOP, Engine::Chromium).await;
}

// The same journeys on the other two engines, each in both languages: WebKit (every iPhone
// browser, Safari) and Firefox. WebKit's and Firefox's narrowest windows are 447 and 500 CSS
// px, still the app's phone layout (see `Browser::assert_phone_viewport`).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_spanish_on_webkit() {
    let _turn = one_at_a_time().await;
    journey(&SPANISH_PHONE, Engine::WebKit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_english_on_webkit() {
    let _turn = one_at_a_time().await;
    journey(&ENGLISH_DESKTOP, Engine::WebKit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_spanish_on_firefox() {
    let _turn = one_at_a_time().await;
    journey(&SPANISH_PHONE, Engine::Firefox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_meetings_journey_in_english_on_firefox() {
    let _turn = one_at_a_time().await;
    journey(&ENGLISH_DESKTOP, Engine::Firefox).await;
}

// ---- a co-organizer ----

/// A request from the page with its session cookie, as the app sends them (`X-CSRF`, an
/// idempotency key): (status, body).
async fn api(browser: &Browser, method: &str, path: &str, body: Option<String>) -> (u64, String) {
    let answer = browser
        .client
        .execute_async(
            "const [method, path, body] = arguments;
             const done = arguments[arguments.length - 1];
             const headers = { 'X-CSRF': '1', 'Idempotency-Key': 'e2e-' + method + '-' + Date.now() };
             if (body) headers['Content-Type'] = 'application/json';
             fetch(path, { method, headers, body: body || undefined, credentials: 'same-origin' })
               .then(r => r.text().then(text => done([r.status, text])))
               .catch(e => done([0, String(e)]));",
            vec![
                method.into(),
                path.into(),
                body.map_or(serde_json::Value::Null, Into::into),
            ],
        )
        .await
        .unwrap();
    (
        answer[0].as_u64().unwrap(),
        answer[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coorganizer_may_start_but_not_change_or_cancel() {
    let _turn = one_at_a_time().await;
    let words = &SPANISH;
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let (ana, _) = colleagues(&backend);
    let mut audit = Audit::new("coorganizer-es-phone");

    let organizer = open_browser(&driver, PHONE, words.browser).await;
    organizer.sign_in(&backend).await;
    let subject = "Comité de dirección";
    let id = create(
        &organizer,
        subject,
        days_ahead(3),
        "09:30",
        "10:15",
        Some(&ana),
    )
    .await;
    organizer.close().await;

    // The colleague, in a browser of their own.
    let browser = open_browser(&driver, PHONE, words.browser).await;
    browser.sign_in_as(&backend, &ana.email).await;
    browser.wait_for("form#create-meeting").await;
    browser
        .client
        .goto(&format!("{}/meetings/{id}", backend.base))
        .await
        .unwrap();
    wait_text_eq(&browser, "#meeting-subject", subject).await;
    wait_text_has(&browser, "#role-note", &[words.may_start, words.may_not]).await;
    browser.wait_for("button#start-meeting").await;
    assert!(
        !present(&browser, "#change-meeting").await,
        "no Change for a co-organizer"
    );
    assert!(
        !present(&browser, &format!("#cancel-{id}")).await,
        "no Cancel for a co-organizer"
    );
    audit.state(&browser, "details-coorganizer").await;

    browser
        .client
        .goto(&format!("{}/meetings/{id}/edit", backend.base))
        .await
        .unwrap();
    browser.wait_for("#not-organizer").await;
    wait_text_has(
        &browser,
        "#not-organizer #role-note",
        &[words.may_start, words.may_not],
    )
    .await;
    browser.wait_for("#not-organizer #back-to-meeting").await;
    assert!(
        !present(&browser, "form#change-meeting-form").await,
        "no form for a co-organizer"
    );
    audit.state(&browser, "not-organizer").await;
    browser.click("#back-to-meeting").await;
    wait_text_eq(&browser, "#meeting-subject", subject).await;

    // The backend says no too, whatever the page shows.
    let made = sandbox_meeting(&backend, &id).unwrap();
    let later = |t: DateTime<Utc>| {
        (t + chrono::Duration::days(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let body = serde_json::json!({
        "subject": "Taken over",
        "starts_at": later(made.start_time),
        "ends_at": later(made.end_time),
        "password_required": false,
        "coorganizer_keys": [],
    })
    .to_string();
    let refused = |what: &str, (status, body): (u64, String)| {
        let error = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned));
        assert_eq!(
            (status, error.as_deref()),
            (403, Some("not_organizer")),
            "{what} by a co-organizer: {body}"
        );
    };
    refused(
        "PUT",
        api(&browser, "PUT", &format!("/api/meetings/{id}"), Some(body)).await,
    );
    refused(
        "DELETE",
        api(&browser, "DELETE", &format!("/api/meetings/{id}"), None).await,
    );
    let kept = sandbox_meeting(&backend, &id).expect("not cancelled");
    assert_eq!(kept.subject, subject, "not changed");
    let path = format!("/G2M/rest/meetings/{id}");
    assert!(
        goto_calls(&backend, "PUT", &path).is_empty(),
        "no PUT reached GoTo"
    );
    assert!(
        goto_calls(&backend, "DELETE", &path).is_empty(),
        "no DELETE reached GoTo"
    );
    browser.close().await;
    audit.assert_none();
}

// ---- a change GoTo refuses, then one that times out ----

/// What was typed into the change form, all of which a failure must leave in place.
struct Typed<'a> {
    id: &'a str,
    subject: &'a str,
    date: &'a str,
    start: &'a str,
    end: &'a str,
    colleague: &'a SeedOrganizer,
}

impl Typed<'_> {
    async fn assert_kept(&self, browser: &Browser) {
        assert_eq!(browser.value("#subject").await, self.subject, "topic kept");
        assert_eq!(browser.value("#date").await, self.date, "date kept");
        assert_eq!(browser.value("#start").await, self.start, "start kept");
        assert_eq!(browser.value("#end").await, self.end, "end kept");
        assert!(
            browser.checked("#password-required").await,
            "password box kept"
        );
        wait_text_has(browser, "ul.chips", &[&self.colleague.full_name()]).await;
        assert_eq!(path(browser).await, format!("/meetings/{}/edit", self.id));
    }
}

/// Then, the change made, the meeting is cancelled from its details page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_goto_refuses_or_times_out_keeps_every_value_and_is_made_once() {
    let _turn = one_at_a_time().await;
    let words = &ENGLISH;
    let backend = start_backend_with(|c| c.upstream_timeout = Duration::from_secs(3)).await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, DESKTOP_TALL, words.browser).await;
    let (ana, _) = colleagues(&backend);
    let mut audit = Audit::new("change-failed-en-desktop");
    browser.sign_in(&backend).await;
    let id = create(
        &browser,
        "Budget review",
        days_ahead(4),
        "10:00",
        "10:30",
        None,
    )
    .await;

    browser
        .client
        .goto(&format!("{}/meetings/{id}/edit", backend.base))
        .await
        .unwrap();
    browser.wait_for("form#change-meeting-form").await;
    wait_text_eq(&browser, "#save-changes", words.save).await;
    let (subject, date, start, end) = ("Budget review, moved", days_ahead(6), "12:00", "12:45");
    let date_value = date.format("%Y-%m-%d").to_string();
    browser.set_value("#subject", subject).await;
    browser.set_value("#date", &date_value).await;
    browser.set_value("#start", start).await;
    browser.set_value("#end", end).await;
    assert!(!browser.checked("#password-required").await);
    browser.click("#password-required").await;
    browser.click("#coorganizer-search").await;
    browser.send_to_focused(&ana.last_name).await;
    browser
        .wait_for_text("#coorganizer-listbox", &ana.email)
        .await;
    browser
        .client
        .find(Locator::XPath(&format!(
            "//li[@role='option'][contains(., '{}')]",
            ana.email
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("ul.chips", &ana.full_name()).await;

    let typed = Typed {
        id: &id,
        subject,
        date: &date_value,
        start,
        end,
        colleague: &ana,
    };
    let put_path = format!("/G2M/rest/meetings/{id}");

    // GoTo refuses the change (503 on the next API call).
    backend.sandbox().fail_next(1, 503);
    browser.click("#save-changes").await;
    browser.wait_for("#form-error").await;
    wait_text(&browser, "#form-error", "a message", |t| !t.is_empty()).await;
    wait_text_eq(&browser, "#save-changes", words.save).await;
    typed.assert_kept(&browser).await;
    let puts = goto_calls(&backend, "PUT", &put_path);
    assert!(
        puts.iter().any(|e| e.fault.as_deref() == Some("fail 503")),
        "the PUT met the failure: {puts:?}"
    );
    audit.state(&browser, "change-form-failed").await;

    // GoTo hangs past the backend's timeout (3 s here).
    backend.sandbox().hang_next(Duration::from_secs(60));
    browser.click("#save-changes").await;
    wait_text_eq(&browser, "#save-changes", words.saving).await;
    wait_text_eq(&browser, "#save-changes", words.save).await;
    browser.wait_for("#form-error").await;
    typed.assert_kept(&browser).await;
    eprintln!(
        "PUTs at GoTo after the timeout: {:?}",
        goto_calls(&backend, "PUT", &put_path)
    );

    // GoTo is fine again: saved, and changed exactly once.
    backend.sandbox().clear_faults();
    browser.click("#save-changes").await;
    wait_path(&browser, &format!("/meetings/{id}")).await;
    let (day, from) = local_words(&browser, words.browser, date, start).await;
    let (_, to) = local_words(&browser, words.browser, date, end).await;
    wait_text_eq(&browser, "#meeting-subject", subject).await;
    wait_text_eq(&browser, "#meeting-date", &day).await;
    wait_text_eq(&browser, "#meeting-start", &from).await;
    wait_text_eq(&browser, "#meeting-end", &to).await;
    wait_text_has(&browser, "#meeting-coorganizers", &[&ana.full_name()]).await;
    wait_text_eq(&browser, "#password-required", "Yes").await;
    audit.text_eq(&browser, "#saved-note", words.saved).await;

    let puts = goto_calls(&backend, "PUT", &put_path);
    let made: Vec<_> = puts
        .iter()
        .filter(|e| e.fault.is_none() && (200..300).contains(&e.status))
        .collect();
    assert_eq!(made.len(), 1, "changed exactly once at GoTo: {puts:#?}");
    let meeting = sandbox_meeting(&backend, &id).unwrap();
    assert_eq!(meeting.subject, subject);
    assert!(meeting.password_required);
    assert_eq!(meeting.coorganizer_keys, vec![ana.organizer_key.clone()]);
    assert_eq!(
        (meeting.end_time - meeting.start_time).num_minutes(),
        45,
        "12:00–12:45"
    );

    // Cancelled from its details page: the question names it, then the list says it is gone.
    let question = format!("#cancel-question-{id}");
    assert!(
        !shown(&browser, &question).await,
        "no question before the tap"
    );
    browser.click(&format!("#cancel-{id}")).await;
    wait_shown(&browser, &question, true).await;
    wait_text_has(&browser, &question, &[subject, &day, &from]).await;
    wait_focus(&browser, &format!("confirm-cancel-{id}")).await;
    browser.click(&format!("#confirm-cancel-{id}")).await;
    wait_path(&browser, "/meetings").await;
    browser.wait_for("#no-meetings").await;
    assert!(sandbox_meeting(&backend, &id).is_none(), "gone at GoTo");
    wait_text_has(&browser, "#list-status", &[subject, words.is_cancelled]).await;
    browser.close().await;
    audit.assert_none();
}
