//! Who may sign in and connect, and what a public address hides (issue 13: M1, H2, L3).

mod common;

use common::{location, start, start_with, urlencode, Client};
use meetings_server::session::LOCAL_SESSION_COOKIE as SESSION_COOKIE;

#[tokio::test]
async fn a_person_of_another_goto_account_cannot_sign_in_or_read_the_directory() {
    let server = start().await;
    let foreign = server
        .sandbox()
        .organizers()
        .into_iter()
        .find(|o| o.account_key == server.sandbox().other_account_key() && o.is_active_g2m())
        .unwrap();
    let client = Client::new(&server.base);
    let page = client.sign_in(&foreign.email, "/").await;
    assert_eq!(page.status(), 403);
    assert!(client.cookie(SESSION_COOKIE).is_none(), "no session");
    let html = page.text().await.unwrap();
    assert!(html.contains("not your company's"), "{html}");
    assert!(html.contains("id=\"try-again\""), "{html}");
    assert_eq!(client.get("/api/organizers?q=a").await.status(), 401);
}

#[tokio::test]
async fn new_service_account_tokens_are_kept_only_after_a_sync_with_them_worked() {
    let server = start().await;
    let before = server
        .running
        .state
        .store
        .admin_tokens()
        .await
        .unwrap()
        .expect("connected at start");
    let client = Client::new(&server.base);
    let connect = client.get("/admin/api/gwsc/auth/connect").await;
    let back = client
        .get(&format!(
            "{}&sandbox_approve={}",
            location(&connect),
            urlencode(&server.sandbox().admin().email)
        ))
        .await;
    // GoTo says who it is (/me), then every page of the directory fails.
    server.sandbox().faults().fail_next_after(1, 3, 503);
    let page = client.get(&location(&back)).await;
    assert_eq!(page.status(), 502);
    let html = page.text().await.unwrap();
    assert!(html.contains("not connected"), "{html}");
    let after = server
        .running
        .state
        .store
        .admin_tokens()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        before.access_token, after.access_token,
        "the working connection stays"
    );
}

#[tokio::test]
async fn the_sandboxs_switches_are_hidden_on_a_public_address() {
    let local = start().await;
    let http = reqwest::Client::new();
    let journal = format!("{}/_sandbox/_admin/journal", local.base);
    assert_eq!(http.get(&journal).send().await.unwrap().status(), 200);

    let public = start_with(|c| c.public_url = "https://meetings.example.test".into()).await;
    for path in [
        "/_sandbox/_admin/journal",
        "/_sandbox/_admin/faults",
        "/_sandbox/_admin",
    ] {
        let answer = http
            .get(format!("{}{path}", public.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
    // The sandbox itself still works there (the service account connected at start).
    assert!(!public.sandbox().journal().is_empty());
}

/// H1: sign-in callbacks are limited per address before any GoTo call. One address repeating
/// "start a sign-in, call back with a made-up code" 500 times reaches GoTo's token endpoint at
/// most its allowance, while a person on another address signs in and schedules meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_repeating_sign_ins_cannot_spend_the_goto_budget() {
    const ALLOWANCE: u32 = 10;
    let server = start_with(|c| {
        c.sign_ins_per_ip_per_minute = std::num::NonZeroU32::new(ALLOWANCE).unwrap()
    })
    .await;
    let token_calls_before = server.sandbox().token_calls().authorization_code;
    let attacker = Client::from_address(&server.base, "127.0.0.2".parse().unwrap());
    let base = server.base.clone();
    let flood = tokio::spawn(async move {
        let mut refused = 0;
        for _ in 0..500 {
            let login = attacker.get("/app/api/auth/serviceAction/login").await;
            let authorize = url::Url::parse(&location(&login)).unwrap();
            let state = authorize
                .query_pairs()
                .find(|(k, _)| k == "state")
                .unwrap()
                .1
                .into_owned();
            let back = attacker
                .get(&format!(
                    "{base}/app/api/auth/serviceAction/callback?state={}&code=x",
                    urlencode(&state)
                ))
                .await;
            if back.status() == 429 {
                refused += 1;
            }
        }
        refused
    });

    // Meanwhile a person on 127.0.0.1 signs in and schedules, without waiting.
    let started = std::time::Instant::now();
    let person = Client::new(&server.base);
    assert_eq!(
        person
            .sign_in(&server.organizer(0).email, "/")
            .await
            .status(),
        303
    );
    let start = chrono::Utc::now() + chrono::Duration::days(2);
    let created = person
        .post_json(
            "/api/meetings",
            &serde_json::json!({
                "subject": "Durante el ataque",
                "starts_at": start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "ends_at": (start + chrono::Duration::minutes(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let took = started.elapsed();

    let refused = flood.await.unwrap();
    let spent = server.sandbox().token_calls().authorization_code - token_calls_before;
    eprintln!(
        "500 sign-in floods from one address: {spent} token calls reached GoTo (the person's \
         own included), {refused} callbacks refused; the other person signed in and \
         scheduled in {took:?}"
    );
    assert!(
        spent <= ALLOWANCE as usize + 1,
        "{spent} token calls for an allowance of {ALLOWANCE}"
    );
    assert_eq!(refused, 500 - ALLOWANCE as usize);
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

/// H1: people pressing "sync" together make one sync of the directory, not one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_on_demand_syncs_make_one() {
    let server = start_with(|c| {
        // The start's own sync happened long ago, as far as the on-demand gap can tell.
        c.organizer_sync_every = std::time::Duration::from_secs(3600);
    })
    .await;
    *server.running.state.last_sync.lock().unwrap() = None;
    let client = std::sync::Arc::new(Client::new(&server.base));
    assert_eq!(
        client
            .sign_in(&server.organizer(0).email, "/")
            .await
            .status(),
        303
    );
    server.sandbox().clear_journal();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .request(reqwest::Method::POST, "/api/organizers/sync", |b| {
                        b.header("x-csrf", "1")
                    })
                    .await
                    .status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 204);
    }
    let pages = server
        .sandbox()
        .journal()
        .into_iter()
        .filter(|e| e.path.starts_with("/admin/rest/v1/accounts/"))
        .count();
    assert_eq!(pages, 3, "one sync: 250 people in 3 pages");
}

/// H1: 50 people each firing 5 creates at once. GoTo sees at most 100 calls in any minute,
/// no meeting is made twice, every request is answered (201, or 429 with Retry-After) within
/// the configured wait, and a 51st person who arrives during the burst signs in and schedules
/// within 15 s: sign-ins go first, and a person who has used none of the minute goes before
/// those who have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_by_fifty_people_leaves_room_for_the_fifty_first() {
    use meetings_server::store::{GoToTokens, SessionRecord};
    let server = start_with(|c| {
        c.goto_calls_per_person_per_minute = 30;
        c.throttle_max_wait = std::time::Duration::from_secs(10);
    })
    .await;
    let sandbox = server.sandbox().clone();
    let people: Vec<_> = sandbox
        .organizers()
        .into_iter()
        .filter(|o| !o.admin && o.account_key == sandbox.account_key() && o.is_active_g2m())
        .collect();
    assert!(people.len() > 51);
    // 50 people signed in without spending the budget on it (tokens straight from the
    // sandbox, sessions straight into the store).
    let mut clients = Vec::new();
    for person in &people[..50] {
        let (access, refresh) = sandbox
            .issue_tokens_for(
                &person.email,
                meetings_server::embedded_sandbox::USER_CLIENT_ID,
            )
            .unwrap();
        let id = format!("burst-{}", person.organizer_key);
        server
            .running
            .state
            .store
            .put_session(
                &id,
                &SessionRecord {
                    tokens: GoToTokens {
                        access_token: access,
                        refresh_token: refresh,
                        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
                        organizer_key: person.organizer_key.clone(),
                        account_key: Some(person.account_key.clone()),
                        email: person.email.clone(),
                        first_name: person.first_name.clone(),
                        last_name: person.last_name.clone(),
                        scopes: vec!["collab:".into(), "identity:scim.me".into()],
                    },
                    created_at: chrono::Utc::now(),
                },
            )
            .await
            .unwrap();
        let client = Client::new(&server.base);
        client.set_cookie(SESSION_COOKIE, &id);
        clients.push(std::sync::Arc::new(client));
    }
    sandbox.clear_journal();
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let body = |n: usize| {
        let at = start + chrono::Duration::minutes(n as i64 * 30);
        serde_json::json!({
            "subject": format!("Ráfaga {n}"),
            "starts_at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "ends_at": (at + chrono::Duration::minutes(15)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    };
    let burst_started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (p, client) in clients.iter().enumerate() {
        for k in 0..5 {
            let (client, body) = (client.clone(), body(p * 5 + k));
            tasks.push(tokio::spawn(async move {
                let asked = std::time::Instant::now();
                let answer = client.post_json("/api/meetings", &body).await;
                let retry_after = answer.headers().contains_key("retry-after");
                (answer.status().as_u16(), retry_after, asked.elapsed())
            }));
        }
    }

    // The 51st person arrives two seconds into the burst.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let arrived = std::time::Instant::now();
    let late = Client::new(&server.base);
    let signed_in = late.sign_in(&people[50].email, "/").await;
    assert_eq!(signed_in.status(), 303, "the 51st person signs in");
    let created = late.post_json("/api/meetings", &body(999)).await;
    let late_took = arrived.elapsed();
    assert_eq!(created.status(), 201, "the 51st person schedules");

    let mut made = 0;
    let mut refused = 0;
    let mut slowest = std::time::Duration::ZERO;
    for task in tasks {
        let (status, retry_after, took) = task.await.unwrap();
        slowest = slowest.max(took);
        match status {
            201 => made += 1,
            429 => {
                assert!(retry_after, "a 429 says when to retry");
                refused += 1;
            }
            other => panic!("a burst request answered {other}"),
        }
    }
    let total = burst_started.elapsed();
    let journal = sandbox.journal();
    let times: Vec<_> = journal.iter().map(|e| e.at).collect();
    let most = common::most_in_any_minute(&times);
    if std::env::var("BURST_DEBUG").is_ok() {
        for e in &journal {
            eprintln!(
                "{} {} {} {}",
                e.at.format("%S%.3f"),
                e.method,
                e.path,
                e.status
            );
        }
    }
    let meetings = sandbox.meetings();
    let mut subjects: Vec<_> = meetings.iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    eprintln!(
        "burst of 250 creates by 50 people: {made} made, {refused} refused with 429, slowest \
         answer {slowest:?}, all in {total:?}; GoTo saw at most {most} calls in a minute; the \
         51st person signed in and scheduled in {late_took:?}"
    );
    assert!(most <= 100, "{most} calls in a minute");
    assert_eq!(subjects.len(), meetings.len(), "no meeting made twice");
    assert_eq!(
        meetings.len(),
        made + 1,
        "every 201 is one meeting, and the 51st's"
    );
    assert!(
        slowest < std::time::Duration::from_secs(10 + 5),
        "answered within the configured wait: {slowest:?}"
    );
    assert!(
        late_took < std::time::Duration::from_secs(15),
        "{late_took:?}"
    );
}

/// L4: every HTML answer carries a Content-Security-Policy, the built app's and every page
/// the backend or its sandbox writes itself.
#[tokio::test]
async fn every_html_answer_has_a_content_security_policy() {
    let server = start().await;
    let client = Client::new(&server.base);
    let login = client.get("/app/api/auth/serviceAction/login").await;
    let consent = location(&login);
    let mut seen = Vec::new();
    for path in [
        "/",
        "/meetings/123",
        "/app/api/auth/serviceAction/callback?state=x&code=y",
        "/admin/api/gwsc/auth/serverContext?state=x&code=y",
        consent.as_str(),
        "/_sandbox/oauth/authorize?client_id=nobody&response_type=code",
        "/_sandbox/oauth/v2/authorize?client_id=nobody&response_type=code",
        "/no-such-file.html",
    ] {
        let answer = client.get(path).await;
        let html = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if html {
            seen.push(path.to_owned());
            assert!(
                answer.headers().contains_key("content-security-policy"),
                "{path} answered HTML without a CSP"
            );
        }
    }
    assert!(seen.len() >= 4, "HTML answers checked: {seen:?}");
}
