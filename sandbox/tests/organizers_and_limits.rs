//! `GET /organizers` (admin only, deprecated by GoTo), the seed's size, bearer token checks, and
//! GoTo's 10-per-second limit.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn an_admin_token_lists_every_user_of_its_account() {
    let h = start().await;
    let token = h.access_token(ADMIN).await;
    let response = h.api(Method::GET, "/organizers", &token, None).await;
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 250);
    assert!(list.iter().all(|o| o["email"]
        .as_str()
        .unwrap()
        .ends_with("@solaris-logistica.example")));
    let maria = list.iter().find(|o| o["email"] == MARIA).unwrap();
    assert_eq!(
        maria["organizerKey"].as_i64().unwrap().to_string(),
        h.organizer_key(MARIA)
    );
    assert_eq!(maria["firstName"], "María de los Ángeles");
    assert_eq!(maria["status"], "active");
    assert!(maria["products"]
        .as_array()
        .unwrap()
        .contains(&json!("G2M")));
    assert!(maria["groupId"].as_u64().is_some());
    assert!(maria["groupName"].as_str().is_some());
    assert_eq!(maria["maxNumAttendeesAllowed"], 250);
    let suspended = list.iter().find(|o| o["email"] == SUSPENDED).unwrap();
    assert_eq!(suspended["status"], "suspended");
    let no_g2m = list.iter().find(|o| o["email"] == NO_G2M).unwrap();
    assert!(!no_g2m["products"]
        .as_array()
        .unwrap()
        .contains(&json!("G2M")));
}

#[tokio::test]
async fn the_main_account_has_250_people_some_suspended_some_without_g2m() {
    let h = start().await;
    let seed: Value = h
        .http
        .get(h.url("/_admin/organizers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let main: Vec<&Value> = seed
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["account_key"] == "9999982253621659654")
        .collect();
    assert_eq!(main.len(), 250);
    let suspended = main.iter().filter(|o| o["status"] == "suspended").count();
    assert!((12..=20).contains(&suspended), "{suspended}");
    let without_g2m = main
        .iter()
        .filter(|o| !o["products"].as_array().unwrap().contains(&json!("G2M")))
        .count();
    assert!((20..=30).contains(&without_g2m), "{without_g2m}");
    // The hand-written people keep their place: the admin, then María.
    assert_eq!(main[0]["email"], ADMIN);
    assert_eq!(main[1]["email"], MARIA);
    let emails: std::collections::HashSet<&str> =
        main.iter().map(|o| o["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 250);
    assert_eq!(
        seed.as_array()
            .unwrap()
            .iter()
            .filter(|o| o["account_key"] == "9999971340268815237")
            .count(),
        3
    );
}

#[tokio::test]
async fn organizers_is_403_for_a_non_admin() {
    let h = start().await;
    for who in [MARIA, GRACE] {
        let token = h.access_token(who).await;
        let response = h.api(Method::GET, "/organizers", &token, None).await;
        assert_eq!(response.status(), 403, "{who}");
    }
}

#[tokio::test]
async fn a_bad_or_missing_bearer_token_is_403_invalid_token() {
    let h = start().await;
    let expected = json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"});
    let response = h
        .api(Method::GET, "/upcomingMeetings", "eyJraWQiOi.made.up", None)
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>().await.unwrap(), expected);
    let response = h
        .http
        .get(h.url("/G2M/rest/organizers"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>().await.unwrap(), expected);
    // A refresh token is not an access token.
    let login = h.login(MARIA).await;
    let response = h
        .api(
            Method::POST,
            "/meetings",
            login["refresh_token"].as_str().unwrap(),
            Some(&meeting_body("x")),
        )
        .await;
    assert_eq!(response.status(), 403);
}

fn has_rate_limit_headers(response: &reqwest::Response) -> bool {
    response.headers().keys().any(|name| {
        let name = name.as_str();
        name.contains("ratelimit") || name.contains("rate-limit") || name == "retry-after"
    })
}

#[tokio::test]
async fn the_eleventh_request_in_a_second_is_429_without_rate_limit_headers() {
    let h = start().await;
    let other = h.access_token(JOSE).await;
    // A loaded machine could stretch the burst past a second; then try again with a new token.
    let mut attempts = 0;
    let (token, response) = loop {
        attempts += 1;
        let token = h.access_token(MARIA).await;
        let started = std::time::Instant::now();
        for n in 1..=10 {
            let response = h.api(Method::GET, "/upcomingMeetings", &token, None).await;
            assert_eq!(response.status(), 200, "request {n}");
        }
        let response = h.api(Method::GET, "/upcomingMeetings", &token, None).await;
        if started.elapsed() < std::time::Duration::from_millis(900) || attempts == 3 {
            break (token, response);
        }
    };
    assert_eq!(response.status(), 429);
    assert!(
        !has_rate_limit_headers(&response),
        "{:?}",
        response.headers()
    );
    // The limit is per token.
    let response = h.api(Method::GET, "/upcomingMeetings", &other, None).await;
    assert_eq!(response.status(), 200);
    // A second later the token works again.
    sleep(1000).await;
    let response = h.api(Method::GET, "/upcomingMeetings", &token, None).await;
    assert_eq!(response.status(), 200);
}
