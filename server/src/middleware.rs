//! Cross-cutting request handling: request ids and language, CSRF, security headers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use meeting::Lang;

use crate::error::{render, AppError, RequestContext};
use crate::state::AppState;

/// Gives each request an id and a language, and renders `AppError`s with both.
pub async fn request_context(mut request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default();
    let request_id = request_id();
    let ctx = RequestContext {
        lang,
        request_id: request_id.clone(),
    };
    request.extensions_mut().insert(ctx.clone());
    let scope = Arc::new(crate::support_log::RequestScope {
        request_id,
        ..Default::default()
    });
    let mut response = crate::support_log::SCOPE
        .scope(scope, next.run(request))
        .await;
    if let Some(error) = response.extensions_mut().remove::<Arc<AppError>>() {
        response = render(&error, &ctx);
    }
    if let Ok(value) = HeaderValue::from_str(&ctx.request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// 16 URL-safe characters naming one request in logs and in the `x-request-id` header. Not a
/// secret, so the thread's user-space CSPRNG serves, rather than a system call per request.
fn request_id() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Every state-changing call needs `X-CSRF: 1` (a header a cross-site form cannot send and a
/// cross-site script cannot send without a CORS preflight, which we never grant) and, when the
/// browser sends an `Origin`, it must be our own.
pub async fn require_csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe {
        let headers = request.headers();
        let has_header = headers.get("x-csrf").is_some_and(|v| v == "1");
        let origin_ok = match headers.get(header::ORIGIN) {
            None => true,
            Some(origin) => origin.as_bytes() == state.config.public_url.as_bytes(),
        };
        if !has_header || !origin_ok {
            return axum::response::IntoResponse::into_response(AppError::Forbidden);
        }
    }
    next.run(request).await
}

/// API answers are personal: never cached by the browser or a proxy.
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if state.config.public_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    // Any HTML without a policy of its own (an error page, the sandbox's pages) gets the
    // strictest one: no script, no framing, inline styles only.
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ));
    }
    response
}
