//! Cross-cutting request handling: request ids and language, CSRF, the body limit, security
//! headers (all in `Edge`), and the per-address limit on sign-in callbacks (`sign_in_limit`
//! counts).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use meeting::Lang;

use crate::error::{render, AppError, RequestContext};
use crate::request_id::RequestId;
use crate::routes::sign_in_pages::{failure_page, person_sign_in_link, SignInFailure};
use crate::state::AppState;
use crate::BODY_LIMIT;
use http_body_util::Limited;
use tower::Service;

/// The layer around the whole router: gives each request an id and a language, refuses a body
/// over [`BODY_LIMIT`], renders `AppError`s with both, and sets the security headers on every
/// answer, rendered errors included; on `/api/*`, also the CSRF rule and `no-store`.
///
/// A service around the finished router rather than `Router::layer`s: each of those wraps
/// every route again, and a request then paid for cloning and boxing the whole chain of
/// wrapped services level by level. With `from_fn` layers for this and tower-http's body limit,
/// the session check made 44 allocations (a bare axum handler, 18) and ran at 0.68–0.74× bare
/// axum (wrk, 16 connections).
#[derive(Clone)]
pub struct Edge<S> {
    state: AppState,
    inner: S,
}

impl<S> Edge<S> {
    pub fn new(state: AppState, inner: S) -> Edge<S> {
        Edge { state, inner }
    }
}

impl<S> Service<Request> for Edge<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone goes on waiting for readiness; the service found ready handles this call.
        let clone = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Box::pin(async move { Ok(edge(&state, request, ready).await) })
    }
}

async fn edge<S>(state: &AppState, mut request: Request, mut ready: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let api = request.uri().path().starts_with("/api/");
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default();
    let ctx = RequestContext {
        lang,
        request_id: RequestId::random(),
    };
    request.extensions_mut().insert(ctx);
    let mut response = if api && !csrf_ok(state, &request) {
        AppError::Forbidden.into_response()
    } else {
        match limit_body(request) {
            Ok(request) => {
                let answer = ready.call(request);
                // The support log's lines name the request and its person; with no log, there
                // is nothing to name them for.
                let answered = if state.config.support_log_dir.is_some() {
                    let scope = crate::support_log::RequestScope::new(ctx.request_id);
                    crate::support_log::SCOPE.scope(scope, answer).await
                } else {
                    answer.await
                };
                match answered {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
            Err(too_large) => too_large.into_response(),
        }
    };
    if api {
        // API answers are personal: never cached by the browser or a proxy.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(error) = response.extensions_mut().remove::<Arc<AppError>>() {
        let placeholder = std::mem::replace(&mut response, render(&error, &ctx));
        // What the layers inside set on the way out (`no-store` on the API) stays.
        for (name, value) in placeholder.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                response
                    .headers_mut()
                    .entry(name)
                    .or_insert_with(|| value.clone());
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(ctx.request_id.as_str()) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    security_headers(state, &mut response);
    response
}

/// The answer's header naming the request, as the error bodies and the logs do.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request bodies larger than [`BODY_LIMIT`] are refused with a 413: at once when their
/// `Content-Length` says so (hyper, which has checked that header, reports it as the body's
/// size), else as soon as reading passes the limit (`JsonBody` turns that into the same error).
/// A request without a body (every `GET`) is passed on untouched.
fn limit_body(request: Request) -> Result<Request, AppError> {
    let size = request.body().size_hint();
    if size.lower() > BODY_LIMIT as u64 {
        return Err(AppError::PayloadTooLarge);
    }
    if size.upper() == Some(0) {
        return Ok(request);
    }
    Ok(request.map(|body| Body::new(Limited::new(body, BODY_LIMIT))))
}

/// Every state-changing call needs `X-CSRF: 1` (a header a cross-site form cannot send and a
/// cross-site script cannot send without a CORS preflight, which we never grant) and, when the
/// browser sends an `Origin`, it must be our own.
fn csrf_ok(state: &AppState, request: &Request) -> bool {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe {
        return true;
    }
    let headers = request.headers();
    let has_header = headers
        .get(meeting::names::CSRF_HEADER)
        .is_some_and(|v| v == "1");
    let origin_ok = match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => origin.as_bytes() == state.config.public_url.as_bytes(),
    };
    has_header && origin_ok
}

/// Sign-in answers are personal: never cached by the browser or a proxy (the API's get the
/// same from `Edge`).
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn security_headers(state: &AppState, response: &mut Response) {
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
}

/// Middleware on the two OAuth callbacks: over the limit, a "busy" page and no GoTo call.
pub async fn limit_callbacks(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(ip) = peer {
        if let Err(wait) = state.sign_in_limiter.check(ip).await {
            tracing::warn!(%ip, "sign-in callbacks over the per-address limit");
            let lang = request
                .extensions()
                .get::<RequestContext>()
                .map(|ctx| ctx.lang)
                .unwrap_or_default();
            let again = if request.uri().path().starts_with("/admin/") {
                "/admin/api/gwsc/auth/connect".to_owned()
            } else {
                person_sign_in_link("/")
            };
            let busy = SignInFailure::Busy {
                retry_after_seconds: wait.as_secs_f64().ceil().max(1.0) as u64,
            };
            return failure_page(lang, &busy, &again).into_response();
        }
    }
    next.run(request).await
}
