//! The Create meeting form in a real browser: drafts that survive a reload, and a failure
//! that loses nothing. Each rule's message at its field (both languages, both sizes,
//! daylight-saving gaps) and the not-found page are in `e2e_matrix.rs`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{date_in, open_browser, start_backend, start_driver, PHONE};

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
    browser.click("#password-required").await;

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
    assert!(browser.checked("#password-required").await);
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
    browser.click("#password-required").await;

    backend.sandbox().fail_next(1, 502);
    browser.click("#create").await;
    browser.wait_for("#form-error").await;
    browser.screenshot("create-failed-phone").await;
    assert_eq!(browser.value("#subject").await, "Survives a failure");
    assert_eq!(browser.value("#date").await, day);
    assert!(browser.checked("#password-required").await);

    browser.click("#create").await;
    browser
        .wait_for_text("#created-title", "Survives a failure")
        .await;
    assert_eq!(
        backend.sandbox().meetings().len(),
        1,
        "one meeting, not two"
    );
    assert!(backend.sandbox().meetings()[0].password_required);
    browser.close().await;
}
