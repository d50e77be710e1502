//! Several replicas on one Redis: two real backend processes (the `meetings-server` binary),
//! one real `redis-server`, and one standalone sandbox in this process standing in for GoTo.
//!
//! Both replicas get the same `MEETINGS_PUBLIC_URL`, as behind a load balancer, because the
//! redirect URI is registered once at GoTo. Here there is no balancer and each process has its
//! own port, so the public URL is replica A's: the browser-like steps of the sign-in (login,
//! GoTo's redirect back to the callback) go to A, and the session cookie it sets is then sent
//! to B directly. CSRF checks pass on B because these requests send no `Origin`, like a
//! same-origin fetch through the balancer would send A's.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::redis_server::{free_port, RedisServer};
use common::{Client, TempDir};
use goto_sandbox::{RegisteredClient, Sandbox, SandboxConfig, SeedOrganizer};
use serde_json::{json, Value};

const SESSION_COOKIE: &str = "meetings-session";

/// One backend process, killed when dropped. Its log goes to a file, shown if the test fails.
struct Replica {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- log of the replica at {} (last lines) ---", self.base);
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// The sandbox, one Redis and two replicas A and B.
struct Deployment {
    sandbox: Sandbox,
    a: Replica,
    b: Replica,
    _redis: RedisServer,
    _dir: TempDir,
}

struct Settings<'a> {
    user_client: &'a RegisteredClient,
    admin_client: &'a RegisteredClient,
    sandbox: &'a Sandbox,
    sandbox_base: &'a str,
    public_url: &'a str,
    redis_url: &'a str,
    encryption_key: &'a str,
    /// What this test changes (e.g. the throttle's wait bound).
    extra_env: &'a [(&'a str, &'a str)],
}

fn spawn_replica(name: &str, port: u16, settings: &Settings<'_>, dir: &TempDir) -> Replica {
    let data = dir.0.join(name);
    let log = dir.0.join(format!("{name}.log"));
    let log_file = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_meetings-server"))
        // Only what is set here: no MEETINGS_* of the developer's shell leaks in.
        .env_clear()
        .env("MEETINGS_ADDR", format!("127.0.0.1:{port}"))
        .env("MEETINGS_PUBLIC_URL", settings.public_url)
        .env("MEETINGS_DATA_DIR", &data)
        .env("MEETINGS_DIST", data.join("no-dist"))
        .env("MEETINGS_STORE", settings.redis_url)
        .env("MEETINGS_ENCRYPTION_KEY", settings.encryption_key)
        .env("GOTO_CLIENT_ID", &settings.user_client.client_id)
        .env("GOTO_CLIENT_SECRET", &settings.user_client.client_secret)
        .env("GOTO_ADMIN_CLIENT_ID", &settings.admin_client.client_id)
        .env(
            "GOTO_ADMIN_CLIENT_SECRET",
            &settings.admin_client.client_secret,
        )
        .env("GOTO_ACCOUNT_KEY", settings.sandbox.account_key())
        .env("GOTO_ADMIN_EMAILS", settings.sandbox.admin().email)
        .env(
            "GOTO_AUTHORIZE_URL",
            format!("{}/oauth/v2/authorize", settings.sandbox_base),
        )
        .env(
            "GOTO_TOKEN_URL",
            format!("{}/oauth/v2/token", settings.sandbox_base),
        )
        .env(
            "GOTO_API_BASE",
            format!("{}/G2M/rest", settings.sandbox_base),
        )
        .env("RUST_LOG", "warn,meetings_server=info")
        .envs(settings.extra_env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file.try_clone().unwrap()))
        .stderr(Stdio::from(log_file))
        .spawn()
        .expect("the meetings-server binary starts");
    Replica {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    }
}

/// Waits until the replica answers. `Err` if its port was taken before it could listen (see
/// `deploy`); any other exit fails the test.
async fn wait_for_health(replica: &mut Replica) -> Result<(), PortTaken> {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = replica.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&replica.log).unwrap_or_default();
            if log.contains("Address already in use") {
                return Err(PortTaken);
            }
            panic!("the replica at {} exited ({status}): {log}", replica.base);
        }
        if let Ok(answer) = http.get(format!("{}/healthz", replica.base)).send().await {
            if answer.status() == 200 {
                return Ok(());
            }
        }
        assert!(
            Instant::now() < deadline,
            "the replica at {} did not become healthy",
            replica.base
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct PortTaken;

/// Two replicas on ports picked free. A port picked free can still be taken before the replica
/// binds it (by another test's outgoing connection, which draws from the same ephemeral
/// range), so a deployment that lost its port is made again on new ones.
async fn deploy(extra_env: &[(&str, &str)]) -> Deployment {
    for _ in 0..5 {
        if let Ok(deployment) = try_deploy(extra_env).await {
            return deployment;
        }
    }
    panic!("the replicas' ports were taken five times over");
}

async fn try_deploy(extra_env: &[(&str, &str)]) -> Result<Deployment, PortTaken> {
    let dir = TempDir::new("replicas");
    let redis = RedisServer::start();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox_base = format!("http://{}", listener.local_addr().unwrap());
    let (port_a, port_b) = (free_port(), free_port());
    let public_url = format!("http://127.0.0.1:{port_a}");
    let secret = || hex::encode(rand::random::<[u8; 16]>());
    let user_client = RegisteredClient::new(
        "replicas-service-action",
        secret(),
        [format!("{public_url}/app/api/auth/serviceAction/callback")],
    );
    let admin_client = RegisteredClient::new(
        "replicas-service",
        secret(),
        [format!("{public_url}/admin/api/gwsc/auth/serverContext")],
    );
    let sandbox = Sandbox::new(SandboxConfig {
        clients: vec![user_client.clone(), admin_client.clone()],
        ..SandboxConfig::default()
    });
    tokio::spawn(sandbox.clone().serve(listener));
    let encryption_key = hex::encode(rand::random::<[u8; 32]>());
    let settings = Settings {
        user_client: &user_client,
        admin_client: &admin_client,
        sandbox: &sandbox,
        sandbox_base: &sandbox_base,
        public_url: &public_url,
        redis_url: &redis.url,
        encryption_key: &encryption_key,
        extra_env,
    };
    let mut a = spawn_replica("a", port_a, &settings, &dir);
    let mut b = spawn_replica("b", port_b, &settings, &dir);
    wait_for_health(&mut a).await?;
    wait_for_health(&mut b).await?;
    Ok(Deployment {
        sandbox,
        a,
        b,
        _redis: redis,
        _dir: dir,
    })
}

impl Deployment {
    /// An active GoToMeeting organizer of the sandbox's main account (not the admin).
    fn organizer(&self, index: usize) -> SeedOrganizer {
        self.sandbox
            .organizers()
            .into_iter()
            .filter(|o| {
                !o.admin && o.account_key == self.sandbox.account_key() && o.is_active_g2m()
            })
            .nth(index)
            .expect("enough seeded organizers")
    }

    /// Signs in through replica A (where GoTo redirects back to) and returns a client for
    /// each replica, both carrying the session cookie A set.
    async fn sign_in(&self, index: usize) -> (Arc<Client>, Arc<Client>) {
        let on_a = Client::new(&self.a.base);
        let back = on_a.sign_in(&self.organizer(index).email, "/").await;
        assert_eq!(back.status(), 303, "signed in through A");
        let cookie = on_a.cookie(SESSION_COOKIE).expect("a session cookie");
        let on_b = Client::new(&self.b.base);
        on_b.set_cookie(SESSION_COOKIE, &cookie);
        (Arc::new(on_a), Arc::new(on_b))
    }

    fn g2m_call_times(&self) -> Vec<chrono::DateTime<Utc>> {
        self.sandbox
            .journal()
            .into_iter()
            .filter(|e| e.path.starts_with("/G2M/rest"))
            .map(|e| e.at)
            .collect()
    }
}

fn meeting(subject: &str, minutes_ahead: i64) -> Value {
    let start = Utc::now() + chrono::Duration::minutes(60 + minutes_ahead);
    json!({
        "subject": subject,
        "starts_at": start,
        "ends_at": start + chrono::Duration::minutes(30),
        "password_required": true,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_through_one_replica_works_on_the_other() {
    let deployment = deploy(&[]).await;
    let me = deployment.organizer(0);
    let (on_a, on_b) = deployment.sign_in(0).await;

    let session: Value = on_b.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"]["email"], me.email.as_str(), "{session}");

    let created = on_b
        .post_json("/api/meetings", &meeting("Made on B", 0))
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    // The join link kept by B is read back by A.
    let id = created["id"].as_str().unwrap();
    let read: Value = on_a
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["password_required"], true, "{read}");
    assert_eq!(read["join_url"], created["join_url"]);

    for replica in [&deployment.a, &deployment.b] {
        let ready = reqwest::get(format!("{}/readyz", replica.base))
            .await
            .unwrap();
        assert_eq!(ready.status(), 200, "readyz pings Redis");
    }

    // Signing out on A ends the session on B too.
    let out = on_a
        .request(reqwest::Method::POST, "/api/logout", |b| {
            b.header("x-csrf", "1")
        })
        .await;
    assert_eq!(out.status(), 204);
    let session: Value = on_b.get("/api/session").await.json().await.unwrap();
    assert_eq!(session["user"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_requests_on_two_replicas_racing_an_expired_token_make_exactly_one_refresh() {
    let deployment = deploy(&[]).await;
    let (on_a, on_b) = deployment.sign_in(0).await;
    let created: Value = on_a
        .post_json("/api/meetings", &meeting("Race", 0))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let before = deployment.sandbox.token_calls().refresh_token;

    deployment.sandbox.expire_access_tokens();
    let racers: Vec<_> = (0..10)
        .map(|i| {
            let client = if i % 2 == 0 {
                on_a.clone()
            } else {
                on_b.clone()
            };
            let path = format!("/api/meetings/{id}");
            tokio::spawn(async move { client.get(&path).await.status() })
        })
        .collect();
    for racer in racers {
        assert_eq!(racer.await.unwrap(), 200);
    }
    assert_eq!(
        deployment.sandbox.token_calls().refresh_token - before,
        1,
        "one refresh for both replicas"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_idempotency_key_sent_to_both_replicas_at_once_makes_one_meeting() {
    let deployment = deploy(&[]).await;
    let (on_a, on_b) = deployment.sign_in(0).await;
    // GoTo answers slowly, so the second request arrives while the first is in progress.
    deployment.sandbox.set_latency(Duration::from_millis(300));
    let body = meeting("Double tap", 0);
    let (first, second) = tokio::join!(
        on_a.post_json_with_key("/api/meetings", &body, "same-key-1"),
        on_b.post_json_with_key("/api/meetings", &body, "same-key-1"),
    );
    assert_eq!(first.status(), 201);
    assert_eq!(second.status(), 201);
    let replayed = [&first, &second]
        .iter()
        .filter(|r| r.headers().contains_key("idempotent-replayed"))
        .count();
    assert_eq!(replayed, 1, "one did the work, the other replayed it");
    let first: Value = first.json().await.unwrap();
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(deployment.sandbox.meetings().len(), 1);
}

/// With the shared budget the two replicas together make at most 100 GoTo calls in any
/// rolling minute. The wait bound (13 s) is long enough for 10 per 1.2 s to use the whole
/// minute's 100, so it is the minute budget that refuses the rest: were each replica counting
/// on its own, all 160 would have gone through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_split_across_two_replicas_share_one_budget_of_100_a_minute() {
    // One person makes every call here: their own share (30 a minute by default) is lifted,
    // so the deployment's budget is what limits them.
    let deployment = deploy(&[
        ("MEETINGS_THROTTLE_MAX_WAIT_SECONDS", "13"),
        ("MEETINGS_GOTO_CALLS_PER_PERSON_PER_MINUTE", "1000"),
    ])
    .await;
    let (on_a, on_b) = deployment.sign_in(0).await;
    deployment.sandbox.clear_journal();

    let tasks: Vec<_> = (0..160)
        .map(|i| {
            let client = if i % 2 == 0 {
                on_a.clone()
            } else {
                on_b.clone()
            };
            tokio::spawn(async move {
                let answer = client
                    .post_json("/api/meetings", &meeting(&format!("Burst {i}"), i))
                    .await;
                let retry_after = answer.headers().contains_key("retry-after");
                (answer.status().as_u16(), retry_after)
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, retry_after) = task.await.unwrap();
        match status {
            201 => created += 1,
            429 => assert!(retry_after, "a 429 says when to retry"),
            other => panic!("unexpected answer {other}"),
        }
    }
    let times = deployment.g2m_call_times();
    let most_in_a_minute = common::most_in_any_minute(&times);
    eprintln!(
        "{created} of 160 created; at most {most_in_a_minute} GoTo calls in a rolling minute"
    );
    assert!(
        most_in_a_minute <= 100,
        "{most_in_a_minute} GoTo calls in one minute"
    );
    assert_eq!(created, deployment.sandbox.meetings().len());
    assert!(
        (50..=100).contains(&created),
        "{created} created: the shared minute budget, not the wait bound, was the limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_accounts_token_is_refreshed_once_for_both_replicas() {
    // Both replicas sync All organizers every second, each on its own schedule.
    let deployment = deploy(&[("MEETINGS_ORGANIZER_SYNC_SECONDS", "1")]).await;
    let operator = Client::new(&deployment.a.base);
    let connect = operator.get("/admin/api/gwsc/auth/connect").await;
    assert_eq!(connect.status(), 303);
    let approved = operator
        .get(&format!(
            "{}&sandbox_approve={}",
            common::location(&connect),
            common::urlencode(&deployment.sandbox.admin().email)
        ))
        .await;
    let page = operator.get(&common::location(&approved)).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Service account connected"),
        "connected through A"
    );
    // GoTo answers slowly, so the two replicas' syncs overlap.
    deployment.sandbox.set_latency(Duration::from_millis(200));
    let before = deployment.sandbox.token_calls().refresh_token;
    deployment.sandbox.expire_access_tokens();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        deployment.sandbox.token_calls().refresh_token - before,
        1,
        "one refresh of the service account for both replicas"
    );
    // Both kept syncing with the new token; B serves the shared organizer cache.
    let (_, on_b) = deployment.sign_in(0).await;
    let found: Vec<Value> = on_b.get("/api/organizers?q=").await.json().await.unwrap();
    assert!(!found.is_empty());
}
