//! Fault switches tests flip at run time: added latency, failures, a hang, forced 429s and a
//! connection dropped mid-response, or an answer held back after the call was handled. Each
//! switch applies to the bearer APIs (G2M REST, SCIM identity, Admin API), the token endpoint, or
//! both (`FaultTarget`); the default is the bearer APIs.
//!
//! One call consumes at most one counted outcome, in this order: fail, forced 429, drop. The
//! latency and a pending hang are waited out first.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::journal::FaultSlot;
use crate::Sandbox;

/// Which calls a switch applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultTarget {
    /// The bearer APIs: G2M REST under `/G2M/rest`, SCIM `/identity/v1` and the Admin API
    /// `/admin/rest/v1` (GoTo serves them all on its API host).
    #[default]
    Api,
    /// The token endpoints (`/oauth/v2/token`, `/oauth/token`).
    Token,
    Both,
}

impl FaultTarget {
    fn covers(self, call: CallKind) -> bool {
        matches!(
            (self, call),
            (FaultTarget::Both, _)
                | (FaultTarget::Api, CallKind::Api)
                | (FaultTarget::Token, CallKind::Token)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallKind {
    Api,
    Token,
}

/// The state of every switch; `GET /_admin/faults` shows it as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSettings {
    pub latency_ms: u64,
    pub latency_target: FaultTarget,
    /// How many more calls fail, and with which status.
    pub fail_next: u32,
    pub fail_status: u16,
    pub fail_target: FaultTarget,
    /// How many calls still go through untouched before those failures start (so a test can
    /// fail the second page of a listing, not the first).
    #[serde(default)]
    pub fail_after: u32,
    /// The next call waits this long before it is answered.
    pub hang_next_ms: Option<u64>,
    pub hang_target: FaultTarget,
    /// The next call is handled at once (its effects happen), then its answer waits this long.
    pub late_answer_next_ms: Option<u64>,
    pub late_answer_target: FaultTarget,
    pub force_429_next: u32,
    pub force_429_target: FaultTarget,
    /// How many more calls get their headers and half a body, then a broken connection.
    pub drop_next: u32,
    pub drop_target: FaultTarget,
}

/// The switches. Reached through `Sandbox::faults()`; every method takes `&self`.
#[derive(Default)]
pub struct Faults {
    settings: Mutex<FaultSettings>,
}

enum Outcome {
    Fail(StatusCode),
    Force429,
    Drop,
}

struct Plan {
    latency: Option<Duration>,
    hang: Option<Duration>,
    late_answer: Option<Duration>,
    outcome: Option<Outcome>,
}

impl Faults {
    fn with<R>(&self, f: impl FnOnce(&mut FaultSettings) -> R) -> R {
        f(&mut self.settings.lock().expect("faults lock"))
    }

    pub fn settings(&self) -> FaultSettings {
        self.with(|s| s.clone())
    }

    /// Every REST call waits `latency` before it is handled (0 turns it off).
    pub fn set_latency(&self, latency: Duration) {
        self.set_latency_on(FaultTarget::Api, latency);
    }

    pub fn set_latency_on(&self, target: FaultTarget, latency: Duration) {
        self.with(|s| {
            s.latency_ms = millis(latency);
            s.latency_target = target;
        });
    }

    /// The next `count` REST calls answer `status` (500, 502, 503…) without being handled.
    pub fn fail_next(&self, count: u32, status: u16) {
        self.fail_next_on(FaultTarget::Api, count, status);
    }

    pub fn fail_next_on(&self, target: FaultTarget, count: u32, status: u16) {
        self.fail_next_after_on(target, 0, count, status);
    }

    /// The next `after` REST calls are handled as usual, then the `count` after them answer
    /// `status` without being handled.
    pub fn fail_next_after(&self, after: u32, count: u32, status: u16) {
        self.fail_next_after_on(FaultTarget::Api, after, count, status);
    }

    pub fn fail_next_after_on(&self, target: FaultTarget, after: u32, count: u32, status: u16) {
        self.with(|s| {
            s.fail_next = count;
            s.fail_status = status;
            s.fail_target = target;
            s.fail_after = after;
        });
    }

    /// The next REST call waits `duration` (longer than the client's timeout) before it is
    /// handled.
    pub fn hang_next(&self, duration: Duration) {
        self.hang_next_on(FaultTarget::Api, duration);
    }

    pub fn hang_next_on(&self, target: FaultTarget, duration: Duration) {
        self.with(|s| {
            s.hang_next_ms = Some(millis(duration));
            s.hang_target = target;
        });
    }

    /// The next REST call is handled at once, then its answer waits `duration`: a caller that
    /// gives up meanwhile has missed an answer whose effects already happened.
    pub fn late_answer_next(&self, duration: Duration) {
        self.late_answer_next_on(FaultTarget::Api, duration);
    }

    pub fn late_answer_next_on(&self, target: FaultTarget, duration: Duration) {
        self.with(|s| {
            s.late_answer_next_ms = Some(millis(duration));
            s.late_answer_target = target;
        });
    }

    /// The next `count` REST calls answer 429, whatever the real rate.
    pub fn force_429(&self, count: u32) {
        self.force_429_on(FaultTarget::Api, count);
    }

    pub fn force_429_on(&self, target: FaultTarget, count: u32) {
        self.with(|s| {
            s.force_429_next = count;
            s.force_429_target = target;
        });
    }

    /// The next `count` REST calls are handled (their effects happen) but the connection breaks
    /// after the headers and part of the body.
    pub fn drop_next(&self, count: u32) {
        self.drop_next_on(FaultTarget::Api, count);
    }

    pub fn drop_next_on(&self, target: FaultTarget, count: u32) {
        self.with(|s| {
            s.drop_next = count;
            s.drop_target = target;
        });
    }

    /// Turns every switch off.
    pub fn clear(&self) {
        self.with(|s| *s = FaultSettings::default());
    }

    /// Decides, and uses up, what happens to one call.
    fn plan(&self, call: CallKind) -> Plan {
        self.with(|s| {
            let latency = (s.latency_ms > 0 && s.latency_target.covers(call))
                .then(|| Duration::from_millis(s.latency_ms));
            let hang = match s.hang_next_ms {
                Some(ms) if s.hang_target.covers(call) => {
                    s.hang_next_ms = None;
                    Some(Duration::from_millis(ms))
                }
                _ => None,
            };
            let late_answer = match s.late_answer_next_ms {
                Some(ms) if s.late_answer_target.covers(call) => {
                    s.late_answer_next_ms = None;
                    Some(Duration::from_millis(ms))
                }
                _ => None,
            };
            let failing = s.fail_next > 0 && s.fail_target.covers(call);
            // A call let through before the failures start may still meet the other switches.
            let let_through = failing && s.fail_after > 0;
            if let_through {
                s.fail_after -= 1;
            }
            let outcome = if failing && !let_through {
                s.fail_next -= 1;
                Some(Outcome::Fail(
                    StatusCode::from_u16(s.fail_status)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                ))
            } else if s.force_429_next > 0 && s.force_429_target.covers(call) {
                s.force_429_next -= 1;
                Some(Outcome::Force429)
            } else if s.drop_next > 0 && s.drop_target.covers(call) {
                s.drop_next -= 1;
                Some(Outcome::Drop)
            } else {
                None
            };
            Plan {
                latency,
                hang,
                late_answer,
                outcome,
            }
        })
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

pub(crate) async fn api_faults(
    State(sandbox): State<Sandbox>,
    req: Request,
    next: Next,
) -> Response {
    apply(&sandbox, CallKind::Api, req, next).await
}

pub(crate) async fn token_faults(
    State(sandbox): State<Sandbox>,
    req: Request,
    next: Next,
) -> Response {
    apply(&sandbox, CallKind::Token, req, next).await
}

async fn apply(sandbox: &Sandbox, call: CallKind, req: Request, next: Next) -> Response {
    let plan = sandbox.inner.faults.plan(call);
    let slot = req
        .extensions()
        .get::<FaultSlot>()
        .cloned()
        .unwrap_or_default();
    let mut notes = Vec::new();
    let mut note = |text: String| {
        notes.push(text);
        slot.set(notes.join(", "));
    };
    if let Some(latency) = plan.latency {
        note(format!("latency {}ms", latency.as_millis()));
        tokio::time::sleep(latency).await;
    }
    if let Some(hang) = plan.hang {
        note(format!("hang {}ms", hang.as_millis()));
        tokio::time::sleep(hang).await;
    }
    let response = match plan.outcome {
        Some(Outcome::Fail(status)) => {
            note(format!("fail {}", status.as_u16()));
            SandboxError::Injected(status).into_response()
        }
        Some(Outcome::Force429) => {
            note("force 429".to_owned());
            SandboxError::TooManyRequests.into_response()
        }
        Some(Outcome::Drop) => {
            note("drop".to_owned());
            cut_short(next.run(req).await).await
        }
        None => next.run(req).await,
    };
    if let Some(late) = plan.late_answer {
        note(format!("late answer {}ms", late.as_millis()));
        tokio::time::sleep(late).await;
    }
    response
}

/// Keeps the status, the headers (including the full Content-Length) and the first half of the
/// body, then fails the body: hyper aborts the connection, as when a proxy dies mid-answer.
/// A bodiless answer (a 204) has nothing to cut: its connection is closed before the head is
/// sent, so the client sees no answer at all, though the call took effect.
async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let broken = if bytes.is_empty() {
        // hyper never polls the body of a 204; a 200 with a promised byte makes it do so, and
        // the immediate failure closes the connection before the head is flushed.
        parts.status = StatusCode::OK;
        parts.headers.insert(header::CONTENT_LENGTH, 1.into());
        BrokenBody {
            first: None,
            pause: None,
        }
    } else {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, bytes.len().into());
        BrokenBody {
            first: Some(bytes.slice(..bytes.len() / 2)),
            pause: Some(Box::pin(tokio::time::sleep(FLUSH_PAUSE))),
        }
    };
    Response::from_parts(parts, Body::new(broken))
}

/// Long enough for hyper to flush the headers and the first half of the body to the socket
/// before the body fails; otherwise the client would only see a closed connection.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);

struct BrokenBody {
    first: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(first))));
        }
        if let Some(pause) = self.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "goto-sandbox: connection dropped by a fault switch",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_switches_run_out() {
        let faults = Faults::default();
        faults.fail_next(2, 503);
        assert!(matches!(faults.plan(CallKind::Api).outcome, Some(Outcome::Fail(s)) if s == 503));
        assert!(faults.plan(CallKind::Token).outcome.is_none());
        assert!(faults.plan(CallKind::Api).outcome.is_some());
        assert!(faults.plan(CallKind::Api).outcome.is_none());
    }

    #[test]
    fn failures_can_start_after_some_calls() {
        let faults = Faults::default();
        faults.fail_next_after(1, 2, 503);
        assert!(faults.plan(CallKind::Token).outcome.is_none());
        assert!(faults.plan(CallKind::Api).outcome.is_none());
        assert!(faults.plan(CallKind::Api).outcome.is_some());
        assert!(faults.plan(CallKind::Api).outcome.is_some());
        assert!(faults.plan(CallKind::Api).outcome.is_none());
    }

    #[test]
    fn one_outcome_per_call_in_a_fixed_order() {
        let faults = Faults::default();
        faults.force_429_on(FaultTarget::Both, 1);
        faults.fail_next(1, 500);
        assert!(matches!(
            faults.plan(CallKind::Api).outcome,
            Some(Outcome::Fail(_))
        ));
        assert!(matches!(
            faults.plan(CallKind::Token).outcome,
            Some(Outcome::Force429)
        ));
        assert!(faults.plan(CallKind::Api).outcome.is_none());
    }

    #[test]
    fn a_hang_is_used_once_and_clear_resets_everything() {
        let faults = Faults::default();
        faults.hang_next(Duration::from_secs(5));
        faults.set_latency(Duration::from_millis(10));
        assert!(faults.plan(CallKind::Token).hang.is_none());
        assert!(faults.plan(CallKind::Api).hang.is_some());
        assert!(faults.plan(CallKind::Api).hang.is_none());
        faults.clear();
        assert_eq!(faults.settings(), FaultSettings::default());
    }
}
