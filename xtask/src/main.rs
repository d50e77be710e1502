//! `cargo xtask <command>`: the project's two set-up commands and their helpers.
//!
//! - `run`   installs what is missing, builds the app (release) and starts the backend.
//! - `test`  installs what is missing and runs every check, ending with one summary line.
//! - `build` builds the app only; `size` prints its transfer size against the budget.
//! - `schemathesis` runs only the API check that `test` includes.
//! - `bench` measures size, load and memory against the goals and rewrites BENCHMARKS.md;
//!   `bench backend` only the backend's load and memory, printed (BENCHMARKS.md untouched);
//!   `bench fetch [SERVER] [--rounds N]` only the meeting-fetch probe, against another build if
//!   given, N requests to each.
//! - `structure` lists import circles, the longest functions and where shared names are written.

mod app_build;
mod axe;
mod bench;
mod cmd;
mod doc_check;
mod schemathesis;
mod structure;
mod test;
mod tools;
mod wasm_names;

use std::path::PathBuf;
use std::process::ExitCode;

fn workspace_root() -> PathBuf {
    // `cargo run` (which `cargo xtask` is) sets CARGO_MANIFEST_DIR for the process; prefer it
    // to the compile-time value: with a target directory shared between checkouts, the binary
    // may have been built from another checkout and would otherwise build and measure that one.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&root),
        Some("test") => test::run_all(&root),
        Some("build") => tools::ensure_build_tools(&root).and_then(|t| app_build::build(&root, &t)),
        Some("size") => app_build::report_size(&root).map(|_| ()),
        Some("bench") if args.get(1).map(String::as_str) == Some("backend") => {
            bench::run_backend(&root)
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("fetch") => fetch_args(&args[2..])
            .and_then(|(server, rounds)| {
                bench::run_fetch(&root, server.map(std::path::Path::new), rounds)
            }),
        Some("bench") => bench::run(&root),
        Some("schemathesis") => schemathesis::run(&root),
        Some("structure") => structure::report(&root)
            .and_then(|()| doc_check::check(&root))
            .and_then(|()| structure::check(&root)),
        _ => {
            eprintln!(
                "usage: cargo xtask <run|test|build|size|bench>\n  run    build the app and start it on http://127.0.0.1:8080 (MEETINGS_ADDR to change)\n  test   run every check (format, lints, unit, integration and browser tests)\n  build  build the app into target/app/\n  size   show the app's transfer size against its budget\n  bench  measure size, load and memory against the goals; rewrites BENCHMARKS.md (not part of test)\n  bench backend  only the backend's load and memory (needs target/app/ built); prints them, BENCHMARKS.md untouched\n  bench fetch [SERVER] [--rounds N]  only the meeting-fetch probe, printed; SERVER (another build's meetings-server) takes turns with this one; N requests to each (80)\n  schemathesis  only the API's Schemathesis run (part of test)\n  structure  import circles, longest functions, where shared names are written"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &std::path::Path) -> Result<(), String> {
    let tools = tools::ensure_build_tools(root)?;
    app_build::build(root, &tools)?;
    println!("xtask: starting the backend (Ctrl-C to stop)");
    cmd::run(
        cmd::cargo(root)
            // The server profile (root Cargo.toml): release at opt-level 3, what the bench
            // measures, instead of the unoptimised dev profile.
            .args([
                "run",
                "--locked",
                "--profile",
                "server",
                "-p",
                "meetings-server",
            ])
            .env("MEETINGS_DIST", app_build::release_dir(root))
            .env(
                "MEETINGS_DATA_DIR",
                std::env::var_os("MEETINGS_DATA_DIR").unwrap_or_else(|| root.join("data").into()),
            ),
    )
}

/// `bench fetch`'s arguments: another build's server binary, and `--rounds N`.
fn fetch_args(args: &[String]) -> Result<(Option<&str>, usize), String> {
    let (mut server, mut rounds) = (None, bench::PROBE_COUNT);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--rounds" {
            rounds = rest
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or("--rounds needs a number of requests, at least 1")?;
        } else if server.is_none() {
            server = Some(arg.as_str());
        } else {
            return Err(format!("bench fetch: unexpected argument {arg:?}"));
        }
    }
    Ok((server, rounds))
}

#[cfg(test)]
mod tests {
    use super::fetch_args;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bench_fetch_takes_a_server_and_a_number_of_rounds_in_any_order() {
        let default = crate::bench::PROBE_COUNT;
        assert_eq!(fetch_args(&args(&[])), Ok((None, default)));
        assert_eq!(
            fetch_args(&args(&["/tmp/s"])),
            Ok((Some("/tmp/s"), default))
        );
        assert_eq!(
            fetch_args(&args(&["--rounds", "300", "/tmp/s"])),
            Ok((Some("/tmp/s"), 300))
        );
        assert_eq!(
            fetch_args(&args(&["/tmp/s", "--rounds", "300"])),
            Ok((Some("/tmp/s"), 300))
        );
    }

    #[test]
    fn bench_fetch_refuses_a_bad_number_of_rounds_or_a_second_server() {
        for bad in [&["--rounds"][..], &["--rounds", "0"], &["--rounds", "many"]] {
            assert!(fetch_args(&args(bad)).is_err(), "{bad:?}");
        }
        assert!(fetch_args(&args(&["/tmp/a", "/tmp/b"])).is_err());
    }
}
