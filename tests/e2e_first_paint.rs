//! The first paint of the create page. The static shell (`index.html`, which the backend serves
//! in the person's language) paints the page's heading and lead before the wasm arrives, and
//! the lead is its largest paint; the app puts the same words in the same place, without a
//! layout shift, and nothing it adds (the connect card, the form) is larger. Run with 4× CPU
//! slowdown, as on a phone, in both languages. Chromium's own `largest-contentful-paint`
//! entries are the judge.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde::Deserialize;
use support::{open_browser, start_backend, start_driver, Browser, PHONE};

/// Installed before any script of the page: every paint, largest-paint candidate and layout
/// shift, and when the first frame began (its animation-frame callbacks run before it is
/// painted). A candidate whose element the app has since replaced has `element` null.
const OBSERVE: &str = "window.__firstPaint = { paints: [], largest: [], shift: 0, frame: null };
requestAnimationFrame(() => { window.__firstPaint.frame = performance.now(); });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__firstPaint.paints.push({ name: e.name, at: e.startTime });
}).observe({ type: 'paint', buffered: true });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__firstPaint.largest.push({
    at: e.startTime, size: e.size, by_app: !!e.element && !e.element.classList.contains('shell-create'),
  });
}).observe({ type: 'largest-contentful-paint', buffered: true });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__firstPaint.shift += e.value;
}).observe({ type: 'layout-shift', buffered: true });";

#[derive(Debug, Deserialize)]
struct Paint {
    name: String,
    at: f64,
}

#[derive(Debug, Deserialize)]
struct Largest {
    at: f64,
    size: f64,
    by_app: bool,
}

#[derive(Debug, Deserialize)]
struct FirstPaint {
    paints: Vec<Paint>,
    largest: Vec<Largest>,
    shift: f64,
    frame: Option<f64>,
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser.wait_for(css).await.text().await.unwrap()
}

/// Runs `source` in every page the browser loads from now on, before any script of the page.
async fn before_page_scripts(browser: &Browser, source: &str) {
    browser.devtools("Page.enable", serde_json::json!({})).await;
    browser
        .devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": source }),
        )
        .await;
}

/// Loads `/` afresh with 4× CPU slowdown until `ready` shows, and reads what was painted.
async fn load_slowed(browser: &Browser, base: &str, ready: &str) -> FirstPaint {
    browser
        .devtools(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 4 }),
        )
        .await;
    browser.client.goto(&format!("{base}/")).await.unwrap();
    browser.wait_for(ready).await;
    // Entries arrive after the frame is presented; a moment for the last ones.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let seen = serde_json::from_value(
        browser
            .client
            .execute("return window.__firstPaint", vec![])
            .await
            .unwrap(),
    )
    .unwrap();
    browser
        .devtools(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 1 }),
        )
        .await;
    seen
}

/// The page's largest paint is the lead (the shell's or the app's identical copy): nothing
/// painted is larger, and nothing moved.
fn assert_nothing_larger_than_the_lead(what: &str, seen: &FirstPaint) {
    let lead = seen.largest.first().map_or(0.0, |e| e.size);
    assert!(
        lead > 20_000.0 && seen.largest.iter().all(|e| e.size <= lead),
        "{what}: something larger than the lead was painted: {seen:?}"
    );
    assert_eq!(seen.shift, 0.0, "{what}: the layout shifted: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shell_paints_the_create_pages_largest_text_first() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    for (lang, title, lead_starts) in [
        ("en-US", "Schedule a meeting", "Choose a day and time"),
        ("es-ES", "Programar una reunión", "Elige el día y la hora"),
    ] {
        let browser = open_browser(&driver, PHONE, lang).await;
        before_page_scripts(&browser, OBSERVE).await;

        // The shell alone (no wasm): its first paint holds the lead, and that is the largest.
        browser
            .devtools("Network.enable", serde_json::json!({}))
            .await;
        let block = |urls: &[&str]| serde_json::json!({ "urls": urls });
        browser
            .devtools("Network.setBlockedURLs", block(&["*.wasm"]))
            .await;
        let seen = load_slowed(&browser, &backend.base, "p.lead.shell-create").await;
        browser.devtools("Network.setBlockedURLs", block(&[])).await;
        let first = seen
            .paints
            .iter()
            .find(|p| p.name == "first-contentful-paint")
            .unwrap_or_else(|| panic!("{lang}: no first contentful paint in {seen:?}"));
        let largest = seen.largest.last();
        assert!(
            largest
                .is_some_and(|l| !l.by_app && (l.at - first.at).abs() < 1.0 && l.size > 20_000.0),
            "{lang}: the shell's first paint is not its largest: {seen:?}"
        );

        // With the app: the connect card (a first visit), then the form, come under the heading
        // and lead without moving them, and nothing they paint is larger. (Whether Chromium
        // keeps the shell's paint of the lead or counts the app's identical copy a frame or two
        // later depends on how soon the wasm is there; both are the same size and place.)
        let seen = load_slowed(&browser, &backend.base, "a#connect").await;
        assert_nothing_larger_than_the_lead(&format!("{lang}, signed out"), &seen);
        assert_the_app_was_fetched_after_the_first_frame(lang, &browser, &seen).await;
        browser.sign_in(&backend).await;
        let seen = load_slowed(&browser, &backend.base, "form#create-meeting").await;
        assert_nothing_larger_than_the_lead(&format!("{lang}, signed in"), &seen);

        // The app shows the shell's words, so swapping one for the other changes nothing seen.
        let shell = browser.served_shell().await;
        let heading = text_of(&browser, "main h1").await;
        let lead = text_of(&browser, "main p.lead").await;
        assert_eq!(heading, title, "{lang}");
        assert!(lead.starts_with(lead_starts), "{lang}: {lead}");
        assert!(
            shell.contains(&format!(">{heading}<")) && shell.contains(&format!(">{lead}<")),
            "{lang}: the shell paints other words than the app:\n{shell}"
        );
        browser.close().await;
    }
}

/// The app's JS and wasm are fetched only once the shell's first frame has begun (Trunk.toml's
/// `pattern_script`), so nothing they cost can delay the first paint, and both start
/// together rather than one after the other. Trunk's own preload links started them while
/// the HTML was parsed, before any frame.
async fn assert_the_app_was_fetched_after_the_first_frame(
    lang: &str,
    browser: &Browser,
    seen: &FirstPaint,
) {
    // Each file's [start, end] of its fetch.
    let fetched: std::collections::BTreeMap<String, (f64, f64)> = serde_json::from_value(
        browser
            .client
            .execute(
                "const files = {};
                 for (const e of performance.getEntriesByType('resource')) {
                   const kind = /\\/meetings-app-[0-9a-f]+(_bg\\.wasm|\\.js)$/.exec(e.name);
                   if (kind) files[kind[1]] = [e.startTime, e.responseEnd];
                 }
                 return files;",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let frame = seen
        .frame
        .unwrap_or_else(|| panic!("{lang}: no animation frame recorded: {seen:?}"));
    let (Some(js), Some(wasm)) = (fetched.get(".js"), fetched.get("_bg.wasm")) else {
        panic!("{lang}: the app's two files were not fetched: {fetched:?}");
    };
    assert!(
        js.0 >= frame && wasm.0 >= frame,
        "{lang}: the app was fetched before the first frame ({frame} ms): {fetched:?}"
    );
    assert!(
        wasm.0 <= js.1,
        "{lang}: the wasm was asked for only once the JS had come: {fetched:?}"
    );
}

/// How many `/api/session` answers this page load read, and how many early requests (or
/// copies of their answers, `meetingsReady`) the page started that nobody took. (Chromium records a fetch's timing once its body is read, so an
/// early request left untaken would not be counted in the first figure: hence the second.)
async fn session_requests(browser: &Browser) -> (u64, u64) {
    let counts = browser
        .client
        .execute(
            "return [performance.getEntriesByType('resource')
               .filter((e) => new URL(e.name).pathname === '/api/session').length,
               Object.keys(window.meetingsEarly).length + Object.keys(window.meetingsReady).length]",
            vec![],
        )
        .await
        .unwrap();
    let count = |i: usize| counts[i].as_u64().unwrap();
    (count(0), count(1))
}

/// `index.html` starts the session check while it is parsed, before the wasm is there; the app
/// takes that answer rather than asking again, signed out and signed in alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_uses_the_session_check_the_page_started() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    for (signed_in, ready) in [(false, "a#connect"), (true, "form#create-meeting")] {
        if signed_in {
            browser.sign_in(&backend).await;
        }
        let home = format!("{}/", backend.base);
        browser.client.goto(&home).await.unwrap();
        browser.wait_for(ready).await;
        let what = if signed_in { "signed in" } else { "signed out" };
        assert_eq!(session_requests(&browser).await, (1, 0), "{what}");
    }
    browser.close().await;
}

/// Installed before any script of the page: what each delivery of DOM changes added, as
/// `tag#id`, with whether it took the shell out (the app mounting empties `#app`). One
/// delivery follows each task, so one list holds what a single task built.
const BATCHES: &str = "window.__batches = [];
new MutationObserver((records) => {
  const batch = { shell_out: false, added: [] };
  for (const r of records) {
    if (r.target.id === 'app' && r.removedNodes.length) batch.shell_out = true;
    for (const n of r.addedNodes) if (n.querySelectorAll) {
      for (const e of [n, ...n.querySelectorAll('[id]')]) if (e.id) batch.added.push(e.tagName.toLowerCase() + '#' + e.id);
    }
  }
  window.__batches.push(batch);
}).observe(document, { subtree: true, childList: true });";

#[derive(Debug, Deserialize)]
struct Batch {
    shell_out: bool,
    added: Vec<String>,
}

/// When the page's own session check has answered before the app runs (here, as on most
/// loads, it has: it starts while the page is parsed, the wasm only after the first frame),
/// the app starts from that answer: the task that replaces the shell also builds the first
/// screen, with no wait for the session between them, signed out and signed in alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_is_built_with_the_frame_when_the_session_has_answered() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    before_page_scripts(&browser, BATCHES).await;
    for (signed_in, first_screen) in [(false, "a#connect"), (true, "form#create-meeting")] {
        if signed_in {
            browser.sign_in(&backend).await;
        }
        browser
            .client
            .goto(&format!("{}/", backend.base))
            .await
            .unwrap();
        browser.wait_for(first_screen).await;
        let batches: Vec<Batch> = serde_json::from_value(
            browser
                .client
                .execute("return window.__batches", vec![])
                .await
                .unwrap(),
        )
        .unwrap();
        let mount = batches
            .iter()
            .find(|b| b.shell_out)
            .unwrap_or_else(|| panic!("the app never replaced the shell: {batches:?}"));
        assert!(
            mount.added.iter().any(|a| a == first_screen),
            "{first_screen} was not built with the frame: {batches:?}"
        );
    }
    browser.close().await;
}
