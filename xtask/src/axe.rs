//! axe-core, the accessibility rules engine the browser tests inject into each page
//! (`tests/support/axe.rs`), installed from npm into `.tools/axe-core` at an exact version so
//! every machine judges the pages by the same rules.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cmd, tools};

/// The newest 4.x on npm when it was pinned; its rules cover the WCAG 2.2 AA tag the tests use.
pub const AXE_CORE_VERSION: &str = "4.14.1";

/// The script the browser tests inject; `cargo xtask test` hands it to them as `MEETINGS_AXE_JS`.
pub fn axe_js(root: &Path) -> PathBuf {
    root.join(".tools/axe-core/node_modules/axe-core/axe.min.js")
}

/// Whether the installed package's manifest names exactly our version (npm writes it as
/// `"version": "x.y.z"`).
fn is_pinned_version(root: &Path) -> bool {
    let manifest = root.join(".tools/axe-core/node_modules/axe-core/package.json");
    std::fs::read_to_string(manifest)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")))
}

/// Installs axe-core unless that exact version is already there.
pub fn ensure_axe_core(root: &Path) -> Result<PathBuf, String> {
    let js = axe_js(root);
    if js.is_file() && is_pinned_version(root) {
        return Ok(js);
    }
    tools::ensure_debian_packages(&[("npm", "npm"), ("node", "nodejs")])?;
    let dir = root.join(".tools/axe-core");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    println!("xtask: installing axe-core {AXE_CORE_VERSION} from npm");
    cmd::run(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args([
                "--no-audit",
                "--no-fund",
                "--no-save",
                &format!("axe-core@{AXE_CORE_VERSION}"),
            ]),
    )?;
    if js.is_file() {
        Ok(js)
    } else {
        Err(format!(
            "axe-core installed, but {} is missing",
            js.display()
        ))
    }
}
