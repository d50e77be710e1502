//! `SandboxConfig::state_file`: a sandbox started again on the same file knows the tokens,
//! meetings and client secrets of the one before, as GoTo would after a restart of ours.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use goto_sandbox::{stored_client_secrets, SandboxConfig};
use reqwest::Method;
use serde_json::Value;

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!(
            "sandbox-state-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn saving_to(path: &Path) -> SandboxConfig {
    SandboxConfig {
        state_file: Some(path.to_owned()),
        per_second_limit: 0,
        ..config()
    }
}

async fn refresh(h: &Harness, refresh_token: &str) -> reqwest::Response {
    h.token_call(
        "/oauth/v2/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().expect(key).to_owned()
}

#[tokio::test]
async fn tokens_meetings_and_client_secrets_survive_a_restart() {
    let dir = TempDir::new("restart");
    let path = dir.0.join("sandbox-state.jsonl");
    let before = start_with(saving_to(&path)).await;
    let tokens = before.login(MARIA).await;
    let (access, refresh_token) = (
        text(&tokens, "access_token"),
        text(&tokens, "refresh_token"),
    );
    let created: Value = before
        .create_meeting(&access, &meeting_body("Revisión trimestral"))
        .await
        .json()
        .await
        .unwrap();
    let kept = created[0]["meetingid"].as_u64().unwrap();
    let removed: Value = before
        .create_meeting(&access, &meeting_body("Se cancela"))
        .await
        .json()
        .await
        .unwrap();
    let removed = removed[0]["meetingid"].as_u64().unwrap();
    let deleted = before
        .api(
            Method::DELETE,
            &format!("/meetings/{removed}"),
            &access,
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);

    let after = start_with(saving_to(&path)).await;
    let meeting = after
        .get(&format!("/G2M/rest/meetings/{kept}"), &access)
        .await;
    assert_eq!(meeting.status(), 200, "the access token still works");
    let meeting: Value = meeting.json().await.unwrap();
    assert_eq!(meeting[0]["subject"], "Revisión trimestral");
    let gone = after
        .get(&format!("/G2M/rest/meetings/{removed}"), &access)
        .await;
    assert_eq!(gone.status(), 404, "a deleted meeting stays deleted");
    assert_eq!(after.sandbox.meetings().len(), 1);
    assert_eq!(
        refresh(&after, &refresh_token).await.status(),
        200,
        "the refresh token still works"
    );
    let secrets = stored_client_secrets(&path);
    assert_eq!(
        secrets.get(CLIENT_ID).map(String::as_str),
        Some(CLIENT_SECRET)
    );
    assert_eq!(
        secrets.get(ADMIN_CLIENT_ID).map(String::as_str),
        Some(ADMIN_CLIENT_SECRET)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "it holds tokens and secrets");
    }
}

#[tokio::test]
async fn expired_access_and_retired_refresh_tokens_stay_refused_after_a_restart() {
    let dir = TempDir::new("expiry");
    let path = dir.0.join("sandbox-state.jsonl");
    let before = start_with(saving_to(&path)).await;
    let tokens = before.login(MARIA).await;
    let (access, first_refresh) = (
        text(&tokens, "access_token"),
        text(&tokens, "refresh_token"),
    );
    let rotated = refresh(&before, &first_refresh).await;
    assert_eq!(rotated.status(), 200);
    let second_refresh = text(&rotated.json().await.unwrap(), "refresh_token");
    before.sandbox.expire_access_tokens();

    let after = start_with(saving_to(&path)).await;
    assert_eq!(
        after
            .get("/G2M/rest/upcomingMeetings", &access)
            .await
            .status(),
        403,
        "an expired access token is not brought back"
    );
    assert_eq!(refresh(&after, &first_refresh).await.status(), 400);
    assert_eq!(refresh(&after, &second_refresh).await.status(), 200);
}

#[tokio::test]
async fn a_line_cut_short_by_a_crash_is_skipped() {
    let dir = TempDir::new("torn");
    let path = dir.0.join("sandbox-state.jsonl");
    let before = start_with(saving_to(&path)).await;
    let access = before.access_token(MARIA).await;
    assert_eq!(
        before
            .create_meeting(&access, &meeting_body("Antes del corte"))
            .await
            .status(),
        201
    );
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(r#"{"meeting":{"meeting_id":12"#);
    std::fs::write(&path, text).unwrap();

    let after = start_with(saving_to(&path)).await;
    assert_eq!(after.sandbox.meetings().len(), 1);
    assert_eq!(
        after
            .get("/G2M/rest/upcomingMeetings", &access)
            .await
            .status(),
        200
    );
}
