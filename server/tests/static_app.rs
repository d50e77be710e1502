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

const JS: &str = "/app-0123456789abcdef.js";

/// A dist with a gzip copy too, and a file beside it (outside it) that must never be served.
async fn serve_dist() -> (common::TempDir, common::TestServer) {
    let root = common::TempDir::new("dist-root");
    let dist = root.0.join("dist");
    write_dist(&dist);
    std::fs::write(dist.join("app-0123456789abcdef.js.gz"), b"\x1f\x8bgzip?").unwrap();
    std::fs::write(dist.join("notes.txt"), "plain").unwrap();
    std::fs::write(root.0.join("secret.key"), "do not serve").unwrap();
    let server = start_with(move |c| c.dist_dir = dist).await;
    (root, server)
}

#[tokio::test]
async fn the_encoding_follows_accept_encoding_and_varies_by_it() {
    let (_root, server) = serve_dist().await;
    let client = Client::new(&server.base);
    let with = |value: &'static str| {
        client.request(reqwest::Method::GET, JS, move |b| {
            b.header("accept-encoding", value)
        })
    };
    let gzip = with("gzip, deflate").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["vary"], "accept-encoding");
    let gzip_tag = gzip.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"\x1f\x8bgzip?");
    let preferred = with("br;q=0.5, gzip;q=0.8").await;
    assert_eq!(preferred.headers()["content-encoding"], "gzip");
    let brotli = with("gzip, br").await;
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_ne!(
        brotli.headers()["etag"],
        gzip_tag.as_str(),
        "one tag per encoding"
    );
    let refused = with("br;q=0, gzip;q=0").await;
    assert!(refused.headers().get("content-encoding").is_none());
    let plain = client.get(JS).await;
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    assert_eq!(plain.headers()["content-type"], "text/javascript");
    assert!(plain.headers().get("last-modified").is_some());
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "strong: {etag}"
    );
    assert_eq!(
        plain.text().await.unwrap(),
        "export default function init() {}"
    );
    // A file without a hash in its name is revalidated, and has no compressed copy.
    let notes = client.get("/notes.txt").await;
    assert_eq!(notes.headers()["cache-control"], "no-cache");
    assert_eq!(notes.headers()["content-type"], "text/plain");
    assert!(notes.headers().get("content-security-policy").is_none());
}

#[tokio::test]
async fn a_known_copy_is_not_sent_again() {
    let (_root, server) = serve_dist().await;
    let client = Client::new(&server.base);
    let first = client
        .request(reqwest::Method::GET, JS, |b| {
            b.header("accept-encoding", "br")
        })
        .await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let again = client
        .request(reqwest::Method::GET, JS, |b| {
            b.header("accept-encoding", "br")
                .header("if-none-match", format!("\"other\", {etag}"))
        })
        .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert_eq!(
        again.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(again.bytes().await.unwrap().is_empty());
    // The brotli copy's tag does not stand for the plain bytes.
    let plain = client
        .request(reqwest::Method::GET, JS, |b| {
            b.header("if-none-match", &etag)
        })
        .await;
    assert_eq!(plain.status(), 200);
    let by_date = client
        .request(reqwest::Method::GET, JS, |b| {
            b.header("if-modified-since", &last_modified)
        })
        .await;
    assert_eq!(by_date.status(), 304);
    // If-None-Match rules when both are sent.
    let both = client
        .request(reqwest::Method::GET, JS, |b| {
            b.header("if-modified-since", &last_modified)
                .header("if-none-match", "\"other\"")
        })
        .await;
    assert_eq!(both.status(), 200);
}

#[tokio::test]
async fn head_answers_the_headers_of_get_without_the_body() {
    let (_root, server) = serve_dist().await;
    let client = Client::new(&server.base);
    let head = client
        .request(reqwest::Method::HEAD, JS, |b| {
            b.header("accept-encoding", "br")
        })
        .await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-encoding"], "br");
    assert_eq!(head.headers()["content-length"], "10");
    assert_eq!(head.headers()["content-type"], "text/javascript");
    assert!(head.bytes().await.unwrap().is_empty());
    let shell = client
        .request(reqwest::Method::HEAD, "/meetings/7", |b| b)
        .await;
    assert_eq!(shell.status(), 200);
    assert!(shell.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let post = client.request(reqwest::Method::POST, JS, |b| b).await;
    assert_eq!(post.status(), 405);
}

#[tokio::test]
async fn missing_files_get_the_shell_never_cached_for_good() {
    let (_root, server) = serve_dist().await;
    let client = Client::new(&server.base);
    // An app route, a missing file, and an old build's hashed file: the shell, revalidated.
    for path in [
        "/meetings/123",
        "/missing.js",
        "/app-fedcba9876543210.js",
        "/dist",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        assert!(page.headers().get("content-security-policy").is_some());
        assert!(page.text().await.unwrap().contains("id=\"app\""), "{path}");
    }
    // Percent-encoded names and repeated slashes name the same file.
    let encoded = client.get("/app-0123456789abcdef%2Ejs").await;
    assert_eq!(
        encoded.text().await.unwrap(),
        "export default function init() {}"
    );
}

/// Paths sent as they are, not normalised by a client library.
async fn raw_get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn no_path_leaves_the_built_app() {
    let (_root, server) = serve_dist().await;
    for path in [
        "/../secret.key",
        "/%2e%2e/secret.key",
        "/x/..%2f..%2fsecret.key",
        "/..%5csecret.key",
        "//etc/passwd",
    ] {
        let answer = raw_get(&server.base, path).await;
        assert!(!answer.contains("do not serve"), "{path}: {answer}");
        assert!(!answer.contains("root:"), "{path}: {answer}");
    }
}

/// `trunk serve` rebuilds its directory under a running backend (issue 16): the backend must
/// go on answering the build it started with, whole, or the browser would meet a shell whose
/// loader names a script that is gone and stay on "Loading…".
#[tokio::test]
async fn a_rebuild_of_the_directory_does_not_reach_the_running_backend() {
    let (root, server) = serve_dist().await;
    let dist = root.0.join("dist");
    std::fs::remove_dir_all(&dist).unwrap();
    std::fs::create_dir_all(&dist).unwrap();
    let rebuilt = INDEX.replace("0123456789abcdef", "fedcba9876543210");
    std::fs::write(dist.join("index.html"), &rebuilt).unwrap();
    std::fs::write(dist.join("app-fedcba9876543210.js"), "export default 1").unwrap();

    let client = Client::new(&server.base);
    let started_with = |page: &str| page.contains(JS) && !page.contains("fedcba9876543210");
    for path in ["/", "/meetings/new"] {
        let page = client.get(path).await.text().await.unwrap();
        assert!(started_with(&page), "{path}: {page}");
    }
    let js = client.get(JS).await;
    assert_eq!(js.status(), 200);
    assert_eq!(
        js.text().await.unwrap(),
        "export default function init() {}"
    );
    // The rebuild's own script is not part of the app that was started: it gets the shell.
    let newer = client.get("/app-fedcba9876543210.js").await;
    assert_eq!(newer.headers()["cache-control"], "no-cache");
    assert!(started_with(&newer.text().await.unwrap()));
}
