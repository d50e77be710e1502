//! Peak RSS of the backend holding many live sessions: sign in N times over HTTP (8 at a
//! time), then read VmHWM from /proc/<pid>/status.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::backend::{self, Binaries};
use super::http;

/// The target count.
pub const GOAL_SESSIONS: usize = 10_000;
/// Signed in by default: every sign-in's token exchange passes the backend's hard-coded GoTo
/// window (10 calls per 1.2 s), so 10 000 take at least 20 minutes; `BENCH_SESSIONS` changes it.
pub const DEFAULT_SESSIONS: usize = 1_000;
pub const PARALLEL: usize = 8;
pub const PER_MINUTE_OVERRIDE: &str = "100000";

pub struct SessionsRss {
    pub target: usize,
    pub created: usize,
    pub failures: usize,
    pub seconds: f64,
    pub hwm_idle_kb: u64,
    pub hwm_kb: u64,
    pub rss_kb: u64,
    pub last_session_ok: bool,
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
    // The per-minute budget would otherwise allow 100 sign-ins a minute.
    let server = backend::start_backend(
        root,
        bins,
        work,
        "backend-sessions",
        &[("MEETINGS_GOTO_REQUESTS_PER_MINUTE", PER_MINUTE_OVERRIDE)],
    )?;
    // Let the start-up organizer sync finish before the idle reading.
    std::thread::sleep(Duration::from_secs(2));
    let hwm_idle_kb = server.status_kb("VmHWM")?;
    let port = server.port;
    let next = AtomicUsize::new(0);
    let created = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let last = std::sync::Mutex::new(None::<String>);
    // At 8.3 sign-ins a second, plus room; no loop runs past it.
    let deadline = Instant::now() + Duration::from_secs(60 + target as u64 / 6);
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
                match backend::sign_in(port, backend::ORGANIZER) {
                    Ok(session) => {
                        let n = created.fetch_add(1, Ordering::SeqCst) + 1;
                        if n.is_multiple_of(250) {
                            println!("  {n} sessions");
                        }
                        *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
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
    let last_session_ok = match last.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(session) => {
            let cookie = backend::session_header(&session);
            let value = cookie.strip_prefix("Cookie: ").unwrap_or(&cookie);
            http::get(port, "/api/session", &[("Cookie", value)])
                .is_ok_and(|r| r.status == 200 && r.text().contains("\"user\":{"))
        }
        None => false,
    };
    Ok(SessionsRss {
        target,
        created: created.into_inner(),
        failures: failures.into_inner(),
        seconds,
        hwm_idle_kb,
        hwm_kb: server.status_kb("VmHWM")?,
        rss_kb: server.status_kb("VmRSS")?,
        last_session_ok,
    })
}
