//! What happens when GoTo is slow, refuses tokens or gets too many calls, and when the
//! backend restarts.

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{start, start_with, Client, TestServer};
use goto_sandbox::FaultTarget;
use serde_json::{json, Value};

fn body(subject: &str, minutes_ahead: i64) -> Value {
    let start = Utc::now() + chrono::Duration::minutes(60 + minutes_ahead);
    json!({
        "subject": subject,
        "starts_at": start,
        "ends_at": start + chrono::Duration::minutes(30),
    })
}

/// A signed-in client and the API path of a meeting it has just made.
async fn signed_in_with_a_meeting(server: &TestServer, subject: &str) -> (Client, String) {
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let created: Value = client
        .post_json("/api/meetings", &body(subject, 0))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/meetings/{}", created["id"].as_str().unwrap());
    (client, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_requests_racing_an_expired_token_make_exactly_one_refresh() {
    let server = start().await;
    let (client, path) = signed_in_with_a_meeting(&server, "Race").await;
    let client = std::sync::Arc::new(client);
    let before = server.sandbox().token_calls().refresh_token;

    server.sandbox().expire_access_tokens();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (client, path) = (client.clone(), path.clone());
            tokio::spawn(async move { client.get(&path).await.status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(server.sandbox().token_calls().refresh_token - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_abandoned_mid_refresh_still_stores_the_new_tokens() {
    let server = start().await;
    let (client, path) = signed_in_with_a_meeting(&server, "Abandoned").await;
    let before = server.sandbox().token_calls().refresh_token;

    // GoTo spends the refresh token at once but answers late; the browser gives up first
    // (dropping the request closes its connection, and the server drops the handler).
    server.sandbox().expire_access_tokens();
    server
        .sandbox()
        .faults()
        .late_answer_next_on(FaultTarget::Token, Duration::from_millis(600));
    let abandoned = tokio::time::timeout(Duration::from_millis(200), client.get(&path)).await;
    assert!(abandoned.is_err(), "the request was abandoned mid-refresh");
    // The late answer was taken: the refresh reached GoTo before the request was dropped.
    assert_eq!(
        server.sandbox().faults().settings().late_answer_next_ms,
        None,
        "the refresh had not reached GoTo when the request was abandoned"
    );

    // Once GoTo's late answer is in, the session holds the new pair: the next request works
    // without another refresh (the old refresh token would have been refused).
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(client.get(&path).await.status(), 200);
    assert_eq!(server.sandbox().token_calls().refresh_token - before, 1);
    assert_eq!(
        server.running.state.keeper.refresh_locks_held(),
        0,
        "no refresh lock is kept once nobody refreshes"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_the_session_with_please_reconnect() {
    let server = start().await;
    let me = server.organizer(0);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    server.sandbox().revoke_refresh_tokens(&me.organizer_key);
    server.sandbox().expire_access_tokens();

    let answer = client.get("/api/meetings/123456789").await;
    assert_eq!(answer.status(), 401);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["error"], "reconnect");
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"], Value::Null, "the session is over");
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_again_not_made_twice() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    server.sandbox().drop_next(1);
    let lost = body("Lost answer", 0);
    let answer = client
        .post_json_with_key("/api/meetings", &lost, "lost-1")
        .await;
    assert_eq!(answer.status(), 201, "reconciled from upcoming meetings");
    let created: Value = answer.json().await.unwrap();
    let retry = client
        .post_json_with_key("/api/meetings", &lost, "lost-1")
        .await;
    let retried: Value = retry.json().await.unwrap();
    assert_eq!(created["id"], retried["id"]);
    assert_eq!(server.sandbox().meetings().len(), 1);
}

#[tokio::test]
async fn gets_are_retried_through_brief_server_errors() {
    let server = start().await;
    let (client, path) = signed_in_with_a_meeting(&server, "Flaky").await;
    server.sandbox().fail_next(2, 503);
    let answer = client.get(&path).await;
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn a_failing_create_says_what_to_do_and_makes_nothing() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    server.sandbox().fail_next(1, 502);
    let once = body("Fails once", 0);
    let answer = client
        .request(reqwest::Method::POST, "/api/meetings", |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", "fail-1")
                .header("accept-language", "es")
                .json(&once)
        })
        .await;
    assert_eq!(answer.status(), 502);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["error"], "upstream_unavailable");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("no se ha perdido nada"));
    assert!(
        !error.to_string().contains("G2M"),
        "no raw GoTo detail: {error}"
    );
    let retry = client
        .post_json_with_key("/api/meetings", &once, "fail-1")
        .await;
    assert_eq!(
        retry.status(),
        201,
        "the same key may retry after a certain failure"
    );
    assert_eq!(server.sandbox().meetings().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_250_creates_stays_within_100_calls_a_minute_and_all_get_an_answer() {
    let server = start_with(|c| c.throttle_max_wait = Duration::from_secs(3)).await;
    let client = std::sync::Arc::new(Client::new(&server.base));
    client.sign_in(&server.organizer(0).email, "/").await;
    server.sandbox().clear_journal();

    let mut tasks = Vec::new();
    for i in 0..250 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let answer = client
                .post_json("/api/meetings", &body(&format!("Burst {i}"), i))
                .await;
            let retry_after = answer.headers().get("retry-after").is_some();
            (answer.status().as_u16(), retry_after)
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (status, retry_after) = task.await.unwrap();
        match status {
            201 => created += 1,
            429 => assert!(retry_after, "a 429 says when to retry"),
            other => panic!("unexpected answer {other}"),
        }
    }
    assert_eq!(created, server.sandbox().meetings().len());
    let times: Vec<_> = server
        .sandbox()
        .journal()
        .into_iter()
        .filter(|e| e.path.starts_with("/G2M/rest"))
        .map(|e| e.at)
        .collect();
    let most_in_a_minute = common::most_in_any_minute(&times);
    assert!(
        most_in_a_minute <= 100,
        "{most_in_a_minute} GoTo calls in one minute"
    );
    assert!(created > 0);
}

#[tokio::test]
async fn a_restart_keeps_the_session() {
    let data = common::TempDir::new("restart");
    let dir = data.0.clone();
    let first = start_with(|c| c.data_dir = dir.clone()).await;
    let client = Client::new(&first.base);
    client.sign_in(&first.organizer(0).email, "/").await;
    let cookie = client.cookie("meetings-session").unwrap();
    first.running.task.abort();
    drop(first);

    let second = start_with(|c| c.data_dir = dir.clone()).await;
    let client = Client::new(&second.base);
    client.set_cookie("meetings-session", &cookie);
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert!(session["user"]["email"].is_string(), "{session}");
}

#[tokio::test]
async fn a_configured_encryption_key_replaces_the_key_file_and_keeps_sessions_across_restarts() {
    use meetings_server::config::EncryptionKey;
    let data = common::TempDir::new("configured-key");
    let dir = data.0.clone();
    let configure = |c: &mut meetings_server::config::Config| {
        c.data_dir = dir.clone();
        c.encryption_key = Some(EncryptionKey([5; 32]));
    };
    let first = start_with(configure).await;
    let client = Client::new(&first.base);
    client.sign_in(&first.organizer(0).email, "/").await;
    let cookie = client.cookie("meetings-session").unwrap();
    first.running.task.abort();
    drop(first);
    assert!(!dir.join("secret.key").exists(), "no key file is made");

    let second = start_with(configure).await;
    let client = Client::new(&second.base);
    client.set_cookie("meetings-session", &cookie);
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert!(session["user"]["email"].is_string(), "{session}");
}
