//! A person whose GoTo account holds no GoToMeeting licence (the sandbox's G2W-only Sergio)
//! learns it right after signing in, in their language, before typing anything: no form, the
//! account they are signed in with, and a way to sign out and pick another. Axe-clean.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{open_browser, start_backend, start_driver, Browser, DESKTOP, PHONE};

/// GoToWebinar only, no GoToMeeting, in the sandbox's seed.
const NO_LICENCE: &str = "sergio.ramos.canizares@solaris-logistica.example";

/// The words each language must show.
struct Words {
    lang: &'static str,
    title: &'static str,
    ask_admin: &'static str,
    switch_account: &'static str,
}

const ENGLISH: Words = Words {
    lang: "en-US",
    title: "Your GoTo account has no GoToMeeting licence",
    ask_admin: "Ask your GoTo administrator",
    switch_account: "Sign out to use another account",
};

const SPANISH: Words = Words {
    lang: "es-ES",
    title: "Tu cuenta de GoTo no tiene licencia de GoToMeeting",
    ask_admin: "Pide a tu administrador de GoTo",
    switch_account: "Cerrar sesión para usar otra cuenta",
};

/// Signs in as Sergio and checks the notice stands in the form's place.
async fn assert_no_licence_notice(browser: &Browser, words: &Words) {
    let title = browser.wait_for_text("#no-licence h2", words.title).await;
    assert_eq!(title, words.title);
    let notice = browser
        .wait_for_text("#no-licence-notice", words.ask_admin)
        .await;
    assert!(
        notice.contains(NO_LICENCE),
        "the account is named: {notice}"
    );
    assert_eq!(
        browser
            .attribute("#no-licence-notice", "role")
            .await
            .as_deref(),
        Some("alert")
    );
    for absent in ["form#create-meeting", "#subject", "#create"] {
        assert!(
            browser.client.find(Locator::Css(absent)).await.is_err(),
            "{absent} is shown to a person without a licence"
        );
    }
    let switch = browser.wait_for("#switch-account").await;
    assert_eq!(switch.text().await.unwrap(), words.switch_account);
    // The page keeps one h1 (the create page's own), the notice's title under it.
    let h1s = browser.client.find_all(Locator::Css("h1")).await.unwrap();
    assert_eq!(h1s.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_licence_is_said_before_the_form_in_each_language() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    for (words, size, name) in [
        (&ENGLISH, PHONE, "en-phone"),
        (&SPANISH, DESKTOP, "es-desktop"),
    ] {
        let browser = open_browser(&driver, size, words.lang).await;
        browser.sign_in_as(&backend, NO_LICENCE).await;
        assert_no_licence_notice(&browser, words).await;
        browser.screenshot(&format!("no-licence-{name}")).await;
        browser
            .assert_accessible(&format!("no licence {name}"))
            .await;
        browser.close().await;
    }
    assert!(
        backend.sandbox().meetings().is_empty(),
        "nothing reached GoTo"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_from_the_notice_lets_another_account_schedule() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, PHONE, "en-US").await;
    browser.sign_in_as(&backend, NO_LICENCE).await;
    assert_no_licence_notice(&browser, &ENGLISH).await;

    browser.click("#switch-account").await;
    browser.wait_for("#signed-out a#connect").await;
    // A person with a licence, through the same consent page: the form is back.
    let licensed = backend
        .sandbox()
        .organizers()
        .into_iter()
        .find(|o| !o.admin && o.account_key == backend.sandbox().account_key() && o.is_active_g2m())
        .expect("a licensed organizer");
    browser.sign_in_as(&backend, &licensed.email).await;
    browser.wait_for("form#create-meeting").await;
    assert!(browser
        .client
        .find(Locator::Css("#no-licence"))
        .await
        .is_err());
    browser.close().await;
}
