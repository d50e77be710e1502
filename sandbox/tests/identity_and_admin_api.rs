//! SCIM `Users/me`, the Admin API's `me` and users list: shapes, paging, who may call them and
//! which scopes they need.

mod common;

use common::*;
use goto_sandbox::{SandboxConfig, MAIN_ACCOUNT_KEY, OTHER_ACCOUNT_KEY};
use serde_json::{json, Value};

const SCIM_ME: &str = "/identity/v1/Users/me";
const ADMIN_ME: &str = "/admin/rest/v1/me";

fn users_path(account_key: &str, query: &str) -> String {
    format!("/admin/rest/v1/accounts/{account_key}/users{query}")
}

async fn start_unthrottled() -> Harness {
    start_with(SandboxConfig {
        per_second_limit: 0,
        ..config()
    })
    .await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

#[tokio::test]
async fn scim_me_names_the_user_its_organizer_key_and_account() {
    let h = start().await;
    let token = h.access_token_with_scope(MARIA, "identity:scim.me").await;
    let me = json_of(h.get(SCIM_ME, &token).await, 200).await;
    let maria = h.sandbox.organizer_by_email(MARIA).unwrap();
    assert_eq!(
        me,
        json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:scim:schemas:extension:getgo:1.0"
            ],
            "id": maria.organizer_key,
            "userName": MARIA,
            "displayName": "María de los Ángeles Fernández-Castañeda",
            "name": {"givenName": "María de los Ángeles", "familyName": "Fernández-Castañeda"},
            "emails": [{"value": MARIA, "type": "work", "primary": true}],
            "locale": "es_ES",
            "active": true,
            "urn:scim:schemas:extension:getgo:1.0": {
                "accounts": [{
                    "value": MAIN_ACCOUNT_KEY,
                    "display": "Solaris Logística S.L.",
                    "entitlements": ["g2m", "g2w"]
                }]
            }
        })
    );
    // `identity:` covers it too; a person without any product has no entitlement to show.
    let token = h.access_token_with_scope(NO_G2M, "identity:").await;
    let me = json_of(h.get(SCIM_ME, &token).await, 200).await;
    assert_eq!(
        me["urn:scim:schemas:extension:getgo:1.0"]["accounts"][0]["entitlements"],
        json!(["g2w"])
    );
}

#[tokio::test]
async fn identity_and_admin_refuse_bad_tokens_with_401_and_missing_scopes_with_403() {
    let h = start().await;
    let invalid = json!({"errorCode": "AUTHN_INVALID_TOKEN", "message": "Invalid token passed"});
    for path in [SCIM_ME, ADMIN_ME, &users_path(MAIN_ACCOUNT_KEY, "")] {
        assert_eq!(
            json_of(h.get(path, "eyJraWQiOi.made.up").await, 401).await,
            invalid,
            "{path}"
        );
        let response = h.http.get(h.url(path)).send().await.unwrap();
        assert_eq!(json_of(response, 401).await, invalid, "{path}");
    }
    let insufficient = json!({
        "errorCode": "AUTHZ_INSUFFICIENT_SCOPE",
        "message": "This call needs the scope identity:"
    });
    let collab_only = h.access_token_with_scope(ADMIN, "collab:").await;
    let scim_only = h.access_token_with_scope(ADMIN, "identity:scim.me").await;
    assert_eq!(
        json_of(h.get(SCIM_ME, &collab_only).await, 403).await,
        insufficient
    );
    for path in [ADMIN_ME, &users_path(MAIN_ACCOUNT_KEY, "")] {
        assert_eq!(
            json_of(h.get(path, &scim_only).await, 403).await,
            insufficient,
            "{path}"
        );
    }
    // An expired token is a bad token here too.
    h.sandbox.expire_access_tokens();
    assert_eq!(
        json_of(h.get(SCIM_ME, &scim_only).await, 401).await,
        invalid
    );
}

#[tokio::test]
async fn admin_me_gives_the_account_key_at_the_root_and_refuses_non_admins() {
    let h = start().await;
    let token = h.access_token_with_scope(ADMIN, "identity:").await;
    let me = json_of(h.get(ADMIN_ME, &token).await, 200).await;
    let admin = h.sandbox.admin();
    assert_eq!(
        me,
        json!({
            "key": admin.organizer_key,
            "accountKey": MAIN_ACCOUNT_KEY,
            "email": ADMIN,
            "firstName": "Administración",
            "lastName": "GoTo",
            "locale": "es_ES",
            "adminRoles": ["SUPER_USER"],
            "accounts": [{"key": MAIN_ACCOUNT_KEY, "name": "Solaris Logística S.L."}]
        })
    );
    for who in [MARIA, GRACE] {
        let token = h.access_token_with_scope(who, "identity:").await;
        let body = json_of(h.get(ADMIN_ME, &token).await, 403).await;
        assert_eq!(body["errorCode"], "AUTHZ_FORBIDDEN", "{who}");
        assert!(body["message"].as_str().unwrap().contains("admin"));
    }
}

#[tokio::test]
async fn users_pages_through_all_250_people_of_the_account() {
    let h = start_unthrottled().await;
    let token = h.access_token(ADMIN).await;
    let mut seen = Vec::new();
    for (offset, rows) in [(0, 100), (100, 100), (200, 50)] {
        let page = json_of(
            h.get(
                &users_path(MAIN_ACCOUNT_KEY, &format!("?pageSize=100&offset={offset}")),
                &token,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(page["total"], 250);
        assert_eq!(page["fromIndex"], offset);
        assert_eq!(page["toIndex"], offset + rows - 1);
        let results = page["results"].as_array().unwrap();
        assert_eq!(results.len(), rows);
        seen.extend(results.iter().cloned());
    }
    // Stable order: the seed's, admin first, with every key once.
    let seed: Vec<String> = h
        .sandbox
        .organizers()
        .into_iter()
        .filter(|o| o.account_key == MAIN_ACCOUNT_KEY)
        .map(|o| o.organizer_key)
        .collect();
    let keys: Vec<String> = seen
        .iter()
        .map(|row| row["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys, seed);
    // Past the end: an empty page.
    let page = json_of(
        h.get(
            &users_path(MAIN_ACCOUNT_KEY, "?pageSize=100&offset=300"),
            &token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page["results"], json!([]));
    assert_eq!(
        (page["fromIndex"].clone(), page["toIndex"].clone()),
        (json!(300), json!(299))
    );
    // Defaults: 20 rows from the start.
    let page = json_of(h.get(&users_path(MAIN_ACCOUNT_KEY, ""), &token).await, 200).await;
    assert_eq!(page["results"].as_array().unwrap().len(), 20);
    assert_eq!(
        (page["fromIndex"].clone(), page["toIndex"].clone()),
        (json!(0), json!(19))
    );
}

#[tokio::test]
async fn a_user_row_has_the_admin_api_fields() {
    let h = start().await;
    let token = h.access_token(ADMIN).await;
    let page = json_of(
        h.get(&users_path(MAIN_ACCOUNT_KEY, "?pageSize=100"), &token)
            .await,
        200,
    )
    .await;
    let rows = page["results"].as_array().unwrap();
    let row = |email: &str| rows.iter().find(|r| r["email"] == email).unwrap().clone();
    let maria = row(MARIA);
    assert_eq!(maria["key"], h.organizer_key(MARIA));
    assert_eq!(maria["firstName"], "María de los Ángeles");
    assert_eq!(maria["lastName"], "Fernández-Castañeda");
    assert_eq!(maria["locale"], "es_ES");
    assert_eq!(maria["timeZone"], "Europe/Madrid");
    assert_eq!(maria["status"], "ACTIVE");
    assert_eq!(maria["products"], json!(["G2M", "G2W"]));
    let licenses = maria["licenseKeys"].as_array().unwrap();
    assert_eq!(licenses.len(), 2);
    assert!(licenses
        .iter()
        .all(|k| k.as_str().unwrap().chars().all(|c| c.is_ascii_digit())));
    assert_eq!(maria["adminRoles"], json!([]));
    let g2m = &maria["settings"]["G2M"];
    assert!(g2m["enabledDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(g2m["recordingEnabled"], true);
    assert_eq!(g2m["voipEnabled"], true);
    assert_eq!(row(ADMIN)["adminRoles"], json!(["SUPER_USER"]));
    assert_eq!(row(SUSPENDED)["status"], "SUSPENDED");
    let no_g2m = row(NO_G2M);
    assert_eq!(no_g2m["products"], json!(["G2W"]));
    assert!(no_g2m.get("settings").is_none());
}

#[tokio::test]
async fn page_size_and_offset_are_validated() {
    let h = start_unthrottled().await;
    let token = h.access_token(ADMIN).await;
    for query in [
        "?pageSize=0",
        "?pageSize=101",
        "?pageSize=ten",
        "?pageSize=-5",
        "?offset=-1",
        "?offset=x",
        "?pageSize=",
    ] {
        let body = json_of(
            h.get(&users_path(MAIN_ACCOUNT_KEY, query), &token).await,
            400,
        )
        .await;
        assert_eq!(body["errorCode"], "INVALID_PARAMETER", "{query}");
        assert!(body["message"].as_str().is_some());
    }
    for query in ["?pageSize=1", "?pageSize=100", "?offset=0&pageSize=1"] {
        let response = h.get(&users_path(MAIN_ACCOUNT_KEY, query), &token).await;
        assert_eq!(response.status(), 200, "{query}");
    }
}

#[tokio::test]
async fn another_or_unknown_account_and_non_admins_get_403() {
    let h = start().await;
    let admin = h.access_token(ADMIN).await;
    for account in [OTHER_ACCOUNT_KEY, "1234567890"] {
        let body = json_of(h.get(&users_path(account, ""), &admin).await, 403).await;
        assert_eq!(body["errorCode"], "AUTHZ_FORBIDDEN", "{account}");
    }
    let maria = h.access_token(MARIA).await;
    let body = json_of(h.get(&users_path(MAIN_ACCOUNT_KEY, ""), &maria).await, 403).await;
    assert_eq!(body["errorCode"], "AUTHZ_FORBIDDEN");
}

#[tokio::test]
async fn admin_api_calls_are_journaled_and_rate_limited_like_any_call() {
    let h = start().await;
    let token = h.access_token(ADMIN).await;
    h.sandbox.clear_journal();
    let started = std::time::Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            h.get(&users_path(MAIN_ACCOUNT_KEY, "?pageSize=100"), &token)
                .await
                .status()
                .as_u16(),
        );
    }
    let fast = started.elapsed() < std::time::Duration::from_millis(900);
    assert!(statuses[..10].iter().all(|s| *s == 200), "{statuses:?}");
    // Eleven calls within a second: the last is refused (a very slow machine may spread them).
    if fast {
        assert_eq!(statuses[10], 429);
    }
    let journal = h.sandbox.journal();
    assert_eq!(journal.len(), 11);
    assert_eq!(
        journal[0].user.as_deref(),
        Some(h.sandbox.admin().organizer_key.as_str())
    );
    assert!(journal[0].path.starts_with("/admin/rest/v1/accounts/"));
}

#[tokio::test]
async fn api_faults_reach_the_admin_api_and_can_spare_the_first_page() {
    let h = start().await;
    let token = h.access_token(ADMIN).await;
    let response = h
        .http
        .post(h.url("/_admin/faults/fail"))
        .json(&json!({"count": 1, "status": 503, "after": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let first = h
        .get(
            &users_path(MAIN_ACCOUNT_KEY, "?pageSize=100&offset=0"),
            &token,
        )
        .await;
    assert_eq!(first.status(), 200);
    let second = h
        .get(
            &users_path(MAIN_ACCOUNT_KEY, "?pageSize=100&offset=100"),
            &token,
        )
        .await;
    assert_eq!(second.status(), 503);
    let again = h
        .get(
            &users_path(MAIN_ACCOUNT_KEY, "?pageSize=100&offset=100"),
            &token,
        )
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(h.sandbox.faults().settings().fail_next, 0);
}
