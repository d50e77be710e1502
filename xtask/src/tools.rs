//! Installs, only when missing, every tool the build and the tests need, from the package
//! registries only (crates.io, npm, Debian). trunk would otherwise download wasm-bindgen and
//! wasm-opt from GitHub, which these machines cannot reach, so each is put on its PATH at the
//! exact version it asks for. npm tools come from the manifests and lock files committed under
//! `xtask/npm/<tool>/`, never from whatever the registry's newest dependencies are that day.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;

pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen 132 from npm: Debian's binaryen 108 produces a wasm that crashes at start-up
/// (`WebAssembly.Table.set(): Argument 1 is invalid`), measured on these machines.
pub const BINARYEN_VERSION: &str = "132";
/// terser from npm minifies the release JS glue (trunk's minifier gives up on wasm-bindgen's
/// `export default`).
pub const TERSER_VERSION: &str = "5.51.4";

/// The toolchain the release wasm is built with. Nightly, because only nightly can rebuild the
/// standard library (`-Zbuild-std`) so that a panic aborts at once instead of carrying the
/// formatting machinery for its message: about 16 KB less brotli, measured. Pinned to a date so
/// every machine builds the same bytes; the stable toolchain builds everything else.
pub const WASM_TOOLCHAIN: &str = "nightly-2026-05-20";

/// Where the build tools live; `path` goes in front of PATH for trunk.
pub struct BuildTools {
    pub path: Vec<PathBuf>,
}

pub fn ensure_build_tools(root: &Path) -> Result<BuildTools, String> {
    ensure_wasm_target()?;
    ensure_wasm_toolchain()?;
    fetch_sources(root)?;
    // trunk and wasm-bindgen-cli compile side by side: each alone leaves a core idle through
    // its long serial stretches, so together they finish sooner on two cores.
    let (trunk, bindgen) = std::thread::scope(|scope| {
        let trunk = scope.spawn(ensure_trunk);
        let bindgen = ensure_wasm_bindgen(root);
        (trunk.join().expect("the trunk install thread"), bindgen)
    });
    trunk?;
    bindgen?;
    let binaryen_bin = ensure_wasm_opt(root)?;
    Ok(BuildTools {
        path: vec![binaryen_bin, cmd::cargo_home().join("bin")],
    })
}

/// Downloads every crate the offline builds need: the workspace's, and the standard library's
/// own dependencies that the release wasm's `build-std` compiles. trunk runs cargo with
/// `--offline`, so on a machine whose cargo cache lacks any of them the build would fail.
/// Quick when everything is already there.
fn fetch_sources(root: &Path) -> Result<(), String> {
    cmd::run(cmd::cargo(root).args(["fetch", "--locked"]))?;
    // stdout only: `cmd::output` would append whatever rustup says on stderr to the path.
    let sysroot = Command::new("rustc")
        .args([&format!("+{WASM_TOOLCHAIN}"), "--print", "sysroot"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .ok_or_else(|| format!("rustc +{WASM_TOOLCHAIN} --print sysroot failed"))?;
    let library = Path::new(&sysroot).join("lib/rustlib/src/rust/library/Cargo.toml");
    cmd::run(
        Command::new("cargo")
            .env_remove("CARGO")
            .env("RUSTUP_TOOLCHAIN", WASM_TOOLCHAIN)
            .arg("fetch")
            .arg("--locked")
            .arg("--manifest-path")
            .arg(library),
    )
}

/// `cargo install` of a build tool, compiled for a quick install rather than peak speed, at
/// `opt_level`. trunk asks for fat LTO and one codegen unit, which would make its few seconds
/// of work a little faster but costs minutes to compile. Measured here, trunk and
/// wasm-bindgen-cli installed side by side on two cores: 421 s at opt-level 1, 201 s at 0,
/// 269 s with trunk at 0 and wasm-bindgen at 1 (one after the other with their own profiles:
/// 499 s). wasm-bindgen stays at 1: at 0 it takes 2 s longer on every debug build, which a
/// designer's `trunk serve` would feel on each save; trunk's own work (hashing, copying,
/// spawning) is under a second slower at 0.
pub fn cargo_install(args: &[&str], opt_level: &str) -> Result<(), String> {
    cmd::run(
        Command::new("cargo")
            .arg("install")
            .args(args)
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level),
    )
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    cmd::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The pinned nightly with the standard library's source and the wasm target, from rustup's
/// own distribution server like the stable toolchain (about 30 s, once).
pub fn ensure_wasm_toolchain() -> Result<(), String> {
    let ready = cmd::output(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        WASM_TOOLCHAIN,
    ]))
    .is_some_and(|installed| {
        installed.lines().any(|l| l.trim() == "rust-src")
            && installed
                .lines()
                .any(|l| l.trim().starts_with("rust-std-wasm32-unknown-unknown"))
    });
    if ready {
        return Ok(());
    }
    println!("xtask: installing the {WASM_TOOLCHAIN} toolchain for the release wasm (once)");
    cmd::run(Command::new("rustup").args([
        "toolchain",
        "install",
        WASM_TOOLCHAIN,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
        "--target",
        "wasm32-unknown-unknown",
    ]))
}

fn version_of(program: &Path) -> String {
    cmd::output(Command::new(program).arg("--version")).unwrap_or_default()
}

fn ensure_trunk() -> Result<(), String> {
    let trunk = cmd::cargo_home().join("bin/trunk");
    if version_of(&trunk).contains(TRUNK_VERSION) {
        return Ok(());
    }
    println!("xtask: installing trunk {TRUNK_VERSION} (a few minutes, once)");
    // --locked: trunk 0.21.14 with today's newest dependencies does not compile
    // (lightningcss alpha versus cssparser), measured here.
    cargo_install(&[&format!("trunk@{TRUNK_VERSION}"), "--locked"], "0")
}

/// The exact `wasm-bindgen` version in Cargo.lock: the CLI must match it to the digit.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn ensure_wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = locked_wasm_bindgen_version(root)?;
    let bin = cmd::cargo_home().join("bin/wasm-bindgen");
    if version_of(&bin).split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    println!("xtask: installing wasm-bindgen-cli {version} (a few minutes, once)");
    // Not --locked: its lock file pins webpki-roots 1.0.11, which the crates.io index these
    // machines reach does not have ("failed to select a version for webpki-roots = ^1.0.10
    // (locked to 1.0.11)", tried again for 0.2.130), so --locked cannot resolve at all here.
    // Without it cargo takes the newest compatible versions at install time.
    cargo_install(&[&format!("wasm-bindgen-cli@{version}"), "--force"], "1")
}

/// binaryen's `wasm-opt`, as `ensure_build_tools` installs it.
pub fn wasm_opt(root: &Path) -> PathBuf {
    root.join(".tools/binaryen/node_modules/.bin/wasm-opt")
}

/// Installs binaryen if missing; returns the directory of its `wasm-opt` for trunk's PATH.
fn ensure_wasm_opt(root: &Path) -> Result<PathBuf, String> {
    let wasm_opt = wasm_opt(root);
    let bin = wasm_opt
        .parent()
        .expect("wasm-opt is in a directory")
        .to_path_buf();
    // wasm-opt in this package is JavaScript with the wasm build inside (no native binary and
    // no install script), so `--ignore-scripts` loses nothing: checked by running it.
    if version_of(&wasm_opt).contains(&format!("version {BINARYEN_VERSION}"))
        && npm_lock_is_installed(root, "binaryen")?
    {
        return Ok(bin);
    }
    npm_ci(root, "binaryen", &format!("{BINARYEN_VERSION}.0.0"))?;
    Ok(bin)
}

/// Installs npm's `name@version` into `.tools/<name>` unless that exact version is there,
/// installed from the lock it was pinned with; the install directory (its `node_modules/`
/// holds the package).
pub fn ensure_npm_package(root: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let dir = root.join(".tools").join(name);
    let manifest = dir.join("node_modules").join(name).join("package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{version}\""))
        && npm_lock_is_installed(root, name)?
    {
        return Ok(dir);
    }
    npm_ci(root, name, version)?;
    Ok(dir)
}

/// The committed manifest and lock of one npm tool: `xtask/npm/<name>/`.
fn npm_pins(root: &Path, name: &str) -> PathBuf {
    root.join("xtask/npm").join(name)
}

/// Whether `.tools/<name>` was installed from today's committed lock. An install made before
/// the locks existed (`npm install --no-save`, whatever the dependencies' newest versions were)
/// or from an older lock is replaced once, in seconds.
fn npm_lock_is_installed(root: &Path, name: &str) -> Result<bool, String> {
    let pinned = npm_pins(root, name).join("package-lock.json");
    let pinned = std::fs::read(&pinned).map_err(|e| format!("{}: {e}", pinned.display()))?;
    let installed = std::fs::read(root.join(".tools").join(name).join("package-lock.json"));
    Ok(installed.is_ok_and(|installed| installed == pinned))
}

/// `npm ci` of the committed `xtask/npm/<name>/package.json` and `package-lock.json` into
/// `.tools/<name>`. The tools rewrite the JavaScript we ship (terser, wasm-opt) or judge it
/// (axe-core, Lighthouse), so every package in their tree is the one the lock names, checked
/// against the lock's integrity hash; `--ignore-scripts` because none of them needs an install
/// script, and a compromised dependency's script would run with the developer's rights.
/// Regenerate a lock with `npm install --package-lock-only --ignore-scripts` in its folder.
fn npm_ci(root: &Path, name: &str, version: &str) -> Result<(), String> {
    let pins = npm_pins(root, name);
    let lock = std::fs::read_to_string(pins.join("package-lock.json"))
        .map_err(|e| format!("{}: {e}", pins.join("package-lock.json").display()))?;
    // The constant in the code and the lock must name the same version, or the version check
    // before the install would fail again on every run.
    if !lock_pins(&lock, name, version) {
        return Err(format!(
            "{}/package-lock.json does not pin {name} {version}",
            pins.display()
        ));
    }
    ensure_debian_packages(&[("npm", "npm"), ("node", "nodejs")])?;
    let dir = root.join(".tools").join(name);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pins.join(file), dir.join(file))
            .map_err(|e| format!("{}: {e}", pins.join(file).display()))?;
    }
    println!("xtask: installing {name} {version} from its lock file");
    cmd::run(Command::new("npm").current_dir(&dir).args([
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
    ]))
}

/// Whether an npm lock file (version 3) installs `name` at exactly `version`.
fn lock_pins(lock: &str, name: &str, version: &str) -> bool {
    lock.split_once(&format!("\"node_modules/{name}\": {{"))
        .and_then(|(_, rest)| rest.lines().nth(1))
        .is_some_and(|line| line.trim() == format!("\"version\": \"{version}\","))
}

/// What the tests run besides cargo: Debian's Chromium and its driver for the browser
/// tests, and Redis for the multi-replica tests.
/// geckodriver drives Firefox ESR; Debian does not package it, crates.io does.
pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// The three browser engines the browser tests drive (Chromium, WebKitGTK under Xvfb, Firefox
/// ESR) and the Redis the shared-store tests use.
pub fn ensure_test_services() -> Result<(), String> {
    ensure_debian_packages(&[
        ("chromium", "chromium"),
        ("chromedriver", "chromium-driver"),
        ("WebKitWebDriver", "webkit2gtk-driver"),
        ("Xvfb", "xvfb"),
        // Answers WebKit's own storage-access question, outside the page (tests/e2e_iframe.rs).
        ("xdotool", "xdotool"),
        ("firefox-esr", "firefox-esr"),
        ("redis-server", "redis-server"),
    ])?;
    // The locale data WebKit's browser tests compile to speak Spanish and English (WebKitGTK
    // takes its language from the process's locale, not from a capability).
    if !Path::new("/usr/share/i18n/locales/es_ES").exists() {
        apt_install(&["locales"])?;
    }
    ensure_geckodriver()
}

pub fn geckodriver_path() -> PathBuf {
    cmd::cargo_home().join("bin/geckodriver")
}

fn ensure_geckodriver() -> Result<(), String> {
    if version_of(&geckodriver_path()).contains(GECKODRIVER_VERSION) {
        return Ok(());
    }
    println!("xtask: installing geckodriver {GECKODRIVER_VERSION} (about 3 minutes, once)");
    cargo_install(
        &[&format!("geckodriver@{GECKODRIVER_VERSION}"), "--locked"],
        "1",
    )
}

/// Installs each package whose program is not on PATH. Needs root (or sudo).
pub fn ensure_debian_packages(programs_and_packages: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = programs_and_packages
        .iter()
        .filter(|(program, _)| which(program).is_none())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing)
}

/// `apt-get install -y` of `packages` (after an update), as root or through sudo.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("xtask: installing Debian packages: {}", packages.join(" "));
    let root_user = cmd::output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if root_user {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    cmd::run(&mut apt(&["update"]))?;
    let mut args = vec!["install", "-y"];
    args.extend(packages);
    cmd::run(&mut apt(&args))
}

pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_npm_lock_pins_the_version_xtask_asks_for() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for (name, version) in [
            ("terser", TERSER_VERSION.to_owned()),
            ("binaryen", format!("{BINARYEN_VERSION}.0.0")),
            ("axe-core", crate::axe::AXE_CORE_VERSION.to_owned()),
            (
                "lighthouse",
                crate::bench::browser::LIGHTHOUSE_VERSION.to_owned(),
            ),
            (
                "chrome-remote-interface",
                crate::bench::browser::CRI_VERSION.to_owned(),
            ),
        ] {
            let pins = npm_pins(&root, name);
            let lock = std::fs::read_to_string(pins.join("package-lock.json")).unwrap();
            assert!(lock_pins(&lock, name, &version), "{name} {version}");
            let manifest = std::fs::read_to_string(pins.join("package.json")).unwrap();
            assert!(
                manifest.contains(&format!("\"{name}\": \"{version}\"")),
                "{name}: package.json should ask for exactly {version}"
            );
            // No package in the tree may need an install script: they are never run.
            assert!(!lock.contains("hasInstallScript"), "{name}");
        }
    }
}
