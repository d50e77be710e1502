//! Serving the built app: precompressed files, caching, the SPA fallback and its headers.

mod common;

use common::{start_with, Client};

const INDEX: &str = "<!doctype html><html><head><script type=\"module\">import init from '/app-0123456789abcdef.js'; init();</script></head><body><div id=\"app\"></div></body></html>";

fn write_dist(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(
        dir.join("app-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(
        dir.join("app-0123456789abcdef.js.br"),
        b"\x0b\x02\x80brotli?",
    )
    .unwrap();
}

#[tokio::test]
async fn hashed_files_are_immutable_and_served_precompressed() {
    let dist = common::TempDir::new("dist");
    write_dist(&dist.0);
    let dir = dist.0.clone();
    let server = start_with(|c| c.dist_dir = dir.clone()).await;
    let client = Client::new(&server.base);
    let js = client
        .request(reqwest::Method::GET, "/app-0123456789abcdef.js", |b| {
            b.header("accept-encoding", "br, gzip")
        })
        .await;
    assert_eq!(js.status(), 200);
    assert_eq!(js.headers()["content-encoding"], "br");
    assert_eq!(
        js.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(js.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html_revalidated_with_a_strict_csp() {
    let dist = common::TempDir::new("dist");
    write_dist(&dist.0);
    let dir = dist.0.clone();
    let server = start_with(|c| {
        c.dist_dir = dir.clone();
        c.frame_ancestors = "https://portal.example.com".into();
    })
    .await;
    let client = Client::new(&server.base);
    for path in ["/", "/meetings/123", "/meetings/123/created"] {
        let page = client.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(
            csp.contains("frame-ancestors https://portal.example.com"),
            "{csp}"
        );
        assert!(
            page.headers().get("x-frame-options").is_none(),
            "CSP frame-ancestors only"
        );
        assert!(page.text().await.unwrap().contains("id=\"app\""));
    }
    let unknown_api = client.get("/api/nothing-here").await;
    assert_eq!(unknown_api.status(), 404);
    assert_eq!(unknown_api.headers()["content-type"], "application/json");
}
