//! OAuth 2.0 on both hosts' paths: codes, client authentication, PKCE, refresh, errors.

mod common;

use std::time::Duration;

use common::*;
use goto_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::Value;

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn legacy_paths_return_gotos_legacy_token_body_and_echo_state() {
    let h = start().await;
    let response = h
        .http
        .get(h.authorize_url(
            "/oauth/v2/authorize",
            &[("state", "st-123"), ("sandbox_approve", MARIA)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    let params = location_params(&response);
    assert_eq!(param(&params, "state"), Some("st-123"));
    let code = param(&params, "code").unwrap();
    assert!(
        code.len() >= 200,
        "GoTo codes are hundreds of characters long"
    );

    let response = h
        .token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let maria = h.sandbox.organizer_by_email(MARIA).unwrap();
    assert!(body["access_token"]
        .as_str()
        .unwrap()
        .starts_with("eyJraWQiOi"));
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["refresh_token"].as_str().is_some());
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["organizer_key"], maria.organizer_key.as_str());
    assert_eq!(body["account_key"], "9999982253621659654");
    assert_eq!(body["account_type"], "corporate");
    assert_eq!(body["firstName"], "María de los Ángeles");
    assert_eq!(body["lastName"], "Fernández-Castañeda");
    assert_eq!(body["email"], MARIA);
    assert_eq!(body["version"], "3");
    assert!(body.get("principal").is_none());
}

#[tokio::test]
async fn current_host_paths_return_scope_and_principal() {
    let h = start().await;
    let response = h
        .http
        .get(h.authorize_url("/oauth/authorize", &[("sandbox_approve", JOSE)]))
        .send()
        .await
        .unwrap();
    let params = location_params(&response);
    let code = param(&params, "code").unwrap();
    let response = h
        .token_call(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["principal"], JOSE);
    assert!(!body["scope"].as_str().unwrap().is_empty());
    assert_eq!(body["token_type"], "Bearer");
    assert!(body.get("organizer_key").is_none());
    // The refresh on the current path keeps the current shape.
    let response = h
        .token_call(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", body["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    let refreshed: Value = response.json().await.unwrap();
    assert_eq!(refreshed["principal"], JOSE);
}

#[tokio::test]
async fn a_refresh_on_the_current_host_without_rotation_is_gotos_minimal_body() {
    let h = start_with(SandboxConfig {
        rotate_refresh_tokens: false,
        ..config()
    })
    .await;
    let login = h.login_current(JOSE, &[]).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let response = h
            .token_call(
                "/oauth/token",
                &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let mut keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["access_token", "expires_in", "principal", "scope"]);
        assert_eq!(body["principal"], JOSE);
        assert_eq!(body["scope"], login["scope"]);
        assert_eq!(body["expires_in"], 3600);
    }
}

#[tokio::test]
async fn a_rotating_refresh_on_the_current_host_has_every_field() {
    let h = start().await;
    let login = h.login_current(JOSE, &[]).await;
    let mut keys: Vec<&str> = login
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let full = [
        "access_token",
        "expires_in",
        "principal",
        "refresh_token",
        "scope",
        "token_type",
    ];
    assert_eq!(keys, full);
    let response = h
        .token_call(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", login["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    let body: Value = response.json().await.unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, full);
    assert_eq!(body["token_type"], "Bearer");
    assert_ne!(body["refresh_token"], login["refresh_token"]);
}

#[tokio::test]
async fn a_requested_scope_is_granted_as_asked() {
    let h = start().await;
    let response = h
        .http
        .get(h.authorize_url(
            "/oauth/authorize",
            &[("scope", "collab:"), ("sandbox_approve", JOSE)],
        ))
        .send()
        .await
        .unwrap();
    let code = param(&location_params(&response), "code")
        .unwrap()
        .to_owned();
    let body: Value = h
        .token_call(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["scope"], "collab:");
}

#[tokio::test]
async fn a_code_is_single_use() {
    let h = start().await;
    let code = h.code_for(MARIA, &[]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    assert_eq!(h.token_call("/oauth/v2/token", &form).await.status(), 200);
    let (status, error) = error_of(h.token_call("/oauth/v2/token", &form).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn a_code_expires() {
    let h = start_with(SandboxConfig {
        code_ttl: Duration::from_millis(200),
        ..config()
    })
    .await;
    let code = h.code_for(MARIA, &[]).await;
    sleep(300).await;
    let (status, error) = error_of(
        h.token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await,
    )
    .await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn the_token_calls_redirect_uri_must_equal_the_authorize_one() {
    let h = start().await;
    let code = h.code_for(MARIA, &[]).await;
    let (status, error) = error_of(
        h.token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1:8080/app/api/auth/other"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    // The code was used up by the failed attempt.
    let (status, _) = error_of(
        h.token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_client_or_no_basic_auth_is_invalid_client() {
    let h = start().await;
    let code = h.code_for(MARIA, &[]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let response = h
        .token_call_as("/oauth/v2/token", &basic(CLIENT_ID, "wrong"), &form)
        .await;
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(error_of(response).await, (401, "invalid_client".into()));
    let response = h
        .token_call_as("/oauth/v2/token", &basic("nobody", CLIENT_SECRET), &form)
        .await;
    assert_eq!(error_of(response).await, (401, "invalid_client".into()));
    // The secret in the body (client_secret_post) is not GoTo's way: Basic is required.
    let mut with_secret = form.to_vec();
    with_secret.extend([("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)]);
    let response = h
        .http
        .post(h.url("/oauth/v2/token"))
        .form(&with_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await, (401, "invalid_client".into()));
    // Failed client authentication does not burn the code.
    assert_eq!(h.token_call("/oauth/v2/token", &form).await.status(), 200);
}

#[tokio::test]
async fn both_basic_encodings_of_a_secret_with_plus_slash_and_equals_work() {
    let h = start().await;
    let encoded_id: String = url::form_urlencoded::byte_serialize(CLIENT_ID.as_bytes()).collect();
    let encoded_secret: String =
        url::form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect();
    assert_ne!(encoded_secret, CLIENT_SECRET, "the encodings must differ");
    for authorization in [
        basic(CLIENT_ID, CLIENT_SECRET),
        basic(&encoded_id, &encoded_secret),
    ] {
        let code = h.code_for(MARIA, &[]).await;
        let response = h
            .token_call_as(
                "/oauth/v2/token",
                &authorization,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                ],
            )
            .await;
        assert_eq!(response.status(), 200, "{authorization}");
    }
    // Decoding the plain secret as form data ('+' → space) must not be what makes it pass.
    let code = h.code_for(MARIA, &[]).await;
    let response = h
        .token_call_as(
            "/oauth/v2/token",
            &basic(CLIENT_ID, &CLIENT_SECRET.replace('+', " ")),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn pkce_s256_is_verified_when_a_challenge_was_sent() {
    let h = start().await;
    let verifier = "a-very-long-random-verifier-0123456789-abcdefghijklmnop";
    let challenge = s256(verifier);
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let exchange = |code: String, verifier: Option<&'static str>| {
        let h = &h;
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
            ];
            if let Some(v) = verifier {
                form.push(("code_verifier", v));
            }
            h.token_call("/oauth/v2/token", &form).await
        }
    };
    let wrong = exchange(h.code_for(MARIA, &pkce).await, Some("not-the-verifier")).await;
    assert_eq!(error_of(wrong).await, (400, "invalid_grant".into()));
    let missing = exchange(h.code_for(MARIA, &pkce).await, None).await;
    assert_eq!(error_of(missing).await, (400, "invalid_grant".into()));
    let right = exchange(
        h.code_for(MARIA, &pkce).await,
        Some("a-very-long-random-verifier-0123456789-abcdefghijklmnop"),
    )
    .await;
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn malformed_token_calls_get_rfc_6749_errors() {
    let h = start().await;
    let response = h.token_call("/oauth/v2/token", &[("code", "x")]).await;
    assert_eq!(error_of(response).await, (400, "invalid_request".into()));
    let response = h
        .token_call("/oauth/v2/token", &[("grant_type", "authorization_code")])
        .await;
    assert_eq!(error_of(response).await, (400, "invalid_request".into()));
    let response = h
        .token_call("/oauth/v2/token", &[("grant_type", "password")])
        .await;
    assert_eq!(
        error_of(response).await,
        (400, "unsupported_grant_type".into())
    );
    let response = h
        .token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "made-up"),
            ],
        )
        .await;
    assert_eq!(error_of(response).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn authorize_shows_an_error_page_instead_of_redirecting_for_an_unknown_client() {
    let h = start().await;
    let url = h
        .authorize_url("/oauth/v2/authorize", &[("sandbox_approve", MARIA)])
        .replace(CLIENT_ID, "evil-client");
    let response = h.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn authorize_shows_an_error_page_for_an_unregistered_redirect_uri() {
    let h = start().await;
    let mut url = url::Url::parse(&h.url("/oauth/v2/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", "https://attacker.example/steal")
        .append_pair("state", "s")
        .append_pair("sandbox_approve", MARIA);
    let response = h.http.get(url.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("not registered"));
    // Another client's registered URI is not this client's either.
    let url = h.authorize_url("/oauth/v2/authorize", &[]).replace(
        &url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
        &url::form_urlencoded::byte_serialize(ADMIN_REDIRECT.as_bytes()).collect::<String>(),
    );
    assert_eq!(h.http.get(url).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn a_wrong_response_type_redirects_back_with_the_error_and_state() {
    let h = start().await;
    let url = h
        .authorize_url("/oauth/v2/authorize", &[("state", "xyz")])
        .replace("response_type=code", "response_type=token");
    let response = h.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let params = location_params(&response);
    assert_eq!(param(&params, "error"), Some("unsupported_response_type"));
    assert_eq!(param(&params, "state"), Some("xyz"));
}

#[tokio::test]
async fn a_rotated_refresh_token_is_invalid_grant_once_used() {
    let h = start().await;
    let login = h.login(MARIA).await;
    let first = login["refresh_token"].as_str().unwrap();
    let response = h.refresh(first).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let second = body["refresh_token"].as_str().expect("rotated");
    assert_ne!(second, first);
    assert_eq!(body["organizer_key"], login["organizer_key"]);
    let (status, error) = error_of(h.refresh(first).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert_eq!(h.refresh(second).await.status(), 200);
}

#[tokio::test]
async fn without_rotation_a_refresh_omits_refresh_token_and_the_old_one_keeps_working() {
    let h = start_with(SandboxConfig {
        rotate_refresh_tokens: false,
        ..config()
    })
    .await;
    let login = h.login(MARIA).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    for _ in 0..3 {
        let response = h.refresh(refresh).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert!(body.get("refresh_token").is_none());
        let token = body["access_token"].as_str().unwrap();
        let api = h.api(Method::GET, "/upcomingMeetings", token, None).await;
        assert_eq!(api.status(), 200);
    }
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_a_refresh_brings_a_working_one() {
    let h = start_with(SandboxConfig {
        access_token_ttl: Duration::from_secs(1),
        ..config()
    })
    .await;
    let login = h.login(MARIA).await;
    assert_eq!(login["expires_in"], 1);
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(
        h.api(Method::GET, "/upcomingMeetings", token, None)
            .await
            .status(),
        200
    );
    sleep(1100).await;
    let response = h.api(Method::GET, "/upcomingMeetings", token, None).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"})
    );
    let refreshed: Value = h
        .refresh(login["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let token = refreshed["access_token"].as_str().unwrap();
    assert_eq!(
        h.api(Method::GET, "/upcomingMeetings", token, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_refresh_token_only_works_for_its_own_client() {
    let h = start().await;
    let login = h.login(MARIA).await;
    let response = h
        .token_call_as(
            "/oauth/v2/token",
            &basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", login["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(error_of(response).await, (400, "invalid_grant".into()));
}
