//! The header: nothing cut or overflowing on the narrowest phones in Spanish, touch targets of
//! 44 px, and the compact / none modes for portals (by `?header=`, remembered for the tab,
//! compact by default inside an iframe).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{open_browser, start_backend, start_driver, Browser};

/// Problems with the header as laid out now, if any.
async fn header_problems(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "const problems = [];
             const width = document.documentElement.clientWidth;
             if (document.documentElement.scrollWidth > width) {
               problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
             }
             for (const el of document.querySelectorAll('header.bar > *, header.bar button')) {
               const box = el.getBoundingClientRect();
               if (box.width === 0) continue;
               const name = el.id || el.className || el.tagName;
               if (box.left < 0 || box.right > width) problems.push(name + ' sticks out');
               if (el.scrollWidth > el.clientWidth + 1) problems.push(name + ' is cut');
               if (el.matches('a, button') && (box.height < 44 || box.width < 44)) {
                 problems.push(name + ' is ' + box.width + 'x' + box.height);
               }
             }
             return problems;",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

async fn shown(browser: &Browser, css: &str) -> bool {
    browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]);
             return !!el && el.getBoundingClientRect().width > 0;",
            vec![css.into()],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spanish_header_fits_from_320_px_up() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    for width in [320, 360, 390, 768] {
        let browser = open_browser(&driver, (width, 700), "es-ES").await;
        browser.sign_in(&backend).await;
        browser.wait_for_text("#sign-out", "Cerrar sesión").await;
        let problems = header_problems(&browser).await;
        browser.screenshot(&format!("header-es-{width}")).await;
        assert!(problems.is_empty(), "at {width} px: {problems:?}");
        assert!(shown(&browser, "a.brand").await);
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portals_choose_a_compact_header_that_the_tab_remembers() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, (390, 844), "es-ES").await;
    browser.sign_in(&backend).await;
    let mode = || async {
        browser
            .attribute("html", "data-header")
            .await
            .unwrap_or_default()
    };
    assert_eq!(mode().await, "full", "full at top level by default");
    assert!(shown(&browser, "a.brand").await);

    browser
        .client
        .goto(&format!("{}/?header=compact", backend.base))
        .await
        .unwrap();
    browser.wait_for("#sign-out").await;
    assert_eq!(mode().await, "compact");
    assert!(
        !shown(&browser, "a.brand").await,
        "compact drops the product name"
    );
    assert!(shown(&browser, "#lang-es").await && shown(&browser, "#sign-out").await);
    let problems = header_problems(&browser).await;
    assert!(problems.is_empty(), "{problems:?}");
    browser.screenshot("header-compact-phone").await;

    // Remembered for the tab: another address without the parameter keeps it.
    browser
        .client
        .goto(&format!("{}/meetings/123456789", backend.base))
        .await
        .unwrap();
    browser.wait_for("#sign-out").await;
    assert_eq!(mode().await, "compact");

    browser
        .client
        .goto(&format!("{}/?header=none", backend.base))
        .await
        .unwrap();
    browser.wait_for("form#create-meeting").await;
    assert_eq!(mode().await, "none");
    assert!(!shown(&browser, "header.bar").await);

    // An unknown value changes nothing.
    browser
        .client
        .goto(&format!("{}/?header=huge", backend.base))
        .await
        .unwrap();
    browser.wait_for("form#create-meeting").await;
    assert_eq!(mode().await, "none");

    browser
        .client
        .goto(&format!("{}/?header=full", backend.base))
        .await
        .unwrap();
    browser.wait_for("#sign-out").await;
    assert_eq!(mode().await, "full");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_an_iframe_the_header_is_compact_by_default() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, (1280, 800), "en-US").await;
    browser.sign_in(&backend).await;
    // A frame of the app's own origin (the only one its default frame-ancestors allows).
    browser
        .client
        .execute(
            "document.body.innerHTML = '<iframe id=portal src=\"/\" style=\"width:600px;height:700px\"></iframe>';",
            vec![],
        )
        .await
        .unwrap();
    let frame = browser.wait_for("#portal").await;
    frame.enter_frame().await.unwrap();
    browser.wait_for("#sign-out").await;
    assert_eq!(
        browser.attribute("html", "data-header").await.as_deref(),
        Some("compact")
    );
    assert!(!shown(&browser, "a.brand").await);
    browser.screenshot("header-in-iframe-desktop").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_shell_follows_the_language_chosen_in_the_app() {
    let backend = start_backend().await;
    let driver = start_driver("Europe/Madrid").await;
    let browser = open_browser(&driver, (390, 844), "en-US").await;
    browser.sign_in(&backend).await;
    let shell = || browser.served_shell();
    assert!(
        shell().await.contains("Loading…"),
        "the browser's English first"
    );
    browser.click("#lang-es").await;
    browser.wait_for_text("#sign-out", "Cerrar sesión").await;
    let html = shell().await;
    assert!(
        html.contains("Cargando…") && (html.contains("lang=es") || html.contains("lang=\"es\"")),
        "{html}"
    );
    browser.click("#lang-en").await;
    browser.wait_for_text("#sign-out", "Sign out").await;
    assert!(shell().await.contains("Loading…"));
    browser.close().await;
}
