//! The OAuth dance and a meeting, over real HTTP against the embedded sandbox.

mod common;

use chrono::{Duration, Utc};
use common::{location, start, Client};
use meetings_server::crypto::Sealer;
use reqwest::Method;
use serde_json::{json, Value};

fn meeting_body(subject: &str, coorganizers: &[String]) -> Value {
    let start = Utc::now() + Duration::hours(2);
    json!({
        "subject": subject,
        "starts_at": start,
        "ends_at": start + Duration::minutes(30),
        "password_required": true,
        "coorganizer_keys": coorganizers,
    })
}

#[tokio::test]
async fn signing_in_then_scheduling_a_meeting_and_reading_it_back() {
    let server = start().await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let client = Client::new(&server.base);

    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"], Value::Null);

    let back = client.sign_in(&me.email, "/meetings/new?x=1").await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "/meetings/new?x=1");
    assert_eq!(back.headers()["referrer-policy"], "no-referrer");
    assert!(client.cookie("meetings-session").is_some());
    assert!(
        client.cookie("meetings-login").is_none(),
        "login cookie cleared"
    );

    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"]["email"], me.email.as_str());
    assert_eq!(session["user"]["organizer_key"], me.organizer_key.as_str());
    assert!(
        !session.to_string().contains("token"),
        "no token reaches the browser"
    );

    let found: Vec<Value> = client
        .get(&format!(
            "/api/organizers?q={}",
            common::urlencode(&colleague.last_name)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(found
        .iter()
        .any(|o| o["key"] == colleague.organizer_key.as_str()));
    assert!(
        found.iter().all(|o| o["key"] != me.organizer_key.as_str()),
        "never oneself"
    );

    let created = client
        .post_json(
            "/api/meetings",
            &meeting_body(
                "Revisión <trimestral>",
                std::slice::from_ref(&colleague.organizer_key),
            ),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(created["subject"], "Revisión <trimestral>");
    assert_eq!(created["password_required"], true);

    let details: Value = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["subject"], "Revisión <trimestral>");
    assert_eq!(details["password_required"], true);
    assert_eq!(details["join_url"], created["join_url"]);
    assert_eq!(
        details["coorganizers"][0]["key"],
        colleague.organizer_key.as_str()
    );
    assert_eq!(details["starts_at"], created["starts_at"]);

    let sandbox_meetings = server.sandbox().meetings();
    assert_eq!(
        sandbox_meetings.len(),
        1,
        "exactly one meeting reached GoTo"
    );
    assert!(sandbox_meetings[0].password_required);
}

#[tokio::test]
async fn anonymous_api_calls_get_401_json_not_a_redirect() {
    let server = start().await;
    let client = Client::new(&server.base);
    for path in ["/api/organizers", "/api/meetings/123"] {
        let response = client.get(path).await;
        assert_eq!(response.status(), 401, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_signed_in");
    }
}

#[tokio::test]
async fn state_changing_calls_need_the_csrf_header_and_our_origin() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let body = meeting_body("No header", &[]);
    let without = client
        .request(reqwest::Method::POST, "/api/meetings", |b| b.json(&body))
        .await;
    assert_eq!(without.status(), 403);
    let foreign = client
        .request(reqwest::Method::POST, "/api/meetings", |b| {
            b.header("x-csrf", "1")
                .header("origin", "https://evil.example")
                .json(&body)
        })
        .await;
    assert_eq!(foreign.status(), 403);
    assert!(server.sandbox().meetings().is_empty());
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let server = start().await;
    let client = Client::new(&server.base);
    let login = client.get("/app/api/auth/serviceAction/login").await;
    let consent = client
        .get(&format!(
            "{}&sandbox_approve={}",
            location(&login),
            common::urlencode(&server.organizer(0).email)
        ))
        .await;
    let callback = location(&consent);
    let login_cookie = client.cookie("meetings-login").unwrap();
    assert_eq!(client.get(&callback).await.status(), 303);
    client.set_cookie("meetings-login", &login_cookie);
    let replay = client.get(&callback).await;
    assert_eq!(replay.status(), 400);
}

#[tokio::test]
async fn a_foreign_return_url_goes_home_instead() {
    let server = start().await;
    let client = Client::new(&server.base);
    let back = client
        .sign_in(&server.organizer(0).email, "//evil.example/steal")
        .await;
    assert_eq!(location(&back), "/");
}

#[tokio::test]
async fn invalid_input_gets_per_field_messages_in_the_persons_language() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let mut body = meeting_body(&"x".repeat(101), &[]);
    body["coorganizer_keys"] = json!(["1", "1"]);
    let response = client
        .request(reqwest::Method::POST, "/api/meetings", |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", "k-422")
                .header("accept-language", "es-ES,es;q=0.9")
                .json(&body)
        })
        .await;
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["subject", "coorganizers"]);
    assert!(error["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("como máximo 100"));
    assert!(error["request_id"].is_string());
    assert!(server.sandbox().meetings().is_empty());
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let stolen = client.cookie("meetings-session").unwrap();
    let out = client
        .request(reqwest::Method::POST, "/api/logout", |b| {
            b.header("x-csrf", "1")
        })
        .await;
    assert_eq!(out.status(), 204);
    let replayed = Client::new(&server.base);
    replayed.set_cookie("meetings-session", &stolen);
    let session: Value = replayed.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"], Value::Null);
}

#[tokio::test]
async fn unknown_or_malformed_meeting_ids_are_not_found() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    for id in ["999999999", "12ab", "..%2F..%2Forganizers"] {
        let response = client.get(&format!("/api/meetings/{id}")).await;
        assert_eq!(response.status(), 404, "{id}");
    }
}

#[tokio::test]
async fn the_same_idempotency_key_makes_one_meeting_sequentially_and_concurrently() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let body = meeting_body("Double tap", &[]);

    let first = client
        .post_json_with_key("/api/meetings", &body, "same-key")
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = client
        .post_json_with_key("/api/meetings", &body, "same-key")
        .await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(server.sandbox().meetings().len(), 1);

    let concurrent_body = meeting_body("Concurrent double tap", &[]);
    let (a, b) = tokio::join!(
        client.post_json_with_key("/api/meetings", &concurrent_body, "racing-key"),
        client.post_json_with_key("/api/meetings", &concurrent_body, "racing-key"),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    assert_eq!(server.sandbox().meetings().len(), 2, "one meeting per key");

    let different = client
        .post_json_with_key("/api/meetings", &meeting_body("Other", &[]), "same-key")
        .await;
    assert_eq!(
        different.status(),
        400,
        "a key reused for other content is refused"
    );
}

#[tokio::test]
async fn a_missing_idempotency_key_is_a_clear_400() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let body = meeting_body("No key", &[]);
    let response = client
        .request(reqwest::Method::POST, "/api/meetings", |b| {
            b.header("x-csrf", "1").json(&body)
        })
        .await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "bad_request");
    assert!(server.sandbox().meetings().is_empty());
}

#[tokio::test]
async fn the_popup_variant_tells_only_our_own_origin_and_closes() {
    let server = start().await;
    let client = Client::new(&server.base);
    let login = client
        .get("/app/api/auth/serviceAction/login?return_to=/&popup=1")
        .await;
    let consent = client
        .get(&format!(
            "{}&sandbox_approve={}",
            location(&login),
            common::urlencode(&server.organizer(0).email)
        ))
        .await;
    let page = client.get(&location(&consent)).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("\"{}\"", server.base)),
        "exact origin: {html}"
    );
    assert!(!html.contains("\"*\""));
    assert!(client.cookie("meetings-session").is_some());
}

/// The app in a portal's cross-site iframe cannot see the popup's cookie: the popup page hands
/// it a one-time code, which a second client (the frame, with no cookie at all) redeems once.
#[tokio::test]
async fn the_popup_hands_the_framed_app_a_one_time_code_for_its_own_session() {
    let server = start().await;
    let popup = Client::new(&server.base);
    let nonce = "2f0c5a8e-6b4d-4c1e-9a7f-3d2b1c0e9f8a";
    let login = popup
        .get(&format!(
            "/app/api/auth/serviceAction/login?return_to=/&popup=1&nonce={nonce}"
        ))
        .await;
    let consent = popup
        .get(&format!(
            "{}&sandbox_approve={}",
            location(&login),
            common::urlencode(&server.organizer(0).email)
        ))
        .await;
    let html = popup.get(&location(&consent)).await.text().await.unwrap();
    let code = html
        .split("handoff: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a handoff code in the popup page: {html}"))
        .to_owned();
    assert!(code.len() >= 32, "an unguessable code: {code}");

    let frame = Client::new(&server.base);
    let body = serde_json::json!({ "code": code, "nonce": nonce });
    let without_csrf = frame
        .request(Method::POST, "/api/session/handoff", |b| b.json(&body))
        .await;
    assert_eq!(
        without_csrf.status(),
        403,
        "a cross-site form cannot redeem it"
    );
    assert!(frame.cookie("meetings-session").is_none());

    let redeemed = frame.post_json("/api/session/handoff", &body).await;
    assert_eq!(redeemed.status(), 204);
    let session: Value = frame.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"]["email"], server.organizer(0).email);
    assert_ne!(
        frame.cookie("meetings-session"),
        popup.cookie("meetings-session"),
        "the frame gets a session id of its own"
    );

    let again = Client::new(&server.base)
        .post_json("/api/session/handoff", &body)
        .await;
    assert_eq!(again.status(), 401, "a code works once");
    let made_up = Client::new(&server.base)
        .post_json(
            "/api/session/handoff",
            &serde_json::json!({ "code": "guess" }),
        )
        .await;
    assert_eq!(made_up.status(), 401);
}

/// L2: the code is bound to the nonce the frame put on the popup's address: without it (a
/// plain curl that got hold of the code) it is refused, and used up.
#[tokio::test]
async fn a_handoff_code_without_its_nonce_is_worth_nothing() {
    let server = start().await;
    let popup = Client::new(&server.base);
    let login = popup
        .get("/app/api/auth/serviceAction/login?return_to=/&popup=1&nonce=0123456789abcdef0123")
        .await;
    let consent = popup
        .get(&format!(
            "{}&sandbox_approve={}",
            location(&login),
            common::urlencode(&server.organizer(0).email)
        ))
        .await;
    let html = popup.get(&location(&consent)).await.text().await.unwrap();
    let code = html
        .split("handoff: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    for wrong in [
        serde_json::json!({ "code": code }),
        serde_json::json!({ "code": code, "nonce": "0123456789abcdef0124" }),
    ] {
        let thief = Client::new(&server.base);
        assert_eq!(
            thief
                .post_json("/api/session/handoff", &wrong)
                .await
                .status(),
            401
        );
        assert!(thief.cookie("meetings-session").is_none());
    }
}

/// Outside the popup variant there is no frame to hand a session to, so no code is made.
#[tokio::test]
async fn a_top_level_sign_in_makes_no_handoff_code() {
    let server = start().await;
    let client = Client::new(&server.base);
    let callback = client.sign_in(&server.organizer(0).email, "/").await;
    assert_eq!(callback.status(), 303);
    assert!(!callback.text().await.unwrap().contains("handoff"));
}

#[tokio::test]
async fn add_to_calendar_gives_an_icalendar_file_of_the_meeting() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let created: Value = client
        .post_json("/api/meetings", &meeting_body("Calendario, sí", &[]))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let ics = client.get(&format!("/api/meetings/{id}/invite.ics")).await;
    assert_eq!(ics.status(), 200);
    assert!(ics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = ics.text().await.unwrap().replace("\r\n ", "");
    assert!(text.contains("SUMMARY:Calendario\\, sí"));
    assert!(text.contains(created["join_url"].as_str().unwrap()));
    // GoTo asks the organizer for the password at start: the invitation can only say so.
    assert!(text.contains("A password is needed to join: the organizer will share it."));
}

/// GoTo takes only a yes/no for the password, so the backend neither forwards nor keeps a
/// password an older app still sends; the meeting is made without one.
#[tokio::test]
async fn an_old_apps_password_is_neither_sent_to_goto_nor_kept() {
    let server = start().await;
    let me = server.organizer(0);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let start_at = Utc::now() + Duration::hours(2);
    let old_body = json!({
        "subject": "From an old app",
        "starts_at": start_at,
        "ends_at": start_at + Duration::minutes(30),
        "password": "s3cret-pass",
    });
    let created = client.post_json("/api/meetings", &old_body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["password_required"], false);
    assert!(created.get("password").is_none(), "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let details = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!details.contains("s3cret-pass"), "{details}");
    let ics = client
        .get(&format!("/api/meetings/{id}/invite.ics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!ics.to_lowercase().contains("password"), "{ics}");
    assert!(!server.sandbox().meetings()[0].password_required);

    // What the store keeps, opened with the server's own key, holds no password.
    let data = &server._data.0;
    let (sealer, _) = Sealer::from_key_file(&data.join("secret.key")).unwrap();
    let db = rusqlite::Connection::open(data.join("meetings.db")).unwrap();
    let mut kept = Vec::new();
    let mut rows = db
        .prepare("SELECT meeting_id, organizer_key, sealed FROM meeting_secrets")
        .unwrap();
    for row in rows
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .unwrap()
    {
        let (meeting_id, organizer_key, sealed) = row.unwrap();
        kept.push(
            sealer
                .open(&sealed, &format!("meeting:{meeting_id}:{organizer_key}"))
                .unwrap(),
        );
    }
    let mut rows = db
        .prepare("SELECT user_key, key, body FROM idempotency")
        .unwrap();
    for row in rows
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .unwrap()
    {
        let (user_key, key, sealed) = row.unwrap();
        kept.push(
            sealer
                .open(&sealed, &format!("idempotency:{user_key}:{key}"))
                .unwrap(),
        );
    }
    assert_eq!(kept.len(), 2, "the meeting's link and the create's answer");
    for opened in kept {
        // The create's answer is kept as a JSON string: its quotes come escaped.
        let text = String::from_utf8(opened).unwrap().replace('\\', "");
        assert!(!text.contains("s3cret-pass"), "{text}");
        assert!(!text.contains("\"password\""), "{text}");
    }
}

#[tokio::test]
async fn the_api_is_described_at_openapi_json() {
    let server = start().await;
    let spec: Value = Client::new(&server.base)
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
    assert!(spec["paths"]["/api/meetings"]["post"].is_object());
}
