//! axe-core, the accessibility rules engine the browser tests inject into each page
//! (`tests/support/axe.rs`), installed from npm into `.tools/axe-core` at an exact version so
//! every machine judges the pages by the same rules.

use std::path::{Path, PathBuf};

use crate::tools;

/// The newest 4.x on npm when it was pinned; its rules cover the WCAG 2.2 AA tag the tests use.
pub const AXE_CORE_VERSION: &str = "4.14.1";

/// The script the browser tests inject; `cargo xtask test` hands it to them as `MEETINGS_AXE_JS`.
pub fn axe_js(root: &Path) -> PathBuf {
    root.join(".tools/axe-core/node_modules/axe-core/axe.min.js")
}

/// Installs axe-core unless that exact version is already there.
pub fn ensure_axe_core(root: &Path) -> Result<PathBuf, String> {
    tools::ensure_npm_package(root, "axe-core", AXE_CORE_VERSION)?;
    let js = axe_js(root);
    if js.is_file() {
        Ok(js)
    } else {
        Err(format!(
            "axe-core installed, but {} is missing",
            js.display()
        ))
    }
}
