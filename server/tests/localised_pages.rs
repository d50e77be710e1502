//! The pages the backend itself serves, in the visitor's language: the app's static shell
//! (`index.html`) and the page the sign-in popup lands on.

mod common;

use std::io::Read;

use base64::Engine;
use common::{location, start, start_with, Client};
use sha2::{Digest, Sha256};

const SCRIPT: &str = "import init from '/app-0123456789abcdef.js'; init();";

fn write_dist(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    // The repository's own shell, with trunk's module script as the build adds it.
    let html = include_str!("../../index.html").replace(
        "</head>",
        &format!("<script type=\"module\">{SCRIPT}</script></head>"),
    );
    std::fs::write(dir.join("index.html"), html).unwrap();
}

async fn shell(client: &Client, path: &str, accept_language: &str) -> reqwest::Response {
    let language = accept_language.to_owned();
    client
        .request(reqwest::Method::GET, path, move |b| {
            b.header("accept-language", language)
        })
        .await
}

#[tokio::test]
async fn the_shell_speaks_the_browsers_language_and_keeps_its_scripts_allowed() {
    let dist = common::TempDir::new("dist");
    write_dist(&dist.0);
    let dir = dist.0.clone();
    let server = start_with(|c| c.dist_dir = dir.clone()).await;
    let client = Client::new(&server.base);
    let script_hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()))
    );

    for path in ["/", "/index.html", "/meetings/123", "/meetings/123/created"] {
        let page = shell(&client, path, "es-ES,es;q=0.9,en;q=0.8").await;
        assert_eq!(page.status(), 200, "{path}");
        let vary = page.headers()["vary"].to_str().unwrap().to_owned();
        assert!(vary.contains("accept-language"), "{vary}");
        assert_eq!(page.headers()["cache-control"], "no-cache");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains(&script_hash), "{csp}");
        let html = page.text().await.unwrap();
        assert!(html.contains("<html lang=\"es\">"), "{path}: {html}");
        for spanish in [
            "<title>Programador de reuniones</title>",
            ">Programador de reuniones</a>",
            "Cargando…",
            "Programa reuniones de GoToMeeting desde cualquier dispositivo.",
            "Esta aplicación necesita JavaScript y WebAssembly.",
        ] {
            assert!(html.contains(spanish), "{path}: no {spanish:?}");
        }
        assert!(!html.contains("Loading…") && !html.contains("Meeting scheduler"));
        assert!(html.contains(SCRIPT), "the script is served as hashed");
    }

    // English, and English for a language the app does not speak.
    for accept in ["en-GB,en;q=0.9", "fr-FR,fr;q=0.9", "de, es;q=0.5, en;q=0.7"] {
        let html = shell(&client, "/", accept).await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">"), "{accept}");
        assert!(
            html.contains("<title>Meeting scheduler</title>"),
            "{accept}"
        );
        assert!(
            html.contains("Loading…") && !html.contains("Cargando"),
            "{accept}"
        );
    }
    let html = client.get("/").await.text().await.unwrap();
    assert!(html.contains("Loading…"), "no Accept-Language: English");

    // The language picked in the app (its cookie) wins over the browser's.
    let chosen = client
        .request(reqwest::Method::GET, "/", |b| {
            b.header("accept-language", "en-US")
                .header("cookie", "meetings-lang=es")
        })
        .await;
    assert!(chosen.headers()["vary"]
        .to_str()
        .unwrap()
        .contains("cookie"));
    assert!(chosen.text().await.unwrap().contains("Cargando…"));
}

#[tokio::test]
async fn the_shell_is_sent_brotli_compressed_when_the_browser_takes_it() {
    let dist = common::TempDir::new("dist");
    write_dist(&dist.0);
    let dir = dist.0.clone();
    let server = start_with(|c| c.dist_dir = dir.clone()).await;
    let client = Client::new(&server.base);
    let page = client
        .request(reqwest::Method::GET, "/meetings/1", |b| {
            b.header("accept-language", "es")
                .header("accept-encoding", "gzip, br")
        })
        .await;
    assert_eq!(page.headers()["content-encoding"], "br");
    assert!(page.headers()["vary"]
        .to_str()
        .unwrap()
        .contains("accept-encoding"));
    let compressed = page.bytes().await.unwrap();
    let mut html = String::new();
    brotli::Decompressor::new(&compressed[..], 4096)
        .read_to_string(&mut html)
        .unwrap();
    assert!(html.contains("Cargando…"), "{html}");

    let plain = client
        .request(reqwest::Method::GET, "/", |b| {
            b.header("accept-encoding", "gzip")
        })
        .await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.text().await.unwrap().contains("Loading…"));
}

#[tokio::test]
async fn the_popup_page_speaks_spanish_or_english() {
    let server = start().await;
    for (accept, lang, words) in [
        (
            "es-ES,es;q=0.9",
            "es",
            "GoToMeeting está conectado. Puedes cerrar esta ventana.",
        ),
        (
            "en-US,en;q=0.9",
            "en",
            "GoToMeeting is connected. You can close this window.",
        ),
    ] {
        let client = Client::new(&server.base);
        let login = client
            .get("/app/api/auth/serviceAction/login?return_to=/&popup=1")
            .await;
        let consent = client
            .get(&format!(
                "{}&sandbox_approve={}",
                location(&login),
                common::urlencode(&server.organizer(0).email)
            ))
            .await;
        let page = shell(&client, &location(&consent), accept).await;
        assert_eq!(page.status(), 200);
        assert!(page.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-language"));
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
        assert!(html.contains(words), "{html}");
    }
}
