//! The designer demo (issue 5): the debug build served as plain files with no backend shows
//! every page with made-up data, marked as demo and chosen by `?demo=…`; the release build
//! carries none of it.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::static_files::serve;
use support::{demo_dist_dir, dist_dir, open_browser, start_driver, DESKTOP, PHONE};

/// Text only the demo module holds (its banner, its people, its made-up dial-in).
const DEMO_ONLY: &[&str] = &[
    "made-up data, no backend",
    "datos inventados, sin servidor",
    "demo-banner",
    "elena.martin@example.com",
    "Access code: 482-913-576",
];

fn wasm_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let wasm: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!wasm.is_empty(), "no wasm in {}", dir.display());
    wasm
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_release_build_holds_none_of_the_demo() {
    // The same strings are in the debug build, so this check can see them when they leak.
    for needle in DEMO_ONLY {
        assert!(
            wasm_files(&demo_dist_dir())
                .iter()
                .any(|w| contains(w, needle)),
            "the demo build lacks {needle:?}: the check below would prove nothing"
        );
        for wasm in wasm_files(&dist_dir()) {
            assert!(
                !contains(&wasm, needle),
                "the release build contains demo text {needle:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_page_shows_made_up_data_without_a_backend() {
    // Nothing but files: any call to /api would answer index.html and break the page.
    let files = serve(demo_dist_dir()).await;
    let base = format!("http://127.0.0.1:{}", files.port);
    let driver = start_driver("Europe/Madrid").await;
    for (size, size_name) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        let browser = open_browser(&driver, size, "en-US").await;
        let open = |scenario: &'static str| {
            let browser = &browser;
            let url = format!("{base}/?demo={scenario}");
            async move {
                browser.client.goto(&url).await.unwrap();
                browser.wait_for_text("#demo-banner", "made-up data").await;
            }
        };

        open("signed-out").await;
        browser.wait_for("#signed-out a#connect").await;
        browser
            .screenshot(&format!("demo-signed-out-{size_name}"))
            .await;

        open("create").await;
        browser.wait_for("form#create-meeting").await;
        browser.wait_for_text("#time-zone", "Europe/Madrid").await;
        browser
            .screenshot(&format!("demo-create-{size_name}"))
            .await;

        // The broken draft is sent as soon as it is on screen: its errors show at the fields.
        open("create-errors").await;
        browser.wait_for_text("#subject-error", "required").await;
        browser.wait_for_text("#start-error", "passed").await;
        browser
            .screenshot(&format!("demo-create-errors-{size_name}"))
            .await;

        open("created").await;
        browser
            .wait_for_text("#created-title", "Quarterly planning")
            .await;
        browser.wait_for_text("#join-url", "482913576").await;
        browser
            .screenshot(&format!("demo-created-{size_name}"))
            .await;

        open("details").await;
        browser
            .wait_for_text("#meeting-subject", "Quarterly planning")
            .await;
        browser.wait_for_text("#dial-in", "Access code").await;
        browser
            .wait_for_text("#meeting-coorganizers", "Lucía Fernández")
            .await;
        browser
            .screenshot(&format!("demo-details-{size_name}"))
            .await;

        open("not-found").await;
        browser.wait_for("#not-found").await;
        browser
            .screenshot(&format!("demo-not-found-{size_name}"))
            .await;

        // The pages of issue 14: the list (grouped by day), its empty state, the change
        // form filled in, and a co-organizer's view of the details.
        open("meetings").await;
        browser
            .wait_for_text("#meeting-list", "Quarterly planning")
            .await;
        browser
            .wait_for_text("#meeting-list", "Design review")
            .await;
        browser
            .screenshot(&format!("demo-meetings-{size_name}"))
            .await;

        open("meetings-empty").await;
        browser.wait_for("#no-meetings").await;

        open("change").await;
        browser.wait_for("form#change-meeting-form").await;
        assert_eq!(browser.value("#subject").await, "Quarterly planning");
        browser
            .screenshot(&format!("demo-change-{size_name}"))
            .await;

        open("coorganizer").await;
        browser.wait_for("#role-note").await;
        browser.wait_for("#start-meeting").await;
        assert!(
            browser
                .client
                .find_all(fantoccini::Locator::Css("#change-meeting"))
                .await
                .unwrap()
                .is_empty(),
            "a co-organizer is offered no change"
        );

        open("no-licence").await;
        browser
            .wait_for_text("#no-licence", "no GoToMeeting licence")
            .await;
        browser
            .screenshot(&format!("demo-no-licence-{size_name}"))
            .await;

        browser.close().await;
    }
}

/// The demo follows the language too: Spanish data and banner for a Spanish browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_speaks_spanish_to_a_spanish_browser() {
    let files = serve(demo_dist_dir()).await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "es-ES").await;
    browser
        .client
        .goto(&format!("http://127.0.0.1:{}/?demo=details", files.port))
        .await
        .unwrap();
    browser
        .wait_for_text("#demo-banner", "datos inventados")
        .await;
    browser
        .wait_for_text("#meeting-subject", "Planificación del trimestre")
        .await;
    browser.screenshot("demo-details-phone-es").await;
    browser.close().await;
}
