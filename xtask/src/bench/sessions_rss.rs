//! Peak RSS of the backend holding many live sessions: sign in N times over HTTP through the
//! real flow (login → sandbox authorize → callback → token exchange), each new session then
//! making an authenticated request, then read VmHWM from /proc/<pid>/status.
//!
//! GoTo is played by the standalone sandbox in its own process, configured as a real GoTo
//! would be (`GOTO_*`), so the figure is the backend's alone: the sandbox keeps every token
//! it issues, and 100 000 sign-ins took it to 183 MB by itself (measured), which inside the
//! backend (the embedded sandbox, with its state file compacted on the way) made a peak of
//! 407 MB that said nothing about the backend.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::backend::{self, Binaries};
use super::http;
use super::process::free_port;

/// The target count, and the default (`BENCH_SESSIONS` changes it): ten times the
/// store's default session cache, so most sessions have been let go from memory by the end.
pub const GOAL_SESSIONS: usize = 100_000;
pub const DEFAULT_SESSIONS: usize = GOAL_SESSIONS;
pub const PARALLEL: usize = 8;
/// Every sign-in's token exchange passes the backend's GoTo budget, 100 a minute and 10 a
/// second for the whole deployment, which would make 100 000 sign-ins take hours.
/// GoTo here is the embedded sandbox, which has no such limit on the token endpoint, so the
/// bench raises both through the backend's own settings; the flow itself is unchanged.
pub const PER_MINUTE_OVERRIDE: &str = "10000000";
pub const PER_SECOND_OVERRIDE: &str = "1000000";
/// Every sign-in here comes from 127.0.0.1, so the per-address sign-in limit (20 a minute by
/// default, there to slow down a script at the callback) is lifted the same way.
pub const SIGN_INS_PER_IP_OVERRIDE: &str = "100000000";
/// No sign-in loop runs past this.
pub const TIME_LIMIT_SECONDS: u64 = 600;

pub struct SessionsRss {
    pub target: usize,
    pub created: usize,
    pub failures: usize,
    pub seconds: f64,
    pub hwm_idle_kb: u64,
    pub hwm_kb: u64,
    pub rss_kb: u64,
    pub last_session_ok: bool,
    /// Sessions whose first `GET /api/session` named the person signed in.
    pub verified: usize,
    /// Sessions whose `GET /api/session` still named the person once all had been made.
    pub still_signed_in: usize,
    pub check_seconds: f64,
}

pub fn target_count() -> usize {
    std::env::var("BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_SESSIONS)
        .min(GOAL_SESSIONS)
}

pub fn measure(root: &Path, bins: &Binaries, work: &Path) -> Result<SessionsRss, String> {
    let target = target_count();
    let port = free_port()?;
    let callback = format!("http://127.0.0.1:{port}/app/api/auth/serviceAction/callback");
    let sandbox = backend::start_sandbox_for(bins, work, &callback)?;
    let upstream = backend::upstream_env(sandbox.port);
    let mut env: Vec<(&str, &str)> = vec![
        ("MEETINGS_GOTO_REQUESTS_PER_MINUTE", PER_MINUTE_OVERRIDE),
        ("MEETINGS_GOTO_REQUESTS_PER_SECOND", PER_SECOND_OVERRIDE),
        (
            "MEETINGS_SIGN_INS_PER_IP_PER_MINUTE",
            SIGN_INS_PER_IP_OVERRIDE,
        ),
    ];
    env.extend(upstream.iter().map(|(k, v)| (*k, v.as_str())));
    let server = backend::start_backend_on(port, root, bins, work, "backend-sessions", &env)?;
    let authorize_port = sandbox.port;
    // Let the start-up organizer sync finish before the idle reading.
    std::thread::sleep(Duration::from_secs(2));
    let hwm_idle_kb = server.status_kb("VmHWM")?;
    let next = AtomicUsize::new(0);
    let created = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let verified = AtomicUsize::new(0);
    let made = std::sync::Mutex::new(Vec::<String>::with_capacity(target));
    let deadline = Instant::now() + Duration::from_secs(TIME_LIMIT_SECONDS);
    let started = Instant::now();
    println!("xtask: signing in {target} sessions, {PARALLEL} at a time");
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= target || Instant::now() > deadline || failures.load(Ordering::SeqCst) > 50
                {
                    return;
                }
                match backend::sign_in_at(port, authorize_port, backend::ORGANIZER) {
                    Ok(session) => {
                        let n = created.fetch_add(1, Ordering::SeqCst) + 1;
                        if signed_in(port, &session) {
                            verified.fetch_add(1, Ordering::SeqCst);
                        }
                        if n.is_multiple_of(1000) {
                            println!("  {n} sessions");
                        }
                        made.lock().unwrap_or_else(|p| p.into_inner()).push(session);
                    }
                    Err(e) => {
                        if failures.fetch_add(1, Ordering::SeqCst) < 3 {
                            println!("  sign-in failed: {e}");
                        }
                    }
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let made = made.into_inner().unwrap_or_else(|p| p.into_inner());
    // Still signed in once all the others exist: the last made (in memory), and then every
    // one, most of them let go from the store's bounded cache and read back from the file.
    let last_session_ok = made.last().is_some_and(|session| signed_in(port, session));
    println!("xtask: checking all {} sessions again", made.len());
    let checked = Instant::now();
    let still = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for part in made.chunks(made.len().div_ceil(PARALLEL).max(1)) {
            let still = &still;
            scope.spawn(move || {
                let ok = part.iter().filter(|s| signed_in(port, s)).count();
                still.fetch_add(ok, Ordering::SeqCst);
            });
        }
    });
    let check_seconds = checked.elapsed().as_secs_f64();
    Ok(SessionsRss {
        target,
        created: created.into_inner(),
        failures: failures.into_inner(),
        seconds,
        hwm_idle_kb,
        hwm_kb: server.status_kb("VmHWM")?,
        rss_kb: server.status_kb("VmRSS")?,
        last_session_ok,
        verified: verified.into_inner(),
        still_signed_in: still.into_inner(),
        check_seconds,
    })
}

/// `GET /api/session` with this session answers with the person: the session is live.
fn signed_in(port: u16, session: &str) -> bool {
    let cookie = format!("{}={session}", backend::SESSION_COOKIE);
    http::get(port, "/api/session", &[("Cookie", &cookie)])
        .is_ok_and(|r| r.status == 200 && r.text().contains("\"user\":{"))
}
