//! Serves the built app: hashed files cached forever, `index.html` (in the visitor's language,
//! see `shell`) revalidated every time,
//! precompressed brotli/gzip when the build has them (from memory, see `built_files`), and the
//! SPA fallback so deep links such as `/meetings/123` load the app.

use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::built_files::{self, BuiltFiles};
use crate::shell::Shell;

pub fn router(dist: &Path, csp: String) -> Router {
    let shell = Shell::load(dist);
    let files = BuiltFiles::load(dist);
    let csp = HeaderValue::from_str(&csp).expect("CSP is ASCII");
    let served = Arc::new((shell, files, csp));
    // One handler, no middleware: each `from_fn` layer boxes the inner service and its future
    // per request, which a file answered from memory in a few microseconds notices.
    Router::new().fallback(move |request: Request| {
        let served = served.clone();
        async move {
            let (shell, files, csp) = served.as_ref();
            finish(answer(shell, files, &request), csp)
        }
    })
}

/// The shell, in the visitor's language, for `/`, `/index.html` and every app route; any
/// other GET or HEAD, a file of the build by that name, else the shell too (a deep link, or
/// any missing name, with an extension or without, as `ServeDir`'s fallback answered).
fn answer(shell: &Option<Shell>, files: &BuiltFiles, request: &Request) -> Response {
    if !built_files::readable(request.method()) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = request.uri().path();
    if path == "/" || path == "/index.html" {
        return shell_response(shell, request.headers());
    }
    match files.respond(path, request.headers()) {
        Some(mut response) => {
            // Only a built file found by its own hashed name is cached for good (its 304s
            // too). A missing hashed name (an old build's file, asked for by a page loaded
            // before a deploy) gets the shell, which must never be kept as that file.
            let value = if is_hashed(path) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
            response
        }
        None => shell_response(shell, request.headers()),
    }
}

/// Everything but a hashed file is revalidated; HTML gets the app's CSP.
fn finish(mut response: Response, csp: &HeaderValue) -> Response {
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    response
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

#[cfg(test)]
mod tests {
    use super::is_hashed;

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
