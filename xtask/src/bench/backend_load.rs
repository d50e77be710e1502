//! Backend load from a second process on loopback: wrk against the real backend (release,
//! embedded sandbox), against a bare axum handler and against the standalone sandbox; and a
//! sequential latency probe for the meeting fetch, which the GoTo throttle caps.

use std::path::Path;
use std::time::{Duration, Instant};

use super::backend::{self, Binaries};
use super::http;
use super::process::Server;
use super::wrk::{self, Load};

/// One wrk row of the report.
pub struct Row {
    pub what: String,
    pub command: String,
    pub load: Result<Load, String>,
}

/// The rows' names the goals are read from (`report.rs`).
pub const SESSION_ROW: &str = "backend `GET /api/session` (signed in)";
pub const BARE_ROW: &str = "bare axum 0.8.9 handler, small JSON (baseline)";
pub const WASM_ROW: &str = "backend hashed `.wasm`, `Accept-Encoding: br`";
pub const STATIC_LATENCY_ROW: &str =
    "backend hashed `.js`, `Accept-Encoding: br`, one keep-alive connection";

/// Sequential latencies (one request at a time, new connection each).
pub struct Probe {
    pub what: String,
    pub samples: Vec<f64>,
    pub failures: usize,
}

impl Probe {
    /// Nearest-rank percentile in milliseconds.
    pub fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}

pub struct BackendLoad {
    pub rows: Vec<Row>,
    pub probes: Vec<Probe>,
    pub wasm_file: String,
}

/// Requests in each sequential probe and the spacing between any two starts. The probes take
/// turns, so a backend sees one request every 300 ms on average (150 or 450 ms apart, as each
/// round starts with the next probe; with three targets, 450 ms): 80 of them, at most 4 in any
/// 1.2 s, stay inside the backend's GoTo windows (10 per 1.2 s; 100 a minute with the sign-in,
/// organizer sync and create), so the throttle never delays one.
pub const PROBE_COUNT: usize = 80;
/// Waited after a backend's set-up (sign-in, organizer sync, create) before probing, so its
/// GoTo windows have emptied and the probe's first requests wait for none of those calls.
const GOTO_WINDOWS_EMPTY: Duration = Duration::from_millis(1500);
pub const PROBE_SPACING: Duration = Duration::from_millis(150);

pub fn measure(root: &Path, bins: &Binaries, work: &Path) -> Result<BackendLoad, String> {
    let mut rows = Vec::new();
    let mut probes = Vec::new();

    {
        let bare = backend::start_bare_axum(bins, work)?;
        rows.push(row(BARE_ROW, bare.port, "/", &[]));
    }

    let built = |suffix: &str| -> Result<String, String> {
        std::fs::read_dir(crate::app_build::release_dir(root))
            .map_err(|e| format!("dist: {e}"))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(suffix))
            .ok_or_else(|| format!("dist has no {suffix}: build the app first"))
    };
    let wasm_file = built(".wasm")?;
    let js_file = built(".js")?;
    let favicon_file = built(".svg")?;
    // The standalone sandbox runs beside the backend so the two latency probes can take turns:
    // run one after the other, any drift in the host between them entered their ratio.
    let ReadySandbox {
        server: sandbox,
        bearer,
        path: sandbox_path,
    } = ready_sandbox(bins, work)?;
    {
        let ready = ready_backend(root, bins, work, "backend-load", &[])?;
        let server = &ready.server;
        let cookie = backend::session_header(&ready.session);
        let cookie = cookie.as_str();
        rows.push(row(SESSION_ROW, server.port, "/api/session", &[cookie]));
        rows.push(row(
            "backend `GET /api/organizers?q=mar`",
            server.port,
            "/api/organizers?q=mar",
            &[cookie],
        ));
        // The built app, from memory (`server/src/built_files.rs`): one connection fetching
        // a hashed file, as a browser does one file after another (Nagle's delay showed here
        // as 43 ms), then 16 connections for each kind of file.
        rows.push(row_shaped(
            STATIC_LATENCY_ROW,
            server.port,
            &format!("/{js_file}"),
            &["Accept-Encoding: br"],
            wrk::ONE_CONNECTION,
        ));
        rows.push(row(
            "backend hashed favicon `.svg`, no `Accept-Encoding`",
            server.port,
            &format!("/{favicon_file}"),
            &[],
        ));
        rows.push(row(
            "backend hashed `.js`, `Accept-Encoding: br`",
            server.port,
            &format!("/{js_file}"),
            &["Accept-Encoding: br"],
        ));
        rows.push(row(
            WASM_ROW,
            server.port,
            &format!("/{wasm_file}"),
            &["Accept-Encoding: br"],
        ));
        std::thread::sleep(GOTO_WINDOWS_EMPTY);
        let session_cookie = backend::session_cookie(&ready.session);
        let backend_headers = [("Cookie", session_cookie.as_str())];
        let sandbox_headers = [("Authorization", bearer.as_str())];
        probes.extend(probe_in_turn(
            &[
                Target {
                    what: "backend `GET /api/meetings/{id}` (→ embedded sandbox)",
                    port: server.port,
                    path: &ready.path,
                    headers: &backend_headers,
                },
                Target {
                    what: "sandbox directly `GET /G2M/rest/meetings/{id}` (standalone, limit off)",
                    port: sandbox.port,
                    path: &sandbox_path,
                    headers: &sandbox_headers,
                },
            ],
            PROBE_COUNT,
        ));
    }
    let header = format!("Authorization: {bearer}");
    rows.push(row(
        "sandbox directly `GET /G2M/rest/meetings/{id}` (standalone, `--per-second-limit 0`)",
        sandbox.port,
        &sandbox_path,
        &[&header],
    ));

    Ok(BackendLoad {
        rows,
        probes,
        wasm_file,
    })
}

/// The fetch probes of `cargo xtask bench fetch`: each backend's, and the sandbox's they are
/// judged against.
pub struct FetchProbes {
    pub backends: Vec<Probe>,
    pub sandbox: Probe,
}

/// `cargo xtask bench fetch`: only the meeting-fetch probe (about half a minute), so that a
/// change on the backend's path can be judged by alternating builds: with `other`, a second
/// backend built from another commit takes its turn beside this one and the standalone
/// sandbox, each backend at most 4 requests in any 1.2 s, inside its GoTo windows.
/// `rounds` beyond [`PROBE_COUNT`] need more of the backends' GoTo budget than its default 100
/// a minute: these backends get a minute's budget the spacing cannot reach (at most 200 calls
/// a minute to one backend), and keep GoTo's own per second, which the spacing stays within.
pub fn measure_fetch(
    root: &Path,
    bins: &Binaries,
    work: &Path,
    other: Option<&Path>,
    rounds: usize,
) -> Result<FetchProbes, String> {
    let budget = [("MEETINGS_GOTO_REQUESTS_PER_MINUTE", "1000")];
    let ReadySandbox {
        server: sandbox,
        bearer,
        path: sandbox_path,
    } = ready_sandbox(bins, work)?;
    let sandbox_headers = [("Authorization", bearer.as_str())];
    let sandbox_target = Target {
        what: "sandbox directly (standalone, limit off)",
        port: sandbox.port,
        path: &sandbox_path,
        headers: &sandbox_headers,
    };
    let mut backends = vec![(
        "backend (this build)",
        ready_backend(root, bins, work, "fetch-this", &budget)?,
    )];
    if let Some(other) = other {
        let other_bins = Binaries {
            server: other.to_path_buf(),
            sandbox: bins.sandbox.clone(),
            bare_axum: bins.bare_axum.clone(),
        };
        let that = ready_backend(root, &other_bins, work, "fetch-other", &budget)?;
        backends.push(("backend (other build)", that));
    }
    let cookies: Vec<String> = backends
        .iter()
        .map(|(_, b)| backend::session_cookie(&b.session))
        .collect();
    let cookies: Vec<[(&str, &str); 1]> = cookies
        .iter()
        .map(|cookie| [("Cookie", cookie.as_str())])
        .collect();
    let mut targets: Vec<Target> = backends
        .iter()
        .zip(&cookies)
        .map(|((what, b), headers)| Target {
            what,
            port: b.server.port,
            path: &b.path,
            headers,
        })
        .collect();
    targets.push(sandbox_target);
    std::thread::sleep(GOTO_WINDOWS_EMPTY);
    let mut backends = probe_in_turn(&targets, rounds);
    let sandbox = backends.pop().ok_or("no sandbox probe")?;
    Ok(FetchProbes { backends, sandbox })
}

/// A backend signed in, its organizers synced and one meeting made: what a fetch probe needs.
struct ReadyBackend {
    server: Server,
    session: String,
    path: String,
}

/// The standalone sandbox with one meeting made, and the bearer header that reads it.
struct ReadySandbox {
    server: Server,
    bearer: String,
    path: String,
}

fn ready_sandbox(bins: &Binaries, work: &Path) -> Result<ReadySandbox, String> {
    let server = backend::start_sandbox(bins, work)?;
    let token = backend::sandbox_token(server.port)?;
    let meeting = backend::sandbox_meeting(server.port, &token)?;
    Ok(ReadySandbox {
        server,
        bearer: format!("Bearer {token}"),
        path: format!("/G2M/rest/meetings/{meeting}"),
    })
}

fn ready_backend(
    root: &Path,
    bins: &Binaries,
    work: &Path,
    label: &'static str,
    extra_env: &[(&str, &str)],
) -> Result<ReadyBackend, String> {
    let server = backend::start_backend(root, bins, work, label, extra_env)?;
    let session = backend::sign_in(server.port, backend::ORGANIZER)?;
    backend::wait_for_organizers(server.port, &session)?;
    let meeting = backend::create_meeting(server.port, &session)?;
    Ok(ReadyBackend {
        server,
        session,
        path: format!("/api/meetings/{meeting}"),
    })
}

fn row(what: &str, port: u16, path: &str, headers: &[&str]) -> Row {
    row_shaped(what, port, path, headers, wrk::LOAD)
}

fn row_shaped(what: &str, port: u16, path: &str, headers: &[&str], shape: wrk::Shape) -> Row {
    // The command as a reader could rerun it, without the secret values.
    let shown: Vec<&str> = headers
        .iter()
        .map(|h| {
            if h.starts_with("Cookie:") {
                "Cookie: meetings-session=…"
            } else if h.starts_with("Authorization:") {
                "Authorization: Bearer …"
            } else {
                h
            }
        })
        .collect();
    Row {
        what: what.to_owned(),
        command: wrk::command_line(&format!("http://127.0.0.1:PORT{path}"), &shown, shape),
        load: wrk::run(port, path, headers, shape),
    }
}

/// One server and request a latency probe measures.
struct Target<'a> {
    what: &'a str,
    port: u16,
    path: &'a str,
    headers: &'a [(&'a str, &'a str)],
}

/// `rounds` sequential GETs of each target, the targets taking turns, one request every
/// [`PROBE_SPACING`]: all see the host as it was during the same seconds.
fn probe_in_turn(targets: &[Target], rounds: usize) -> Vec<Probe> {
    for t in targets {
        println!("xtask: {rounds} sequential GETs of {} (in turn)", t.path);
    }
    let mut probes: Vec<Probe> = targets
        .iter()
        .map(|t| Probe {
            what: t.what.to_owned(),
            samples: Vec::new(),
            failures: 0,
        })
        .collect();
    let n = targets.len();
    for round in 0..rounds {
        // Each round starts with the next target: a fixed order favoured one place in it
        // (0.04–0.07 ms between two copies of the same build).
        for i in (0..n).map(|i| (i + round) % n) {
            let (t, p) = (&targets[i], &mut probes[i]);
            let started = Instant::now();
            match http::get(t.port, t.path, t.headers) {
                Ok(r) if r.status == 200 => {
                    p.samples.push(started.elapsed().as_secs_f64() * 1000.0)
                }
                Ok(r) => {
                    p.failures += 1;
                    println!("  answered {}: {}", r.status, r.text());
                }
                Err(e) => {
                    p.failures += 1;
                    println!("  {e}");
                }
            }
            if let Some(rest) = PROBE_SPACING.checked_sub(started.elapsed()) {
                std::thread::sleep(rest);
            }
        }
    }
    probes
}
