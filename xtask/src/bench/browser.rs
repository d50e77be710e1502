//! The front end in a real browser (Debian's Chromium), served by the real release backend
//! and signed in through the real sign-in: Lighthouse 12.2.3 in its default mobile profile on
//! the create page, a real meeting's details page and the upcoming-meetings list, and the time from navigation to an
//! interactive create form with 4× CPU throttling (`bench/browser/interactive.cjs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::backend::{self, Binaries};
use crate::{cmd, tools};

pub const LIGHTHOUSE_VERSION: &str = "12.2.3";
/// The DevTools-protocol client of the interactive-form timing: small (ws and commander), no
/// browser download, unlike puppeteer.
pub const CRI_VERSION: &str = "0.34.0";
pub const CHROME_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu";
pub const INTERACTIVE_RUNS: usize = 10;

pub struct Page {
    pub what: &'static str,
    pub path: String,
    pub result: Result<Summary, String>,
}

/// What `bench/browser/lighthouse_summary.cjs` read out of one Lighthouse report.
#[derive(Default)]
pub struct Summary {
    pub scores: Vec<(String, Option<u32>)>,
    pub metrics: Vec<(String, f64)>,
    pub failing: Vec<String>,
    pub unscored: Vec<String>,
    pub opportunities: Vec<String>,
    pub diagnostics: Vec<String>,
    pub errored: Vec<String>,
    pub lcp_element: Option<String>,
    pub warnings: Vec<String>,
}

impl Summary {
    pub fn score(&self, category: &str) -> Option<u32> {
        self.scores
            .iter()
            .find(|(c, _)| c == category)
            .and_then(|(_, s)| *s)
    }

    pub fn metric(&self, id: &str) -> Option<f64> {
        self.metrics.iter().find(|(m, _)| m == id).map(|(_, v)| *v)
    }
}

pub struct Interactive {
    pub runs_ms: Vec<f64>,
    /// Every run's layout shifts: `<run> <score> <time ms> <elements>`.
    pub shifts: Vec<String>,
}

impl Interactive {
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.runs_ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }

    pub fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
}

pub struct Browser {
    pub chromium: String,
    pub node: String,
    pub pages: Vec<Page>,
    pub interactive: Result<Interactive, String>,
}

struct Tools {
    chromium: PathBuf,
    lighthouse: PathBuf,
    cri_modules: PathBuf,
}

/// Chromium from Debian, Node from Debian, the two npm packages into `.tools/`.
fn ensure_tools(root: &Path) -> Result<Tools, String> {
    tools::ensure_debian_packages(&[("chromium", "chromium"), ("node", "nodejs"), ("npm", "npm")])?;
    let lighthouse = tools::ensure_npm_package(root, "lighthouse", LIGHTHOUSE_VERSION)?;
    let cri = tools::ensure_npm_package(root, "chrome-remote-interface", CRI_VERSION)?;
    Ok(Tools {
        chromium: tools::which("chromium").ok_or("chromium is not on PATH")?,
        lighthouse: lighthouse.join("node_modules/lighthouse/cli/index.js"),
        cri_modules: cri.join("node_modules"),
    })
}

pub fn measure(root: &Path, bins: &Binaries, work: &Path) -> Result<Browser, String> {
    let tools = ensure_tools(root)?;
    let version = |program: &Path| {
        // The first line: Debian's chromium wrapper script may print shell noise after it.
        cmd::output(Command::new(program).arg("--version"))
            .and_then(|v| v.lines().next().map(|l| l.trim().to_owned()))
            .unwrap_or_else(|| "unknown".into())
    };
    let server = backend::start_backend(root, bins, work, "backend-browser", &[])?;
    let session = backend::sign_in(server.port, backend::ORGANIZER)?;
    let meeting = backend::create_meeting(server.port, &session)?;
    let cookie = format!("{}={session}", backend::SESSION_COOKIE);
    let origin = format!("http://127.0.0.1:{}", server.port);

    let mut pages = Vec::new();
    for (what, path) in [
        ("create page", "/".to_owned()),
        ("details page", format!("/meetings/{meeting}")),
        ("upcoming meetings page", "/meetings".to_owned()),
    ] {
        let result = lighthouse(
            root,
            &tools,
            work,
            &format!("{origin}{path}"),
            &cookie,
            what,
        );
        if let Err(e) = &result {
            println!("xtask: Lighthouse on {path} failed: {e}");
        }
        pages.push(Page { what, path, result });
    }
    let interactive = interactive(root, &tools, &format!("{origin}/"), &cookie);
    if let Err(e) = &interactive {
        println!("xtask: interactive-form timing failed: {e}");
    }
    Ok(Browser {
        chromium: version(&tools.chromium),
        node: version(Path::new("node")),
        pages,
        interactive,
    })
}

fn lighthouse(
    root: &Path,
    tools: &Tools,
    work: &Path,
    url: &str,
    cookie: &str,
    what: &str,
) -> Result<Summary, String> {
    let slug = what.replace(' ', "-");
    let report = work.join(format!("lighthouse-{slug}.json"));
    let profile = work.join(format!("chromium-profile-{slug}"));
    let _ = std::fs::remove_dir_all(&profile);
    // The session cookie reaches Lighthouse in a file, not on a command line others can read;
    // removed right after the run.
    let headers = work.join("lighthouse-headers.json");
    std::fs::write(&headers, format!("{{\"Cookie\":\"{cookie}\"}}"))
        .map_err(|e| format!("{}: {e}", headers.display()))?;
    let mut command = Command::new("node");
    command
        .arg(&tools.lighthouse)
        .arg(url)
        .args([
            "--output=json",
            "--quiet",
            "--only-categories=performance,accessibility,best-practices",
        ])
        .arg(format!("--output-path={}", report.display()))
        .arg(format!("--extra-headers={}", headers.display()))
        .arg(format!(
            "--chrome-flags={CHROME_FLAGS} --user-data-dir={}",
            profile.display()
        ))
        .env("CHROME_PATH", &tools.chromium);
    let ran = cmd::run(&mut command);
    let _ = std::fs::remove_file(&headers);
    let _ = std::fs::remove_dir_all(&profile);
    ran?;
    let summary_script = root.join("bench/browser/lighthouse_summary.cjs");
    let text = cmd::output(Command::new("node").arg(summary_script).arg(&report))
        .ok_or_else(|| format!("cannot read {}", report.display()))?;
    Ok(parse_summary(&text))
}

fn parse_summary(text: &str) -> Summary {
    let mut s = Summary::default();
    for line in text.lines() {
        let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
        match kind {
            "score" => {
                if let Some((category, value)) = rest.split_once(' ') {
                    s.scores.push((category.to_owned(), value.parse().ok()));
                }
            }
            "metric" => {
                if let Some((id, value)) = rest.split_once(' ') {
                    if let Ok(v) = value.parse() {
                        s.metrics.push((id.to_owned(), v));
                    }
                }
            }
            "fail" => s.failing.push(rest.to_owned()),
            "unscored" => s.unscored.push(rest.to_owned()),
            "opportunity" => s.opportunities.push(rest.to_owned()),
            "diagnostic" => s.diagnostics.push(rest.to_owned()),
            "errored" => s.errored.push(rest.to_owned()),
            "lcp-element" => s.lcp_element = Some(rest.to_owned()),
            "warning" => s.warnings.push(rest.to_owned()),
            _ => {}
        }
    }
    s
}

fn interactive(root: &Path, tools: &Tools, url: &str, cookie: &str) -> Result<Interactive, String> {
    println!("xtask: {INTERACTIVE_RUNS} throttled navigations to the create form");
    let out = Command::new("node")
        .arg(root.join("bench/browser/interactive.cjs"))
        .arg(url)
        .arg(cookie)
        .arg(INTERACTIVE_RUNS.to_string())
        .env("CHROME_PATH", &tools.chromium)
        .env("NODE_PATH", &tools.cri_modules)
        .output()
        .map_err(|e| format!("cannot start node: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.lines().any(|l| l == "ok") {
        return Err(format!(
            "interactive.cjs failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let runs_ms: Vec<f64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("run "))
        .filter_map(|v| v.parse().ok())
        .collect();
    if runs_ms.len() != INTERACTIVE_RUNS {
        return Err(format!("expected {INTERACTIVE_RUNS} runs, read {stdout}"));
    }
    let shifts = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("shift "))
        .map(str::to_owned)
        .collect();
    Ok(Interactive { runs_ms, shifts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_lighthouse_summary() {
        let s = parse_summary(
            "score performance 97\nscore accessibility 100\nmetric largest-contentful-paint 1234.5\nfail performance largest-contentful-paint 88 Largest Contentful Paint — 1.2 s\nlcp-element <h1>\n",
        );
        assert_eq!(s.score("performance"), Some(97));
        assert_eq!(s.score("best-practices"), None);
        assert_eq!(s.metric("largest-contentful-paint"), Some(1234.5));
        assert_eq!(s.failing.len(), 1);
        assert_eq!(s.lcp_element.as_deref(), Some("<h1>"));
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let odd = Interactive {
            runs_ms: vec![3.0, 1.0, 2.0],
            shifts: Vec::new(),
        };
        assert_eq!((odd.median(), odd.min(), odd.max()), (2.0, 1.0, 3.0));
        let even = Interactive {
            runs_ms: vec![4.0, 1.0, 2.0, 3.0],
            shifts: Vec::new(),
        };
        assert_eq!(even.median(), 2.5);
    }
}
