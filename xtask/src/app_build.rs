//! Builds the app with trunk (release, offline), precompresses it for the backend to serve,
//! and measures what a first visit transfers against the budget.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::tools::BuildTools;

/// First-load transfer budget (HTML + CSS + JS + wasm, brotli): 120 KB from issue 5, 160 KB
/// from issue 14 (leptos_router and five pages). The build, and so `cargo xtask test`, fails
/// above it, as does `cargo xtask size`.
///
/// With leptos_router (issue 14): 180.9 KB at first, 156.9 KB after `FlatRoutes` in place of
/// nested `Routes` (10.2 KB), one non-generic form for create and change, pages that read
/// their own `:id`, and no `Action` or `LocalResource`. `cargo xtask size` prints the figure now.
/// What the 120 KB budget took, from 205.9 KB (each measured on the app): the wasm built
/// by a pinned nightly with the standard library rebuilt to abort on panic, with
/// `erase_components` and without `Debug` formatting (`release_wasm_env`); times on the wire
/// read and written by hand (`meeting::wire_time`); no router crate then (36.6 KB);
/// JSON through the browser's own parser (`src/json.rs`); no `LocalResource` (7.7 KB); short
/// import names and a minified glue (`shrink_glue`). Code splitting would not have done it:
/// a build without the created and details pages was only 11 KB smaller.
pub const BUDGET_BYTES: u64 = 160 * 1024;

const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "wasm",
    "css",
    "svg",
    "json",
    "txt",
    "webmanifest",
];

/// Where the release build goes, under `target/` and not in trunk's own `dist/`: `trunk serve`
/// rebuilds `dist/` (a debug build) on every change, and a backend started from it would pick
/// that up on its next start. Kept apart, a designer's `trunk serve` and the backend's release
/// build live side by side in one checkout. The backend's default `MEETINGS_DIST` is the same.
pub const RELEASE_DIR: &str = "target/app";

pub fn release_dir(root: &Path) -> PathBuf {
    root.join(RELEASE_DIR)
}

pub fn build(root: &Path, tools: &BuildTools) -> Result<(), String> {
    build_dist(root, tools)?;
    report_size(root).map(drop)
}

/// trunk and precompression only, without the budget check (`cargo xtask bench` reports the
/// size whatever it is).
pub fn build_dist(root: &Path, tools: &BuildTools) -> Result<(), String> {
    cmd::run(
        Command::new(cmd::cargo_home().join("bin/trunk"))
            .current_dir(root)
            .args(["build", "--release", "--offline", "--dist", RELEASE_DIR])
            .envs(release_wasm_env())
            .env("PATH", cmd::path_with(&tools.path))
            // trunk must never try GitHub; with these set it fails loudly instead.
            .env("TRUNK_BUILD_OFFLINE", "true"),
    )?;
    shrink_glue(root, &release_dir(root))?;
    precompress(&release_dir(root))
}

/// Makes trunk's release output smaller still, for the app and the bench's floor alike: short
/// import and export names in the wasm and its glue (binaryen's, with the glue made to follow:
/// `wasm_names`) and the glue minified by terser; then both files are named after their final
/// bytes and index.html's names and `integrity` hashes brought up to date. Measured on the
/// app with the import renamer that came before binaryen's: wasm −2.5 KB, glue −3.3 KB,
/// brotli (`wasm_names` has the figures of both). Fails first on a wasm-bindgen version the
/// rewriting was not tested with.
pub fn shrink_glue(root: &Path, dist: &Path) -> Result<(), String> {
    crate::wasm_names::check_wasm_bindgen(&crate::tools::locked_wasm_bindgen_version(root)?)?;
    let wasm_path = files(dist)
        .into_iter()
        .find(|path| path.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or_else(|| format!("no *_bg.wasm in {}", dist.display()))?;
    let wasm_name = file_name(&wasm_path);
    let js_name = format!("{}.js", wasm_name.trim_end_matches("_bg.wasm"));
    let js_path = dist.join(&js_name);
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let js = String::from_utf8(read(&js_path)?).map_err(|_| format!("{js_name} is not UTF-8"))?;
    let (js, renamed) = crate::wasm_names::shorten(&crate::tools::wasm_opt(root), &wasm_path, &js)?;
    println!("xtask: {renamed} import and export names shortened");
    let write = |path: &Path, data: &[u8]| {
        std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(&js_path, js.as_bytes())?;

    let terser = crate::tools::ensure_npm_package(root, "terser", crate::tools::TERSER_VERSION)?
        .join("node_modules/terser/bin/terser");
    let minified = dist.join(format!("{js_name}.min"));
    cmd::run(
        Command::new("node")
            .arg(terser)
            .arg(&js_path)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&minified),
    )?;
    std::fs::rename(&minified, &js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;

    // trunk named both files after a hash of what it wrote, and the backend serves them as
    // immutable: new bytes under an old name would meet a stale copy in someone's cache. So
    // both are named again after a hash of their final bytes (together: they must match).
    let (js, wasm) = (read(&js_path)?, read(&wasm_path)?);
    let old_stem = js_name.trim_end_matches(".js").to_owned();
    let new_stem = format!(
        "{}-{}",
        product_name(&old_stem),
        content_hash(&[&js, &wasm])
    );
    let (new_js, new_wasm) = (format!("{new_stem}.js"), format!("{new_stem}_bg.wasm"));
    for (from, to) in [(&js_path, &new_js), (&wasm_path, &new_wasm)] {
        std::fs::rename(from, dist.join(to)).map_err(|e| format!("{}: {e}", from.display()))?;
    }

    let index = dist.join("index.html");
    let html =
        String::from_utf8(read(&index)?).map_err(|_| "index.html is not UTF-8".to_owned())?;
    if !html.contains(&old_stem) {
        return Err(format!("index.html does not name {old_stem}"));
    }
    let html = html.replace(&old_stem, &new_stem);
    // The loader in index.html (Trunk.toml's `pattern_script`) names both files; one left
    // unnamed would leave the page on "Loading…".
    for name in [&new_js, &new_wasm] {
        if !html.contains(&format!("/{name}")) {
            return Err(format!("index.html does not load /{name}"));
        }
    }
    write(&index, html.as_bytes())
}

/// `meetings-app` of trunk's `meetings-app-0123456789abcdef`.
fn product_name(stem: &str) -> &str {
    stem.rsplit_once('-').map_or(stem, |(product, _)| product)
}

/// 16 hex digits of the SHA-256 of the parts, in order, as trunk's own file hashes.
fn content_hash(parts: &[&[u8]]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// How the release wasm is compiled, for the app and for the bench's bare-Leptos floor alike:
/// - the pinned nightly rebuilds the standard library so that a panic aborts at once, with no
///   message formatting compiled in (release builds keep no panic hook either);
/// - `erase_components` type-erases each Leptos component's view, so fewer generic copies;
/// - `-Zfmt-debug=none` compiles every `Debug` implementation to nothing and
///   `-Zlocation-detail=none` drops source locations: with panics aborting at once nothing in
///   a release build prints them (`{:?}` appears in tests only).
///
/// Measured on this app, brotli wasm: 195.8 KB as before, 179.6 KB with the first, 175.6 KB
/// with the second; later, 170.5 KB → 167.4 KB with the last two (and 0.6 KB less JS glue).
/// trunk passes the environment on to cargo, so nothing else changes.
pub fn release_wasm_env() -> [(&'static str, &'static str); 3] {
    [
        ("RUSTUP_TOOLCHAIN", crate::tools::WASM_TOOLCHAIN),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
        (
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort --cfg erase_components \
             -Zfmt-debug=none -Zlocation-detail=none",
        ),
    ]
}

/// The debug build with the designer demo, into `target/demo-dist` (not `dist/`), for the
/// demo browser test (tests/e2e_demo.rs), which also checks the release build lacks it.
pub fn build_demo_dist(root: &Path, tools: &BuildTools) -> Result<PathBuf, String> {
    let dist = root.join("target/demo-dist");
    let started = std::time::Instant::now();
    cmd::run(
        Command::new(cmd::cargo_home().join("bin/trunk"))
            .current_dir(root)
            .arg("build")
            .arg("--offline")
            .arg("--dist")
            .arg(&dist)
            .env("PATH", cmd::path_with(&tools.path))
            .env("TRUNK_BUILD_OFFLINE", "true"),
    )?;
    println!(
        "xtask: demo build in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(dist)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub fn brotli_bytes(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(data).expect("in-memory write");
    }
    out
}

fn gzip_bytes(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("in-memory write");
    encoder.finish().expect("in-memory write")
}

/// Writes `file.br` and `file.gz` beside each text or wasm file, for `ServeDir`'s
/// precompressed mode: compressing once at build time beats compressing every response.
fn precompress(dist: &Path) -> Result<(), String> {
    for path in files(dist) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (suffix, compressed) in [("br", brotli_bytes(&data)), ("gz", gzip_bytes(&data))] {
            let target = PathBuf::from(format!("{}.{suffix}", path.display()));
            std::fs::write(&target, compressed)
                .map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// The files a first visit loads: index.html and what it links with `href`/`src`
/// (trunk writes both the preload links and the module script).
pub fn first_load_files(dist: &Path) -> Result<Vec<PathBuf>, String> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|_| format!("{} is missing: build the app first", index.display()))?;
    let mut found = vec![index];
    for path in files(dist) {
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ["js", "wasm", "css"].contains(&ext) && html.contains(&format!("/{name}")) {
            found.push(path);
        }
    }
    Ok(found)
}

/// Prints the sizes and fails above the budget.
pub fn report_size(root: &Path) -> Result<u64, String> {
    within_budget(measure(root)?)
}

fn within_budget(total: u64) -> Result<u64, String> {
    if total > BUDGET_BYTES {
        return Err(format!(
            "the app's first load is {total} B brotli, over the {BUDGET_BYTES} B budget by {} B",
            total - BUDGET_BYTES
        ));
    }
    Ok(total)
}

/// Prints each first-load file's size (raw and brotli) and the total against the budget.
fn measure(root: &Path) -> Result<u64, String> {
    let dist = release_dir(root);
    let mut total = 0;
    println!("xtask: first-load transfer (brotli -q 11)");
    for path in first_load_files(&dist)? {
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let compressed = brotli_bytes(&data).len() as u64;
        total += compressed;
        println!(
            "  {:<48} {:>9} B raw {:>8} B brotli",
            path.file_name().unwrap_or_default().to_string_lossy(),
            data.len(),
            compressed
        );
    }
    println!(
        "  {:<48} {:>28} B brotli ({:.1} KB of the {} KB budget)",
        "total",
        total,
        total as f64 / 1024.0,
        BUDGET_BYTES / 1024
    );
    if total > BUDGET_BYTES {
        println!(
            "  over the budget by {} B ({:.1} KB): see the note in xtask/src/app_build.rs",
            total - BUDGET_BYTES,
            (total - BUDGET_BYTES) as f64 / 1024.0
        );
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::{content_hash, product_name, within_budget, BUDGET_BYTES, RELEASE_DIR};

    /// The backend and the browser tests default to the directory the release build goes to,
    /// and it is not the one `trunk serve` rebuilds (`Trunk.toml`'s `dist`).
    #[test]
    fn the_release_build_has_a_directory_trunk_serve_does_not_touch() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let quoted = format!("\"{RELEASE_DIR}\"");
        assert!(read("server/src/config.rs").contains(&quoted));
        assert!(read("tests/support/mod.rs").contains(&quoted));
        let trunk = read("Trunk.toml");
        let serve_dist = trunk
            .lines()
            .find_map(|line| line.trim().strip_prefix("dist = "))
            .expect("Trunk.toml names its dist");
        assert_eq!(serve_dist, "\"dist\"");
        assert!(!RELEASE_DIR.starts_with("dist"));
    }

    #[test]
    fn shrunk_files_are_named_after_their_final_bytes() {
        assert_eq!(
            product_name("meetings-app-0123456789abcdef"),
            "meetings-app"
        );
        assert_eq!(product_name("app"), "app");
        // SHA-256 of "abc" begins ba7816bf8f01cfea.
        assert_eq!(content_hash(&[b"a", b"bc"]), "ba7816bf8f01cfea");
        assert_ne!(content_hash(&[b"abc", b"d"]), content_hash(&[b"abc", b"e"]));
    }

    #[test]
    fn the_budget_is_160_kb_and_one_byte_more_fails() {
        assert_eq!(within_budget(163_840), Ok(163_840));
        let over = within_budget(BUDGET_BYTES + 1).unwrap_err();
        assert!(over.contains("over the 163840 B budget by 1 B"), "{over}");
    }
}
