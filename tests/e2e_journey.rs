//! The walking skeleton's whole journey in a real browser at phone size: signed out →
//! Connect GoToMeeting → the sandbox's consent page → Create meeting → New meeting →
//! Meeting details, against the real backend and the release build.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{open_browser, start_backend, start_driver, PHONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_connects_and_schedules_a_meeting_on_a_phone() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    let colleague = backend
        .sandbox()
        .organizers()
        .into_iter()
        .filter(|o| {
            !o.admin && o.account_key == backend.sandbox().account_key() && o.is_active_g2m()
        })
        .nth(1)
        .unwrap();

    browser
        .client
        .goto(&format!("{}/", backend.base))
        .await
        .unwrap();
    let connect = browser.wait_for("a#connect").await;
    assert_eq!(browser.viewport().await, (390, 844));
    browser.screenshot("signed-out-phone").await;
    connect.click().await.unwrap();

    // The sandbox's consent page: the first organizer, Allow.
    browser.wait_for("#allow").await;
    browser.screenshot("sandbox-consent-phone").await;
    browser
        .client
        .find(Locator::Css("#allow"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    browser.wait_for("form#create-meeting").await;
    let subject = "Planificación del trimestre";
    browser.set_value("#subject", subject).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    browser.set_value("#date", &tomorrow).await;
    browser.set_value("#start", "10:00").await;
    browser.set_value("#end", "10:45").await;
    browser.set_value("#password", "clave-segura").await;
    // The co-organizer combobox, as a finger uses it: type, tap the option, get a chip.
    browser.click("#coorganizer-search").await;
    browser.send_to_focused(&colleague.last_name).await;
    let option = browser
        .wait_for_text("#coorganizer-listbox", &colleague.email)
        .await;
    assert!(option.contains(&colleague.full_name()), "{option}");
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
    browser.screenshot("create-meeting-phone").await;
    // From here on the pages change without a reload (the form's redirect too): a mark left
    // on the page survives to the end.
    browser
        .client
        .execute("window.sameDocument = true;", vec![])
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#create"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let title = browser.wait_for_text("#created-title", subject).await;
    assert!(title.contains(subject));
    browser.screenshot("new-meeting-phone").await;
    let created_url = browser.client.current_url().await.unwrap();
    assert!(created_url.path().ends_with("/created"), "{created_url}");
    browser
        .wait_for("#view-details")
        .await
        .click()
        .await
        .unwrap();

    browser.wait_for_text("#meeting-subject", subject).await;
    let id_text = browser.wait_for("#meeting-id").await.text().await.unwrap();
    let digits: String = id_text.chars().filter(char::is_ascii_digit).collect();
    assert!(
        id_text.contains('-') && digits.len() >= 9,
        "grouped id, got {id_text:?}"
    );
    browser.screenshot("meeting-details-phone").await;
    let details_url = browser.client.current_url().await.unwrap();
    assert_eq!(
        details_url.path(),
        created_url.path().trim_end_matches("/created")
    );

    // The browser's back and forward buttons move between the pages the same way.
    browser.client.back().await.unwrap();
    browser.wait_for_text("#created-title", subject).await;
    assert_eq!(browser.client.current_url().await.unwrap(), created_url);
    browser.client.forward().await.unwrap();
    browser.wait_for_text("#meeting-subject", subject).await;
    assert_eq!(browser.client.current_url().await.unwrap(), details_url);
    // "Schedule another" leads to an empty form: the draft went with the meeting it made.
    browser.click("#schedule-another").await;
    browser.wait_for("#create").await;
    assert_eq!(browser.value("#subject").await, "");
    assert_eq!(browser.client.current_url().await.unwrap().path(), "/");
    // The header's link to this very page says so, and following it adds no history entry
    // (Back would otherwise seem to do nothing).
    assert_eq!(
        browser
            .attribute("a.brand", "aria-current")
            .await
            .as_deref(),
        Some("page")
    );
    let history_length = "return history.length;";
    let before = browser
        .client
        .execute(history_length, vec![])
        .await
        .unwrap();
    browser.click("a.brand").await;
    let after = browser
        .client
        .execute(history_length, vec![])
        .await
        .unwrap();
    assert_eq!(before, after);
    let same_document = browser
        .client
        .execute("return window.sameDocument === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_document,
        serde_json::json!(true),
        "no page was reloaded"
    );

    let meetings = backend.sandbox().meetings();
    assert_eq!(meetings.len(), 1, "one meeting reached GoTo");
    assert_eq!(meetings[0].subject, subject);
    assert_eq!(meetings[0].coorganizer_keys, vec![colleague.organizer_key]);
    browser.close().await;
}
