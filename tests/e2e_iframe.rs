//! The app inside a portal's iframe, on every engine: Connect opens the sign-in in a popup,
//! the person approves on the sandbox's consent page there, the popup reports back
//! (origin-checked `postMessage`) and closes, and the framed app goes on signed in and
//! schedules a meeting. Two deployments: a portal on the app's own site (`127.0.0.1` on
//! another port) and a portal on another site (`localhost`), which needs cross-site cookies.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::Duration;

use support::static_files::serve;
use support::tls::TlsFront;
use support::{
    date_in, open_browser_with, start_backend_with, start_engine, Engine, TempDir, PHONE,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Portal {
    /// The portal and the app on one site: the app's ordinary `SameSite=Lax` cookies.
    SameSite,
    /// The portal on another site: `MEETINGS_COOKIE_SAMESITE=none` and a frame-ancestor.
    /// The popup's own session cookie lives in its top-level context, which the cross-site
    /// frame never sees (measured: neither a `Partitioned` nor a plain `SameSite=None` cookie
    /// reached it), so the popup also posts a one-time code that the framed app redeems with a
    /// CSRF-guarded POST (`/api/session/handoff`), getting the cookie in its own partition.
    CrossSite,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_the_same_site_in_chromium() {
    portal_journey(Engine::Chromium, Portal::SameSite, "es-ES", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_the_same_site_in_webkit() {
    portal_journey(Engine::WebKit, Portal::SameSite, "es-ES", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_the_same_site_in_firefox() {
    portal_journey(Engine::Firefox, Portal::SameSite, "en-US", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_through_the_popup_and_schedules_inside_a_portal_iframe() {
    portal_journey(Engine::Chromium, Portal::CrossSite, "en-US", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_another_site_in_firefox() {
    portal_journey(Engine::Firefox, Portal::CrossSite, "es-ES", true).await;
}

/// Safari's tracking prevention (ITP) on: the frame gets its cookies once the person allows
/// it (the Storage Access API, on their tap).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_another_site_in_webkit_with_tracking_prevention() {
    portal_journey(Engine::WebKit, Portal::CrossSite, "es-ES", true).await;
}

/// The person says no to the browser's question: the app tells them what still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_on_another_site_in_webkit_when_the_person_refuses() {
    portal_journey(Engine::WebKit, Portal::CrossSite, "es-ES", false).await;
}

/// `allow`: the person's answer to the browser's storage-access question, where one is asked.
async fn portal_journey(engine: Engine, deployment: Portal, lang: &str, allow: bool) {
    let portal_dir = TempDir::new("portal");
    let portal = serve(portal_dir.0.clone()).await;
    // WebKit sends a Secure cookie only over https, and cross-site cookies must be Secure:
    // there both the portal and the app are served over https, and Safari's tracking
    // prevention (ITP) is on, as it is by default on every iPhone and Mac.
    let https = engine == Engine::WebKit && deployment == Portal::CrossSite;
    let mut portal_front = None;
    let mut app_front = None;
    let portal_origin = match (deployment, https) {
        (Portal::SameSite, _) => format!("http://127.0.0.1:{}", portal.port),
        (Portal::CrossSite, false) => format!("http://localhost:{}", portal.port),
        (Portal::CrossSite, true) => {
            let mut front = TlsFront::bind().await;
            front.forward_to(portal.port);
            let origin = format!("https://localhost:{}", front.port);
            portal_front = Some(front);
            origin
        }
    };
    if https {
        app_front = Some(TlsFront::bind().await);
    }
    let app_port = app_front.as_ref().map(|front| front.port);
    let backend = start_backend_with(|config| {
        // The portal may frame the app; on another site the session cookie must be the
        // cross-site kind.
        config.frame_ancestors = portal_origin.clone();
        config.cross_site_cookies = deployment == Portal::CrossSite;
        if let Some(port) = app_port {
            config.public_url = format!("https://127.0.0.1:{port}");
        }
    })
    .await;
    if let Some(front) = app_front.as_mut() {
        front.forward_to(backend.running.addr.port());
    }
    let tag = match deployment {
        Portal::SameSite => "iframe-same-site",
        Portal::CrossSite => "iframe",
    };
    std::fs::write(
        portal_dir.0.join("index.html"),
        format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Intranet</title><body style=\"margin:0;font-family:system-ui\">\
             <header style=\"padding:8px;background:#123\">\
             <span style=\"color:#fff\">Intranet portal</span></header>\
             <iframe id=\"app\" src=\"{}/\" title=\"Meetings\" \
             style=\"border:0;width:100%;height:780px\"></iframe></body></html>",
            backend.base
        ),
    )
    .unwrap();

    let driver = start_engine(engine, "Europe/Madrid", lang).await;
    let itp: &[&str] = if https { &["--enable-itp"] } else { &[] };
    let browser = open_browser_with(&driver, PHONE, lang, itp).await;
    browser
        .client
        .goto(&format!("{portal_origin}/"))
        .await
        .unwrap();
    let portal_window = browser.client.window().await.unwrap();
    browser
        .wait_for("iframe#app")
        .await
        .enter_frame()
        .await
        .unwrap();
    browser.wait_for("a#connect").await;
    browser.screenshot(&format!("{tag}-signed-out-phone")).await;
    browser.click("a#connect").await;
    // The framed page says it is waiting for the popup.
    browser.wait_for("#sign-in-popup").await;

    // The popup: a window of its own, showing the sandbox's consent page.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let popup = loop {
        let windows = browser.client.windows().await.unwrap();
        if let Some(other) = windows.into_iter().find(|w| *w != portal_window) {
            break other;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no sign-in popup opened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    browser.client.switch_to_window(popup).await.unwrap();
    browser.wait_for("#allow").await;
    browser.screenshot(&format!("{tag}-popup-consent")).await;
    browser.click("#allow").await;

    // It reports back and closes itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while browser.client.windows().await.unwrap().len() > 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the sign-in popup did not close"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser
        .client
        .switch_to_window(portal_window.clone())
        .await
        .unwrap();
    browser
        .wait_for("iframe#app")
        .await
        .enter_frame()
        .await
        .unwrap();

    if https {
        // Safari's tracking prevention kept the frame from its cookies: the app says so, in
        // the person's language, and asks on their tap; the browser then asks them itself.
        browser.wait_for("#allow-storage-access").await;
        let asked = browser.wait_for_text("#sign-in-popup", "navegador").await;
        assert!(asked.contains("Permitir y continuar"), "{asked}");
        browser.screenshot(&format!("{tag}-storage-access")).await;
        browser.click("#allow-storage-access").await;
        driver.answer_webkit_storage_prompt(allow).await;
        if !allow {
            // Refused: the app says what still works, a tab of its own, where the popup's
            // sign-in is the app's own first-party cookie.
            let refused = browser
                .wait_for_text("#sign-in-popup", "pestaña nueva")
                .await;
            assert!(refused.contains("no lo ha permitido"), "{refused}");
            browser.screenshot(&format!("{tag}-storage-refused")).await;
            browser.click("#open-app-in-tab").await;
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            let tab = loop {
                let windows = browser.client.windows().await.unwrap();
                if let Some(other) = windows.into_iter().find(|w| *w != portal_window) {
                    break other;
                }
                assert!(std::time::Instant::now() < deadline, "no new tab opened");
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            browser.client.switch_to_window(tab).await.unwrap();
            browser.wait_for("form#create-meeting").await;
            browser.close().await;
            drop((portal_front, app_front));
            return;
        }
        browser.wait_for("form#create-meeting").await;
    }
    // The framed app's own view of the session, so a failure says where the flow broke.
    let framed_session = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/session').then(r => r.text()).then(done, e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !framed_session
            .as_str()
            .unwrap_or("")
            .contains("\"user\":null"),
        "the popup signed in, but the framed app has no session: the cookie was set in the \
         popup's top-level context, which the iframe under another site does not share"
    );
    // The framed app is signed in now and schedules.
    browser.wait_for("form#create-meeting").await;
    browser.set_value("#subject", "Portal planning").await;
    browser.set_value("#date", &date_in(1)).await;
    browser.set_value("#start", "10:00").await;
    browser.set_value("#end", "10:30").await;
    browser.screenshot(&format!("{tag}-create-phone")).await;
    browser.click("#create").await;
    browser
        .wait_for_text("#created-title", "Portal planning")
        .await;
    browser.client.enter_parent_frame().await.unwrap();
    browser.screenshot(&format!("{tag}-created-phone")).await;
    let meetings = backend.sandbox().meetings();
    assert_eq!(meetings.len(), 1, "one meeting in the sandbox");
    browser.close().await;
    drop((portal_front, app_front));
}
