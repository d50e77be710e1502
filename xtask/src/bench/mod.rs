//! `cargo xtask bench`: installs what it needs (registries only), measures the front-end
//! transfer, the front end in Chromium (Lighthouse, time to an interactive form), the backend
//! under load, the backend's memory with many live sessions, and fuzzes the create request
//! parser for a bounded time; rewrites BENCHMARKS.md. Not part of `cargo xtask test`. Traffic only to 127.0.0.1; every
//! server it starts is stopped on every path (see `process::Server`).

// `backend`, `http` and `process` are shared with the Schemathesis run of `cargo xtask test`.
pub mod backend;
mod backend_load;
pub use backend_load::PROBE_COUNT;
pub(crate) mod browser;
mod frontend;
mod fuzz;
pub mod http;
pub mod process;
mod report;
mod report_browser;
mod report_goals;
mod report_units;
mod sessions_rss;
mod wrk;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::tools;

/// Each part's outcome: measured, or the reason it was not.
pub struct Results {
    pub frontend: Result<frontend::Frontend, String>,
    pub browser: Result<browser::Browser, String>,
    pub load: Result<backend_load::BackendLoad, String>,
    pub sessions: Result<sessions_rss::SessionsRss, String>,
    pub fuzz: Result<fuzz::Fuzz, String>,
    /// Wall time of each step, in order, so a slow run shows where its minutes went.
    pub steps: Vec<(&'static str, Duration)>,
}

/// Runs `step`, recording how long it took under `name`.
fn timed<T>(
    steps: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    step: impl FnOnce() -> T,
) -> T {
    let started = Instant::now();
    let out = step();
    steps.push((name, started.elapsed()));
    out
}

/// `cargo xtask bench backend`: the backend's load and memory only (a few minutes rather than
/// the whole run's nine or more), against the built app already in `target/app/`; the report's
/// sections for them are printed and written to `target/bench-run/BACKEND.md`.
pub fn run_backend(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let mut steps = Vec::new();
    timed(&mut steps, "installing tools", || {
        tools::ensure_debian_packages(&[("wrk", "wrk")])
    })?;
    if !crate::app_build::release_dir(root)
        .join("index.html")
        .exists()
    {
        return Err(format!(
            "{} has no built app: run `cargo xtask build` first",
            crate::app_build::RELEASE_DIR
        ));
    }
    let work = root.join("target/bench-run");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let bins = timed(&mut steps, "building the backend", || backend::build(root))?;
    let load = timed(&mut steps, "backend load", || {
        backend_load::measure(root, &bins, &work)
    });
    let sessions = timed(&mut steps, "100 000 sessions", || {
        sessions_rss::measure(root, &bins, &work)
    });
    fn skipped<T>() -> Result<T, String> {
        Err("not part of `cargo xtask bench backend`".to_owned())
    }
    let results = Results {
        frontend: skipped(),
        browser: skipped(),
        load,
        sessions,
        fuzz: skipped(),
        steps,
    };
    let text = report::render(&results, started.elapsed());
    let path = work.join("BACKEND.md");
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{text}\nxtask: wrote {}", path.display());
    Ok(())
}

/// `cargo xtask bench fetch [SERVER] [--rounds N]`: only the meeting-fetch probe, printed; with
/// `SERVER` (a `meetings-server` binary built from another commit), that backend takes its
/// turn too, so two builds are compared during the same seconds of the host. `N` requests to
/// each (80 by default, as in the full bench): two copies of one build differ by up to 0.03 ms
/// at 80, so smaller effects need a few hundred.
pub fn run_fetch(root: &Path, other: Option<&Path>, rounds: usize) -> Result<(), String> {
    let work = root.join("target/bench-run");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    // A copy in the work directory: the server starts there, so a relative path would name
    // another file, and the build below would overwrite `target/server/meetings-server` if
    // that is the one given (the run would then compare this build with itself).
    let other = match other {
        Some(given) => {
            let copy = work.join("other-meetings-server");
            std::fs::copy(given, &copy).map_err(|e| {
                format!("{}: not a server binary to compare ({e})", given.display())
            })?;
            Some(copy)
        }
        None => None,
    };
    let bins = backend::build(root)?;
    let probes = backend_load::measure_fetch(root, &bins, &work, other.as_deref(), rounds)?;
    let sandbox_p50 = probes.sandbox.percentile(50.0);
    for p in probes.backends.iter().chain([&probes.sandbox]) {
        let p50 = p.percentile(50.0);
        println!(
            "{:<44} p50 {p50:.3} ms  p90 {:.3} ms  {:.2}× the sandbox  ({} samples, {} failed)",
            p.what,
            p.percentile(90.0),
            p50 / sandbox_p50,
            p.samples.len(),
            p.failures
        );
    }
    Ok(())
}

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let mut steps = Vec::new();
    let build_tools = timed(&mut steps, "installing tools", || -> Result<_, String> {
        let build_tools = tools::ensure_build_tools(root)?;
        tools::ensure_debian_packages(&[("wrk", "wrk")])?;
        Ok(build_tools)
    })?;
    let work = root.join("target/bench-run");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let frontend = timed(&mut steps, "building the app and the floor", || {
        frontend::measure(root, &build_tools)
    });
    if let Err(e) = &frontend {
        println!("xtask: front-end not measured: {e}");
    }
    // One build after the other: side by side on two cores (tried) was no quicker.
    let backend_bins = timed(&mut steps, "building the backend", || backend::build(root));
    let (browser, load, sessions) = match backend_bins {
        Ok(bins) => {
            // The browser part needs the app just built into target/app/.
            let browser = timed(
                &mut steps,
                "Lighthouse and time to interactive",
                || match &frontend {
                    Ok(_) => browser::measure(root, &bins, &work),
                    Err(_) => Err("the app did not build (see the first section)".to_owned()),
                },
            );
            if let Err(e) = &browser {
                println!("xtask: browser part not measured: {e}");
            }
            let load = timed(&mut steps, "backend load", || {
                backend_load::measure(root, &bins, &work)
            });
            if let Err(e) = &load {
                println!("xtask: backend load not measured: {e}");
            }
            let sessions = timed(&mut steps, "100 000 sessions", || {
                sessions_rss::measure(root, &bins, &work)
            });
            if let Err(e) = &sessions {
                println!("xtask: sessions RSS not measured: {e}");
            }
            (browser, load, sessions)
        }
        Err(e) => (
            Err(format!("backend build failed: {e}")),
            Err(format!("backend build failed: {e}")),
            Err(format!("backend build failed: {e}")),
        ),
    };
    let fuzz = timed(&mut steps, "fuzzing, with its build", || {
        fuzz::measure(root)
    });
    if let Err(e) = &fuzz {
        println!("xtask: fuzzing not run: {e}");
    }
    let results = Results {
        frontend,
        browser,
        load,
        sessions,
        fuzz,
        steps,
    };
    let text = report::render(&results, started.elapsed());
    let path = root.join("BENCHMARKS.md");
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "xtask: wrote {} ({:.0} s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
