//! The product against GoTo as it is today (issue 12): the current OAuth host, whose token
//! answers name nobody; identity learnt from GoTo's identity calls; "All organizers" from the
//! Admin API in pages; GoTo's documented minimal refresh answer; every time form GoTo's
//! answers are known to take; scopes; and a person without a GoToMeeting licence.
//!
//! A standalone sandbox plays GoTo over real HTTP, configured as a real deployment would be
//! (`Upstream::GoTo` with the current host's paths), not the embedded default.

mod common;

use chrono::{Duration, Timelike, Utc};
use common::{location, urlencode, Client, TempDir};
use goto_sandbox::{RegisteredClient, Sandbox, SandboxConfig, TimeFormat};
use meetings_server::config::{Config, GoToEndpoints, OAuthClientConfig, Upstream};
use serde_json::{json, Value};

struct Deployment {
    sandbox: Sandbox,
    base: String,
    _data: TempDir,
    _running: meetings_server::Running,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GoTo (the sandbox) with the brief's two clients, and the backend configured for it on the
/// current host. `grant` narrows what the clients were granted; `adjust` changes the backend.
async fn deploy(
    sandbox_config: impl FnOnce(&mut SandboxConfig),
    adjust: impl FnOnce(&mut Config),
) -> Deployment {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let goto = format!("http://{}", listener.local_addr().unwrap());
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let user = RegisteredClient::new(
        "today-service-action",
        "s3cret+/=",
        [format!("{public_url}/app/api/auth/serviceAction/callback")],
    );
    let admin = RegisteredClient::new(
        "today-service",
        "s3cret2",
        [format!("{public_url}/admin/api/gwsc/auth/serverContext")],
    );
    let mut config = SandboxConfig {
        clients: vec![user.clone(), admin.clone()],
        ..SandboxConfig::default()
    };
    sandbox_config(&mut config);
    let sandbox = Sandbox::new(config);
    tokio::spawn(sandbox.clone().serve(listener));
    let data = TempDir::new("today");
    let mut backend = Config::local_sandbox(data.0.clone(), data.0.join("no-dist"));
    backend.addr = format!("127.0.0.1:{port}").parse().unwrap();
    backend.public_url = public_url.clone();
    backend.upstream = Upstream::GoTo {
        endpoints: GoToEndpoints {
            authorize_url: format!("{goto}/oauth/authorize"),
            token_url: format!("{goto}/oauth/token"),
            api_root: goto.clone(),
        },
        user_client: OAuthClientConfig {
            client_id: user.client_id.clone(),
            client_secret: user.client_secret.clone(),
        },
        admin_client: Some(OAuthClientConfig {
            client_id: admin.client_id.clone(),
            client_secret: admin.client_secret.clone(),
        }),
        account_key: Some(sandbox.account_key().to_owned()),
    };
    adjust(&mut backend);
    let running = meetings_server::start(backend)
        .await
        .expect("backend starts");
    Deployment {
        sandbox,
        base: public_url,
        _data: data,
        _running: running,
    }
}

impl Deployment {
    /// The operator connects the service account at `/admin/api/gwsc/auth/connect`.
    async fn connect_admin(&self, lang: &str) -> (u16, String) {
        let client = Client::new(&self.base);
        let start = client.get("/admin/api/gwsc/auth/connect").await;
        assert_eq!(start.status(), 303);
        let approve = format!(
            "{}&sandbox_approve={}",
            location(&start),
            urlencode(&self.sandbox.admin().email)
        );
        let back = client.get(&approve).await;
        assert!(back.status().is_redirection(), "{}", back.status());
        let page = client
            .request(reqwest::Method::GET, &location(&back), |b| {
                b.header("accept-language", lang)
            })
            .await;
        let status = page.status().as_u16();
        (status, page.text().await.unwrap())
    }

    fn paths(&self, prefix: &str) -> Vec<String> {
        self.sandbox
            .journal()
            .into_iter()
            .map(|e| e.path)
            .filter(|p| p.starts_with(prefix))
            .collect()
    }

    fn person(&self, email_start: &str) -> goto_sandbox::SeedOrganizer {
        self.sandbox
            .organizers()
            .into_iter()
            .find(|o| o.email.starts_with(email_start))
            .expect("a seeded person")
    }
}

fn meeting_body(hours_ahead: i64, subject: &str) -> Value {
    let start = (Utc::now() + Duration::hours(hours_ahead))
        .with_nanosecond(0)
        .unwrap();
    json!({
        "subject": subject,
        "starts_at": start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "ends_at": (start + Duration::minutes(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "coorganizer_keys": [],
    })
}

#[tokio::test]
async fn keyless_token_answers_paged_organizers_minimal_refreshes_and_every_time_form() {
    let goto = deploy(|c| c.rotate_refresh_tokens = false, |_| {}).await;

    // The service account: identity from the Admin API's /me, then 250 people in 3 pages.
    let (status, page) = goto.connect_admin("en").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Service account connected"), "{page}");
    assert_eq!(goto.paths("/admin/rest/v1/me").len(), 1);
    let pages = goto.paths(&format!(
        "/admin/rest/v1/accounts/{}/users",
        goto.sandbox.account_key()
    ));
    assert_eq!(pages.len(), 3, "{pages:?}");
    let main_account: Vec<_> = goto
        .sandbox
        .organizers()
        .into_iter()
        .filter(|o| o.account_key == goto.sandbox.account_key())
        .collect();
    assert_eq!(main_account.len(), 250);
    let offered = main_account
        .iter()
        .filter(|o| o.is_active_g2m() && !o.admin)
        .count();
    assert!(
        page.contains(&format!("{} organizers", offered + 1))
            || page.contains(&format!("{offered} organizers")),
        "{page}"
    );
    assert!(goto.paths("/oauth/v2/").is_empty(), "only the current host");

    // A person: the token answer names nobody; SCIM Users/me gives the user key.
    let maria = goto.person("maria.fernandez-castaneda@");
    let client = Client::new(&goto.base);
    let back = client.sign_in(&maria.email, "/meetings").await;
    assert_eq!(back.status(), 303, "{}", back.text().await.unwrap());
    assert_eq!(location(&back), "/meetings");
    assert_eq!(goto.paths("/identity/v1/Users/me").len(), 1);
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(
        session["user"]["organizer_key"],
        maria.organizer_key.as_str()
    );
    assert_eq!(session["user"]["email"], maria.email.as_str());
    assert_eq!(session["user"]["licensed"], true);

    // Someone on the third page of the directory can be found and picked.
    let late = main_account
        .iter()
        .rev()
        .find(|o| o.is_active_g2m() && !o.admin)
        .unwrap();
    let found: Value = client
        .get(&format!("/api/organizers?q={}", urlencode(&late.email)))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        found.to_string().contains(&late.organizer_key),
        "{late:?} not in {found}"
    );

    // Every time form GoTo's answers may take: create, read back, and find a create whose
    // answer was lost (reconcile reads upcomingMeetings).
    for (n, format) in TimeFormat::ALL.into_iter().enumerate() {
        goto.sandbox.set_time_format(format);
        let body = meeting_body(30 + n as i64, &format!("Forma {}", format.as_str()));
        let created = client.post_json("/api/meetings", &body).await;
        assert_eq!(created.status(), 201, "{format:?}");
        let created: Value = created.json().await.unwrap();
        let read: Value = client
            .get(&format!(
                "/api/meetings/{}",
                created["id"].as_str().unwrap()
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(read["starts_at"], body["starts_at"], "{format:?}: {read}");
        assert_eq!(read["ends_at"], body["ends_at"], "{format:?}: {read}");

        goto.sandbox.drop_next(1);
        let lost = meeting_body(60 + n as i64, &format!("Perdida {}", format.as_str()));
        let answer = client.post_json("/api/meetings", &lost).await;
        assert_eq!(answer.status(), 201, "{format:?}: reconciled");
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(answer["starts_at"], lost["starts_at"]);
    }

    // Refreshes answered with GoTo's documented minimal body: no token_type, no
    // refresh_token. The old refresh token is kept and keeps working.
    for round in 1..=2 {
        goto.sandbox.expire_access_tokens();
        let session = client.get("/api/meetings/1").await;
        assert_ne!(session.status(), 401, "round {round}: still signed in");
        let id = client
            .post_json("/api/meetings", &meeting_body(90 + round, "Tras renovar"))
            .await;
        assert_eq!(id.status(), 201, "round {round}");
    }
    assert!(goto.sandbox.token_calls().refresh_token >= 2);
}

#[tokio::test]
async fn a_page_failing_mid_sync_keeps_the_previous_complete_list() {
    let goto = deploy(|_| {}, |_| {}).await;
    assert_eq!(goto.connect_admin("en").await.0, 200);
    let client = Client::new(&goto.base);
    let maria = goto.person("maria.fernandez-castaneda@");
    assert_eq!(client.sign_in(&maria.email, "/").await.status(), 303);
    let before: Value = client
        .get("/api/organizers?q=a&limit=100")
        .await
        .json()
        .await
        .unwrap();
    // The first page answers, the next ones fail (GETs are retried twice).
    goto.sandbox.faults().fail_next_after(1, 3, 503);
    // The scheduled sync (the on-demand one waits a minute after the connection's).
    let sync = meetings_server::organizer_sync::sync(&goto._running.state).await;
    assert!(sync.is_err(), "{sync:?}");
    let pages = goto.paths(&format!(
        "/admin/rest/v1/accounts/{}/users",
        goto.sandbox.account_key()
    ));
    assert_eq!(
        pages.len(),
        3 + 1 + 3,
        "connect, then one good page and three failed tries"
    );
    let after: Value = client
        .get("/api/organizers?q=a&limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_person_without_a_goto_meeting_licence_is_told_so_and_a_create_is_never_not_found() {
    let goto = deploy(|_| {}, |_| {}).await;
    assert_eq!(goto.connect_admin("es").await.0, 200);
    let sergio = goto.person("sergio.ramos.canizares@");
    assert!(!sergio.has_g2m());
    let client = Client::new(&goto.base);
    assert_eq!(client.sign_in(&sergio.email, "/").await.status(), 303);
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"]["licensed"], false, "{session}");
    let refused = client
        .request(reqwest::Method::POST, "/api/meetings", |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", "no-licence-1")
                .header("accept-language", "es")
                .json(&meeting_body(5, "Sin licencia"))
        })
        .await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "no_licence", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("licencia de GoToMeeting"),
        "{body}"
    );
}

#[tokio::test]
async fn scopes_the_client_lacks_are_named_at_sign_in() {
    // The client was granted only G2M's scope; the product asks for its profile scope too.
    let goto = deploy(
        |c| {
            for client in &mut c.clients {
                *client = client.clone().with_scopes(["collab:"]);
            }
        },
        |_| {},
    )
    .await;
    let client = Client::new(&goto.base);
    let maria = goto.person("maria.fernandez-castaneda@");
    let page = client.sign_in(&maria.email, "/").await;
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("collab: identity:scim.me"), "{html}");
    assert!(html.contains("id=\"try-again\""), "{html}");

    // Asking only for what was granted: the token works for G2M, but who signed in cannot be
    // learnt without the profile scope, so the sign-in is refused, naming it.
    let narrow = deploy(
        |c| {
            for client in &mut c.clients {
                *client = client.clone().with_scopes(["collab:"]);
            }
        },
        |config| {
            config.user_scopes = meetings_server::config::Scopes(vec!["collab:".into()]);
            config.admin_scopes = meetings_server::config::Scopes(vec!["collab:".into()]);
        },
    )
    .await;
    let client = Client::new(&narrow.base);
    let page = client.sign_in(&maria.email, "/").await;
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("“identity:scim.me”"), "{html}");
    assert!(client
        .cookie(meetings_server::session::LOCAL_SESSION_COOKIE)
        .is_none());
    // The service account without the Admin Center scope: refused, naming `identity:`.
    let (status, html) = narrow.connect_admin("en").await;
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("“identity:”"), "{html}");
}

#[tokio::test]
async fn callback_failures_are_pages_in_the_persons_language() {
    let goto = deploy(
        |_| {},
        |c| {
            c.goto_requests_per_minute = 1;
            c.throttle_max_wait = std::time::Duration::ZERO;
        },
    )
    .await;
    // No sign-in in progress (a stray or replayed callback).
    let client = Client::new(&goto.base);
    let stray = client
        .request(
            reqwest::Method::GET,
            "/app/api/auth/serviceAction/callback?code=x&state=y",
            |b| b.header("accept-language", "es-ES,es;q=0.9"),
        )
        .await;
    assert_eq!(stray.status(), 400);
    assert!(stray.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = stray.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    assert!(html.contains("Este inicio de sesión ha caducado"), "{html}");
    assert!(
        html.contains("/app/api/auth/serviceAction/login?return_to=%2F"),
        "{html}"
    );

    // Over the GoTo budget (one call a minute here): busy, with a wait, never "unavailable".
    let maria = goto.person("maria.fernandez-castaneda@");
    let first = client.sign_in(&maria.email, "/").await;
    let second = Client::new(&goto.base);
    let busy = if first.status() == 429 {
        first
    } else {
        second.sign_in(&maria.email, "/").await
    };
    assert_eq!(busy.status(), 429);
    assert!(busy.headers().contains_key("retry-after"));
    let html = busy.text().await.unwrap();
    assert!(html.contains("GoToMeeting is busy"), "{html}");
    assert!(!html.contains("not available"), "{html}");
}

/// With no GoTo settings the built-in sandbox is reached on the current host's paths;
/// `MEETINGS_GOTO_HOST=legacy` takes the brief's, whose token answer names the person.
#[tokio::test]
async fn the_embedded_sandbox_speaks_the_configured_host() {
    for (host, token_path, identity_calls) in [
        (
            meetings_server::config::GoToHost::Current,
            "/oauth/token",
            1,
        ),
        (
            meetings_server::config::GoToHost::Legacy,
            "/oauth/v2/token",
            0,
        ),
    ] {
        let server = common::start_with(|c| c.goto_host = host).await;
        let client = Client::new(&server.base);
        let person = server.organizer(0);
        let login = client.get("/app/api/auth/serviceAction/login").await;
        let authorize = location(&login);
        let expected = if host == meetings_server::config::GoToHost::Legacy {
            "/_sandbox/oauth/v2/authorize?"
        } else {
            "/_sandbox/oauth/authorize?"
        };
        assert!(authorize.contains(expected), "{host:?}: {authorize}");
        assert_eq!(client.sign_in(&person.email, "/").await.status(), 303);
        let session: Value = client.get("/api/session").await.json().await.unwrap();
        assert_eq!(
            session["user"]["organizer_key"],
            person.organizer_key.as_str()
        );
        let journal = server.sandbox().journal();
        assert!(
            journal.iter().any(|e| e.path == token_path),
            "{host:?}: {:?}",
            journal.iter().map(|e| &e.path).collect::<Vec<_>>()
        );
        let other = if token_path == "/oauth/token" {
            "/oauth/v2/token"
        } else {
            "/oauth/token"
        };
        assert!(!journal.iter().any(|e| e.path == other), "{host:?}");
        assert_eq!(
            journal
                .iter()
                .filter(|e| e.path == "/identity/v1/Users/me")
                .count(),
            identity_calls,
            "{host:?}"
        );
    }
}
