//! The Create meeting form in a real browser: messages at the fields, the next-day end,
//! daylight-saving gaps, drafts that survive a reload, and a failure that loses nothing.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{date_in, open_browser, start_backend, start_driver, DESKTOP, PHONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_speaks_at_its_field() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, DESKTOP, "en-US").await;
    browser.sign_in(&backend).await;

    // Empty topic.
    browser.set_value("#subject", "   ").await;
    browser.click("#create").await;
    browser.wait_for_text("#subject-error", "required").await;
    let described = browser
        .client
        .execute(
            "return document.getElementById('subject').getAttribute('aria-describedby')",
            vec![],
        )
        .await
        .unwrap();
    assert!(described.as_str().unwrap_or("").contains("subject-error"));

    // 101 characters.
    browser.set_value("#subject", &"a".repeat(101)).await;
    browser.click("#create").await;
    browser.wait_for_text("#subject-error", "100").await;

    // An end before the start is the next day.
    browser.set_value("#subject", "Late review").await;
    browser.set_value("#date", &date_in(2)).await;
    browser.set_value("#start", "23:30").await;
    browser.set_value("#end", "00:30").await;
    browser.wait_for_text("#ends-next-day", "next day").await;

    // A start in the past.
    browser.set_value("#date", &date_in(-1)).await;
    browser.set_value("#start", "10:00").await;
    browser.set_value("#end", "11:00").await;
    browser.click("#create").await;
    browser.wait_for_text("#start-error", "passed").await;

    // 02:30 on 28 March 2027 does not exist in Madrid: the clocks go from 02:00 to 03:00.
    browser.set_value("#date", "2027-03-28").await;
    browser.set_value("#start", "02:30").await;
    browser.set_value("#end", "04:00").await;
    browser.click("#create").await;
    browser
        .wait_for_text("#start-error", "does not exist")
        .await;
    browser.screenshot("create-errors-desktop").await;

    assert!(
        backend.sandbox().meetings().is_empty(),
        "nothing reached GoTo"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_mid_form_keeps_the_draft() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    browser.sign_in(&backend).await;
    let day = date_in(3);
    browser
        .set_value("#subject", "Borrador que sobrevive")
        .await;
    browser.set_value("#date", &day).await;
    browser.set_value("#start", "16:00").await;
    browser.set_value("#end", "17:15").await;

    browser.client.refresh().await.unwrap();
    browser.wait_for("form#create-meeting").await;
    browser.wait_for("#subject").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while browser.value("#subject").await.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(browser.value("#subject").await, "Borrador que sobrevive");
    assert_eq!(browser.value("#date").await, day);
    assert_eq!(browser.value("#start").await, "16:00");
    assert_eq!(browser.value("#end").await, "17:15");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_submit_keeps_every_value_and_the_retry_makes_one_meeting() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    browser.sign_in(&backend).await;
    let day = date_in(4);
    browser.set_value("#subject", "Survives a failure").await;
    browser.set_value("#date", &day).await;
    browser.set_value("#start", "09:00").await;
    browser.set_value("#end", "09:30").await;
    browser.set_value("#password", "clave-123").await;

    backend.sandbox().fail_next(1, 502);
    browser.click("#create").await;
    browser.wait_for("#form-error").await;
    browser.screenshot("create-failed-phone").await;
    assert_eq!(browser.value("#subject").await, "Survives a failure");
    assert_eq!(browser.value("#date").await, day);
    assert_eq!(browser.value("#password").await, "clave-123");

    browser.click("#create").await;
    browser
        .wait_for_text("#created-title", "Survives a failure")
        .await;
    assert_eq!(
        backend.sandbox().meetings().len(),
        1,
        "one meeting, not two"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_meeting_shows_a_clear_not_found_page() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, DESKTOP, "en-US").await;
    browser.sign_in(&backend).await;
    browser
        .client
        .goto(&format!("{}/meetings/999999999", backend.base))
        .await
        .unwrap();
    browser.wait_for("#not-found").await;
    browser.screenshot("not-found-desktop").await;
    browser.close().await;
}
