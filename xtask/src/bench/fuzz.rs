//! The cargo-fuzz target of `POST /api/meetings` parsing (`fuzz/`), run for a bounded time:
//! executions, their rate, and any crash libFuzzer writes. Needs the pinned nightly (the release wasm's) and
//! cargo-fuzz; when either cannot be had the report says so and the rest of the bench goes on.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cmd, tools};

pub const TARGET: &str = "create_meeting_request";
pub const SECONDS: u32 = 60;
/// The version the fuzz project was written against (fuzz/README.md).
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub struct Fuzz {
    pub toolchain: String,
    pub executions: u64,
    pub per_second: u64,
    pub new_units: u64,
    pub corpus_units: u64,
    pub crashes: Vec<String>,
    pub exit_ok: bool,
}

fn crash_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        ["crash-", "leak-", "timeout-", "oom-"]
                            .iter()
                            .any(|k| n.starts_with(k))
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn measure(root: &Path) -> Result<Fuzz, String> {
    // The same pinned nightly as the release wasm, which the xtask installs: a fresh machine
    // has no floating `nightly`, and a pinned one fuzzes the same code on every machine.
    tools::ensure_wasm_toolchain()?;
    let toolchain = format!("+{}", tools::WASM_TOOLCHAIN);
    let nightly = cmd::output(Command::new("rustc").args([&toolchain, "--version"]))
        .ok_or_else(|| format!("the {} toolchain did not install", tools::WASM_TOOLCHAIN))?;
    let installed =
        cmd::output(Command::new("cargo").args(["fuzz", "--version"])).unwrap_or_default();
    if !installed.contains("cargo-fuzz") {
        println!("xtask: installing cargo-fuzz {CARGO_FUZZ_VERSION}");
        tools::cargo_install(
            &[&format!("cargo-fuzz@{CARGO_FUZZ_VERSION}"), "--locked"],
            "0",
        )
        .map_err(|e| format!("cargo-fuzz could not be installed: {e}"))?;
    }
    let dir = root.join("fuzz");
    let artifacts = dir.join("artifacts").join(TARGET);
    let before = crash_files(&artifacts);
    println!("xtask: fuzzing {TARGET} for {SECONDS} s");
    let out = Command::new("cargo")
        .current_dir(&dir)
        // Through rustup's proxy with the toolchain named, not the one running xtask.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .args([&toolchain, "fuzz", "run", TARGET, "--"])
        .arg(format!("-max_total_time={SECONDS}"))
        .arg("-print_final_stats=1")
        .output()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stat = |name: &str| -> Option<u64> {
        stderr
            .lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .and_then(|v| v.trim().parse().ok())
    };
    let executions = stat("number_of_executed_units").ok_or_else(|| {
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        format!(
            "cargo fuzz printed no statistics ({}):\n{}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    })?;
    let crashes = crash_files(&artifacts)
        .into_iter()
        .filter(|p| !before.contains(p))
        .map(|p| p.strip_prefix(root).unwrap_or(&p).display().to_string())
        .collect();
    let corpus_units = stderr
        .lines()
        .rev()
        .find_map(|l| l.split("corp: ").nth(1))
        .and_then(|v| v.split('/').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Fuzz {
        toolchain: nightly.trim().to_owned(),
        executions,
        per_second: stat("average_exec_per_sec").unwrap_or(0),
        new_units: stat("new_units_added").unwrap_or(0),
        corpus_units,
        crashes,
        exit_ok: out.status.success(),
    })
}
