//! Serves the built app: hashed files cached forever, `index.html` (in the visitor's language,
//! see `shell`) revalidated every time,
//! precompressed brotli/gzip when the build has them (from memory, see `built_files`), and the
//! SPA fallback so deep links such as `/meetings/123` load the app.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use sha2::{Digest, Sha256};

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::built_files::{self, BuiltFiles};
use crate::shell::Shell;

/// The app's Content-Security-Policy. trunk's `index.html` starts the wasm with an inline
/// module script; rather than allowing inline scripts, its exact hash is allowed, computed
/// from the built file at start. `frame-ancestors` names the portals that may embed the app.
pub fn content_security_policy(dist: &Path, frame_ancestors: &str) -> String {
    let html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let hashes: String = inline_scripts(&html)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// The bodies of `<script>` elements without a `src`.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_start = &after_open[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&body_start[..close]);
        }
        rest = &body_start[close..];
    }
    out
}

pub fn router(dist: &Path, csp: String) -> Router {
    // The shell, in the visitor's language, for `/`, `/index.html` and every app route.
    let shell = Arc::new(Shell::load(dist));
    let files = Arc::new(BuiltFiles::load(dist));
    let page = {
        let shell = shell.clone();
        get(move |headers: HeaderMap| async move { shell_response(&shell, &headers) })
    };
    // Any other GET or HEAD: a file of the build by that name, else the shell (a deep link, or
    // any missing name, with an extension or without, as `ServeDir`'s fallback answered);
    // other methods 405.
    let file_or_shell = move |request: Request| async move {
        if !built_files::readable(request.method()) {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        match files.respond(request.uri().path(), request.headers()) {
            Some(mut response) => {
                let value = if is_hashed(request.uri().path()) {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
                response
            }
            None => shell_response(&shell, request.headers()),
        }
    };
    let csp = HeaderValue::from_str(&csp).expect("CSP is ASCII");
    Router::new()
        .route("/", page.clone())
        .route("/index.html", page)
        .fallback(file_or_shell)
        .layer(axum::middleware::from_fn(cache_headers))
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let csp = csp.clone();
                async move {
                    let mut response = next.run(request).await;
                    let is_html = response
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
                    if is_html {
                        response
                            .headers_mut()
                            .insert(header::CONTENT_SECURITY_POLICY, csp);
                    }
                    response
                }
            },
        ))
}

/// trunk names built files `name-<hash>.ext`, the hash being up to 16 hex digits (leading
/// zeros dropped); those never change, so they are immutable.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit('-')
        .next()
        .is_some_and(|h| (12..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn shell_response(shell: &Option<Shell>, headers: &HeaderMap) -> Response {
    match shell {
        Some(shell) => shell.response(headers),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Only a built file found by its own name may be cached for good (the file service says so);
/// everything else here, the shell above all, is revalidated. A missing hashed name (an old
/// build's file, asked for by a page loaded before a deploy) gets the shell, which must never
/// be kept as that file for a year; a 304 of a hashed file keeps its `immutable`.
async fn cache_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        assert_eq!(super::inline_scripts(html), vec!["init()"]);
    }

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("/meetings-app-3f2a9c0d1e4b5a6c_bg.wasm"));
        assert!(is_hashed("/meetings-app-3f2a9c0d1e4b5a6c.js"));
        assert!(is_hashed("/main-0123456789abcdef.css"));
        assert!(is_hashed("/meetings-app-d69361689e0987e.js"));
        assert!(!is_hashed("/co-organizer.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/meetings/123"));
        assert!(!is_hashed("/favicon.svg"));
    }
}
