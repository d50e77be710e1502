//! What a sandbox is started with: token lifetimes, the rate limit, the time format of answers
//! and the registered clients with their scopes.
//!
//! The binary also reads the same settings from a JSON file and from environment variables
//! (`SandboxConfig::from_json`, `SandboxConfig::apply_env`), so a fresh machine can run it
//! without writing Rust.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::scope::DEFAULT_CLIENT_SCOPES;
use crate::time_format::TimeFormat;

/// One OAuth client as GoTo's developer center registers it: an id, a secret, the exact
/// redirect URIs it may use and the scopes it was granted. The URIs are compared as strings, with
/// no normalisation (**sure**: "must be one registered on the client").
#[derive(Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    /// The scopes ticked for this client in GoTo's developer center (**sure**: a client is
    /// granted scopes there; a call outside its token's scopes gets 403). A token gets these, or
    /// the subset its authorize call asked for.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for RegisteredClient {
    // The secret never reaches a log, not even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl RegisteredClient {
    /// A client granted every scope the sandbox knows (`collab:`, `identity:scim.me`,
    /// `identity:`); narrow it with `with_scopes`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uris: impl IntoIterator<Item = impl Into<String>>,
    ) -> RegisteredClient {
        RegisteredClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
            scopes: DEFAULT_CLIENT_SCOPES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// The same client, granted exactly `scopes` instead.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// GoTo's access tokens live 3600 s (**sure**). Tests shorten this to a second.
    pub access_token_ttl: std::time::Duration,
    /// How long an authorization code may wait for the token call. GoTo does not publish it;
    /// 60 s is the usual order (**assumed**).
    pub code_ttl: std::time::Duration,
    /// Whether a refresh hands out a new refresh token (and retires the old one) or omits
    /// `refresh_token` so the old one stays valid. GoTo may do either (**sure**: "may omit").
    pub rotate_refresh_tokens: bool,
    /// GoTo's limit: 10 requests per second per API, then 429 (**sure**). 0 turns it off.
    pub per_second_limit: u32,
    /// How answer times are written; GoTo's own examples by default. Changeable at run time
    /// (`Sandbox::set_time_format`, `POST /_admin/time-format`).
    pub time_format: TimeFormat,
    pub clients: Vec<RegisteredClient>,
    /// Where tokens, meetings and the clients' secrets are kept so that a restart (even after
    /// `kill -9`) finds them again; `None` keeps everything in memory only. See `persist.rs`.
    pub state_file: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            access_token_ttl: Duration::from_secs(3600),
            code_ttl: Duration::from_secs(60),
            rotate_refresh_tokens: true,
            per_second_limit: 10,
            time_format: TimeFormat::default(),
            clients: Vec::new(),
            state_file: None,
        }
    }
}

/// The JSON file the binary accepts (`--config`); every field is optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    access_token_ttl_secs: Option<u64>,
    code_ttl_secs: Option<u64>,
    rotate_refresh_tokens: Option<bool>,
    per_second_limit: Option<u32>,
    time_format: Option<TimeFormat>,
    clients: Option<Vec<ClientFile>>,
    state_file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
    client_id: String,
    client_secret: String,
    redirect_uris: Vec<String>,
    /// Omitted: every scope the sandbox knows, as `RegisteredClient::new`.
    scopes: Option<Vec<String>>,
}

impl SandboxConfig {
    /// Checks what `Sandbox::new` relies on: ids usable in HTTP Basic, absolute redirect URIs.
    pub fn validate(&self) -> Result<(), String> {
        for client in &self.clients {
            if client.client_id.is_empty() || client.client_id.contains(':') {
                return Err(format!(
                    "client id {:?} must be non-empty and must not contain ':' (HTTP Basic splits on it)",
                    client.client_id
                ));
            }
            if client.client_secret.is_empty() {
                return Err(format!("client {} has an empty secret", client.client_id));
            }
            if client.redirect_uris.is_empty() {
                return Err(format!("client {} has no redirect URI", client.client_id));
            }
            if let Some(scope) = client
                .scopes
                .iter()
                .find(|s| s.is_empty() || s.contains(char::is_whitespace))
            {
                return Err(format!(
                    "client {} has the scope {scope:?}: scopes are single non-empty words",
                    client.client_id
                ));
            }
            for uri in &client.redirect_uris {
                let parsed = url::Url::parse(uri)
                    .map_err(|e| format!("redirect URI {uri:?} is not an absolute URL ({e})"))?;
                if parsed.fragment().is_some() {
                    return Err(format!(
                        "redirect URI {uri:?} must not have a fragment (RFC 6749 3.1.2)"
                    ));
                }
            }
        }
        let mut ids: Vec<&str> = self.clients.iter().map(|c| c.client_id.as_str()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!("client {} is registered twice", pair[0]));
        }
        Ok(())
    }

    /// Overlays a JSON settings file on `self`. Clients in the file are added.
    pub fn apply_json(&mut self, json: &str) -> Result<(), String> {
        let file: ConfigFile =
            serde_json::from_str(json).map_err(|e| format!("config JSON: {e}"))?;
        if let Some(secs) = file.access_token_ttl_secs {
            self.access_token_ttl = Duration::from_secs(secs);
        }
        if let Some(secs) = file.code_ttl_secs {
            self.code_ttl = Duration::from_secs(secs);
        }
        if let Some(rotate) = file.rotate_refresh_tokens {
            self.rotate_refresh_tokens = rotate;
        }
        if let Some(limit) = file.per_second_limit {
            self.per_second_limit = limit;
        }
        if let Some(format) = file.time_format {
            self.time_format = format;
        }
        if let Some(path) = file.state_file {
            self.state_file = Some(path);
        }
        for client in file.clients.unwrap_or_default() {
            let mut registered =
                RegisteredClient::new(client.client_id, client.client_secret, client.redirect_uris);
            if let Some(scopes) = client.scopes {
                registered = registered.with_scopes(scopes);
            }
            self.add_client(registered);
        }
        Ok(())
    }

    /// Defaults overlaid with a JSON settings file.
    pub fn from_json(json: &str) -> Result<SandboxConfig, String> {
        let mut config = SandboxConfig::default();
        config.apply_json(json)?;
        Ok(config)
    }

    /// Overlays `GOTO_SANDBOX_ACCESS_TOKEN_TTL`, `GOTO_SANDBOX_CODE_TTL` (seconds),
    /// `GOTO_SANDBOX_ROTATE_REFRESH_TOKENS` (true/false), `GOTO_SANDBOX_PER_SECOND_LIMIT` and
    /// `GOTO_SANDBOX_TIME_FORMAT` (`zulu`, `offset`, `colon`, `millis`, `bare-dot`) and
    /// `GOTO_SANDBOX_STATE_FILE` (a path).
    /// `lookup` is `std::env::var` in the binary and a map in tests.
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        let number = |name: &str| -> Result<Option<u64>, String> {
            match lookup(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| format!("{name}: {v:?} is not a whole number")),
            }
        };
        if let Some(secs) = number("GOTO_SANDBOX_ACCESS_TOKEN_TTL")? {
            self.access_token_ttl = Duration::from_secs(secs);
        }
        if let Some(secs) = number("GOTO_SANDBOX_CODE_TTL")? {
            self.code_ttl = Duration::from_secs(secs);
        }
        if let Some(limit) = number("GOTO_SANDBOX_PER_SECOND_LIMIT")? {
            self.per_second_limit = u32::try_from(limit)
                .map_err(|_| "GOTO_SANDBOX_PER_SECOND_LIMIT: too large".to_owned())?;
        }
        if let Some(v) = lookup("GOTO_SANDBOX_ROTATE_REFRESH_TOKENS") {
            self.rotate_refresh_tokens = parse_bool(&v).ok_or_else(|| {
                format!("GOTO_SANDBOX_ROTATE_REFRESH_TOKENS: {v:?} is not true or false")
            })?;
        }
        if let Some(path) = lookup("GOTO_SANDBOX_STATE_FILE").filter(|p| !p.trim().is_empty()) {
            self.state_file = Some(PathBuf::from(path));
        }
        if let Some(v) = lookup("GOTO_SANDBOX_TIME_FORMAT") {
            self.time_format = v
                .parse()
                .map_err(|e| format!("GOTO_SANDBOX_TIME_FORMAT: {e}"))?;
        }
        Ok(())
    }

    /// Registers a client; a second registration of the same id and secret adds redirect URIs
    /// (and scopes), so `--client id:secret:uri1 --client id:secret:uri2` gives one client with
    /// two URIs.
    pub fn add_client(&mut self, client: RegisteredClient) {
        if let Some(existing) = self
            .clients
            .iter_mut()
            .find(|c| c.client_id == client.client_id && c.client_secret == client.client_secret)
        {
            for uri in client.redirect_uris {
                if !existing.redirect_uris.contains(&uri) {
                    existing.redirect_uris.push(uri);
                }
            }
            for scope in client.scopes {
                if !existing.scopes.contains(&scope) {
                    existing.scopes.push(scope);
                }
            }
        } else {
            self.clients.push(client);
        }
    }
}

/// Parses the binary's `--client id:secret:redirect_uri`. The id and the secret cannot hold
/// a `:`; the redirect URI can (it always does: `https://…`).
pub fn parse_client_arg(arg: &str) -> Result<RegisteredClient, String> {
    let mut parts = arg.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), Some(uri)) if !id.is_empty() && !secret.is_empty() => {
            Ok(RegisteredClient::new(id, secret, [uri]))
        }
        _ => Err(format!(
            "--client {arg:?}: expected id:secret:redirect_uri (e.g. app:s3cret:http://127.0.0.1:8080/callback)"
        )),
    }
}

pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_goto() {
        let config = SandboxConfig::default();
        assert_eq!(config.access_token_ttl, Duration::from_secs(3600));
        assert_eq!(config.code_ttl, Duration::from_secs(60));
        assert!(config.rotate_refresh_tokens);
        assert_eq!(config.per_second_limit, 10);
        assert_eq!(config.time_format, TimeFormat::BareDot);
    }

    #[test]
    fn client_arg_keeps_the_colons_of_the_uri() {
        let client = parse_client_arg("app:s3:cr=t:https://x.example/cb").unwrap();
        assert_eq!(client.client_id, "app");
        assert_eq!(client.client_secret, "s3");
        assert_eq!(client.redirect_uris, vec!["cr=t:https://x.example/cb"]);
        let client = parse_client_arg("app:secret:http://127.0.0.1:8080/cb").unwrap();
        assert_eq!(client.redirect_uris, vec!["http://127.0.0.1:8080/cb"]);
        assert!(parse_client_arg("app:secret").is_err());
        assert!(parse_client_arg(":secret:http://x/").is_err());
    }

    #[test]
    fn repeated_client_adds_redirect_uris() {
        let mut config = SandboxConfig::default();
        config.add_client(parse_client_arg("app:s:http://a.example/1").unwrap());
        config.add_client(parse_client_arg("app:s:http://a.example/2").unwrap());
        assert_eq!(config.clients.len(), 1);
        assert_eq!(config.clients[0].redirect_uris.len(), 2);
        config.validate().unwrap();
    }

    #[test]
    fn json_and_env_overlay_the_defaults() {
        let mut config = SandboxConfig::from_json(
            r#"{"access_token_ttl_secs": 5, "rotate_refresh_tokens": false,
                "clients": [{"client_id": "a", "client_secret": "b", "redirect_uris": ["http://x.example/cb"]}]}"#,
        )
        .unwrap();
        assert_eq!(config.access_token_ttl, Duration::from_secs(5));
        assert!(!config.rotate_refresh_tokens);
        assert_eq!(config.clients.len(), 1);
        config
            .apply_env(|name| (name == "GOTO_SANDBOX_ACCESS_TOKEN_TTL").then(|| "2".to_owned()))
            .unwrap();
        assert_eq!(config.access_token_ttl, Duration::from_secs(2));
        assert!(config
            .apply_env(|name| (name == "GOTO_SANDBOX_CODE_TTL").then(|| "soon".to_owned()))
            .is_err());
        assert!(SandboxConfig::from_json(r#"{"ttl": 5}"#).is_err());
    }

    #[test]
    fn scopes_and_time_format_come_from_json_and_env() {
        let mut config = SandboxConfig::from_json(
            r#"{"time_format": "millis", "clients": [
                {"client_id": "a", "client_secret": "b", "redirect_uris": ["http://x.example/cb"], "scopes": ["collab:"]},
                {"client_id": "c", "client_secret": "d", "redirect_uris": ["http://x.example/cb"]}]}"#,
        )
        .unwrap();
        assert_eq!(config.time_format, TimeFormat::Millis);
        assert_eq!(config.clients[0].scopes, vec!["collab:"]);
        assert_eq!(config.clients[1].scopes, DEFAULT_CLIENT_SCOPES);
        config
            .apply_env(|name| (name == "GOTO_SANDBOX_TIME_FORMAT").then(|| "zulu".to_owned()))
            .unwrap();
        assert_eq!(config.time_format, TimeFormat::Zulu);
        assert!(config
            .apply_env(|name| (name == "GOTO_SANDBOX_TIME_FORMAT").then(|| "iso".to_owned()))
            .is_err());
        assert!(SandboxConfig::from_json(r#"{"time_format": "iso"}"#).is_err());
        config.clients[0].scopes = vec!["collab: identity:".into()];
        assert!(config.validate().is_err());
    }

    #[test]
    fn validate_refuses_what_basic_auth_cannot_carry() {
        let mut config = SandboxConfig::default();
        config
            .clients
            .push(RegisteredClient::new("a:b", "s", ["http://x.example/"]));
        assert!(config.validate().is_err());
        config.clients[0].client_id = "a".into();
        config.clients[0].redirect_uris = vec!["/relative".into()];
        assert!(config.validate().is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let client = RegisteredClient::new("a", "hunter2", ["http://x.example/"]);
        assert!(!format!("{client:?}").contains("hunter2"));
    }
}
