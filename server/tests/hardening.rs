//! Bad input gets clear answers, secrets stay secret, and the support log says only what it may.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use common::{location, start_with, urlencode, Client};
use serde_json::{json, Value};

/// Everything the backend logs during this test binary, at every level.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> LogBuffer {
    static LOGS: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .init();
        buffer
    })
    .clone()
}

fn headers_text(response: &reqwest::Response) -> String {
    response
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or("")))
        .collect()
}

fn meeting(subject: &str) -> Value {
    let start = Utc::now() + chrono::Duration::hours(3);
    json!({
        "subject": subject,
        "starts_at": start,
        "ends_at": start + chrono::Duration::minutes(30),
        "password_required": true,
        // What an older app still sends: never forwarded, kept or logged.
        "password": "pa55word-x",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_secret_appears_in_any_response_header_or_log_line() {
    let logs = capture_logs();
    let support = common::TempDir::new("support");
    let support_dir = support.0.clone();
    let server = start_with(|c| c.support_log_dir = Some(support_dir.clone())).await;
    let client = Client::new(&server.base);
    let mut seen = String::new();

    let back = client.sign_in(&server.organizer(0).email, "/").await;
    seen.push_str(&headers_text(&back));
    for path in ["/api/session", "/api/organizers?q=a", "/api/openapi.json"] {
        let r = client.get(path).await;
        seen.push_str(&headers_text(&r));
        seen.push_str(&r.text().await.unwrap());
    }
    let created = client
        .post_json("/api/meetings", &meeting("Secret scan"))
        .await;
    seen.push_str(&headers_text(&created));
    let created: Value = created.json().await.unwrap();
    seen.push_str(&created.to_string());
    let id = created["id"].as_str().unwrap();
    server.sandbox().expire_access_tokens();
    for path in [
        format!("/api/meetings/{id}"),
        format!("/api/meetings/{id}/invite.ics"),
    ] {
        let r = client.get(&path).await;
        seen.push_str(&headers_text(&r));
        seen.push_str(&r.text().await.unwrap());
    }
    // The host's start address reaches the browser that asked for it, and nothing else.
    let started = client
        .request(
            reqwest::Method::POST,
            &format!("/api/meetings/{id}/start"),
            |b| b.header("x-csrf", "1"),
        )
        .await;
    assert_eq!(started.status(), 200);
    let started: Value = started.json().await.unwrap();
    let host_url = started["host_url"].as_str().unwrap().to_owned();

    let state = &server.running.state;
    let session_id = client.cookie("meetings-session").unwrap();
    let user = state
        .store
        .get_session(&session_id)
        .await
        .unwrap()
        .unwrap()
        .tokens;
    let admin = state.store.admin_tokens().await.unwrap().unwrap();
    let secrets = [
        ("user access token", user.access_token.clone()),
        ("user refresh token", user.refresh_token.clone()),
        ("admin access token", admin.access_token.clone()),
        ("admin refresh token", admin.refresh_token.clone()),
    ];
    let log_text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let support_text: String = std::fs::read_dir(&support.0)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert!(
        support_text.contains("/G2M/rest/meetings"),
        "the support log is written"
    );
    assert!(!log_text.is_empty(), "logs were captured");
    for (what, secret) in &secrets {
        assert!(secret.len() > 8, "{what} is a real value");
        assert!(
            !seen.contains(secret.as_str()),
            "{what} reached the browser"
        );
        assert!(
            !log_text.contains(secret.as_str()),
            "{what} reached the log"
        );
        assert!(
            !support_text.contains(secret.as_str()),
            "{what} reached the support log"
        );
    }
    assert!(
        !log_text.contains(&session_id),
        "the session id reached the log"
    );
    assert!(!support_text.contains(&session_id));
    let host_token = host_url.split("hostToken=").nth(1).unwrap();
    for leak in [host_url.as_str(), host_token] {
        assert!(!log_text.contains(leak), "the host address reached the log");
        assert!(
            !support_text.contains(leak),
            "the host address reached the support log"
        );
    }
    assert!(!support_text.contains("pa55word-x") && !log_text.contains("pa55word-x"));
}

#[tokio::test]
async fn the_support_log_names_the_request_and_the_organizer_for_each_goto_call() {
    let support = common::TempDir::new("support-lines");
    let dir = support.0.clone();
    let server = start_with(|c| c.support_log_dir = Some(dir.clone())).await;
    let me = server.organizer(0);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let created = client.post_json("/api/meetings", &meeting("Logged")).await;
    let request_id = created.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let text: String = std::fs::read_dir(&support.0)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    let create = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["method"] == "POST" && l["path"] == "/_sandbox/G2M/rest/meetings")
        .expect("a line for the create");
    assert_eq!(create["status"], 201);
    assert_eq!(create["request_id"], request_id.as_str());
    assert_eq!(create["user"], me.organizer_key.as_str());
    assert!(create["latency_ms"].is_u64());
    assert!(text.contains("/oauth/token"), "token calls are logged too");
}

#[tokio::test]
async fn malformed_wrong_type_and_oversized_bodies_get_clear_json_errors() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let send = |body: Vec<u8>, content_type: &'static str| {
        let client = &client;
        async move {
            client
                .request(reqwest::Method::POST, "/api/meetings", |b| {
                    b.header("x-csrf", "1")
                        .header("idempotency-key", common::rand_suffix())
                        .header("content-type", content_type)
                        .body(body)
                })
                .await
        }
    };
    let malformed = send(b"{\"subject\": ".to_vec(), "application/json").await;
    assert_eq!(malformed.status(), 400);
    let error: Value = malformed.json().await.unwrap();
    assert_eq!(error["error"], "bad_request");

    let wrong_type = send(b"subject=x".to_vec(), "application/x-www-form-urlencoded").await;
    assert_eq!(wrong_type.status(), 415);
    assert_eq!(
        wrong_type.json::<Value>().await.unwrap()["error"],
        "unsupported_media_type"
    );

    let huge = serde_json::to_vec(&json!({ "subject": "x".repeat(20_000) })).unwrap();
    let too_big = send(huge.clone(), "application/json").await;
    assert_eq!(too_big.status(), 413);
    assert!(too_big.headers().contains_key("x-request-id"));
    assert_eq!(
        too_big.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );

    // Without a length to judge up front (chunked), the body is refused once it passes the
    // limit, with the same answer.
    let session = client.cookie("meetings-session").expect("signed in");
    let chunked = send_chunked(&server.base, &session, &huge).await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    assert!(chunked.contains("\"payload_too_large\""), "{chunked}");

    // A body whose chunked framing is broken is unreadable, not too large.
    let broken = send_raw_chunked(&server.base, &session, b"zz\r\n{}\r\n0\r\n\r\n").await;
    assert!(broken.starts_with("HTTP/1.1 400"), "{broken}");
    assert!(broken.contains("\"bad_request\""), "{broken}");
    assert!(server.sandbox().meetings().is_empty());
}

/// A create whose body is sent in chunks, with no `Content-Length`; the raw answer.
async fn send_chunked(base: &str, session: &str, body: &[u8]) -> String {
    let mut chunked = Vec::new();
    for chunk in body.chunks(4096) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    send_raw_chunked(base, session, &chunked).await
}

/// A create whose chunked body is sent as given, framing included; the raw answer.
async fn send_raw_chunked(base: &str, session: &str, framed: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/meetings HTTP/1.1\r\nHost: {addr}\r\nCookie: meetings-session={session}\r\nX-CSRF: 1\r\nIdempotency-Key: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        common::rand_suffix()
    );
    let mut request = head.into_bytes();
    request.extend_from_slice(framed);
    // The whole request fits the socket's buffers, so it is all sent before the server
    // answers; the server may close without reading the rest, which a write would then meet.
    let _ = stream.write_all(&request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Found by Schemathesis: axum's own query rejection was plain text, outside the API's shape.
#[tokio::test]
async fn a_malformed_query_string_gets_the_json_error_shape() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let answer = client.get("/api/organizers?limit=null&limit=null").await;
    assert_eq!(answer.status(), 400);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(
        answer.json::<Value>().await.unwrap()["error"],
        "bad_request"
    );
}

#[tokio::test]
async fn cookies_are_host_prefixed_and_secure_except_on_a_local_http_address() {
    // (public URL, cross-site portal, the session cookie's name, Secure, SameSite)
    let cases = [
        (None, false, "meetings-session", false, "SameSite=Lax"),
        (None, true, "__Host-meetings-session", true, "SameSite=None"),
        (
            Some("https://meetings.example.com"),
            false,
            "__Host-meetings-session",
            true,
            "SameSite=Lax",
        ),
        (
            Some("https://meetings.example.com"),
            true,
            "__Host-meetings-session",
            true,
            "SameSite=None",
        ),
    ];
    for (public_url, cross_site, name, secure, same_site) in cases {
        let server = start_with(|c| {
            c.cross_site_cookies = cross_site;
            if let Some(url) = public_url {
                c.public_url = url.into();
            }
        })
        .await;
        let client = Client::new(&server.base);
        // The sign-in by hand: behind an https public URL, the sandbox's redirects name that
        // origin, which this test reaches on its own loopback address.
        let local = |location: String| match public_url {
            Some(url) => location.replace(url, &server.base),
            None => location,
        };
        let login = client
            .get("/app/api/auth/serviceAction/login?return_to=%2F")
            .await;
        let login_cookie = set_cookies(&login)
            .into_iter()
            .find(|c| c.contains("meetings-login="))
            .unwrap();
        let authorize = local(location(&login));
        let email = urlencode(&server.organizer(0).email);
        let consent = client
            .get(&format!("{authorize}&sandbox_approve={email}"))
            .await;
        let back = client.get(&local(location(&consent))).await;
        let session_cookie = set_cookies(&back)
            .into_iter()
            .find(|c| c.contains("meetings-session="))
            .unwrap_or_else(|| panic!("{public_url:?}: no session cookie"));
        assert!(
            session_cookie.starts_with(&format!("{name}=")),
            "{session_cookie}"
        );
        for cookie in [&session_cookie, &login_cookie] {
            assert_eq!(cookie.starts_with("__Host-"), secure, "{cookie}");
            assert_eq!(cookie.contains("; Secure"), secure, "{cookie}");
            for attribute in ["HttpOnly", "Path=/"] {
                assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
            }
            assert!(!cookie.contains("Domain="));
        }
        assert!(session_cookie.contains(same_site), "{session_cookie}");
        assert_eq!(
            session_cookie.contains("Partitioned"),
            cross_site,
            "{session_cookie}"
        );
        // The session works under the name it was given.
        let me: Value = client.get("/api/session").await.json().await.unwrap();
        assert!(me["user"].is_object(), "{public_url:?}: {me}");
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn co_organizer_search_serves_the_synced_copy_while_goto_is_down() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    server.sandbox().fail_next(100, 503);
    let found: Vec<Value> = client
        .get("/api/organizers?q=nunez")
        .await
        .json()
        .await
        .unwrap();
    assert!(found
        .iter()
        .any(|o| o["name"].as_str().unwrap().contains("Núñez")));
    let suspended = server
        .sandbox()
        .organizers()
        .into_iter()
        .find(|o| !o.is_active_g2m())
        .unwrap();
    let hidden: Vec<Value> = client
        .get(&format!(
            "/api/organizers?q={}",
            common::urlencode(&suspended.email)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        hidden.is_empty(),
        "suspended or non-G2M people are not offered"
    );
}

#[tokio::test]
async fn the_admin_connection_is_refused_for_another_account() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    let connect = client.get("/admin/api/gwsc/auth/connect").await;
    assert_eq!(connect.status(), 303);
    let foreign = server
        .sandbox()
        .organizers()
        .into_iter()
        .find(|o| o.account_key == server.sandbox().other_account_key())
        .unwrap();
    let consent = client
        .get(&format!(
            "{}&sandbox_approve={}",
            common::location(&connect),
            common::urlencode(&foreign.email)
        ))
        .await;
    let page = client.get(&common::location(&consent)).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("not connected"), "{html}");
    assert!(
        html.contains(server.sandbox().account_key()),
        "the message names the account"
    );
    let admin = server
        .running
        .state
        .store
        .admin_tokens()
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        admin.email, foreign.email,
        "the configured connection stays"
    );
}

#[tokio::test]
async fn only_an_allowed_service_account_may_connect() {
    // The sandbox's seeded admin (deterministic); it connects at start, as allowed.
    let allowed = "goto-admin@solaris-logistica.example";
    let server = start_with(|c| c.allowed_admin_emails = vec![allowed.into()]).await;
    assert_eq!(server.sandbox().admin().email, allowed);
    let client = Client::new(&server.base);
    let connect = client.get("/admin/api/gwsc/auth/connect").await;
    let other = server.organizer(0);
    let consent = client
        .get(&format!(
            "{}&sandbox_approve={}",
            common::location(&connect),
            common::urlencode(&other.email)
        ))
        .await;
    let html = client
        .get(&common::location(&consent))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("not connected") && html.contains("GOTO_ADMIN_EMAILS"),
        "{html}"
    );
}

#[tokio::test]
async fn an_on_demand_sync_runs_at_most_once_a_minute() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    server.sandbox().clear_journal();
    let sync = || {
        client.request(reqwest::Method::POST, "/api/organizers/sync", |b| {
            b.header("x-csrf", "1")
        })
    };
    assert_eq!(sync().await.status(), 204);
    assert_eq!(sync().await.status(), 204);
    let organizer_calls = server
        .sandbox()
        .journal()
        .iter()
        .filter(|e| e.path.ends_with("/organizers"))
        .count();
    assert_eq!(
        organizer_calls, 0,
        "the start-up sync was moments ago, so the cache stands"
    );
}

/// The organizer list is sent brotli-compressed to a browser that accepts it, and decodes to
/// the same JSON; the session answer, which carries the CSRF token, never is.
#[tokio::test]
async fn only_the_organizer_list_is_compressed() {
    let server = start_with(|_| {}).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let plain = client.get("/api/organizers?q=").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();

    let compressed = client
        .request(reqwest::Method::GET, "/api/organizers?q=", |b| {
            b.header("accept-encoding", "br")
        })
        .await;
    assert_eq!(compressed.status(), 200);
    assert_eq!(compressed.headers()["content-encoding"], "br");
    let body = compressed.bytes().await.unwrap();
    assert!(body.len() < plain.len(), "{} ≥ {}", body.len(), plain.len());
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut decoded).unwrap();
    assert_eq!(decoded, plain);

    let session = client
        .request(reqwest::Method::GET, "/api/session", |b| {
            b.header("accept-encoding", "br")
        })
        .await;
    assert_eq!(session.status(), 200);
    assert!(session.headers().get("content-encoding").is_none());
}
