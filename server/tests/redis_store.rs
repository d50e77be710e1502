//! The Redis store, the shared throttle log and the refresh lock, against a real
//! `redis-server`. Two `Store`s on one server stand for two replicas.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::redis_server::RedisServer;
use meetings_server::crypto::Sealer;
use meetings_server::store::{
    connect_redis, Claim, GoToTokens, LoginTransaction, MeetingExtras, RedisStore, RefreshLock,
    SessionLimits, SessionRecord, Store,
};
use meetings_server::throttle::{Throttle, Window};

const KEY: [u8; 32] = [9; 32];

fn limits(idle_seconds: i64, max_seconds: i64) -> SessionLimits {
    SessionLimits {
        idle: chrono::Duration::seconds(idle_seconds),
        max: chrono::Duration::seconds(max_seconds),
    }
}

async fn store_with(redis: &RedisServer, key: [u8; 32], limits: SessionLimits) -> Store {
    let conn = connect_redis(&redis.url).await.expect("redis reachable");
    Store::Redis(Box::new(RedisStore::new(conn, Sealer::new(&key), limits)))
}

async fn store(redis: &RedisServer) -> Store {
    store_with(redis, KEY, limits(3600, 86400)).await
}

async fn raw(redis: &RedisServer) -> redis::aio::ConnectionManager {
    connect_redis(&redis.url).await.unwrap()
}

async fn keys(redis: &RedisServer) -> Vec<String> {
    redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut raw(redis).await)
        .await
        .unwrap()
}

async fn exists(redis: &RedisServer, key: &str) -> bool {
    redis::cmd("EXISTS")
        .arg(key)
        .query_async::<i64>(&mut raw(redis).await)
        .await
        .unwrap()
        == 1
}

fn tokens() -> GoToTokens {
    GoToTokens {
        access_token: "at-secret".into(),
        refresh_token: "rt-secret".into(),
        expires_at: Utc::now(),
        organizer_key: "42".into(),
        account_key: Some("7".into()),
        email: "a@example.com".into(),
        first_name: "Ana".into(),
        last_name: "Núñez".into(),
        scopes: vec![],
    }
}

fn record(age: chrono::Duration) -> SessionRecord {
    SessionRecord {
        tokens: tokens(),
        created_at: Utc::now() - age,
    }
}

#[tokio::test]
async fn a_session_written_by_one_replica_is_read_by_another_and_survives_a_restart() {
    let redis = RedisServer::start();
    let a = store(&redis).await;
    a.put_session("sid", &record(chrono::Duration::zero()))
        .await
        .unwrap();
    let b = store(&redis).await;
    let read = b.get_session("sid").await.unwrap().expect("shared session");
    assert_eq!(read.tokens.refresh_token, "rt-secret");
    drop((a, b));
    // A replica started later (a restart) with the same key still finds it.
    let restarted = store(&redis).await;
    assert!(restarted.get_session("sid").await.unwrap().is_some());
    restarted.delete_session("sid").await.unwrap();
    assert!(restarted.get_session("sid").await.unwrap().is_none());
}

#[tokio::test]
async fn tokens_and_session_ids_are_not_stored_in_clear() {
    let redis = RedisServer::start();
    let s = store(&redis).await;
    s.put_session("the-session-id", &record(chrono::Duration::zero()))
        .await
        .unwrap();
    s.put_admin_tokens(&tokens()).await.unwrap();
    s.put_meeting_extras(
        "123",
        "42",
        &MeetingExtras {
            join_url: "https://example.com/join/hunter22".into(),
            ..MeetingExtras::default()
        },
    )
    .await
    .unwrap();
    s.claim_idempotent("42", "k", "f").await.unwrap();
    s.finish_idempotent("42", "k", 201, r#"{"join_url":"hunter22"}"#)
        .await
        .unwrap();
    let mut conn = raw(&redis).await;
    let mut dump = String::new();
    for key in keys(&redis).await {
        assert!(!key.contains("the-session-id"), "{key}");
        assert!(key.starts_with("meetings:"), "{key}");
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        let value: Vec<Vec<u8>> = match kind.as_str() {
            "string" => vec![redis::cmd("GET")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .unwrap()],
            "hash" => redis::cmd("HVALS")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .unwrap(),
            other => panic!("unexpected {other} at {key}"),
        };
        for v in value {
            dump.push_str(&String::from_utf8_lossy(&v));
        }
    }
    for secret in ["at-secret", "rt-secret", "hunter22"] {
        assert!(!dump.contains(secret), "{secret} in clear");
    }
    // A replica with another key opens nothing (and so signs nobody in).
    let other = store_with(&redis, [1; 32], limits(3600, 86400)).await;
    assert!(other.get_session("the-session-id").await.unwrap().is_none());
    assert!(other.admin_tokens().await.unwrap().is_none());
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_maximum_age() {
    let redis = RedisServer::start();
    let s = store_with(&redis, KEY, limits(1, 86400)).await;
    s.put_session("idle", &record(chrono::Duration::zero()))
        .await
        .unwrap();
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!(
            "meetings:session:{}",
            meetings_server::store::hash_id("idle")
        ))
        .query_async(&mut raw(&redis).await)
        .await
        .unwrap();
    assert!((0..=1).contains(&ttl), "idle TTL {ttl}");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(
        s.get_session("idle").await.unwrap().is_none(),
        "idle too long"
    );

    // Kept in use, a session still ends at its maximum age, checked from the record.
    let long = store_with(&redis, KEY, limits(3600, 86400)).await;
    long.put_session("old", &record(chrono::Duration::hours(2)))
        .await
        .unwrap();
    let strict = store_with(&redis, KEY, limits(3600, 3600)).await;
    assert!(strict.get_session("old").await.unwrap().is_none());
    assert!(long.get_session("old").await.unwrap().is_none(), "deleted");
    // Never written past it either.
    strict
        .put_session("older", &record(chrono::Duration::hours(2)))
        .await
        .unwrap();
    assert!(long.get_session("older").await.unwrap().is_none());
}

#[tokio::test]
async fn a_login_is_taken_once_even_by_two_replicas_at_once() {
    let redis = RedisServer::start();
    let a = Arc::new(store(&redis).await);
    let b = Arc::new(store(&redis).await);
    let login = LoginTransaction {
        state: "st".into(),
        pkce_verifier: "v".into(),
        return_to: "/".into(),
        popup: false,
        admin: false,
        created_at: Utc::now(),
        nonce_hash: None,
    };
    a.put_login("login-id", &login).await.unwrap();
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!(
            "meetings:login:{}",
            meetings_server::store::hash_id("login-id")
        ))
        .query_async(&mut raw(&redis).await)
        .await
        .unwrap();
    assert!((590..=600).contains(&ttl), "login TTL {ttl}");
    let (first, second) = tokio::join!(a.take_login("login-id"), b.take_login("login-id"));
    let taken = [first.unwrap(), second.unwrap()];
    assert_eq!(taken.iter().filter(|t| t.is_some()).count(), 1);
    assert!(a.take_login("login-id").await.unwrap().is_none());
}

#[tokio::test]
async fn an_idempotency_key_is_claimed_once_across_replicas_and_replays_its_result() {
    let redis = RedisServer::start();
    let replicas: Vec<Arc<Store>> =
        vec![Arc::new(store(&redis).await), Arc::new(store(&redis).await)];
    let racers: Vec<_> = (0..10)
        .map(|i| {
            let s = replicas[i % 2].clone();
            tokio::spawn(async move { s.claim_idempotent("u", "k", "f").await.unwrap() })
        })
        .collect();
    let mut claimed = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Claim::Claimed => claimed += 1,
            Claim::InProgress => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(claimed, 1);
    let (a, b) = (&replicas[0], &replicas[1]);
    assert_eq!(
        b.claim_idempotent("u", "k", "g").await.unwrap(),
        Claim::Mismatch
    );
    assert_eq!(
        b.claim_idempotent("other", "k", "f").await.unwrap(),
        Claim::Claimed
    );
    a.finish_idempotent("u", "k", 201, "{}").await.unwrap();
    assert_eq!(
        b.claim_idempotent("u", "k", "f").await.unwrap(),
        Claim::Done {
            status: 201,
            body: "{}".into()
        }
    );
    // A finished key is not released: it keeps replaying for 24 hours.
    b.release_idempotent("u", "k").await.unwrap();
    assert!(matches!(
        a.claim_idempotent("u", "k", "f").await.unwrap(),
        Claim::Done { .. }
    ));
    let ttl: i64 = redis::cmd("TTL")
        .arg("meetings:idempotency:u:k")
        .query_async(&mut raw(&redis).await)
        .await
        .unwrap();
    assert!((86_000..=86_400).contains(&ttl), "idempotency TTL {ttl}");

    // An unfinished key released after a certain failure may be claimed again, and a late
    // finish of a released key does not bring it back.
    b.release_idempotent("other", "k").await.unwrap();
    b.finish_idempotent("other", "k", 201, "{}").await.unwrap();
    assert_eq!(
        a.claim_idempotent("other", "k", "f").await.unwrap(),
        Claim::Claimed
    );
}

#[tokio::test]
async fn meeting_extras_admin_tokens_and_organizers_round_trip() {
    let redis = RedisServer::start();
    let s = store(&redis).await;
    s.ping().await.unwrap();
    let extras = MeetingExtras {
        join_url: "https://example.com/join/123".into(),
        ..MeetingExtras::default()
    };
    s.put_meeting_extras("123", "42", &extras).await.unwrap();
    assert_eq!(
        s.meeting_extras("123", "42").await.unwrap(),
        Some(extras.clone())
    );
    assert_eq!(s.meeting_extras("123", "43").await.unwrap(), None);
    assert_eq!(s.meeting_extras("124", "42").await.unwrap(), None);

    // "My meetings" reads a whole list's records in one round trip, only the organizer's.
    let with_coorganizers = MeetingExtras {
        join_url: "https://example.com/join/125".into(),
        coorganizer_keys: Some(vec!["7".into()]),
        ..MeetingExtras::default()
    };
    s.put_meeting_extras("125", "42", &with_coorganizers)
        .await
        .unwrap();
    s.put_meeting_extras("126", "43", &extras).await.unwrap();
    let ids: Vec<String> = ["123", "124", "125", "126"].map(String::from).to_vec();
    let found = s.meeting_extras_many(&ids, "42").await.unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found["123"], extras);
    assert_eq!(found["125"], with_coorganizers);

    assert!(s.admin_tokens().await.unwrap().is_none());
    s.put_admin_tokens(&tokens()).await.unwrap();
    assert_eq!(
        s.admin_tokens().await.unwrap().unwrap().access_token,
        "at-secret"
    );

    assert!(s.organizers().await.unwrap().is_empty());
    let organizer = meetings_server::store::CachedOrganizer {
        key: "1".into(),
        first_name: "Íñigo".into(),
        last_name: "Sáez".into(),
        email: "i@example.com".into(),
        active: true,
        has_g2m: true,
    };
    s.put_organizers(std::slice::from_ref(&organizer))
        .await
        .unwrap();
    assert_eq!(
        s.organizers().await.unwrap().people().to_vec(),
        vec![organizer]
    );
}

#[tokio::test]
async fn the_refresh_lock_makes_the_other_replica_wait_and_is_only_released_by_its_holder() {
    let redis = RedisServer::start();
    let a = store(&redis).await;
    let b = Arc::new(store(&redis).await);
    let held = a.refresh_lock("sid").await.unwrap();

    let waiter = {
        let b = b.clone();
        tokio::spawn(async move {
            let lock = b.refresh_lock("sid").await.unwrap();
            let got_it = Instant::now();
            lock.release().await.unwrap();
            got_it
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiter.is_finished(), "the other replica waits");
    let released = Instant::now();
    held.release().await.unwrap();
    let got_it = waiter.await.unwrap();
    assert!(
        got_it.duration_since(released) < Duration::from_millis(200),
        "taken within a few retries"
    );

    // Another session's lock is independent.
    let one = a.refresh_lock("sid").await.unwrap();
    let other = b.refresh_lock("another").await.unwrap();
    // A holder whose lock expired and was taken by someone else does not delete theirs.
    let key = format!(
        "meetings:lock:refresh:{}",
        meetings_server::store::hash_id("sid")
    );
    let mut conn = raw(&redis).await;
    redis::cmd("SET")
        .arg(&key)
        .arg("someone-else")
        .query_async::<()>(&mut conn)
        .await
        .unwrap();
    one.release().await.unwrap();
    let value: Option<String> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("someone-else"));
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!(
            "meetings:lock:refresh:{}",
            meetings_server::store::hash_id("another")
        ))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!((9_000..=10_000).contains(&ttl), "lock TTL {ttl} ms");
    // Dropped without release (a cancelled request): released in the background.
    drop(other);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let gone = !exists(
        &redis,
        &format!(
            "meetings:lock:refresh:{}",
            meetings_server::store::hash_id("another")
        ),
    )
    .await;
    assert!(gone);
}

#[tokio::test]
async fn a_refresh_lock_outliving_its_ttl_is_renewed_while_held() {
    let redis = RedisServer::start();
    let lock = RefreshLock::acquire_with_ttl(
        connect_redis(&redis.url).await.unwrap(),
        "slow",
        Duration::from_millis(300),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        exists(&redis, "meetings:lock:refresh:slow").await,
        "still held after three TTLs"
    );
    lock.release().await.unwrap();
    assert!(!exists(&redis, "meetings:lock:refresh:slow").await);
}

async fn shared_throttle(
    redis: &RedisServer,
    windows: Vec<Window>,
    max_wait: Duration,
) -> Throttle {
    Throttle::shared(windows, max_wait, connect_redis(&redis.url).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_one_budget() {
    let redis = RedisServer::start();
    let minute = vec![Window {
        limit: 7,
        length: Duration::from_secs(60),
    }];
    let a = Arc::new(shared_throttle(&redis, minute.clone(), Duration::ZERO).await);
    let b = Arc::new(shared_throttle(&redis, minute, Duration::ZERO).await);
    let racers: Vec<_> = (0..20)
        .map(|i| {
            let t = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { t.acquire().await })
        })
        .collect();
    let mut granted = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(()) => granted += 1,
            Err(over) => assert!(
                over.retry_after > Duration::from_secs(58),
                "{:?}",
                over.retry_after
            ),
        }
    }
    assert_eq!(granted, 7, "7 in the minute across both replicas");
}

#[tokio::test]
async fn a_call_over_the_shared_budget_waits_for_a_slot_within_the_bound() {
    let redis = RedisServer::start();
    let windows = vec![Window {
        limit: 2,
        length: Duration::from_millis(800),
    }];
    let a = shared_throttle(&redis, windows.clone(), Duration::from_secs(2)).await;
    let b = shared_throttle(&redis, windows, Duration::from_secs(2)).await;
    let start = Instant::now();
    a.acquire().await.unwrap();
    b.acquire().await.unwrap();
    b.acquire().await.unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(750) && waited < Duration::from_millis(1500),
        "the third call waited for the first to leave the window: {waited:?}"
    );
}

#[tokio::test]
async fn the_goto_windows_hold_in_redis_too() {
    let redis = RedisServer::start();
    // GoTo's 10 per 1.2 s binds first; the 11th call is told to come back after it.
    let t = shared_throttle(&redis, Throttle::goto_windows(100), Duration::ZERO).await;
    for _ in 0..10 {
        t.acquire().await.unwrap();
    }
    let over = t.acquire().await.unwrap_err();
    assert!(
        over.retry_after >= Duration::from_secs(1)
            && over.retry_after <= Duration::from_millis(1200),
        "{:?}",
        over.retry_after
    );
}

/// A person's share of the budget holds across replicas: it is counted in Redis too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_share_holds_across_replicas() {
    let redis = RedisServer::start();
    let a = shared_throttle(&redis, Throttle::goto_windows(100), Duration::ZERO)
        .await
        .with_shares(3, 10);
    let b = shared_throttle(&redis, Throttle::goto_windows(100), Duration::ZERO)
        .await
        .with_shares(3, 10);
    a.acquire_for(7).await.unwrap();
    b.acquire_for(7).await.unwrap();
    a.acquire_for(7).await.unwrap();
    let over = b.acquire_for(7).await.unwrap_err();
    assert!(over.retry_after > Duration::from_secs(58), "{over:?}");
    // Somebody else is not held back by it.
    b.acquire_for(8).await.unwrap();
}

/// The sign-in allowance per address is the deployment's, counted in Redis by every replica.
#[tokio::test]
async fn sign_in_callbacks_per_address_are_counted_across_replicas() {
    use meetings_server::sign_in_limit::SignInLimiter;
    let redis = RedisServer::start();
    let three = std::num::NonZeroU32::new(3).unwrap();
    let a = SignInLimiter::shared(three, connect_redis(&redis.url).await.unwrap());
    let b = SignInLimiter::shared(three, connect_redis(&redis.url).await.unwrap());
    let ip: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    a.check(ip).await.unwrap();
    b.check(ip).await.unwrap();
    a.check(ip).await.unwrap();
    let wait = b.check(ip).await.unwrap_err();
    assert!(
        wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    b.check("203.0.113.8".parse().unwrap()).await.unwrap();
}

#[tokio::test]
async fn a_replica_reads_the_organizers_another_synced_and_again_after_the_next_sync() {
    let redis = RedisServer::start();
    let (a, b) = (store(&redis).await, store(&redis).await);
    let person = |key: &str, has_g2m: bool| meetings_server::store::CachedOrganizer {
        key: key.into(),
        first_name: "Ana".into(),
        last_name: "Ruiz".into(),
        email: format!("{key}@example.com"),
        active: true,
        has_g2m,
    };
    assert!(b.organizers().await.unwrap().is_empty());
    a.put_organizers(&[person("1", true)]).await.unwrap();
    let read = b.organizers().await.unwrap();
    assert!(read.get("1").is_some_and(|p| p.has_g2m));
    // Read again unchanged: the same list.
    assert!(std::sync::Arc::ptr_eq(
        &read,
        &b.organizers().await.unwrap()
    ));
    // A's next sync reaches B: the licence went, someone new came.
    a.put_organizers(&[person("1", false), person("2", true)])
        .await
        .unwrap();
    let read = b.organizers().await.unwrap();
    assert!(read.get("1").is_some_and(|p| !p.has_g2m));
    assert!(read.get("2").is_some());
    assert!(keys(&redis)
        .await
        .iter()
        .any(|k| k.ends_with("organizers:version")));
}
