//! The request journal: what it records, that it never holds a secret, and its HTTP view.

mod common;

use std::time::Duration;

use common::*;
use goto_sandbox::{JournalEntry, TokenCalls};
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn the_journal_records_every_call_and_no_secret() {
    let h = start().await;
    let verifier = "journal-test-verifier-0123456789-abcdefghijklmnopqrstu";
    let challenge = s256(verifier);
    let state = "state-that-must-not-leak";
    let code = h
        .code_for(
            MARIA,
            &[
                ("state", state),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    let login: Value = h
        .token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let access = login["access_token"].as_str().unwrap().to_owned();
    let refresh = login["refresh_token"].as_str().unwrap().to_owned();
    let refreshed: Value = h.refresh(&refresh).await.json().await.unwrap();
    let access2 = refreshed["access_token"].as_str().unwrap().to_owned();
    let refresh2 = refreshed["refresh_token"].as_str().unwrap().to_owned();
    let created = h.create_meeting(&access2, &meeting_body("Diario")).await;
    assert_eq!(created.status(), 201);
    let bad = h
        .api(Method::GET, "/upcomingMeetings", "garbage", None)
        .await;
    assert_eq!(bad.status(), 403);
    h.sandbox.fail_next(1, 503);
    let failed = h
        .api(Method::GET, "/upcomingMeetings", &access2, None)
        .await;
    assert_eq!(failed.status(), 503);
    // /_admin calls are not journaled.
    h.http.get(h.url("/_admin/faults")).send().await.unwrap();

    let journal = h.sandbox.journal();
    let maria = h.organizer_key(MARIA);
    let summary: Vec<(String, String, u16)> = journal
        .iter()
        .map(|e| {
            (
                e.method.clone(),
                e.path.split('?').next().unwrap().to_owned(),
                e.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("GET".into(), "/oauth/v2/authorize".into(), 302),
            ("POST".into(), "/oauth/v2/token".into(), 200),
            ("POST".into(), "/oauth/v2/token".into(), 200),
            ("POST".into(), "/G2M/rest/meetings".into(), 201),
            ("GET".into(), "/G2M/rest/upcomingMeetings".into(), 403),
            ("GET".into(), "/G2M/rest/upcomingMeetings".into(), 503),
        ]
    );
    assert_eq!(journal[0].user.as_deref(), Some(maria.as_str()));
    assert_eq!(journal[0].client_id.as_deref(), Some(CLIENT_ID));
    assert!(journal[0].path.contains("state=<redacted>"));
    assert!(journal[0].path.contains("sandbox_approve="));
    assert_eq!(journal[1].grant_type.as_deref(), Some("authorization_code"));
    assert_eq!(journal[1].client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(journal[1].user.as_deref(), Some(maria.as_str()));
    assert_eq!(journal[2].grant_type.as_deref(), Some("refresh_token"));
    assert_eq!(journal[3].user.as_deref(), Some(maria.as_str()));
    assert_eq!(journal[3].client_id, None);
    assert_eq!(journal[4].user, None);
    assert_eq!(journal[5].user.as_deref(), Some(maria.as_str()));
    assert_eq!(journal[5].fault.as_deref(), Some("fail 503"));
    assert!(journal.windows(2).all(|w| w[0].at <= w[1].at));

    let text = serde_json::to_string(&journal).unwrap();
    for secret in [
        access.as_str(),
        access2.as_str(),
        refresh.as_str(),
        refresh2.as_str(),
        code.as_str(),
        CLIENT_SECRET,
        state,
        verifier,
        challenge.as_str(),
    ] {
        assert!(
            !text.contains(secret),
            "the journal holds a secret: {secret}"
        );
    }

    assert_eq!(
        h.sandbox.token_calls(),
        TokenCalls {
            authorization_code: 1,
            refresh_token: 1,
            other: 0
        }
    );
}

#[tokio::test]
async fn the_journal_is_readable_and_clearable_over_http() {
    let h = start().await;
    let token = h.access_token(JOSE).await;
    h.api(Method::GET, "/upcomingMeetings", &token, None).await;
    let over_http: Vec<JournalEntry> = h
        .http
        .get(h.url("/_admin/journal"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http, h.sandbox.journal());
    assert_eq!(over_http.len(), 3);
    let calls: TokenCalls = h
        .http
        .get(h.url("/_admin/token-calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls.authorization_code, 1);
    let response = h
        .http
        .delete(h.url("/_admin/journal"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(h.sandbox.journal().is_empty());
    h.api(Method::GET, "/upcomingMeetings", &token, None).await;
    assert_eq!(h.sandbox.journal().len(), 1);
    h.sandbox.clear_journal();
    assert!(h.sandbox.journal().is_empty());
}

#[tokio::test]
async fn a_call_the_client_gave_up_on_is_still_journaled() {
    let h = start().await;
    let token = h.access_token(JOSE).await;
    h.sandbox.clear_journal();
    h.sandbox.hang_next(Duration::from_millis(600));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let result = impatient
        .get(h.url("/G2M/rest/upcomingMeetings"))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(result.is_err());
    sleep(800).await;
    let journal = h.sandbox.journal();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(
        journal[0].user.as_deref(),
        Some(h.organizer_key(JOSE).as_str())
    );
    assert_eq!(journal[0].status, goto_sandbox::CLIENT_CLOSED_REQUEST);
    assert_eq!(journal[0].fault.as_deref(), Some("hang 600ms"));
}
