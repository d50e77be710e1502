//! `cargo xtask bench`: installs what it needs (registries only), measures the front-end
//! transfer, the front end in Chromium (Lighthouse, time to an interactive form), the backend
//! under load, the backend's memory with many live sessions, and fuzzes the create request
//! parser for a bounded time; rewrites BENCHMARKS.md. Not part of `cargo xtask test`. Traffic only to 127.0.0.1; every
//! server it starts is stopped on every path (see `process::Server`).

// `backend`, `http` and `process` are shared with the Schemathesis run of `cargo xtask test`.
pub mod backend;
mod backend_load;
mod browser;
mod frontend;
mod fuzz;
pub mod http;
pub mod process;
mod report;
mod report_browser;
mod sessions_rss;
mod wrk;

use std::path::Path;
use std::time::Instant;

use crate::tools;

/// Each part's outcome: measured, or the reason it was not.
pub struct Results {
    pub frontend: Result<frontend::Frontend, String>,
    pub browser: Result<browser::Browser, String>,
    pub load: Result<backend_load::BackendLoad, String>,
    pub sessions: Result<sessions_rss::SessionsRss, String>,
    pub fuzz: Result<fuzz::Fuzz, String>,
}

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let build_tools = tools::ensure_build_tools(root)?;
    tools::ensure_debian_packages(&[("wrk", "wrk")])?;
    let work = root.join("target/bench-run");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let frontend = frontend::measure(root, &build_tools);
    if let Err(e) = &frontend {
        println!("xtask: front-end not measured: {e}");
    }
    let (browser, load, sessions) = match backend::build(root) {
        Ok(bins) => {
            // The browser part needs the app just built into dist/.
            let browser = match &frontend {
                Ok(_) => browser::measure(root, &bins, &work),
                Err(_) => Err("the app did not build (see the first section)".to_owned()),
            };
            if let Err(e) = &browser {
                println!("xtask: browser part not measured: {e}");
            }
            let load = backend_load::measure(root, &bins, &work);
            if let Err(e) = &load {
                println!("xtask: backend load not measured: {e}");
            }
            let sessions = sessions_rss::measure(root, &bins, &work);
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
    let fuzz = fuzz::measure(root);
    if let Err(e) = &fuzz {
        println!("xtask: fuzzing not run: {e}");
    }
    let results = Results {
        frontend,
        browser,
        load,
        sessions,
        fuzz,
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
