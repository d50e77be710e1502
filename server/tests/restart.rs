//! The default mode survives a crash: the real `meetings-server` binary with its embedded
//! sandbox and SQLite in a data dir, killed with SIGKILL and started again on the same port and
//! data dir. The person is still signed in, yesterday's meeting is still there, and the GoTo
//! tokens the store holds still work and still refresh (the sandbox kept them, its meetings
//! and its clients' secrets in `sandbox-state.jsonl`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Timelike, Utc};
use common::redis_server::free_port;
use common::{Client, TempDir};
use serde_json::{json, Value};

const MARIA: &str = "maria.fernandez-castaneda@solaris-logistica.example";

/// One backend process, killed when dropped. Its log is shown if the test fails.
struct Backend {
    child: Child,
    log: PathBuf,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- backend log ---");
            eprintln!("{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
    }
}

/// Starts the binary in the default mode (no GoTo client configured) and waits for `/healthz`.
async fn start(port: u16, data: &Path, run: &str) -> Backend {
    let log = data.with_file_name(format!("backend-{run}.log"));
    let log_file = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_meetings-server"))
        // Only what is set here: no MEETINGS_* or GOTO_* of the developer's shell leaks in.
        .env_clear()
        .env("MEETINGS_ADDR", format!("127.0.0.1:{port}"))
        .env("MEETINGS_DATA_DIR", data)
        .env("MEETINGS_DIST", data.join("no-dist"))
        .env("RUST_LOG", "warn,meetings_server=info,goto_sandbox=info")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file.try_clone().unwrap()))
        .stderr(Stdio::from(log_file))
        .spawn()
        .expect("the meetings-server binary starts");
    let mut backend = Backend { child, log };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = backend.child.try_wait().unwrap() {
            panic!(
                "the backend exited ({status}): {}",
                std::fs::read_to_string(&backend.log).unwrap_or_default()
            );
        }
        if let Ok(answer) = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            if answer.status() == 200 {
                return backend;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the backend did not become healthy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// SIGKILL (`Child::kill`), as a crash or an OOM kill: nothing gets to flush or say goodbye.
fn kill_hard(mut backend: Backend) {
    backend.child.kill().unwrap();
    backend.child.wait().unwrap();
}

#[tokio::test]
async fn after_kill_9_the_session_the_meeting_and_token_refresh_still_work() {
    let dir = TempDir::new("restart");
    let data = dir.0.join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let first = start(port, &data, "first").await;
    let client = Client::new(&base);
    let back = client.sign_in(MARIA, "/").await;
    assert_eq!(back.status(), 303, "{}", back.text().await.unwrap());
    let start_at = (Utc::now() + Span::days(1)).with_nanosecond(0).unwrap();
    let rfc3339 = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let created = client
        .post_json(
            "/api/meetings",
            &json!({
                "subject": "Revisión antes del corte",
                "starts_at": rfc3339(start_at),
                "ends_at": rfc3339(start_at + Span::minutes(30)),
                "coorganizer_keys": [],
            }),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().expect("the meeting's id").to_owned();
    // Killed right after the 201: the sandbox must have written the meeting before answering.
    kill_hard(first);

    let _second = start(port, &data, "second").await;
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(
        session["user"]["email"], MARIA,
        "still signed in: {session}"
    );

    let meeting = client.get(&format!("/api/meetings/{id}")).await;
    assert_eq!(meeting.status(), 200, "the stored access token still works");
    let meeting: Value = meeting.json().await.unwrap();
    assert_eq!(meeting["subject"], "Revisión antes del corte", "{meeting}");

    // Every access token stops working: the next call must refresh, which needs the stored
    // refresh token and the same client secret as before the crash.
    let expired = client
        .post_json("/_sandbox/_admin/tokens/expire", &json!({}))
        .await;
    assert_eq!(expired.status(), 200);
    let calls_before: Value = client
        .get("/_sandbox/_admin/token-calls")
        .await
        .json()
        .await
        .unwrap();
    let meeting = client.get(&format!("/api/meetings/{id}")).await;
    assert_eq!(meeting.status(), 200, "refreshed after the restart");
    let meeting: Value = meeting.json().await.unwrap();
    assert_eq!(meeting["subject"], "Revisión antes del corte");
    let calls_after: Value = client
        .get("/_sandbox/_admin/token-calls")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        calls_after["refresh_token"].as_u64().unwrap(),
        calls_before["refresh_token"].as_u64().unwrap() + 1,
        "one refresh: {calls_before} → {calls_after}"
    );
    let session: Value = client.get("/api/session").await.json().await.unwrap();
    assert_eq!(
        session["user"]["email"], MARIA,
        "still signed in after the refresh"
    );
}
