//! Who may sign in and connect, and what a public address hides (issue 13: M1, H2, L3).

mod common;

use common::{location, start, start_with, urlencode, Client};
use meetings_server::session::SESSION_COOKIE;

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
