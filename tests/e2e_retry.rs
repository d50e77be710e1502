//! "Try again" where something failed to load: the meeting on its details page, and the
//! organizer search in the combobox. Each time the page keeps its place and the second try
//! shows what the first could not.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{date_in, open_browser, start_backend, start_driver, Browser, PHONE};

/// Makes the browser's own requests to matching URLs fail, as when offline (empty: none).
async fn block_urls(browser: &Browser, patterns: &[&str]) {
    for (cmd, params) in [
        ("Network.enable", serde_json::json!({})),
        (
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": patterns }),
        ),
    ] {
        browser.devtools(cmd, params).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_that_failed_to_load_loads_on_try_again() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    browser.sign_in(&backend).await;
    browser.set_value("#subject", "Loads the second time").await;
    browser.set_value("#date", &date_in(5)).await;
    browser.set_value("#start", "10:00").await;
    browser.set_value("#end", "10:30").await;
    browser.click("#create").await;
    browser
        .wait_for_text("#created-title", "Loads the second time")
        .await;
    let created = browser.client.current_url().await.unwrap();
    let details = created.as_str().trim_end_matches("/created").to_owned();

    // GoTo fails the first read and both of the backend's retries.
    backend.sandbox().fail_next(3, 503);
    browser.client.goto(&details).await.unwrap();
    browser.wait_for("#meeting-error").await;
    browser.screenshot("details-load-failed-phone").await;
    browser.click("#meeting-error button").await;
    browser
        .wait_for_text("#meeting-subject", "Loads the second time")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizer_search_that_failed_runs_again_on_try_again() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    let nunez = backend
        .sandbox()
        .organizers()
        .into_iter()
        .find(|o| o.last_name == "Núñez Ibáñez")
        .expect("the sandbox has Núñez");
    browser.sign_in(&backend).await;

    block_urls(&browser, &["*/api/organizers*"]).await;
    browser.click("#coorganizer-search").await;
    browser.send_to_focused("nunez").await;
    browser.wait_for("#coorganizer-status button").await;
    assert_eq!(
        browser
            .attribute("#coorganizer-search", "aria-expanded")
            .await
            .as_deref(),
        Some("false"),
        "no list while the search has failed"
    );

    block_urls(&browser, &[]).await;
    browser.click("#coorganizer-status button").await;
    browser
        .wait_for_text("#coorganizer-listbox", &nunez.full_name())
        .await;
    browser.close().await;
}
