//! Scopes: what a client was granted, what a token asks for and gets, and what each API needs.

mod common;

use common::*;
use goto_sandbox::{RegisteredClient, SandboxConfig};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn a_scope_the_client_was_not_granted_is_invalid_scope_with_the_state() {
    let h = start_with(SandboxConfig {
        clients: vec![
            RegisteredClient::new(CLIENT_ID, CLIENT_SECRET, [REDIRECT]).with_scopes(["collab:"])
        ],
        ..SandboxConfig::default()
    })
    .await;
    for scope in ["identity:", "collab: identity:scim.me", "admin:"] {
        let response = h
            .http
            .get(h.authorize_url(
                "/oauth/authorize",
                &[
                    ("scope", scope),
                    ("state", "st-9"),
                    ("sandbox_approve", MARIA),
                ],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{scope}");
        let params = location_params(&response);
        assert_eq!(param(&params, "error"), Some("invalid_scope"), "{scope}");
        assert_eq!(param(&params, "state"), Some("st-9"));
        assert!(param(&params, "code").is_none());
    }
    // Omitted: every scope the client holds, and nothing more.
    let body = h.login_current(MARIA, &[]).await;
    assert_eq!(body["scope"], "collab:");
}

#[tokio::test]
async fn omitted_scope_gives_every_granted_scope_space_separated() {
    let h = start().await;
    let body = h.login_current(JOSE, &[]).await;
    assert_eq!(body["scope"], "collab: identity:scim.me identity:");
    let body = h
        .login_current(JOSE, &[("scope", "identity:scim.me collab:")])
        .await;
    assert_eq!(body["scope"], "identity:scim.me collab:");
}

#[tokio::test]
async fn g2m_refuses_a_token_without_collab_and_a_refresh_keeps_the_scopes() {
    let h = start().await;
    let body = h
        .login_current(MARIA, &[("scope", "identity:scim.me")])
        .await;
    let token = body["access_token"].as_str().unwrap();
    let expected =
        json!({"int_err_code": "InsufficientScope", "msg": "This call needs the scope collab:"});
    let response = h.api(Method::GET, "/upcomingMeetings", token, None).await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>().await.unwrap(), expected);
    let response = h.create_meeting(token, &meeting_body("Sin alcance")).await;
    assert_eq!(response.status(), 403);
    assert!(h.sandbox.meetings().is_empty());
    // The same token reads SCIM.
    assert_eq!(h.get("/identity/v1/Users/me", token).await.status(), 200);
    // A refreshed token carries the same scopes.
    let refreshed: Value = h
        .token_call(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", body["refresh_token"].as_str().unwrap()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["scope"], "identity:scim.me");
    let response = h
        .api(
            Method::GET,
            "/upcomingMeetings",
            refreshed["access_token"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(response.status(), 403);
    // With collab: it works.
    let token = h.access_token_with_scope(MARIA, "collab:").await;
    let response = h.api(Method::GET, "/upcomingMeetings", &token, None).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn deprecated_organizers_also_needs_identity() {
    let h = start().await;
    let token = h.access_token_with_scope(ADMIN, "collab:").await;
    let response = h.api(Method::GET, "/organizers", &token, None).await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"int_err_code": "InsufficientScope", "msg": "This call needs the scope identity:"})
    );
    let token = h.access_token_with_scope(ADMIN, "collab: identity:").await;
    let response = h.api(Method::GET, "/organizers", &token, None).await;
    assert_eq!(response.status(), 200);
}
