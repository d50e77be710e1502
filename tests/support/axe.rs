//! axe-core in the page under test: WCAG 2.2 A/AA rules, in the light and the dark colour
//! scheme. `cargo xtask test` installs the pinned axe-core (xtask/src/axe.rs) and passes its
//! script as `MEETINGS_AXE_JS`.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::wd::WebDriverCompatibleCommand;

use super::{Browser, Engine};

/// The rule sets the pages must pass: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
pub const WCAG_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// The rules that depend on colours, run again once the page is in its dark scheme.
const COLOUR_RULES: &[&str] = &["color-contrast", "link-in-text-block"];

fn axe_js_path() -> PathBuf {
    std::env::var_os("MEETINGS_AXE_JS")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(".tools/axe-core/node_modules/axe-core/axe.min.js")
        })
}

fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = axe_js_path();
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read axe-core at {}: {e} (`cargo xtask test` installs it)",
                path.display()
            )
        })
    })
}

/// A Chrome DevTools Protocol command through chromedriver's `goog/cdp/execute` endpoint:
/// WebDriver itself cannot emulate media features such as `prefers-color-scheme`.
#[derive(Debug)]
pub struct Cdp {
    pub cmd: &'static str,
    pub params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

impl Browser {
    /// Sends one DevTools command to this browser's page.
    pub async fn devtools(&self, cmd: &'static str, params: serde_json::Value) {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .expect("a DevTools command");
    }

    /// Makes the page see `prefers-color-scheme: <scheme>` (and reduced motion, so colour
    /// transitions are over before anything is measured).
    pub async fn emulate_scheme(&self, scheme: Scheme) {
        self.client
            .issue_cmd(Cdp {
                cmd: "Emulation.setEmulatedMedia",
                params: serde_json::json!({ "features": [
                    { "name": "prefers-color-scheme", "value": scheme.name() },
                    { "name": "prefers-reduced-motion", "value": "reduce" },
                ] }),
            })
            .await
            .expect("emulate the colour scheme");
        let applied = self
            .client
            .execute(
                "return matchMedia('(prefers-color-scheme: ' + arguments[0] + ')').matches",
                vec![scheme.name().into()],
            )
            .await
            .expect("read the colour scheme");
        assert_eq!(
            applied,
            serde_json::json!(true),
            "{} scheme not applied",
            scheme.name()
        );
        // Buttons fade their background (a CSS transition). Even at reduced motion's 0.01 ms a
        // transition only ends on a later animation tick, and on a loaded machine axe has been
        // seen reading a button mid-way: dark text on the light background. So the scheme's
        // transitions are run to their end, then two frames let styles settle before axe reads
        // colours.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.getAnimations().forEach((animation) => animation.finish());
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("wait two frames");
    }

    /// Puts axe-core into the page unless it is already there (a client-side navigation keeps
    /// it; a full load does not). The script is the body of the executed function, not passed
    /// to `eval`, so the app's Content-Security-Policy does not stand in the way.
    async fn inject_axe(&self) {
        let present = self
            .client
            .execute("return typeof window.axe === 'object'", vec![])
            .await
            .expect("look for axe");
        if present == serde_json::json!(true) {
            return;
        }
        let script = format!("{}\n;return typeof window.axe === 'object';", axe_source());
        let loaded = self
            .client
            .execute(&script, vec![])
            .await
            .expect("inject axe-core");
        assert_eq!(loaded, serde_json::json!(true), "axe-core did not load");
    }

    async fn run_axe(&self, run_only: serde_json::Value) -> Vec<String> {
        self.inject_axe().await;
        let outcome = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: arguments[0], resultTypes: ['violations'] })
                   .then(
                     r => done({ violations: r.violations.map(v => ({
                       id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.map(n => ({
                         target: n.target.join(' '),
                         summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240),
                       })),
                     })) }),
                     e => done({ error: String(e) }));",
                vec![run_only],
            )
            .await
            .expect("run axe");
        if let Some(error) = outcome.get("error") {
            panic!("axe.run failed: {error}");
        }
        outcome["violations"]
            .as_array()
            .expect("axe's violations")
            .iter()
            .map(|v| {
                let mut line = format!(
                    "{} ({}): {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                );
                for node in v["nodes"].as_array().into_iter().flatten() {
                    line.push_str(&format!(
                        "\n      at {} — {}",
                        node["target"].as_str().unwrap_or("?"),
                        node["summary"].as_str().unwrap_or(""),
                    ));
                }
                line
            })
            .collect()
    }

    /// Every WCAG 2.2 A/AA violation axe finds on the page as it is now, in the light scheme,
    /// plus the colour rules again in the dark scheme; one line per rule, each listing its
    /// impact, help text and the selectors of the offending elements. Empty when clean.
    /// WebKit and Firefox have no DevTools command to switch the scheme: there the page is
    /// audited as it is (light); its dark colours are Chromium's to check.
    pub async fn audit(&self, state: &str) -> Vec<String> {
        let mut found = Vec::new();
        if self.engine != Engine::Chromium {
            let wcag = serde_json::json!({ "type": "tag", "values": WCAG_TAGS });
            for violation in self.run_axe(wcag).await {
                found.push(format!("[{state}, {}] {violation}", self.engine.name()));
            }
            return found;
        }
        self.emulate_scheme(Scheme::Light).await;
        let wcag = serde_json::json!({ "type": "tag", "values": WCAG_TAGS });
        for violation in self.run_axe(wcag).await {
            found.push(format!("[{state}, light] {violation}"));
        }
        self.emulate_scheme(Scheme::Dark).await;
        let colours = serde_json::json!({ "type": "rule", "values": COLOUR_RULES });
        for violation in self.run_axe(colours).await {
            found.push(format!("[{state}, dark] {violation}"));
        }
        self.emulate_scheme(Scheme::Light).await;
        found
    }

    /// Fails at once, listing each violation, unless the page passes `audit`.
    pub async fn assert_accessible(&self, state: &str) {
        let found = self.audit(state).await;
        assert!(
            found.is_empty(),
            "axe-core found {} WCAG 2.2 A/AA violation(s):\n  {}",
            found.len(),
            found.join("\n  ")
        );
    }
}
