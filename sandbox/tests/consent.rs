//! The consent page a person uses, the `sandbox_approve` switch, and mounting under a prefix.

mod common;

use axum::Router;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn the_consent_page_is_usable_and_accessible() {
    let h = start().await;
    let response = h
        .http
        .get(h.authorize_url("/oauth/v2/authorize", &[("state", "abc")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(response.headers().contains_key("content-security-policy"));
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
    assert!(html.contains(r#"<form method="post" action="">"#));
    assert!(html.contains(r#"<label for="user">"#));
    assert!(html.contains(r#"<select id="user" name="user""#));
    assert!(html.contains(r#"<button id="allow" type="submit" name="decision" value="allow">"#));
    assert!(html.contains(r#"<button id="deny" type="submit" name="decision" value="deny""#));
    // Organizers and the admin are offered; names are escaped.
    assert!(html.contains(&format!(r#"value="{MARIA}""#)));
    assert!(html.contains(&format!(r#"value="{ADMIN}""#)));
    assert!(html.contains("James O&#39;Brien"));
    assert!(!html.contains("O'Brien"));
    // A suspended user is shown but cannot be picked.
    assert!(html.contains(&format!(r#"value="{SUSPENDED}" disabled"#)));
}

async fn post_decision(h: &Harness, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    h.http.post(url).form(form).send().await.unwrap()
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_the_state() {
    let h = start().await;
    let url = h.authorize_url("/oauth/v2/authorize", &[("state", "st&ate=1")]);
    let response = post_decision(&h, &url, &[("user", MARIA), ("decision", "deny")]).await;
    assert_eq!(response.status(), 302);
    let params = location_params(&response);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("st&ate=1"));
    assert_eq!(param(&params, "code"), None);
}

#[tokio::test]
async fn allow_redirects_with_a_code_for_the_picked_user() {
    let h = start().await;
    let url = h.authorize_url("/oauth/v2/authorize", &[("state", "s1")]);
    let response = post_decision(&h, &url, &[("user", INIGO), ("decision", "allow")]).await;
    assert_eq!(response.status(), 302);
    let params = location_params(&response);
    assert_eq!(param(&params, "state"), Some("s1"));
    let code = param(&params, "code").unwrap();
    let body: Value = h
        .token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["email"], INIGO);
}

#[tokio::test]
async fn a_suspended_or_unknown_user_cannot_sign_in() {
    let h = start().await;
    let url = h.authorize_url("/oauth/v2/authorize", &[]);
    let response = post_decision(&h, &url, &[("user", SUSPENDED), ("decision", "allow")]).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("suspended"));
    for who in [SUSPENDED, "nobody@solaris-logistica.example"] {
        let response = h
            .http
            .get(h.authorize_url("/oauth/v2/authorize", &[("sandbox_approve", who)]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{who}");
        assert!(response.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn the_admin_can_sign_in_through_the_service_client() {
    let h = start().await;
    let mut url = url::Url::parse(&h.url("/oauth/v2/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", ADMIN_CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", ADMIN_REDIRECT)
        .append_pair("sandbox_approve", ADMIN);
    let response = h.http.get(url.as_str()).send().await.unwrap();
    let code = param(&location_params(&response), "code")
        .unwrap()
        .to_owned();
    let response = h
        .token_call_as(
            "/oauth/v2/token",
            &basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", ADMIN_REDIRECT),
            ],
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], ADMIN);
    assert_eq!(
        body["organizer_key"],
        h.sandbox.admin().organizer_key.as_str()
    );
}

/// The backend nests the sandbox under `/_sandbox`; the form's relative action still works.
#[tokio::test]
async fn the_sandbox_works_nested_under_a_prefix() {
    let sandbox = goto_sandbox::Sandbox::new(config());
    let app = Router::new().nest("/_sandbox", sandbox.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/_sandbox", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let h = Harness {
        sandbox,
        base,
        http: client(),
    };
    let url = h.authorize_url("/oauth/v2/authorize", &[("state", "p")]);
    let page = h.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    // What a browser does with action="": post to the page's own URL, query included.
    assert!(html.contains(r#"action="""#));
    let response = post_decision(&h, &url, &[("user", JOSE), ("decision", "allow")]).await;
    assert_eq!(response.status(), 302);
    let code = param(&location_params(&response), "code")
        .unwrap()
        .to_owned();
    let token = h
        .token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(token.status(), 200);
    let body: Value = token.json().await.unwrap();
    let access = body["access_token"].as_str().unwrap();
    let upcoming = h
        .api(reqwest::Method::GET, "/upcomingMeetings", access, None)
        .await;
    assert_eq!(upcoming.status(), 200);
    // The journal shows paths as the sandbox sees them, without the mount prefix.
    assert!(h
        .sandbox
        .journal()
        .iter()
        .any(|e| e.path == "/G2M/rest/upcomingMeetings"));
}
