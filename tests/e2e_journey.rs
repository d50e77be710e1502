//! The walking skeleton's whole journey in a real browser at phone size: signed out →
//! Connect GoToMeeting → the sandbox's consent page → Create meeting → New meeting →
//! Meeting details, against the real backend and the release build; once on GoTo's current
//! OAuth host (the default) and once on the brief's legacy one (`MEETINGS_GOTO_HOST=legacy`);
//! then on WebKit and Firefox, on the plain http loopback address `cargo xtask run` prints
//! (where WebKit, unlike the others, refuses Secure cookies).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use meetings_server::config::GoToHost;
use support::{open_browser, start_backend_with, start_engine, Engine, PHONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_connects_and_schedules_a_meeting_on_a_phone() {
    journey(Engine::Chromium, GoToHost::Current, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_journey_on_the_legacy_goto_host() {
    journey(Engine::Chromium, GoToHost::Legacy, "-legacy").await;
}

/// On the default http loopback address, as `cargo xtask run` prints it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_journey_on_webkit() {
    journey(Engine::WebKit, GoToHost::Current, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_journey_on_firefox() {
    journey(Engine::Firefox, GoToHost::Current, "").await;
}

async fn journey(engine: Engine, host: GoToHost, tag: &str) {
    let backend = start_backend_with(|c| c.goto_host = host).await;
    let driver = start_engine(engine, "Europe/Madrid", "en-US").await;
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
    browser.assert_phone_viewport().await;
    browser.screenshot(&format!("signed-out-phone{tag}")).await;
    connect.click().await.unwrap();

    // The sandbox's consent page: the first organizer, Allow.
    browser.wait_for("#allow").await;
    browser
        .screenshot(&format!("sandbox-consent-phone{tag}"))
        .await;
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
    // GoTo takes only a yes/no for the password; the form says who sets it and who shares it.
    let require = browser.wait_for("#password-required").await;
    assert_eq!(
        browser.accessible_name(&require).await,
        "Require a meeting password"
    );
    assert_eq!(
        browser
            .attribute("#password-required", "type")
            .await
            .as_deref(),
        Some("checkbox")
    );
    assert!(!browser.checked("#password-required").await);
    let hint = browser
        .wait_for_text("#password-required-hint", "when you start the meeting")
        .await;
    assert!(hint.contains("share it with them yourself"), "{hint}");
    assert_eq!(
        browser
            .attribute("#password-required", "aria-describedby")
            .await
            .as_deref(),
        Some("password-required-hint")
    );
    assert!(browser
        .client
        .find(Locator::Css("input[type=password]"))
        .await
        .is_err());
    require.click().await.unwrap();
    assert!(browser.checked("#password-required").await);
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
    browser
        .screenshot(&format!("create-meeting-phone{tag}"))
        .await;
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
    browser.screenshot(&format!("new-meeting-phone{tag}")).await;
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
    assert_eq!(
        browser
            .wait_for("#password-required")
            .await
            .text()
            .await
            .unwrap(),
        "Yes"
    );
    let note = browser
        .wait_for_text("#password-required-note", "when you start the meeting")
        .await;
    assert!(
        note.contains("share it with your attendees yourself"),
        "{note}"
    );
    assert!(browser
        .client
        .find(Locator::Css("#show-password, #meeting-password"))
        .await
        .is_err());
    browser
        .screenshot(&format!("meeting-details-phone{tag}"))
        .await;
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

    let token_path = match host {
        GoToHost::Current => "/oauth/token",
        GoToHost::Legacy => "/oauth/v2/token",
    };
    let journal = backend.sandbox().journal();
    assert!(
        journal.iter().any(|e| e.path == token_path),
        "signed in through {token_path}"
    );
    let meetings = backend.sandbox().meetings();
    assert_eq!(meetings.len(), 1, "one meeting reached GoTo");
    assert_eq!(meetings[0].subject, subject);
    assert_eq!(meetings[0].coorganizer_keys, vec![colleague.organizer_key]);
    assert!(
        meetings[0].password_required,
        "GoTo was asked for a password"
    );
    browser.close().await;
}
