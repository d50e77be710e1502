//! What every integration test needs: a backend with the embedded sandbox on a free port,
//! and a client with a small cookie jar (reqwest's own jar will not send `Secure` cookies
//! over plain http, which browsers do on loopback).

#![allow(dead_code)]

pub mod redis_server;

use std::collections::BTreeMap;
use std::sync::Mutex;

use meetings_server::config::Config;
use meetings_server::Running;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, Response};

pub struct TestServer {
    pub running: Running,
    pub base: String,
    pub _data: TempDir,
}

pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let unique = format!(
            "meetings-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn start() -> TestServer {
    start_with(|_| {}).await
}

/// A server whose configuration the test adjusts first.
pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
    let data = TempDir::new("data");
    let mut config = Config::local_sandbox(data.0.clone(), data.0.join("no-dist"));
    adjust(&mut config);
    let running = meetings_server::start(config).await.expect("server starts");
    TestServer {
        base: format!("http://{}", running.addr),
        running,
        _data: data,
    }
}

impl TestServer {
    pub fn sandbox(&self) -> &goto_sandbox::Sandbox {
        self.running
            .state
            .sandbox
            .as_ref()
            .expect("embedded sandbox")
    }

    /// An active GoToMeeting organizer of the sandbox's main account (not the admin).
    pub fn organizer(&self, index: usize) -> goto_sandbox::SeedOrganizer {
        self.sandbox()
            .organizers()
            .into_iter()
            .filter(|o| {
                !o.admin && o.account_key == self.sandbox().account_key() && o.is_active_g2m()
            })
            .nth(index)
            .expect("enough seeded organizers")
    }
}

/// A browser-like client: no automatic redirects, cookies kept by name.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    jar: Mutex<BTreeMap<String, String>>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_owned(),
            jar: Mutex::new(BTreeMap::new()),
        }
    }

    /// A client whose requests come from `local` (any 127.x.y.z address is this machine), so a
    /// test can play two people on two addresses.
    pub fn from_address(base: &str, local: std::net::IpAddr) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .local_address(local)
                .build()
                .unwrap(),
            base: base.to_owned(),
            jar: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar.lock().unwrap().insert(name.into(), value.into());
    }

    pub fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{}", self.base, path_or_url)
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        configure: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Response {
        let mut builder = self.http.request(method, self.url(path));
        let cookies = self
            .jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookies.is_empty() {
            builder = builder.header(COOKIE, cookies);
        }
        let response = configure(builder).send().await.expect("request sent");
        for header in response.headers().get_all(SET_COOKIE) {
            let text = header.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let removed = attributes.to_ascii_lowercase().contains("max-age=0");
            let mut jar = self.jar.lock().unwrap();
            if removed {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().into(), value.trim().into());
            }
        }
        response
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, |b| b).await
    }

    /// A POST as the app sends it: CSRF header and a fresh idempotency key.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        let key = format!("test-{}", rand_suffix());
        self.post_json_with_key(path, body, &key).await
    }

    pub async fn post_json_with_key(
        &self,
        path: &str,
        body: &serde_json::Value,
        key: &str,
    ) -> Response {
        self.request(Method::POST, path, |b| {
            b.header("x-csrf", "1")
                .header("idempotency-key", key)
                .json(body)
        })
        .await
    }

    /// Signs in as `email` through the whole OAuth dance, approving with the sandbox's
    /// documented switch instead of clicking its consent page.
    pub async fn sign_in(&self, email: &str, return_to: &str) -> Response {
        let login = self
            .get(&format!(
                "/app/api/auth/serviceAction/login?return_to={}",
                urlencode(return_to)
            ))
            .await;
        assert_eq!(login.status(), 303, "login redirects to GoTo");
        let authorize = location(&login);
        let consent = self
            .get(&format!("{authorize}&sandbox_approve={}", urlencode(email)))
            .await;
        assert!(
            consent.status().is_redirection(),
            "sandbox approves: {}",
            consent.status()
        );
        let callback = location(&consent);
        self.get(&callback).await
    }
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The most calls that fall in any rolling 60-second window.
pub fn most_in_any_minute(times: &[chrono::DateTime<chrono::Utc>]) -> usize {
    times
        .iter()
        .map(|start| {
            times
                .iter()
                .filter(|t| **t >= *start && **t < *start + chrono::Duration::seconds(60))
                .count()
        })
        .max()
        .unwrap_or(0)
}
