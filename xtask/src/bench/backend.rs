//! Building and starting the real backend (release, embedded sandbox), the standalone
//! sandbox and the bare axum baseline, and signing in over HTTP as a browser would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::http;
use super::process::{free_port, Server};
use crate::cmd;

/// An active organizer of the sandbox's seed.
pub const ORGANIZER: &str = "maria.fernandez-castaneda@solaris-logistica.example";
/// The names the backend gives its cookies on a local http address (`session::Cookies`).
pub const SESSION_COOKIE: &str = "meetings-session";
const LOGIN_COOKIE: &str = "meetings-login";

pub struct Binaries {
    pub server: PathBuf,
    pub sandbox: PathBuf,
    pub bare_axum: PathBuf,
}

/// The Cargo profile of the backend binaries (root Cargo.toml): release at opt-level 3.
pub const SERVER_PROFILE: &str = "server";

/// The backend and sandbox with the server profile (as `cargo xtask run` builds them), and the
/// baseline with the same settings.
pub fn build(root: &Path) -> Result<Binaries, String> {
    cmd::run(cmd::cargo(root).args([
        "build",
        "--profile",
        SERVER_PROFILE,
        "--locked",
        "-p",
        "meetings-server",
        "-p",
        "goto-sandbox",
    ]))?;
    let axum_target = root.join("target/bench-axum");
    cmd::run(
        cmd::cargo(&root.join("bench/bare-axum"))
            .args(["build", "--release", "--locked"])
            .env("CARGO_TARGET_DIR", &axum_target),
    )?;
    let out = root.join("target").join(SERVER_PROFILE);
    Ok(Binaries {
        server: out.join("meetings-server"),
        sandbox: out.join("goto-sandbox"),
        bare_axum: axum_target.join("release/bare-axum"),
    })
}

/// A clean environment: no GOTO_* or MEETINGS_* from the caller, so the embedded sandbox runs.
fn clean(program: &Path, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.env_clear().current_dir(dir);
    for name in ["PATH", "HOME"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command.env("RUST_LOG", "warn");
    command
}

/// The real backend on a free port with a fresh data directory under `work`.
pub fn start_backend(
    root: &Path,
    bins: &Binaries,
    work: &Path,
    label: &'static str,
    extra_env: &[(&str, &str)],
) -> Result<Server, String> {
    start_backend_on(free_port()?, root, bins, work, label, extra_env)
}

/// [`start_backend`] on a port chosen beforehand (a standalone sandbox must know the
/// backend's callback address before the backend starts).
pub fn start_backend_on(
    port: u16,
    root: &Path,
    bins: &Binaries,
    work: &Path,
    label: &'static str,
    extra_env: &[(&str, &str)],
) -> Result<Server, String> {
    let data = work.join(format!("data-{label}"));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let mut command = clean(&bins.server, work);
    command
        .env("MEETINGS_ADDR", format!("127.0.0.1:{port}"))
        .env("MEETINGS_DIST", crate::app_build::release_dir(root))
        .env("MEETINGS_DATA_DIR", &data)
        // One person makes every measured call: their share of the GoTo budget (30 a minute
        // by default) is lifted so the probes measure latency, not the share.
        .env("MEETINGS_GOTO_CALLS_PER_PERSON_PER_MINUTE", "1000000");
    for (k, v) in extra_env {
        command.env(k, v);
    }
    Server::start(
        label,
        command,
        port,
        "/readyz",
        &work.join(format!("{label}.log")),
    )
}

pub fn start_bare_axum(bins: &Binaries, work: &Path) -> Result<Server, String> {
    let port = free_port()?;
    let mut command = clean(&bins.bare_axum, work);
    command.arg(port.to_string());
    Server::start("bare-axum", command, port, "/", &work.join("bare-axum.log"))
}

const CLIENT_ID: &str = "bench";
const CLIENT_SECRET: &str = "bench-secret";
const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

/// The standalone sandbox with our own client and its per-token limit off.
pub fn start_sandbox(bins: &Binaries, work: &Path) -> Result<Server, String> {
    start_sandbox_for(bins, work, REDIRECT_URI)
}

/// The standalone sandbox with our own client, redirecting to `redirect_uri`.
pub fn start_sandbox_for(
    bins: &Binaries,
    work: &Path,
    redirect_uri: &str,
) -> Result<Server, String> {
    let port = free_port()?;
    let mut command = clean(&bins.sandbox, work);
    command.args([
        "--port",
        &port.to_string(),
        "--client",
        &format!("{CLIENT_ID}:{CLIENT_SECRET}:{redirect_uri}"),
        "--per-second-limit",
        "0",
    ]);
    Server::start(
        "sandbox",
        command,
        port,
        "/_admin",
        &work.join("sandbox.log"),
    )
}

/// The OAuth code flow against the standalone sandbox, as the backend does it: an access token.
pub fn sandbox_token(port: u16) -> Result<String, String> {
    let authorize = format!(
        "/oauth/v2/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri={}&state=bench&sandbox_approve={}",
        http::encode(REDIRECT_URI),
        http::encode(ORGANIZER)
    );
    let answer = http::get(port, &authorize, &[])?;
    let location = answer.header("location").ok_or_else(|| {
        format!(
            "sandbox authorize answered {}: {}",
            answer.status,
            answer.text()
        )
    })?;
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .ok_or_else(|| format!("no code in {location}"))?;
    let body = format!(
        "grant_type=authorization_code&code={code}&redirect_uri={}",
        http::encode(REDIRECT_URI)
    );
    let basic = format!(
        "Basic {}",
        http::base64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
    );
    let answer = http::request(
        port,
        "POST",
        "/oauth/v2/token",
        &[
            ("Authorization", &basic),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    )?;
    http::json_string(&answer.text(), "access_token").ok_or_else(|| {
        format!(
            "sandbox token answered {}: {}",
            answer.status,
            answer.text()
        )
    })
}

/// A meeting created directly at the sandbox; its id.
pub fn sandbox_meeting(port: u16, token: &str) -> Result<String, String> {
    let (start, end) = meeting_times();
    let body = format!(
        "{{\"subject\":\"Bench\",\"starttime\":\"{start}\",\"endtime\":\"{end}\",\"passwordrequired\":false,\"conferencecallinfo\":\"Hybrid\",\"timezonekey\":\"\",\"meetingtype\":\"scheduled\"}}"
    );
    let bearer = format!("Bearer {token}");
    let answer = http::request(
        port,
        "POST",
        "/G2M/rest/meetings",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        body.as_bytes(),
    )?;
    http::json_number(&answer.text(), "meetingid").ok_or_else(|| {
        format!(
            "sandbox meeting create answered {}: {}",
            answer.status,
            answer.text()
        )
    })
}

/// Signs in at the backend as `email` through the embedded sandbox: the session cookie's value.
pub fn sign_in(port: u16, email: &str) -> Result<String, String> {
    sign_in_at(port, port, email)
}

/// The backend's configuration for GoTo played by the standalone sandbox on `sandbox_port`
/// (the client [`start_sandbox_for`] registers; the seed's main account).
pub fn upstream_env(sandbox_port: u16) -> Vec<(&'static str, String)> {
    let origin = format!("http://127.0.0.1:{sandbox_port}");
    vec![
        ("GOTO_CLIENT_ID", CLIENT_ID.to_owned()),
        ("GOTO_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("GOTO_ACCOUNT_KEY", MAIN_ACCOUNT_KEY.to_owned()),
        ("GOTO_AUTHORIZE_URL", format!("{origin}/oauth/authorize")),
        ("GOTO_TOKEN_URL", format!("{origin}/oauth/token")),
        ("GOTO_API_BASE", origin),
    ]
}

/// The sandbox seed's main account (`sandbox/src/seed.rs`), whose people may sign in.
const MAIN_ACCOUNT_KEY: &str = "9999982253621659654";

/// Signs in at the backend on `port` as `email`, GoTo's authorize page being on
/// `authorize_port` (the backend's own port when the sandbox is embedded).
pub fn sign_in_at(port: u16, authorize_port: u16, email: &str) -> Result<String, String> {
    let login = http::get(port, "/app/api/auth/serviceAction/login", &[])?;
    let login_cookie = login
        .set_cookie(LOGIN_COOKIE)
        .ok_or_else(|| format!("login answered {} without a login cookie", login.status))?;
    let authorize = login
        .location_path()
        .ok_or_else(|| format!("login answered {} without a redirect", login.status))?;
    let approved = http::get(
        authorize_port,
        &format!("{authorize}&sandbox_approve={}", http::encode(email)),
        &[],
    )?;
    let callback = approved.location_path().ok_or_else(|| {
        format!(
            "sandbox authorize answered {}: {}",
            approved.status,
            approved.text()
        )
    })?;
    let cookie = format!("{LOGIN_COOKIE}={login_cookie}");
    let done = http::get(port, &callback, &[("Cookie", &cookie)])?;
    done.set_cookie(SESSION_COOKIE).ok_or_else(|| {
        format!(
            "callback answered {} without a session: {}",
            done.status,
            done.text()
        )
    })
}

/// The session cookie as a `Cookie` header's value.
pub fn session_cookie(session: &str) -> String {
    format!("{SESSION_COOKIE}={session}")
}

pub fn session_header(session: &str) -> String {
    format!("Cookie: {}", session_cookie(session))
}

/// Creates one meeting through the backend; its id.
pub fn create_meeting(port: u16, session: &str) -> Result<String, String> {
    let (start, end) = meeting_times();
    let body = format!("{{\"subject\":\"Bench\",\"starts_at\":\"{start}\",\"ends_at\":\"{end}\"}}");
    let cookie = session_cookie(session);
    let key = format!("bench-{}", now_secs());
    let answer = http::request(
        port,
        "POST",
        "/api/meetings",
        &[
            ("Cookie", &cookie),
            ("X-CSRF", "1"),
            ("Idempotency-Key", &key),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )?;
    http::json_string(&answer.text(), "id").ok_or_else(|| {
        format!(
            "POST /api/meetings answered {}: {}",
            answer.status,
            answer.text()
        )
    })
}

/// Waits (bounded) until the organizer sync has run, so searches have something to find.
pub fn wait_for_organizers(port: u16, session: &str) -> Result<(), String> {
    let cookie = session_cookie(session);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = http::get(port, "/api/organizers?q=mar", &[("Cookie", &cookie)])?;
        if answer.status == 200 && answer.text().contains('{') {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "/api/organizers?q=mar still answers {} after 30 s: {}",
                answer.status,
                answer.text()
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// One hour ahead, whole minutes, and 30 minutes after, as RFC 3339 UTC.
fn meeting_times() -> (String, String) {
    let start = (now_secs() / 60 + 60) * 60;
    (rfc3339(start), rfc3339(start + 30 * 60))
}

/// `2030-03-10T15:00:00Z` from Unix seconds (proleptic Gregorian, UTC).
pub fn rfc3339(secs: u64) -> String {
    let (date, time) = (secs / 86_400, secs % 86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        civil_date(date),
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_instants() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(super::rfc3339(1_893_456_000), "2030-01-01T00:00:00Z");
    }
}
