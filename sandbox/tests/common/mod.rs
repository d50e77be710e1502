//! What every integration test needs: a sandbox on 127.0.0.1:0, a client that does not follow
//! redirects, and the OAuth dance written once.
#![allow(dead_code)]

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use goto_sandbox::{RegisteredClient, Sandbox, SandboxConfig};
use reqwest::{Method, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "microapp-user";
/// `+`, `/` and `=` make the plain and the form-urlencoded Basic encodings differ.
pub const CLIENT_SECRET: &str = "s3cr+t/Key==";
pub const REDIRECT: &str = "http://127.0.0.1:8080/app/api/auth/serviceAction/callback";
pub const ADMIN_CLIENT_ID: &str = "microapp-service";
pub const ADMIN_CLIENT_SECRET: &str = "admin-secret";
pub const ADMIN_REDIRECT: &str = "http://127.0.0.1:8080/admin/api/gwsc/auth/serverContext";

/// Active G2M organizers of the main account (from the seed).
pub const MARIA: &str = "maria.fernandez-castaneda@solaris-logistica.example";
pub const JOSE: &str = "jose.nunez.ibanez@solaris-logistica.example";
pub const INIGO: &str = "inigo.urrutia.goikoetxea@solaris-logistica.example";
pub const ADMIN: &str = "goto-admin@solaris-logistica.example";
/// Suspended, and active without G2M.
pub const SUSPENDED: &str = "raul.moreno.pizarro@solaris-logistica.example";
pub const NO_G2M: &str = "sergio.ramos.canizares@solaris-logistica.example";
/// The second account.
pub const GRACE: &str = "grace.whitfield@northwind-traders.example";

pub fn config() -> SandboxConfig {
    SandboxConfig {
        clients: vec![
            RegisteredClient::new(CLIENT_ID, CLIENT_SECRET, [REDIRECT]),
            RegisteredClient::new(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, [ADMIN_REDIRECT]),
        ],
        ..SandboxConfig::default()
    }
}

pub struct Harness {
    pub sandbox: Sandbox,
    pub base: String,
    pub http: reqwest::Client,
}

pub async fn start() -> Harness {
    start_with(config()).await
}

pub async fn start_with(config: SandboxConfig) -> Harness {
    let sandbox = Sandbox::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(sandbox.clone().serve(listener));
    Harness {
        sandbox,
        base,
        http: client(),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The query parameters of a redirect's `Location`.
pub fn location_params(response: &Response) -> Vec<(String, String)> {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap();
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The authorize URL for the user client, with `extra` query parameters.
    pub fn authorize_url(&self, path: &str, extra: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&self.url(path)).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", CLIENT_ID)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", REDIRECT)
            .extend_pairs(extra);
        url.to_string()
    }

    /// A code for `email` through `sandbox_approve`, on the legacy path.
    pub async fn code_for(&self, email: &str, extra: &[(&str, &str)]) -> String {
        let mut params = vec![("sandbox_approve", email)];
        params.extend_from_slice(extra);
        let response = self
            .http
            .get(self.authorize_url("/oauth/v2/authorize", &params))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{}", response.text().await.unwrap());
        param(&location_params(&response), "code")
            .expect("a code")
            .to_owned()
    }

    /// A token call with the user client's plain Basic credentials.
    pub async fn token_call(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.token_call_as(path, &basic(CLIENT_ID, CLIENT_SECRET), form)
            .await
    }

    pub async fn token_call_as(
        &self,
        path: &str,
        authorization: &str,
        form: &[(&str, &str)],
    ) -> Response {
        self.http
            .post(self.url(path))
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs `email` in on the legacy host; the token body.
    pub async fn login(&self, email: &str) -> Value {
        let code = self.code_for(email, &[]).await;
        let response = self
            .token_call(
                "/oauth/v2/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Signs `email` in on the current host (`/oauth/authorize` + `/oauth/token`) with `extra`
    /// authorize parameters (e.g. `scope`); the token body.
    pub async fn login_current(&self, email: &str, extra: &[(&str, &str)]) -> Value {
        let mut params = vec![("sandbox_approve", email)];
        params.extend_from_slice(extra);
        let response = self
            .http
            .get(self.authorize_url("/oauth/authorize", &params))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302);
        let code = param(&location_params(&response), "code")
            .expect("a code")
            .to_owned();
        let response = self
            .token_call(
                "/oauth/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// An access token for `email` with exactly the scopes `scope` asks for.
    pub async fn access_token_with_scope(&self, email: &str, scope: &str) -> String {
        self.login_current(email, &[("scope", scope)]).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A bearer GET on any path of the sandbox (identity, Admin API).
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap()
    }

    pub async fn access_token(&self, email: &str) -> String {
        self.login(email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.token_call(
            "/oauth/v2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// A G2M REST call with a bearer token and an optional JSON body.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, self.url(&format!("/G2M/rest{path}")))
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    pub async fn create_meeting(&self, token: &str, body: &Value) -> Response {
        self.api(Method::POST, "/meetings", token, Some(body)).await
    }

    pub fn organizer_key(&self, email: &str) -> String {
        self.sandbox
            .organizer_by_email(email)
            .expect("seeded user")
            .organizer_key
    }
}

/// A valid create body, one hour starting a day from now.
pub fn meeting_body(subject: &str) -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let end = start + chrono::Duration::hours(1);
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    serde_json::json!({
        "subject": subject,
        "starttime": fmt(start),
        "endtime": fmt(end),
        "passwordrequired": true,
        "conferencecallinfo": "Hybrid",
        "timezonekey": "",
        "meetingtype": "scheduled",
    })
}

pub async fn sleep(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}
