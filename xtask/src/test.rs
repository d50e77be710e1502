//! `cargo xtask test`: every check, in the order a failure is cheapest to find.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use crate::{app_build, axe, cmd, doc_check, schemathesis, structure, tools};

pub fn run_all(root: &Path) -> Result<(), String> {
    let build_tools = tools::ensure_build_tools(root)?;
    tools::ensure_test_services()?;
    axe::ensure_axe_core(root)?;
    cmd::run(cmd::cargo(root).args(["fmt", "--all", "--", "--check"]))?;
    // The map and the code's shape: cheap, and a newcomer's first two hops depend on them.
    doc_check::check(root)?;
    structure::check(root)?;
    cmd::run(cmd::cargo(root).args([
        "clippy",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    cmd::run(cmd::cargo(root).args([
        "clippy",
        "--locked",
        "-p",
        "meetings-app",
        "-p",
        "meeting",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The browser tests load this release build, so a broken optimiser cannot pass unnoticed.
    app_build::build(root, &build_tools)?;
    let demo_dist = app_build::build_demo_dist(root, &build_tools)?;
    // The API against its description first, and the tests whatever it said, so one run reports
    // both and the count below (which CI reads as the closing line) comes last and covers both.
    let api = schemathesis::run(root);
    if let Err(problem) = &api {
        println!("xtask: the API does not match its description: {problem}");
    }
    let mut count = cargo_test(root, &demo_dist)?;
    match api {
        Ok(()) => count.passed += 1,
        Err(_) => count.failed += 1,
    }
    println!(
        "\n{} passed, {} failed, {} skipped",
        count.passed, count.failed, count.ignored
    );
    if count.success && count.failed == 0 {
        Ok(())
    } else {
        Err("tests failed".into())
    }
}

/// What the test binaries said, added up (Schemathesis counts as one more check).
struct Count {
    passed: u64,
    failed: u64,
    ignored: u64,
    /// cargo test itself exited successfully.
    success: bool,
}

/// Runs the whole workspace's tests, streaming cargo's output, and adds up every test binary's
/// result.
fn cargo_test(root: &Path, demo_dist: &Path) -> Result<Count, String> {
    let mut command = cmd::cargo(root);
    command
        .args(["test", "--locked", "--workspace", "--no-fail-fast"])
        .env("MEETINGS_E2E_DIST", crate::app_build::release_dir(root))
        .env("MEETINGS_AXE_JS", axe::axe_js(root))
        .env("MEETINGS_E2E_DEMO_DIST", demo_dist)
        .env(
            "CHROMEDRIVER",
            tools::which("chromedriver").unwrap_or_default(),
        )
        .env("GECKODRIVER", tools::geckodriver_path())
        .stdout(Stdio::piped());
    println!("xtask: $ {}", cmd::describe(&command));
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            for part in rest.split(['.', ';']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next()) {
                    let n: u64 = n.parse().unwrap_or(0);
                    match what {
                        "passed" => passed += n,
                        "failed" => failed += n,
                        "ignored" => ignored += n,
                        _ => {}
                    }
                }
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok(Count {
        passed,
        failed,
        ignored,
        success: status.success(),
    })
}
