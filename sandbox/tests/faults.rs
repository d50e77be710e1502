//! Every fault switch, through the Rust API and through `/_admin`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use goto_sandbox::{FaultTarget, SandboxConfig};
use reqwest::Method;
use serde_json::{json, Value};

async fn start_unthrottled() -> Harness {
    start_with(SandboxConfig {
        per_second_limit: 0,
        ..config()
    })
    .await
}

async fn admin_post(h: &Harness, path: &str, body: Value) -> reqwest::Response {
    h.http
        .post(h.url(&format!("/_admin{path}")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn upcoming(h: &Harness, token: &str) -> reqwest::Response {
    h.api(Method::GET, "/upcomingMeetings", token, None).await
}

#[tokio::test]
async fn latency_delays_rest_calls_only() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    h.sandbox.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    h.login(JOSE).await;
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "token endpoint not targeted"
    );
    // Through /_admin, on the token endpoint.
    let response = admin_post(&h, "/faults/latency", json!({"ms": 250, "target": "token"})).await;
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    h.login(JOSE).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn fail_next_fails_the_next_calls_then_recovers() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    h.sandbox.fail_next(2, 503);
    assert_eq!(upcoming(&h, &token).await.status(), 503);
    assert_eq!(upcoming(&h, &token).await.status(), 503);
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    h.sandbox.fail_next(1, 500);
    let response = upcoming(&h, &token).await;
    assert_eq!(response.status(), 500);
    // A failed create did not create anything.
    h.sandbox.fail_next(1, 502);
    let response = h.create_meeting(&token, &meeting_body("No llega")).await;
    assert_eq!(response.status(), 502);
    assert!(h.sandbox.meetings().is_empty());
}

#[tokio::test]
async fn fail_next_on_the_token_endpoint_fails_refreshes() {
    let h = start_unthrottled().await;
    let login = h.login(MARIA).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let response = admin_post(
        &h,
        "/faults/fail",
        json!({"count": 1, "status": 503, "target": "token"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(h.refresh(refresh).await.status(), 503);
    // The failed call never reached the token logic: the refresh token is still good.
    assert_eq!(h.refresh(refresh).await.status(), 200);
    // An invalid status is refused.
    let response = admin_post(&h, "/faults/fail", json!({"count": 1, "status": 200})).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn hang_next_outlasts_the_clients_timeout_once() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    h.sandbox.hang_next(Duration::from_millis(1200));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = impatient
        .get(h.url("/G2M/rest/upcomingMeetings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    // Only the next call hangs.
    let started = Instant::now();
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    assert!(started.elapsed() < Duration::from_millis(300));
    // Through /_admin.
    let response = admin_post(&h, "/faults/hang", json!({"ms": 400})).await;
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn a_late_answer_comes_after_the_refresh_already_happened() {
    let h = start_unthrottled().await;
    let login = h.login(MARIA).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let response = admin_post(
        &h,
        "/faults/late-answer",
        json!({"ms": 400, "target": "token"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    // The caller gives up long before the answer; the refresh has happened all the same: the
    // token is already spent while the answer is still held back.
    let abandoned = tokio::time::timeout(Duration::from_millis(150), h.refresh(refresh)).await;
    assert!(abandoned.is_err(), "the answer is held back");
    let started = Instant::now();
    assert_eq!(h.refresh(refresh).await.status(), 400);
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "only the next call was late"
    );
    let token = h.access_token(MARIA).await;
    let started = Instant::now();
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn force_429_refuses_the_next_calls_without_rate_limit_headers() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    h.sandbox.force_429(2);
    for _ in 0..2 {
        let response = upcoming(&h, &token).await;
        assert_eq!(response.status(), 429);
        assert!(response.headers().get("retry-after").is_none());
        assert!(!response
            .headers()
            .keys()
            .any(|k| k.as_str().contains("ratelimit")));
    }
    assert_eq!(upcoming(&h, &token).await.status(), 200);
    let response = admin_post(&h, "/faults/force-429", json!({"count": 1})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(upcoming(&h, &token).await.status(), 429);
    assert_eq!(upcoming(&h, &token).await.status(), 200);
}

#[tokio::test]
async fn expire_access_tokens_makes_every_token_invalid_until_refreshed() {
    let h = start_unthrottled().await;
    let login = h.login(MARIA).await;
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(upcoming(&h, token).await.status(), 200);
    assert_eq!(h.sandbox.expire_access_tokens(), 1);
    assert_eq!(upcoming(&h, token).await.status(), 403);
    let refreshed: Value = h
        .refresh(login["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let token = refreshed["access_token"].as_str().unwrap();
    assert_eq!(upcoming(&h, token).await.status(), 200);
    // Through /_admin.
    let response = admin_post(&h, "/tokens/expire", json!({})).await;
    assert_eq!(response.json::<Value>().await.unwrap()["expired"], 1);
    assert_eq!(upcoming(&h, token).await.status(), 403);
}

#[tokio::test]
async fn revoked_refresh_tokens_are_invalid_grant() {
    let h = start_unthrottled().await;
    let maria = h.login(MARIA).await;
    let jose = h.login(JOSE).await;
    assert_eq!(h.sandbox.revoke_refresh_tokens(&h.organizer_key(MARIA)), 1);
    let response = h.refresh(maria["refresh_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    // Other users are untouched; their access tokens too.
    assert_eq!(
        upcoming(&h, maria["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    let response = admin_post(
        &h,
        "/tokens/revoke",
        json!({"organizer_key": h.organizer_key(JOSE)}),
    )
    .await;
    assert_eq!(response.json::<Value>().await.unwrap()["revoked"], 1);
    let response = h.refresh(jose["refresh_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn drop_next_breaks_the_body_after_the_side_effect() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    h.sandbox.drop_next(1);
    let response = h.create_meeting(&token, &meeting_body("Se corta")).await;
    assert_eq!(response.status(), 201, "headers arrive");
    assert!(response.bytes().await.is_err(), "the body does not");
    assert_eq!(
        h.sandbox.meetings().len(),
        1,
        "the meeting was created all the same"
    );
    // The next call is whole.
    let response = upcoming(&h, &token).await;
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.is_ok());
    // Through /_admin, on the token endpoint: a lost token response.
    let login = h.login(JOSE).await;
    let response = admin_post(&h, "/faults/drop", json!({"count": 1, "target": "token"})).await;
    assert_eq!(response.status(), 200);
    let response = h.refresh(login["refresh_token"].as_str().unwrap()).await;
    assert!(response.bytes().await.is_err());
}

#[tokio::test]
async fn a_dropped_bodiless_answer_is_a_closed_connection() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let created: Value = h
        .create_meeting(&token, &meeting_body("Borrar"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/G2M/rest/meetings/{}", created[0]["meetingid"]);
    h.sandbox.drop_next(1);
    let result = h.http.delete(h.url(&path)).bearer_auth(&token).send().await;
    assert!(result.is_err(), "no answer at all: {result:?}");
    assert!(h.sandbox.meetings().is_empty(), "the delete happened");
}

#[tokio::test]
async fn faults_can_be_read_and_cleared_over_http_and_in_rust() {
    let h = start_unthrottled().await;
    h.sandbox.faults().fail_next_on(FaultTarget::Both, 3, 500);
    h.sandbox.faults().drop_next(2);
    let settings: Value = h
        .http
        .get(h.url("/_admin/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["fail_next"], 3);
    assert_eq!(settings["fail_target"], "both");
    assert_eq!(settings["drop_next"], 2);
    let response = h.http.delete(h.url("/_admin/faults")).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(h.sandbox.faults().settings(), Default::default());
    h.sandbox.force_429(1);
    h.sandbox.clear_faults();
    let token = h.access_token(MARIA).await;
    assert_eq!(upcoming(&h, &token).await.status(), 200);
}
