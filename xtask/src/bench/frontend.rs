//! Front-end transfer: the app's first load (brotli) against the budget and against the
//! floor of the design card's stack, a bare Leptos 0.8 CSR app with leptos_router and one route, built the same way.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::BuildTools;
use crate::{app_build, cmd};

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub brotli: u64,
}

pub struct Frontend {
    pub app: Vec<FileSize>,
    pub floor: Result<Vec<FileSize>, String>,
}

pub fn total(files: &[FileSize]) -> u64 {
    files.iter().map(|f| f.brotli).sum()
}

pub fn measure(root: &Path, tools: &BuildTools) -> Result<Frontend, String> {
    // The floor first: it does not depend on the app building (others may be mid-edit).
    let floor = build_floor(root, tools).and_then(|dist| sizes(&dist));
    app_build::build_dist(root, tools).map_err(|e| {
        let floor = match &floor {
            Ok(f) => format!("{} B brotli", total(f)),
            Err(e) => format!("not measured ({e})"),
        };
        format!("the app did not build: {e}; the bare Leptos floor measured {floor}")
    })?;
    let app = sizes(&app_build::release_dir(root))?;
    if let Err(e) = &floor {
        println!("xtask: the bare Leptos floor was not measured: {e}");
    }
    Ok(Frontend { app, floor })
}

fn sizes(dist: &Path) -> Result<Vec<FileSize>, String> {
    app_build::first_load_files(dist)?
        .into_iter()
        .map(|path| {
            let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(FileSize {
                name: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                raw: data.len() as u64,
                brotli: app_build::brotli_bytes(&data).len() as u64,
            })
        })
        .collect()
}

/// Builds bench/bare-leptos with trunk exactly as the app is built; returns its dist.
fn build_floor(root: &Path, tools: &BuildTools) -> Result<PathBuf, String> {
    let fixture = root.join("bench/bare-leptos");
    // The app's own target directory: the floor's standard library, rebuilt by build-std with
    // the very same flags, is then compiled once for both.
    let target = root.join("target");
    let dist = target.join("bench-bare/dist");
    // The fixture's wasm-bindgen must be the one the installed CLI matches (the app's).
    let app_version = crate::tools::locked_wasm_bindgen_version(root)?;
    let floor_version = crate::tools::locked_wasm_bindgen_version(&fixture)?;
    if app_version != floor_version {
        return Err(format!(
            "bench/bare-leptos locks wasm-bindgen {floor_version}, the app {app_version}: pin the same in bench/bare-leptos/Cargo.toml"
        ));
    }
    // trunk builds offline; the fixture has its own lock file, so fetch its crates first.
    cmd::run(cmd::cargo(&fixture).args(["fetch", "--locked"]))?;
    cmd::run(
        Command::new(cmd::cargo_home().join("bin/trunk"))
            .current_dir(&fixture)
            .args(["build", "--release", "--offline", "--dist"])
            .arg(&dist)
            .envs(crate::app_build::release_wasm_env())
            .env("PATH", cmd::path_with(&tools.path))
            .env("CARGO_TARGET_DIR", &target)
            .env("TRUNK_BUILD_OFFLINE", "true"),
    )?;
    crate::app_build::shrink_glue(root, &dist)?;
    Ok(dist)
}
