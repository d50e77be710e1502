//! "My meetings" over real HTTP against the embedded sandbox: the list, change, cancel and
//! start, who may do which, and what each costs at GoTo.

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::{start, start_with, Client, TestServer};
use meetings_server::embedded_sandbox::{PREFIX, USER_CLIENT_ID};
use meetings_server::store::MeetingExtras;
use reqwest::Method;
use serde_json::{json, Value};

/// Whole hours after one instant fixed for the whole run, so two calls name the same time.
fn at(hours_ahead: i64) -> DateTime<Utc> {
    static BASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let base = *BASE.get_or_init(|| Utc::now().timestamp() + 60);
    DateTime::from_timestamp(base + hours_ahead * 3600, 0).unwrap()
}

fn body(subject: &str, starts_at: DateTime<Utc>, coorganizers: &[&str]) -> Value {
    json!({
        "subject": subject,
        "starts_at": starts_at,
        "ends_at": starts_at + chrono::Duration::minutes(45),
        "password_required": true,
        "coorganizer_keys": coorganizers,
    })
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

/// Makes a meeting through the app; its id.
async fn create(client: &Client, body: &Value) -> String {
    let answer = client.post_json("/api/meetings", body).await;
    assert_eq!(answer.status(), 201);
    let created: Value = answer.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// A change as the app sends it: CSRF header and the given idempotency key.
async fn change(client: &Client, id: &str, body: &Value, key: &str) -> reqwest::Response {
    client
        .request(Method::PUT, &format!("/api/meetings/{id}"), |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", key)
                .json(body)
        })
        .await
}

async fn cancel(client: &Client, id: &str) -> reqwest::Response {
    client
        .request(Method::DELETE, &format!("/api/meetings/{id}"), |b| {
            b.header("x-csrf", "1")
        })
        .await
}

async fn start_meeting(client: &Client, id: &str) -> reqwest::Response {
    client
        .request(Method::POST, &format!("/api/meetings/{id}/start"), |b| {
            b.header("x-csrf", "1")
        })
        .await
}

async fn list(client: &Client) -> Vec<Value> {
    let answer = client.get("/api/meetings").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    answer.json().await.unwrap()
}

/// A meeting made in GoTo itself (straight at the sandbox, as GoTo's own scheduler would),
/// which this app has no record of; its id.
async fn make_in_goto(
    server: &TestServer,
    http: &reqwest::Client,
    token: &str,
    subject: &str,
    starts_at: DateTime<Utc>,
) -> String {
    let answer = http
        .post(format!("{}{PREFIX}/G2M/rest/meetings", server.base))
        .bearer_auth(token)
        .json(&json!({
            "subject": subject,
            "starttime": starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "endtime": (starts_at + chrono::Duration::minutes(30)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "passwordrequired": false,
            "conferencecallinfo": "Hybrid",
            "timezonekey": "",
            "meetingtype": "scheduled",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    let created: Value = answer.json().await.unwrap();
    created[0]["meetingid"].to_string()
}

fn goto_token(server: &TestServer, email: &str) -> String {
    server
        .sandbox()
        .issue_tokens_for(email, USER_CLIENT_ID)
        .unwrap()
        .0
}

/// The G2M calls the sandbox received with this method whose path starts with `path`.
fn goto_calls(server: &TestServer, method: &str, path: &str) -> usize {
    server
        .sandbox()
        .journal()
        .iter()
        .filter(|e| e.method == method && e.path.starts_with(&format!("/G2M/rest{path}")))
        .count()
}

fn g2m_calls(server: &TestServer) -> usize {
    server
        .sandbox()
        .journal()
        .iter()
        .filter(|e| e.path.starts_with("/G2M/rest"))
        .count()
}

async fn error_of(answer: reqwest::Response) -> Value {
    answer.json().await.unwrap()
}

#[tokio::test]
async fn my_meetings_are_listed_soonest_first_with_what_the_app_kept() {
    let server = start().await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;

    let later = create(
        &client,
        &body("Later <review>", at(30), &[&colleague.organizer_key]),
    )
    .await;
    let sooner = create(&client, &body("Sooner", at(5), &[])).await;
    let http = reqwest::Client::new();
    let elsewhere = make_in_goto(
        &server,
        &http,
        &goto_token(&server, &me.email),
        "Made in GoTo",
        at(10),
    )
    .await;
    // Someone else's meeting is theirs alone.
    let other = Client::new(&server.base);
    other.sign_in(&colleague.email, "/").await;
    create(&other, &body("Not mine", at(7), &[])).await;

    let listed = list(&client).await;
    let ids: Vec<&str> = listed.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [sooner.as_str(), elsewhere.as_str(), later.as_str()]);

    let first = &listed[0];
    assert_eq!(first["subject"], "Sooner");
    assert_eq!(time(&first["starts_at"]), at(5));
    assert_eq!(
        time(&first["ends_at"]),
        at(5) + chrono::Duration::minutes(45)
    );
    assert_eq!(first["password_required"], true);
    assert_eq!(
        first["join_url"],
        format!("https://global.gotomeeting.com/join/{sooner}")
    );
    assert_eq!(first["coorganizers"], json!([]), "ours, with none");

    let from_goto = &listed[1];
    assert_eq!(from_goto["subject"], "Made in GoTo");
    assert_eq!(from_goto["password_required"], false);
    assert_eq!(
        from_goto["coorganizers"],
        Value::Null,
        "unknown for a meeting made elsewhere"
    );
    assert_eq!(
        from_goto["join_url"],
        format!("https://global.gotomeeting.com/join/{elsewhere}")
    );

    let last = &listed[2];
    assert_eq!(last["subject"], "Later <review>", "unescaped");
    assert_eq!(
        last["coorganizers"],
        json!([{
            "key": colleague.organizer_key,
            "name": format!("{} {}", colleague.first_name, colleague.last_name),
            "email": colleague.email,
        }]),
        "named through the synced organizers"
    );
}

#[tokio::test]
async fn the_organizer_changes_the_time_and_coorganizers_and_reads_them_back() {
    let server = start().await;
    let me = server.organizer(0);
    let (first, second) = (server.organizer(1), server.organizer(2));
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let id = create(&client, &body("Planning", at(4), &[&first.organizer_key])).await;
    let read: Value = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["role"], "organizer");

    let changed_body = body("Planning, moved", at(8), &[&second.organizer_key]);
    let answer = change(&client, &id, &changed_body, "move-1").await;
    assert_eq!(answer.status(), 200);
    let changed: Value = answer.json().await.unwrap();
    assert_eq!(changed["id"], id.as_str());
    assert_eq!(changed["role"], "organizer");
    assert_eq!(changed["subject"], "Planning, moved");
    assert_eq!(time(&changed["starts_at"]), at(8));
    assert_eq!(
        changed["coorganizers"][0]["key"],
        second.organizer_key.as_str()
    );
    assert_eq!(changed["coorganizers"].as_array().unwrap().len(), 1);
    assert!(changed["conference_call_info"]
        .as_str()
        .unwrap()
        .contains("Access Code"));

    let read: Value = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read, changed, "read back as answered");
    let at_goto = server
        .sandbox()
        .meetings()
        .into_iter()
        .find(|m| m.meeting_id.to_string() == id)
        .unwrap();
    assert_eq!(at_goto.start_time, at(8));
    assert_eq!(
        at_goto.coorganizer_keys,
        std::slice::from_ref(&second.organizer_key)
    );
    // The list names the new co-organizer without asking GoTo about the meeting.
    let listed = list(&client).await;
    assert_eq!(
        listed[0]["coorganizers"][0]["key"],
        second.organizer_key.as_str()
    );
    assert_eq!(time(&listed[0]["starts_at"]), at(8));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_tapped_change_is_made_once_and_keys_never_cross() {
    let server = start().await;
    let client = std::sync::Arc::new(Client::new(&server.base));
    client.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&client, &body("Tapped", at(4), &[])).await;
    let other = create(&client, &body("Other", at(6), &[])).await;
    server.sandbox().clear_journal();

    // Twice at once, then once more after: one PUT reaches GoTo.
    let moved = body("Tapped", at(9), &[]);
    let taps: Vec<_> = (0..2)
        .map(|_| {
            let (client, id, moved) = (client.clone(), id.clone(), moved.clone());
            tokio::spawn(async move {
                let answer = change(&client, &id, &moved, "tap-1").await;
                (answer.status(), answer.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for tap in taps {
        answers.push(tap.await.unwrap());
    }
    let again = change(&client, &id, &moved, "tap-1").await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    for (status, answer) in &answers {
        assert_eq!(*status, 200);
        assert_eq!(answer, &again);
    }
    assert_eq!(goto_calls(&server, "PUT", "/meetings/"), 1);

    // The same key for another change of it is refused; on another meeting, or for a create,
    // it is another request altogether.
    let refused = change(&client, &id, &body("Tapped", at(11), &[]), "tap-1").await;
    assert_eq!(refused.status(), 400);
    let elsewhere = change(&client, &other, &body("Other", at(12), &[]), "tap-1").await;
    assert_eq!(elsewhere.status(), 200);
    let created = client
        .post_json_with_key("/api/meetings", &body("New", at(13), &[]), "tap-1")
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(goto_calls(&server, "PUT", "/meetings/"), 2);
}

#[tokio::test]
async fn a_change_that_times_out_at_goto_frees_its_key_and_the_retry_sends_it_again() {
    let server = start_with(|c| c.upstream_timeout = Duration::from_secs(1)).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&client, &body("Slow", at(4), &[])).await;
    server.sandbox().clear_journal();

    // GoTo makes the change, but its answer comes after the backend stopped waiting.
    server
        .sandbox()
        .faults()
        .late_answer_next(Duration::from_millis(1500));
    let moved = body("Slow", at(6), &[]);
    let answer = change(&client, &id, &moved, "slow-1").await;
    assert_eq!(answer.status(), 504);
    assert_eq!(error_of(answer).await["error"], "upstream_timeout");

    let retry = change(&client, &id, &moved, "slow-1").await;
    assert_eq!(retry.status(), 200, "the key was freed");
    assert!(retry.headers().get("idempotent-replayed").is_none());
    let changed: Value = retry.json().await.unwrap();
    assert_eq!(time(&changed["starts_at"]), at(6));
    assert_eq!(
        goto_calls(&server, "PUT", "/meetings/"),
        2,
        "sent once more: the same values again"
    );
}

#[tokio::test]
async fn cancelling_twice_is_harmless_and_the_meeting_leaves_the_list() {
    let server = start().await;
    let me = server.organizer(0);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let id = create(&client, &body("Called off", at(4), &[])).await;
    let kept = create(&client, &body("Kept", at(5), &[])).await;

    assert_eq!(cancel(&client, &id).await.status(), 204);
    assert_eq!(cancel(&client, &id).await.status(), 204, "again: still 204");
    assert_eq!(
        client.get(&format!("/api/meetings/{id}")).await.status(),
        404
    );
    let listed = list(&client).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], kept.as_str());
    assert!(server
        .sandbox()
        .meetings()
        .iter()
        .all(|m| m.meeting_id.to_string() != id));
    // Its join link is no longer kept; the emptied record only says it was this person's.
    let record = server
        .running
        .state
        .store
        .meeting_extras(&id, &me.organizer_key)
        .await
        .unwrap();
    assert_eq!(record, Some(MeetingExtras::cancelled()));
    // Never made: not found.
    assert_eq!(cancel(&client, "123456789").await.status(), 404);
}

#[tokio::test]
async fn a_coorganizer_may_start_the_meeting_but_not_change_or_cancel_it() {
    let server = start().await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let organizer = Client::new(&server.base);
    organizer.sign_in(&me.email, "/").await;
    let id = create(
        &organizer,
        &body("Shared", at(4), &[&colleague.organizer_key]),
    )
    .await;

    let client = Client::new(&server.base);
    client.sign_in(&colleague.email, "/").await;
    let read: Value = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["role"], "coorganizer");

    let refused = client
        .request(Method::PUT, &format!("/api/meetings/{id}"), |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", "co-1")
                .header("accept-language", "es-ES,es;q=0.9")
                .json(&body("Mine now", at(6), &[]))
        })
        .await;
    assert_eq!(refused.status(), 403);
    let error = error_of(refused).await;
    assert_eq!(error["error"], "not_organizer");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("Solo la persona que programó esta reunión")
            && message.contains("iniciarla"),
        "{message}"
    );

    let refused = cancel(&client, &id).await;
    assert_eq!(refused.status(), 403);
    let error = error_of(refused).await;
    assert_eq!(error["error"], "not_organizer");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("you can still start it"));

    let started = start_meeting(&client, &id).await;
    assert_eq!(started.status(), 200);
    assert_eq!(started.headers()["cache-control"], "no-store");
    let started: Value = started.json().await.unwrap();
    assert!(started["host_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let at_goto = server
        .sandbox()
        .meetings()
        .into_iter()
        .find(|m| m.meeting_id.to_string() == id)
        .unwrap();
    assert_eq!(at_goto.subject, "Shared", "unchanged");
    assert!(at_goto.started);
}

#[tokio::test]
async fn starting_answers_an_https_host_address_that_no_log_keeps() {
    let support = common::TempDir::new("support-start");
    let dir = support.0.clone();
    let server = start_with(|c| c.support_log_dir = Some(dir.clone())).await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&client, &body("Go", at(1), &[])).await;
    server.sandbox().clear_journal();

    let answer = start_meeting(&client, &id).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let started: Value = answer.json().await.unwrap();
    let host_url = started["host_url"].as_str().unwrap().to_owned();
    assert!(host_url.starts_with("https://global.gotomeeting.com/start/"));
    assert_eq!(
        g2m_calls(&server),
        1,
        "the meeting's record makes its organizer known: one GoTo call"
    );
    assert_eq!(
        goto_calls(&server, "GET", &format!("/meetings/{id}/start")),
        1
    );
    // Only a POST starts it.
    let get = client.get(&format!("/api/meetings/{id}/start")).await;
    assert_eq!(get.status(), 405);

    let support_text: String = std::fs::read_dir(&support.0)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert!(support_text.contains(&format!("/G2M/rest/meetings/{id}/start")));
    let token = host_url.split("hostToken=").nth(1).unwrap();
    for secret in [host_url.as_str(), token, "hostURL", "hostToken"] {
        assert!(
            !support_text.contains(secret),
            "{secret} reached the support log"
        );
    }
}

#[tokio::test]
async fn a_stranger_of_the_account_finds_nothing_to_change_cancel_or_start() {
    let server = start().await;
    let organizer = Client::new(&server.base);
    organizer.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&organizer, &body("Private", at(4), &[])).await;

    // Same account, neither organizer nor co-organizer: GoTo answers 404, as for any unknown.
    let stranger = Client::new(&server.base);
    stranger.sign_in(&server.organizer(2).email, "/").await;
    let path = format!("/api/meetings/{id}");
    assert_eq!(stranger.get(&path).await.status(), 404);
    let answer = change(&stranger, &id, &body("Taken", at(6), &[]), "s-1").await;
    assert_eq!(answer.status(), 404);
    assert_eq!(error_of(answer).await["error"], "not_found");
    assert_eq!(cancel(&stranger, &id).await.status(), 404);
    assert_eq!(start_meeting(&stranger, &id).await.status(), 404);
    assert_eq!(server.sandbox().meetings().len(), 1);
    assert!(!server.sandbox().meetings()[0].started);
}

#[tokio::test]
async fn the_account_admin_views_a_meeting_but_may_not_change_or_start_it() {
    let server = start().await;
    let organizer = Client::new(&server.base);
    organizer.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&organizer, &body("Watched", at(4), &[])).await;

    // GoTo shows an account admin every meeting of the account.
    let admin = Client::new(&server.base);
    admin.sign_in(&server.sandbox().admin().email, "/").await;
    let read = admin.get(&format!("/api/meetings/{id}")).await;
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["role"], "viewer");

    let answer = change(&admin, &id, &body("Watched", at(6), &[]), "a-1").await;
    assert_eq!(answer.status(), 403);
    let error = error_of(answer).await;
    assert_eq!(error["error"], "not_organizer");
    assert!(!error["message"].as_str().unwrap().contains("start"));
    assert_eq!(cancel(&admin, &id).await.status(), 403);
    let answer = start_meeting(&admin, &id).await;
    assert_eq!(answer.status(), 403);
    assert_eq!(error_of(answer).await["error"], "may_not_start");
    assert_eq!(server.sandbox().meetings().len(), 1);
}

#[tokio::test]
async fn a_meeting_made_in_goto_itself_is_found_to_be_mine_once_then_changed_here() {
    let server = start().await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let http = reqwest::Client::new();
    let id = make_in_goto(
        &server,
        &http,
        &goto_token(&server, &me.email),
        "From GoTo",
        at(3),
    )
    .await;
    server.sandbox().clear_journal();

    let path = format!("/api/meetings/{id}");
    let read: Value = client.get(&path).await.json().await.unwrap();
    assert_eq!(read["role"], "organizer");
    assert_eq!(goto_calls(&server, "GET", "/upcomingMeetings"), 1);
    let again: Value = client.get(&path).await.json().await.unwrap();
    assert_eq!(again["role"], "organizer");
    assert_eq!(
        goto_calls(&server, "GET", "/upcomingMeetings"),
        1,
        "remembered: the second read asks GoTo once"
    );
    assert_eq!(list(&client).await[0]["coorganizers"], json!([]));

    let answer = change(
        &client,
        &id,
        &body(
            "From GoTo, changed here",
            at(5),
            &[&colleague.organizer_key],
        ),
        "g-1",
    )
    .await;
    assert_eq!(answer.status(), 200);
    let listed = list(&client).await;
    assert_eq!(listed[0]["subject"], "From GoTo, changed here");
    assert_eq!(
        listed[0]["coorganizers"][0]["key"],
        colleague.organizer_key.as_str()
    );
}

#[tokio::test]
async fn changes_need_the_csrf_header_an_idempotency_key_and_a_valid_meeting() {
    let server = start().await;
    let client = Client::new(&server.base);
    client.sign_in(&server.organizer(0).email, "/").await;
    let id = create(&client, &body("Guarded", at(4), &[])).await;
    let path = format!("/api/meetings/{id}");
    let moved = body("Guarded", at(6), &[]);

    let no_csrf = [
        client
            .request(Method::PUT, &path, |b| {
                b.header("idempotency-key", "c-1").json(&moved)
            })
            .await,
        client.request(Method::DELETE, &path, |b| b).await,
        client
            .request(Method::POST, &format!("{path}/start"), |b| b)
            .await,
        client
            .request(Method::DELETE, &path, |b| {
                b.header("x-csrf", "1")
                    .header("origin", "https://evil.example")
            })
            .await,
    ];
    for answer in no_csrf {
        assert_eq!(answer.status(), 403);
        assert_eq!(error_of(answer).await["error"], "forbidden");
    }

    let no_key = client
        .request(Method::PUT, &path, |b| b.header("x-csrf", "1").json(&moved))
        .await;
    assert_eq!(no_key.status(), 400);
    assert_eq!(error_of(no_key).await["error"], "bad_request");

    let past = body("Guarded", Utc::now() - chrono::Duration::hours(1), &[]);
    let invalid = change(&client, &id, &past, "c-2").await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(error_of(invalid).await["error"], "validation");
    let myself = body("Guarded", at(6), &[&server.organizer(0).organizer_key]);
    assert_eq!(change(&client, &id, &myself, "c-3").await.status(), 422);

    assert_eq!(change(&client, "12ab", &moved, "c-4").await.status(), 404);
    let meeting = server.sandbox().meetings().pop().unwrap();
    assert_eq!(meeting.start_time, at(4), "nothing was changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_of_200_meetings_is_one_goto_call_and_answers_quickly() {
    let server = start().await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;

    // 200 meetings made in GoTo itself, in no particular order: 20 tokens of 10 calls each
    // stay within the sandbox's 10 calls a second per token.
    let http = reqwest::Client::new();
    let mut makers = Vec::new();
    for batch in 0..20 {
        let token = goto_token(&server, &me.email);
        let (base, http) = (server.base.clone(), http.clone());
        makers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..10 {
                let hours = 1 + ((batch * 10 + n) * 37) % 200;
                let starts_at = at(hours);
                let answer = http
                    .post(format!("{base}{PREFIX}/G2M/rest/meetings"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "subject": format!("Meeting {batch}-{n}"),
                        "starttime": starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                        "endtime": (starts_at + chrono::Duration::minutes(30)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                        "passwordrequired": false,
                        "conferencecallinfo": "Hybrid",
                        "timezonekey": "",
                        "meetingtype": "scheduled",
                    }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 201);
                let created: Value = answer.json().await.unwrap();
                ids.push(created[0]["meetingid"].to_string());
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for maker in makers {
        ids.extend(maker.await.unwrap());
    }
    assert_eq!(ids.len(), 200);
    // Half of them with a record, as if made here: the list reads those records at once.
    let store = &server.running.state.store;
    for id in ids.iter().step_by(2) {
        store
            .put_meeting_extras(
                id,
                &me.organizer_key,
                &MeetingExtras {
                    join_url: format!("https://global.gotomeeting.com/join/{id}"),
                    coorganizer_keys: Some(vec![colleague.organizer_key.clone()]),
                    cancelled: false,
                },
            )
            .await
            .unwrap();
    }
    list(&client).await; // a first call warms the connection
    server.sandbox().clear_journal();

    let started = Instant::now();
    let listed = list(&client).await;
    let took = started.elapsed();
    assert_eq!(listed.len(), 200);
    assert_eq!(g2m_calls(&server), 1, "one GoTo call for the whole list");
    assert!(took < Duration::from_millis(500), "took {took:?}");
    let starts: Vec<DateTime<Utc>> = listed.iter().map(|m| time(&m["starts_at"])).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "soonest first");
    let named = listed
        .iter()
        .filter(|m| m["coorganizers"][0]["email"] == colleague.email.as_str())
        .count();
    assert_eq!(named, 100);
    assert_eq!(
        listed
            .iter()
            .filter(|m| m["coorganizers"].is_null())
            .count(),
        100
    );
}

#[tokio::test]
async fn with_the_redis_store_the_list_change_and_cancel_work_the_same() {
    use meetings_server::config::{EncryptionKey, StoreSetting};
    let redis = common::redis_server::RedisServer::start();
    let url = redis.url.clone();
    let server = start_with(|c| {
        c.store = StoreSetting::Redis(url);
        c.encryption_key = Some(EncryptionKey([3; 32]));
    })
    .await;
    let me = server.organizer(0);
    let colleague = server.organizer(1);
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let http = reqwest::Client::new();
    let elsewhere = make_in_goto(
        &server,
        &http,
        &goto_token(&server, &me.email),
        "Made in GoTo",
        at(2),
    )
    .await;
    let id = create(
        &client,
        &body("On Redis", at(4), &[&colleague.organizer_key]),
    )
    .await;

    let listed = list(&client).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], elsewhere.as_str());
    assert_eq!(listed[0]["coorganizers"], Value::Null);
    assert_eq!(
        listed[1]["coorganizers"][0]["key"],
        colleague.organizer_key.as_str()
    );

    let changed = change(&client, &id, &body("On Redis", at(6), &[]), "r-1").await;
    assert_eq!(changed.status(), 200);
    assert_eq!(list(&client).await[1]["coorganizers"], json!([]));
    assert_eq!(cancel(&client, &id).await.status(), 204);
    assert_eq!(cancel(&client, &id).await.status(), 204);
    assert_eq!(list(&client).await.len(), 1);
}

#[tokio::test]
async fn coorganizers_changed_in_goto_itself_reach_the_list_once_the_meeting_is_opened() {
    let server = start().await;
    let me = server.organizer(0);
    let (first, second) = (server.organizer(1), server.organizer(2));
    let client = Client::new(&server.base);
    client.sign_in(&me.email, "/").await;
    let starts_at = at(4);
    let id = create(
        &client,
        &body("Reshuffled", starts_at, &[&first.organizer_key]),
    )
    .await;

    // The organizer swaps the co-organizer in GoTo's own scheduler.
    let changed_in_goto = reqwest::Client::new()
        .put(format!("{}{PREFIX}/G2M/rest/meetings/{id}", server.base))
        .bearer_auth(goto_token(&server, &me.email))
        .json(&json!({
            "subject": "Reshuffled",
            "starttime": starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "endtime": (starts_at + chrono::Duration::minutes(45)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "passwordrequired": true,
            "conferencecallinfo": "Hybrid",
            "timezonekey": "",
            "meetingtype": "scheduled",
            "coorganizerKeys": [second.organizer_key],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed_in_goto.status(), 204);
    // The list cannot know yet (GoTo's list names no co-organizers)…
    assert_eq!(
        list(&client).await[0]["coorganizers"][0]["key"],
        first.organizer_key.as_str()
    );
    // …but once the meeting is opened, it keeps GoTo's word.
    let read: Value = client
        .get(&format!("/api/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        read["coorganizers"][0]["key"],
        second.organizer_key.as_str()
    );
    assert_eq!(
        list(&client).await[0]["coorganizers"][0]["key"],
        second.organizer_key.as_str()
    );
}
