//! Sign-in callbacks per client address. Each callback with a live sign-in makes a token call
//! to GoTo, and anyone can start sign-ins: without a limit per address, one client repeating
//! "start, then call back with a made-up code" spends the whole deployment's GoTo budget and
//! locks every person out. The limit is checked before any GoTo call.
//!
//! GCRA from `governor`, keyed by the peer address, in memory: each replica counts its own.
//! The address is the TCP peer's: behind a reverse proxy every person shares the proxy's, so
//! such a deployment raises `MEETINGS_SIGN_INS_PER_IP_PER_MINUTE` accordingly.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::RequestContext;
use crate::routes::sign_in_pages::{failure_page, person_sign_in_link, SignInFailure};
use crate::state::AppState;

pub struct SignInLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU32,
}

impl SignInLimiter {
    /// `per_minute` callbacks per address, all of them usable at once.
    pub fn per_minute(per_minute: NonZeroU32) -> SignInLimiter {
        SignInLimiter {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            checks: AtomicU32::new(0),
        }
    }

    /// `Err(wait)` when this address has used its callbacks for now.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        // Forget quiet addresses now and then, so a scan of many addresses cannot grow it.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
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
        if let Err(wait) = state.sign_in_limiter.check(ip) {
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
