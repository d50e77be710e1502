//! Configuration from environment variables, validated once at start.
//!
//! The README has the table of variables; a missing or malformed value names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// One GoTo OAuth client (the brief has two: per user, and the admin service account).
#[derive(Clone)]
pub struct OAuthClientConfig {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for OAuthClientConfig {
    // The secret never reaches a log, not even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClientConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// Which of GoTo's two OAuth hosts to use (`MEETINGS_GOTO_HOST`). GoTo's token migration
/// guide retired the brief's `api.getgo.com/oauth/v2/*` pair; the current host's token answer
/// carries no organizer or account key, so the backend learns them from GoTo's identity calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GoToHost {
    /// `authentication.logmeininc.com/oauth/{authorize,token}`.
    #[default]
    Current,
    /// The brief's `api.getgo.com/oauth/v2/{authorize,token}`, for deployments still on it.
    Legacy,
}

impl GoToHost {
    /// The OAuth paths on that host, and the host itself.
    pub fn oauth_paths(self) -> (&'static str, &'static str) {
        match self {
            GoToHost::Current => ("/oauth/authorize", "/oauth/token"),
            GoToHost::Legacy => ("/oauth/v2/authorize", "/oauth/v2/token"),
        }
    }

    fn origin(self) -> &'static str {
        match self {
            GoToHost::Current => "https://authentication.logmeininc.com",
            GoToHost::Legacy => "https://api.getgo.com",
        }
    }
}

/// Where GoTo lives. `authorize_url` is what browsers are sent to; the others are only called
/// by the backend. `api_root` is the API host: G2M at `/G2M/rest`, the Admin API at
/// `/admin/rest/v1`, identity (SCIM) at `/identity/v1`.
#[derive(Clone, Debug)]
pub struct GoToEndpoints {
    pub authorize_url: String,
    pub token_url: String,
    pub api_root: String,
}

/// The scopes each OAuth client asks for (`GOTO_SCOPES`, `GOTO_ADMIN_SCOPES`): what the
/// client was granted in GoTo's developer center. Sent on the authorize request; checked
/// against the token answer's `scope` so a missing grant is named at sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scopes(pub Vec<String>);

impl Scopes {
    /// G2M needs `collab:`; the person's identity (SCIM `Users/me`) `identity:scim.me`.
    pub fn user_default() -> Scopes {
        Scopes(vec!["collab:".into(), "identity:scim.me".into()])
    }
    /// The Admin API (`/me`, the account's users) needs `identity:`.
    pub fn admin_default() -> Scopes {
        Scopes(vec!["identity:".into()])
    }
    pub fn joined(&self) -> String {
        self.0.join(" ")
    }
    fn parse(variable: &'static str, raw: &str) -> Result<Scopes, ConfigError> {
        let scopes: Vec<String> = raw.split_whitespace().map(str::to_owned).collect();
        let printable = |s: &String| {
            s.chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
        };
        if scopes.is_empty() || !scopes.iter().all(printable) {
            return Err(problem(
                variable,
                "must be space-separated OAuth scopes, like `collab: identity:scim.me`",
            ));
        }
        Ok(Scopes(scopes))
    }
}

#[derive(Clone, Debug)]
pub enum Upstream {
    /// Real GoTo (or any server speaking its protocol), with the brief's two clients.
    GoTo {
        endpoints: GoToEndpoints,
        user_client: OAuthClientConfig,
        admin_client: Option<OAuthClientConfig>,
        account_key: Option<String>,
    },
    /// No GoTo client configured: the built-in sandbox, mounted in this process.
    EmbeddedSandbox,
}

/// Where server-side state lives (`MEETINGS_STORE`).
#[derive(Clone, PartialEq, Eq)]
pub enum StoreSetting {
    /// One SQLite file in the data directory: a single replica.
    Sqlite,
    /// A Redis server shared by every replica, e.g. `redis://10.0.0.5:6379/0`. Sessions,
    /// tokens, idempotency, the throttle's log and the refresh lock all live there.
    Redis(String),
}

impl std::fmt::Debug for StoreSetting {
    // A Redis URL may carry a password (`redis://:secret@host`); keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreSetting::Sqlite => f.write_str("Sqlite"),
            StoreSetting::Redis(url) => match url::Url::parse(url) {
                Ok(mut shown) => {
                    if shown.password().is_some() {
                        let _ = shown.set_password(Some("redacted"));
                    }
                    write!(f, "Redis({shown})")
                }
                Err(_) => f.write_str("Redis(<unreadable URL>)"),
            },
        }
    }
}

/// The AES-256 key for tokens and passwords at rest, from `MEETINGS_ENCRYPTION_KEY`.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey(pub [u8; 32]);

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(<redacted>)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// The app's own origin as browsers see it, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    pub dist_dir: PathBuf,
    pub data_dir: PathBuf,
    pub store: StoreSetting,
    /// Required with Redis (every replica must seal and open with the same key); with SQLite
    /// it replaces the generated key file in the data directory.
    pub encryption_key: Option<EncryptionKey>,
    pub upstream: Upstream,
    /// The GoTo OAuth host; the built-in sandbox serves the same paths.
    pub goto_host: GoToHost,
    pub user_scopes: Scopes,
    pub admin_scopes: Scopes,
    pub organizer_sync_every: Duration,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// Sessions the SQLite store keeps opened in memory (`MEETINGS_SESSION_CACHE`, default
    /// 10 000, about 1 KB each): beyond it the least recently used is read from the file again
    /// on its next request, still signed in. Redis keeps none in memory.
    pub session_cache: usize,
    pub upstream_timeout: Duration,
    /// The brief's throttle: GoTo calls per rolling minute for the whole deployment.
    pub goto_requests_per_minute: usize,
    /// GoTo's own limit, calls in any second (`MEETINGS_GOTO_REQUESTS_PER_SECOND`, default 10).
    /// Only worth changing against a GoTo that allows more, e.g. the embedded sandbox in
    /// `cargo xtask bench`, which signs in 10 000 people.
    pub goto_requests_per_second: usize,
    /// Sign-in callbacks one client address may make a minute (`MEETINGS_SIGN_INS_PER_IP_PER_MINUTE`).
    pub sign_ins_per_ip_per_minute: std::num::NonZeroU32,
    /// GoTo calls one person may make in any minute, so nobody takes the whole budget
    /// (`MEETINGS_GOTO_CALLS_PER_PERSON_PER_MINUTE`, default 30% of the minute's budget).
    pub goto_calls_per_person_per_minute: usize,
    /// How long a request may wait for a slot in that budget before it gets 429.
    pub throttle_max_wait: Duration,
    /// Service accounts allowed to make the admin connection (`GOTO_ADMIN_EMAILS`, comma
    /// separated); empty means any admin of the configured account.
    pub allowed_admin_emails: Vec<String>,
    /// The portal embedding the app is another site: the session cookie is then
    /// `SameSite=None; Partitioned` (`MEETINGS_COOKIE_SAMESITE=none`).
    pub cross_site_cookies: bool,
    /// The brief's optional 24-hour support log of GoTo calls; off when unset.
    pub support_log_dir: Option<PathBuf>,
    /// CSP `frame-ancestors`: who may embed the app (the intranet portal).
    pub frame_ancestors: String,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

const ABOVE_ZERO: &str = "must be a whole number above 0";

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads configuration through `lookup` so tests can pass a map instead of the process env.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = Config::read(lookup)?;
        if config.goto_calls_per_person_per_minute == 0 {
            config.goto_calls_per_person_per_minute =
                (config.goto_requests_per_minute * 3 / 10).max(1);
        }
        Ok(config)
    }

    fn read(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let addr: SocketAddr = lookup("MEETINGS_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|e| problem("MEETINGS_ADDR", format!("not an address:port ({e})")))?;
        let public_url = lookup("MEETINGS_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        let parsed = url::Url::parse(&public_url)
            .map_err(|e| problem("MEETINGS_PUBLIC_URL", format!("not a URL ({e})")))?;
        if parsed.path() != "/" || parsed.query().is_some() {
            return Err(problem(
                "MEETINGS_PUBLIC_URL",
                "must be an origin only, like https://meetings.example.com",
            ));
        }
        let loopback = is_loopback_url(&parsed);
        if parsed.scheme() != "https" && !loopback {
            return Err(problem(
                "MEETINGS_PUBLIC_URL",
                "must use https (plain http is allowed only on loopback for local runs)",
            ));
        }
        let goto_host = match lookup("MEETINGS_GOTO_HOST").as_deref() {
            None | Some("current") => GoToHost::Current,
            Some("legacy") => GoToHost::Legacy,
            Some(_) => {
                return Err(problem(
                    "MEETINGS_GOTO_HOST",
                    "must be current (authentication.logmeininc.com) or legacy (api.getgo.com/oauth/v2)",
                ))
            }
        };
        let upstream = upstream(&lookup, loopback, goto_host)?;
        // Every count and rate: absent means the default; given, a whole number above 0.
        let count = |name: &'static str, default: usize| -> Result<usize, ConfigError> {
            match lookup(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| problem(name, ABOVE_ZERO)),
            }
        };
        let seconds = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            match lookup(name) {
                None => Ok(Duration::from_secs(default)),
                Some(v) => v
                    .parse::<u64>()
                    .map(Duration::from_secs)
                    .map_err(|_| problem(name, "must be a whole number of seconds")),
            }
        };
        let store = match lookup("MEETINGS_STORE") {
            None => StoreSetting::Sqlite,
            Some(v) if v == "sqlite" => StoreSetting::Sqlite,
            Some(v) => StoreSetting::Redis(redis_url(&v)?),
        };
        let encryption_key = match lookup("MEETINGS_ENCRYPTION_KEY") {
            Some(v) => Some(encryption_key(&v)?),
            None if matches!(store, StoreSetting::Redis(_)) => {
                return Err(problem(
                    "MEETINGS_ENCRYPTION_KEY",
                    "is required when MEETINGS_STORE is a Redis URL, so that every replica \
                     seals and opens tokens with the same key (64 hex characters, e.g. from \
                     `openssl rand -hex 32`)",
                ))
            }
            None => None,
        };
        Ok(Config {
            addr,
            public_url,
            dist_dir: lookup("MEETINGS_DIST")
                .unwrap_or_else(|| "target/app".into())
                .into(),
            data_dir: lookup("MEETINGS_DATA_DIR")
                .unwrap_or_else(|| "data".into())
                .into(),
            store,
            encryption_key,
            upstream,
            goto_host,
            user_scopes: match lookup("GOTO_SCOPES") {
                None => Scopes::user_default(),
                Some(v) => Scopes::parse("GOTO_SCOPES", &v)?,
            },
            admin_scopes: match lookup("GOTO_ADMIN_SCOPES") {
                None => Scopes::admin_default(),
                Some(v) => Scopes::parse("GOTO_ADMIN_SCOPES", &v)?,
            },
            organizer_sync_every: seconds("MEETINGS_ORGANIZER_SYNC_SECONDS", 15 * 60)?,
            session_idle: seconds("MEETINGS_SESSION_IDLE_SECONDS", 8 * 3600)?,
            session_max: seconds("MEETINGS_SESSION_MAX_SECONDS", 30 * 24 * 3600)?,
            session_cache: count(
                "MEETINGS_SESSION_CACHE",
                crate::store::DEFAULT_SESSION_CACHE,
            )?,
            upstream_timeout: seconds("MEETINGS_UPSTREAM_TIMEOUT_SECONDS", 15)?,
            goto_requests_per_minute: count("MEETINGS_GOTO_REQUESTS_PER_MINUTE", 100)?,
            goto_requests_per_second: count("MEETINGS_GOTO_REQUESTS_PER_SECOND", 10)?,
            throttle_max_wait: seconds("MEETINGS_THROTTLE_MAX_WAIT_SECONDS", 10)?,
            // 0 until `from_lookup` derives it from the account's rate.
            goto_calls_per_person_per_minute: count(
                "MEETINGS_GOTO_CALLS_PER_PERSON_PER_MINUTE",
                0,
            )?,
            sign_ins_per_ip_per_minute: {
                const NAME: &str = "MEETINGS_SIGN_INS_PER_IP_PER_MINUTE";
                u32::try_from(count(NAME, 20)?)
                    .ok()
                    .and_then(std::num::NonZeroU32::new)
                    .ok_or_else(|| problem(NAME, ABOVE_ZERO))?
            },
            support_log_dir: lookup("MEETINGS_SUPPORT_LOG_DIR").map(PathBuf::from),
            allowed_admin_emails: lookup("GOTO_ADMIN_EMAILS")
                .map(|v| {
                    v.split(',')
                        .map(|e| e.trim().to_owned())
                        .filter(|e| !e.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            cross_site_cookies: match lookup("MEETINGS_COOKIE_SAMESITE").as_deref() {
                None | Some("lax") => false,
                Some("none") => true,
                Some(_) => {
                    return Err(problem(
                        "MEETINGS_COOKIE_SAMESITE",
                        "must be lax (portal on the same site) or none (portal on another site)",
                    ))
                }
            },
            frame_ancestors: match lookup("MEETINGS_FRAME_ANCESTORS") {
                None => "'self'".into(),
                Some(v) => frame_ancestors(&v)?,
            },
        })
    }
}

/// The brief's account ID: with real GoTo it is required, since it limits who may sign in and
/// whose users "All organizers" are.
/// Where GoTo is: the built-in sandbox unless a client is configured (only on loopback, or on
/// a public address when asked for by name), else GoTo with its clients and endpoints.
fn upstream(
    lookup: &impl Fn(&str) -> Option<String>,
    loopback: bool,
    goto_host: GoToHost,
) -> Result<Upstream, ConfigError> {
    Ok(match lookup("GOTO_CLIENT_ID") {
        // The built-in sandbox answers every sign-in with a made-up person: on a public
        // address it runs only when asked for by name.
        None if loopback || lookup("MEETINGS_SANDBOX").as_deref() == Some("on") => {
            Upstream::EmbeddedSandbox
        }
        None => {
            return Err(problem(
                "GOTO_CLIENT_ID",
                "is required on a public address (set MEETINGS_SANDBOX=on to run the built-in GoTo sandbox there for a demo)",
            ))
        }
        Some(client_id) => {
            let client_secret = lookup("GOTO_CLIENT_SECRET").ok_or_else(|| {
                problem(
                    "GOTO_CLIENT_SECRET",
                    "is required when GOTO_CLIENT_ID is set",
                )
            })?;
            let admin_client = match lookup("GOTO_ADMIN_CLIENT_ID") {
                None => None,
                // The service account's token reads the whole directory: only named
                // admins may connect it, never "whoever signs in first".
                Some(_) if lookup("GOTO_ADMIN_EMAILS").is_none() => {
                    return Err(problem(
                        "GOTO_ADMIN_EMAILS",
                        "is required when GOTO_ADMIN_CLIENT_ID is set: the e-mails of the service accounts allowed to connect",
                    ))
                }
                Some(id) => Some(OAuthClientConfig {
                    client_id: id,
                    client_secret: lookup("GOTO_ADMIN_CLIENT_SECRET").ok_or_else(|| {
                        problem(
                            "GOTO_ADMIN_CLIENT_SECRET",
                            "is required when GOTO_ADMIN_CLIENT_ID is set",
                        )
                    })?,
                }),
            };
            let (authorize_path, token_path) = goto_host.oauth_paths();
            Upstream::GoTo {
                endpoints: GoToEndpoints {
                    authorize_url: lookup("GOTO_AUTHORIZE_URL")
                        .unwrap_or_else(|| format!("{}{authorize_path}", goto_host.origin())),
                    token_url: lookup("GOTO_TOKEN_URL")
                        .unwrap_or_else(|| format!("{}{token_path}", goto_host.origin())),
                    api_root: api_root(lookup("GOTO_API_BASE"))?,
                },
                user_client: OAuthClientConfig {
                    client_id,
                    client_secret,
                },
                admin_client,
                account_key: Some(account_key(lookup("GOTO_ACCOUNT_KEY"))?),
            }
        }
    })
}

fn account_key(value: Option<String>) -> Result<String, ConfigError> {
    let value = value.ok_or_else(|| {
        problem(
            "GOTO_ACCOUNT_KEY",
            "is required when GOTO_CLIENT_ID is set: the GoTo account ID whose people may sign in",
        )
    })?;
    let value = value.trim();
    if value.is_empty() || value.len() > 32 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem("GOTO_ACCOUNT_KEY", "must be the account's digits"));
    }
    Ok(value.to_owned())
}

/// CSP `frame-ancestors` as exact origins only (`'self'`, `'none'`, `https://portal.example.com`,
/// plain http only on loopback): no `*`, no bare scheme, no wildcard host, no path.
fn frame_ancestors(value: &str) -> Result<String, ConfigError> {
    let bad = |what: &str| {
        problem(
            "MEETINGS_FRAME_ANCESTORS",
            format!("{what}: give exact origins separated by spaces, like 'self' https://portal.example.com"),
        )
    };
    let mut out = Vec::new();
    for source in value.split_whitespace() {
        if source == "'self'" || source == "'none'" {
            out.push(source.to_owned());
            continue;
        }
        if source.contains(['*', ',', ';', '\'', '"']) {
            return Err(bad(&format!("{source:?} is not an exact origin")));
        }
        let url =
            url::Url::parse(source).map_err(|_| bad(&format!("{source:?} is not an origin")))?;
        let loopback = is_loopback_url(&url);
        let origin_only = url.path() == "/"
            && !source.ends_with('/')
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
        if !origin_only || !scheme_ok || url.host_str().is_none_or(str::is_empty) {
            return Err(bad(&format!("{source:?} is not an https origin")));
        }
        out.push(url.origin().ascii_serialization());
    }
    if out.is_empty() {
        return Err(bad("empty"));
    }
    Ok(out.join(" "))
}

/// GoTo's API host. Older configurations gave the G2M base (`…/G2M/rest`); that still works.
fn api_root(value: Option<String>) -> Result<String, ConfigError> {
    let raw = value.unwrap_or_else(|| "https://api.getgo.com".into());
    let root = raw.trim_end_matches('/');
    let root = root.strip_suffix("/G2M/rest").unwrap_or(root).to_owned();
    match url::Url::parse(&root) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.query().is_none() => Ok(root),
        _ => Err(problem(
            "GOTO_API_BASE",
            "must be GoTo's API host, like https://api.getgo.com",
        )),
    }
}

/// `redis://host[:port][/db]`, checked here so a typo fails at start, not at the first request.
fn redis_url(value: &str) -> Result<String, ConfigError> {
    const VARIABLE: &str = "MEETINGS_STORE";
    let expected = "must be empty (SQLite in MEETINGS_DATA_DIR), `sqlite`, or a Redis URL like \
                    redis://127.0.0.1:6379/0";
    let parsed = url::Url::parse(value).map_err(|_| problem(VARIABLE, expected))?;
    match parsed.scheme() {
        "redis" => {}
        "rediss" => {
            return Err(problem(
                VARIABLE,
                "rediss:// (TLS) is not built in; reach Redis over a private network with redis://",
            ))
        }
        _ => return Err(problem(VARIABLE, expected)),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(problem(VARIABLE, "the Redis URL has no host"));
    }
    let db = parsed.path().trim_start_matches('/');
    if !db.is_empty() && db.parse::<u16>().is_err() {
        return Err(problem(
            VARIABLE,
            "the Redis URL's path must be a database number, like /0",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(problem(VARIABLE, expected));
    }
    Ok(value.to_owned())
}

fn encryption_key(value: &str) -> Result<EncryptionKey, ConfigError> {
    hex::decode(value.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(EncryptionKey)
        .ok_or_else(|| {
            problem(
                "MEETINGS_ENCRYPTION_KEY",
                "must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`",
            )
        })
}

impl Config {
    /// Loopback on a free port with the embedded sandbox: what tests and benchmarks start.
    pub fn local_sandbox(data_dir: PathBuf, dist_dir: PathBuf) -> Config {
        let mut config = Config::from_lookup(|name| match name {
            "MEETINGS_ADDR" => Some("127.0.0.1:0".into()),
            _ => None,
        })
        .expect("the defaults are valid");
        config.data_dir = data_dir;
        config.dist_dir = dist_dir;
        // Every test and benchmark comes from 127.0.0.1: the per-address limit is for the
        // tests that are about it.
        config.sign_ins_per_ip_per_minute = std::num::NonZeroU32::MAX;
        config.goto_calls_per_person_per_minute = usize::MAX;
        config
    }

    /// Whether the app's public URL is on this machine (local runs and tests).
    pub fn is_loopback(&self) -> bool {
        url::Url::parse(&self.public_url).is_ok_and(|u| is_loopback_url(&u))
    }

    pub fn user_redirect_uri(&self) -> String {
        format!("{}/app/api/auth/serviceAction/callback", self.public_url)
    }

    pub fn admin_redirect_uri(&self) -> String {
        format!("{}/admin/api/gwsc/auth/serverContext", self.public_url)
    }
}

/// The hosts a local run may use over plain http: this machine's own names.
pub fn is_loopback_url(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_sandbox_on_8080() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(matches!(c.upstream, Upstream::EmbeddedSandbox));
        // Where `cargo xtask build` writes the release build (xtask's `RELEASE_DIR`), not
        // trunk's `dist/`, which `trunk serve` rebuilds.
        assert_eq!(c.dist_dir, std::path::Path::new("target/app"));
    }

    #[test]
    fn the_current_goto_host_is_the_default_and_the_legacy_one_a_setting() {
        let goto = |extra: &[(&str, &str)]| {
            let mut vars = vec![
                ("GOTO_CLIENT_ID", "id"),
                ("GOTO_CLIENT_SECRET", "s"),
                ("GOTO_ACCOUNT_KEY", "9999982253621659654"),
            ];
            vars.extend_from_slice(extra);
            match config(&vars).unwrap().upstream {
                Upstream::GoTo { endpoints, .. } => endpoints,
                Upstream::EmbeddedSandbox => panic!("GoTo expected"),
            }
        };
        let current = goto(&[]);
        assert_eq!(
            current.authorize_url,
            "https://authentication.logmeininc.com/oauth/authorize"
        );
        assert_eq!(
            current.token_url,
            "https://authentication.logmeininc.com/oauth/token"
        );
        assert_eq!(current.api_root, "https://api.getgo.com");
        let legacy = goto(&[("MEETINGS_GOTO_HOST", "legacy")]);
        assert_eq!(
            legacy.authorize_url,
            "https://api.getgo.com/oauth/v2/authorize"
        );
        assert_eq!(legacy.token_url, "https://api.getgo.com/oauth/v2/token");
        // An old G2M base still means the same API host.
        let old = goto(&[("GOTO_API_BASE", "https://api.getgo.com/G2M/rest/")]);
        assert_eq!(old.api_root, "https://api.getgo.com");
        assert_eq!(config(&[]).unwrap().goto_host, GoToHost::Current);
        let err = config(&[("MEETINGS_GOTO_HOST", "v2")]).unwrap_err();
        assert_eq!(err.variable, "MEETINGS_GOTO_HOST");
    }

    #[test]
    fn scopes_default_to_what_each_client_needs() {
        let c = config(&[]).unwrap();
        assert_eq!(c.user_scopes.joined(), "collab: identity:scim.me");
        assert_eq!(c.admin_scopes.joined(), "identity:");
        let c = config(&[("GOTO_SCOPES", "  collab:   identity: ")]).unwrap();
        assert_eq!(c.user_scopes.joined(), "collab: identity:");
        let err = config(&[("GOTO_ADMIN_SCOPES", "identity:\"x")]).unwrap_err();
        assert_eq!(err.variable, "GOTO_ADMIN_SCOPES");
    }

    #[test]
    fn real_goto_needs_the_account_and_the_allowed_admins() {
        let base = [("GOTO_CLIENT_ID", "id"), ("GOTO_CLIENT_SECRET", "s")];
        assert_eq!(config(&base).unwrap_err().variable, "GOTO_ACCOUNT_KEY");
        let mut with_account = base.to_vec();
        with_account.push(("GOTO_ACCOUNT_KEY", "x12"));
        assert_eq!(
            config(&with_account).unwrap_err().variable,
            "GOTO_ACCOUNT_KEY"
        );
        with_account.pop();
        with_account.push(("GOTO_ACCOUNT_KEY", "9999982253621659654"));
        assert!(config(&with_account).is_ok());
        with_account.extend([
            ("GOTO_ADMIN_CLIENT_ID", "a"),
            ("GOTO_ADMIN_CLIENT_SECRET", "b"),
        ]);
        assert_eq!(
            config(&with_account).unwrap_err().variable,
            "GOTO_ADMIN_EMAILS"
        );
        with_account.push(("GOTO_ADMIN_EMAILS", "admin@example.com"));
        assert!(config(&with_account).is_ok());
    }

    #[test]
    fn the_sandbox_runs_on_a_public_address_only_when_asked_for() {
        let public = [("MEETINGS_PUBLIC_URL", "https://meetings.example.com")];
        assert_eq!(config(&public).unwrap_err().variable, "GOTO_CLIENT_ID");
        let asked = [
            ("MEETINGS_PUBLIC_URL", "https://meetings.example.com"),
            ("MEETINGS_SANDBOX", "on"),
        ];
        assert!(matches!(
            config(&asked).unwrap().upstream,
            Upstream::EmbeddedSandbox
        ));
    }

    #[test]
    fn frame_ancestors_are_exact_origins() {
        let c = config(&[(
            "MEETINGS_FRAME_ANCESTORS",
            "'self'  https://portal.example.com https://intra.example.com:8443",
        )])
        .unwrap();
        assert_eq!(
            c.frame_ancestors,
            "'self' https://portal.example.com https://intra.example.com:8443"
        );
        for bad in [
            "*",
            "https:",
            "https://*.example.com",
            "https://a.example.com,https://b.example.com",
            "https://portal.example.com/path",
            "http://portal.example.com",
            "portal.example.com",
            "'unsafe-inline'",
            "https://a.example.com; script-src *",
            " ",
        ] {
            let vars = [("MEETINGS_FRAME_ANCESTORS", bad)];
            assert_eq!(
                config(&vars).unwrap_err().variable,
                "MEETINGS_FRAME_ANCESTORS",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_client_id_without_secret_names_the_missing_variable() {
        let err = config(&[("GOTO_CLIENT_ID", "abc")]).unwrap_err();
        assert_eq!(err.variable, "GOTO_CLIENT_SECRET");
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let err = config(&[("MEETINGS_PUBLIC_URL", "http://meetings.example.com")]).unwrap_err();
        assert_eq!(err.variable, "MEETINGS_PUBLIC_URL");
        assert!(config(&[
            ("MEETINGS_PUBLIC_URL", "https://meetings.example.com"),
            ("MEETINGS_SANDBOX", "on")
        ])
        .is_ok());
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let c = OAuthClientConfig {
            client_id: "id".into(),
            client_secret: "s3cr3t".into(),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_store_is_sqlite_unless_a_redis_url_is_given() {
        assert_eq!(config(&[]).unwrap().store, StoreSetting::Sqlite);
        assert_eq!(
            config(&[("MEETINGS_STORE", "sqlite")]).unwrap().store,
            StoreSetting::Sqlite
        );
        let key = "ab".repeat(32);
        let c = config(&[
            ("MEETINGS_STORE", "redis://10.0.0.5:6379/2"),
            ("MEETINGS_ENCRYPTION_KEY", &key),
        ])
        .unwrap();
        assert_eq!(
            c.store,
            StoreSetting::Redis("redis://10.0.0.5:6379/2".into())
        );
        assert_eq!(c.encryption_key, Some(EncryptionKey([0xab; 32])));
    }

    #[test]
    fn a_malformed_store_names_the_variable() {
        let key = "ab".repeat(32);
        for bad in [
            "postgres://db/x",
            "redis://",
            "redis://host:6379/zero",
            "rediss://host:6379",
            "host:6379",
        ] {
            let err =
                config(&[("MEETINGS_STORE", bad), ("MEETINGS_ENCRYPTION_KEY", &key)]).unwrap_err();
            assert_eq!(err.variable, "MEETINGS_STORE", "{bad}");
        }
    }

    #[test]
    fn redis_needs_a_shared_encryption_key_of_64_hex_characters() {
        let err = config(&[("MEETINGS_STORE", "redis://127.0.0.1:6379")]).unwrap_err();
        assert_eq!(err.variable, "MEETINGS_ENCRYPTION_KEY");
        assert!(err.to_string().contains("required"), "{err}");
        for bad in ["abc", &"zz".repeat(32), &"ab".repeat(31)] {
            let err = config(&[("MEETINGS_ENCRYPTION_KEY", bad)]).unwrap_err();
            assert_eq!(err.variable, "MEETINGS_ENCRYPTION_KEY");
        }
        // Optional with SQLite, where the key file stays the default.
        assert_eq!(config(&[]).unwrap().encryption_key, None);
    }

    #[test]
    fn the_key_and_a_redis_password_stay_out_of_debug_output() {
        let c = config(&[
            ("MEETINGS_STORE", "redis://:pa55word@10.0.0.5:6379"),
            ("MEETINGS_ENCRYPTION_KEY", &"ab".repeat(32)),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(!shown.contains("abab"), "{shown}");
    }
}
